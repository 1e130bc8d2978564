/*
 * The report's staggered-adoption effect on noisy released counts
 * (src/lib/report_did.c), on synthetic panels whose truth is known:
 * - the Callaway-Sant'Anna influence-function standard error already
 *   carries additive release noise of known variance (its mean square
 *   matches the Monte Carlo variance of the estimate, and intervals cover);
 * - the relative change (ATT over the counterfactual mean level, jackknife
 *   interval) recovers a known x1.25 effect on small counts, where the old
 *   route -- log(count + 1) with negative released counts set to 0 -- does
 *   not;
 * - the change in a share of two noisy counts recovers a known change.
 */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "mnrstat/did.h"
#include "report_internal.h"

/* Variance of one released cell's noise in the bundled example's release
 * (discrete Gaussian at rho = 1/2 per person; about 18). */
#define NOISE_VAR 18.0

/* RNG seed of the single-panel test (see test_report_did_relative_recovers). */
#ifndef SEED_RECOVER
#define SEED_RECOVER 1
#endif

/*
 * A panel of N units over T periods from period 0: units 0 .. n_never-1
 * never adopt; the others adopt in cohorts at periods first, first + step,
 * ...  Unit i's mean count is mu[i % nmu], multiplied by ratio from
 * adoption on.  The true count is Poisson (pois = 1) or the mean itself;
 * the released value adds rounded N(0, NOISE_VAR) noise, kept negative.
 */
struct sim {
	size_t N, T, n_never, n_coh;
	long first, step;
	const double *mu;
	size_t nmu;
	double ratio;
	int pois;
};

static void sim_adopt(const struct sim *s, long *adopt)
{
	size_t i;

	for (i = 0; i < s->N; i++)
		adopt[i] = i < s->n_never ? MNR_DID_NEVER :
			   s->first + s->step * (long)((i - s->n_never) %
						       s->n_coh);
}

static double sim_mean(const struct sim *s, const long *adopt, size_t i,
		       size_t t)
{
	double m = s->mu[i % s->nmu];

	return adopt[i] != MNR_DID_NEVER && (long)t >= adopt[i] ?
	       m * s->ratio : m;
}

static void sim_draw(const struct sim *s, gsl_rng *r, const long *adopt,
		     const double *yes_share, double *known, double *yes)
{
	size_t i, t;

	for (i = 0; i < s->N; i++)
		for (t = 0; t < s->T; t++) {
			double m = sim_mean(s, adopt, i, t);
			double k = s->pois ? (double)gsl_ran_poisson(r, m) : m;
			double sh = yes_share ? yes_share[adopt[i] !=
				MNR_DID_NEVER && (long)t >= adopt[i]] : 0;

			known[i * s->T + t] = k + round(gsl_ran_gaussian(r,
						sqrt(NOISE_VAR)));
			if (yes)
				yes[i * s->T + t] = (double)gsl_ran_binomial(
					r, sh, (unsigned)k) +
					round(gsl_ran_gaussian(r,
						sqrt(NOISE_VAR)));
		}
}

static void dense(const struct sim *s, const double *y, const long *adopt,
		  struct mnr__rep_dense *z)
{
	z->N = s->N;
	z->T = s->T;
	z->pmin = 0;
	z->y = y;
	z->adopt = adopt;
}

static int run_levels(const struct mnr__rep_dense *z,
		      struct mnr_did_result **d)
{
	struct mnr_did_options o;
	struct mnr_error err;

	mnr_did_options_init(&o);
	o.boot = 0;
	mnr_error_clear(&err);
	return mnr__rep_did_levels(z, &o, d, &err);
}

/* CS on levels without leave-one-out runs (point estimates only). */
static struct mnr_did_result *did_plain(const struct sim *s, const double *y,
					const long *adopt)
{
	size_t n = s->N * s->T, i;
	size_t *unit = malloc(n * sizeof(size_t));
	long *period = malloc(n * sizeof(long));
	struct mnr_did_panel p;
	struct mnr_did_options o;
	struct mnr_did_result *d = NULL;
	struct mnr_error err;

	assert_non_null(unit);
	assert_non_null(period);
	for (i = 0; i < n; i++) {
		unit[i] = i / s->T;
		period[i] = (long)(i % s->T);
	}
	memset(&p, 0, sizeof(p));
	p.n_obs = n;
	p.unit = unit;
	p.period = period;
	p.y = y;
	p.n_units = s->N;
	p.adoption = adopt;
	mnr_did_options_init(&o);
	o.methods = MNR_DID_CS;
	o.control = MNR_DID_CONTROL_NOTYET;
	o.boot = 0;
	mnr_error_clear(&err);
	assert_int_equal(mnr_did_run(&p, &o, &d, &err), MNR_OK);
	free(unit);
	free(period);
	return d;
}

