/*
 * Streaming CSV reader (base layer).  libcsv does the RFC 4180 state
 * machine; this file feeds it one physical line at a time so it always
 * knows the line a record starts on and keeps the record's raw bytes, from
 * which a field's column is recomputed only when an error needs it.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

#include <csv.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "alloc_internal.h"
#include "mnrstat/csv.h"
#include "banned.h"

struct mnr_csv_reader {
	struct csv_parser p;
	struct mnr_csv_options opt;
	const char *path;
	mnr_csv_row_fn *fn;
	void *ud;
	struct mnr_error *err;   /* valid during feed/finish */
	int status;              /* first error; stops everything */

	/* Fields of the record being built: text packed with NULs. */
	char *text;
	size_t text_len, text_alloc;
	size_t *off;
	size_t *flen;
	size_t nfields, fields_alloc;
	const char **ptrs;

	/* Raw bytes of a record that spans lines or feeds. */
	char *raw;
	size_t raw_len, raw_alloc;
	int pending;             /* a record is open across a line end */
	const char *cur_raw;     /* raw record bytes for the current callback */
	size_t cur_raw_len;

	/* An incomplete line carried over from the previous feed. */
	char *carry;
	size_t carry_len, carry_alloc;

	unsigned long line;      /* physical line of the next byte */
	unsigned long rec_line;  /* line where the open record started */
	unsigned long records;
	unsigned long long bytes;
	size_t header_fields;
	int bom;                 /* bytes of a leading BOM matched; 3 = done */
	int any_record;
};

void mnr_csv_options_init(struct mnr_csv_options *o)
{
	memset(o, 0, sizeof(*o));
	o->delim = ',';
	o->max_field = 64 * 1024;
	o->max_record = 1024 * 1024;
	o->first_line = 1;
	o->header = 1;
}

/* RFC 4180: spaces are part of the field, never trimmed. */
static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void *csv_realloc(void *p, size_t n)
{
	return mnr__realloc(p, n);
}

int mnr_csv_reader_alloc(struct mnr_csv_reader **out, const char *path,
			 const struct mnr_csv_options *opt,
			 mnr_csv_row_fn *fn, void *ud, struct mnr_error *err)
{
	struct mnr_csv_reader *r = mnr__calloc(1, sizeof(*r));

	if (!r)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	if (opt)
		r->opt = *opt;
	else
		mnr_csv_options_init(&r->opt);
	if (!r->opt.delim)
		r->opt.delim = ',';
	if (!r->opt.first_line)
		r->opt.first_line = 1;
	if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		mnr__free(r);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	csv_set_realloc_func(&r->p, csv_realloc);
	csv_set_free_func(&r->p, mnr__free);
	csv_set_space_func(&r->p, no_space);
	csv_set_delim(&r->p, r->opt.delim);
	r->path = path;
	r->fn = fn;
	r->ud = ud;
	r->line = r->opt.first_line;
	r->header_fields = r->opt.expected_fields;
	*out = r;
	return MNR_OK;
}

void mnr_csv_reader_free(struct mnr_csv_reader *r)
{
	if (!r)
		return;
	csv_free(&r->p);
	mnr__free(r->text);
	mnr__free(r->off);
	mnr__free(r->flen);
	mnr__free(r->ptrs);
	mnr__free(r->raw);
	mnr__free(r->carry);
	mnr__free(r);
}

unsigned long mnr_csv_reader_records(const struct mnr_csv_reader *r)
{
	return r->records;
}

unsigned long long mnr_csv_reader_bytes(const struct mnr_csv_reader *r)
{
	return r->bytes;
}

/*
 * Walk a raw record the way RFC 4180 reads it and return the byte offset
 * where field fi starts (or the end, if the record has fewer fields).
 */
static size_t field_offset(const char *raw, size_t n, size_t fi,
			   unsigned char delim)
{
	size_t i = 0, f = 0;
	int inq = 0;

	while (i < n && f < fi) {
		char c = raw[i];

		if (inq) {
			if (c == '"') {
				if (i + 1 < n && raw[i + 1] == '"')
					i++;
				else
					inq = 0;
			}
		} else if (c == '"') {
			inq = 1;
		} else if ((unsigned char)c == delim) {
			f++;
		}
		i++;
	}
	return i;
}

