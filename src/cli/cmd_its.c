/*
 * mnrstat its: segmented regression (interrupted time series) of one
 * monthly series of a panel (CLI layer: options, reading, printing).  All
 * statistics live in the library (mnrstat/its.h, mnrstat/regress.h).
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
#include "mnrstat/fields.h"
#include "mnrstat/its.h"
#include "mnrstat/output.h"
#include "mnrstat/panel.h"

#define SUB "its"
#define MAX_IV 16

static const char help_text[] =
	"\nSegmented regression of one series (country x metric) of a monthly\n"
	"panel around one or more intervention months: time, level_change (1\n"
	"from the intervention month on) and slope_change (months since it, 0\n"
	"at it), optional seasonality; the counterfactual (no intervention) for\n"
	"every month after it with its interval; the relative effect at the\n"
	"last month and the cumulative effect (delta-method intervals);\n"
	"Durbin-Watson, Breusch-Godfrey (orders 1 and 12) and Ljung-Box on the\n"
	"residuals.  A month without a value is missing, never zero.  Fewer than\n"
	"3 months with a value on a side is refused (exit 65); fewer than 8 is\n"
	"warned.\n\n"
	"Options:\n"
	"  --metric M             metric to model (required)\n"
	"  --country C            ISO 3166-1 alpha-3 code (required)\n"
	"  --intervention YYYY-MM first month after an intervention (required;\n"
	"                         repeat for several: terms level_change@YYYY-MM)\n"
	"  --adoption FILE        instead of --intervention: each country's\n"
	"                         mnr_start from a country,mnr_start file\n"
	"  --country all, --metric all  fit every series of the panel in one\n"
	"                         run (series that cannot be fitted are listed\n"
	"                         with the reason; JSON: {\"results\": [...]})\n"
	"  --model M              ols (default), poisson, quasipoisson or negbin\n"
	"                         (NB2, dispersion by maximum likelihood)\n"
	"  --offset population    count models: log(population) offset\n"
	"  --impact I             level+slope (default), level or slope\n"
	"  --seasonality S        none (default), months (11 indicators) or\n"
	"                         fourier:K (K sine/cosine pairs, period 12)\n"
	"  --errors E             classic (default), newey-west[:LAG] (Bartlett,\n"
	"                         no prewhitening; default lag\n"
	"                         floor(4 (n/100)^(2/9))) or prais-winsten\n"
	"                         (iterated AR(1), first month kept; ols only)\n"
	"  --nw-adjust            Newey-West small-sample factor n/(n-k)\n"
	"                         (sandwich's adjust = TRUE; default off)\n"
	"  --phase-in N           leave out N months from each intervention on\n"
	"  --from YYYY-MM, --to YYYY-MM  months to use (default: the series')\n"
	"  --sensitivity          also fit every model and error method the\n"
	"                         data allow, side by side, flagging sign or\n"
	"                         significance disagreements\n"
	"  --points FILE          write month,observed,fitted,counterfactual,\n"
	"                         cf_low,cf_high,segment for 'mnrstat plot its'\n"
	"  --level L              confidence level (0.95)\n"
	"  --format F             text (default), csv, json or md\n"
	"  --col NAME=HEADER      read column NAME from HEADER (repeatable)\n"
	"  -o, --output FILE      write here instead of standard output\n"
	"  -h, --help             show this help\n\n"
	"Inference: t(n-k) for ols (every error method) and quasipoisson, z for\n"
	"poisson and negbin (as R's summary.lm / summary.glm).\n";

enum {
	OPT_METRIC = 256, OPT_COUNTRY, OPT_INTERVENTION, OPT_ADOPTION, OPT_MODEL,
	OPT_OFFSET, OPT_IMPACT, OPT_SEASON, OPT_ERRORS, OPT_NW_ADJUST,
	OPT_PHASE_IN, OPT_FROM, OPT_TO, OPT_SENS, OPT_POINTS, OPT_LEVEL,
	OPT_FORMAT, OPT_COL
};

struct out {
	FILE *fp;
	const char *country, *metric;
	const int *iv;
	size_t nint;
	const struct mnr_its_options *opt;
	const struct mnr_its_result *r;
	const struct mnr_its_sensitivity *sens;  /* NULL unless --sensitivity */
};

static const char *pct(char *buf, size_t n, double x)
{
	if (!isfinite(x))
		snprintf(buf, n, "NA");
	else
		snprintf(buf, n, "%+.1f%%", 100.0 * x);
	return buf;
}

static const char *month_str(int m, char *buf, size_t n)
{
	mnr_month_format(m, buf, n);
	return buf;
}

static int loglink(const struct mnr_its_result *r)
{
	return r->model != MNR_ITS_OLS;
}

static void season_str(const struct mnr_its_result *r, char *buf, size_t n)
{
	if (r->seasonality == MNR_ITS_SEASON_MONTHS)
		snprintf(buf, n, "months");
	else if (r->seasonality == MNR_ITS_SEASON_FOURIER)
		snprintf(buf, n, "fourier:%d", r->fourier_k);
	else
		snprintf(buf, n, "none");
}

static void errors_str(const struct mnr_its_result *r, char *buf, size_t n)
{
	if (r->errors == MNR_ITS_NEWEY_WEST)
		snprintf(buf, n, "newey-west (lag %ld, %s)", r->nw_lag,
			 r->nw_adjust ? "small-sample adjustment n/(n-k)"
				      : "no small-sample adjustment");
	else if (r->errors == MNR_ITS_PRAIS_WINSTEN)
		snprintf(buf, n, "prais-winsten (AR(1) rho = %.4g)", r->rho);
	else
		snprintf(buf, n, "classic");
}

