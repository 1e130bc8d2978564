/*
 * Contribution bounding for the privacy core (library layer, issue 4
 * item 3): each privacy unit (person, or row) may affect at most max_cells
 * cells by at most max_per_cell each, which is what makes the sensitivity
 * printed in the release manifest true.  Also the case-file reader that
 * turns case records into bounded report counts per country and month.
 */
#include "mnrstat/dp.h"
#include "mnrstat/cases.h"
#include "mnrstat/fields.h"
#include "mnrstat/sha256.h"
#include "alloc_internal.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

struct pair {
	uint64_t key;
	uint32_t cell;
};

static int pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->cell < y->cell ? -1 : x->cell > y->cell;
}

int mnr_dp_bound_contributions(const uint64_t *keys, const uint32_t *cells,
			       size_t n, uint64_t max_cells,
			       uint64_t max_per_cell, size_t ncells,
			       uint64_t *counts, struct mnr_dp_bound_stats *st,
			       struct mnr_error *err)
{
	struct mnr_dp_bound_stats s = { 0, 0, 0, 0 };
	struct pair *p;
	size_t i, j;

	if (max_cells == 0 || max_per_cell == 0)
		return mnr_error_set(err, MNR_EINVAL,
				     "contribution bounds must be positive");
	for (i = 0; i < n; i++)
		if (cells[i] >= ncells)
			return mnr_error_set(err, MNR_EINVAL,
					     "cell index out of range");
	p = mnr__malloc(mnr__size_mul(n ? n : 1, sizeof(*p)));
	if (!p)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		p[i].key = keys[i];
		p[i].cell = cells[i];
	}
	/* sorted by unit, then cell: each unit's cells in increasing index */
	qsort(p, n, sizeof(*p), pair_cmp);
	for (i = 0; i < n; i = j) {
		uint64_t ncell = 0;

		s.units++;
		for (j = i; j < n && p[j].key == p[i].key;) {
			size_t k = j;
			uint64_t inrow = 0;

			for (; k < n && p[k].key == p[i].key && p[k].cell == p[j].cell; k++)
				inrow++;
			if (ncell < max_cells) {
				uint64_t keep = inrow < max_per_cell ? inrow : max_per_cell;

				counts[p[j].cell] += keep;
				s.kept += keep;
			}
			ncell++;
			j = k;
		}
	}
	s.rows = n;
	s.dropped = n - s.kept;
	mnr__free(p);
	if (st)
		*st = s;
	return MNR_OK;
}

/* ---- Case-file reader -------------------------------------------------- */

struct rec {
	char country[4];
	int month;
	uint64_t key;
};

struct rd {
	struct mnr_case_schema schema;
	const struct mnr_colmap *map;
	struct rec *r;
	size_t n, alloc;
	uint64_t no_person;
};

static int on_row(void *ud, const struct mnr_csv_row *row, struct mnr_error *err)
{
	struct rd *d = ud;
	struct mnr_case c;
	struct rec *x;
	int st;

	if (row->is_header)
		return mnr_case_bind(&d->schema, row, d->map, err);
	st = mnr_case_parse(&d->schema, row, &c, err);
	if (st != MNR_OK)
		return st;
	if (mnr__grow((void **)&d->r, &d->alloc, d->n + 1, sizeof(*d->r)))
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	x = &d->r[d->n];
	memcpy(x->country, c.country, 4);
	x->month = mnr_month_of(c.reported);
	if (c.person_len) {
		unsigned char h[MNR_SHA256_LEN];
		uint64_t k = 0;
		int i;

		mnr_sha256(c.person, c.person_len, h);
		for (i = 0; i < 8; i++)
			k = k << 8 | h[i];
		x->key = k & ~(UINT64_C(1) << 63);
	} else {
		/* no person: the row is its own unit, in a key space apart */
		x->key = (UINT64_C(1) << 63) | (uint64_t)d->n;
		d->no_person++;
	}
	d->n++;
	return MNR_OK;
}

static int cc_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 4);
}