static void offset_to_pos(const char *raw, size_t off, unsigned long line0,
			  unsigned long *line, unsigned long *column)
{
	size_t i, bol = 0;
	unsigned long l = line0;

	for (i = 0; i < off; i++) {
		if (raw[i] == '\n') {
			l++;
			bol = i + 1;
		}
	}
	*line = l;
	*column = (unsigned long)(off - bol) + 1;
}

void mnr_csv_locate(const struct mnr_csv_row *row, size_t fi,
		    unsigned long *line, unsigned long *column)
{
	size_t off = field_offset(row->raw, row->raw_len, fi, row->delim);

	offset_to_pos(row->raw, off, row->line, line, column);
}

int mnr_csv_field_error(const struct mnr_csv_row *row, size_t fi,
			struct mnr_error *err, int code, const char *rule,
			const char *fmt, ...)
{
	unsigned long line, column;
	va_list ap;
	char msg[sizeof(err->msg)];

	if (!err || err->code)
		return code;
	mnr_csv_locate(row, fi, &line, &column);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return mnr_error_set_at(err, code, row->path, line, column, fi + 1,
				rule, "%s", msg);
}

static int fail_at_offset(struct mnr_csv_reader *r, const char *raw,
			  size_t off, unsigned long line0, size_t field,
			  int code, const char *rule, const char *msg)
{
	unsigned long line, column;

	offset_to_pos(raw, off, line0, &line, &column);
	r->status = mnr_error_set_at(r->err, code, r->path, line, column,
				     field, rule, "%s", msg);
	return r->status;
}

/* Room for at least k fields in the offset, length and pointer arrays. */
static int ensure_fields(struct mnr_csv_reader *r, size_t k)
{
	size_t want = r->fields_alloc;
	size_t *no, *nf;
	const char **np;

	if (k <= r->fields_alloc)
		return 0;
	while (want < k)
		want = want ? 2 * want : 16;
	no = mnr__realloc(r->off, want * sizeof(size_t));
	if (no)
		r->off = no;
	nf = no ? mnr__realloc(r->flen, want * sizeof(size_t)) : NULL;
	if (nf)
		r->flen = nf;
	np = nf ? mnr__realloc((void *)r->ptrs, want * sizeof(char *)) : NULL;
	if (!np) {
		r->status = mnr_error_set(r->err, MNR_ENOMEM, "out of memory");
		return -1;
	}
	r->ptrs = np;
	r->fields_alloc = want;
	return 0;
}

static void on_field(void *s, size_t len, void *data)
{
	struct mnr_csv_reader *r = data;

	if (r->status)
		return;
	if (len > r->opt.max_field) {
		/* The field is the one being completed: count so far + 1. */
		size_t fi = r->nfields;
		size_t off = field_offset(r->cur_raw, r->cur_raw_len, fi,
					  r->opt.delim);

		fail_at_offset(r, r->cur_raw, off, r->rec_line, fi + 1,
			       MNR_EDATA, "field-too-long",
			       "field longer than the limit");
		return;
	}
	if (ensure_fields(r, r->nfields + 1))
		return;
	if (mnr__grow((void **)&r->text, &r->text_alloc,
		      r->text_len + len + 1, 1) != 0) {
		r->status = mnr_error_set(r->err, MNR_ENOMEM, "out of memory");
		return;
	}
	if (len)
		memcpy(r->text + r->text_len, s, len);
	r->text[r->text_len + len] = '\0';
	r->off[r->nfields] = r->text_len;
	r->flen[r->nfields] = len;
	r->text_len += len + 1;
	r->nfields++;
}