static void header_lines(const struct out *o, const char *pre)
{
	const struct mnr_its_result *r = o->r;
	char a[16], b[16], e[96], s[24];
	size_t j;

	season_str(r, s, sizeof(s));
	errors_str(r, e, sizeof(e));
	fprintf(o->fp, "%sModel: %s%s; errors: %s; impact: %s; seasonality: %s\n",
		pre, mnr_its_model_name(r->model),
		loglink(r) ? (o->opt->use_offset
			      ? " (log link, log(population) offset)"
			      : " (log link)") : "",
		e, mnr_its_impact_name(r->impact), s);
	fprintf(o->fp, "%sMonths %s..%s: %zu with a value before, %zu from the "
		"intervention on, %zu missing (left out, not zero)",
		pre, month_str(r->first_month, a, sizeof(a)),
		month_str(r->last_month, b, sizeof(b)), r->n_pre, r->n_post,
		r->n_missing);
	if (r->n_phase_in)
		fprintf(o->fp, ", %zu in phase-in", r->n_phase_in);
	fputs("\n", o->fp);
	fprintf(o->fp, "%sIntervention%s:", pre, o->nint > 1 ? "s" : "");
	for (j = 0; j < o->nint; j++)
		fprintf(o->fp, " %s", month_str(o->iv[j], a, sizeof(a)));
	fprintf(o->fp, "; %g%% intervals (%s)\n", 100.0 * r->level,
		isinf(r->inference_df) ? "z" : "t");
}

static void effect_line(const struct out *o, const char *pre,
			const char *label, const struct mnr_its_effect *abs_,
			const struct mnr_its_effect *rel)
{
	char a[32], b[32], c[32], d[32], e[32], f[32];

	fprintf(o->fp, "%s%s: %s [%s, %s] absolute; %s [%s, %s] relative\n",
		pre, label, cli_fmt_num(a, 32, abs_->estimate),
		cli_fmt_num(b, 32, abs_->ci_low), cli_fmt_num(c, 32, abs_->ci_high),
		pct(d, 32, rel->estimate), pct(e, 32, rel->ci_low),
		pct(f, 32, rel->ci_high));
}

static void effects_and_diag(const struct out *o, const char *pre)
{
	const struct mnr_its_result *r = o->r;
	char a[32], b[32], c[32], d[32], m[16], lab[96];

	snprintf(lab, sizeof(lab), "At %s (last month fitted)",
		 month_str(r->end_abs.month, m, sizeof(m)));
	effect_line(o, pre, lab, &r->end_abs, &r->end_rel);
	snprintf(lab, sizeof(lab),
		 "Cumulative over the %zu fitted months from the intervention",
		 r->n_post);
	effect_line(o, pre, lab, &r->cum_abs, &r->cum_rel);
	if (r->model == MNR_ITS_OLS)
		fprintf(o->fp, "%sResidual variance: %s\n", pre,
			cli_fmt_num(a, 32, r->dispersion));
	else
		fprintf(o->fp, "%sDispersion: Pearson chi2/(n-k) = %s%s%s%s%s\n",
			pre, cli_fmt_num(a, 32, r->pearson_dispersion),
			r->model == MNR_ITS_QUASIPOISSON ? " (used as scale)" : "",
			r->model == MNR_ITS_NEGBIN ? "; NB2 theta = " : "",
			r->model == MNR_ITS_NEGBIN ? cli_fmt_num(b, 32, r->theta) : "",
			r->model == MNR_ITS_NEGBIN ? " (ML)" : "");
	fprintf(o->fp, "%sResidual autocorrelation (%s residuals): "
		"Durbin-Watson %s; Breusch-Godfrey order 1 %s (p %s), ",
		pre, r->diag.residuals, cli_fmt_num(a, 32, r->diag.durbin_watson),
		cli_fmt_num(b, 32, r->diag.bg1), cli_fmt_pval(c, 32, r->diag.bg1_p));
	if (isnan(r->diag.bg12))
		fputs("order 12 not computable (too few months)", o->fp);
	else
		fprintf(o->fp, "order 12 %s (p %s)", cli_fmt_num(a, 32, r->diag.bg12),
			cli_fmt_pval(b, 32, r->diag.bg12_p));
	fprintf(o->fp, "; Ljung-Box lag %zu %s (p %s)\n", r->diag.lb_lag,
		cli_fmt_num(c, 32, r->diag.lb), cli_fmt_pval(d, 32, r->diag.lb_p));
}

static void warnings_list(const struct out *o, const char *bullet)
{
	size_t i;

	for (i = 0; i < o->r->nwarn; i++)
		fprintf(o->fp, "%s%s\n", bullet, o->r->warn[i].message);
}

static const char *flags(const struct mnr_its_sens_row *w)
{
	if (w->primary)
		return "primary";
	if (w->status != MNR_OK)
		return "not fitted";
	if (w->sign_differs && w->significance_differs)
		return "SIGN, SIGNIFICANCE";
	if (w->sign_differs)
		return "SIGN";
	if (w->significance_differs)
		return "SIGNIFICANCE";
	return "";
}

