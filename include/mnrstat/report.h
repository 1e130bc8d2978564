/*
 * The report: one call from a case file to a report folder (report.html,
 * report.md, results.json, manifest.json, charts/), plus the two pieces of
 * it that are tested on their own -- the plain-language sentence generated
 * from an estimate and the checklist of design standards.
 * Ownership: every input (options, strings, arrays) is borrowed for the
 * duration of the call; outputs are caller-owned buffers or plain structs
 * (nothing to free).
 */
#ifndef MNRSTAT_REPORT_H
#define MNRSTAT_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "mnrstat/csv.h"
#include "mnrstat/dp.h"
#include "mnrstat/error.h"

/* ---- the sentence ------------------------------------------------------ */

/* Scale of an estimate: a ratio (no change = 1) or a difference (= 0). */
enum mnr_report_scale {
	MNR_REPORT_RATIO = 0,
	MNR_REPORT_DIFF = 1
};

/* Direction in which a change is an improvement (metric catalogue). */
enum mnr_report_better {
	MNR_REPORT_BETTER_NONE = 0,   /* neither direction is better */
	MNR_REPORT_BETTER_HIGHER = 1,
	MNR_REPORT_BETTER_LOWER = 2
};

struct mnr_report_estimate {
	const char *label;    /* what changed, e.g. "reports per month" */
	const char *unit;     /* DIFF only: unit after the number, e.g.
				 "hours"; NULL = none */
	int scale;            /* enum mnr_report_scale */
	double estimate;      /* NaN = no estimate */
	double ci_low, ci_high;
	double level;         /* e.g. 0.95 */
	int better;           /* enum mnr_report_better */
	const char *when;     /* opening words, e.g. "After adoption";
				 NULL = "After adoption" */
};

enum mnr_report_direction {
	MNR_REPORT_DOWN = -1,
	MNR_REPORT_FLAT = 0,
	MNR_REPORT_UP = 1
};

/* What the numbers say, before any words are chosen. */
struct mnr_report_verdict {
	int valid;        /* estimate and both limits finite, low <= high */
	int direction;    /* enum mnr_report_direction of the estimate */
	int significant;  /* the interval excludes "no change" */
	int improvement;  /* +1 improvement, -1 deterioration, 0 neither or not
			     significant (only a significant change is called
			     either) */
};

/* Classify e (cannot fail; an invalid estimate gives valid = 0). */
void mnr_report_classify(const struct mnr_report_estimate *e,
			 struct mnr_report_verdict *v);

/*
 * One English sentence for e, written into buf (NUL terminated).  The words
 * follow mnr_report_classify exactly:
 *   significant increase: "..., a clear increase[; an improvement|;
 *                          a deterioration]."
 *   significant decrease: "..., a clear decrease[...]."
 *   not significant:      "... higher|lower|unchanged ...; the interval
 *                          includes no change, so the data show no clear
 *                          effect."
 *   no interval:          "...: the estimate has no interval, so no
 *                          conclusion is drawn."
 *   invalid otherwise:    "...: no estimate could be made."
 * Numbers: a ratio as a percentage change ("+23%"), a difference with its
 * sign and unit; the interval in the same form.  Returns MNR_OK, or
 * MNR_EINVAL when buf is too small (buf then holds "").
 */
int mnr_report_sentence(const struct mnr_report_estimate *e, char *buf,
			size_t size, struct mnr_error *err);

/* ---- the checklist of design standards --------------------------------- */

enum mnr_report_check_state {
	MNR_REPORT_NOT_MET = 0,
	MNR_REPORT_MET = 1,
	MNR_REPORT_NOT_APPLICABLE = 2
};

/* Facts of one analysis that the checklist is filled from. */
struct mnr_report_check_input {
	size_t n_pre, n_post;    /* months with a value on each side */
	int seasonality;         /* 1: seasonal terms were in the model fitted */
	int diagnostics;         /* 1: residual autocorrelation was tested */
	double lb_p;             /* Ljung-Box p (NaN when not computed) */
	double bg_p;             /* Breusch-Godfrey p (NaN when not computed) */
	int robust_errors;       /* 1: autocorrelation-robust errors used */
	int design_has_controls; /* 1: the report design compares with other
				    countries (all-country report) */
	size_t n_controls;       /* never- or not-yet-adopting countries used */
	size_t n_available;      /* countries without adoption in the data
				    (may exceed n_controls when the comparison
				    could not be estimated) */
};

