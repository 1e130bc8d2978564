/*
 * Plot module (library layer): charts from files.  Reads the small CSVs
 * of prepared numbers that analysis commands write (one layout per chart
 * kind) and panels, and hands plain arrays to the script builders.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_internal.h"
#include "mnrstat/csv.h"
#include "mnrstat/fields.h"
#include "mnrstat/panel.h"
#include "mnrstat/plot.h"
#include "plot_internal.h"
#include "banned.h"

/* ---- a small typed table -------------------------------------------- */

enum { COL_NUM, COL_INT, COL_MONTH, COL_TEXT };

struct colspec {
	const char *name;
	int type;
	int required;   /* column must exist */
	int nonempty;   /* every cell must have a value */
};

#define MAXCOLS 8

struct table {
	const struct colspec *spec;
	size_t ncols;
	const struct mnr_colmap *map;
	long idx[MAXCOLS];
	size_t n, cap;
	double *num;          /* n x ncols */
	char **text;          /* n x ncols (text columns only) */
	unsigned long *line;
	size_t cap_text, cap_line;
};

static void table_release(struct table *t)
{
	size_t i;

	if (t->text)
		for (i = 0; i < t->n * t->ncols; i++)
			mnr__free(t->text[i]);
	mnr__free(t->text);
	mnr__free(t->num);
	mnr__free(t->line);
	memset(t, 0, sizeof(*t));
}

static int table_row(void *ud, const struct mnr_csv_row *row,
		     struct mnr_error *err)
{
	struct table *t = ud;
	const char *names[MAXCOLS];
	int req[MAXCOLS];
	size_t j, base;

	if (row->is_header) {
		for (j = 0; j < t->ncols; j++) {
			names[j] = t->spec[j].name;
			req[j] = t->spec[j].required;
		}
		return mnr_csv_bind(row, names, req, t->ncols, t->map, t->idx,
				    err);
	}
	if (mnr__grow((void **)&t->num, &t->cap, (t->n + 1) * t->ncols,
		      sizeof(double)) != 0 ||
	    mnr__grow((void **)&t->text, &t->cap_text, (t->n + 1) * t->ncols,
		      sizeof(char *)) != 0 ||
	    mnr__grow((void **)&t->line, &t->cap_line, t->n + 1,
		      sizeof(unsigned long)) != 0)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	base = t->n * t->ncols;
	for (j = 0; j < t->ncols; j++) {
		t->num[base + j] = NAN;
		t->text[base + j] = NULL;
	}
	t->line[t->n] = row->line;
	t->n++;
	for (j = 0; j < t->ncols; j++) {
		const struct colspec *c = &t->spec[j];
		size_t fi;
		const char *s;
		size_t len;
		int rc = MNR_OK;

		if (t->idx[j] < 0)
			continue;
		fi = (size_t)t->idx[j];
		s = row->field[fi];
		len = row->len[fi];
		if (len == 0) {
			if (c->nonempty)
				return mnr_csv_field_error(row, fi, err, MNR_EDATA,
							   "required-value",
							   "%s: value required",
							   c->name);
			continue;
		}
		switch (c->type) {
		case COL_NUM:
			rc = mnr_parse_decimal(s, len, &t->num[base + j], err);
			break;
		case COL_INT: {
			int64_t v;

			rc = mnr_parse_int64(s, len, &v, err);
			if (rc == MNR_OK && (v < -100000 || v > 100000))
				return mnr_csv_field_error(row, fi, err, MNR_EDATA,
							   "range",
							   "%s: out of range -100000..100000",
							   c->name);
			t->num[base + j] = (double)v;
			break;
		}
		case COL_MONTH: {
			int m;

			rc = mnr_parse_month(s, len, &m, err);
			t->num[base + j] = m;
			break;
		}
		default:
			t->text[base + j] = mnr__strdup(s);
			if (!t->text[base + j])
				return mnr_error_set(err, MNR_ENOMEM,
						     "out of memory");
			break;
		}
		if (rc != MNR_OK) {
			unsigned long line, col;

			mnr_csv_locate(row, fi, &line, &col);
			mnr_error_locate(err, row->path, line, col, fi + 1);
			return rc;
		}
	}
	return MNR_OK;
}