static void sens_table(const struct out *o, int md)
{
	const struct mnr_its_sensitivity *t = o->sens;
	char a[32], b[32], c[32], d[32], e[32], f[32], g[32];
	const char *term = "";
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nrows && !term[0]; i++)
		if (t->rows[i].status == MNR_OK)
			term = t->rows[i].term;
	if (md) {
		fprintf(o->fp, "\n**Sensitivity** (principal term %s; relative "
			"effect at the last month)\n\n", term);
		fputs("| model | errors | estimate | interval | p | relative "
		      "effect | interval | flag |\n| --- | --- | ---: | --- | "
		      "---: | ---: | --- | --- |\n", o->fp);
	} else {
		fprintf(o->fp, "\nSensitivity (principal term %s; relative "
			"effect at the last month):\n", term);
		fprintf(o->fp, "  %-13s %-14s %10s  %-22s %7s  %8s  %-18s %s\n",
			"model", "errors", "estimate", "interval", "p",
			"relative", "interval", "flag");
	}
	for (i = 0; i < t->nrows; i++) {
		const struct mnr_its_sens_row *w = &t->rows[i];
		char iv1[80], iv2[80];

		if (w->status != MNR_OK) {
			if (md)
				fprintf(o->fp, "| %s | %s | | | | | | not "
					"fitted: %s |\n",
					mnr_its_model_name(w->model),
					mnr_its_errors_name(w->errors), w->reason);
			else
				fprintf(o->fp, "  %-13s %-14s not fitted: %s\n",
					mnr_its_model_name(w->model),
					mnr_its_errors_name(w->errors), w->reason);
			continue;
		}
		snprintf(iv1, sizeof(iv1), "[%s, %s]", cli_fmt_num(b, 32, w->ci_low),
			 cli_fmt_num(c, 32, w->ci_high));
		snprintf(iv2, sizeof(iv2), "[%s, %s]",
			 pct(f, 32, w->end_rel.ci_low),
			 pct(g, 32, w->end_rel.ci_high));
		if (md)
			fprintf(o->fp, "| %s | %s | %s | %s | %s | %s | %s | "
				"%s |\n", mnr_its_model_name(w->model),
				mnr_its_errors_name(w->errors),
				cli_fmt_num(a, 32, w->estimate), iv1,
				cli_fmt_pval(d, 32, w->p_value),
				pct(e, 32, w->end_rel.estimate), iv2, flags(w));
		else
			fprintf(o->fp, "  %-13s %-14s %10s  %-22s %7s  %8s  "
				"%-18s %s\n", mnr_its_model_name(w->model),
				mnr_its_errors_name(w->errors),
				cli_fmt_num(a, 32, w->estimate), iv1,
				cli_fmt_pval(d, 32, w->p_value),
				pct(e, 32, w->end_rel.estimate), iv2, flags(w));
	}
	if (t->any_disagreement)
		fprintf(o->fp, "%sThe methods disagree on the sign or the "
			"significance of the effect: report it with care.\n",
			md ? "\n" : "  ");
	else
		fprintf(o->fp, "%sAll fitted methods agree on the sign and the "
			"significance (%g%% level) of the effect.\n",
			md ? "\n" : "  ", 100.0 * o->r->level);
}

static void print_text(const struct out *o)
{
	const struct mnr_its_result *r = o->r;
	char a[32], b[32], c[32], d[32], e[32], f[32], g[32], h[32];
	size_t j;

	fprintf(o->fp, "Interrupted time series: %s, %s\n", o->metric,
		o->country);
	header_lines(o, "");
	fprintf(o->fp, "\n%-26s %11s %11s  %-25s %7s", "term", "estimate",
		"std.error", "interval", "p");
	if (loglink(r))
		fprintf(o->fp, "  %-9s %s", "ratio", "interval");
	fputc('\n', o->fp);
	for (j = 0; j < r->ncoef; j++) {
		const struct mnr_its_coef *k = &r->coef[j];
		char iv[80];

		snprintf(iv, sizeof(iv), "[%s, %s]", cli_fmt_num(c, 32, k->ci_low),
			 cli_fmt_num(d, 32, k->ci_high));
		fprintf(o->fp, "%-26s %11s %11s  %-25s %7s", k->term,
			cli_fmt_num(a, 32, k->estimate), cli_fmt_num(b, 32, k->std_error), iv,
			cli_fmt_pval(e, 32, k->p_value));
		if (loglink(r))
			fprintf(o->fp, "  %-9s [%s, %s]",
				cli_fmt_num(f, 32, k->exp_estimate),
				cli_fmt_num(g, 32, k->exp_ci_low),
				cli_fmt_num(h, 32, k->exp_ci_high));
		fputc('\n', o->fp);
	}
	fputs("\nEffects against the counterfactual (no intervention):\n",
	      o->fp);
	effects_and_diag(o, "  ");
	sens_table(o, 0);
	if (r->nwarn) {
		fputs("\nWarnings:\n", o->fp);
		warnings_list(o, "  - ");
	}
}

static void print_md(const struct out *o)
{
	const struct mnr_its_result *r = o->r;
	char a[32], b[32], c[32], d[32], e[32], f[32], g[32], h[32];
	size_t j;

	fprintf(o->fp, "### Interrupted time series: %s, %s\n\n", o->metric,
		o->country);
	header_lines(o, "- ");
	fputs("\n| term | estimate | std. error | interval | p |", o->fp);
	if (loglink(r))
		fputs(" ratio | interval |", o->fp);
	fputs("\n| --- | ---: | ---: | --- | ---: |", o->fp);
	if (loglink(r))
		fputs(" ---: | --- |", o->fp);
	fputc('\n', o->fp);
	for (j = 0; j < r->ncoef; j++) {
		const struct mnr_its_coef *k = &r->coef[j];

		fprintf(o->fp, "| %s | %s | %s | [%s, %s] | %s |", k->term,
			cli_fmt_num(a, 32, k->estimate), cli_fmt_num(b, 32, k->std_error),
			cli_fmt_num(c, 32, k->ci_low), cli_fmt_num(d, 32, k->ci_high),
			cli_fmt_pval(e, 32, k->p_value));
		if (loglink(r))
			fprintf(o->fp, " %s | [%s, %s] |",
				cli_fmt_num(f, 32, k->exp_estimate),
				cli_fmt_num(g, 32, k->exp_ci_low),
				cli_fmt_num(h, 32, k->exp_ci_high));
		fputc('\n', o->fp);
	}
	fputs("\n**Effects against the counterfactual** (no intervention)\n\n",
	      o->fp);
	effects_and_diag(o, "- ");
	sens_table(o, 1);
	if (r->nwarn) {
		fputs("\n**Warnings**\n\n", o->fp);
		warnings_list(o, "- ");
	}
}

