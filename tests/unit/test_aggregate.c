/* Unit tests for the aggregator: metrics, medians, censoring, merging,
 * the partial format, the fast row path and the parallel reader. */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mnrstat/aggregate.h"
#include "mnrstat/alloc.h"
#include "mnrstat/cases.h"
#include "mnrstat/fields.h"

int mnr__agg_parse_fast_check(const struct mnr_case_schema *s,
			      const struct mnr_csv_row *row,
			      struct mnr_case *c);

static const char HDR[] =
	"case_id,person_id,country,source,reported_at,removed_at,closed_at,"
	"outcome,victim_age_band,support_offered,victim_treated_as_suspect\n";

/* Write text to a fresh temporary file; caller frees the path. */
static char *tmpfile_with(const char *text)
{
	const char *dir = getenv("TMPDIR");
	char *path = malloc(512);
	int fd;
	size_t n = strlen(text);

	assert_non_null(path);
	snprintf(path, 512, "%s/mnragg.XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	return path;
}

static char *cat(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *s = malloc(na + nb + 1);

	assert_non_null(s);
	memcpy(s, a, na);
	memcpy(s + na, b, nb + 1);
	return s;
}

/* Aggregate a CSV text (header included) with options o (may be NULL). */
static struct mnr_agg *agg_text(const char *csv,
				const struct mnr_agg_options *o,
				struct mnr_error *err, int *st)
{
	struct mnr_agg *a;
	char *path = tmpfile_with(csv);

	mnr_error_clear(err);
	assert_int_equal(mnr_agg_alloc(&a, o, err), MNR_OK);
	*st = mnr_agg_read_path(a, path, err);
	unlink(path);
	free(path);
	return a;
}

static double val(struct mnr_agg *a, const char *c, const char *month,
		  const char *metric, int *defined)
{
	struct mnr_error err;
	int m;
	double v = NAN;

	mnr_error_clear(&err);
	assert_int_equal(mnr_parse_month(month, 7, &m, NULL), MNR_OK);
	assert_int_equal(mnr_agg_value(a, c, m, metric, &v, defined, &err),
			 MNR_OK);
	return v;
}

static void expect(struct mnr_agg *a, const char *c, const char *month,
		   const char *metric, double want)
{
	int d;
	double v = val(a, c, month, metric, &d);

	if (!d)
		fail_msg("%s %s %s: empty, want %g", c, month, metric, want);
	assert_rel(v, want, 1e-12);
}

static void expect_empty(struct mnr_agg *a, const char *c, const char *month,
			 const char *metric)
{
	int d;

	val(a, c, month, metric, &d);
	if (d)
		fail_msg("%s %s %s: want empty", c, month, metric);
}

/* Render the panel (or partial) to a malloc'd string. */
static char *render(struct mnr_agg *a, int partial)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&buf, &n);
	struct mnr_error err;

	assert_non_null(fp);
	mnr_error_clear(&err);
	assert_int_equal(partial ? mnr_agg_write_partial(a, fp, &err)
				 : mnr_agg_write_panel(a, NULL, fp, &err),
			 MNR_OK);
	fclose(fp);
	return buf;
}

static void test_metric_names_sorted(void **state)
{
	size_t i;

	(void)state;
	for (i = 1; i < MNR_AGG_NMETRICS; i++)
		assert_true(strcmp(mnr_agg_metric_names[i - 1],
				   mnr_agg_metric_names[i]) < 0);
}

/*
 * A hand-made month: five reports in GBR 2020-03, one in 2020-05 (so
 * 2020-04 is a true zero), one in FRA.  Explicit as-of 2020-06-30.
 */
static const char SMALL[] =
	"a,,GBR,hotline,2020-03-01T00:00:00Z,2020-03-01T05:30:00Z,2020-03-10,charged,0-12,yes,no\n"
	"b,,GBR,hotline,2020-03-02,2020-03-03T00:00:00Z,,open,13-15,no,yes\n"
	"c,,GBR,police,2020-03-05,2020-03-09T01:00:00Z,2020-07-01,referred,16-17,unknown,no\n"
	"d,,GBR,,2020-03-06,,2020-03-07,no_further_action,adult,,unknown\n"
	"e,,GBR,industry,2020-03-31T23:00:00+01:00,2020-04-01T02:00:00Z,,,unknown,yes,\n"
	"f,,GBR,helpline,2020-05-01,2020-07-15,,unknown,0-12,no,no\n"
	"g,,FRA,other,2020-04-01,,,,0-12,,\n";

