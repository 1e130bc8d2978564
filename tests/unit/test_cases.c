/* Unit tests for the case-record schema: header binding and row parsing. */
#include "test_util.h"

#include <string.h>

#include "mnrstat/cases.h"
#include "mnrstat/fields.h"

#define MAXROWS 16

struct parsed {
	struct mnr_case_schema s;
	const struct mnr_colmap *map;
	int bind_status;
	struct mnr_error bind_err;
	size_t n;                    /* data rows */
	int st[MAXROWS];
	struct mnr_case c[MAXROWS];
	struct mnr_error e[MAXROWS];
	char case_id[MAXROWS][16];   /* copies: the parsed struct borrows */
	char person[MAXROWS][16];
};

static int on_row(void *ud, const struct mnr_csv_row *row,
		  struct mnr_error *err)
{
	struct parsed *p = ud;
	size_t i;

	if (row->is_header) {
		mnr_error_clear(&p->bind_err);
		p->bind_status = mnr_case_bind(&p->s, row, p->map, &p->bind_err);
		/* Stop the reader on a bad header, as a caller would. */
		if (p->bind_status)
			*err = p->bind_err;
		return p->bind_status;
	}
	assert_true(p->n < MAXROWS);
	i = p->n++;
	mnr_error_clear(&p->e[i]);
	memset(&p->c[i], 0x5a, sizeof(p->c[i]));
	p->st[i] = mnr_case_parse(&p->s, row, &p->c[i], &p->e[i]);
	if (!p->st[i]) {
		snprintf(p->case_id[i], sizeof(p->case_id[i]), "%s", p->c[i].case_id);
		snprintf(p->person[i], sizeof(p->person[i]), "%.*s",
			 (int)p->c[i].person_len, p->c[i].person);
	}
	return MNR_OK;
}

static int parse(const char *csv, const struct mnr_colmap *map,
		 struct parsed *p)
{
	FILE *fp = tmpfile();
	struct mnr_error err;
	int st;

	assert_non_null(fp);
	memset(p, 0, sizeof(*p));
	p->map = map;
	fputs(csv, fp);
	rewind(fp);
	mnr_error_clear(&err);
	st = mnr_csv_read_stream(fp, "c.csv", NULL, on_row, p, &err);
	fclose(fp);
	return st;
}

static const char header[] =
	"case_id,person_id,country,source,reported_at,removed_at,closed_at,"
	"outcome,victim_age_band,support_offered,victim_treated_as_suspect\n";

/* Parse header + one row; expect a failure under rule at line 2:col. */
static void bad_row(const char *row, const char *rule, unsigned long column,
		    unsigned long field, const char *column_name,
		    const char *value)
{
	char buf[1024];
	struct parsed p;

	snprintf(buf, sizeof(buf), "%s%s\n", header, row);
	assert_int_equal(parse(buf, NULL, &p), MNR_OK);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.st[0], MNR_EDATA);
	assert_int_equal(p.e[0].code, MNR_EDATA);
	assert_string_equal(p.e[0].rule, rule);
	assert_string_equal(p.e[0].path, "c.csv");
	assert_int_equal(p.e[0].line, 2);
	assert_int_equal(p.e[0].column, column);
	assert_int_equal(p.e[0].field, field);
	/* The message names the column and never contains the value. */
	if (strncmp(p.e[0].msg, column_name, strlen(column_name)) != 0)
		fail_msg("message does not start with %s", column_name);
	if (value && *value && strstr(p.e[0].msg, value))
		fail_msg("value echoed in the message");
}

static void test_cases_full_row(void **state)
{
	struct parsed p;
	char want[8];

	(void)state;
	assert_int_equal(parse(
		"case_id,person_id,country,source,reported_at,removed_at,closed_at,"
		"outcome,victim_age_band,support_offered,victim_treated_as_suspect\n"
		"c1,p9,GBR,industry,2020-03-01T23:30:00-02:00,2020-03-02T03:30:00Z,"
		"2020-04-01,charged,16-17,yes,no\n", NULL, &p), MNR_OK);
	assert_int_equal(p.bind_status, MNR_OK);
	assert_int_equal(p.s.idx[MNR_CASE_ID], 0);
	assert_int_equal(p.s.idx[MNR_CASE_SUSPECT], 10);
	assert_int_equal(p.st[0], MNR_OK);
	assert_memory_equal(p.c[0].country, "GBR", 4);
	assert_int_equal(p.c[0].source, MNR_SRC_INDUSTRY);
	/* 2020-03-02T01:30:00Z: date -u -d 2020-03-02T01:30:00Z +%s */
	assert_int_equal(p.c[0].reported, 1583112600);
	assert_true(p.c[0].has_removed);
	assert_int_equal(p.c[0].removed - p.c[0].reported, 2 * 3600);
	assert_true(p.c[0].has_closed);
	assert_int_equal(p.c[0].closed, 1585699200);
	assert_int_equal(p.c[0].outcome, MNR_OUT_CHARGED);
	assert_int_equal(p.c[0].age, MNR_AGE_16_17);
	assert_int_equal(p.c[0].support, MNR_YES);
	assert_int_equal(p.c[0].suspect, MNR_NO);
	assert_string_equal(p.case_id[0], "c1");
	assert_string_equal(p.person[0], "p9");
	/* The offset moved the report into March in UTC. */
	mnr_month_format(mnr_month_of(p.c[0].reported), want, sizeof(want));
	assert_string_equal(want, "2020-03");
}