/* The old route: CS on log(count + 1), negative counts set to 0; the
 * relative change exp(ATT) - 1 with exp of the interval. */
static void old_route(const struct sim *s, const double *y,
		      const long *adopt, double *est, double *lo, double *hi)
{
	size_t n = s->N * s->T, i;
	double *ly = malloc(n * sizeof(double));
	size_t *unit = malloc(n * sizeof(size_t));
	long *period = malloc(n * sizeof(long));
	struct mnr_did_panel p;
	struct mnr_did_options o;
	struct mnr_did_result *d = NULL;
	struct mnr_error err;

	assert_non_null(ly);
	assert_non_null(unit);
	assert_non_null(period);
	for (i = 0; i < n; i++) {
		ly[i] = log1p(y[i] > 0 ? y[i] : 0);
		unit[i] = i / s->T;
		period[i] = (long)(i % s->T);
	}
	memset(&p, 0, sizeof(p));
	p.n_obs = n;
	p.unit = unit;
	p.period = period;
	p.y = ly;
	p.n_units = s->N;
	p.adoption = adopt;
	mnr_did_options_init(&o);
	o.methods = MNR_DID_CS;
	o.control = MNR_DID_CONTROL_NOTYET;
	o.boot = 0;
	mnr_error_clear(&err);
	assert_int_equal(mnr_did_run(&p, &o, &d, &err), MNR_OK);
	*est = expm1(d->cs.overall.est);
	*lo = expm1(d->cs.overall.lo);
	*hi = expm1(d->cs.overall.hi);
	mnr_did_result_free(d);
	free(ly);
	free(unit);
	free(period);
}

/*
 * Noise only (fixed true counts of very different sizes and no effect, so
 * the estimate's whole sampling variance is the release noise): over R
 * replications the mean of the CS influence-function variance se^2
 * matches the Monte Carlo variance of the estimate, and the 95% intervals
 * cover the true ATT (0).  The IF variance divides by n_g rather than
 * n_g - 1, so with cohorts of 10 it runs a little low; the bounds allow for
 * that and for Monte Carlo error (sd of a variance from 400 draws: about
 * 7%).  (With an effect that differs between units the IF variance also
 * counts that heterogeneity, the sampling view of CS 2021, and exceeds the
 * noise-only variance for a fixed set of units.)
 */
static void test_report_did_if_se_includes_noise(void **state)
{
	static const double mu[] = { 2, 5, 40, 1, 12 };
	struct sim s = { 60, 12, 20, 4, 4, 2, mu, 5, 1.0, 0 };
	const size_t R = 400;
	double *y = malloc(s.N * s.T * sizeof(double));
	long adopt[60];
	double sum = 0, sum2 = 0, se2 = 0, truth = 0, wsum = 0;
	size_t rep, cover = 0, i, t;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

	(void)state;
	assert_non_null(y);
	assert_non_null(r);
	gsl_rng_set(r, 20261128);
	sim_adopt(&s, adopt);
	/* True theta^O: cohorts weighted by size (equal here), each the mean
	 * over its post periods of the cohort's mean effect. */
	for (i = s.n_never; i < s.N; i++) {
		double e = 0;

		for (t = (size_t)adopt[i]; t < s.T; t++)
			e += sim_mean(&s, adopt, i, t) - mu[i % s.nmu];
		truth += e / (double)(s.T - (size_t)adopt[i]);
		wsum += 1;
	}
	truth /= wsum;
	for (rep = 0; rep < R; rep++) {
		struct mnr__rep_dense z;
		struct mnr_did_result *d = NULL;
		const struct mnr_did_est *o;

		sim_draw(&s, r, adopt, NULL, y, NULL);
		dense(&s, y, adopt, &z);
		assert_int_equal(run_levels(&z, &d), MNR_OK);
		o = &d->cs.overall;
		assert_true(isfinite(o->est) && isfinite(o->se));
		sum += o->est;
		sum2 += o->est * o->est;
		se2 += o->se * o->se;
		cover += o->lo <= truth && truth <= o->hi;
		mnr_did_result_free(d);
	}
	{
		double mean = sum / (double)R;
		double var = (sum2 - (double)R * mean * mean) /
			     (double)(R - 1);
		double ratio = se2 / (double)R / var;

		/* Unbiased on levels: the mean is within 4 Monte Carlo
		 * standard errors of the truth. */
		assert_true(fabs(mean - truth) < 4 * sqrt(var / (double)R));
		assert_true(ratio > 0.80 && ratio < 1.20);
		assert_true((double)cover / (double)R > 0.90);
		assert_true((double)cover / (double)R < 0.99);
	}
	free(y);
	gsl_rng_free(r);
}

