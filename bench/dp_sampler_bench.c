/*
 * Throughput of the exact discrete samplers (draws per second) against two
 * baselines measured in the same run: raw getrandom(2) bytes, and GSL's
 * floating-point Gaussian (the "unsafe float" mechanism Mironov 2012 warns
 * against).  Usage: dp_sampler_bench [seconds-per-case]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "mnrstat/dp.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double run(int kind, struct mnr_rational q, double secs)
{
	struct mnr_rng rng;
	struct mnr_dp_noise n = { kind, q };
	struct mnr_error err;
	double t0 = now(), t;
	unsigned long draws = 0;
	int64_t z, sink = 0;

	mnr_rng_init_secure(&rng);
	mnr_error_clear(&err);
	do {
		int i;

		for (i = 0; i < 1000; i++) {
			if (mnr_dp_sample(&rng, &n, &z, &err) != MNR_OK) {
				fprintf(stderr, "sampler failed: %s\n", err.msg);
				exit(1);
			}
			sink += z;
		}
		draws += 1000;
		t = now() - t0;
	} while (t < secs);
	mnr_rng_wipe(&rng);
	if (sink == 42424242)
		puts("");
	return (double)draws / t;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? strtod(argv[1], NULL) : 1.0;
	static const struct { const char *name; int kind; uint64_t num, den; } cases[] = {
		{ "discrete_gaussian sigma=1", MNR_DP_DGAUSS, 1, 1 },
		{ "discrete_gaussian sigma=10", MNR_DP_DGAUSS, 100, 1 },
		{ "discrete_gaussian sigma=1000", MNR_DP_DGAUSS, 1000000, 1 },
		{ "discrete_laplace t=1", MNR_DP_DLAPLACE, 1, 1 },
		{ "discrete_laplace t=10", MNR_DP_DLAPLACE, 10, 1 },
		{ "discrete_laplace t=1000", MNR_DP_DLAPLACE, 1000, 1 },
		{ "discrete_laplace t=10/3", MNR_DP_DLAPLACE, 10, 3 },
	};
	unsigned char buf[256];
	double t0, t, bytes = 0, ref;
	size_t i;
	gsl_rng *g;
	double gs = 0;
	unsigned long gd = 0;

	if (!(secs > 0))
		secs = 1.0;
	t0 = now();
	do {
		if (getrandom(buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
			return 1;
		bytes += sizeof(buf);
		t = now() - t0;
	} while (t < secs);
	ref = bytes / t;
	printf("baseline getrandom(256-byte reads): %.3g bytes/s = %.3g 64-bit words/s\n",
	       ref, ref / 8);
	g = gsl_rng_alloc(gsl_rng_mt19937);
	t0 = now();
	do {
		int k;

		for (k = 0; k < 1000; k++)
			gs += gsl_ran_gaussian(g, 10.0);
		gd += 1000;
		t = now() - t0;
	} while (t < secs);
	printf("baseline unsafe float gsl_ran_gaussian (mt19937, not private): %.3g draws/s\n",
	       (double)gd / t);
	gsl_rng_free(g);
	if (gs == 1e300)
		puts("");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mnr_rational q = { cases[i].num, cases[i].den };
		double r = run(cases[i].kind, q, secs);

		printf("%-32s %.3g draws/s (%.1f%% of getrandom 64-bit word rate)\n",
		       cases[i].name, r, 100.0 * r / (ref / 8));
	}
	return 0;
}
