/*
 * Regression engine (library layer): least squares through Householder QR,
 * IRLS for log-link GLMs, NB2 theta by maximum likelihood, Newey-West HAC
 * covariance, iterated Prais-Winsten, residual diagnostics.  Conventions
 * follow R so results can be checked against lm, glm, MASS::glm.nb,
 * sandwich::NeweyWest and lmtest (see tests/reference/its/).
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_sf_psi.h>

#include "mnrstat/regress.h"
#include "alloc_internal.h"
#include "banned.h"

/* Largest NB2 theta we iterate to; beyond it the data show no overdispersion. */
#define THETA_CAP 1e8

void mnr_regress_options_init(struct mnr_regress_options *o)
{
	memset(o, 0, sizeof(*o));
	o->family = MNR_REG_GAUSSIAN;
	o->errors = MNR_REG_CLASSIC;
	o->nw_lag = -1;
}

void mnr_regress_fit_free(struct mnr_regress_fit *fit)
{
	if (!fit)
		return;
	mnr__free(fit->beta);
	mnr__free(fit->vcov);
	mnr__free(fit->eta);
	mnr__free(fit->mu);
	mnr__free(fit->resid);
	fit->beta = fit->vcov = fit->eta = fit->mu = fit->resid = NULL;
}

double mnr_regress_crit(double level, double df)
{
	double a = 0.5 * (1.0 - level);

	if (isinf(df))
		return gsl_cdf_ugaussian_Qinv(a);
	return gsl_cdf_tdist_Qinv(a, df);
}

double mnr_regress_pvalue(double stat, double df)
{
	double q;

	if (isnan(stat))
		return NAN;
	q = isinf(df) ? gsl_cdf_ugaussian_Q(fabs(stat))
		      : gsl_cdf_tdist_Q(fabs(stat), df);
	return 2.0 * q;
}

/* Scratch space for repeated least-squares solves of one n x k problem. */
struct work {
	size_t n, k;
	double *A;    /* n x k, sqrt(w) X, overwritten by QR */
	double *b;    /* n */
	double *tau;  /* k */
	double *cn;   /* k column norms */
	double *rinv; /* k x k */
	double *cov;  /* k x k unscaled covariance (X'WX)^-1 */
	double *w;    /* n working weights */
	double *z;    /* n working response */
	double *u;    /* n x k scores for Newey-West */
	double *meat; /* k x k */
	double *tmp;  /* k x k */
	double *xs;   /* n x k transformed X (Prais-Winsten) */
	double *ys;   /* n transformed y */
};

static void work_free(struct work *wk)
{
	mnr__free(wk->A);
	mnr__free(wk->b);
	mnr__free(wk->tau);
	mnr__free(wk->cn);
	mnr__free(wk->rinv);
	mnr__free(wk->cov);
	mnr__free(wk->w);
	mnr__free(wk->z);
	mnr__free(wk->u);
	mnr__free(wk->meat);
	mnr__free(wk->tmp);
	mnr__free(wk->xs);
	mnr__free(wk->ys);
}

static int work_alloc(struct work *wk, size_t n, size_t k)
{
	size_t nk = mnr__size_mul(n, k), kk = mnr__size_mul(k, k);

	memset(wk, 0, sizeof(*wk));
	wk->n = n;
	wk->k = k;
	wk->A = mnr__malloc(mnr__size_mul(nk, sizeof(double)));
	wk->b = mnr__malloc(mnr__size_mul(n, sizeof(double)));
	wk->tau = mnr__malloc(mnr__size_mul(k, sizeof(double)));
	wk->cn = mnr__malloc(mnr__size_mul(k, sizeof(double)));
	wk->rinv = mnr__malloc(mnr__size_mul(kk, sizeof(double)));
	wk->cov = mnr__malloc(mnr__size_mul(kk, sizeof(double)));
	wk->w = mnr__malloc(mnr__size_mul(n, sizeof(double)));
	wk->z = mnr__malloc(mnr__size_mul(n, sizeof(double)));
	wk->u = mnr__malloc(mnr__size_mul(nk, sizeof(double)));
	wk->meat = mnr__malloc(mnr__size_mul(kk, sizeof(double)));
	wk->tmp = mnr__malloc(mnr__size_mul(kk, sizeof(double)));
	wk->xs = mnr__malloc(mnr__size_mul(nk, sizeof(double)));
	wk->ys = mnr__malloc(mnr__size_mul(n, sizeof(double)));
	if (!wk->A || !wk->b || !wk->tau || !wk->cn || !wk->rinv ||
	    !wk->cov || !wk->w || !wk->z || !wk->u || !wk->meat ||
	    !wk->tmp || !wk->xs || !wk->ys) {
		work_free(wk);
		return -1;
	}
	return 0;
}