/*
 * Small Poisson counts (means 1 to 8, some units of 30) with the release
 * noise, true effect x1.25 from adoption: over R replications the
 * relative change estimated on levels averages +25% and its interval
 * covers +25% in most replications.
 */
static void test_report_did_relative_coverage(void **state)
{
	static const double mu[] = { 1, 2, 4, 8, 3, 30 };
	struct sim s = { 48, 24, 16, 4, 6, 3, mu, 6, 1.25, 1 };
	const size_t R = 60;
	double *y = malloc(s.N * s.T * sizeof(double));
	long adopt[48];
	size_t rep, cover = 0, has = 0;
	double sum = 0;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

	(void)state;
	assert_non_null(y);
	assert_non_null(r);
	gsl_rng_set(r, 7);
	sim_adopt(&s, adopt);
	for (rep = 0; rep < R; rep++) {
		struct mnr__rep_dense z;
		struct mnr_did_result *d = NULL;
		struct mnr__rep_rel q;

		sim_draw(&s, r, adopt, NULL, y, NULL);
		dense(&s, y, adopt, &z);
		assert_int_equal(run_levels(&z, &d), MNR_OK);
		mnr__rep_relative(&z, d, 0.95, &q);
		if (q.has) {
			has++;
			sum += q.est;
			cover += q.lo <= 0.25 && 0.25 <= q.hi;
			assert_true(q.log_scale);
			assert_true(q.lo <= q.est && q.est <= q.hi);
			assert_int_equal(q.n_jack, s.N);
			assert_rel(q.counterfactual, q.observed - q.att, 1e-12);
			assert_rel(q.est, q.att / q.counterfactual, 1e-12);
		}
		mnr_did_result_free(d);
	}
	assert_true(has >= R - 2);
	/* Mean estimate near +25% (a ratio estimator has an O(1/n) bias;
	 * the Monte Carlo sd of the mean is about 0.025). */
	assert_true(fabs(sum / (double)has - 0.25) < 0.06);
	assert_true((double)cover / (double)has > 0.85);
	free(y);
	gsl_rng_free(r);
}

/*
 * Bias of the two routes, over R replications of a large panel of small
 * true counts (means 1 and 2, as in the example's small countries) under
 * the release noise, true effect x1.25 (+25%): the relative change on
 * levels averages +25%; the old route -- CS on log(count + 1) with
 * negative released counts set to 0, read as exp(ATT) - 1 -- averages far
 * less (the truncation and the log flatten small counts), many of its
 * Monte Carlo standard errors away.  Point estimates only (no jackknife),
 * so the panel can be large.
 */
static void test_report_did_old_route_biased(void **state)
{
	static const double mu[] = { 1, 2 };
	struct sim s = { 2000, 5, 1000, 1, 3, 0, mu, 2, 1.25, 1 };
	const size_t R = 20;
	double *y = malloc(s.N * s.T * sizeof(double));
	long *adopt = malloc(s.N * sizeof(long));
	double sum = 0, old_sum = 0, old_sum2 = 0, old_sd;
	size_t rep;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

	(void)state;
	assert_non_null(y);
	assert_non_null(adopt);
	assert_non_null(r);
	gsl_rng_set(r, 99);
	sim_adopt(&s, adopt);
	for (rep = 0; rep < R; rep++) {
		struct mnr__rep_dense z;
		struct mnr_did_result *d = NULL;
		struct mnr__rep_rel q;
		double oe, ol, oh;

		sim_draw(&s, r, adopt, NULL, y, NULL);
		dense(&s, y, adopt, &z);
		d = did_plain(&s, y, adopt);
		mnr__rep_relative(&z, d, 0.95, &q);
		/* No leave-one-out runs: an estimate, no interval. */
		assert_false(q.has);
		assert_true(isfinite(q.est));
		sum += q.est;
		old_route(&s, y, adopt, &oe, &ol, &oh);
		old_sum += oe;
		old_sum2 += oe * oe;
		mnr_did_result_free(d);
	}
	old_sd = sqrt((old_sum2 - old_sum * old_sum / (double)R) /
		      (double)(R - 1));
	if (getenv("MNR_TEST_VERBOSE"))
		fprintf(stderr, "mean over %zu: levels %g; old route %g "
			"(sd %g)\n", R, sum / (double)R, old_sum / (double)R,
			old_sd);
	assert_true(fabs(sum / (double)R - 0.25) < 0.05);
	assert_true(old_sum / (double)R < 0.25 - 4 * old_sd /
		    sqrt((double)R));
	assert_true(old_sum / (double)R < 0.18);
	free(y);
	free(adopt);
	gsl_rng_free(r);
}

