/*
 * Regression engine for short monthly series: ordinary least squares,
 * log-link GLMs (Poisson, quasi-Poisson, negative binomial NB2 with the
 * dispersion estimated by maximum likelihood), Newey-West and Prais-Winsten
 * errors, and residual autocorrelation diagnostics.
 * Ownership: every input array is borrowed; a struct mnr_regress_fit is
 * caller-owned, its arrays are allocated by mnr_regress_fit() and released
 * by mnr_regress_fit_free().
 */
#ifndef MNRSTAT_REGRESS_H
#define MNRSTAT_REGRESS_H

#include <stddef.h>

#include "mnrstat/error.h"

enum mnr_regress_family {
	MNR_REG_GAUSSIAN = 0,   /* OLS, identity link (R: lm) */
	MNR_REG_POISSON,        /* log link, dispersion 1 (R: glm poisson) */
	MNR_REG_QUASIPOISSON,   /* Poisson estimates, dispersion Pearson X2/(n-k) */
	MNR_REG_NEGBIN          /* NB2, theta by ML (R: MASS::glm.nb) */
};

enum mnr_regress_errors {
	MNR_REG_CLASSIC = 0,     /* model-based covariance */
	MNR_REG_NEWEY_WEST,      /* HAC, Bartlett kernel, no prewhitening */
	MNR_REG_PRAIS_WINSTEN    /* iterated FGLS for AR(1) errors; OLS only */
};

struct mnr_regress_options {
	int family;      /* enum mnr_regress_family */
	int errors;      /* enum mnr_regress_errors */
	long nw_lag;     /* Newey-West lag; < 0: floor(4 (n/100)^(2/9)) */
	int nw_adjust;   /* 1: scale the HAC meat by n/(n-k) (sandwich adjust=TRUE) */
	int max_iter;    /* IRLS / Prais-Winsten / theta iterations; 0: 200 */
	double tol;      /* relative convergence tolerance; 0: 1e-12 */
	int noisy;       /* 1: y carries additive zero-mean noise (a released
			  * privacy panel), so Poisson and quasi-Poisson accept
			  * negative and fractional values: their estimating
			  * equations sum x (y - mu) = 0 stay unbiased because
			  * E y = mu; NB2 still refuses negatives (its
			  * likelihood needs counts) */
};

/* Defaults: gaussian, classic, default lag, no adjustment. */
void mnr_regress_options_init(struct mnr_regress_options *o);

struct mnr_regress_fit {
	size_t n, k;          /* observations, coefficients */
	double *beta;         /* k estimates */
	double *vcov;         /* k x k covariance, row-major */
	double *eta;          /* n linear predictors (offset included) */
	double *mu;           /* n fitted means (eta for gaussian, exp(eta) else) */
	double *resid;        /* n residuals for diagnostics: OLS raw, Prais-
			       * Winsten whitened (transformed), GLM Pearson */
	double df_resid;      /* n - k */
	double inference_df;  /* t degrees of freedom, or INFINITY for z */
	double dispersion;    /* scale in vcov: sigma^2 (OLS, PW), 1 (Poisson,
			       * NB2), Pearson X2/(n-k) (quasi-Poisson) */
	double pearson_dispersion; /* Pearson X2/(n-k) for every family */
	double deviance;      /* residual deviance (RSS for gaussian) */
	double theta;         /* NB2 size; NAN otherwise */
	double theta_se;      /* its standard error (observed information) */
	double rho;           /* Prais-Winsten AR(1) coefficient; NAN otherwise */
	long nw_lag;          /* lag used; -1 when not Newey-West */
	int iterations;       /* IRLS (or PW) iterations of the final fit */
	int theta_capped;     /* NB2: theta ran to the cap (no overdispersion) */
	size_t aliased;       /* on MNR_EDOMAIN: first aliased column; else k */
};

/*
 * Fit y on X.  X is n x k row-major (borrowed), y n values (all finite),
 * offset NULL or n values added to the linear predictor (log scale for the
 * log-link families; refused for gaussian), time NULL (rows consecutive) or
 * n strictly increasing integer positions (months): Newey-West then sums
 * lag products by time distance and Prais-Winsten uses the exact AR(1)
 * transform across gaps (y_t - rho^d y_{t-d}, scaled by
 * sqrt((1-rho^2)/(1-rho^2d))).
 * Returns MNR_OK, MNR_EINVAL (bad options, n <= k, Prais-Winsten with a
 * count family, negative counts unless o->noisy for poisson/quasipoisson), MNR_EDOMAIN (X rank deficient: fit->aliased
 * names the column; or no finite estimate), MNR_ENUMERIC (no convergence),
 * MNR_ENOMEM.  On error fit holds no allocation.
 */
int mnr_regress_fit(const double *X, size_t n, size_t k, const double *y,
		    const double *offset, const double *time,
		    const struct mnr_regress_options *o,
		    struct mnr_regress_fit *fit, struct mnr_error *err);

/* Release the arrays of fit (fit may be NULL or already released). */
void mnr_regress_fit_free(struct mnr_regress_fit *fit);

/*
 * Two-sided critical value for a level (e.g. 0.95) with df degrees of
 * freedom (INFINITY: standard normal), and the two-sided p-value of stat.
 */
double mnr_regress_crit(double level, double df);
double mnr_regress_pvalue(double stat, double df);

struct mnr_regress_diag {
	double durbin_watson;   /* sum (r_t - r_{t-1})^2 / sum r_t^2 */
	double bg1, bg1_p;      /* Breusch-Godfrey order 1, chi2(1) */
	double bg12, bg12_p;    /* order 12; NAN when n <= k + 12 */
	size_t lb_lag;          /* Ljung-Box lag: min(12, floor(n/4)), >= 1 */
	double lb, lb_p;        /* Ljung-Box Q and chi2(lb_lag) p-value */
};

/*
 * Autocorrelation diagnostics of the residual sequence r (n values, in time
 * order, treated as consecutive as R's lmtest does after na.omit).
 * Breusch-Godfrey follows lmtest::bgtest(type = "Chisq", fill = 0): r is
 * regressed on X (n x k) and its lags, statistic n * sum(fitted^2) /
 * sum(r^2).  Ljung-Box follows stats::Box.test (demeaned autocorrelations,
 * fitdf = 0).  Statistics that cannot be computed are NAN.
 * Returns MNR_OK, MNR_EINVAL (n < 3) or MNR_ENOMEM.
 */
int mnr_regress_diagnostics(const double *X, size_t n, size_t k,
			    const double *r, struct mnr_regress_diag *d,
			    struct mnr_error *err);

#endif