static void test_metrics_small(void **state)
{
	struct mnr_agg_options o;
	struct mnr_error err;
	struct mnr_agg *a;
	char *csv = cat(HDR, SMALL);
	int st, d;

	(void)state;
	mnr_agg_options_init(&o);
	o.has_as_of = 1;
	assert_int_equal(mnr_parse_datetime("2020-06-30T23:59:59Z", 20,
					    &o.as_of, NULL, NULL), MNR_OK);
	a = agg_text(csv, &o, &err, &st);
	assert_int_equal(st, MNR_OK);
	assert_int_equal(mnr_agg_rows(a), 7);
	/* e is 2020-03-31T22:00Z: still March in UTC. */
	expect(a, "GBR", "2020-03", "reports_total", 5);
	expect(a, "GBR", "2020-03", "reports_hotline", 2);
	expect(a, "GBR", "2020-03", "reports_police", 1);
	expect(a, "GBR", "2020-03", "reports_industry", 1);
	expect(a, "GBR", "2020-03", "reports_other", 1); /* empty source */
	expect(a, "GBR", "2020-03", "reports_helpline", 0);
	/* Removed: a 5.5 h -> 5, b 24 h -> 24, c 97 h -> 97, e 4 h -> 4. */
	expect(a, "GBR", "2020-03", "reports_removed", 4);
	expect(a, "GBR", "2020-03", "removal_hours_median", (5 + 24) / 2.0);
	expect(a, "GBR", "2020-03", "removed_24h_share_removed", 3 / 4.0);
	expect(a, "GBR", "2020-03", "removed_72h_share_removed", 3 / 4.0);
	expect(a, "GBR", "2020-03", "removed_24h_share_all", 3 / 5.0);
	expect(a, "GBR", "2020-03", "removed_72h_share_all", 3 / 5.0);
	/* c closed after the as-of time. */
	expect(a, "GBR", "2020-03", "cases_closed", 2);
	expect(a, "GBR", "2020-03", "outcome_charged", 1);
	expect(a, "GBR", "2020-03", "outcome_open", 1);
	expect(a, "GBR", "2020-03", "outcome_referred", 1);
	expect(a, "GBR", "2020-03", "outcome_no_further_action", 1);
	expect(a, "GBR", "2020-03", "outcome_unknown", 1);
	expect(a, "GBR", "2020-03", "support_offered_yes", 2);
	expect(a, "GBR", "2020-03", "support_offered_known", 3);
	expect(a, "GBR", "2020-03", "victim_suspect_yes", 1);
	expect(a, "GBR", "2020-03", "victim_suspect_known", 3);
	/* April: a true zero inside the span; undefined shares are empty. */
	expect(a, "GBR", "2020-04", "reports_total", 0);
	expect_empty(a, "GBR", "2020-04", "removal_hours_median");
	expect_empty(a, "GBR", "2020-04", "removed_24h_share_all");
	/* f removed after the as-of time: not removed, not in the median. */
	expect(a, "GBR", "2020-05", "reports_removed", 0);
	expect_empty(a, "GBR", "2020-05", "removal_hours_median");
	expect(a, "GBR", "2020-05", "removed_72h_share_all", 0);
	/* Outside the country's span. */
	val(a, "GBR", "2020-06", "reports_total", &d);
	assert_false(d);
	expect(a, "FRA", "2020-04", "reports_other", 1);
	val(a, "FRA", "2020-03", "reports_total", &d);
	assert_false(d);
	assert_int_equal(mnr_agg_ncountries(a), 2);
	mnr_agg_free(a);
	free(csv);
}

/* The censoring rule with the as-of time taken from the data. */
static void test_censoring_deferred(void **state)
{
	static const char rows[] =
		/* window of 72 h elapsed by the latest date (06-10 12:00) */
		"a,,GBR,hotline,2020-06-01T00:00:00Z,2020-06-01T10:00:00Z,,,,,\n"
		/* 24 h elapsed, 72 h not: in the 24 h share only */
		"b,,GBR,hotline,2020-06-08T12:00:00Z,,,,,,\n"
		"c,,GBR,hotline,2020-06-09T00:00:00Z,2020-06-09T01:00:00Z,,,,,\n"
		/* neither elapsed: in neither denominator */
		"d,,GBR,hotline,2020-06-10T00:00:00Z,2020-06-10T12:00:00Z,,,,,\n"
		/* exactly 24 h before the latest date: elapsed */
		"e,,GBR,hotline,2020-06-09T12:00:00Z,,,,,,\n";
	struct mnr_error err;
	struct mnr_agg *a;
	char *csv = cat(HDR, rows);
	int st;
	int64_t as_of, want;

	(void)state;
	a = agg_text(csv, NULL, &err, &st);
	assert_int_equal(st, MNR_OK);
	assert_true(mnr_agg_as_of(a, &as_of));
	mnr_parse_datetime("2020-06-10T12:00:00Z", 20, &want, NULL, NULL);
	assert_true(as_of == want);
	expect(a, "GBR", "2020-06", "reports_total", 5);
	/* 24 h: a, b, c, e elapsed; a and c removed within 24 h. */
	expect(a, "GBR", "2020-06", "removed_24h_share_all", 2 / 4.0);
	/* 72 h: only a. */
	expect(a, "GBR", "2020-06", "removed_72h_share_all", 1.0);
	expect(a, "GBR", "2020-06", "removed_24h_share_removed", 1.0);
	expect(a, "GBR", "2020-06", "reports_removed", 3);
	mnr_agg_free(a);
	free(csv);
}

