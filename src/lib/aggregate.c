/*
 * Aggregation of case records into monthly cells (aggregate layer):
 * counting, exact removal-hour histograms, deferred censoring against the
 * as-of time, merging, and the panel writer.
 *
 * Everything kept is an integer count, so merging is exact and the state
 * after any split of the input, merged in any order, is the same; the
 * panel is a pure function of that state.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg_internal.h"
#include "alloc_internal.h"
#include "mnrstat/fields.h"
#include "banned.h"

const char *const mnr_agg_metric_names[MNR_AGG_NMETRICS] = {
	"cases_closed",
	"outcome_charged",
	"outcome_no_further_action",
	"outcome_open",
	"outcome_referred",
	"outcome_unknown",
	"removal_hours_median",
	"removed_24h_share_all",
	"removed_24h_share_removed",
	"removed_72h_share_all",
	"removed_72h_share_removed",
	"reports_helpline",
	"reports_hotline",
	"reports_industry",
	"reports_other",
	"reports_police",
	"reports_removed",
	"reports_total",
	"support_offered_known",
	"support_offered_yes",
	"victim_suspect_known",
	"victim_suspect_yes",
};

const char *const agg_counter_names[AC_N] = {
	"total",
	"src_hotline", "src_helpline", "src_police", "src_industry",
	"src_other",
	"removed", "removed_24h", "removed_72h",
	"all24_num", "all24_den", "all72_num", "all72_den",
	"closed",
	"out_charged", "out_referred", "out_no_further_action", "out_open",
	"out_unknown",
	"support_yes", "support_no", "suspect_yes", "suspect_no",
};

void mnr_agg_options_init(struct mnr_agg_options *o)
{
	memset(o, 0, sizeof(*o));
	o->from = -1;
	o->to = -1;
	o->threads = 1;
}

int mnr_agg_alloc(struct mnr_agg **out, const struct mnr_agg_options *opt,
		  struct mnr_error *err)
{
	struct mnr_agg *a;
	size_t i;

	if (opt && opt->from >= 0 && opt->to >= 0 && opt->from > opt->to)
		return mnr_error_set(err, MNR_EINVAL, "--from is after --to");
	if (opt && opt->threads == 0)
		return mnr_error_set(err, MNR_EINVAL, "threads must be >= 1");
	a = mnr__calloc(1, sizeof(*a));
	if (!a)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	if (opt)
		a->opt = *opt;
	else
		mnr_agg_options_init(&a->opt);
	for (i = 0; i < sizeof(a->cidx) / sizeof(a->cidx[0]); i++)
		a->cidx[i] = -1;
	a->prune_at = 1024;
	*out = a;
	return MNR_OK;
}

static void hist_free(struct agg_hist *h)
{
	mnr__free(h->dense);
	mnr__free(h->sp);
}

void mnr_agg_free(struct mnr_agg *a)
{
	size_t i, j;

	if (!a)
		return;
	for (i = 0; i < a->ncountry; i++) {
		for (j = 0; j < a->country[i].n; j++)
			hist_free(&a->country[i].cell[j].hist);
		mnr__free(a->country[i].cell);
	}
	mnr__free(a->country);
	mnr__free(a->tail);
	mnr__free(a);
}

/* Three upper-case letters -> 0..17575, else -1. */
int agg_code_key(const char *code)
{
	int k = 0, i;

	for (i = 0; i < 3; i++) {
		unsigned char ch = (unsigned char)code[i];

		if (ch < 'A' || ch > 'Z')
			return -1;
		k = k * 26 + (ch - 'A');
	}
	return k;
}

int agg_country_index(struct mnr_agg *a, const char *code,
		      struct mnr_error *err)
{
	int k = agg_code_key(code);
	struct agg_country *c;