static void test_cases_defaults(void **state)
{
	struct parsed p;

	(void)state;
	/* Only the two required columns, in another order. */
	assert_int_equal(parse("reported_at,country\n2021-06-15,KEN\n"
			       "2021-06-16T10:00Z,FRA\n", NULL, &p), MNR_OK);
	assert_int_equal(p.s.idx[MNR_CASE_COUNTRY], 1);
	assert_int_equal(p.s.idx[MNR_CASE_REPORTED], 0);
	assert_int_equal(p.s.idx[MNR_CASE_SOURCE], -1);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.st[0], MNR_OK);
	assert_int_equal(p.c[0].source, MNR_SRC_OTHER);
	assert_int_equal(p.c[0].outcome, MNR_OUT_UNKNOWN);
	assert_int_equal(p.c[0].age, MNR_AGE_UNKNOWN);
	assert_int_equal(p.c[0].support, MNR_UNKNOWN);
	assert_int_equal(p.c[0].suspect, MNR_UNKNOWN);
	assert_false(p.c[0].has_removed);
	assert_false(p.c[0].has_closed);
	assert_string_equal(p.case_id[0], "");
	assert_string_equal(p.person[0], "");
	assert_int_equal(p.c[1].reported, 1623837600);

	/* Empty optional fields read as absent / unknown. */
	assert_int_equal(parse("country,reported_at,source,outcome,removed_at\n"
			       "GBR,2020-01-01,,,\n", NULL, &p), MNR_OK);
	assert_int_equal(p.st[0], MNR_OK);
	assert_int_equal(p.c[0].source, MNR_SRC_OTHER);
	assert_int_equal(p.c[0].outcome, MNR_OUT_UNKNOWN);
	assert_false(p.c[0].has_removed);
}

static void test_cases_bind(void **state)
{
	struct parsed p;
	struct mnr_colmap map;

	(void)state;
	/* Missing required columns: located on the header line. */
	assert_int_equal(parse("reported_at,source\n2020-01-01,police\n", NULL,
			       &p), MNR_EDATA);
	assert_int_equal(p.bind_status, MNR_EDATA);
	assert_string_equal(p.bind_err.rule, "missing-column");
	assert_int_equal(p.bind_err.line, 1);
	assert_non_null(strstr(p.bind_err.msg, "country"));
	assert_int_equal(parse("country,source\nGBR,police\n", NULL, &p),
			 MNR_EDATA);
	assert_string_equal(p.bind_err.rule, "missing-column");
	assert_non_null(strstr(p.bind_err.msg, "reported_at"));
	/* Duplicate and empty header names, located at the field. */
	assert_int_equal(parse("country,reported_at,source,source\n", NULL, &p),
			 MNR_EDATA);
	assert_string_equal(p.bind_err.rule, "header-duplicate");
	assert_int_equal(p.bind_err.line, 1);
	assert_int_equal(p.bind_err.column, 28);
	assert_int_equal(p.bind_err.field, 4);
	assert_int_equal(parse("country,,reported_at\n", NULL, &p), MNR_EDATA);
	assert_string_equal(p.bind_err.rule, "header-empty");
	assert_int_equal(p.bind_err.column, 9);
	assert_int_equal(p.bind_err.field, 2);

	/* --col: the canonical name is read from another header. */
	memset(&map, 0, sizeof(map));
	map.name[0] = "reported_at";
	map.header[0] = "date_received";
	map.name[1] = "country";
	map.header[1] = "iso3";
	map.n = 2;
	assert_int_equal(parse("iso3,date_received,reported_at\n"
			       "GBR,2020-01-01,garbage\n", &map, &p), MNR_OK);
	assert_int_equal(p.s.idx[MNR_CASE_COUNTRY], 0);
	assert_int_equal(p.s.idx[MNR_CASE_REPORTED], 1);
	assert_int_equal(p.st[0], MNR_OK);
	/* A mapping whose header is absent is an error even for optional
	 * columns. */
	map.name[0] = "source";
	map.header[0] = "channel";
	map.header[1] = "country";
	assert_int_equal(parse("country,reported_at\n", &map, &p), MNR_EDATA);
	assert_string_equal(p.bind_err.rule, "missing-column");
	assert_non_null(strstr(p.bind_err.msg, "channel"));
}

