/* Unit tests for the streaming CSV reader. */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

#include "mnrstat/alloc.h"
#include "mnrstat/csv.h"

struct collect {
	char out[4096];   /* records rendered as a|b|c; one per line */
	size_t used;
	unsigned long lines[64];
	size_t nrec;
	long fail_on;     /* record number whose field 2 the callback rejects */
};

static int collect_row(void *ud, const struct mnr_csv_row *row,
		       struct mnr_error *err)
{
	struct collect *c = ud;
	size_t i;

	if (c->nrec < 64)
		c->lines[c->nrec] = row->line;
	c->nrec++;
	if ((long)row->record == c->fail_on)
		return mnr_csv_field_error(row, 1, err, MNR_EDATA, "test-rule",
					   "field 2 rejected");
	for (i = 0; i < row->nfields; i++) {
		assert_int_equal(strlen(row->field[i]), row->len[i]);
		c->used += (size_t)snprintf(c->out + c->used,
					    sizeof(c->out) - c->used, "%s%s",
					    i ? "|" : "", row->field[i]);
	}
	c->used += (size_t)snprintf(c->out + c->used, sizeof(c->out) - c->used,
				    "\n");
	return MNR_OK;
}

/* Feed s in pieces of size step (0 = whole) and collect. */
static int run(const char *s, size_t step, struct collect *c,
	       struct mnr_error *err)
{
	struct mnr_csv_reader *r;
	size_t n = strlen(s), i;
	int st;

	mnr_error_clear(err);
	assert_int_equal(mnr_csv_reader_alloc(&r, "t.csv", NULL, collect_row,
					      c, err), MNR_OK);
	if (!step)
		step = n ? n : 1;
	for (i = 0; i < n; i += step) {
		st = mnr_csv_reader_feed(r, s + i, i + step > n ? n - i : step,
					 err);
		if (st) {
			mnr_csv_reader_free(r);
			return st;
		}
	}
	st = mnr_csv_reader_finish(r, err);
	mnr_csv_reader_free(r);
	return st;
}

static void test_csv_rfc4180(void **state)
{
	static const char in[] =
		"\xEF\xBB\xBF" "a,b,c\r\n"
		"1,\"x, y\",\"multi\nline\"\r\n"
		"\"q\"\"uote\", lead ,\r\n"
		"last,row,noeol";
	static const char want[] =
		"a|b|c\n1|x, y|multi\nline\nq\"uote| lead |\nlast|row|noeol\n";
	size_t steps[] = { 0, 1, 2, 3, 7, 13 };
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		struct collect c;
		struct mnr_error err;

		memset(&c, 0, sizeof(c));
		assert_int_equal(run(in, steps[k], &c, &err), MNR_OK);
		assert_string_equal(c.out, want);
		assert_int_equal(c.nrec, 4);
		assert_int_equal(c.lines[0], 1);
		assert_int_equal(c.lines[1], 2);
		assert_int_equal(c.lines[2], 4);
		assert_int_equal(c.lines[3], 5);
	}
}

static void expect_error(const char *in, int code, const char *rule,
			 unsigned long line, unsigned long col)
{
	size_t steps[] = { 0, 1, 5 };
	size_t k;

	for (k = 0; k < 3; k++) {
		struct collect c;
		struct mnr_error err;

		memset(&c, 0, sizeof(c));
		c.fail_on = -1;
		assert_int_equal(run(in, steps[k], &c, &err), code);
		assert_string_equal(err.rule, rule);
		assert_string_equal(err.path, "t.csv");
		assert_int_equal(err.line, line);
		assert_int_equal(err.column, col);
	}
}

