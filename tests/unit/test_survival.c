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
#include "mnrstat/fields.h"
#include "mnrstat/removal.h"
#include "../reference/survival/survival_ref.h"
#include "../reference/survival/removal_example_ref.h"

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


static void check_tab(const struct mnr_surv_tab *t, size_t n,
		      const double *time, const double *ev, const double *ce)
{
	size_t i;

	assert_int_equal(t->n, n);
	for (i = 0; i < n; i++) {
		assert_rel(t->time[i], time[i], 1e-15);
		assert_rel(t->n_event[i], ev[i], 0.0);
		assert_rel(t->n_censor[i], ce[i], 0.0);
	}
}

/*
 * Hand-checked case file: offsets normalised to UTC before the month split
 * (a2 is 2020-12 locally but 2021-01 in UTC), the as-of from the latest date
 * of any kind in any row (a6's closed_at), censoring at the as-of.
 */
static void test_removal_read_small(void **state)
{
	const char *path = MNR_SOURCE_DIR "/tests/reference/survival/"
			   "cases_small.csv";
	struct mnr_removal_options opt = { "ISL", 2021 * 12, 0, 0, 0, NULL };
	struct mnr_removal_data d;
	struct mnr_error err;

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_removal_read(path, &opt, &d, &err), MNR_OK);
	assert_int_equal(d.rows, 7);
	assert_int_equal(d.country_rows, 6);
	assert_int_equal(d.as_of, 1610236800); /* 2021-01-10T00:00:00Z */
	{
		const double t0[] = { 6, 24 }, e0[] = { 1, 1 }, c0[] = { 0, 0 };
		const double t1[] = { 2, 12, 120, 192 }, e1[] = { 1, 1, 1, 0 },
			     c1[] = { 0, 0, 0, 1 };

		check_tab(&d.group[0], 2, t0, e0, c0);
		check_tab(&d.group[1], 4, t1, e1, c1);
	}
	mnr_removal_data_release(&d);

	/* A source filter (all three here) and an explicit as-of. */
	opt.sources = (1u << MNR_SRC_HOTLINE) | (1u << MNR_SRC_INDUSTRY) |
		      (1u << MNR_SRC_POLICE);
	opt.has_as_of = 1;
	opt.as_of = 1609653600; /* 2021-01-03T06:00:00Z */
	assert_int_equal(mnr_removal_read(path, &opt, &d, &err), MNR_OK);
	assert_int_equal(d.after_as_of, 1);          /* a7 */
	assert_int_equal(d.removed_after_as_of, 1);  /* a4 */
	assert_int_equal(d.other_source, 0);
	{
		const double t1[] = { 2, 6, 30 }, e1[] = { 1, 0, 0 },
			     c1[] = { 0, 1, 1 };

		check_tab(&d.group[1], 3, t1, e1, c1);
	}
	mnr_removal_data_release(&d);
	opt.sources = 1u << MNR_SRC_HOTLINE;
	opt.has_as_of = 0;
	assert_int_equal(mnr_removal_read(path, &opt, &d, &err), MNR_OK);
	assert_int_equal(d.other_source, 2);
	assert_int_equal(d.group[1].n, 2);
	mnr_removal_data_release(&d);
}

static void test_removal_read_errors(void **state)
{
	struct mnr_removal_options opt = { "ISL", 2021 * 12, 0, 0, 0, NULL };
	struct mnr_removal_data d;
	struct mnr_error err;

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_removal_read(MNR_SOURCE_DIR "/tests/reference/"
					  "survival/cases_bad.csv", &opt, &d,
					  &err), MNR_EDATA);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.rule, "removed-before-report");
	assert_int_equal(d.group[0].n, 0);
	assert_null(d.group[0].time);
	mnr_error_clear(&err);
	assert_int_equal(mnr_removal_read(MNR_SOURCE_DIR "/no/such/file.csv",
					  &opt, &d, &err), MNR_ENOINPUT);
	opt.country = NULL;
	mnr_error_clear(&err);
	assert_int_equal(mnr_removal_read("x", &opt, &d, &err), MNR_EINVAL);
}

