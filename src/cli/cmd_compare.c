/*
 * mnrstat compare: descriptive before/after comparison of one monthly
 * series of a panel (CLI layer: options, reading, printing).  Every
 * statistic lives in the library (mnrstat/compare.h).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli_format.h"
#include "cli_util.h"
#include "commands.h"
#include "mnrstat/compare.h"
#include "mnrstat/fields.h"
#include "mnrstat/output.h"
#include "mnrstat/panel.h"

#define SUB "compare"

static const char help_text[] =
	"\nCompare one series (country x metric) of a monthly panel\n"
	"(country,month,metric,value[,population]) before the intervention month\n"
	"and from it on: months with a value, mean, median and SD on each side;\n"
	"the difference of means with Welch's t interval; for counts the rate\n"
	"ratio after/before with an exact (conditional binomial, Clopper-Pearson)\n"
	"and a Wald interval; for shares with --denominator the difference of\n"
	"pooled proportions with Newcombe's hybrid score interval.  A month\n"
	"without a value is missing, never zero.  Fewer than 3 months with a\n"
	"value on a side is refused (exit 65); fewer than 8 is warned.\n\n"
	"Options:\n"
	"  --metric M             metric to compare (required)\n"
	"  --country C            ISO 3166-1 alpha-3 code (required)\n"
	"  --intervention YYYY-MM first month after the intervention (required)\n"
	"  --offset population    counts: rate per person-month (needs the\n"
	"                         panel's population column)\n"
	"  --kind K               auto (default), count, share or level\n"
	"  --denominator M        compare a proportion: the metric is the count\n"
	"                         of successes out of M each month (e.g.\n"
	"                         --metric outcome_charged --denominator\n"
	"                         cases_closed); a metric named *share* is taken\n"
	"                         as the share itself, M as what it is a share of\n"
	"  --level L              confidence level (0.95)\n"
	"  --format F             text (default), csv, json or md\n"
	"  --col NAME=HEADER      read column NAME from HEADER (repeatable)\n"
	"  -o, --output FILE      write here instead of standard output\n"
	"  -h, --help             show this help\n";

enum {
	OPT_METRIC = 256, OPT_COUNTRY, OPT_INTERVENTION, OPT_OFFSET, OPT_KIND,
	OPT_DENOM, OPT_LEVEL, OPT_FORMAT, OPT_COL
};

/* A warning raised by the CLI itself (not a library bit). */
#define NOTE_SHARE_NO_DENOM "the metric looks like a share but no " \
	"--denominator was given: compared as a level (no Newcombe interval)"

struct out {
	FILE *fp;
	const char *country, *metric, *denom;
	char intervention[8];
	char span_pre[24], span_post[24];
	const struct mnr_compare_result *r;
	double level;
	const char *note;        /* CLI warning or NULL */
};

static const char *pval(char *buf, size_t n, double p)
{
	if (!isfinite(p))
		snprintf(buf, n, "NA");
	else if (p < 0.001)
		snprintf(buf, n, "< 0.001");
	else
		snprintf(buf, n, "= %.3f", p);
	return buf;
}

/* One estimate in the shared coefficient form of the brief. */
struct coef {
	const char *term;
	double estimate, std_error, ci_low, ci_high, p_value;
	int has_exp;
	double exp_estimate, exp_ci_low, exp_ci_high;
	double df;           /* NaN when not a t statistic */
};

