/*
 * Unit tests for the did module: reference values from R (lm +
 * sandwich::vcovCL for TWFE and 2x2; a direct R implementation of
 * Callaway & Sant'Anna ATT(g,t), influence functions and aggregations; see
 * tests/reference/did/did_reference.R), the Goodman-Bacon identity, a
 * simulation with effects that grow over time, and the small-sample and
 * error paths.
 */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "mnrstat/alloc.h"
#include "mnrstat/did.h"

#include "../reference/did/did_ref.h"

#define REL 1e-6

/* The reference panel, optionally without the rows of ref_drop. */
struct panel_buf {
	size_t unit[REF_N_OBS];
	long period[REF_N_OBS];
	double y[REF_N_OBS];
	double pop[REF_N_OBS];
	struct mnr_did_panel p;
};

static void ref_panel(struct panel_buf *b, int unbalanced, int counts)
{
	size_t k, n = 0, j;

	for (k = 0; k < REF_N_OBS; k++) {
		int dropped = 0;

		for (j = 0; j < REF_N_DROP; j++)
			dropped |= unbalanced && ref_drop[j] == k;
		if (dropped)
			continue;
		b->unit[n] = ref_unit[k];
		b->period[n] = ref_period[k];
		b->y[n] = counts ? ref_count[k] : ref_y[k];
		b->pop[n] = ref_pop[k];
		n++;
	}
	b->p = (struct mnr_did_panel){ n, b->unit, b->period, b->y, b->pop,
				       REF_N_UNITS, ref_adopt };
}

static struct mnr_did_result *run(const struct mnr_did_panel *p,
				  const struct mnr_did_options *o)
{
	struct mnr_did_result *r = NULL;
	struct mnr_error err;

	mnr_error_clear(&err);
	if (mnr_did_run(p, o, &r, &err) != MNR_OK)
		fail_msg("mnr_did_run: %s", err.msg);
	return r;
}

static void test_twfe_balanced(void **state)
{
	struct panel_buf b;
	struct mnr_did_options o;
	struct mnr_did_result *r;
	double wsum = 0.0;
	size_t k;

	(void)state;
	ref_panel(&b, 0, 0);
	mnr_did_options_init(&o);
	o.methods = MNR_DID_TWFE;
	r = run(&b.p, &o);
	assert_true(r->balanced);
	assert_null(r->twfe.beta.reason);
	assert_rel(r->twfe.beta.est, ref_twfe_bal[0], REL);
	assert_rel(r->twfe.beta.se, ref_twfe_bal[1], REL);
	assert_int_equal(r->twfe.n_clusters, 12);
	assert_int_equal(r->twfe.n_params, 22);
	assert_rel(r->twfe.beta.df, 11.0, 0);
	/* Goodman-Bacon: weights sum to 1 and reproduce TWFE (1e-10). */
	assert_non_null(r->twfe.bacon);
	assert_null(r->twfe.bacon_reason);
	for (k = 0; k < r->twfe.n_bacon; k++) {
		assert_true(r->twfe.bacon[k].weight >= 0.0);
		wsum += r->twfe.bacon[k].weight;
	}
	assert_true(fabs(wsum - 1.0) <= 1e-10);
	assert_true(fabs(r->twfe.bacon_sum - r->twfe.beta.est) <=
		    1e-10 * fabs(r->twfe.beta.est));
	/* Three timing groups, the always-treated group and the never
	 * treated: 3 vs never, 3 early/late pairs x2, 3 late vs always. */
	assert_int_equal(r->twfe.n_bacon, 3 + 6 + 3);
	mnr_did_result_free(r);
}

static void test_twfe_unbalanced(void **state)
{
	struct panel_buf b;
	struct mnr_did_options o;
	struct mnr_did_result *r;

	(void)state;
	ref_panel(&b, 1, 0);
	mnr_did_options_init(&o);
	o.methods = MNR_DID_TWFE;
	r = run(&b.p, &o);
	assert_false(r->balanced);
	assert_rel(r->twfe.beta.est, ref_twfe_unbal[0], REL);
	assert_rel(r->twfe.beta.se, ref_twfe_unbal[1], REL);
	assert_null(r->twfe.bacon);
	assert_non_null(r->twfe.bacon_reason);
	assert_non_null(strstr(r->twfe.bacon_reason, "unbalanced"));
	mnr_did_result_free(r);
}

