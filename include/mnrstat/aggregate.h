/*
 * Streaming aggregation of case records into the monthly panel, mergeable
 * partial aggregates (map/reduce), and the panel writer.  Ownership:
 * struct mnr_agg and struct mnr_population are allocated here and freed
 * with mnr_agg_free / mnr_population_free; every pointer passed in is
 * borrowed and must outlive the call (options: until mnr_agg_free).
 *
 * Memory does not grow with the number of rows: state is per
 * (country, report month) cell -- integer counters plus an exact histogram
 * of whole removal hours -- and, when the as-of time is taken from the
 * data, the reports of the last 72 hours before the latest date seen
 * (bounded by distinct report seconds in that window).  See
 * docs/distributed.md for the partial format and the as-of rule.
 */
#ifndef MNRSTAT_AGGREGATE_H
#define MNRSTAT_AGGREGATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mnrstat/cases.h"
#include "mnrstat/csv.h"
#include "mnrstat/error.h"

/* The panel's metrics, sorted (byte order), as written to the panel. */
enum { MNR_AGG_NMETRICS = 22 };
extern const char *const mnr_agg_metric_names[MNR_AGG_NMETRICS];

/*
 * Progress report: bytes of the current input consumed and data rows
 * parsed so far, both counted from the start of the current
 * mnr_agg_read_path call.  Called only from the thread that called it,
 * every 8 MiB (one thread) or about 10 times a second (threads), and
 * once at the end of a successful read with the final figures.
 */
typedef void mnr_agg_progress_fn(void *ud, unsigned long long bytes,
				 unsigned long long rows);

struct mnr_agg_options {
	int has_as_of;        /* 1 = as_of given; 0 = latest date in the data */
	int64_t as_of;        /* inclusive UTC second when has_as_of */
	int from;             /* first report month index; -1 = data's own */
	int to;               /* last report month index; -1 = data's own */
	const struct mnr_colmap *map; /* --col mapping; may be NULL */
	unsigned threads;     /* parser threads for a regular file, >= 1 */
	mnr_agg_progress_fn *progress; /* may be NULL */
	void *progress_ud;
};

/* Defaults: as-of from the data, no span, no map, 1 thread, no progress. */
void mnr_agg_options_init(struct mnr_agg_options *o);

struct mnr_agg;

/*
 * Create an empty aggregate.  opt is copied (its map pointer is kept).
 * Caller owns *out; free with mnr_agg_free.  Returns MNR_OK, MNR_EINVAL
 * (from > to, threads 0), MNR_ENOMEM.
 */
int mnr_agg_alloc(struct mnr_agg **out, const struct mnr_agg_options *opt,
		  struct mnr_error *err);
void mnr_agg_free(struct mnr_agg *a);

/*
 * Count one parsed case record.  Reports after an explicit as-of, or whose
 * report month falls outside from..to, are left out (and counted as
 * dropped); they still advance the latest date seen.  Returns MNR_OK,
 * MNR_ENOMEM, or MNR_EINVAL after mnr_agg_finalise.
 */
int mnr_agg_add(struct mnr_agg *a, const struct mnr_case *c,
		struct mnr_error *err);

/*
 * Parse a case file (path "-" = stdin) into a.  The header is bound
 * through opt->map; every row is validated by the rules of
 * mnr_case_parse.  With opt->threads > 1 and a regular file, the file is
 * split at line boundaries and the pieces are parsed in parallel (a piece
 * whose start turns out to lie inside a quoted field is re-parsed); the
 * result and any error (the first in file order, with its true line) are
 * the same as with one thread.  Returns MNR_OK, MNR_ENOINPUT, MNR_EIO,
 * MNR_EPARSE, MNR_EDATA (located), MNR_ENOMEM.  On error a holds an
 * unspecified subset of the file's rows and must only be freed.
 */
int mnr_agg_read_path(struct mnr_agg *a, const char *path,
		      struct mnr_error *err);