/*
 * One seeded panel of the same kind (1200 countries-to-be, counts of mean
 * 1 and 2 under the release noise, x1.25): the relative change on levels
 * holds +25% within its jackknife interval; the old route's interval
 * excludes it.
 */
static void test_report_did_relative_recovers(void **state)
{
	static const double mu[] = { 1, 2 };
	struct sim s = { 1200, 5, 600, 1, 3, 0, mu, 2, 1.25, 1 };
	double *y = malloc(s.N * s.T * sizeof(double));
	long *adopt = malloc(s.N * sizeof(long));
	struct mnr__rep_dense z;
	struct mnr_did_result *d = NULL;
	struct mnr__rep_rel q;
	double oe, ol, oh;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

	(void)state;
	assert_non_null(y);
	assert_non_null(adopt);
	assert_non_null(r);
	gsl_rng_set(r, SEED_RECOVER);
	sim_adopt(&s, adopt);
	sim_draw(&s, r, adopt, NULL, y, NULL);
	dense(&s, y, adopt, &z);
	assert_int_equal(run_levels(&z, &d), MNR_OK);
	mnr__rep_relative(&z, d, 0.95, &q);
	old_route(&s, y, adopt, &oe, &ol, &oh);
	if (getenv("MNR_TEST_VERBOSE"))
		fprintf(stderr, "levels %g [%g, %g]; old route %g [%g, %g]\n",
			q.est, q.lo, q.hi, oe, ol, oh);
	assert_true(q.has);
	assert_int_equal(q.n_jack, s.N);
	assert_true(q.lo <= 0.25 && 0.25 <= q.hi);
	assert_false(ol <= 0.25 && 0.25 <= oh);
	mnr_did_result_free(d);
	free(y);
	free(adopt);
	gsl_rng_free(r);
}

/*
 * Share of two noisy counts: among adopters' reports the "yes" share falls
 * from 0.30 to 0.20 at adoption while the counts also rise x1.25 (the
 * level-weighted share changes by exactly -0.10).  The change estimated
 * from the two counts' levels covers -0.10.
 */
static void test_report_did_share_change(void **state)
{
	static const double mu[] = { 3, 6, 10, 40 };
	static const double share[2] = { 0.30, 0.20 };
	struct sim s = { 48, 24, 16, 4, 4, 3, mu, 4, 1.25, 1 };
	const size_t R = 40;
	double *yes = malloc(s.N * s.T * sizeof(double));
	double *known = malloc(s.N * s.T * sizeof(double));
	long adopt[48];
	size_t rep, cover = 0, has = 0;
	double sum = 0;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

	(void)state;
	assert_non_null(yes);
	assert_non_null(known);
	gsl_rng_set(r, 11);
	sim_adopt(&s, adopt);
	for (rep = 0; rep < R; rep++) {
		struct mnr__rep_dense zy, zk;
		struct mnr_did_result *dy = NULL, *dk = NULL;
		struct mnr__rep_rel q;

		sim_draw(&s, r, adopt, share, known, yes);
		dense(&s, yes, adopt, &zy);
		dense(&s, known, adopt, &zk);
		assert_int_equal(run_levels(&zy, &dy), MNR_OK);
		assert_int_equal(run_levels(&zk, &dk), MNR_OK);
		mnr__rep_share_change(&zy, dy, &zk, dk, 0.95, &q);
		assert_int_equal(q.kind, 1);
		if (q.has) {
			has++;
			sum += q.est;
			cover += q.lo <= -0.10 && -0.10 <= q.hi;
		}
		mnr_did_result_free(dy);
		mnr_did_result_free(dk);
	}
	assert_true(has >= R - 1);
	assert_true(fabs(sum / (double)has + 0.10) < 0.02);
	assert_true((double)cover / (double)has > 0.85);
	free(yes);
	free(known);
	gsl_rng_free(r);
}