static void test_cases_rules(void **state)
{
	(void)state;
	/* Column of each field on the row below (1-based):
	 * c1,p1,GBR,police,2020-01-01,2020-01-02,2020-01-03,charged,13-15,yes,no
	 * 1  4  7   11     18         29         40         51      59    65  69
	 */
	bad_row("c1,p1,gbr,police,2020-01-01,2020-01-02,2020-01-03,charged,13-15,yes,no",
		"country-code", 7, 3, "country", "gbr");
	bad_row("c1,p1,XKX,police,2020-01-01,2020-01-02,2020-01-03,charged,13-15,yes,no",
		"country-code", 7, 3, "country", "XKX");
	bad_row("c1,p1,,police,2020-01-01,2020-01-02,2020-01-03,charged,13-15,yes,no",
		"country-code", 7, 3, "country", NULL);
	bad_row("c1,p1,GB,police,2020-01-01,2020-01-02,2020-01-03,charged,13-15,yes,no",
		"country-code", 7, 3, "country", NULL);
	bad_row("c1,p1,GBR,Police,2020-01-01,2020-01-02,2020-01-03,charged,13-15,yes,no",
		"enum", 11, 4, "source", "Police");
	bad_row("c1,p1,GBR,police,2020-02-30,2020-03-02,2020-03-03,charged,13-15,yes,no",
		"date-range", 18, 5, "reported_at", "2020-02-30");
	bad_row("c1,p1,GBR,police,2019-02-29,2020-01-02,2020-01-03,charged,13-15,yes,no",
		"date-range", 18, 5, "reported_at", "2019-02-29");
	bad_row("c1,p1,GBR,police,2020-13-01,2021-01-02,2021-01-03,charged,13-15,yes,no",
		"date-range", 18, 5, "reported_at", "2020-13-01");
	bad_row("c1,p1,GBR,police,01/02/2020,2020-01-02,2020-01-03,charged,13-15,yes,no",
		"date-format", 18, 5, "reported_at", "01/02/2020");
	bad_row("c1,p1,GBR,police,,2020-01-02,2020-01-03,charged,13-15,yes,no",
		"required", 18, 5, "reported_at", NULL);
	bad_row("c1,p1,GBR,police,2020-01-01,2020-01-02T24:00,2020-01-03,charged,13-15,yes,no",
		"date-range", 29, 6, "removed_at", "24:00");
	bad_row("c1,p1,GBR,police,2020-01-01,2019-12-31,2020-01-03,charged,13-15,yes,no",
		"removed-before-report", 29, 6, "removed_at", "2019-12-31");
	bad_row("c1,p1,GBR,police,2020-01-01,2020-01-02,2020-01-0x,charged,13-15,yes,no",
		"date-format", 40, 7, "closed_at", "2020-01-0x");
	bad_row("c1,p1,GBR,police,2020-01-01,2020-01-02,2019-01-03,charged,13-15,yes,no",
		"closed-before-report", 40, 7, "closed_at", "2019-01-03");
	bad_row("c1,p1,GBR,police,2020-01-01,2020-01-02,2020-01-03,guilty,13-15,yes,no",
		"enum", 51, 8, "outcome", "guilty");
	bad_row("c1,p1,GBR,police,2020-01-01,2020-01-02,2020-01-03,open,13-15,yes,no",
		"outcome-open-closed", 51, 8, "outcome", NULL);
	bad_row("c1,p1,GBR,police,2020-01-01,2020-01-02,2020-01-03,charged,12,yes,no",
		"enum", 59, 9, "victim_age_band", NULL);
	bad_row("c1,p1,GBR,police,2020-01-01,2020-01-02,2020-01-03,charged,13-15,Y,no",
		"enum", 65, 10, "support_offered", NULL);
	bad_row("c1,p1,GBR,police,2020-01-01,2020-01-02,2020-01-03,charged,13-15,yes,nope",
		"enum", 69, 11, "victim_treated_as_suspect", "nope");
}

static void test_cases_positions(void **state)
{
	struct parsed p;

	(void)state;
	/*
	 * Positions after a quoted newline and a CRLF: record 3 starts on
	 * line 4, and its bad country is at column 3 (after "a,").
	 */
	assert_int_equal(parse("case_id,country,reported_at\r\n"
			       "\"x\ny\",GBR,2020-01-01\r\n"
			       "a,ZZZ,2020-01-01\r\n", NULL, &p), MNR_OK);
	assert_int_equal(p.st[0], MNR_OK);
	assert_string_equal(p.case_id[0], "x\ny");
	assert_int_equal(p.st[1], MNR_EDATA);
	assert_int_equal(p.e[1].line, 4);
	assert_int_equal(p.e[1].column, 3);
	assert_int_equal(p.e[1].field, 2);
	/* A field inside a multi-line record, on its second line. */
	assert_int_equal(parse("case_id,country,reported_at\n"
			       "\"a\nb\",GBR,2020-02-30\n", NULL, &p), MNR_OK);
	assert_int_equal(p.e[0].line, 3);
	assert_int_equal(p.e[0].column, 8);
	assert_int_equal(p.e[0].field, 3);
	assert_string_equal(p.e[0].rule, "date-range");
	/* The first error of a row wins. */
	assert_int_equal(parse("country,reported_at,source\nZZZ,bad,bad\n",
			       NULL, &p), MNR_OK);
	assert_string_equal(p.e[0].rule, "country-code");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases_full_row),
		cmocka_unit_test(test_cases_defaults),
		cmocka_unit_test(test_cases_bind),
		cmocka_unit_test(test_cases_rules),
		cmocka_unit_test(test_cases_positions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
