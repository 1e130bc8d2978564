/*
 * Unit tests of the privacy core: exact rationals, the random source
 * (failure injection, fork safety, uniformity), the exact samplers against
 * their probability mass functions (chi-square and Kolmogorov-Smirnov on
 * 10^5 draws, with a power check at +-30% scale), and the accounting
 * (variance, exact intervals, the Theorem 7 curve) against values computed
 * independently in R (tests/reference/dp/dp_reference.R).
 */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "mnrstat/dp.h"
#include "dp_expected.h"

#define NDRAW 100000

static int group_setup(void **state)
{
	(void)state;
	gsl_set_error_handler_off();
	return 0;
}

/* ---- rationals --------------------------------------------------------- */

static void test_rational_parse_format(void **state)
{
	static const struct { const char *in, *out; } ok[] = {
		{ "3", "3" }, { "0.25", "1/4" }, { ".5", "1/2" }, { "1/3", "1/3" },
		{ "6/4", "3/2" }, { "0", "0" }, { "0.000001", "1/1000000" },
		{ "123456789012345678", "123456789012345678" },
	};
	static const char *bad[] = {
		"", "-1", "1e-3", "nan", "inf", "1/0", "1/", "/2", "1.2.3", " 1",
		"1 ", "0.1/3", "1234567890123456789", "0.0000000000000000001", "0x10",
	};
	struct mnr_rational q;
	struct mnr_error err;
	char buf[48];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		mnr_error_clear(&err);
		assert_int_equal(mnr_rational_parse(ok[i].in, &q, &err), MNR_OK);
		assert_int_equal(mnr_rational_format(q, buf, sizeof(buf)), MNR_OK);
		assert_string_equal(buf, ok[i].out);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		q.num = 77;
		q.den = 78;
		mnr_error_clear(&err);
		assert_int_equal(mnr_rational_parse(bad[i], &q, &err), MNR_EINVAL);
		assert_string_equal(err.rule, "rational");
		assert_int_equal(q.num, 77);
	}
	q.num = 1;
	q.den = 3;
	assert_int_equal(mnr_rational_format(q, buf, 3), MNR_EINVAL);
}

static void test_rational_arith_and_overflow(void **state)
{
	struct mnr_rational a = { 1, 3 }, b = { 1, 6 }, r;
	struct mnr_rational big = { UINT64_MAX - 1, 1 }, tiny = { 1, UINT64_MAX - 2 };
	struct mnr_error err;

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_rational_add(a, b, &r, &err), MNR_OK);
	assert_true(r.num == 1 && r.den == 2);
	assert_int_equal(mnr_rational_mul(a, b, &r, &err), MNR_OK);
	assert_true(r.num == 1 && r.den == 18);
	assert_int_equal(mnr_rational_sub(a, b, &r, &err), MNR_OK);
	assert_true(r.num == 1 && r.den == 6);
	assert_int_equal(mnr_rational_sub(b, a, &r, NULL), MNR_EINVAL);
	assert_true(r.num == 1 && r.den == 6);
	assert_int_equal(mnr_rational_cmp(a, b), 1);
	assert_int_equal(mnr_rational_cmp(b, a), -1);
	assert_int_equal(mnr_rational_cmp(a, (struct mnr_rational){ 2, 6 }), 0);
	/* exact overflow refusal, output untouched */
	r.num = 5;
	r.den = 7;
	assert_int_equal(mnr_rational_add(big, big, &r, &err), MNR_EINVAL);
	assert_string_equal(err.rule, "overflow");
	assert_true(r.num == 5 && r.den == 7);
	mnr_error_clear(&err);
	assert_int_equal(mnr_rational_mul(tiny, (struct mnr_rational){ 1, 3 }, &r,
					  &err), MNR_EINVAL);
	/* sums of decimals keep their small denominators */
	r = (struct mnr_rational){ 0, 1 };
	{
		int i;

		for (i = 0; i < 1000; i++)
			assert_int_equal(mnr_rational_add(r, (struct mnr_rational){ 1, 100 },
							  &r, &err), MNR_OK);
	}
	assert_true(r.num == 10 && r.den == 1);
}

/* ---- random source ------------------------------------------------------ */

static void test_rng_secure_and_insecure(void **state)
{
	struct mnr_rng a, b;
	unsigned char x[64], y[64];
	struct mnr_error err;

	(void)state;
	mnr_error_clear(&err);
	mnr_rng_init_secure(&a);
	assert_true(mnr_rng_is_secure(&a));
	assert_int_equal(mnr_rng_bytes(&a, x, sizeof(x), &err), MNR_OK);
	assert_int_equal(mnr_rng_bytes(&a, y, sizeof(y), &err), MNR_OK);
	assert_memory_not_equal(x, y, sizeof(x));
	mnr_rng_wipe(&a);
	assert_false(mnr_rng_is_secure(&a));
	assert_int_equal(mnr_rng_bytes(&a, x, 1, &err), MNR_ERANDOM);

	/* seeded stream: reproducible, seed-dependent, never "secure" */
	mnr_rng_init_insecure(&a, 42);
	mnr_rng_init_insecure(&b, 42);
	assert_false(mnr_rng_is_secure(&a));
	assert_int_equal(mnr_rng_bytes(&a, x, sizeof(x), &err), MNR_OK);
	assert_int_equal(mnr_rng_bytes(&b, y, sizeof(y), &err), MNR_OK);
	assert_memory_equal(x, y, sizeof(x));
	mnr_rng_init_insecure(&b, 43);
	assert_int_equal(mnr_rng_bytes(&b, y, sizeof(y), &err), MNR_OK);
	assert_memory_not_equal(x, y, sizeof(x));
}

