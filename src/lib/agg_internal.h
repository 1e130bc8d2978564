/*
 * Internal state of the aggregator (aggregate layer), shared by
 * aggregate.c (counting, merging, panel), agg_partial.c (the partial
 * format) and agg_read.c (file reading and threads).
 */
#ifndef MNR_AGG_INTERNAL_H
#define MNR_AGG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "mnrstat/aggregate.h"
#include "mnrstat/fields.h"

/* Per-cell integer counters; the partial lists them in this order. */
enum agg_counter {
	AC_TOTAL,
	AC_SRC0,                      /* + enum mnr_source */
	AC_REMOVED = AC_SRC0 + MNR_SRC_N, /* removed by the as-of time */
	AC_REM24,                     /* removed within 24 h (of removed) */
	AC_REM72,
	AC_ALL24_NUM,                 /* window elapsed and removed within */
	AC_ALL24_DEN,                 /* 24 h window elapsed by as-of */
	AC_ALL72_NUM,
	AC_ALL72_DEN,
	AC_CLOSED,                    /* closed by the as-of time */
	AC_OUT0,                      /* + enum mnr_outcome */
	AC_SUP_YES = AC_OUT0 + MNR_OUT_N,
	AC_SUP_NO,
	AC_SUS_YES,
	AC_SUS_NO,
	AC_N
};

extern const char *const agg_counter_names[AC_N];

/*
 * Removal hours of one cell, exactly: a dense array for hours below
 * AGG_HIST_DENSE (allocated whole at the first removal) and a sorted sparse list
 * of (hour, count) above it, so memory is bounded by the number of
 * distinct hour values, never by the number of reports.
 */
#define AGG_HIST_DENSE 512u
struct agg_sparse {
	uint32_t hour;
	uint64_t n;
};
struct agg_hist {
	uint64_t *dense;
	size_t ndense;               /* 0, or AGG_HIST_DENSE once allocated */
	struct agg_sparse *sp;
	size_t nsp, asp;
};

struct agg_cell {
	uint64_t c[AC_N];
	struct agg_hist hist;
};

struct agg_country {
	char code[4];
	int base;                    /* month index of cell[0] */
	size_t n, alloc;             /* cells in use / allocated */
	struct agg_cell *cell;
};

/*
 * A report whose 72 h censoring window may still be open relative to the
 * latest date seen (as-of from the data): kept by report second until it
 * can be settled.  n reports, r24 / r72 of them removed within 24 / 72 h.
 */
struct agg_tail {
	int32_t country;             /* index into countries; -1 = empty slot */
	int64_t t;                   /* reported_at, UTC seconds */
	uint64_t n, r24, r72;
};

struct mnr_agg {
	struct mnr_agg_options opt;
	int has_max;
	int64_t max_time;            /* latest date seen (any column) */
	unsigned long long rows, dropped;
	int finalised;
	int opts_adopted;            /* options taken from a first partial */
	int64_t as_of_final;

	int16_t cidx[26 * 26 * 26];  /* country code -> index, -1 = none */
	struct agg_country *country;
	size_t ncountry, acountry;

	struct agg_tail *tail;       /* open-addressing hash, size atail */
	size_t ntail, atail, prune_at;
};

#define AGG_DAY 86400
#define AGG_3DAYS 259200

int agg_code_key(const char *code);
struct agg_cell *agg_cell_get(struct mnr_agg *a, int country, int month,
			      struct mnr_error *err);
int agg_country_index(struct mnr_agg *a, const char *code,
		      struct mnr_error *err);
int agg_hist_add(struct agg_hist *h, uint32_t hour, uint64_t n);
int agg_tail_add(struct mnr_agg *a, int country, int64_t t, uint64_t n,
		 uint64_t r24, uint64_t r72, struct mnr_error *err);
void agg_note_time(struct mnr_agg *a, int64_t t);
int agg_options_equal(const struct mnr_agg_options *x,
		      const struct mnr_agg_options *y);
int agg_is_empty(const struct mnr_agg *a);
int agg_prune(struct mnr_agg *a, struct mnr_error *err);
/* mnr_agg_add with the report's UTC month already known. */
int agg_add_at(struct mnr_agg *a, const struct mnr_case *c, int month,
	       struct mnr_error *err);

#endif