static void check_2x2(const struct mnr_did_2x2 *d, const double *want)
{
	assert_null(d->att.reason);
	assert_rel(d->att.est, want[0], REL);
	assert_rel(d->att.se, want[1], REL);
	assert_rel(d->mean_treated_pre, want[2], REL);
	assert_rel(d->mean_treated_post, want[3], REL);
	assert_rel(d->mean_control_pre, want[4], REL);
	assert_rel(d->mean_control_post, want[5], REL);
	assert_int_equal(d->post_last, (long)want[6]);
}

static void test_2x2(void **state)
{
	struct panel_buf b;
	struct mnr_did_options o;
	struct mnr_did_result *r;

	(void)state;
	ref_panel(&b, 0, 0);
	mnr_did_options_init(&o);
	o.methods = MNR_DID_2X2;
	o.cohort = 5;
	r = run(&b.p, &o);
	assert_int_equal(r->n_dd, 1);
	assert_int_equal(r->dd[0].n_treated, 3);
	assert_int_equal(r->dd[0].n_control, 5);
	assert_rel(r->dd[0].att.df, 7.0, 0);
	check_2x2(&r->dd[0], ref_2x2_g5_never);
	mnr_did_result_free(r);

	o.control = MNR_DID_CONTROL_NOTYET;
	r = run(&b.p, &o);
	check_2x2(&r->dd[0], ref_2x2_g5_notyet);
	assert_int_equal(r->dd[0].n_control, 7);
	mnr_did_result_free(r);

	ref_panel(&b, 1, 0);
	o.control = MNR_DID_CONTROL_NEVER;
	r = run(&b.p, &o);
	check_2x2(&r->dd[0], ref_2x2_g5_never_unbal);
	mnr_did_result_free(r);

	/* Every cohort; the one-unit cohort 3 has no standard error. */
	ref_panel(&b, 0, 0);
	o.cohort = MNR_DID_NEVER;
	r = run(&b.p, &o);
	assert_int_equal(r->n_dd, 3);
	assert_int_equal(r->dd[0].cohort, 3);
	assert_true(isfinite(r->dd[0].att.est));
	assert_true(isnan(r->dd[0].att.se));
	assert_non_null(strstr(r->dd[0].att.reason, "one treated unit"));
	mnr_did_result_free(r);

	o.cohort = 4;
	{
		struct mnr_error err;

		mnr_error_clear(&err);
		assert_int_equal(mnr_did_run(&b.p, &o, &r, &err), MNR_EINVAL);
		assert_null(r);
	}
}

struct cs_ref {
	size_t ncell;
	const long *cg, *ct;
	const double *catt, *cse;
	const size_t *cntr;
	size_t nev;
	const long *ev;
	const double *ev_est, *ev_se;
	size_t ncoh;
	const long *coh;
	const double *coh_est, *coh_se;
	size_t ncal;
	const long *cal;
	const double *cal_est, *cal_se;
	const double *overall, *event_post, *pre;
};

#define CS_REF(tag, TAG) (struct cs_ref){ TAG##_NCELL, tag##_cell_g, \
	tag##_cell_t, tag##_cell_att, tag##_cell_se, tag##_cell_ntr, \
	TAG##_NEV, tag##_ev, tag##_ev_est, tag##_ev_se, TAG##_NCOH, \
	tag##_coh, tag##_coh_est, tag##_coh_se, TAG##_NCAL, tag##_cal, \
	tag##_cal_est, tag##_cal_se, tag##_overall, tag##_event_post, \
	tag##_pre }

