/*
 * Unit tests for the survival module: Kaplan-Meier, median with interval,
 * RMST, S(t), log-rank, against R's survival package (the expected values
 * come from tests/reference/survival/make_reference.R), plus the error paths.
 */
#include "test_util.h"

#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "mnrstat/alloc.h"
#include "mnrstat/survival.h"
#include "../reference/survival/survival_ref.h"

#define REL 1e-6

static int group_setup(void **state)
{
	(void)state;
	gsl_set_error_handler_off();
	return 0;
}

static struct mnr_surv_data ref_data(const double *t, const double *e,
				     const double *c, size_t n)
{
	struct mnr_surv_data d;

	d.time = t;
	d.n_event = e;
	d.n_censor = c;
	d.n = n;
	return d;
}

static void check_km_case(const struct km_ref *r)
{
	struct mnr_surv_data d = ref_data(r->in_time, r->in_event,
					  r->in_censor, r->in_n);
	struct mnr_surv_km km;
	struct mnr_surv_median med;
	struct mnr_error err;
	size_t i;

	mnr_error_clear(&err);
	print_message("case %s\n", r->name);
	assert_int_equal(mnr_surv_km_fit(&d, (enum mnr_surv_ci)r->ci,
					 r->level, &km, &err), MNR_OK);
	assert_int_equal(km.n, r->n);
	for (i = 0; i < r->n; i++) {
		assert_rel(km.time[i], r->time[i], REL);
		assert_rel(km.n_risk[i], r->risk[i], REL);
		assert_rel(km.n_event[i], r->event[i], REL);
		assert_rel(km.n_censor[i], r->censor[i], REL);
		assert_rel(km.surv[i], r->surv[i], REL);
		assert_rel(km.se_log[i], r->selog[i], REL);
		if (km.surv[i] == 1.0) {
			/* Documented: [1, 1] where R's log-log has NA. */
			assert_rel(km.lower[i], 1.0, 0.0);
			assert_rel(km.upper[i], 1.0, 0.0);
		} else {
			assert_rel(km.lower[i], r->lower[i], REL);
			assert_rel(km.upper[i], r->upper[i], REL);
		}
	}
	mnr_surv_km_median(&km, &med);
	assert_rel(med.median, r->median, REL);
	assert_rel(med.lower, r->median_lower, REL);
	assert_rel(med.upper, r->median_upper, REL);
	for (i = 0; i < r->n_tau; i++) {
		struct mnr_surv_rmst rm;
		double z = gsl_cdf_ugaussian_Pinv(0.5 + r->level / 2.0);

		assert_int_equal(mnr_surv_km_rmst(&km, r->tau[i], &rm, &err),
				 MNR_OK);
		assert_rel(rm.rmst, r->rmean[i], REL);
		assert_rel(rm.se, r->rmean_se[i], REL);
		assert_rel(rm.lower, r->rmean[i] - z * r->rmean_se[i], REL);
		assert_rel(rm.upper, r->rmean[i] + z * r->rmean_se[i], REL);
		assert_int_equal(rm.beyond, r->tau[i] > km.time[km.n - 1] &&
						    km.surv[km.n - 1] > 0.0);
	}
	for (i = 0; i < r->n_at; i++) {
		struct mnr_surv_at at;

		assert_int_equal(mnr_surv_km_at(&km, r->at[i], &at, &err),
				 MNR_OK);
		assert_rel(at.surv, r->at_surv[i], REL);
		assert_rel(at.std_err, r->at_se[i], REL);
		assert_rel(at.lower, r->at_lower[i], REL);
		assert_rel(at.upper, r->at_upper[i], REL);
		assert_rel(at.n_risk, r->at_risk[i], REL);
	}
	mnr_surv_km_free(&km);
	assert_null(km.time);
}

static void test_km_reference(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(km_refs) / sizeof(km_refs[0]); i++)
		check_km_case(&km_refs[i]);
}

static void test_logrank_reference(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(logrank_refs) / sizeof(logrank_refs[0]); i++) {
		const struct logrank_ref *r = &logrank_refs[i];
		struct mnr_surv_data g0 = ref_data(r->t0, r->e0, r->c0, r->n0);
		struct mnr_surv_data g1 = ref_data(r->t1, r->e1, r->c1, r->n1);
		struct mnr_surv_logrank lr;
		struct mnr_error err;
		int k;

		mnr_error_clear(&err);
		print_message("case %s\n", r->name);
		assert_int_equal(mnr_surv_logrank(&g0, &g1, &lr, &err), MNR_OK);
		for (k = 0; k < 2; k++) {
			assert_rel(lr.n[k], r->n[k], REL);
			assert_rel(lr.observed[k], r->obs[k], REL);
			assert_rel(lr.expected[k], r->exp[k], REL);
		}
		assert_rel(lr.variance, r->var, REL);
		assert_rel(lr.chisq, r->chisq, REL);
		assert_rel(lr.p_value, r->p, REL);
		assert_int_equal(lr.df, 1);
	}
}

