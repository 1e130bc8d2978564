/* Unit tests for the check engine and its identifier detectors. */
#include "test_util.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "mnrstat/alloc.h"
#include "mnrstat/cases.h"
#include "mnrstat/check.h"
#include "mnrstat/panel.h"

static const char case_header[] =
	"case_id,person_id,country,source,reported_at,removed_at,closed_at,"
	"outcome,victim_age_band,support_offered,victim_treated_as_suspect\n";

/* Run a check over the bytes s[0..n) through a temporary file. */
static int run_n(const char *s, size_t n, const struct mnr_check_options *o,
		 struct mnr_check_result **out, struct mnr_error *err)
{
	FILE *fp = tmpfile();
	int st;

	assert_non_null(fp);
	if (n)
		assert_int_equal(fwrite(s, 1, n, fp), n);
	rewind(fp);
	mnr_error_clear(err);
	st = mnr_check_stream(fp, "t.csv", o, out, err);
	fclose(fp);
	return st;
}

static struct mnr_check_result *chk_n(const char *s, size_t n,
				      const struct mnr_check_options *o)
{
	struct mnr_check_result *r = NULL;
	struct mnr_error err;

	assert_int_equal(run_n(s, n, o, &r, &err), MNR_OK);
	assert_non_null(r);
	return r;
}

static struct mnr_check_result *chk(const char *s,
				    const struct mnr_check_options *o)
{
	return chk_n(s, strlen(s), o);
}

/* Assert rule has count findings, the first at line:column (field f). */
static void want_rule(const struct mnr_check_result *r, const char *rule,
		      unsigned long long count, unsigned long line,
		      unsigned long column, unsigned long field)
{
	const struct mnr_check_rule *e = mnr_check_find_rule(r, rule);

	if (!e)
		fail_msg("rule %s not reported", rule);
	assert_int_equal(e->count, count);
	assert_true(e->npos >= 1);
	assert_int_equal(e->pos[0].line, line);
	assert_int_equal(e->pos[0].column, column);
	assert_int_equal(e->pos[0].field, field);
}

/* No finding message ever contains one of the planted values. */
static void no_echo(const struct mnr_check_result *r,
		    const char *const *values, size_t n)
{
	size_t i, j, v;

	for (i = 0; i < r->nrules; i++)
		for (j = 0; j < r->rule[i].npos; j++)
			for (v = 0; v < n; v++)
				if (strstr(r->rule[i].pos[j].msg, values[v]))
					fail_msg("value echoed under %s",
						 r->rule[i].rule);
}

/* ------------------------------------------------------- detectors */

static void test_check_email(void **state)
{
	static const char *const yes[] = {
		"a@b.co", "contact alice.smith+tag@example.org now",
		"x,bob@mail.example.co.uk.", "<jo_o@d-omain.info>",
		"m\xC3\xBCller@example.de",
	};
	static const char *const no[] = {
		"@handle", "a@b", "a@b.c", "user@localhost", "a@.com",
		"2020-01-01T10:00:00Z", "no at sign here", "a @ b.com",
		"x@y.1com", "",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!mnr_check_has_email(yes[i], strlen(yes[i])))
			fail_msg("missed e-mail #%zu", i);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (mnr_check_has_email(no[i], strlen(no[i])))
			fail_msg("false e-mail #%zu", i);
}

static void test_check_url(void **state)
{
	static const char *const yes[] = {
		"see https://example.org/x", "HTTP://EXAMPLE.ORG", "ftp://h",
		"www.example.com", "visit WWW.example.com.", "abcdefgh.onion",
		"http://abc.onion/x", "t.co/abc", "link:example.net/page",
	};
	static const char *const no[] = {
		"2020-01-01", "and/or", "e.g./i.e.", "a://", "1.5/2",
		"km/h", "awww.x", "hello world", "http:/x", "c://x",
		"metric_onion", "",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!mnr_check_has_url(yes[i], strlen(yes[i])))
			fail_msg("missed URL #%zu", i);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (mnr_check_has_url(no[i], strlen(no[i])))
			fail_msg("false URL #%zu", i);
}

