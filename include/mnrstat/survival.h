/*
 * Time-to-removal analysis: Kaplan-Meier curves with Greenwood standard
 * errors, the median with its confidence interval, the restricted mean, the
 * share removed by a time, and the two-group log-rank test.
 * Ownership: input arrays are borrowed for the duration of the call; the
 * arrays inside struct mnr_surv_tab and struct mnr_surv_km are owned by the
 * struct and released with mnr_surv_tab_free / mnr_surv_km_free.
 *
 * Times are in hours (any non-negative finite double).  An event is a
 * removal; a censoring is a report not yet removed at the as-of date.  The
 * primary input is tabulated data (distinct times with event and censoring
 * counts, e.g. the streaming aggregator's whole-hour histograms); raw
 * per-report arrays are turned into that form by mnr_surv_tabulate.
 *
 * The estimators reproduce R's survival package (survfit, print.survfit with
 * rmean=, summary.survfit with times=, survdiff); the reference tests under
 * tests/reference/survival/ check this at 1e-6 relative.
 */
#ifndef MNRSTAT_SURVIVAL_H
#define MNRSTAT_SURVIVAL_H

#include <stddef.h>

#include "mnrstat/error.h"

/* Tabulated right-censored data; all arrays borrowed, of length n. */
struct mnr_surv_data {
	const double *time;     /* distinct times, strictly increasing, >= 0 */
	const double *n_event;  /* removals at time[i] (finite, >= 0) */
	const double *n_censor; /* censorings at time[i] (finite, >= 0) */
	size_t n;
};

/* Tabulated data owned by the struct (from mnr_surv_tabulate). */
struct mnr_surv_tab {
	double *time;
	double *n_event;
	double *n_censor;
	size_t n;
};

/* Transformation for pointwise intervals (R survfit's conf.type). */
enum mnr_surv_ci {
	MNR_SURV_CI_LOG_LOG = 0, /* default, as the brief and Kalbfleisch-Prentice */
	MNR_SURV_CI_LOG,         /* R survfit's own default */
	MNR_SURV_CI_PLAIN
};

/* The fitted Kaplan-Meier curve: one row per distinct time with data. */
struct mnr_surv_km {
	size_t n;          /* rows (times with at least one event or censoring) */
	double *time;
	double *n_risk;    /* at risk just before time[i] */
	double *n_event;
	double *n_censor;
	double *surv;      /* S(time[i]), right-continuous */
	double *se_log;    /* Greenwood SE of log S (R's fit$std.err); Inf once S = 0 */
	double *std_err;   /* Greenwood SE of S = surv * se_log; NaN once S = 0 */
	double *lower;     /* pointwise interval of S; NaN where undefined */
	double *upper;
	double n_total;    /* sum of all counts */
	double events;     /* sum of n_event */
	enum mnr_surv_ci ci;
	double level;      /* confidence level, e.g. 0.95 */
};

/*
 * Median time with its interval: median is the first time S <= 0.5; lower
 * (upper) the first time the lower (upper) confidence curve is <= 0.5.
 * NaN = not reached.  Flat stretches at exactly 0.5 are resolved as R's
 * print.survfit does (midpoint to the next drop).
 */
struct mnr_surv_median {
	double median;
	double lower;
	double upper;
};

/* S(t) and its interval at a time t (R's summary(fit, times = t)). */
struct mnr_surv_at {
	double time;
	double surv;      /* S(t); share removed within t is 1 - surv */
	double std_err;   /* Greenwood SE of S(t) */
	double lower;     /* interval of S(t); share removed: [1-upper, 1-lower] */
	double upper;
	double n_risk;    /* at risk at t (0 past the last time) */
	int beyond;       /* 1: t is after the last observed time and the curve
			     did not reach 0, so S(t) is carried forward (R
			     refuses without extend=TRUE) */
};

/* Restricted mean survival time up to a horizon tau (hours). */
struct mnr_surv_rmst {
	double horizon;
	double rmst;      /* integral of S from 0 to tau */
	double se;        /* R print.survfit se(rmean) (Greenwood-type, as survRM2) */
	double lower;     /* rmst -/+ z * se */
	double upper;
	int beyond;       /* 1: tau after the last observed time (S carried
			     forward, as R does; say so to the reader) */
};

/* Two-group log-rank test (survdiff, rho = 0). */
struct mnr_surv_logrank {
	double n[2];        /* subjects per group */
	double observed[2]; /* events per group */
	double expected[2];
	double variance;    /* V[0][0] of the hypergeometric variance matrix */
	double chisq;
	int df;             /* 1 */
	double p_value;     /* upper tail of chi-square(df) */
};

