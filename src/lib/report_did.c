/*
 * The report's staggered-adoption effect on levels (library layer): the
 * Callaway-Sant'Anna estimator of did.h on the released counts as
 * released, the relative effect against the adopters' counterfactual mean
 * level, and the change in a share of two counts, each with a
 * delete-one-country jackknife interval.
 *
 * Why levels: the release adds zero-mean noise to every count, so the mean
 * of released counts over any set of cells is unbiased for the mean of the
 * true counts, and the CS estimator (a difference of such means) is
 * unbiased too; its influence-function variance is the variance of each
 * unit's change in the outcome, which already contains the noise (the
 * noise is part of Y).  log(count + 1) with negative counts set to 0 is
 * neither: Jensen's inequality and the truncation at 0 bias small counts
 * by an amount that depends on the count's size, and so differ between
 * adopters and controls.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "alloc_internal.h"
#include "report_internal.h"
#include "banned.h"

int mnr__rep_did_levels(const struct mnr__rep_dense *z,
			const struct mnr_did_options *opt_in,
			struct mnr_did_result **out, struct mnr_error *err)
{
	size_t n = z->N * z->T, i;
	size_t *unit = mnr__calloc(n ? n : 1, sizeof(size_t));
	long *period = mnr__calloc(n ? n : 1, sizeof(long));
	struct mnr_did_panel p;
	struct mnr_did_options opt = *opt_in;
	int rc;

	*out = NULL;
	if (!unit || !period) {
		mnr__free(unit);
		mnr__free(period);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	for (i = 0; i < n; i++) {
		unit[i] = i / z->T;
		period[i] = z->pmin + (long)(i % z->T);
	}
	memset(&p, 0, sizeof(p));
	p.n_obs = n;
	p.unit = unit;
	p.period = period;
	p.y = z->y;
	p.n_units = z->N;
	p.adoption = z->adopt;
	opt.methods = MNR_DID_CS | (opt_in->methods & MNR_DID_2X2);
	opt.control = MNR_DID_CONTROL_NOTYET;
	opt.per_population = 0;
	opt.log_outcome = 0;
	opt.leave_one_out = 1;
	rc = mnr_did_run(&p, &opt, out, err);
	mnr__free(unit);
	mnr__free(period);
	return rc;
}

/* A unit in the CS estimation: some data, not treated from the start. */
static int cs_unit(const struct mnr__rep_dense *z, long pmax, size_t i)
{
	size_t t;
	long g = z->adopt[i];

	if (g != MNR_DID_NEVER && g <= pmax && g <= z->pmin)
		return 0;
	for (t = 0; t < z->T; t++)
		if (!isnan(z->y[i * z->T + t]))
			return 1;
	return 0;
}

/*
 * The adopters' mean observed level over exactly the cells and with the
 * weights of theta^O (CS 2021, eq. 3.11; did_cs.c): for each cohort g the
 * plain mean over its post cells t >= g with an estimate of the cohort's
 * mean level among the units observed at t and at the cell's base period,
 * then cohorts weighted by their number of units.  drop (or SIZE_MAX) is
 * left out, as in did's leave-one-out run.  NaN when nothing is left.
 */
static double post_mean(const struct mnr__rep_dense *z,
			const struct mnr_did_result *d, size_t drop)
{
	const struct mnr_did_cs *cs = &d->cs;
	long pmax = z->pmin + (long)z->T - 1;
	double num = 0.0, wsum = 0.0;
	size_t k = 0;

	while (k < cs->n_attgt) {
		long g = cs->attgt[k].cohort;
		size_t k1 = k, i, ng = 0, ncell = 0;
		double sum = 0.0;

		while (k1 < cs->n_attgt && cs->attgt[k1].cohort == g)
			k1++;
		for (i = 0; i < z->N; i++)
			if (i != drop && z->adopt[i] == g && cs_unit(z, pmax, i))
				ng++;
		for (; ng > 0 && k < k1; k++) {
			const struct mnr_did_attgt *a = &cs->attgt[k];
			size_t t = (size_t)(a->period - z->pmin);
			size_t b = (size_t)(a->base - z->pmin);
			double s = 0.0, c = 0.0;

			if (a->period < g || !isfinite(a->att.est))
				continue;
			for (i = 0; i < z->N; i++) {
				double yt, yb;

				if (i == drop || z->adopt[i] != g ||
				    !cs_unit(z, pmax, i))
					continue;
				yt = z->y[i * z->T + t];
				yb = z->y[i * z->T + b];
				if (isnan(yt) || isnan(yb))
					continue;
				s += yt;
				c += 1.0;
			}
			if (c > 0) {
				sum += s / c;
				ncell++;
			}
		}
		k = k1;
		if (ng > 0 && ncell > 0) {
			num += (double)ng * sum / (double)ncell;
			wsum += (double)ng;
		}
	}
	return wsum > 0 ? num / wsum : NAN;
}