static void test_rng_failure_releases_nothing(void **state)
{
	struct mnr_rng rng;
	struct mnr_dp_noise lap = { MNR_DP_DLAPLACE, { 1, 1 } };
	struct mnr_dp_noise gau = { MNR_DP_DGAUSS, { 100, 1 } };
	struct mnr_error err;
	int64_t released = -12345;
	uint64_t u = 999;
	unsigned char b[4] = { 1, 2, 3, 4 };
	int k, failures = 0;

	(void)state;
	/* immediate failure, through each public entry point */
	mnr_rng_init_secure(&rng);
	mnr_rng_test_fail_after(&rng, 0);
	mnr_error_clear(&err);
	assert_int_equal(mnr_dp_release_value(&rng, &lap, 10, &released, &err),
			 MNR_ERANDOM);
	assert_int_equal(released, -12345);
	assert_string_equal(err.rule, "random-source");
	/* sticky: the source stays failed */
	assert_int_equal(mnr_rng_uniform(&rng, 10, &u, NULL), MNR_ERANDOM);
	assert_int_equal(u, 999);
	assert_int_equal(mnr_rng_bytes(&rng, b, sizeof(b), NULL), MNR_ERANDOM);
	assert_true(b[0] == 0 && b[3] == 0);

	/* failure in the middle of a draw, at every byte position 0..199 */
	for (k = 0; k < 200; k++) {
		mnr_rng_init_insecure(&rng, (uint64_t)k);
		mnr_rng_test_fail_after(&rng, (uint64_t)k);
		released = -777;
		for (;;) {
			int st = mnr_dp_release_value(&rng, k % 2 ? &gau : &lap, 5,
						      &released, NULL);

			if (st != MNR_OK) {
				assert_int_equal(st, MNR_ERANDOM);
				failures++;
				break;
			}
			released = -777;  /* a completed draw; go on until it fails */
		}
		assert_int_equal(released, -777);
	}
	assert_int_equal(failures, 200);
}

static void test_rng_fork_does_not_share_buffer(void **state)
{
	struct mnr_rng rng;
	unsigned char parent[32], child[32], warm;
	int fd[2], status;
	pid_t pid;

	(void)state;
	mnr_rng_init_secure(&rng);
	assert_int_equal(mnr_rng_bytes(&rng, &warm, 1, NULL), MNR_OK); /* fill buffer */
	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		unsigned char c[32];

		if (mnr_rng_bytes(&rng, c, sizeof(c), NULL) != MNR_OK ||
		    write(fd[1], c, sizeof(c)) != (ssize_t)sizeof(c))
			_exit(1);
		_exit(0);
	}
	assert_int_equal(mnr_rng_bytes(&rng, parent, sizeof(parent), NULL), MNR_OK);
	assert_int_equal(read(fd[0], child, sizeof(child)), (ssize_t)sizeof(child));
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fd[0]);
	close(fd[1]);
	assert_memory_not_equal(parent, child, sizeof(parent));
}

static void test_rng_uniform_chisq(void **state)
{
	/* n = 7 (not a power of two, so rejection matters) and n = 2^40 + 3 */
	struct mnr_rng rng;
	unsigned long cnt[7] = { 0 };
	double chi = 0.0;
	uint64_t x;
	int i;

	(void)state;
	mnr_rng_init_insecure(&rng, 7);
	assert_int_equal(mnr_rng_uniform(&rng, 0, &x, NULL), MNR_EINVAL);
	assert_int_equal(mnr_rng_uniform(&rng, 1, &x, NULL), MNR_OK);
	assert_int_equal(x, 0);
	for (i = 0; i < 70000; i++) {
		assert_int_equal(mnr_rng_uniform(&rng, 7, &x, NULL), MNR_OK);
		assert_true(x < 7);
		cnt[x]++;
	}
	for (i = 0; i < 7; i++)
		chi += (cnt[i] - 10000.0) * (cnt[i] - 10000.0) / 10000.0;
	assert_true(gsl_cdf_chisq_Q(chi, 6) > 1e-4);
	/* a large range: top bit must be hit about (3/(2^40+3)) ... check halves */
	{
		uint64_t n = (UINT64_C(1) << 40) + 3;
		unsigned long low = 0;

		for (i = 0; i < 20000; i++) {
			assert_int_equal(mnr_rng_uniform(&rng, n, &x, NULL), MNR_OK);
			assert_true(x < n);
			low += x < n / 2;
		}
		assert_true(fabs(low - 10000.0) < 5 * sqrt(5000.0));
	}
}

/* ---- Bernoulli(exp(-gamma)) ------------------------------------------- */