/* Raw arrays sort and tabulate to the table R's survfit sees. */
static void test_tabulate_raw(void **state)
{
	struct mnr_surv_tab tab;
	struct mnr_error err;
	size_t i, n = sizeof(raw_hourly_pre_time) / sizeof(double);

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_surv_tabulate(raw_hourly_pre_time,
					   raw_hourly_pre_event, n, &tab, &err),
			 MNR_OK);
	assert_int_equal(tab.n, sizeof(in_hourly_pre_time) / sizeof(double));
	for (i = 0; i < tab.n; i++) {
		assert_rel(tab.time[i], in_hourly_pre_time[i], 0.0);
		assert_rel(tab.n_event[i], in_hourly_pre_event[i], 0.0);
		assert_rel(tab.n_censor[i], in_hourly_pre_censor[i], 0.0);
	}
	mnr_surv_tab_free(&tab);
	assert_null(tab.time);

	n = sizeof(raw_aml_maint_time) / sizeof(double);
	assert_int_equal(mnr_surv_tabulate(raw_aml_maint_time,
					   raw_aml_maint_event, n, &tab, &err),
			 MNR_OK);
	{
		struct mnr_surv_data d = mnr_surv_tab_data(&tab);
		struct mnr_surv_km km;
		struct mnr_surv_median med;

		assert_int_equal(mnr_surv_km_fit(&d, MNR_SURV_CI_LOG_LOG, 0.95,
						 &km, &err), MNR_OK);
		mnr_surv_km_median(&km, &med);
		/* km_refs[0] is aml_maint, log-log, 0.95. */
		assert_string_equal(km_refs[0].name, "aml_maint/log-log/0.95");
		assert_rel(med.median, km_refs[0].median, REL);
		assert_rel(med.lower, km_refs[0].median_lower, REL);
		assert_rel(med.upper, km_refs[0].median_upper, REL);
		mnr_surv_km_free(&km);
	}
	mnr_surv_tab_free(&tab);

	/* Empty input: an empty table, which the fit then refuses. */
	assert_int_equal(mnr_surv_tabulate(NULL, NULL, 0, &tab, &err), MNR_OK);
	assert_int_equal(tab.n, 0);
	mnr_surv_tab_free(&tab);
}

static void test_tabulate_errors(void **state)
{
	const double t[] = { 3.0, -1.0, 2.0 }, tn[] = { 1.0, NAN };
	const int e[] = { 1, 0, 1 };
	struct mnr_surv_tab tab;
	struct mnr_error err;

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_surv_tabulate(t, e, 3, &tab, &err), MNR_EDATA);
	assert_string_equal(err.msg,
			    "removal time 2 is negative or not finite");
	assert_null(tab.time);
	mnr_error_clear(&err);
	assert_int_equal(mnr_surv_tabulate(tn, e, 2, &tab, &err), MNR_EDATA);
	mnr_error_clear(&err);
	assert_int_equal(mnr_surv_tabulate(NULL, e, 2, &tab, &err), MNR_EINVAL);
	mnr_error_clear(&err);
	assert_int_equal(mnr_surv_tabulate(t, e, 1, NULL, &err), MNR_EINVAL);
}

static void test_tabulate_nomem(void **state)
{
	const double t[] = { 3.0, 1.0, 2.0 };
	const int e[] = { 1, 0, 1 };
	struct mnr_surv_tab tab;
	struct mnr_error err;
	unsigned long k;

	(void)state;
	for (k = 1; k <= 2; k++) {
		mnr_error_clear(&err);
		mnr_alloc_fail_after(k);
		assert_int_equal(mnr_surv_tabulate(t, e, 3, &tab, &err),
				 MNR_ENOMEM);
		assert_null(tab.time);
	}
	mnr_alloc_fail_after(0);
}

