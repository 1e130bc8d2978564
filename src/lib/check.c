/*
 * The `check` engine (check layer): one streaming pass over a CSV file
 * through the base reader, validating every field with the typed parsers,
 * scanning every value for direct identifiers and counting quasi-identifier
 * groups for k-anonymity.  Problems are counted per rule; only the first
 * few positions of each rule are kept, so memory does not grow with the
 * number of problems.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_internal.h"
#include "mnrstat/cases.h"
#include "mnrstat/check.h"
#include "mnrstat/fields.h"
#include "banned.h"

static const char *const schema_names[] = {
	"auto", "cases", "panel", "adoption", "unknown" };

const char *mnr_check_schema_name(int schema)
{
	if (schema < 0 || schema > MNR_SCHEMA_UNKNOWN)
		return "unknown";
	return schema_names[schema];
}

int mnr_check_schema_parse(const char *name)
{
	int i;

	for (i = MNR_SCHEMA_AUTO; i < MNR_SCHEMA_UNKNOWN; i++)
		if (strcmp(name, schema_names[i]) == 0)
			return i;
	return -1;
}

void mnr_check_options_init(struct mnr_check_options *o)
{
	memset(o, 0, sizeof(*o));
	o->schema = MNR_SCHEMA_AUTO;
	o->k = 5;
	o->max_positions = MNR_CHECK_MAX_POS;
	mnr_csv_options_init(&o->csv);
}

/* ------------------------------------------------------ group table */

/*
 * Open-addressing hash table (linear probing, load <= 1/2) of byte-string
 * keys, which live in one growing arena.  Used for the k-anonymity groups
 * and for duplicate panel cells / adoption countries.  FNV-1a 64-bit hash.
 */
struct group {
	uint64_t hash;
	size_t off;                 /* key offset in the arena */
	size_t len;
	unsigned long long count;
	unsigned long line;         /* first row of the group */
	unsigned long column;
	unsigned long field;
};

struct gtable {
	struct group *slot;
	size_t cap;                 /* power of two; 0 = empty table */
	size_t n;
	char *arena;
	size_t arena_len, arena_alloc;
};

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void gtable_free(struct gtable *t)
{
	mnr__free(t->slot);
	mnr__free(t->arena);
	memset(t, 0, sizeof(*t));
}

static int gtable_rehash(struct gtable *t, size_t cap)
{
	struct group *ns = mnr__calloc(cap, sizeof(*ns));
	size_t i;

	if (!ns)
		return -1;
	for (i = 0; i < t->cap; i++) {
		size_t j;

		if (!t->slot[i].count)
			continue;
		j = (size_t)t->slot[i].hash & (cap - 1);
		while (ns[j].count)
			j = (j + 1) & (cap - 1);
		ns[j] = t->slot[i];
	}
	mnr__free(t->slot);
	t->slot = ns;
	t->cap = cap;
	return 0;
}

/*
 * Find key in t, inserting it with count 0 when absent; *g receives the
 * entry (valid until the next insertion).  Returns 0 or -1 (no memory).
 */
static int gtable_get(struct gtable *t, const char *key, size_t len,
		      struct group **g)
{
	uint64_t h = fnv1a(key, len);
	size_t j;

	if ((t->n + 1) * 2 > t->cap &&
	    gtable_rehash(t, t->cap ? t->cap * 2 : 64))
		return -1;
	j = (size_t)h & (t->cap - 1);
	while (t->slot[j].count) {
		struct group *e = &t->slot[j];

		if (e->hash == h && e->len == len &&
		    memcmp(t->arena + e->off, key, len) == 0) {
			*g = e;
			return 0;
		}
		j = (j + 1) & (t->cap - 1);
	}
	if (mnr__grow((void **)&t->arena, &t->arena_alloc,
		      t->arena_len + len + 1, 1))
		return -1;
	memcpy(t->arena + t->arena_len, key, len);
	t->slot[j].hash = h;
	t->slot[j].off = t->arena_len;
	t->slot[j].len = len;
	t->slot[j].count = 0;
	t->arena_len += len;
	t->n++;
	*g = &t->slot[j];
	return 0;
}

/* ------------------------------------------------------ check state */

enum { COL_KNOWN = 1, COL_AGE = 2, COL_ID = 4 };

enum { P_COUNTRY, P_MONTH, P_METRIC, P_VALUE, P_POP, P_NOISE, P_NCOL };
static const char *const panel_cols[P_NCOL] = {
	"country", "month", "metric", "value", "population", "noise_variance" };
static const int panel_req[P_NCOL] = { 1, 1, 1, 1, 0, 0 };

