/*
 * Difference-in-differences entry point (library layer): validates the long
 * panel, builds the dense outcome matrix (with the rate, log and placebo
 * transformations) and runs the estimators of did_2x2.c, did_twfe.c and
 * did_cs.c.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "alloc_internal.h"
#include "did_internal.h"
#include "banned.h"

void mnr_did_options_init(struct mnr_did_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->methods = MNR_DID_ALL;
	opts->control = MNR_DID_CONTROL_NEVER;
	opts->anticipation = 0;
	opts->seed = 1;
	opts->boot = 999;
	opts->level = 0.95;
	opts->wild = MNR_DID_WILD_AUTO;
	opts->cohort = MNR_DID_NEVER;
}

const char *mnr_did_bacon_type_name(enum mnr_did_bacon_type type)
{
	switch (type) {
	case MNR_DID_BACON_TREATED_VS_NEVER: return "treated vs never treated";
	case MNR_DID_BACON_EARLY_VS_LATE: return "earlier vs later treated";
	case MNR_DID_BACON_LATE_VS_EARLY: return "later vs earlier treated";
	}
	return "unknown";
}

void mnr__did_est_missing(struct mnr_did_est *e, const char *reason)
{
	e->est = e->se = e->lo = e->hi = e->p = NAN;
	e->reason = reason;
}

void mnr__did_est_finish(struct mnr_did_est *e, double level)
{
	double q, z;

	if (!isfinite(e->est) || !isfinite(e->se) || e->se <= 0.0) {
		e->lo = e->hi = e->p = NAN;
		if (!isfinite(e->se) || e->se <= 0.0)
			e->se = NAN;
		if (!e->reason)
			e->reason = "standard error not estimable";
		return;
	}
	z = fabs(e->est) / e->se;
	if (e->df > 0) {
		q = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, e->df);
		e->p = 2.0 * gsl_cdf_tdist_Q(z, e->df);
	} else {
		q = gsl_cdf_ugaussian_Pinv(0.5 + level / 2.0);
		e->p = 2.0 * gsl_cdf_ugaussian_Q(z);
	}
	e->lo = e->est - q * e->se;
	e->hi = e->est + q * e->se;
}

double mnr__did_webb(gsl_rng *r)
{
	static const double w[6] = {
		-1.224744871391589, -1.0, -0.7071067811865476,
		0.7071067811865476, 1.0, 1.224744871391589
	};

	return w[gsl_rng_uniform_int(r, 6)];
}

double mnr__did_quantile(double *x, size_t n, double q)
{
	if (n == 0)
		return NAN;
	gsl_sort(x, 1, n);
	return gsl_stats_quantile_from_sorted_data(x, 1, n, q);
}

static void data_release(struct did_data *d)
{
	mnr__free(d->Y);
	mnr__free(d->g);
	mnr__free(d->active);
	memset(d, 0, sizeof(*d));
}

/* Balanced: every active unit is observed at every period. */
static int data_balanced(const struct did_data *d)
{
	size_t i, t;

	for (i = 0; i < d->N; i++) {
		if (!d->active[i])
			continue;
		for (t = 0; t < d->T; t++)
			if (isnan(DID_Y(d, i, t)))
				return 0;
	}
	return 1;
}

