/*
 * Callaway & Sant'Anna (2021, J. Econometrics 225:200-230) group-time
 * average treatment effects under unconditional parallel trends, their
 * aggregations with influence-function standard errors, the multiplier
 * bootstrap with simultaneous bands, and the pre-trend Wald test (library
 * layer).  Conventions follow the authors' R package `did` (att_gt with
 * base_period = "varying", aggte), re-derived from the paper.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>

#include "alloc_internal.h"
#include "did_internal.h"
#include "banned.h"

#define NOCOH SIZE_MAX

/* Shared state of one run. */
struct cs {
	const struct did_data *d;
	const struct mnr_did_options *o;
	size_t n;          /* units in the estimation (always-treated out) */
	size_t *unit;      /* CS index -> panel unit */
	size_t *ucoh;      /* CS index -> cohort index or NOCOH (never) */
	long *coh;         /* cohort adoption periods, ascending */
	double *pg;        /* cohort share of the n units (did's pg) */
	size_t C;
	double *psi;       /* n_attgt rows of n influence values */
};

void mnr__did_cs_release(struct mnr_did_cs *c)
{
	mnr__free(c->attgt);
	mnr__free(c->event);
	mnr__free(c->cohort);
	mnr__free(c->calendar);
	c->attgt = NULL;
	c->event = c->cohort = c->calendar = NULL;
	c->n_attgt = c->n_event = c->n_cohort = c->n_calendar = 0;
}

/*
 * Y_t - Y_base of CS unit j (NaN when either is missing) and whether it is
 * in cohort c or in the control pool for the periods compared.
 */
static double unit_change(const struct cs *s, size_t c, size_t j, long t,
			  long base, long hi, int *treated, int *control)
{
	const struct did_data *d = s->d;
	size_t i = s->unit[j];

	*treated = s->ucoh[j] == c;
	*control = s->ucoh[j] == NOCOH ||
		   (s->o->control == MNR_DID_CONTROL_NOTYET && !*treated &&
		    d->g[i] > hi + s->o->anticipation);
	return DID_Y(d, i, t - d->pmin) - DID_Y(d, i, base - d->pmin);
}

/*
 * ATT(g, t) = [mean over cohort g of Y_t - Y_base] - [the same mean over
 * the control units], on the units observed at both periods (CS 2021,
 * eq. 2.5 without covariates).  base = g - anticipation - 1 for
 * t >= g - anticipation, else t - 1 (the "varying" base, so pre-period
 * estimates are one-period placebo changes).  Controls: never treated, or
 * also units adopting after max(t, base) + anticipation (eq. 2.6).  The
 * influence function on the n-unit scale is
 * psi_i = n/n_g (dY_i - mean_g) for cohort units and
 * -n/n_c (dY_i - mean_c) for controls, so Var = sum psi^2 / n^2.
 */
static void attgt(struct cs *s, size_t c, long t, struct mnr_did_attgt *r,
		  double *psi)
{
	const struct did_data *d = s->d;
	long g = s->coh[c], delta = s->o->anticipation;
	long base = t >= g - delta ? g - delta - 1 : t - 1;
	long hi = t > base ? t : base;
	double sg = 0.0, sc = 0.0, ng = 0.0, nc = 0.0, mg, mc, v = 0.0;
	size_t j;

	memset(r, 0, sizeof(*r));
	r->cohort = g;
	r->period = t;
	r->base = base;
	mnr__did_est_missing(&r->att, NULL);
	memset(psi, 0, s->n * sizeof(double));
	if (base < d->pmin) {
		r->att.reason =
			"no base period before adoption (less anticipation) in the panel";
		return;
	}
	for (j = 0; j < s->n; j++) {
		int treated, control;
		double dy = unit_change(s, c, j, t, base, hi, &treated,
					&control);

		if (isnan(dy) || (!treated && !control))
			continue;
		if (treated) {
			sg += dy;
			ng += 1.0;
		} else {
			sc += dy;
			nc += 1.0;
		}
	}
	r->n_treated = (size_t)ng;
	r->n_control = (size_t)nc;
	if (ng == 0 || nc == 0) {
		r->att.reason = ng == 0 ?
			"no unit of the cohort observed at both periods" :
			(s->o->control == MNR_DID_CONTROL_NOTYET ?
			 "empty control pool: no never- or not-yet-treated unit observed at both periods" :
			 "empty control pool: no never-treated unit observed at both periods");
		return;
	}
	mg = sg / ng;
	mc = sc / nc;
	for (j = 0; j < s->n; j++) {
		int treated, control;
		double dy = unit_change(s, c, j, t, base, hi, &treated,
					&control);

		if (isnan(dy) || (!treated && !control))
			continue;
		psi[j] = treated ? (double)s->n / ng * (dy - mg) :
				   -(double)s->n / nc * (dy - mc);
		v += psi[j] * psi[j];
	}
	r->att.est = mg - mc;
	r->att.se = sqrt(v) / (double)s->n;
	r->att.reason = NULL;
	if (ng < 2)
		r->att.reason =
			"cohort of one unit: its own standard error is not estimable";
	else if (nc < 2)
		r->att.reason =
			"one control unit: its own standard error is not estimable";
	if (r->att.reason)
		r->att.se = NAN;
	mnr__did_est_finish(&r->att, s->o->level);
}

