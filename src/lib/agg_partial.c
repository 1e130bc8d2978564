/*
 * The partial-aggregate text format (aggregate layer): what
 * `aggregate --partial` writes and `merge` reads.  Line-oriented, space
 * separated, integers only, so a merge is exact; the full grammar is in
 * docs/distributed.md.  Version 1:
 *
 *   mnrstat-partial 1
 *   as_of -|SECONDS          (explicit as-of, UTC seconds; - = from data)
 *   from -|YYYY-MM
 *   to -|YYYY-MM
 *   max_time -|SECONDS       (latest date seen)
 *   rows N
 *   dropped N
 *   counters NAME...         (the column names of the cell lines)
 *   cell CCC YYYY-MM N...    (one per non-empty cell)
 *   hist CCC YYYY-MM H:N...  (removal hours of a cell with removals)
 *   tail CCC SECONDS N R24 R72 (reports whose 72 h window is still open)
 *   end CELLS HISTS TAILS
 *
 * A stream may hold several partials one after another (a reducer reading
 * the concatenated outputs of many mappers).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg_internal.h"
#include "alloc_internal.h"
#include "mnrstat/fields.h"
#include "banned.h"

#define PARTIAL_MAGIC "mnrstat-partial"
#define PARTIAL_VERSION 1

static int country_cmp(const void *x, const void *y)
{
	const struct agg_country *const *a = x, *const *b = y;

	return strcmp((*a)->code, (*b)->code);
}

struct tail_ref {
	const char *code;
	const struct agg_tail *t;
};

static int tail_cmp(const void *x, const void *y)
{
	const struct tail_ref *a = x, *b = y;
	int c = strcmp(a->code, b->code);

	if (c)
		return c;
	return (a->t->t > b->t->t) - (a->t->t < b->t->t);
}

static void put_month_opt(FILE *fp, const char *key, int month)
{
	char buf[16];

	if (month < 0) {
		fprintf(fp, "%s -\n", key);
		return;
	}
	mnr_month_format(month, buf, sizeof(buf));
	fprintf(fp, "%s %s\n", key, buf);
}

int mnr_agg_write_partial(struct mnr_agg *a, FILE *fp, struct mnr_error *err)
{
	const struct agg_country **order;
	struct tail_ref *tails;
	size_t i, j, k, nt = 0;
	unsigned long ncell = 0, nhist = 0;
	char mbuf[16];

	if (a->finalised)
		return mnr_error_set(err, MNR_EINVAL, "aggregate is finalised");
	if (agg_prune(a, err))
		return MNR_ENOMEM;
	order = mnr__malloc(mnr__size_mul(a->ncountry + 1, sizeof(*order)));
	tails = mnr__malloc(mnr__size_mul(a->ntail + 1, sizeof(*tails)));
	if (!order || !tails) {
		mnr__free(order);
		mnr__free(tails);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	for (i = 0; i < a->ncountry; i++)
		order[i] = &a->country[i];
	qsort(order, a->ncountry, sizeof(*order), country_cmp);
	for (i = 0; i < a->atail; i++)
		if (a->tail[i].country >= 0) {
			tails[nt].code = a->country[a->tail[i].country].code;
			tails[nt].t = &a->tail[i];
			nt++;
		}
	qsort(tails, nt, sizeof(*tails), tail_cmp);

	fprintf(fp, "%s %d\n", PARTIAL_MAGIC, PARTIAL_VERSION);
	if (a->opt.has_as_of)
		fprintf(fp, "as_of %" PRId64 "\n", a->opt.as_of);
	else
		fputs("as_of -\n", fp);
	put_month_opt(fp, "from", a->opt.from);
	put_month_opt(fp, "to", a->opt.to);
	if (a->has_max)
		fprintf(fp, "max_time %" PRId64 "\n", a->max_time);
	else
		fputs("max_time -\n", fp);
	fprintf(fp, "rows %llu\ndropped %llu\ncounters", a->rows, a->dropped);
	for (k = 0; k < AC_N; k++)
		fprintf(fp, " %s", agg_counter_names[k]);
	fputc('\n', fp);
	for (i = 0; i < a->ncountry; i++) {
		const struct agg_country *c = order[i];

		for (j = 0; j < c->n; j++) {
			const struct agg_cell *cl = &c->cell[j];

			if (!cl->c[AC_TOTAL])
				continue;
			mnr_month_format(c->base + (int)j, mbuf, sizeof(mbuf));
			fprintf(fp, "cell %s %s", c->code, mbuf);
			for (k = 0; k < AC_N; k++)
				fprintf(fp, " %" PRIu64, cl->c[k]);
			fputc('\n', fp);
			ncell++;
			if (!cl->c[AC_REMOVED])
				continue;
			fprintf(fp, "hist %s %s", c->code, mbuf);
			for (k = 0; k < cl->hist.ndense; k++)
				if (cl->hist.dense[k])
					fprintf(fp, " %zu:%" PRIu64, k,
						cl->hist.dense[k]);
			for (k = 0; k < cl->hist.nsp; k++)
				fprintf(fp, " %" PRIu32 ":%" PRIu64,
					cl->hist.sp[k].hour, cl->hist.sp[k].n);
			fputc('\n', fp);
			nhist++;
		}
	}
	for (i = 0; i < nt; i++)
		fprintf(fp, "tail %s %" PRId64 " %" PRIu64 " %" PRIu64 " %" PRIu64
			"\n", tails[i].code, tails[i].t->t, tails[i].t->n,
			tails[i].t->r24, tails[i].t->r72);
	fprintf(fp, "end %lu %lu %zu\n", ncell, nhist, nt);
	mnr__free(order);
	mnr__free(tails);
	if (ferror(fp))
		return mnr_error_set(err, MNR_EIO, "write error");
	return MNR_OK;
}

/* ---- reading ----------------------------------------------------- */