static int table_read(const char *path, const struct colspec *spec,
		      size_t ncols, const struct mnr_colmap *map,
		      struct table *t, struct mnr_error *err)
{
	struct mnr_csv_options o;
	int rc;

	memset(t, 0, sizeof(*t));
	t->spec = spec;
	t->ncols = ncols;
	t->map = map;
	mnr_csv_options_init(&o);
	rc = mnr_csv_read_path(path, &o, table_row, t, err);
	if (rc != MNR_OK) {
		table_release(t);
		return rc;
	}
	if (t->n == 0) {
		table_release(t);
		return mnr_error_set_at(err, MNR_EDATA, path, 0, 0, 0,
					"no-rows", "no data rows");
	}
	return MNR_OK;
}

/* Column j of the table as a freshly allocated array; NULL when the
 * column is absent (or out of memory: *oom set). */
static double *column(const struct table *t, size_t j, int *oom)
{
	double *a;
	size_t i;

	if (t->idx[j] < 0)
		return NULL;
	a = mnr__malloc(mnr__size_mul(t->n ? t->n : 1, sizeof(double)));
	if (!a) {
		*oom = 1;
		return NULL;
	}
	for (i = 0; i < t->n; i++)
		a[i] = t->num[i * t->ncols + j];
	return a;
}

static int data_error(const char *path, unsigned long line, int code,
		      const char *rule, const char *msg, struct mnr_error *err)
{
	return mnr_error_set_at(err, code, path, line, 0, 0, rule, "%s", msg);
}

/* ---- kinds ---------------------------------------------------------- */

static const char *const kind_names[MNR_PLOT_KIND_N] = {
	"its", "released", "before-after", "event-study", "km"
};

const char *mnr_plot_kind_name(enum mnr_plot_kind k)
{
	return (unsigned)k < MNR_PLOT_KIND_N ? kind_names[k] : "?";
}

int mnr_plot_kind_parse(const char *name, enum mnr_plot_kind *k)
{
	unsigned i;

	for (i = 0; i < MNR_PLOT_KIND_N; i++)
		if (strcmp(name, kind_names[i]) == 0) {
			*k = (enum mnr_plot_kind)i;
			return MNR_OK;
		}
	return MNR_EINVAL;
}

/* Months increasing, else a located error. */
static int check_increasing(const char *path, const struct table *t,
			    size_t j, const char *what, struct mnr_error *err)
{
	size_t i;

	for (i = 1; i < t->n; i++)
		if (!(t->num[i * t->ncols + j] > t->num[(i - 1) * t->ncols + j]))
			return data_error(path, t->line[i], MNR_EDATA, "order",
					  what, err);
	return MNR_OK;
}

static int csv_its(const char *path, const struct mnr_plot_meta *meta,
		   const struct mnr_plot_csv_options *opt, char **script,
		   struct mnr_error *err)
{
	static const struct colspec spec[] = {
		{ "month", COL_MONTH, 1, 1 },
		{ "observed", COL_NUM, 1, 0 },
		{ "fitted", COL_NUM, 0, 0 },
		{ "counterfactual", COL_NUM, 0, 0 },
		{ "cf_low", COL_NUM, 0, 0 },
		{ "cf_high", COL_NUM, 0, 0 },
		{ "segment", COL_INT, 0, 1 },
	};
	struct table t;
	struct mnr_plot_its its;
	double *col[7] = { 0 };
	int *month = NULL, *seg = NULL, *iv = NULL;
	size_t i, j, niv = 0;
	int rc, oom = 0;

