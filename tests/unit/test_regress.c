/*
 * Unit tests for the regression engine: NIST StRD Longley (certified
 * values), distribution helpers and diagnostics against R, error paths,
 * allocation failures.  The GLM, Newey-West and Prais-Winsten paths are
 * checked against R in test_its.c through the ITS layer.
 */
#include "test_util.h"

#include <string.h>

#include <gsl/gsl_errno.h>

#include "mnrstat/alloc.h"
#include "mnrstat/regress.h"

static int group_setup(void **state)
{
	(void)state;
	gsl_set_error_handler_off();
	return 0;
}

/* NIST StRD Longley: y, x1 .. x6 (x1 scaled by 10 here, divided below). */
static const double longley[16][7] = {
	{ 60323, 830, 234289, 2356, 1590, 107608, 1947 },
	{ 61122, 885, 259426, 2325, 1456, 108632, 1948 },
	{ 60171, 882, 258054, 3682, 1616, 109773, 1949 },
	{ 61187, 895, 284599, 3351, 1650, 110929, 1950 },
	{ 63221, 962, 328975, 2099, 3099, 112075, 1951 },
	{ 63639, 981, 346999, 1932, 3594, 113270, 1952 },
	{ 64989, 990, 365385, 1870, 3547, 115094, 1953 },
	{ 63761, 1000, 363112, 3578, 3350, 116219, 1954 },
	{ 66019, 1012, 397469, 2904, 3048, 117388, 1955 },
	{ 67857, 1046, 419180, 2822, 2857, 118734, 1956 },
	{ 68169, 1084, 442769, 2936, 2798, 120445, 1957 },
	{ 66513, 1108, 444546, 4681, 2637, 121950, 1958 },
	{ 68655, 1126, 482704, 3813, 2552, 123366, 1959 },
	{ 69564, 1142, 502601, 3931, 2514, 125368, 1960 },
	{ 69331, 1157, 518173, 4806, 2572, 127852, 1961 },
	{ 70551, 1169, 554894, 4007, 2827, 130081, 1962 },
};

/* Certified values (NIST StRD, Longley.dat). */
static const double longley_beta[7] = {
	-3482258.63459582, 15.0618722713733, -0.358191792925910E-01,
	-2.02022980381683, -1.03322686717359, -0.511041056535807E-01,
	1829.15146461355
};
static const double longley_sd[7] = {
	890420.383607373, 84.9149257747669, 0.334910077722432E-01,
	0.488399681651699, 0.214274163161675, 0.226073200069370,
	455.478499142212
};

static void longley_design(double *X, double *y)
{
	size_t i, j;

	for (i = 0; i < 16; i++) {
		y[i] = longley[i][0];
		X[i * 7] = 1.0;
		X[i * 7 + 1] = longley[i][1] / 10.0;
		for (j = 2; j < 7; j++)
			X[i * 7 + j] = longley[i][j];
	}
}

static void test_longley_certified(void **state)
{
	double X[16 * 7], y[16];
	struct mnr_regress_options o;
	struct mnr_regress_fit fit;
	struct mnr_error err;
	size_t j;

	(void)state;
	longley_design(X, y);
	mnr_regress_options_init(&o);
	mnr_error_clear(&err);
	assert_int_equal(mnr_regress_fit(X, 16, 7, y, NULL, NULL, &o, &fit,
					 &err), MNR_OK);
	for (j = 0; j < 7; j++) {
		assert_rel(fit.beta[j], longley_beta[j], 1e-8);
		assert_rel(sqrt(fit.vcov[j * 7 + j]), longley_sd[j], 1e-8);
	}
	assert_rel(sqrt(fit.dispersion), 304.854073561965, 1e-9);
	assert_rel(fit.df_resid, 9.0, 0.0);
	assert_true(isnan(fit.theta) && isnan(fit.rho));
	assert_int_equal(fit.nw_lag, -1);
	mnr_regress_fit_free(&fit);
	mnr_regress_fit_free(&fit); /* idempotent */
}