static void check_cs(const struct mnr_did_cs *c, const struct cs_ref *w)
{
	size_t k, j, found = 0;

	assert_true(c->computed);
	/* Every R cell is present with the same estimate; cells R skips are
	 * missing in C with a reason. */
	for (j = 0; j < c->n_attgt; j++) {
		const struct mnr_did_attgt *a = &c->attgt[j];

		for (k = 0; k < w->ncell; k++)
			if (w->cg[k] == a->cohort && w->ct[k] == a->period)
				break;
		if (k == w->ncell) {
			assert_true(isnan(a->att.est));
			assert_non_null(a->att.reason);
			continue;
		}
		found++;
		assert_rel(a->att.est, w->catt[k], REL);
		assert_int_equal(a->n_treated, w->cntr[k]);
		if (w->cntr[k] == 1) {
			assert_true(isnan(a->att.se));
			assert_non_null(strstr(a->att.reason, "cohort of one"));
		} else {
			assert_rel(a->att.se, w->cse[k], REL);
		}
	}
	assert_int_equal(found, w->ncell);
	assert_int_equal(c->n_event, w->nev);
	for (k = 0; k < w->nev; k++) {
		assert_int_equal(c->event[k].key, w->ev[k]);
		assert_rel(c->event[k].est.est, w->ev_est[k], REL);
		assert_rel(c->event[k].est.se, w->ev_se[k], REL);
		if (isnan(w->ev_se[k]))
			assert_non_null(strstr(c->event[k].est.reason,
					       "one-unit cohort"));
	}
	assert_int_equal(c->n_cohort, w->ncoh);
	for (k = 0; k < w->ncoh; k++) {
		assert_int_equal(c->cohort[k].key, w->coh[k]);
		assert_rel(c->cohort[k].est.est, w->coh_est[k], REL);
		assert_rel(c->cohort[k].est.se, w->coh_se[k], REL);
	}
	assert_int_equal(c->n_calendar, w->ncal);
	for (k = 0; k < w->ncal; k++) {
		assert_int_equal(c->calendar[k].key, w->cal[k]);
		assert_rel(c->calendar[k].est.est, w->cal_est[k], REL);
		assert_rel(c->calendar[k].est.se, w->cal_se[k], REL);
	}
	assert_rel(c->overall.est, w->overall[0], REL);
	assert_rel(c->overall.se, w->overall[1], REL);
	assert_rel(c->event_post.est, w->event_post[0], REL);
	assert_rel(c->event_post.se, w->event_post[1], REL);
	assert_rel(c->pre_wald, w->pre[0], REL);
	assert_rel(c->pre_df, w->pre[1], 0);
}

static void test_cs_never(void **state)
{
	struct panel_buf b;
	struct mnr_did_options o;
	struct mnr_did_result *r;
	struct cs_ref w = CS_REF(cs_never, CS_NEVER);

	(void)state;
	ref_panel(&b, 0, 0);
	mnr_did_options_init(&o);
	o.methods = MNR_DID_CS;
	o.boot = 0;
	r = run(&b.p, &o);
	/* The always-treated unit is dropped. */
	assert_int_equal(r->cs.n_units, 11);
	assert_int_equal(r->cs.n_never, 5);
	assert_int_equal(r->cs.n_cohorts, 3);
	check_cs(&r->cs, &w);
	assert_true(r->cs.pre_p > 0.0 && r->cs.pre_p < 1.0);
	mnr_did_result_free(r);
}

static void test_cs_notyet_anticipation(void **state)
{
	struct panel_buf b;
	struct mnr_did_options o;
	struct mnr_did_result *r;
	struct cs_ref w = CS_REF(cs_notyet_a1, CS_NOTYET_A1);

	(void)state;
	ref_panel(&b, 0, 0);
	mnr_did_options_init(&o);
	o.methods = MNR_DID_CS;
	o.control = MNR_DID_CONTROL_NOTYET;
	o.anticipation = 1;
	o.boot = 0;
	r = run(&b.p, &o);
	check_cs(&r->cs, &w);
	mnr_did_result_free(r);
}

static void test_cs_unbalanced(void **state)
{
	struct panel_buf b;
	struct mnr_did_options o;
	struct mnr_did_result *r;
	struct cs_ref w = CS_REF(cs_unbal, CS_UNBAL);

	(void)state;
	ref_panel(&b, 1, 0);
	mnr_did_options_init(&o);
	o.methods = MNR_DID_CS;
	o.boot = 0;
	r = run(&b.p, &o);
	check_cs(&r->cs, &w);
	/* Period 4 has no estimable cell (the one-unit cohort is missing). */
	assert_non_null(r->cs.calendar[1].est.reason);
	mnr_did_result_free(r);
}

static void test_cs_log_rate(void **state)
{
	struct panel_buf b;
	struct mnr_did_options o;
	struct mnr_did_result *r;
	struct cs_ref w = CS_REF(cs_lograte, CS_LOGRATE);

	(void)state;
	ref_panel(&b, 0, 1);
	mnr_did_options_init(&o);
	o.methods = MNR_DID_CS;
	o.control = MNR_DID_CONTROL_NOTYET;
	o.per_population = 1;
	o.log_outcome = 1;
	o.boot = 0;
	r = run(&b.p, &o);
	assert_true(r->log_outcome && r->per_population);
	check_cs(&r->cs, &w);
	mnr_did_result_free(r);
}