	rc = table_read(path, spec, 7, opt->map, &t, err);
	if (rc != MNR_OK)
		return rc;
	rc = check_increasing(path, &t, 0, "months must increase", err);
	if (rc != MNR_OK)
		goto out;
	for (j = 0; j < 7; j++)
		col[j] = column(&t, j, &oom);
	month = mnr__malloc(mnr__size_mul(t.n, sizeof(int)));
	iv = mnr__malloc(mnr__size_mul(t.n, sizeof(int)));
	if (col[6])
		seg = mnr__malloc(mnr__size_mul(t.n, sizeof(int)));
	if (oom || !month || !iv || (col[6] && !seg)) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < t.n; i++) {
		month[i] = (int)col[0][i];
		if (seg) {
			seg[i] = (int)col[6][i];
			/* An intervention starts each new segment. */
			if (i && seg[i] != seg[i - 1])
				iv[niv++] = month[i];
		}
	}
	memset(&its, 0, sizeof(its));
	its.n = t.n;
	its.month = month;
	its.observed = col[1];
	its.fitted = col[2];
	its.counterfactual = col[3];
	its.cf_low = col[4];
	its.cf_high = col[5];
	its.segment = seg;
	if (opt->nint) {
		its.intervention = opt->intervention;
		its.nint = opt->nint;
	} else {
		its.intervention = iv;
		its.nint = niv;
	}
	if ((col[4] == NULL) != (col[5] == NULL)) {
		rc = mnr_error_set_at(err, MNR_EDATA, path, 1, 0, 0,
				      "missing-column",
				      "cf_low and cf_high go together");
		goto out;
	}
	rc = mnr_plot_its_script(meta, &its, script, err);
out:
	for (j = 0; j < 7; j++)
		mnr__free(col[j]);
	mnr__free(month);
	mnr__free(seg);
	mnr__free(iv);
	table_release(&t);
	return rc;
}

static int csv_released(const char *path, const struct mnr_plot_meta *meta,
			const struct mnr_plot_csv_options *opt, char **script,
			struct mnr_error *err)
{
	static const struct colspec spec[] = {
		{ "month", COL_MONTH, 1, 1 },
		{ "value", COL_NUM, 1, 0 },
		{ "low", COL_NUM, 1, 0 },
		{ "high", COL_NUM, 1, 0 },
	};
	struct table t;
	struct mnr_plot_series s;
	double *col[4] = { 0 };
	int *month = NULL;
	size_t i, j;
	int rc, oom = 0;

	rc = table_read(path, spec, 4, opt->map, &t, err);
	if (rc != MNR_OK)
		return rc;
	rc = check_increasing(path, &t, 0, "months must increase", err);
	if (rc != MNR_OK)
		goto out;
	for (j = 0; j < 4; j++)
		col[j] = column(&t, j, &oom);
	month = mnr__malloc(mnr__size_mul(t.n, sizeof(int)));
	if (oom || !month) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < t.n; i++) {
		month[i] = (int)col[0][i];
		if (isfinite(col[1][i]) &&
		    (!isfinite(col[2][i]) || !isfinite(col[3][i]) ||
		     col[2][i] > col[3][i])) {
			rc = data_error(path, t.line[i], MNR_EDATA, "interval",
					"low and high must be given with low <= high",
					err);
			goto out;
		}
	}
	memset(&s, 0, sizeof(s));
	s.n = t.n;
	s.month = month;
	s.y = col[1];
	s.low = col[2];
	s.high = col[3];
	s.intervention = opt->intervention;
	s.nint = opt->nint;
	rc = mnr_plot_released_script(meta, &s, script, err);
out:
	for (j = 0; j < 4; j++)
		mnr__free(col[j]);
	mnr__free(month);
	table_release(&t);
	return rc;
}

static int csv_event_study(const char *path, const struct mnr_plot_meta *meta,
			   const struct mnr_plot_csv_options *opt,
			   char **script, struct mnr_error *err)
{
	static const struct colspec spec[] = {
		{ "event_time", COL_INT, 1, 1 },
		{ "estimate", COL_NUM, 1, 1 },
		{ "ci_low", COL_NUM, 1, 0 },
		{ "ci_high", COL_NUM, 1, 0 },
		{ "band_low", COL_NUM, 0, 0 },
		{ "band_high", COL_NUM, 0, 0 },
	};
	struct table t;
	struct mnr_plot_event_study es;
	double *col[6] = { 0 };
	int *et = NULL;
	size_t i, j;
	int rc, oom = 0;

	rc = table_read(path, spec, 6, opt->map, &t, err);
	if (rc != MNR_OK)
		return rc;
	rc = check_increasing(path, &t, 0, "event times must increase", err);
	if (rc != MNR_OK)
		goto out;
	for (j = 0; j < 6; j++)
		col[j] = column(&t, j, &oom);
	et = mnr__malloc(mnr__size_mul(t.n, sizeof(int)));
	if (oom || !et) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	if ((col[4] == NULL) != (col[5] == NULL)) {
		rc = mnr_error_set_at(err, MNR_EDATA, path, 1, 0, 0,
				      "missing-column",
				      "band_low and band_high go together");
		goto out;
	}
	for (i = 0; i < t.n; i++)
		et[i] = (int)col[0][i];
	memset(&es, 0, sizeof(es));
	es.n = t.n;
	es.event_time = et;
	es.estimate = col[1];
	es.ci_low = col[2];
	es.ci_high = col[3];
	es.band_low = col[4];
	es.band_high = col[5];
	rc = mnr_plot_event_study_script(meta, &es, script, err);
out:
	for (j = 0; j < 6; j++)
		mnr__free(col[j]);
	mnr__free(et);
	table_release(&t);
	return rc;
}

