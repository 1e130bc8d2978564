/*
 * Reading case files into an aggregate (aggregate layer): the row
 * callback with a fast path for well-formed rows, single-threaded
 * streaming, and the parallel reader.
 *
 * Parallel reading: the file is cut at line ends into one piece per
 * thread; each piece is parsed by its own CSV reader into its own
 * aggregate, and the aggregates are merged with mnr_agg_merge (the code
 * that merges partials).  A cut can fall inside a quoted field that holds
 * a newline.  The previous piece then ends inside the quote, which its
 * reader reports at finish as an unclosed quote (a piece ends at a line
 * end, so that is the only error finish can raise for a piece that is not
 * the last); the two pieces are then parsed again as one, sequentially.
 * Pieces are resolved in file order, so the error reported is the first
 * in the file, as with one thread.  Line numbers inside a piece count
 * from 1 and are fixed up on the error path only, by counting the
 * newlines before the piece.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agg_internal.h"
#include "alloc_internal.h"
#include "mnrstat/fields.h"
#include "banned.h"

/*
 * 128 KiB reads: the bytes the kernel copies in are still in the L2 cache
 * when the parser reads them (1 MiB measured ~10% slower here, noisily).
 */
enum { READ_CHUNK = 1 << 17, PROGRESS_EVERY = 8 << 20 };

/* Progress shared by the threads of one mnr_agg_read_path call. */
struct progress {
	const struct mnr_agg_options *opt;
	atomic_ullong bytes;
	atomic_ullong rows;
};

struct row_ctx {
	struct mnr_agg *a;
	struct mnr_case_schema schema;
	int bound;
	unsigned char valid[26 * 26 * 26]; /* 0 unknown, 1 valid, 2 invalid */
	int32_t mstart[300 * 12];          /* days of 1900-01.. month starts */
	unsigned char mstart_ok[300 * 12];
	struct mnr_error scratch;          /* code 0 while the fast path runs */
	unsigned long long rows;
	char last_date[3][10];             /* per date column: last valid */
	int64_t last_day[3];               /* YYYY-MM-DD, its day number */
	int last_month[3];                 /* and its month index */
	/* Per enumeration, by a hash of (length, first, last byte): the one
	 * name there (index + 1), 0 = none, ENUM_CLASH = scan them all. */
	unsigned char slot[4][256];
	unsigned char name_len[4][8];
};

#define ENUM_CLASH 255

static unsigned enum_key(const char *s, size_t len)
{
	return (unsigned)(len * 37u + (unsigned char)s[0] * 11u +
			  (unsigned char)s[len - 1]) & 255u;
}

static const char *const *const enum_names[4] = {
	mnr_source_names, mnr_outcome_names, mnr_age_band_names,
	mnr_yesno_names };
static const int enum_n[4] = { MNR_SRC_N, MNR_OUT_N, MNR_AGE_N,
			       MNR_YESNO_N };

static void row_ctx_init(struct row_ctx *x, struct mnr_agg *a)
{
	int e, i;

	memset(x, 0, sizeof(*x));
	x->a = a;
	for (e = 0; e < 4; e++)
		for (i = 0; i < enum_n[e]; i++) {
			const char *nm = enum_names[e][i];
			size_t len = strlen(nm);
			unsigned char *sl = &x->slot[e][enum_key(nm, len)];

			x->name_len[e][i] = (unsigned char)len;
			*sl = *sl ? ENUM_CLASH : (unsigned char)(i + 1);
		}
}

/*
 * Fast path of mnr_case_parse for the rows the aggregate needs.  It takes
 * a row only when every rule of mnr_case_parse visibly holds and returns
 * 1 with *c filled exactly as mnr_case_parse would; for anything else it
 * returns 0 and the caller runs mnr_case_parse, which stays the one
 * authority on errors (a unit test compares the two on hostile rows).
 * Measured on 1M rows it halves the aggregator's own time: the date-times
 * of the common shapes are read without the general parser, the month of
 * a report comes from its text, and enumerations are matched by length.
 */