static void on_record(int c, void *data)
{
	struct mnr_csv_reader *r = data;
	struct mnr_csv_row row;
	size_t i;

	(void)c;
	if (r->status) {
		r->nfields = 0;
		r->text_len = 0;
		return;
	}
	r->records++;
	r->any_record = 1;
	for (i = 0; i < r->nfields; i++)
		r->ptrs[i] = r->text + r->off[i];
	row.nfields = r->nfields;
	row.field = r->ptrs;
	row.len = r->flen;
	row.line = r->rec_line;
	row.record = r->records;
	row.is_header = r->opt.header && r->records == 1;
	row.path = r->path;
	row.raw = r->cur_raw;
	row.raw_len = r->cur_raw_len;
	row.delim = r->opt.delim;

	if (!r->header_fields) {
		r->header_fields = r->nfields;
	} else if (r->nfields != r->header_fields) {
		size_t fi = r->nfields > r->header_fields ? r->header_fields
							  : r->nfields;
		size_t off = field_offset(row.raw, row.raw_len, fi,
					  r->opt.delim);
		char msg[128];

		/* Point at the first extra field, or at the record's end. */
		if (r->nfields < r->header_fields)
			off = field_offset(row.raw, row.raw_len,
					   r->nfields - 1, r->opt.delim);
		snprintf(msg, sizeof(msg),
			 "record has %zu fields, header has %zu",
			 r->nfields, r->header_fields);
		fail_at_offset(r, row.raw, off, r->rec_line, fi + 1,
			       MNR_EDATA, "ragged-row", msg);
	}
	if (!r->status && r->fn) {
		int st = r->fn(r->ud, &row, r->err);

		if (st) {
			r->status = st;
			if (r->err && !r->err->code)
				mnr_error_set(r->err, st, "%s", mnr_strerror(st));
			mnr_error_locate(r->err, r->path, row.line, 0, 0);
		}
	}
	r->nfields = 0;
	r->text_len = 0;
	r->pending = 0;
	r->raw_len = 0;
}

/*
 * One pass over a line: NUL bytes and UTF-8 validity.  The common all-ASCII
 * case is checked eight bytes at a time.  Returns the offset of the first
 * bad byte, or len.
 */