static void csv_row(const struct out *o, const char *model,
		    const char *errors, const char *term, double est,
		    double se, double lo, double hi, double p, double ee,
		    double elo, double ehi)
{
	fprintf(o->fp, "%s,%s,%s,%s,%s,", o->country, o->metric, model, errors,
		term);
	cli_csv_num(o->fp, est);
	fputc(',', o->fp);
	cli_csv_num(o->fp, se);
	fputc(',', o->fp);
	cli_csv_num(o->fp, lo);
	fputc(',', o->fp);
	cli_csv_num(o->fp, hi);
	fputc(',', o->fp);
	cli_csv_num(o->fp, p);
	fputc(',', o->fp);
	cli_csv_num(o->fp, ee);
	fputc(',', o->fp);
	cli_csv_num(o->fp, elo);
	fputc(',', o->fp);
	cli_csv_num(o->fp, ehi);
	fputc('\n', o->fp);
}

static void csv_effect(const struct out *o, const char *m, const char *e,
		       const char *term, const struct mnr_its_effect *x)
{
	csv_row(o, m, e, term, x->estimate, x->std_error, x->ci_low,
		x->ci_high, NAN, NAN, NAN, NAN);
}

static void print_csv(const struct out *o)
{
	const struct mnr_its_result *r = o->r;
	const char *m = mnr_its_model_name(r->model),
		   *e = mnr_its_errors_name(r->errors);
	size_t j;

	for (j = 0; j < r->ncoef; j++) {
		const struct mnr_its_coef *k = &r->coef[j];

		csv_row(o, m, e, k->term, k->estimate, k->std_error, k->ci_low,
			k->ci_high, k->p_value, k->exp_estimate, k->exp_ci_low,
			k->exp_ci_high);
	}
	csv_row(o, m, e, "n_pre", (double)r->n_pre, NAN, NAN, NAN, NAN, NAN,
		NAN, NAN);
	csv_row(o, m, e, "n_post", (double)r->n_post, NAN, NAN, NAN, NAN, NAN,
		NAN, NAN);
	csv_row(o, m, e, "n_missing", (double)r->n_missing, NAN, NAN, NAN, NAN,
		NAN, NAN, NAN);
	csv_row(o, m, e, "dispersion", r->model == MNR_ITS_OLS ? r->dispersion
		: r->pearson_dispersion, NAN, NAN, NAN, NAN, NAN, NAN, NAN);
	if (r->model == MNR_ITS_NEGBIN)
		csv_row(o, m, e, "theta", r->theta, r->theta_se, NAN, NAN, NAN,
			NAN, NAN, NAN);
	if (r->errors == MNR_ITS_PRAIS_WINSTEN)
		csv_row(o, m, e, "rho", r->rho, NAN, NAN, NAN, NAN, NAN, NAN,
			NAN);
	if (r->errors == MNR_ITS_NEWEY_WEST)
		csv_row(o, m, e, "nw_lag", (double)r->nw_lag, NAN, NAN, NAN,
			NAN, NAN, NAN, NAN);
	csv_row(o, m, e, "durbin_watson", r->diag.durbin_watson, NAN, NAN, NAN,
		NAN, NAN, NAN, NAN);
	csv_row(o, m, e, "breusch_godfrey_1", r->diag.bg1, NAN, NAN, NAN,
		r->diag.bg1_p, NAN, NAN, NAN);
	csv_row(o, m, e, "breusch_godfrey_12", r->diag.bg12, NAN, NAN, NAN,
		r->diag.bg12_p, NAN, NAN, NAN);
	csv_row(o, m, e, "ljung_box", r->diag.lb, NAN, NAN, NAN, r->diag.lb_p,
		NAN, NAN, NAN);
	csv_effect(o, m, e, "effect_end_absolute", &r->end_abs);
	csv_effect(o, m, e, "effect_end_relative", &r->end_rel);
	csv_effect(o, m, e, "effect_cumulative_absolute", &r->cum_abs);
	csv_effect(o, m, e, "effect_cumulative_relative", &r->cum_rel);
	if (o->sens) {
		for (j = 0; j < o->sens->nrows; j++) {
			const struct mnr_its_sens_row *w = &o->sens->rows[j];
			char term[64];

			if (w->status != MNR_OK)
				continue;
			snprintf(term, sizeof(term), "sensitivity:%s", w->term);
			csv_row(o, mnr_its_model_name(w->model),
				mnr_its_errors_name(w->errors), term,
				w->estimate, w->std_error, w->ci_low,
				w->ci_high, w->p_value, w->exp_estimate, NAN,
				NAN);
			csv_effect(o, mnr_its_model_name(w->model),
				   mnr_its_errors_name(w->errors),
				   "sensitivity:effect_end_relative",
				   &w->end_rel);
		}
	}
}

static json_t *effect_json(const struct mnr_its_effect *e)
{
	json_t *j = json_object();
	char m[16];

	mnr_month_format(e->month, m, sizeof(m));
	json_object_set_new(j, "estimate", cli_jnum(e->estimate));
	json_object_set_new(j, "std_error", cli_jnum(e->std_error));
	json_object_set_new(j, "ci_low", cli_jnum(e->ci_low));
	json_object_set_new(j, "ci_high", cli_jnum(e->ci_high));
	json_object_set_new(j, "month", json_string(m));
	return j;
}