/* Index of s in names[0..n), or n. */
static size_t find_name(char **names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return n;
}

static int csv_km(const char *path, const struct mnr_plot_meta *meta,
		  const struct mnr_plot_csv_options *opt, char **script,
		  struct mnr_error *err)
{
	static const struct colspec spec[] = {
		{ "group", COL_TEXT, 1, 1 },
		{ "time", COL_NUM, 1, 1 },
		{ "surv", COL_NUM, 1, 1 },
		{ "lower", COL_NUM, 0, 0 },
		{ "upper", COL_NUM, 0, 0 },
		{ "censored", COL_NUM, 0, 0 },
	};
	struct table t;
	struct mnr_plot_km_group g[8];
	char *gname[8];
	size_t ng = 0, i, k, cnt[8] = { 0 };
	double *buf = NULL;
	int rc;

	rc = table_read(path, spec, 6, opt->map, &t, err);
	if (rc != MNR_OK)
		return rc;
	if ((t.idx[3] < 0) != (t.idx[4] < 0)) {
		rc = mnr_error_set_at(err, MNR_EDATA, path, 1, 0, 0,
				      "missing-column",
				      "lower and upper go together");
		goto out;
	}
	for (i = 0; i < t.n; i++) {
		const char *name = t.text[i * t.ncols];

		k = find_name(gname, ng, name);
		if (k == ng) {
			if (ng == 8) {
				rc = data_error(path, t.line[i], MNR_EDATA,
						"too-many-groups",
						"at most 8 groups", err);
				goto out;
			}
			gname[ng++] = t.text[i * t.ncols];
		}
		cnt[k]++;
	}
	/* One block of 5 arrays per group, rows in file order. */
	buf = mnr__malloc(mnr__size_mul(t.n * 5, sizeof(double)));
	if (!buf) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	{
		size_t off = 0, fill[8] = { 0 };
		double *arr[8][5];

		for (k = 0; k < ng; k++) {
			for (i = 0; i < 5; i++) {
				arr[k][i] = buf + off;
				off += cnt[k];
			}
		}
		for (i = 0; i < t.n; i++) {
			const double *r = t.num + i * t.ncols;
			size_t f;

			k = find_name(gname, ng, t.text[i * t.ncols]);
			f = fill[k]++;
			if (f && !(r[1] >= arr[k][0][f - 1])) {
				rc = data_error(path, t.line[i], MNR_EDATA, "order",
						"times must increase within a group",
						err);
				goto out;
			}
			if (!(r[2] >= 0 && r[2] <= 1)) {
				rc = data_error(path, t.line[i], MNR_EDATA, "range",
						"surv must lie in [0, 1]", err);
				goto out;
			}
			if (r[1] < 0) {
				rc = data_error(path, t.line[i], MNR_EDATA, "range",
						"time must be >= 0", err);
				goto out;
			}
			arr[k][0][f] = r[1];
			arr[k][1][f] = r[2];
			arr[k][2][f] = r[3];
			arr[k][3][f] = r[4];
			arr[k][4][f] = r[5];
		}
		for (k = 0; k < ng; k++) {
			g[k].label = gname[k];
			g[k].n = cnt[k];
			g[k].time = arr[k][0];
			g[k].surv = arr[k][1];
			g[k].lower = t.idx[3] >= 0 ? arr[k][2] : NULL;
			g[k].upper = t.idx[4] >= 0 ? arr[k][3] : NULL;
			g[k].censored = t.idx[5] >= 0 ? arr[k][4] : NULL;
		}
	}
	rc = mnr_plot_km_script(meta, g, ng, opt->time_unit, script, err);
out:
	mnr__free(buf);
	table_release(&t);
	return rc;
}