static void test_bernoulli_exp_frequencies(void **state)
{
	static const struct mnr_rational g[] = {
		{ 0, 1 }, { 1, 3 }, { 1, 1 }, { 5, 2 }, { 7, 1000 }, { 4000000000u, 1000000000u },
	};
	struct mnr_rng rng;
	size_t i;

	(void)state;
	mnr_rng_init_insecure(&rng, 11);
	for (i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		double p = exp(-(double)g[i].num / (double)g[i].den), z;
		unsigned long ones = 0;
		int k, b;

		for (k = 0; k < NDRAW; k++) {
			assert_int_equal(mnr_dp_bernoulli_exp(&rng, g[i], &b, NULL),
					 MNR_OK);
			ones += (unsigned long)b;
		}
		if (g[i].num == 0) {
			assert_int_equal(ones, NDRAW);
			continue;
		}
		z = (ones - NDRAW * p) / sqrt(NDRAW * p * (1 - p));
		if (fabs(z) >= 4.5)
			fail_msg("gamma %llu/%llu: %lu ones, z = %g", (unsigned long long)g[i].num,
				 (unsigned long long)g[i].den, ones, z);
	}
	assert_int_equal(mnr_dp_bernoulli_exp(&rng, (struct mnr_rational){ 1, 0 },
					      &(int){ 0 }, NULL), MNR_EINVAL);
}

/* ---- goodness of fit ---------------------------------------------------- */

/*
 * Histogram draws on [-M, M] (M chosen so that the mass beyond is below
 * 1e-12; a draw beyond fails the test) and test against the pmf of law:
 * chi-square with cells of expected count >= 10 and pooled tails, and the
 * Kolmogorov-Smirnov distance of the CDFs.  Returns the chi-square
 * p-value; *ks gets sqrt(n) D.
 */
struct gof { double chisq_p, ks; int df; };

static struct gof fit(const struct mnr_dp_noise *draw_law,
		      const struct mnr_dp_noise *law, uint64_t seed, int64_t M)
{
	struct mnr_rng rng;
	unsigned long *cnt = calloc((size_t)(2 * M + 1), sizeof(*cnt));
	double *p = malloc((size_t)(2 * M + 1) * sizeof(*p));
	double chi = 0.0, F = 0.0, Fh = 0.0, D = 0.0, lo_e = 0.0, lo_o = 0.0;
	int64_t z, k;
	int cells = 0;
	struct gof r;

	assert_non_null(cnt);
	assert_non_null(p);
	assert_int_equal(mnr_dp_pmf(law, -M, M, p, NULL), MNR_OK);
	mnr_rng_init_insecure(&rng, seed);
	for (k = 0; k < NDRAW; k++) {
		assert_int_equal(mnr_dp_sample(&rng, draw_law, &z, NULL), MNR_OK);
		if (z < -M || z > M)
			fail_msg("draw outside the +-%lld support window", (long long)M);
		cnt[z + M]++;
	}
	/*
	 * chi-square: a cell closes once its expected count is >= 10 and the
	 * expected count left to its right is >= 10 as well
	 */
	for (z = -M; z <= M; z++) {
		double e = NDRAW * p[z + M];

		lo_e += e;
		lo_o += (double)cnt[z + M];
		F += p[z + M];
		Fh += (double)cnt[z + M] / NDRAW;
		if (fabs(F - Fh) > D)
			D = fabs(F - Fh);
		if (lo_e >= 10.0 && NDRAW * (1.0 - F) >= 10.0) {
			chi += (lo_o - lo_e) * (lo_o - lo_e) / lo_e;
			cells++;
			lo_e = lo_o = 0.0;
		}
	}
	/* the last cell pools the right remainder (expected >= 10) */
	if (lo_e > 0.0) {
		chi += (lo_o - lo_e) * (lo_o - lo_e) / lo_e;
		cells++;
	}
	r.chisq_p = gsl_cdf_chisq_Q(chi, cells - 1);
	r.df = cells - 1;
	r.ks = sqrt((double)NDRAW) * D;
	free(cnt);
	free(p);
	return r;
}

static int64_t window(const struct mnr_dp_noise *n)
{
	double s = mnr_rational_to_double(n->scale);

	return n->kind == MNR_DP_DLAPLACE ? (int64_t)(40 * s) + 40
					  : (int64_t)(9 * sqrt(s)) + 20;
}

static void test_sampler_goodness_of_fit_and_power(void **state)
{
	static const struct mnr_dp_noise laws[] = {
		{ MNR_DP_DLAPLACE, { 1, 1 } },
		{ MNR_DP_DLAPLACE, { 10, 3 } },
		{ MNR_DP_DLAPLACE, { 25, 1 } },
		{ MNR_DP_DGAUSS, { 1, 4 } },
		{ MNR_DP_DGAUSS, { 1, 1 } },
		{ MNR_DP_DGAUSS, { 2, 3 } },
		{ MNR_DP_DGAUSS, { 100, 1 } },
		{ MNR_DP_DGAUSS, { 1000000, 1 } },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(laws) / sizeof(laws[0]); i++) {
		struct mnr_dp_noise off[2] = { laws[i], laws[i] };
		struct gof g;
		int j;

		/* scale +-30%: t * 13/10, t * 7/10 (sigma, not sigma^2, for the Gaussian) */
		off[0].scale.num *= laws[i].kind == MNR_DP_DLAPLACE ? 13 : 169;
		off[0].scale.den *= laws[i].kind == MNR_DP_DLAPLACE ? 10 : 100;
		off[1].scale.num *= laws[i].kind == MNR_DP_DLAPLACE ? 7 : 49;
		off[1].scale.den *= laws[i].kind == MNR_DP_DLAPLACE ? 10 : 100;
		g = fit(&laws[i], &laws[i], 1000 + i, window(&off[0]));
		print_message("%s %llu/%llu: chi2 p = %.3g (df %d), sqrt(n) KS = %.3f\n",
			      mnr_dp_mechanism_name(laws[i].kind),
			      (unsigned long long)laws[i].scale.num,
			      (unsigned long long)laws[i].scale.den, g.chisq_p, g.df, g.ks);
		/* fixed seeds: deterministic; thresholds alpha = 1e-4 and KS 0.1% */
		assert_true(g.chisq_p > 1e-4);
		assert_true(g.ks < 1.95);
		for (j = 0; j < 2; j++) {
			g = fit(&off[j], &laws[i], 2000 + i, window(&off[0]));
			print_message("  power, scale %s30%%: chi2 p = %.3g, sqrt(n) KS = %.3f\n",
				      j ? "-" : "+", g.chisq_p, g.ks);
			assert_true(g.chisq_p < 1e-6);
			assert_true(g.ks > 1.95);
		}
	}
}