	if (k < 0) {
		mnr_error_set(err, MNR_EINVAL, "bad country code");
		return -1;
	}
	if (a->cidx[k] >= 0)
		return a->cidx[k];
	if (mnr__grow((void **)&a->country, &a->acountry, a->ncountry + 1,
		      sizeof(*a->country))) {
		mnr_error_set(err, MNR_ENOMEM, "out of memory");
		return -1;
	}
	c = &a->country[a->ncountry];
	memset(c, 0, sizeof(*c));
	memcpy(c->code, code, 3);
	c->code[3] = '\0';
	a->cidx[k] = (int16_t)a->ncountry;
	return (int)a->ncountry++;
}

/*
 * The cell of (country, month), created zeroed when absent.  The cell
 * array covers [base, base + n) and grows at either end; a returned
 * pointer is valid until the next call.
 */
struct agg_cell *agg_cell_get(struct mnr_agg *a, int country, int month,
			      struct mnr_error *err)
{
	struct agg_country *c = &a->country[country];

	if (c->n == 0) {
		if (mnr__grow((void **)&c->cell, &c->alloc, 16,
			      sizeof(*c->cell)))
			goto nomem;
		c->base = month;
		c->n = 1;
		memset(c->cell, 0, sizeof(*c->cell));
		return c->cell;
	}
	if (month < c->base) {
		size_t shift = (size_t)(c->base - month);

		if (mnr__grow((void **)&c->cell, &c->alloc, c->n + shift,
			      sizeof(*c->cell)))
			goto nomem;
		memmove(c->cell + shift, c->cell, c->n * sizeof(*c->cell));
		memset(c->cell, 0, shift * sizeof(*c->cell));
		c->n += shift;
		c->base = month;
	} else if ((size_t)(month - c->base) >= c->n) {
		size_t need = (size_t)(month - c->base) + 1;

		if (mnr__grow((void **)&c->cell, &c->alloc, need,
			      sizeof(*c->cell)))
			goto nomem;
		memset(c->cell + c->n, 0, (need - c->n) * sizeof(*c->cell));
		c->n = need;
	}
	return &c->cell[month - c->base];
nomem:
	mnr_error_set(err, MNR_ENOMEM, "out of memory");
	return NULL;
}

int agg_hist_add(struct agg_hist *h, uint32_t hour, uint64_t n)
{
	size_t lo, hi;

	if (hour < AGG_HIST_DENSE) {
		/*
		 * The dense part is allocated whole at a cell's first removal
		 * (4 KiB), so memory is the same whether a file fills it or
		 * not: it depends on the cells, not on the number of rows.
		 */
		if (!h->dense) {
			h->dense = mnr__calloc(AGG_HIST_DENSE, sizeof(*h->dense));
			if (!h->dense)
				return -1;
			h->ndense = AGG_HIST_DENSE;
		}
		h->dense[hour] += n;
		return 0;
	}
	lo = 0;
	hi = h->nsp;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (h->sp[mid].hour < hour)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < h->nsp && h->sp[lo].hour == hour) {
		h->sp[lo].n += n;
		return 0;
	}
	if (mnr__grow((void **)&h->sp, &h->asp, h->nsp + 1, sizeof(*h->sp)))
		return -1;
	memmove(h->sp + lo + 1, h->sp + lo, (h->nsp - lo) * sizeof(*h->sp));
	h->sp[lo].hour = hour;
	h->sp[lo].n = n;
	h->nsp++;
	return 0;
}

/* The value of 1-based rank k (k <= total) in the histogram. */
static uint32_t hist_rank(const struct agg_hist *h, uint64_t k)
{
	uint64_t seen = 0;
	size_t i;

	for (i = 0; i < h->ndense; i++) {
		seen += h->dense[i];
		if (seen >= k)
			return (uint32_t)i;
	}
	for (i = 0; i < h->nsp; i++) {
		seen += h->sp[i].n;
		if (seen >= k)
			return h->sp[i].hour;
	}
	return 0; /* not reached when k <= total */
}

/*
 * Median of the whole hours: the middle value, or the mean of the two
 * middle values when the count is even (the usual sample median, R's
 * median()).  n is the number of values in h (the cell's removed count).
 */