enum { A_COUNTRY, A_START, A_NCOL };
static const char *const adoption_cols[A_NCOL] = { "country", "mnr_start" };
static const int adoption_req[A_NCOL] = { 1, 1 };

static const char *const default_qi[] = {
	"country", "month", "victim_age_band", "source" };

struct check {
	const struct mnr_check_options *opt;
	struct mnr_check_result *res;
	int status;               /* MNR_ENOMEM stops the run */
	int bound;                /* header bound to the schema */
	unsigned long header_line;
	struct mnr_case_schema cs;
	long idx[P_NCOL];         /* panel or adoption columns */
	unsigned char *colflag;
	size_t ncols;
	int kanon;                /* counting groups */
	size_t nqi;
	long qi_col[MNR_CHECK_MAX_QI];
	int qi_month[MNR_CHECK_MAX_QI]; /* month of this date column */
	struct gtable groups;     /* k-anonymity groups */
	struct gtable cells;      /* panel cells / adoption countries */
	char *key;
	size_t key_len, key_alloc;
	unsigned long long row_schema; /* schema findings in the current row */
	int rep_ok;               /* reported_at of the current row parsed */
	int64_t rep;              /* its UTC time */
};

/* Position order: line, then column. */
static int pos_before(const struct mnr_check_finding *a,
		      unsigned long line, unsigned long column)
{
	return a->line < line || (a->line == line && a->column < column);
}

static struct mnr_check_rule *rule_slot(struct check *ck, const char *rule,
					int severity)
{
	struct mnr_check_result *r = ck->res;
	size_t i;

	for (i = 0; i < r->nrules; i++)
		if (strcmp(r->rule[i].rule, rule) == 0)
			return &r->rule[i];
	if (r->nrules == MNR_CHECK_MAX_RULES) {
		/* The table is full: count the rest under the last slot. */
		struct mnr_check_rule *o = &r->rule[MNR_CHECK_MAX_RULES - 1];

		snprintf(o->rule, sizeof(o->rule), "other");
		return o;
	}
	i = r->nrules++;
	snprintf(r->rule[i].rule, sizeof(r->rule[i].rule), "%s", rule);
	r->rule[i].severity = severity;
	return &r->rule[i];
}

/*
 * Does a finding at this line still make the kept positions?  Used to
 * skip computing columns for findings that will only be counted.
 */
static int wants_position(struct check *ck, const char *rule,
			  unsigned long line)
{
	const struct mnr_check_result *r = ck->res;
	size_t i;

	for (i = 0; i < r->nrules; i++)
		if (strcmp(r->rule[i].rule, rule) == 0) {
			const struct mnr_check_rule *e = &r->rule[i];

			return e->npos < ck->opt->max_positions ||
			       e->pos[e->npos - 1].line >= line;
		}
	return 1;
}

static void vadd(struct check *ck, const char *rule, int severity,
		 unsigned long line, unsigned long column, unsigned long field,
		 const char *fmt, va_list ap) __attribute__((format(printf, 7, 0)));
static void vadd(struct check *ck, const char *rule, int severity,
		 unsigned long line, unsigned long column, unsigned long field,
		 const char *fmt, va_list ap)
{
	struct mnr_check_rule *e = rule_slot(ck, rule, severity);
	struct mnr_check_finding *f = NULL;
	size_t maxp = ck->opt->max_positions, k;

	e->count++;
	if (severity == MNR_CHECK_WARNING)
		ck->res->warnings++;
	else
		ck->res->errors++;
	if (e->npos < maxp) {
		f = &e->pos[e->npos++];
	} else if (!pos_before(&e->pos[maxp - 1], line, column) &&
		   (e->pos[maxp - 1].line != line ||
		    e->pos[maxp - 1].column != column)) {
		/*
		 * Earlier than the last kept position: findings within one
		 * row may arrive out of column order.
		 */
		f = &e->pos[maxp - 1];
	}
	if (!f)
		return;
	f->line = line;
	f->column = column;
	f->field = field;
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	/* Keep the kept positions sorted (insertion step). */
	for (k = (size_t)(f - e->pos); k > 0 &&
	     pos_before(&e->pos[k], e->pos[k - 1].line, e->pos[k - 1].column);
	     k--) {
		struct mnr_check_finding t = e->pos[k];

		e->pos[k] = e->pos[k - 1];
		e->pos[k - 1] = t;
	}
}