static json_t *build_json(const struct out *o)
{
	const struct mnr_its_result *r = o->r;
	json_t *root = json_object(), *coefs = json_array(),
	       *warn = json_array(), *diag = json_object(), *ivs = json_array(),
	       *eff = json_object(), *pts = json_array(), *err = json_object();
	char s[24], m[16];
	size_t j;

	json_object_set_new(root, "command", json_string("its"));
	json_object_set_new(root, "model",
			    json_string(mnr_its_model_name(r->model)));
	json_object_set_new(root, "country", json_string(o->country));
	json_object_set_new(root, "metric", json_string(o->metric));
	for (j = 0; j < o->nint; j++)
		json_array_append_new(ivs, json_string(
			month_str(o->iv[j], m, sizeof(m))));
	json_object_set_new(root, "interventions", ivs);
	json_object_set_new(root, "first_month", json_string(
		month_str(r->first_month, m, sizeof(m))));
	json_object_set_new(root, "last_month", json_string(
		month_str(r->last_month, m, sizeof(m))));
	json_object_set_new(root, "impact",
			    json_string(mnr_its_impact_name(r->impact)));
	season_str(r, s, sizeof(s));
	json_object_set_new(root, "seasonality", json_string(s));
	json_object_set_new(root, "offset", o->opt->use_offset
			    ? json_string("log(population)") : json_null());
	json_object_set_new(err, "method",
			    json_string(mnr_its_errors_name(r->errors)));
	json_object_set_new(err, "nw_lag", r->nw_lag >= 0
			    ? json_integer(r->nw_lag) : json_null());
	json_object_set_new(err, "nw_adjust", r->errors == MNR_ITS_NEWEY_WEST
			    ? json_boolean(r->nw_adjust) : json_null());
	json_object_set_new(err, "rho", cli_jnum(r->rho));
	json_object_set_new(root, "errors", err);
	json_object_set_new(root, "level", cli_jnum(r->level));
	json_object_set_new(root, "inference", json_string(
		isinf(r->inference_df) ? "z" : "t"));
	json_object_set_new(root, "df_residual", cli_jnum(r->df_resid));
	json_object_set_new(root, "n_pre", json_integer((json_int_t)r->n_pre));
	json_object_set_new(root, "n_post", json_integer((json_int_t)r->n_post));
	json_object_set_new(root, "n_missing",
			    json_integer((json_int_t)r->n_missing));
	json_object_set_new(root, "n_phase_in",
			    json_integer((json_int_t)r->n_phase_in));
	for (j = 0; j < r->ncoef; j++) {
		const struct mnr_its_coef *k = &r->coef[j];
		json_t *c = json_object();

		json_object_set_new(c, "term", json_string(k->term));
		json_object_set_new(c, "estimate", cli_jnum(k->estimate));
		json_object_set_new(c, "std_error", cli_jnum(k->std_error));
		json_object_set_new(c, "ci_low", cli_jnum(k->ci_low));
		json_object_set_new(c, "ci_high", cli_jnum(k->ci_high));
		json_object_set_new(c, "p_value", cli_jnum(k->p_value));
		if (loglink(r)) {
			json_object_set_new(c, "exp_estimate",
					    cli_jnum(k->exp_estimate));
			json_object_set_new(c, "exp_ci_low", cli_jnum(k->exp_ci_low));
			json_object_set_new(c, "exp_ci_high",
					    cli_jnum(k->exp_ci_high));
		}
		json_array_append_new(coefs, c);
	}
	json_object_set_new(root, "coefficients", coefs);
	/*
	 * dispersion: residual variance for ols, Pearson chi2/(n-k) for the
	 * count models (the scale itself for quasipoisson).
	 */
	json_object_set_new(root, "dispersion", cli_jnum(
		r->model == MNR_ITS_OLS ? r->dispersion : r->pearson_dispersion));
	json_object_set_new(root, "theta", cli_jnum(r->theta));
	json_object_set_new(root, "theta_std_error", cli_jnum(r->theta_se));
	json_object_set_new(diag, "residuals", json_string(r->diag.residuals));
	json_object_set_new(diag, "durbin_watson", cli_jnum(r->diag.durbin_watson));
	json_object_set_new(diag, "breusch_godfrey_1", cli_jnum(r->diag.bg1));
	json_object_set_new(diag, "breusch_godfrey_1_p", cli_jnum(r->diag.bg1_p));
	json_object_set_new(diag, "breusch_godfrey_12", cli_jnum(r->diag.bg12));
	json_object_set_new(diag, "breusch_godfrey_12_p", cli_jnum(r->diag.bg12_p));
	json_object_set_new(diag, "ljung_box_lag",
			    json_integer((json_int_t)r->diag.lb_lag));
	json_object_set_new(diag, "ljung_box", cli_jnum(r->diag.lb));
	json_object_set_new(diag, "ljung_box_p", cli_jnum(r->diag.lb_p));
	json_object_set_new(root, "diagnostics", diag);
	json_object_set_new(eff, "end_absolute", effect_json(&r->end_abs));
	json_object_set_new(eff, "end_relative", effect_json(&r->end_rel));
	json_object_set_new(eff, "cumulative_absolute", effect_json(&r->cum_abs));
	json_object_set_new(eff, "cumulative_relative", effect_json(&r->cum_rel));
	json_object_set_new(root, "effects", eff);
	for (j = 0; j < r->npoints; j++) {
		const struct mnr_its_point *p = &r->points[j];
		json_t *q = json_object();
		static const char *const st[] = { "fitted", "missing",
						  "phase-in" };

		json_object_set_new(q, "month", json_string(
			month_str(p->month, m, sizeof(m))));
		json_object_set_new(q, "status", json_string(st[p->status]));
		json_object_set_new(q, "segment", json_integer(p->segment));
		json_object_set_new(q, "observed", cli_jnum(p->y));
		json_object_set_new(q, "fitted", cli_jnum(p->fitted));
		json_object_set_new(q, "fitted_low", cli_jnum(p->fitted_low));
		json_object_set_new(q, "fitted_high", cli_jnum(p->fitted_high));
		json_object_set_new(q, "counterfactual", cli_jnum(p->counterfactual));
		json_object_set_new(q, "cf_low", cli_jnum(p->cf_low));
		json_object_set_new(q, "cf_high", cli_jnum(p->cf_high));
		json_array_append_new(pts, q);
	}
	json_object_set_new(root, "series", pts);
	if (o->sens) {
		json_t *sa = json_array();

		for (j = 0; j < o->sens->nrows; j++) {
			const struct mnr_its_sens_row *w = &o->sens->rows[j];
			json_t *q = json_object();

			json_object_set_new(q, "model", json_string(
				mnr_its_model_name(w->model)));
			json_object_set_new(q, "errors", json_string(
				mnr_its_errors_name(w->errors)));
			json_object_set_new(q, "fitted",
					    json_boolean(w->status == MNR_OK));
			if (w->status != MNR_OK) {
				json_object_set_new(q, "reason",
						    json_string(w->reason));
				json_array_append_new(sa, q);
				continue;
			}
			json_object_set_new(q, "term", json_string(w->term));
			json_object_set_new(q, "estimate", cli_jnum(w->estimate));
			json_object_set_new(q, "std_error", cli_jnum(w->std_error));
			json_object_set_new(q, "ci_low", cli_jnum(w->ci_low));
			json_object_set_new(q, "ci_high", cli_jnum(w->ci_high));
			json_object_set_new(q, "p_value", cli_jnum(w->p_value));
			json_object_set_new(q, "exp_estimate",
					    cli_jnum(w->exp_estimate));
			json_object_set_new(q, "end_relative",
					    effect_json(&w->end_rel));
			json_object_set_new(q, "primary",
					    json_boolean(w->primary));
			json_object_set_new(q, "sign_differs",
					    json_boolean(w->sign_differs));
			json_object_set_new(q, "significance_differs",
					    json_boolean(w->significance_differs));
			json_array_append_new(sa, q);
		}
		json_object_set_new(root, "sensitivity", sa);
		json_object_set_new(root, "sensitivity_disagreement",
				    json_boolean(o->sens->any_disagreement));
	}
	for (j = 0; j < r->nwarn; j++) {
		json_t *w = json_object();

		json_object_set_new(w, "code", json_string(r->warn[j].code));
		json_object_set_new(w, "message",
				    json_string(r->warn[j].message));
		json_array_append_new(warn, w);
	}
	json_object_set_new(root, "noise_handling",
			    json_string(mnr_its_noise_name(r->noise)));
	json_object_set_new(root, "warnings", warn);
	return root;
}

