/*
 * Panel and adoption readers (base layer).  Panels are small, so they are
 * read whole; countries and metrics are interned and cells sorted so a
 * series is one binary search plus a contiguous run.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_internal.h"
#include "mnrstat/fields.h"
#include "mnrstat/panel.h"
#include "banned.h"

enum { P_COUNTRY, P_MONTH, P_METRIC, P_VALUE, P_POP, P_NOISE, P_NCOL };

static const char *const panel_cols[P_NCOL] = {
	"country", "month", "metric", "value", "population", "noise_variance" };
static const int panel_req[P_NCOL] = { 1, 1, 1, 1, 0, 0 };

/* Raw cells hold string indices into temporary intern tables. */
struct panel_build {
	struct mnr_panel *p;
	const struct mnr_colmap *map;
	long idx[P_NCOL];
	size_t cell_alloc;
	size_t metric_alloc;
	size_t country_alloc;
};

static long intern_metric(struct panel_build *b, const char *s)
{
	struct mnr_panel *p = b->p;
	size_t i;

	/* Few metrics (tens): a linear scan is faster than hashing here. */
	for (i = 0; i < p->nmetrics; i++)
		if (strcmp(p->metric[i], s) == 0)
			return (long)i;
	if (mnr__grow((void **)&p->metric, &b->metric_alloc, p->nmetrics + 1,
		      sizeof(char *)))
		return -1;
	if (!(p->metric[p->nmetrics] = mnr__strdup(s)))
		return -1;
	return (long)p->nmetrics++;
}

static long intern_country(struct panel_build *b, const char *s)
{
	struct mnr_panel *p = b->p;
	size_t i;

	for (i = 0; i < p->ncountries; i++)
		if (memcmp(p->country[i], s, 4) == 0)
			return (long)i;
	if (mnr__grow((void **)&p->country, &b->country_alloc,
		      p->ncountries + 1, 4))
		return -1;
	memcpy(p->country[p->ncountries], s, 4);
	return (long)p->ncountries++;
}

/*
 * A lower-level parser filled err without a location; add the field's
 * position and name, keeping its message and rule.
 */
static int relocate(const struct mnr_csv_row *row, long col, const char *name,
		    struct mnr_error *err)
{
	char msg[sizeof(err->msg)];
	char rule[sizeof(err->rule)];

	memcpy(msg, err->msg, sizeof(msg));
	memcpy(rule, err->rule, sizeof(rule));
	mnr_error_clear(err);
	return mnr_csv_field_error(row, (size_t)col, err, MNR_EDATA, rule,
				   "%s: %s", name, msg);
}

static int optional_number(const struct mnr_csv_row *row, long col,
			   const char *name, double *out,
			   struct mnr_error *err)
{
	*out = NAN;
	if (col < 0 || row->len[col] == 0)
		return MNR_OK;
	if (mnr_parse_decimal(row->field[col], row->len[col], out, err))
		return relocate(row, col, name, err);
	return MNR_OK;
}

static int panel_row(void *ud, const struct mnr_csv_row *row,
		     struct mnr_error *err)
{
	struct panel_build *b = ud;
	struct mnr_panel *p = b->p;
	struct mnr_panel_cell c;
	struct mnr_error e;
	long k;
	int month;