static void test_median_histogram(void **state)
{
	char *csv = NULL, *p;
	size_t i, n = 0, cap = 1 << 16;
	struct mnr_error err;
	struct mnr_agg *a;
	int st;
	/* Hours: 3 values below the dense cap, 4 far above it (sparse). */
	static const int hours[] = { 2, 700, 5, 511, 700, 9000, 100000 };

	(void)state;
	csv = malloc(cap);
	assert_non_null(csv);
	n = (size_t)snprintf(csv, cap, "%s", HDR);
	for (i = 0; i < sizeof(hours) / sizeof(hours[0]); i++) {
		int64_t t0, t1;
		char b[32];
		struct tm tmv;
		time_t tt;

		mnr_parse_datetime("2015-01-01T00:00:00Z", 20, &t0, NULL, NULL);
		t1 = t0 + (int64_t)hours[i] * 3600 + 1799;
		tt = (time_t)t1;
		gmtime_r(&tt, &tmv);
		strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%SZ", &tmv);
		n += (size_t)snprintf(csv + n, cap - n,
				      "x,,DEU,police,2015-01-01T00:00:00Z,%s,,,,,\n",
				      b);
	}
	a = agg_text(csv, NULL, &err, &st);
	assert_int_equal(st, MNR_OK);
	/* Sorted: 2 5 511 700 700 9000 100000 -> 700. */
	expect(a, "DEU", "2015-01", "removal_hours_median", 700);
	mnr_agg_free(a);
	/* Drop the last row (100000): 2 5 511 700 700 9000 -> (511 + 700) / 2. */
	p = strrchr(csv, 'x');
	*p = '\0';
	a = agg_text(csv, NULL, &err, &st);
	assert_int_equal(st, MNR_OK);
	expect(a, "DEU", "2015-01", "removal_hours_median", 605.5);
	mnr_agg_free(a);
	free(csv);
}

/* A pseudo-random case file: n rows over 3 countries, 2019-2021. */
static char *random_cases(unsigned n, unsigned seed)
{
	static const char *const cc[] = { "GBR", "KEN", "PHL" };
	static const char *const src[] = { "hotline", "helpline", "police",
					   "industry", "other", "" };
	static const char *const out[] = { "charged", "referred",
					   "no_further_action", "open",
					   "unknown", "" };
	static const char *const yn[] = { "yes", "no", "unknown", "" };
	size_t cap = 200 * (size_t)n + sizeof(HDR), len;
	char *s = malloc(cap);
	unsigned i, x = seed;
	int64_t base;

	assert_non_null(s);
	mnr_parse_datetime("2019-01-01", 10, &base, NULL, NULL);
	len = (size_t)snprintf(s, cap, "%s", HDR);
	for (i = 0; i < n; i++) {
		int64_t rep, rem, clo;
		char r[32], m[32], c[32];
		time_t tt;
		struct tm tmv;
		int o;

		unsigned u[12];
		size_t k;

		for (k = 0; k < 12; k++) {
			x = x * 1103515245u + 12345u;
			u[k] = x >> 8;
		}
		rep = base + (int64_t)(u[0] % (3u * 365u * 86400u));
		/* Cluster some reports in the final days, for the tail. */
		if (u[1] % 4 == 0)
			rep = base + 3 * 365 * 86400 - (int64_t)(u[2] % 400000);
		rem = u[3] % 3 ? rep + (int64_t)(u[4] % (u[5] % 2 ? 90000u : 4000000u))
			       : -1;
		/* Nothing after the end of the period, so the latest date is
		 * close to the last reports and some windows stay open. */
		if (rem > base + 3 * 365 * 86400)
			rem = -1;
		o = (int)(u[6] % 6);
		clo = o != 3 && u[7] % 2 ? rep + (int64_t)(u[8] % 9000000u) : -1;
		if (clo > base + 3 * 365 * 86400)
			clo = -1;
		tt = (time_t)rep;
		gmtime_r(&tt, &tmv);
		strftime(r, sizeof(r), "%Y-%m-%dT%H:%M:%SZ", &tmv);
		m[0] = c[0] = '\0';
		if (rem >= 0) {
			tt = (time_t)rem;
			gmtime_r(&tt, &tmv);
			strftime(m, sizeof(m), "%Y-%m-%dT%H:%M:%SZ", &tmv);
		}
		if (clo >= 0) {
			/* A date alone is midnight: only a later day is valid. */
			tt = (time_t)clo;
			gmtime_r(&tt, &tmv);
			strftime(c, sizeof(c), "%Y-%m-%d", &tmv);
			if (strncmp(c, r, 10) <= 0)
				c[0] = '\0';
		}
		len += (size_t)snprintf(s + len, cap - len,
					"k%u,,%s,%s,%s,%s,%s,%s,0-12,%s,%s\n", i,
					cc[u[9] % 3], src[u[10] % 6], r, m, c,
					out[o], yn[u[11] % 4], yn[(u[11] / 4) % 4]);
	}
	return s;
}

/* Rows [lo, hi) of a case text (header excluded) as a file text. */
static char *rows_of(const char *csv, unsigned lo, unsigned hi)
{
	const char *p = strchr(csv, '\n') + 1, *q;
	unsigned i = 0;
	char *out = malloc(strlen(csv) + 1);
	size_t n = sizeof(HDR) - 1;

	assert_non_null(out);
	memcpy(out, HDR, n);
	for (; *p; p = q + 1, i++) {
		q = strchr(p, '\n');
		if (i >= lo && i < hi) {
			memcpy(out + n, p, (size_t)(q + 1 - p));
			n += (size_t)(q + 1 - p);
		}
	}
	out[n] = '\0';
	return out;
}