static double hist_median(const struct agg_hist *h, uint64_t n)
{
	if (n % 2)
		return hist_rank(h, n / 2 + 1);
	return ((double)hist_rank(h, n / 2) + (double)hist_rank(h, n / 2 + 1)) /
	       2.0;
}

/* ---- censoring tail ---------------------------------------------- */

static size_t tail_hash(int32_t country, int64_t t, size_t mask)
{
	uint64_t x = (uint64_t)t * 0x9E3779B97F4A7C15ULL ^
		     (uint64_t)(uint32_t)country * 0xC2B2AE3D27D4EB4FULL;

	x ^= x >> 29;
	return (size_t)x & mask;
}

static int tail_resize(struct mnr_agg *a, size_t size)
{
	struct agg_tail *old = a->tail, *nt;
	size_t oldn = a->atail, i;

	nt = mnr__malloc(mnr__size_mul(size, sizeof(*nt)));
	if (!nt)
		return -1;
	for (i = 0; i < size; i++)
		nt[i].country = -1;
	a->tail = nt;
	a->atail = size;
	for (i = 0; i < oldn; i++) {
		size_t j;

		if (old[i].country < 0)
			continue;
		j = tail_hash(old[i].country, old[i].t, size - 1);
		while (nt[j].country >= 0)
			j = (j + 1) & (size - 1);
		nt[j] = old[i];
	}
	mnr__free(old);
	return 0;
}

int agg_tail_add(struct mnr_agg *a, int country, int64_t t, uint64_t n,
		 uint64_t r24, uint64_t r72, struct mnr_error *err)
{
	size_t j;

	if ((a->ntail + 1) * 2 > a->atail &&
	    tail_resize(a, a->atail ? a->atail * 2 : 256))
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	j = tail_hash(country, t, a->atail - 1);
	while (a->tail[j].country >= 0) {
		if (a->tail[j].country == country && a->tail[j].t == t) {
			a->tail[j].n += n;
			a->tail[j].r24 += r24;
			a->tail[j].r72 += r72;
			return MNR_OK;
		}
		j = (j + 1) & (a->atail - 1);
	}
	a->tail[j].country = country;
	a->tail[j].t = t;
	a->tail[j].n = n;
	a->tail[j].r24 = r24;
	a->tail[j].r72 = r72;
	a->ntail++;
	if (a->ntail >= a->prune_at)
		return agg_prune(a, err);
	return MNR_OK;
}

/*
 * Settle n reports made at second t against as_of: a window that has
 * elapsed by as_of puts the reports in its denominator and those removed
 * within it in the numerator; an open window leaves them out of both
 * (the censoring rule, docs/distributed.md).
 */
static void settle_cell(struct agg_cell *cell, int64_t t, uint64_t n,
			uint64_t r24, uint64_t r72, int64_t as_of)
{
	if (t > as_of - AGG_DAY)
		return;
	cell->c[AC_ALL24_DEN] += n;
	cell->c[AC_ALL24_NUM] += r24;
	if (t <= as_of - AGG_3DAYS) {
		cell->c[AC_ALL72_DEN] += n;
		cell->c[AC_ALL72_NUM] += r72;
	}
}

static int settle(struct mnr_agg *a, int country, int64_t t, uint64_t n,
		  uint64_t r24, uint64_t r72, int64_t as_of,
		  struct mnr_error *err)
{
	struct agg_cell *cell;

	if (t > as_of - AGG_DAY)
		return MNR_OK;
	cell = agg_cell_get(a, country, mnr_month_of(t), err);
	if (!cell)
		return MNR_ENOMEM;
	settle_cell(cell, t, n, r24, r72, as_of);
	return MNR_OK;
}

/*
 * Settle every tail entry whose 72 h window has elapsed by the latest
 * date seen (the final as-of can only be later), and rebuild the table.
 * Run when the table has doubled since the last prune, so the work is
 * amortised O(1) per report and the table stays within twice the reports
 * of the last 72 hours.
 */