/* Two decimal digits, or -1. */
static int dd(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/*
 * "YYYY-MM-DD", "YYYY-MM-DDThh:mm:ssZ" or "YYYY-MM-DDThh:mm:ss+hh:mm"
 * (or -hh:mm) with every range rule of mnr_parse_datetime; anything else
 * returns 0 for the general parser.  *month is the UTC month index.
 */
static int datetime_fast(struct row_ctx *x, int which, const char *s,
			 size_t len, int64_t *utc, int *month)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
				     30, 31 };
	int yh, yl, y, mo, d, hh, mi, ss, oh, om, k;
	int64_t day, t;

	if (len != 10 && len != 20 && len != 25)
		return 0;
	/* Records come roughly in time order: the date often repeats. */
	if (memcmp(s, x->last_date[which], 10) == 0) {
		day = x->last_day[which];
		*month = x->last_month[which];
		goto time_of_day;
	}
	if (s[4] != '-' ||
	    s[7] != '-' || (yh = dd(s)) < 0 || (yl = dd(s + 2)) < 0 ||
	    (mo = dd(s + 5)) < 1 || mo > 12 || (d = dd(s + 8)) < 1)
		return 0;
	y = yh * 100 + yl;
	if (y < 1900 || y > 2199 ||
	    d > (mo == 2 && leap(y) ? 29 : dim[mo - 1]))
		return 0;
	k = (y - 1900) * 12 + mo - 1;
	if (!x->mstart_ok[k]) {
		x->mstart[k] = (int32_t)mnr_days_from_civil(y, (unsigned)mo, 1);
		x->mstart_ok[k] = 1;
	}
	day = (int64_t)x->mstart[k] + d - 1;
	*month = y * 12 + mo - 1;
	memcpy(x->last_date[which], s, 10);
	x->last_day[which] = day;
	x->last_month[which] = *month;
time_of_day:
	if (len == 10) {
		*utc = day * 86400;
		return 1;
	}
	if (s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    (hh = dd(s + 11)) < 0 || hh > 23 || (mi = dd(s + 14)) < 0 ||
	    mi > 59 || (ss = dd(s + 17)) < 0 || ss > 59)
		return 0;
	t = day * 86400 + hh * 3600 + mi * 60 + ss;
	if (len == 20) {
		if (s[19] != 'Z')
			return 0;
		*utc = t;
		return 1;
	}
	if ((s[19] != '+' && s[19] != '-') || s[22] != ':' ||
	    (oh = dd(s + 20)) < 0 || oh > 14 || (om = dd(s + 23)) < 0 ||
	    om > 59)
		return 0;
	t -= (s[19] == '-' ? -1 : 1) * (int64_t)(oh * 3600 + om * 60);
	*utc = t;
	/* The offset may move the instant into the next or previous day. */
	if ((t >= 0 ? t / 86400 : (t - 86399) / 86400) != day)
		*month = mnr_month_of(t);
	return 1;
}

static int time_fast(struct row_ctx *x, const struct mnr_csv_row *row,
		     int which, long col, int *has, int64_t *t, int *month)
{
	int m;

	*has = 0;
	if (col < 0 || row->len[col] == 0)
		return 1;
	if (!datetime_fast(x, which, row->field[col], row->len[col], t, &m)) {
		if (mnr_parse_datetime(row->field[col], row->len[col], t, NULL,
				       &x->scratch)) {
			mnr_error_clear(&x->scratch);
			return 0;
		}
		m = mnr_month_of(*t);
	}
	if (month)
		*month = m;
	*has = 1;
	return 1;
}

/*
 * a[0..len) == b[0..len), both at least len bytes long.  Two overlapping
 * fixed-size loads cover a string of up to twice their size, so the
 * branches depend on the length class only, not on where a byte loop
 * would stop (which mispredicts on categorical data).
 */
