/*
 * Shared helpers for the cmocka unit tests: includes in the order cmocka
 * 1.1 needs, and a relative-tolerance comparison in the manner of
 * gsl_test_rel (cmocka's own float asserts use an absolute epsilon).
 */
#ifndef MNR_TEST_UTIL_H
#define MNR_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>

/*
 * Pass when |got - want| <= rel * |want|, or <= rel when want is 0; NaN
 * equals NaN only when both are NaN.
 */
static inline int mnr_test_rel_ok(double got, double want, double rel)
{
	if (isnan(want) || isnan(got))
		return isnan(want) && isnan(got);
	if (isinf(want) || isinf(got))
		return got == want;
	if (want == 0.0)
		return fabs(got) <= rel;
	return fabs(got - want) <= rel * fabs(want);
}

#define assert_rel(got, want, rel) do { \
	double g_ = (got), w_ = (want); \
	if (!mnr_test_rel_ok(g_, w_, (rel))) \
		fail_msg("%s = %.17g, want %.17g (rel %g)", #got, g_, w_, \
			 (double)(rel)); \
} while (0)

#endif
