/*
 * Unit tests for the compare module: summaries, Welch's t, exact and Wald
 * rate ratios and Newcombe's difference of proportions against R (t.test,
 * poisson.test, prop.test; values from tests/reference/survival/), plus the
 * error paths.
 */
#include "test_util.h"

#include <string.h>

#include <gsl/gsl_errno.h>

#include "mnrstat/alloc.h"
#include "mnrstat/compare.h"
#include "../reference/survival/compare_ref.h"

#define REL 1e-6

/*
 * p-values below 1e-300 are compared only as "tiny": R reports subnormal
 * numbers there whose digits carry no information.
 */
#define assert_p(got, want) do { \
	if ((want) < 1e-300) \
		assert_true((got) < 1e-300); \
	else \
		assert_rel((got), (want), REL); \
} while (0)

static int group_setup(void **state)
{
	(void)state;
	gsl_set_error_handler_off();
	return 0;
}

static void test_describe_welch_reference(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(welch_refs) / sizeof(welch_refs[0]); i++) {
		const struct welch_ref *r = &welch_refs[i];
		struct mnr_compare_desc d0, d1;
		struct mnr_compare_welch w;
		struct mnr_error err;

		mnr_error_clear(&err);
		print_message("welch case %zu\n", i);
		assert_int_equal(mnr_compare_describe(r->pre, r->n_pre, &d0,
						      &err), MNR_OK);
		assert_int_equal(mnr_compare_describe(r->post, r->n_post, &d1,
						      &err), MNR_OK);
		assert_int_equal(d0.n, r->n_pre);
		assert_rel(d0.mean, r->mean_pre, 1e-12);
		assert_rel(d0.median, r->median_pre, 1e-12);
		assert_rel(d0.sd, r->sd_pre, 1e-9);
		assert_rel(d1.mean, r->mean_post, 1e-12);
		assert_rel(d1.median, r->median_post, 1e-12);
		assert_rel(d1.sd, r->sd_post, 1e-9);
		assert_int_equal(mnr_compare_welch(r->pre, r->n_pre, r->post,
						   r->n_post, r->level, &w,
						   &err), MNR_OK);
		assert_rel(w.diff, r->diff, 1e-12);
		assert_rel(w.se, r->se, REL);
		assert_rel(w.df, r->df, REL);
		assert_rel(w.t, r->t, REL);
		assert_p(w.p_value, r->p);
		assert_rel(w.ci_low, r->lo, REL);
		assert_rel(w.ci_high, r->hi, REL);
	}
}

static void test_rate_ratio_reference(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rr_refs) / sizeof(rr_refs[0]); i++) {
		const struct rr_ref *r = &rr_refs[i];
		struct mnr_rate_ratio rr;
		struct mnr_error err;

		mnr_error_clear(&err);
		print_message("rate ratio case %zu\n", i);
		assert_int_equal(mnr_compare_rate_ratio(r->x1, r->t1, r->x0,
							r->t0, r->level, &rr,
							&err), MNR_OK);
		assert_rel(rr.ratio, r->ratio, 1e-12);
		assert_rel(rr.exact_low, r->exact_lo, REL);
		assert_rel(rr.exact_high, r->exact_hi, REL);
		assert_p(rr.exact_p, r->exact_p);
		assert_rel(rr.log_se, r->log_se, REL);
		assert_rel(rr.wald_low, r->wald_lo, REL);
		assert_rel(rr.wald_high, r->wald_hi, REL);
		assert_p(rr.wald_p, r->wald_p);
	}
}

static void test_prop_diff_reference(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pd_refs) / sizeof(pd_refs[0]); i++) {
		const struct pd_ref *r = &pd_refs[i];
		struct mnr_prop_diff pd;
		struct mnr_error err;
		double lo, hi;

		mnr_error_clear(&err);
		print_message("proportion case %zu\n", i);
		assert_int_equal(mnr_compare_prop_diff(r->x1, r->n1, r->x0,
						       r->n0, r->level, &pd,
						       &err), MNR_OK);
		assert_rel(pd.diff, r->diff, 1e-12);
		assert_rel(pd.ci_low, r->lo, REL);
		assert_rel(pd.ci_high, r->hi, REL);
		assert_rel(pd.wilson_post[0], r->w1lo, REL);
		assert_rel(pd.wilson_post[1], r->w1hi, REL);
		assert_rel(pd.wilson_pre[0], r->w0lo, REL);
		assert_rel(pd.wilson_pre[1], r->w0hi, REL);
		assert_int_equal(mnr_compare_wilson(r->x0, r->n0, r->level,
						    &lo, &hi, &err), MNR_OK);
		assert_rel(lo, r->w0lo, REL);
		assert_rel(hi, r->w0hi, REL);
	}
}

