/*
 * Two-way fixed effects (unit and period effects) for a staggered
 * treatment dummy, with CR1 cluster-robust errors by unit, the wild cluster
 * restricted bootstrap, and the Goodman-Bacon (2021) decomposition
 * (library layer).
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "alloc_internal.h"
#include "did_internal.h"
#include "banned.h"

/* Observed cells of the active units, in unit-major order. */
struct obs {
	size_t n;
	size_t *u, *t;
	double *cu, *ct;   /* observations per unit and per period */
	double *mu, *mt;   /* workspace for means */
	size_t n_units, n_periods; /* with at least one observation */
};

static void obs_release(struct obs *o)
{
	mnr__free(o->u);
	mnr__free(o->t);
	mnr__free(o->cu);
	mnr__free(o->ct);
	mnr__free(o->mu);
	mnr__free(o->mt);
	memset(o, 0, sizeof(*o));
}

static int obs_build(const struct did_data *d, struct obs *o)
{
	size_t i, t, k = 0;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < d->N; i++)
		if (d->active[i])
			for (t = 0; t < d->T; t++)
				o->n += !isnan(DID_Y(d, i, t));
	o->u = mnr__malloc(mnr__size_mul(o->n ? o->n : 1, sizeof(size_t)));
	o->t = mnr__malloc(mnr__size_mul(o->n ? o->n : 1, sizeof(size_t)));
	o->cu = mnr__calloc(d->N, sizeof(double));
	o->ct = mnr__calloc(d->T, sizeof(double));
	o->mu = mnr__calloc(d->N, sizeof(double));
	o->mt = mnr__calloc(d->T, sizeof(double));
	if (!o->u || !o->t || !o->cu || !o->ct || !o->mu || !o->mt) {
		obs_release(o);
		return -1;
	}
	for (i = 0; i < d->N; i++) {
		if (!d->active[i])
			continue;
		for (t = 0; t < d->T; t++) {
			if (isnan(DID_Y(d, i, t)))
				continue;
			o->u[k] = i;
			o->t[k] = t;
			o->cu[i] += 1.0;
			o->ct[t] += 1.0;
			k++;
		}
	}
	for (i = 0; i < d->N; i++)
		o->n_units += o->cu[i] > 0;
	for (t = 0; t < d->T; t++)
		o->n_periods += o->ct[t] > 0;
	return 0;
}

/*
 * Residualise z on unit and period dummies by alternating projections
 * (method of alternating projections; Guimaraes & Portugal 2010, Gaure
 * 2013): on a balanced panel one sweep is exact (double demeaning); on an
 * unbalanced one the sweeps converge to the projection.  Returns 0, or -1
 * when it does not converge.
 */
static int project(struct obs *o, size_t N, size_t T, double *z)
{
	size_t k, i, iter;
	double scale = 0.0, tol, maxu;

	for (k = 0; k < o->n; k++)
		if (fabs(z[k]) > scale)
			scale = fabs(z[k]);
	tol = 1e-14 * (scale + 1e-300);
	for (iter = 0;; iter++) {
		memset(o->mu, 0, N * sizeof(double));
		for (k = 0; k < o->n; k++)
			o->mu[o->u[k]] += z[k];
		maxu = 0.0;
		for (i = 0; i < N; i++) {
			if (o->cu[i] > 0)
				o->mu[i] /= o->cu[i];
			if (fabs(o->mu[i]) > maxu)
				maxu = fabs(o->mu[i]);
		}
		if (iter > 0 && maxu <= tol)
			return 0;
		if (iter > 100000)
			return -1;
		memset(o->mt, 0, T * sizeof(double));
		for (k = 0; k < o->n; k++) {
			z[k] -= o->mu[o->u[k]];
			o->mt[o->t[k]] += z[k];
		}
		for (i = 0; i < T; i++)
			if (o->ct[i] > 0)
				o->mt[i] /= o->ct[i];
		for (k = 0; k < o->n; k++)
			z[k] -= o->mt[o->t[k]];
	}
}

/*
 * CR1 variance of beta = sum(Dt * z) / sum(Dt^2) with residuals e:
 * (sum_g (sum_{i in g} Dt e)^2) / SDD^2 * G/(G-1) * (n-1)/(n-k), the
 * Stata / sandwich::vcovCL(type = "HC1") small-sample factors.
 */
