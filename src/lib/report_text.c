/*
 * The words of the report that are derived from numbers: the one sentence
 * per metric and the checklist of design standards.  Both are pure
 * functions of their inputs so that a test can walk every branch and check
 * that the words never contradict the numbers.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mnrstat/report.h"
#include "banned.h"

void mnr_report_classify(const struct mnr_report_estimate *e,
			 struct mnr_report_verdict *v)
{
	double null;

	memset(v, 0, sizeof(*v));
	null = e->scale == MNR_REPORT_RATIO ? 1.0 : 0.0;
	/* An estimate outside its own interval cannot be described without
	 * contradicting one of them, so it is treated as no estimate. */
	if (!isfinite(e->estimate) || !isfinite(e->ci_low) ||
	    !isfinite(e->ci_high) || e->ci_low > e->ci_high ||
	    e->estimate < e->ci_low || e->estimate > e->ci_high ||
	    (e->scale == MNR_REPORT_RATIO && e->ci_low < 0))
		return;
	v->valid = 1;
	v->direction = e->estimate > null ? MNR_REPORT_UP :
		       e->estimate < null ? MNR_REPORT_DOWN : MNR_REPORT_FLAT;
	/* Significant at the interval's level: the interval excludes the
	 * value of no change (duality of tests and intervals). */
	v->significant = e->ci_low > null || e->ci_high < null;
	if (v->significant && e->better != MNR_REPORT_BETTER_NONE) {
		int good = e->better == MNR_REPORT_BETTER_HIGHER ? 1 : -1;
		v->improvement = v->direction * good;
	}
}

/* Signed number with three significant digits; never prints a non-zero
 * value as zero (%.3g keeps the leading digits of small values). */
static void signed_num(char *buf, size_t size, double x)
{
	if (x == 0)
		snprintf(buf, size, "0");
	else if (fabs(x) >= 1000 && fabs(x) < 1e15)
		snprintf(buf, size, "%+.0f", x);  /* no e-notation for people */
	else
		snprintf(buf, size, "%+.3g", x);
}

/* The estimate in reader's form: a ratio as a percentage change. */
static void reader_value(const struct mnr_report_estimate *e, double x,
			 char *buf, size_t size)
{
	char num[48];

	if (e->scale == MNR_REPORT_RATIO) {
		signed_num(num, sizeof(num), (x - 1.0) * 100.0);
		snprintf(buf, size, "%s%%", num);
	} else {
		signed_num(num, sizeof(num), x);
		if (e->unit && *e->unit)
			snprintf(buf, size, "%s %s", num, e->unit);
		else
			snprintf(buf, size, "%s", num);
	}
}

struct sbuf {
	char *p;
	size_t size, len;
	int overflow;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->size - b->len) {
		b->overflow = 1;
		return;
	}
	b->len += (size_t)n;
}

int mnr_report_sentence(const struct mnr_report_estimate *e, char *buf,
			size_t size, struct mnr_error *err)
{
	struct mnr_report_verdict v;
	struct sbuf b = { buf, size, 0, 0 };
	const char *when = e->when ? e->when : "After adoption";
	const char *label = e->label ? e->label : "the measure";
	char est[64], lo[64], hi[64];

	if (!buf || size == 0)
		return mnr_error_set(err, MNR_EINVAL, "no sentence buffer");
	buf[0] = '\0';
	mnr_report_classify(e, &v);
	if (!v.valid && isfinite(e->estimate) && !isfinite(e->ci_low) &&
	    !isfinite(e->ci_high)) {
		/* A point estimate without any interval: nothing can be
		 * concluded from it, so its value is not turned into words. */
		sb_printf(&b, "%s, %s: the estimate has no interval, so no "
			  "conclusion is drawn.", when, label);
	} else if (!v.valid) {
		sb_printf(&b, "%s, %s: no estimate could be made.", when,
			  label);
	} else {
		reader_value(e, e->estimate, est, sizeof(est));
		reader_value(e, e->ci_low, lo, sizeof(lo));
		reader_value(e, e->ci_high, hi, sizeof(hi));
		sb_printf(&b, "%s, %s changed by %s (%.0f%% interval %s to %s)",
			  when, label, est, e->level * 100.0, lo, hi);
		if (v.significant) {
			sb_printf(&b, ", a clear %s",
				  v.direction > 0 ? "increase" : "decrease");
			if (v.improvement > 0)
				sb_printf(&b, "; an improvement");
			else if (v.improvement < 0)
				sb_printf(&b, "; a deterioration");
			sb_printf(&b, ".");
		} else {
			sb_printf(&b, "; the estimate is %s, but the interval "
				  "includes no change, so the data show no "
				  "clear effect.",
				  v.direction > 0 ? "higher" :
				  v.direction < 0 ? "lower" : "unchanged");
		}
	}
	if (b.overflow) {
		buf[0] = '\0';
		return mnr_error_set(err, MNR_EINVAL,
				     "sentence buffer too small");
	}
	return MNR_OK;
}