static void test_describe_errors(void **state)
{
	const double x[] = { 1.0, NAN, 3.0 }, one[] = { 4.0 };
	struct mnr_compare_desc d;
	struct mnr_error err;

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_describe(x, 0, &d, &err), MNR_EDOMAIN);
	assert_string_equal(err.msg, "no values");
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_describe(x, 3, &d, &err), MNR_EDATA);
	assert_string_equal(err.msg, "input value 2 is not finite");
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_describe(NULL, 3, &d, &err), MNR_EINVAL);
	assert_int_equal(mnr_compare_describe(one, 1, &d, NULL), MNR_OK);
	assert_true(isnan(d.sd));
	assert_rel(d.median, 4.0, 0.0);
	mnr_error_clear(&err);
	mnr_alloc_fail_after(1);
	assert_int_equal(mnr_compare_describe(one, 1, &d, &err), MNR_ENOMEM);
	mnr_alloc_fail_after(0);
}

static void test_welch_errors(void **state)
{
	const double a[] = { 2.0, 2.0, 2.0 }, b[] = { 5.0, 5.0 },
		     c[] = { 1.0, INFINITY };
	struct mnr_compare_welch w;
	struct mnr_error err;

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_welch(a, 3, b, 2, 0.95, &w, &err),
			 MNR_EDOMAIN);
	assert_string_equal(err.msg,
			    "both sides are constant: the standard error is "
			    "zero");
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_welch(a, 3, b, 1, 0.95, &w, &err),
			 MNR_EDOMAIN);
	assert_string_equal(err.msg,
			    "Welch's t needs at least 2 values on each side");
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_welch(a, 3, c, 2, 0.95, &w, &err),
			 MNR_EDATA);
	assert_string_equal(err.msg, "post-period value 2 is not finite");
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_welch(a, 3, b, 2, 0.0, &w, &err),
			 MNR_EINVAL);
}

static void test_rate_ratio_errors(void **state)
{
	struct mnr_rate_ratio rr;
	struct mnr_error err;

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_rate_ratio(0, 12, 0, 12, 0.95, &rr, &err),
			 MNR_EDOMAIN);
	assert_string_equal(err.msg, "no events before or after: the rate "
				     "ratio is undefined");
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_rate_ratio(2.5, 12, 3, 12, 0.95, &rr,
						&err), MNR_EDATA);
	assert_string_equal(err.msg, "event counts must be non-negative whole "
				     "numbers");
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_rate_ratio(-1, 12, 3, 12, 0.95, &rr,
						&err), MNR_EDATA);
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_rate_ratio(1, 0, 3, 12, 0.95, &rr, &err),
			 MNR_EDATA);
	assert_string_equal(err.msg, "exposures must be finite and positive");
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_rate_ratio(1, 1, 3, 12, 1.5, &rr, &err),
			 MNR_EINVAL);
}

static void test_prop_errors(void **state)
{
	struct mnr_prop_diff pd;
	struct mnr_error err;
	double lo, hi;

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_prop_diff(5, 4, 1, 2, 0.95, &pd, &err),
			 MNR_EDATA);
	assert_string_equal(err.msg, "a share needs 0 <= successes <= trials "
				     "and trials > 0");
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_prop_diff(0, 0, 1, 2, 0.95, &pd, &err),
			 MNR_EDATA);
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_wilson(1, 2, 0.95, NULL, &hi, &err),
			 MNR_EINVAL);
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_wilson(1, 2, -0.1, &lo, &hi, &err),
			 MNR_EINVAL);
}


