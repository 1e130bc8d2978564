/*
 * Before/after descriptive comparison (library layer): summaries, Welch's
 * t, exact and Wald rate ratios, Newcombe's difference of proportions.
 * Formulas mirror R's t.test, binom.test / poisson.test and prop.test so the
 * reference tests can hold them to 1e-6.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>

#include "alloc_internal.h"
#include "mnrstat/compare.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static int level_ok(double level)
{
	return level > 0.0 && level < 1.0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int check_finite(const double *x, size_t n, const char *side,
			struct mnr_error *err)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return mnr_error_set(err, MNR_EDATA,
					     "%s value %zu is not finite",
					     side, i + 1);
	return MNR_OK;
}

/*
 * Mean and sample variance by the corrected two-pass algorithm (Chan,
 * Golub & LeVeque 1983), which stays accurate when the mean is large
 * compared with the spread.
 */
static void mean_var(const double *x, size_t n, double *mean, double *var)
{
	double m = 0.0, ss = 0.0, c = 0.0;
	size_t i;

	for (i = 0; i < n; i++)
		m += x[i];
	m /= (double)n;
	for (i = 0; i < n; i++) {
		double dv = x[i] - m;

		ss += dv * dv;
		c += dv;
	}
	*mean = m;
	*var = n > 1 ? (ss - c * c / (double)n) / (double)(n - 1) : NAN;
}

int mnr_compare_describe(const double *x, size_t n,
			 struct mnr_compare_desc *out, struct mnr_error *err)
{
	double *s, var;
	size_t i;
	int rc;

	if (!out || (n > 0 && !x))
		return mnr_error_set(err, MNR_EINVAL, "no data or output");
	memset(out, 0, sizeof(*out));
	if (n == 0)
		return mnr_error_set(err, MNR_EDOMAIN, "no values");
	if ((rc = check_finite(x, n, "input", err)) != MNR_OK)
		return rc;
	s = mnr__malloc(mnr__size_mul(n, sizeof(double)));
	if (!s)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	memcpy(s, x, n * sizeof(double));
	qsort(s, n, sizeof(double), cmp_double);
	out->n = n;
	out->median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
	out->min = s[0];
	out->max = s[n - 1];
	mnr__free(s);
	mean_var(x, n, &out->mean, &var);
	out->sd = sqrt(var);
	for (i = 0; i < n; i++)
		out->sum += x[i];
	return MNR_OK;
}

int mnr_compare_welch(const double *pre, size_t n_pre, const double *post,
		      size_t n_post, double level,
		      struct mnr_compare_welch *out, struct mnr_error *err)
{
	double m0, v0, m1, v1, a0, a1, q;
	int rc;

	if (!out || (n_pre && !pre) || (n_post && !post))
		return mnr_error_set(err, MNR_EINVAL, "no data or output");
	memset(out, 0, sizeof(*out));
	if (!level_ok(level))
		return mnr_error_set(err, MNR_EINVAL,
				     "confidence level must be in (0, 1)");
	if (n_pre < 2 || n_post < 2)
		return mnr_error_set(err, MNR_EDOMAIN,
				     "Welch's t needs at least 2 values on "
				     "each side");
	if ((rc = check_finite(pre, n_pre, "pre-period", err)) != MNR_OK ||
	    (rc = check_finite(post, n_post, "post-period", err)) != MNR_OK)
		return rc;
	mean_var(pre, n_pre, &m0, &v0);
	mean_var(post, n_post, &m1, &v1);
	a0 = v0 / (double)n_pre;
	a1 = v1 / (double)n_post;
	out->level = level;
	out->diff = m1 - m0;
	out->se = sqrt(a0 + a1);
	/* R t.test's guard: "data are essentially constant". */
	if (out->se < 10.0 * DBL_EPSILON * fmax(fabs(m0), fabs(m1)) ||
	    out->se == 0.0)
		return mnr_error_set(err, MNR_EDOMAIN,
				     "both sides are constant: the standard "
				     "error is zero");
	/* Welch-Satterthwaite degrees of freedom. */
	out->df = (a0 + a1) * (a0 + a1) /
		  (a0 * a0 / (double)(n_pre - 1) +
		   a1 * a1 / (double)(n_post - 1));
	out->t = out->diff / out->se;
	out->p_value = 2.0 * gsl_cdf_tdist_Q(fabs(out->t), out->df);
	q = gsl_cdf_tdist_Qinv((1.0 - level) / 2.0, out->df);
	out->ci_low = out->diff - q * out->se;
	out->ci_high = out->diff + q * out->se;
	return MNR_OK;
}