struct preader {
	const char *path;
	unsigned long line;
	char **tok;
	size_t ntok, atok;
	struct mnr_error *err;
};

static int bad(struct preader *p, const char *what)
{
	return mnr_error_set_at(p->err, MNR_EDATA, p->path, p->line, 0, 0,
				"partial-format", "malformed partial: %s", what);
}

/* Split in place at single spaces (-1: out of memory). */
static int split(struct preader *p, char *s)
{
	p->ntok = 0;
	for (;;) {
		char *sp = strchr(s, ' ');

		if (mnr__grow((void **)&p->tok, &p->atok, p->ntok + 1,
			      sizeof(*p->tok)))
			return -1;
		p->tok[p->ntok++] = s;
		if (!sp)
			return 0;
		*sp = '\0';
		s = sp + 1;
	}
}

static int u64(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long x;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*v = x;
	return 0;
}

static int i64(const char *s, int64_t *v)
{
	char *end;
	long long x;

	if (!((*s >= '0' && *s <= '9') || (*s == '-' && s[1] >= '0' &&
					   s[1] <= '9')))
		return -1;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*v = x;
	return 0;
}

static int month_opt(const char *s, int *m)
{
	if (strcmp(s, "-") == 0) {
		*m = -1;
		return 0;
	}
	return mnr_parse_month(s, strlen(s), m, NULL) ? -1 : 0;
}

/* Country and month of a cell/hist line; the cell is created if asked. */
static struct agg_cell *line_cell(struct preader *p, struct mnr_agg *t,
				  int create)
{
	int month, ci, k;
	struct agg_country *c;

	if (!mnr_country_valid(p->tok[1], strlen(p->tok[1])) ||
	    mnr_parse_month(p->tok[2], strlen(p->tok[2]), &month, NULL)) {
		bad(p, "bad country or month");
		return NULL;
	}
	k = agg_code_key(p->tok[1]);
	if (!create) {
		if (t->cidx[k] < 0)
			goto missing;
		c = &t->country[t->cidx[k]];
		if (month < c->base || (size_t)(month - c->base) >= c->n ||
		    !c->cell[month - c->base].c[AC_TOTAL])
			goto missing;
		return &c->cell[month - c->base];
	}
	ci = agg_country_index(t, p->tok[1], p->err);
	if (ci < 0)
		return NULL;
	c = &t->country[ci];
	if (c->n && month >= c->base && (size_t)(month - c->base) < c->n &&
	    c->cell[month - c->base].c[AC_TOTAL]) {
		bad(p, "repeated cell");
		return NULL;
	}
	return agg_cell_get(t, ci, month, p->err);
missing:
	bad(p, "hist line without its cell");
	return NULL;
}