/* mnr_compare_series on a monthly series with gaps against R's glm. */
static void test_series_reference(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(series_refs) / sizeof(series_refs[0]); i++) {
		const struct series_ref *r = &series_refs[i];
		struct mnr_compare_options opt = { S_INTERV, MNR_COMPARE_AUTO,
						   r->level, 0, 0 };
		struct mnr_compare_result res;
		struct mnr_error err;

		mnr_error_clear(&err);
		print_message("series case %zu\n", i);
		assert_int_equal(mnr_compare_series(s_y, r->offset > 0 ? s_pop
								      : NULL,
						    NULL, NULL, S_N, S_FIRST,
						    &opt, &res, &err), MNR_OK);
		assert_int_equal(res.kind, MNR_COMPARE_COUNT);
		assert_int_equal(res.per_population, r->offset > 0);
		assert_int_equal(res.n_missing_pre, (size_t)r->miss_pre);
		assert_int_equal(res.n_missing_post, (size_t)r->miss_post);
		assert_true(res.warnings & MNR_COMPARE_WARN_MISSING);
		assert_true(res.has_welch && res.has_rate && !res.has_prop);
		assert_rel(res.welch.diff, r->diff, 1e-12);
		assert_rel(res.welch.ci_low, r->welch_lo, REL);
		assert_rel(res.welch.ci_high, r->welch_hi, REL);
		assert_rel(res.rate.ratio, r->ratio, REL);
		assert_rel(res.rate.log_se, r->log_se, REL);
		assert_rel(res.rate.wald_low, r->wald_lo, REL);
		assert_rel(res.rate.wald_high, r->wald_hi, REL);
		assert_p(res.rate.wald_p, r->wald_p);
		assert_rel(res.rate.exact_low, r->exact_lo, REL);
		assert_rel(res.rate.exact_high, r->exact_hi, REL);
		assert_p(res.rate.exact_p, r->exact_p);
		assert_rel(res.dispersion, r->dispersion, REL);
		assert_rel(res.quasi_se, r->quasi_se, REL);
		assert_rel(res.quasi_low, r->quasi_lo, REL);
		assert_rel(res.quasi_high, r->quasi_hi, REL);
		assert_p(res.quasi_p, r->quasi_p);
	}
}

/* Shares given as counts of successes out of a denominator series. */
static void test_series_share_reference(void **state)
{
	struct mnr_compare_options opt = { S_INTERV, MNR_COMPARE_AUTO, 0.95,
					   1, 0 };
	struct mnr_compare_result res;
	struct mnr_error err;

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_series(s_num, NULL, s_den, NULL, S_N,
					    S_FIRST, &opt, &res, &err),
			 MNR_OK);
	assert_int_equal(res.kind, MNR_COMPARE_SHARE);
	assert_true(res.has_prop && res.has_welch && !res.has_rate);
	assert_rel(res.prop.p_post, share_ref[0], 1e-12);
	assert_rel(res.prop.p_pre, share_ref[1], 1e-12);
	assert_rel(res.prop.ci_low, share_ref[2], REL);
	assert_rel(res.prop.ci_high, share_ref[3], REL);
	assert_rel(res.welch.diff, share_ref[4], 1e-12);
	assert_rel(res.welch.ci_low, share_ref[5], REL);
	assert_rel(res.welch.ci_high, share_ref[6], REL);
	assert_int_equal(res.n_missing_pre, (size_t)share_ref[7]);
	assert_int_equal(res.n_missing_post, (size_t)share_ref[8]);
	assert_string_equal(mnr_compare_kind_name(res.kind), "share");
	assert_false(res.warnings & MNR_COMPARE_WARN_NOISE_SHARE);
	/* Released successes: Newcombe cannot carry the noise; it says so. */
	{
		double nv[S_N];
		size_t i;

		for (i = 0; i < S_N; i++)
			nv[i] = 2.0;
		assert_int_equal(mnr_compare_series(s_num, NULL, s_den, nv,
						    S_N, S_FIRST, &opt, &res,
						    &err), MNR_OK);
		assert_true(res.warnings & MNR_COMPARE_WARN_NOISE_SHARE);
		assert_rel(res.prop.ci_low, share_ref[2], REL);
	}
}