int agg_prune(struct mnr_agg *a, struct mnr_error *err)
{
	size_t i, kept = 0, size;
	struct agg_tail *old = a->tail;
	size_t oldn = a->atail;

	if (!a->has_max)
		return MNR_OK;
	for (i = 0; i < oldn; i++) {
		if (old[i].country < 0)
			continue;
		if (old[i].t <= a->max_time - AGG_3DAYS) {
			if (settle(a, old[i].country, old[i].t, old[i].n,
				   old[i].r24, old[i].r72, a->max_time, err))
				return MNR_ENOMEM;
			old[i].country = -1;
			a->ntail--;
		} else {
			kept++;
		}
	}
	size = 256;
	while (size < kept * 4)
		size *= 2;
	if (tail_resize(a, size))
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	a->prune_at = kept * 2 > 1024 ? kept * 2 : 1024;
	return MNR_OK;
}

void agg_note_time(struct mnr_agg *a, int64_t t)
{
	if (!a->has_max || t > a->max_time) {
		a->max_time = t;
		a->has_max = 1;
	}
}

int agg_options_equal(const struct mnr_agg_options *x,
		      const struct mnr_agg_options *y)
{
	return x->has_as_of == y->has_as_of &&
	       (!x->has_as_of || x->as_of == y->as_of) && x->from == y->from &&
	       x->to == y->to;
}

int agg_is_empty(const struct mnr_agg *a)
{
	return !a->has_max && a->ncountry == 0 && a->rows == 0 &&
	       a->dropped == 0;
}

/* ---- counting ---------------------------------------------------- */

int mnr_agg_add(struct mnr_agg *a, const struct mnr_case *c,
		struct mnr_error *err)
{
	return agg_add_at(a, c, mnr_month_of(c->reported), err);
}

int agg_add_at(struct mnr_agg *a, const struct mnr_case *c, int month,
	       struct mnr_error *err)
{
	int ci;
	struct agg_cell *cell;
	int64_t as_of = a->opt.as_of;
	int explicit = a->opt.has_as_of;
	int removed, closed;
	uint64_t r24 = 0, r72 = 0;

	if (a->finalised)
		return mnr_error_set(err, MNR_EINVAL, "aggregate is finalised");
	agg_note_time(a, c->reported);
	if (c->has_removed)
		agg_note_time(a, c->removed);
	if (c->has_closed)
		agg_note_time(a, c->closed);
	if ((explicit && c->reported > as_of) ||
	    (a->opt.from >= 0 && month < a->opt.from) ||
	    (a->opt.to >= 0 && month > a->opt.to)) {
		a->dropped++;
		return MNR_OK;
	}
	{
		int k = agg_code_key(c->country);

		ci = k >= 0 ? a->cidx[k] : -1;
	}
	if (ci < 0 && (ci = agg_country_index(a, c->country, err)) < 0)
		return err ? err->code : MNR_EINVAL;
	{
		struct agg_country *co = &a->country[ci];

		if (co->n && month >= co->base &&
		    (size_t)(month - co->base) < co->n)
			cell = &co->cell[month - co->base];
		else if (!(cell = agg_cell_get(a, ci, month, err)))
			return MNR_ENOMEM;
	}
	a->rows++;
	cell->c[AC_TOTAL]++;
	cell->c[AC_SRC0 + c->source]++;
	cell->c[AC_OUT0 + c->outcome]++;
	if (c->support == MNR_YES)
		cell->c[AC_SUP_YES]++;
	else if (c->support == MNR_NO)
		cell->c[AC_SUP_NO]++;
	if (c->suspect == MNR_YES)
		cell->c[AC_SUS_YES]++;
	else if (c->suspect == MNR_NO)
		cell->c[AC_SUS_NO]++;
	closed = c->has_closed && (!explicit || c->closed <= as_of);
	if (closed)
		cell->c[AC_CLOSED]++;
	removed = c->has_removed && (!explicit || c->removed <= as_of);
	if (removed) {
		int64_t d = c->removed - c->reported;

		cell->c[AC_REMOVED]++;
		r24 = d <= AGG_DAY;
		r72 = d <= AGG_3DAYS;
		cell->c[AC_REM24] += r24;
		cell->c[AC_REM72] += r72;
		if (d / 3600 > (int64_t)UINT32_MAX - 1 ||
		    agg_hist_add(&cell->hist, (uint32_t)(d / 3600), 1))
			return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	/*
	 * A removal within the window is always by the as-of time when the
	 * window has elapsed, so r24/r72 need no as-of test here.
	 */
	if (explicit) {
		settle_cell(cell, c->reported, 1, r24, r72, as_of);
		return MNR_OK;
	}
	if (c->reported <= a->max_time - AGG_3DAYS) {
		settle_cell(cell, c->reported, 1, r24, r72, a->max_time);
		return MNR_OK;
	}
	return agg_tail_add(a, ci, c->reported, 1, r24, r72, err);
}

/* ---- merging ----------------------------------------------------- */

int mnr_agg_merge(struct mnr_agg *dst, const struct mnr_agg *src,
		  struct mnr_error *err)
{
	size_t i, j, k;

