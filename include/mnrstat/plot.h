/*
 * gnuplot charts: pure script builders (data in, gnuplot script text out)
 * and a runner that writes the script next to the image and starts gnuplot
 * with an argument vector (no shell).  Ownership: every input is borrowed
 * for the duration of the call; a script returned through char **script is
 * caller-owned and freed with mnr_plot_script_free.
 *
 * Months are integers year * 12 + (month - 1), as in panel.h and its.h.
 * Every string that may come from a data file (titles, country names,
 * labels) is written into the script as a single-quoted gnuplot string
 * with quotes doubled and control characters replaced, so that it is
 * never evaluated: gnuplot runs `command` substitution inside
 * double-quoted strings, not inside single-quoted ones.
 */
#ifndef MNRSTAT_PLOT_H
#define MNRSTAT_PLOT_H

#include <stddef.h>

#include "mnrstat/error.h"

enum mnr_plot_format {
	MNR_PLOT_SVG = 0,
	MNR_PLOT_PNG          /* pngcairo */
};

/* Default image size in pixels: legible at 800 px wide. */
#define MNR_PLOT_WIDTH 800
#define MNR_PLOT_HEIGHT 500

/*
 * What every chart carries besides its data.  All strings are borrowed and
 * may be NULL unless stated.
 */
struct mnr_plot_meta {
	const char *title;       /* required */
	const char *subtitle;    /* second title line, smaller */
	const char *xlabel;      /* axis label with unit, e.g. "month" */
	const char *ylabel;      /* e.g. "reports per month (count)" */
	const char *data;        /* data file name(s) for the provenance line */
	const char *privacy;     /* "synthetic", "differentially private,
	                            epsilon = 1" ...; NULL = not stated */
	const char *date;        /* YYYY-MM-DD drawn in the provenance line;
	                            NULL = no date (injectable for goldens) */
	const char *caption;     /* extra caption text under the chart (e.g.
	                            sources); lines separated by '\n' */
	const char *output_name; /* image name written into the script as
	                            the default output; NULL = "chart.svg"
	                            or "chart.png" */
	enum mnr_plot_format format;
	unsigned width, height;  /* pixels; 0 = MNR_PLOT_WIDTH / HEIGHT */
};

/*
 * One monthly series (for plot series, released series, small multiples).
 * Rows in strictly increasing month order; months absent from month[] or
 * with y NaN are drawn as gaps (lines are broken there and the missing
 * months are shaded).
 */
struct mnr_plot_series {
	const char *label;       /* legend entry or panel title; NULL = none */
	size_t n;
	const int *month;        /* n month indices */
	const double *y;         /* n values; NaN = missing */
	const double *low;       /* NULL, or n interval bounds (released */
	const double *high;      /*   series: exact interval of the noise) */
	size_t nint;             /* number of intervention months */
	const int *intervention; /* nint month indices (vertical lines) */
};

/*
 * Interrupted time series, one row per month (increasing).  fitted holds
 * the fitted segmented regression (NaN where not fitted); counterfactual
 * and its interval are NaN before the intervention.  segment numbers the
 * segment of each month (0 = before the first intervention); each
 * segment's fitted line is drawn separately, so lines never join across
 * an intervention.
 */
struct mnr_plot_its {
	size_t n;
	const int *month;
	const double *observed;       /* NaN = missing month */
	const double *fitted;         /* may be NULL */
	const double *counterfactual; /* may be NULL */
	const double *cf_low;         /* may be NULL (no band) */
	const double *cf_high;
	const int *segment;           /* may be NULL: derived from interventions */
	size_t nint;
	const int *intervention;      /* month indices of interventions */
	const char *interval_label;   /* e.g. "95% interval"; NULL = that */
};

/*
 * Before/after comparison: n items (metrics or groups), each with an
 * estimate and interval before and after.  Labels may come from data.
 */
struct mnr_plot_before_after {
	size_t n;
	const char *const *label;
	const double *before, *before_low, *before_high;
	const double *after, *after_low, *after_high;  /* NaN = not available */
	double reference;        /* horizontal reference line; NaN = none */
	const char *interval_label;
};