static void test_distribution_helpers(void **state)
{
	(void)state;
	/* R: qt(0.975, 10), qnorm(0.995), 2*pt(-2.5, 7), 2*pnorm(-3.1). */
	assert_rel(mnr_regress_crit(0.95, 10.0), 2.2281388519862739, 1e-12);
	assert_rel(mnr_regress_crit(0.99, INFINITY), 2.5758293035488999, 1e-12);
	assert_rel(mnr_regress_pvalue(-2.5, 7.0), 0.040992218585752874, 1e-10);
	assert_rel(mnr_regress_pvalue(3.1, INFINITY), 0.0019352064264367126,
		   1e-10);
	assert_true(isnan(mnr_regress_pvalue(NAN, 3.0)));
}

static void test_diagnostics_against_r(void **state)
{
	double r[30], X[60];
	struct mnr_regress_diag d;
	struct mnr_error err;
	size_t i;

	(void)state;
	for (i = 0; i < 30; i++) {
		double t = (double)(i + 1);

		r[i] = sin(t) + 0.1 * cos(3.0 * pow(t, 1.5));
		X[2 * i] = 1.0;
		X[2 * i + 1] = t;
	}
	mnr_error_clear(&err);
	assert_int_equal(mnr_regress_diagnostics(X, 30, 2, r, &d, &err), MNR_OK);
	/* R: see tests/reference/its/README.md (diagnostics check). */
	assert_rel(d.durbin_watson, 0.85239745995418181, 1e-12);
	assert_int_equal(d.lb_lag, 7);
	assert_rel(d.lb, 94.800977875638566, 1e-12);
	assert_true(d.lb_p < 1e-12);
	assert_rel(d.bg1, 9.1636427489901262, 1e-10);
	assert_rel(d.bg1_p, 0.0024687066118595767, 1e-9);
	assert_rel(d.bg12, 29.213150398119588, 1e-10);
	assert_rel(d.bg12_p, 0.0036626889224312055, 1e-9);
	/* Too short for order 12: NAN, not an error. */
	assert_int_equal(mnr_regress_diagnostics(X, 12, 2, r, &d, &err), MNR_OK);
	assert_true(isnan(d.bg12) && isnan(d.bg12_p));
	assert_false(isnan(d.bg1));
	assert_int_equal(mnr_regress_diagnostics(X, 2, 2, r, &d, &err),
			 MNR_EINVAL);
}

static void test_error_paths(void **state)
{
	double X[16 * 7], y[16], off[16], t[16];
	struct mnr_regress_options o;
	struct mnr_regress_fit fit;
	struct mnr_error err;
	size_t i;

	(void)state;
	longley_design(X, y);
	for (i = 0; i < 16; i++) {
		off[i] = 0.0;
		t[i] = (double)i;
	}
	mnr_regress_options_init(&o);
	mnr_error_clear(&err);
	assert_int_equal(mnr_regress_fit(X, 7, 7, y, NULL, NULL, &o, &fit,
					 &err), MNR_EINVAL);
	assert_null(fit.beta);
	mnr_error_clear(&err);
	assert_int_equal(mnr_regress_fit(X, 16, 7, y, off, NULL, &o, &fit,
					 &err), MNR_EINVAL);
	assert_string_equal(err.msg, "an offset applies to the count models only");
	o.family = MNR_REG_POISSON;
	o.errors = MNR_REG_PRAIS_WINSTEN;
	mnr_error_clear(&err);
	assert_int_equal(mnr_regress_fit(X, 16, 7, y, NULL, NULL, &o, &fit,
					 &err), MNR_EINVAL);
	o.errors = MNR_REG_CLASSIC;
	y[3] = -1.0;
	mnr_error_clear(&err);
	assert_int_equal(mnr_regress_fit(X, 16, 7, y, NULL, NULL, &o, &fit,
					 &err), MNR_EINVAL);
	y[3] = NAN;
	o.family = MNR_REG_GAUSSIAN;
	mnr_error_clear(&err);
	assert_int_equal(mnr_regress_fit(X, 16, 7, y, NULL, NULL, &o, &fit,
					 &err), MNR_EINVAL);
	longley_design(X, y);
	t[5] = t[4];
	mnr_error_clear(&err);
	assert_int_equal(mnr_regress_fit(X, 16, 7, y, NULL, t, &o, &fit,
					 &err), MNR_EINVAL);
	/* Column 4 (0-based 3) a copy of column 2 (0-based 1) times 2. */
	for (i = 0; i < 16; i++)
		X[i * 7 + 3] = 2.0 * X[i * 7 + 1];
	mnr_error_clear(&err);
	assert_int_equal(mnr_regress_fit(X, 16, 7, y, NULL, NULL, &o, &fit,
					 &err), MNR_EDOMAIN);
	assert_int_equal(fit.aliased, 3);
	assert_null(fit.beta);
}