/* One aggregated item: an estimate, its influence row, its cohort. */
struct item {
	double att;
	const double *psi;
	size_t coh;
};

/*
 * theta = sum_k w_k att_k with w_k = pg_k / S, S = sum pg_k (or equal
 * weights).  With estimated weights the influence function gains the
 * weight term of did::aggte (CS 2021, appendix; `wif`):
 * sum_k att_k [(1{G=g_k} - pg_k)/S - pg_k/S^2 sum_k' (1{G=g_k'} - pg_k')].
 */
static double aggregate(const struct cs *s, const struct item *it, size_t m,
			int equal, int wif, double *ifo, double *se)
{
	double S = 0.0, theta = 0.0, v = 0.0;
	size_t k, j;

	for (k = 0; k < m; k++)
		S += equal ? 1.0 : s->pg[it[k].coh];
	for (k = 0; k < m; k++)
		theta += (equal ? 1.0 : s->pg[it[k].coh]) / S * it[k].att;
	for (j = 0; j < s->n; j++) {
		double f = 0.0, A = 0.0, B = 0.0;

		for (k = 0; k < m; k++) {
			double w = (equal ? 1.0 : s->pg[it[k].coh]) / S;
			double ind = s->ucoh[j] == it[k].coh ? 1.0 : 0.0;

			f += w * it[k].psi[j];
			A += it[k].att * (ind - s->pg[it[k].coh]);
			B += ind - s->pg[it[k].coh];
		}
		if (wif)
			f += A / S - theta / S * B;
		ifo[j] = f;
		v += f * f;
	}
	*se = sqrt(v) / (double)s->n;
	return theta;
}

/* 1 when every item comes from the same cohort and it has one unit. */
static int single_unit_only(const struct cs *s, const struct item *it,
			    size_t m)
{
	size_t k;

	for (k = 1; k < m; k++)
		if (it[k].coh != it[0].coh)
			return 0;
	return m > 0 && s->pg[it[0].coh] * (double)s->n < 1.5;
}

static void agg_init(struct mnr_did_agg *a, long key)
{
	memset(a, 0, sizeof(*a));
	a->key = key;
	a->boot_se = a->band_lo = a->band_hi = NAN;
	mnr__did_est_missing(&a->est, NULL);
}

static void agg_store(const struct cs *s, struct mnr_did_agg *a,
		      const struct item *it, size_t m, int equal, int wif,
		      double *ifo)
{
	a->n_cells = m;
	if (m == 0) {
		memset(ifo, 0, s->n * sizeof(double));
		a->est.reason = "no estimable group-time effect";
		return;
	}
	a->est.reason = NULL;
	a->est.est = aggregate(s, it, m, equal, wif, ifo, &a->est.se);
	if (single_unit_only(s, it, m)) {
		/*
		 * One cohort of one unit: its own variation is not in the
		 * influence function (its deviation from its own mean is
		 * zero) and no other cohort's spread stands in for it.
		 */
		a->est.se = NAN;
		a->est.reason =
			"only a one-unit cohort contributes: standard error not estimable";
	}
	mnr__did_est_finish(&a->est, s->o->level);
}