	if (dst->finalised || src->finalised)
		return mnr_error_set(err, MNR_EINVAL, "aggregate is finalised");
	if (!agg_options_equal(&dst->opt, &src->opt)) {
		mnr_error_set(err, MNR_EDATA,
			      "partials made with different --as-of/--from/--to");
		mnr_error_rule(err, "partial-options");
		return MNR_EDATA;
	}
	if (src->has_max)
		agg_note_time(dst, src->max_time);
	dst->rows += src->rows;
	dst->dropped += src->dropped;
	for (i = 0; i < src->ncountry; i++) {
		const struct agg_country *sc = &src->country[i];
		int ci = agg_country_index(dst, sc->code, err);

		if (ci < 0)
			return MNR_ENOMEM;
		for (j = 0; j < sc->n; j++) {
			const struct agg_cell *s = &sc->cell[j];
			struct agg_cell *d;

			if (!s->c[AC_TOTAL])
				continue;
			d = agg_cell_get(dst, ci, sc->base + (int)j, err);
			if (!d)
				return MNR_ENOMEM;
			for (k = 0; k < AC_N; k++)
				d->c[k] += s->c[k];
			for (k = 0; k < s->hist.ndense; k++)
				if (s->hist.dense[k] &&
				    agg_hist_add(&d->hist, (uint32_t)k,
						 s->hist.dense[k]))
					return mnr_error_set(err, MNR_ENOMEM,
							     "out of memory");
			for (k = 0; k < s->hist.nsp; k++)
				if (agg_hist_add(&d->hist, s->hist.sp[k].hour,
						 s->hist.sp[k].n))
					return mnr_error_set(err, MNR_ENOMEM,
							     "out of memory");
		}
	}
	for (i = 0; i < src->atail; i++) {
		const struct agg_tail *t = &src->tail[i];
		int ci;

		if (t->country < 0)
			continue;
		ci = agg_country_index(dst, src->country[t->country].code, err);
		if (ci < 0 ||
		    agg_tail_add(dst, ci, t->t, t->n, t->r24, t->r72, err))
			return MNR_ENOMEM;
	}
	return MNR_OK;
}

int mnr_agg_finalise(struct mnr_agg *a, struct mnr_error *err)
{
	size_t i;

	if (a->finalised)
		return MNR_OK;
	a->as_of_final = a->opt.has_as_of ? a->opt.as_of
					  : (a->has_max ? a->max_time : 0);
	for (i = 0; i < a->atail; i++) {
		struct agg_tail *t = &a->tail[i];

		if (t->country < 0)
			continue;
		if (settle(a, t->country, t->t, t->n, t->r24, t->r72,
			   a->as_of_final, err))
			return MNR_ENOMEM;
		t->country = -1;
	}
	a->ntail = 0;
	a->finalised = 1;
	return MNR_OK;
}

unsigned long long mnr_agg_rows(const struct mnr_agg *a)
{
	return a->rows;
}

unsigned long long mnr_agg_dropped(const struct mnr_agg *a)
{
	return a->dropped;
}

int mnr_agg_as_of(const struct mnr_agg *a, int64_t *as_of)
{
	if (a->opt.has_as_of)
		*as_of = a->opt.as_of;
	else
		*as_of = a->has_max ? a->max_time : 0;
	return a->opt.has_as_of || a->has_max;
}

size_t mnr_agg_ncountries(const struct mnr_agg *a)
{
	size_t i, j, n = 0;

	for (i = 0; i < a->ncountry; i++)
		for (j = 0; j < a->country[i].n; j++)
			if (a->country[i].cell[j].c[AC_TOTAL]) {
				n++;
				break;
			}
	return n;
}

/* ---- panel values ------------------------------------------------ */

static int ratio(uint64_t num, uint64_t den, double *v)
{
	if (!den)
		return 0;
	*v = (double)num / (double)den;
	return 1;
}

/*
 * Metric m (index into mnr_agg_metric_names) of a cell; returns 1 and
 * sets *v, or 0 for an empty value.  *is_count says the value is an
 * integer count.
 */
static int metric_value(const struct agg_cell *cl, size_t m, double *v,
			int *is_count)
{
	const uint64_t *c = cl->c;

	*is_count = 1;
	switch (m) {
	case 0: *v = (double)c[AC_CLOSED]; return 1;
	case 1: *v = (double)c[AC_OUT0 + MNR_OUT_CHARGED]; return 1;
	case 2: *v = (double)c[AC_OUT0 + MNR_OUT_NFA]; return 1;
	case 3: *v = (double)c[AC_OUT0 + MNR_OUT_OPEN]; return 1;
	case 4: *v = (double)c[AC_OUT0 + MNR_OUT_REFERRED]; return 1;
	case 5: *v = (double)c[AC_OUT0 + MNR_OUT_UNKNOWN]; return 1;
	case 6:
		*is_count = 0;
		if (!c[AC_REMOVED])
			return 0;
		*v = hist_median(&cl->hist, c[AC_REMOVED]);
		return 1;
	case 7: *is_count = 0; return ratio(c[AC_ALL24_NUM], c[AC_ALL24_DEN], v);
	case 8: *is_count = 0; return ratio(c[AC_REM24], c[AC_REMOVED], v);
	case 9: *is_count = 0; return ratio(c[AC_ALL72_NUM], c[AC_ALL72_DEN], v);
	case 10: *is_count = 0; return ratio(c[AC_REM72], c[AC_REMOVED], v);
	case 11: *v = (double)c[AC_SRC0 + MNR_SRC_HELPLINE]; return 1;
	case 12: *v = (double)c[AC_SRC0 + MNR_SRC_HOTLINE]; return 1;
	case 13: *v = (double)c[AC_SRC0 + MNR_SRC_INDUSTRY]; return 1;
	case 14: *v = (double)c[AC_SRC0 + MNR_SRC_OTHER]; return 1;
	case 15: *v = (double)c[AC_SRC0 + MNR_SRC_POLICE]; return 1;
	case 16: *v = (double)c[AC_REMOVED]; return 1;
	case 17: *v = (double)c[AC_TOTAL]; return 1;
	case 18: *v = (double)(c[AC_SUP_YES] + c[AC_SUP_NO]); return 1;
	case 19: *v = (double)c[AC_SUP_YES]; return 1;
	case 20: *v = (double)(c[AC_SUS_YES] + c[AC_SUS_NO]); return 1;
	case 21: *v = (double)c[AC_SUS_YES]; return 1;
	default: return 0;
	}
}

/* The months a country's grid spans: explicit --from/--to or its data. */
static int country_span(const struct mnr_agg *a, const struct agg_country *c,
			int *first, int *last)
{
	size_t j;
	int lo = -1, hi = -1;

	for (j = 0; j < c->n; j++)
		if (c->cell[j].c[AC_TOTAL]) {
			if (lo < 0)
				lo = c->base + (int)j;
			hi = c->base + (int)j;
		}
	if (lo < 0)
		return 0;
	*first = a->opt.from >= 0 ? a->opt.from : lo;
	*last = a->opt.to >= 0 ? a->opt.to : hi;
	return 1;
}

static const struct agg_cell zero_cell;

static const struct agg_cell *cell_at(const struct agg_country *c, int month)
{
	if (month < c->base || (size_t)(month - c->base) >= c->n)
		return &zero_cell;
	return &c->cell[month - c->base];
}

int mnr_agg_value(struct mnr_agg *a, const char *country, int month,
		  const char *metric, double *value, int *defined,
		  struct mnr_error *err)
{
	size_t m;
	int k, first, last, is_count;
	const struct agg_country *c;