static size_t check_bytes(const unsigned char *s, size_t len, int *is_nul)
{
	size_t i = 0;

	*is_nul = 0;
	while (i < len) {
		if (i + 8 <= len) {
			uint64_t w;

			memcpy(&w, s + i, 8);
			/* No high bit and no zero byte in the word. */
			if (!(w & 0x8080808080808080ULL) &&
			    !((w - 0x0101010101010101ULL) & ~w &
			      0x8080808080808080ULL)) {
				i += 8;
				continue;
			}
		}
		if (s[i] == 0) {
			*is_nul = 1;
			return i;
		}
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		{
			size_t need, k;
			unsigned cp;

			if (s[i] >= 0xC2 && s[i] <= 0xDF) {
				need = 1;
				cp = s[i] & 0x1F;
			} else if (s[i] >= 0xE0 && s[i] <= 0xEF) {
				need = 2;
				cp = s[i] & 0x0F;
			} else if (s[i] >= 0xF0 && s[i] <= 0xF4) {
				need = 3;
				cp = s[i] & 0x07;
			} else {
				return i;
			}
			if (i + need >= len)
				return i;
			for (k = 1; k <= need; k++) {
				if ((s[i + k] & 0xC0) != 0x80)
					return i;
				cp = (cp << 6) | (s[i + k] & 0x3F);
			}
			/* Overlong forms, surrogates, beyond U+10FFFF. */
			if ((need == 2 && cp < 0x800) ||
			    (need == 3 && cp < 0x10000) ||
			    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
				return i;
			i += need + 1;
		}
	}
	return len;
}

/* Find where strict RFC 4180 quoting breaks in a raw record. */
static size_t quote_violation(const char *raw, size_t n, unsigned char delim,
			      size_t *field)
{
	size_t i = 0, f = 0, fstart = 0;
	int inq = 0, quoted = 0, closed = 0;

	for (i = 0; i < n; i++) {
		char c = raw[i];

		if (inq) {
			if (c == '"') {
				if (i + 1 < n && raw[i + 1] == '"') {
					i++;
				} else {
					inq = 0;
					closed = 1;
				}
			}
			continue;
		}
		if ((unsigned char)c == delim || c == '\n' || c == '\r') {
			f++;
			fstart = i + 1;
			quoted = closed = 0;
			continue;
		}
		if (c == '"' && i == fstart && !quoted) {
			inq = quoted = 1;
			continue;
		}
		if (c == '"' || closed) {
			*field = f + 1;
			return i;
		}
	}
	*field = f + 1;
	/* Unclosed quote: point at the field's opening quote. */
	return fstart < n ? fstart : n;
}

static int parse_error(struct mnr_csv_reader *r, const char *raw, size_t n)
{
	size_t field = 0;
	size_t off = quote_violation(raw, n, r->opt.delim, &field);

	return fail_at_offset(r, raw, off, r->rec_line, field, MNR_EPARSE,
			      "csv-quote",
			      "malformed quoted field (RFC 4180)");
}

static int append_raw(struct mnr_csv_reader *r, const char *s, size_t n)
{
	if (r->raw_len + n > r->opt.max_record)
		return fail_at_offset(r, "", 0, r->rec_line, 0, MNR_EDATA,
				      "record-too-long",
				      "record longer than the limit");
	if (mnr__grow((void **)&r->raw, &r->raw_alloc, r->raw_len + n, 1)) {
		r->status = mnr_error_set(r->err, MNR_ENOMEM, "out of memory");
		return r->status;
	}
	memcpy(r->raw + r->raw_len, s, n);
	r->raw_len += n;
	return MNR_OK;
}

static int slow_line(struct mnr_csv_reader *r, const char *s, size_t n);

/*
 * Fast path for a line that holds no quote character and starts a record:
 * RFC 4180 then reduces to splitting at the delimiter, which memchr does
 * many times faster than libcsv's byte-at-a-time state machine (measured in
 * bench/ingest.sh).  Anything with a quote, or a bare CR that libcsv would
 * read as a record end, goes to libcsv; tests feed the same inputs through
 * both paths.
 */
static int fast_line(struct mnr_csv_reader *r, const char *s, size_t n)
{
	size_t m = n, start, k;
	char *t;

	if (m && s[m - 1] == '\n')
		m--;
	if (m && s[m - 1] == '\r')
		m--;
	if (m == 0 || memchr(s, '\r', m))
		return slow_line(r, s, n);
	if (n > r->opt.max_record)
		return fail_at_offset(r, "", 0, r->line, 0, MNR_EDATA,
				      "record-too-long",
				      "record longer than the limit");
	if (mnr__grow((void **)&r->text, &r->text_alloc, m + 1, 1)) {
		r->status = mnr_error_set(r->err, MNR_ENOMEM, "out of memory");
		return r->status;
	}
	t = r->text;
	memcpy(t, s, m);
	t[m] = '\0';
	r->cur_raw = s;
	r->cur_raw_len = n;
	r->nfields = 0;
	start = 0;
	for (;;) {
		char *d = memchr(t + start, r->opt.delim, m - start);
		size_t end = d ? (size_t)(d - t) : m;

		if (r->nfields == r->fields_alloc &&
		    ensure_fields(r, r->nfields + 1))
			return r->status;
		k = r->nfields++;
		r->off[k] = start;
		r->flen[k] = end - start;
		if (end - start > r->opt.max_field)
			return fail_at_offset(r, s, start, r->line, k + 1,
					      MNR_EDATA, "field-too-long",
					      "field longer than the limit");
		if (!d)
			break;
		*d = '\0';
		start = end + 1;
	}
	r->text_len = m + 1;
	on_record(0, r);
	r->line++;
	return r->status;
}

/*
 * One fused pass over a plain line -- every byte 0x01..0x7F, no quote, no
 * CR -- validating, copying and splitting at the delimiter at once (16
 * bytes at a time with SSE2, part of the x86-64 baseline), instead of
 * check_bytes + memchr('"') + memchr('\r') + memcpy + one memchr per
 * field.  Returns 1 when the line was taken, 0 to use the existing path
 * (which then also reports any error at its position).
 */
static int plain_line(struct mnr_csv_reader *r, const char *s, size_t n)
{
	size_t m = n, i, start = 0, k;
	unsigned char delim = r->opt.delim;
	char *t;

	if (r->pending || r->p.pstate != 0 || r->opt.libcsv_only)
		return 0;
	if (m && s[m - 1] == '\n')
		m--;
	if (m == 0 || n > r->opt.max_record)
		return 0;
	if (mnr__grow((void **)&r->text, &r->text_alloc, m + 1, 1))
		return 0;
	t = r->text;
	r->nfields = 0;
	i = 0;
#ifdef __SSE2__
	{
		const __m128i vd = _mm_set1_epi8((char)delim);
		const __m128i vq = _mm_set1_epi8('"');
		const __m128i vr = _mm_set1_epi8('\r');
		const __m128i vz = _mm_setzero_si128();

		for (; i + 16 <= m; i += 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
			unsigned bad = (unsigned)_mm_movemask_epi8(
				_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, vq),
							  _mm_cmpeq_epi8(v, vr)),
					     _mm_or_si128(_mm_cmpeq_epi8(v, vz), v)));
			unsigned dm = (unsigned)_mm_movemask_epi8(
				_mm_cmpeq_epi8(v, vd));

			if (bad)
				return r->nfields = 0, 0;
			_mm_storeu_si128((__m128i *)(t + i), v);
			while (dm) {
				size_t at = i + (size_t)__builtin_ctz(dm);

				dm &= dm - 1;
				if (r->nfields == r->fields_alloc &&
				    ensure_fields(r, r->nfields + 1))
					return r->nfields = 0, 0;
				k = r->nfields++;
				r->off[k] = start;
				r->flen[k] = at - start;
				if (at - start > r->opt.max_field)
					return r->nfields = 0, 0;
				t[at] = '\0';
				start = at + 1;
			}
		}
	}