/*
 * Exact arithmetic without noise: cohorts with different effects (x1.5 at
 * period 2 for two units, x1.1 at period 4 for one), a common additive
 * trend, two never-adopters.  The relative change must equal
 * sum_g w_g mean_t (r_g - 1) mu_g(t) / sum_g w_g mean_t mu_g(t) with
 * w_g = units in g / adopters and t over g's post periods -- the cells and
 * weights of CS's theta^O, computed here independently.
 */
static void test_report_did_relative_exact(void **state)
{
	static const double base[5] = { 10, 20, 4, 8, 5 };
	long adopt[5] = { MNR_DID_NEVER, MNR_DID_NEVER, 2, 2, 4 };
	static const double ratio[5] = { 1, 1, 1.5, 1.5, 1.1 };
	double y[5 * 6], num = 0, den = 0;
	struct mnr__rep_dense z;
	struct mnr_did_result *d = NULL;
	struct mnr__rep_rel q;
	size_t i, t;

	(void)state;
	for (i = 0; i < 5; i++)
		for (t = 0; t < 6; t++) {
			double m = base[i] + 0.5 * (double)t;

			y[i * 6 + t] = adopt[i] != MNR_DID_NEVER &&
				       (long)t >= adopt[i] ? m * ratio[i] : m;
		}
	/* Cohort 2: units 2, 3 over t = 2..5; cohort 4: unit 4 over 4..5. */
	for (t = 2; t < 6; t++) {
		double mg = (base[2] + base[3]) / 2 + 0.5 * (double)t;

		num += 2.0 / 3.0 * (ratio[2] - 1) * mg / 4.0;
		den += 2.0 / 3.0 * mg / 4.0;
	}
	for (t = 4; t < 6; t++) {
		double mg = base[4] + 0.5 * (double)t;

		num += 1.0 / 3.0 * (ratio[4] - 1) * mg / 2.0;
		den += 1.0 / 3.0 * mg / 2.0;
	}
	z.N = 5;
	z.T = 6;
	z.pmin = 0;
	z.y = y;
	z.adopt = adopt;
	assert_int_equal(run_levels(&z, &d), MNR_OK);
	mnr__rep_relative(&z, d, 0.95, &q);
	assert_rel(q.att, num, 1e-12);
	assert_rel(q.counterfactual, den, 1e-12);
	assert_rel(q.est, num / den, 1e-12);
	assert_rel(q.observed, num + den, 1e-12);
	mnr_did_result_free(d);
}

/* Missing pieces give a reason, never a number. */
static void test_report_did_refusals(void **state)
{
	struct mnr__rep_rel q;
	struct mnr__rep_dense z;
	double y[4 * 4];
	long adopt[4] = { MNR_DID_NEVER, MNR_DID_NEVER, 2, 2 };
	struct mnr_did_result *d = NULL;
	size_t i;

	(void)state;
	memset(&z, 0, sizeof(z));
	mnr__rep_relative(&z, NULL, 0.95, &q);
	assert_false(q.has);
	assert_true(isnan(q.est));
	assert_non_null(q.reason);
	/* All counts 0 except noise-like negatives: the counterfactual
	 * level is not positive, so no relative change. */
	for (i = 0; i < 16; i++)
		y[i] = (i % 3 == 0) ? -2.0 : 0.0;
	z.N = 4;
	z.T = 4;
	z.pmin = 0;
	z.y = y;
	z.adopt = adopt;
	assert_int_equal(run_levels(&z, &d), MNR_OK);
	mnr__rep_relative(&z, d, 0.95, &q);
	assert_false(q.has);
	assert_non_null(q.reason);
	mnr_did_result_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_did_if_se_includes_noise),
		cmocka_unit_test(test_report_did_relative_coverage),
		cmocka_unit_test(test_report_did_old_route_biased),
		cmocka_unit_test(test_report_did_relative_recovers),
		cmocka_unit_test(test_report_did_share_change),
		cmocka_unit_test(test_report_did_relative_exact),
		cmocka_unit_test(test_report_did_refusals),
	};

	gsl_set_error_handler_off();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