static void test_check_ip(void **state)
{
	static const char *const v4[] = {
		"192.168.0.1", "from 10.0.0.255.", "ip=8.8.8.8,", "0.0.0.0",
	};
	static const char *const not_v4[] = {
		"256.1.1.1", "1.2.3", "1.2.3.4.5", "v1.2.3.4", "1.2.3.4a",
		"2020-01-01", "12.5", "",
	};
	static const char *const v6[] = {
		"2001:db8::1", "::1", "fe80::1%eth0",
		"2001:0db8:85a3:0000:0000:8a2e:0370:7334", "[2001:db8::ff00:42:8329]",
		"addr:2001:db8::1", "::ffff:192.0.2.128", "host 2001:db8:: up",
	};
	static const char *const not_v6[] = {
		"12:30:45", "2020-01-01T12:30:45Z", "00:1A:2B:3C:4D:5E",
		"a:b", "1:2:3:4:5:6:7:8:9", "2001:db8:::1", "::", "dead::beef::1",
		"time 10:00:00.", "",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++)
		if (!mnr_check_has_ipv4(v4[i], strlen(v4[i])))
			fail_msg("missed IPv4 #%zu", i);
	for (i = 0; i < sizeof(not_v4) / sizeof(not_v4[0]); i++)
		if (mnr_check_has_ipv4(not_v4[i], strlen(not_v4[i])))
			fail_msg("false IPv4 #%zu", i);
	for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++)
		if (!mnr_check_has_ipv6(v6[i], strlen(v6[i])))
			fail_msg("missed IPv6 #%zu", i);
	for (i = 0; i < sizeof(not_v6) / sizeof(not_v6[0]); i++)
		if (mnr_check_has_ipv6(not_v6[i], strlen(not_v6[i])))
			fail_msg("false IPv6 #%zu", i);
}

static void test_check_phone(void **state)
{
	static const char *const yes[] = {
		"+44 20 7946 0958", "call +1-202-555-0173 now", "+4915112345678",
		"(020) 7946 0958", "020 7946 0958", "555-123-4567",
		"555.123.4567", "07700 900123", "tel: 0161 496 0000.",
		"+33 (0)1 23 45 67 89", "(555) 123-4567",
	};
	static const char *const no[] = {
		"2020-01-15", "2020-01-15T10:00:00Z", "2020-01-15 10:00:00",
		"15/01/2020", "15.01.2020", "2020/01/15",
		"between 1000-2000 images", "2012 - 2015 - 2018",
		"12345.678", "-12345678", "1234567", "C-2020-000123-45",
		"case 123456789", "192.168.100.200", "1.5e+10",
		"2020-01-15 to 2020-02-15", "v1.2.3", "12:30:45", "+1234",
		"id_0123456789", "0123456789abc", "",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!mnr_check_has_phone(yes[i], strlen(yes[i]), 1))
			fail_msg("missed phone #%zu", i);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (mnr_check_has_phone(no[i], strlen(no[i]), 1))
			fail_msg("false phone #%zu", i);
	/* Unseparated national numbers only count in free text. */
	assert_true(mnr_check_has_phone("ring 07700900123", 16, 1));
	assert_false(mnr_check_has_phone("07700900123", 11, 0));
	assert_false(mnr_check_has_phone("12345678901", 11, 1));
}

static void test_check_full_date(void **state)
{
	static const char *const yes[] = {
		"2010-05-04", "04/05/2010", "5.4.2010", "born 2010/05/04",
		"20100504", "12/31/2011",
	};
	static const char *const no[] = {
		"13-15", "0-12", "adult", "2010", "2010-05", "32/13/2010",
		"2010-13-01", "1850-01-01", "12345678", "",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!mnr_check_has_full_date(yes[i], strlen(yes[i])))
			fail_msg("missed date #%zu", i);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (mnr_check_has_full_date(no[i], strlen(no[i])))
			fail_msg("false date #%zu", i);
}

static void test_check_column_names(void **state)
{
	static const char *const yes[] = {
		"name", "Name", "first_name", "Surname", "full-name", "E-mail",
		"email_address", "Phone Number", "telephone", "mobile",
		"address", "Street", "postcode", "ZIP", "ip", "IP_Address",
		"dob", "date_of_birth", "birth-date", "ssn", "national_id",
		"passport", "victim_name", "child_email", "SuspectPhone",
	};
	static const char *const no[] = {
		"case_id", "person_id", "country", "reported_at", "metric",
		"country_name", "metric_name", "source", "notes", "value",
		"victim_age_band", "zipper", "named", "",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!mnr_check_identifier_column(yes[i], strlen(yes[i])))
			fail_msg("missed identifier column #%zu", i);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (mnr_check_identifier_column(no[i], strlen(no[i])))
			fail_msg("false identifier column #%zu", i);
	assert_string_equal(mnr_check_identifier_column("E_Mail", 6),
			    "e-mail address");
	assert_string_equal(mnr_check_identifier_column("dateOfBirth", 11),
			    "date of birth");
	assert_true(mnr_check_is_age_column("victim_age_band", 15));
	assert_true(mnr_check_is_age_column("Date of Birth", 13));
	assert_true(mnr_check_is_age_column("AGE", 3));
	assert_false(mnr_check_is_age_column("language", 8));
	assert_false(mnr_check_is_age_column("page_views", 10));
	assert_false(mnr_check_is_age_column("agency", 6));
}

