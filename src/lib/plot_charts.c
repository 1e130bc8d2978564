/*
 * Plot module (library layer): one script builder per chart kind.  Each
 * takes plain arrays, writes the data as inline datablocks and the style
 * around them; nothing here runs gnuplot.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_internal.h"
#include "mnrstat/fields.h"
#include "mnrstat/plot.h"
#include "plot_internal.h"
#include "banned.h"

/* ---- checks ---------------------------------------------------------- */

static int check_months(const int *month, size_t n, const char *what,
			struct mnr_error *err)
{
	size_t i;

	if (n == 0 || !month)
		return mnr_error_set(err, MNR_EINVAL, "%s: no rows", what);
	for (i = 0; i < n; i++) {
		if (month[i] < 1000 * 12 || month[i] > 9999 * 12 + 11)
			return mnr_error_set(err, MNR_EINVAL,
					     "%s: row %zu: month out of range",
					     what, i + 1);
		if (i && month[i] <= month[i - 1])
			return mnr_error_set(err, MNR_EINVAL,
					     "%s: row %zu: months not increasing",
					     what, i + 1);
	}
	return MNR_OK;
}

static int check_series(const struct mnr_plot_series *s, const char *what,
			struct mnr_error *err)
{
	size_t i;
	int rc;

	if (!s || !s->y)
		return mnr_error_set(err, MNR_EINVAL, "%s: no values", what);
	rc = check_months(s->month, s->n, what, err);
	if (rc != MNR_OK)
		return rc;
	if ((s->low == NULL) != (s->high == NULL))
		return mnr_error_set(err, MNR_EINVAL,
				     "%s: interval needs both bounds", what);
	if (s->nint && !s->intervention)
		return mnr_error_set(err, MNR_EINVAL,
				     "%s: intervention months missing", what);
	for (i = 0; i < s->nint; i++)
		if (s->intervention[i] < 1000 * 12 ||
		    s->intervention[i] > 9999 * 12 + 11)
			return mnr_error_set(err, MNR_EINVAL,
					     "%s: intervention month out of range",
					     what);
	return MNR_OK;
}

/* ---- pieces ---------------------------------------------------------- */

static double val(const double *a, size_t i)
{
	return a ? a[i] : NAN;
}

/* " v[0] v[1] ... v[k-1]": numbers of one data-block row, each after a space. */
static void row_nums(struct mnr__gp *b, const double *v, size_t k)
{
	size_t j;

	for (j = 0; j < k; j++) {
		mnr__gp_puts(b, " ");
		mnr__gp_num(b, v[j]);
	}
}

/*
 * Datablock of a monthly series over every month lo..hi: months absent
 * from s->month get NaN rows, so that lines break there.  Columns:
 * month value [low high].  missing[k] (may be NULL) is set for month
 * lo+k without a value.
 */
static void series_block(struct mnr__gp *b, const char *name,
			 const struct mnr_plot_series *s, int lo, int hi,
			 unsigned char *missing)
{
	size_t j = 0;
	int m;

	mnr__gp_printf(b, "%s << EOD\n", name);
	mnr__gp_puts(b, s->low ? "# month value low high\n" : "# month value\n");
	for (m = lo; m <= hi; m++) {
		double y = NAN, l = NAN, h = NAN;

		while (j < s->n && s->month[j] < m)
			j++;
		if (j < s->n && s->month[j] == m) {
			y = s->y[j];
			l = val(s->low, j);
			h = val(s->high, j);
		}
		if (missing)
			missing[m - lo] = !isfinite(y);
		mnr__gp_month(b, m);
		mnr__gp_puts(b, " ");
		mnr__gp_num(b, y);
		if (s->low) {
			mnr__gp_puts(b, " ");
			mnr__gp_num(b, l);
			mnr__gp_puts(b, " ");
			mnr__gp_num(b, h);
		}
		mnr__gp_puts(b, "\n");
	}
	mnr__gp_puts(b, "EOD\n\n");
}