static int same_bytes(const char *a, const char *b, size_t len)
{
	uint32_t a4, b4, a4e, b4e;
	uint64_t a8, b8, a8e, b8e;
	size_t i;

	if (len < 4) /* 1..3 bytes: first, middle, last */
		return a[0] == b[0] && a[len / 2] == b[len / 2] &&
		       a[len - 1] == b[len - 1];
	if (len <= 8) {
		memcpy(&a4, a, 4);
		memcpy(&b4, b, 4);
		memcpy(&a4e, a + len - 4, 4);
		memcpy(&b4e, b + len - 4, 4);
		return ((a4 ^ b4) | (a4e ^ b4e)) == 0;
	}
	for (i = 0; i + 8 < len; i += 8) {
		memcpy(&a8, a + i, 8);
		memcpy(&b8, b + i, 8);
		if (a8 != b8)
			return 0;
	}
	memcpy(&a8e, a + len - 8, 8);
	memcpy(&b8e, b + len - 8, 8);
	return a8e == b8e;
}

/*
 * Exact match against enumeration e; empty = dflt.  1 = matched.  A hash
 * of the length and the end bytes picks the one candidate name (the
 * brief's enumerations have no clashes; a clash scans them all), so a
 * field costs one compare.
 */
static int enum_fast(const struct row_ctx *x, const struct mnr_csv_row *row,
		     long col, int e, int dflt, int *out)
{
	const char *s;
	size_t len;
	int i, lo, hi;
	unsigned char sl;

	if (col < 0 || (len = row->len[col]) == 0) {
		*out = dflt;
		return 1;
	}
	s = row->field[col];
	sl = x->slot[e][enum_key(s, len)];
	if (!sl)
		return 0;
	lo = sl == ENUM_CLASH ? 0 : sl - 1;
	hi = sl == ENUM_CLASH ? enum_n[e] : sl;
	for (i = lo; i < hi; i++)
		if (x->name_len[e][i] == len &&
		    same_bytes(enum_names[e][i], s, len)) {
			*out = i;
			return 1;
		}
	return 0;
}

static int parse_fast(struct row_ctx *x, const struct mnr_csv_row *row,
		      struct mnr_case *c, int *month)
{
	const long *ix = x->schema.idx;
	long k = ix[MNR_CASE_COUNTRY];
	const char *cc = row->field[k];
	int key, age, has;

	if (row->len[k] != 3 || (key = agg_code_key(cc)) < 0)
		return 0;
	if (!x->valid[key])
		x->valid[key] = mnr_country_valid(cc, 3) ? 1 : 2;
	if (x->valid[key] != 1)
		return 0;
	memcpy(c->country, cc, 4);
	if (!time_fast(x, row, 0, ix[MNR_CASE_REPORTED], &has, &c->reported,
		       month) ||
	    !has ||
	    !time_fast(x, row, 1, ix[MNR_CASE_REMOVED], &c->has_removed,
		       &c->removed, NULL) ||
	    !time_fast(x, row, 2, ix[MNR_CASE_CLOSED], &c->has_closed,
		       &c->closed, NULL) ||
	    (c->has_removed && c->removed < c->reported) ||
	    (c->has_closed && c->closed < c->reported) ||
	    !enum_fast(x, row, ix[MNR_CASE_SOURCE], 0, MNR_SRC_OTHER,
		       &c->source) ||
	    !enum_fast(x, row, ix[MNR_CASE_OUTCOME], 1, MNR_OUT_UNKNOWN,
		       &c->outcome) ||
	    !enum_fast(x, row, ix[MNR_CASE_AGE], 2, MNR_AGE_UNKNOWN, &age) ||
	    !enum_fast(x, row, ix[MNR_CASE_SUPPORT], 3, MNR_UNKNOWN,
		       &c->support) ||
	    !enum_fast(x, row, ix[MNR_CASE_SUSPECT], 3, MNR_UNKNOWN,
		       &c->suspect) ||
	    (c->outcome == MNR_OUT_OPEN && c->has_closed))
		return 0;
	c->age = age;
	k = ix[MNR_CASE_ID];
	c->case_id = k >= 0 ? row->field[k] : "";
	k = ix[MNR_CASE_PERSON];
	c->person = k >= 0 ? row->field[k] : "";
	c->person_len = k >= 0 ? row->len[k] : 0;
	return 1;
}

