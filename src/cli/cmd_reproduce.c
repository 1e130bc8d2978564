/*
 * mnrstat reproduce: redraw published figures from datasets/published/
 * with their sources (CLI layer: options, files, messages).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli_util.h"
#include "cli_plot.h"
#include "mnrstat/output.h"
#include "mnrstat/plot.h"
#include "mnrstat/reproduce.h"

#ifndef MNR_PUBLISHED_DIR
#define MNR_PUBLISHED_DIR "datasets/published"
#endif

static const char reproduce_help[] =
	"\n"
	"NAME is one figure (see 'mnrstat reproduce list'), 'all' (default) or\n"
	"'list'.  For each figure DIR gets NAME.svg (or .png), the gnuplot script\n"
	"NAME.gp, and NAME.csv and NAME.md listing every plotted value with its\n"
	"source, verbatim quote and source type.  Claims that could not be\n"
	"verified are drawn with a distinct marker and labelled unverified.\n"
	"\n"
	"Options:\n"
	"      --out-dir DIR       where to write (default: reproduced)\n"
	"      --data-dir DIR      the cited CSVs (default: datasets/published in\n"
	"                          the current directory if present, else the\n"
	"                          copy in the source tree)\n"
	"      --format svg|png    image format (default svg)\n"
	"      --date YYYY-MM-DD   date in the provenance line (default: today, or\n"
	"                          SOURCE_DATE_EPOCH when set)\n"
	"      --width PX, --height PX  image size (default 800 x 500)\n"
	"      --gnuplot PATH      gnuplot program (default $MNR_GNUPLOT, else\n"
	"                          gnuplot on PATH)\n"
	"  -h, --help              show this help\n"
	"If gnuplot is missing the scripts and tables are still written and the\n"
	"exit status is 69; install it with 'apt-get install gnuplot-nox'.\n";

enum { OPT_OUT_DIR = 256, OPT_DATA_DIR, OPT_FORMAT, OPT_DATE, OPT_WIDTH,
       OPT_HEIGHT, OPT_GNUPLOT };

static int write_text(const char *sub, const char *path, const char *text,
		      const struct cli_context *ctx)
{
	struct mnr_outfile o;
	struct mnr_error err;

	mnr_error_clear(&err);
	if (mnr_outfile_open(&o, path, &err) != MNR_OK)
		return cli_report(sub, &err, ctx);
	if (fputs(text, o.fp) == EOF) {
		mnr_outfile_abort(&o);
		return cli_error(sub, CLI_EX_IOERR, "%s: write error", path);
	}
	if (mnr_outfile_commit(&o, &err) != MNR_OK)
		return cli_report(sub, &err, ctx);
	return CLI_EX_OK;
}

static char *join(const char *dir, const char *name, const char *ext)
{
	size_t n = strlen(dir) + strlen(name) + strlen(ext) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s%s", dir, name, ext);
	return p;
}

static int is_dir(const char *p)
{
	struct stat sb;

	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

int cmd_reproduce(int argc, char **argv, const struct cli_context *ctx)
{
	static const char short_opts[] = "h";
	static const struct option long_opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "out-dir", required_argument, NULL, OPT_OUT_DIR },
		{ "data-dir", required_argument, NULL, OPT_DATA_DIR },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "date", required_argument, NULL, OPT_DATE },
		{ "width", required_argument, NULL, OPT_WIDTH },
		{ "height", required_argument, NULL, OPT_HEIGHT },
		{ "gnuplot", required_argument, NULL, OPT_GNUPLOT },
		{ NULL, 0, NULL, 0 }
	};
	const char *sub = "reproduce";
	const char *out_dir = "reproduced", *data_dir = NULL, *date_opt = NULL;
	const char *gnuplot_opt = NULL, *name = "all";
	enum mnr_plot_format fmt = MNR_PLOT_SVG;
	long width = 0, height = 0;
	char date[16];
	size_t i, nfig;
	int c, status = CLI_EX_OK;

	cli_getopt_reset(argv, sub);
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cli_help(sub, reproduce_help);
		case OPT_OUT_DIR: out_dir = optarg; break;
		case OPT_DATA_DIR: data_dir = optarg; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "svg") == 0)
				fmt = MNR_PLOT_SVG;
			else if (strcmp(optarg, "png") == 0)
				fmt = MNR_PLOT_PNG;
			else
				return cli_usage_error(sub, "--format wants svg or png");
			break;
		case OPT_DATE: date_opt = optarg; break;
		case OPT_WIDTH:
		case OPT_HEIGHT:
			if ((status = cli_plot_size(sub, c == OPT_HEIGHT, optarg,
						c == OPT_HEIGHT ? &height
								: &width)) != 0)
				return status;
			break;
		case OPT_GNUPLOT: gnuplot_opt = optarg; break;
		default:
			return cli_usage_error(sub, "invalid option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		return cli_usage_error(sub, "too many operands");
	if (argc == 1)
		name = argv[0];
	if (strcmp(name, "list") == 0) {
		for (i = 0; i < mnr_reproduce_count(); i++) {
			const struct mnr_reproduce_figure *f = mnr_reproduce_figure_at(i);

			printf("%-20s %s\n", f->name, f->title);
		}
		return CLI_EX_OK;
	}
	if (strcmp(name, "all") != 0 && !mnr_reproduce_find(name))
		return cli_usage_error(sub, "no figure named '%s'; see 'mnrstat "
				       "reproduce list'", name);
	if (cli_plot_date(date_opt, date, sizeof(date)) != 0)
		return cli_usage_error(sub, "--date wants YYYY-MM-DD (or "
				       "SOURCE_DATE_EPOCH seconds)");
	if (!data_dir)
		data_dir = is_dir("datasets/published") ? "datasets/published" :
			MNR_PUBLISHED_DIR;
	if (!is_dir(data_dir))
		return cli_error(sub, CLI_EX_NOINPUT, "%s: no such directory "
				 "(pass --data-dir)", data_dir);
	if (!is_dir(out_dir) && mkdir(out_dir, 0777) != 0)
		return cli_error(sub, CLI_EX_CANTCREAT, "%s: cannot create: %s",
				 out_dir, strerror(errno));

	nfig = mnr_reproduce_count();
	for (i = 0; i < nfig; i++) {
		const struct mnr_reproduce_figure *f = mnr_reproduce_figure_at(i);
		struct mnr_reproduce_output o;
		struct mnr_plot_meta meta;
		struct mnr_error err;
		char *img, *csv, *md, oname[96];
		int rc;

		if (strcmp(name, "all") != 0 && strcmp(name, f->name) != 0)
			continue;
		memset(&meta, 0, sizeof(meta));
		meta.format = fmt;
		meta.width = (unsigned)width;
		meta.height = (unsigned)height;
		meta.date = date;
		snprintf(oname, sizeof(oname), "%s.%s", f->name,
			 fmt == MNR_PLOT_PNG ? "png" : "svg");
		meta.output_name = oname;
		mnr_error_clear(&err);
		if (mnr_reproduce_build(f, data_dir, &meta, &o, &err) != MNR_OK)
			return cli_report(sub, &err, ctx);
		img = join(out_dir, oname, "");
		csv = join(out_dir, f->name, ".csv");
		md = join(out_dir, f->name, ".md");
		if (!img || !csv || !md) {
			rc = cli_error(sub, CLI_EX_SOFTWARE, "out of memory");
		} else {
			rc = write_text(sub, csv, o.table_csv, ctx);
			if (rc == CLI_EX_OK)
				rc = write_text(sub, md, o.table_md, ctx);
			if (rc == CLI_EX_OK)
				rc = cli_plot_render(sub, o.script, img,
						     cli_plot_gnuplot(gnuplot_opt),
						     ctx);
			if (rc == CLI_EX_OK)
				printf("%s: %s (%zu cited values; sources in %s)\n",
				       f->name, img, o.nvalues, md);
		}
		free(img);
		free(csv);
		free(md);
		mnr_reproduce_output_release(&o);
		if (rc == CLI_EX_UNAVAILABLE) {
			/* Go on: every script and table is still written. */
			status = rc;
			continue;
		}
		if (rc != CLI_EX_OK)
			return rc;
	}
	return status;
}