static void interventions(struct mnr__gp *b, const int *iv, size_t n,
			  int arrow_base)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char lab[48], mon[16];

		mnr_month_format(iv[i], mon, sizeof(mon));
		snprintf(lab, sizeof(lab), " intervention %s", mon);
		mnr__gp_printf(b, "set arrow %zu from ", arrow_base + i);
		mnr__gp_month_boundary(b, iv[i]);
		mnr__gp_puts(b, ", graph 0 to ");
		mnr__gp_month_boundary(b, iv[i]);
		mnr__gp_puts(b, ", graph 1 nohead lc rgb black lw 1.5 dt 2 front\n");
		mnr__gp_printf(b, "set label %zu ", arrow_base + i);
		mnr__gp_quote(b, lab);
		mnr__gp_puts(b, " at ");
		mnr__gp_month_boundary(b, iv[i]);
		mnr__gp_printf(b, ", graph %.2f left font ',10' front\n",
			       0.04 + 0.05 * (double)(i % 4));
	}
}

/* y range from 0 when every value is >= 0 (counts, rates): a truncated
 * axis exaggerates changes. */
static void yrange_from_zero(struct mnr__gp *b, const double *const *cols,
			     size_t ncols, size_t n)
{
	size_t c, i;

	for (c = 0; c < ncols; c++) {
		if (!cols[c])
			continue;
		for (i = 0; i < n; i++)
			if (isfinite(cols[c][i]) && cols[c][i] < 0)
				return;
	}
	mnr__gp_puts(b, "set yrange [0:*]\n");
}

static int any_missing(const unsigned char *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (m[i])
			return 1;
	return 0;
}

static const char *missing_key =
	"keyentry with boxes fc rgb '#e8e8e8' fs solid 1.0 border lc rgb grey "
	"title 'month without data'";

/* ---- series and released series -------------------------------------- */

static int series_like(const struct mnr_plot_meta *meta,
		       const struct mnr_plot_series *s, int released,
		       char **script, struct mnr_error *err)
{
	struct mnr__gp b = { 0 };
	unsigned char *missing;
	int lo, hi, rc;
	const double *cols[3];

	rc = mnr__gp_check_meta(meta, err);
	if (rc == MNR_OK)
		rc = check_series(s, released ? "released series" : "series", err);
	if (rc != MNR_OK)
		return rc;
	if (released && !s->low)
		return mnr_error_set(err, MNR_EINVAL,
				     "released series: interval bounds required");
	lo = s->month[0];
	hi = s->month[s->n - 1];
	missing = mnr__calloc((size_t)(hi - lo + 1), 1);
	if (!missing)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	mnr__gp_preamble(&b, meta, released ?
			 "Released (noisy) monthly series with exact intervals" :
			 "Monthly series", 0);
	series_block(&b, "$series", s, lo, hi, missing);
	mnr__gp_month_axis(&b, lo, hi, 1);
	cols[0] = s->y;
	cols[1] = s->low;
	cols[2] = s->high;
	yrange_from_zero(&b, cols, 3, s->n);
	interventions(&b, s->intervention, s->nint, 1);
	mnr__gp_shade_missing(&b, lo, missing, (size_t)(hi - lo + 1), 1);
	mnr__gp_puts(&b, "\nplot ");
	if (released) {
		mnr__gp_puts(&b, "$series using 1:2:3:4 with yerrorbars lt 1 "
			     "pt 7 ps 0.7 title 'exact interval of the noise', \\\n"
			     "     $series using 1:2 with lines lt 1 lw 1.5 title ");
	} else {
		mnr__gp_puts(&b, "$series using 1:2 with linespoints lt 1 "
			     "lw 1.5 ps 0.6 title ");
	}
	mnr__gp_quote(&b, s->label ? s->label :
		      released ? "released value" : "observed");
	if (any_missing(missing, (size_t)(hi - lo + 1))) {
		mnr__gp_puts(&b, ", \\\n     ");
		mnr__gp_puts(&b, missing_key);
	}
	mnr__gp_puts(&b, "\n");
	mnr__free(missing);
	return mnr__gp_finish(&b, script, err);
}

int mnr_plot_series_script(const struct mnr_plot_meta *meta,
			   const struct mnr_plot_series *s, char **script,
			   struct mnr_error *err)
{
	return series_like(meta, s, 0, script, err);
}

int mnr_plot_released_script(const struct mnr_plot_meta *meta,
			     const struct mnr_plot_series *s, char **script,
			     struct mnr_error *err)
{
	return series_like(meta, s, 1, script, err);
}

/* ---- interrupted time series ---------------------------------------- */

int mnr_plot_its_script(const struct mnr_plot_meta *meta,
			const struct mnr_plot_its *its, char **script,
			struct mnr_error *err)
{
	struct mnr__gp b = { 0 };
	struct mnr_plot_series obs;
	unsigned char *missing;
	int lo, hi, rc, prev_seg = -1, has_post = 0, has_band = 0, has_cf = 0;
	size_t i, k;
	const double *cols[5];