static struct mnr_agg *agg_rows(const char *csv, unsigned lo, unsigned hi,
				const struct mnr_agg_options *o)
{
	char *t = rows_of(csv, lo, hi);
	struct mnr_error err;
	int st;
	struct mnr_agg *a = agg_text(t, o, &err, &st);

	assert_int_equal(st, MNR_OK);
	free(t);
	return a;
}

/* ((A + B) + C) == (C + (B + A)) == one pass, as partial and panel bytes. */
static void test_merge_associative(void **state)
{
	char *csv = random_cases(3000, 7);
	struct mnr_agg *whole, *a, *b, *c, *x, *y;
	struct mnr_error err;
	char *p_whole, *p_x, *p_y, *q_whole, *q_x;
	int st;

	(void)state;
	whole = agg_text(csv, NULL, &err, &st);
	assert_int_equal(st, MNR_OK);
	assert_int_equal(mnr_agg_rows(whole), 3000);
	p_whole = render(whole, 1);

	a = agg_rows(csv, 0, 1000, NULL);
	b = agg_rows(csv, 1000, 1700, NULL);
	c = agg_rows(csv, 1700, 3000, NULL);
	assert_int_equal(mnr_agg_alloc(&x, NULL, &err), MNR_OK);
	assert_int_equal(mnr_agg_merge(x, a, &err), MNR_OK);
	assert_int_equal(mnr_agg_merge(x, b, &err), MNR_OK);
	assert_int_equal(mnr_agg_merge(x, c, &err), MNR_OK);
	assert_int_equal(mnr_agg_alloc(&y, NULL, &err), MNR_OK);
	assert_int_equal(mnr_agg_merge(b, a, &err), MNR_OK);
	assert_int_equal(mnr_agg_merge(y, c, &err), MNR_OK);
	assert_int_equal(mnr_agg_merge(y, b, &err), MNR_OK);
	p_x = render(x, 1);
	p_y = render(y, 1);
	assert_string_equal(p_x, p_whole);
	assert_string_equal(p_y, p_whole);
	q_whole = render(whole, 0);
	q_x = render(x, 0);
	assert_string_equal(q_x, q_whole);
	/* The tail was exercised: reports in the last 72 h remain open. */
	assert_non_null(strstr(p_whole, "\ntail "));
	free(p_whole);
	free(p_x);
	free(p_y);
	free(q_whole);
	free(q_x);
	mnr_agg_free(whole);
	mnr_agg_free(a);
	mnr_agg_free(b);
	mnr_agg_free(c);
	mnr_agg_free(x);
	mnr_agg_free(y);
	free(csv);
}

/*
 * Many reports close to the end, in time order: the open-window tail
 * outgrows its first table and is pruned while rows stream in.  Forward,
 * reversed and sharded input give the same bytes.
 */
static void test_tail_prune(void **state)
{
	size_t cap = 8000 * 120, n, i;
	char *fwd = malloc(cap), *rev = malloc(cap), *p1, *p2, *p3;
	const char **line = malloc(8000 * sizeof(*line));
	struct mnr_agg *a, *b, *c, *s0, *s1;
	struct mnr_error err;
	int64_t t0;
	int st;

	(void)state;
	assert_non_null(fwd);
	assert_non_null(rev);
	assert_non_null(line);
	mnr_parse_datetime("2021-03-01", 10, &t0, NULL, NULL);
	n = (size_t)snprintf(fwd, cap, "%s", HDR);
	for (i = 0; i < 8000; i++) {
		int64_t r = t0 + (int64_t)i * 211;  /* 8000 reports over 19.5 days */
		char rb[32], mb[32];
		time_t tt = (time_t)r;
		struct tm tmv;

		gmtime_r(&tt, &tmv);
		strftime(rb, sizeof(rb), "%Y-%m-%dT%H:%M:%SZ", &tmv);
		mb[0] = '\0';
		if (i % 3) {
			tt = (time_t)(r + (int64_t)(i * 7919 % 300000));
			gmtime_r(&tt, &tmv);
			strftime(mb, sizeof(mb), "%Y-%m-%dT%H:%M:%SZ", &tmv);
		}
		line[i] = fwd + n;
		n += (size_t)snprintf(fwd + n, cap - n, "k%zu,,%s,police,%s,%s,,,,,\n",
				      i, i % 2 ? "GBR" : "IND", rb, mb);
	}
	/* The same rows, last first. */
	n = (size_t)snprintf(rev, cap, "%s", HDR);
	for (i = 8000; i-- > 0;) {
		const char *e = strchr(line[i], '\n');

		memcpy(rev + n, line[i], (size_t)(e + 1 - line[i]));
		n += (size_t)(e + 1 - line[i]);
	}
	rev[n] = '\0';
	a = agg_text(fwd, NULL, &err, &st);
	assert_int_equal(st, MNR_OK);
	b = agg_text(rev, NULL, &err, &st);
	assert_int_equal(st, MNR_OK);
	s0 = agg_rows(fwd, 0, 5000, NULL);
	s1 = agg_rows(fwd, 5000, 8000, NULL);
	assert_int_equal(mnr_agg_alloc(&c, NULL, &err), MNR_OK);
	assert_int_equal(mnr_agg_merge(c, s1, &err), MNR_OK);
	assert_int_equal(mnr_agg_merge(c, s0, &err), MNR_OK);
	p1 = render(a, 1);
	p2 = render(b, 1);
	p3 = render(c, 1);
	assert_string_equal(p1, p2);
	assert_string_equal(p1, p3);
	free(p1);
	free(p2);
	free(p3);
	p1 = render(a, 0);
	p2 = render(b, 0);
	assert_string_equal(p1, p2);
	free(p1);
	free(p2);
	mnr_agg_free(a);
	mnr_agg_free(b);
	mnr_agg_free(c);
	mnr_agg_free(s0);
	mnr_agg_free(s1);
	free(fwd);
	free(rev);
	free(line);
}