/* month,observed,fitted,counterfactual,cf_low,cf_high,segment. */
static int write_points(const char *path, const struct mnr_its_result *r,
			struct mnr_error *err)
{
	struct mnr_outfile of;
	size_t j;
	int rc;

	memset(&of, 0, sizeof(of));
	rc = mnr_outfile_open(&of, path, err);
	if (rc != MNR_OK)
		return rc;
	fputs("month,observed,fitted,counterfactual,cf_low,cf_high,segment\n",
	      of.fp);
	for (j = 0; j < r->npoints; j++) {
		const struct mnr_its_point *p = &r->points[j];
		char m[16];
		int fitted = p->status != 2;

		fprintf(of.fp, "%s,", month_str(p->month, m, sizeof(m)));
		cli_csv_num(of.fp, p->y);
		fputc(',', of.fp);
		cli_csv_num(of.fp, fitted ? p->fitted : NAN);
		fputc(',', of.fp);
		cli_csv_num(of.fp, p->counterfactual);
		fputc(',', of.fp);
		cli_csv_num(of.fp, p->cf_low);
		fputc(',', of.fp);
		cli_csv_num(of.fp, p->cf_high);
		/* A phase-in month belongs to the segment it leads into. */
		fprintf(of.fp, ",%d\n", p->segment >= 0 ? p->segment
			: (int)(j + 1 < r->npoints ? r->points[j + 1].segment
						  : 0));
	}
	return mnr_outfile_commit(&of, err);
}

/* State of one run over one or many series. */
struct run {
	const char *path;
	struct mnr_panel *panel;
	struct mnr_its_options *opt;
	int from, to, want_sens, multi, header_done;
	enum cli_fmt fmt;
	const char *points;
	FILE *fp;
	json_t *results;         /* multi-series JSON: array of objects */
	size_t nfitted, nskipped;
};

static void csv_header(struct run *u)
{
	if (u->header_done)
		return;
	fputs("country,metric,model,errors,term,estimate,std_error,ci_low,"
	      "ci_high,p_value,exp_estimate,exp_ci_low,exp_ci_high\n", u->fp);
	u->header_done = 1;
}

/* A series that could not be fitted (multi-series runs only). */
static void print_skip(struct run *u, const char *country, const char *metric,
		       const char *reason)
{
	json_t *j;

	u->nskipped++;
	switch (u->fmt) {
	case CLI_FMT_TEXT:
		fprintf(u->fp, "Interrupted time series: %s, %s: not fitted: "
			"%s\n\n", metric, country, reason);
		break;
	case CLI_FMT_MD:
		fprintf(u->fp, "### Interrupted time series: %s, %s\n\nNot "
			"fitted: %s\n\n", metric, country, reason);
		break;
	case CLI_FMT_CSV:
		csv_header(u);
		fprintf(u->fp, "%s,%s,%s,%s,not_fitted,,,,,,,,\n", country,
			metric, mnr_its_model_name(u->opt->model),
			mnr_its_errors_name(u->opt->errors));
		break;
	case CLI_FMT_JSON:
		j = json_object();
		json_object_set_new(j, "command", json_string("its"));
		json_object_set_new(j, "country", json_string(country));
		json_object_set_new(j, "metric", json_string(metric));
		json_object_set_new(j, "fitted", json_false());
		json_object_set_new(j, "reason", json_string(reason));
		json_array_append_new(u->results, j);
		break;
	}
}

/*
 * Fit and print one series.  Returns MNR_OK, or the failing status with
 * err filled (the caller reports it for a single series, or prints a skip
 * line for many).  iv: the interventions (sorted here for display).
 */
