/*
 * The report's files: results.json (every number), manifest.json
 * (provenance), report.md and report.html (the same content for people;
 * the HTML inlines the SVG charts and its CSS, so it makes no request).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "alloc_internal.h"
#include "mnrstat/fields.h"
#include "report_internal.h"
#include "banned.h"

/* ---- text buffer --------------------------------------------------------- */

static int buf_reserve(struct mnr__rep_buf *b, size_t more)
{
	size_t need = b->len + more + 1, nc;
	char *np;

	if (b->failed)
		return -1;
	if (need <= b->cap)
		return 0;
	nc = b->cap ? b->cap : 65536;
	while (nc < need)
		nc *= 2;
	np = mnr__realloc(b->p, nc);
	if (!np) {
		b->failed = 1;
		return -1;
	}
	b->p = np;
	b->cap = nc;
	return 0;
}

void mnr__rep_puts(struct mnr__rep_buf *b, const char *s)
{
	size_t n = strlen(s);

	if (buf_reserve(b, n) != 0)
		return;
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

void mnr__rep_printf(struct mnr__rep_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_reserve(b, (size_t)n) != 0) {
		b->failed = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void mnr__rep_html(struct mnr__rep_buf *b, const char *s)
{
	char one[2] = { 0, 0 };

	for (; *s; s++) {
		switch (*s) {
		case '&': mnr__rep_puts(b, "&amp;"); break;
		case '<': mnr__rep_puts(b, "&lt;"); break;
		case '>': mnr__rep_puts(b, "&gt;"); break;
		case '"': mnr__rep_puts(b, "&quot;"); break;
		case '\'': mnr__rep_puts(b, "&#39;"); break;
		default:
			one[0] = *s;
			mnr__rep_puts(b, one);
		}
	}
}

/* Markdown table cells: '|' would split the cell. */
static void md_cell(struct mnr__rep_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			mnr__rep_puts(b, "\\|");
		else if (*s == '\n')
			mnr__rep_puts(b, " ");
		else {
			char one[2] = { *s, 0 };

			mnr__rep_puts(b, one);
		}
	}
}

static int write_file(struct mnr__rep *r, const char *name, const char *data,
		      size_t len, struct mnr_error *err)
{
	char path[4096];
	FILE *fp;
	int bad;

	snprintf(path, sizeof(path), "%s/%s", r->tmp, name);
	fp = fopen(path, "w");
	if (!fp)
		return mnr_error_set(err, MNR_ECREAT, "cannot create %s in the "
				     "temporary report folder", name);
	bad = fwrite(data, 1, len, fp) != len;
	bad |= fflush(fp) != 0;
	bad |= fsync(fileno(fp)) != 0;
	bad |= fclose(fp) != 0;
	if (bad)
		return mnr_error_set(err, MNR_EIO, "cannot write %s", name);
	return MNR_OK;
}

/* ---- small formatting helpers ------------------------------------------- */

/* Exact totals of records are shown only where nothing is private anyway
 * (internal or seeded reports): an exact count is not differentially
 * private. */
static int exact_counts(const struct mnr__rep *r)
{
	return r->o->internal || r->o->has_seed;
}

static void month_str(int m, char *buf, size_t size)
{
	mnr_month_format(m, buf, size);
}

/* Months before and after the intervention that a country's analysis used. */
static void country_points(const struct mnr__rep_country *cc, size_t *np,
			   size_t *nq)
{
	*np = *nq = 0;
	if (cc->has_its) {
		*np = cc->its.n_pre;
		*nq = cc->its.n_post;
	} else if (cc->has_cmp) {
		*np = cc->cmp.n_pre;
		*nq = cc->cmp.n_post;
	}
}

static const char *dir_name(int d)
{
	return d > 0 ? "up" : d < 0 ? "down" : "flat";
}

static void num(char *buf, size_t size, double x)
{
	if (!isfinite(x))
		snprintf(buf, size, "n/a");
	else
		snprintf(buf, size, "%.3g", x);
}

/* Estimate in the reader's form (a ratio as a percentage change). */
static void est_text_u(const struct mnr__rep_head *h, double x, char *buf,
		       size_t size, int unit)
{
	double v = h->e.scale == MNR_REPORT_RATIO ? (x - 1) * 100 : x;
	char n[48];

	if (!isfinite(x)) {
		snprintf(buf, size, "n/a");
		return;
	}
	/* No e-notation for people: whole numbers from 1000 on. */
	if (fabs(v) >= 1000 && fabs(v) < 1e15)
		snprintf(n, sizeof(n), "%+.0f", v);
	else
		snprintf(n, sizeof(n), "%+.3g", v);
	if (h->e.scale == MNR_REPORT_RATIO)
		snprintf(buf, size, "%s%%", n);
	else if (unit && h->e.unit)
		snprintf(buf, size, "%s %s", n, h->e.unit);
	else
		snprintf(buf, size, "%s", n);
}

/* The estimate with its unit; interval limits without (tables). */
static void est_text(const struct mnr__rep_head *h, double x, char *buf,
		     size_t size)
{
	est_text_u(h, x, buf, size, x == h->e.estimate);
}

static json_t *jnum(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

static json_t *jcount(const struct mnr__rep *r, double x)
{
	/* Internal reports: a small total is shown as hidden, not printed. */
	if (r->o->internal && isfinite(x) && x > 0 &&
	    x < MNR_REPORT_SUPPRESS_K)
		return json_null();
	return jnum(x);
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}


/* Share of a metric's released monthly counts that are negative (kept as
 * released: clamping would bias small counts upward). */
static double clamped_share(const struct mnr__rep *r,
			    const struct mnr__rep_metric *m)
{
	size_t n = r->ncountries * r->nmonths;

	return n ? (double)m->nclamped / (double)n : 0;
}

#define CLAMP_WARN 0.10

static void clamp_note(const struct mnr__rep *r,
		       const struct mnr__rep_metric *m, char *buf, size_t size)
{
	double f = clamped_share(r, m);

	buf[0] = '\0';
	if (r->private_release && f > CLAMP_WARN)
		snprintf(buf, size, "Caution: %.0f%% of this metric's released "
			 "monthly counts are negative (noise around small true "
			 "counts). Every estimate takes them as released, with "
			 "the noise in its interval: the noise has mean zero, "
			 "so means of released counts are unbiased, whereas "
			 "setting them to 0 or taking logs would bias small "
			 "counts. At this privacy budget these counts are small "
			 "for precise estimates.", 100 * f);
}

/* ---- results.json ------------------------------------------------------- */

static json_t *head_json(const struct mnr__rep_head *h)
{
	json_t *o = json_object();

	json_object_set_new(o, "method", jstr(h->method));
	json_object_set_new(o, "label", json_string(h->label));
	json_object_set_new(o, "scale", json_string(
		h->e.scale == MNR_REPORT_RATIO ? "ratio" : "difference"));
	json_object_set_new(o, "null_value",
			    json_real(h->e.scale == MNR_REPORT_RATIO ? 1 : 0));
	json_object_set_new(o, "unit", jstr(h->e.unit));
	json_object_set_new(o, "estimate", jnum(h->e.estimate));
	json_object_set_new(o, "ci_low", jnum(h->e.ci_low));
	json_object_set_new(o, "ci_high", jnum(h->e.ci_high));
	json_object_set_new(o, "level", jnum(h->e.level));
	json_object_set_new(o, "p_value", jnum(h->p_value));
	json_object_set_new(o, "valid", json_boolean(h->v.valid));
	json_object_set_new(o, "direction", json_string(dir_name(h->v.direction)));
	json_object_set_new(o, "significant", json_boolean(h->v.significant));
	json_object_set_new(o, "improvement", json_integer(h->v.improvement));
	json_object_set_new(o, "better", json_string(
		h->e.better == MNR_REPORT_BETTER_HIGHER ? "higher" :
		h->e.better == MNR_REPORT_BETTER_LOWER ? "lower" : "none"));
	json_object_set_new(o, "sentence", json_string(h->sentence));
	return o;
}

static json_t *coef_json(const struct mnr_its_coef *c)
{
	json_t *o = json_object();

	json_object_set_new(o, "term", json_string(c->term));
	json_object_set_new(o, "estimate", jnum(c->estimate));
	json_object_set_new(o, "std_error", jnum(c->std_error));
	json_object_set_new(o, "ci_low", jnum(c->ci_low));
	json_object_set_new(o, "ci_high", jnum(c->ci_high));
	json_object_set_new(o, "p_value", jnum(c->p_value));
	json_object_set_new(o, "exp_estimate", jnum(c->exp_estimate));
	json_object_set_new(o, "exp_ci_low", jnum(c->exp_ci_low));
	json_object_set_new(o, "exp_ci_high", jnum(c->exp_ci_high));
	return o;
}

static json_t *its_json(const struct mnr_its_result *its, int season)
{
	json_t *o = json_object(), *coefs = json_array(), *w = json_array();
	json_t *d = json_object();
	size_t i;

	json_object_set_new(o, "model", json_string(mnr_its_model_name(its->model)));
	json_object_set_new(o, "errors", json_string(mnr_its_errors_name(its->errors)));
	json_object_set_new(o, "newey_west_lag", json_integer(its->nw_lag));
	json_object_set_new(o, "seasonality", json_string(
		season ? "fourier:2" : "none"));
	json_object_set_new(o, "n_pre", json_integer((json_int_t)its->n_pre));
	json_object_set_new(o, "n_post", json_integer((json_int_t)its->n_post));
	json_object_set_new(o, "n_missing", json_integer((json_int_t)its->n_missing));
	json_object_set_new(o, "dispersion", jnum(its->dispersion));
	for (i = 0; i < its->ncoef; i++)
		json_array_append_new(coefs, coef_json(&its->coef[i]));
	json_object_set_new(o, "coefficients", coefs);
	json_object_set_new(d, "durbin_watson", jnum(its->diag.durbin_watson));
	json_object_set_new(d, "breusch_godfrey_1_p", jnum(its->diag.bg1_p));
	json_object_set_new(d, "breusch_godfrey_12_p", jnum(its->diag.bg12_p));
	json_object_set_new(d, "ljung_box", jnum(its->diag.lb));
	json_object_set_new(d, "ljung_box_lag", json_integer((json_int_t)its->diag.lb_lag));
	json_object_set_new(d, "ljung_box_p", jnum(its->diag.lb_p));
	json_object_set_new(o, "diagnostics", d);
	json_object_set_new(o, "end_relative_effect", jnum(its->end_rel.estimate));
	json_object_set_new(o, "end_relative_ci_low", jnum(its->end_rel.ci_low));
	json_object_set_new(o, "end_relative_ci_high", jnum(its->end_rel.ci_high));
	for (i = 0; i < its->nwarn; i++)
		json_array_append_new(w, json_string(its->warn[i].message));
	json_object_set_new(o, "warnings", w);
	return o;
}

static json_t *compare_json(const struct mnr__rep *r,
			    const struct mnr_compare_result *c)
{
	json_t *o = json_object(), *w = json_array();
	unsigned bit;

	json_object_set_new(o, "kind", json_string(mnr_compare_kind_name(c->kind)));
	json_object_set_new(o, "n_pre", json_integer((json_int_t)c->n_pre));
	json_object_set_new(o, "n_post", json_integer((json_int_t)c->n_post));
	json_object_set_new(o, "mean_pre", jnum(c->pre.mean));
	json_object_set_new(o, "mean_post", jnum(c->post.mean));
	if (c->has_welch) {
		json_object_set_new(o, "welch_diff", jnum(c->welch.diff));
		json_object_set_new(o, "welch_ci_low", jnum(c->welch.ci_low));
		json_object_set_new(o, "welch_ci_high", jnum(c->welch.ci_high));
		json_object_set_new(o, "welch_p", jnum(c->welch.p_value));
	}
	if (c->has_rate) {
		json_object_set_new(o, "events_pre", jcount(r, c->rate.events_pre));
		json_object_set_new(o, "events_post", jcount(r, c->rate.events_post));
		json_object_set_new(o, "rate_ratio", jnum(c->rate.ratio));
		json_object_set_new(o, "exact_ci_low", jnum(c->rate.exact_low));
		json_object_set_new(o, "exact_ci_high", jnum(c->rate.exact_high));
		json_object_set_new(o, "exact_p", jnum(c->rate.exact_p));
		json_object_set_new(o, "wald_ci_low", jnum(c->rate.wald_low));
		json_object_set_new(o, "wald_ci_high", jnum(c->rate.wald_high));
		json_object_set_new(o, "wald_p", jnum(c->rate.wald_p));
		json_object_set_new(o, "per_population", json_boolean(c->per_population));
	}
	for (bit = 0; bit < MNR_COMPARE_WARN_COUNT; bit++)
		if (c->warnings & (1u << bit))
			json_array_append_new(w, json_string(
				mnr_compare_warning_text(1u << bit)));
	json_object_set_new(o, "warnings", w);
	return o;
}

static json_t *checklist_json(const struct mnr_report_check_item *c)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < MNR_REPORT_NCHECK; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "id", json_string(c[i].id));
		json_object_set_new(o, "standard", json_string(c[i].standard));
		json_object_set_new(o, "state", json_string(
			mnr_report_check_state_name(c[i].state)));
		json_object_set_new(o, "detail", json_string(c[i].detail));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *did_json(const struct mnr_did_result *d)
{
	json_t *o = json_object(), *ev = json_array();
	const struct mnr_did_cs *cs = &d->cs;
	size_t k;

	json_object_set_new(o, "method", json_string("callaway_santanna"));
	json_object_set_new(o, "control", json_string(
		d->control == MNR_DID_CONTROL_NOTYET ? "notyet" : "never"));
	json_object_set_new(o, "per_population", json_boolean(d->per_population));
	json_object_set_new(o, "seed", json_integer((json_int_t)d->seed));
	json_object_set_new(o, "bootstrap_draws", json_integer((json_int_t)d->boot));
	json_object_set_new(o, "n_units", json_integer((json_int_t)cs->n_units));
	json_object_set_new(o, "n_cohorts", json_integer((json_int_t)cs->n_cohorts));
	json_object_set_new(o, "n_never", json_integer((json_int_t)cs->n_never));
	json_object_set_new(o, "overall", jnum(cs->overall.est));
	json_object_set_new(o, "overall_se", jnum(cs->overall.se));
	json_object_set_new(o, "overall_ci_low", jnum(cs->overall.lo));
	json_object_set_new(o, "overall_ci_high", jnum(cs->overall.hi));
	json_object_set_new(o, "overall_p", jnum(cs->overall.p));
	json_object_set_new(o, "overall_reason", jstr(cs->overall.reason));
	json_object_set_new(o, "pretrend_wald", jnum(cs->pre_wald));
	json_object_set_new(o, "pretrend_p", jnum(cs->pre_p));
	json_object_set_new(o, "pretrend_reason", jstr(cs->pre_reason));
	for (k = 0; k < cs->n_event; k++) {
		json_t *e = json_object();
		const struct mnr_did_agg *a = &cs->event[k];

		json_object_set_new(e, "event_time", json_integer(a->key));
		json_object_set_new(e, "estimate", jnum(a->est.est));
		json_object_set_new(e, "ci_low", jnum(a->est.lo));
		json_object_set_new(e, "ci_high", jnum(a->est.hi));
		json_object_set_new(e, "band_low", jnum(a->band_lo));
		json_object_set_new(e, "band_high", jnum(a->band_hi));
		json_array_append_new(ev, e);
	}
	json_object_set_new(o, "event_study", ev);
	return o;
}

/* The staggered-adoption effect on levels behind a count's or a derived
 * share's headline (report_did.c). */
static json_t *rel_json(const struct mnr__rep_rel *q)
{
	json_t *o = json_object();

	json_object_set_new(o, "quantity", json_string(q->kind ?
		"change_in_share" : "relative_change"));
	json_object_set_new(o, "outcome_scale", json_string(
		"levels as released (no log, negative counts kept)"));
	json_object_set_new(o, "interval_method", json_string(q->log_scale ?
		"delete-one-country jackknife, t, on log(observed / "
		"counterfactual)" : "delete-one-country jackknife, t"));
	json_object_set_new(o, q->kind ? "att_numerator" : "att", jnum(q->att));
	json_object_set_new(o, "observed", jnum(q->observed));
	json_object_set_new(o, "counterfactual", jnum(q->counterfactual));
	json_object_set_new(o, "estimate", jnum(q->est));
	json_object_set_new(o, "ci_low", jnum(q->has ? q->lo : NAN));
	json_object_set_new(o, "ci_high", jnum(q->has ? q->hi : NAN));
	json_object_set_new(o, "se", jnum(q->se));
	json_object_set_new(o, "df", jnum(q->df));
	json_object_set_new(o, "p", jnum(q->p));
	json_object_set_new(o, "countries_left_out", json_integer(
		(json_int_t)q->n_jack));
	json_object_set_new(o, "reason", jstr(q->reason));
	return o;
}

static json_t *privacy_json(const struct mnr__rep *r)
{
	const struct mnr_report_options *o = r->o;
	json_t *p = json_object();
	char q[64];

	json_object_set_new(p, "mode", json_string(
		o->internal ? "internal" : "differentially_private"));
	json_object_set_new(p, "not_private",
			    json_boolean(o->internal || o->has_seed));
	json_object_set_new(p, "seeded", json_boolean(o->has_seed));
	if (o->internal) {
		json_object_set_new(p, "notice", json_string(
			"internal - not for publication"));
		json_object_set_new(p, "suppression_threshold",
				    json_integer(MNR_REPORT_SUPPRESS_K));
		json_object_set_new(p, "cells_suppressed_primary",
			json_integer((json_int_t)r->nsuppressed_primary));
		json_object_set_new(p, "cells_suppressed_secondary",
			json_integer((json_int_t)r->nsuppressed_secondary));
		return p;
	}
	mnr_rational_format(o->budget, q, sizeof(q));
	json_object_set_new(p, "mechanism", json_string(
		mnr_dp_mechanism_name(r->noise.kind)));
	json_object_set_new(p, "budget_kind", json_string(
		o->budget_kind == MNR_REPORT_BUDGET_EPSILON ? "epsilon" : "rho"));
	json_object_set_new(p, "budget", json_string(q));
	json_object_set_new(p, "budget_value",
			    json_real(mnr_rational_to_double(o->budget)));
	json_object_set_new(p, "epsilon_at_delta_1e-6", jnum(r->eps_equiv));
	json_object_set_new(p, "privacy_unit", json_string(
		r->has_person ? "person" : "case_record"));
	json_object_set_new(p, "max_cells", json_integer((json_int_t)r->max_cells));
	json_object_set_new(p, "max_per_cell",
			    json_integer((json_int_t)r->max_per_cell));
	/* Exact record counts are not private: shown only when the report
	 * is not private anyway (seeded). */
	json_object_set_new(p, "rows_dropped_by_bounds", o->has_seed ?
			    json_integer((json_int_t)r->rows_dropped)
			    : json_null());
	json_object_set_new(p, "counts_per_record",
			    json_integer((json_int_t)r->groups));
	json_object_set_new(p, "sensitivity_l1", json_integer((json_int_t)r->sensitivity));
	json_object_set_new(p, "sensitivity_l2_squared",
			    json_integer((json_int_t)r->l2sq));
	mnr_rational_format(r->noise.scale, q, sizeof(q));
	json_object_set_new(p, "noise_scale", json_string(q));
	json_object_set_new(p, "noise_variance", jnum(r->noise_var));
	json_object_set_new(p, "interval_halfwidth_95",
			    json_integer((json_int_t)r->halfwidth));
	json_object_set_new(p, "interval_coverage", jnum(r->coverage));
	json_object_set_new(p, "cells_released",
			    json_integer((json_int_t)r->nreleased_cells));
	json_object_set_new(p, "cells_negative",
			    json_integer((json_int_t)r->nclamped));
	if (r->has_receipt) {
		json_t *l = json_object();

		json_object_set_new(l, "path", json_string(
			o->ledger ? o->ledger : "ledger.jsonl"));
		json_object_set_new(l, "seq", json_integer((json_int_t)r->receipt.seq));
		json_object_set_new(l, "entry", json_string(r->receipt.hash));
		mnr_rational_format(r->receipt.charged, q, sizeof(q));
		json_object_set_new(l, "charged", json_string(q));
		mnr_rational_format(r->receipt.spent, q, sizeof(q));
		json_object_set_new(l, "spent", json_string(q));
		mnr_rational_format(r->receipt.budget, q, sizeof(q));
		json_object_set_new(l, "budget", json_string(q));
		json_object_set_new(p, "ledger", l);
	}
	return p;
}

static int write_results(struct mnr__rep *r, struct mnr_error *err)
{
	json_t *root = json_object(), *ms = json_array(), *cs = json_array();
	char a[16], b[16];
	size_t i, c;
	char *txt;
	int rc;

	json_object_set_new(root, "tool", json_string("mnrstat report"));
	json_object_set_new(root, "version", jstr(r->o->tool_version));
	json_object_set_new(root, "title", json_string(r->title));
	json_object_set_new(root, "scope", json_string(r->focus >= 0 ? "country"
								     : "all"));
	json_object_set_new(root, "country", jstr(r->o->country));
	json_object_set_new(root, "synthetic", json_boolean(r->o->synthetic));
	json_object_set_new(root, "case_records", exact_counts(r) ?
			    json_integer((json_int_t)r->rows) : json_null());
	month_str(r->m0, a, sizeof(a));
	month_str(r->m1, b, sizeof(b));
	json_object_set_new(root, "period_first", json_string(a));
	json_object_set_new(root, "period_last", json_string(b));
	json_object_set_new(root, "privacy", privacy_json(r));
	for (c = 0; c < r->ncountries; c++) {
		json_t *o = json_object();

		json_object_set_new(o, "country", json_string(r->country[c]));
		if (r->adopt[c] >= 0) {
			month_str(r->adopt[c], a, sizeof(a));
			json_object_set_new(o, "adoption", json_string(a));
		} else {
			json_object_set_new(o, "adoption", json_null());
		}
		json_array_append_new(cs, o);
	}
	json_object_set_new(root, "countries", cs);
	json_object_set_new(root, "checklist", checklist_json(r->check));
	for (i = 0; i < r->nmetrics; i++) {
		struct mnr__rep_metric *m = &r->m[i];
		json_t *o = json_object(), *pc, *ch;

		json_object_set_new(o, "metric", json_string(m->name));
		json_object_set_new(o, "domain", json_string(m->domain));
		json_object_set_new(o, "unit", json_string(m->unit));
		json_object_set_new(o, "direction", json_string(m->direction));
		json_object_set_new(o, "definition", json_string(m->definition));
		json_object_set_new(o, "analysed", json_boolean(m->analysed));
		json_object_set_new(o, "withheld", m->analysed ? json_null()
					: json_string(m->withheld));
		json_array_append_new(ms, o);
		if (!m->analysed)
			continue;
		pc = json_array();
		ch = json_array();
		json_object_set_new(o, "headline", head_json(&m->head));
		json_object_set_new(o, "released_cells_negative_share",
			r->private_release ? json_real(clamped_share(r, m))
					   : json_null());
		json_object_set_new(o, "checklist", checklist_json(m->check));
		if (m->chart[0][0])
			json_array_append_new(ch, json_string(m->chart[0]));
		if (m->chart[1][0])
			json_array_append_new(ch, json_string(m->chart[1]));
		json_object_set_new(o, "charts", ch);
		for (c = 0; c < r->ncountries; c++) {
			struct mnr__rep_country *cc = &m->c[c];
			json_t *x;

			if (!cc->analysed)
				continue;
			x = json_object();
			json_object_set_new(x, "country", json_string(r->country[c]));
			month_str(cc->intervention, a, sizeof(a));
			json_object_set_new(x, "intervention", json_string(a));
			json_object_set_new(x, "headline", head_json(&cc->head));
			json_object_set_new(x, "compare", cc->has_cmp ?
				compare_json(r, &cc->cmp) : json_null());
			json_object_set_new(x, "compare_error", cc->has_cmp ?
				json_null() : json_string(cc->cmp_err));
			json_object_set_new(x, "its", cc->has_its ?
				its_json(&cc->its, cc->its_season) : json_null());
			json_object_set_new(x, "its_error", cc->has_its ?
				json_null() : json_string(cc->its_err));
			json_array_append_new(pc, x);
		}
		json_object_set_new(o, "countries", pc);
		if (r->focus >= 0 && m->has_cohort)
			json_object_set_new(o, "cohort_comparison",
					    head_json(&m->cohort));
		if (r->focus >= 0 && m->did)
			json_object_set_new(o, "did", did_json(m->did));
		if (r->focus < 0)
			json_object_set_new(o, "did", m->did ? did_json(m->did)
				: json_null());
		if (r->focus < 0 && !m->did)
			json_object_set_new(o, "did_error", json_string(m->did_err));
		if (r->focus < 0 && r->ncountries > 1 &&
		    (m->is_count || m->derived))
			json_object_set_new(o, "did_levels", rel_json(&m->rel));
	}
	json_object_set_new(root, "metrics", ms);
	if (r->focus >= 0) {
		json_t *rv = json_object();

		json_object_set_new(rv, "available", json_boolean(r->has_removal));
		if (r->has_removal) {
			int g;
			json_t *gs = json_array();

			for (g = 0; g < 2; g++) {
				const struct mnr_removal_group *gr =
					&r->removal.group[g];
				json_t *x = json_object();

				json_object_set_new(x, "group", json_string(
					g == 0 ? "before" : "after"));
				json_object_set_new(x, "reports", jcount(r, gr->n));
				json_object_set_new(x, "removed", jcount(r, gr->events));
				json_object_set_new(x, "median_hours", jnum(gr->median.median));
				json_object_set_new(x, "median_ci_low", jnum(gr->median.lower));
				json_object_set_new(x, "median_ci_high", jnum(gr->median.upper));
				json_object_set_new(x, "removed_24h", jnum(1 - gr->within[0].surv));
				json_object_set_new(x, "removed_72h", jnum(1 - gr->within[1].surv));
				json_array_append_new(gs, x);
			}
			json_object_set_new(rv, "groups", gs);
			json_object_set_new(rv, "logrank_p", r->removal.has_logrank ?
				jnum(r->removal.logrank.p_value) : json_null());
			json_object_set_new(rv, "chart", json_string(r->removal_chart));
		} else {
			json_object_set_new(rv, "reason", json_string(r->removal_err));
		}
		json_object_set_new(root, "removal", rv);
	}
	txt = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
			 JSON_REAL_PRECISION(17));
	json_decref(root);
	if (!txt)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	rc = write_file(r, "results.json", txt, strlen(txt), err);
	free(txt);
	return rc;
}