/*
 * Generalised-inverse Wald statistic theta' V^+ theta with
 * V = A A' / n^2, A the P x n matrix of influence rows.  The eigenproblem is
 * solved on the smaller of A A' and A'A; eigenvalues below sqrt(eps) times
 * the largest are dropped (MASS::ginv's rule), df = rank.
 */
static int wald(const double *A, const double *theta, size_t P, size_t n,
		double *W, double *df)
{
	size_t m = P <= n ? P : n, a, b, k;
	gsl_matrix *M = gsl_matrix_alloc(m, m), *V = gsl_matrix_alloc(m, m);
	gsl_vector *ev = gsl_vector_alloc(m);
	gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(m);
	double *proj = mnr__malloc(m * sizeof(double));
	double lmax = 0.0, w = 0.0, r = 0.0;
	int rc = 0;

	if (!M || !V || !ev || !ws || !proj) {
		rc = -1;
		goto out;
	}
	for (a = 0; a < m; a++)
		for (b = 0; b <= a; b++) {
			double sum = 0.0;

			if (P <= n)
				for (k = 0; k < n; k++)
					sum += A[a * n + k] * A[b * n + k];
			else
				for (k = 0; k < P; k++)
					sum += A[k * n + a] * A[k * n + b];
			gsl_matrix_set(M, a, b, sum);
			gsl_matrix_set(M, b, a, sum);
		}
	/* proj = theta (P <= n) or A' theta (P > n). */
	for (a = 0; a < m; a++) {
		double sum = 0.0;

		if (P <= n)
			sum = theta[a];
		else
			for (k = 0; k < P; k++)
				sum += A[k * n + a] * theta[k];
		proj[a] = sum;
	}
	if (gsl_eigen_symmv(M, ev, V, ws) != 0) {
		rc = -2;
		goto out;
	}
	for (k = 0; k < m; k++)
		if (gsl_vector_get(ev, k) > lmax)
			lmax = gsl_vector_get(ev, k);
	for (k = 0; k < m; k++) {
		double lam = gsl_vector_get(ev, k), q = 0.0;

		if (!(lam > sqrt(DBL_EPSILON) * lmax))
			continue;
		for (a = 0; a < m; a++)
			q += gsl_matrix_get(V, a, k) * proj[a];
		w += P <= n ? q * q / lam : q * q / (lam * lam);
		r += 1.0;
	}
	*W = w * (double)n * (double)n;
	*df = r;
out:
	if (M)
		gsl_matrix_free(M);
	if (V)
		gsl_matrix_free(V);
	if (ev)
		gsl_vector_free(ev);
	if (ws)
		gsl_eigen_symmv_free(ws);
	mnr__free(proj);
	return rc;
}

/*
 * Multiplier bootstrap (CS 2021, section 4.1; Webb six-point weights, one
 * per unit): theta*_k - theta_k = sum_i v_i psi_ik / n.  Standard errors
 * are the bootstrap IQR / (z_.75 - z_.25); the simultaneous band for the
 * event study uses the level quantile of max_e |theta*_e - theta_e| /
 * se_e, as in did::mboot.  Rows of IF with a missing estimate are skipped.
 */
