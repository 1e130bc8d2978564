/*
 * Benchmarks of the ITS engine (not part of the program).
 *
 *   its_bench coverage [REPS [SEED]]
 *       Simulation check of honesty (issue 3, item 6): segmented series
 *       with AR(1) errors; share of 95% intervals that contain the true
 *       level change for classic, Newey-West (with and without the
 *       small-sample factor) and Prais-Winsten errors, at n = 24 and 120.
 *   its_bench timing PANEL.csv ADOPTION.csv [ROUNDS]
 *       Time the sensitivity grid (every model x error method the data
 *       allow) over every country x metric series of a panel; never-
 *       adopters get the placebo date 2018-07.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "mnrstat/its.h"
#include "mnrstat/panel.h"

#define TRUE_LEVEL 2.0
#define NMETH 4

/* CPU time of this process: the 2-core machine is shared, wall time is noisy. */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int coverage(long reps, unsigned long seed)
{
	static const size_t ns[] = { 24, 120 };
	static const double rhos[] = { 0.0, 0.3, 0.6, 0.9 };
	static const char *const names[NMETH] = {
		"classic", "newey-west", "newey-west+adj", "prais-winsten"
	};
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	size_t a, b, m;

	gsl_rng_set(rng, seed);
	printf("its coverage simulation: seed %lu (gsl mt19937), %ld series per cell\n",
	       seed, reps);
	printf("y_t = 10 + 0.05 t + %.1f level_t + 0.05 slope_t + u_t, u_t = rho u_{t-1} + e_t,\n"
	       "e_t ~ N(0, 1), u_1 from the stationary law; intervention at n/2;\n"
	       "ols with level+slope terms; share of 95%% intervals containing the\n"
	       "true level change (mean interval width in brackets; MC se of a\n"
	       "share near 0.95 is %.3f)\n\n", TRUE_LEVEL,
	       sqrt(0.95 * 0.05 / (double)reps));
	printf("%5s %5s", "n", "rho");
	for (m = 0; m < NMETH; m++)
		printf("  %-20s", names[m]);
	printf("\n");
	for (a = 0; a < sizeof(ns) / sizeof(ns[0]); a++) {
		for (b = 0; b < sizeof(rhos) / sizeof(rhos[0]); b++) {
			size_t n = ns[a], i;
			double rho = rhos[b], width[NMETH] = { 0 };
			long hit[NMETH] = { 0 }, ok[NMETH] = { 0 }, r;
			int *month = malloc(n * sizeof(int));
			double *y = malloc(n * sizeof(double));
			int iv = 2000 * 12 + (int)(n / 2);

			for (i = 0; i < n; i++)
				month[i] = 2000 * 12 + (int)i;
			for (r = 0; r < reps; r++) {
				double u = gsl_ran_gaussian(rng, 1.0) /
					   sqrt(1.0 - rho * rho);
				struct mnr_its_series s = { n, month, y, NULL, NULL };

				for (i = 0; i < n; i++) {
					int post = month[i] >= iv;

					if (i)
						u = rho * u + gsl_ran_gaussian(rng, 1.0);
					y[i] = 10.0 + 0.05 * (double)(i + 1) +
					       (post ? TRUE_LEVEL : 0.0) +
					       (post ? 0.05 * (double)(month[i] - iv)
						     : 0.0) + u;
				}
				for (m = 0; m < NMETH; m++) {
					struct mnr_its_options o;
					struct mnr_its_result res;
					struct mnr_error err;
					const struct mnr_its_coef *c;

					mnr_its_options_init(&o);
					o.errors = m == 0 ? MNR_ITS_CLASSIC
						 : m == 3 ? MNR_ITS_PRAIS_WINSTEN
							  : MNR_ITS_NEWEY_WEST;
					o.nw_adjust = m == 2;
					mnr_error_clear(&err);
					if (mnr_its_fit(&s, &iv, 1, &o, &res, &err))
						continue;
					c = mnr_its_coef_find(&res, "level_change");
					ok[m]++;
					hit[m] += c->ci_low <= TRUE_LEVEL &&
						  TRUE_LEVEL <= c->ci_high;
					width[m] += c->ci_high - c->ci_low;
					mnr_its_result_free(&res);
				}
			}
			printf("%5zu %5.1f", n, rho);
			for (m = 0; m < NMETH; m++) {
				char cell[32];

				snprintf(cell, sizeof(cell), "%.3f [%.2f]",
					 ok[m] ? (double)hit[m] / (double)ok[m] : NAN,
					 ok[m] ? width[m] / (double)ok[m] : NAN);
				printf("  %-20s", cell);
			}
			printf("\n");
			free(month);
			free(y);
		}
	}
	gsl_rng_free(rng);
	return 0;
}