/*
 * Delete-one-country jackknife (Efron & Stein 1981; Shao & Tu 1995, ch. 2):
 * Var = (n - 1)/n sum_i (f_(i) - mean f_(.))^2 over the n countries in the
 * estimation.  The pseudo-values (n-1)(f - f_(i)) are an empirical
 * influence function, so this is the delta method for a smooth function of
 * the CS estimates with the influence function estimated by deletion; the
 * interval uses t with n - 1 degrees of freedom (few clusters).
 */
static void jack_finish(struct mnr__rep_rel *out, const double *f, size_t n,
			double f_full, double level)
{
	double mean = 0.0, v = 0.0, q;
	size_t i;

	for (i = 0; i < n; i++)
		mean += f[i];
	mean /= (double)n;
	for (i = 0; i < n; i++)
		v += (f[i] - mean) * (f[i] - mean);
	out->se = sqrt(v * (double)(n - 1) / (double)n);
	out->df = (double)(n - 1);
	out->n_jack = n;
	q = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, out->df);
	out->lo = f_full - q * out->se;
	out->hi = f_full + q * out->se;
	out->p = out->se > 0 ? 2.0 * gsl_cdf_tdist_Q(fabs(f_full) / out->se,
						     out->df) : NAN;
}

/* The units of the leave-one-out runs that are in the estimation. */
static size_t jack_units(const struct mnr__rep_dense *z,
			 const struct mnr_did_result *d, size_t *k_out)
{
	long pmax = z->pmin + (long)z->T - 1;
	size_t k, n = 0;

	for (k = 0; k < d->n_loo; k++)
		if (d->loo[k].unit < z->N && cs_unit(z, pmax, d->loo[k].unit))
			k_out[n++] = k;
	return n;
}

static void rel_init(struct mnr__rep_rel *out, int kind)
{
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->att = out->observed = out->counterfactual = NAN;
	out->est = out->lo = out->hi = NAN;
	out->se = out->df = out->p = NAN;
}

void mnr__rep_relative(const struct mnr__rep_dense *z,
		       const struct mnr_did_result *d, double level,
		       struct mnr__rep_rel *out)
{
	size_t *ks = NULL, n, i;
	double *f = NULL;
	int all_pos = 1;