	if (row->is_header) {
		int st = mnr_csv_bind(row, panel_cols, panel_req, P_NCOL, b->map,
				      b->idx, err);

		p->has_population = b->idx[P_POP] >= 0;
		p->has_noise = b->idx[P_NOISE] >= 0;
		return st;
	}
	mnr_error_clear(&e);
	k = b->idx[P_COUNTRY];
	if (mnr_parse_country(row->field[k], row->len[k], &e)) {
		*err = e;
		return relocate(row, k, "country", err);
	}
	k = b->idx[P_MONTH];
	if (mnr_parse_month(row->field[k], row->len[k], &month, &e)) {
		*err = e;
		return relocate(row, k, "month", err);
	}
	k = b->idx[P_METRIC];
	if (row->len[k] == 0)
		return mnr_csv_field_error(row, (size_t)k, err, MNR_EDATA,
					   "metric-empty", "metric: empty name");
	memset(&c, 0, sizeof(c));
	c.month = month;
	c.line = row->line;
	k = b->idx[P_VALUE];
	if (row->len[k]) {
		if (mnr_parse_decimal(row->field[k], row->len[k], &c.value, &e)) {
			*err = e;
			return relocate(row, k, "value", err);
		}
	} else {
		c.value = NAN;
	}
	if (optional_number(row, b->idx[P_POP], "population", &c.population, err) ||
	    optional_number(row, b->idx[P_NOISE], "noise_variance", &c.noise_var, err))
		return MNR_EDATA;
	if (!isnan(c.population) && c.population <= 0)
		return mnr_csv_field_error(row, (size_t)b->idx[P_POP], err,
					   MNR_EDATA, "population",
					   "population: must be positive");
	if (!isnan(c.noise_var) && c.noise_var < 0)
		return mnr_csv_field_error(row, (size_t)b->idx[P_NOISE], err,
					   MNR_EDATA, "noise-variance",
					   "noise_variance: must not be negative");
	{
		long ci = intern_country(b, row->field[b->idx[P_COUNTRY]]);
		long mi = intern_metric(b, row->field[b->idx[P_METRIC]]);

		if (ci < 0 || mi < 0)
			return mnr_error_set(err, MNR_ENOMEM, "out of memory");
		c.country = (int)ci;
		c.metric = (int)mi;
	}
	if (mnr__grow((void **)&p->cell, &b->cell_alloc, p->n + 1, sizeof(c)))
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	p->cell[p->n++] = c;
	return MNR_OK;
}

static int cmp_cell(const void *a, const void *b)
{
	const struct mnr_panel_cell *x = a, *y = b;

	if (x->country != y->country)
		return x->country < y->country ? -1 : 1;
	if (x->metric != y->metric)
		return x->metric < y->metric ? -1 : 1;
	if (x->month != y->month)
		return x->month < y->month ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort the intern tables and renumber the cells to match. */
static int canonicalise(struct mnr_panel *p)
{
	size_t i, j;
	int *cmap = mnr__calloc(p->ncountries, sizeof(int));
	int *mmap = mnr__calloc(p->nmetrics, sizeof(int));
	char (*oldc)[4] = mnr__malloc(p->ncountries * 4);
	char **oldm = mnr__malloc(p->nmetrics * sizeof(char *));

	if (!cmap || !mmap || !oldc || !oldm) {
		mnr__free(cmap);
		mnr__free(mmap);
		mnr__free(oldc);
		mnr__free(oldm);
		return -1;
	}
	memcpy(oldc, p->country, p->ncountries * 4);
	memcpy(oldm, p->metric, p->nmetrics * sizeof(char *));
	qsort(p->country, p->ncountries, 4,
	      (int (*)(const void *, const void *))strcmp);
	qsort(p->metric, p->nmetrics, sizeof(char *), cmp_str);
	for (i = 0; i < p->ncountries; i++)
		for (j = 0; j < p->ncountries; j++)
			if (strcmp(oldc[i], p->country[j]) == 0)
				cmap[i] = (int)j;
	for (i = 0; i < p->nmetrics; i++)
		for (j = 0; j < p->nmetrics; j++)
			if (oldm[i] == p->metric[j])
				mmap[i] = (int)j;
	for (i = 0; i < p->n; i++) {
		p->cell[i].country = cmap[p->cell[i].country];
		p->cell[i].metric = mmap[p->cell[i].metric];
	}
	qsort(p->cell, p->n, sizeof(*p->cell), cmp_cell);
	mnr__free(cmap);
	mnr__free(mmap);
	mnr__free(oldc);
	mnr__free(oldm);
	return 0;
}

int mnr_panel_read(const char *path, const struct mnr_colmap *map,
		   struct mnr_panel **out, struct mnr_error *err)
{
	struct panel_build b;
	struct mnr_csv_options opt;
	size_t i;
	int st;

	memset(&b, 0, sizeof(b));
	if (!(b.p = mnr__calloc(1, sizeof(*b.p))))
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	b.p->path = path;
	b.map = map;
	mnr_csv_options_init(&opt);
	st = mnr_csv_read_path(path, &opt, panel_row, &b, err);
	if (st)
		goto fail;
	if (b.p->n == 0) {
		st = mnr_error_set_at(err, MNR_EDATA, path, 2, 0, 0, "no-rows",
				      "panel has a header but no data rows");
		goto fail;
	}
	if (canonicalise(b.p)) {
		st = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto fail;
	}
	for (i = 1; i < b.p->n; i++) {
		const struct mnr_panel_cell *x = &b.p->cell[i - 1], *y = &b.p->cell[i];

		if (x->country == y->country && x->metric == y->metric &&
		    x->month == y->month) {
			st = mnr_error_set_at(err, MNR_EDATA, path, y->line, 0, 0,
					      "duplicate-cell",
					      "country, month and metric repeat an earlier row (line %lu)",
					      x->line);
			goto fail;
		}
	}
	*out = b.p;
	return MNR_OK;
fail:
	mnr_panel_free(b.p);
	return st;
}

void mnr_panel_free(struct mnr_panel *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nmetrics; i++)
		mnr__free(p->metric[i]);
	mnr__free(p->metric);
	mnr__free(p->country);
	mnr__free(p->cell);
	mnr__free(p);
}

