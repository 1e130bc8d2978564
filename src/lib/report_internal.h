/*
 * Shared state of the report between the analysis (report.c) and the
 * writers (report_write.c).  Everything here is owned by struct mnr__rep
 * and freed by mnr__rep_free.
 */
#ifndef MNR_REPORT_INTERNAL_H
#define MNR_REPORT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "mnrstat/compare.h"
#include "mnrstat/did.h"
#include "mnrstat/its.h"
#include "mnrstat/ledger.h"
#include "mnrstat/removal.h"
#include "mnrstat/report.h"
#include "mnrstat/sha256.h"

#define MNR__REP_NDOMAINS 6
extern const char *const mnr__rep_domains[MNR__REP_NDOMAINS];

/*
 * The staggered-adoption effect on levels (report_did.c).  Additive
 * zero-mean noise leaves means of levels unbiased, so the Callaway-Sant'Anna
 * estimator runs on the released counts as released (negative values kept,
 * no log); the relative effect is ATT over the adopters' counterfactual mean
 * level on the same post-adoption cells, with a delete-one-country
 * jackknife interval.
 */
struct mnr__rep_dense {
	size_t N, T;               /* units, periods */
	long pmin;                 /* period of column 0 */
	const double *y;           /* N * T, unit-major, NaN = missing */
	const long *adopt;         /* per unit; MNR_DID_NEVER = never */
};

struct mnr__rep_rel {
	int has;                   /* est, lo, hi finite */
	int kind;                  /* 0 relative change of a level, 1 change
				      in a share of two counts */
	int log_scale;             /* interval from log(observed/cf) */
	double att;                /* CS overall effect on levels */
	double observed;           /* adopters' mean observed level over the
				      post cells, weighted as the ATT */
	double counterfactual;     /* observed - att */
	double est, lo, hi;        /* relative change (0 = none) or change in
				      share (0-1) */
	double se, df, p;          /* jackknife se (on the log scale when
				      log_scale), t df = countries - 1 */
	size_t n_jack;             /* countries left out in turn */
	const char *reason;        /* static: why there is no estimate */
};

/*
 * Run Callaway-Sant'Anna (not-yet-adopted controls, leave-one-out on) on
 * the levels of z.  opt_in supplies seed, boot and the 2x2 cohort; methods
 * CS (| 2X2 when opt_in has it).  Caller frees *out.
 */
int mnr__rep_did_levels(const struct mnr__rep_dense *z,
			const struct mnr_did_options *opt_in,
			struct mnr_did_result **out, struct mnr_error *err);

/* Relative effect att / (observed - att) with its jackknife interval. */
void mnr__rep_relative(const struct mnr__rep_dense *z,
		       const struct mnr_did_result *d, double level,
		       struct mnr__rep_rel *out);

/*
 * Change in the share yes / known among the adopters' post cells:
 * observed share minus counterfactual share, each a ratio of mean levels
 * (yes and known run separately, same units), jackknife interval.
 */
void mnr__rep_share_change(const struct mnr__rep_dense *zy,
			   const struct mnr_did_result *dy,
			   const struct mnr__rep_dense *zk,
			   const struct mnr_did_result *dk, double level,
			   struct mnr__rep_rel *out);

/* The headline estimate of a metric or of one country's series. */
struct mnr__rep_head {
	int has;
	const char *method;        /* static: what produced it */
	struct mnr_report_estimate e;
	char label[200];           /* storage behind e.label */
	char unit[64];             /* storage behind e.unit */
	struct mnr_report_verdict v;
	char sentence[640];
	double p_value;
};

/* One country's analysis of one metric. */
struct mnr__rep_country {
	int analysed;              /* an adopter inside the span */
	int intervention;          /* month index */
	int has_cmp;
	struct mnr_compare_result cmp;
	char cmp_err[256];
	int has_its;
	struct mnr_its_result its;
	char its_err[256];
	int its_season;            /* seasonal terms kept */
	struct mnr__rep_head head;
};