static size_t collect(const struct mnr_compare_result *r, struct coef *c)
{
	size_t n = 0;

	if (r->has_welch) {
		c[n] = (struct coef){ "difference_of_means", r->welch.diff,
			r->welch.se, r->welch.ci_low, r->welch.ci_high,
			r->welch.p_value, 0, NAN, NAN, NAN, r->welch.df };
		n++;
	}
	if (r->has_rate) {
		const struct mnr_rate_ratio *q = &r->rate;

		/* Log scale in estimate/ci, the ratio itself in exp_*. */
		c[n] = (struct coef){ "rate_ratio_exact", log(q->ratio), NAN,
			log(q->exact_low), log(q->exact_high), q->exact_p, 1,
			q->ratio, q->exact_low, q->exact_high, NAN };
		n++;
		c[n] = (struct coef){ "rate_ratio_wald", log(q->ratio),
			q->log_se, log(q->wald_low), log(q->wald_high),
			q->wald_p, 1, q->ratio, q->wald_low, q->wald_high,
			NAN };
		n++;
		c[n] = (struct coef){ "rate_ratio_quasipoisson", log(q->ratio),
			r->quasi_se, log(r->quasi_low), log(r->quasi_high),
			r->quasi_p, 1, q->ratio, r->quasi_low, r->quasi_high,
			(double)(r->n_pre + r->n_post) - 2.0 };
		n++;
	}
	if (r->has_prop) {
		c[n] = (struct coef){ "difference_of_proportions", r->prop.diff,
			NAN, r->prop.ci_low, r->prop.ci_high, NAN, 0, NAN, NAN,
			NAN, NAN };
		n++;
	}
	return n;
}

static void warnings_text(const struct out *o, const char *bullet)
{
	if (o->note)
		fprintf(o->fp, "%s%s\n", bullet, o->note);
	cli_warn_bits_print(o->fp, o->r->warnings, MNR_COMPARE_WARN_COUNT,
			    mnr_compare_warning_text, bullet);
}

/* Label/value rows of the descriptive table (text and Markdown). */
static size_t desc_rows(const struct out *o, char lab[][40],
			char cell[][2][32])
{
	const struct mnr_compare_result *r = o->r;
	const struct mnr_compare_desc *d[2] = { &r->pre, &r->post };
	size_t k, n = 0;

	for (k = 0; k < 2; k++) {
		n = 0;
		snprintf(lab[n], 40, "months with a value");
		snprintf(cell[n++][k], 32, "%zu", d[k]->n);
		snprintf(lab[n], 40, "missing months");
		snprintf(cell[n++][k], 32, "%zu",
			 k ? r->n_missing_post : r->n_missing_pre);
		snprintf(lab[n], 40, "mean");
		cli_fmt_num(cell[n++][k], 32, d[k]->mean);
		snprintf(lab[n], 40, "median");
		cli_fmt_num(cell[n++][k], 32, d[k]->median);
		snprintf(lab[n], 40, "sd");
		cli_fmt_num(cell[n++][k], 32, d[k]->sd);
		if (r->has_rate) {
			snprintf(lab[n], 40, "events");
			snprintf(cell[n++][k], 32, "%.0f",
				 k ? r->rate.events_post : r->rate.events_pre);
			snprintf(lab[n], 40, r->per_population
					 ? "rate per 100 000 per month"
					 : "rate per month");
			cli_fmt_num(cell[n++][k], 32, (k ? r->rate.rate_post
						 : r->rate.rate_pre) *
						(r->per_population ? 1e5 : 1.0));
		}
		if (r->has_prop) {
			snprintf(lab[n], 40, "pooled proportion");
			cli_fmt_num(cell[n++][k], 32,
			    k ? r->prop.p_post : r->prop.p_pre);
			snprintf(lab[n], 40, "denominator");
			snprintf(cell[n++][k], 32, "%.0f",
				 k ? r->prop.n_post : r->prop.n_pre);
		}
	}
	return n;
}

