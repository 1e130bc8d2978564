/*
 * The monthly panel (tidy: country,month,metric,value[,population]
 * [,noise_variance]) and adoption files, read whole into memory: panels
 * are small (countries x months x metrics).  Ownership: mnr_panel_read and
 * mnr_adoption_read allocate; free with mnr_panel_free / mnr_adoption_free.
 * mnr_panel_series fills a caller-owned struct released with
 * mnr_series_release.
 */
#ifndef MNRSTAT_PANEL_H
#define MNRSTAT_PANEL_H

#include <stddef.h>

#include "mnrstat/csv.h"
#include "mnrstat/error.h"

struct mnr_panel_cell {
	int country;        /* index into panel->country */
	int metric;         /* index into panel->metric */
	int month;          /* month index year*12 + (month-1) */
	double value;       /* NaN when the file's value was empty */
	double population;  /* NaN when absent */
	double noise_var;   /* variance of released noise; NaN = none */
	unsigned long line; /* source line, for errors */
};

struct mnr_panel {
	size_t ncountries;
	char (*country)[4];       /* alpha-3 codes, sorted */
	size_t nmetrics;
	char **metric;            /* metric names, sorted */
	size_t n;
	struct mnr_panel_cell *cell; /* sorted by country, metric, month */
	int has_population;
	int has_noise;
	const char *path;         /* borrowed */
};

/*
 * Read a panel file.  Required columns country, month, metric, value
 * (mapped through map, may be NULL); optional population and
 * noise_variance.  Values must be finite decimals or empty (missing);
 * countries ISO 3166-1 alpha-3; months YYYY-MM; a repeated
 * (country, month, metric) is an error.  Returns MNR_OK, MNR_ENOINPUT,
 * MNR_EPARSE, MNR_EDATA (located), MNR_ENOMEM.  *out untouched on error.
 */
int mnr_panel_read(const char *path, const struct mnr_colmap *map,
		   struct mnr_panel **out, struct mnr_error *err);
void mnr_panel_free(struct mnr_panel *p);

/* Index of a country / metric, or -1. */
long mnr_panel_country_index(const struct mnr_panel *p, const char *country);
long mnr_panel_metric_index(const struct mnr_panel *p, const char *metric);

/* One monthly series: every month from the first to the last observed. */
struct mnr_series {
	size_t n;
	int first_month;     /* month index of y[0] */
	double *y;           /* NaN = missing month (absent row or empty value) */
	double *population;  /* NaN where unknown; NULL when panel has none */
	double *noise_var;   /* NULL when the panel carries no noise column */
	size_t n_missing;    /* months inside the span without a value */
};

/*
 * Extract country x metric as a contiguous monthly series; from/to (month
 * indices, -1 = data's own span) clip or extend it.  MNR_EDATA when the
 * country or metric is absent or has no value.
 */
int mnr_panel_series(const struct mnr_panel *p, const char *country,
		     const char *metric, int from, int to,
		     struct mnr_series *s, struct mnr_error *err);
void mnr_series_release(struct mnr_series *s);

/* Adoption dates: country,mnr_start (YYYY-MM; empty = never adopted). */
struct mnr_adoption {
	size_t n;
	char (*country)[4];
	int *start;          /* month index, -1 = never */
};

int mnr_adoption_read(const char *path, const struct mnr_colmap *map,
		      struct mnr_adoption **out, struct mnr_error *err);
void mnr_adoption_free(struct mnr_adoption *a);

/* Start month of a country, -1 when never adopted or absent. */
int mnr_adoption_start(const struct mnr_adoption *a, const char *country);

#endif