/*
 * Event study: estimates by event time (0 = adoption), pointwise
 * intervals and an optional simultaneous (uniform) band.
 */
struct mnr_plot_event_study {
	size_t n;
	const int *event_time;   /* increasing */
	const double *estimate, *ci_low, *ci_high;
	const double *band_low, *band_high;  /* may be NULL */
	const char *interval_label;          /* "95% pointwise interval" */
	const char *band_label;              /* "95% uniform band" */
};

/*
 * One Kaplan-Meier curve: survival just after each time (increasing), with
 * its pointwise interval and the number censored at that time.  A point
 * (0, 1) is prepended when time[0] > 0.
 */
struct mnr_plot_km_group {
	const char *label;       /* e.g. "before", "after" */
	size_t n;
	const double *time;
	const double *surv;
	const double *lower, *upper;  /* may be NULL */
	const double *censored;       /* may be NULL; > 0 draws a mark */
};

/* Build scripts.  Each returns MNR_OK and sets *script (caller frees with
 * mnr_plot_script_free), or MNR_EINVAL (bad meta or data shape: message
 * names the argument) or MNR_ENOMEM; *script untouched on error. */
int mnr_plot_series_script(const struct mnr_plot_meta *meta,
			   const struct mnr_plot_series *s, char **script,
			   struct mnr_error *err);

/* Same as above for a released series: s->low and s->high required. */
int mnr_plot_released_script(const struct mnr_plot_meta *meta,
			     const struct mnr_plot_series *s, char **script,
			     struct mnr_error *err);

int mnr_plot_its_script(const struct mnr_plot_meta *meta,
			const struct mnr_plot_its *its, char **script,
			struct mnr_error *err);

int mnr_plot_before_after_script(const struct mnr_plot_meta *meta,
				 const struct mnr_plot_before_after *ba,
				 char **script, struct mnr_error *err);

int mnr_plot_event_study_script(const struct mnr_plot_meta *meta,
				const struct mnr_plot_event_study *es,
				char **script, struct mnr_error *err);

/* ngroups 1..8 curves; the median of each (smallest time with
 * S(t) <= 0.5) is marked, or "not reached" is said in the legend. */
int mnr_plot_km_script(const struct mnr_plot_meta *meta,
		       const struct mnr_plot_km_group *g, size_t ngroups,
		       const char *time_unit, char **script,
		       struct mnr_error *err);

/* Small multiples: k panels (1..48) sharing x and y ranges, one metric
 * across countries; s[i].label is the panel title. */
int mnr_plot_multiples_script(const struct mnr_plot_meta *meta,
			      const struct mnr_plot_series *s, size_t k,
			      char **script, struct mnr_error *err);

void mnr_plot_script_free(char *script);

/* Format from the image name's extension (.svg, .png, any case):
 * MNR_OK or MNR_EINVAL. */
int mnr_plot_format_from_path(const char *path, enum mnr_plot_format *fmt,
			      struct mnr_error *err);

/*
 * Path of the script kept next to image: the image path with its
 * extension replaced by ".gp" ("out/fig.svg" -> "out/fig.gp").  Caller
 * frees with mnr_plot_script_free.  MNR_OK or MNR_ENOMEM.
 */
int mnr_plot_script_path(const char *image, char **out,
			 struct mnr_error *err);

/* How gnuplot is started. */
struct mnr_plot_run {
	const char *gnuplot;  /* program name (searched on PATH) or path;
	                         NULL = "gnuplot" */
	int show_stderr;      /* 1 = gnuplot's stderr is inherited; 0 = sent
	                         to /dev/null (it can echo script lines) */
};

/* What happened (optional output of mnr_plot_render). */
struct mnr_plot_status {
	int script_written;   /* the .gp file is in place */
	int gnuplot_missing;  /* gnuplot could not be started (not found) */
	int exit_status;      /* gnuplot's exit status; -1 = not run/signal */
};

