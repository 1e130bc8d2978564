/*
 * Empirical privacy audit (issue 4, "Tests that prove it"): release a
 * count for two neighbouring inputs (one person added: 3 vs 4) many times
 * through the real release path, estimate the privacy loss from the two
 * output histograms, and check that the estimate, with its sampling error,
 * does not exceed the claimed epsilon; then do the same for a deliberately
 * broken mechanism (noise scale halved) and check the audit catches it.
 *
 * Estimator: for every threshold set S = {y >= k} and {y <= k} with enough
 * mass, eps_S = log((P1[S] - delta) / P0[S]) (the (eps, delta)-DP
 * inequality P1[S] <= e^eps P0[S] + delta, in both directions).  Both laws
 * have a monotone likelihood ratio, so threshold sets include the worst
 * case.  The lower confidence bound uses normal-approximation limits for
 * each proportion at one-sided level 0.001 / (number of sets) (Bonferroni),
 * so a correct mechanism fails the audit with probability below 0.001.
 * The reported estimate and its standard error are those of the set that
 * attains the largest lower bound (the maximum of the point estimates over
 * hundreds of sets would be biased upwards).
 */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "mnrstat/dp.h"

#define NREL 300000
#define W 200  /* histogram window: outputs in [-W, W] */

struct audit {
	double eps_lb;   /* largest Bonferroni lower confidence bound */
	double eps_hat;  /* point estimate on the set attaining it */
	double se;       /* its delta-method standard error */
	int sets;
};

static void histogram(const struct mnr_dp_noise *n, int64_t truth,
		      uint64_t seed, unsigned long *h)
{
	struct mnr_rng rng;
	long k;

	mnr_rng_init_insecure(&rng, seed);
	memset(h, 0, (2 * W + 1) * sizeof(*h));
	for (k = 0; k < NREL; k++) {
		int64_t y;

		assert_int_equal(mnr_dp_release_value(&rng, n, truth, &y, NULL), MNR_OK);
		if (y < -W)
			y = -W;  /* pooled ends keep the sets exact */
		if (y > W)
			y = W;
		h[y + W]++;
	}
}

static struct audit run_audit(const struct mnr_dp_noise *n, double delta,
			      uint64_t seed)
{
	static unsigned long h0[2 * W + 1], h1[2 * W + 1];
	double c0[2 * W + 2], c1[2 * W + 2]; /* c[i] = count of y < i - W */
	struct audit a = { -INFINITY, -INFINITY, 0.0, 0 };
	double z;
	int i, dir, pass;

	histogram(n, 3, seed, h0);
	histogram(n, 4, seed + 1, h1);
	c0[0] = c1[0] = 0.0;
	for (i = 0; i <= 2 * W; i++) {
		c0[i + 1] = c0[i] + (double)h0[i];
		c1[i + 1] = c1[i] + (double)h1[i];
	}
	/* pass 0 counts the sets, pass 1 evaluates them at the Bonferroni level */
	for (pass = 0; pass < 2; pass++) {
		z = pass ? gsl_cdf_ugaussian_Qinv(0.001 / a.sets) : 0.0;
		for (dir = 0; dir < 2; dir++) {
			for (i = 1; i <= 2 * W; i++) {
				/* dir 0: S = {y >= i - W}, P1 vs P0; dir 1: S = {y < i - W}, P0 vs P1 */
				double nb = dir ? c0[i] : (double)NREL - c1[i];
				double na = dir ? c1[i] : (double)NREL - c0[i];
				double pb = nb / NREL, pa = na / NREL, lo, hi, e, lb;

				if (nb < 100 || na < 100 || pb - delta <= 0)
					continue;
				if (!pass) {
					a.sets++;
					continue;
				}
				lo = pb - z * sqrt(pb * (1 - pb) / NREL) - delta;
				hi = pa + z * sqrt(pa * (1 - pa) / NREL);
				e = log((pb - delta) / pa);
				lb = lo > 0 ? log(lo / hi) : -INFINITY;
				if (lb > a.eps_lb) {
					a.eps_lb = lb;
					a.eps_hat = e;
					a.se = sqrt((1 - pb) / (NREL * pb) * (pb / (pb - delta)) *
						    (pb / (pb - delta)) + (1 - pa) / (NREL * pa));
				}
			}
		}
	}
	return a;
}

static int group_setup(void **state)
{
	(void)state;
	gsl_set_error_handler_off();
	return 0;
}

static void test_audit_discrete_laplace(void **state)
{
	struct mnr_dp_noise n, broken;
	struct mnr_rational eps = { 1, 1 };
	struct audit a, b;

	(void)state;
	/* claimed: pure eps = 1 for a count (l1 sensitivity 1) */
	assert_int_equal(mnr_dp_calibrate_laplace(eps, 1, &n, NULL), MNR_OK);
	a = run_audit(&n, 0.0, 101);
	print_message("audit discrete Laplace: claimed eps = 1, estimated eps = %.4f "
		      "(SE %.4f), 99.9%% lower bound %.4f over %d sets\n",
		      a.eps_hat, a.se, a.eps_lb, a.sets);
	assert_true(a.eps_lb <= 1.0);
	/* the estimate is close to the claim: the mechanism is tight */
	assert_true(fabs(a.eps_hat - 1.0) < 5 * a.se);

	broken = n;
	broken.scale.den *= 2;  /* noise scale halved: true eps = 2 */
	b = run_audit(&broken, 0.0, 201);
	print_message("audit broken Laplace (scale halved): claimed eps = 1, "
		      "estimated eps = %.4f (SE %.4f), lower bound %.4f -> caught\n",
		      b.eps_hat, b.se, b.eps_lb);
	assert_true(b.eps_lb > 1.0);
}

static void test_audit_discrete_gaussian(void **state)
{
	/* rho = 1/2 for a count: sigma^2 = 1; claim (eps = 1.5, delta(1.5)) from Theorem 7 */
	struct mnr_dp_noise n, broken;
	double delta;
	struct audit a, b;

	(void)state;
	assert_int_equal(mnr_dp_calibrate_gauss_rho((struct mnr_rational){ 1, 2 }, 1,
						    &n, NULL), MNR_OK);
	assert_int_equal(mnr_dp_gauss_delta(&n, 1, 1, 1.5, &delta, NULL), MNR_OK);
	a = run_audit(&n, delta, 301);
	print_message("audit discrete Gaussian rho=1/2: claimed (eps = 1.5, delta = %.4g), "
		      "estimated eps = %.4f (SE %.4f), lower bound %.4f over %d sets\n",
		      delta, a.eps_hat, a.se, a.eps_lb, a.sets);
	assert_true(a.eps_lb <= 1.5);
	assert_true(fabs(a.eps_hat - 1.5) < 5 * a.se);

	broken = n;
	broken.scale.den *= 4;  /* sigma halved */
	b = run_audit(&broken, delta, 401);
	print_message("audit broken Gaussian (sigma halved): claimed eps = 1.5, "
		      "estimated eps = %.4f (SE %.4f), lower bound %.4f -> caught\n",
		      b.eps_hat, b.se, b.eps_lb);
	assert_true(b.eps_lb > 1.5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_audit_discrete_laplace),
		cmocka_unit_test(test_audit_discrete_gaussian),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