	for (m = 0; m < MNR_AGG_NMETRICS; m++)
		if (strcmp(mnr_agg_metric_names[m], metric) == 0)
			break;
	if (m == MNR_AGG_NMETRICS)
		return mnr_error_set(err, MNR_EINVAL, "unknown metric '%s'",
				     metric);
	if (mnr_agg_finalise(a, err))
		return MNR_ENOMEM;
	*defined = 0;
	k = strlen(country) == 3 ? agg_code_key(country) : -1;
	if (k < 0 || a->cidx[k] < 0)
		return MNR_OK;
	c = &a->country[a->cidx[k]];
	if (!country_span(a, c, &first, &last) || month < first || month > last)
		return MNR_OK;
	*defined = metric_value(cell_at(c, month), m, value, &is_count);
	return MNR_OK;
}

/* ---- population -------------------------------------------------- */

struct pop_entry {
	char code[4];
	int year;
	double pop;
	unsigned long line;
};

struct mnr_population {
	struct pop_entry *e;
	size_t n, alloc;
};

struct pop_ctx {
	struct mnr_population *p;
	const struct mnr_colmap *map;
	long idx[3];
};

static int pop_row(void *ud, const struct mnr_csv_row *row,
		   struct mnr_error *err)
{
	static const char *const names[3] = { "country", "year",
					      "population" };
	static const int req[3] = { 1, 1, 1 };
	struct pop_ctx *x = ud;
	struct pop_entry *e;
	struct mnr_error fe;
	int64_t year;
	double v;

