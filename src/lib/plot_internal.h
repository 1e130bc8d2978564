/*
 * Private helpers of the plot module: a growing text buffer for gnuplot
 * scripts, safe string quoting, number formatting and the parts every
 * chart shares (terminal, palette, titles, provenance line).
 */
#ifndef MNR_PLOT_INTERNAL_H
#define MNR_PLOT_INTERNAL_H

#include <stddef.h>

#include "mnrstat/plot.h"

struct mnr__gp {
	char *s;
	size_t len, cap;
	int oom;              /* sticky: an append failed */
};

void mnr__gp_printf(struct mnr__gp *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void mnr__gp_puts(struct mnr__gp *b, const char *s);
/* s as a single-quoted gnuplot string ('' doubles a quote; control
 * characters become spaces); NULL is written as ''. */
void mnr__gp_quote(struct mnr__gp *b, const char *s);
/* As above for a tic label (a format string): % doubled too. */
void mnr__gp_quote_format(struct mnr__gp *b, const char *s);
/* Shortest %g form that reads back exactly; NaN/inf as NaN. */
void mnr__gp_num(struct mnr__gp *b, double v);
/* YYYY-MM of a month index. */
void mnr__gp_month(struct mnr__gp *b, int month);
/* x coordinate expression of the boundary before month m (half a month
 * before its first day), e.g. strptime('%Y-%m','2020-03') - 15*86400. */
void mnr__gp_month_boundary(struct mnr__gp *b, int month);

/* Effective size. */
void mnr__gp_size(const struct mnr_plot_meta *m, unsigned *w, unsigned *h);

/*
 * Header comment, output/terminal lines, palette, title, axis labels and
 * the caption/provenance labels at the bottom (bottom margin reserved).
 * height overrides meta's (0 = meta's).  kind names the chart in the
 * header comment.
 */
void mnr__gp_preamble(struct mnr__gp *b, const struct mnr_plot_meta *m,
		      const char *kind, unsigned height);

/* Validate meta (title present); MNR_EINVAL otherwise. */
int mnr__gp_check_meta(const struct mnr_plot_meta *m, struct mnr_error *err);

/* Hand the text over (MNR_ENOMEM if any append failed). */
int mnr__gp_finish(struct mnr__gp *b, char **script, struct mnr_error *err);
void mnr__gp_release(struct mnr__gp *b);

/* Month-axis settings (time axis over YYYY-MM) for months lo..hi; tics
 * at least min_step months apart (narrow panels need fewer). */
void mnr__gp_month_axis(struct mnr__gp *b, int lo, int hi, int min_step);

/* Shade runs of missing months in [lo, hi] (missing[i] for month lo+i). */
void mnr__gp_shade_missing(struct mnr__gp *b, int lo, const unsigned char
			   *missing, size_t n, int obj_base);

#endif