static int run_one(struct run *u, const char *country, const char *metric,
		   int *iv, size_t nint, struct mnr_error *err)
{
	struct mnr_its_result res;
	struct mnr_its_sensitivity sens;
	struct mnr_its_series ser;
	struct mnr_series s;
	struct out o;
	int *month = NULL, rc;
	size_t i;
	json_t *j;

	memset(&s, 0, sizeof(s));
	memset(&sens, 0, sizeof(sens));
	rc = mnr_panel_series(u->panel, country, metric, u->from, u->to, &s,
			      err);
	if (rc != MNR_OK)
		goto out;
	month = malloc(s.n ? s.n * sizeof(int) : 1);
	if (!month) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < s.n; i++)
		month[i] = s.first_month + (int)i;
	ser.n = s.n;
	ser.month = month;
	ser.y = s.y;
	ser.population = u->opt->use_offset ? s.population : NULL;
	ser.noise_var = s.noise_var;
	rc = mnr_its_fit(&ser, iv, nint, u->opt, &res, err);
	if (rc != MNR_OK)
		goto out;
	if (u->want_sens) {
		rc = mnr_its_sensitivity_run(&ser, iv, nint, u->opt, &sens, err);
		if (rc != MNR_OK) {
			mnr_its_result_free(&res);
			goto out;
		}
	}
	if (u->points) {
		rc = write_points(u->points, &res, err);
		if (rc != MNR_OK) {
			mnr_its_result_free(&res);
			mnr_its_sensitivity_free(&sens);
			goto out;
		}
	}
	/* Interventions in increasing order for display. */
	for (i = 1; i < nint; i++) {
		int v = iv[i];
		size_t k = i;

		for (; k > 0 && iv[k - 1] > v; k--)
			iv[k] = iv[k - 1];
		iv[k] = v;
	}
	memset(&o, 0, sizeof(o));
	o.fp = u->fp;
	o.country = country;
	o.metric = metric;
	o.iv = iv;
	o.nint = nint;
	o.opt = u->opt;
	o.r = &res;
	o.sens = u->want_sens ? &sens : NULL;
	switch (u->fmt) {
	case CLI_FMT_TEXT:
		print_text(&o);
		if (u->multi)
			fputc('\n', u->fp);
		break;
	case CLI_FMT_MD:
		print_md(&o);
		if (u->multi)
			fputc('\n', u->fp);
		break;
	case CLI_FMT_CSV:
		csv_header(u);
		print_csv(&o);
		break;
	case CLI_FMT_JSON:
		j = build_json(&o);
		if (u->multi) {
			json_object_set_new(j, "fitted", json_true());
			json_array_append_new(u->results, j);
		} else {
			if (cli_json_emit(j, u->fp, 17) != 0)
				rc = mnr_error_set(err, MNR_EIO,
						   "cannot format JSON");
		}
		break;
	}
	u->nfitted++;
	mnr_its_result_free(&res);
	mnr_its_sensitivity_free(&sens);
out:
	free(month);
	mnr_series_release(&s);
	return rc;
}

