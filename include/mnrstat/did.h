/*
 * Staggered-adoption difference-in-differences: 2x2 comparisons of cell
 * means, two-way fixed effects with the Goodman-Bacon decomposition, and the
 * Callaway & Sant'Anna (2021) group-time estimator with its aggregations.
 * Ownership: the panel arrays are borrowed for the duration of the call; a
 * result from mnr_did_run is caller-owned and freed with mnr_did_result_free;
 * every reason string in a result is static text (never freed, never holds a
 * data value).
 */
#ifndef MNRSTAT_DID_H
#define MNRSTAT_DID_H

#include <limits.h>
#include <stddef.h>

#include "mnrstat/error.h"

/* Adoption period of a unit that never adopts (within or after the panel). */
#define MNR_DID_NEVER LONG_MAX

/*
 * A long panel.  Periods are integers on a regular grid (the CLI uses
 * months: year * 12 + month - 1).  Observation i belongs to unit unit[i]
 * (0 .. n_units-1) at period period[i]; y[i] is NaN when missing.  Each
 * (unit, period) pair may appear at most once; absent pairs are missing.
 */
struct mnr_did_panel {
	size_t n_obs;
	const size_t *unit;
	const long *period;
	const double *y;
	const double *population; /* NULL, or per observation (> 0) */
	size_t n_units;
	const long *adoption;     /* per unit; MNR_DID_NEVER = never treated */
};

enum mnr_did_control {
	MNR_DID_CONTROL_NEVER = 0,  /* never-treated units only */
	MNR_DID_CONTROL_NOTYET = 1  /* never- and not-yet-treated units */
};

enum mnr_did_method_flags {
	MNR_DID_2X2 = 1 << 0,
	MNR_DID_TWFE = 1 << 1,
	MNR_DID_CS = 1 << 2,
	MNR_DID_ALL = (1 << 3) - 1
};

/* Wild cluster bootstrap for TWFE and the CS overall effect. */
enum mnr_did_wild {
	MNR_DID_WILD_AUTO = 0, /* only when there are fewer than 30 clusters */
	MNR_DID_WILD_OFF = 1,
	MNR_DID_WILD_ON = 2
};

struct mnr_did_options {
	unsigned methods;             /* enum mnr_did_method_flags */
	enum mnr_did_control control; /* CS and 2x2 comparison group */
	long anticipation;            /* periods of anticipation, >= 0 */
	unsigned long seed;           /* GSL mt19937 seed for all bootstraps */
	size_t boot;                  /* bootstrap draws; 0 = none */
	double level;                 /* interval level, (0, 1); 0.95 */
	int per_population;           /* analyse y / population * 100 000 */
	int log_outcome;              /* analyse log(y): effects are log ratios */
	long placebo;                 /* > 0: in-time placebo, adoption moved
				       * this many periods earlier, data from
				       * true adoption (minus anticipation) on
				       * dropped */
	int leave_one_out;            /* also rerun CS and TWFE without each unit */
	enum mnr_did_wild wild;
	long cohort;                  /* 2x2 for this adoption period only;
				       * MNR_DID_NEVER = every cohort */
};

/* Defaults: all methods, never-treated controls, no anticipation, seed 1,
 * 999 draws, level 0.95, raw outcome, no placebo, no leave-one-out, wild
 * bootstrap automatic, every cohort. */
void mnr_did_options_init(struct mnr_did_options *opts);

/*
 * One estimate.  When it cannot be computed, est (and/or se) is NaN and
 * reason says why; reason is NULL when the estimate and its standard error
 * are both available.  lo/hi is the level interval (t with df degrees of
 * freedom when df > 0, normal otherwise); p is the two-sided p-value of
 * est = 0.
 */
struct mnr_did_est {
	double est;
	double se;
	double lo, hi;
	double p;
	double df;           /* 0 = normal reference */
	const char *reason;  /* static text or NULL */
};

/* 2x2 difference in differences of cell means (cohort vs control group). */
struct mnr_did_2x2 {
	long cohort;                 /* adoption period of the treated group */
	size_t n_treated, n_control; /* units */
	long pre_first, pre_last;    /* periods of the "before" cells */
	long post_first, post_last;  /* periods of the "after" cells */
	double mean_treated_pre, mean_treated_post;
	double mean_control_pre, mean_control_post;
	struct mnr_did_est att;      /* CR1 by unit, t with G-1 df */
};

enum mnr_did_bacon_type {
	MNR_DID_BACON_TREATED_VS_NEVER = 0, /* timing group vs never treated */
	MNR_DID_BACON_EARLY_VS_LATE = 1,    /* earlier treated, later as control */
	MNR_DID_BACON_LATE_VS_EARLY = 2     /* later treated, earlier (already
					     * treated) as control: the
					     * "forbidden" comparison */
};

