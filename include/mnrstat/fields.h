/*
 * Typed parsing of single CSV fields: ISO 8601 dates and date-times,
 * months, integers, decimals, the brief's enumerations and ISO 3166-1
 * alpha-3 codes.  Nothing is allocated; inputs are borrowed.
 *
 * Every parser returns MNR_OK or MNR_EDATA with err's message and rule
 * filled but no location: the caller, which knows the row, adds it
 * (mnr_error_locate or mnr_csv_field_error).  Messages never contain the
 * value.
 */
#ifndef MNRSTAT_FIELDS_H
#define MNRSTAT_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "mnrstat/error.h"

/*
 * ISO 8601 calendar date "YYYY-MM-DD" or date-time
 * "YYYY-MM-DD[T ]hh:mm[:ss[.fraction]][Z|±hh:mm|±hhmm|±hh]", normalised to
 * UTC seconds since 1970-01-01.  A date alone is midnight UTC; a date-time
 * without offset is taken as UTC.  Years 1900..2199.  *has_time (may be
 * NULL) says whether a time part was present.  Rules: "date-format",
 * "date-range".
 */
int mnr_parse_datetime(const char *s, size_t len, int64_t *utc,
		       int *has_time, struct mnr_error *err);

/* "YYYY-MM" -> month index year*12 + (month-1).  Rule "month-format". */
int mnr_parse_month(const char *s, size_t len, int *month,
		    struct mnr_error *err);

/* Month index of a UTC time. */
int mnr_month_of(int64_t utc);

/* UTC seconds at 00:00 on the first day of month index m. */
int64_t mnr_month_start(int month);

/* Write "YYYY-MM" for month index m into buf (at least 8 bytes). */
void mnr_month_format(int month, char *buf, size_t size);

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm). */
int64_t mnr_days_from_civil(int64_t y, unsigned m, unsigned d);

/* Strict decimal integer, optional sign, no spaces.  Rule "integer". */
int mnr_parse_int64(const char *s, size_t len, int64_t *v,
		    struct mnr_error *err);

/*
 * Strict decimal number ([-+]digits[.digits][e[-+]digits]); NaN, infinity,
 * hexadecimal and overflow are refused.  Rules "number", "not-finite".
 */
int mnr_parse_decimal(const char *s, size_t len, double *v,
		      struct mnr_error *err);

/*
 * Index of s in values[0..n) (exact, case-sensitive match).  Rule "enum";
 * the message lists the allowed values (never the value seen).
 */
int mnr_parse_enum(const char *s, size_t len, const char *const *values,
		   size_t n, int *out, struct mnr_error *err);

/* 1 when s is an ISO 3166-1 alpha-3 code (upper case), else 0. */
int mnr_country_valid(const char *s, size_t len);

/* As above with an error: rule "country-code". */
int mnr_parse_country(const char *s, size_t len, struct mnr_error *err);

/* The brief's enumerations, in the order of their *_names arrays. */
enum mnr_source { MNR_SRC_HOTLINE, MNR_SRC_HELPLINE, MNR_SRC_POLICE,
	MNR_SRC_INDUSTRY, MNR_SRC_OTHER, MNR_SRC_N };
enum mnr_outcome { MNR_OUT_CHARGED, MNR_OUT_REFERRED, MNR_OUT_NFA,
	MNR_OUT_OPEN, MNR_OUT_UNKNOWN, MNR_OUT_N };
enum mnr_age_band { MNR_AGE_0_12, MNR_AGE_13_15, MNR_AGE_16_17,
	MNR_AGE_ADULT, MNR_AGE_UNKNOWN, MNR_AGE_N };
enum mnr_yesno { MNR_YES, MNR_NO, MNR_UNKNOWN, MNR_YESNO_N };

extern const char *const mnr_source_names[MNR_SRC_N];
extern const char *const mnr_outcome_names[MNR_OUT_N];
extern const char *const mnr_age_band_names[MNR_AGE_N];
extern const char *const mnr_yesno_names[MNR_YESNO_N];

#endif