static void test_csv_errors_located(void **state)
{
	(void)state;
	expect_error("a,b\n1,2,3\n", MNR_EDATA, "ragged-row", 2, 5);
	expect_error("a,b,c\n1,2\n", MNR_EDATA, "ragged-row", 2, 3);
	expect_error("a,b\n1,\"open\n2,3\n", MNR_EPARSE, "csv-quote", 2, 3);
	expect_error("a,b\n1,x\"y\n", MNR_EPARSE, "csv-quote", 2, 4);
	expect_error("a,b\n1,\"x\"y\n", MNR_EPARSE, "csv-quote", 2, 6);
	expect_error("a,b\n1,\xff\n", MNR_EDATA, "utf8", 2, 3);
	expect_error("a,b\n1,\xc0\xaf\n", MNR_EDATA, "utf8", 2, 3);
	expect_error("a,b\nxx,\xed\xa0\x80\n", MNR_EDATA, "utf8", 2, 4);
	expect_error("", MNR_EDATA, "empty-file", 1, 0);
	{
		static const char nul[] = "a,b\n1,2\0\n";
		struct collect c;
		struct mnr_error err;
		struct mnr_csv_reader *r;

		memset(&c, 0, sizeof(c));
		mnr_error_clear(&err);
		assert_int_equal(mnr_csv_reader_alloc(&r, "t.csv", NULL,
						      collect_row, &c, &err), 0);
		assert_int_equal(mnr_csv_reader_feed(r, nul, sizeof(nul) - 1,
						     &err), MNR_EDATA);
		assert_string_equal(err.rule, "nul-byte");
		assert_int_equal(err.line, 2);
		assert_int_equal(err.column, 4);
		mnr_csv_reader_free(r);
	}
}

static void test_csv_callback_error_position(void **state)
{
	struct collect c;
	struct mnr_error err;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.fail_on = 3;
	assert_int_equal(run("h1,h2\n\"a\nb\",c\n x ,  yy\n", 4, &c, &err),
			 MNR_EDATA);
	assert_int_equal(err.line, 4);
	assert_int_equal(err.column, 5);
	assert_int_equal(err.field, 2);
	assert_string_equal(err.rule, "test-rule");
}

static void test_csv_limits(void **state)
{
	struct mnr_csv_options o;
	struct mnr_csv_reader *r;
	struct mnr_error err;
	struct collect c;
	char *big = malloc(200);

	(void)state;
	memset(&c, 0, sizeof(c));
	mnr_csv_options_init(&o);
	o.max_field = 10;
	memcpy(big, "a,b\n1,\"", 7);
	memset(big + 7, 'x', 50);
	memcpy(big + 57, "\"\n", 3);
	mnr_error_clear(&err);
	assert_int_equal(mnr_csv_reader_alloc(&r, "t.csv", &o, collect_row, &c,
					      &err), 0);
	assert_int_equal(mnr_csv_reader_feed(r, big, strlen(big), &err),
			 MNR_EDATA);
	assert_string_equal(err.rule, "field-too-long");
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 3);
	mnr_csv_reader_free(r);

	o.max_field = 1000;
	o.max_record = 30;
	mnr_error_clear(&err);
	assert_int_equal(mnr_csv_reader_alloc(&r, "t.csv", &o, collect_row, &c,
					      &err), 0);
	assert_int_equal(mnr_csv_reader_feed(r, big, strlen(big), &err),
			 MNR_EDATA);
	assert_string_equal(err.rule, "record-too-long");
	assert_int_equal(err.line, 2);
	mnr_csv_reader_free(r);
	free(big);
}

static void test_csv_bind(void **state)
{
	static const char *const names[] = { "country", "month", "value" };
	static const int req[] = { 1, 1, 0 };
	const char *fields[] = { "month", "land", "x" };
	size_t lens[] = { 5, 4, 1 };
	struct mnr_csv_row row = { 3, fields, lens, 1, 1, 1, "h.csv",
				   "month,land,x\n", 13, ',' };
	struct mnr_colmap map = { { "country" }, { "land" }, 1 };
	long idx[3];
	struct mnr_error err;

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_csv_bind(&row, names, req, 3, &map, idx, &err), 0);
	assert_int_equal(idx[0], 1);
	assert_int_equal(idx[1], 0);
	assert_int_equal(idx[2], -1);
	assert_int_equal(mnr_csv_bind(&row, names, req, 3, NULL, idx, &err),
			 MNR_EDATA);
	assert_string_equal(err.rule, "missing-column");
	fields[2] = "month";
	lens[2] = 5;
	row.raw = "month,land,month\n";
	mnr_error_clear(&err);
	assert_int_equal(mnr_csv_bind(&row, names, req, 3, &map, idx, &err),
			 MNR_EDATA);
	assert_string_equal(err.rule, "header-duplicate");
	assert_int_equal(err.column, 12);
}

