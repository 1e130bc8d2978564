/*
 * The case-record schema: binding a header and parsing one row into typed
 * values.  Ownership: struct mnr_case_schema is caller-owned (init/no
 * release needed); a parsed struct mnr_case borrows the row's text and is
 * valid only during the row callback.
 */
#ifndef MNRSTAT_CASES_H
#define MNRSTAT_CASES_H

#include <stdint.h>

#include "mnrstat/csv.h"
#include "mnrstat/error.h"

enum mnr_case_col {
	MNR_CASE_ID, MNR_CASE_PERSON, MNR_CASE_COUNTRY, MNR_CASE_SOURCE,
	MNR_CASE_REPORTED, MNR_CASE_REMOVED, MNR_CASE_CLOSED,
	MNR_CASE_OUTCOME, MNR_CASE_AGE, MNR_CASE_SUPPORT, MNR_CASE_SUSPECT,
	MNR_CASE_NCOL
};

/* Canonical column names, indexed by enum mnr_case_col. */
extern const char *const mnr_case_col_names[MNR_CASE_NCOL];

struct mnr_case_schema {
	long idx[MNR_CASE_NCOL];  /* header position, -1 = column absent */
	const char *path;         /* borrowed */
};

/*
 * Bind the header row: country and reported_at are required, the rest
 * optional (absent = unknown).  map may be NULL.  MNR_EDATA on a missing
 * required column, duplicate or empty header name.
 */
int mnr_case_bind(struct mnr_case_schema *s, const struct mnr_csv_row *header,
		  const struct mnr_colmap *map, struct mnr_error *err);

struct mnr_case {
	char country[4];
	int source;          /* enum mnr_source; MNR_SRC_OTHER when absent */
	int64_t reported;    /* UTC seconds */
	int has_removed;
	int64_t removed;     /* valid when has_removed */
	int has_closed;
	int64_t closed;
	int outcome;         /* enum mnr_outcome; unknown when absent */
	int age;             /* enum mnr_age_band */
	int support;         /* enum mnr_yesno */
	int suspect;         /* enum mnr_yesno */
	const char *case_id; /* borrowed; "" when absent */
	const char *person;  /* borrowed; "" when absent or empty */
	size_t person_len;
};

/*
 * Parse one data row.  Rules (each error located at the field, message
 * naming the column, never the value): country-code, enum, date-format,
 * date-range, removed-before-report ("removed_at earlier than
 * reported_at"), closed-before-report, outcome-open-closed (outcome
 * "open" with a closed_at).  Returns MNR_OK or MNR_EDATA.
 */
int mnr_case_parse(const struct mnr_case_schema *s,
		   const struct mnr_csv_row *row, struct mnr_case *c,
		   struct mnr_error *err);

#endif