static void test_km_errors(void **state)
{
	const double t[] = { 1.0, 2.0, 2.0 }, ev[] = { 1.0, 0.0, 1.0 },
		     ce[] = { 0.0, 1.0, -1.0 }, zero[] = { 0.0, 0.0, 0.0 };
	struct mnr_surv_data d = ref_data(t, ev, ce, 3);
	struct mnr_surv_km km;
	struct mnr_error err;

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_surv_km_fit(&d, MNR_SURV_CI_LOG, 0.95, &km, &err),
			 MNR_EDATA);
	assert_string_equal(err.msg,
			    "times are not strictly increasing at row 3");
	d.n = 2;
	d.n_censor = zero;
	mnr_error_clear(&err);
	assert_int_equal(mnr_surv_km_fit(&d, MNR_SURV_CI_LOG, 1.0, &km, &err),
			 MNR_EINVAL);
	mnr_error_clear(&err);
	assert_int_equal(mnr_surv_km_fit(&d, (enum mnr_surv_ci)7, 0.95, &km,
					 &err), MNR_EINVAL);
	/* Negative count. */
	{
		const double t2[] = { 1.0, 2.0, 4.0 };

		d = ref_data(t2, ev, ce, 3);
		mnr_error_clear(&err);
		assert_int_equal(mnr_surv_km_fit(&d, MNR_SURV_CI_LOG, 0.95,
						 &km, &err), MNR_EDATA);
		assert_string_equal(err.msg,
				    "count at row 3 is negative or not finite");
		/* Empty group: no rows, or rows whose counts are all 0. */
		d = ref_data(t2, zero, zero, 3);
		mnr_error_clear(&err);
		assert_int_equal(mnr_surv_km_fit(&d, MNR_SURV_CI_LOG, 0.95,
						 &km, &err), MNR_EDOMAIN);
		assert_string_equal(err.msg, "group has no observations");
		d.n = 0;
		mnr_error_clear(&err);
		assert_int_equal(mnr_surv_km_fit(&d, MNR_SURV_CI_LOG, 0.95,
						 &km, &err), MNR_EDOMAIN);
		assert_null(km.time);
		/* Allocation failure leaves an empty curve. */
		d = ref_data(t2, ev, zero, 3);
		mnr_error_clear(&err);
		mnr_alloc_fail_after(1);
		assert_int_equal(mnr_surv_km_fit(&d, MNR_SURV_CI_LOG, 0.95,
						 &km, &err), MNR_ENOMEM);
		mnr_alloc_fail_after(0);
		assert_null(km.time);
	}
}