static int parse_partial(struct preader *p, FILE *fp, struct mnr_agg *t)
{
	char *buf = NULL;
	size_t cap = 0, k;
	ssize_t n;
	int stage = 0, st = MNR_OK;
	uint64_t ends[3] = { 0, 0, 0 }, v;
	int64_t x;
	int done = 0;

	/* Header keys in their fixed order. */
	static const char *const keys[] = { PARTIAL_MAGIC, "as_of", "from",
					    "to", "max_time", "rows",
					    "dropped", "counters" };

	while ((n = getline(&buf, &cap, fp)) > 0) {
		p->line++;
		if (buf[n - 1] != '\n') {
			st = bad(p, "missing newline at end");
			break;
		}
		buf[n - 1] = '\0';
		if (split(p, buf)) {
			st = mnr_error_set(p->err, MNR_ENOMEM, "out of memory");
			break;
		}
		if (stage < 8) {
			if (strcmp(p->tok[0], keys[stage]) != 0 ||
			    (stage != 7 && p->ntok != 2)) {
				st = bad(p, stage == 0 ? "not a partial aggregate (no 'mnrstat-partial' line)"
						       : "header line out of order");
				break;
			}
			switch (stage) {
			case 0:
				if (strcmp(p->tok[1], "1") != 0)
					st = bad(p, "unsupported version");
				break;
			case 1:
				t->opt.has_as_of = strcmp(p->tok[1], "-") != 0;
				if (t->opt.has_as_of &&
				    i64(p->tok[1], &t->opt.as_of))
					st = bad(p, "bad as_of");
				break;
			case 2:
				if (month_opt(p->tok[1], &t->opt.from))
					st = bad(p, "bad from");
				break;
			case 3:
				if (month_opt(p->tok[1], &t->opt.to))
					st = bad(p, "bad to");
				break;
			case 4:
				if (strcmp(p->tok[1], "-") != 0) {
					if (i64(p->tok[1], &x))
						st = bad(p, "bad max_time");
					else
						agg_note_time(t, x);
				}
				break;
			case 5:
				if (u64(p->tok[1], &v))
					st = bad(p, "bad rows");
				else
					t->rows = v;
				break;
			case 6:
				if (u64(p->tok[1], &v))
					st = bad(p, "bad dropped");
				else
					t->dropped = v;
				break;
			case 7:
				if (p->ntok != AC_N + 1) {
					st = bad(p, "counter list differs");
					break;
				}
				for (k = 0; k < AC_N; k++)
					if (strcmp(p->tok[k + 1],
						   agg_counter_names[k]))
						st = bad(p,
							 "counter list differs");
				break;
			}
			if (st)
				break;
			stage++;
			continue;
		}
		if (strcmp(p->tok[0], "cell") == 0 && p->ntok == AC_N + 3) {
			struct agg_cell *c = line_cell(p, t, 1);

			if (!c) {
				st = p->err->code;
				break;
			}
			for (k = 0; k < AC_N; k++)
				if (u64(p->tok[k + 3], &c->c[k]))
					break;
			if (k < AC_N || !c->c[AC_TOTAL]) {
				st = bad(p, "bad cell counts");
				break;
			}
			ends[0]++;
		} else if (strcmp(p->tok[0], "hist") == 0 && p->ntok >= 4) {
			struct agg_cell *c = line_cell(p, t, 0);
			uint64_t sum = 0;

			if (!c) {
				st = p->err->code;
				break;
			}
			if (c->hist.ndense || c->hist.nsp) {
				st = bad(p, "repeated hist line");
				break;
			}
			for (k = 3; k < p->ntok; k++) {
				char *colon = strchr(p->tok[k], ':');
				uint64_t h;

				if (!colon) {
					st = bad(p, "bad hist entry");
					break;
				}
				*colon = '\0';
				if (u64(p->tok[k], &h) || u64(colon + 1, &v) ||
				    h > UINT32_MAX || !v) {
					st = bad(p, "bad hist entry");
					break;
				}
				if (agg_hist_add(&c->hist, (uint32_t)h, v)) {
					st = mnr_error_set(p->err, MNR_ENOMEM,
							   "out of memory");
					break;
				}
				sum += v;
			}
			if (st)
				break;
			if (sum != c->c[AC_REMOVED]) {
				st = bad(p, "hist total differs from removed count");
				break;
			}
			ends[1]++;
		} else if (strcmp(p->tok[0], "tail") == 0 && p->ntok == 6) {
			uint64_t nn, r24, r72;
			int ci;

			if (!mnr_country_valid(p->tok[1], strlen(p->tok[1])) ||
			    i64(p->tok[2], &x) || u64(p->tok[3], &nn) ||
			    u64(p->tok[4], &r24) || u64(p->tok[5], &r72) ||
			    !nn || r24 > r72 || r72 > nn) {
				st = bad(p, "bad tail line");
				break;
			}
			ci = agg_country_index(t, p->tok[1], p->err);
			if (ci < 0) {
				st = MNR_ENOMEM;
				break;
			}
			/* Its report is counted in a cell written above. */
			{
				struct agg_country *c = &t->country[ci];
				int m = mnr_month_of(x);

				if (!c->n || m < c->base ||
				    (size_t)(m - c->base) >= c->n ||
				    !c->cell[m - c->base].c[AC_TOTAL]) {
					st = bad(p, "tail line without its cell");
					break;
				}
			}
			if ((st = agg_tail_add(t, ci, x, nn, r24, r72, p->err)))
				break;
			ends[2]++;
		} else if (strcmp(p->tok[0], "end") == 0 && p->ntok == 4) {
			for (k = 0; k < 3; k++)
				if (u64(p->tok[k + 1], &v) || v != ends[k])
					break;
			if (k < 3) {
				st = bad(p, "line counts differ from the end line (truncated?)");
				break;
			}
			done = 1;
			break; /* another partial may follow in the stream */
		} else {
			st = bad(p, "unknown line");
			break;
		}
	}
	free(buf); /* getline's buffer comes from malloc */
	if (!st && ferror(fp)) {
		st = mnr_error_set_at(p->err, MNR_EIO, p->path, 0, 0, 0, NULL,
				      "read error: %s", strerror(errno));
	}
	if (!st && !done) {
		p->line++;
		st = bad(p, stage == 0 ? "empty file" : "no end line (truncated?)");
	}
	if (!st) {
		/* Every cell with removals needs its histogram. */
		size_t i, j;

		for (i = 0; i < t->ncountry && !st; i++)
			for (j = 0; j < t->country[i].n; j++) {
				const struct agg_cell *c = &t->country[i].cell[j];

				if (c->c[AC_REMOVED] && !c->hist.ndense &&
				    !c->hist.nsp) {
					st = bad(p, "a cell with removals has no hist line");
					break;
				}
			}
	}
	return st;
}