/*
 * Weighted least squares min ||sqrt(w) (z - X beta)||^2 by Householder QR
 * of sqrt(w) X (w NULL: unit weights); wk->cov receives (X'WX)^-1 =
 * R^-1 R^-T.  Without pivoting, |R_jj| is the length of column j's part
 * orthogonal to the earlier columns, so |R_jj| <= 1e-10 ||column j||
 * flags column j as aliased (collinear), as R's lm.fit tolerance does.
 */
static int wls(struct work *wk, const double *X, const double *w,
	       const double *z, double *beta, size_t *aliased)
{
	size_t n = wk->n, k = wk->k, i, j, m;
	gsl_matrix_view Av;
	gsl_vector_view tv, bv;

	for (j = 0; j < k; j++)
		wk->cn[j] = 0.0;
	for (i = 0; i < n; i++) {
		double sw = w ? sqrt(w[i]) : 1.0;

		for (j = 0; j < k; j++) {
			double a = sw * X[i * k + j];

			wk->A[i * k + j] = a;
			wk->cn[j] += a * a;
		}
		wk->b[i] = sw * z[i];
	}
	Av = gsl_matrix_view_array(wk->A, n, k);
	tv = gsl_vector_view_array(wk->tau, k);
	bv = gsl_vector_view_array(wk->b, n);
	if (gsl_linalg_QR_decomp(&Av.matrix, &tv.vector) != GSL_SUCCESS)
		return MNR_ENUMERIC;
	for (j = 0; j < k; j++) {
		if (!(fabs(wk->A[j * k + j]) > 1e-10 * sqrt(wk->cn[j]))) {
			*aliased = j;
			return MNR_EDOMAIN;
		}
	}
	if (gsl_linalg_QR_QTvec(&Av.matrix, &tv.vector, &bv.vector) !=
	    GSL_SUCCESS)
		return MNR_ENUMERIC;
	/* Back substitution R beta = (Q'b)[0..k). */
	for (j = k; j-- > 0;) {
		double s = wk->b[j];

		for (m = j + 1; m < k; m++)
			s -= wk->A[j * k + m] * beta[m];
		beta[j] = s / wk->A[j * k + j];
	}
	/* R^-1, upper triangular, column by column. */
	memset(wk->rinv, 0, k * k * sizeof(double));
	for (j = 0; j < k; j++) {
		wk->rinv[j * k + j] = 1.0 / wk->A[j * k + j];
		for (i = j; i-- > 0;) {
			double s = 0.0;

			for (m = i + 1; m <= j; m++)
				s += wk->A[i * k + m] * wk->rinv[m * k + j];
			wk->rinv[i * k + j] = -s / wk->A[i * k + i];
		}
	}
	for (i = 0; i < k; i++) {
		for (j = i; j < k; j++) {
			double s = 0.0;

			for (m = j; m < k; m++)
				s += wk->rinv[i * k + m] * wk->rinv[j * k + m];
			wk->cov[i * k + j] = wk->cov[j * k + i] = s;
		}
	}
	return MNR_OK;
}

static double dot(const double *a, const double *b, size_t k)
{
	double s = 0.0;
	size_t j;

	for (j = 0; j < k; j++)
		s += a[j] * b[j];
	return s;
}

/* out = C M C for symmetric k x k C and M (the sandwich). */
static void sandwich(const double *C, const double *M, double *tmp,
		     double *out, size_t k)
{
	size_t i, j, m;

	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++) {
			double s = 0.0;

			for (m = 0; m < k; m++)
				s += C[i * k + m] * M[m * k + j];
			tmp[i * k + j] = s;
		}
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++) {
			double s = 0.0;

			for (m = 0; m < k; m++)
				s += tmp[i * k + m] * C[m * k + j];
			out[i * k + j] = s;
		}
}

/*
 * Newey-West meat from the n x k scores in wk->u: sum over pairs of
 * observations at time distance l <= L of w_l (u_i u_j' + u_j u_i'), with
 * Bartlett weights w_l = 1 - l/(L+1) and w_0 = 1 (sandwich::meatHAC times
 * n; Newey and West 1987).  With consecutive rows this is exactly
 * sandwich's computation; across gaps, lags are counted in months, as if
 * the missing months had zero scores.
 */