/* ---- manifest.json ------------------------------------------------------ */

static json_t *input_json(const char *role, const char *path, const char *sha)
{
	json_t *o = json_object();

	json_object_set_new(o, "role", json_string(role));
	json_object_set_new(o, "path", json_string(path));
	json_object_set_new(o, "sha256", json_string(sha));
	return o;
}

static int write_manifest(struct mnr__rep *r, struct mnr_error *err)
{
	const struct mnr_report_options *o = r->o;
	json_t *root = json_object(), *cmd = json_array(), *opt = json_object();
	json_t *in = json_array(), *seeds = json_object(), *led = json_array();
	json_t *cols = json_array();
	char q[64], *txt;
	size_t i;
	int k, rc;

	json_object_set_new(root, "tool", json_string("mnrstat report"));
	json_object_set_new(root, "version", jstr(o->tool_version));
	json_object_set_new(root, "date", json_string(o->date));
	json_object_set_new(root, "not_private",
			    json_boolean(o->internal || o->has_seed));
	if (o->has_seed)
		json_object_set_new(root, "warning", json_string(
			"NOT PRIVATE: the noise comes from --seed and can be "
			"reproduced; never publish this report"));
	else if (o->internal)
		json_object_set_new(root, "warning", json_string(
			"internal - not for publication"));
	for (k = 0; k < o->argc; k++)
		json_array_append_new(cmd, json_string(o->argv[k]));
	json_object_set_new(root, "command", cmd);
	json_object_set_new(opt, "cases", json_string(o->cases));
	json_object_set_new(opt, "adoption", json_string(o->adoption));
	json_object_set_new(opt, "population", jstr(o->population));
	json_object_set_new(opt, "metrics", json_string(o->metrics));
	json_object_set_new(opt, "scope", json_string(o->country ? "country"
								 : "all"));
	json_object_set_new(opt, "country", jstr(o->country));
	json_object_set_new(opt, "out_dir", json_string(o->out_dir));
	json_object_set_new(opt, "internal", json_boolean(o->internal));
	json_object_set_new(opt, "budget_kind", json_string(
		o->budget_kind == MNR_REPORT_BUDGET_EPSILON ? "epsilon" : "rho"));
	mnr_rational_format(o->budget, q, sizeof(q));
	json_object_set_new(opt, "budget", json_string(q));
	json_object_set_new(opt, "ledger", jstr(o->ledger));
	json_object_set_new(opt, "seed", o->has_seed ?
			    json_integer((json_int_t)o->seed) : json_null());
	json_object_set_new(opt, "gnuplot", jstr(o->gnuplot));
	json_object_set_new(opt, "did_bootstrap_draws",
			    json_integer((json_int_t)o->did_boot));
	json_object_set_new(opt, "confidence_level", json_real(0.95));
	json_object_set_new(opt, "its_model_counts", json_string(
		"quasipoisson, newey-west, fourier:2, level+slope"));
	json_object_set_new(opt, "its_model_other", json_string(
		"ols, newey-west, fourier:2, level+slope"));
	json_object_set_new(opt, "suppression_threshold",
			    o->internal ? json_integer(MNR_REPORT_SUPPRESS_K)
					: json_null());
	if (o->map)
		for (i = 0; i < o->map->n; i++) {
			char m[256];

			snprintf(m, sizeof(m), "%s=%s", o->map->name[i],
				 o->map->header[i]);
			json_array_append_new(cols, json_string(m));
		}
	json_object_set_new(opt, "col", cols);
	json_object_set_new(root, "options", opt);
	json_array_append_new(in, input_json("cases", o->cases, r->sha_cases));
	json_array_append_new(in, input_json("adoption", o->adoption,
					     r->sha_adoption));
	if (o->population)
		json_array_append_new(in, input_json("population",
					o->population, r->sha_population));
	json_array_append_new(in, input_json("metrics", o->metrics,
					     r->sha_metrics));
	json_object_set_new(root, "inputs", in);
	json_object_set_new(seeds, "noise", o->internal ? json_null() :
		o->has_seed ? json_integer((json_int_t)o->seed) :
		json_string("secure (getrandom), not reproducible"));
	json_object_set_new(seeds, "did_bootstrap",
		json_integer(o->has_seed ? (json_int_t)o->seed : 1));
	json_object_set_new(root, "seeds", seeds);
	if (r->has_receipt) {
		json_t *e = json_object();

		json_object_set_new(e, "ledger", json_string(
			o->ledger ? o->ledger : "ledger.jsonl"));
		json_object_set_new(e, "seq", json_integer((json_int_t)r->receipt.seq));
		json_object_set_new(e, "entry", json_string(r->receipt.hash));
		json_object_set_new(e, "budget_kind", json_string(
			mnr_ledger_kind_name(r->receipt.budget_kind)));
		mnr_rational_format(r->receipt.charged, q, sizeof(q));
		json_object_set_new(e, "charged", json_string(q));
		mnr_rational_format(r->receipt.spent, q, sizeof(q));
		json_object_set_new(e, "spent", json_string(q));
		mnr_rational_format(r->receipt.budget, q, sizeof(q));
		json_object_set_new(e, "budget", json_string(q));
		json_object_set_new(e, "dataset", json_string(r->sha_cases));
		json_object_set_new(e, "unit", json_string(
			r->has_person ? "person" : "case_record"));
		json_array_append_new(led, e);
	}
	json_object_set_new(root, "ledger_entries", led);
	json_object_set_new(root, "files", json_pack("[sssss]", "report.html",
		"report.md", "results.json", "manifest.json", "charts/"));
	if (r->private_release)
		json_array_append_new(json_object_get(root, "files"),
				      json_string("released_panel.csv"));
	txt = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
			 JSON_REAL_PRECISION(17));
	json_decref(root);
	if (!txt)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	rc = write_file(r, "manifest.json", txt, strlen(txt), err);
	free(txt);
	return rc;
}