/* A partial read back writes the same bytes; merge refuses other options. */
static void test_partial_roundtrip(void **state)
{
	char *csv = random_cases(800, 3), *p1, *p2, *path;
	struct mnr_agg *a, *b, *c;
	struct mnr_agg_options o;
	struct mnr_error err;
	int st;

	(void)state;
	a = agg_text(csv, NULL, &err, &st);
	assert_int_equal(st, MNR_OK);
	p1 = render(a, 1);
	assert_memory_equal(p1, "mnrstat-partial 1\n", 18);
	path = tmpfile_with(p1);
	assert_int_equal(mnr_agg_alloc(&b, NULL, &err), MNR_OK);
	st = mnr_agg_read_partial(b, path, 1, &err);
	if (st)
		fail_msg("%s:%lu: %s", err.path, err.line, err.msg);
	p2 = render(b, 1);
	assert_string_equal(p1, p2);
	/* An aggregate made with --from refuses this partial. */
	mnr_agg_options_init(&o);
	o.from = 2019 * 12;
	assert_int_equal(mnr_agg_alloc(&c, &o, &err), MNR_OK);
	mnr_error_clear(&err);
	assert_int_equal(mnr_agg_read_partial(c, path, 0, &err), MNR_EDATA);
	assert_string_equal(err.rule, "partial-options");
	assert_string_equal(err.path, path);
	unlink(path);
	free(path);
	free(p1);
	free(p2);
	mnr_agg_free(a);
	mnr_agg_free(b);
	mnr_agg_free(c);
	free(csv);
}

static void partial_error(const char *text, unsigned long line,
			  const char *what)
{
	char *path = tmpfile_with(text);
	struct mnr_agg *a;
	struct mnr_error err;

	mnr_error_clear(&err);
	assert_int_equal(mnr_agg_alloc(&a, NULL, &err), MNR_OK);
	assert_int_equal(mnr_agg_read_partial(a, path, 1, &err), MNR_EDATA);
	assert_string_equal(err.rule, "partial-format");
	assert_int_equal(err.line, line);
	if (!strstr(err.msg, what))
		fail_msg("message '%s' lacks '%s'", err.msg, what);
	mnr_agg_free(a);
	unlink(path);
	free(path);
}

static void test_partial_errors(void **state)
{
	char *csv = random_cases(50, 5), *p, *cut;
	struct mnr_agg *a;
	struct mnr_error err;
	int st;

	(void)state;
	a = agg_text(csv, NULL, &err, &st);
	p = render(a, 1);
	partial_error("", 1, "empty");
	partial_error("country,month\n", 1, "not a partial");
	partial_error("mnrstat-partial 2\n", 1, "version");
	/* Truncated: cut after the 12th line. */
	cut = p;
	for (st = 0; st < 12; st++)
		cut = strchr(cut, '\n') + 1;
	*cut = '\0';
	partial_error(p, 13, "truncated");
	free(p);
	p = render(a, 1);
	/* A histogram that does not add up to the removed count. */
	cut = strstr(p, "\nhist ");
	assert_non_null(cut);
	cut = strchr(cut + 1, ':');
	*(cut + 1) = *(cut + 1) == '9' ? '8' : '9';
	{
		unsigned long line = 1;
		char *q;

		for (q = p; q < cut; q++)
			line += *q == '\n';
		partial_error(p, line, "hist total");
	}
	free(p);
	mnr_agg_free(a);
	free(csv);
}

