/*
 * Benchmark for mnr_did_run: a simulated 60-unit x 120-month panel with
 * staggered adoption (six cohorts and never-treated units), all methods,
 * B bootstrap draws.  Usage: bench_did [units] [months] [draws] [reps].
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "mnrstat/did.h"

static size_t arg(int argc, char **argv, int i, size_t def)
{
	char *end;
	unsigned long v;

	if (argc <= i)
		return def;
	errno = 0;
	v = strtoul(argv[i], &end, 10);
	if (errno || *end || end == argv[i] || v == 0) {
		fprintf(stderr, "bench_did: bad argument %d\n", i);
		exit(64);
	}
	return (size_t)v;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	size_t N = arg(argc, argv, 1, 60), T = arg(argc, argv, 2, 120);
	size_t B = arg(argc, argv, 3, 999), reps = arg(argc, argv, 4, 5);
	size_t n = N * T, i, t, k, r;
	size_t *unit = malloc(n * sizeof(size_t));
	long *period = malloc(n * sizeof(long)), *adopt = malloc(N * sizeof(long));
	double *y = malloc(n * sizeof(double)), best = INFINITY;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	struct mnr_did_panel p;
	struct mnr_did_options o;
	struct mnr_did_result *res = NULL;
	struct mnr_error err;

	gsl_set_error_handler_off();
	if (!unit || !period || !adopt || !y || !rng)
		return 70;
	gsl_rng_set(rng, 42);
	for (i = 0; i < N; i++) {
		/* Half the units adopt, in six cohorts spread over the panel. */
		adopt[i] = i < N / 2 ? 24000 + 24 + (long)(i % 6) * 12 :
				       MNR_DID_NEVER;
		for (t = 0; t < T; t++) {
			long per = 24000 + (long)t;
			double eff = (adopt[i] != MNR_DID_NEVER && per >= adopt[i]) ?
				     0.5 + 0.02 * (double)(per - adopt[i]) : 0.0;

			k = i * T + t;
			unit[k] = i;
			period[k] = per;
			y[k] = 10.0 + 0.1 * (double)i + 0.01 * (double)t + eff +
			       gsl_ran_gaussian(rng, 1.0);
		}
	}
	p = (struct mnr_did_panel){ n, unit, period, y, NULL, N, adopt };
	mnr_did_options_init(&o);
	o.boot = B;
	o.wild = MNR_DID_WILD_ON;
	for (r = 0; r < reps; r++) {
		double t0 = now(), dt;

		mnr_error_clear(&err);
		if (mnr_did_run(&p, &o, &res, &err) != MNR_OK) {
			fprintf(stderr, "bench_did: %s\n", err.msg);
			return 70;
		}
		dt = now() - t0;
		if (dt < best)
			best = dt;
		if (r + 1 < reps)
			mnr_did_result_free(res);
	}
	printf("units=%zu months=%zu draws=%zu attgt=%zu best_of_%zu=%.3f s\n",
	       N, T, B, res->cs.n_attgt, reps, best);
	printf("cs_overall=%.4f (se %.4f) twfe=%.4f (se %.4f) wild_p=%.3f\n",
	       res->cs.overall.est, res->cs.overall.se, res->twfe.beta.est,
	       res->twfe.beta.se, res->twfe.wild_p);
	mnr_did_result_free(res);
	gsl_rng_free(rng);
	free(unit);
	free(period);
	free(adopt);
	free(y);
	return 0;
}