	rc = mnr__gp_check_meta(meta, err);
	if (rc != MNR_OK)
		return rc;
	if (!its || !its->observed)
		return mnr_error_set(err, MNR_EINVAL, "its: no observed values");
	rc = check_months(its->month, its->n, "its", err);
	if (rc != MNR_OK)
		return rc;
	if ((its->cf_low == NULL) != (its->cf_high == NULL))
		return mnr_error_set(err, MNR_EINVAL,
				     "its: interval needs both bounds");
	if (its->nint && !its->intervention)
		return mnr_error_set(err, MNR_EINVAL,
				     "its: intervention months missing");
	memset(&obs, 0, sizeof(obs));
	obs.n = its->n;
	obs.month = its->month;
	obs.y = its->observed;
	lo = its->month[0];
	hi = its->month[its->n - 1];
	missing = mnr__calloc((size_t)(hi - lo + 1), 1);
	if (!missing)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");

	mnr__gp_preamble(&b, meta, "Interrupted time series", 0);
	series_block(&b, "$observed", &obs, lo, hi, missing);
	/* Fitted values: one block per segment (a blank line starts a new
	 * curve in gnuplot), so fitted lines never join across an
	 * intervention.  Columns: month fitted counterfactual cf_low cf_high
	 * segment. */
	mnr__gp_puts(&b, "$fit << EOD\n"
		     "# month fitted counterfactual cf_low cf_high segment\n");
	for (i = 0; i < its->n; i++) {
		int seg;

		if (its->segment) {
			seg = its->segment[i];
		} else {
			seg = 0;
			for (k = 0; k < its->nint; k++)
				if (its->month[i] >= its->intervention[k])
					seg++;
		}
		if (prev_seg >= 0 && seg != prev_seg)
			mnr__gp_puts(&b, "\n");
		prev_seg = seg;
		if (seg > 0)
			has_post = 1;
		if (isfinite(val(its->counterfactual, i)))
			has_cf = 1;
		if (isfinite(val(its->cf_low, i)) && isfinite(val(its->cf_high, i)))
			has_band = 1;
		mnr__gp_month(&b, its->month[i]);
		row_nums(&b, (const double[]){ val(its->fitted, i),
			 val(its->counterfactual, i), val(its->cf_low, i),
			 val(its->cf_high, i) }, 4);
		mnr__gp_printf(&b, " %d\n", seg);
	}
	mnr__gp_puts(&b, "EOD\n\n");
	mnr__gp_month_axis(&b, lo, hi, 1);
	cols[0] = its->observed;
	cols[1] = its->fitted;
	cols[2] = its->counterfactual;
	cols[3] = its->cf_low;
	cols[4] = its->cf_high;
	yrange_from_zero(&b, cols, 5, its->n);
	interventions(&b, its->intervention, its->nint, 1);
	mnr__gp_shade_missing(&b, lo, missing, (size_t)(hi - lo + 1), 1);
	mnr__gp_puts(&b, "\nplot ");
	if (has_band) {
		mnr__gp_puts(&b, "$fit using 1:4:5 with filledcurves "
			     "fc rgb skyblue fs transparent solid 0.35 noborder title ");
		{
			char t[128];

			snprintf(t, sizeof(t), "counterfactual %s",
				 its->interval_label ? its->interval_label :
				 "95% interval");
			mnr__gp_quote(&b, t);
		}
		mnr__gp_puts(&b, ", \\\n     ");
	}
	if (has_cf)
		mnr__gp_puts(&b, "$fit using 1:3 with lines lc rgb blue lw 2 dt 2 "
			     "title 'counterfactual (trend before continued)', \\\n     ");
	mnr__gp_puts(&b, "$fit using 1:($6 == 0 ? $2 : NaN) with lines lt 1 "
		     "lw 2.5 title 'fitted before', \\\n     ");
	if (has_post)
		mnr__gp_puts(&b, "$fit using 1:($6 > 0 ? $2 : NaN) with lines lt 2 "
			     "lw 2.5 title 'fitted after', \\\n     ");
	mnr__gp_puts(&b, "$observed using 1:2 with points pt 7 ps 0.7 "
		     "lc rgb black title 'observed'");
	if (any_missing(missing, (size_t)(hi - lo + 1))) {
		mnr__gp_puts(&b, ", \\\n     ");
		mnr__gp_puts(&b, missing_key);
	}
	mnr__gp_puts(&b, "\n");
	mnr__free(missing);
	return mnr__gp_finish(&b, script, err);
}