static double cr1_se(const struct obs *o, const double *Dt, const double *e,
		     double sdd, double *score, size_t N, size_t k_par)
{
	size_t k, i;
	double meat = 0.0, G = (double)o->n_units, n = (double)o->n;

	memset(score, 0, N * sizeof(double));
	for (k = 0; k < o->n; k++)
		score[o->u[k]] += Dt[k] * e[k];
	for (i = 0; i < N; i++)
		meat += score[i] * score[i];
	return sqrt(meat / (sdd * sdd) * G / (G - 1.0) * (n - 1.0) /
		    (n - (double)k_par));
}

/*
 * Wild cluster restricted bootstrap (Cameron, Gelbach & Miller 2008;
 * MacKinnon & Webb 2018) with Webb six-point weights: the null beta = 0 is
 * imposed, so the bootstrap outcome is the fitted fixed effects plus the
 * restricted residuals (the projected outcome yt) times one weight per
 * unit.  Its projection equals M(w * yt), which is all the bootstrap t
 * needs.  p = share of |t*| >= |t|.
 */
static int wild_p(struct obs *o, const struct did_data *d, const double *Dt,
		  const double *yt, double sdd, double t_obs, size_t k_par,
		  const struct mnr_did_options *opt, double *p_out)
{
	double *z = mnr__malloc(mnr__size_mul(o->n ? o->n : 1, sizeof(double)));
	double *w = mnr__malloc(mnr__size_mul(d->N, sizeof(double)));
	double *score = mnr__malloc(mnr__size_mul(d->N, sizeof(double)));
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	size_t b, k, hits = 0, used = 0;
	int rc = 0;

	if (!z || !w || !score || !r) {
		rc = -1;
		goto out;
	}
	gsl_rng_set(r, opt->seed);
	for (b = 0; b < opt->boot; b++) {
		double num = 0.0, bstar, se;

		for (k = 0; k < d->N; k++)
			w[k] = mnr__did_webb(r);
		for (k = 0; k < o->n; k++)
			z[k] = w[o->u[k]] * yt[k];
		if (project(o, d->N, d->T, z) != 0) {
			rc = -2;
			goto out;
		}
		for (k = 0; k < o->n; k++)
			num += Dt[k] * z[k];
		bstar = num / sdd;
		for (k = 0; k < o->n; k++)
			z[k] -= bstar * Dt[k];
		se = cr1_se(o, Dt, z, sdd, score, d->N, k_par);
		if (!(se > 0.0))
			continue;
		used++;
		if (fabs(bstar / se) >= fabs(t_obs))
			hits++;
	}
	*p_out = used ? (double)hits / (double)used : NAN;
out:
	mnr__free(z);
	mnr__free(w);
	mnr__free(score);
	if (r)
		gsl_rng_free(r);
	return rc;
}

void mnr__did_twfe_release(struct mnr_did_twfe *t)
{
	mnr__free(t->bacon);
	t->bacon = NULL;
	t->n_bacon = 0;
}

/* Mean over periods a..b (indices) of a group's period means. */
static double wmean(const double *gm, size_t a, size_t b)
{
	double s = 0.0;
	size_t t;

	for (t = a; t <= b; t++)
		s += gm[t];
	return s / (double)(b - a + 1);
}

/*
 * Goodman-Bacon (2021, J. Econometrics 225:254-277), Theorem 1: on a
 * balanced panel the TWFE coefficient is a weighted average of every 2x2
 * DiD between timing groups and the never-treated (s_kU), between an
 * earlier and a later group before the later one adopts (s_kl^k), and
 * between a later group and the already treated earlier one (s_kl^l),
 * with weights from group sizes and the variance of treatment in each
 * subsample (eqs. 10a-c).  Units treated from the first period form a
 * timing group with Dbar = 1; units never treated in the panel form U.
 */
static int bacon(const struct did_data *d, double vd,
		 struct mnr_did_twfe *out)
{
	size_t i, t, k, l, G = 0, nb = 0, cap;
	long *gv = NULL;
	double *nk = NULL, *gm = NULL, *gmU = NULL, nU = 0.0, Nact = 0.0;
	double T = (double)d->T;
	int has_U;