static void nw_meat(struct work *wk, const double *time, long L, int adjust)
{
	size_t n = wk->n, k = wk->k, i, j, a, b;

	memset(wk->meat, 0, k * k * sizeof(double));
	for (i = 0; i < n; i++) {
		const double *ui = wk->u + i * k;

		for (a = 0; a < k; a++)
			for (b = 0; b < k; b++)
				wk->meat[a * k + b] += ui[a] * ui[b];
		for (j = i + 1; j < n; j++) {
			const double *uj = wk->u + j * k;
			double l = time ? time[j] - time[i] : (double)(j - i);
			double wl;

			if (l > (double)L)
				break;
			wl = 1.0 - l / ((double)L + 1.0);
			for (a = 0; a < k; a++)
				for (b = 0; b < k; b++)
					wk->meat[a * k + b] += wl *
						(ui[a] * uj[b] + uj[a] * ui[b]);
		}
	}
	if (adjust) {
		double f = (double)n / (double)(n - k);

		for (a = 0; a < k * k; a++)
			wk->meat[a] *= f;
	}
}

/* Variance function and deviance contribution of the log-link families. */
static double family_var(int family, double mu, double theta)
{
	return family == MNR_REG_NEGBIN ? mu + mu * mu / theta : mu;
}

/*
 * A negative y (released value with privacy noise, poisson/quasipoisson
 * only) has no likelihood; its unit "deviance" 2 (mu - y) is the y <= 0
 * branch, finite and used only to watch IRLS converge to the root of the
 * estimating equations.
 */
static double dev_unit(int family, double y, double mu, double theta)
{
	double d = (y > 0.0 ? y * log(y / mu) : 0.0);

	if (family == MNR_REG_NEGBIN)
		return 2.0 * (d - (y + theta) * log((y + theta) / (mu + theta)));
	return 2.0 * (d - (y - mu));
}

static double deviance(int family, const double *y, const double *eta,
		       size_t n, double theta)
{
	double s = 0.0;
	size_t i;

	for (i = 0; i < n; i++)
		s += dev_unit(family, y[i], exp(eta[i]), theta);
	return s;
}

static void linpred(const double *X, size_t n, size_t k, const double *beta,
		    const double *offset, double *eta)
{
	size_t i;

	for (i = 0; i < n; i++)
		eta[i] = dot(X + i * k, beta, k) + (offset ? offset[i] : 0.0);
}

/*
 * IRLS for a log-link GLM (McCullagh and Nelder 1989, sec. 2.5): working
 * weights mu^2/V(mu), working response eta - offset + (y - mu)/mu,
 * convergence when the relative deviance change is below tol, as R's
 * glm.fit (|dev - dev_old| / (|dev| + 0.1)).  eta holds the starting
 * linear predictor and receives the final one; wk->cov receives
 * (X'WX)^-1 at the final mu.
 */
static int irls(struct work *wk, const double *X, const double *y,
		const double *offset, int family, double theta, double *eta,
		double *beta, double *beta_old, double tol, int max_iter,
		double *dev_out, int *iter_out, size_t *aliased)
{
	size_t n = wk->n, k = wk->k, i;
	double dev_old = deviance(family, y, eta, n, theta), dev = dev_old;
	int it, rc, h, have_old = 0;

	for (it = 1; it <= max_iter; it++) {
		for (i = 0; i < n; i++) {
			double mu = exp(eta[i]);

			wk->w[i] = mu * mu / family_var(family, mu, theta);
			wk->z[i] = eta[i] - (offset ? offset[i] : 0.0) +
				   (y[i] - mu) / mu;
		}
		rc = wls(wk, X, wk->w, wk->z, beta, aliased);
		if (rc)
			return rc;
		linpred(X, n, k, beta, offset, eta);
		dev = deviance(family, y, eta, n, theta);
		/* Step halving on a non-finite deviance, as glm.fit does. */
		for (h = 0; !isfinite(dev) && have_old && h < 60; h++) {
			for (i = 0; i < k; i++)
				beta[i] = 0.5 * (beta[i] + beta_old[i]);
			linpred(X, n, k, beta, offset, eta);
			dev = deviance(family, y, eta, n, theta);
		}
		if (!isfinite(dev))
			return MNR_EDOMAIN;
		memcpy(beta_old, beta, k * sizeof(double));
		have_old = 1;
		if (fabs(dev - dev_old) / (fabs(dev) + 0.1) < tol)
			break;
		dev_old = dev;
	}
	*iter_out = it;
	*dev_out = dev;
	if (it > max_iter)
		return MNR_ENUMERIC;
	/* Covariance at the converged mu. */
	for (i = 0; i < n; i++) {
		double mu = exp(eta[i]);

		wk->w[i] = mu * mu / family_var(family, mu, theta);
		wk->z[i] = 0.0;
	}
	return wls(wk, X, wk->w, wk->z, beta_old, aliased) ? MNR_ENUMERIC
							   : MNR_OK;
}

/*
 * d1 = psi(t + y) - psi(t) and d2 = psi1(t) - psi1(t + y).  For whole y
 * below 512 the recurrence psi(x + 1) = psi(x) + 1/x gives them as finite
 * sums (exact, and much cheaper than GSL's Hurwitz zeta); otherwise GSL.
 */