int mnr_agg_read_partial(struct mnr_agg *a, const char *path,
			 int adopt_options, struct mnr_error *err)
{
	struct preader p;
	struct mnr_agg *t;
	FILE *fp;
	int st;

	memset(&p, 0, sizeof(p));
	p.path = strcmp(path, "-") == 0 ? "<stdin>" : path;
	p.err = err;
	if (strcmp(path, "-") == 0) {
		fp = stdin;
	} else if (!(fp = fopen(path, "r"))) {
		int e = errno;

		st = mnr_error_set_at(err, MNR_ENOINPUT, path, 0, 0, 0, NULL,
				      "cannot open: %s", strerror(e));
		if (err)
			err->sys_errno = e;
		return st;
	}
	/* A stream may hold several partials one after another. */
	for (;;) {
		int ch;
		unsigned long first = p.line + 1; /* its mnrstat-partial line */

		if ((st = mnr_agg_alloc(&t, &a->opt, err)))
			break;
		st = parse_partial(&p, fp, t);
		if (!st && adopt_options && !a->opts_adopted &&
		    agg_is_empty(a)) {
			a->opts_adopted = 1;
			a->opt.has_as_of = t->opt.has_as_of;
			a->opt.as_of = t->opt.as_of;
			a->opt.from = t->opt.from;
			a->opt.to = t->opt.to;
		}
		if (!st && (st = mnr_agg_merge(a, t, err)) == MNR_EDATA)
			mnr_error_locate(err, p.path, first, 0, 0);
		mnr_agg_free(t);
		if (st || (ch = getc(fp)) == EOF)
			break;
		ungetc(ch, fp);
	}
	if (!st && ferror(fp))
		st = mnr_error_set_at(err, MNR_EIO, p.path, 0, 0, 0, NULL,
				      "read error: %s", strerror(errno));
	mnr__free(p.tok);
	if (fp != stdin)
		fclose(fp);
	return st;
}