static void test_bootstrap(void **state)
{
	struct panel_buf b;
	struct mnr_did_options o;
	struct mnr_did_result *r1, *r2, *r3;
	size_t k, banded = 0;

	(void)state;
	ref_panel(&b, 0, 0);
	mnr_did_options_init(&o);
	o.seed = 12345;
	o.boot = 999;
	r1 = run(&b.p, &o);
	r2 = run(&b.p, &o);
	o.seed = 54321;
	r3 = run(&b.p, &o);
	assert_int_equal(r1->seed, 12345);
	assert_int_equal(r1->boot, 999);
	/* Same seed, same draws; another seed, other draws. */
	assert_true(r1->cs.uniform_crit == r2->cs.uniform_crit);
	assert_true(r1->twfe.wild_p == r2->twfe.wild_p);
	assert_true(r1->cs.uniform_crit != r3->cs.uniform_crit);
	/* The simultaneous critical value exceeds the pointwise one. */
	assert_true(r1->cs.uniform_crit > 1.96);
	assert_true(r1->cs.uniform_crit < 10.0);
	for (k = 0; k < r1->cs.n_event; k++) {
		const struct mnr_did_agg *a = &r1->cs.event[k];

		if (isnan(a->band_lo)) {
			/* Only the one-unit cohort 3 reaches e = 6, 7. */
			assert_true(isnan(a->est.se));
			assert_true(a->key >= 6);
			continue;
		}
		banded++;
		assert_true(a->band_lo < a->est.est && a->est.est < a->band_hi);
		/* Bootstrap and analytic standard errors agree roughly. */
		assert_true(a->boot_se > 0.5 * a->est.se &&
			    a->boot_se < 2.0 * a->est.se);
	}
	assert_int_equal(banded, r1->cs.n_event - 2);
	/* Fewer than 30 clusters: both wild bootstrap p-values are run. */
	assert_int_equal(r1->twfe.wild_draws, 999);
	assert_true(r1->twfe.wild_p >= 0.0 && r1->twfe.wild_p <= 1.0);
	assert_true(r1->cs.overall_wild_p >= 0.0 &&
		    r1->cs.overall_wild_p <= 1.0);
	/* The effect in the reference data is large: both reject. */
	assert_true(r1->twfe.wild_p < 0.05);
	assert_true(r1->cs.overall_wild_p < 0.05);
	mnr_did_result_free(r1);
	mnr_did_result_free(r2);
	mnr_did_result_free(r3);

	o.wild = MNR_DID_WILD_OFF;
	r1 = run(&b.p, &o);
	assert_true(isnan(r1->twfe.wild_p));
	assert_true(isnan(r1->cs.overall_wild_p));
	mnr_did_result_free(r1);
}

/*
 * Simulated staggered panel: unit and period effects, noise sd, cohorts at
 * the given periods (equal shares) and never-treated units; the effect at
 * event time e >= 0 is 1 + slope * e.
 */
struct sim {
	size_t N, T, n;
	size_t *unit;
	long *period, *adopt;
	double *y;
	struct mnr_did_panel p;
};

static void sim_make(struct sim *s, size_t N, size_t T, const long *coh,
		     size_t nc, size_t n_never, double slope, double sd,
		     unsigned long seed)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	size_t i, t, k;

	gsl_rng_set(r, seed);
	s->N = N;
	s->T = T;
	s->n = N * T;
	s->unit = malloc(s->n * sizeof(size_t));
	s->period = malloc(s->n * sizeof(long));
	s->adopt = malloc(N * sizeof(long));
	s->y = malloc(s->n * sizeof(double));
	assert_non_null(s->unit);
	assert_non_null(s->y);
	for (i = 0; i < N; i++) {
		double a = gsl_ran_gaussian(r, 2.0);

		s->adopt[i] = i < n_never ? MNR_DID_NEVER :
			      coh[(i - n_never) % nc];
		for (t = 0; t < T; t++) {
			long per = (long)t + 1;
			double eff = 0.0;

			k = i * T + t;
			if (s->adopt[i] != MNR_DID_NEVER && per >= s->adopt[i])
				eff = 1.0 + slope * (double)(per - s->adopt[i]);
			s->unit[k] = i;
			s->period[k] = per;
			s->y[k] = a + 0.3 * (double)t + eff +
				  gsl_ran_gaussian(r, sd);
		}
	}
	gsl_rng_free(r);
	s->p = (struct mnr_did_panel){ s->n, s->unit, s->period, s->y, NULL,
				       N, s->adopt };
}