long mnr_panel_country_index(const struct mnr_panel *p, const char *country)
{
	size_t i;

	for (i = 0; i < p->ncountries; i++)
		if (strcmp(p->country[i], country) == 0)
			return (long)i;
	return -1;
}

long mnr_panel_metric_index(const struct mnr_panel *p, const char *metric)
{
	size_t i;

	for (i = 0; i < p->nmetrics; i++)
		if (strcmp(p->metric[i], metric) == 0)
			return (long)i;
	return -1;
}

int mnr_panel_series(const struct mnr_panel *p, const char *country,
		     const char *metric, int from, int to,
		     struct mnr_series *s, struct mnr_error *err)
{
	long ci = mnr_panel_country_index(p, country);
	long mi = mnr_panel_metric_index(p, metric);
	size_t lo = 0, hi = p->n, i, first, last, n;
	struct mnr_series r;

	if (ci < 0)
		return mnr_error_set_at(err, MNR_EDATA, p->path, 0, 0, 0,
					"no-series",
					"country '%s' not in the panel", country);
	if (mi < 0)
		return mnr_error_set_at(err, MNR_EDATA, p->path, 0, 0, 0,
					"no-series",
					"metric '%s' not in the panel", metric);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct mnr_panel_cell *c = &p->cell[mid];