/* ---- before / after -------------------------------------------------- */

int mnr_plot_before_after_script(const struct mnr_plot_meta *meta,
				 const struct mnr_plot_before_after *ba,
				 char **script, struct mnr_error *err)
{
	struct mnr__gp b = { 0 };
	size_t i;
	int rc, has_after = 0;
	const double *cols[6];
	char t[160];

	rc = mnr__gp_check_meta(meta, err);
	if (rc != MNR_OK)
		return rc;
	if (!ba || ba->n == 0 || !ba->before || !ba->before_low ||
	    !ba->before_high || !ba->after || !ba->after_low ||
	    !ba->after_high || !ba->label)
		return mnr_error_set(err, MNR_EINVAL,
				     "before/after: estimates, intervals and labels required");
	if (ba->n > 40)
		return mnr_error_set(err, MNR_EINVAL,
				     "before/after: at most 40 items");
	mnr__gp_preamble(&b, meta, "Before/after comparison with intervals", 0);
	mnr__gp_puts(&b, "$ba << EOD\n"
		     "# item before before_low before_high after after_low after_high\n");
	for (i = 0; i < ba->n; i++) {
		mnr__gp_printf(&b, "%zu", i + 1);
		row_nums(&b, (const double[]){ ba->before[i], ba->before_low[i],
			 ba->before_high[i], ba->after[i], ba->after_low[i],
			 ba->after_high[i] }, 6);
		mnr__gp_puts(&b, "\n");
		if (isfinite(ba->after[i]))
			has_after = 1;
	}
	mnr__gp_puts(&b, "EOD\n\n");
	mnr__gp_printf(&b, "set xrange [0.4:%zu.6]\n", ba->n);
	mnr__gp_puts(&b, "set xtics (");
	for (i = 0; i < ba->n; i++) {
		if (i)
			mnr__gp_puts(&b, ", ");
		mnr__gp_quote_format(&b, ba->label[i]);
		mnr__gp_printf(&b, " %zu", i + 1);
	}
	mnr__gp_puts(&b, ")\n");
	if (ba->n > 4)
		mnr__gp_puts(&b, "set xtics rotate by -30\n");
	cols[0] = ba->before;
	cols[1] = ba->before_low;
	cols[2] = ba->before_high;
	cols[3] = ba->after;
	cols[4] = ba->after_low;
	cols[5] = ba->after_high;
	yrange_from_zero(&b, cols, 6, ba->n);
	if (isfinite(ba->reference)) {
		mnr__gp_puts(&b, "set arrow 1 from graph 0, first ");
		mnr__gp_num(&b, ba->reference);
		mnr__gp_puts(&b, " to graph 1, first ");
		mnr__gp_num(&b, ba->reference);
		mnr__gp_puts(&b, " nohead lc rgb grey lw 1 dt 2 back\n");
	}
	mnr__gp_puts(&b, "set bars 2\n");
	snprintf(t, sizeof(t), "before (%s)",
		 ba->interval_label ? ba->interval_label : "95% interval");
	mnr__gp_puts(&b, "\nplot $ba using ($1 - 0.12):2:3:4 with yerrorbars "
		     "lt 1 lw 2 pt 7 ps 1.2 title ");
	mnr__gp_quote(&b, t);
	if (has_after) {
		snprintf(t, sizeof(t), "after (%s)",
			 ba->interval_label ? ba->interval_label :
			 "95% interval");
		mnr__gp_puts(&b, ", \\\n     $ba using ($1 + 0.12):5:6:7 "
			     "with yerrorbars lt 2 lw 2 pt 5 ps 1.2 title ");
		mnr__gp_quote(&b, t);
	}
	/* The estimates written beside their markers. */
	mnr__gp_puts(&b, ", \\\n     $ba using ($1 - 0.12):2:(sprintf('%.3g', $2)) "
		     "with labels right offset -1,0 font ',9' tc rgb blue notitle");
	if (has_after)
		mnr__gp_puts(&b, ", \\\n     $ba using ($1 + 0.12):5:(sprintf('%.3g', $5)) "
			     "with labels left offset 1,0 font ',9' tc rgb vermillion notitle");
	mnr__gp_puts(&b, "\n");
	return mnr__gp_finish(&b, script, err);
}

