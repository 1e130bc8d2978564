/*
 * mnrstat removal: time from report to removal before and after an
 * intervention, from a case file (CLI layer: options, printing).  Reading,
 * censoring and every statistic live in the library (mnrstat/removal.h,
 * mnrstat/survival.h).
 */
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli_format.h"
#include "cli_util.h"
#include "commands.h"
#include "mnrstat/fields.h"
#include "mnrstat/output.h"
#include "mnrstat/removal.h"

#define SUB "removal"

static const char help_text[] =
	"\nKaplan-Meier analysis of the hours from report to removal, for the\n"
	"reports of one country made before the intervention month and from it\n"
	"on (UTC month of reported_at).  A report not removed by the as-of\n"
	"instant is censored there.  Prints, for each side: reports, removals,\n"
	"the median hours with its interval (the first time the confidence curve\n"
	"is at or below one half), the restricted mean hours to a horizon with\n"
	"its interval, the shares removed within 24 h and 72 h with intervals;\n"
	"and the log-rank test of equal removal-time distributions.\n\n"
	"Options:\n"
	"  --country C            ISO 3166-1 alpha-3 code (required)\n"
	"  --intervention YYYY-MM first month after the intervention (required)\n"
	"  --ci T                 interval transformation: log-log (default), log\n"
	"                         or plain (as R survfit's conf.type)\n"
	"  --level L              confidence level (0.95)\n"
	"  --horizon H            restricted-mean horizon in hours (168)\n"
	"  --as-of DATE           censoring instant: YYYY-MM-DD (end of that UTC\n"
	"                         day) or an ISO 8601 date-time; default the latest\n"
	"                         date in the file\n"
	"  --source LIST          only these sources (comma-separated: hotline,\n"
	"                         helpline, police, industry, other); default all\n"
	"  --format F             text (default), csv, json or md\n"
	"  --curves FILE          also write both Kaplan-Meier curves as CSV\n"
	"                         (group,time,surv,lower,upper,censored,n_risk,\n"
	"                         n_event,std_err), ready for 'mnrstat plot km'\n"
	"  --col NAME=HEADER      read column NAME from HEADER (repeatable)\n"
	"  -o, --output FILE      write here instead of standard output\n"
	"  -h, --help             show this help\n";

enum {
	OPT_COUNTRY = 256, OPT_INTERVENTION, OPT_CI, OPT_LEVEL, OPT_HORIZON,
	OPT_AS_OF, OPT_SOURCE, OPT_FORMAT, OPT_COL, OPT_CURVES
};

/* Everything the printers need. */
struct out {
	FILE *fp;
	const char *country;
	char intervention[8];
	char as_of[32];
	const struct mnr_removal_data *data;
	const struct mnr_removal_result *r;
	char rmst_label[64];
};

static const char *const group_name[2] = { "pre", "post" };

static json_t *jcount(double x)
{
	return json_integer((json_int_t)x);
}

static void fmt_utc(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm))
		strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
	else
		snprintf(buf, n, "?");
}

/* One row of the statistics table shared by text and Markdown. */
struct row {
	const char *label;
	char cell[2][96];
};

static size_t build_rows(const struct out *o, struct row *rows)
{
	const struct mnr_removal_result *r = o->r;
	size_t k;

	rows[0].label = "reports";
	rows[1].label = "removed";
	rows[2].label = "not removed (censored)";
	rows[3].label = "median hours [CI]";
	rows[4].label = o->rmst_label;
	rows[5].label = "share removed within 24 h";
	rows[6].label = "share removed within 72 h";
	for (k = 0; k < 2; k++) {
		const struct mnr_removal_group *g = &r->group[k];
		int w;

		snprintf(rows[0].cell[k], 96, "%.0f", g->n);
		snprintf(rows[1].cell[k], 96, "%.0f", g->events);
		snprintf(rows[2].cell[k], 96, "%.0f", g->censored);
		cli_fmt_est_ci(rows[3].cell[k], 96, g->median.median, g->median.lower,
		       g->median.upper);
		cli_fmt_est_ci(rows[4].cell[k], 96, g->rmst.rmst, g->rmst.lower,
		       g->rmst.upper);
		for (w = 0; w < 2; w++)
			cli_fmt_est_ci(rows[5 + w].cell[k], 96, 1.0 - g->within[w].surv,
			       1.0 - g->within[w].upper,
			       1.0 - g->within[w].lower);
	}
	return 7;
}

