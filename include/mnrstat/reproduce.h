/*
 * Reproduction of published figures from the cited datasets in
 * datasets/published/: each figure is a gnuplot script (plot.h) plus a
 * table (CSV and Markdown) giving every plotted value with its source,
 * verbatim quote and source type.  Ownership: the figure catalogue is
 * static and read-only; a struct mnr_published or mnr_reproduce_output
 * is caller-owned and released with its _free / _release function.
 */
#ifndef MNRSTAT_REPRODUCE_H
#define MNRSTAT_REPRODUCE_H

#include <stddef.h>

#include "mnrstat/error.h"
#include "mnrstat/plot.h"

/* One published number (a row of a datasets/published/ CSV). */
struct mnr_published_row {
	char *series;
	char *country;          /* NULL unless the file has a country column */
	char *year;             /* as published: "2018", "2016-2018" or "" */
	char *value_text;       /* the value exactly as in the file */
	double value;
	char *unit;
	char *source_title;
	char *source_publisher;
	char *source_url;
	char *quote;
	char *source_type;      /* primary | secondary | transcription | claim */
	char *notes;
	unsigned long line;     /* line in the file */
};

struct mnr_published {
	size_t n;
	struct mnr_published_row *row;
	const char *path;       /* borrowed */
};

/*
 * Read one published CSV (columns series, year, value, unit, source_title,
 * source_publisher, source_url, quote, source_type, notes; optional
 * country).  Returns MNR_OK, MNR_ENOINPUT, MNR_EPARSE, MNR_EDATA (located;
 * e.g. a non-numeric value), MNR_ENOMEM.  Free with mnr_published_free.
 */
int mnr_published_read(const char *path, struct mnr_published **out,
		       struct mnr_error *err);
void mnr_published_free(struct mnr_published *p);

/* How a layer of a figure is drawn. */
enum mnr_reproduce_style {
	MNR_REPRO_POINTS = 0, /* line and points; filled = primary source */
	MNR_REPRO_BARS,       /* bars; colour by source type */
	MNR_REPRO_CLAIM,      /* unverified claim: open diamond, labelled */
	MNR_REPRO_MARK        /* a related quantity, one marker, labelled */
};

/* One series of a figure, read from one file. */
struct mnr_reproduce_layer {
	const char *file;     /* file name inside the data directory */
	const char *series;   /* value of the series column */
	const char *legend;
	int style;            /* enum mnr_reproduce_style */
	double scale;         /* plotted value = value / scale */
};

/* A vertical line marking a break in comparability. */
struct mnr_reproduce_break {
	double x;
	const char *label;
	double y;             /* label height, fraction of the graph */
};

struct mnr_reproduce_figure {
	const char *name;     /* e.g. "icmec-legislation" */
	const char *title;
	const char *subtitle;
	const char *ylabel;
	const char *xlabel;
	const char *caveat;   /* first caption line */
	size_t nlayers;
	const struct mnr_reproduce_layer *layer;
	size_t nbreaks;
	const struct mnr_reproduce_break *brk;
	double xmin, xmax;    /* x range (years) */
	const char *key;      /* legend position, e.g. "top left" */
};

/* The catalogue: count, i-th figure (NULL past the end), by name. */
size_t mnr_reproduce_count(void);
const struct mnr_reproduce_figure *mnr_reproduce_figure_at(size_t i);
const struct mnr_reproduce_figure *mnr_reproduce_find(const char *name);

/* What mnr_reproduce_build makes (all caller-owned text). */
struct mnr_reproduce_output {
	char *script;         /* gnuplot script; datablock $layerN per layer:
	                         "year value source_type_code" rows */
	char *table_csv;      /* figure,layer,series,year,value,unit,
	                         source_type,source_publisher,source_title,
	                         source_url,quote,notes */
	char *table_md;       /* caption and the same table in Markdown */
	size_t nvalues;       /* number of plotted values */
};

/*
 * Build a figure's script and tables from the CSVs in data_dir.  meta
 * supplies format, size, date and output_name (its title, labels and
 * caption are set here; meta->data is ignored).  Every plotted value is
 * a row of the files whose series and year match; rows whose year is not
 * a single year are skipped.  Returns MNR_OK, the reader's errors,
 * MNR_EDATA (rule "no-values") when a layer finds nothing, MNR_ENOMEM.
 */
int mnr_reproduce_build(const struct mnr_reproduce_figure *f,
			const char *data_dir,
			const struct mnr_plot_meta *meta,
			struct mnr_reproduce_output *out,
			struct mnr_error *err);
void mnr_reproduce_output_release(struct mnr_reproduce_output *o);

/* Source type as the numeric code used in the datablocks:
 * primary 1, secondary 2, transcription 3, claim 4, other 0. */
int mnr_reproduce_source_code(const char *source_type);

#endif