/* ---- overflow refusal --------------------------------------------------- */

static void test_overflow_refused(void **state)
{
	struct mnr_rng rng;
	struct mnr_error err;
	struct mnr_dp_noise n;
	int64_t z = 99, released;
	int k, refused = 0, ok = 0;

	(void)state;
	mnr_rng_init_insecure(&rng, 5);
	mnr_error_clear(&err);
	assert_int_equal(mnr_dp_sample_dgauss(&rng, (struct mnr_rational){
		MNR_DP_PARAM_MAX + 1, 1 }, &z, &err), MNR_EINVAL);
	assert_string_equal(err.rule, "overflow");
	assert_int_equal(z, 99);
	mnr_error_clear(&err);
	assert_int_equal(mnr_dp_sample_dlaplace(&rng, (struct mnr_rational){
		1, MNR_DP_PARAM_MAX + 1 }, &z, &err), MNR_EINVAL);
	assert_string_equal(err.rule, "overflow");
	assert_int_equal(mnr_dp_sample_dlaplace(&rng, (struct mnr_rational){ 0, 1 },
						&z, NULL), MNR_EINVAL);
	/* the largest parameters are accepted and work */
	assert_int_equal(mnr_dp_sample_dgauss(&rng, (struct mnr_rational){
		MNR_DP_PARAM_MAX, MNR_DP_PARAM_MAX - 1 }, &z, NULL), MNR_OK);
	assert_int_equal(mnr_dp_sample_dgauss(&rng, (struct mnr_rational){
		MNR_DP_PARAM_MAX, 1 }, &z, NULL), MNR_OK);
	assert_int_equal(mnr_dp_sample_dlaplace(&rng, (struct mnr_rational){
		1, MNR_DP_PARAM_MAX }, &z, NULL), MNR_OK);
	/* calibration that would need an out-of-range scale is refused */
	mnr_error_clear(&err);
	assert_int_equal(mnr_dp_calibrate_laplace((struct mnr_rational){ 1,
		UINT64_C(1) << 40 }, 1, &n, &err), MNR_EINVAL);
	assert_string_equal(err.rule, "overflow");
	/* value + noise beyond int64: refused, nothing released */
	n = (struct mnr_dp_noise){ MNR_DP_DLAPLACE, { 5, 1 } };
	for (k = 0; k < 200; k++) {
		int st;

		released = 4242;
		st = mnr_dp_release_value(&rng, &n, INT64_MAX - 2, &released, NULL);
		if (st == MNR_OK) {
			ok++;
			assert_true(released <= INT64_MAX && released != 4242);
		} else {
			assert_int_equal(st, MNR_ENUMERIC);
			assert_int_equal(released, 4242);
			refused++;
		}
	}
	assert_true(refused > 0 && ok > 0);
}

/* ---- accounting --------------------------------------------------------- */

static void test_variance_and_interval_against_r(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(dp_ref_laws) / sizeof(dp_ref_laws[0]); i++) {
		const struct dp_ref_law *r = &dp_ref_laws[i];
		struct mnr_dp_noise n = { r->kind, { r->num, r->den } };
		double var, cov, *p, s = 0.0;
		uint64_t c;
		int64_t z;

		assert_int_equal(mnr_dp_variance(&n, &var, NULL), MNR_OK);
		assert_rel(var, r->var, 1e-9);
		if (n.kind == MNR_DP_DGAUSS)  /* CKS Prop. 19: Var <= sigma^2 */
			assert_true(var <= mnr_rational_to_double(n.scale) * (1 + 1e-12));
		assert_int_equal(mnr_dp_interval(&n, 0.95, &c, &cov, NULL), MNR_OK);
		assert_int_equal(c, r->half);
		assert_rel(cov, r->coverage, 1e-9);
		/* coverage from the pmf itself: [-c, c] reaches 0.95, [-c+1, c-1] does not */
		p = malloc((2 * c + 1) * sizeof(*p));
		assert_non_null(p);
		assert_int_equal(mnr_dp_pmf(&n, -(int64_t)c, (int64_t)c, p, NULL), MNR_OK);
		for (z = 0; z <= 2 * (int64_t)c; z++)
			s += p[z];
		assert_rel(s, cov, 1e-9);
		assert_true(s - p[0] - p[2 * c] < 0.95);
		free(p);
	}
	assert_int_equal(mnr_dp_interval(&(struct mnr_dp_noise){ MNR_DP_DLAPLACE,
		{ 1, 1 } }, 1.0, &(uint64_t){ 0 }, &(double){ 0 }, NULL), MNR_EINVAL);
}