static void test_csv_enomem(void **state)
{
	static const char in[] = "a,b\n1,\"two\nlines\"\n3,4\n";
	unsigned long nth;
	int ok = 0;

	(void)state;
	/* Every allocation failure is reported as MNR_ENOMEM, never a crash. */
	for (nth = 1; nth < 40 && !ok; nth++) {
		struct collect c;
		struct mnr_error err;
		struct mnr_csv_reader *r = NULL;
		int st;

		memset(&c, 0, sizeof(c));
		c.fail_on = -1;
		mnr_error_clear(&err);
		mnr_alloc_fail_after(nth);
		st = mnr_csv_reader_alloc(&r, "t.csv", NULL, collect_row, &c,
					  &err);
		if (!st)
			st = mnr_csv_reader_feed(r, in, sizeof(in) - 1, &err);
		if (!st)
			st = mnr_csv_reader_finish(r, &err);
		mnr_csv_reader_free(r);
		mnr_alloc_fail_after(0);
		if (st == MNR_OK)
			ok = 1;
		else
			assert_int_equal(st, MNR_ENOMEM);
	}
	assert_true(ok);
}

/*
 * The memchr fast path for quote-free lines and libcsv must read every
 * input the same way: random inputs over an alphabet rich in delimiters,
 * quotes, CR, LF and multibyte UTF-8, fed in random pieces both ways.
 */
static int run_opts(const char *s, size_t n, size_t step, int libcsv_only,
		    struct collect *c, struct mnr_error *err)
{
	struct mnr_csv_options o;
	struct mnr_csv_reader *r;
	size_t i;
	int st;

	mnr_csv_options_init(&o);
	o.libcsv_only = libcsv_only;
	o.expected_fields = 0;
	mnr_error_clear(err);
	if ((st = mnr_csv_reader_alloc(&r, "t.csv", &o, collect_row, c, err)))
		return st;
	for (i = 0; i < n && !st; i += step)
		st = mnr_csv_reader_feed(r, s + i, i + step > n ? n - i : step,
					 err);
	if (!st)
		st = mnr_csv_reader_finish(r, err);
	mnr_csv_reader_free(r);
	return st;
}

static void test_csv_fast_path_equals_libcsv(void **state)
{
	static const char *const alphabet[] = {
		"a", "b", ",", ",", " ", "\n", "\r\n", "\"", "\"\"", "\xc3\xa9",
		"x,y", "\r" };
	unsigned seed = 12345;
	int iter;

	(void)state;
	for (iter = 0; iter < 3000; iter++) {
		char in[256];
		size_t n = 0, k, len;
		struct collect a, b;
		struct mnr_error ea, eb;
		int sa, sb;

		seed = seed * 1103515245u + 12345u;
		len = 1 + (seed >> 16) % 40;
		/* Every input starts with a two-column header. */
		memcpy(in, "h1,h2\n", 6);
		n = 6;
		for (k = 0; k < len; k++) {
			const char *t;

			seed = seed * 1103515245u + 12345u;
			t = alphabet[(seed >> 16) % 12];
			memcpy(in + n, t, strlen(t));
			n += strlen(t);
		}
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		a.fail_on = b.fail_on = -1;
		sa = run_opts(in, n, 1 + iter % 7, 0, &a, &ea);
		sb = run_opts(in, n, 1 + iter % 5, 1, &b, &eb);
		assert_int_equal(sa, sb);
		assert_string_equal(a.out, b.out);
		assert_int_equal(a.nrec, b.nrec);
		if (sa) {
			assert_string_equal(ea.rule, eb.rule);
			assert_int_equal(ea.line, eb.line);
			assert_int_equal(ea.column, eb.column);
		} else {
			for (k = 0; k < a.nrec && k < 64; k++)
				assert_int_equal(a.lines[k], b.lines[k]);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_rfc4180),
		cmocka_unit_test(test_csv_errors_located),
		cmocka_unit_test(test_csv_callback_error_position),
		cmocka_unit_test(test_csv_limits),
		cmocka_unit_test(test_csv_bind),
		cmocka_unit_test(test_csv_enomem),
		cmocka_unit_test(test_csv_fast_path_equals_libcsv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
