/* Unit tests for the typed field parsers. */
#include "test_util.h"

#include <string.h>

#include "mnrstat/fields.h"

static int64_t dt(const char *s, int *has_time)
{
	struct mnr_error err;
	int64_t t = -1;

	mnr_error_clear(&err);
	assert_int_equal(mnr_parse_datetime(s, strlen(s), &t, has_time, &err),
			 MNR_OK);
	return t;
}

static void dt_bad(const char *s, const char *rule)
{
	struct mnr_error err;
	int64_t t = 12345;

	mnr_error_clear(&err);
	assert_int_equal(mnr_parse_datetime(s, strlen(s), &t, NULL, &err),
			 MNR_EDATA);
	assert_string_equal(err.rule, rule);
	assert_int_equal(t, 12345);
	/* The message names the rule, never the value. */
	if (*s)
		assert_null(strstr(err.msg, s));
}

static void test_fields_datetime(void **state)
{
	int ht;

	(void)state;
	/* Reference values: date -u -d '...' +%s */
	assert_int_equal(dt("1970-01-01", &ht), 0);
	assert_int_equal(ht, 0);
	assert_int_equal(dt("2019-03-04T13:22:05Z", &ht), 1551705725);
	assert_int_equal(ht, 1);
	assert_int_equal(dt("2019-03-04T15:22:05+02:00", NULL), 1551705725);
	assert_int_equal(dt("2019-03-04T08:22:05-0500", NULL), 1551705725);
	assert_int_equal(dt("2019-03-04T14:22:05+01", NULL), 1551705725);
	assert_int_equal(dt("2019-03-04 13:22:05.123Z", NULL), 1551705725);
	assert_int_equal(dt("2019-03-04T13:22", NULL), 1551705720);
	assert_int_equal(dt("2024-02-29", NULL), 1709164800);
	assert_int_equal(dt("2000-02-29T00:00:00Z", NULL), 951782400);
	assert_int_equal(dt("1900-03-01", NULL), -2203891200LL);
	dt_bad("2023-02-29", "date-range");
	dt_bad("2023-02-31", "date-range");
	dt_bad("1900-02-29", "date-range");
	dt_bad("2023-13-01", "date-range");
	dt_bad("2023-00-10", "date-range");
	dt_bad("2023-01-00", "date-range");
	dt_bad("2023-01-01T24:00", "date-range");
	dt_bad("2023-01-01T10:60", "date-range");
	dt_bad("2023-01-01T10:00+15:00", "date-range");
	dt_bad("1850-01-01", "date-range");
	dt_bad("23-01-01", "date-format");
	dt_bad("2023/01/01", "date-format");
	dt_bad("2023-01-01T", "date-format");
	dt_bad("2023-01-01T10:00:00ZZ", "date-format");
	dt_bad("2023-01-01T10:00:00+2", "date-format");
	dt_bad("2023-01-01T10:00:00.", "date-format");
	dt_bad("", "date-format");
	dt_bad("01/02/2023", "date-format");
}

static void test_fields_month(void **state)
{
	struct mnr_error err;
	int m;
	char buf[8];

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_parse_month("2019-03", 7, &m, &err), MNR_OK);
	assert_int_equal(m, 2019 * 12 + 2);
	mnr_month_format(m, buf, sizeof(buf));
	assert_string_equal(buf, "2019-03");
	assert_int_equal(mnr_month_of(1551705725), m);
	assert_int_equal(mnr_month_of(mnr_month_start(m)), m);
	assert_int_equal(mnr_month_of(mnr_month_start(m) - 1), m - 1);
	assert_int_equal(mnr_month_start(1970 * 12), 0);
	assert_int_equal(mnr_parse_month("2019-13", 7, &m, &err), MNR_EDATA);
	assert_string_equal(err.rule, "month-format");
	mnr_error_clear(&err);
	assert_int_equal(mnr_parse_month("2019-3", 6, &m, &err), MNR_EDATA);
}

static void test_fields_numbers(void **state)
{
	struct mnr_error err;
	int64_t v;
	double d;

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_parse_int64("-42", 3, &v, &err), 0);
	assert_int_equal(v, -42);
	assert_int_equal(mnr_parse_int64("9223372036854775807", 19, &v, &err), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(mnr_parse_int64("-9223372036854775808", 20, &v, &err), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(mnr_parse_int64("9223372036854775808", 19, &v, &err),
			 MNR_EDATA);
	mnr_error_clear(&err);
	assert_int_equal(mnr_parse_int64("1.5", 3, &v, &err), MNR_EDATA);
	assert_string_equal(err.rule, "integer");
	mnr_error_clear(&err);
	assert_int_equal(mnr_parse_decimal("1.5e3", 5, &d, &err), 0);
	assert_rel(d, 1500.0, 0);
	assert_int_equal(mnr_parse_decimal("-.25", 4, &d, &err), 0);
	assert_rel(d, -0.25, 0);
	assert_int_equal(mnr_parse_decimal("7.", 2, &d, &err), 0);
	assert_int_equal(mnr_parse_decimal("NaN", 3, &d, &err), MNR_EDATA);
	assert_string_equal(err.rule, "not-finite");
	mnr_error_clear(&err);
	assert_int_equal(mnr_parse_decimal("inf", 3, &d, &err), MNR_EDATA);
	mnr_error_clear(&err);
	assert_int_equal(mnr_parse_decimal("1e999", 5, &d, &err), MNR_EDATA);
	assert_string_equal(err.rule, "not-finite");
	mnr_error_clear(&err);
	assert_int_equal(mnr_parse_decimal("0x10", 4, &d, &err), MNR_EDATA);
	mnr_error_clear(&err);
	assert_int_equal(mnr_parse_decimal(".", 1, &d, &err), MNR_EDATA);
	mnr_error_clear(&err);
	assert_int_equal(mnr_parse_decimal("1,5", 3, &d, &err), MNR_EDATA);
	assert_string_equal(err.rule, "number");
	mnr_error_clear(&err);
	assert_int_equal(mnr_parse_decimal("", 0, &d, &err), MNR_EDATA);
}

static void test_fields_enum_country(void **state)
{
	struct mnr_error err;
	int k;

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_parse_enum("police", 6, mnr_source_names,
					MNR_SRC_N, &k, &err), 0);
	assert_int_equal(k, MNR_SRC_POLICE);
	assert_int_equal(mnr_parse_enum("Police", 6, mnr_source_names,
					MNR_SRC_N, &k, &err), MNR_EDATA);
	assert_string_equal(err.rule, "enum");
	assert_non_null(strstr(err.msg, "hotline"));
	assert_true(mnr_country_valid("ABW", 3));
	assert_true(mnr_country_valid("ZWE", 3));
	assert_true(mnr_country_valid("GBR", 3));
	assert_false(mnr_country_valid("UK", 2));
	assert_false(mnr_country_valid("XKX", 3));
	assert_false(mnr_country_valid("gbr", 3));
	assert_false(mnr_country_valid("AAA", 3));
	mnr_error_clear(&err);
	assert_int_equal(mnr_parse_country("ZZZ", 3, &err), MNR_EDATA);
	assert_string_equal(err.rule, "country-code");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields_datetime),
		cmocka_unit_test(test_fields_month),
		cmocka_unit_test(test_fields_numbers),
		cmocka_unit_test(test_fields_enum_country),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