static void test_interval_empirical_coverage(void **state)
{
	/* truth 3, released = 3 + Z: [released - c, released + c] covers 3 */
	static const struct mnr_dp_noise laws[] = {
		{ MNR_DP_DLAPLACE, { 10, 3 } }, { MNR_DP_DGAUSS, { 2, 3 } },
	};
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct mnr_rng rng;
		uint64_t c;
		double cov;
		unsigned long hit = 0;
		int k;

		assert_int_equal(mnr_dp_interval(&laws[i], 0.95, &c, &cov, NULL), MNR_OK);
		mnr_rng_init_insecure(&rng, 77 + i);
		for (k = 0; k < NDRAW; k++) {
			int64_t r;

			assert_int_equal(mnr_dp_release_value(&rng, &laws[i], 3, &r, NULL),
					 MNR_OK);
			hit += (r - (int64_t)c <= 3 && 3 <= r + (int64_t)c);
		}
		assert_true(fabs(hit - NDRAW * cov) < 4.5 * sqrt(NDRAW * cov * (1 - cov)));
	}
}

static void test_theorem7_against_r(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(dp_ref_deltas) / sizeof(dp_ref_deltas[0]); i++) {
		const struct dp_ref_delta *r = &dp_ref_deltas[i];
		struct mnr_dp_noise n = { MNR_DP_DGAUSS, { r->num, r->den } };
		double d, dz, rho;

		assert_int_equal(mnr_dp_gauss_delta(&n, r->sens, 1, r->eps, &d, NULL),
				 MNR_OK);
		assert_rel(d, r->delta, 1e-6);
		/* the exact curve never exceeds the generic zCDP conversion */
		rho = (double)(r->sens * r->sens) / (2.0 * mnr_rational_to_double(n.scale));
		dz = mnr_dp_zcdp_delta(rho, r->eps);
		assert_true(d <= dz);
	}
	/* known zCDP conversion value: rho = 0.5, eps = 1 (CKS Cor. 13) */
	{
		double d = mnr_dp_zcdp_delta(0.5, 1.0), best = 1.0, a;

		for (a = 1.0001; a < 50.0; a += 0.0001) {
			double v = exp((a - 1) * (a * 0.5 - 1.0)) / (a - 1) * pow(1 - 1 / a, a);

			if (v < best)
				best = v;
		}
		assert_rel(d, best, 1e-6);
	}
}

static void test_calibration(void **state)
{
	struct mnr_dp_noise n;
	struct mnr_rational q;
	struct mnr_error err;
	double d;
	char buf[48];

	(void)state;
	mnr_error_clear(&err);
	/* Laplace: t = l1 / eps exactly, and back */
	assert_int_equal(mnr_dp_calibrate_laplace((struct mnr_rational){ 1, 2 }, 3, &n,
						  &err), MNR_OK);
	assert_int_equal(n.kind, MNR_DP_DLAPLACE);
	assert_true(n.scale.num == 6 && n.scale.den == 1);
	assert_int_equal(mnr_dp_laplace_epsilon(&n, 3, &q, &err), MNR_OK);
	assert_true(q.num == 1 && q.den == 2);
	/* Gaussian: sigma^2 = l2sq / (2 rho), and rho back */
	assert_int_equal(mnr_dp_calibrate_gauss_rho((struct mnr_rational){ 1, 100 }, 2,
						    &n, &err), MNR_OK);
	assert_int_equal(mnr_rational_format(n.scale, buf, sizeof(buf)), MNR_OK);
	assert_string_equal(buf, "100");
	assert_int_equal(mnr_dp_gauss_rho(&n, 2, &q, &err), MNR_OK);
	assert_true(q.num == 1 && q.den == 100);
	assert_int_equal(mnr_dp_gauss_rho(&n, 0, &q, &err), MNR_OK);
	assert_int_equal(mnr_dp_laplace_epsilon(&n, 1, &q, NULL), MNR_EINVAL);
	assert_int_equal(mnr_dp_calibrate_laplace((struct mnr_rational){ 0, 1 }, 1, &n,
						  NULL), MNR_EINVAL);
	/* (eps, delta): smallest grid sigma^2 meeting delta */
	assert_int_equal(mnr_dp_calibrate_gauss_eps_delta(1.0, 1e-6, 1, 1, &n, &err),
			 MNR_OK);
	assert_int_equal(mnr_dp_gauss_delta(&n, 1, 1, 1.0, &d, NULL), MNR_OK);
	assert_true(d <= 1e-6);
	{
		struct mnr_dp_noise m = n;

		/* one grid step (1/64) smaller fails */
		m.scale.num = n.scale.num * (64 / n.scale.den) - 1;
		m.scale.den = 64;
		assert_int_equal(mnr_dp_gauss_delta(&m, 1, 1, 1.0, &d, NULL), MNR_OK);
		assert_true(d > 1e-6);
		print_message("(eps=1, delta=1e-6, sens 1): sigma^2 = %llu/%llu\n",
			      (unsigned long long)n.scale.num, (unsigned long long)n.scale.den);
	}
	/* several cells: the zCDP conversion is used and met */
	assert_int_equal(mnr_dp_calibrate_gauss_eps_delta(1.0, 1e-6, 2, 4, &n, &err),
			 MNR_OK);
	assert_int_equal(mnr_dp_gauss_delta(&n, 2, 4, 1.0, &d, NULL), MNR_OK);
	assert_true(d <= 1e-6);
	assert_int_equal(mnr_dp_calibrate_gauss_eps_delta(0.0, 1e-6, 1, 1, &n, NULL),
			 MNR_EINVAL);
	assert_string_equal(mnr_dp_mechanism_name(MNR_DP_DGAUSS), "discrete_gaussian");
	assert_string_equal(mnr_dp_mechanism_name(0), "unknown");
}