	gv = mnr__malloc(mnr__size_mul(d->N, sizeof(long)));
	nk = mnr__calloc(d->N, sizeof(double));
	if (!gv || !nk)
		goto nomem;
	for (i = 0; i < d->N; i++) {
		long g;

		if (!d->active[i])
			continue;
		Nact += 1.0;
		if (did_is_never(d, i)) {
			nU += 1.0;
			continue;
		}
		g = d->g[i] < d->pmin ? d->pmin : d->g[i];
		for (k = 0; k < G && gv[k] != g; k++)
			;
		if (k == G)
			gv[G++] = g;
		nk[k] += 1.0;
	}
	if (G == 0) {
		out->bacon_reason = "no unit is treated during the panel";
		goto done;
	}
	/* Sort timing groups by adoption (insertion sort, G is small). */
	for (k = 1; k < G; k++) {
		long gk = gv[k];
		double nn = nk[k];

		for (l = k; l > 0 && gv[l - 1] > gk; l--) {
			gv[l] = gv[l - 1];
			nk[l] = nk[l - 1];
		}
		gv[l] = gk;
		nk[l] = nn;
	}
	gm = mnr__calloc(mnr__size_mul(G + 1, d->T), sizeof(double));
	if (!gm)
		goto nomem;
	gmU = gm + G * d->T;
	for (i = 0; i < d->N; i++) {
		double *row;

		if (!d->active[i])
			continue;
		if (did_is_never(d, i)) {
			row = gmU;
		} else {
			long g = d->g[i] < d->pmin ? d->pmin : d->g[i];

			for (k = 0; gv[k] != g; k++)
				;
			row = gm + k * d->T;
		}
		for (t = 0; t < d->T; t++)
			row[t] += DID_Y(d, i, t);
	}
	for (k = 0; k < G; k++)
		for (t = 0; t < d->T; t++)
			gm[k * d->T + t] /= nk[k];
	has_U = nU > 0;
	if (has_U)
		for (t = 0; t < d->T; t++)
			gmU[t] /= nU;
	cap = G + G * (G - 1);
	out->bacon = mnr__calloc(cap ? cap : 1, sizeof(*out->bacon));
	if (!out->bacon)
		goto nomem;
	for (k = 0; k < G; k++) {
		double sk = nk[k] / Nact;
		size_t tk = (size_t)(gv[k] - d->pmin);
		double Dk = (double)(d->pmax - gv[k] + 1) / T;

		if (has_U && tk > 0) {
			double su = nU / Nact, nkU = sk / (sk + su);
			struct mnr_did_bacon *b = &out->bacon[nb++];

			b->type = MNR_DID_BACON_TREATED_VS_NEVER;
			b->treated = gv[k];
			b->control = MNR_DID_NEVER;
			b->weight = (sk + su) * (sk + su) * nkU * (1.0 - nkU) *
				    Dk * (1.0 - Dk) / vd;
			b->estimate = (wmean(gm + k * d->T, tk, d->T - 1) -
				       wmean(gm + k * d->T, 0, tk - 1)) -
				      (wmean(gmU, tk, d->T - 1) -
				       wmean(gmU, 0, tk - 1));
		}
		for (l = k + 1; l < G; l++) {
			double sl = nk[l] / Nact, nkl = sk / (sk + sl);
			size_t tl = (size_t)(gv[l] - d->pmin);
			double Dl = (double)(d->pmax - gv[l] + 1) / T;
			const double *yk = gm + k * d->T, *yl = gm + l * d->T;
			struct mnr_did_bacon *b;

			if (tk > 0) {
				b = &out->bacon[nb++];
				b->type = MNR_DID_BACON_EARLY_VS_LATE;
				b->treated = gv[k];
				b->control = gv[l];
				b->weight = pow((sk + sl) * (1.0 - Dl), 2) *
					    nkl * (1.0 - nkl) *
					    ((Dk - Dl) / (1.0 - Dl)) *
					    ((1.0 - Dk) / (1.0 - Dl)) / vd;
				b->estimate = (wmean(yk, tk, tl - 1) -
					       wmean(yk, 0, tk - 1)) -
					      (wmean(yl, tk, tl - 1) -
					       wmean(yl, 0, tk - 1));
			}
			b = &out->bacon[nb++];
			b->type = MNR_DID_BACON_LATE_VS_EARLY;
			b->treated = gv[l];
			b->control = gv[k];
			b->weight = pow((sk + sl) * Dk, 2) * nkl * (1.0 - nkl) *
				    (Dl / Dk) * ((Dk - Dl) / Dk) / vd;
			b->estimate = (wmean(yl, tl, d->T - 1) -
				       wmean(yl, tk, tl - 1)) -
				      (wmean(yk, tl, d->T - 1) -
				       wmean(yk, tk, tl - 1));
		}
	}
	out->n_bacon = nb;
	out->bacon_sum = 0.0;
	for (k = 0; k < nb; k++)
		out->bacon_sum += out->bacon[k].weight * out->bacon[k].estimate;
done:
	mnr__free(gv);
	mnr__free(nk);
	mnr__free(gm);
	return 0;
nomem:
	mnr__free(gv);
	mnr__free(nk);
	mnr__free(gm);
	return -1;
}