/* The fast path accepts exactly what mnr_case_parse accepts, with equal values. */
static void test_fast_path_matches(void **state)
{
	static const char *const rows[] = {
		"a,p,GBR,hotline,2020-01-01,,,,,,",
		"a,p,GBR,hotline,2020-01-01T10:00+02:00,2020-01-01T09:00Z,,charged,0-12,yes,no",
		"a,p,gbr,hotline,2020-01-01,,,,,,",
		"a,p,XXX,hotline,2020-01-01,,,,,,",
		"a,p,GB,hotline,2020-01-01,,,,,,",
		"a,p,GBR,Hotline,2020-01-01,,,,,,",
		"a,p,GBR,hotline,,,,,,,",
		"a,p,GBR,hotline,2020-02-30,,,,,,",
		"a,p,GBR,hotline,2020-01-02,2020-01-01,,,,,",
		"a,p,GBR,hotline,2020-01-02,,2020-01-01,,,,",
		"a,p,GBR,hotline,2020-01-02,,2020-01-03,open,,,",
		"a,p,GBR,hotline,2020-01-02,,,open,,,",
		"a,p,GBR,hotline,2020-01-02,,,,kid,,",
		"a,p,GBR,hotline,2020-01-02,,,,,maybe,",
		"a,p,GBR,hotline,2020-01-02,,,,,,yes ",
		"a,p,GBR,other,2020-01-02T23:59:59.5-01:30,,,unknown,adult,unknown,unknown",
		/* Offsets that move the instant into another month. */
		"a,p,GBR,police,2020-01-31T23:30:00-01:00,,,,,,",
		"a,p,GBR,police,2020-03-01T00:30:00+02:00,2020-03-01T00:00:00Z,,,,,",
		"a,p,GBR,police,1999-12-31T23:00:00-14:00,,,,,,",
		/* Shapes and ranges the fast path leaves to the general parser. */
		"a,p,GBR,police,2020-01-01T24:00:00Z,,,,,,",
		"a,p,GBR,police,2020-01-01T10:00:00+15:00,,,,,,",
		"a,p,GBR,police,2020-01-01T10:00:00+02:60,,,,,,",
		"a,p,GBR,police,2020-01-01t10:00:00Z,,,,,,",
		"a,p,GBR,police,2020-01-01 10:00:00Z,,,,,,",
		"a,p,GBR,police,2020-01-01T10:00:00+0200,,,,,,",
		"a,p,GBR,police,2020-01-01T10:00Z,,,,,,",
		"a,p,GBR,police,2100-02-29,,,,,,",
		"a,p,GBR,police,2000-02-29,,,,,,",
		"a,p,GBR,police,1899-12-31T23:59:59Z,,,,,,",
		"a,p,GBR,police,2020-1a-01,,,,,,",
		"a,p,GBR,police,2020-01-01T10:00:00Z,,,open,,,",
		"a,p,GBR,polic,2020-01-01,,,,,,",
		"a,p,GBR,policex,2020-01-01,,,,,,",
		/* Enumeration values one byte off, at every position. */
		"a,p,GBR,police,2020-01-01,,,no_further_actioN,,,",
		"a,p,GBR,police,2020-01-01,,,no_further_Action,,,",
		"a,p,GBR,police,2020-01-01,,,No_further_action,,,",
		"a,p,GBR,police,2020-01-01,,,no_furthEr_action,,,",
		"a,p,GBR,police,2020-01-01,,,no_further_action,,,",
		"a,p,GBR,police,2020-01-01,,,,,yEs,nO",
		"a,p,GBR,police,2020-01-01,,,,,yes,n0",
		"a,p,GBR,police,2020-01-01,,,,0-13,,",
		"a,p,GBR,police,2020-01-01,,,,13-16,,",
		"a,p,GBR,police,2020-01-01,,,,adulT,,",
		"a,p,GBR,hotlime,2020-01-01,,,,,,",
		"a,p,GBR,Industry,2020-01-01,,,,,,",
		"a,p,GBR,industry,2020-01-01,,,referred,16-17,unknown,unknown",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char buf[256];
		const char *f[16];
		size_t len[16], nf = 0;
		char *s, *e;
		struct mnr_csv_row row, hdr;
		struct mnr_case_schema sc;
		struct mnr_case c1, c2;
		struct mnr_error err;
		int fast, slow;
		static const char *const names[11] = {
			"case_id", "person_id", "country", "source",
			"reported_at", "removed_at", "closed_at", "outcome",
			"victim_age_band", "support_offered",
			"victim_treated_as_suspect" };
		static const size_t nlen[11] = { 7, 9, 7, 6, 11, 10, 9, 7, 15,
						 15, 25 };

		memset(&hdr, 0, sizeof(hdr));
		hdr.nfields = 11;
		hdr.field = names;
		hdr.len = nlen;
		hdr.line = 1;
		hdr.is_header = 1;
		hdr.path = "t.csv";
		hdr.raw = "";
		hdr.delim = ',';
		mnr_error_clear(&err);
		assert_int_equal(mnr_case_bind(&sc, &hdr, NULL, &err), MNR_OK);
		snprintf(buf, sizeof(buf), "%s", rows[i]);
		for (s = buf;; s = e + 1) {
			e = strchr(s, ',');
			f[nf] = s;
			len[nf] = e ? (size_t)(e - s) : strlen(s);
			nf++;
			if (!e)
				break;
			*e = '\0';
		}
		assert_int_equal(nf, 11);
		memset(&row, 0, sizeof(row));
		row.nfields = nf;
		row.field = f;
		row.len = len;
		row.line = 2;
		row.path = "t.csv";
		row.raw = rows[i];
		row.raw_len = strlen(rows[i]);
		row.delim = ',';
		memset(&c1, 0, sizeof(c1));
		memset(&c2, 0, sizeof(c2));
		fast = mnr__agg_parse_fast_check(&sc, &row, &c1);
		if (fast < 0)
			fail_msg("row %zu: fast path's month is not the instant's", i);
		mnr_error_clear(&err);
		slow = mnr_case_parse(&sc, &row, &c2, &err) == MNR_OK;
		if (fast && !slow)
			fail_msg("row %zu: fast path accepts a row the rules refuse", i);
		if (fast) {
			assert_string_equal(c1.country, c2.country);
			assert_int_equal(c1.source, c2.source);
			assert_true(c1.reported == c2.reported);
			assert_int_equal(c1.has_removed, c2.has_removed);
			assert_true(!c1.has_removed || c1.removed == c2.removed);
			assert_int_equal(c1.has_closed, c2.has_closed);
			assert_true(!c1.has_closed || c1.closed == c2.closed);
			assert_int_equal(c1.outcome, c2.outcome);
			assert_int_equal(c1.age, c2.age);
			assert_int_equal(c1.support, c2.support);
			assert_int_equal(c1.suspect, c2.suspect);
		}
		/* Well-formed rows take the fast path. */
		if (i <= 1 || (i >= 16 && i <= 18) || i == 27 || i == 30 ||
		    i == 37 || i == 45)
			assert_true(fast);
		/* Every row's verdict is the rules' verdict. */
		assert_int_equal(fast || slow, slow);
	}
}