struct mnr_did_bacon {
	enum mnr_did_bacon_type type;
	long treated;   /* adoption period of the treated timing group */
	long control;   /* adoption period of the control group or
			 * MNR_DID_NEVER */
	double estimate;
	double weight;  /* weights sum to 1 */
};

struct mnr_did_twfe {
	int computed;
	struct mnr_did_est beta;  /* CR1 by unit, t with G-1 df */
	size_t n_obs, n_clusters, n_params;
	double wild_p;            /* wild cluster bootstrap (WCR, Webb) p;
				   * NaN when not run */
	size_t wild_draws;
	struct mnr_did_bacon *bacon;   /* NULL when refused */
	size_t n_bacon;
	const char *bacon_reason;      /* why the decomposition is absent */
	double bacon_sum;              /* sum of weight * estimate */
};

/* One group-time average treatment effect ATT(g, t). */
struct mnr_did_attgt {
	long cohort, period, base;   /* g, t, and the base period compared */
	size_t n_treated, n_control; /* units observed at t and base */
	struct mnr_did_est att;      /* normal reference, IF standard error */
};

/*
 * An aggregated effect: key is the event time e = t - g, the cohort g or the
 * calendar period t.  boot_se is the multiplier-bootstrap standard error
 * (IQR / 1.349) and band_lo/band_hi the simultaneous band over all event
 * times (event study only; NaN otherwise or when boot = 0).
 */
struct mnr_did_agg {
	long key;
	size_t n_cells;         /* ATT(g, t) cells averaged */
	struct mnr_did_est est;
	double boot_se;
	double band_lo, band_hi;
};

struct mnr_did_cs {
	int computed;
	size_t n_units;                /* units used (always-treated dropped) */
	size_t n_cohorts, n_never;
	struct mnr_did_attgt *attgt;   /* cohort-major, then period */
	size_t n_attgt;
	struct mnr_did_est overall;    /* theta^O: cohort effects averaged by
					* cohort size (CS 2021, eq. 3.11) */
	double overall_wild_p;         /* multiplier bootstrap with Webb weights;
					* NaN when not run */
	struct mnr_did_agg *event;     /* event study, ascending e */
	size_t n_event;
	double uniform_crit;           /* critical value of the bands */
	struct mnr_did_est event_post; /* average of event effects e >= 0 */
	struct mnr_did_agg *cohort;
	size_t n_cohort;
	struct mnr_did_agg *calendar;
	size_t n_calendar;
	double pre_wald, pre_df, pre_p; /* Wald test that every pre-adoption
					 * ATT(g, t) is 0 (generalised inverse,
					 * df = rank) */
	size_t pre_n;                   /* pre-adoption ATT(g, t) used */
	const char *pre_reason;         /* why the test is absent, or NULL */
};

/* One leave-one-unit-out run. */
struct mnr_did_loo {
	size_t unit;                 /* the unit left out */
	struct mnr_did_est cs_overall;
	struct mnr_did_est twfe;
};

struct mnr_did_result {
	unsigned long seed;       /* seed actually used */
	size_t boot;
	enum mnr_did_control control;
	long anticipation;
	int per_population, log_outcome;
	long placebo;
	double level;
	long period_first, period_last;
	size_t n_units, n_obs;    /* units with data; non-missing outcomes */
	int balanced;             /* every unit observed at every period */
	struct mnr_did_2x2 *dd;
	size_t n_dd;
	struct mnr_did_twfe twfe;
	struct mnr_did_cs cs;
	struct mnr_did_loo *loo;
	size_t n_loo;
};

/*
 * Run the estimators chosen in opts (NULL = defaults) on panel and store a
 * new result in *out (caller frees with mnr_did_result_free).  Estimates
 * that the data cannot support are returned as missing with a reason
 * rather than failing.
 * Returns MNR_OK; MNR_EINVAL for bad options or indices (unit out of range,
 * NULL arrays); MNR_EDATA for a duplicate (unit, period), a non-positive or
 * missing population with per_population, or a non-positive value with
 * log_outcome (err->line is then the 1-based observation index and
 * err->rule names the rule); MNR_ENOMEM.  On error *out is NULL.
 */
int mnr_did_run(const struct mnr_did_panel *panel,
		const struct mnr_did_options *opts,
		struct mnr_did_result **out, struct mnr_error *err);

/* Free a result from mnr_did_run; NULL is allowed. */
void mnr_did_result_free(struct mnr_did_result *res);

/* Static lower-case name of a Bacon comparison type. */
const char *mnr_did_bacon_type_name(enum mnr_did_bacon_type type);

#endif