/* ---- the overall checklist ---------------------------------------------- */

static void overall_checklist(struct mnr__rep *r)
{
	size_t i, k;

	memset(r->check_met, 0, sizeof(r->check_met));
	r->check_total = 0;
	for (i = 0; i < r->nmetrics; i++) {
		if (!r->m[i].analysed)
			continue;
		r->check_total++;
		for (k = 0; k < MNR_REPORT_NCHECK; k++)
			if (r->m[i].check[k].state == MNR_REPORT_MET)
				r->check_met[k]++;
	}
	for (k = 0; k < MNR_REPORT_NCHECK; k++) {
		struct mnr_report_check_item *it = &r->check[k];

		/* The ids and standards are the same static text for every
		 * metric; take them from the checklist function itself. */
		{
			struct mnr_report_check_input in;
			struct mnr_report_check_item tmp[MNR_REPORT_NCHECK];

			memset(&in, 0, sizeof(in));
			mnr_report_checklist(&in, tmp);
			it->id = tmp[k].id;
			it->standard = tmp[k].standard;
		}
		it->state = r->check_total > 0 &&
			    r->check_met[k] == r->check_total
			    ? MNR_REPORT_MET : MNR_REPORT_NOT_MET;
		snprintf(it->detail, sizeof(it->detail),
			 "met for %zu of %zu metrics analysed",
			 r->check_met[k], r->check_total);
	}
}