/* Parse "log", "log-log" or "plain"; 0 on success, -1 otherwise. */
int mnr_surv_ci_parse(const char *name, enum mnr_surv_ci *out);

/* Static name of a transformation ("log-log", ...); never NULL. */
const char *mnr_surv_ci_name(enum mnr_surv_ci ci);

/*
 * Sort and tabulate raw per-report data: time[i] hours, event[i] nonzero
 * when report i was removed at time[i], zero when it was censored there.
 * Fills *out (caller owns; free with mnr_surv_tab_free).  n may be 0 (empty
 * table).  Returns MNR_OK, MNR_EINVAL (NULL pointers), MNR_EDATA (a time
 * negative or not finite; err names its 1-based position, never the
 * value) or
 * MNR_ENOMEM.  On error *out is empty.
 */
int mnr_surv_tabulate(const double *time, const int *event, size_t n,
		      struct mnr_surv_tab *out, struct mnr_error *err);

/* Borrowed view of a table (valid while tab is). */
struct mnr_surv_data mnr_surv_tab_data(const struct mnr_surv_tab *tab);

/* Release a table's arrays and empty it; NULL and empty tables are fine. */
void mnr_surv_tab_free(struct mnr_surv_tab *tab);

/*
 * Check tabulated data: times finite, >= 0 and strictly increasing; counts
 * finite and >= 0.  Returns MNR_OK, MNR_EINVAL (NULL array with n > 0) or
 * MNR_EDATA naming the row index.
 */
int mnr_surv_data_check(const struct mnr_surv_data *d, struct mnr_error *err);

/*
 * Kaplan-Meier estimate with Greenwood variance (Kalbfleisch & Prentice
 * 2002, 1.4) and pointwise intervals by transformation ci at confidence
 * level (0 < level < 1), exactly as R survfit.  Rows of d with no events and
 * no censorings are dropped.  Fills *out (caller owns; free with
 * mnr_surv_km_free).  Returns MNR_OK, MNR_EINVAL (bad level or ci),
 * MNR_EDATA (see mnr_surv_data_check), MNR_EDOMAIN (no observations: the
 * group is empty) or MNR_ENOMEM; on error *out is empty.
 */
int mnr_surv_km_fit(const struct mnr_surv_data *d, enum mnr_surv_ci ci,
		    double level, struct mnr_surv_km *out,
		    struct mnr_error *err);

/* Release a curve's arrays and empty it; NULL and empty curves are fine. */
void mnr_surv_km_free(struct mnr_surv_km *km);

/* Median with interval (see struct mnr_surv_median); cannot fail. */
void mnr_surv_km_median(const struct mnr_surv_km *km,
			struct mnr_surv_median *out);

/*
 * S(t) with its interval, as R summary.survfit(times = t, extend = TRUE).
 * Before the first time S = 1 with interval [1, 1]; where S = 1 the
 * interval is [1, 1] for every transformation (Greenwood SE is 0; R's
 * log-log gives NA there, the one deliberate difference); where S = 0 the
 * interval is NaN as in R.  Returns MNR_OK or MNR_EINVAL (t negative or not
 * finite).
 */
int mnr_surv_km_at(const struct mnr_surv_km *km, double t,
		   struct mnr_surv_at *out, struct mnr_error *err);

/*
 * Restricted mean survival time up to tau > 0 hours with the standard error
 * of R's print.survfit(fit, rmean = tau) (the Greenwood-type estimator also
 * used by survRM2) and a normal interval at km->level.  Unlike R, tau before
 * the first time is accepted (rmst = tau, se = 0).  Returns MNR_OK or
 * MNR_EINVAL (tau not finite or <= 0).
 */
int mnr_surv_km_rmst(const struct mnr_surv_km *km, double tau,
		     struct mnr_surv_rmst *out, struct mnr_error *err);

/*
 * Log-rank test of g0 against g1 (R survdiff(Surv(t, e) ~ g), rho = 0).
 * Returns MNR_OK, MNR_EDATA (see mnr_surv_data_check), MNR_EDOMAIN when a
 * group has no observations or neither group has an event (err says which)
 * or MNR_EINVAL (NULL).
 */
int mnr_surv_logrank(const struct mnr_surv_data *g0,
		     const struct mnr_surv_data *g1,
		     struct mnr_surv_logrank *out, struct mnr_error *err);

#endif