static void digamma_diff(double t, double y, double *d1, double *d2)
{
	if (y >= 0.0 && y < 512.0 && y == floor(y)) {
		double a = 0.0, b = 0.0;
		int j, m = (int)y;

		for (j = 0; j < m; j++) {
			double r = 1.0 / (t + (double)j);

			a += r;
			b += r * r;
		}
		*d1 = a;
		*d2 = b;
		return;
	}
	*d1 = gsl_sf_psi(t + y) - gsl_sf_psi(t);
	*d2 = gsl_sf_psi_1(t) - gsl_sf_psi_1(t + y);
}

/* NB2 log-likelihood score in theta at fixed mu (MASS::theta.ml). */
static double theta_score(const double *y, const double *eta, size_t n,
			  double t)
{
	double score = 0.0;
	size_t i;

	for (i = 0; i < n; i++) {
		double mu = exp(eta[i]);

		double d1, d2;

		digamma_diff(t, y[i], &d1, &d2);
		score += d1 + log(t) + 1.0 - log(t + mu) - (y[i] + t) / (mu + t);
	}
	return score;
}

/* 1/sqrt(observed information for theta at fixed mu), as glm.nb's SE.theta. */
static double theta_info_se(const double *y, const double *eta, size_t n,
			    double t)
{
	double info = 0.0;
	size_t i;

	for (i = 0; i < n; i++) {
		double mu = exp(eta[i]);

		double d1, d2;

		digamma_diff(t, y[i], &d1, &d2);
		info += d2 - 1.0 / t + 2.0 / (mu + t) -
			(y[i] + t) / ((mu + t) * (mu + t));
	}
	return info > 0.0 ? 1.0 / sqrt(info) : NAN;
}

/*
 * NB2 theta by maximum likelihood given mu: Newton on the profile score,
 * as MASS::theta.ml (Venables and Ripley 2002, sec. 7.4), started at the
 * moment estimate n / sum (y/mu - 1)^2 when *theta is not positive.
 * *se = 1/sqrt(observed information) at the estimate.  Sets *capped when
 * theta exceeds THETA_CAP (Poisson data).
 */
static void theta_ml(const double *y, const double *eta, size_t n,
		     double *theta, double *se, int *capped, double tol,
		     int max_iter)
{
	double t = *theta, info = NAN;
	size_t i;
	int it;

	if (!(t > 0.0)) {
		double s = 0.0;

		for (i = 0; i < n; i++) {
			double r = y[i] / exp(eta[i]) - 1.0;

			s += r * r;
		}
		t = s > 0.0 ? (double)n / s : THETA_CAP;
	}
	*capped = 0;
	for (it = 0; it < max_iter; it++) {
		double score = 0.0, del;

		info = 0.0;
		for (i = 0; i < n; i++) {
			double mu = exp(eta[i]);

			double d1, d2;

			digamma_diff(t, y[i], &d1, &d2);
			score += d1 + log(t) + 1.0 - log(t + mu) -
				 (y[i] + t) / (mu + t);
			info += d2 - 1.0 / t + 2.0 / (mu + t) -
				(y[i] + t) / ((mu + t) * (mu + t));
		}
		del = score / info;
		t = fabs(t + del);
		if (!(t < THETA_CAP) || !isfinite(t)) {
			t = THETA_CAP;
			*capped = 1;
			break;
		}
		if (fabs(del) <= tol * t)
			break;
	}
	*theta = t;
	*se = theta_info_se(y, eta, n, t);
}

/*
 * Prais-Winsten transform of (y, X) for AR(1) coefficient rho, keeping the
 * first observation (scaled by sqrt(1 - rho^2)); across a gap of d months
 * the exact AR(1) transform (y_t - rho^d y_{t-d}) sqrt((1 - rho^2) /
 * (1 - rho^2d)) keeps unit-variance, uncorrelated errors.
 */
static void pw_transform(struct work *wk, const double *X, const double *y,
			 const double *time, double rho)
{
	size_t n = wk->n, k = wk->k, i, j;
	double r2 = rho * rho;

	for (i = 0; i < n; i++) {
		double a, s;

		if (i == 0) {
			a = 0.0;
			s = sqrt(1.0 - r2);
		} else {
			double d = time ? time[i] - time[i - 1] : 1.0;

			a = pow(rho, d);
			s = d == 1.0 ? 1.0 : sqrt((1.0 - r2) / (1.0 - a * a));
		}
		wk->ys[i] = s * (y[i] - (i ? a * y[i - 1] : 0.0));
		for (j = 0; j < k; j++)
			wk->xs[i * k + j] = s * (X[i * k + j] -
				(i ? a * X[(i - 1) * k + j] : 0.0));
	}
}