/* ---- words shared by the Markdown and the HTML -------------------------- */

static const char *verdict_words(const struct mnr_report_verdict *v)
{
	if (!v->valid)
		return "not interpreted (no valid interval)";
	if (!v->significant)
		return "no clear change";
	if (v->direction > 0)
		return v->improvement > 0 ? "clear increase (improvement)" :
		       v->improvement < 0 ? "clear increase (deterioration)" :
					    "clear increase";
	return v->improvement > 0 ? "clear decrease (improvement)" :
	       v->improvement < 0 ? "clear decrease (deterioration)" :
				    "clear decrease";
}

static void privacy_text(struct mnr__rep *r, struct mnr__rep_buf *b, int html)
{
	const struct mnr_report_options *o = r->o;
	char q[64];

	if (o->internal) {
		mnr__rep_printf(b, "This is an **internal** report: the counts "
			"carry no privacy noise. Monthly counts from 1 to %d "
			"are hidden in the charts and tables (small-cell "
			"suppression, %zu cells, and %zu more so that none can "
			"be recovered from totals), and shares and medians of "
			"such months are hidden too. Small-cell suppression is "
			"not differential privacy: this report must not be "
			"published.", MNR_REPORT_SUPPRESS_K - 1,
			r->nsuppressed_primary, r->nsuppressed_secondary);
		return;
	}
	mnr_rational_format(o->budget, q, sizeof(q));
	if (o->budget_kind == MNR_REPORT_BUDGET_EPSILON)
		mnr__rep_printf(b, "Every count in this report went through a "
			"differentially private release before any analysis: "
			"discrete Laplace noise, pure **epsilon = %s** for the "
			"whole report.", q);
	else
		mnr__rep_printf(b, "Every count in this report went through a "
			"differentially private release before any analysis: "
			"discrete Gaussian noise with a budget of **rho = %s** "
			"(zero-concentrated DP) for the whole report, which "
			"implies (epsilon = %.3g, delta = 1e-6).", q,
			r->eps_equiv);
	if (r->has_person) {
		char dropped[96];

		if (exact_counts(r))
			snprintf(dropped, sizeof(dropped), "%llu of %llu records "
				 "left out by these bounds", r->rows_dropped,
				 r->rows + r->rows_dropped);
		else
			snprintf(dropped, sizeof(dropped), "the number of records "
				 "left out is not shown: an exact count is not "
				 "private");
		mnr__rep_printf(b, " The protected unit is one person (the "
			"person_id column; a record without it is its own "
			"unit): each person's records were limited to %llu "
			"country-month%s with %llu record%s in each (%s), so "
			"one person changes released counts by at most %llu in "
			"total (squared l2 sensitivity %llu).",
			(unsigned long long)r->max_cells,
			r->max_cells == 1 ? "" : "s",
			(unsigned long long)r->max_per_cell,
			r->max_per_cell == 1 ? "" : "s", dropped,
			(unsigned long long)r->sensitivity,
			(unsigned long long)r->l2sq);
	}
	else
		mnr__rep_printf(b, " The protected unit is one case record (the "
			"file has no person_id column, so a person with several "
			"records is protected less: group privacy): one record "
			"changes at most %llu released counts by 1.",
			(unsigned long long)r->sensitivity);
	mnr__rep_printf(b, " The noise of each monthly count has variance %.3g; "
		"the true count lies within +/-%llu of the released one with "
		"probability %.3f. A released count can be negative (%zu of %zu "
		"cells): it is kept as released, since setting it to 0 would "
		"bias small counts upward. Every analysis takes released counts "
		"as they are: the time-series and before/after methods include "
		"the known noise variance in their intervals, and the "
		"staggered-adoption analysis runs on the counts as levels (not "
		"logs), where the zero-mean noise leaves its averages unbiased "
		"and enters its standard errors as part of each country's "
		"outcome variance; its relative change is the effect divided "
		"by the adopters' counterfactual mean count, with a "
		"delete-one-country jackknife interval. Shares of reports "
		"(support offered, child treated as suspect) are computed from "
		"the released counts: per month for a country's own series "
		"(negative counts set to 0 there), and for the "
		"staggered-adoption change as a ratio of mean counts. Medians and removal curves describe "
		"single reports and are withheld from a private report. The "
		"country list and the period are treated as public.",
		r->noise_var, (unsigned long long)r->halfwidth, r->coverage,
		r->nclamped, r->nreleased_cells);
	if (r->has_receipt)
		mnr__rep_printf(b, " The release is recorded in the privacy "
			"ledger %s (entry %llu, id %.16s...).",
			o->ledger ? "given with --ledger" : "ledger.jsonl of "
			"this folder", (unsigned long long)r->receipt.seq,
			r->receipt.hash);
	if (r->has_receipt && !o->ledger)
		mnr__rep_puts(b, " That ledger is new: releases of the same data "
			"recorded elsewhere are not counted against this budget. "
			"Keep one ledger per dataset (--ledger FILE) so that "
			"repeated reports cannot spend more than the budget.");
	(void)html;
}