/* ---- exact binomial machinery (R's nmath, Loader 2000) -------------- */

/*
 * Stirling's error log(n!) - log(sqrt(2 pi n) (n/e)^n), as R's stirlerr.
 * For n <= 15 the direct formula loses at most ~1e-14 absolutely, which is
 * ample here; R uses a table of the same values.
 */
static double stirlerr(double n)
{
	const double s0 = 1.0 / 12.0, s1 = 1.0 / 360.0, s2 = 1.0 / 1260.0,
		     s3 = 1.0 / 1680.0, s4 = 1.0 / 1188.0;
	double nn;

	if (n <= 15.0)
		return lgamma(n + 1.0) - (n + 0.5) * log(n) + n -
		       0.5 * log(2.0 * M_PI);
	nn = n * n;
	if (n > 500.0)
		return (s0 - s1 / nn) / n;
	if (n > 80.0)
		return (s0 - (s1 - s2 / nn) / nn) / n;
	if (n > 35.0)
		return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
	return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
}

/* Deviance term x log(x/np) + np - x computed without cancellation (bd0). */
static double bd0(double x, double np)
{
	if (fabs(x - np) < 0.1 * (x + np)) {
		double v = (x - np) / (x + np), s = (x - np) * v, ej, s1;
		int j;

		if (fabs(s) < DBL_MIN)
			return s;
		ej = 2.0 * x * v;
		v = v * v;
		for (j = 1; j < 1000; j++) {
			ej *= v;
			s1 = s + ej / (double)(2 * j + 1);
			if (s1 == s)
				return s1;
			s = s1;
		}
	}
	return x * log(x / np) + np - x;
}

/* Binomial probability mass by Loader's saddle-point method (dbinom_raw). */
static double dbinom(double x, double n, double p)
{
	double q = 1.0 - p, lc, lf;

	if (p == 0.0)
		return x == 0.0 ? 1.0 : 0.0;
	if (q == 0.0)
		return x == n ? 1.0 : 0.0;
	if (x < 0.0 || x > n)
		return 0.0;
	if (x == 0.0) {
		if (n == 0.0)
			return 1.0;
		lc = p < 0.1 ? -bd0(n, n * q) - n * p : n * log(q);
		return exp(lc);
	}
	if (x == n) {
		lc = q < 0.1 ? -bd0(n, n * p) - n * q : n * log(p);
		return exp(lc);
	}
	lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) -
	     bd0(n - x, n * q);
	lf = log(2.0 * M_PI) + log(x) + log1p(-x / n);
	return exp(lc - 0.5 * lf);
}

/*
 * Regularised incomplete beta I_x(a, b) through the _e form, so that GSL's
 * error handler is never invoked from the library; an underflow is 0.
 */
static double beta_inc(double a, double b, double x)
{
	gsl_sf_result r;
	int st = gsl_sf_beta_inc_e(a, b, x, &r);

	if (st == GSL_EUNDRFLW)
		return 0.0;
	return st == GSL_SUCCESS ? r.val : NAN;
}

/* P(X <= k) for X ~ Bin(n, p) through the regularised incomplete beta. */
static double pbinom_lower(double k, double n, double p)
{
	if (k < 0.0)
		return 0.0;
	if (k >= n)
		return 1.0;
	return beta_inc(n - k, k + 1.0, 1.0 - p);
}

/* P(X > k). */
static double pbinom_upper(double k, double n, double p)
{
	if (k < 0.0)
		return 1.0;
	if (k >= n)
		return 0.0;
	return beta_inc(k + 1.0, n - k, p);
}

/*
 * binom.test's two-sided p-value: the probability of outcomes no more
 * likely than x (with R's relative slack 1e-7).  The density is unimodal,
 * so the outcomes on the far side form a contiguous tail found by binary
 * search (a linear scan, exactly as R, for small n).
 */