int mnr__did_twfe(const struct did_data *d, const struct mnr_did_options *opt,
		  int full, struct mnr_did_twfe *out, struct mnr_error *err)
{
	struct obs o;
	double *Dt = NULL, *yt = NULL, *e = NULL, *score = NULL;
	double sdd = 0.0, sdy = 0.0, beta;
	size_t k, k_par;
	int rc = MNR_OK;

	memset(out, 0, sizeof(*out));
	out->computed = 1;
	out->wild_p = NAN;
	out->bacon_sum = NAN;
	mnr__did_est_missing(&out->beta, NULL);
	if (obs_build(d, &o) != 0)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	out->n_obs = o.n;
	out->n_clusters = o.n_units;
	/* Intercept, N-1 unit and T-1 period dummies, and the treatment. */
	k_par = o.n_units + o.n_periods;
	out->n_params = k_par;
	Dt = mnr__malloc(mnr__size_mul(o.n ? o.n : 1, sizeof(double)));
	yt = mnr__malloc(mnr__size_mul(o.n ? o.n : 1, sizeof(double)));
	e = mnr__malloc(mnr__size_mul(o.n ? o.n : 1, sizeof(double)));
	score = mnr__malloc(mnr__size_mul(d->N, sizeof(double)));
	if (!Dt || !yt || !e || !score) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	for (k = 0; k < o.n; k++) {
		long per = d->pmin + (long)o.t[k];

		Dt[k] = (!did_is_never(d, o.u[k]) && per >= d->g[o.u[k]]) ?
			1.0 : 0.0;
		yt[k] = DID_Y(d, o.u[k], o.t[k]);
	}
	if (o.n_units < 2) {
		out->beta.reason = "fewer than two units with data";
		goto out;
	}
	if (project(&o, d->N, d->T, Dt) != 0 ||
	    project(&o, d->N, d->T, yt) != 0) {
		rc = mnr_error_set(err, MNR_ENUMERIC,
				   "fixed-effects projection did not converge");
		goto out;
	}
	for (k = 0; k < o.n; k++) {
		sdd += Dt[k] * Dt[k];
		sdy += Dt[k] * yt[k];
	}
	if (!(sdd > 1e-10 * (double)o.n)) {
		out->beta.reason =
			"treatment does not vary once unit and period effects are removed";
		goto out;
	}
	beta = sdy / sdd;
	out->beta.est = beta;
	out->beta.reason = NULL;
	out->beta.df = (double)o.n_units - 1.0;
	for (k = 0; k < o.n; k++)
		e[k] = yt[k] - beta * Dt[k];
	if ((double)o.n <= (double)k_par) {
		out->beta.se = NAN;
		out->beta.reason = "no residual degrees of freedom";
	} else {
		out->beta.se = cr1_se(&o, Dt, e, sdd, score, d->N, k_par);
	}
	mnr__did_est_finish(&out->beta, opt->level);
	if (!full)
		goto out;
	if (opt->boot > 0 && isfinite(out->beta.se) &&
	    (opt->wild == MNR_DID_WILD_ON ||
	     (opt->wild == MNR_DID_WILD_AUTO && o.n_units < 30))) {
		int w = wild_p(&o, d, Dt, yt, sdd, beta / out->beta.se, k_par,
			       opt, &out->wild_p);

		if (w == -1) {
			rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
			goto out;
		}
		if (w == -2) {
			rc = mnr_error_set(err, MNR_ENUMERIC,
					   "fixed-effects projection did not converge");
			goto out;
		}
		out->wild_draws = opt->boot;
	}
	if (!d->balanced) {
		out->bacon_reason =
			"the panel is unbalanced: the decomposition needs every unit observed at every period";
	} else if (bacon(d, sdd / (double)o.n, out) != 0) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
out:
	mnr__free(Dt);
	mnr__free(yt);
	mnr__free(e);
	mnr__free(score);
	obs_release(&o);
	return rc;
}