void mnr_dp_case_counts_release(struct mnr_dp_case_counts *c)
{
	if (!c)
		return;
	mnr__free(c->country);
	mnr__free(c->count);
	memset(c, 0, sizeof(*c));
}

int mnr_dp_read_case_counts(const char *path, const struct mnr_colmap *map,
			    int from, int to, uint64_t max_cells,
			    uint64_t max_per_cell,
			    struct mnr_dp_case_counts *out,
			    struct mnr_error *err)
{
	struct mnr_csv_options o;
	struct mnr_dp_case_counts cc;
	struct rd d;
	uint64_t *keys = NULL;
	uint32_t *cells = NULL;
	size_t i, m = 0, nmonths, ncell;
	int st, lo = -1, hi = -1;

	memset(out, 0, sizeof(*out));
	memset(&cc, 0, sizeof(cc));
	memset(&d, 0, sizeof(d));
	if (max_cells == 0 || max_per_cell == 0 || (from >= 0 && to >= 0 && from > to))
		return mnr_error_set(err, MNR_EINVAL,
				     "bounds must be positive and from <= to");
	d.map = map;
	mnr_csv_options_init(&o);
	st = mnr_csv_read_path(path, &o, on_row, &d, err);
	if (st != MNR_OK)
		goto out;
	cc.has_person = d.schema.idx[MNR_CASE_PERSON] >= 0;
	if (!cc.has_person) {
		max_cells = 1;  /* a row is one report in one cell */
		max_per_cell = 1;
	}
	cc.rows_without_person = cc.has_person ? d.no_person : 0;
	for (i = 0; i < d.n; i++) {
		if (lo < 0 || d.r[i].month < lo)
			lo = d.r[i].month;
		if (d.r[i].month > hi)
			hi = d.r[i].month;
	}
	cc.from = from >= 0 ? from : lo;
	cc.to = to >= 0 ? to : hi;
	if (cc.from < 0 || cc.to < cc.from) {
		st = mnr_error_set_at(err, MNR_EDATA, path, 0, 0, 0, "empty",
				      "no case record to release");
		goto out;
	}
	/* countries: every one seen in the file, sorted */
	cc.country = mnr__malloc(mnr__size_mul(d.n ? d.n : 1, 4));
	if (!cc.country) {
		st = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < d.n; i++)
		memcpy(cc.country[i], d.r[i].country, 4);
	qsort(cc.country, d.n, 4, cc_cmp);
	for (i = 0; i < d.n; i++)
		if (m == 0 || memcmp(cc.country[m - 1], cc.country[i], 4) != 0)
			memcpy(cc.country[m++], cc.country[i], 4);
	cc.ncountries = m;
	nmonths = (size_t)(cc.to - cc.from + 1);
	ncell = mnr__size_mul(m, nmonths);
	cc.count = mnr__calloc(ncell ? ncell : 1, sizeof(*cc.count));
	keys = mnr__malloc(mnr__size_mul(d.n ? d.n : 1, sizeof(*keys)));
	cells = mnr__malloc(mnr__size_mul(d.n ? d.n : 1, sizeof(*cells)));
	if (!cc.count || !keys || !cells || ncell > UINT32_MAX) {
		st = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	{
		size_t k = 0;

		for (i = 0; i < d.n; i++) {
			char (*f)[4] = bsearch(d.r[i].country, cc.country, m, 4, cc_cmp);

			if (d.r[i].month < cc.from || d.r[i].month > cc.to) {
				cc.rows_outside++;
				continue;
			}
			keys[k] = d.r[i].key;
			cells[k] = (uint32_t)((size_t)(f - cc.country) * nmonths +
					      (size_t)(d.r[i].month - cc.from));
			k++;
		}
		st = mnr_dp_bound_contributions(keys, cells, k, max_cells,
						max_per_cell, ncell, cc.count,
						&cc.stats, err);
	}
out:
	mnr__free(keys);
	mnr__free(cells);
	mnr__free(d.r);
	if (st != MNR_OK) {
		mnr_dp_case_counts_release(&cc);
		return st;
	}
	*out = cc;
	return MNR_OK;
}