static double binom_two_sided_p(double x, double n, double p)
{
	const double rel = 1.0 + 1e-7;
	double d = dbinom(x, n, p), m = n * p, y, pv;

	if (x == m)
		return 1.0;
	if (x < m) {
		/* Count i in [ceil(m), n] with dbinom(i) <= d * rel. */
		double lo = ceil(m), hi = n + 1.0; /* first qualifying index */

		if (n - lo < 1e5) {
			double i;

			y = 0.0;
			for (i = lo; i <= n; i += 1.0)
				if (dbinom(i, n, p) <= d * rel)
					y += 1.0;
		} else {
			double a = lo, b = hi;

			while (a < b) {
				double mid = floor(a + (b - a) / 2.0);

				if (dbinom(mid, n, p) <= d * rel)
					b = mid;
				else
					a = mid + 1.0;
			}
			y = n + 1.0 - a;
		}
		pv = pbinom_lower(x, n, p) + pbinom_upper(n - y, n, p);
	} else {
		/* Count i in [0, floor(m)] with dbinom(i) <= d * rel. */
		double top = floor(m);

		if (top < 1e5) {
			double i;

			y = 0.0;
			for (i = 0.0; i <= top; i += 1.0)
				if (dbinom(i, n, p) <= d * rel)
					y += 1.0;
		} else {
			double a = 0.0, b = top + 1.0; /* first failing index */

			while (a < b) {
				double mid = floor(a + (b - a) / 2.0);

				if (dbinom(mid, n, p) <= d * rel)
					a = mid + 1.0;
				else
					b = mid;
			}
			y = a;
		}
		pv = pbinom_lower(y - 1.0, n, p) + pbinom_upper(x - 1.0, n, p);
	}
	return fmin(1.0, pv);
}

/*
 * Quantile of Beta(a, b) at probability prob, found by bisection on the
 * logit scale so that the odds p / (1 - p), which the rate ratio uses, come
 * out with a small relative error however close p is to 0 or 1.
 */