/* ---------------------------------------------------------- engine */

static void test_check_clean_cases(void **state)
{
	/* 6 rows: groups (GBR,2020-01,13-15,hotline) x5 and one other. */
	static const char in[] =
		"case_id,person_id,country,source,reported_at,removed_at,closed_at,"
		"outcome,victim_age_band,support_offered,victim_treated_as_suspect\n"
		"c1,p1,GBR,hotline,2020-01-03T10:00:00Z,2020-01-04,,open,13-15,yes,no\n"
		"c2,,GBR,hotline,2020-01-05,,2020-02-01,charged,13-15,no,unknown\n"
		"c3,p2,GBR,hotline,2020-01-31T23:30:00-01:00,,,referred,13-15,,\n"
		"c4,p3,GBR,hotline,2020-01-09 08:00,,,,13-15,unknown,yes\n"
		"c5,p4,GBR,hotline,2020-01-10T00:00:00+02:00,,,unknown,13-15,yes,no\n"
		"c6,p5,KEN,police,2020-02-01,,,no_further_action,0-12,no,no\n";
	struct mnr_check_options o;
	struct mnr_check_result *r;

	(void)state;
	mnr_check_options_init(&o);
	r = chk(in, &o);
	assert_int_equal(r->schema, MNR_SCHEMA_CASES);
	assert_true(r->schema_detected);
	assert_int_equal(r->rows, 6);
	assert_int_equal(r->warnings, 0);
	assert_true(r->kanon.applicable);
	assert_int_equal(r->kanon.nqi, 4);
	assert_string_equal(r->kanon.qi[1], "month");
	/*
	 * c3 is 2020-02-01T00:30Z in UTC, so it leaves January's group:
	 * groups are (GBR,2020-01,...) x4, (GBR,2020-02,...) x1, KEN x1.
	 */
	assert_int_equal(r->kanon.groups, 3);
	assert_int_equal(r->kanon.smallest, 1);
	assert_int_equal(r->kanon.groups_below_k, 3);
	assert_int_equal(r->kanon.rows_below_k, 6);
	want_rule(r, "k-anonymity", 3, 2, 7, 3);
	assert_int_equal(r->errors, 3);
	assert_int_equal(r->nrules, 1);
	mnr_check_result_free(r);

	o.k = 4;
	r = chk(in, &o);
	assert_int_equal(r->kanon.groups_below_k, 2);
	assert_int_equal(r->kanon.rows_below_k, 2);
	/* The small groups' first rows: line 4 (c3) and line 7 (c6). */
	want_rule(r, "k-anonymity", 2, 4, 7, 3);
	assert_int_equal(mnr_check_find_rule(r, "k-anonymity")->pos[1].line, 7);
	mnr_check_result_free(r);

	o.k = 1;
	r = chk(in, &o);
	assert_int_equal(r->errors, 0);
	assert_int_equal(r->nrules, 0);
	mnr_check_result_free(r);
}