static int bootstrap(struct cs *s, struct mnr_did_cs *out, double *IF,
		     size_t K, size_t k_overall, int wild)
{
	size_t B = s->o->boot, b, k, j, ne = out->n_event;
	double *draws = mnr__malloc(mnr__size_mul(mnr__size_mul(K, B),
						  sizeof(double)));
	double *v = mnr__malloc(mnr__size_mul(s->n, sizeof(double)));
	double *tmp = mnr__malloc(mnr__size_mul(B, sizeof(double)));
	double *bse = mnr__malloc(mnr__size_mul(K, sizeof(double)));
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	double zq = gsl_cdf_ugaussian_Pinv(0.75) - gsl_cdf_ugaussian_Pinv(0.25);
	double tol = sqrt(DBL_EPSILON) * 10.0;
	int rc = 0;

	if (!draws || !v || !tmp || !bse || !r) {
		rc = -1;
		goto out;
	}
	gsl_rng_set(r, s->o->seed);
	for (b = 0; b < B; b++) {
		for (j = 0; j < s->n; j++)
			v[j] = mnr__did_webb(r);
		for (k = 0; k < K; k++) {
			const double *row = IF + k * s->n;
			double sum = 0.0;

			for (j = 0; j < s->n; j++)
				sum += v[j] * row[j];
			draws[k * B + b] = sum / (double)s->n;
		}
	}
	for (k = 0; k < K; k++) {
		memcpy(tmp, draws + k * B, B * sizeof(double));
		bse[k] = (mnr__did_quantile(tmp, B, 0.75) -
			  mnr__did_quantile(tmp, B, 0.25)) / zq;
	}
	for (k = 0; k < ne; k++)
		out->event[k].boot_se = isfinite(out->event[k].est.se) ?
					bse[k] : NAN;
	for (k = 0; k < out->n_cohort; k++)
		out->cohort[k].boot_se = isfinite(out->cohort[k].est.se) ?
					 bse[ne + k] : NAN;
	for (k = 0; k < out->n_calendar; k++)
		out->calendar[k].boot_se =
			isfinite(out->calendar[k].est.se) ?
			bse[ne + out->n_cohort + k] : NAN;
	/* Simultaneous band over the event times. */
	for (b = 0; b < B; b++) {
		double mx = 0.0;

		for (k = 0; k < ne; k++) {
			double q;

			if (!isfinite(out->event[k].est.se) || !(bse[k] > tol))
				continue;
			q = fabs(draws[k * B + b]) / bse[k];
			if (q > mx)
				mx = q;
		}
		tmp[b] = mx;
	}
	out->uniform_crit = ne ? mnr__did_quantile(tmp, B, s->o->level) : NAN;
	for (k = 0; k < ne; k++) {
		struct mnr_did_agg *a = &out->event[k];

		if (!isfinite(a->est.se) || !(bse[k] > tol))
			continue;
		a->band_lo = a->est.est - out->uniform_crit * bse[k];
		a->band_hi = a->est.est + out->uniform_crit * bse[k];
	}
	if (wild && isfinite(out->overall.est)) {
		size_t hits = 0;

		for (b = 0; b < B; b++)
			hits += fabs(draws[k_overall * B + b]) >=
				fabs(out->overall.est);
		out->overall_wild_p = (double)hits / (double)B;
	}
out:
	mnr__free(draws);
	mnr__free(v);
	mnr__free(tmp);
	mnr__free(bse);
	if (r)
		gsl_rng_free(r);
	return rc;
}

static void cs_free(struct cs *s)
{
	mnr__free(s->unit);
	mnr__free(s->ucoh);
	mnr__free(s->coh);
	mnr__free(s->pg);
	mnr__free(s->psi);
}