static double qbeta_logit(double prob, double a, double b)
{
	double lo = -750.0, hi = 750.0;
	int it;

	for (it = 0; it < 200 && hi - lo > 1e-13; it++) {
		double mid = (lo + hi) / 2.0, pm = 1.0 / (1.0 + exp(-mid));

		if (beta_inc(a, b, pm) < prob)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2.0;
}

static int whole_count(double x)
{
	return isfinite(x) && x >= 0.0 && x == floor(x) && x < 9007199254740992.0;
}

int mnr_compare_rate_ratio(double events_post, double exposure_post,
			   double events_pre, double exposure_pre,
			   double level, struct mnr_rate_ratio *out,
			   struct mnr_error *err)
{
	double x1 = events_post, x0 = events_pre, t1 = exposure_post,
	       t0 = exposure_pre, n, p, alpha, z, lodds;

	if (!out)
		return mnr_error_set(err, MNR_EINVAL, "no output");
	memset(out, 0, sizeof(*out));
	if (!level_ok(level))
		return mnr_error_set(err, MNR_EINVAL,
				     "confidence level must be in (0, 1)");
	if (!whole_count(x1) || !whole_count(x0))
		return mnr_error_set(err, MNR_EDATA,
				     "event counts must be non-negative whole "
				     "numbers");
	if (!isfinite(t1) || !isfinite(t0) || t1 <= 0.0 || t0 <= 0.0)
		return mnr_error_set(err, MNR_EDATA,
				     "exposures must be finite and positive");
	n = x1 + x0;
	if (n == 0.0)
		return mnr_error_set(err, MNR_EDOMAIN,
				     "no events before or after: the rate "
				     "ratio is undefined");
	out->events_post = x1;
	out->events_pre = x0;
	out->exposure_post = t1;
	out->exposure_pre = t0;
	out->rate_post = x1 / t1;
	out->rate_pre = x0 / t0;
	out->level = level;
	out->ratio = x0 > 0.0 ? out->rate_post / out->rate_pre : INFINITY;

	/*
	 * Conditional on the total, x1 ~ Bin(n, T1 / (T1 + T0)) under equal
	 * rates; the Clopper-Pearson limits pL, pU of the binomial share map
	 * to rate ratios (p / (1 - p)) * T0 / T1 (R poisson.test).
	 */
	p = t1 / (t1 + t0);
	out->exact_p = binom_two_sided_p(x1, n, p);
	alpha = (1.0 - level) / 2.0;
	if (x1 == 0.0) {
		out->exact_low = 0.0;
	} else {
		lodds = qbeta_logit(alpha, x1, n - x1 + 1.0);
		out->exact_low = exp(lodds) * t0 / t1;
	}
	if (x1 == n) {
		out->exact_high = INFINITY;
	} else {
		lodds = qbeta_logit(1.0 - alpha, x1 + 1.0, n - x1);
		out->exact_high = exp(lodds) * t0 / t1;
	}

	/* Wald on the log scale: var(log RR) = 1/x1 + 1/x0. */
	if (x1 > 0.0 && x0 > 0.0) {
		z = gsl_cdf_ugaussian_Pinv(1.0 - alpha);
		out->log_se = sqrt(1.0 / x1 + 1.0 / x0);
		out->wald_low = exp(log(out->ratio) - z * out->log_se);
		out->wald_high = exp(log(out->ratio) + z * out->log_se);
		out->wald_p = 2.0 * gsl_cdf_ugaussian_Q(
					    fabs(log(out->ratio)) / out->log_se);
	} else {
		out->log_se = out->wald_low = out->wald_high = NAN;
		out->wald_p = NAN;
	}
	return MNR_OK;
}

static int prop_ok(double x, double n)
{
	return isfinite(x) && isfinite(n) && n > 0.0 && x >= 0.0 && x <= n;
}

/* Wilson limits exactly as R's prop.test(correct = FALSE). */
static void wilson(double x, double n, double z, double *lo, double *hi)
{
	double p = x / n, z22n = z * z / (2.0 * n);
	double w = z * sqrt(p * (1.0 - p) / n + z22n / (2.0 * n));

	*hi = p >= 1.0 ? 1.0 : (p + z22n + w) / (1.0 + 2.0 * z22n);
	*lo = p <= 0.0 ? 0.0 : (p + z22n - w) / (1.0 + 2.0 * z22n);
}

int mnr_compare_wilson(double x, double n, double level, double *low,
		       double *high, struct mnr_error *err)
{
	if (!low || !high)
		return mnr_error_set(err, MNR_EINVAL, "no output");
	if (!level_ok(level))
		return mnr_error_set(err, MNR_EINVAL,
				     "confidence level must be in (0, 1)");
	if (!prop_ok(x, n))
		return mnr_error_set(err, MNR_EDATA,
				     "a share needs 0 <= successes <= trials "
				     "and trials > 0");
	wilson(x, n, gsl_cdf_ugaussian_Pinv(0.5 * (1.0 + level)), low, high);
	return MNR_OK;
}

int mnr_compare_prop_diff(double x_post, double n_post, double x_pre,
			  double n_pre, double level,
			  struct mnr_prop_diff *out, struct mnr_error *err)
{
	double z, l1, u1, l0, u0, p1, p0;

	if (!out)
		return mnr_error_set(err, MNR_EINVAL, "no output");
	memset(out, 0, sizeof(*out));
	if (!level_ok(level))
		return mnr_error_set(err, MNR_EINVAL,
				     "confidence level must be in (0, 1)");
	if (!prop_ok(x_post, n_post) || !prop_ok(x_pre, n_pre))
		return mnr_error_set(err, MNR_EDATA,
				     "a share needs 0 <= successes <= trials "
				     "and trials > 0");
	z = gsl_cdf_ugaussian_Pinv(0.5 * (1.0 + level));
	p1 = x_post / n_post;
	p0 = x_pre / n_pre;
	wilson(x_post, n_post, z, &l1, &u1);
	wilson(x_pre, n_pre, z, &l0, &u0);
	out->x_post = x_post;
	out->n_post = n_post;
	out->x_pre = x_pre;
	out->n_pre = n_pre;
	out->p_post = p1;
	out->p_pre = p0;
	out->diff = p1 - p0;
	out->level = level;
	out->wilson_post[0] = l1;
	out->wilson_post[1] = u1;
	out->wilson_pre[0] = l0;
	out->wilson_pre[1] = u0;
	/* Newcombe (1998) method 10: square-and-add of the Wilson margins. */
	out->ci_low = out->diff - sqrt((p1 - l1) * (p1 - l1) +
				       (u0 - p0) * (u0 - p0));
	out->ci_high = out->diff + sqrt((u1 - p1) * (u1 - p1) +
					(p0 - l0) * (p0 - l0));
	return MNR_OK;
}

/* ---- one series around an intervention ------------------------------ */

const char *mnr_compare_kind_name(enum mnr_compare_kind kind)
{
	switch (kind) {
	case MNR_COMPARE_COUNT:
		return "count";
	case MNR_COMPARE_SHARE:
		return "share";
	case MNR_COMPARE_LEVEL:
		return "level";
	case MNR_COMPARE_AUTO:
		break;
	}
	return "auto";
}

const char *mnr_compare_warning_text(unsigned bit)
{
	switch (bit) {
	case MNR_COMPARE_WARN_SHORT:
		return "fewer than 8 months on a side: estimates are fragile";
	case MNR_COMPARE_WARN_MISSING:
		return "some months have no value; they are left out, not "
		       "counted as zero";
	case MNR_COMPARE_WARN_ALL_ZERO:
		return "every value of the series is zero";
	case MNR_COMPARE_WARN_TINY:
		return "fewer than 10 events on a side: the counts are tiny and "
		       "the rate ratio is imprecise";
	case MNR_COMPARE_WARN_CONSTANT:
		return "both sides are constant: Welch's interval is undefined";
	case MNR_COMPARE_WARN_NO_OFFSET:
		return "months without a population are left out of the rate "
		       "ratio";
	case MNR_COMPARE_WARN_NOISE:
		return "privacy noise accounted for: its known variance is "
		       "added to the Wald interval (var log RR = (x1 + V1)/x1^2 "
		       "+ (x0 + V0)/x0^2) and to the quasi-Poisson interval "
		       "(dispersion estimated net of the noise); the exact "
		       "interval cannot include it";
	case MNR_COMPARE_WARN_NOISE_SHARE:
		return "the counts carry privacy noise: Newcombe's interval "
		       "for the pooled proportions does not include it; "
		       "Welch's interval on the monthly shares does (their "
		       "spread includes the noise)";
	case MNR_COMPARE_WARN_NOISE_IGNORED:
		return "privacy noise IGNORED on request: the intervals treat "
		       "the released counts as exact and are too narrow";
	case MNR_COMPARE_WARN_NO_DENOM:
		return "months without a usable denominator are left out of the "
		       "difference of proportions";
	case MNR_COMPARE_WARN_NO_EVENTS:
		return "no events on either side: the rate ratio is undefined";
	case MNR_COMPARE_WARN_OVERDISPERSED:
		return "the monthly counts are over-dispersed (dispersion above "
		       "1.5): the exact and Wald intervals are too narrow, read "
		       "the quasi-Poisson interval";
	}
	return "";
}

/*
 * Pool one side of a share series: successes and trials over the months in
 * use with a positive denominator w.  counts (may be NULL) holds the
 * successes themselves; otherwise they are y * w.  Returns 1 when a month
 * in use had no usable denominator.
 */
static int side_pool(const double *y, const double *counts, const double *w,
		     const int *use, size_t n, int post_side,
		     const int *is_post, double *sx, double *sw)
{
	size_t i;
	int left_out = 0;

	*sx = *sw = 0.0;
	for (i = 0; i < n; i++) {
		if (!use[i] || is_post[i] != post_side)
			continue;
		if (!isfinite(w[i]) || w[i] <= 0.0) {
			left_out = 1;
			continue;
		}
		*sx += counts ? counts[i] : y[i] * w[i];
		*sw += w[i];
	}
	return left_out;
}

/* Month i carries known privacy noise (noise_var may be NULL). */
static int noisy_at(const double *noise_var, size_t i)
{
	return noise_var && isfinite(noise_var[i]) && noise_var[i] > 0.0;
}

/*
 * Pearson dispersion of the two-rate Poisson model (fitted mean of month i
 * = side rate x exposure_i) and the quasi-Poisson interval of the log rate
 * ratio.  With a side without events the dispersion is still defined but
 * the ratio is not; then only the dispersion is set.
 */
static void quasi_poisson(const double *y, const double *offset,
			  const double *noise, const int *use,
			  const int *is_post, size_t n, const double x[2],
			  const double t[2], const double v[2], double level,
			  struct mnr_compare_result *out)
{
	double chi2 = 0.0, df, rate[2], se;
	size_t i, m = 0;

	rate[0] = x[0] / t[0];
	rate[1] = x[1] / t[1];
	for (i = 0; i < n; i++) {
		double mu;

		if (!use[i] || (offset && (!isfinite(offset[i]) ||
					   offset[i] <= 0.0)))
			continue;
		mu = rate[is_post[i]] * (offset ? offset[i] : 1.0);
		m++;
		/*
		 * Known noise of variance s_i: E (y - mu)^2 = phi mu + s_i,
		 * so the dispersion of the counts is estimated net of it,
		 * phi = sum((y - mu)^2 - s) / mu / (m - 2) (moments; the same
		 * estimator as its.c's noise_adjust), floored at 0 below.
		 */
		if (mu > 0.0)
			chi2 += ((y[i] - mu) * (y[i] - mu) -
				 (noise ? noise[i] : 0.0)) / mu;
	}
	out->dispersion = NAN;
	out->quasi_se = out->quasi_low = out->quasi_high = NAN;
	out->quasi_p = NAN;
	if (m <= 2)
		return;
	df = (double)(m - 2);
	out->dispersion = chi2 / df;
	if (noise && !(out->dispersion > 0.0))
		out->dispersion = 0.0;
	if (out->dispersion > 1.5)
		out->warnings |= MNR_COMPARE_WARN_OVERDISPERSED;
	if (!(x[0] > 0.0 && x[1] > 0.0))
		return;
	/* Delta method: var log x_j = (phi x_j + V_j) / x_j^2. */
	se = sqrt(out->dispersion * (1.0 / x[0] + 1.0 / x[1]) +
		  v[0] / (x[0] * x[0]) + v[1] / (x[1] * x[1]));
	out->quasi_se = se;
	if (se > 0.0) {
		double q = gsl_cdf_tdist_Qinv((1.0 - level) / 2.0, df);
		double lr = log(out->rate.ratio);

		out->quasi_low = exp(lr - q * se);
		out->quasi_high = exp(lr + q * se);
		out->quasi_p = 2.0 * gsl_cdf_tdist_Q(fabs(lr) / se, df);
	}
}

int mnr_compare_series(const double *y, const double *offset,
		       const double *denom, const double *noise_var,
		       size_t n, int first_month,
		       const struct mnr_compare_options *opt,
		       struct mnr_compare_result *out, struct mnr_error *err)
{
	double *pre = NULL, *post = NULL, *share = NULL;
	const double *counts = NULL;
	int *use = NULL, *is_post = NULL;
	size_t i, np = 0, nq = 0;
	enum mnr_compare_kind kind;
	struct mnr_error local;
	int rc = MNR_OK, whole = 1, all_zero = 1;

	if (!out || !opt || (n > 0 && !y))
		return mnr_error_set(err, MNR_EINVAL, "no series or output");
	memset(out, 0, sizeof(*out));
	if (!level_ok(opt->level))
		return mnr_error_set(err, MNR_EINVAL,
				     "confidence level must be in (0, 1)");
	kind = opt->kind;
	if (kind == MNR_COMPARE_SHARE && !denom)
		return mnr_error_set(err, MNR_EINVAL,
				     "a share comparison needs a denominator "
				     "series");
	if (denom && opt->numerator_is_count &&
	    (kind == MNR_COMPARE_AUTO || kind == MNR_COMPARE_SHARE)) {
		/* Successes out of denom: compare the monthly shares. */
		share = mnr__malloc(mnr__size_mul(n ? n : 1, sizeof(double)));
		if (!share)
			return mnr_error_set(err, MNR_ENOMEM, "out of memory");
		for (i = 0; i < n; i++) {
			if (isnan(y[i]) || isnan(denom[i]) || denom[i] == 0.0) {
				share[i] = NAN;
				continue;
			}
			if (!isfinite(y[i]) || !isfinite(denom[i]) ||
			    y[i] < 0.0 || denom[i] < 0.0 || y[i] > denom[i]) {
				mnr__free(share);
				return mnr_error_set(err, MNR_EDATA,
						     "month %zu of the series: "
						     "successes must lie "
						     "between 0 and the "
						     "denominator", i + 1);
			}
			share[i] = y[i] / denom[i];
		}
		counts = y;
		y = share;
		kind = MNR_COMPARE_SHARE;
	}
	pre = mnr__malloc(mnr__size_mul(n ? n : 1, sizeof(double)));
	post = mnr__malloc(mnr__size_mul(n ? n : 1, sizeof(double)));
	use = mnr__calloc(n ? n : 1, sizeof(int));
	is_post = mnr__calloc(n ? n : 1, sizeof(int));
	if (!pre || !post || !use || !is_post) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		is_post[i] = first_month + (long)i >= opt->intervention;
		if (isnan(y[i])) {
			if (is_post[i])
				out->n_missing_post++;
			else
				out->n_missing_pre++;
			continue;
		}
		if (!isfinite(y[i])) {
			rc = mnr_error_set(err, MNR_EDATA,
					   "value of month %zu of the series "
					   "is not finite", i + 1);
			goto done;
		}
		use[i] = 1;
		if (is_post[i])
			post[nq++] = y[i];
		else
			pre[np++] = y[i];
		/* A released count (count + noise) may be negative. */
		if ((y[i] < 0.0 && !noisy_at(noise_var, i)) ||
		    y[i] != floor(y[i]))
			whole = 0;
		if (y[i] != 0.0)
			all_zero = 0;
	}
	out->n_pre = np;
	out->n_post = nq;
	if (np < MNR_COMPARE_MIN_SIDE || nq < MNR_COMPARE_MIN_SIDE) {
		rc = mnr_error_set(err, MNR_EDOMAIN,
				   "%zu month%s with a value %s the "
				   "intervention; at least %d are needed",
				   np < MNR_COMPARE_MIN_SIDE ? np : nq,
				   (np < MNR_COMPARE_MIN_SIDE ? np : nq) == 1
					   ? "" : "s",
				   np < MNR_COMPARE_MIN_SIDE ? "before"
							     : "from",
				   MNR_COMPARE_MIN_SIDE);
		mnr_error_rule(err, "too-few-months");
		goto done;
	}
	if (np < MNR_COMPARE_WARN_SIDE || nq < MNR_COMPARE_WARN_SIDE)
		out->warnings |= MNR_COMPARE_WARN_SHORT;
	if (out->n_missing_pre || out->n_missing_post)
		out->warnings |= MNR_COMPARE_WARN_MISSING;
	if (all_zero)
		out->warnings |= MNR_COMPARE_WARN_ALL_ZERO;
	if (kind == MNR_COMPARE_AUTO)
		kind = denom ? MNR_COMPARE_SHARE
			     : whole ? MNR_COMPARE_COUNT : MNR_COMPARE_LEVEL;
	if (kind == MNR_COMPARE_COUNT && !whole) {
		rc = mnr_error_set(err, MNR_EDATA,
				   "a count series must hold non-negative "
				   "whole numbers");
		goto done;
	}
	out->kind = kind;

	if ((rc = mnr_compare_describe(pre, np, &out->pre, err)) != MNR_OK ||
	    (rc = mnr_compare_describe(post, nq, &out->post, err)) != MNR_OK)
		goto done;
	mnr_error_clear(&local);
	rc = mnr_compare_welch(pre, np, post, nq, opt->level, &out->welch,
			       &local);
	if (rc == MNR_OK) {
		out->has_welch = 1;
	} else if (rc == MNR_EDOMAIN) {
		out->warnings |= MNR_COMPARE_WARN_CONSTANT;
		rc = MNR_OK;
	} else {
		rc = mnr_error_set(err, local.code, "%s", local.msg);
		goto done;
	}

	if (kind == MNR_COMPARE_COUNT) {
		double x[2] = { 0.0, 0.0 }, t[2] = { 0.0, 0.0 },
		       v[2] = { 0.0, 0.0 };

		double *nz = NULL;
		int noisy = 0;

		for (i = 0; i < n; i++) {
			if (!use[i])
				continue;
			if (offset && (!isfinite(offset[i]) ||
				       offset[i] <= 0.0)) {
				out->warnings |= MNR_COMPARE_WARN_NO_OFFSET;
				continue;
			}
			x[is_post[i]] += y[i];
			t[is_post[i]] += offset ? offset[i] : 1.0;
			if (noisy_at(noise_var, i)) {
				v[is_post[i]] += noise_var[i];
				noisy = 1;
			}
		}
		out->per_population = offset != NULL;
		out->noise_var_pre = v[0];
		out->noise_var_post = v[1];
		if (noisy && opt->noise_ignore) {
			out->warnings |= MNR_COMPARE_WARN_NOISE_IGNORED;
			v[0] = v[1] = 0.0;
			noisy = 0;
		} else if (noisy) {
			/* Per-month variances for the quasi-Poisson fit. */
			nz = mnr__calloc(n ? n : 1, sizeof(double));
			if (!nz) {
				rc = mnr_error_set(err, MNR_ENOMEM,
						   "out of memory");
				goto done;
			}
			for (i = 0; i < n; i++)
				nz[i] = noisy_at(noise_var, i) ? noise_var[i]
							       : 0.0;
		}
		if (x[0] < 10.0 || x[1] < 10.0)
			out->warnings |= MNR_COMPARE_WARN_TINY;
		if (x[0] + x[1] == 0.0 || t[0] == 0.0 || t[1] == 0.0 ||
		    x[0] < 0.0 || x[1] < 0.0) {
			/* A released side sum below 0 is all noise. */
			out->warnings |= MNR_COMPARE_WARN_NO_EVENTS;
			mnr__free(nz);
		} else {
			rc = mnr_compare_rate_ratio(x[1], t[1], x[0], t[0],
						    opt->level, &out->rate,
						    err);
			if (rc != MNR_OK) {
				mnr__free(nz);
				goto done;
			}
			out->has_rate = 1;
			quasi_poisson(y, offset, nz, use, is_post, n, x, t, v,
				      opt->level, out);
			mnr__free(nz);
			if (v[0] > 0.0 || v[1] > 0.0) {
				/*
				 * Released count = true count + independent
				 * noise of variance V: by the delta method
				 * var(log x) ~ (x + V) / x^2 on each side.
				 */
				struct mnr_rate_ratio *r = &out->rate;
				double z = gsl_cdf_ugaussian_Pinv(
					0.5 + opt->level / 2.0);

				out->warnings |= MNR_COMPARE_WARN_NOISE;
				if (x[0] > 0.0 && x[1] > 0.0) {
					r->log_se = sqrt((x[1] + v[1]) /
							 (x[1] * x[1]) +
							 (x[0] + v[0]) /
							 (x[0] * x[0]));
					r->wald_low = exp(log(r->ratio) -
							  z * r->log_se);
					r->wald_high = exp(log(r->ratio) +
							   z * r->log_se);
					r->wald_p = 2.0 * gsl_cdf_ugaussian_Q(
						fabs(log(r->ratio)) /
						r->log_se);
				}
			}
		}
	} else if (kind == MNR_COMPARE_SHARE) {
		double x0, n0, x1, n1;

		for (i = 0; i < n; i++)
			if (use[i] && (y[i] < 0.0 || y[i] > 1.0)) {
				rc = mnr_error_set(err, MNR_EDATA,
						   "a share must lie in [0, 1] "
						   "(month %zu of the series)",
						   i + 1);
				goto done;
			}
		/*
		 * The denominator's noise is not passed in, so the pooled
		 * proportions' interval cannot carry it: say so.
		 */
		for (i = 0; i < n; i++)
			if (use[i] && noisy_at(noise_var, i) &&
			    !opt->noise_ignore)
				out->warnings |= MNR_COMPARE_WARN_NOISE_SHARE;
		if (side_pool(y, counts, denom, use, n, 0, is_post, &x0,
			      &n0) |
		    side_pool(y, counts, denom, use, n, 1, is_post, &x1, &n1))
			out->warnings |= MNR_COMPARE_WARN_NO_DENOM;
		if (n0 > 0.0 && n1 > 0.0) {
			/* Shares are written rounded; clamp the product. */
			rc = mnr_compare_prop_diff(fmin(x1, n1), n1,
						   fmin(x0, n0), n0,
						   opt->level, &out->prop, err);
			if (rc != MNR_OK)
				goto done;
			out->has_prop = 1;
		}
	}
done:
	mnr__free(share);
	mnr__free(pre);
	mnr__free(post);
	mnr__free(use);
	mnr__free(is_post);
	return rc;
}