static void stamp_text(struct mnr__rep *r, char *buf, size_t size)
{
	buf[0] = '\0';
	if (r->o->internal)
		snprintf(buf, size, "INTERNAL - NOT FOR PUBLICATION (no privacy "
			 "noise)");
	else if (r->o->has_seed)
		snprintf(buf, size, "NOT PRIVATE: the noise was drawn from "
			 "--seed %llu and can be reproduced by anyone. Never "
			 "publish this report.",
			 (unsigned long long)r->o->seed);
}

static void intro_text(struct mnr__rep *r, struct mnr__rep_buf *b)
{
	char a[16], z[16], rows[96];
	size_t c, nad = 0;

	month_str(r->m0, a, sizeof(a));
	month_str(r->m1, z, sizeof(z));
	for (c = 0; c < r->ncountries; c++)
		if (r->adopt[c] >= 0)
			nad++;
	if (exact_counts(r))
		snprintf(rows, sizeof(rows), "%llu case records in the file",
			 r->rows);
	else
		snprintf(rows, sizeof(rows), "the exact number of case records "
			 "is not shown (it is not private)");
	if (r->focus >= 0) {
		char s[16];

		month_str(r->adopt[r->focus], s, sizeof(s));
		mnr__rep_printf(b, "Monthly figures of %s from %s to %s, before "
			"and after it adopted the Model National Response "
			"(MNR) in %s; %s. Each "
			"metric is analysed by interrupted time series "
			"(segmented regression with seasonality and "
			"autocorrelation-robust errors) and a simple "
			"before/after comparison.", r->country[r->focus], a, z,
			s, rows);
	} else {
		mnr__rep_printf(b, "Monthly figures of %zu countries from %s to "
			"%s, %zu of which adopted the Model National Response "
			"(MNR) at different dates; %s. Each "
			"metric's headline is the Callaway-Sant'Anna average "
			"effect of adoption, which compares adopters with "
			"countries that had not adopted yet (two-way fixed "
			"effects is biased when adoption is staggered), "
			"estimated on the monthly values as levels (counts "
			"are not logged, so the zero-mean privacy noise "
			"leaves the estimate unbiased; it assumes that without "
			"the MNR adopters' counts would have moved by the same "
			"number per month as the controls', which the "
			"pre-adoption test in results.json checks) and shown "
			"for counts as a percentage of the adopters' "
			"counterfactual level; each "
			"adopter's own interrupted time series is listed "
			"below it.", r->ncountries, a, z, nad, rows);
	}
}

/* ---- report.md ------------------------------------------------------------ */

static void md_country_table(struct mnr__rep *r, struct mnr__rep_metric *m,
			     struct mnr__rep_buf *b)
{
	size_t c;
	char e[64], lo[64], hi[64], s[16];

	mnr__rep_puts(b, "| country | adoption | months before / after | "
		      "estimate | 95% interval | method | verdict |\n"
		      "| --- | --- | ---: | ---: | ---: | --- | --- |\n");
	for (c = 0; c < r->ncountries; c++) {
		struct mnr__rep_country *cc = &m->c[c];
		size_t np, nq;

		if (!cc->analysed)
			continue;
		country_points(cc, &np, &nq);
		month_str(cc->intervention, s, sizeof(s));
		est_text(&cc->head, cc->head.e.estimate, e, sizeof(e));
		est_text(&cc->head, cc->head.e.ci_low, lo, sizeof(lo));
		est_text(&cc->head, cc->head.e.ci_high, hi, sizeof(hi));
		mnr__rep_printf(b, "| %s | %s | %zu / %zu | %s | %s to %s | ",
				r->country[c], s, np, nq, e, lo, hi);
		md_cell(b, cc->head.method ? cc->head.method : "none");
		mnr__rep_printf(b, " | %s |\n", verdict_words(&cc->head.v));
	}
	mnr__rep_puts(b, "\n");
}

static void md_checklist(const struct mnr_report_check_item *ck,
			 struct mnr__rep_buf *b)
{
	size_t k;

	mnr__rep_puts(b, "| standard | status | what the analysis showed |\n"
		      "| --- | --- | --- |\n");
	for (k = 0; k < MNR_REPORT_NCHECK; k++) {
		mnr__rep_printf(b, "| %s | %s | ", ck[k].standard,
				ck[k].state == MNR_REPORT_MET ? "met"
							      : "**not met**");
		md_cell(b, ck[k].detail);
		mnr__rep_puts(b, " |\n");
	}
	mnr__rep_puts(b, "\n");
}