/* Zero-count rows (empty histogram bins) change nothing but the rows. */
static void test_km_empty_bins(void **state)
{
	const double t[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	const double ev[] = { 2, 0, 2, 0, 1, 0, 0, 3, 0 };
	const double ce[] = { 1, 0, 0, 0, 1, 0, 0, 1, 0 };
	const double t2[] = { 1, 3, 5, 8 }, ev2[] = { 2, 2, 1, 3 },
		     ce2[] = { 1, 0, 1, 1 };
	struct mnr_surv_data a = ref_data(t, ev, ce, 9),
			     b = ref_data(t2, ev2, ce2, 4);
	struct mnr_surv_km ka, kb;
	struct mnr_surv_median ma, mb;
	struct mnr_surv_rmst ra, rb;
	size_t i;

	(void)state;
	assert_int_equal(mnr_surv_km_fit(&a, MNR_SURV_CI_LOG_LOG, 0.95, &ka,
					 NULL), MNR_OK);
	assert_int_equal(mnr_surv_km_fit(&b, MNR_SURV_CI_LOG_LOG, 0.95, &kb,
					 NULL), MNR_OK);
	assert_int_equal(ka.n, 4);
	for (i = 0; i < 4; i++) {
		assert_rel(ka.surv[i], kb.surv[i], 0.0);
		assert_rel(ka.lower[i], kb.lower[i], 0.0);
	}
	mnr_surv_km_median(&ka, &ma);
	mnr_surv_km_median(&kb, &mb);
	assert_rel(ma.median, mb.median, 0.0);
	assert_int_equal(mnr_surv_km_rmst(&ka, 7.5, &ra, NULL), MNR_OK);
	assert_int_equal(mnr_surv_km_rmst(&kb, 7.5, &rb, NULL), MNR_OK);
	assert_rel(ra.rmst, rb.rmst, 1e-15);
	assert_rel(ra.se, rb.se, 1e-15);
	mnr_surv_km_free(&ka);
	mnr_surv_km_free(&kb);
}

static void test_at_rmst_errors(void **state)
{
	const double t[] = { 1.0, 2.0 }, ev[] = { 1.0, 1.0 },
		     ce[] = { 1.0, 0.0 };
	struct mnr_surv_data d = ref_data(t, ev, ce, 2);
	struct mnr_surv_km km;
	struct mnr_surv_at at;
	struct mnr_surv_rmst rm;
	struct mnr_error err;

	(void)state;
	assert_int_equal(mnr_surv_km_fit(&d, MNR_SURV_CI_PLAIN, 0.95, &km,
					 NULL), MNR_OK);
	mnr_error_clear(&err);
	assert_int_equal(mnr_surv_km_at(&km, -1.0, &at, &err), MNR_EINVAL);
	mnr_error_clear(&err);
	assert_int_equal(mnr_surv_km_rmst(&km, 0.0, &rm, &err), MNR_EINVAL);
	mnr_error_clear(&err);
	assert_int_equal(mnr_surv_km_rmst(&km, INFINITY, &rm, &err),
			 MNR_EINVAL);
	/* Before the first time: rmst = tau, se = 0 (R refuses). */
	assert_int_equal(mnr_surv_km_rmst(&km, 0.5, &rm, &err), MNR_OK);
	assert_rel(rm.rmst, 0.5, 0.0);
	assert_rel(rm.se, 0.0, 0.0);
	/* The curve reached 0: carrying it forward is exact, not "beyond". */
	assert_int_equal(mnr_surv_km_at(&km, 10.0, &at, &err), MNR_OK);
	assert_rel(at.surv, 0.0, 0.0);
	assert_int_equal(at.beyond, 0);
	assert_int_equal(mnr_surv_km_rmst(&km, 10.0, &rm, &err), MNR_OK);
	assert_int_equal(rm.beyond, 0);
	assert_rel(rm.rmst, 5.0 / 3.0, 1e-15); /* 1 x 1 + 1 x 2/3 + 8 x 0 */
	mnr_surv_km_free(&km);
}

static void test_logrank_errors(void **state)
{
	const double t[] = { 1.0, 2.0 }, ev[] = { 1.0, 1.0 },
		     ce[] = { 1.0, 0.0 }, zero[] = { 0.0, 0.0 };
	const double tl[] = { 5.0, 6.0 };
	struct mnr_surv_data g = ref_data(t, ev, ce, 2),
			     empty = ref_data(t, zero, zero, 2),
			     cens = ref_data(t, zero, ce, 2),
			     late = ref_data(tl, ev, zero, 2);
	struct mnr_surv_logrank lr;
	struct mnr_error err;

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_surv_logrank(&g, &empty, &lr, &err), MNR_EDOMAIN);
	assert_string_equal(err.msg, "second group has no observations");
	mnr_error_clear(&err);
	empty.n = 0;
	assert_int_equal(mnr_surv_logrank(&empty, &g, &lr, &err), MNR_EDOMAIN);
	assert_string_equal(err.msg, "first group has no observations");
	mnr_error_clear(&err);
	assert_int_equal(mnr_surv_logrank(&cens, &cens, &lr, &err),
			 MNR_EDOMAIN);
	assert_string_equal(err.msg, "no events in either group");
	/* g1 has left the risk set before g0's first event. */
	mnr_error_clear(&err);
	assert_int_equal(mnr_surv_logrank(&late, &cens, &lr, &err),
			 MNR_EDOMAIN);
	assert_string_equal(err.msg, "the groups are never at risk together "
				     "at an event time");
	mnr_error_clear(&err);
	assert_int_equal(mnr_surv_logrank(NULL, &g, &lr, &err), MNR_EINVAL);
}

static void test_ci_names(void **state)
{
	enum mnr_surv_ci ci;

	(void)state;
	assert_int_equal(mnr_surv_ci_parse("log-log", &ci), 0);
	assert_int_equal(ci, MNR_SURV_CI_LOG_LOG);
	assert_int_equal(mnr_surv_ci_parse("log", &ci), 0);
	assert_int_equal(ci, MNR_SURV_CI_LOG);
	assert_int_equal(mnr_surv_ci_parse("plain", &ci), 0);
	assert_int_equal(ci, MNR_SURV_CI_PLAIN);
	assert_int_equal(mnr_surv_ci_parse("loglog", &ci), -1);
	assert_string_equal(mnr_surv_ci_name(MNR_SURV_CI_LOG_LOG), "log-log");
	assert_string_equal(mnr_surv_ci_name(MNR_SURV_CI_PLAIN), "plain");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_km_reference),
		cmocka_unit_test(test_logrank_reference),
		cmocka_unit_test(test_tabulate_raw),
		cmocka_unit_test(test_tabulate_errors),
		cmocka_unit_test(test_tabulate_nomem),
		cmocka_unit_test(test_km_errors),
		cmocka_unit_test(test_km_empty_bins),
		cmocka_unit_test(test_at_rmst_errors),
		cmocka_unit_test(test_logrank_errors),
		cmocka_unit_test(test_ci_names),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