#endif
	for (; i < m; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == delim) {
			if (r->nfields == r->fields_alloc &&
			    ensure_fields(r, r->nfields + 1))
				return 0;
			k = r->nfields++;
			r->off[k] = start;
			r->flen[k] = i - start;
			if (i - start > r->opt.max_field)
				return r->nfields = 0, 0;
			t[i] = '\0';
			start = i + 1;
			continue;
		}
		if (c >= 0x80 || c == 0 || c == '"' || c == '\r')
			return r->nfields = 0, 0;
		t[i] = (char)c;
	}
	if (r->nfields == r->fields_alloc && ensure_fields(r, r->nfields + 1))
		return 0;
	k = r->nfields++;
	r->off[k] = start;
	r->flen[k] = m - start;
	if (m - start > r->opt.max_field)
		return r->nfields = 0, 0;
	t[m] = '\0';
	r->text_len = m + 1;
	r->rec_line = r->line;
	r->cur_raw = s;
	r->cur_raw_len = n;
	on_record(0, r);
	r->line++;
	return 1;
}

/* Feed one complete physical line (with its '\n', or the last line). */
static int feed_line(struct mnr_csv_reader *r, const char *s, size_t n)
{
	int is_nul;
	size_t bad;

	if (plain_line(r, s, n))
		return r->status;
	bad = check_bytes((const unsigned char *)s, n, &is_nul);

	if (!r->pending)
		r->rec_line = r->line;
	if (bad < n) {
		unsigned long col = (unsigned long)bad + 1;

		r->status = mnr_error_set_at(r->err, MNR_EDATA, r->path,
					     r->line, col, 0,
					     is_nul ? "nul-byte" : "utf8",
					     is_nul ? "NUL byte in input"
						    : "invalid UTF-8");
		return r->status;
	}
	if (!r->pending && r->p.pstate == 0 && !r->opt.libcsv_only &&
	    !memchr(s, '"', n))
		return fast_line(r, s, n);
	return slow_line(r, s, n);
}