/* ---- event study ----------------------------------------------------- */

int mnr_plot_event_study_script(const struct mnr_plot_meta *meta,
				const struct mnr_plot_event_study *es,
				char **script, struct mnr_error *err)
{
	struct mnr__gp b = { 0 };
	size_t i;
	int rc, has_band = 0, has_pre = 0, has_post = 0;
	char t[160];

	rc = mnr__gp_check_meta(meta, err);
	if (rc != MNR_OK)
		return rc;
	if (!es || es->n == 0 || !es->event_time || !es->estimate ||
	    !es->ci_low || !es->ci_high)
		return mnr_error_set(err, MNR_EINVAL,
				     "event study: estimates and intervals required");
	if ((es->band_low == NULL) != (es->band_high == NULL))
		return mnr_error_set(err, MNR_EINVAL,
				     "event study: band needs both bounds");
	for (i = 1; i < es->n; i++)
		if (es->event_time[i] <= es->event_time[i - 1])
			return mnr_error_set(err, MNR_EINVAL,
					     "event study: row %zu: event times not increasing",
					     i + 1);
	mnr__gp_preamble(&b, meta, "Event study", 0);
	mnr__gp_puts(&b, "$es << EOD\n"
		     "# event_time estimate ci_low ci_high band_low band_high\n");
	for (i = 0; i < es->n; i++) {
		mnr__gp_printf(&b, "%d", es->event_time[i]);
		row_nums(&b, (const double[]){ es->estimate[i], es->ci_low[i],
			 es->ci_high[i], val(es->band_low, i),
			 val(es->band_high, i) }, 5);
		mnr__gp_puts(&b, "\n");
		if (isfinite(val(es->band_low, i)))
			has_band = 1;
		if (es->event_time[i] < 0)
			has_pre = 1;
		else
			has_post = 1;
	}
	mnr__gp_puts(&b, "EOD\n\n");
	mnr__gp_printf(&b, "set xrange [%g:%g]\n",
		       es->event_time[0] - 0.8,
		       es->event_time[es->n - 1] + 0.8);
	if (es->event_time[es->n - 1] - es->event_time[0] <= 24)
		mnr__gp_puts(&b, "set xtics 1\n");
	/* Zero line: no effect.  Adoption: event time 0 is the first
	 * period under the MNR, so the line sits just before it. */
	mnr__gp_puts(&b,
		"set arrow 1 from graph 0, first 0 to graph 1, first 0 nohead "
		"lc rgb grey lw 1 back\n"
		"set arrow 2 from first -0.5, graph 0 to first -0.5, graph 1 "
		"nohead lc rgb black lw 1.5 dt 2 front\n"
		"set label 2 ' adoption (event time 0 = first period under the MNR)' "
		"at first -0.5, graph 0.04 left font ',10' front\n"
		"set bars 1.5\n");
	mnr__gp_puts(&b, "\nplot ");
	if (has_band) {
		mnr__gp_puts(&b, "$es using 1:5:6 with filledcurves fc rgb skyblue "
			     "fs transparent solid 0.35 noborder title ");
		mnr__gp_quote(&b, es->band_label ? es->band_label :
			      "95% uniform band");
		mnr__gp_puts(&b, ", \\\n     ");
	}
	mnr__gp_puts(&b, "$es using 1:2 with lines lc rgb grey lw 1 notitle");
	if (has_pre) {
		snprintf(t, sizeof(t), "before adoption, %s",
			 es->interval_label ? es->interval_label :
			 "95% pointwise interval");
		mnr__gp_puts(&b, ", \\\n     $es using ($1 < 0 ? $1 : NaN):2:3:4 "
			     "with yerrorbars lt 1 lw 2 pt 7 ps 1 title ");
		mnr__gp_quote(&b, t);
	}
	if (has_post) {
		snprintf(t, sizeof(t), "after adoption, %s",
			 es->interval_label ? es->interval_label :
			 "95% pointwise interval");
		mnr__gp_puts(&b, ", \\\n     $es using ($1 >= 0 ? $1 : NaN):2:3:4 "
			     "with yerrorbars lt 2 lw 2 pt 5 ps 1 title ");
		mnr__gp_quote(&b, t);
	}
	mnr__gp_puts(&b, "\n");
	return mnr__gp_finish(&b, script, err);
}

/* ---- Kaplan-Meier ---------------------------------------------------- */