static const char *const check_id[MNR_REPORT_NCHECK] = {
	"points_before", "points_after", "seasonality", "autocorrelation",
	"control_countries"
};

static const char *const check_standard[MNR_REPORT_NCHECK] = {
	"At least 8 monthly points before the intervention",
	"At least 8 monthly points after the intervention",
	"Seasonality handled in the model",
	"Residual autocorrelation checked (Ljung-Box / Breusch-Godfrey)",
	"Control countries used (countries that had not adopted)"
};

const char *mnr_report_check_state_name(int state)
{
	switch (state) {
	case MNR_REPORT_MET: return "met";
	case MNR_REPORT_NOT_MET: return "not met";
	default: return "not applicable";
	}
}

static void fmt_p(char *buf, size_t size, double p)
{
	if (p < 0.001)
		snprintf(buf, size, "< 0.001");
	else
		snprintf(buf, size, "= %.3f", p);
}

void mnr_report_checklist(const struct mnr_report_check_input *in,
			  struct mnr_report_check_item out[MNR_REPORT_NCHECK])
{
	size_t i;
	struct mnr_report_check_item *it;
	char lb[32], bg[32];
	int have_lb, have_bg;

	for (i = 0; i < MNR_REPORT_NCHECK; i++) {
		out[i].id = check_id[i];
		out[i].standard = check_standard[i];
		out[i].state = MNR_REPORT_NOT_MET;
		out[i].detail[0] = '\0';
	}

	it = &out[MNR_REPORT_CHECK_PRE];
	it->state = in->n_pre >= MNR_REPORT_MIN_POINTS ? MNR_REPORT_MET
						       : MNR_REPORT_NOT_MET;
	snprintf(it->detail, sizeof(it->detail), "%zu months with a value "
		 "before the intervention (at least %d needed)", in->n_pre,
		 MNR_REPORT_MIN_POINTS);

	it = &out[MNR_REPORT_CHECK_POST];
	it->state = in->n_post >= MNR_REPORT_MIN_POINTS ? MNR_REPORT_MET
							: MNR_REPORT_NOT_MET;
	snprintf(it->detail, sizeof(it->detail), "%zu months with a value "
		 "from the intervention on (at least %d needed)", in->n_post,
		 MNR_REPORT_MIN_POINTS);

	it = &out[MNR_REPORT_CHECK_SEASON];
	it->state = in->seasonality ? MNR_REPORT_MET : MNR_REPORT_NOT_MET;
	snprintf(it->detail, sizeof(it->detail), "%s",
		 in->seasonality ? "seasonal terms (sine/cosine of period 12 "
				   "months) in the segmented regression"
				 : "no seasonal terms in the model fitted");

	it = &out[MNR_REPORT_CHECK_AUTOCORR];
	have_lb = in->diagnostics && isfinite(in->lb_p);
	have_bg = in->diagnostics && isfinite(in->bg_p);
	if (have_lb || have_bg) {
		int found = (have_lb && in->lb_p < 0.05) ||
			    (have_bg && in->bg_p < 0.05);

		it->state = MNR_REPORT_MET;
		fmt_p(lb, sizeof(lb), in->lb_p);
		fmt_p(bg, sizeof(bg), in->bg_p);
		snprintf(it->detail, sizeof(it->detail),
			 "%s%s%s%s%s; %s%s",
			 have_lb ? "Ljung-Box p " : "", have_lb ? lb : "",
			 have_lb && have_bg ? ", " : "",
			 have_bg ? "Breusch-Godfrey p " : "",
			 have_bg ? bg : "",
			 found ? "autocorrelation found" :
				 "no autocorrelation found at the 5% level",
			 in->robust_errors ? "; Newey-West errors used" : "");
	} else {
		it->state = MNR_REPORT_NOT_MET;
		snprintf(it->detail, sizeof(it->detail), "%s",
			 "residual autocorrelation could not be tested");
	}

	it = &out[MNR_REPORT_CHECK_CONTROLS];
	if (in->design_has_controls && in->n_controls > 0) {
		it->state = MNR_REPORT_MET;
		snprintf(it->detail, sizeof(it->detail), "%zu countr%s that "
			 "had not adopted used as controls "
			 "(Callaway-Sant'Anna)", in->n_controls,
			 in->n_controls == 1 ? "y" : "ies");
	} else if (in->design_has_controls && in->n_available > 0) {
		it->state = MNR_REPORT_NOT_MET;
		snprintf(it->detail, sizeof(it->detail), "%zu countr%s without "
			 "adoption in the data, but the comparison with them "
			 "could not be estimated", in->n_available,
			 in->n_available == 1 ? "y" : "ies");
	} else if (in->design_has_controls) {
		it->state = MNR_REPORT_NOT_MET;
		snprintf(it->detail, sizeof(it->detail), "%s",
			 "no country without adoption was available as a "
			 "control");
	} else {
		it->state = MNR_REPORT_NOT_MET;
		snprintf(it->detail, sizeof(it->detail), "%s",
			 "one country's series only: no control countries "
			 "(the all-country report adds them)");
	}
}