/* A line through libcsv: quoted fields, records spanning lines. */
static int slow_line(struct mnr_csv_reader *r, const char *s, size_t n)
{
	if (r->pending) {
		if (append_raw(r, s, n))
			return r->status;
		r->cur_raw = r->raw;
		r->cur_raw_len = r->raw_len;
	} else {
		if (n > r->opt.max_record)
			return fail_at_offset(r, "", 0, r->line, 0, MNR_EDATA,
					      "record-too-long",
					      "record longer than the limit");
		r->cur_raw = s;
		r->cur_raw_len = n;
	}
	if (csv_parse(&r->p, s, n, on_field, on_record, r) != n) {
		if (!r->status && csv_error(&r->p) == CSV_EPARSE)
			parse_error(r, r->cur_raw, r->cur_raw_len);
		else if (!r->status)
			r->status = mnr_error_set(r->err, MNR_ENOMEM,
						  "out of memory");
		return r->status;
	}
	if (r->status)
		return r->status;
	r->line++;
	/* libcsv still inside a record: it continues on the next line. */
	if (r->p.pstate != 0 && !r->pending) {
		r->pending = 1;
		r->raw_len = 0;
		if (append_raw(r, s, n))
			return r->status;
	}
	return MNR_OK;
}

int mnr_csv_reader_feed(struct mnr_csv_reader *r, const char *buf,
			size_t len, struct mnr_error *err)
{
	const char *end = buf + len, *nl;

	r->err = err;
	if (r->status)
		return r->status;
	r->bytes += len;
	/* A UTF-8 byte-order mark may arrive split across feeds. */
	while (r->bom < 3 && buf < end) {
		static const char bom[] = "\xEF\xBB\xBF";

		if (*buf == bom[r->bom]) {
			r->bom++;
			buf++;
			continue;
		}
		if (r->bom > 0) {
			/* Not a BOM after all: those bytes are data. */
			int matched = r->bom;

			r->bom = 3;
			if (mnr_csv_reader_feed(r, bom, (size_t)matched, err))
				return r->status;
			r->bytes -= (unsigned long long)matched;
		}
		r->bom = 3;
	}
	/* Complete a line carried over from the previous feed first. */
	if (r->carry_len) {
		nl = memchr(buf, '\n', (size_t)(end - buf));
		if (!nl) {
			if (r->carry_len + (size_t)(end - buf) > r->opt.max_record)
				return fail_at_offset(r, "", 0, r->line, 0,
						      MNR_EDATA, "record-too-long",
						      "record longer than the limit");
			if (mnr__grow((void **)&r->carry, &r->carry_alloc,
				      r->carry_len + (size_t)(end - buf), 1))
				return r->status = mnr_error_set(err, MNR_ENOMEM,
								 "out of memory");
			memcpy(r->carry + r->carry_len, buf, (size_t)(end - buf));
			r->carry_len += (size_t)(end - buf);
			return MNR_OK;
		}
		if (mnr__grow((void **)&r->carry, &r->carry_alloc,
			      r->carry_len + (size_t)(nl + 1 - buf), 1))
			return r->status = mnr_error_set(err, MNR_ENOMEM,
							 "out of memory");
		memcpy(r->carry + r->carry_len, buf, (size_t)(nl + 1 - buf));
		r->carry_len += (size_t)(nl + 1 - buf);
		buf = nl + 1;
		if (feed_line(r, r->carry, r->carry_len))
			return r->status;
		r->carry_len = 0;
	}
	while (buf < end) {
		nl = memchr(buf, '\n', (size_t)(end - buf));
		if (!nl) {
			size_t n = (size_t)(end - buf);

			if (n > r->opt.max_record)
				return fail_at_offset(r, "", 0, r->line, 0,
						      MNR_EDATA, "record-too-long",
						      "record longer than the limit");
			if (mnr__grow((void **)&r->carry, &r->carry_alloc, n, 1))
				return r->status = mnr_error_set(err, MNR_ENOMEM,
								 "out of memory");
			memcpy(r->carry, buf, n);
			r->carry_len = n;
			break;
		}
		if (feed_line(r, buf, (size_t)(nl + 1 - buf)))
			return r->status;
		buf = nl + 1;
	}
	return MNR_OK;
}