static int timing(const char *panel_path, const char *adoption_path,
		  int rounds)
{
	struct mnr_panel *p = NULL;
	struct mnr_adoption *ad = NULL;
	struct mnr_error err;
	size_t c, m, nseries = 0, nfits = 0, nrefused = 0, ndisagree = 0;
	double t0, t1, w0, w1, best = INFINITY, best_wall = INFINITY;
	int round;

	mnr_error_clear(&err);
	if (mnr_panel_read(panel_path, NULL, &p, &err) ||
	    mnr_adoption_read(adoption_path, NULL, &ad, &err)) {
		fprintf(stderr, "its_bench: %s\n", err.msg);
		return 1;
	}
	for (round = 0; round < rounds; round++) {
		nseries = nfits = nrefused = ndisagree = 0;
		t0 = cpu_now();
		w0 = wall_now();
		for (c = 0; c < p->ncountries; c++) {
			int iv = mnr_adoption_start(ad, p->country[c]);

			if (iv < 0)
				iv = 2018 * 12 + 6;
			for (m = 0; m < p->nmetrics; m++) {
				struct mnr_series s;
				struct mnr_its_series v;
				struct mnr_its_options o;
				struct mnr_its_sensitivity t;
				int *month;
				size_t i;

				mnr_error_clear(&err);
				if (mnr_panel_series(p, p->country[c],
						     p->metric[m], -1, -1, &s,
						     &err))
					continue;
				month = malloc(s.n * sizeof(int));
				for (i = 0; i < s.n; i++)
					month[i] = s.first_month + (int)i;
				v.n = s.n;
				v.month = month;
				v.y = s.y;
				v.population = s.population;
				v.noise_var = s.noise_var;
				mnr_its_options_init(&o);
				o.seasonality = MNR_ITS_SEASON_FOURIER;
				o.fourier_k = 1;
				nseries++;
				if (mnr_its_sensitivity_run(&v, &iv, 1, &o, &t,
							    &err) == MNR_OK) {
					for (i = 0; i < t.nrows; i++)
						nfits += t.rows[i].status == MNR_OK;
					ndisagree += t.any_disagreement != 0;
					mnr_its_sensitivity_free(&t);
				} else {
					nrefused++;
				}
				free(month);
				mnr_series_release(&s);
			}
		}
		t1 = cpu_now();
		w1 = wall_now();
		if (t1 - t0 < best)
			best = t1 - t0;
		if (w1 - w0 < best_wall)
			best_wall = w1 - w0;
	}
	printf("its sensitivity grid over %s: %zu series (%zu countries x %zu metrics), "
	       "%zu fits, %zu series refused, %zu with disagreeing methods\n",
	       panel_path, nseries, p->ncountries, p->nmetrics, nfits,
	       nrefused, ndisagree);
	printf("best of %d rounds: %.3f s CPU (%.3f ms a series, %.1f us a fit); "
	       "best wall time %.3f s\n", rounds, best,
	       1e3 * best / (double)nseries, 1e6 * best / (double)nfits,
	       best_wall);
	mnr_panel_free(p);
	mnr_adoption_free(ad);
	return 0;
}

int main(int argc, char **argv)
{
	gsl_set_error_handler_off();
	if (argc >= 2 && strcmp(argv[1], "coverage") == 0)
		return coverage(argc > 2 ? strtol(argv[2], NULL, 10) : 2000,
				argc > 3 ? strtoul(argv[3], NULL, 10) : 20261127UL);
	if (argc >= 4 && strcmp(argv[1], "timing") == 0)
		return timing(argv[2], argv[3],
			      argc > 4 ? (int)strtol(argv[4], NULL, 10) : 3);
	fprintf(stderr, "usage: its_bench coverage [REPS [SEED]]\n"
		"       its_bench timing PANEL.csv ADOPTION.csv [ROUNDS]\n");
	return 64;
}