	rel_init(out, 0);
	if (!d || !d->cs.computed || !isfinite(d->cs.overall.est)) {
		out->reason = "no staggered-adoption estimate";
		return;
	}
	out->att = d->cs.overall.est;
	out->observed = post_mean(z, d, SIZE_MAX);
	out->counterfactual = out->observed - out->att;
	if (!(out->counterfactual > 0) || !(out->observed > 0)) {
		out->reason = "the adopters' counterfactual mean level is not "
			      "positive (counts too small for their noise), "
			      "so no relative change is defined";
		return;
	}
	out->est = out->att / out->counterfactual;
	ks = mnr__malloc((d->n_loo ? d->n_loo : 1) * sizeof(size_t));
	f = mnr__malloc((d->n_loo ? d->n_loo : 1) * sizeof(double));
	if (!ks || !f) {
		out->reason = "out of memory";
		out->est = NAN;
		goto done;
	}
	n = jack_units(z, d, ks);
	if (n < 3) {
		out->reason = "fewer than 3 countries: no jackknife interval";
		goto done;
	}
	for (i = 0; i < n; i++) {
		const struct mnr_did_loo *l = &d->loo[ks[i]];
		double th = l->cs_overall.est;
		double m = post_mean(z, d, l->unit), c = m - th;

		if (!isfinite(th) || !isfinite(m)) {
			out->reason = "an estimate without one of the countries "
				      "is missing: no jackknife interval";
			goto done;
		}
		if (!(m > 0) || !(c > 0)) {
			all_pos = 0;
			break;
		}
		f[i] = log(m / c);
	}
	if (!all_pos) {
		out->reason = "without one of the countries the counterfactual "
			      "mean level is not positive: no interval for the "
			      "relative change";
		goto done;
	}
	/* The interval is formed for log(observed / counterfactual), whose
	 * distribution is closer to normal than the ratio's, and mapped
	 * back, so it never goes below -100%. */
	out->log_scale = 1;
	jack_finish(out, f, n, log(out->observed / out->counterfactual),
		    level);
	out->lo = expm1(out->lo);
	out->hi = expm1(out->hi);
	out->has = isfinite(out->lo) && isfinite(out->hi) && isfinite(out->se);
	if (!out->has)
		out->reason = "the jackknife interval is not finite";
done:
	mnr__free(ks);
	mnr__free(f);
}

/* Observed minus counterfactual share, from the two counts' levels. */
static double share_change(double my, double ty, double mk, double tk)
{
	double cy = my - ty, ck = mk - tk;

	if (!(mk > 0) || !(ck > 0))
		return NAN;
	return my / mk - cy / ck;
}

void mnr__rep_share_change(const struct mnr__rep_dense *zy,
			   const struct mnr_did_result *dy,
			   const struct mnr__rep_dense *zk,
			   const struct mnr_did_result *dk, double level,
			   struct mnr__rep_rel *out)
{
	size_t *ks = NULL, n, i, j;
	double *f = NULL, my, mk;

	rel_init(out, 1);
	if (!dy || !dk || !dy->cs.computed || !dk->cs.computed ||
	    !isfinite(dy->cs.overall.est) || !isfinite(dk->cs.overall.est)) {
		out->reason = "no staggered-adoption estimate for one of the "
			      "two counts";
		return;
	}
	my = post_mean(zy, dy, SIZE_MAX);
	mk = post_mean(zk, dk, SIZE_MAX);
	out->att = dy->cs.overall.est;
	out->observed = my / mk;
	out->counterfactual = (my - dy->cs.overall.est) /
			      (mk - dk->cs.overall.est);
	out->est = share_change(my, dy->cs.overall.est, mk,
				dk->cs.overall.est);
	if (!isfinite(out->est)) {
		out->reason = "the adopters' mean denominator count is not "
			      "positive, so no share is defined";
		return;
	}
	ks = mnr__malloc((dy->n_loo ? dy->n_loo : 1) * sizeof(size_t));
	f = mnr__malloc((dy->n_loo ? dy->n_loo : 1) * sizeof(double));
	if (!ks || !f) {
		out->reason = "out of memory";
		out->est = NAN;
		goto done;
	}
	n = jack_units(zy, dy, ks);
	if (n < 3) {
		out->reason = "fewer than 3 countries: no jackknife interval";
		goto done;
	}
	for (i = 0; i < n; i++) {
		const struct mnr_did_loo *ly = &dy->loo[ks[i]];
		const struct mnr_did_loo *lk = NULL;

		for (j = 0; j < dk->n_loo; j++)
			if (dk->loo[j].unit == ly->unit)
				lk = &dk->loo[j];
		f[i] = lk ? share_change(post_mean(zy, dy, ly->unit),
					 ly->cs_overall.est,
					 post_mean(zk, dk, ly->unit),
					 lk->cs_overall.est) : NAN;
		if (!isfinite(f[i])) {
			out->reason = "without one of the countries the share "
				      "is not defined: no jackknife interval";
			goto done;
		}
	}
	jack_finish(out, f, n, out->est, level);
	out->has = isfinite(out->lo) && isfinite(out->hi) && isfinite(out->se);
	if (!out->has)
		out->reason = "the jackknife interval is not finite";
done:
	mnr__free(ks);
	mnr__free(f);
}
