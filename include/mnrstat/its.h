/*
 * Interrupted time series: segmented regression of one monthly series
 * around one or more intervention months, with counterfactual, effects,
 * diagnostics, design-readiness warnings and a sensitivity grid.
 * Ownership: the series and options are borrowed; a struct mnr_its_result
 * (or sensitivity table) is caller-owned, filled by mnr_its_fit()
 * (mnr_its_sensitivity()) and released by mnr_its_result_free()
 * (mnr_its_sensitivity_free()).
 */
#ifndef MNRSTAT_ITS_H
#define MNRSTAT_ITS_H

#include <stddef.h>

#include "mnrstat/error.h"

/*
 * Months are integers: year * 12 + (month - 1), so 2020-01 is 24240.
 * mnr_its_month_parse reads "YYYY-MM" (year 1000..9999) and returns
 * MNR_OK or MNR_EINVAL; mnr_its_month_format writes "YYYY-MM" into buf
 * (at least 8 bytes).
 */
int mnr_its_month_parse(const char *s, int *month);
void mnr_its_month_format(int month, char *buf, size_t size);

enum mnr_its_model {
	MNR_ITS_OLS = 0,
	MNR_ITS_POISSON,
	MNR_ITS_QUASIPOISSON,
	MNR_ITS_NEGBIN
};

enum mnr_its_errors {
	MNR_ITS_CLASSIC = 0,
	MNR_ITS_NEWEY_WEST,
	MNR_ITS_PRAIS_WINSTEN   /* OLS only; refused (MNR_EINVAL) for counts */
};

enum mnr_its_impact {
	MNR_ITS_LEVEL = 1,
	MNR_ITS_SLOPE = 2,
	MNR_ITS_LEVEL_SLOPE = 3
};

enum mnr_its_seasonality {
	MNR_ITS_SEASON_NONE = 0,
	MNR_ITS_SEASON_MONTHS,   /* 11 indicators month02..month12 */
	MNR_ITS_SEASON_FOURIER   /* K pairs sinK/cosK of period 12 */
};

/* One monthly series.  Rows in strictly increasing month order. */
struct mnr_its_series {
	size_t n;
	const int *month;          /* n month indices (see above) */
	const double *y;           /* n values; NAN = missing */
	const double *population;  /* NULL, or n values (NAN = missing) */
	const double *noise_var;   /* NULL, or n known variances of added
				    * privacy noise (NAN or 0 = none) */
};

struct mnr_its_options {
	int model;            /* enum mnr_its_model */
	int errors;           /* enum mnr_its_errors */
	long nw_lag;          /* Newey-West lag; < 0: floor(4 (n/100)^(2/9)) */
	int nw_adjust;        /* 1: small-sample factor n/(n-k) on the HAC meat */
	int impact;           /* enum mnr_its_impact */
	int seasonality;      /* enum mnr_its_seasonality */
	int fourier_k;        /* 1..6 for MNR_ITS_SEASON_FOURIER */
	int use_offset;       /* 1: log(population) offset (count models) */
	int phase_in;         /* months after each intervention left out (>= 0) */
	double level;         /* confidence level, e.g. 0.95 */
	int no_diagnostics;   /* 1: skip the residual diagnostics (all NAN);
			       * the sensitivity grid does, for speed */
	int noise_ignore;     /* 1: treat a released panel's values as exact
			       * (no noise term in the intervals); for
			       * comparison only (bench/noise_coverage.sh) */
};

/* Defaults: ols, classic, level+slope, no seasonality, level 0.95. */
void mnr_its_options_init(struct mnr_its_options *o);

/*
 * Option values from their command-line spelling.  model: ols | poisson |
 * quasipoisson | negbin.  errors: classic | newey-west[:LAG] |
 * prais-winsten (sets o->nw_lag when a lag is given).  seasonality: none |
 * months | fourier:K (K 1..6).  impact: level | slope | level+slope.
 * Return MNR_OK or MNR_EINVAL (o untouched); never print.
 */