static void estimates_text(const struct out *o, const char *pre)
{
	const struct mnr_compare_result *r = o->r;
	char a[32], b[32], c[32], d[32], e[32], f[32];

	if (r->has_welch)
		fprintf(o->fp, "%sDifference of means (after - before): %s "
			"[%s, %s], Welch t %s on %s df, p %s\n", pre,
			cli_fmt_num(a, 32, r->welch.diff), cli_fmt_num(b, 32, r->welch.ci_low),
			cli_fmt_num(c, 32, r->welch.ci_high), cli_fmt_num(d, 32, r->welch.t),
			cli_fmt_num(e, 32, r->welch.df), pval(f, 32, r->welch.p_value));
	if (r->has_rate) {
		fprintf(o->fp, "%sRate ratio (after / before): %s\n", pre,
			cli_fmt_num(a, 32, r->rate.ratio));
		fprintf(o->fp, "%s  exact [%s, %s], p %s\n", pre,
			cli_fmt_num(a, 32, r->rate.exact_low),
			cli_fmt_num(b, 32, r->rate.exact_high),
			pval(c, 32, r->rate.exact_p));
		fprintf(o->fp, "%s  Wald  [%s, %s], p %s\n", pre,
			cli_fmt_num(a, 32, r->rate.wald_low),
			cli_fmt_num(b, 32, r->rate.wald_high),
			pval(c, 32, r->rate.wald_p));
		fprintf(o->fp, "%s  quasi-Poisson [%s, %s], p %s (dispersion "
			"%s)\n", pre, cli_fmt_num(a, 32, r->quasi_low),
			cli_fmt_num(b, 32, r->quasi_high), pval(c, 32, r->quasi_p),
			cli_fmt_num(d, 32, r->dispersion));
	}
	if (r->has_prop)
		fprintf(o->fp, "%sDifference of proportions (after - before): "
			"%s [%s, %s] (Newcombe)\n", pre,
			cli_fmt_num(a, 32, r->prop.diff), cli_fmt_num(b, 32, r->prop.ci_low),
			cli_fmt_num(c, 32, r->prop.ci_high));
}

static void print_text(const struct out *o)
{
	char lab[12][40], cell[12][2][32];
	size_t i, n = desc_rows(o, lab, cell);

	fprintf(o->fp, "Before/after: %s, %s, intervention %s (%s); %g%% "
		"intervals\n\n", o->metric, o->country, o->intervention,
		mnr_compare_kind_name(o->r->kind), 100.0 * o->level);
	fprintf(o->fp, "%-28s %-22s %s\n", "", "before", "after");
	fprintf(o->fp, "%-28s %-22s %s\n", "months", o->span_pre, o->span_post);
	for (i = 0; i < n; i++)
		fprintf(o->fp, "%-28s %-22s %s\n", lab[i], cell[i][0],
			cell[i][1]);
	fputc('\n', o->fp);
	estimates_text(o, "");
	fputs("\nA before/after comparison ignores trend and seasonality; "
	      "'mnrstat its' models them.\n", o->fp);
	if (o->note || o->r->warnings) {
		fputs("\nWarnings:\n", o->fp);
		warnings_text(o, "  - ");
	}
}

static void print_md(const struct out *o)
{
	char lab[12][40], cell[12][2][32];
	size_t i, n = desc_rows(o, lab, cell);

	fprintf(o->fp, "### Before/after: %s, %s, intervention %s\n\n",
		o->metric, o->country, o->intervention);
	fprintf(o->fp, "Series kind: %s; %g%% intervals.\n\n",
		mnr_compare_kind_name(o->r->kind), 100.0 * o->level);
	fputs("| | before | after |\n| --- | ---: | ---: |\n", o->fp);
	fprintf(o->fp, "| months | %s | %s |\n", o->span_pre, o->span_post);
	for (i = 0; i < n; i++)
		fprintf(o->fp, "| %s | %s | %s |\n", lab[i], cell[i][0],
			cell[i][1]);
	fputc('\n', o->fp);
	estimates_text(o, "- ");
	fputs("\nA before/after comparison ignores trend and seasonality; "
	      "`mnrstat its` models them.\n", o->fp);
	if (o->note || o->r->warnings) {
		fputs("\n**Warnings**\n\n", o->fp);
		warnings_text(o, "- ");
	}
}