static void add(struct check *ck, const char *rule, int severity,
		unsigned long line, unsigned long column, unsigned long field,
		const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void add(struct check *ck, const char *rule, int severity,
		unsigned long line, unsigned long column, unsigned long field,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(ck, rule, severity, line, column, field, fmt, ap);
	va_end(ap);
}

/* A finding at field fi (0-based) of row. */
static void add_field(struct check *ck, const struct mnr_csv_row *row,
		      size_t fi, const char *rule, int severity,
		      const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void add_field(struct check *ck, const struct mnr_csv_row *row,
		      size_t fi, const char *rule, int severity,
		      const char *fmt, ...)
{
	unsigned long line = row->line, column = 0;
	va_list ap;

	if (wants_position(ck, rule, row->line))
		mnr_csv_locate(row, fi, &line, &column);
	va_start(ap, fmt);
	vadd(ck, rule, severity, line, column, fi + 1, fmt, ap);
	va_end(ap);
}

/* A finding taken from a located library error. */
static void add_error(struct check *ck, const struct mnr_error *e,
		      int severity)
{
	add(ck, e->rule[0] ? e->rule : "schema", severity, e->line, e->column,
	    e->field, "%s", e->msg);
}

/* A field parser's error (no location) re-raised at field col. */
static void add_parser(struct check *ck, const struct mnr_csv_row *row,
		       long col, const char *name, const struct mnr_error *e)
{
	ck->row_schema++;
	add_field(ck, row, (size_t)col, e->rule[0] ? e->rule : "schema",
		  MNR_CHECK_ERROR, "%s: %s", name, e->msg);
}

/* -------------------------------------------------- header handling */

/* Index of canonical column name in the header (through the map), or -1. */
static long find_col(const struct check *ck, const struct mnr_csv_row *h,
		     const char *name)
{
	const struct mnr_colmap *map = ck->opt->map;
	const char *want = name;
	size_t j;

	if (map)
		for (j = 0; j < map->n; j++)
			if (strcmp(map->name[j], name) == 0)
				want = map->header[j];
	for (j = 0; j < h->nfields; j++)
		if (strcmp(h->field[j], want) == 0)
			return (long)j;
	return -1;
}

/* 1 when --col maps the canonical name (the user means that schema). */
static int mapped(const struct check *ck, const char *name)
{
	const struct mnr_colmap *map = ck->opt->map;
	size_t j;

	for (j = 0; map && j < map->n; j++)
		if (strcmp(map->name[j], name) == 0)
			return 1;
	return 0;
}

static int detect_schema(const struct check *ck, const struct mnr_csv_row *h)
{
	if (find_col(ck, h, "reported_at") >= 0 || mapped(ck, "reported_at"))
		return MNR_SCHEMA_CASES;
	if (find_col(ck, h, "country") >= 0 && find_col(ck, h, "month") >= 0 &&
	    find_col(ck, h, "metric") >= 0 && find_col(ck, h, "value") >= 0)
		return MNR_SCHEMA_PANEL;
	if (find_col(ck, h, "country") >= 0 &&
	    find_col(ck, h, "mnr_start") >= 0)
		return MNR_SCHEMA_ADOPTION;
	return MNR_SCHEMA_UNKNOWN;
}

static void mark_known(struct check *ck, const long *idx, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (idx[i] >= 0 && (size_t)idx[i] < ck->ncols)
			ck->colflag[idx[i]] |= COL_KNOWN;
}

/* Resolve the quasi-identifiers of a case file. */
static void setup_kanon(struct check *ck, const struct mnr_csv_row *h)
{
	struct mnr_check_kanon *ka = &ck->res->kanon;
	const char *const *names = ck->opt->qi ? ck->opt->qi : default_qi;
	size_t n = ck->opt->qi ? ck->opt->nqi
			       : sizeof(default_qi) / sizeof(default_qi[0]);
	size_t i;

	ka->k = ck->opt->k;
	for (i = 0; i < n; i++) {
		long c = find_col(ck, h, names[i]);
		int month = 0;

		if (c < 0 && strcmp(names[i], "month") == 0) {
			c = ck->cs.idx[MNR_CASE_REPORTED];
			month = 1;
		}
		if (c < 0) {
			if (!ck->opt->qi)
				continue; /* an optional default column */
			/* The name comes from the options, not from the data. */
			add(ck, "missing-column", MNR_CHECK_ERROR, h->line, 0, 0,
			    "quasi-identifier '%.64s' is not a column of the file",
			    names[i]);
			ka->why_not = "a quasi-identifier column is missing";
			return;
		}
		ck->qi_col[ck->nqi] = c;
		ck->qi_month[ck->nqi] = month;
		snprintf(ka->qi[ck->nqi], sizeof(ka->qi[0]), "%s", names[i]);
		ck->nqi++;
	}
	ka->nqi = ck->nqi;
	if (!ck->nqi) {
		ka->why_not = "no quasi-identifier column";
		return;
	}
	ck->kanon = 1;
}

static int on_header(struct check *ck, const struct mnr_csv_row *h)
{
	struct mnr_check_result *r = ck->res;
	struct mnr_error e;
	size_t i;
	int st = MNR_OK;

	ck->header_line = h->line;
	ck->ncols = h->nfields;
	if (!(ck->colflag = mnr__calloc(h->nfields ? h->nfields : 1, 1)))
		return mnr_error_set(NULL, MNR_ENOMEM, "out of memory");
	for (i = 0; i < h->nfields; i++) {
		const char *cat = mnr_check_identifier_column(h->field[i],
							      h->len[i]);

		if (cat)
			add_field(ck, h, i, "identifier-column", MNR_CHECK_ERROR,
				  "column %zu: the header names a direct identifier (%s)",
				  i + 1, cat);
		if (mnr_check_is_age_column(h->field[i], h->len[i]))
			ck->colflag[i] |= COL_AGE;
	}
	r->schema = ck->opt->schema;
	if (r->schema == MNR_SCHEMA_AUTO) {
		r->schema = detect_schema(ck, h);
		r->schema_detected = 1;
	}
	mnr_error_clear(&e);
	switch (r->schema) {
	case MNR_SCHEMA_CASES:
		st = mnr_case_bind(&ck->cs, h, ck->opt->map, &e);
		if (!st) {
			mark_known(ck, ck->cs.idx, MNR_CASE_NCOL);
			if (ck->cs.idx[MNR_CASE_ID] >= 0)
				ck->colflag[ck->cs.idx[MNR_CASE_ID]] |= COL_ID;
			if (ck->cs.idx[MNR_CASE_PERSON] >= 0)
				ck->colflag[ck->cs.idx[MNR_CASE_PERSON]] |= COL_ID;
		}
		break;
	case MNR_SCHEMA_PANEL:
		st = mnr_csv_bind(h, panel_cols, panel_req, P_NCOL,
				  ck->opt->map, ck->idx, &e);
		if (!st)
			mark_known(ck, ck->idx, P_NCOL);
		break;
	case MNR_SCHEMA_ADOPTION:
		st = mnr_csv_bind(h, adoption_cols, adoption_req, A_NCOL,
				  ck->opt->map, ck->idx, &e);
		if (!st)
			mark_known(ck, ck->idx, A_NCOL);
		break;
	default:
		/* A one-column header holding tabs or semicolons: wrong
		 * delimiter, the likeliest cause. */
		add(ck, "schema-unknown", MNR_CHECK_ERROR, h->line, 0, 0,
		    "header matches no schema (cases need reported_at; a panel "
		    "country, month, metric, value; adoption country, "
		    "mnr_start): use --schema or --col%s",
		    h->nfields == 1 && (memchr(h->field[0], '\t', h->len[0]) ||
					memchr(h->field[0], ';', h->len[0]))
		    ? "; tabs or semicolons in a one-column header: is the file "
		      "comma-separated?" : "");
		r->kanon.why_not = "no schema";
		return MNR_OK;
	}
	if (st) {
		if (st == MNR_ENOMEM)
			return st;
		add_error(ck, &e, MNR_CHECK_ERROR);
		r->kanon.why_not = "the header does not fit the schema";
		return MNR_OK;
	}
	ck->bound = 1;
	if (r->schema == MNR_SCHEMA_CASES)
		setup_kanon(ck, h);
	else if (r->schema == MNR_SCHEMA_PANEL)
		r->kanon.why_not = "a panel holds aggregate counts, not "
				   "records about people";
	else
		r->kanon.why_not = "an adoption file holds one row per "
				   "country, not records about people";
	return MNR_OK;
}

/* ------------------------------------------------------ value scans */

static void scan_identifiers(struct check *ck, const struct mnr_csv_row *row)
{
	size_t i;

	for (i = 0; i < row->nfields; i++) {
		const char *s = row->field[i];
		size_t n = row->len[i];
		unsigned char fl = i < ck->ncols ? ck->colflag[i] : 0;

		size_t k, digits = 0, dots = 0, colons = 0;
		int at = 0, slash = 0;

		if (!n)
			continue;
		/*
		 * One cheap pass decides which detectors can match at all:
		 * most fields are short codes, dates and enumeration words.
		 */
		for (k = 0; k < n; k++) {
			unsigned char c = (unsigned char)s[k];

			digits += c >= '0' && c <= '9';
			dots += c == '.';
			colons += c == ':';
			at |= c == '@';
			slash |= c == '/';
		}
		if (at && mnr_check_has_email(s, n))
			add_field(ck, row, i, "identifier-email", MNR_CHECK_ERROR,
				  "column %zu: value contains an e-mail address",
				  i + 1);
		if ((slash || dots) && mnr_check_has_url(s, n))
			add_field(ck, row, i, "identifier-url", MNR_CHECK_ERROR,
				  "column %zu: value contains a URL", i + 1);
		if (dots >= 3 && digits >= 4 && mnr_check_has_ipv4(s, n))
			add_field(ck, row, i, "identifier-ipv4", MNR_CHECK_ERROR,
				  "column %zu: value contains an IPv4 address",
				  i + 1);
		if (colons >= 2 && mnr_check_has_ipv6(s, n))
			add_field(ck, row, i, "identifier-ipv6", MNR_CHECK_ERROR,
				  "column %zu: value contains an IPv6 address",
				  i + 1);
		if (digits >= 7 && !(fl & COL_ID) &&
		    mnr_check_has_phone(s, n, !(fl & COL_KNOWN)))
			add_field(ck, row, i, "identifier-phone", MNR_CHECK_ERROR,
				  "column %zu: value contains a phone number",
				  i + 1);
		if ((fl & COL_AGE) && digits >= 6 &&
		    mnr_check_has_full_date(s, n))
			add_field(ck, row, i, "identifier-birth-date",
				  MNR_CHECK_ERROR,
				  "column %zu: an age or birth field holds a full date",
				  i + 1);
	}
}

/* ------------------------------------------------------ schema rows */

static void check_enum(struct check *ck, const struct mnr_csv_row *row,
		       int which, const char *const *names, size_t n)
{
	long col = ck->cs.idx[which];
	struct mnr_error e;
	int v;

	if (col < 0 || row->len[col] == 0 ||
	    !mnr_parse_enum(row->field[col], row->len[col], names, n, &v, NULL))
		return;
	/* Only a failure is parsed again, for the message (see case_row). */
	mnr_error_clear(&e);
	mnr_parse_enum(row->field[col], row->len[col], names, n, &v, &e);
	add_parser(ck, row, col, mnr_case_col_names[which], &e);
}

/* Parse an optional date-time column; 1 when present and valid. */
static int check_time(struct check *ck, const struct mnr_csv_row *row,
		      int which, int64_t *t)
{
	long col = ck->cs.idx[which];
	struct mnr_error e;

	if (col < 0 || row->len[col] == 0)
		return 0;
	if (!mnr_parse_datetime(row->field[col], row->len[col], t, NULL, NULL))
		return 1;
	mnr_error_clear(&e);
	mnr_parse_datetime(row->field[col], row->len[col], t, NULL, &e);
	add_parser(ck, row, col, mnr_case_col_names[which], &e);
	return 0;
}

static void case_row(struct check *ck, const struct mnr_csv_row *row)
{
	const long *ix = ck->cs.idx;
	struct mnr_error e;
	int64_t rep = 0, rem = 0, clo = 0;
	int has_rep, has_rem, has_clo;
	long k = ix[MNR_CASE_COUNTRY];

	/*
	 * Parsers run first without an error record: clearing one per field
	 * costs more than the parse.  Only a failure is parsed again to get
	 * its message and rule.
	 */
	if (!mnr_country_valid(row->field[k], row->len[k])) {
		mnr_error_clear(&e);
		mnr_parse_country(row->field[k], row->len[k], &e);
		add_parser(ck, row, k, "country", &e);
	}
	k = ix[MNR_CASE_REPORTED];
	if (row->len[k] == 0) {
		ck->row_schema++;
		add_field(ck, row, (size_t)k, "required", MNR_CHECK_ERROR,
			  "reported_at: empty");
	}
	has_rep = check_time(ck, row, MNR_CASE_REPORTED, &rep);
	ck->rep_ok = has_rep;
	ck->rep = rep;
	has_rem = check_time(ck, row, MNR_CASE_REMOVED, &rem);
	has_clo = check_time(ck, row, MNR_CASE_CLOSED, &clo);
	if (has_rep && has_rem && rem < rep) {
		ck->row_schema++;
		add_field(ck, row, (size_t)ix[MNR_CASE_REMOVED],
			  "removed-before-report", MNR_CHECK_ERROR,
			  "removed_at: earlier than reported_at");
	}
	if (has_rep && has_clo && clo < rep) {
		ck->row_schema++;
		add_field(ck, row, (size_t)ix[MNR_CASE_CLOSED],
			  "closed-before-report", MNR_CHECK_ERROR,
			  "closed_at: earlier than reported_at");
	}
	check_enum(ck, row, MNR_CASE_SOURCE, mnr_source_names, MNR_SRC_N);
	check_enum(ck, row, MNR_CASE_OUTCOME, mnr_outcome_names, MNR_OUT_N);
	check_enum(ck, row, MNR_CASE_AGE, mnr_age_band_names, MNR_AGE_N);
	check_enum(ck, row, MNR_CASE_SUPPORT, mnr_yesno_names, MNR_YESNO_N);
	check_enum(ck, row, MNR_CASE_SUSPECT, mnr_yesno_names, MNR_YESNO_N);
	k = ix[MNR_CASE_OUTCOME];
	if (has_clo && k >= 0 && row->len[k] == 4 &&
	    memcmp(row->field[k], "open", 4) == 0) {
		ck->row_schema++;
		add_field(ck, row, (size_t)k, "outcome-open-closed",
			  MNR_CHECK_ERROR, "outcome: open but closed_at is set");
	}
	/*
	 * The aggregate path reads rows with mnr_case_parse: a row this
	 * check passed must pass there too.  Should the two ever disagree,
	 * report what the parser found rather than pass the row.
	 */
	if (!ck->row_schema) {
		struct mnr_case c;

		if (mnr_case_parse(&ck->cs, row, &c, NULL)) {
			mnr_error_clear(&e);
			mnr_case_parse(&ck->cs, row, &c, &e);
			add_error(ck, &e, MNR_CHECK_ERROR);
		}
	}
}

/*
 * Append one component to the group key: a tag byte, the length, the
 * bytes.  The tag keeps a month index apart from raw text of the same
 * bytes.
 */
static int key_put(struct check *ck, char tag, const char *s, size_t n)
{
	uint32_t l = (uint32_t)n;

	if (mnr__grow((void **)&ck->key, &ck->key_alloc,
		      ck->key_len + n + sizeof(l) + 1, 1))
		return -1;
	ck->key[ck->key_len] = tag;
	memcpy(ck->key + ck->key_len + 1, &l, sizeof(l));
	memcpy(ck->key + ck->key_len + 1 + sizeof(l), s, n);
	ck->key_len += n + sizeof(l) + 1;
	return 0;
}

static int count_group(struct check *ck, const struct mnr_csv_row *row)
{
	struct group *g;
	size_t i;

	ck->key_len = 0;
	for (i = 0; i < ck->nqi; i++) {
		long c = ck->qi_col[i];
		int st;

		/*
		 * The month of reported_at (parsed by case_row); a value that
		 * does not parse groups by its text.
		 */
		if (ck->qi_month[i] && ck->rep_ok) {
			int m = mnr_month_of(ck->rep);

			st = key_put(ck, 'M', (const char *)&m, sizeof(m));
		} else {
			st = key_put(ck, 'T', row->field[c], row->len[c]);
		}
		if (st)
			return -1;
	}
	if (gtable_get(&ck->groups, ck->key, ck->key_len, &g))
		return -1;
	if (!g->count++) {
		g->line = row->line;
		mnr_csv_locate(row, (size_t)ck->qi_col[0], &g->line, &g->column);
		g->field = (unsigned long)ck->qi_col[0] + 1;
	}
	return 0;
}

static int panel_row(struct check *ck, const struct mnr_csv_row *row)
{
	const long *ix = ck->idx;
	struct mnr_error e;
	long k = ix[P_COUNTRY];
	int month = 0, ok = 1;
	double v;

	mnr_error_clear(&e);
	if (mnr_parse_country(row->field[k], row->len[k], &e)) {
		add_parser(ck, row, k, "country", &e);
		ok = 0;
	}
	k = ix[P_MONTH];
	mnr_error_clear(&e);
	if (mnr_parse_month(row->field[k], row->len[k], &month, &e)) {
		add_parser(ck, row, k, "month", &e);
		ok = 0;
	}
	k = ix[P_METRIC];
	if (row->len[k] == 0) {
		add_field(ck, row, (size_t)k, "metric-empty", MNR_CHECK_ERROR,
			  "metric: empty name");
		ok = 0;
	}
	k = ix[P_VALUE];
	mnr_error_clear(&e);
	if (row->len[k] == 0)
		add_field(ck, row, (size_t)k, "value-missing", MNR_CHECK_WARNING,
			  "value: empty (read as a missing value)");
	else if (mnr_parse_decimal(row->field[k], row->len[k], &v, &e))
		add_parser(ck, row, k, "value", &e);
	k = ix[P_POP];
	mnr_error_clear(&e);
	if (k >= 0 && row->len[k]) {
		if (mnr_parse_decimal(row->field[k], row->len[k], &v, &e))
			add_parser(ck, row, k, "population", &e);
		else if (v <= 0)
			add_field(ck, row, (size_t)k, "population",
				  MNR_CHECK_ERROR,
				  "population: must be positive");
	}
	k = ix[P_NOISE];
	mnr_error_clear(&e);
	if (k >= 0 && row->len[k]) {
		if (mnr_parse_decimal(row->field[k], row->len[k], &v, &e))
			add_parser(ck, row, k, "noise_variance", &e);
		else if (v < 0)
			add_field(ck, row, (size_t)k, "noise-variance",
				  MNR_CHECK_ERROR,
				  "noise_variance: must not be negative");
	}
	if (ok) {
		struct group *g;

		ck->key_len = 0;
		if (key_put(ck, 'T', row->field[ix[P_COUNTRY]], 3) ||
		    key_put(ck, 'M', (const char *)&month, sizeof(month)) ||
		    key_put(ck, 'T', row->field[ix[P_METRIC]],
			    row->len[ix[P_METRIC]]) ||
		    gtable_get(&ck->cells, ck->key, ck->key_len, &g))
			return -1;
		if (g->count++)
			add(ck, "duplicate-cell", MNR_CHECK_ERROR, row->line, 0, 0,
			    "country, month and metric repeat an earlier row (line %lu)",
			    g->line);
		else
			g->line = row->line;
	}
	return 0;
}

static int adoption_row(struct check *ck, const struct mnr_csv_row *row)
{
	struct mnr_error e;
	long k = ck->idx[A_COUNTRY];
	int start;

	mnr_error_clear(&e);
	if (mnr_parse_country(row->field[k], row->len[k], &e)) {
		add_parser(ck, row, k, "country", &e);
	} else {
		struct group *g;

		if (gtable_get(&ck->cells, row->field[k], 3, &g))
			return -1;
		if (g->count++)
			add_field(ck, row, (size_t)k, "duplicate-country",
				  MNR_CHECK_ERROR,
				  "country: listed twice (first on line %lu)",
				  g->line);
		else
			g->line = row->line;
	}
	k = ck->idx[A_START];
	mnr_error_clear(&e);
	if (row->len[k] &&
	    mnr_parse_month(row->field[k], row->len[k], &start, &e))
		add_parser(ck, row, k, "mnr_start", &e);
	return 0;
}

static int on_row(void *ud, const struct mnr_csv_row *row,
		  struct mnr_error *err)
{
	struct check *ck = ud;
	int st = 0;

	if (row->is_header) {
		if ((st = on_header(ck, row)))
			return mnr_error_set(err, st, "out of memory");
		return MNR_OK;
	}
	ck->res->rows++;
	ck->row_schema = 0;
	scan_identifiers(ck, row);
	if (!ck->bound)
		return MNR_OK;
	switch (ck->res->schema) {
	case MNR_SCHEMA_CASES:
		case_row(ck, row);
		if (ck->kanon)
			st = count_group(ck, row);
		break;
	case MNR_SCHEMA_PANEL:
		st = panel_row(ck, row);
		break;
	default:
		st = adoption_row(ck, row);
		break;
	}
	if (st)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	return MNR_OK;
}

/* ------------------------------------------------------ the verdict */

static void finish_kanon(struct check *ck)
{
	struct mnr_check_kanon *ka = &ck->res->kanon;
	const struct gtable *t = &ck->groups;
	/* The first rows (in file order) of the smallest-numbered groups
	 * under k, kept sorted by line. */
	const struct group *first[MNR_CHECK_MAX_POS];
	size_t nfirst = 0, maxp = ck->opt->max_positions, i, j;

	ka->groups = t->n;
	ka->smallest = 0;
	for (i = 0; i < t->cap; i++) {
		const struct group *g = &t->slot[i];

		if (!g->count)
			continue;
		if (!ka->smallest || g->count < ka->smallest)
			ka->smallest = g->count;
		if (g->count >= ka->k)
			continue;
		ka->groups_below_k++;
		ka->rows_below_k += g->count;
		if (nfirst < maxp)
			nfirst++;
		else if (first[nfirst - 1]->line < g->line)
			continue;
		for (j = nfirst - 1; j > 0 && first[j - 1]->line > g->line; j--)
			first[j] = first[j - 1];
		first[j] = g;
	}
	ka->applicable = 1;
	if (!ka->groups_below_k)
		return;
	{
		struct mnr_check_rule *e = rule_slot(ck, "k-anonymity",
						     MNR_CHECK_ERROR);

		e->count = ka->groups_below_k;
		ck->res->errors += ka->groups_below_k;
		e->npos = nfirst;
		for (i = 0; i < nfirst; i++) {
			e->pos[i].line = first[i]->line;
			e->pos[i].column = first[i]->column;
			e->pos[i].field = first[i]->field;
			snprintf(e->pos[i].msg, sizeof(e->pos[i].msg),
				 "row in a group of %llu over the quasi-identifiers, fewer than k = %lu",
				 first[i]->count, ka->k);
		}
	}
}

static int cmp_rule(const void *a, const void *b)
{
	return strcmp(((const struct mnr_check_rule *)a)->rule,
		      ((const struct mnr_check_rule *)b)->rule);
}

static int run(struct check *ck, FILE *fp, const char *path,
	       struct mnr_error *err)
{
	struct mnr_check_result *r = ck->res;
	struct mnr_error e;
	int st;

	mnr_error_clear(&e);
	if (fp)
		st = mnr_csv_read_stream(fp, path, &ck->opt->csv, on_row, ck, &e);
	else
		st = mnr_csv_read_path(path, &ck->opt->csv, on_row, ck, &e);
	switch (st) {
	case MNR_OK:
		break;
	case MNR_EPARSE:
	case MNR_EDATA:
		/* The reader stopped at a syntax error: a finding. */
		add_error(ck, &e, MNR_CHECK_ERROR);
		r->stopped = 1;
		r->stopped_line = e.line;
		r->kanon.applicable = 0;
		if (ck->kanon || !r->kanon.why_not)
			r->kanon.why_not = "reading stopped early";
		ck->kanon = 0;
		break;
	default:
		*err = e;
		return st;
	}
	if (!r->stopped && ck->bound && r->rows == 0) {
		add(ck, "no-rows", MNR_CHECK_ERROR, ck->header_line + 1, 0, 0,
		    "the file has a header but no data rows");
		if (ck->kanon)
			r->kanon.why_not = "no data rows";
		ck->kanon = 0;
	}
	if (ck->kanon)
		finish_kanon(ck);
	qsort(r->rule, r->nrules, sizeof(r->rule[0]), cmp_rule);
	return MNR_OK;
}

static int check_run(FILE *fp, const char *path,
		     const struct mnr_check_options *opt,
		     struct mnr_check_result **out, struct mnr_error *err)
{
	struct mnr_check_options dflt;
	struct check ck;
	int st;

	if (!opt) {
		mnr_check_options_init(&dflt);
		opt = &dflt;
	}
	if (opt->schema < MNR_SCHEMA_AUTO || opt->schema >= MNR_SCHEMA_UNKNOWN ||
	    opt->k < 1 || opt->max_positions < 1 ||
	    opt->max_positions > MNR_CHECK_MAX_POS ||
	    (opt->qi && (opt->nqi < 1 || opt->nqi > MNR_CHECK_MAX_QI)))
		return mnr_error_set(err, MNR_EINVAL, "invalid check options");
	memset(&ck, 0, sizeof(ck));
	ck.opt = opt;
	if (!(ck.res = mnr__calloc(1, sizeof(*ck.res))))
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	ck.res->path = fp || strcmp(path, "-") ? path : "<stdin>";
	ck.res->schema = opt->schema;
	ck.res->kanon.k = opt->k;
	st = run(&ck, fp, path, err);
	mnr__free(ck.colflag);
	mnr__free(ck.key);
	gtable_free(&ck.groups);
	gtable_free(&ck.cells);
	if (st) {
		mnr__free(ck.res);
		return st;
	}
	if (ck.res->schema == MNR_SCHEMA_AUTO)
		ck.res->schema = MNR_SCHEMA_UNKNOWN; /* empty file */
	*out = ck.res;
	return MNR_OK;
}

int mnr_check_path(const char *path, const struct mnr_check_options *opt,
		   struct mnr_check_result **out, struct mnr_error *err)
{
	return check_run(NULL, path, opt, out, err);
}

int mnr_check_stream(FILE *fp, const char *path,
		     const struct mnr_check_options *opt,
		     struct mnr_check_result **out, struct mnr_error *err)
{
	return check_run(fp, path, opt, out, err);
}

void mnr_check_result_free(struct mnr_check_result *r)
{
	mnr__free(r);
}

const struct mnr_check_rule *mnr_check_find_rule(
	const struct mnr_check_result *r, const char *rule)
{
	size_t i;

	for (i = 0; i < r->nrules; i++)
		if (strcmp(r->rule[i].rule, rule) == 0)
			return &r->rule[i];
	return NULL;
}