/* Median survival: smallest time with S(t) <= 0.5 (the convention of R's
 * survfit print method); NaN when the curve never reaches 0.5. */
static double km_median(const struct mnr_plot_km_group *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (isfinite(g->surv[i]) && g->surv[i] <= 0.5)
			return g->time[i];
	return NAN;
}

int mnr_plot_km_script(const struct mnr_plot_meta *meta,
		       const struct mnr_plot_km_group *g, size_t ngroups,
		       const char *time_unit, char **script,
		       struct mnr_error *err)
{
	struct mnr__gp b = { 0 };
	size_t k, i;
	int rc, any_cens = 0, any_ci = 0;
	double tmax = 0;

	rc = mnr__gp_check_meta(meta, err);
	if (rc != MNR_OK)
		return rc;
	if (!g || ngroups == 0 || ngroups > 8)
		return mnr_error_set(err, MNR_EINVAL,
				     "km: between 1 and 8 curves");
	for (k = 0; k < ngroups; k++) {
		if (g[k].n == 0 || !g[k].time || !g[k].surv)
			return mnr_error_set(err, MNR_EINVAL,
					     "km: curve %zu has no points", k + 1);
		if ((g[k].lower == NULL) != (g[k].upper == NULL))
			return mnr_error_set(err, MNR_EINVAL,
					     "km: curve %zu: interval needs both bounds",
					     k + 1);
		for (i = 0; i < g[k].n; i++) {
			if (!isfinite(g[k].time[i]) || g[k].time[i] < 0 ||
			    (i && g[k].time[i] < g[k].time[i - 1]))
				return mnr_error_set(err, MNR_EINVAL,
						     "km: curve %zu row %zu: times must be "
						     "non-negative and increasing", k + 1, i + 1);
			if (!isfinite(g[k].surv[i]) || g[k].surv[i] < 0 ||
			    g[k].surv[i] > 1)
				return mnr_error_set(err, MNR_EINVAL,
						     "km: curve %zu row %zu: survival "
						     "outside [0, 1]", k + 1, i + 1);
			if (g[k].time[i] > tmax)
				tmax = g[k].time[i];
		}
	}
	mnr__gp_preamble(&b, meta, "Kaplan-Meier curves", 0);
	for (k = 0; k < ngroups; k++) {
		mnr__gp_printf(&b, "$km%zu << EOD\n"
			       "# time surv lower upper censored\n", k + 1);
		if (g[k].time[0] > 0)
			mnr__gp_puts(&b, "0 1 1 1 0\n");
		for (i = 0; i < g[k].n; i++) {
			double c = val(g[k].censored, i);

			mnr__gp_num(&b, g[k].time[i]);
			row_nums(&b, (const double[]){ g[k].surv[i],
				 val(g[k].lower, i), val(g[k].upper, i),
				 isfinite(c) ? c : 0 }, 4);
			mnr__gp_puts(&b, "\n");
			if (isfinite(c) && c > 0)
				any_cens = 1;
			if (isfinite(val(g[k].lower, i)))
				any_ci = 1;
		}
		mnr__gp_puts(&b, "EOD\n\n");
	}
	mnr__gp_puts(&b, "set offsets 0, 0, 0, 0\n"
		     "set yrange [0:1.05]\nset ytics 0.25\n"
		     "set xrange [0:*]\n"
		     "set key inside top right vertical reverse Left box "
		     "lc rgb '#cccccc' opaque width 1\n");
	/* Median lines: dotted from the 0.5 level down to the axis. */
	for (k = 0; k < ngroups; k++) {
		double med = km_median(&g[k]);

		if (!isfinite(med))
			continue;
		mnr__gp_printf(&b, "set arrow %zu from first 0, first 0.5 to first ",
			       k * 2 + 1);
		mnr__gp_num(&b, med);
		mnr__gp_printf(&b, ", first 0.5 nohead lc rgb grey dt 3 lw 1 back\n"
			       "set arrow %zu from first ", k * 2 + 2);
		mnr__gp_num(&b, med);
		mnr__gp_puts(&b, ", first 0.5 to first ");
		mnr__gp_num(&b, med);
		mnr__gp_printf(&b, ", first 0 nohead lt %zu dt 3 lw 1.5 back\n",
			       k + 1);
	}
	mnr__gp_puts(&b, "\nplot ");
	for (k = 0; k < ngroups; k++) {
		double med = km_median(&g[k]);
		char t[160], m[48];

		if (isfinite(med))
			snprintf(m, sizeof(m), "%.4g", med);
		if (k)
			mnr__gp_puts(&b, ", \\\n     ");
		snprintf(t, sizeof(t), "%s (median %s%s%s)",
			 g[k].label ? g[k].label : "group",
			 isfinite(med) ? m : "not reached",
			 isfinite(med) && time_unit ? " " : "",
			 isfinite(med) && time_unit ? time_unit : "");
		mnr__gp_printf(&b, "$km%zu using 1:2 with steps lt %zu lw 2.5 title ",
			       k + 1, k + 1);
		mnr__gp_quote(&b, t);
		if (g[k].lower)
			mnr__gp_printf(&b, ", \\\n     $km%zu using 1:3 with steps lt %zu "
				       "lw 1 dt 2 notitle, \\\n     $km%zu using 1:4 "
				       "with steps lt %zu lw 1 dt 2 notitle",
				       k + 1, k + 1, k + 1, k + 1);
		if (g[k].censored)
			mnr__gp_printf(&b, ", \\\n     $km%zu using 1:($5 > 0 ? $2 : NaN) "
				       "with points lt %zu pt 1 ps 1.2 notitle",
				       k + 1, k + 1);
	}
	if (any_ci)
		mnr__gp_puts(&b, ", \\\n     keyentry with lines lc rgb grey lw 1 dt 2 "
			     "title 'pointwise interval'");
	if (any_cens)
		mnr__gp_puts(&b, ", \\\n     keyentry with points lc rgb black pt 1 "
			     "ps 1.2 title 'censored (not yet removed)'");
	mnr__gp_puts(&b, ", \\\n     keyentry with lines lc rgb grey lw 1 dt 3 "
		     "title 'median'\n");
	(void)tmax;
	return mnr__gp_finish(&b, script, err);
}