static void csv_line(const struct out *o, const struct coef *c)
{
	fprintf(o->fp, "%s,%s,%s,%s,", o->country, o->metric, o->intervention,
		c->term);
	cli_csv_num(o->fp, c->estimate);
	fputc(',', o->fp);
	cli_csv_num(o->fp, c->std_error);
	fputc(',', o->fp);
	cli_csv_num(o->fp, c->ci_low);
	fputc(',', o->fp);
	cli_csv_num(o->fp, c->ci_high);
	fputc(',', o->fp);
	cli_csv_num(o->fp, c->p_value);
	fputc(',', o->fp);
	cli_csv_num(o->fp, c->exp_estimate);
	fputc(',', o->fp);
	cli_csv_num(o->fp, c->exp_ci_low);
	fputc(',', o->fp);
	cli_csv_num(o->fp, c->exp_ci_high);
	fputc('\n', o->fp);
}

static void print_csv(const struct out *o)
{
	const struct mnr_compare_result *r = o->r;
	const struct mnr_compare_desc *d[2] = { &r->pre, &r->post };
	static const char *const side[2] = { "pre", "post" };
	struct coef c[5];
	size_t i, n = collect(r, c), k;

	fputs("country,metric,intervention,term,estimate,std_error,ci_low,"
	      "ci_high,p_value,exp_estimate,exp_ci_low,exp_ci_high\n", o->fp);
	for (k = 0; k < 2; k++) {
		char t[32];
		struct coef s = { t, NAN, NAN, NAN, NAN, NAN, 0, NAN, NAN, NAN,
				  NAN };

		snprintf(t, sizeof(t), "n_%s", side[k]);
		s.estimate = (double)d[k]->n;
		csv_line(o, &s);
		snprintf(t, sizeof(t), "n_missing_%s", side[k]);
		s.estimate = (double)(k ? r->n_missing_post : r->n_missing_pre);
		csv_line(o, &s);
		snprintf(t, sizeof(t), "mean_%s", side[k]);
		s.estimate = d[k]->mean;
		csv_line(o, &s);
		snprintf(t, sizeof(t), "median_%s", side[k]);
		s.estimate = d[k]->median;
		csv_line(o, &s);
		snprintf(t, sizeof(t), "sd_%s", side[k]);
		s.estimate = d[k]->sd;
		csv_line(o, &s);
	}
	if (r->has_rate || r->has_prop) {
		char t[32];
		struct coef x = { t, NAN, NAN, NAN, NAN, NAN, 0, NAN, NAN, NAN,
				  NAN };

		for (k = 0; k < 2; k++) {
			if (r->has_rate) {
				snprintf(t, sizeof(t), "events_%s", side[k]);
				x.estimate = k ? r->rate.events_post
					       : r->rate.events_pre;
				csv_line(o, &x);
				snprintf(t, sizeof(t), "exposure_%s", side[k]);
				x.estimate = k ? r->rate.exposure_post
					       : r->rate.exposure_pre;
				csv_line(o, &x);
			} else {
				snprintf(t, sizeof(t), "proportion_%s",
					 side[k]);
				x.estimate = k ? r->prop.p_post : r->prop.p_pre;
				csv_line(o, &x);
				snprintf(t, sizeof(t), "denominator_%s",
					 side[k]);
				x.estimate = k ? r->prop.n_post : r->prop.n_pre;
				csv_line(o, &x);
			}
		}
		if (r->has_rate) {
			snprintf(t, sizeof(t), "dispersion");
			x.estimate = r->dispersion;
			csv_line(o, &x);
		}
	}
	for (i = 0; i < n; i++)
		csv_line(o, &c[i]);
}

static json_t *desc_json(const struct mnr_compare_desc *d, size_t missing,
			 const char *span)
{
	json_t *j = json_object();

	json_object_set_new(j, "months", json_string(span));
	json_object_set_new(j, "n", json_integer((json_int_t)d->n));
	json_object_set_new(j, "n_missing", json_integer((json_int_t)missing));
	json_object_set_new(j, "mean", cli_jnum(d->mean));
	json_object_set_new(j, "median", cli_jnum(d->median));
	json_object_set_new(j, "sd", cli_jnum(d->sd));
	json_object_set_new(j, "min", cli_jnum(d->min));
	json_object_set_new(j, "max", cli_jnum(d->max));
	return j;
}