static int on_row(void *ud, const struct mnr_csv_row *row,
		  struct mnr_error *err)
{
	struct row_ctx *x = ud;
	struct mnr_case c;
	int month;

	if (row->is_header) {
		x->bound = 1;
		return mnr_case_bind(&x->schema, row, x->a->opt.map, err);
	}
	if (!parse_fast(x, row, &c, &month)) {
		if (mnr_case_parse(&x->schema, row, &c, err))
			return MNR_EDATA;
		month = mnr_month_of(c.reported);
	}
	x->rows++;
	return agg_add_at(x->a, &c, month, err);
}

/* Exposed for the unit test that checks the fast path against the rules. */
int mnr__agg_parse_fast_check(const struct mnr_case_schema *s,
			      const struct mnr_csv_row *row,
			      struct mnr_case *c);
int mnr__agg_parse_fast_check(const struct mnr_case_schema *s,
			      const struct mnr_csv_row *row,
			      struct mnr_case *c)
{
	static struct row_ctx x; /* test hook only: not thread-safe */
	int month, ok;

	row_ctx_init(&x, NULL);
	x.schema = *s;
	ok = parse_fast(&x, row, c, &month);
	/* The month from the text must be the month of the instant. */
	if (ok && month != mnr_month_of(c->reported))
		return -1;
	return ok;
}

static void report(struct progress *pg)
{
	if (pg->opt->progress)
		pg->opt->progress(pg->opt->progress_ud,
				  atomic_load(&pg->bytes),
				  atomic_load(&pg->rows));
}

/* ---- one thread ---------------------------------------------------- */

static int read_stream(struct mnr_agg *a, FILE *fp, const char *name,
		       struct progress *pg, struct mnr_error *err)
{
	struct mnr_csv_reader *r;
	struct row_ctx *x;
	struct mnr_csv_options o;
	char *buf;
	size_t n;
	unsigned long long since = 0;
	int st;