/*
 * Write script atomically to script_path (NULL = mnr_plot_script_path of
 * image), then run gnuplot as
 *     gnuplot -e "outfile='<image>.tmp.XXXXXX'" -
 * with the script file as standard input, so the image too appears whole
 * or not at all (renamed into place after gnuplot exits 0 and wrote a
 * non-empty file).  The script stays in place whatever happens after it
 * was written, so it can be run by hand.  Returns MNR_OK; MNR_ECREAT /
 * MNR_EIO (script or image cannot be written); MNR_EPLOT with rule
 * "gnuplot-missing" (could not be started) or "gnuplot-failed" (non-zero
 * exit, killed, or no image).  st may be NULL.
 */
int mnr_plot_render(const char *script, const char *image,
		    const char *script_path, const struct mnr_plot_run *run,
		    struct mnr_plot_status *st, struct mnr_error *err);

/* ---- from files -------------------------------------------------------- */

struct mnr_panel;
struct mnr_adoption;
struct mnr_colmap;

/*
 * One country's series of one metric from a panel (panel.h), with the
 * given intervention months drawn.  The legend names the country.
 * Returns as the builders above, or MNR_EDATA (rule "no-series") when the
 * panel has no such country or metric.
 */
int mnr_plot_panel_series_script(const struct mnr_plot_meta *meta,
				 const struct mnr_panel *p, const char *country,
				 const char *metric, const int *intervention,
				 size_t nint, char **script,
				 struct mnr_error *err);

/*
 * Small multiples of one metric: the countries listed (ncountries 0 = every
 * country of the panel that has the metric), each with its adoption month
 * from adopt (may be NULL) drawn as the intervention.
 */
int mnr_plot_panel_multiples_script(const struct mnr_plot_meta *meta,
				    const struct mnr_panel *p,
				    const char *metric,
				    const char *const *countries,
				    size_t ncountries,
				    const struct mnr_adoption *adopt,
				    char **script, struct mnr_error *err);

/* Chart kinds drawn from a CSV of prepared numbers. */
enum mnr_plot_kind {
	MNR_PLOT_ITS = 0,      /* month,observed[,fitted][,counterfactual]
	                          [,cf_low,cf_high][,segment] */
	MNR_PLOT_RELEASED,     /* month,value,low,high */
	MNR_PLOT_BEFORE_AFTER, /* label,period,estimate,ci_low,ci_high
	                          (period: before | after) */
	MNR_PLOT_EVENT_STUDY,  /* event_time,estimate,ci_low,ci_high
	                          [,band_low,band_high] */
	MNR_PLOT_KM,           /* group,time,surv[,lower,upper][,censored] */
	MNR_PLOT_KIND_N
};

/* "its", "released", "before-after", "event-study", "km". */
const char *mnr_plot_kind_name(enum mnr_plot_kind k);
/* MNR_OK or MNR_EINVAL. */
int mnr_plot_kind_parse(const char *name, enum mnr_plot_kind *k);

/* Options for mnr_plot_csv_script; zero-initialise, then set. */
struct mnr_plot_csv_options {
	const struct mnr_colmap *map; /* --col mapping, may be NULL */
	const int *intervention;      /* its: months; NULL = from segment */
	size_t nint;
	const char *time_unit;        /* km: e.g. "hours" */
	double reference;             /* before-after reference line; NaN or
	                                 0-initialised = none (set NAN) */
	int has_reference;            /* 1 = draw reference */
};

/*
 * Read a CSV of prepared numbers for chart kind k (columns above; extra
 * columns are ignored; empty numeric cells are missing values) and build
 * its script.  Months are YYYY-MM; rows must be in increasing month /
 * event time / time (per group) order.  Returns MNR_OK, MNR_ENOINPUT,
 * MNR_EPARSE, MNR_EDATA (located: file, line, column, rule), MNR_EINVAL,
 * MNR_ENOMEM.
 */
int mnr_plot_csv_script(enum mnr_plot_kind k, const char *path,
			const struct mnr_plot_meta *meta,
			const struct mnr_plot_csv_options *opt,
			char **script, struct mnr_error *err);

#endif