/* ---- contribution bounding --------------------------------------------- */

static void test_bound_contributions_rule(void **state)
{
	/* unit 1: 5 rows in cell 3, 2 in cell 1, 1 in cell 7; unit 2: 1 in cell 7 */
	static const uint64_t keys[] = { 1, 1, 1, 1, 1, 1, 1, 1, 2 };
	static const uint32_t cells[] = { 3, 3, 1, 3, 7, 3, 1, 3, 7 };
	uint64_t counts[8] = { 0 };
	struct mnr_dp_bound_stats st;

	(void)state;
	assert_int_equal(mnr_dp_bound_contributions(keys, cells, 9, 2, 2, 8, counts,
						    &st, NULL), MNR_OK);
	assert_int_equal(counts[1], 2);
	assert_int_equal(counts[3], 2);
	assert_int_equal(counts[7], 1);
	assert_int_equal(counts[0] + counts[2] + counts[4] + counts[5] + counts[6], 0);
	assert_int_equal(st.rows, 9);
	assert_int_equal(st.kept, 5);
	assert_int_equal(st.dropped, 4);
	assert_int_equal(st.units, 2);
	assert_int_equal(mnr_dp_bound_contributions(keys, cells, 9, 2, 2, 7, counts,
						    NULL, NULL), MNR_EINVAL);
	assert_int_equal(mnr_dp_bound_contributions(keys, cells, 9, 0, 2, 8, counts,
						    NULL, NULL), MNR_EINVAL);
}

static void test_bound_contributions_sensitivity(void **state)
{
	/*
	 * The property the manifest's sensitivity rests on: removing any one
	 * unit changes the bounded counts in at most K cells by at most M each.
	 */
	enum { N = 3000, NC = 40, K = 3, M = 2 };
	static uint64_t keys[N], k2[N];
	static uint32_t cells[N], c2[N];
	uint64_t full[NC], less[NC];
	struct mnr_rng rng;
	uint64_t unit;
	int i;

	(void)state;
	mnr_rng_init_insecure(&rng, 99);
	for (i = 0; i < N; i++) {
		uint64_t a, b;

		assert_int_equal(mnr_rng_uniform(&rng, 150, &a, NULL), MNR_OK);
		assert_int_equal(mnr_rng_uniform(&rng, NC, &b, NULL), MNR_OK);
		keys[i] = a;
		cells[i] = (uint32_t)(a % 7 == 0 ? a % NC : b); /* some units pile on one cell */
	}
	memset(full, 0, sizeof(full));
	assert_int_equal(mnr_dp_bound_contributions(keys, cells, N, K, M, NC, full,
						    NULL, NULL), MNR_OK);
	for (unit = 0; unit < 150; unit++) {
		size_t n2 = 0;
		uint64_t l1 = 0;
		int changed = 0, c;

		for (i = 0; i < N; i++)
			if (keys[i] != unit) {
				k2[n2] = keys[i];
				c2[n2++] = cells[i];
			}
		memset(less, 0, sizeof(less));
		assert_int_equal(mnr_dp_bound_contributions(k2, c2, n2, K, M, NC, less,
							    NULL, NULL), MNR_OK);
		for (c = 0; c < NC; c++) {
			uint64_t d = full[c] - less[c];

			assert_true(full[c] >= less[c]);
			assert_true(d <= M);
			changed += d != 0;
			l1 += d;
		}
		assert_true(changed <= K);
		assert_true(l1 <= (uint64_t)K * M);
	}
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	fclose(f);
}