/* The whole analysis on the bundled example data against R. */
static void test_removal_example_reference(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(removal_example_refs) /
			    sizeof(removal_example_refs[0]); i++) {
		const struct removal_example_ref *r = &removal_example_refs[i];
		struct mnr_removal_options opt;
		struct mnr_removal_data d;
		struct mnr_removal_result res;
		struct mnr_surv_data g0, g1;
		struct mnr_error err;
		enum mnr_surv_ci ci;
		int k;

		print_message("example %s\n", r->country);
		memset(&opt, 0, sizeof(opt));
		opt.country = r->country;
		opt.intervention = r->intervention;
		opt.sources = r->sources;
		if (r->as_of_offset != 0.0) {
			opt.has_as_of = 1;
			opt.as_of = (int64_t)(removal_example_latest +
					      r->as_of_offset);
		}
		assert_int_equal(mnr_surv_ci_parse(r->ci, &ci), 0);
		mnr_error_clear(&err);
		assert_int_equal(mnr_removal_read(MNR_SOURCE_DIR
						  "/datasets/example/cases.csv",
						  &opt, &d, &err), MNR_OK);
		if (!opt.has_as_of)
			assert_rel((double)d.as_of, removal_example_latest, 0.0);
		g0 = mnr_surv_tab_data(&d.group[0]);
		g1 = mnr_surv_tab_data(&d.group[1]);
		assert_int_equal(mnr_removal_analyse(&g0, &g1, ci, 0.95,
						     r->horizon, &res, NULL,
						     &err), MNR_OK);
		for (k = 0; k < 2; k++) {
			const struct mnr_removal_group *g = &res.group[k];

			assert_rel(g->n, r->n[k], 0.0);
			assert_rel(g->events, r->events[k], 0.0);
			assert_rel(g->median.median, r->median[k], REL);
			assert_rel(g->median.lower, r->med_lo[k], REL);
			assert_rel(g->median.upper, r->med_hi[k], REL);
			assert_rel(g->rmst.rmst, r->rmst[k], REL);
			assert_rel(g->rmst.se, r->rmst_se[k], REL);
			assert_rel(g->within[0].surv, r->s24[k], REL);
			assert_rel(g->within[0].lower, r->s24_lo[k], REL);
			assert_rel(g->within[0].upper, r->s24_hi[k], REL);
			assert_rel(g->within[1].surv, r->s72[k], REL);
			assert_rel(g->within[1].lower, r->s72_lo[k], REL);
			assert_rel(g->within[1].upper, r->s72_hi[k], REL);
		}
		assert_true(res.has_logrank);
		assert_rel(res.logrank.chisq, r->chisq, REL);
		assert_rel(res.logrank.p_value, r->p, REL);
		mnr_removal_data_release(&d);
	}
}

/* Empty groups are refused with the reason; undefined log-rank is a warning. */
static void test_removal_analyse_edges(void **state)
{
	const double t[] = { 1.0, 2.0 }, ev[] = { 1.0, 1.0 },
		     ce[] = { 0.0, 1.0 }, zero[] = { 0.0, 0.0 };
	struct mnr_surv_data g = ref_data(t, ev, ce, 2),
			     empty = ref_data(t, zero, zero, 0),
			     cens = ref_data(t, zero, ce, 2);
	struct mnr_removal_result res;
	struct mnr_surv_km km[2];
	struct mnr_error err;

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_removal_analyse(&empty, &g, MNR_SURV_CI_LOG_LOG,
					     0.95, 168, &res, NULL, &err),
			 MNR_EDOMAIN);
	assert_string_equal(err.msg, "no reports before the intervention");
	assert_string_equal(err.rule, "empty-group");
	mnr_error_clear(&err);
	assert_int_equal(mnr_removal_analyse(&g, &empty, MNR_SURV_CI_LOG_LOG,
					     0.95, 168, &res, NULL, &err),
			 MNR_EDOMAIN);
	assert_string_equal(err.msg,
			    "no reports from the intervention month on");
	mnr_error_clear(&err);
	assert_int_equal(mnr_removal_analyse(&g, &g, MNR_SURV_CI_LOG_LOG,
					     0.95, 0.0, &res, NULL, &err),
			 MNR_EINVAL);
	/* All censored on both sides: no median, no log-rank; km returned. */
	assert_int_equal(mnr_removal_analyse(&cens, &cens, MNR_SURV_CI_LOG,
					     0.95, 168, &res, km, NULL),
			 MNR_OK);
	assert_false(res.has_logrank);
	assert_true(res.warnings & MNR_REMOVAL_WARN_NO_LOGRANK);
	assert_true(res.warnings & MNR_REMOVAL_WARN_MEDIAN_PRE);
	assert_true(res.warnings & MNR_REMOVAL_WARN_MEDIAN_POST);
	assert_true(res.warnings & MNR_REMOVAL_WARN_HORIZON);
	assert_true(res.warnings & MNR_REMOVAL_WARN_WITHIN);
	assert_true(res.warnings & MNR_REMOVAL_WARN_FEW_EVENTS);
	assert_true(isnan(res.group[0].median.median));
	assert_rel(res.group[0].within[0].surv, 1.0, 0.0);
	assert_int_equal(km[0].n, 1); /* the row with no counts is dropped */
	assert_rel(km[1].surv[0], 1.0, 0.0);
	mnr_surv_km_free(&km[0]);
	mnr_surv_km_free(&km[1]);
	assert_string_equal(mnr_removal_warning_text(
				    MNR_REMOVAL_WARN_FEW_EVENTS),
			    "fewer than 10 removals in a group: the estimates "
			    "are imprecise");
}