		if (c->country < ci || (c->country == ci && c->metric < mi))
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	for (last = first; last < p->n && p->cell[last].country == ci &&
	     p->cell[last].metric == mi; last++)
		;
	if (last == first)
		return mnr_error_set_at(err, MNR_EDATA, p->path, 0, 0, 0,
					"no-series",
					"no rows for metric '%s' in country '%s'",
					metric, country);
	if (from < 0)
		from = p->cell[first].month;
	if (to < 0)
		to = p->cell[last - 1].month;
	if (to < from)
		return mnr_error_set(err, MNR_EINVAL, "empty month range");
	n = (size_t)(to - from + 1);
	memset(&r, 0, sizeof(r));
	r.n = n;
	r.first_month = from;
	r.y = mnr__malloc(n * sizeof(double));
	if (p->has_population)
		r.population = mnr__malloc(n * sizeof(double));
	if (p->has_noise)
		r.noise_var = mnr__malloc(n * sizeof(double));
	if (!r.y || (p->has_population && !r.population) ||
	    (p->has_noise && !r.noise_var)) {
		mnr_series_release(&r);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	for (i = 0; i < n; i++) {
		r.y[i] = NAN;
		if (r.population)
			r.population[i] = NAN;
		if (r.noise_var)
			r.noise_var[i] = NAN;
	}
	for (i = first; i < last; i++) {
		const struct mnr_panel_cell *c = &p->cell[i];

		if (c->month < from || c->month > to)
			continue;
		r.y[c->month - from] = c->value;
		if (r.population)
			r.population[c->month - from] = c->population;
		if (r.noise_var)
			r.noise_var[c->month - from] = c->noise_var;
	}
	for (i = 0; i < n; i++)
		if (isnan(r.y[i]))
			r.n_missing++;
	if (r.n_missing == n) {
		mnr_series_release(&r);
		return mnr_error_set_at(err, MNR_EDATA, p->path, 0, 0, 0,
					"no-series",
					"metric '%s' has no value in country '%s'",
					metric, country);
	}
	*s = r;
	return MNR_OK;
}

void mnr_series_release(struct mnr_series *s)
{
	if (!s)
		return;
	mnr__free(s->y);
	mnr__free(s->population);
	mnr__free(s->noise_var);
	s->y = s->population = s->noise_var = NULL;
	s->n = 0;
}

/* Adoption file. */

struct adoption_build {
	struct mnr_adoption *a;
	const struct mnr_colmap *map;
	long idx[2];
	size_t alloc;
};

static int adoption_row(void *ud, const struct mnr_csv_row *row,
			struct mnr_error *err)
{
	static const char *const cols[2] = { "country", "mnr_start" };
	static const int req[2] = { 1, 1 };
	struct adoption_build *b = ud;
	struct mnr_adoption *a = b->a;
	struct mnr_error e;
	long k;
	int start = -1;
	size_t i;

	if (row->is_header)
		return mnr_csv_bind(row, cols, req, 2, b->map, b->idx, err);
	mnr_error_clear(&e);
	k = b->idx[0];
	if (mnr_parse_country(row->field[k], row->len[k], &e)) {
		*err = e;
		return relocate(row, k, "country", err);
	}
	k = b->idx[1];
	if (row->len[k] && mnr_parse_month(row->field[k], row->len[k], &start, &e)) {
		*err = e;
		return relocate(row, k, "mnr_start", err);
	}
	for (i = 0; i < a->n; i++)
		if (strcmp(a->country[i], row->field[b->idx[0]]) == 0)
			return mnr_csv_field_error(row, (size_t)b->idx[0], err,
						   MNR_EDATA, "duplicate-country",
						   "country: listed twice");
	if (mnr__grow((void **)&a->country, &b->alloc, a->n + 1, 4))
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	{
		int *ns = mnr__realloc(a->start, b->alloc * sizeof(int));

		if (!ns)
			return mnr_error_set(err, MNR_ENOMEM, "out of memory");
		a->start = ns;
	}
	memcpy(a->country[a->n], row->field[b->idx[0]], 4);
	a->start[a->n] = start;
	a->n++;
	return MNR_OK;
}

int mnr_adoption_read(const char *path, const struct mnr_colmap *map,
		      struct mnr_adoption **out, struct mnr_error *err)
{
	struct adoption_build b;
	struct mnr_csv_options opt;
	int st;

	memset(&b, 0, sizeof(b));
	b.map = map;
	if (!(b.a = mnr__calloc(1, sizeof(*b.a))))
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	mnr_csv_options_init(&opt);
	st = mnr_csv_read_path(path, &opt, adoption_row, &b, err);
	if (st) {
		mnr_adoption_free(b.a);
		return st;
	}
	*out = b.a;
	return MNR_OK;
}

void mnr_adoption_free(struct mnr_adoption *a)
{
	if (!a)
		return;
	mnr__free(a->country);
	mnr__free(a->start);
	mnr__free(a);
}

int mnr_adoption_start(const struct mnr_adoption *a, const char *country)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->country[i], country) == 0)
			return a->start[i];
	return -1;
}
