/*
 * Descriptive before/after comparison of one monthly series: summaries of
 * each side, Welch's difference of means, the post/pre rate ratio for counts
 * (exact and Wald intervals) and the difference of proportions for shares
 * (Newcombe's hybrid score interval).
 * Ownership: input arrays are borrowed for the duration of the call; every
 * result is a plain struct filled in place (nothing to free).
 *
 * Each function is checked against R (t.test, poisson.test, binom.test,
 * prop.test) in tests/reference/survival/ at 1e-6 relative.
 */
#ifndef MNRSTAT_COMPARE_H
#define MNRSTAT_COMPARE_H

#include <stddef.h>

#include "mnrstat/error.h"

/* Design-readiness thresholds of the brief (months on each side). */
#define MNR_COMPARE_MIN_SIDE 3  /* fewer is refused */
#define MNR_COMPARE_WARN_SIDE 8 /* fewer is warned */

/* Summary of one side. */
struct mnr_compare_desc {
	size_t n;       /* values (months) */
	double mean;
	double median;  /* mean of the two middle values when n is even */
	double sd;      /* sample SD (n - 1 divisor); NaN when n < 2 */
	double sum;
	double min;
	double max;
};

/* Welch's two-sample t for mean(post) - mean(pre) (R t.test(post, pre)). */
struct mnr_compare_welch {
	double diff;     /* mean(post) - mean(pre) */
	double se;       /* sqrt(s1^2/n1 + s0^2/n0) */
	double df;       /* Welch-Satterthwaite degrees of freedom */
	double t;
	double p_value;  /* two-sided */
	double ci_low;
	double ci_high;
	double level;
};

/*
 * Rate ratio post/pre: (x1 / T1) / (x0 / T0), x events (integer counts),
 * T exposure (months, or person-months with a population offset).
 */
struct mnr_rate_ratio {
	double events_post, exposure_post;
	double events_pre, exposure_pre;
	double rate_post, rate_pre;  /* events per unit of exposure */
	double ratio;                /* Inf when events_pre = 0 */
	double level;
	/* Exact: conditional binomial with Clopper-Pearson limits and
	 * binom.test's two-sided p (R poisson.test(c(x1, x0), c(T1, T0))). */
	double exact_low, exact_high, exact_p;
	/* Wald on the log scale: se = sqrt(1/x1 + 1/x0); NaN when a side
	 * has no events. */
	double log_se, wald_low, wald_high, wald_p;
};

/* Difference of proportions p1 - p0 (post - pre) with Newcombe's interval. */
struct mnr_prop_diff {
	double x_post, n_post, x_pre, n_pre;
	double p_post, p_pre;
	double diff;               /* p_post - p_pre */
	double ci_low, ci_high;    /* Newcombe (1998) method 10 */
	double wilson_post[2];     /* Wilson score interval of p_post */
	double wilson_pre[2];
	double level;
};

/*
 * Summarise x[0..n-1] (finite values).  Returns MNR_OK, MNR_EINVAL (NULL),
 * MNR_EDOMAIN (n = 0), MNR_EDATA (a value not finite; err names the index)
 * or MNR_ENOMEM (the median sorts a copy).
 */
int mnr_compare_describe(const double *x, size_t n,
			 struct mnr_compare_desc *out, struct mnr_error *err);

/*
 * Welch's t interval for mean(post) - mean(pre) at level in (0, 1).  Needs
 * n >= 2 on each side and a positive standard error.  Returns MNR_OK,
 * MNR_EINVAL, MNR_EDATA (value not finite) or MNR_EDOMAIN (too few values or
 * both sides constant).
 */
int mnr_compare_welch(const double *pre, size_t n_pre, const double *post,
		      size_t n_post, double level,
		      struct mnr_compare_welch *out, struct mnr_error *err);