static void sim_free(struct sim *s)
{
	free(s->unit);
	free(s->period);
	free(s->adopt);
	free(s->y);
}

static void test_simulation_growing_effects(void **state)
{
	static const long coh[3] = { 6, 11, 16 };
	struct sim s;
	struct mnr_did_options o;
	struct mnr_did_result *r;
	double truth = 0.0;
	size_t k, c, misses = 0;

	(void)state;
	/* 300 units, 20 periods, three equal cohorts and 60 never treated. */
	sim_make(&s, 300, 20, coh, 3, 60, 0.4, 1.0, 7);
	/* theta^O: cohort-average of the post-period effects, equal cohort
	 * sizes, so a plain mean over cohorts. */
	for (c = 0; c < 3; c++) {
		double m = 0.0;
		long t;

		for (t = coh[c]; t <= 20; t++)
			m += 1.0 + 0.4 * (double)(t - coh[c]);
		truth += m / (double)(20 - coh[c] + 1) / 3.0;
	}
	mnr_did_options_init(&o);
	o.methods = MNR_DID_TWFE | MNR_DID_CS;
	o.boot = 199;
	r = run(&s.p, &o);
	/* CS recovers the truth; TWFE is far below it (Goodman-Bacon). */
	assert_true(fabs(r->cs.overall.est - truth) < 3.0 * r->cs.overall.se);
	assert_true(r->cs.overall.lo < truth && truth < r->cs.overall.hi);
	assert_true(truth - r->twfe.beta.est > 10.0 * r->twfe.beta.se);
	/*
	 * Event study: a 95% simultaneous band misses the truth somewhere
	 * with probability 0.05; two misses would point to a defect.
	 */
	for (k = 0; k < r->cs.n_event; k++) {
		const struct mnr_did_agg *a = &r->cs.event[k];
		double want = a->key >= 0 ? 1.0 + 0.4 * (double)a->key : 0.0;

		assert_true(isfinite(a->band_lo));
		misses += !(a->band_lo <= want && want <= a->band_hi);
	}
	assert_true(misses <= 1);
	assert_true(r->cs.pre_p > 0.01);
	/* The "forbidden" comparisons carry weight and pull TWFE down. */
	{
		double wbad = 0.0;

		for (k = 0; k < r->twfe.n_bacon; k++)
			if (r->twfe.bacon[k].type ==
			    MNR_DID_BACON_LATE_VS_EARLY)
				wbad += r->twfe.bacon[k].weight;
		assert_true(wbad > 0.1);
		assert_true(fabs(r->twfe.bacon_sum - r->twfe.beta.est) <=
			    1e-10 * fabs(r->twfe.beta.est));
	}
	mnr_did_result_free(r);

	/* In-time placebo: 3 periods earlier, no real effect before. */
	o.placebo = 3;
	r = run(&s.p, &o);
	assert_int_equal(r->placebo, 3);
	assert_true(r->n_obs < s.n);
	assert_true(fabs(r->cs.overall.est) < 4.0 * r->cs.overall.se);
	mnr_did_result_free(r);
	sim_free(&s);
}

/*
 * Size of the wild bootstrap tests: 200 simulated panels with no effect,
 * 12 countries (the small-sample case they exist for); the 5% tests
 * should reject about 10 times (binomial sd 3), and never wildly more.
 */