static int print_json(const struct out *o)
{
	const struct mnr_compare_result *r = o->r;
	json_t *root = json_object(), *coefs = json_array(),
	       *warn = json_array();
	struct coef c[5];
	size_t i, n = collect(r, c);

	json_object_set_new(root, "command", json_string("compare"));
	json_object_set_new(root, "model", json_string("descriptive"));
	json_object_set_new(root, "country", json_string(o->country));
	json_object_set_new(root, "metric", json_string(o->metric));
	json_object_set_new(root, "intervention",
			    json_string(o->intervention));
	json_object_set_new(root, "kind",
			    json_string(mnr_compare_kind_name(r->kind)));
	json_object_set_new(root, "level", cli_jnum(o->level));
	json_object_set_new(root, "n_pre", json_integer((json_int_t)r->n_pre));
	json_object_set_new(root, "n_post",
			    json_integer((json_int_t)r->n_post));
	json_object_set_new(root, "n_missing", json_integer(
		(json_int_t)(r->n_missing_pre + r->n_missing_post)));
	json_object_set_new(root, "pre", desc_json(&r->pre, r->n_missing_pre,
						   o->span_pre));
	json_object_set_new(root, "post", desc_json(&r->post,
						    r->n_missing_post,
						    o->span_post));
	for (i = 0; i < n; i++) {
		json_t *j = json_object();

		json_object_set_new(j, "term", json_string(c[i].term));
		json_object_set_new(j, "estimate", cli_jnum(c[i].estimate));
		json_object_set_new(j, "std_error", cli_jnum(c[i].std_error));
		json_object_set_new(j, "ci_low", cli_jnum(c[i].ci_low));
		json_object_set_new(j, "ci_high", cli_jnum(c[i].ci_high));
		json_object_set_new(j, "p_value", cli_jnum(c[i].p_value));
		if (c[i].has_exp) {
			json_object_set_new(j, "exp_estimate",
					    cli_jnum(c[i].exp_estimate));
			json_object_set_new(j, "exp_ci_low",
					    cli_jnum(c[i].exp_ci_low));
			json_object_set_new(j, "exp_ci_high",
					    cli_jnum(c[i].exp_ci_high));
		}
		if (isfinite(c[i].df))
			json_object_set_new(j, "df", cli_jnum(c[i].df));
		json_array_append_new(coefs, j);
	}
	json_object_set_new(root, "coefficients", coefs);
	if (r->has_rate) {
		json_t *rt = json_object();

		json_object_set_new(rt, "per", json_string(
			r->per_population ? "person-month" : "month"));
		json_object_set_new(rt, "events_pre", cli_jnum(r->rate.events_pre));
		json_object_set_new(rt, "events_post",
				    cli_jnum(r->rate.events_post));
		json_object_set_new(rt, "exposure_pre",
				    cli_jnum(r->rate.exposure_pre));
		json_object_set_new(rt, "exposure_post",
				    cli_jnum(r->rate.exposure_post));
		json_object_set_new(rt, "rate_pre", cli_jnum(r->rate.rate_pre));
		json_object_set_new(rt, "rate_post", cli_jnum(r->rate.rate_post));
		json_object_set_new(rt, "noise_variance_pre",
				    cli_jnum(r->noise_var_pre));
		json_object_set_new(rt, "noise_variance_post",
				    cli_jnum(r->noise_var_post));
		json_object_set_new(root, "rates", rt);
	}
	if (r->has_prop) {
		json_t *pp = json_object();

		json_object_set_new(pp, "denominator_metric",
				    json_string(o->denom));
		json_object_set_new(pp, "x_pre", cli_jnum(r->prop.x_pre));
		json_object_set_new(pp, "n_pre", cli_jnum(r->prop.n_pre));
		json_object_set_new(pp, "x_post", cli_jnum(r->prop.x_post));
		json_object_set_new(pp, "n_post", cli_jnum(r->prop.n_post));
		json_object_set_new(pp, "p_pre", cli_jnum(r->prop.p_pre));
		json_object_set_new(pp, "p_post", cli_jnum(r->prop.p_post));
		json_object_set_new(root, "proportions", pp);
	}
	json_object_set_new(root, "dispersion", r->has_rate
			    ? cli_jnum(r->dispersion) : json_null());
	json_object_set_new(root, "diagnostics", json_object());
	if (o->note)
		json_array_append_new(warn, json_string(o->note));
	cli_warn_bits_json(warn, r->warnings, MNR_COMPARE_WARN_COUNT,
			   mnr_compare_warning_text);
	json_object_set_new(root, "warnings", warn);
	return cli_json_emit(root, o->fp, 17);
}