static void build_md(struct mnr__rep *r, struct mnr__rep_buf *b)
{
	char stamp[256], e[64], lo[64], hi[64];
	size_t d, i;

	stamp_text(r, stamp, sizeof(stamp));
	if (stamp[0])
		mnr__rep_printf(b, "> **%s**\n\n", stamp);
	mnr__rep_printf(b, "# %s\n\n", r->title);
	if (r->o->synthetic)
		mnr__rep_puts(b, "> **SYNTHETIC EXAMPLE DATA.** The bundled "
			"example describes no real country, case or person; "
			"do not quote any figure from it.\n\n");
	mnr__rep_printf(b, "mnrstat %s, %s.\n\n", r->o->tool_version ?
			r->o->tool_version : "", r->o->date);
	intro_text(r, b);
	mnr__rep_puts(b, "\n\n## Summary\n\n| metric | MNR domain | estimate "
		      "| 95% interval | verdict |\n| --- | --- | ---: | ---: "
		      "| --- |\n");
	for (i = 0; i < r->nmetrics; i++) {
		struct mnr__rep_metric *m = &r->m[i];

		if (!m->analysed)
			continue;
		est_text(&m->head, m->head.e.estimate, e, sizeof(e));
		est_text(&m->head, m->head.e.ci_low, lo, sizeof(lo));
		est_text(&m->head, m->head.e.ci_high, hi, sizeof(hi));
		mnr__rep_printf(b, "| [%s](#%s) | %s | %s | %s to %s | %s |\n",
				m->name, m->name, m->domain, e, lo, hi,
				verdict_words(&m->head.v));
	}
	mnr__rep_puts(b, "\n## Privacy\n\n");
	privacy_text(r, b, 0);
	mnr__rep_puts(b, "\n\n## Design standards\n\n");
	md_checklist(r->check, b);
	for (d = 0; d < MNR__REP_NDOMAINS; d++) {
		int any = 0;

		mnr__rep_printf(b, "## %c%s\n\n",
				mnr__rep_domains[d][0] - 'a' + 'A',
				mnr__rep_domains[d] + 1);
		for (i = 0; i < r->nmetrics; i++) {
			struct mnr__rep_metric *m = &r->m[i];

			if (strcmp(m->domain, mnr__rep_domains[d]) != 0)
				continue;
			any = 1;
			mnr__rep_printf(b, "### %s\n\n", m->name);
			mnr__rep_printf(b, "*%s* Unit: %s; a %s value is better.\n\n",
				m->definition, m->unit,
				m->better == MNR_REPORT_BETTER_HIGHER ? "higher" :
				m->better == MNR_REPORT_BETTER_LOWER ? "lower" :
				"neither higher nor lower");
			if (!m->analysed) {
				mnr__rep_printf(b, "Not analysed: %s.\n\n",
						m->withheld);
				continue;
			}
			if (m->chart[0][0])
				mnr__rep_printf(b, "![%s](charts/%s)\n\n",
						m->name, m->chart[0]);
			if (m->chart[1][0])
				mnr__rep_printf(b, "![%s event study](charts/%s)\n\n",
						m->name, m->chart[1]);
			mnr__rep_printf(b, "**%s**\n\n", m->head.sentence);
			{
				char note[600];

				clamp_note(r, m, note, sizeof(note));
				if (note[0])
					mnr__rep_printf(b, "> %s\n\n", note);
			}
			est_text(&m->head, m->head.e.estimate, e, sizeof(e));
			est_text(&m->head, m->head.e.ci_low, lo, sizeof(lo));
			est_text(&m->head, m->head.e.ci_high, hi, sizeof(hi));
			mnr__rep_printf(b, "Estimate %s (95%% interval %s to %s), "
					"%s.\n\n", e, lo, hi, m->head.method ?
					m->head.method : "no method");
			if (r->focus >= 0 && m->has_cohort)
				mnr__rep_printf(b, "%s\n\n", m->cohort.sentence);
			if (r->focus < 0 && !m->did)
				mnr__rep_printf(b, "Staggered-adoption analysis"
						"%s: %s\n\n", m->derived ?
						" of the share" :
						" not available", m->did_err);
			md_country_table(r, m, b);
			md_checklist(m->check, b);
		}
		if (!any)
			mnr__rep_puts(b, "No metric of the catalogue measures "
				      "this domain yet.\n\n");
	}
	if (r->focus >= 0) {
		mnr__rep_puts(b, "## Time from report to removal\n\n");
		if (r->has_removal) {
			const struct mnr_removal_result *rv = &r->removal;
			int g;

			mnr__rep_printf(b, "![removal](charts/%s)\n\n",
					r->removal_chart);
			mnr__rep_puts(b, "| group | median hours | 95% interval | "
				      "removed within 24 h | within 72 h |\n"
				      "| --- | ---: | ---: | ---: | ---: |\n");
			for (g = 0; g < 2; g++) {
				const struct mnr_removal_group *gr = &rv->group[g];
				char a1[32], a2[32], a3[32];

				num(a1, sizeof(a1), gr->median.median);
				num(a2, sizeof(a2), gr->median.lower);
				num(a3, sizeof(a3), gr->median.upper);
				mnr__rep_printf(b, "| %s | %s | %s to %s | %.1f%% "
					"| %.1f%% |\n", g ? "after" : "before",
					a1, a2, a3,
					100 * (1 - gr->within[0].surv),
					100 * (1 - gr->within[1].surv));
			}
			if (rv->has_logrank)
				mnr__rep_printf(b, "\nLog-rank test p = %.3g.\n\n",
						rv->logrank.p_value);
		} else {
			mnr__rep_printf(b, "Not shown: %s.\n\n", r->removal_err);
		}
	}
	mnr__rep_puts(b, "## Inputs\n\n| role | file | SHA-256 |\n| --- | --- "
		      "| --- |\n");
	mnr__rep_printf(b, "| cases | %s | `%s` |\n", r->o->cases, r->sha_cases);
	mnr__rep_printf(b, "| adoption | %s | `%s` |\n", r->o->adoption,
			r->sha_adoption);
	if (r->o->population)
		mnr__rep_printf(b, "| population | %s | `%s` |\n",
				r->o->population, r->sha_population);
	mnr__rep_printf(b, "| metric catalogue | %s | `%s` |\n\n",
			r->o->metrics, r->sha_metrics);
	if (stamp[0])
		mnr__rep_printf(b, "> **%s**\n", stamp);
}

/* ---- report.html ------------------------------------------------------- */

static const char css[] =
	":root{--ink:#1b1b1b;--muted:#595959;--line:#d9d9d9;--accent:#0072B2;"
	"--bad:#B3461A;--good:#00734F;--soft:#f2f7fb}"
	"*{box-sizing:border-box}"
	"html{-webkit-text-size-adjust:100%}"
	"body{margin:0;font:16px/1.55 system-ui,-apple-system,'Segoe UI',"
	"Roboto,'Helvetica Neue',Arial,sans-serif;color:var(--ink);"
	"background:#fff}"
	"main{max-width:60rem;margin:0 auto;padding:1rem 1.25rem 3rem}"
	"h1{font-size:1.7rem;line-height:1.2;margin:.5rem 0}"
	"h2{font-size:1.35rem;margin:2.2rem 0 .8rem;padding-bottom:.2rem;"
	"border-bottom:3px solid var(--accent)}"
	"h3{font-size:1.1rem;margin:1.8rem 0 .4rem;font-family:ui-monospace,"
	"SFMono-Regular,Menlo,Consolas,monospace}"
	"p{margin:.5rem 0}"
	".meta,.def{color:var(--muted);font-size:.92rem}"
	".note{background:#fff4e5;border-left:4px solid #E69F00;padding:.5rem .8rem}"
	".stamp{background:#9e0b0f;color:#fff;font-weight:700;text-align:center;"
	"padding:.55rem 1rem;letter-spacing:.04em}"
	".sentence{font-size:1.05rem;background:var(--soft);border-left:4px solid "
	"var(--accent);padding:.55rem .8rem;margin:.8rem 0}"
	"figure{margin:1rem 0}"
	"figure svg{display:block;width:100%;max-width:800px;height:auto;"
	"margin:0 auto}"
	".tw{overflow-x:auto;margin:.6rem 0}"
	"table{border-collapse:collapse;width:100%;font-size:.9rem}"
	"th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;"
	"text-align:left;vertical-align:top}"
	"th{background:#f6f6f6;font-weight:600}"
	"td.n{text-align:right;white-space:nowrap;font-variant-numeric:"
	"tabular-nums}"
	".met{color:var(--good);font-weight:600}"
	".notmet{color:var(--bad);font-weight:600}"
	".up-good,.down-good{color:var(--good)}"
	".up-bad,.down-bad{color:var(--bad)}"
	"article{border-top:1px solid var(--line);margin-top:1.5rem}"
	"code{font-size:.9em}"
	"nav ul{columns:2;padding-left:1.2rem}"
	"@media (max-width:640px){body{font-size:15px}main{padding:.6rem}"
	"nav ul{columns:1}h1{font-size:1.4rem}th,td{padding:.3rem}"
	".dom{display:none}td.n{white-space:normal}"
	"td code{word-break:break-all}table{font-size:.85rem}}"
	"@media print{body{font-size:10.5pt}main{max-width:none;padding:0}"
	".stamp{position:fixed;top:0;left:0;right:0;padding:.2rem}"
	".stamp~main{padding-top:2rem}nav{display:none}"
	"article,figure,table{break-inside:avoid}"
	"h2,h3{break-after:avoid}a{color:inherit;text-decoration:none}}";

/* HTML-escape s, turning Markdown-style **bold** into <strong>. */
static void html_inline(struct mnr__rep_buf *b, const char *s)
{
	int open = 0;

	while (*s) {
		if (s[0] == '*' && s[1] == '*') {
			mnr__rep_puts(b, open ? "</strong>" : "<strong>");
			open = !open;
			s += 2;
			continue;
		}
		{
			char one[2] = { *s, 0 };

			mnr__rep_html(b, one);
		}
		s++;
	}
	if (open)
		mnr__rep_puts(b, "</strong>");
}

/* Inline an SVG with its ids made unique in the page (gnuplot uses the
 * same ids in every chart). */