/* rho = sum e_t e_{t-1} / sum e_{t-1}^2 over consecutive-month pairs. */
static double ar1_rho(const double *e, const double *time, size_t n)
{
	double num = 0.0, den = 0.0;
	size_t i;

	for (i = 1; i < n; i++) {
		if (time && time[i] - time[i - 1] != 1.0)
			continue;
		num += e[i] * e[i - 1];
		den += e[i - 1] * e[i - 1];
	}
	return den > 0.0 ? num / den : 0.0;
}

static int fit_alloc(struct mnr_regress_fit *fit, size_t n, size_t k)
{
	fit->beta = mnr__malloc(mnr__size_mul(k, sizeof(double)));
	fit->vcov = mnr__malloc(mnr__size_mul(mnr__size_mul(k, k),
					      sizeof(double)));
	fit->eta = mnr__malloc(mnr__size_mul(n, sizeof(double)));
	fit->mu = mnr__malloc(mnr__size_mul(n, sizeof(double)));
	fit->resid = mnr__malloc(mnr__size_mul(n, sizeof(double)));
	if (!fit->beta || !fit->vcov || !fit->eta || !fit->mu || !fit->resid) {
		mnr_regress_fit_free(fit);
		return -1;
	}
	return 0;
}

static int fit_gaussian(struct work *wk, const double *X, const double *y,
			const double *time, const struct mnr_regress_options *o,
			double tol, int max_iter, struct mnr_regress_fit *fit,
			struct mnr_error *err)
{
	size_t n = wk->n, k = wk->k, i;
	double rss = 0.0;
	int rc;

	rc = wls(wk, X, NULL, y, fit->beta, &fit->aliased);
	if (rc)
		goto fail;
	fit->iterations = 1;
	if (o->errors == MNR_REG_PRAIS_WINSTEN) {
		/*
		 * Iterated Prais-Winsten (Prais and Winsten 1954; Judge et al.
		 * 1985, sec. 8.2): rho from the residuals y - X beta of the
		 * current estimate, beta from OLS on the transformed data,
		 * until rho changes by less than tol.
		 */
		double rho = 0.0, rho_new;
		int it;

		for (it = 1; it <= max_iter; it++) {
			linpred(X, n, k, fit->beta, NULL, fit->eta);
			for (i = 0; i < n; i++)
				fit->resid[i] = y[i] - fit->eta[i];
			rho_new = ar1_rho(fit->resid, time, n);
			if (!(fabs(rho_new) < 1.0)) {
				rc = mnr_error_set(err, MNR_EDOMAIN,
					"prais-winsten: estimated AR(1) coefficient is not below 1 in absolute value");
				goto fail_set;
			}
			pw_transform(wk, X, y, time, rho_new);
			rc = wls(wk, wk->xs, NULL, wk->ys, fit->beta,
				 &fit->aliased);
			if (rc)
				goto fail;
			if (fabs(rho_new - rho) <= tol * (fabs(rho_new) + tol) ||
			    it == max_iter) {
				rho = rho_new;
				break;
			}
			rho = rho_new;
		}
		fit->iterations = it;
		if (it > max_iter) {
			rc = mnr_error_set(err, MNR_ENUMERIC,
				"prais-winsten iterations did not converge");
			goto fail_set;
		}
		fit->rho = rho;
		for (i = 0; i < n; i++) {
			double e = wk->ys[i] - dot(wk->xs + i * k, fit->beta, k);

			fit->resid[i] = e;
			rss += e * e;
		}
		linpred(X, n, k, fit->beta, NULL, fit->eta);
	} else {
		linpred(X, n, k, fit->beta, NULL, fit->eta);
		for (i = 0; i < n; i++) {
			fit->resid[i] = y[i] - fit->eta[i];
			rss += fit->resid[i] * fit->resid[i];
		}
	}
	memcpy(fit->mu, fit->eta, n * sizeof(double));
	fit->deviance = rss;
	fit->dispersion = rss / fit->df_resid;
	fit->pearson_dispersion = fit->dispersion;
	if (o->errors == MNR_REG_NEWEY_WEST) {
		for (i = 0; i < n; i++)
			for (size_t j = 0; j < k; j++)
				wk->u[i * k + j] = fit->resid[i] * X[i * k + j];
		nw_meat(wk, time, fit->nw_lag, o->nw_adjust);
		sandwich(wk->cov, wk->meat, wk->tmp, fit->vcov, k);
	} else {
		for (i = 0; i < k * k; i++)
			fit->vcov[i] = fit->dispersion * wk->cov[i];
	}
	return MNR_OK;
fail:
	if (rc == MNR_EDOMAIN)
		return mnr_error_set(err, rc,
			"design matrix is rank deficient (column %zu is collinear with earlier columns)",
			fit->aliased + 1);
	return mnr_error_set(err, rc, "least-squares solve failed");
fail_set:
	return rc;
}