/*
 * Released values (count + privacy noise, o.noisy) may be negative: the
 * Poisson estimating equations sum x (y - mu) = 0 still have a root.  With
 * an intercept and a group indicator the root is the group means: here
 * (2 - 1 + 0 + 3 + 1) / 5 = 1 and (4 + 2 - 2 + 5 + 3 + 6) / 6 = 3, so
 * beta = (log 1, log 3).  NB2 refuses them; so does poisson without noisy.
 */
static void test_noisy_negative_values(void **state)
{
	const double y[11] = { 2, -1, 0, 3, 1, 4, 2, -2, 5, 3, 6 };
	double X[11 * 2];
	struct mnr_regress_options o;
	struct mnr_regress_fit fit;
	struct mnr_error err;
	size_t i;

	(void)state;
	for (i = 0; i < 11; i++) {
		X[i * 2] = 1.0;
		X[i * 2 + 1] = i >= 5 ? 1.0 : 0.0;
	}
	mnr_regress_options_init(&o);
	o.family = MNR_REG_POISSON;
	mnr_error_clear(&err);
	assert_int_equal(mnr_regress_fit(X, 11, 2, y, NULL, NULL, &o, &fit,
					 &err), MNR_EINVAL);
	o.noisy = 1;
	mnr_error_clear(&err);
	assert_int_equal(mnr_regress_fit(X, 11, 2, y, NULL, NULL, &o, &fit,
					 &err), MNR_OK);
	assert_true(fabs(fit.beta[0]) < 1e-9);
	assert_rel(fit.beta[1], log(3.0), 1e-9);
	/* Poisson covariance at the group means: 1/(n_g mu_g). */
	assert_rel(fit.vcov[0], 1.0 / 5.0, 1e-8);
	assert_rel(fit.vcov[3], 1.0 / 5.0 + 1.0 / 18.0, 1e-8);
	mnr_regress_fit_free(&fit);
	o.family = MNR_REG_QUASIPOISSON;
	assert_int_equal(mnr_regress_fit(X, 11, 2, y, NULL, NULL, &o, &fit,
					 &err), MNR_OK);
	assert_rel(fit.beta[1], log(3.0), 1e-9);
	mnr_regress_fit_free(&fit);
	o.family = MNR_REG_NEGBIN;
	mnr_error_clear(&err);
	assert_int_equal(mnr_regress_fit(X, 11, 2, y, NULL, NULL, &o, &fit,
					 &err), MNR_EINVAL);
}