/* ---- small multiples ------------------------------------------------- */

int mnr_plot_multiples_script(const struct mnr_plot_meta *meta,
			      const struct mnr_plot_series *s, size_t k,
			      char **script, struct mnr_error *err)
{
	struct mnr__gp b = { 0 };
	size_t i, cols, rows, c;
	int lo = 0, hi = 0, rc, anyneg = 0, anymiss = 0, anyint = 0;
	double ymax = -INFINITY, ymin = INFINITY;
	unsigned w, h, hh;
	unsigned char **missing;
	double bottom, top;
	size_t ncap = 0;
	const char *p;

	rc = mnr__gp_check_meta(meta, err);
	if (rc != MNR_OK)
		return rc;
	if (!s || k == 0 || k > 48)
		return mnr_error_set(err, MNR_EINVAL,
				     "multiples: between 1 and 48 panels");
	for (i = 0; i < k; i++) {
		rc = check_series(&s[i], "multiples", err);
		if (rc != MNR_OK)
			return rc;
		if (i == 0 || s[i].month[0] < lo)
			lo = s[i].month[0];
		if (i == 0 || s[i].month[s[i].n - 1] > hi)
			hi = s[i].month[s[i].n - 1];
		for (c = 0; c < s[i].n; c++) {
			if (!isfinite(s[i].y[c]))
				continue;
			if (s[i].y[c] > ymax)
				ymax = s[i].y[c];
			if (s[i].y[c] < ymin)
				ymin = s[i].y[c];
			if (s[i].y[c] < 0)
				anyneg = 1;
		}
		if (s[i].nint)
			anyint = 1;
	}
	cols = k == 1 ? 1 : k <= 4 ? 2 : 3;
	rows = (k + cols - 1) / cols;
	mnr__gp_size(meta, &w, &h);
	for (p = meta->caption; p && *p; p++)
		if (*p == '\n')
			ncap++;
	if (meta->caption && *meta->caption)
		ncap += 1 + strlen(meta->caption) / (w / 7);
	hh = meta->height ? meta->height :
		(unsigned)(rows * 200 + 150 + ncap * 15);
	missing = mnr__calloc(k, sizeof(*missing));
	if (!missing)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	for (i = 0; i < k; i++) {
		missing[i] = mnr__calloc((size_t)(hi - lo + 1), 1);
		if (!missing[i]) {
			rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
			goto out;
		}
	}
	mnr__gp_preamble(&b, meta, "Small multiples: one metric across countries",
			 hh);
	for (i = 0; i < k; i++) {
		char name[24];

		snprintf(name, sizeof(name), "$s%zu", i + 1);
		series_block(&b, name, &s[i], lo, hi, missing[i]);
		if (any_missing(missing[i], (size_t)(hi - lo + 1)))
			anymiss = 1;
	}
	/* One layout for every panel, shared axes: comparing panels is the
	 * point of small multiples (Tufte), so they must share scales. */
	bottom = ((double)(ncap + 1) * 15.0 + 40.0) / hh;
	top = 1.0 - (meta->subtitle || anyint || anymiss ? 88.0 : 62.0) / hh;
	mnr__gp_month_axis(&b, lo, hi, cols > 1 ? 12 : 1);
	if (!isfinite(ymax))
		ymax = 1;
	mnr__gp_puts(&b, "set yrange [");
	if (anyneg)
		mnr__gp_num(&b, ymin);
	else
		mnr__gp_puts(&b, "0");
	mnr__gp_puts(&b, ":");
	mnr__gp_num(&b, ymax > 0 ? ymax * 1.08 : 1);
	mnr__gp_puts(&b, "]\nset key off\nset offsets 0, 0, 0, 0\nunset xlabel\n"
		     "set xtics font ',9'\nset ytics font ',9'\n");
	mnr__gp_puts(&b, "set multiplot layout ");
	mnr__gp_printf(&b, "%zu,%zu title ", rows, cols);
	mnr__gp_quote(&b, meta->title);
	{
		struct mnr__gp sub = { 0 };

		if (meta->subtitle && *meta->subtitle)
			mnr__gp_puts(&sub, meta->subtitle);
		if (anyint || anymiss) {
			if (sub.len)
				mnr__gp_puts(&sub, " \xe2\x80\x94 ");
			if (anyint)
				mnr__gp_puts(&sub, "dashed line: intervention");
			if (anyint && anymiss)
				mnr__gp_puts(&sub, "; ");
			if (anymiss)
				mnr__gp_puts(&sub, "grey band: month without data");
		}
		if (sub.len && !sub.oom) {
			mnr__gp_puts(&b, ".\"\\n\".");
			mnr__gp_quote(&b, sub.s);
		}
		if (sub.oom)
			b.oom = 1;
		mnr__gp_release(&sub);
	}
	mnr__gp_printf(&b, " font ',14' margins screen 0.09, screen 0.98, "
		       "screen %.3f, screen %.3f spacing screen 0.05, screen %.3f\n",
		       bottom, top, rows > 1 ? 62.0 / hh : 0.05);
	mnr__gp_puts(&b, "unset title\n");
	for (i = 0; i < k; i++) {
		mnr__gp_printf(&b, "\n# panel %zu\n", i + 1);
		if (i == 1)
			mnr__gp_puts(&b, "unset label 8999\n"
				     "do for [l = 9000:9011] { unset label l }\n");
		mnr__gp_puts(&b, "unset arrow\nunset object\n");
		if (i % cols == 0 && meta->ylabel) {
			mnr__gp_puts(&b, "set ylabel ");
			mnr__gp_quote(&b, meta->ylabel);
			mnr__gp_puts(&b, " font ',10'\n");
		} else {
			mnr__gp_puts(&b, "unset ylabel\n");
		}
		mnr__gp_puts(&b, "set title ");
		mnr__gp_quote(&b, s[i].label ? s[i].label : "");
		mnr__gp_puts(&b, " font ',11'\n");
		for (c = 0; c < s[i].nint; c++) {
			mnr__gp_printf(&b, "set arrow %zu from ", c + 1);
			mnr__gp_month_boundary(&b, s[i].intervention[c]);
			mnr__gp_puts(&b, ", graph 0 to ");
			mnr__gp_month_boundary(&b, s[i].intervention[c]);
			mnr__gp_puts(&b, ", graph 1 nohead lc rgb black lw 1.2 dt 2 front\n");
		}
		mnr__gp_shade_missing(&b, lo, missing[i], (size_t)(hi - lo + 1), 1);
		mnr__gp_printf(&b, "plot $s%zu using 1:2 with lines lt 1 lw 1.8 notitle\n",
			       i + 1);
	}
	mnr__gp_puts(&b, "unset multiplot\n");
	rc = MNR_OK;
out:
	for (i = 0; i < k; i++)
		mnr__free(missing[i]);
	mnr__free(missing);
	if (rc != MNR_OK) {
		mnr__gp_release(&b);
		return rc;
	}
	return mnr__gp_finish(&b, script, err);
}