static void html_svg(struct mnr__rep_buf *b, const char *svg, unsigned k,
		     const char *label)
{
	static const char *const pat[] = {
		"id='", "id=\"", "href='#", "href=\"#", "url(#"
	};
	const char *s = svg;
	char pre[16];

	snprintf(pre, sizeof(pre), "c%u_", k);
	mnr__rep_puts(b, "<figure role=\"img\" aria-label=\"");
	mnr__rep_html(b, label);
	mnr__rep_puts(b, "\">");
	while (*s) {
		size_t i, hit = 0;

		for (i = 0; i < sizeof(pat) / sizeof(pat[0]); i++) {
			size_t n = strlen(pat[i]);

			if (strncmp(s, pat[i], n) == 0) {
				char tmp[16];

				memcpy(tmp, pat[i], n);
				tmp[n] = '\0';
				mnr__rep_puts(b, tmp);
				mnr__rep_puts(b, pre);
				s += n;
				hit = 1;
				break;
			}
		}
		if (!hit) {
			const char *next = s + 1;

			/* Copy up to the next candidate start in one go. */
			while (*next && *next != 'i' && *next != 'h' &&
			       *next != 'u')
				next++;
			if (buf_reserve(b, (size_t)(next - s)) == 0) {
				memcpy(b->p + b->len, s, (size_t)(next - s));
				b->len += (size_t)(next - s);
				b->p[b->len] = '\0';
			}
			s = next;
		}
	}
	mnr__rep_puts(b, "</figure>\n");
}

static const char *verdict_class(const struct mnr_report_verdict *v)
{
	if (!v->valid || !v->significant)
		return "";
	if (v->improvement > 0)
		return v->direction > 0 ? "up-good" : "down-good";
	if (v->improvement < 0)
		return v->direction > 0 ? "up-bad" : "down-bad";
	return "";
}

static void html_checklist(const struct mnr_report_check_item *ck,
			   struct mnr__rep_buf *b)
{
	size_t k;

	mnr__rep_puts(b, "<div class=\"tw\"><table><thead><tr><th>standard</th>"
		      "<th>status</th><th>what the analysis showed</th></tr>"
		      "</thead><tbody>\n");
	for (k = 0; k < MNR_REPORT_NCHECK; k++) {
		mnr__rep_puts(b, "<tr><td>");
		mnr__rep_html(b, ck[k].standard);
		mnr__rep_printf(b, "</td><td class=\"%s\">%s</td><td>",
			ck[k].state == MNR_REPORT_MET ? "met" : "notmet",
			ck[k].state == MNR_REPORT_MET ? "&#10003; met"
						      : "&#10007; not met");
		mnr__rep_html(b, ck[k].detail);
		mnr__rep_puts(b, "</td></tr>\n");
	}
	mnr__rep_puts(b, "</tbody></table></div>\n");
}

static void html_est_cells(struct mnr__rep_buf *b,
			   const struct mnr__rep_head *h)
{
	char e[64], lo[64], hi[64];

	est_text(h, h->e.estimate, e, sizeof(e));
	est_text(h, h->e.ci_low, lo, sizeof(lo));
	est_text(h, h->e.ci_high, hi, sizeof(hi));
	mnr__rep_puts(b, "<td class=\"n\">");
	mnr__rep_html(b, e);
	mnr__rep_puts(b, "</td><td class=\"n\">");
	mnr__rep_html(b, lo);
	mnr__rep_puts(b, " to ");
	mnr__rep_html(b, hi);
	mnr__rep_printf(b, "</td><td class=\"%s\">%s</td>",
			verdict_class(&h->v), verdict_words(&h->v));
}

