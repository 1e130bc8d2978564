/*
 * Validation of an input file against its schema and the anonymisation
 * rules (the `check` command's engine).  Ownership: mnr_check_path and
 * mnr_check_stream allocate the result; the caller frees it with
 * mnr_check_result_free.  Options and their strings are borrowed for the
 * duration of the call only.
 *
 * A check collects every problem instead of stopping at the first: each
 * finding is counted under its rule, and the first few positions of each
 * rule are kept (file:line:column, field number, a message naming the
 * column, never the value).  Memory is constant in the number of rows,
 * except for the k-anonymity group table, which holds one entry per
 * distinct combination of quasi-identifier values.  A CSV syntax error
 * (bad quoting, ragged row, NUL byte, invalid UTF-8, oversized field or
 * record) ends the reading: it is recorded as a finding and the result is
 * marked stopped.
 */
#ifndef MNRSTAT_CHECK_H
#define MNRSTAT_CHECK_H

#include <stddef.h>
#include <stdio.h>

#include "mnrstat/csv.h"
#include "mnrstat/error.h"

enum mnr_check_schema {
	MNR_SCHEMA_AUTO = 0,  /* detect from the header */
	MNR_SCHEMA_CASES,     /* case records: has reported_at */
	MNR_SCHEMA_PANEL,     /* country,month,metric,value */
	MNR_SCHEMA_ADOPTION,  /* country,mnr_start */
	MNR_SCHEMA_UNKNOWN    /* result only: no schema matched the header */
};

/* Name of a schema ("cases", "panel", "adoption", "auto", "unknown"). */
const char *mnr_check_schema_name(int schema);

/* Parse a schema name; returns the enum value or -1. */
int mnr_check_schema_parse(const char *name);

#define MNR_CHECK_MAX_QI 16    /* quasi-identifier columns */
#define MNR_CHECK_MAX_POS 5    /* positions kept per rule */
#define MNR_CHECK_MAX_RULES 64 /* distinct rules kept; more are counted
				* under "other" */

struct mnr_check_options {
	int schema;                     /* enum mnr_check_schema */
	const struct mnr_colmap *map;   /* --col mapping; may be NULL */
	const char *const *qi;          /* quasi-identifier names; NULL =
					 * default (country, month,
					 * victim_age_band, source) */
	size_t nqi;                     /* 1..MNR_CHECK_MAX_QI when qi set */
	unsigned long k;                /* k-anonymity threshold, >= 1 */
	size_t max_positions;           /* kept per rule, 1..MNR_CHECK_MAX_POS */
	struct mnr_csv_options csv;     /* reader limits */
};

/* Defaults: auto schema, no mapping, default QIs, k = 5, 5 positions. */
void mnr_check_options_init(struct mnr_check_options *o);

enum mnr_check_severity {
	MNR_CHECK_ERROR = 0,   /* the file fails the check */
	MNR_CHECK_WARNING      /* reported, but the file passes */
};

struct mnr_check_finding {
	unsigned long line;    /* 1-based physical line */
	unsigned long column;  /* 1-based byte column; 0 = whole line/row */
	unsigned long field;   /* 1-based field number; 0 = none */
	char msg[224];         /* names the column, never the value */
};

struct mnr_check_rule {
	char rule[48];                 /* e.g. "date-range", "identifier-email" */
	int severity;                  /* enum mnr_check_severity */
	unsigned long long count;      /* findings under this rule */
	size_t npos;                   /* positions kept (first in file order) */
	struct mnr_check_finding pos[MNR_CHECK_MAX_POS];
};

struct mnr_check_kanon {
	int applicable;                /* 1 when computed */
	const char *why_not;           /* static reason when not applicable */
	size_t nqi;
	char qi[MNR_CHECK_MAX_QI][64]; /* names used ("month" = month of
					* reported_at) */
	unsigned long k;
	unsigned long long groups;           /* distinct QI combinations */
	unsigned long long smallest;         /* rows in the smallest group */
	unsigned long long groups_below_k;   /* groups with fewer than k rows */
	unsigned long long rows_below_k;     /* rows in those groups */
};

struct mnr_check_result {
	const char *path;              /* borrowed input name */
	int schema;                    /* enum mnr_check_schema (never AUTO) */
	int schema_detected;           /* 1 = detected from the header */
	unsigned long long rows;       /* data rows read */
	int stopped;                   /* reading ended at a syntax error */
	unsigned long stopped_line;    /* line of that error */
	unsigned long long errors;     /* findings of error severity */
	unsigned long long warnings;   /* findings of warning severity */
	size_t nrules;
	struct mnr_check_rule rule[MNR_CHECK_MAX_RULES]; /* sorted by name */
	struct mnr_check_kanon kanon;
};

/*
 * Check the CSV file at path ("-" = standard input).  On MNR_OK *out is a
 * new result (caller owns; free with mnr_check_result_free) whether or not
 * the file passed: inspect (*out)->errors.  Returns MNR_OK, MNR_EINVAL
 * (bad options), MNR_ENOINPUT (file cannot be opened), MNR_EIO (read
 * error), MNR_ENOMEM; *out is untouched on error.
 */
int mnr_check_path(const char *path, const struct mnr_check_options *opt,
		   struct mnr_check_result **out, struct mnr_error *err);

/* As mnr_check_path on an open stream; path names it in positions. */
int mnr_check_stream(FILE *fp, const char *path,
		     const struct mnr_check_options *opt,
		     struct mnr_check_result **out, struct mnr_error *err);

void mnr_check_result_free(struct mnr_check_result *r);

/* The rule entry with this name, or NULL. */
const struct mnr_check_rule *mnr_check_find_rule(
	const struct mnr_check_result *r, const char *rule);

/*
 * Value-pattern detectors, exposed for testing and reuse.  Each returns 1
 * when s[0..len) contains the pattern, else 0.  free_text enables the
 * riskier phone heuristic for unseparated national numbers (leading 0,
 * 10-15 digits), which would misfire on identifiers and counts.
 */
int mnr_check_has_email(const char *s, size_t len);
int mnr_check_has_url(const char *s, size_t len);
int mnr_check_has_ipv4(const char *s, size_t len);
int mnr_check_has_ipv6(const char *s, size_t len);
int mnr_check_has_phone(const char *s, size_t len, int free_text);
int mnr_check_has_full_date(const char *s, size_t len);

/*
 * If a column header names a direct identifier (compared case-insensitively
 * with separators removed, an optional role prefix such as victim_ or
 * child_ ignored), return the identifier's category (a static string such
 * as "e-mail address"), else NULL.
 */
const char *mnr_check_identifier_column(const char *header, size_t len);

/* 1 when a header names an age or birth field (a word age, birth, dob...). */
int mnr_check_is_age_column(const char *header, size_t len);

#endif