static void print_text(const struct out *o)
{
	const struct mnr_removal_result *r = o->r;
	struct row rows[8];
	size_t i, n = build_rows(o, rows);
	char a[32], b[32];

	fprintf(o->fp, "Time from report to removal: %s, intervention %s\n",
		o->country, o->intervention);
	fprintf(o->fp, "As of %s (reports not removed by then are censored)\n",
		o->as_of);
	fprintf(o->fp, "Kaplan-Meier with Greenwood errors; %g%% %s "
		"intervals\n\n", 100.0 * r->level, mnr_surv_ci_name(r->ci));
	fprintf(o->fp, "%-30s %-28s %s\n", "", "before", "after");
	for (i = 0; i < n; i++)
		fprintf(o->fp, "%-30s %-28s %s\n", rows[i].label,
			rows[i].cell[0], rows[i].cell[1]);
	fputc('\n', o->fp);
	if (r->has_logrank)
		fprintf(o->fp, "Log-rank test: chi-square %s on %d df, p %s%s\n",
			cli_fmt_num(a, sizeof(a), r->logrank.chisq), r->logrank.df,
			r->logrank.p_value < 0.001 ? "" : "= ",
			cli_fmt_pval(b, sizeof(b), r->logrank.p_value));
	else
		fprintf(o->fp, "Log-rank test: undefined\n");
	if (o->data->after_as_of || o->data->removed_after_as_of ||
	    o->data->other_source)
		fprintf(o->fp, "Left out: %llu reported after the as-of, %llu "
			"of other sources; %llu removed after the as-of "
			"counted as not removed\n", o->data->after_as_of,
			o->data->other_source, o->data->removed_after_as_of);
	if (r->warnings) {
		fputs("\nWarnings:\n", o->fp);
		cli_warn_bits_print(o->fp, r->warnings, MNR_REMOVAL_WARN_COUNT,
				    mnr_removal_warning_text, "  - ");
	}
}

static void print_md(const struct out *o)
{
	const struct mnr_removal_result *r = o->r;
	struct row rows[8];
	size_t i, n = build_rows(o, rows);
	char a[32], b[32];

	fprintf(o->fp, "### Time from report to removal: %s, intervention "
		"%s\n\n", o->country, o->intervention);
	fprintf(o->fp, "As of %s; reports not removed by then are censored. "
		"Kaplan-Meier with Greenwood errors, %g%% %s intervals.\n\n",
		o->as_of, 100.0 * r->level, mnr_surv_ci_name(r->ci));
	fputs("| | before | after |\n| --- | ---: | ---: |\n", o->fp);
	for (i = 0; i < n; i++)
		fprintf(o->fp, "| %s | %s | %s |\n", rows[i].label,
			rows[i].cell[0], rows[i].cell[1]);
	fputc('\n', o->fp);
	if (r->has_logrank)
		fprintf(o->fp, "Log-rank test: chi-square %s on %d df, "
			"p %s%s.\n", cli_fmt_num(a, sizeof(a), r->logrank.chisq),
			r->logrank.df, r->logrank.p_value < 0.001 ? "" : "= ",
			cli_fmt_pval(b, sizeof(b), r->logrank.p_value));
	else
		fputs("Log-rank test: undefined.\n", o->fp);
	if (r->warnings) {
		fputs("\n**Warnings**\n\n", o->fp);
		cli_warn_bits_print(o->fp, r->warnings, MNR_REMOVAL_WARN_COUNT,
				    mnr_removal_warning_text, "- ");
	}
}