/*
 * Rate ratio post/pre with exact and Wald intervals.  Events must be
 * non-negative whole numbers (each below 2^53), exposures finite and > 0.
 * Returns MNR_OK, MNR_EINVAL (level), MNR_EDATA (a count not a non-negative
 * integer, an exposure not positive) or MNR_EDOMAIN (no events on either
 * side).  With no events before, ratio and exact_high are Inf; with none
 * after, ratio is 0; the Wald fields are then NaN.
 */
int mnr_compare_rate_ratio(double events_post, double exposure_post,
			   double events_pre, double exposure_pre,
			   double level, struct mnr_rate_ratio *out,
			   struct mnr_error *err);

/*
 * Difference of proportions x_post/n_post - x_pre/n_pre with the Newcombe
 * hybrid score interval (Newcombe 1998, method 10: Wilson limits of each
 * proportion, combined by the square-and-add rule).  Requires n > 0 and
 * 0 <= x <= n on each side (x need not be whole).  Returns MNR_OK,
 * MNR_EINVAL (level) or MNR_EDATA.
 */
int mnr_compare_prop_diff(double x_post, double n_post, double x_pre,
			  double n_pre, double level,
			  struct mnr_prop_diff *out, struct mnr_error *err);

/*
 * Wilson score interval for x successes in n trials (R prop.test(x, n,
 * correct = FALSE)$conf.int).  Same argument rules as mnr_compare_prop_diff.
 */
int mnr_compare_wilson(double x, double n, double level, double *low,
		       double *high, struct mnr_error *err);

/* ---- one monthly series around an intervention ------------------------ */

/* What the series measures; decides which comparisons apply. */
enum mnr_compare_kind {
	MNR_COMPARE_AUTO = 0, /* share with a denominator, else count when every
				 value is a non-negative whole number, else level */
	MNR_COMPARE_LEVEL,    /* a measurement: Welch only */
	MNR_COMPARE_COUNT,    /* events per month: Welch and the rate ratio */
	MNR_COMPARE_SHARE     /* a proportion with a denominator: Welch and
				 Newcombe's difference of pooled proportions */
};

/* Warning bits of struct mnr_compare_result (see mnr_compare_warning_text). */
enum mnr_compare_warn {
	MNR_COMPARE_WARN_SHORT = 1u << 0,      /* fewer than 8 months a side */
	MNR_COMPARE_WARN_MISSING = 1u << 1,    /* months without a value */
	MNR_COMPARE_WARN_ALL_ZERO = 1u << 2,   /* every value is 0 */
	MNR_COMPARE_WARN_TINY = 1u << 3,       /* fewer than 10 events a side */
	MNR_COMPARE_WARN_CONSTANT = 1u << 4,   /* Welch undefined: both sides
						  constant */
	MNR_COMPARE_WARN_NO_OFFSET = 1u << 5,  /* months without population left
						  out of the rate ratio */
	MNR_COMPARE_WARN_NOISE = 1u << 6,      /* released (noisy) counts: the
						  Wald and quasi-Poisson
						  intervals add the known noise
						  variance, the exact interval
						  cannot */
	MNR_COMPARE_WARN_NO_DENOM = 1u << 7,   /* share months without a usable
						  denominator left out */
	MNR_COMPARE_WARN_NO_EVENTS = 1u << 8,  /* no events at all: no rate
						  ratio */
	MNR_COMPARE_WARN_OVERDISPERSED = 1u << 9, /* Pearson dispersion > 1.5:
						     Poisson intervals too
						     narrow; read quasi-Poisson */
	MNR_COMPARE_WARN_NOISE_IGNORED = 1u << 10, /* opt->noise_ignore */
	MNR_COMPARE_WARN_NOISE_SHARE = 1u << 11, /* noisy share: Newcombe's
						    interval omits the noise,
						    Welch's includes it */
	MNR_COMPARE_WARN_COUNT = 12            /* number of bits */
};

