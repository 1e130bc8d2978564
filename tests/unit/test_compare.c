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
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