/* Consecutive time positions give the same fit as time = NULL. */
static void test_time_null_is_consecutive(void **state)
{
	double X[40 * 3], y[40], t[40];
	struct mnr_regress_options o;
	struct mnr_regress_fit a, b;
	struct mnr_error err;
	size_t i, j;
	int e;

	(void)state;
	for (i = 0; i < 40; i++) {
		X[i * 3] = 1.0;
		X[i * 3 + 1] = (double)i;
		X[i * 3 + 2] = i >= 20 ? 1.0 : 0.0;
		y[i] = 10.0 + 0.2 * (double)i + 3.0 * X[i * 3 + 2] +
		       sin(1.7 * (double)i) + 0.5 * sin(0.3 * (double)(i * i));
		t[i] = 100.0 + (double)i;
	}
	mnr_regress_options_init(&o);
	for (e = MNR_REG_NEWEY_WEST; e <= MNR_REG_PRAIS_WINSTEN; e++) {
		o.errors = e;
		mnr_error_clear(&err);
		assert_int_equal(mnr_regress_fit(X, 40, 3, y, NULL, NULL, &o,
						 &a, &err), MNR_OK);
		assert_int_equal(mnr_regress_fit(X, 40, 3, y, NULL, t, &o, &b,
						 &err), MNR_OK);
		for (j = 0; j < 9; j++)
			assert_rel(b.vcov[j], a.vcov[j], 1e-12);
		if (e == MNR_REG_NEWEY_WEST)
			assert_int_equal(a.nw_lag, 3); /* floor(4 (0.4)^(2/9)) */
		else
			assert_true(fabs(a.rho) < 1.0 && a.iterations > 1);
		mnr_regress_fit_free(&a);
		mnr_regress_fit_free(&b);
	}
}

/* Under-dispersed counts: NB2 theta runs to its cap, the fit equals Poisson. */
static void test_negbin_without_overdispersion(void **state)
{
	double X[24 * 2], y[24];
	struct mnr_regress_options o;
	struct mnr_regress_fit p, nb;
	struct mnr_error err;
	size_t i;

	(void)state;
	for (i = 0; i < 24; i++) {
		X[i * 2] = 1.0;
		X[i * 2 + 1] = (double)i / 24.0;
		y[i] = 20.0 + (double)(i % 3);
	}
	mnr_regress_options_init(&o);
	o.family = MNR_REG_POISSON;
	mnr_error_clear(&err);
	assert_int_equal(mnr_regress_fit(X, 24, 2, y, NULL, NULL, &o, &p, &err),
			 MNR_OK);
	o.family = MNR_REG_NEGBIN;
	assert_int_equal(mnr_regress_fit(X, 24, 2, y, NULL, NULL, &o, &nb, &err),
			 MNR_OK);
	assert_int_equal(nb.theta_capped, 1);
	assert_rel(nb.beta[0], p.beta[0], 1e-6);
	assert_rel(nb.beta[1], p.beta[1], 1e-5);
	assert_true(isinf(nb.inference_df));
	mnr_regress_fit_free(&p);
	mnr_regress_fit_free(&nb);
}

static void test_allocation_failures(void **state)
{
	double X[16 * 7], y[16];
	struct mnr_regress_options o;
	struct mnr_regress_fit fit;
	struct mnr_regress_diag d;
	struct mnr_error err;
	unsigned long nth;
	int rc;

	(void)state;
	longley_design(X, y);
	mnr_regress_options_init(&o);
	o.errors = MNR_REG_NEWEY_WEST;
	for (nth = 1; nth < 100; nth++) {
		mnr_error_clear(&err);
		mnr_alloc_fail_after(nth);
		rc = mnr_regress_fit(X, 16, 7, y, NULL, NULL, &o, &fit, &err);
		mnr_alloc_fail_after(0);
		if (rc == MNR_OK)
			break;
		assert_int_equal(rc, MNR_ENOMEM);
		assert_null(fit.beta);
	}
	assert_true(nth > 1 && nth < 100);
	for (nth = 1; nth < 100; nth++) {
		mnr_error_clear(&err);
		mnr_alloc_fail_after(nth);
		rc = mnr_regress_diagnostics(X, 16, 7, fit.resid, &d, &err);
		mnr_alloc_fail_after(0);
		if (rc == MNR_OK)
			break;
		assert_int_equal(rc, MNR_ENOMEM);
	}
	assert_true(nth < 100);
	mnr_regress_fit_free(&fit);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_longley_certified),
		cmocka_unit_test(test_distribution_helpers),
		cmocka_unit_test(test_diagnostics_against_r),
		cmocka_unit_test(test_error_paths),
		cmocka_unit_test(test_noisy_negative_values),
		cmocka_unit_test(test_time_null_is_consecutive),
		cmocka_unit_test(test_negbin_without_overdispersion),
		cmocka_unit_test(test_allocation_failures),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
