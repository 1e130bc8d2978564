/*
 * Time from report to removal before and after an intervention: reading a
 * case file into two tabulated groups, and the whole before/after analysis
 * (Kaplan-Meier medians, restricted means, shares removed within 24 h and
 * 72 h, log-rank) that the removal command and the report print.
 * Ownership: struct mnr_removal_data owns its two tables (release with
 * mnr_removal_data_release); options and paths are borrowed for the call;
 * struct mnr_removal_result is a plain struct (nothing to free).
 */
#ifndef MNRSTAT_REMOVAL_H
#define MNRSTAT_REMOVAL_H

#include <stddef.h>
#include <stdint.h>

#include "mnrstat/csv.h"
#include "mnrstat/error.h"
#include "mnrstat/survival.h"

/* Which reports of a case file enter the analysis. */
struct mnr_removal_options {
	const char *country;   /* ISO 3166-1 alpha-3, required */
	int intervention;      /* month index (year * 12 + month - 1): reports
				  whose UTC report month is >= it are "post" */
	int has_as_of;         /* 0 = the latest date in the file */
	int64_t as_of;         /* UTC seconds when has_as_of */
	unsigned sources;      /* bit (1u << enum mnr_source) per source kept;
				  0 = every source */
	const struct mnr_colmap *map; /* --col mapping, may be NULL */
};

/* Two groups of removal times (hours), plus what was left out and why. */
struct mnr_removal_data {
	struct mnr_surv_tab group[2]; /* 0 = pre, 1 = post */
	int64_t as_of;                /* the as-of instant used (UTC s) */
	unsigned long long rows;      /* data rows read */
	unsigned long long country_rows; /* rows of the country */
	unsigned long long other_source; /* of those, left out by source */
	unsigned long long after_as_of;  /* reported after the as-of: left out */
	unsigned long long removed_after_as_of; /* removed after the as-of:
						   censored at it */
};

/*
 * Read a case file (path "-" = stdin) with the case-record schema.  For the
 * country's reports (filtered by source), the time is hours from
 * reported_at to removed_at (an event), or to the as-of instant when
 * removed_at is empty or later (censored).  The as-of is opt->as_of, or
 * else the latest reported_at, removed_at or closed_at in the whole file
 * (the extraction instant).  Every row is validated (mnr_case_parse rules).
 * Caller owns *out; release with mnr_removal_data_release.  Returns MNR_OK,
 * MNR_EINVAL (no country), MNR_ENOINPUT, MNR_EIO, MNR_EPARSE, MNR_EDATA
 * (located), MNR_ENOMEM; on error *out is empty.
 */
int mnr_removal_read(const char *path, const struct mnr_removal_options *opt,
		     struct mnr_removal_data *out, struct mnr_error *err);

void mnr_removal_data_release(struct mnr_removal_data *d);

/* Warning bits of struct mnr_removal_result. */
enum mnr_removal_warn {
	MNR_REMOVAL_WARN_MEDIAN_PRE = 1u << 0,  /* median not reached before */
	MNR_REMOVAL_WARN_MEDIAN_POST = 1u << 1, /* ... after */
	MNR_REMOVAL_WARN_MEDIAN_CI = 1u << 2,   /* an interval limit of a median
						   not reached */
	MNR_REMOVAL_WARN_HORIZON = 1u << 3,     /* RMST horizon beyond the
						   follow-up of a group */
	MNR_REMOVAL_WARN_WITHIN = 1u << 4,      /* 24 h or 72 h beyond the
						   follow-up of a group */
	MNR_REMOVAL_WARN_FEW_EVENTS = 1u << 5,  /* fewer than 10 removals in a
						   group */
	MNR_REMOVAL_WARN_NO_LOGRANK = 1u << 6,  /* log-rank undefined */
	MNR_REMOVAL_WARN_COUNT = 7
};

/* Summary of one group. */
struct mnr_removal_group {
	double n;                    /* reports */
	double events;               /* removed */
	double censored;             /* not (yet) removed at the as-of */
	double max_time;             /* longest follow-up, hours */
	struct mnr_surv_median median;
	struct mnr_surv_rmst rmst;
	struct mnr_surv_at within[2]; /* at 24 h and 72 h; the share removed
					 is 1 - surv, interval [1 - upper,
					 1 - lower] */
};

struct mnr_removal_result {
	enum mnr_surv_ci ci;
	double level;
	double horizon;               /* RMST horizon, hours */
	struct mnr_removal_group group[2]; /* 0 = pre, 1 = post */
	int has_logrank;
	struct mnr_surv_logrank logrank;
	unsigned warnings;            /* enum mnr_removal_warn bits */
};

/* The times at which the share removed is reported (hours). */
#define MNR_REMOVAL_WITHIN_1 24.0
#define MNR_REMOVAL_WITHIN_2 72.0

/*
 * The before/after analysis of two tabulated groups.  km (may be NULL)
 * receives the two fitted curves (caller frees each with
 * mnr_surv_km_free); with km NULL they are freed here.  Returns MNR_OK,
 * MNR_EINVAL (level, horizon <= 0, ci), MNR_EDATA (bad table), MNR_EDOMAIN
 * when a group is empty ("no reports before the intervention" / "no
 * reports from the intervention month on"), MNR_ENOMEM.  A log-rank test
 * that is undefined (no removals at all) is a warning, not an error.
 */
int mnr_removal_analyse(const struct mnr_surv_data *pre,
			const struct mnr_surv_data *post, enum mnr_surv_ci ci,
			double level, double horizon,
			struct mnr_removal_result *out,
			struct mnr_surv_km km[2], struct mnr_error *err);

/* One English sentence for a warning bit (static; "" when unknown). */
const char *mnr_removal_warning_text(unsigned bit);

#endif