int mnr_its_parse_model(const char *s, struct mnr_its_options *o);
int mnr_its_parse_errors(const char *s, struct mnr_its_options *o);
int mnr_its_parse_seasonality(const char *s, struct mnr_its_options *o);
int mnr_its_parse_impact(const char *s, struct mnr_its_options *o);

/* Names for output ("ols", "newey-west", "fourier", "level+slope"). */
const char *mnr_its_model_name(int model);
const char *mnr_its_errors_name(int errors);
const char *mnr_its_impact_name(int impact);

/*
 * How the fit treated a series' known privacy-noise variance s_t
 * (struct mnr_its_series.noise_var), in struct mnr_its_result.noise:
 *  NONE      the series carries no noise;
 *  KNOWN     the known variance is added to the model's variance of y_t
 *            in a sandwich covariance (classic errors of the count
 *            models; estimates unchanged): poisson mu + s; quasipoisson
 *            phi mu + s with phi estimated net of s; negbin
 *            mu + mu^2/theta + s;
 *  RESIDUAL  the covariance is built from the residuals of the released
 *            values, which carry the noise (ols with every error method,
 *            newey-west for the count models): accounted for without a
 *            known-variance term;
 *  IGNORED   o->noise_ignore: intervals treat the values as exact.
 * Every value but NONE also adds the warning "privacy-noise" saying so.
 */
enum mnr_its_noise {
	MNR_ITS_NOISE_NONE = 0,
	MNR_ITS_NOISE_KNOWN,
	MNR_ITS_NOISE_RESIDUAL,
	MNR_ITS_NOISE_IGNORED
};

/* "none", "known-variance", "residual", "ignored". */
const char *mnr_its_noise_name(int noise);

#define MNR_ITS_TERM_MAX 32

struct mnr_its_coef {
	char term[MNR_ITS_TERM_MAX];  /* "(Intercept)", "time",
				       * "level_change[@YYYY-MM]",
				       * "slope_change[@YYYY-MM]", "month02"..,
				       * "sin1", "cos1", .. */
	double estimate, std_error, statistic, p_value, ci_low, ci_high;
	double exp_estimate, exp_ci_low, exp_ci_high; /* log link; else NAN */
};

/* One month of the range (first to last month of the series). */
struct mnr_its_point {
	int month;
	int status;          /* 0 fitted, 1 missing value, 2 phase-in (dropped) */
	int segment;         /* 0 before the first intervention, j after the
			      * j-th (from its post month on), -1 phase-in */
	double y;            /* observed value or NAN */
	double fitted, fitted_low, fitted_high;   /* model with intervention */
	double counterfactual, cf_low, cf_high;   /* intervention terms zero;
						   * NAN before the first
						   * intervention */
};

/* An effect with its delta-method interval (t or z as the coefficients). */
struct mnr_its_effect {
	double estimate, std_error, ci_low, ci_high;
	int month;           /* month it refers to (end effects), else last */
};

struct mnr_its_diagnostics {
	double durbin_watson;
	double bg1, bg1_p;
	double bg12, bg12_p;   /* NAN when too few observations */
	size_t lb_lag;
	double lb, lb_p;
	const char *residuals; /* "raw", "whitened" or "pearson" */
};

struct mnr_its_warning {
	char code[24];        /* stable identifier, e.g. "short-segment" */
	char message[200];    /* sentence for people; never a data value */
};