/*
 * The example data's built-in effect (datasets/example/README.md): every
 * removal-time quantile is multiplied by 0.6 from the adoption month, and
 * not at all for never-adopters.  The ratio of Kaplan-Meier medians over
 * hotline and industry reports must agree with it within 2.5 standard
 * errors (log scale, each median's SE read off its log-log interval).
 */
static void test_removal_recovers_example_effect(void **state)
{
	static const struct {
		const char *country;
		int year, month;
		double ratio;
	} truth[] = {
		{ "GBR", 2015, 6, 0.6 }, { "KEN", 2016, 9, 0.6 },
		{ "ALB", 2017, 11, 0.6 }, { "PHL", 2018, 7, 0.6 },
		{ "NAM", 2019, 10, 0.6 }, { "ISL", 2021, 1, 0.6 },
		{ "BRA", 2018, 6, 1.0 }, { "POL", 2018, 6, 1.0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(truth) / sizeof(truth[0]); i++) {
		struct mnr_removal_options opt;
		struct mnr_removal_data d;
		struct mnr_removal_result res;
		struct mnr_surv_data g0, g1;
		const struct mnr_surv_median *m0, *m1;
		double se0, se1, z;

		memset(&opt, 0, sizeof(opt));
		opt.country = truth[i].country;
		opt.intervention = truth[i].year * 12 + truth[i].month - 1;
		opt.sources = (1u << MNR_SRC_HOTLINE) |
			      (1u << MNR_SRC_INDUSTRY);
		assert_int_equal(mnr_removal_read(MNR_SOURCE_DIR
						  "/datasets/example/cases.csv",
						  &opt, &d, NULL), MNR_OK);
		g0 = mnr_surv_tab_data(&d.group[0]);
		g1 = mnr_surv_tab_data(&d.group[1]);
		assert_int_equal(mnr_removal_analyse(&g0, &g1,
						     MNR_SURV_CI_LOG_LOG, 0.95,
						     168, &res, NULL, NULL),
				 MNR_OK);
		m0 = &res.group[0].median;
		m1 = &res.group[1].median;
		se0 = (log(m0->upper) - log(m0->lower)) / (2 * 1.959964);
		se1 = (log(m1->upper) - log(m1->lower)) / (2 * 1.959964);
		z = (log(m1->median / m0->median) - log(truth[i].ratio)) /
		    sqrt(se0 * se0 + se1 * se1);
		print_message("%s median ratio %.3f (truth %.1f), z = %.2f\n",
			      truth[i].country, m1->median / m0->median,
			      truth[i].ratio, z);
		assert_true(fabs(z) < 2.5);
		mnr_removal_data_release(&d);
	}
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
		cmocka_unit_test(test_removal_read_small),
		cmocka_unit_test(test_removal_read_errors),
		cmocka_unit_test(test_removal_example_reference),
		cmocka_unit_test(test_removal_analyse_edges),
		cmocka_unit_test(test_removal_recovers_example_effect),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