/* A cut inside a quoted field with many newlines; errors keep their line. */
static void test_threads_quoted_cut(void **state)
{
	size_t cap = 64 * 1024, n, i;
	char *csv = malloc(cap), *p_one, *p_two;
	struct mnr_agg_options o;
	struct mnr_agg *one, *two;
	struct mnr_error err;
	int st;
	unsigned t;
	static const char row[] =
		"c,p,GBR,hotline,2020-01-10T10:00:00Z,2020-01-12T10:00:00Z,,open,0-12,yes,no\n";

	(void)state;
	assert_non_null(csv);
	n = (size_t)snprintf(csv, cap, "%s%s%s%s", HDR, row, row, row);
	/* One record whose quoted case_id spans 1000 lines: the middle of
	 * the file, where two threads cut, is inside it. */
	csv[n++] = '"';
	for (i = 0; i < 1000; i++)
		n += (size_t)snprintf(csv + n, cap - n, "l%zu,\"\"q\"\"\n", i);
	n += (size_t)snprintf(csv + n, cap - n,
			      "\",p,GBR,police,2020-02-10,,,,,,\n%s%s", row, row);
	one = agg_text(csv, NULL, &err, &st);
	assert_int_equal(st, MNR_OK);
	assert_int_equal(mnr_agg_rows(one), 6);
	p_one = render(one, 0);
	for (t = 2; t <= 5; t++) {
		mnr_agg_options_init(&o);
		o.threads = t;
		two = agg_text(csv, &o, &err, &st);
		assert_int_equal(st, MNR_OK);
		assert_int_equal(mnr_agg_rows(two), 6);
		p_two = render(two, 0);
		assert_string_equal(p_one, p_two);
		free(p_two);
		mnr_agg_free(two);
	}
	/* A bad month after the long record: header, 3 rows, 1001 lines of
	 * the long record, 2 rows: line 1008. */
	n += (size_t)snprintf(csv + n, cap - n,
			      "c,p,GBR,hotline,2020-13-10,,,,,,\n%s", row);
	for (t = 1; t <= 3; t++) {
		mnr_agg_options_init(&o);
		o.threads = t;
		two = agg_text(csv, &o, &err, &st);
		assert_int_equal(st, MNR_EDATA);
		assert_int_equal(err.line, 1008);
		assert_int_equal(err.column, 17);
		assert_string_equal(err.rule, "date-range");
		mnr_agg_free(two);
	}
	mnr_agg_free(one);
	free(p_one);
	free(csv);
}

/* Two threads give the same panel as one on a larger random file. */
static void test_threads_random(void **state)
{
	char *csv = random_cases(5000, 11), *p1, *p2;
	struct mnr_agg_options o;
	struct mnr_agg *a, *b;
	struct mnr_error err;
	int st;

	(void)state;
	a = agg_text(csv, NULL, &err, &st);
	assert_int_equal(st, MNR_OK);
	mnr_agg_options_init(&o);
	o.threads = 2;
	b = agg_text(csv, &o, &err, &st);
	assert_int_equal(st, MNR_OK);
	p1 = render(a, 1);
	p2 = render(b, 1);
	assert_string_equal(p1, p2);
	free(p1);
	free(p2);
	mnr_agg_free(a);
	mnr_agg_free(b);
	free(csv);
}

struct prog {
	unsigned long long bytes, rows;
	unsigned calls;
	int backwards;
};

static void on_progress(void *ud, unsigned long long bytes,
			unsigned long long rows)
{
	struct prog *p = ud;

	if (bytes < p->bytes || rows < p->rows)
		p->backwards = 1;
	p->bytes = bytes;
	p->rows = rows;
	p->calls++;
}