int mnr_csv_reader_finish(struct mnr_csv_reader *r, struct mnr_error *err)
{
	r->err = err;
	if (r->status)
		return r->status;
	if (r->carry_len) {
		if (feed_line(r, r->carry, r->carry_len))
			return r->status;
		r->carry_len = 0;
	}
	if (!r->pending) {
		r->cur_raw = "";
		r->cur_raw_len = 0;
	}
	if (csv_fini(&r->p, on_field, on_record, r) != 0) {
		if (!r->status && csv_error(&r->p) == CSV_EPARSE)
			parse_error(r, r->raw, r->raw_len);
		else if (!r->status)
			r->status = mnr_error_set(err, MNR_ENOMEM,
						  "out of memory");
		return r->status;
	}
	if (r->status)
		return r->status;
	if (!r->any_record && r->opt.header)
		return r->status = mnr_error_set_at(err, MNR_EDATA, r->path, 1,
						    0, 0, "empty-file",
						    "empty input: no header");
	return MNR_OK;
}

int mnr_csv_read_stream(FILE *fp, const char *path,
			const struct mnr_csv_options *opt,
			mnr_csv_row_fn *fn, void *ud, struct mnr_error *err)
{
	struct mnr_csv_reader *r;
	char *buf;
	size_t n;
	int st;
	enum { BUFSZ = 1 << 16 };

	if ((st = mnr_csv_reader_alloc(&r, path, opt, fn, ud, err)))
		return st;
	if (!(buf = mnr__malloc(BUFSZ))) {
		mnr_csv_reader_free(r);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	while ((n = fread(buf, 1, BUFSZ, fp)) > 0)
		if ((st = mnr_csv_reader_feed(r, buf, n, err)))
			goto done;
	if (ferror(fp)) {
		st = mnr_error_set_at(err, MNR_EIO, path, 0, 0, 0, NULL,
				      "read error: %s", strerror(errno));
		if (err)
			err->sys_errno = errno;
		goto done;
	}
	st = mnr_csv_reader_finish(r, err);
done:
	mnr__free(buf);
	mnr_csv_reader_free(r);
	return st;
}

int mnr_csv_read_path(const char *path, const struct mnr_csv_options *opt,
		      mnr_csv_row_fn *fn, void *ud, struct mnr_error *err)
{
	FILE *fp;
	int st;

	if (strcmp(path, "-") == 0)
		return mnr_csv_read_stream(stdin, "<stdin>", opt, fn, ud, err);
	if (!(fp = fopen(path, "rb"))) {
		int e = errno;

		st = mnr_error_set_at(err, MNR_ENOINPUT, path, 0, 0, 0, NULL,
				      "cannot open: %s", strerror(e));
		if (err)
			err->sys_errno = e;
		return st;
	}
	st = mnr_csv_read_stream(fp, path, opt, fn, ud, err);
	fclose(fp);
	return st;
}

int mnr_csv_bind(const struct mnr_csv_row *header, const char *const *names,
		 const int *required, size_t nnames,
		 const struct mnr_colmap *map, long *idx,
		 struct mnr_error *err)
{
	size_t i, j;

	for (i = 0; i < header->nfields; i++) {
		if (header->len[i] == 0)
			return mnr_csv_field_error(header, i, err, MNR_EDATA,
						   "header-empty",
						   "empty column name in header");
		for (j = 0; j < i; j++)
			if (strcmp(header->field[i], header->field[j]) == 0)
				return mnr_csv_field_error(
					header, i, err, MNR_EDATA,
					"header-duplicate",
					"duplicate column name in header");
	}
	for (i = 0; i < nnames; i++) {
		const char *want = names[i];
		int mapped = 0;

		if (map)
			for (j = 0; j < map->n; j++)
				if (strcmp(map->name[j], names[i]) == 0) {
					want = map->header[j];
					mapped = 1;
				}
		idx[i] = -1;
		for (j = 0; j < header->nfields; j++)
			if (strcmp(header->field[j], want) == 0)
				idx[i] = (long)j;
		if (idx[i] < 0 && mapped)
			return mnr_error_set_at(err, MNR_EDATA, header->path,
						header->line, 0, 0,
						"missing-column",
						"column '%s' (mapped to '%s') not in header",
						names[i], want);
		if (idx[i] < 0 && required && required[i])
			return mnr_error_set_at(err, MNR_EDATA, header->path,
						header->line, 0, 0,
						"missing-column",
						"required column '%s' not in header (map it with --col %s=HEADER)",
						names[i], names[i]);
	}
	return MNR_OK;
}