static void test_check_case_rules(void **state)
{
	static const char in[] =
		"case_id,person_id,country,source,reported_at,removed_at,closed_at,"
		"outcome,victim_age_band,support_offered,victim_treated_as_suspect\n"
		/* line 2: lower-case country (col 7), unknown source (col 11) */
		"c1,p1,gbr,twitter,2020-01-03,,,open,13-15,yes,no\n"
		/* line 3: 31 February (col 16) */
		"c2,p1,GBR,police,2020-02-31,,,open,13-15,yes,no\n"
		/* line 4: removed before reported (col 28) */
		"c3,p1,GBR,police,2020-03-02T10:00Z,2020-03-02T09:00Z,,open,0-12,no,no\n"
		/* line 5: closed before reported, open with closed_at */
		"c4,p1,GBR,police,2020-03-02,,2020-03-01,open,adult,no,no\n"
		/* line 6: empty reported_at (col 18), bad yes/no (col 27) */
		"c5,p1,KEN,hotline,,,,referred,unknown,maybe,no\n"
		/* line 7: 29 Feb 2019, month 13 in removed_at, bad format */
		"c6,p1,KEN,hotline,2019-02-29,2020-13-01,15/01/2020,referred,unknown,no,no\n";
	static const char *const values[] = {
		"gbr", "twitter", "2020-02-31", "maybe", "2019-02-29",
		"2020-13-01", "15/01/2020", "09:00",
	};
	struct mnr_check_result *r;

	(void)state;
	r = chk(in, NULL);
	want_rule(r, "country-code", 1, 2, 7, 3);
	want_rule(r, "enum", 2, 2, 11, 4);
	assert_int_equal(mnr_check_find_rule(r, "enum")->pos[1].line, 6);
	assert_int_equal(mnr_check_find_rule(r, "enum")->pos[1].column, 39);
	want_rule(r, "date-range", 3, 3, 18, 5);
	assert_int_equal(mnr_check_find_rule(r, "date-range")->pos[1].line, 7);
	assert_int_equal(mnr_check_find_rule(r, "date-range")->pos[2].column, 30);
	want_rule(r, "date-format", 1, 7, 41, 7);
	want_rule(r, "removed-before-report", 1, 4, 36, 6);
	want_rule(r, "closed-before-report", 1, 5, 30, 7);
	want_rule(r, "outcome-open-closed", 1, 5, 41, 8);
	want_rule(r, "required", 1, 6, 19, 5);
	assert_int_equal(r->rows, 6);
	/* Rows with schema errors still count in the groups. */
	assert_true(r->kanon.applicable);
	assert_int_equal(r->kanon.groups_below_k, r->kanon.groups);
	no_echo(r, values, sizeof(values) / sizeof(values[0]));
	assert_non_null(strstr(mnr_check_find_rule(r, "required")->pos[0].msg,
			       "reported_at"));
	mnr_check_result_free(r);
}

/*
 * Whatever mnr_case_parse (the aggregate path) refuses, check reports at
 * the same position under the same rule.
 */
struct first_err {
	struct mnr_case_schema s;
	struct mnr_error e[16];
	size_t n;
};

static int first_err_row(void *ud, const struct mnr_csv_row *row,
			 struct mnr_error *err)
{
	struct first_err *fe = ud;
	struct mnr_case c;

	(void)err;
	if (row->is_header)
		return mnr_case_bind(&fe->s, row, NULL, err);
	mnr_error_clear(&fe->e[fe->n]);
	if (mnr_case_parse(&fe->s, row, &c, &fe->e[fe->n]))
		fe->n++;
	return MNR_OK;
}

static void test_check_agrees_with_case_parser(void **state)
{
	static const char in[] =
		"case_id,country,reported_at,removed_at,closed_at,outcome,source\n"
		"a,XXX,2020-01-01,,,open,police\n"
		"b,GBR,2020-01-01T25:00Z,,,open,police\n"
		"c,GBR,2020-01-01,2019-12-31,,open,police\n"
		"d,GBR,2020-01-01,,2021-01-01,open,police\n"
		"e,GBR,2020-01-01,,,Open,police\n"
		"f,GBR,2020-01-01,,,open,Police\n"
		"g,GBR,,,,open,police\n"
		"h,GBR,2020-01-01+01:00,,,open,police\n"
		"i, GBR,2020-01-01,,,open,police\n";
	struct first_err fe;
	struct mnr_check_result *r;
	struct mnr_error err;
	FILE *fp = tmpfile();
	size_t i, j;

	(void)state;
	memset(&fe, 0, sizeof(fe));
	assert_non_null(fp);
	fputs(in, fp);
	rewind(fp);
	mnr_error_clear(&err);
	assert_int_equal(mnr_csv_read_stream(fp, "t.csv", NULL, first_err_row,
					     &fe, &err), MNR_OK);
	fclose(fp);
	assert_int_equal(fe.n, 9);
	r = chk(in, NULL);
	for (i = 0; i < fe.n; i++) {
		const struct mnr_check_rule *e =
			mnr_check_find_rule(r, fe.e[i].rule);
		int found = 0;

		if (!e)
			fail_msg("rule %s of the case parser not reported",
				 fe.e[i].rule);
		for (j = 0; j < e->npos; j++)
			if (e->pos[j].line == fe.e[i].line &&
			    e->pos[j].column == fe.e[i].column)
				found = 1;
		if (!found)
			fail_msg("%s at %lu:%lu not reported", fe.e[i].rule,
				 fe.e[i].line, fe.e[i].column);
	}
	mnr_check_result_free(r);
}