	x = mnr__malloc(sizeof(*x));
	buf = mnr__malloc(READ_CHUNK);
	if (!x || !buf) {
		mnr__free(x);
		mnr__free(buf);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	row_ctx_init(x, a);
	mnr_csv_options_init(&o);
	if ((st = mnr_csv_reader_alloc(&r, name, &o, on_row, x, err)))
		goto out;
	while ((n = fread(buf, 1, READ_CHUNK, fp)) > 0) {
		if ((st = mnr_csv_reader_feed(r, buf, n, err)))
			goto out_r;
		if (pg) {
			atomic_fetch_add(&pg->bytes, n);
			atomic_store(&pg->rows, x->rows);
			since += n;
			if (since >= PROGRESS_EVERY) {
				since = 0;
				report(pg);
			}
		}
	}
	if (ferror(fp)) {
		int e = errno;

		st = mnr_error_set_at(err, MNR_EIO, name, 0, 0, 0, NULL,
				      "read error: %s", strerror(e));
		if (err)
			err->sys_errno = e;
		goto out_r;
	}
	st = mnr_csv_reader_finish(r, err);
	if (!st && pg) {
		atomic_store(&pg->rows, x->rows);
		report(pg);
	}
out_r:
	mnr_csv_reader_free(r);
out:
	mnr__free(x);
	mnr__free(buf);
	return st;
}

int mnr_agg_read_stream(struct mnr_agg *a, FILE *fp, const char *name,
			struct mnr_error *err)
{
	return read_stream(a, fp, name, NULL, err);
}

/* ---- pieces ------------------------------------------------------- */

struct piece {
	off_t start, end;
	struct mnr_agg *agg;
	int st;
	int open_quote;       /* finish found the piece ending inside quotes */
	struct mnr_error err;
	/* shared, read-only during the parallel phase */
	int fd;
	const char *path;
	const struct mnr_case_schema *schema;
	size_t nfields;
	struct progress *pg;
	atomic_int *done;
};

/* Parse bytes [start, end) of the file with a reader of its own. */
static void parse_piece(struct piece *pc)
{
	struct mnr_csv_reader *r = NULL;
	struct mnr_csv_options o;
	struct row_ctx *x;
	char *buf;
	off_t pos = pc->start;
	unsigned long long rows_seen = 0;

	mnr_error_clear(&pc->err);
	pc->open_quote = 0;
	x = mnr__malloc(sizeof(*x));
	buf = mnr__malloc(READ_CHUNK);
	if (!x || !buf) {
		pc->st = mnr_error_set(&pc->err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	row_ctx_init(x, pc->agg);
	x->schema = *pc->schema;
	x->bound = 1;
	mnr_csv_options_init(&o);
	o.header = 0;
	o.expected_fields = pc->nfields;
	o.first_line = 1;
	if ((pc->st = mnr_csv_reader_alloc(&r, pc->path, &o, on_row, x,
					   &pc->err)))
		goto out;
	while (pos < pc->end) {
		size_t want = (size_t)(pc->end - pos) < READ_CHUNK
				      ? (size_t)(pc->end - pos)
				      : READ_CHUNK;
		ssize_t n = pread(pc->fd, buf, want, pos);

		if (n <= 0) {
			int e = n < 0 ? errno : EIO;

			pc->st = mnr_error_set_at(&pc->err, MNR_EIO, pc->path,
						  0, 0, 0, NULL,
						  "read error: %s",
						  strerror(e));
			goto out;
		}
		if ((pc->st = mnr_csv_reader_feed(r, buf, (size_t)n,
						  &pc->err)))
			goto out;
		pos += n;
		if (pc->pg) {
			atomic_fetch_add(&pc->pg->bytes, (unsigned long long)n);
			atomic_fetch_add(&pc->pg->rows, x->rows - rows_seen);
			rows_seen = x->rows;
		}
	}
	pc->st = mnr_csv_reader_finish(r, &pc->err);
	pc->open_quote = pc->st == MNR_EPARSE;
out:
	mnr_csv_reader_free(r);
	mnr__free(x);
	mnr__free(buf);
}

static void *piece_thread(void *arg)
{
	struct piece *pc = arg;

	parse_piece(pc);
	atomic_fetch_add(pc->done, 1);
	return NULL;
}

/* Newlines in [0, end): the line number offset of a piece (error path). */
static int count_lines(int fd, off_t end, unsigned long *lines)
{
	char *buf = mnr__malloc(READ_CHUNK);
	off_t pos = 0;
	unsigned long n = 0;

	if (!buf)
		return -1;
	while (pos < end) {
		size_t want = (size_t)(end - pos) < READ_CHUNK
				      ? (size_t)(end - pos)
				      : READ_CHUNK;
		ssize_t got = pread(fd, buf, want, pos);
		const char *p, *e;

		if (got <= 0) {
			mnr__free(buf);
			return -1;
		}
		for (p = buf, e = buf + got;
		     (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
			n++;
		pos += got;
	}
	mnr__free(buf);
	*lines = n;
	return 0;
}

/* Report a piece's error with its line made absolute. */
static int piece_error(struct piece *pc, struct mnr_error *err)
{
	unsigned long before = 0;

	if (pc->err.line && count_lines(pc->fd, pc->start, &before) == 0)
		pc->err.line += before;
	if (err && !err->code)
		*err = pc->err;
	return pc->st;
}

/*
 * End of the header record, found by quote parity (outside quotes every
 * '"' comes in pairs); 0 when not within the first chunk.
 */
static off_t header_end(int fd)
{
	char *buf = mnr__malloc(READ_CHUNK);
	ssize_t n, i;
	int inq = 0;
	off_t end = 0;

	if (!buf)
		return 0;
	n = pread(fd, buf, READ_CHUNK, 0);
	for (i = 0; i < n; i++) {
		if (buf[i] == '"')
			inq = !inq;
		else if (buf[i] == '\n' && !inq) {
			end = i + 1;
			break;
		}
	}
	mnr__free(buf);
	return end;
}

/*
 * First line start at or after pos (pos itself when it follows a
 * newline) whose first byte is not 0xEF: a piece must not begin with what
 * its reader would take for a byte-order mark.  size when none.
 */
static off_t next_line_start(int fd, off_t pos, off_t size)
{
	char buf[4096];

	if (pos <= 0)
		return 0;
	pos--; /* look at the byte before pos */
	while (pos < size) {
		ssize_t n = pread(fd, buf, sizeof(buf), pos), i;

		if (n <= 0)
			return size;
		for (i = 0; i < n; i++)
			if (buf[i] == '\n' && pos + i + 1 < size) {
				char c;

				if (pread(fd, &c, 1, pos + i + 1) != 1)
					return size;
				if ((unsigned char)c != 0xEF)
					return pos + i + 1;
			}
		pos += n;
	}
	return size;
}

/* Parse the header record alone to bind the schema. */
struct header_ctx {
	struct mnr_case_schema *schema;
	const struct mnr_colmap *map;
	size_t nfields;
	int seen;
};

static int on_header(void *ud, const struct mnr_csv_row *row,
		     struct mnr_error *err)
{
	struct header_ctx *h = ud;

	h->seen = 1;
	h->nfields = row->nfields;
	return mnr_case_bind(h->schema, row, h->map, err);
}

static int read_parallel(struct mnr_agg *a, int fd, const char *path,
			 off_t size, struct progress *pg,
			 struct mnr_error *err)
{
	struct mnr_case_schema schema;
	struct header_ctx hc = { &schema, a->opt.map, 0, 0 };
	struct mnr_csv_reader *r;
	struct mnr_csv_options o;
	struct piece *pc, cur;
	pthread_t *tid;
	unsigned nt = a->opt.threads, np, i;
	int *started;
	atomic_int done;
	off_t hend, c;
	char *hbuf;
	int st = MNR_OK;

	hend = header_end(fd);
	if (hend <= 0 || (hbuf = mnr__malloc((size_t)hend)) == NULL)
		return -1; /* the caller falls back to one thread */
	if (pread(fd, hbuf, (size_t)hend, 0) != (ssize_t)hend) {
		mnr__free(hbuf);
		return -1;
	}
	mnr_csv_options_init(&o);
	st = mnr_csv_reader_alloc(&r, path, &o, on_header, &hc, err);
	if (!st) {
		st = mnr_csv_reader_feed(r, hbuf, (size_t)hend, err);
		if (!st)
			st = mnr_csv_reader_finish(r, err);
		mnr_csv_reader_free(r);
	}
	mnr__free(hbuf);
	if (st)
		return st;
	if (!hc.seen || hend >= size)
		return -1;
	atomic_fetch_add(&pg->bytes, (unsigned long long)hend);

	pc = mnr__calloc(nt, sizeof(*pc));
	tid = mnr__calloc(nt, sizeof(*tid));
	started = mnr__calloc(nt, sizeof(*started));
	if (!pc || !tid || !started) {
		st = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	/* Cut [hend, size) into nt pieces of about equal size at line ends. */
	pc[0].start = hend;
	np = 1;
	for (i = 1; i < nt; i++) {
		c = next_line_start(fd, hend + (size - hend) * (off_t)i /
						(off_t)nt, size);
		if (c > pc[np - 1].start && c < size) {
			pc[np - 1].end = c;
			pc[np++].start = c;
		}
	}
	pc[np - 1].end = size;
	atomic_init(&done, 0);
	for (i = 0; i < np; i++) {
		pc[i].fd = fd;
		pc[i].path = path;
		pc[i].schema = &schema;
		pc[i].nfields = hc.nfields;
		pc[i].pg = pg;
		pc[i].done = &done;
		if ((st = mnr_agg_alloc(&pc[i].agg, &a->opt, err)))
			goto out;
	}
	for (i = 0; i < np; i++) {
		if (pthread_create(&tid[i], NULL, piece_thread, &pc[i]) == 0) {
			started[i] = 1;
			continue;
		}
		piece_thread(&pc[i]); /* no thread: parse it here */
	}
	/* With a progress callback, report while waiting (20 ms steps, so
	 * the wait adds little to a short run); else just join. */
	while (a->opt.progress && atomic_load(&done) < (int)np) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		static const unsigned every = 5; /* report every 100 ms */
		unsigned k;

		report(pg);
		for (k = 0; k < every && atomic_load(&done) < (int)np; k++)
			nanosleep(&ts, NULL);
	}
	for (i = 0; i < np; i++)
		if (started[i])
			pthread_join(tid[i], NULL);
	report(pg);

	/* Resolve the pieces in file order. */
	cur = pc[0];
	pc[0].agg = NULL;
	i = 1;
	for (;;) {
		if (i < np && cur.st == MNR_EPARSE && cur.open_quote) {
			/* The cut before piece i was inside a quoted field. */
			mnr_agg_free(cur.agg);
			cur.agg = NULL;
			cur.end = pc[i++].end;
			cur.pg = NULL;
			if ((cur.st = mnr_agg_alloc(&cur.agg, &a->opt,
						    &cur.err)) == MNR_OK)
				parse_piece(&cur);
			continue;
		}
		if (cur.st) {
			st = piece_error(&cur, err);
			break;
		}
		if ((st = mnr_agg_merge(a, cur.agg, err)))
			break;
		mnr_agg_free(cur.agg);
		cur.agg = NULL;
		if (i >= np)
			break;
		cur = pc[i];
		pc[i++].agg = NULL;
	}
	mnr_agg_free(cur.agg);
out:
	if (pc)
		for (i = 0; i < nt; i++)
			mnr_agg_free(pc[i].agg);
	mnr__free(pc);
	mnr__free(tid);
	mnr__free(started);
	return st;
}

int mnr_agg_read_path(struct mnr_agg *a, const char *path,
		      struct mnr_error *err)
{
	struct progress pg;
	FILE *fp;
	struct stat sb;
	int st, e;

	memset(&pg, 0, sizeof(pg));
	pg.opt = &a->opt;
	atomic_init(&pg.bytes, 0);
	atomic_init(&pg.rows, 0);
	if (a->finalised)
		return mnr_error_set(err, MNR_EINVAL, "aggregate is finalised");
	if (strcmp(path, "-") == 0)
		return read_stream(a, stdin, "<stdin>", &pg, err);
	if (!(fp = fopen(path, "rb"))) {
		e = errno;
		st = mnr_error_set_at(err, MNR_ENOINPUT, path, 0, 0, 0, NULL,
				      "cannot open: %s", strerror(e));
		if (err)
			err->sys_errno = e;
		return st;
	}
	st = -1;
	if (a->opt.threads > 1 && fstat(fileno(fp), &sb) == 0 &&
	    S_ISREG(sb.st_mode) && sb.st_size > 0)
		st = read_parallel(a, fileno(fp), path, sb.st_size, &pg, err);
	if (st < 0)
		st = read_stream(a, fp, path, &pg, err);
	fclose(fp);
	return st;
}