static int data_build(const struct mnr_did_panel *p,
		      const struct mnr_did_options *o, struct did_data *d,
		      size_t *n_obs, struct mnr_error *err)
{
	size_t i, k, cells;
	long pmin = LONG_MAX, pmax = LONG_MIN;
	unsigned char *seen;

	memset(d, 0, sizeof(*d));
	for (k = 0; k < p->n_obs; k++) {
		if (p->unit[k] >= p->n_units)
			return mnr_error_set_at(err, MNR_EINVAL, NULL, k + 1, 0,
						0, "unit-index",
						"unit index out of range");
		if (p->period[k] < pmin)
			pmin = p->period[k];
		if (p->period[k] > pmax)
			pmax = p->period[k];
	}
	if (p->n_obs == 0)
		return mnr_error_set(err, MNR_EDATA, "the panel has no rows");
	if ((unsigned long)pmax - (unsigned long)pmin >= 1000000UL)
		return mnr_error_set(err, MNR_EDATA,
				     "the panel spans too many periods");
	d->N = p->n_units;
	d->T = (size_t)(pmax - pmin) + 1;
	d->pmin = pmin;
	d->pmax = pmax;
	cells = mnr__size_mul(d->N, d->T);
	if (cells == SIZE_MAX || cells > (size_t)1 << 28)
		return mnr_error_set(err, MNR_EDATA,
				     "the panel has too many unit-periods");
	d->Y = mnr__malloc(mnr__size_mul(cells, sizeof(double)));
	d->g = mnr__malloc(mnr__size_mul(d->N, sizeof(long)));
	d->active = mnr__calloc(d->N, 1);
	seen = mnr__calloc(cells, 1);
	if (!d->Y || !d->g || !d->active || !seen) {
		mnr__free(seen);
		data_release(d);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	for (k = 0; k < cells; k++)
		d->Y[k] = NAN;
	*n_obs = 0;
	for (k = 0; k < p->n_obs; k++) {
		size_t c = p->unit[k] * d->T + (size_t)(p->period[k] - pmin);
		double y = p->y[k];

		if (seen[c]) {
			mnr__free(seen);
			data_release(d);
			return mnr_error_set_at(err, MNR_EDATA, NULL, k + 1, 0,
						0, "duplicate-unit-period",
						"unit and period repeat an earlier row");
		}
		seen[c] = 1;
		if (isnan(y))
			continue;
		if (!isfinite(y)) {
			mnr__free(seen);
			data_release(d);
			return mnr_error_set_at(err, MNR_EDATA, NULL, k + 1, 0,
						0, "finite-outcome",
						"outcome is infinite");
		}
		if (o->per_population) {
			double pop = p->population ? p->population[k] : NAN;

			if (!(pop > 0.0) || !isfinite(pop)) {
				mnr__free(seen);
				data_release(d);
				return mnr_error_set_at(err, MNR_EDATA, NULL,
							k + 1, 0, 0,
							"population-positive",
							"population must be a positive number for a rate");
			}
			/* Rates per 100 000 inhabitants. */
			y = y / pop * 1e5;
		}
		if (o->log_outcome) {
			if (!(y > 0.0)) {
				mnr__free(seen);
				data_release(d);
				return mnr_error_set_at(err, MNR_EDATA, NULL,
							k + 1, 0, 0,
							"log-positive",
							"outcome must be positive on the log scale");
			}
			y = log(y);
		}
		d->Y[c] = y;
	}
	mnr__free(seen);
	for (i = 0; i < d->N; i++) {
		long g = p->adoption[i];

		if (o->placebo > 0 && g != MNR_DID_NEVER) {
			/*
			 * In-time placebo: keep only the periods before the
			 * true adoption (less anticipation) and pretend the
			 * unit adopted placebo periods earlier, so any
			 * "effect" found is a pre-existing difference in
			 * trends.
			 */
			long cut = g - o->anticipation;
			size_t t;

			for (t = 0; t < d->T; t++)
				if (pmin + (long)t >= cut)
					DID_Y(d, i, t) = NAN;
			g = g - o->placebo;
		}
		d->g[i] = g;
	}
	for (k = 0; k < cells; k++)
		if (!isnan(d->Y[k])) {
			d->active[k / d->T] = 1;
			(*n_obs)++;
		}
	d->balanced = data_balanced(d);
	return MNR_OK;
}

void mnr_did_result_free(struct mnr_did_result *res)
{
	if (!res)
		return;
	mnr__free(res->dd);
	mnr__did_twfe_release(&res->twfe);
	mnr__did_cs_release(&res->cs);
	mnr__free(res->loo);
	mnr__free(res);
}

/* Rerun TWFE and the CS overall effect without each unit in turn. */
static int run_loo(struct did_data *d, const struct mnr_did_options *o,
		   struct mnr_did_result *res, struct mnr_error *err)
{
	size_t i, n = 0;
	unsigned char *keep = d->active;
	unsigned char *mask;
	int rc = MNR_OK;

	for (i = 0; i < d->N; i++)
		n += keep[i] != 0;
	res->loo = mnr__calloc(n ? n : 1, sizeof(*res->loo));
	mask = mnr__malloc(d->N ? d->N : 1);
	if (!res->loo || !mask) {
		mnr__free(mask);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	d->active = mask;
	for (i = 0; i < d->N && rc == MNR_OK; i++) {
		struct mnr_did_loo *l;
		struct mnr_did_twfe tw;
		struct mnr_did_cs cs;
		int bal;

		if (!keep[i])
			continue;
		l = &res->loo[res->n_loo++];
		l->unit = i;
		memcpy(mask, keep, d->N);
		mask[i] = 0;
		bal = d->balanced;
		d->balanced = data_balanced(d);
		memset(&tw, 0, sizeof(tw));
		memset(&cs, 0, sizeof(cs));
		mnr__did_est_missing(&l->twfe, "not computed");
		mnr__did_est_missing(&l->cs_overall, "not computed");
		if (o->methods & MNR_DID_TWFE) {
			rc = mnr__did_twfe(d, o, 0, &tw, err);
			if (rc == MNR_OK)
				l->twfe = tw.beta;
			mnr__did_twfe_release(&tw);
		}
		if (rc == MNR_OK && (o->methods & MNR_DID_CS)) {
			rc = mnr__did_cs(d, o, 0, &cs, err);
			if (rc == MNR_OK)
				l->cs_overall = cs.overall;
			mnr__did_cs_release(&cs);
		}
		d->balanced = bal;
	}
	d->active = keep;
	mnr__free(mask);
	return rc;
}

int mnr_did_run(const struct mnr_did_panel *panel,
		const struct mnr_did_options *opts,
		struct mnr_did_result **out, struct mnr_error *err)
{
	struct mnr_did_options def;
	struct mnr_did_result *res;
	struct did_data d;
	size_t i, n_obs = 0;
	int rc;

	if (!out)
		return mnr_error_set(err, MNR_EINVAL, "no result pointer");
	*out = NULL;
	if (!opts) {
		mnr_did_options_init(&def);
		opts = &def;
	}
	if (!panel || !panel->unit || !panel->period || !panel->y ||
	    !panel->adoption || panel->n_units == 0)
		return mnr_error_set(err, MNR_EINVAL, "incomplete panel");
	if (opts->per_population && !panel->population)
		return mnr_error_set(err, MNR_EINVAL,
				     "rates need a population column");
	if (opts->anticipation < 0 || opts->anticipation > 100000 ||
	    opts->placebo < 0 || opts->placebo > 100000)
		return mnr_error_set(err, MNR_EINVAL,
				     "anticipation and placebo must be between 0 and 100000");
	if (!(opts->level > 0.0 && opts->level < 1.0))
		return mnr_error_set(err, MNR_EINVAL,
				     "interval level must lie in (0, 1)");
	if (opts->control != MNR_DID_CONTROL_NEVER &&
	    opts->control != MNR_DID_CONTROL_NOTYET)
		return mnr_error_set(err, MNR_EINVAL, "unknown control group");
	if (opts->boot > 1000000)
		return mnr_error_set(err, MNR_EINVAL,
				     "at most 1000000 bootstrap draws");
	rc = data_build(panel, opts, &d, &n_obs, err);
	if (rc != MNR_OK)
		return rc;
	res = mnr__calloc(1, sizeof(*res));
	if (!res) {
		data_release(&d);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	res->seed = opts->seed;
	res->boot = opts->boot;
	res->control = opts->control;
	res->anticipation = opts->anticipation;
	res->per_population = opts->per_population;
	res->log_outcome = opts->log_outcome;
	res->placebo = opts->placebo;
	res->level = opts->level;
	res->period_first = d.pmin;
	res->period_last = d.pmax;
	res->n_obs = n_obs;
	res->balanced = d.balanced;
	res->twfe.wild_p = NAN;
	res->cs.overall_wild_p = NAN;
	for (i = 0; i < d.N; i++)
		res->n_units += d.active[i] != 0;
	rc = MNR_OK;
	if (opts->methods & MNR_DID_2X2)
		rc = mnr__did_2x2(&d, opts, &res->dd, &res->n_dd, err);
	if (rc == MNR_OK && (opts->methods & MNR_DID_TWFE))
		rc = mnr__did_twfe(&d, opts, 1, &res->twfe, err);
	if (rc == MNR_OK && (opts->methods & MNR_DID_CS))
		rc = mnr__did_cs(&d, opts, 1, &res->cs, err);
	if (rc == MNR_OK && opts->leave_one_out)
		rc = run_loo(&d, opts, res, err);
	data_release(&d);
	if (rc != MNR_OK) {
		mnr_did_result_free(res);
		return rc;
	}
	*out = res;
	return MNR_OK;
}
