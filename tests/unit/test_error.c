/* Unit tests for the error record. */
#include "test_util.h"

#include <string.h>

#include "mnrstat/error.h"
#include "mnrstat/alloc.h"
#include "alloc_internal.h"

static void test_error_first_wins(void **state)
{
	struct mnr_error err;

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_error_set_at(&err, MNR_EDATA, "f.csv", 3, 7, 2,
					  "date-format", "not a date"),
			 MNR_EDATA);
	assert_int_equal(mnr_error_set(&err, MNR_EIO, "later"), MNR_EIO);
	assert_int_equal(err.code, MNR_EDATA);
	assert_string_equal(err.msg, "not a date");
	assert_string_equal(err.rule, "date-format");
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 7);
	assert_int_equal(err.field, 2);
}

static void test_error_locate_fills_only_unknown(void **state)
{
	struct mnr_error err;

	(void)state;
	mnr_error_clear(&err);
	mnr_error_set(&err, MNR_EDATA, "bad");
	err.column = 4;
	mnr_error_locate(&err, "x.csv", 10, 99, 2);
	assert_string_equal(err.path, "x.csv");
	assert_int_equal(err.line, 10);
	assert_int_equal(err.column, 4);
	assert_int_equal(err.field, 2);
}

static void test_error_null_ok(void **state)
{
	(void)state;
	assert_int_equal(mnr_error_set(NULL, MNR_ENOMEM, "x"), MNR_ENOMEM);
	mnr_error_locate(NULL, "a", 1, 1, 1);
	assert_string_equal(mnr_strerror(MNR_OK), "success");
	assert_string_equal(mnr_strerror(-1), "unknown error");
	assert_string_equal(mnr_strerror(MNR_ESTATUS_MAX), "unknown error");
}

static void test_alloc_fail_injection(void **state)
{
	void *p, *items = NULL;
	size_t alloc = 0;

	(void)state;
	mnr_alloc_fail_after(2);
	p = mnr__malloc(10);
	assert_non_null(p);
	assert_int_equal(mnr__grow(&items, &alloc, 100, 8), -1);
	assert_null(items);
	mnr_alloc_fail_after(0);
	assert_int_equal(mnr__grow(&items, &alloc, 100, 8), 0);
	assert_true(alloc >= 100);
	assert_int_equal(mnr__grow(&items, &alloc, SIZE_MAX / 4, 8), -1);
	mnr__free(items);
	mnr__free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_first_wins),
		cmocka_unit_test(test_error_locate_fills_only_unknown),
		cmocka_unit_test(test_error_null_ok),
		cmocka_unit_test(test_alloc_fail_injection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