/* A case file read the way aggregate reads it: stop at the first error. */
static int case_reader_row(void *ud, const struct mnr_csv_row *row,
			   struct mnr_error *err)
{
	struct mnr_case_schema *s = ud;
	struct mnr_case c;

	if (row->is_header)
		return mnr_case_bind(s, row, NULL, err);
	return mnr_case_parse(s, row, &c, err);
}

/* Rules the readers do not have: identifiers, k-anonymity, warnings. */
static int check_only_rule(const struct mnr_check_rule *e)
{
	return strncmp(e->rule, "identifier-", 11) == 0 ||
	       strcmp(e->rule, "k-anonymity") == 0 ||
	       strcmp(e->rule, "no-rows") == 0 ||
	       e->severity == MNR_CHECK_WARNING;
}

/*
 * Every fixture of tests/data, read by check and by the reader of its
 * schema (the panel and adoption readers, the case parser): the reader's
 * first error is among check's positions under the same rule, and a file
 * the reader accepts has no schema or CSV problem in check.
 */
static void test_check_agrees_with_readers(void **state)
{
	const char *dir = MNR_SOURCE_DIR "/tests/data";
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t nfiles = 0, nerrors = 0;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[1024];
		struct mnr_check_result *r = NULL;
		struct mnr_error err, rerr;
		int st = MNR_OK;
		size_t i, j;
		size_t n = strlen(de->d_name);

		if (n < 4 || strcmp(de->d_name + n - 4, ".csv") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		mnr_error_clear(&err);
		assert_int_equal(mnr_check_path(path, NULL, &r, &err), MNR_OK);
		mnr_error_clear(&rerr);
		if (r->schema == MNR_SCHEMA_PANEL) {
			struct mnr_panel *p = NULL;

			st = mnr_panel_read(path, NULL, &p, &rerr);
			mnr_panel_free(p);
		} else if (r->schema == MNR_SCHEMA_ADOPTION) {
			struct mnr_adoption *a = NULL;

			st = mnr_adoption_read(path, NULL, &a, &rerr);
			mnr_adoption_free(a);
		} else if (r->schema == MNR_SCHEMA_CASES) {
			struct mnr_case_schema cs;

			st = mnr_csv_read_path(path, NULL, case_reader_row, &cs,
					       &rerr);
		} else {
			mnr_check_result_free(r);
			continue;
		}
		nfiles++;
		if (st) {
			const struct mnr_check_rule *e =
				mnr_check_find_rule(r, rerr.rule);
			int found = 0;

			nerrors++;
			assert_true(st == MNR_EDATA || st == MNR_EPARSE);
			if (!e)
				fail_msg("%s: reader rule %s not in check",
					 de->d_name, rerr.rule);
			for (j = 0; j < e->npos; j++)
				found |= e->pos[j].line == rerr.line &&
					 e->pos[j].column == rerr.column;
			if (!found)
				fail_msg("%s: reader's %s at %lu:%lu not in check",
					 de->d_name, rerr.rule, rerr.line,
					 rerr.column);
		} else {
			for (i = 0; i < r->nrules; i++)
				if (!check_only_rule(&r->rule[i]))
					fail_msg("%s: reader accepts, check has %s",
						 de->d_name, r->rule[i].rule);
		}
		mnr_check_result_free(r);
	}
	closedir(d);
	assert_true(nfiles >= 40);
	assert_true(nerrors >= 30);
}