	if (row->is_header)
		return mnr_csv_bind(row, names, req, 3, x->map, x->idx, err);
	if (mnr__grow((void **)&x->p->e, &x->p->alloc, x->p->n + 1,
		      sizeof(*x->p->e)))
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	e = &x->p->e[x->p->n];
	mnr_error_clear(&fe);
	if (mnr_parse_country(row->field[x->idx[0]], row->len[x->idx[0]], &fe))
		return mnr_csv_field_error(row, (size_t)x->idx[0], err,
					   MNR_EDATA, fe.rule, "country: %s",
					   fe.msg);
	mnr_error_clear(&fe);
	if (mnr_parse_int64(row->field[x->idx[1]], row->len[x->idx[1]], &year,
			    &fe) || year < 1900 || year > 2199)
		return mnr_csv_field_error(row, (size_t)x->idx[1], err,
					   MNR_EDATA, "year",
					   "year: not a year in 1900-2199");
	mnr_error_clear(&fe);
	if (mnr_parse_decimal(row->field[x->idx[2]], row->len[x->idx[2]], &v,
			      &fe))
		return mnr_csv_field_error(row, (size_t)x->idx[2], err,
					   MNR_EDATA, fe.rule,
					   "population: %s", fe.msg);
	if (!(v > 0))
		return mnr_csv_field_error(row, (size_t)x->idx[2], err,
					   MNR_EDATA, "population",
					   "population: must be positive");
	memcpy(e->code, row->field[x->idx[0]], 4);
	e->year = (int)year;
	e->pop = v;
	e->line = row->line;
	x->p->n++;
	return MNR_OK;
}

static int pop_cmp(const void *x, const void *y)
{
	const struct pop_entry *a = x, *b = y;
	int c = memcmp(a->code, b->code, 3);

	if (c)
		return c;
	return (a->year > b->year) - (a->year < b->year);
}

int mnr_population_read(const char *path, const struct mnr_colmap *map,
			struct mnr_population **out, struct mnr_error *err)
{
	struct pop_ctx x;
	struct mnr_csv_options o;
	size_t i;
	int st;