static void test_read_case_counts(void **state)
{
	char path[] = "/tmp/mnr_cases_XXXXXX";
	struct mnr_dp_case_counts cc;
	struct mnr_error err;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	/* person p1: 4 reports in ALB 2020-01, 1 in ALB 2020-03, 1 in BRA 2020-02 */
	write_file(path,
		   "country,reported_at,person_id\n"
		   "ALB,2020-01-05,p1\nALB,2020-01-06,p1\nALB,2020-01-07,p1\n"
		   "ALB,2020-01-08,p1\nALB,2020-03-01,p1\nBRA,2020-02-01,p1\n"
		   "BRA,2020-02-02,p2\nBRA,2020-02-03,\nBRA,2020-02-03,\n");
	mnr_error_clear(&err);
	assert_int_equal(mnr_dp_read_case_counts(path, NULL, -1, -1, 2, 2, &cc, &err),
			 MNR_OK);
	assert_int_equal(cc.ncountries, 2);
	assert_string_equal(cc.country[0], "ALB");
	assert_int_equal(cc.to - cc.from, 2);
	assert_true(cc.has_person);
	assert_int_equal(cc.rows_without_person, 2);
	/* p1 keeps its first 2 cells in index order: ALB-01 (2 of 4), ALB-03 */
	assert_int_equal(cc.count[0], 2);
	assert_int_equal(cc.count[1], 0);
	assert_int_equal(cc.count[2], 1);
	assert_int_equal(cc.count[3], 0);
	assert_int_equal(cc.count[4], 3);  /* p2 + two own-unit rows; p1's BRA row dropped */
	assert_int_equal(cc.count[5], 0);
	assert_int_equal(cc.stats.rows, 9);
	assert_int_equal(cc.stats.dropped, 3);
	assert_int_equal(cc.stats.units, 4);
	mnr_dp_case_counts_release(&cc);
	/* a narrower period leaves rows outside */
	assert_int_equal(mnr_dp_read_case_counts(path, NULL, 24241, 24241, 2, 2, &cc,
						 NULL), MNR_OK);
	assert_int_equal(cc.rows_outside, 5); /* 2020-02 only: the four BRA rows */
	mnr_dp_case_counts_release(&cc);

	/* without person_id every row is its own unit: nothing dropped */
	write_file(path, "country,reported_at\nALB,2020-01-05\nALB,2020-01-06\n"
			 "ALB,2020-01-07\n");
	assert_int_equal(mnr_dp_read_case_counts(path, NULL, -1, -1, 1, 1, &cc, NULL),
			 MNR_OK);
	assert_false(cc.has_person);
	assert_int_equal(cc.count[0], 3);
	assert_int_equal(cc.stats.dropped, 0);
	mnr_dp_case_counts_release(&cc);

	/* a bad row is located, without its value */
	write_file(path, "country,reported_at\nALB,2020-01-05\nALB,not-a-date\n");
	mnr_error_clear(&err);
	assert_int_equal(mnr_dp_read_case_counts(path, NULL, -1, -1, 1, 1, &cc, &err),
			 MNR_EDATA);
	assert_int_equal(err.line, 3);
	assert_null(strstr(err.msg, "not-a-date"));
	unlink(path);
}

/* ---- small-cell suppression ------------------------------------------- */

/*
 * Brute force, independent of the method: enumerate every non-negative
 * integer filling of the hidden cells that matches all published cells and
 * published totals, and record which values each hidden cell takes.  A
 * primary cell is protected when it can take at least two values.
 */
struct bf {
	const uint64_t *x;
	const unsigned char *mark, *rt, *ct;
	size_t nr, nc;
	uint64_t rowsum[4], colsum[4];  /* published totals */
	uint64_t cur[16];
	uint64_t lo[16], hi[16];
	unsigned long solutions;
};

static void bf_fill(struct bf *b, size_t i)
{
	size_t r, c, n = b->nr * b->nc;

	if (i == n) {
		for (r = 0; r < b->nr; r++) {
			uint64_t s = 0;

			for (c = 0; c < b->nc; c++)
				s += b->cur[r * b->nc + c];
			if (!b->rt[r] && s != b->rowsum[r])
				return;
		}
		for (c = 0; c < b->nc; c++) {
			uint64_t s = 0;

			for (r = 0; r < b->nr; r++)
				s += b->cur[r * b->nc + c];
			if (!b->ct[c] && s != b->colsum[c])
				return;
		}
		b->solutions++;
		for (r = 0; r < n; r++) {
			if (b->cur[r] < b->lo[r])
				b->lo[r] = b->cur[r];
			if (b->cur[r] > b->hi[r])
				b->hi[r] = b->cur[r];
		}
		return;
	}
	{
		uint64_t v, cap = 24, rs = 0, cs = 0;
		size_t k2;

		r = i / b->nc;
		c = i % b->nc;
		/* partial row and column sums bound the value (pruning) */
		for (k2 = r * b->nc; k2 < i; k2++)
			rs += b->cur[k2];
		for (k2 = c; k2 < i; k2 += b->nc)
			cs += b->cur[k2];
		if (b->mark[i] == MNR_SUPP_NONE) {
			v = b->x[i];
			cap = v;
		} else {
			v = 0;
		}
		for (; v <= cap; v++) {
			if ((!b->rt[r] && rs + v > b->rowsum[r]) ||
			    (!b->ct[c] && cs + v > b->colsum[c]))
				break;
			/* the last cell of a row must complete a published total */
			if (c == b->nc - 1 && !b->rt[r] && rs + v != b->rowsum[r])
				continue;
			if (r == b->nr - 1 && !b->ct[c] && cs + v != b->colsum[c])
				continue;
			b->cur[i] = v;
			bf_fill(b, i + 1);
		}
	}
}

/* Number of primary cells whose value is determined by what is published. */
static int recoverable(const uint64_t *x, size_t nr, size_t nc,
		       const unsigned char *mark, const unsigned char *rt,
		       const unsigned char *ct)
{
	int bad = 0;
	struct bf b;
	size_t r, c;

	memset(&b, 0, sizeof(b));
	b.x = x;
	b.mark = mark;
	b.rt = rt;
	b.ct = ct;
	b.nr = nr;
	b.nc = nc;
	for (r = 0; r < nr; r++)
		for (c = 0; c < nc; c++) {
			b.rowsum[r] += x[r * nc + c];
			b.colsum[c] += x[r * nc + c];
		}
	for (r = 0; r < nr * nc; r++) {
		b.lo[r] = UINT64_MAX;
		b.hi[r] = 0;
	}
	bf_fill(&b, 0);
	assert_true(b.solutions >= 1);  /* the truth is always a solution */
	for (r = 0; r < nr * nc; r++)
		bad += mark[r] == MNR_SUPP_PRIMARY && b.lo[r] == b.hi[r];
	return bad;
}