static void test_check_collects_all(void **state)
{
	/* 10000 rows with a bad country: every one counted, 5 kept. */
	size_t rows = 10000, i, n = strlen(case_header);
	char *buf = malloc(n + rows * 64);
	struct mnr_check_options o;
	struct mnr_check_result *r;
	const struct mnr_check_rule *e;

	(void)state;
	assert_non_null(buf);
	memcpy(buf, case_header, n);
	for (i = 0; i < rows; i++)
		n += (size_t)snprintf(buf + n, 64, "c%zu,,ZZZ,police,2020-01-01,,,,,,\n", i);
	mnr_check_options_init(&o);
	r = chk_n(buf, n, &o);
	e = mnr_check_find_rule(r, "country-code");
	assert_non_null(e);
	assert_int_equal(e->count, rows);
	assert_int_equal(e->npos, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(e->pos[i].line, i + 2);
	/* One group (ZZZ, 2020-01, absent columns) of 10000 rows. */
	assert_int_equal(r->kanon.groups, 1);
	assert_int_equal(r->kanon.smallest, rows);
	assert_int_equal(r->errors, rows);
	mnr_check_result_free(r);

	o.max_positions = 2;
	r = chk_n(buf, n, &o);
	e = mnr_check_find_rule(r, "country-code");
	assert_int_equal(e->npos, 2);
	assert_int_equal(e->pos[1].line, 3);
	mnr_check_result_free(r);
	free(buf);
}

static void test_check_identifiers(void **state)
{
	static const char in[] =
		"case_id,country,reported_at,notes,Email,victim_age_band\n"
		"c1,GBR,2020-01-01,write to alice@example.org,,13-15\n"
		"c2,GBR,2020-01-01,\"phone +44 20 7946 0958, or\nhttps://x.example/y\",,13-15\n"
		"c3,GBR,2020-01-01,from 10.1.2.3 and 2001:db8::7,,2011-04-05\n"
		"c4,GBR,2020-01-01,dated 2020-01-15 case 2020-000123,,13-15\n";
	static const char *const values[] = {
		"alice", "7946", "x.example", "10.1.2.3", "2001:db8", "2011-04-05",
		"Email",
	};
	struct mnr_check_result *r;

	(void)state;
	r = chk(in, NULL);
	want_rule(r, "identifier-column", 1, 1, 35, 5);
	want_rule(r, "identifier-email", 1, 2, 19, 4);
	want_rule(r, "identifier-phone", 1, 3, 19, 4);
	want_rule(r, "identifier-url", 1, 3, 19, 4);
	/* Record 4 starts on line 5 (record 3 holds a quoted newline). */
	want_rule(r, "identifier-ipv4", 1, 5, 19, 4);
	want_rule(r, "identifier-ipv6", 1, 5, 19, 4);
	want_rule(r, "identifier-birth-date", 1, 5, 50, 6);
	want_rule(r, "enum", 1, 5, 50, 6);
	/* Nothing flagged on line 6 (a date and a case number). */
	assert_int_equal(r->errors - r->kanon.groups_below_k, 8);
	no_echo(r, values, sizeof(values) / sizeof(values[0]));
	mnr_check_result_free(r);
}

static void test_check_syntax_stops(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		const char *rule;
		unsigned long line, column;
	} t[] = {
		{ "country,reported_at\nGBR,2020-01-01\nGBR,2020-01-01,x\n", 0,
		  "ragged-row", 3, 16 },
		{ "country,reported_at\nGBR\n", 0, "ragged-row", 2, 1 },
		{ "country,reported_at\nGBR,\"2020-01-01\n", 0, "csv-quote", 2, 5 },
		{ "country,reported_at\nGBR,20\"20-01-01\n", 0, "csv-quote", 2, 7 },
		{ "country,reported_at\nGB\xFFR,2020-01-01\n", 0, "utf8", 2, 3 },
		{ "country,reported_at\nGBR,2020\xC0\xAF-01\n", 0, "utf8", 2, 9 },
		{ "country,reported_at\nGBR,2020\0-01-01\n", 35, "nul-byte", 2, 9 },
		{ "\xFF\xFE" "c\0o\0", 6, "utf8", 1, 1 },
		{ "", 0, "empty-file", 1, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct mnr_check_result *r =
			chk_n(t[i].in, t[i].len ? t[i].len : strlen(t[i].in), NULL);

		assert_true(r->stopped);
		assert_int_equal(r->stopped_line, t[i].line);
		want_rule(r, t[i].rule, 1, t[i].line, t[i].column,
			  mnr_check_find_rule(r, t[i].rule)->pos[0].field);
		assert_false(r->kanon.applicable);
		assert_true(r->errors >= 1);
		mnr_check_result_free(r);
	}
}

static void test_check_header_problems(void **state)
{
	struct mnr_check_result *r;
	struct mnr_check_options o;
	struct mnr_colmap map;
	static const char *const qi[] = { "country", "region" };
	static const char *const qi_month[] = { "month" };

	(void)state;
	r = chk("country,reported_at,country\nGBR,2020-01-01,GBR\n", NULL);
	want_rule(r, "header-duplicate", 1, 1, 21, 3);
	assert_false(r->kanon.applicable);
	mnr_check_result_free(r);

	r = chk("country,,reported_at\nGBR,x,2020-01-01\n", NULL);
	want_rule(r, "header-empty", 1, 1, 9, 2);
	mnr_check_result_free(r);

	/* Missing required column, with --schema; positions on line 1. */
	mnr_check_options_init(&o);
	o.schema = MNR_SCHEMA_CASES;
	r = chk("reported_at,source\n2020-01-01,police\n", &o);
	want_rule(r, "missing-column", 1, 1, 0, 0);
	assert_int_equal(r->schema, MNR_SCHEMA_CASES);
	assert_false(r->schema_detected);
	mnr_check_result_free(r);

	/* Unknown schema: identifiers are still scanned. */
	r = chk("a,b\nx,mail me at bob@example.com\n", NULL);
	assert_int_equal(r->schema, MNR_SCHEMA_UNKNOWN);
	want_rule(r, "schema-unknown", 1, 1, 0, 0);
	want_rule(r, "identifier-email", 1, 2, 3, 2);
	mnr_check_result_free(r);

	/* Header only: no rows. */
	r = chk(case_header, NULL);
	want_rule(r, "no-rows", 1, 2, 0, 0);
	mnr_check_result_free(r);

	/* --col mapping. */
	memset(&map, 0, sizeof(map));
	map.name[0] = "reported_at";
	map.header[0] = "date_received";
	map.n = 1;
	o.schema = MNR_SCHEMA_AUTO;
	o.map = &map;
	r = chk("country,date_received\nGBR,2020-01-01\nGBR,2020-01-01\n"
		"GBR,2020-01-01\nGBR,2020-01-01\nGBR,2020-01-01\n", &o);
	assert_int_equal(r->schema, MNR_SCHEMA_CASES);
	assert_int_equal(r->errors, 0);
	assert_int_equal(r->kanon.nqi, 2); /* source and age band absent */
	assert_int_equal(r->kanon.smallest, 5);
	mnr_check_result_free(r);
	map.header[0] = "no_such";
	r = chk("country,date_received\nGBR,2020-01-01\n", &o);
	want_rule(r, "missing-column", 1, 1, 0, 0);
	mnr_check_result_free(r);

	/* --qi naming an absent column. */
	mnr_check_options_init(&o);
	o.qi = qi;
	o.nqi = 2;
	r = chk("country,reported_at\nGBR,2020-01-01\n", &o);
	want_rule(r, "missing-column", 1, 1, 0, 0);
	assert_false(r->kanon.applicable);
	mnr_check_result_free(r);
	o.nqi = 1;
	r = chk("country,reported_at\nGBR,2020-01-01\nGBR,2020-02-01\n", &o);
	assert_int_equal(r->kanon.groups, 1);
	assert_int_equal(r->kanon.smallest, 2);
	mnr_check_result_free(r);

	/*
	 * Month of reported_at: two January date-times share a group; an
	 * unparsable "2020-01" groups by its text, apart from January.
	 */
	o.qi = qi_month;
	o.nqi = 1;
	r = chk("country,reported_at\nGBR,2020-01-01\nGBR,2020-01-31T23:00-02:00\n"
		"GBR,2020-01-31T23:00Z\nGBR,2020-01\n", &o);
	assert_int_equal(r->kanon.groups, 3);
	assert_int_equal(r->kanon.smallest, 1);
	assert_int_equal(r->kanon.groups_below_k, 3);
	assert_int_equal(r->kanon.rows_below_k, 4);
	mnr_check_result_free(r);
}

static void test_check_panel(void **state)
{
	static const char in[] =
		"country,month,metric,value,population\n"
		"GBR,2020-01,reports,12,67000000\n"
		"GBR,2020-02,reports,,67000000\n"          /* missing: warning */
		"GBR,2020-13,reports,3,67000000\n"         /* month-format */
		"GBR,2020-03,reports,NaN,67000000\n"       /* not-finite */
		"GBR,2020-04,reports,inf,67000000\n"       /* not-finite */
		"GBR,2020-05,reports,1e999,67000000\n"     /* not-finite */
		"GBR,2020-06,reports,12a,-5\n"             /* number, population */
		"GBR,2020-01,reports,13,67000000\n"        /* duplicate-cell */
		"GBR,2020-07,,1,67000000\n";               /* metric-empty */
	struct mnr_check_result *r;

	(void)state;
	r = chk(in, NULL);
	assert_int_equal(r->schema, MNR_SCHEMA_PANEL);
	assert_false(r->kanon.applicable);
	assert_non_null(r->kanon.why_not);
	want_rule(r, "value-missing", 1, 3, 21, 4);
	assert_int_equal(mnr_check_find_rule(r, "value-missing")->severity,
			 MNR_CHECK_WARNING);
	want_rule(r, "month-format", 1, 4, 5, 2);
	want_rule(r, "not-finite", 3, 5, 21, 4);
	want_rule(r, "number", 1, 8, 21, 4);
	want_rule(r, "population", 1, 8, 25, 5);
	want_rule(r, "duplicate-cell", 1, 9, 0, 0);
	want_rule(r, "metric-empty", 1, 10, 13, 3);
	assert_int_equal(r->warnings, 1);
	assert_int_equal(r->errors, 8);
	mnr_check_result_free(r);

	/* Only a missing value: passes with a warning. */
	r = chk("country,month,metric,value\nGBR,2020-01,reports,\n", NULL);
	assert_int_equal(r->errors, 0);
	assert_int_equal(r->warnings, 1);
	mnr_check_result_free(r);
}

static void test_check_adoption(void **state)
{
	struct mnr_check_result *r;

	(void)state;
	r = chk("country,mnr_start\nGBR,2015-06\nKEN,\nGBR,2016-01\nFRA,2016-1\n",
		NULL);
	assert_int_equal(r->schema, MNR_SCHEMA_ADOPTION);
	want_rule(r, "duplicate-country", 1, 4, 1, 1);
	want_rule(r, "month-format", 1, 5, 5, 2);
	assert_int_equal(r->errors, 2);
	mnr_check_result_free(r);
}

static void test_check_errors(void **state)
{
	struct mnr_check_options o;
	struct mnr_check_result *r = NULL;
	struct mnr_error err;

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_check_path("/nonexistent/x.csv", NULL, &r, &err),
			 MNR_ENOINPUT);
	assert_null(r);
	mnr_check_options_init(&o);
	o.k = 0;
	mnr_error_clear(&err);
	assert_int_equal(mnr_check_path("/dev/null", &o, &r, &err), MNR_EINVAL);
	mnr_check_options_init(&o);
	o.max_positions = MNR_CHECK_MAX_POS + 1;
	mnr_error_clear(&err);
	assert_int_equal(mnr_check_path("/dev/null", &o, &r, &err), MNR_EINVAL);
	assert_null(r);
	assert_int_equal(mnr_check_schema_parse("panel"), MNR_SCHEMA_PANEL);
	assert_int_equal(mnr_check_schema_parse("Panel"), -1);
	assert_string_equal(mnr_check_schema_name(MNR_SCHEMA_ADOPTION), "adoption");
}