static void csv_row(FILE *fp, const struct out *o, const char *group,
		    const char *stat, double est, double se, double lo,
		    double hi, double p)
{
	fprintf(fp, "%s,%s,%s,%s,", o->country, o->intervention, group, stat);
	cli_csv_num(fp, est);
	fputc(',', fp);
	cli_csv_num(fp, se);
	fputc(',', fp);
	cli_csv_num(fp, lo);
	fputc(',', fp);
	cli_csv_num(fp, hi);
	fputc(',', fp);
	cli_csv_num(fp, p);
	fputc('\n', fp);
}

static void print_csv(const struct out *o)
{
	const struct mnr_removal_result *r = o->r;
	size_t k;

	fputs("country,intervention,group,statistic,estimate,std_error,"
	      "ci_low,ci_high,p_value\n", o->fp);
	for (k = 0; k < 2; k++) {
		const struct mnr_removal_group *g = &r->group[k];
		const char *gn = group_name[k];
		char stat[48];
		int w;

		csv_row(o->fp, o, gn, "reports", g->n, NAN, NAN, NAN, NAN);
		csv_row(o->fp, o, gn, "removed", g->events, NAN, NAN, NAN, NAN);
		csv_row(o->fp, o, gn, "censored", g->censored, NAN, NAN, NAN,
			NAN);
		csv_row(o->fp, o, gn, "median_hours", g->median.median, NAN,
			g->median.lower, g->median.upper, NAN);
		snprintf(stat, sizeof(stat), "rmst_hours_%g", r->horizon);
		csv_row(o->fp, o, gn, stat, g->rmst.rmst, g->rmst.se,
			g->rmst.lower, g->rmst.upper, NAN);
		for (w = 0; w < 2; w++) {
			snprintf(stat, sizeof(stat), "share_removed_within_%gh",
				 w ? MNR_REMOVAL_WITHIN_2 : MNR_REMOVAL_WITHIN_1);
			csv_row(o->fp, o, gn, stat, 1.0 - g->within[w].surv,
				g->within[w].std_err, 1.0 - g->within[w].upper,
				1.0 - g->within[w].lower, NAN);
		}
	}
	if (r->has_logrank)
		csv_row(o->fp, o, "both", "logrank_chisq", r->logrank.chisq,
			NAN, NAN, NAN, r->logrank.p_value);
}

static json_t *group_json(const struct mnr_removal_group *g, double horizon)
{
	json_t *j = json_object(), *med = json_object(), *rm = json_object(),
	       *within = json_array();
	int w;

	json_object_set_new(j, "reports", jcount(g->n));
	json_object_set_new(j, "removed", jcount(g->events));
	json_object_set_new(j, "censored", jcount(g->censored));
	json_object_set_new(j, "max_follow_up_hours", cli_jnum(g->max_time));
	json_object_set_new(med, "estimate", cli_jnum(g->median.median));
	json_object_set_new(med, "ci_low", cli_jnum(g->median.lower));
	json_object_set_new(med, "ci_high", cli_jnum(g->median.upper));
	json_object_set_new(j, "median_hours", med);
	json_object_set_new(rm, "horizon_hours", cli_jnum(horizon));
	json_object_set_new(rm, "estimate", cli_jnum(g->rmst.rmst));
	json_object_set_new(rm, "std_error", cli_jnum(g->rmst.se));
	json_object_set_new(rm, "ci_low", cli_jnum(g->rmst.lower));
	json_object_set_new(rm, "ci_high", cli_jnum(g->rmst.upper));
	json_object_set_new(rm, "beyond_follow_up", json_boolean(g->rmst.beyond));
	json_object_set_new(j, "rmst_hours", rm);
	for (w = 0; w < 2; w++) {
		json_t *x = json_object();

		json_object_set_new(x, "hours", cli_jnum(w ? MNR_REMOVAL_WITHIN_2
						       : MNR_REMOVAL_WITHIN_1));
		json_object_set_new(x, "share", cli_jnum(1.0 - g->within[w].surv));
		json_object_set_new(x, "std_error",
				    cli_jnum(g->within[w].std_err));
		json_object_set_new(x, "ci_low",
				    cli_jnum(1.0 - g->within[w].upper));
		json_object_set_new(x, "ci_high",
				    cli_jnum(1.0 - g->within[w].lower));
		json_object_set_new(x, "at_risk", jcount(g->within[w].n_risk));
		json_object_set_new(x, "beyond_follow_up",
				    json_boolean(g->within[w].beyond));
		json_array_append_new(within, x);
	}
	json_object_set_new(j, "removed_within", within);
	return j;
}