static void test_wild_size(void **state)
{
	static const long coh[3] = { 4, 6, 8 };
	struct mnr_did_options o;
	size_t rep, rej_twfe = 0, rej_cs = 0;

	(void)state;
	mnr_did_options_init(&o);
	o.methods = MNR_DID_TWFE | MNR_DID_CS;
	o.boot = 199;
	for (rep = 0; rep < 200; rep++) {
		struct sim s;
		struct mnr_did_result *r;

		sim_make(&s, 12, 10, coh, 3, 6, 0.0, 1.0, 1000 + rep);
		/* Remove the built-in effect: a null DGP. */
		for (size_t k = 0; k < s.n; k++)
			if (s.adopt[s.unit[k]] != MNR_DID_NEVER &&
			    s.period[k] >= s.adopt[s.unit[k]])
				s.y[k] -= 1.0;
		o.seed = 77 + rep;
		r = run(&s.p, &o);
		assert_int_equal(r->twfe.wild_draws, 199);
		rej_twfe += r->twfe.wild_p < 0.05;
		rej_cs += r->cs.overall_wild_p < 0.05;
		mnr_did_result_free(r);
		sim_free(&s);
	}
	if (getenv("DID_VERBOSE"))
		printf("wild size: twfe %zu / 200, cs %zu / 200\n", rej_twfe, rej_cs);
	assert_in_range(rej_twfe, 1, 22);
	assert_in_range(rej_cs, 1, 22);
}

static void test_leave_one_out(void **state)
{
	struct panel_buf b, c;
	struct mnr_did_options o;
	struct mnr_did_result *r, *r2;
	size_t k, n = 0;

	(void)state;
	ref_panel(&b, 0, 0);
	mnr_did_options_init(&o);
	o.leave_one_out = 1;
	o.boot = 0;
	r = run(&b.p, &o);
	assert_int_equal(r->n_loo, 12);
	/* Leaving unit 4 out equals running without its rows. */
	for (k = 0; k < b.p.n_obs; k++) {
		if (b.unit[k] == 4)
			continue;
		c.unit[n] = b.unit[k];
		c.period[n] = b.period[k];
		c.y[n] = b.y[k];
		n++;
	}
	c.p = b.p;
	c.p.n_obs = n;
	c.p.unit = c.unit;
	c.p.period = c.period;
	c.p.y = c.y;
	o.leave_one_out = 0;
	r2 = run(&c.p, &o);
	assert_int_equal(r->loo[4].unit, 4);
	assert_rel(r->loo[4].cs_overall.est, r2->cs.overall.est, 1e-12);
	assert_rel(r->loo[4].cs_overall.se, r2->cs.overall.se, 1e-12);
	assert_rel(r->loo[4].twfe.est, r2->twfe.beta.est, 1e-12);
	assert_rel(r->loo[4].twfe.se, r2->twfe.beta.se, 1e-12);
	mnr_did_result_free(r);
	mnr_did_result_free(r2);
}

static void test_small_samples(void **state)
{
	/* Two units: one adopts at 3, one never; then no never-treated. */
	static const size_t unit[8] = { 0, 0, 0, 0, 1, 1, 1, 1 };
	static const long period[8] = { 1, 2, 3, 4, 1, 2, 3, 4 };
	static const double y[8] = { 1, 2, 4, 5, 1, 2, 3, 4 };
	long adopt[2] = { 3, MNR_DID_NEVER };
	struct mnr_did_panel p = { 8, unit, period, y, NULL, 2, adopt };
	struct mnr_did_options o;
	struct mnr_did_result *r;

	(void)state;
	mnr_did_options_init(&o);
	r = run(&p, &o);
	assert_rel(r->dd[0].att.est, 1.0, 1e-12);
	assert_non_null(r->dd[0].att.reason);
	assert_rel(r->cs.overall.est, 1.0, 1e-12);
	assert_non_null(strstr(r->cs.attgt[1].att.reason, "cohort of one"));
	mnr_did_result_free(r);

	adopt[1] = 4;
	r = run(&p, &o);
	/* Never-treated pool empty: every cell missing with the reason. */
	assert_true(isnan(r->cs.attgt[0].att.est));
	assert_non_null(strstr(r->cs.attgt[0].att.reason, "empty control pool"));
	assert_true(isnan(r->cs.overall.est));
	assert_non_null(r->cs.overall.reason);
	assert_non_null(r->dd[0].att.reason);
	mnr_did_result_free(r);

	/* Not yet treated: unit 1 controls cohort 3 at t = 3 only. */
	o.control = MNR_DID_CONTROL_NOTYET;
	r = run(&p, &o);
	assert_rel(r->cs.attgt[1].att.est, 1.0, 1e-12);
	assert_true(isnan(r->cs.attgt[2].att.est));
	mnr_did_result_free(r);

	/* Nobody adopts. */
	adopt[0] = adopt[1] = MNR_DID_NEVER;
	r = run(&p, &o);
	assert_non_null(r->cs.overall.reason);
	assert_non_null(r->twfe.beta.reason);
	assert_int_equal(r->n_dd, 0);
	mnr_did_result_free(r);
}