/* As mnr_agg_read_path on an open stream, always one thread. */
int mnr_agg_read_stream(struct mnr_agg *a, FILE *fp, const char *name,
			struct mnr_error *err);

/*
 * dst += src (src unchanged).  Both must have been made with the same
 * as-of mode and value and the same from/to; otherwise MNR_EDATA (rule
 * "partial-options").  Merging is associative and commutative: any split
 * of the input merged in any order gives the same state.
 */
int mnr_agg_merge(struct mnr_agg *dst, const struct mnr_agg *src,
		  struct mnr_error *err);

/*
 * Write the mergeable partial (text, first line "mnrstat-partial 1"; see
 * docs/distributed.md).  Reports whose censoring windows have closed by
 * the latest date seen are settled first, so the bytes depend only on the
 * rows aggregated, not on the order they came in.  Returns MNR_OK,
 * MNR_EINVAL (finalised), MNR_ENOMEM, MNR_EIO.
 */
int mnr_agg_write_partial(struct mnr_agg *a, FILE *fp,
			  struct mnr_error *err);

/*
 * Read a partial (path "-" = stdin) and merge it into a; a stream holding
 * several partials one after another is read whole.  The partial's
 * options must equal a's (MNR_EDATA "partial-options"); with
 * adopt_options, an empty a (nothing added or merged yet) takes the
 * partial's options instead.  Malformed input is MNR_EDATA located at
 * path:line with rule "partial-format".  Returns also MNR_ENOINPUT,
 * MNR_EIO, MNR_ENOMEM.
 */
int mnr_agg_read_partial(struct mnr_agg *a, const char *path,
			 int adopt_options, struct mnr_error *err);

/*
 * Fix the as-of time (the explicit one, or the latest date seen) and
 * settle the censoring of the last reports against it.  Idempotent; after
 * it, add and merge are refused.  Returns MNR_OK or MNR_ENOMEM.
 */
int mnr_agg_finalise(struct mnr_agg *a, struct mnr_error *err);

/* Rows counted, rows dropped (after as-of / outside from..to). */
unsigned long long mnr_agg_rows(const struct mnr_agg *a);
unsigned long long mnr_agg_dropped(const struct mnr_agg *a);

/* The as-of time: explicit, else the latest date seen; 0 when no rows. */
int mnr_agg_as_of(const struct mnr_agg *a, int64_t *as_of);

/* Number of countries with at least one counted report. */
size_t mnr_agg_ncountries(const struct mnr_agg *a);

/*
 * One panel value (finalises a first).  *defined = 0 for an empty value
 * (median or share with nothing to divide) and for a month outside the
 * country's grid.  Returns MNR_OK, MNR_EINVAL (unknown metric),
 * MNR_ENOMEM.
 */
int mnr_agg_value(struct mnr_agg *a, const char *country, int month,
		  const char *metric, double *value, int *defined,
		  struct mnr_error *err);

/* Population by country and calendar year (country,year,population). */
struct mnr_population;

/*
 * Read a population file: columns country, year, population (mapped
 * through map, may be NULL); population a positive finite number; a
 * repeated (country, year) is an error.  Caller owns *out; free with
 * mnr_population_free.  Returns MNR_OK, MNR_ENOINPUT, MNR_EPARSE,
 * MNR_EDATA (located), MNR_ENOMEM.
 */
int mnr_population_read(const char *path, const struct mnr_colmap *map,
			struct mnr_population **out, struct mnr_error *err);
void mnr_population_free(struct mnr_population *p);

/*
 * Write the panel: header "country,month,metric,value" (plus
 * ",population" when pop is not NULL), one row per country, month of its
 * grid and metric, sorted by country, month, metric.  Counts are
 * integers, shares and medians "%.10g", empty when undefined; population
 * empty when pop has no value for that country and year.  Finalises a
 * first.  The bytes depend only on the aggregate's state.  Returns
 * MNR_OK, MNR_EIO, MNR_ENOMEM.
 */
int mnr_agg_write_panel(struct mnr_agg *a, const struct mnr_population *pop,
			FILE *fp, struct mnr_error *err);

#endif