struct mnr_its_result {
	int model, errors, impact, seasonality, fourier_k;
	double level;
	size_t n_obs;         /* months in the fit */
	size_t n_pre;         /* observed months before the first intervention */
	size_t n_post;        /* observed months in the fit from it on */
	size_t n_missing;     /* months in the range without a value */
	size_t n_phase_in;    /* months left out by --phase-in */
	int first_month, last_month;
	size_t ncoef;
	struct mnr_its_coef *coef;
	double *vcov;         /* ncoef x ncoef, row-major */
	double df_resid;
	double inference_df;  /* INFINITY: z intervals, else t(df) */
	double dispersion;    /* scale used (sigma^2 for OLS) */
	double pearson_dispersion;
	double deviance;
	double theta, theta_se;  /* negbin; NAN otherwise */
	double rho;           /* prais-winsten AR(1); NAN otherwise */
	int noise_adjusted;   /* 1: a count model's classic covariance widened
			       * for the series' known privacy-noise variance */
	int noise;            /* enum mnr_its_noise */
	long nw_lag;          /* -1 unless newey-west */
	int nw_adjust;
	struct mnr_its_diagnostics diag;
	size_t npoints;
	struct mnr_its_point *points;
	/*
	 * Effects of all interventions together against the counterfactual:
	 * at the last fitted month (absolute: fitted - cf; relative: fitted /
	 * cf - 1) and summed over the fitted post months (absolute: sum of
	 * differences; relative: sum fitted / sum cf - 1).
	 */
	struct mnr_its_effect end_abs, end_rel, cum_abs, cum_rel;
	size_t nwarn;
	struct mnr_its_warning *warn;
};

/*
 * Fit the segmented regression of series s around the nint intervention
 * months in iv (any order; duplicates refused).  Terms: (Intercept), time
 * (months since the first month, plus 1), per intervention level_change
 * (1 from intervention + phase_in on) and/or slope_change (months since
 * that month, 0 at it), then seasonal terms.  The range runs from the first
 * to the last listed month; a month without a value (NAN, or absent from
 * the list, or without population when the offset is used) is missing,
 * never zero.
 * Returns MNR_OK; MNR_EINVAL (bad options); MNR_EDATA with rule
 * "too-short" when a segment has fewer than 3 observed months, rule
 * "intervention-range" when an intervention is outside the series,
 * "negative-count"/"population" for count-model data problems;
 * MNR_EDOMAIN (collinear design, no finite estimate); MNR_ENUMERIC;
 * MNR_ENOMEM.  On error r holds no allocation and err says why.
 */
int mnr_its_fit(const struct mnr_its_series *s, const int *iv, size_t nint,
		const struct mnr_its_options *o, struct mnr_its_result *r,
		struct mnr_error *err);

void mnr_its_result_free(struct mnr_its_result *r);

/* The coefficient named term, or NULL. */
const struct mnr_its_coef *mnr_its_coef_find(const struct mnr_its_result *r,
					     const char *term);

/* One row of the sensitivity grid. */
struct mnr_its_sens_row {
	int model, errors;
	int status;              /* MNR_OK or the fit's error code */
	char reason[256];        /* why it failed or was skipped */
	char term[MNR_ITS_TERM_MAX]; /* principal term: first level_change,
				      * else first slope_change */
	double estimate, std_error, ci_low, ci_high, p_value;
	double exp_estimate;     /* rate ratio for log-link models, else NAN */
	struct mnr_its_effect end_rel;
	int primary;             /* 1 for the row matching the options given */
	int sign_differs;        /* estimate sign differs from the primary row */
	int significance_differs;/* p < 1 - level differs from the primary */
};

struct mnr_its_sensitivity {
	size_t nrows;
	struct mnr_its_sens_row *rows;
	int any_disagreement;
};

/*
 * Run the question through every model family and error method the data
 * allow (ols with classic, newey-west, prais-winsten; each count model
 * with classic and newey-west; count models only when every value is a
 * non-negative integer, ols only without an offset), keeping o's impact,
 * seasonality, lag, offset and phase-in.  A design-readiness refusal
 * (MNR_EDATA) is returned for the whole grid; a fit failing for one
 * combination is recorded in its row.
 */
int mnr_its_sensitivity_run(const struct mnr_its_series *s, const int *iv,
			    size_t nint, const struct mnr_its_options *o,
			    struct mnr_its_sensitivity *t,
			    struct mnr_error *err);

void mnr_its_sensitivity_free(struct mnr_its_sensitivity *t);

#endif