static void test_suppress_example(void **state)
{
	/* 3 x 3, k = 3: cell (0,0) = 1 is primary */
	static const uint64_t x[9] = { 1, 5, 9, 7, 4, 8, 6, 10, 3 };
	unsigned char mark[9], rt[3], ct[3];
	size_t np, ns;

	(void)state;
	assert_int_equal(mnr_dp_suppress(x, 3, 3, 3, mark, rt, ct, &np, &ns, NULL),
			 MNR_OK);
	assert_int_equal(np, 1);
	assert_int_equal(mark[0], MNR_SUPP_PRIMARY);
	/* cheapest rectangle: (0,1)=5, (2,0)=6, (2,1)... vs (1,0)=7,(1,1)=4: 5+7+4 = 16 */
	assert_int_equal(ns, 3);
	assert_int_equal(mark[1], MNR_SUPP_SECONDARY);
	assert_int_equal(mark[3], MNR_SUPP_SECONDARY);
	assert_int_equal(mark[4], MNR_SUPP_SECONDARY);
	assert_int_equal(rt[0] | rt[1] | rt[2] | ct[0] | ct[1] | ct[2], 0);
	assert_int_equal(recoverable(x, 3, 3, mark, rt, ct), 0);
	/*
	 * Controls for the brute force itself: a primary hidden alone is
	 * recovered from its row total; a rectangle whose "minus" corners are
	 * zero still lets the primary move one way (two values); hiding two
	 * cells per row but leaving a lone hidden cell in a column recovers it
	 * and, through the column, the primary.
	 */
	{
		unsigned char m2[9] = { MNR_SUPP_PRIMARY, 0, 0, 0, 0, 0, 0, 0, 0 };
		static const uint64_t z[9] = { 1, 0, 5, 0, 9, 9, 5, 9, 9 };
		unsigned char m3[9] = { MNR_SUPP_PRIMARY, MNR_SUPP_SECONDARY, 0,
					MNR_SUPP_SECONDARY, MNR_SUPP_SECONDARY, 0,
					0, 0, 0 };

		assert_int_equal(recoverable(x, 3, 3, m2, rt, ct), 1);
		assert_int_equal(recoverable(z, 3, 3, m3, rt, ct), 0);
		m3[4] = 0;  /* (1,0) and (0,1) now alone in a line */
		m3[2] = MNR_SUPP_SECONDARY;
		assert_int_equal(recoverable(z, 3, 3, m3, rt, ct), 1);
	}
	/* one row: the row total is hidden when only one cell is */
	{
		static const uint64_t y[3] = { 2, 50, 60 };
		unsigned char m1[3], r1[1], c1[3];

		assert_int_equal(mnr_dp_suppress(y, 1, 3, 3, m1, r1, c1, &np, &ns, NULL),
				 MNR_OK);
		assert_int_equal(m1[0], MNR_SUPP_PRIMARY);
		assert_int_equal(r1[0], MNR_SUPP_SECONDARY);
		assert_int_equal(c1[0], MNR_SUPP_SECONDARY);
		assert_int_equal(c1[1] | c1[2], 0);
	}
	assert_int_equal(mnr_dp_suppress(x, 3, 3, 0, mark, rt, ct, NULL, NULL, NULL),
			 MNR_EINVAL);
}

static void test_suppress_random_tables_protected(void **state)
{
	/* 300 random 3 x 3 and 3 x 4 tables of small counts, k = 3 */
	struct mnr_rng rng;
	int t;

	(void)state;
	mnr_rng_init_insecure(&rng, 4242);
	for (t = 0; t < 300; t++) {
		size_t nr = 3, nc = t % 2 ? 4 : 3, i, np, ns;
		uint64_t x[12], v;
		unsigned char mark[12], rt[3], ct[4];

		for (i = 0; i < nr * nc; i++) {
			assert_int_equal(mnr_rng_uniform(&rng, 7, &v, NULL), MNR_OK);
			x[i] = v;
		}
		assert_int_equal(mnr_dp_suppress(x, nr, nc, 3, mark, rt, ct, &np, &ns,
						 NULL), MNR_OK);
		for (i = 0; i < nr * nc; i++)
			assert_int_equal(mark[i] == MNR_SUPP_PRIMARY, x[i] > 0 && x[i] < 3);
		assert_int_equal(recoverable(x, nr, nc, mark, rt, ct), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rational_parse_format),
		cmocka_unit_test(test_rational_arith_and_overflow),
		cmocka_unit_test(test_rng_secure_and_insecure),
		cmocka_unit_test(test_rng_failure_releases_nothing),
		cmocka_unit_test(test_rng_fork_does_not_share_buffer),
		cmocka_unit_test(test_rng_uniform_chisq),
		cmocka_unit_test(test_bernoulli_exp_frequencies),
		cmocka_unit_test(test_sampler_goodness_of_fit_and_power),
		cmocka_unit_test(test_overflow_refused),
		cmocka_unit_test(test_variance_and_interval_against_r),
		cmocka_unit_test(test_interval_empirical_coverage),
		cmocka_unit_test(test_theorem7_against_r),
		cmocka_unit_test(test_calibration),
		cmocka_unit_test(test_bound_contributions_rule),
		cmocka_unit_test(test_bound_contributions_sensitivity),
		cmocka_unit_test(test_read_case_counts),
		cmocka_unit_test(test_suppress_example),
		cmocka_unit_test(test_suppress_random_tables_protected),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