enum {
	MNR_REPORT_CHECK_PRE = 0,      /* >= 8 months before */
	MNR_REPORT_CHECK_POST,         /* >= 8 months after */
	MNR_REPORT_CHECK_SEASON,       /* seasonality handled */
	MNR_REPORT_CHECK_AUTOCORR,     /* autocorrelation checked */
	MNR_REPORT_CHECK_CONTROLS,     /* control countries used */
	MNR_REPORT_NCHECK
};

#define MNR_REPORT_MIN_POINTS 8

struct mnr_report_check_item {
	const char *id;          /* stable key, e.g. "points_before" (static) */
	const char *standard;    /* the standard in words (static) */
	int state;               /* enum mnr_report_check_state */
	char detail[200];        /* what the analysis showed, from the numbers */
};

/* Fill the five items from in (cannot fail). */
void mnr_report_checklist(const struct mnr_report_check_input *in,
			  struct mnr_report_check_item out[MNR_REPORT_NCHECK]);

/* "met", "not met", "not applicable" (static). */
const char *mnr_report_check_state_name(int state);

/* ---- the whole report ------------------------------------------------- */

enum mnr_report_budget {
	MNR_REPORT_BUDGET_RHO = 1,      /* discrete Gaussian, rho-zCDP */
	MNR_REPORT_BUDGET_EPSILON = 2   /* discrete Laplace, pure epsilon-DP */
};

/* Default privacy budget of a report: rho = 1/2 (zCDP, per case record). */
#define MNR_REPORT_DEFAULT_RHO_NUM 1
#define MNR_REPORT_DEFAULT_RHO_DEN 2
/* Small-cell threshold of an internal report: counts 1..9 are hidden. */
#define MNR_REPORT_SUPPRESS_K 10

struct mnr_report_options {
	const char *cases;        /* case file (required) */
	const char *adoption;     /* adoption dates (required) */
	const char *population;   /* country,year,population; may be NULL */
	const char *metrics;      /* the metric catalogue metrics.csv (required) */
	const char *country;      /* ISO alpha-3: one country's report; NULL =
				     every country (evaluator's report) */
	const char *out_dir;      /* the report folder (required) */
	int internal;             /* 1: no noise, small-cell suppression */
	int budget_kind;          /* enum mnr_report_budget */
	struct mnr_rational budget; /* the release's cost, and the ledger's
				       total when it records a new key */
	const char *ledger;       /* NULL: <out_dir>/ledger.jsonl (new) */
	int has_seed;             /* 1: deterministic, NOT PRIVATE output */
	uint64_t seed;            /* noise seed and did bootstrap seed */
	const char *gnuplot;      /* NULL = "gnuplot" on PATH */
	const struct mnr_colmap *map; /* --col for the case file; may be NULL */
	int synthetic;            /* 1: the bundled synthetic example */
	const char *date;         /* YYYY-MM-DD of the run (provenance) */
	const char *tool_version; /* e.g. "0.1.0" */
	int argc;                 /* the command line, kept in manifest.json */
	char *const *argv;
	size_t did_boot;          /* multiplier-bootstrap draws (0 = 999) */
};

/* Defaults: rho 1/2, private, no seed, 999 bootstrap draws. */
void mnr_report_options_init(struct mnr_report_options *o);

struct mnr_report_summary {
	size_t nmetrics;          /* metric sections written */
	size_t ncharts;           /* charts drawn */
	size_t ncountries;        /* countries in the report */
	int not_private;          /* 1: seeded or internal (not for release) */
	int gnuplot_missing;      /* set with MNR_EPLOT */
	char ledger_hash[65];     /* ledger entry id ("" when none) */
	double seconds_gnuplot;   /* wall time spent in gnuplot */
};

/*
 * Build the report folder.  Everything is written into a temporary folder
 * next to out_dir ("<out_dir>.tmp.XXXXXX") that replaces out_dir only when
 * every file is complete, so a failed run leaves no partial report and
 * never clobbers a good one.  In a private report the ledger entry is
 * written and fsync'd before any released value exists outside memory.
 * Returns MNR_OK; MNR_EINVAL (options); MNR_ENOINPUT, MNR_EPARSE,
 * MNR_EDATA (located) for the inputs; MNR_EPRIVACY (budget spent: nothing
 * written); MNR_EPLOT (gnuplot missing or failing: nothing written, s->
 * gnuplot_missing says which); MNR_ECREAT, MNR_EIO, MNR_ENOMEM,
 * MNR_ERANDOM.  s may be NULL.
 */
int mnr_report_run(const struct mnr_report_options *o,
		   struct mnr_report_summary *s, struct mnr_error *err);

#endif