static void build_html(struct mnr__rep *r, struct mnr__rep_buf *b)
{
	char stamp[256];
	struct mnr__rep_buf t = { NULL, 0, 0, 0 };
	size_t d, i, c;
	unsigned chart = 0;

	stamp_text(r, stamp, sizeof(stamp));
	mnr__rep_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		"<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, "
		"initial-scale=1\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\""
		"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
		"<title>");
	mnr__rep_html(b, r->title);
	mnr__rep_printf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
	if (stamp[0]) {
		mnr__rep_puts(b, "<div class=\"stamp\" role=\"note\">");
		mnr__rep_html(b, stamp);
		mnr__rep_puts(b, "</div>\n");
	}
	mnr__rep_puts(b, "<main>\n<header>\n<h1>");
	mnr__rep_html(b, r->title);
	mnr__rep_printf(b, "</h1>\n<p class=\"meta\">mnrstat %s &middot; %s "
			"&middot; ", r->o->tool_version ? r->o->tool_version
							: "", r->o->date);
	mnr__rep_puts(b, r->o->internal ? "internal, not for publication" :
		      r->o->has_seed ? "NOT PRIVATE (seeded noise)" :
		      "differentially private release");
	mnr__rep_puts(b, "</p>\n");
	if (r->o->synthetic)
		mnr__rep_puts(b, "<p class=\"note\"><strong>Synthetic example "
			"data.</strong> The bundled example describes no real "
			"country, case or person; do not quote any figure from "
			"it.</p>\n");
	intro_text(r, &t);
	mnr__rep_puts(b, "<p>");
	html_inline(b, t.p ? t.p : "");
	mnr__rep_puts(b, "</p>\n</header>\n");
	t.len = 0;

	mnr__rep_puts(b, "<nav><h2>Contents</h2><ul><li><a href=\"#summary\">"
		"Summary</a></li><li><a href=\"#privacy\">Privacy</a></li>"
		"<li><a href=\"#standards\">Design standards</a></li>");
	for (d = 0; d < MNR__REP_NDOMAINS; d++)
		mnr__rep_printf(b, "<li><a href=\"#domain-%zu\">%c%s</a></li>",
				d, mnr__rep_domains[d][0] - 'a' + 'A',
				mnr__rep_domains[d] + 1);
	if (r->focus >= 0)
		mnr__rep_puts(b, "<li><a href=\"#removal\">Time to removal</a>"
			      "</li>");
	mnr__rep_puts(b, "<li><a href=\"#inputs\">Inputs</a></li></ul></nav>\n");

	mnr__rep_puts(b, "<section id=\"summary\"><h2>Summary</h2>\n<div "
		"class=\"tw\"><table><thead><tr><th>metric</th><th class=\"dom\">"
		"MNR domain</th><th>estimate</th><th>95% interval</th><th>verdict</th>"
		"</tr></thead><tbody>\n");
	for (i = 0; i < r->nmetrics; i++) {
		struct mnr__rep_metric *m = &r->m[i];

		if (!m->analysed)
			continue;
		mnr__rep_puts(b, "<tr><td><a href=\"#m-");
		mnr__rep_html(b, m->name);
		mnr__rep_puts(b, "\"><code>");
		mnr__rep_html(b, m->name);
		mnr__rep_puts(b, "</code></a></td><td class=\"dom\">");
		mnr__rep_html(b, m->domain);
		mnr__rep_puts(b, "</td>");
		html_est_cells(b, &m->head);
		mnr__rep_puts(b, "</tr>\n");
	}
	mnr__rep_puts(b, "</tbody></table></div></section>\n");

	mnr__rep_puts(b, "<section id=\"privacy\"><h2>Privacy</h2>\n<p>");
	privacy_text(r, &t, 1);
	html_inline(b, t.p ? t.p : "");
	t.len = 0;
	mnr__rep_puts(b, "</p></section>\n");

	mnr__rep_puts(b, "<section id=\"standards\"><h2>Design standards</h2>\n"
		"<p>Whether the evaluation meets common standards for "
		"interrupted time series and comparison designs, filled in from "
		"the analyses below.</p>\n");
	html_checklist(r->check, b);
	mnr__rep_puts(b, "</section>\n");

	for (d = 0; d < MNR__REP_NDOMAINS; d++) {
		int any = 0;

		mnr__rep_printf(b, "<section id=\"domain-%zu\"><h2>%c%s</h2>\n", d,
				mnr__rep_domains[d][0] - 'a' + 'A',
				mnr__rep_domains[d] + 1);
		for (i = 0; i < r->nmetrics; i++) {
			struct mnr__rep_metric *m = &r->m[i];

			if (strcmp(m->domain, mnr__rep_domains[d]) != 0)
				continue;
			any = 1;
			mnr__rep_puts(b, "<article id=\"m-");
			mnr__rep_html(b, m->name);
			mnr__rep_puts(b, "\"><h3>");
			mnr__rep_html(b, m->name);
			mnr__rep_puts(b, "</h3>\n<p class=\"def\">");
			mnr__rep_html(b, m->definition);
			mnr__rep_puts(b, " Unit: ");
			mnr__rep_html(b, m->unit);
			mnr__rep_printf(b, "; %s.</p>\n",
				m->better == MNR_REPORT_BETTER_HIGHER ?
				"a higher value is better" :
				m->better == MNR_REPORT_BETTER_LOWER ?
				"a lower value is better" :
				"neither direction is better in itself");
			if (!m->analysed) {
				mnr__rep_puts(b, "<p class=\"note\">Not analysed: ");
				mnr__rep_html(b, m->withheld);
				mnr__rep_puts(b, ".</p></article>\n");
				continue;
			}
			mnr__rep_puts(b, "<p class=\"sentence\">");
			mnr__rep_html(b, m->head.sentence);
			mnr__rep_puts(b, "</p>\n");
			{
				char note[600];

				clamp_note(r, m, note, sizeof(note));
				if (note[0]) {
					mnr__rep_puts(b, "<p class=\"note\">");
					mnr__rep_html(b, note);
					mnr__rep_puts(b, "</p>\n");
				}
			}
			if (m->svg[0])
				html_svg(b, m->svg[0], chart++, m->name);
			if (m->svg[1])
				html_svg(b, m->svg[1], chart++, m->name);
			mnr__rep_puts(b, "<div class=\"tw\"><table><thead><tr>"
				"<th>estimate</th><th>95% interval</th><th>"
				"verdict</th><th>method</th></tr></thead><tbody>"
				"<tr>");
			html_est_cells(b, &m->head);
			mnr__rep_puts(b, "<td>");
			mnr__rep_html(b, m->head.method ? m->head.method : "none");
			mnr__rep_puts(b, "</td></tr></tbody></table></div>\n");
			if (r->focus >= 0 && m->has_cohort) {
				mnr__rep_puts(b, "<p>");
				mnr__rep_html(b, m->cohort.sentence);
				mnr__rep_puts(b, "</p>\n");
			}
			if (r->focus < 0 && !m->did) {
				mnr__rep_puts(b, m->derived ?
					"<p class=\"note\">Staggered-adoption "
					"analysis of the share: " :
					"<p class=\"note\">Staggered-"
					"adoption analysis not available: ");
				mnr__rep_html(b, m->did_err);
				mnr__rep_puts(b, "</p>\n");
			}
			if (r->focus < 0)
				mnr__rep_puts(b, "<p>Each adopter's own "
					"interrupted time series:</p>\n");
			mnr__rep_puts(b, "<div class=\"tw\"><table><thead><tr>"
				"<th>country</th><th>adoption</th><th>months "
				"before / after</th><th>estimate</th><th>95% "
				"interval</th><th>verdict</th></tr></thead>"
				"<tbody>\n");
			for (c = 0; c < r->ncountries; c++) {
				struct mnr__rep_country *cc = &m->c[c];
				size_t np, nq;
				char s[16];

				if (!cc->analysed)
					continue;
				country_points(cc, &np, &nq);
				month_str(cc->intervention, s, sizeof(s));
				mnr__rep_printf(b, "<tr><td>%s</td><td>%s</td>"
					"<td class=\"n\">%zu / %zu</td>",
					r->country[c], s, np, nq);
				html_est_cells(b, &cc->head);
				mnr__rep_puts(b, "</tr>\n");
			}
			mnr__rep_puts(b, "</tbody></table></div>\n<p class=\"meta\">"
				      "Design standards for this metric:</p>\n");
			html_checklist(m->check, b);
			mnr__rep_puts(b, "</article>\n");
		}
		if (!any)
			mnr__rep_puts(b, "<p class=\"note\">No metric of the "
				"catalogue measures this domain yet.</p>\n");
		mnr__rep_puts(b, "</section>\n");
	}
	if (r->focus >= 0) {
		mnr__rep_puts(b, "<section id=\"removal\"><h2>Time from report "
			      "to removal</h2>\n");
		if (r->has_removal) {
			const struct mnr_removal_result *rv = &r->removal;
			int g;

			if (r->removal_svg)
				html_svg(b, r->removal_svg, chart++,
					 "Kaplan-Meier curves of time to removal");
			mnr__rep_puts(b, "<div class=\"tw\"><table><thead><tr>"
				"<th>group</th><th>median hours</th><th>95% "
				"interval</th><th>removed within 24 h</th><th>"
				"within 72 h</th></tr></thead><tbody>\n");
			for (g = 0; g < 2; g++) {
				const struct mnr_removal_group *gr = &rv->group[g];
				char a1[32], a2[32], a3[32];

				num(a1, sizeof(a1), gr->median.median);
				num(a2, sizeof(a2), gr->median.lower);
				num(a3, sizeof(a3), gr->median.upper);
				mnr__rep_printf(b, "<tr><td>%s adoption</td><td "
					"class=\"n\">%s</td><td class=\"n\">%s to "
					"%s</td><td class=\"n\">%.1f%%</td><td "
					"class=\"n\">%.1f%%</td></tr>\n",
					g ? "after" : "before", a1, a2, a3,
					100 * (1 - gr->within[0].surv),
					100 * (1 - gr->within[1].surv));
			}
			mnr__rep_puts(b, "</tbody></table></div>\n");
			if (rv->has_logrank)
				mnr__rep_printf(b, "<p>Log-rank test p = %.3g.</p>\n",
						rv->logrank.p_value);
		} else {
			mnr__rep_puts(b, "<p class=\"note\">Not shown: ");
			mnr__rep_html(b, r->removal_err);
			mnr__rep_puts(b, ".</p>\n");
		}
		mnr__rep_puts(b, "</section>\n");
	}
	mnr__rep_puts(b, "<section id=\"inputs\"><h2>Inputs</h2>\n<div class="
		"\"tw\"><table><thead><tr><th>role</th><th>file</th><th>"
		"SHA-256</th></tr></thead><tbody>\n");
	{
		const char *role[4] = { "cases", "adoption", "population",
					"metric catalogue" };
		const char *path[4] = { r->o->cases, r->o->adoption,
					r->o->population, r->o->metrics };
		const char *sha[4] = { r->sha_cases, r->sha_adoption,
				       r->sha_population, r->sha_metrics };
		int k;

		for (k = 0; k < 4; k++) {
			if (!path[k])
				continue;
			mnr__rep_printf(b, "<tr><td>%s</td><td>", role[k]);
			mnr__rep_html(b, path[k]);
			mnr__rep_printf(b, "</td><td><code>%s</code></td></tr>\n",
					sha[k]);
		}
	}
	mnr__rep_puts(b, "</tbody></table></div>\n<p class=\"meta\">Every "
		"number is in results.json; the options, seeds and ledger "
		"entries in manifest.json; each chart's gnuplot script is next "
		"to it in charts/");
	if (r->private_release)
		mnr__rep_puts(b, "; the released counts, with their noise "
			"variance, in released_panel.csv (the panel format: "
			"mnrstat compare, its and did read it)");
	mnr__rep_puts(b, ".</p></section>\n</main>\n");
	if (stamp[0]) {
		mnr__rep_puts(b, "<div class=\"stamp\" role=\"note\">");
		mnr__rep_html(b, stamp);
		mnr__rep_puts(b, "</div>\n");
	}
	mnr__rep_puts(b, "</body>\n</html>\n");
	if (t.failed)
		b->failed = 1;
	mnr__free(t.p);
}


/* ---- released_panel.csv ------------------------------------------------ */

/*
 * The released counts themselves (private reports only), in the panel
 * format with the noise column, so that anyone can rerun compare, its or
 * did on exactly what the report analysed.  Values are the released
 * integers (a negative value is noise around a small count).
 */
static int write_released(struct mnr__rep *r, struct mnr_error *err)
{
	struct mnr__rep_buf b = { NULL, 0, 0, 0 };
	size_t i, c, t;
	char mo[16];
	int rc;

	mnr__rep_puts(&b, "country,month,metric,value,noise_variance\n");
	for (c = 0; c < r->ncountries; c++)
		for (t = 0; t < r->nmonths; t++) {
			month_str(r->m0 + (int)t, mo, sizeof(mo));
			for (i = 0; i < r->nmetrics; i++) {
				const struct mnr__rep_metric *m = &r->m[i];
				double v = m->y ? m->y[c * r->nmonths + t] : NAN;

				if (!m->analysed || !m->is_count || m->derived)
					continue;
				mnr__rep_printf(&b, "%s,%s,%s,", r->country[c],
						mo, m->name);
				if (isfinite(v))
					mnr__rep_printf(&b, "%.0f", v);
				mnr__rep_printf(&b, ",%.17g\n", r->noise_var);
			}
		}
	rc = b.failed ? mnr_error_set(err, MNR_ENOMEM, "out of memory")
		      : write_file(r, "released_panel.csv", b.p, b.len, err);
	mnr__free(b.p);
	return rc;
}

int mnr__rep_write_all(struct mnr__rep *r, struct mnr_error *err)
{
	struct mnr__rep_buf b = { NULL, 0, 0, 0 };
	int rc;

	overall_checklist(r);
	rc = write_results(r, err);
	if (rc == MNR_OK && r->private_release)
		rc = write_released(r, err);
	if (rc == MNR_OK)
		rc = write_manifest(r, err);
	if (rc == MNR_OK) {
		build_md(r, &b);
		rc = b.failed ? mnr_error_set(err, MNR_ENOMEM, "out of memory")
			      : write_file(r, "report.md", b.p, b.len, err);
	}
	if (rc == MNR_OK) {
		b.len = 0;
		if (b.p)
			b.p[0] = '\0';
		build_html(r, &b);
		rc = b.failed ? mnr_error_set(err, MNR_ENOMEM, "out of memory")
			      : write_file(r, "report.html", b.p, b.len, err);
	}
	mnr__free(b.p);
	return rc;
}