static void test_errors(void **state)
{
	static const size_t unit[4] = { 0, 0, 1, 1 };
	static const long period[4] = { 1, 1, 1, 2 };
	static const long period_ok[4] = { 1, 2, 1, 2 };
	static const double y[4] = { 1, 2, 0, 4 };
	static const double pop[4] = { 10, 10, -1, 10 };
	static const size_t bad_unit[4] = { 0, 0, 2, 1 };
	const long adopt[2] = { 2, MNR_DID_NEVER };
	struct mnr_did_panel p = { 4, unit, period, y, NULL, 2, adopt };
	struct mnr_did_options o;
	struct mnr_did_result *r = (void *)&p;
	struct mnr_error err;

	(void)state;
	mnr_did_options_init(&o);
	mnr_error_clear(&err);
	assert_int_equal(mnr_did_run(&p, &o, &r, &err), MNR_EDATA);
	assert_null(r);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.rule, "duplicate-unit-period");

	p.period = period_ok;
	o.log_outcome = 1;
	mnr_error_clear(&err);
	assert_int_equal(mnr_did_run(&p, &o, &r, &err), MNR_EDATA);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.rule, "log-positive");

	o.log_outcome = 0;
	o.per_population = 1;
	mnr_error_clear(&err);
	assert_int_equal(mnr_did_run(&p, &o, &r, &err), MNR_EINVAL);
	p.population = pop;
	mnr_error_clear(&err);
	assert_int_equal(mnr_did_run(&p, &o, &r, &err), MNR_EDATA);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.rule, "population-positive");

	o.per_population = 0;
	p.unit = bad_unit;
	mnr_error_clear(&err);
	assert_int_equal(mnr_did_run(&p, &o, &r, &err), MNR_EINVAL);
	assert_int_equal(err.line, 3);

	p.unit = unit;
	o.level = 1.0;
	mnr_error_clear(&err);
	assert_int_equal(mnr_did_run(&p, &o, &r, &err), MNR_EINVAL);
	o.level = 0.95;
	o.anticipation = -1;
	mnr_error_clear(&err);
	assert_int_equal(mnr_did_run(&p, &o, &r, &err), MNR_EINVAL);
	mnr_error_clear(&err);
	assert_int_equal(mnr_did_run(NULL, &o, &r, &err), MNR_EINVAL);
	assert_string_equal(mnr_did_bacon_type_name(MNR_DID_BACON_LATE_VS_EARLY),
			    "later vs earlier treated");
}

static void test_alloc_failure(void **state)
{
	struct panel_buf b;
	struct mnr_did_options o;
	struct mnr_did_result *r;
	struct mnr_error err;
	unsigned long nth;
	int rc;

	(void)state;
	ref_panel(&b, 0, 0);
	mnr_did_options_init(&o);
	o.boot = 9;
	o.leave_one_out = 1;
	for (nth = 1;; nth++) {
		mnr_error_clear(&err);
		r = NULL;
		mnr_alloc_fail_after(nth);
		rc = mnr_did_run(&b.p, &o, &r, &err);
		mnr_alloc_fail_after(0);
		if (rc == MNR_OK)
			break;
		assert_int_equal(rc, MNR_ENOMEM);
		assert_null(r);
		assert_true(nth < 100000);
	}
	assert_true(nth > 10);
	mnr_did_result_free(r);
}

static int setup(void **state)
{
	(void)state;
	gsl_set_error_handler_off();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_twfe_balanced),
		cmocka_unit_test(test_twfe_unbalanced),
		cmocka_unit_test(test_2x2),
		cmocka_unit_test(test_cs_never),
		cmocka_unit_test(test_cs_notyet_anticipation),
		cmocka_unit_test(test_cs_unbalanced),
		cmocka_unit_test(test_cs_log_rate),
		cmocka_unit_test(test_bootstrap),
		cmocka_unit_test(test_simulation_growing_effects),
		cmocka_unit_test(test_wild_size),
		cmocka_unit_test(test_leave_one_out),
		cmocka_unit_test(test_small_samples),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_alloc_failure),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