/* "YYYY-MM..YYYY-MM" or "none". */
static void span(int from, int to, char *buf, size_t n)
{
	char a[8], b[8];

	if (to < from) {
		snprintf(buf, n, "none");
		return;
	}
	mnr_month_format(from, a, sizeof(a));
	mnr_month_format(to, b, sizeof(b));
	snprintf(buf, n, "%s..%s", a, b);
}

/* Also declared in commands.h once the command table lists it. */
cli_command_fn cmd_compare;

int cmd_compare(int argc, char **argv, const struct cli_context *ctx)
{
	static const char short_opts[] = "ho:";
	static const struct option long_opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ "metric", required_argument, NULL, OPT_METRIC },
		{ "country", required_argument, NULL, OPT_COUNTRY },
		{ "intervention", required_argument, NULL, OPT_INTERVENTION },
		{ "offset", required_argument, NULL, OPT_OFFSET },
		{ "kind", required_argument, NULL, OPT_KIND },
		{ "denominator", required_argument, NULL, OPT_DENOM },
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "col", required_argument, NULL, OPT_COL },
		{ NULL, 0, NULL, 0 },
	};
	struct mnr_compare_options opt;
	struct mnr_compare_result res;
	struct mnr_series s, d;
	struct mnr_panel *panel = NULL;
	struct mnr_colmap map;
	struct mnr_outfile of;
	struct mnr_error err;
	struct out o;
	enum cli_fmt fmt = CLI_FMT_TEXT;
	const char *output = "-", *metric = NULL, *country = NULL,
		   *denom = NULL, *path;
	int c, rc, month = -1, use_offset = 0, have_d = 0, status;
	int last;

	memset(&opt, 0, sizeof(opt));
	memset(&map, 0, sizeof(map));
	memset(&of, 0, sizeof(of));
	memset(&s, 0, sizeof(s));
	memset(&d, 0, sizeof(d));
	opt.kind = MNR_COMPARE_AUTO;
	opt.level = 0.95;
	cli_getopt_reset(argv, SUB);
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cli_help(SUB, help_text);
		case 'o':
			output = optarg;
			break;
		case OPT_METRIC:
			metric = optarg;
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
		case OPT_OFFSET:
			if (strcmp(optarg, "population") != 0)
				return cli_usage_error(SUB, "--offset wants "
						       "population");
			use_offset = 1;
			break;
		case OPT_KIND:
			if (strcmp(optarg, "auto") == 0)
				opt.kind = MNR_COMPARE_AUTO;
			else if (strcmp(optarg, "count") == 0)
				opt.kind = MNR_COMPARE_COUNT;
			else if (strcmp(optarg, "share") == 0)
				opt.kind = MNR_COMPARE_SHARE;
			else if (strcmp(optarg, "level") == 0)
				opt.kind = MNR_COMPARE_LEVEL;
			else
				return cli_usage_error(SUB, "--kind wants auto, "
						       "count, share or level");
			break;
		case OPT_DENOM:
			denom = optarg;
			break;
		case OPT_LEVEL:
			if (cli_parse_double(optarg, 0.5, 0.9999, &opt.level))
				return cli_usage_error(SUB, "--level wants a "
						       "number in [0.5, 0.9999]");
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
		default:
			return cli_usage_error(SUB, "unknown option");
		}
	}
	if ((rc = cli_check_operands(SUB, argc - optind)) != 0)
		return rc;
	if (!metric)
		return cli_usage_error(SUB, "--metric is required");
	if (!country)
		return cli_usage_error(SUB, "--country is required");
	if (month < 0)
		return cli_usage_error(SUB, "--intervention is required");
	if (opt.kind == MNR_COMPARE_SHARE && !denom)
		return cli_usage_error(SUB, "--kind share needs --denominator");
	if (denom && (opt.kind == MNR_COMPARE_COUNT ||
		      opt.kind == MNR_COMPARE_LEVEL))
		return cli_usage_error(SUB, "--denominator goes with shares "
				       "only");
	if (use_offset && (opt.kind == MNR_COMPARE_SHARE ||
			   opt.kind == MNR_COMPARE_LEVEL || denom))
		return cli_usage_error(SUB, "--offset goes with counts only");
	path = argv[optind];
	opt.intervention = month;

	mnr_error_clear(&err);
	rc = mnr_panel_read(path, map.n ? &map : NULL, &panel, &err);
	if (rc != MNR_OK)
		return cli_report(SUB, &err, ctx);
	if (use_offset && !panel->has_population) {
		mnr_panel_free(panel);
		return cli_error(SUB, CLI_EX_DATAERR, "%s: --offset population "
				 "needs a population column", path);
	}
	rc = mnr_panel_series(panel, country, metric, -1, -1, &s, &err);
	if (rc == MNR_OK && denom) {
		rc = mnr_panel_series(panel, country, denom, s.first_month,
				      s.first_month + (int)s.n - 1, &d, &err);
		have_d = rc == MNR_OK;
	}
	if (rc != MNR_OK) {
		mnr_error_locate(&err, path, 0, 0, 0);
		status = cli_report(SUB, &err, ctx);
		goto out;
	}
	if (use_offset)
		opt.kind = MNR_COMPARE_COUNT;

	memset(&o, 0, sizeof(o));
	/* A share without its denominator can only be compared as a level. */
	if (!denom && opt.kind == MNR_COMPARE_AUTO && strstr(metric, "share")) {
		opt.kind = MNR_COMPARE_LEVEL;
		o.note = NOTE_SHARE_NO_DENOM;
	}
	/*
	 * The panel keeps counts (support_offered_yes out of
	 * support_offered_known); only metrics named "...share..." hold the
	 * share itself.
	 */
	opt.numerator_is_count = !strstr(metric, "share");
	rc = mnr_compare_series(s.y, use_offset ? s.population : NULL,
				have_d ? d.y : NULL, s.noise_var, s.n,
				s.first_month, &opt, &res, &err);
	if (rc != MNR_OK) {
		mnr_error_locate(&err, path, 0, 0, 0);
		status = cli_report(SUB, &err, ctx);
		goto out;
	}

	o.country = country;
	o.metric = metric;
	o.denom = denom;
	o.r = &res;
	o.level = opt.level;
	mnr_month_format(month, o.intervention, sizeof(o.intervention));
	last = s.first_month + (int)s.n - 1;
	span(s.first_month, month - 1 < last ? month - 1 : last, o.span_pre,
	     sizeof(o.span_pre));
	span(month > s.first_month ? month : s.first_month, last, o.span_post,
	     sizeof(o.span_post));
	rc = mnr_outfile_open(&of, output, &err);
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
			status = cli_error(SUB, CLI_EX_SOFTWARE,
					   "cannot format JSON");
			goto out;
		}
		break;
	}
	rc = mnr_outfile_commit(&of, &err);
	status = rc == MNR_OK ? CLI_EX_OK : cli_report(SUB, &err, ctx);
out:
	mnr_series_release(&s);
	mnr_series_release(&d);
	mnr_panel_free(panel);
	return status;
}