/* Progress ends at the file's size and row count, never going back. */
static void test_progress(void **state)
{
	char *csv = random_cases(2000, 13), *path = tmpfile_with(csv);
	unsigned threads;

	(void)state;
	for (threads = 1; threads <= 3; threads++) {
		struct mnr_agg_options o;
		struct mnr_agg *a;
		struct mnr_error err;
		struct prog p = { 0, 0, 0, 0 };

		mnr_agg_options_init(&o);
		o.threads = threads;
		o.progress = on_progress;
		o.progress_ud = &p;
		mnr_error_clear(&err);
		assert_int_equal(mnr_agg_alloc(&a, &o, &err), MNR_OK);
		assert_int_equal(mnr_agg_read_path(a, path, &err), MNR_OK);
		assert_true(p.calls >= 1);
		assert_false(p.backwards);
		assert_int_equal(p.bytes, strlen(csv));
		assert_int_equal(p.rows, 2000);
		mnr_agg_free(a);
	}
	unlink(path);
	free(path);
	free(csv);
}

/* --from/--to: every country gets exactly that grid; others drop. */
static void test_span(void **state)
{
	struct mnr_agg_options o;
	struct mnr_agg *a;
	struct mnr_error err;
	char *csv = cat(HDR, SMALL), *panel, *p;
	int st, lines = 0;

	(void)state;
	mnr_agg_options_init(&o);
	mnr_parse_month("2020-02", 7, &o.from, NULL);
	mnr_parse_month("2020-04", 7, &o.to, NULL);
	a = agg_text(csv, &o, &err, &st);
	assert_int_equal(st, MNR_OK);
	assert_int_equal(mnr_agg_rows(a), 6);
	assert_int_equal(mnr_agg_dropped(a), 1);
	expect(a, "GBR", "2020-02", "reports_total", 0);
	expect(a, "FRA", "2020-02", "reports_total", 0);
	expect(a, "FRA", "2020-04", "reports_total", 1);
	panel = render(a, 0);
	for (p = panel; *p; p++)
		lines += *p == '\n';
	/* header + 2 countries x 3 months x 22 metrics */
	assert_int_equal(lines, 1 + 2 * 3 * MNR_AGG_NMETRICS);
	free(panel);
	mnr_agg_free(a);
	free(csv);
}

static void test_population(void **state)
{
	char *pp = tmpfile_with("country,year,population\nGBR,2020,67000000\nFRA,2021,68000000\n");
	char *bad = tmpfile_with("country,year,population\nGBR,2020,1\nGBR,2020,2\n");
	char *csv = cat(HDR, SMALL), *buf = NULL;
	struct mnr_population *pop;
	struct mnr_agg *a;
	struct mnr_error err;
	size_t n = 0;
	FILE *fp;
	int st;

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_population_read(pp, NULL, &pop, &err), MNR_OK);
	a = agg_text(csv, NULL, &err, &st);
	fp = open_memstream(&buf, &n);
	assert_int_equal(mnr_agg_write_panel(a, pop, fp, &err), MNR_OK);
	fclose(fp);
	assert_non_null(strstr(buf, "country,month,metric,value,population\n"));
	assert_non_null(strstr(buf, "GBR,2020-03,reports_total,5,67000000\n"));
	assert_non_null(strstr(buf, "FRA,2020-04,reports_total,1,\n"));
	mnr_error_clear(&err);
	assert_int_equal(mnr_population_read(bad, NULL, &pop, &err) , MNR_EDATA);
	assert_int_equal(err.line, 3);
	free(buf);
	mnr_population_free(pop);
	unlink(pp);
	unlink(bad);
	free(pp);
	free(bad);
	free(csv);
	mnr_agg_free(a);
}

/* Every allocation failure is reported as MNR_ENOMEM, never a crash/leak. */
static void test_alloc_failures(void **state)
{
	char *csv = random_cases(300, 9), *path = tmpfile_with(csv);
	unsigned long k;
	unsigned threads;

	(void)state;
	for (threads = 1; threads <= 2; threads++) {
	int saw_ok = 0;

	for (k = 1; k < 5000 && !saw_ok; k++) {
		struct mnr_agg *a = NULL;
		struct mnr_error err;
		int st;

		struct mnr_agg_options o;

		mnr_agg_options_init(&o);
		o.threads = threads;
		mnr_error_clear(&err);
		mnr_alloc_fail_after(k);
		st = mnr_agg_alloc(&a, &o, &err);
		if (!st)
			st = mnr_agg_read_path(a, path, &err);
		if (!st) {
			char *buf = NULL;
			size_t n = 0;
			FILE *fp = open_memstream(&buf, &n);

			st = mnr_agg_write_panel(a, NULL, fp, &err);
			fclose(fp);
			free(buf);
		}
		mnr_alloc_fail_after(0);
		if (st)
			assert_int_equal(st, MNR_ENOMEM);
		else
			saw_ok = 1;
		mnr_agg_free(a);
	}
	assert_true(saw_ok);
	}
	unlink(path);
	free(path);
	free(csv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metric_names_sorted),
		cmocka_unit_test(test_metrics_small),
		cmocka_unit_test(test_censoring_deferred),
		cmocka_unit_test(test_median_histogram),
		cmocka_unit_test(test_merge_associative),
		cmocka_unit_test(test_tail_prune),
		cmocka_unit_test(test_partial_roundtrip),
		cmocka_unit_test(test_partial_errors),
		cmocka_unit_test(test_fast_path_matches),
		cmocka_unit_test(test_threads_quoted_cut),
		cmocka_unit_test(test_threads_random),
		cmocka_unit_test(test_progress),
		cmocka_unit_test(test_span),
		cmocka_unit_test(test_population),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