static int print_json(const struct out *o)
{
	const struct mnr_removal_result *r = o->r;
	const struct mnr_removal_data *d = o->data;
	json_t *root = json_object(), *groups = json_object(),
	       *warn = json_array(), *left = json_object();

	json_object_set_new(root, "command", json_string("removal"));
	json_object_set_new(root, "country", json_string(o->country));
	json_object_set_new(root, "intervention",
			    json_string(o->intervention));
	json_object_set_new(root, "as_of", json_string(o->as_of));
	json_object_set_new(root, "model", json_string("kaplan-meier"));
	json_object_set_new(root, "ci", json_string(mnr_surv_ci_name(r->ci)));
	json_object_set_new(root, "level", cli_jnum(r->level));
	json_object_set_new(root, "n_pre", jcount(r->group[0].n));
	json_object_set_new(root, "n_post", jcount(r->group[1].n));
	json_object_set_new(groups, "pre", group_json(&r->group[0],
						      r->horizon));
	json_object_set_new(groups, "post", group_json(&r->group[1],
						       r->horizon));
	json_object_set_new(root, "groups", groups);
	if (r->has_logrank) {
		json_t *lr = json_object(), *obs = json_array(),
		       *exp_ = json_array();

		json_array_append_new(obs, cli_jnum(r->logrank.observed[0]));
		json_array_append_new(obs, cli_jnum(r->logrank.observed[1]));
		json_array_append_new(exp_, cli_jnum(r->logrank.expected[0]));
		json_array_append_new(exp_, cli_jnum(r->logrank.expected[1]));
		json_object_set_new(lr, "chisq", cli_jnum(r->logrank.chisq));
		json_object_set_new(lr, "df", json_integer(r->logrank.df));
		json_object_set_new(lr, "p_value", cli_jnum(r->logrank.p_value));
		json_object_set_new(lr, "observed", obs);
		json_object_set_new(lr, "expected", exp_);
		json_object_set_new(lr, "variance", cli_jnum(r->logrank.variance));
		json_object_set_new(root, "logrank", lr);
	} else {
		json_object_set_new(root, "logrank", json_null());
	}
	json_object_set_new(left, "reported_after_as_of",
			    json_integer((json_int_t)d->after_as_of));
	json_object_set_new(left, "other_source",
			    json_integer((json_int_t)d->other_source));
	json_object_set_new(left, "removed_after_as_of_censored",
			    json_integer((json_int_t)d->removed_after_as_of));
	json_object_set_new(root, "left_out", left);
	cli_warn_bits_json(warn, r->warnings, MNR_REMOVAL_WARN_COUNT,
			   mnr_removal_warning_text);
	json_object_set_new(root, "warnings", warn);
	return cli_json_emit(root, o->fp, 17);
}

/* Both curves in the CSV form 'mnrstat plot km' reads; full precision. */
static void print_curves(FILE *fp, const struct mnr_surv_km km[2])
{
	static const char *const label[2] = { "before", "after" };
	size_t k, i;

	fputs("group,time,surv,lower,upper,censored,n_risk,n_event,std_err\n",
	      fp);
	for (k = 0; k < 2; k++)
		for (i = 0; i < km[k].n; i++) {
			fprintf(fp, "%s,", label[k]);
			cli_csv_num(fp, km[k].time[i]);
			fputc(',', fp);
			cli_csv_num(fp, km[k].surv[i]);
			fputc(',', fp);
			cli_csv_num(fp, km[k].lower[i]);
			fputc(',', fp);
			cli_csv_num(fp, km[k].upper[i]);
			fputc(',', fp);
			cli_csv_num(fp, km[k].n_censor[i]);
			fputc(',', fp);
			cli_csv_num(fp, km[k].n_risk[i]);
			fputc(',', fp);
			cli_csv_num(fp, km[k].n_event[i]);
			fputc(',', fp);
			cli_csv_num(fp, km[k].std_err[i]);
			fputc('\n', fp);
		}
}