static int fit_glm(struct work *wk, const double *X, const double *y,
		   const double *offset, const double *time,
		   const struct mnr_regress_options *o, double tol,
		   int max_iter, struct mnr_regress_fit *fit,
		   struct mnr_error *err)
{
	size_t n = wk->n, k = wk->k, i, j;
	double *beta_old, dev = NAN, x2 = 0.0, theta = NAN;
	int rc, it = 0;

	beta_old = mnr__malloc(k * sizeof(double));
	if (!beta_old)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	/*
	 * glm's poisson initialisation: mu = y + 0.1 (a noisy released
	 * value may be negative: start from max(y, 0) + 0.1).
	 */
	for (i = 0; i < n; i++)
		fit->eta[i] = log(fmax(y[i], 0.0) + 0.1);
	rc = irls(wk, X, y, offset, MNR_REG_POISSON, 1.0, fit->eta, fit->beta,
		  beta_old, tol, max_iter, &dev, &it, &fit->aliased);
	if (!rc && o->family == MNR_REG_NEGBIN) {
		/*
		 * MASS::glm.nb alternates the IRLS fit for fixed theta with the
		 * ML theta for fixed mu; the fixed point is the joint maximum-
		 * likelihood estimate, but the alternation converges linearly
		 * and crawls when theta is large.  We start with two such
		 * steps and then solve the profile score g(u) = dl/dtheta at
		 * (theta = e^u, mu-hat(theta)) = 0 by the secant method,
		 * falling back to bisection once the root is bracketed: same
		 * estimate, a few IRLS fits instead of hundreds.
		 */
		double th = 0.0, se = NAN, ua, ub, ga, gb, lo = -INFINITY,
		       hi = INFINITY, ucap = log(THETA_CAP);
		int outer, capped = 0;

		theta_ml(y, fit->eta, n, &th, &se, &capped, tol, max_iter);
		ua = log(th);
		rc = irls(wk, X, y, offset, MNR_REG_NEGBIN, th, fit->eta,
			  fit->beta, beta_old, tol, max_iter, &dev, &it,
			  &fit->aliased);
		ga = rc ? NAN : theta_score(y, fit->eta, n, th);
		if (!rc && !capped) {
			theta_ml(y, fit->eta, n, &th, &se, &capped, tol,
				 max_iter);
			ub = log(th);
			rc = irls(wk, X, y, offset, MNR_REG_NEGBIN, th,
				  fit->eta, fit->beta, beta_old, tol, max_iter,
				  &dev, &it, &fit->aliased);
			gb = rc ? NAN : theta_score(y, fit->eta, n, th);
			for (outer = 0; !rc && !capped; outer++) {
				double un;

				/* The profile score falls as theta grows. */
				if (gb > 0.0 && ub > lo)
					lo = ub;
				if (gb < 0.0 && ub < hi)
					hi = ub;
				if (gb == 0.0 || fabs(ub - ua) <= 1e-11 ||
				    (isfinite(lo) && isfinite(hi) &&
				     hi - lo <= 1e-11))
					break;
				if (outer == max_iter) {
					rc = MNR_ENUMERIC;
					break;
				}
				un = gb != ga ? ub - gb * (ub - ua) / (gb - ga)
					      : ub + (gb > 0.0 ? 1.0 : -1.0);
				if (isfinite(lo) && isfinite(hi)) {
					if (!(un > lo && un < hi))
						un = 0.5 * (lo + hi);
				} else if (fabs(un - ub) > 2.0) {
					un = ub + (un > ub ? 2.0 : -2.0);
				}
				if (un > ucap)
					un = ucap;
				ua = ub;
				ga = gb;
				ub = un;
				th = exp(ub);
				rc = irls(wk, X, y, offset, MNR_REG_NEGBIN, th,
					  fit->eta, fit->beta, beta_old, tol,
					  max_iter, &dev, &it, &fit->aliased);
				if (rc)
					break;
				gb = theta_score(y, fit->eta, n, th);
				if (ub >= ucap && gb > 0.0)
					capped = 1;
			}
			se = theta_info_se(y, fit->eta, n, th);
		}
		theta = th;
		fit->theta = th;
		fit->theta_se = se;
		fit->theta_capped = capped;
	}
	mnr__free(beta_old);
	if (rc == MNR_EDOMAIN && fit->aliased < k)
		return mnr_error_set(err, rc,
			"design matrix is rank deficient (column %zu is collinear with earlier columns)",
			fit->aliased + 1);
	if (rc == MNR_EDOMAIN)
		return mnr_error_set(err, rc,
			"the log-link model has no finite estimate for these data");
	if (rc == MNR_ENUMERIC)
		return mnr_error_set(err, rc,
			"iteratively reweighted least squares did not converge");
	if (rc)
		return mnr_error_set(err, rc, "model fit failed");
	fit->iterations = it;
	fit->deviance = dev;
	for (i = 0; i < n; i++) {
		double mu = exp(fit->eta[i]);
		double v = family_var(o->family, mu, theta);

		fit->mu[i] = mu;
		fit->resid[i] = (y[i] - mu) / sqrt(v);
		x2 += fit->resid[i] * fit->resid[i];
	}
	fit->pearson_dispersion = x2 / fit->df_resid;
	fit->dispersion = o->family == MNR_REG_QUASIPOISSON
		? fit->pearson_dispersion : 1.0;
	if (o->errors == MNR_REG_NEWEY_WEST) {
		/*
		 * Score of observation i: (y - mu) mu / V(mu) x_i (sandwich's
		 * estfun.glm; the quasi-Poisson dispersion cancels between
		 * bread and meat, so the sandwich equals the Poisson one).
		 */
		for (i = 0; i < n; i++) {
			double s = (y[i] - fit->mu[i]) * fit->mu[i] /
				   family_var(o->family, fit->mu[i], theta);

			for (j = 0; j < k; j++)
				wk->u[i * k + j] = s * X[i * k + j];
		}
		nw_meat(wk, time, fit->nw_lag, o->nw_adjust);
		sandwich(wk->cov, wk->meat, wk->tmp, fit->vcov, k);
	} else {
		for (i = 0; i < k * k; i++)
			fit->vcov[i] = fit->dispersion * wk->cov[i];
	}
	return MNR_OK;
}