static int csv_before_after(const char *path, const struct mnr_plot_meta *meta,
			    const struct mnr_plot_csv_options *opt,
			    char **script, struct mnr_error *err)
{
	static const struct colspec spec[] = {
		{ "label", COL_TEXT, 1, 1 },
		{ "period", COL_TEXT, 1, 1 },
		{ "estimate", COL_NUM, 1, 1 },
		{ "ci_low", COL_NUM, 1, 0 },
		{ "ci_high", COL_NUM, 1, 0 },
	};
	struct table t;
	struct mnr_plot_before_after ba;
	char **label = NULL;
	double *v = NULL;
	unsigned char *seen = NULL;
	size_t n = 0, i, k, j;
	int rc;

	rc = table_read(path, spec, 5, opt->map, &t, err);
	if (rc != MNR_OK)
		return rc;
	label = mnr__calloc(t.n, sizeof(char *));
	v = mnr__malloc(mnr__size_mul(t.n * 6, sizeof(double)));
	seen = mnr__calloc(t.n * 2, 1);
	if (!label || !v || !seen) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < t.n * 6; i++)
		v[i] = NAN;
	for (i = 0; i < t.n; i++) {
		const char *lab = t.text[i * t.ncols];
		const char *per = t.text[i * t.ncols + 1];
		const double *r = t.num + i * t.ncols;
		int after;

		if (strcmp(per, "before") == 0) {
			after = 0;
		} else if (strcmp(per, "after") == 0) {
			after = 1;
		} else {
			unsigned long line, col;

			mnr_error_set_at(err, MNR_EDATA, path, t.line[i], 0, 2,
					 "enum", "period: expected before or after");
			(void)line;
			(void)col;
			rc = MNR_EDATA;
			goto out;
		}
		k = find_name(label, n, lab);
		if (k == n)
			label[n++] = t.text[i * t.ncols];
		if (seen[k * 2 + (size_t)after]) {
			rc = data_error(path, t.line[i], MNR_EDATA, "duplicate",
					"label and period repeated", err);
			goto out;
		}
		seen[k * 2 + (size_t)after] = 1;
		for (j = 0; j < 3; j++)
			v[(size_t)(after * 3 + (int)j) * t.n + k] = r[2 + j];
	}
	for (k = 0; k < n; k++)
		if (!seen[k * 2]) {
			rc = mnr_error_set_at(err, MNR_EDATA, path, 0, 0, 0,
					      "missing-before",
					      "item %zu has no 'before' row", k + 1);
			goto out;
		}
	memset(&ba, 0, sizeof(ba));
	ba.n = n;
	ba.label = (const char *const *)label;
	ba.before = v;
	ba.before_low = v + t.n;
	ba.before_high = v + 2 * t.n;
	ba.after = v + 3 * t.n;
	ba.after_low = v + 4 * t.n;
	ba.after_high = v + 5 * t.n;
	ba.reference = opt->has_reference ? opt->reference : NAN;
	rc = mnr_plot_before_after_script(meta, &ba, script, err);
out:
	mnr__free(label);
	mnr__free(v);
	mnr__free(seen);
	table_release(&t);
	return rc;
}

int mnr_plot_csv_script(enum mnr_plot_kind k, const char *path,
			const struct mnr_plot_meta *meta,
			const struct mnr_plot_csv_options *opt,
			char **script, struct mnr_error *err)
{
	struct mnr_plot_csv_options none;

	if (!opt) {
		memset(&none, 0, sizeof(none));
		opt = &none;
	}
	switch (k) {
	case MNR_PLOT_ITS: return csv_its(path, meta, opt, script, err);
	case MNR_PLOT_RELEASED: return csv_released(path, meta, opt, script, err);
	case MNR_PLOT_BEFORE_AFTER:
		return csv_before_after(path, meta, opt, script, err);
	case MNR_PLOT_EVENT_STUDY:
		return csv_event_study(path, meta, opt, script, err);
	case MNR_PLOT_KM: return csv_km(path, meta, opt, script, err);
	default:
		return mnr_error_set(err, MNR_EINVAL, "unknown chart kind");
	}
}