/* Comma-separated source names to a bit mask; -1 on an unknown name. */
static int parse_sources(char *list, unsigned *mask)
{
	char *save = NULL, *tok;

	*mask = 0;
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int v;

		if (mnr_parse_enum(tok, strlen(tok), mnr_source_names,
				   MNR_SRC_N, &v, NULL) != MNR_OK)
			return -1;
		*mask |= 1u << v;
	}
	return *mask ? 0 : -1;
}

/*
 * --as-of: a date alone means the end of that UTC day (inclusive), a
 * date-time that instant.
 */
static int parse_as_of(const char *s, int64_t *t)
{
	int has_time = 0;

	if (mnr_parse_datetime(s, strlen(s), t, &has_time, NULL) != MNR_OK)
		return -1;
	if (!has_time)
		*t += 86399;
	return 0;
}

/* Also declared in commands.h once the command table lists it. */
cli_command_fn cmd_removal;

int cmd_removal(int argc, char **argv, const struct cli_context *ctx)
{
	static const char short_opts[] = "ho:";
	static const struct option long_opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ "country", required_argument, NULL, OPT_COUNTRY },
		{ "intervention", required_argument, NULL, OPT_INTERVENTION },
		{ "ci", required_argument, NULL, OPT_CI },
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "horizon", required_argument, NULL, OPT_HORIZON },
		{ "as-of", required_argument, NULL, OPT_AS_OF },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "col", required_argument, NULL, OPT_COL },
		{ "curves", required_argument, NULL, OPT_CURVES },
		{ NULL, 0, NULL, 0 },
	};
	struct mnr_removal_options opt;
	struct mnr_removal_data data;
	struct mnr_removal_result res;
	struct mnr_colmap map;
	struct mnr_outfile of;
	struct mnr_error err;
	struct out o;
	struct mnr_surv_data pre, post;
	enum mnr_surv_ci ci = MNR_SURV_CI_LOG_LOG;
	enum cli_fmt fmt = CLI_FMT_TEXT;
	const char *output = "-", *country = NULL, *curves = NULL;
	struct mnr_surv_km km[2];
	struct mnr_outfile cf;
	double level = 0.95, horizon = 168.0;
	int c, rc, month = -1, status;

	memset(&opt, 0, sizeof(opt));
	memset(&map, 0, sizeof(map));
	memset(&of, 0, sizeof(of));
	memset(&cf, 0, sizeof(cf));
	memset(km, 0, sizeof(km));
	cli_getopt_reset(argv, SUB);
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cli_help(SUB, help_text);
		case 'o':
			output = optarg;
			break;
		case OPT_COUNTRY:
			if (!mnr_country_valid(optarg, strlen(optarg)))
				return cli_usage_error(SUB, "--country wants an "
						       "ISO 3166-1 alpha-3 code");
			country = optarg;
			break;
		case OPT_INTERVENTION:
			if (mnr_parse_month(optarg, strlen(optarg), &month,
					    NULL) != MNR_OK)
				return cli_usage_error(SUB, "--intervention "
						       "wants YYYY-MM");
			break;
		case OPT_CI:
			if (mnr_surv_ci_parse(optarg, &ci) != 0)
				return cli_usage_error(SUB, "--ci wants log, "
						       "log-log or plain");
			break;
		case OPT_LEVEL:
			if (cli_parse_double(optarg, 0.5, 0.9999, &level) != 0)
				return cli_usage_error(SUB, "--level wants a "
						       "number in [0.5, 0.9999]");
			break;
		case OPT_HORIZON:
			if (cli_parse_double(optarg, 1e-9, 1e9, &horizon) != 0)
				return cli_usage_error(SUB, "--horizon wants a "
						       "positive number of "
						       "hours");
			break;
		case OPT_AS_OF:
			if (parse_as_of(optarg, &opt.as_of) != 0)
				return cli_usage_error(SUB, "--as-of wants an "
						       "ISO 8601 date or "
						       "date-time");
			opt.has_as_of = 1;
			break;
		case OPT_SOURCE:
			if (parse_sources(optarg, &opt.sources) != 0)
				return cli_usage_error(SUB, "--source wants "
						       "names from hotline, "
						       "helpline, police, "
						       "industry, other");
			break;
		case OPT_FORMAT:
			if ((rc = cli_parse_format(SUB, optarg, CLI_FMTS_ALL,
							    &fmt)) != 0)
				return rc;
			break;
		case OPT_COL:
			if ((rc = cli_colmap_add(&map, optarg, SUB)) != 0)
				return rc;
			break;
		case OPT_CURVES:
			curves = optarg;
			break;
		default:
			return cli_usage_error(SUB, "unknown option");
		}
	}
	if ((rc = cli_check_operands(SUB, argc - optind)) != 0)
		return rc;
	if (!country)
		return cli_usage_error(SUB, "--country is required");
	if (curves && strcmp(curves, "-") == 0)
		return cli_usage_error(SUB, "--curves wants a file name");
	if (month < 0)
		return cli_usage_error(SUB, "--intervention is required");

	opt.country = country;
	opt.intervention = month;
	opt.map = map.n ? &map : NULL;
	mnr_error_clear(&err);
	rc = mnr_removal_read(argv[optind], &opt, &data, &err);
	if (rc != MNR_OK)
		return cli_report(SUB, &err, ctx);
	pre = mnr_surv_tab_data(&data.group[0]);
	post = mnr_surv_tab_data(&data.group[1]);
	rc = mnr_removal_analyse(&pre, &post, ci, level, horizon, &res, km,
				 &err);
	if (rc != MNR_OK) {
		mnr_removal_data_release(&data);
		if (rc == MNR_EDOMAIN && err.rule[0] &&
		    strcmp(err.rule, "empty-group") == 0)
			return cli_error(SUB, cli_exit_code(rc),
					 "%s: %s for %s (intervention %04d-%02d)",
					 argv[optind], err.msg, country,
					 month / 12, month % 12 + 1);
		return cli_report(SUB, &err, ctx);
	}

	memset(&o, 0, sizeof(o));
	o.country = country;
	mnr_month_format(month, o.intervention, sizeof(o.intervention));
	fmt_utc(data.as_of, o.as_of, sizeof(o.as_of));
	o.data = &data;
	o.r = &res;
	snprintf(o.rmst_label, sizeof(o.rmst_label),
		 "restricted mean hours (%g h)", horizon);
	rc = mnr_outfile_open(&of, output, &err);
	if (rc == MNR_OK && curves) {
		rc = mnr_outfile_open(&cf, curves, &err);
		if (rc != MNR_OK)
			mnr_outfile_abort(&of);
	}
	if (rc != MNR_OK) {
		status = cli_report(SUB, &err, ctx);
		goto out;
	}
	o.fp = of.fp;
	switch (fmt) {
	case CLI_FMT_TEXT:
		print_text(&o);
		break;
	case CLI_FMT_MD:
		print_md(&o);
		break;
	case CLI_FMT_CSV:
		print_csv(&o);
		break;
	case CLI_FMT_JSON:
		if (print_json(&o) != 0) {
			mnr_outfile_abort(&of);
			mnr_outfile_abort(&cf);
			status = cli_error(SUB, CLI_EX_SOFTWARE,
					   "cannot format JSON");
			goto out;
		}
		break;
	}
	if (curves)
		print_curves(cf.fp, km);
	/* Both files appear, or neither. */
	if (curves && (rc = mnr_outfile_commit(&cf, &err)) != MNR_OK) {
		mnr_outfile_abort(&of);
		status = cli_report(SUB, &err, ctx);
		goto out;
	}
	rc = mnr_outfile_commit(&of, &err);
	status = rc == MNR_OK ? CLI_EX_OK : cli_report(SUB, &err, ctx);
out:
	mnr_surv_km_free(&km[0]);
	mnr_surv_km_free(&km[1]);
	mnr_removal_data_release(&data);
	return status;
}
