/*
 * mnrstat plot KIND: draw a chart with gnuplot (CLI layer: options,
 * messages, exit codes; the script is built by the library).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_util.h"
#include "cli_plot.h"
#include "mnrstat/fields.h"
#include "mnrstat/panel.h"
#include "mnrstat/plot.h"

static const char plot_help[] =
	"\n"
	"Kinds and their input:\n"
	"  series PANEL.csv        one country's monthly series of one metric\n"
	"                          (--metric, --country; --intervention YYYY-MM)\n"
	"  multiples PANEL.csv     one metric across countries, small multiples\n"
	"                          (--metric; --country repeatable, default all;\n"
	"                          --adoption FILE draws each country's start)\n"
	"  its FILE.csv            month,observed[,fitted][,counterfactual]\n"
	"                          [,cf_low,cf_high][,segment]\n"
	"  released FILE.csv       month,value,low,high (released noisy values and\n"
	"                          the exact interval of the noise)\n"
	"  before-after FILE.csv   label,period,estimate,ci_low,ci_high\n"
	"                          (period: before or after)\n"
	"  event-study FILE.csv    event_time,estimate,ci_low,ci_high\n"
	"                          [,band_low,band_high]\n"
	"  km FILE.csv             group,time,surv[,lower,upper][,censored]\n"
	"Months are YYYY-MM; empty cells are missing values, drawn as gaps.\n"
	"\n"
	"Options:\n"
	"  -o, --out PATH          image to write, .svg or .png (required); the\n"
	"                          gnuplot script is kept next to it as PATH.gp\n"
	"      --metric NAME       metric to draw (series, multiples)\n"
	"      --country CODE      ISO 3166-1 alpha-3 country (series; multiples)\n"
	"      --intervention YYYY-MM  vertical line (repeatable)\n"
	"      --adoption FILE     country,mnr_start file (multiples, series)\n"
	"      --title TEXT        chart title (a default is derived)\n"
	"      --subtitle TEXT     second title line\n"
	"      --xlabel TEXT, --ylabel TEXT  axis labels, with units\n"
	"      --time-unit TEXT    km: unit of time (default hours)\n"
	"      --reference X       before-after: reference line at X\n"
	"      --synthetic         say \"synthetic data\" in the provenance line\n"
	"      --epsilon E         say \"differentially private, epsilon = E\"\n"
	"      --privacy TEXT      free provenance note instead of the two above\n"
	"      --date YYYY-MM-DD   date in the provenance line (default: today, or\n"
	"                          SOURCE_DATE_EPOCH when set)\n"
	"      --width PX, --height PX  image size (default 800 x 500)\n"
	"      --gnuplot PATH      gnuplot program (default $MNR_GNUPLOT, else\n"
	"                          gnuplot on PATH)\n"
	"      --col NAME=HEADER   read column NAME from header HEADER\n"
	"  -h, --help              show this help\n"
	"If gnuplot is missing the script is still written and the exit status\n"
	"is 69; install it with 'apt-get install gnuplot-nox'.\n";

enum {
	OPT_METRIC = 256, OPT_COUNTRY, OPT_INTERVENTION, OPT_ADOPTION,
	OPT_TITLE, OPT_SUBTITLE, OPT_XLABEL, OPT_YLABEL, OPT_TIME_UNIT,
	OPT_REFERENCE, OPT_SYNTHETIC, OPT_EPSILON, OPT_PRIVACY, OPT_DATE,
	OPT_WIDTH, OPT_HEIGHT, OPT_GNUPLOT, OPT_COL
};

#define MAX_LIST 48

int cli_plot_date(const char *opt, char *buf, size_t size)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t;
	struct tm tm;

	if (opt) {
		int64_t u;
		struct mnr_error e;

		mnr_error_clear(&e);
		if (strlen(opt) != 10 ||
		    mnr_parse_datetime(opt, 10, &u, NULL, &e) != MNR_OK)
			return -1;
		snprintf(buf, size, "%s", opt);
		return 0;
	}
	if (sde && *sde) {
		long v;

		if (cli_parse_long(sde, 0, 253402300799L, &v) != 0)
			return -1;
		t = (time_t)v;
	} else {
		t = time(NULL);
	}
	if (!gmtime_r(&t, &tm))
		return -1;
	strftime(buf, size, "%Y-%m-%d", &tm);
	return 0;
}

int cli_plot_size(const char *sub, int height, const char *arg, long *px)
{
	if (height && cli_parse_long(arg, 150, 10000, px) != 0)
		return cli_usage_error(sub, "--height wants 150..10000 pixels");
	if (!height && cli_parse_long(arg, 200, 10000, px) != 0)
		return cli_usage_error(sub, "--width wants 200..10000 pixels");
	return 0;
}

const char *cli_plot_gnuplot(const char *opt)
{
	const char *env = getenv("MNR_GNUPLOT");

	if (opt)
		return opt;
	if (env && *env)
		return env;
	return "gnuplot";
}

int cli_plot_render(const char *sub, const char *script, const char *out,
		    const char *gnuplot, const struct cli_context *ctx)
{
	struct mnr_plot_run run;
	struct mnr_plot_status st;
	struct mnr_error err;
	char *gp = NULL;
	int rc;

	mnr_error_clear(&err);
	run.gnuplot = gnuplot;
	run.show_stderr = ctx && ctx->debug;
	rc = mnr_plot_render(script, out, NULL, &run, &st, &err);
	if (rc == MNR_OK)
		return CLI_EX_OK;
	if (rc == MNR_EPLOT) {
		mnr_error_clear(&err);
		if (mnr_plot_script_path(out, &gp, &err) != MNR_OK)
			return cli_report(sub, &err, ctx);
		if (st.gnuplot_missing)
			cli_error(sub, CLI_EX_UNAVAILABLE,
				  "gnuplot not found ('%s'); install it with "
				  "'apt-get install gnuplot-nox' or pass --gnuplot PATH",
				  gnuplot);
		else
			cli_error(sub, CLI_EX_UNAVAILABLE,
				  "gnuplot failed (exit status %d); rerun with "
				  "--debug to see its messages", st.exit_status);
		fprintf(stderr, "mnrstat %s: the script and its data were written "
			"to %s; draw it later with: gnuplot %s\n", sub, gp, gp);
		mnr_plot_script_free(gp);
		return CLI_EX_UNAVAILABLE;
	}
	return cli_report(sub, &err, ctx);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

int cmd_plot(int argc, char **argv, const struct cli_context *ctx)
{
	static const char short_opts[] = "ho:";
	static const struct option long_opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "out", required_argument, NULL, 'o' },
		{ "metric", required_argument, NULL, OPT_METRIC },
		{ "country", required_argument, NULL, OPT_COUNTRY },
		{ "intervention", required_argument, NULL, OPT_INTERVENTION },
		{ "adoption", required_argument, NULL, OPT_ADOPTION },
		{ "title", required_argument, NULL, OPT_TITLE },
		{ "subtitle", required_argument, NULL, OPT_SUBTITLE },
		{ "xlabel", required_argument, NULL, OPT_XLABEL },
		{ "ylabel", required_argument, NULL, OPT_YLABEL },
		{ "time-unit", required_argument, NULL, OPT_TIME_UNIT },
		{ "reference", required_argument, NULL, OPT_REFERENCE },
		{ "synthetic", no_argument, NULL, OPT_SYNTHETIC },
		{ "epsilon", required_argument, NULL, OPT_EPSILON },
		{ "privacy", required_argument, NULL, OPT_PRIVACY },
		{ "date", required_argument, NULL, OPT_DATE },
		{ "width", required_argument, NULL, OPT_WIDTH },
		{ "height", required_argument, NULL, OPT_HEIGHT },
		{ "gnuplot", required_argument, NULL, OPT_GNUPLOT },
		{ "col", required_argument, NULL, OPT_COL },
		{ NULL, 0, NULL, 0 }
	};
	const char *sub = "plot";
	const char *out = NULL, *metric = NULL, *adoption = NULL;
	const char *title = NULL, *subtitle = NULL, *xlabel = NULL;
	const char *ylabel = NULL, *time_unit = "hours", *privacy = NULL;
	const char *date_opt = NULL, *gnuplot_opt = NULL, *epsilon = NULL;
	const char *country[MAX_LIST];
	int interv[MAX_LIST];
	size_t ncountry = 0, ninterv = 0;
	int synthetic = 0, has_ref = 0, c, rc;
	double reference = NAN, eps;
	long width = 0, height = 0;
	struct mnr_colmap map;
	struct mnr_plot_meta meta;
	struct mnr_error err;
	char date[16], privbuf[96], tbuf[256], ybuf[256];
	char *script = NULL;
	const char *kind_name, *input;
	struct mnr_panel *panel = NULL;
	struct mnr_adoption *adopt = NULL;

	memset(&map, 0, sizeof(map));
	cli_getopt_reset(argv, sub);
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cli_help(sub, plot_help);
		case 'o': out = optarg; break;
		case OPT_METRIC: metric = optarg; break;
		case OPT_COUNTRY:
			if (ncountry == MAX_LIST)
				return cli_usage_error(sub, "at most %d --country options",
						       MAX_LIST);
			if (!mnr_country_valid(optarg, strlen(optarg)))
				return cli_usage_error(sub, "--country wants an ISO 3166-1 "
						       "alpha-3 code such as GBR");
			country[ncountry++] = optarg;
			break;
		case OPT_INTERVENTION: {
			struct mnr_error e;

			mnr_error_clear(&e);
			if (ninterv == MAX_LIST)
				return cli_usage_error(sub, "at most %d --intervention options",
						       MAX_LIST);
			if (mnr_parse_month(optarg, strlen(optarg), &interv[ninterv],
					    &e) != MNR_OK)
				return cli_usage_error(sub, "--intervention wants YYYY-MM");
			ninterv++;
			break;
		}
		case OPT_ADOPTION: adoption = optarg; break;
		case OPT_TITLE: title = optarg; break;
		case OPT_SUBTITLE: subtitle = optarg; break;
		case OPT_XLABEL: xlabel = optarg; break;
		case OPT_YLABEL: ylabel = optarg; break;
		case OPT_TIME_UNIT: time_unit = optarg; break;
		case OPT_REFERENCE:
			if (cli_parse_double(optarg, -1e300, 1e300, &reference) != 0)
				return cli_usage_error(sub, "--reference wants a number");
			has_ref = 1;
			break;
		case OPT_SYNTHETIC: synthetic = 1; break;
		case OPT_EPSILON:
			if (cli_parse_double(optarg, 1e-6, 1e6, &eps) != 0)
				return cli_usage_error(sub, "--epsilon wants a positive number");
			epsilon = optarg;
			break;
		case OPT_PRIVACY: privacy = optarg; break;
		case OPT_DATE: date_opt = optarg; break;
		case OPT_WIDTH:
		case OPT_HEIGHT:
			if ((rc = cli_plot_size(sub, c == OPT_HEIGHT, optarg,
						c == OPT_HEIGHT ? &height
								: &width)) != 0)
				return rc;
			break;
		case OPT_GNUPLOT: gnuplot_opt = optarg; break;
		case OPT_COL:
			if ((rc = cli_colmap_add(&map, optarg, sub)) != 0)
				return rc;
			break;
		default:
			return cli_usage_error(sub, "invalid option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return cli_usage_error(sub, "missing chart kind");
	if (argc < 2)
		return cli_usage_error(sub, "missing input file");
	if (argc > 2)
		return cli_usage_error(sub, "too many operands");
	kind_name = argv[0];
	input = argv[1];
	if (!out)
		return cli_usage_error(sub, "--out PATH is required");
	if (cli_plot_date(date_opt, date, sizeof(date)) != 0)
		return cli_usage_error(sub, "--date wants YYYY-MM-DD (or SOURCE_DATE_EPOCH "
				       "seconds)");

	memset(&meta, 0, sizeof(meta));
	mnr_error_clear(&err);
	if (mnr_plot_format_from_path(out, &meta.format, &err) != MNR_OK)
		return cli_usage_error(sub, "--out must end in .svg or .png");
	meta.output_name = base_name(out);
	meta.width = (unsigned)width;
	meta.height = (unsigned)height;
	meta.date = date;
	meta.data = base_name(input);
	if (privacy)
		meta.privacy = privacy;
	else if (epsilon) {
		snprintf(privbuf, sizeof(privbuf),
			 "differentially private, \xce\xb5 = %s", epsilon);
		meta.privacy = privbuf;
	} else if (synthetic)
		meta.privacy = "synthetic data";
	meta.subtitle = subtitle;
	meta.xlabel = xlabel;
	meta.ylabel = ylabel;

	if (strcmp(kind_name, "series") == 0 ||
	    strcmp(kind_name, "multiples") == 0) {
		int multiples = kind_name[0] == 'm';

		if (!metric)
			return cli_usage_error(sub, "--metric is required for %s",
					       kind_name);
		if (!multiples && ncountry != 1)
			return cli_usage_error(sub, "series wants exactly one --country");
		rc = mnr_panel_read(input, &map, &panel, &err);
		if (rc == MNR_OK && adoption)
			rc = mnr_adoption_read(adoption, &map, &adopt, &err);
		if (rc != MNR_OK)
			goto fail;
		if (!title) {
			if (multiples)
				snprintf(tbuf, sizeof(tbuf), "%s by country", metric);
			else
				snprintf(tbuf, sizeof(tbuf), "%s, %s", metric, country[0]);
			title = tbuf;
		}
		meta.title = title;
		if (!meta.xlabel && !multiples)
			meta.xlabel = "month";
		if (!meta.ylabel) {
			snprintf(ybuf, sizeof(ybuf), "%s per month", metric);
			meta.ylabel = ybuf;
		}
		if (multiples) {
			rc = mnr_plot_panel_multiples_script(&meta, panel, metric,
							     country, ncountry,
							     adopt, &script, &err);
		} else {
			if (adopt && ninterv == 0) {
				int s0 = mnr_adoption_start(adopt, country[0]);

				if (s0 >= 0)
					interv[ninterv++] = s0;
			}
			rc = mnr_plot_panel_series_script(&meta, panel, country[0],
							  metric, interv, ninterv,
							  &script, &err);
		}
	} else {
		enum mnr_plot_kind k;
		struct mnr_plot_csv_options o;
		static const char *const def_title[MNR_PLOT_KIND_N] = {
			"Interrupted time series", "Released series",
			"Before and after", "Event study",
			"Time to removal (Kaplan-Meier)"
		};

		if (mnr_plot_kind_parse(kind_name, &k) != MNR_OK)
			return cli_usage_error(sub, "unknown chart kind '%s'; kinds: "
					       "series, multiples, its, released, "
					       "before-after, event-study, km",
					       kind_name);
		memset(&o, 0, sizeof(o));
		o.map = &map;
		o.intervention = ninterv ? interv : NULL;
		o.nint = ninterv;
		o.time_unit = time_unit;
		o.reference = reference;
		o.has_reference = has_ref;
		meta.title = title ? title : def_title[k];
		if (!meta.xlabel) {
			if (k == MNR_PLOT_EVENT_STUDY)
				meta.xlabel = "event time (periods since adoption)";
			else if (k == MNR_PLOT_KM) {
				snprintf(ybuf, sizeof(ybuf),
					 "time since report (%s)", time_unit);
				meta.xlabel = ybuf;
			} else if (k != MNR_PLOT_BEFORE_AFTER)
				meta.xlabel = "month";
		}
		if (!meta.ylabel) {
			if (k == MNR_PLOT_KM)
				meta.ylabel = "share not yet removed";
			else if (k == MNR_PLOT_EVENT_STUDY)
				meta.ylabel = "effect (difference from counterfactual)";
			else
				meta.ylabel = "value";
		}
		rc = mnr_plot_csv_script(k, input, &meta, &o, &script, &err);
	}
	if (rc != MNR_OK)
		goto fail;
	mnr_panel_free(panel);
	mnr_adoption_free(adopt);
	rc = cli_plot_render(sub, script, out, cli_plot_gnuplot(gnuplot_opt), ctx);
	mnr_plot_script_free(script);
	return rc;
fail:
	mnr_panel_free(panel);
	mnr_adoption_free(adopt);
	return cli_report(sub, &err, ctx);
}
