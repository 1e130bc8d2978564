/* Unit tests for the panel and adoption readers. */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mnrstat/panel.h"

static char *write_tmp(const char *content)
{
	char *path = strdup("/tmp/mnr_panel_XXXXXX");
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");

	fputs(content, fp);
	fclose(fp);
	return path;
}

static void test_panel_series_missing_is_nan(void **state)
{
	char *path = write_tmp(
		"country,month,metric,value,population\n"
		"GBR,2020-01,reports_total,5,67000000\n"
		"GBR,2020-03,reports_total,7,67000000\n"
		"GBR,2020-02,reports_total,,67000000\n"
		"GBR,2020-05,reports_total,0,67000000\n"
		"ALB,2020-01,reports_total,1,2800000\n"
		"GBR,2020-01,removed,3,67000000\n");
	struct mnr_panel *p;
	struct mnr_series s;
	struct mnr_error err;

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_panel_read(path, NULL, &p, &err), MNR_OK);
	assert_int_equal(p->ncountries, 2);
	assert_string_equal(p->country[0], "ALB");
	assert_int_equal(p->nmetrics, 2);
	assert_string_equal(p->metric[0], "removed");
	assert_true(p->has_population);
	assert_false(p->has_noise);
	assert_int_equal(mnr_panel_series(p, "GBR", "reports_total", -1, -1,
					  &s, &err), MNR_OK);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.first_month, 2020 * 12);
	assert_rel(s.y[0], 5, 0);
	assert_true(isnan(s.y[1]));
	assert_rel(s.y[2], 7, 0);
	assert_true(isnan(s.y[3]));
	assert_rel(s.y[4], 0, 0);
	assert_int_equal(s.n_missing, 2);
	assert_rel(s.population[0], 67000000, 0);
	mnr_series_release(&s);
	assert_int_equal(mnr_panel_series(p, "FRA", "reports_total", -1, -1,
					  &s, &err), MNR_EDATA);
	assert_string_equal(err.rule, "no-series");
	mnr_panel_free(p);
	unlink(path);
	free(path);
}

static void expect_read_error(const char *content, const char *rule,
			      unsigned long line, unsigned long column)
{
	char *path = write_tmp(content);
	struct mnr_panel *p = NULL;
	struct mnr_error err;

	mnr_error_clear(&err);
	assert_int_equal(mnr_panel_read(path, NULL, &p, &err), MNR_EDATA);
	assert_null(p);
	assert_string_equal(err.rule, rule);
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, column);
	unlink(path);
	free(path);
}

static void test_panel_errors(void **state)
{
	(void)state;
	expect_read_error("country,month,metric,value\nGBR,2020-01,m,5\n"
			  "GBR,2020-01,m,6\n", "duplicate-cell", 3, 0);
	expect_read_error("country,month,metric,value\nGBR,2020-1,m,5\n",
			  "month-format", 2, 5);
	expect_read_error("country,month,metric,value\nUK,2020-01,m,5\n",
			  "country-code", 2, 1);
	expect_read_error("country,month,metric,value\nGBR,2020-01,m,nan\n",
			  "not-finite", 2, 15);
	expect_read_error("country,month,metric\nGBR,2020-01,m\n",
			  "missing-column", 1, 0);
	expect_read_error("country,month,metric,value\n", "no-rows", 2, 0);
}

static void test_adoption(void **state)
{
	char *path = write_tmp("country,mnr_start\nGBR,2016-05\nFRA,\n");
	struct mnr_adoption *a;
	struct mnr_error err;

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_adoption_read(path, NULL, &a, &err), MNR_OK);
	assert_int_equal(a->n, 2);
	assert_int_equal(mnr_adoption_start(a, "GBR"), 2016 * 12 + 4);
	assert_int_equal(mnr_adoption_start(a, "FRA"), -1);
	assert_int_equal(mnr_adoption_start(a, "DEU"), -1);
	mnr_adoption_free(a);
	unlink(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_panel_series_missing_is_nan),
		cmocka_unit_test(test_panel_errors),
		cmocka_unit_test(test_adoption),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