struct mnr__rep_metric {
	char *name, *domain, *definition, *unit, *direction;
	int better;                /* enum mnr_report_better */
	int is_count;              /* unit "count" */
	int derived;               /* a share computed here from two counts */
	long num, den;             /* derived: indices of numerator and
				      denominator metrics */
	int analysed;              /* part of this report */
	char withheld[200];        /* why not analysed ("" when analysed) */
	size_t nclamped;           /* released counts set from < 0 to 0 */
	double *y;                 /* ncountries * nmonths analysed values */
	unsigned char *hide;       /* display mask (internal suppression) */
	struct mnr__rep_country *c;/* ncountries */
	struct mnr_did_result *did;/* all-country report */
	char did_err[256];
	struct mnr__rep_rel rel;   /* relative effect (counts) or change in
				      share (derived) from did on levels */
	struct mnr__rep_head head;
	int has_cohort;            /* country report: the country's cohort
				      effect against countries not yet
				      adopting (Callaway-Sant'Anna) */
	struct mnr__rep_head cohort;
	struct mnr_report_check_item check[MNR_REPORT_NCHECK];
	char chart[2][96];         /* file names under charts/ ("" = none) */
	char *svg[2];              /* the charts' SVG text, inlined */
};

/* One chart to draw (see run_jobs in report.c). */
struct mnr__rep_job {
	char *script;              /* gnuplot script text */
	char name[96];             /* image file name under charts/ */
	char **svg;                /* receives the SVG text */
	char *img;                 /* image path while running */
	pid_t pid;                 /* gnuplot process, -1 when none */
};

struct mnr__rep {
	const struct mnr_report_options *o;
	char *tmp;                 /* temporary report folder */
	size_t ncountries;
	char (*country)[4];
	int *adopt;                /* start month per country, -1 = never */
	double *pop;               /* ncountries * nmonths, NaN unknown */
	int has_pop;
	int m0, m1;                /* common month span */
	size_t nmonths;
	int *months;               /* m0..m1 */
	long focus;                /* country index of a country report, -1 */
	size_t nmetrics;
	struct mnr__rep_metric *m;
	unsigned long long rows;   /* case records aggregated */
	/* privacy */
	int private_release;       /* noise added */
	struct mnr_dp_noise noise;
	double noise_var;          /* variance of one cell's noise */
	uint64_t halfwidth;        /* exact 95% interval half-width */
	double coverage;
	uint64_t sensitivity;      /* l1 per privacy unit */
	uint64_t l2sq;             /* squared l2 per privacy unit */
	uint64_t groups;           /* counts one record can touch in a month */
	uint64_t max_cells, max_per_cell; /* the bounds applied */
	int has_person;            /* the case file has person_id */
	unsigned long long rows_dropped; /* left out by the bounds */
	unsigned long long persons;      /* distinct person tokens */
	size_t nreleased_cells;
	size_t nclamped;
	size_t nsuppressed_primary, nsuppressed_secondary;
	double eps_equiv;          /* epsilon at delta 1e-6 (rho budgets) */
	int has_receipt;
	struct mnr_ledger_receipt receipt;
	const char *ledger_path;
	char ledger_buf[4096];
	/* fingerprints */
	char sha_cases[MNR_SHA256_HEXLEN + 1];
	char sha_adoption[MNR_SHA256_HEXLEN + 1];
	char sha_population[MNR_SHA256_HEXLEN + 1];
	char sha_metrics[MNR_SHA256_HEXLEN + 1];
	/* removal (country report, internal) */
	int has_removal;
	struct mnr_removal_result removal;
	char removal_err[256];
	char removal_chart[96];
	char *removal_svg;
	/* overall checklist */
	struct mnr_report_check_item check[MNR_REPORT_NCHECK];
	size_t check_met[MNR_REPORT_NCHECK], check_total;
	size_t ncharts;
	double gnuplot_seconds;
	struct mnr__rep_job *jobs;
	size_t njobs, jobs_alloc;
	char title[160];
	char privacy_line[200];    /* for chart provenance lines */
};

int mnr__rep_write_all(struct mnr__rep *r, struct mnr_error *err);

/* Append-only growable text. */
struct mnr__rep_buf {
	char *p;
	size_t len, cap;
	int failed;
};

void mnr__rep_puts(struct mnr__rep_buf *b, const char *s);
void mnr__rep_printf(struct mnr__rep_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void mnr__rep_html(struct mnr__rep_buf *b, const char *s);

#endif