int mnr__did_cs(const struct did_data *d, const struct mnr_did_options *o,
		int full, struct mnr_did_cs *out, struct mnr_error *err)
{
	struct cs s;
	struct item *it = NULL;
	double *IF = NULL, *theta_pre = NULL, *A_pre = NULL;
	size_t i, j, c, k, m, Tm1, K = 0, n_e, e_off;
	int rc = MNR_OK;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	out->computed = 1;
	out->overall_wild_p = NAN;
	out->uniform_crit = NAN;
	out->pre_wald = out->pre_df = out->pre_p = NAN;
	mnr__did_est_missing(&out->overall, NULL);
	mnr__did_est_missing(&out->event_post, NULL);
	s.d = d;
	s.o = o;
	s.unit = mnr__malloc(mnr__size_mul(d->N, sizeof(size_t)));
	s.ucoh = mnr__malloc(mnr__size_mul(d->N, sizeof(size_t)));
	s.coh = mnr__malloc(mnr__size_mul(d->N, sizeof(long)));
	s.pg = mnr__calloc(d->N, sizeof(double));
	if (!s.unit || !s.ucoh || !s.coh || !s.pg)
		goto nomem;
	/* Units treated from the first period have no untreated period. */
	for (i = 0; i < d->N; i++) {
		long g = d->g[i];

		if (!d->active[i] || (!did_is_never(d, i) && g <= d->pmin))
			continue;
		s.unit[s.n++] = i;
		if (did_is_never(d, i)) {
			out->n_never++;
			continue;
		}
		for (c = 0; c < s.C && s.coh[c] != g; c++)
			;
		if (c == s.C) {
			for (c = s.C; c > 0 && s.coh[c - 1] > g; c--)
				s.coh[c] = s.coh[c - 1];
			s.coh[c] = g;
			s.C++;
		}
	}
	out->n_units = s.n;
	out->n_cohorts = s.C;
	for (j = 0; j < s.n; j++) {
		size_t u = s.unit[j];

		s.ucoh[j] = NOCOH;
		if (did_is_never(d, u))
			continue;
		for (c = 0; s.coh[c] != d->g[u]; c++)
			;
		s.ucoh[j] = c;
		s.pg[c] += 1.0 / (double)s.n;
	}
	if (s.C == 0 || d->T < 2) {
		out->overall.reason = s.C == 0 ?
			"no unit adopts during the panel" :
			"the panel has a single period";
		out->event_post.reason = out->overall.reason;
		out->pre_reason = out->overall.reason;
		goto done;
	}
	Tm1 = d->T - 1;
	out->n_attgt = s.C * Tm1;
	out->attgt = mnr__calloc(out->n_attgt, sizeof(*out->attgt));
	s.psi = mnr__malloc(mnr__size_mul(mnr__size_mul(out->n_attgt, s.n),
					  sizeof(double)));
	if (!out->attgt || !s.psi)
		goto nomem;
	for (c = 0; c < s.C; c++)
		for (k = 0; k < Tm1; k++)
			attgt(&s, c, d->pmin + 1 + (long)k,
			      &out->attgt[c * Tm1 + k],
			      s.psi + (c * Tm1 + k) * s.n);
	/* Event times e = t - g span -(T-1) .. T-2. */
	n_e = 2 * d->T;
	e_off = d->T;
	out->event = mnr__calloc(n_e, sizeof(*out->event));
	out->cohort = mnr__calloc(s.C, sizeof(*out->cohort));
	out->calendar = mnr__calloc(d->T, sizeof(*out->calendar));
	it = mnr__malloc(mnr__size_mul(out->n_attgt + s.C + n_e, sizeof(*it)));
	IF = mnr__malloc(mnr__size_mul(mnr__size_mul(n_e + s.C + d->T + 2,
						     s.n), sizeof(double)));
	if (!out->event || !out->cohort || !out->calendar || !it || !IF)
		goto nomem;
	/* Event study (did::aggte type "dynamic"): weights pg, with wif. */
	for (k = 0; k < n_e; k++) {
		long e = (long)k - (long)e_off;

		m = 0;
		for (j = 0; j < out->n_attgt; j++) {
			const struct mnr_did_attgt *a = &out->attgt[j];

			if (a->period - a->cohort == e && isfinite(a->att.est))
				it[m++] = (struct item){ a->att.est,
					s.psi + j * s.n, j / Tm1 };
		}
		if (m == 0)
			continue;
		agg_init(&out->event[out->n_event], e);
		agg_store(&s, &out->event[out->n_event], it, m, 0, 1,
			  IF + K * s.n);
		out->n_event++;
		K++;
	}
	/* Cohort effects: plain mean of the post cells t >= g. */
	for (c = 0; c < s.C; c++) {
		m = 0;
		for (k = 0; k < Tm1; k++) {
			j = c * Tm1 + k;
			if (out->attgt[j].period >= s.coh[c] &&
			    isfinite(out->attgt[j].att.est))
				it[m++] = (struct item){ out->attgt[j].att.est,
					s.psi + j * s.n, c };
		}
		agg_init(&out->cohort[c], s.coh[c]);
		agg_store(&s, &out->cohort[c], it, m, 1, 0, IF + K * s.n);
		out->n_cohort++;
		K++;
	}
	/* Calendar time: cohorts already treated at t, weights pg, wif. */
	for (k = 0; k < Tm1; k++) {
		long t = d->pmin + 1 + (long)k;

		if (t < s.coh[0])
			continue;
		m = 0;
		for (c = 0; c < s.C; c++) {
			j = c * Tm1 + k;
			if (s.coh[c] <= t && isfinite(out->attgt[j].att.est))
				it[m++] = (struct item){ out->attgt[j].att.est,
					s.psi + j * s.n, c };
		}
		agg_init(&out->calendar[out->n_calendar], t);
		agg_store(&s, &out->calendar[out->n_calendar], it, m, 0, 1,
			  IF + K * s.n);
		out->n_calendar++;
		K++;
	}
	/* Overall theta^O: cohort effects weighted by pg, with wif. */
	m = 0;
	for (c = 0; c < s.C; c++)
		if (isfinite(out->cohort[c].est.est))
			it[m++] = (struct item){ out->cohort[c].est.est,
				IF + (out->n_event + c) * s.n, c };
	{
		struct mnr_did_agg tmp;

		agg_init(&tmp, 0);
		agg_store(&s, &tmp, it, m, 0, 1, IF + K * s.n);
		out->overall = tmp.est;
		if (m == 0)
			out->overall.reason = "no estimable post-adoption effect";
		K++;
	}
	/* Average of the event-time effects e >= 0, equal weights. */
	{
		double *row = IF + K * s.n, sum = 0.0, v = 0.0, cnt = 0.0;

		memset(row, 0, s.n * sizeof(double));
		for (k = 0; k < out->n_event; k++) {
			if (out->event[k].key < 0 ||
			    !isfinite(out->event[k].est.est))
				continue;
			sum += out->event[k].est.est;
			cnt += 1.0;
			for (j = 0; j < s.n; j++)
				row[j] += IF[k * s.n + j];
		}
		if (cnt > 0) {
			for (j = 0; j < s.n; j++) {
				row[j] /= cnt;
				v += row[j] * row[j];
			}
			out->event_post.reason = NULL;
			out->event_post.est = sum / cnt;
			out->event_post.se = sqrt(v) / (double)s.n;
			mnr__did_est_finish(&out->event_post, o->level);
		} else {
			out->event_post.reason = "no post-adoption event time";
		}
		K++;
	}
	if (!full)
		goto done;
	/* Pre-trend test on the event-time effects before anticipation. */
	theta_pre = mnr__malloc(mnr__size_mul(out->n_event ? out->n_event : 1,
					      sizeof(double)));
	A_pre = mnr__malloc(mnr__size_mul(mnr__size_mul(
		out->n_event ? out->n_event : 1, s.n), sizeof(double)));
	if (!theta_pre || !A_pre)
		goto nomem;
	m = 0;
	for (k = 0; k < out->n_event; k++) {
		if (out->event[k].key >= -o->anticipation ||
		    !isfinite(out->event[k].est.est) ||
		    !isfinite(out->event[k].est.se))
			continue;
		theta_pre[m] = out->event[k].est.est;
		memcpy(A_pre + m * s.n, IF + k * s.n, s.n * sizeof(double));
		m++;
	}
	out->pre_n = m;
	if (m == 0) {
		out->pre_reason = "no pre-adoption estimate";
	} else {
		int w = wald(A_pre, theta_pre, m, s.n, &out->pre_wald,
			     &out->pre_df);

		if (w == -1)
			goto nomem;
		if (w != 0 || !(out->pre_df > 0)) {
			out->pre_wald = out->pre_df = NAN;
			out->pre_reason =
				"pre-adoption covariance has rank zero";
		} else {
			out->pre_p = gsl_cdf_chisq_Q(out->pre_wald,
						     out->pre_df);
		}
	}
	if (o->boot > 0) {
		int wild = o->wild == MNR_DID_WILD_ON ||
			   (o->wild == MNR_DID_WILD_AUTO && s.n < 30);

		if (bootstrap(&s, out, IF, K, out->n_event + out->n_cohort +
			      out->n_calendar, wild) != 0)
			goto nomem;
	}
done:
	mnr__free(it);
	mnr__free(IF);
	mnr__free(theta_pre);
	mnr__free(A_pre);
	cs_free(&s);
	return rc;
nomem:
	rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
	goto done;
}