int mnr_regress_fit(const double *X, size_t n, size_t k, const double *y,
		    const double *offset, const double *time,
		    const struct mnr_regress_options *o,
		    struct mnr_regress_fit *fit, struct mnr_error *err)
{
	struct work wk;
	double tol;
	int max_iter, rc;
	size_t i;

	memset(fit, 0, sizeof(*fit));
	if (!X || !y || !o || k == 0)
		return mnr_error_set(err, MNR_EINVAL, "regression: missing input");
	if (n <= k)
		return mnr_error_set(err, MNR_EINVAL,
			"regression needs more observations (%zu) than coefficients (%zu)",
			n, k);
	if (o->family < MNR_REG_GAUSSIAN || o->family > MNR_REG_NEGBIN ||
	    o->errors < MNR_REG_CLASSIC || o->errors > MNR_REG_PRAIS_WINSTEN)
		return mnr_error_set(err, MNR_EINVAL, "regression: unknown family or error method");
	if (o->errors == MNR_REG_PRAIS_WINSTEN && o->family != MNR_REG_GAUSSIAN)
		return mnr_error_set(err, MNR_EINVAL,
			"prais-winsten errors apply to the ols model only; use newey-west for count models");
	if (offset && o->family == MNR_REG_GAUSSIAN)
		return mnr_error_set(err, MNR_EINVAL,
			"an offset applies to the count models only");
	for (i = 0; i < n; i++) {
		if (!isfinite(y[i]) || (offset && !isfinite(offset[i])))
			return mnr_error_set(err, MNR_EINVAL,
				"regression: observation %zu is not finite", i + 1);
		if (o->family != MNR_REG_GAUSSIAN && y[i] < 0.0 &&
		    !(o->noisy && o->family != MNR_REG_NEGBIN))
			return mnr_error_set(err, MNR_EINVAL,
				"regression: observation %zu is a negative count", i + 1);
		if (time && i > 0 && !(time[i] > time[i - 1]))
			return mnr_error_set(err, MNR_EINVAL,
				"regression: time positions must increase");
	}
	tol = o->tol > 0.0 ? o->tol : 1e-12;
	max_iter = o->max_iter > 0 ? o->max_iter : 200;
	if (work_alloc(&wk, n, k))
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	if (fit_alloc(fit, n, k)) {
		work_free(&wk);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	fit->n = n;
	fit->k = k;
	fit->aliased = k;
	fit->df_resid = (double)(n - k);
	fit->theta = fit->theta_se = fit->rho = NAN;
	fit->nw_lag = -1;
	if (o->errors == MNR_REG_NEWEY_WEST)
		fit->nw_lag = o->nw_lag >= 0 ? o->nw_lag
			: (long)floor(4.0 * pow((double)n / 100.0, 2.0 / 9.0));
	/* z for Poisson and NB2 (as summary.glm), t(n-k) otherwise. */
	fit->inference_df = (o->family == MNR_REG_POISSON ||
			     o->family == MNR_REG_NEGBIN) ? INFINITY
							  : fit->df_resid;
	if (o->family == MNR_REG_GAUSSIAN)
		rc = fit_gaussian(&wk, X, y, time, o, tol, max_iter, fit, err);
	else
		rc = fit_glm(&wk, X, y, offset, time, o, tol, max_iter, fit, err);
	work_free(&wk);
	if (rc) {
		size_t al = fit->aliased;

		mnr_regress_fit_free(fit);
		fit->aliased = al;
	}
	return rc;
}

/*
 * Breusch-Godfrey LM statistic of order p (lmtest::bgtest, type "Chisq",
 * fill 0): n * sum(fitted^2) / sum(r^2) of the auxiliary regression of r
 * on X and p lags of r.  NAN when the auxiliary design has too few rows or
 * is rank deficient.
 */
static double bg_stat(const double *X, size_t n, size_t k, const double *r,
		      size_t p, struct work *wk, double *Z, double *coef)
{
	size_t kk = k + p, i, j;
	size_t al;
	double num = 0.0, den = 0.0;

	if (n <= kk)
		return NAN;
	for (i = 0; i < n; i++) {
		for (j = 0; j < k; j++)
			Z[i * kk + j] = X[i * k + j];
		for (j = 1; j <= p; j++)
			Z[i * kk + k + j - 1] = i >= j ? r[i - j] : 0.0;
	}
	if (wls(wk, Z, NULL, r, coef, &al) != MNR_OK)
		return NAN;
	for (i = 0; i < n; i++) {
		double f = dot(Z + i * kk, coef, kk);

		num += f * f;
		den += r[i] * r[i];
	}
	return den > 0.0 ? (double)n * num / den : NAN;
}

int mnr_regress_diagnostics(const double *X, size_t n, size_t k,
			    const double *r, struct mnr_regress_diag *d,
			    struct mnr_error *err)
{
	size_t orders[2] = { 1, 12 }, o, i, h;
	double num = 0.0, den = 0.0, mean = 0.0, c0 = 0.0, q = 0.0;
	double *Z = NULL, *coef = NULL;