struct mnr_compare_options {
	int intervention;            /* month index (year * 12 + month - 1) of the
					first post month */
	enum mnr_compare_kind kind;
	double level;                /* confidence level, e.g. 0.95 */
	int numerator_is_count;      /* shares: y holds each month's count of
					successes out of denom (the panel's
					convention, e.g. support_offered_yes
					out of support_offered_known) rather
					than the share itself */
	int noise_ignore;            /* 1: treat released (noisy) counts as
					exact: no noise term in any interval;
					for comparison only
					(bench/noise_coverage.sh) */
};

struct mnr_compare_result {
	enum mnr_compare_kind kind;  /* resolved, never AUTO */
	size_t n_pre, n_post;        /* months with a value on each side */
	size_t n_missing_pre, n_missing_post;
	struct mnr_compare_desc pre, post;
	int has_welch;
	struct mnr_compare_welch welch;
	int has_rate;                /* count kind with at least one event */
	struct mnr_rate_ratio rate;
	int per_population;          /* rate per person-month (offset given) */
	double noise_var_pre, noise_var_post; /* summed noise variance of the
						 counts (0 when none) */
	/*
	 * Quasi-Poisson: the same log rate ratio with its Wald standard error
	 * times sqrt(dispersion), dispersion = Pearson chi-square / (n - 2)
	 * of the monthly counts around each side's fitted rate, and t(n - 2)
	 * limits and p-value (R: glm(y ~ post + offset(log(pop)),
	 * quasipoisson), summary and confint.default with t quantiles).
	 */
	double dispersion;
	double quasi_se, quasi_low, quasi_high, quasi_p;
	int has_prop;                /* share kind with denominators */
	struct mnr_prop_diff prop;
	unsigned warnings;           /* enum mnr_compare_warn bits */
};

/*
 * Compare one monthly series before and after opt->intervention.  y[i] is
 * month first_month + i (NaN = missing, counted and never treated as 0).
 * offset (may be NULL) is the population of each month: with it the rate
 * ratio is per person-month.  denom (may be NULL) is each month's
 * denominator for a share: with opt->numerator_is_count, y is the count of
 * successes (0 <= y <= denom) and the month's share y / denom, a month with
 * denom 0 having no share (missing); otherwise y is the share in [0, 1].
 * The pooled proportion of a side is sum(successes) / sum(denom); Welch
 * compares the monthly shares.  noise_var (may be NULL) is the known
 * variance of privacy noise added to each released count (a released
 * panel): such a count may be negative, and is accepted as a count when it
 * is a whole number.  The noise widens the Wald interval,
 *   var(log RR) = (x1 + V1) / x1^2 + (x0 + V0) / x0^2
 * (Vj the summed noise variance of side j), and the quasi-Poisson one,
 *   var(log RR) = phi (1/x1 + 1/x0) + V1/x1^2 + V0/x0^2,
 * with phi estimated net of the noise (see compare.c); the exact interval
 * cannot include it (MNR_COMPARE_WARN_NOISE says so).  A side whose
 * released sum is not positive has no rate ratio (NO_EVENTS).
 *
 * Refuses (MNR_EDOMAIN, the message says which side and why) fewer than
 * MNR_COMPARE_MIN_SIDE months with a value on either side; warns under
 * MNR_COMPARE_WARN_SIDE.  Returns also MNR_EINVAL (level, NULL y, kind
 * COUNT with negative or fractional values, SHARE without denom) or
 * MNR_ENOMEM.  Statistics that are undefined for the data are left out
 * (has_* = 0) with a warning bit, not an error.
 */
int mnr_compare_series(const double *y, const double *offset,
		       const double *denom, const double *noise_var,
		       size_t n, int first_month,
		       const struct mnr_compare_options *opt,
		       struct mnr_compare_result *out, struct mnr_error *err);

/* One English sentence for a warning bit (static; "" for an unknown bit). */
const char *mnr_compare_warning_text(unsigned bit);

/* "level", "count" or "share". */
const char *mnr_compare_kind_name(enum mnr_compare_kind kind);

#endif