/* Every allocation failure is reported as MNR_ENOMEM, without leaks. */
static void test_check_enomem(void **state)
{
	static const char in[] =
		"case_id,country,reported_at,notes\n"
		"a,GBR,2020-01-01,x@example.org\n"
		"b,ZZZ,2020-02-01,\"two\nlines\"\n"
		"c,KEN,2020-03-01,\n";
	unsigned long n;
	int ok = 0;

	(void)state;
	for (n = 1; n < 200 && !ok; n++) {
		struct mnr_check_result *r = NULL;
		struct mnr_error err;
		int st;

		mnr_alloc_fail_after(n);
		st = run_n(in, strlen(in), NULL, &r, &err);
		mnr_alloc_fail_after(0);
		if (st == MNR_OK) {
			assert_int_equal(r->rows, 3);
			mnr_check_result_free(r);
			ok = 1;
		} else {
			assert_int_equal(st, MNR_ENOMEM);
			assert_null(r);
		}
	}
	assert_true(ok);
	assert_true(n > 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_email),
		cmocka_unit_test(test_check_url),
		cmocka_unit_test(test_check_ip),
		cmocka_unit_test(test_check_phone),
		cmocka_unit_test(test_check_full_date),
		cmocka_unit_test(test_check_column_names),
		cmocka_unit_test(test_check_clean_cases),
		cmocka_unit_test(test_check_case_rules),
		cmocka_unit_test(test_check_agrees_with_case_parser),
		cmocka_unit_test(test_check_agrees_with_readers),
		cmocka_unit_test(test_check_collects_all),
		cmocka_unit_test(test_check_identifiers),
		cmocka_unit_test(test_check_syntax_stops),
		cmocka_unit_test(test_check_header_problems),
		cmocka_unit_test(test_check_panel),
		cmocka_unit_test(test_check_adoption),
		cmocka_unit_test(test_check_errors),
		cmocka_unit_test(test_check_enomem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