	d->durbin_watson = d->bg1 = d->bg1_p = d->bg12 = d->bg12_p = NAN;
	d->lb = d->lb_p = NAN;
	d->lb_lag = 0;
	if (n < 3)
		return mnr_error_set(err, MNR_EINVAL,
			"diagnostics need at least 3 residuals");
	for (i = 0; i < n; i++) {
		den += r[i] * r[i];
		if (i)
			num += (r[i] - r[i - 1]) * (r[i] - r[i - 1]);
	}
	d->durbin_watson = den > 0.0 ? num / den : NAN;

	for (o = 0; o < 2; o++) {
		size_t kk = k + orders[o];
		struct work wk;
		double s;

		if (n <= kk)
			continue;
		Z = mnr__malloc(mnr__size_mul(mnr__size_mul(n, kk),
					      sizeof(double)));
		coef = mnr__malloc(mnr__size_mul(kk, sizeof(double)));
		if (!Z || !coef || work_alloc(&wk, n, kk)) {
			mnr__free(Z);
			mnr__free(coef);
			return mnr_error_set(err, MNR_ENOMEM, "out of memory");
		}
		s = bg_stat(X, n, k, r, orders[o], &wk, Z, coef);
		work_free(&wk);
		mnr__free(Z);
		mnr__free(coef);
		Z = coef = NULL;
		if (o == 0) {
			d->bg1 = s;
			d->bg1_p = isnan(s) ? NAN : gsl_cdf_chisq_Q(s, 1.0);
		} else {
			d->bg12 = s;
			d->bg12_p = isnan(s) ? NAN : gsl_cdf_chisq_Q(s, 12.0);
		}
	}

	/* Ljung-Box (1978): Q = n (n+2) sum_h r_h^2 / (n - h). */
	h = n / 4;
	if (h > 12)
		h = 12;
	if (h < 1)
		h = 1;
	d->lb_lag = h;
	for (i = 0; i < n; i++)
		mean += r[i];
	mean /= (double)n;
	for (i = 0; i < n; i++)
		c0 += (r[i] - mean) * (r[i] - mean);
	if (c0 > 0.0) {
		size_t l;

		for (l = 1; l <= h; l++) {
			double cl = 0.0;

			for (i = l; i < n; i++)
				cl += (r[i] - mean) * (r[i - l] - mean);
			cl /= c0;
			q += cl * cl / (double)(n - l);
		}
		d->lb = (double)n * ((double)n + 2.0) * q;
		d->lb_p = gsl_cdf_chisq_Q(d->lb, (double)h);
	}
	return MNR_OK;
}