	memset(&x, 0, sizeof(x));
	x.map = map;
	if (!(x.p = mnr__calloc(1, sizeof(*x.p))))
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	mnr_csv_options_init(&o);
	st = mnr_csv_read_path(path, &o, pop_row, &x, err);
	if (st) {
		mnr_population_free(x.p);
		return st;
	}
	qsort(x.p->e, x.p->n, sizeof(*x.p->e), pop_cmp);
	for (i = 1; i < x.p->n; i++)
		if (pop_cmp(&x.p->e[i - 1], &x.p->e[i]) == 0) {
			unsigned long l = x.p->e[i - 1].line > x.p->e[i].line
						  ? x.p->e[i - 1].line
						  : x.p->e[i].line;

			mnr_population_free(x.p);
			return mnr_error_set_at(err, MNR_EDATA, path, l, 0, 0,
						"duplicate",
						"repeated country and year");
		}
	*out = x.p;
	return MNR_OK;
}

void mnr_population_free(struct mnr_population *p)
{
	if (!p)
		return;
	mnr__free(p->e);
	mnr__free(p);
}

static const struct pop_entry *pop_find(const struct mnr_population *p,
					const char *code, int year)
{
	struct pop_entry key;

	memcpy(key.code, code, 4);
	key.year = year;
	return bsearch(&key, p->e, p->n, sizeof(*p->e), pop_cmp);
}

/* ---- panel writer ------------------------------------------------ */

static int country_cmp(const void *x, const void *y)
{
	const struct agg_country *const *a = x, *const *b = y;

	return strcmp((*a)->code, (*b)->code);
}

int mnr_agg_write_panel(struct mnr_agg *a, const struct mnr_population *pop,
			FILE *fp, struct mnr_error *err)
{
	const struct agg_country **order;
	size_t i, m;
	int month, first, last, is_count;
	char mbuf[16], vbuf[64], pbuf[64];
	double v;

	if (mnr_agg_finalise(a, err))
		return MNR_ENOMEM;
	order = mnr__malloc(mnr__size_mul(a->ncountry + 1, sizeof(*order)));
	if (!order)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	for (i = 0; i < a->ncountry; i++)
		order[i] = &a->country[i];
	qsort(order, a->ncountry, sizeof(*order), country_cmp);
	fputs(pop ? "country,month,metric,value,population\n"
		  : "country,month,metric,value\n", fp);
	for (i = 0; i < a->ncountry; i++) {
		const struct agg_country *c = order[i];

		if (!country_span(a, c, &first, &last))
			continue;
		for (month = first; month <= last; month++) {
			const struct agg_cell *cl = cell_at(c, month);

			mnr_month_format(month, mbuf, sizeof(mbuf));
			pbuf[0] = '\0';
			if (pop) {
				const struct pop_entry *pe =
					pop_find(pop, c->code, month / 12);

				if (pe)
					snprintf(pbuf, sizeof(pbuf), ",%.15g",
						 pe->pop);
				else
					memcpy(pbuf, ",", 2);
			}
			for (m = 0; m < MNR_AGG_NMETRICS; m++) {
				vbuf[0] = '\0';
				if (metric_value(cl, m, &v, &is_count))
					snprintf(vbuf, sizeof(vbuf),
						 is_count ? "%.0f" : "%.10g", v);
				fprintf(fp, "%s,%s,%s,%s%s\n", c->code, mbuf,
					mnr_agg_metric_names[m], vbuf, pbuf);
			}
		}
	}
	mnr__free(order);
	if (ferror(fp))
		return mnr_error_set(err, MNR_EIO, "write error");
	return MNR_OK;
}