/* Design refusals, warnings and data errors of mnr_compare_series. */
static void test_series_design(void **state)
{
	/* Months 0..9, intervention at month 2: only 2 months before. */
	const double y[10] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	const double gap[10] = { 3, NAN, 4, 5, 6, 7, NAN, NAN, 9, 10 };
	const double zeros[8] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	const double frac[8] = { 1.5, 2, 3, 4, 5, 6, 7, 8 };
	const double noise[10] = { 4, 4, 4, 4, 4, 4, 4, 4, 4, 4 };
	struct mnr_compare_options opt = { 2, MNR_COMPARE_AUTO, 0.95, 0, 0 };
	struct mnr_compare_result res;
	struct mnr_error err;

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_series(y, NULL, NULL, NULL, 10, 0, &opt,
					    &res, &err), MNR_EDOMAIN);
	assert_string_equal(err.msg, "2 months with a value before the "
				     "intervention; at least 3 are needed");
	assert_string_equal(err.rule, "too-few-months");
	/* A missing month is missing, not zero: 3 before with 1 gap is 2. */
	opt.intervention = 3;
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_series(gap, NULL, NULL, NULL, 10, 0, &opt,
					    &res, &err), MNR_EDOMAIN);
	assert_int_equal(res.n_pre, 2);
	assert_int_equal(res.n_missing_pre, 1);
	/* After it: intervention 7 leaves 1 month with a value after. */
	opt.intervention = 7;
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_series(gap, NULL, NULL, NULL, 10, 0, &opt,
					    &res, &err), MNR_EDOMAIN);
	assert_string_equal(err.msg, "2 months with a value from the "
				     "intervention; at least 3 are needed");
	/* Enough but short: warned. */
	opt.intervention = 4;
	assert_int_equal(mnr_compare_series(y, NULL, NULL, NULL, 10, 0, &opt,
					    &res, NULL), MNR_OK);
	assert_true(res.warnings & MNR_COMPARE_WARN_SHORT);
	assert_false(res.warnings & MNR_COMPARE_WARN_MISSING);
	assert_int_equal(res.n_pre, 4);
	assert_int_equal(res.n_post, 6);
	/* Noise widens the Wald interval, not the exact one. */
	{
		struct mnr_compare_result noisy;

		assert_int_equal(mnr_compare_series(y, NULL, NULL, noise, 10, 0,
						    &opt, &noisy, NULL),
				 MNR_OK);
		assert_true(noisy.warnings & MNR_COMPARE_WARN_NOISE);
		assert_rel(noisy.noise_var_pre, 16.0, 0.0);
		assert_rel(noisy.rate.exact_low, res.rate.exact_low, 0.0);
		assert_rel(noisy.rate.log_se,
			   sqrt((57.0 + 24.0) / (57.0 * 57.0) +
				(18.0 + 16.0) / (18.0 * 18.0)), 1e-14);
		/*
		 * Quasi-Poisson net of the noise: sides 3..6 (x0 = 18, mean
		 * 4.5) and 7..12 (x1 = 57, mean 9.5), squared deviations 5
		 * and 17.5; noise 4 a month exceeds them, phi floors at 0
		 * and only the noise remains in the interval.
		 */
		assert_true(noisy.dispersion == 0.0);
		assert_rel(noisy.quasi_se,
			   sqrt(16.0 / (18.0 * 18.0) + 24.0 / (57.0 * 57.0)),
			   1e-14);
	}
	/* Noise of variance 1: phi = ((5 - 4)/4.5 + (17.5 - 6)/9.5) / 8. */
	{
		const double one[10] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
		struct mnr_compare_result noisy;
		double phi = (1.0 / 4.5 + 11.5 / 9.5) / 8.0;

		assert_int_equal(mnr_compare_series(y, NULL, NULL, one, 10, 0,
						    &opt, &noisy, NULL),
				 MNR_OK);
		assert_rel(noisy.dispersion, phi, 1e-12);
		assert_rel(noisy.quasi_se,
			   sqrt(phi * (1.0 / 18.0 + 1.0 / 57.0) +
				4.0 / (18.0 * 18.0) + 6.0 / (57.0 * 57.0)),
			   1e-12);
		/* Ignored on request: the plain Wald and Pearson values. */
		opt.noise_ignore = 1;
		assert_int_equal(mnr_compare_series(y, NULL, NULL, one, 10, 0,
						    &opt, &noisy, NULL),
				 MNR_OK);
		opt.noise_ignore = 0;
		assert_true(noisy.warnings & MNR_COMPARE_WARN_NOISE_IGNORED);
		assert_false(noisy.warnings & MNR_COMPARE_WARN_NOISE);
		assert_rel(noisy.rate.log_se, res.rate.log_se, 1e-14);
		assert_rel(noisy.dispersion, res.dispersion, 1e-14);
		assert_rel(noisy.quasi_se, res.quasi_se, 1e-14);
	}
	/*
	 * A released count may be negative: with its noise variance it is
	 * still a count (sums 1 - 2 + 3 + 4 = 6 and 57); without, refused.
	 */
	{
		const double neg[10] = { 1, -2, 3, 4, 7, 8, 9, 10, 11, 12 };
		struct mnr_compare_result noisy;

		assert_int_equal(mnr_compare_series(neg, NULL, NULL, noise, 10,
						    0, &opt, &noisy, NULL),
				 MNR_OK);
		assert_int_equal(noisy.kind, MNR_COMPARE_COUNT);
		assert_true(noisy.has_rate);
		assert_rel(noisy.rate.ratio, (57.0 / 6.0) / (6.0 / 4.0),
			   1e-14);
		assert_string_equal(mnr_compare_warning_text(
				    MNR_COMPARE_WARN_NOISE_IGNORED) + 0,
				    "privacy noise IGNORED on request: the "
				    "intervals treat the released counts as "
				    "exact and are too narrow");
		opt.kind = MNR_COMPARE_COUNT;
		assert_int_equal(mnr_compare_series(neg, NULL, NULL, NULL, 10,
						    0, &opt, &noisy, NULL),
				 MNR_EDATA);
		opt.kind = MNR_COMPARE_AUTO;
	}
	/* All zero: warned, no rate ratio; Welch undefined (constant). */
	opt.intervention = 4;
	assert_int_equal(mnr_compare_series(zeros, NULL, NULL, NULL, 8, 0,
					    &opt, &res, NULL), MNR_OK);
	assert_true(res.warnings & MNR_COMPARE_WARN_ALL_ZERO);
	assert_true(res.warnings & MNR_COMPARE_WARN_NO_EVENTS);
	assert_true(res.warnings & MNR_COMPARE_WARN_CONSTANT);
	assert_false(res.has_rate);
	assert_false(res.has_welch);
	/* Fractional values are a level under auto, an error as counts. */
	assert_int_equal(mnr_compare_series(frac, NULL, NULL, NULL, 8, 0, &opt,
					    &res, NULL), MNR_OK);
	assert_int_equal(res.kind, MNR_COMPARE_LEVEL);
	assert_false(res.has_rate);
	opt.kind = MNR_COMPARE_COUNT;
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_series(frac, NULL, NULL, NULL, 8, 0, &opt,
					    &res, &err), MNR_EDATA);
	assert_string_equal(err.msg, "a count series must hold non-negative "
				     "whole numbers");
	opt.kind = MNR_COMPARE_SHARE;
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_series(frac, NULL, NULL, NULL, 8, 0, &opt,
					    &res, &err), MNR_EINVAL);
	/* Successes above the denominator. */
	opt.kind = MNR_COMPARE_AUTO;
	opt.numerator_is_count = 1;
	mnr_error_clear(&err);
	assert_int_equal(mnr_compare_series(y, NULL, frac, NULL, 8, 0, &opt,
					    &res, &err), MNR_EDATA);
	assert_string_equal(err.msg, "month 1 of the series: successes must "
				     "lie between 0 and the denominator");
	assert_string_equal(mnr_compare_warning_text(
				    MNR_COMPARE_WARN_MISSING),
			    "some months have no value; they are left out, "
			    "not counted as zero");
	assert_string_equal(mnr_compare_warning_text(1u << 30), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_describe_welch_reference),
		cmocka_unit_test(test_rate_ratio_reference),
		cmocka_unit_test(test_prop_diff_reference),
		cmocka_unit_test(test_describe_errors),
		cmocka_unit_test(test_welch_errors),
		cmocka_unit_test(test_rate_ratio_errors),
		cmocka_unit_test(test_prop_errors),
		cmocka_unit_test(test_series_reference),
		cmocka_unit_test(test_series_share_reference),
		cmocka_unit_test(test_series_design),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