int cmd_its(int argc, char **argv, const struct cli_context *ctx)
{
	static const char short_opts[] = "ho:";
	static const struct option long_opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ "metric", required_argument, NULL, OPT_METRIC },
		{ "country", required_argument, NULL, OPT_COUNTRY },
		{ "intervention", required_argument, NULL, OPT_INTERVENTION },
		{ "adoption", required_argument, NULL, OPT_ADOPTION },
		{ "model", required_argument, NULL, OPT_MODEL },
		{ "offset", required_argument, NULL, OPT_OFFSET },
		{ "impact", required_argument, NULL, OPT_IMPACT },
		{ "seasonality", required_argument, NULL, OPT_SEASON },
		{ "errors", required_argument, NULL, OPT_ERRORS },
		{ "nw-adjust", no_argument, NULL, OPT_NW_ADJUST },
		{ "phase-in", required_argument, NULL, OPT_PHASE_IN },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "sensitivity", no_argument, NULL, OPT_SENS },
		{ "points", required_argument, NULL, OPT_POINTS },
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "col", required_argument, NULL, OPT_COL },
		{ NULL, 0, NULL, 0 },
	};
	struct mnr_its_options opt;
	struct mnr_adoption *adoption = NULL;
	struct mnr_colmap map;
	struct mnr_outfile of;
	struct mnr_error err;
	struct run u;
	const char *output = "-", *metric = NULL, *country = NULL,
		   *adoption_path = NULL;
	int iv[MAX_IV];
	size_t nint = 0, ci, mi, nc, nm;
	int c, rc, status = CLI_EX_OK;
	long l;

	memset(&map, 0, sizeof(map));
	memset(&of, 0, sizeof(of));
	memset(&u, 0, sizeof(u));
	u.from = u.to = -1;
	u.fmt = CLI_FMT_TEXT;
	mnr_its_options_init(&opt);
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
			if (strcmp(optarg, "all") != 0 &&
			    !mnr_country_valid(optarg, strlen(optarg)))
				return cli_usage_error(SUB, "--country wants an "
						       "ISO 3166-1 alpha-3 code or all");
			country = optarg;
			break;
		case OPT_INTERVENTION:
			if (nint == MAX_IV)
				return cli_usage_error(SUB, "at most %d "
						       "interventions", MAX_IV);
			if (mnr_parse_month(optarg, strlen(optarg), &iv[nint],
					    NULL) != MNR_OK)
				return cli_usage_error(SUB, "--intervention "
						       "wants YYYY-MM");
			nint++;
			break;
		case OPT_ADOPTION:
			adoption_path = optarg;
			break;
		case OPT_MODEL:
			if (mnr_its_parse_model(optarg, &opt) != MNR_OK)
				return cli_usage_error(SUB, "--model wants ols, "
						       "poisson, quasipoisson or negbin");
			break;
		case OPT_OFFSET:
			if (strcmp(optarg, "population") != 0)
				return cli_usage_error(SUB, "--offset wants "
						       "population");
			opt.use_offset = 1;
			break;
		case OPT_IMPACT:
			if (mnr_its_parse_impact(optarg, &opt) != MNR_OK)
				return cli_usage_error(SUB, "--impact wants "
						       "level, slope or level+slope");
			break;
		case OPT_SEASON:
			if (mnr_its_parse_seasonality(optarg, &opt) != MNR_OK)
				return cli_usage_error(SUB, "--seasonality wants "
						       "none, months or fourier:K "
						       "(K from 1 to 6)");
			break;
		case OPT_ERRORS:
			if (mnr_its_parse_errors(optarg, &opt) != MNR_OK)
				return cli_usage_error(SUB, "--errors wants "
						       "classic, newey-west[:LAG] "
						       "or prais-winsten");
			break;
		case OPT_NW_ADJUST:
			opt.nw_adjust = 1;
			break;
		case OPT_PHASE_IN:
			if (cli_parse_long(optarg, 0, 120, &l))
				return cli_usage_error(SUB, "--phase-in wants "
						       "a number of months (0-120)");
			opt.phase_in = (int)l;
			break;
		case OPT_FROM:
		case OPT_TO:
			if (mnr_parse_month(optarg, strlen(optarg),
					    c == OPT_FROM ? &u.from : &u.to,
					    NULL) != MNR_OK)
				return cli_usage_error(SUB, "--%s wants YYYY-MM",
						       c == OPT_FROM ? "from"
								     : "to");
			break;
		case OPT_SENS:
			u.want_sens = 1;
			break;
		case OPT_POINTS:
			u.points = optarg;
			break;
		case OPT_LEVEL:
			if (cli_parse_double(optarg, 0.5, 0.9999, &opt.level))
				return cli_usage_error(SUB, "--level wants a "
						       "number in [0.5, 0.9999]");
			break;
		case OPT_FORMAT:
			if ((rc = cli_parse_format(SUB, optarg, CLI_FMTS_ALL,
							    &u.fmt)) != 0)
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
	if (nint == 0 && !adoption_path)
		return cli_usage_error(SUB, "--intervention is required");
	if (nint > 0 && adoption_path)
		return cli_usage_error(SUB, "--intervention and --adoption "
				       "exclude each other");
	if (opt.use_offset && opt.model == MNR_ITS_OLS)
		return cli_usage_error(SUB, "--offset population goes with the "
				       "count models (poisson, quasipoisson, negbin)");
	if (opt.errors == MNR_ITS_PRAIS_WINSTEN && opt.model != MNR_ITS_OLS)
		return cli_usage_error(SUB, "--errors prais-winsten goes with "
				       "--model ols; use newey-west for count models");
	if (opt.nw_adjust && opt.errors != MNR_ITS_NEWEY_WEST)
		return cli_usage_error(SUB, "--nw-adjust goes with --errors "
				       "newey-west");
	if (u.from >= 0 && u.to >= 0 && u.to < u.from)
		return cli_usage_error(SUB, "--to is before --from");
	u.multi = strcmp(country, "all") == 0 || strcmp(metric, "all") == 0;
	if (u.multi && u.points)
		return cli_usage_error(SUB, "--points needs one country and "
				       "one metric");
	u.path = argv[optind];
	u.opt = &opt;

	mnr_error_clear(&err);
	rc = mnr_panel_read(u.path, map.n ? &map : NULL, &u.panel, &err);
	if (rc != MNR_OK)
		return cli_report(SUB, &err, ctx);
	if (opt.use_offset && !u.panel->has_population) {
		mnr_panel_free(u.panel);
		return cli_error(SUB, CLI_EX_DATAERR, "%s: --offset population "
				 "needs a population column", u.path);
	}
	if (adoption_path) {
		rc = mnr_adoption_read(adoption_path, NULL, &adoption, &err);
		if (rc != MNR_OK) {
			status = cli_report(SUB, &err, ctx);
			goto out;
		}
	}
	rc = mnr_outfile_open(&of, output, &err);
	if (rc != MNR_OK) {
		status = cli_report(SUB, &err, ctx);
		goto out;
	}
	u.fp = of.fp;
	if (u.multi && u.fmt == CLI_FMT_JSON)
		u.results = json_array();
	nc = strcmp(country, "all") == 0 ? u.panel->ncountries : 1;
	nm = strcmp(metric, "all") == 0 ? u.panel->nmetrics : 1;
	for (ci = 0; ci < nc; ci++) {
		const char *cc = nc > 1 ? u.panel->country[ci] : country;

		for (mi = 0; mi < nm; mi++) {
			const char *mm = nm > 1 ? u.panel->metric[mi] : metric;
			int ivs[MAX_IV];
			size_t nv = nint;

			memcpy(ivs, iv, sizeof(iv));
			mnr_error_clear(&err);
			if (adoption) {
				ivs[0] = mnr_adoption_start(adoption, cc);
				nv = 1;
				if (ivs[0] < 0) {
					rc = mnr_error_set_at(&err, MNR_EDATA,
						adoption_path, 0, 0, 0,
						"no-adoption",
						"country %s has no adoption date",
						cc);
					goto failed;
				}
			}
			rc = run_one(&u, cc, mm, ivs, nv, &err);
			if (rc == MNR_OK)
				continue;
failed:
			if (!u.multi || rc == MNR_ENOMEM || rc == MNR_EIO ||
			    rc == MNR_ECREAT) {
				mnr_outfile_abort(&of);
				mnr_error_locate(&err, u.path, 0, 0, 0);
				status = cli_report(SUB, &err, ctx);
				goto out;
			}
			print_skip(&u, cc, mm, err.msg);
		}
	}
	if (u.results) {
		json_t *root = json_object();

		json_object_set_new(root, "command", json_string("its"));
		json_object_set_new(root, "n_series",
				    json_integer((json_int_t)(u.nfitted +
							      u.nskipped)));
		json_object_set_new(root, "n_fitted",
				    json_integer((json_int_t)u.nfitted));
		json_object_set_new(root, "results", u.results);
		u.results = NULL;
		if (cli_json_emit(root, u.fp, 17) != 0) {
			mnr_outfile_abort(&of);
			status = cli_error(SUB, CLI_EX_SOFTWARE,
					   "cannot format JSON");
			goto out;
		}
	}
	rc = mnr_outfile_commit(&of, &err);
	status = rc == MNR_OK ? CLI_EX_OK : cli_report(SUB, &err, ctx);
out:
	json_decref(u.results);
	mnr_adoption_free(adoption);
	mnr_panel_free(u.panel);
	return status;
}