/* ---- panels ---------------------------------------------------------- */

/* The series as parallel month/value arrays (months contiguous). */
static int series_arrays(const struct mnr_series *s, int **month,
			 struct mnr_error *err)
{
	size_t i;

	*month = mnr__malloc(mnr__size_mul(s->n ? s->n : 1, sizeof(int)));
	if (!*month)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	for (i = 0; i < s->n; i++)
		(*month)[i] = s->first_month + (int)i;
	return MNR_OK;
}

int mnr_plot_panel_series_script(const struct mnr_plot_meta *meta,
				 const struct mnr_panel *p, const char *country,
				 const char *metric, const int *intervention,
				 size_t nint, char **script,
				 struct mnr_error *err)
{
	struct mnr_series s;
	struct mnr_plot_series ps;
	int *month = NULL, rc;

	rc = mnr_panel_series(p, country, metric, -1, -1, &s, err);
	if (rc != MNR_OK)
		return rc;
	rc = series_arrays(&s, &month, err);
	if (rc == MNR_OK) {
		memset(&ps, 0, sizeof(ps));
		ps.label = country;
		ps.n = s.n;
		ps.month = month;
		ps.y = s.y;
		ps.intervention = intervention;
		ps.nint = nint;
		rc = mnr_plot_series_script(meta, &ps, script, err);
	}
	mnr__free(month);
	mnr_series_release(&s);
	return rc;
}

int mnr_plot_panel_multiples_script(const struct mnr_plot_meta *meta,
				    const struct mnr_panel *p,
				    const char *metric,
				    const char *const *countries,
				    size_t ncountries,
				    const struct mnr_adoption *adopt,
				    char **script, struct mnr_error *err)
{
	size_t want = ncountries ? ncountries : p->ncountries, k = 0, i;
	struct mnr_series *s;
	struct mnr_plot_series *ps;
	int **month, *start;
	int rc = MNR_OK;

	if (mnr_panel_metric_index(p, metric) < 0)
		return mnr_error_set_at(err, MNR_EDATA, p->path, 0, 0, 0,
					"no-series", "metric not in the panel");
	if (want == 0 || want > 48)
		return mnr_error_set(err, MNR_EINVAL,
				     "small multiples need 1 to 48 countries");
	s = mnr__calloc(want, sizeof(*s));
	ps = mnr__calloc(want, sizeof(*ps));
	month = mnr__calloc(want, sizeof(*month));
	start = mnr__calloc(want, sizeof(*start));
	if (!s || !ps || !month || !start) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < want; i++) {
		const char *c = ncountries ? countries[i] : p->country[i];
		struct mnr_error e2;

		mnr_error_clear(&e2);
		rc = mnr_panel_series(p, c, metric, -1, -1, &s[k], &e2);
		if (rc == MNR_EDATA && !ncountries) {
			rc = MNR_OK; /* this country lacks the metric */
			continue;
		}
		if (rc != MNR_OK) {
			if (err)
				*err = e2;
			goto out;
		}
		rc = series_arrays(&s[k], &month[k], err);
		if (rc != MNR_OK) {
			mnr_series_release(&s[k]);
			goto out;
		}
		ps[k].label = c;
		ps[k].n = s[k].n;
		ps[k].month = month[k];
		ps[k].y = s[k].y;
		start[k] = adopt ? mnr_adoption_start(adopt, c) : -1;
		if (start[k] >= 0) {
			ps[k].intervention = &start[k];
			ps[k].nint = 1;
		}
		k++;
	}
	rc = mnr_plot_multiples_script(meta, ps, k, script, err);
out:
	for (i = 0; s && i < k; i++)
		mnr_series_release(&s[i]);
	for (i = 0; month && i < want; i++)
		mnr__free(month[i]);
	mnr__free(s);
	mnr__free(ps);
	mnr__free(month);
	mnr__free(start);
	return rc;
}
