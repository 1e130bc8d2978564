/*
 * The library allocator (see alloc_internal.h).  The failure-injection
 * counter is the one process global of the library and exists only in
 * MNR_TEST_HOOKS builds; it is a test hook, not state.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_internal.h"
#include "mnrstat/alloc.h"

#ifdef MNR_TEST_HOOKS
/*
 * Atomic: the threaded aggregator allocates from several threads, and a
 * plain counter would be a data race (undefined behaviour) even when no
 * failure is armed.
 */
static _Atomic unsigned long fail_at, counter;

void mnr_alloc_fail_after(unsigned long nth)
{
	fail_at = nth;
	counter = 0;
}

unsigned long mnr_alloc_count(void)
{
	return counter;
}

static int should_fail(void)
{
	unsigned long c = ++counter;
	unsigned long f = fail_at;

	return f && c >= f;
}
#else
void mnr_alloc_fail_after(unsigned long nth) { (void)nth; }
unsigned long mnr_alloc_count(void) { return 0; }
static int should_fail(void) { return 0; }
#endif

void *mnr__malloc(size_t n)
{
	if (should_fail())
		return NULL;
	return malloc(n ? n : 1);
}

void *mnr__calloc(size_t count, size_t size)
{
	if (should_fail())
		return NULL;
	return calloc(count ? count : 1, size ? size : 1);
}

void *mnr__realloc(void *p, size_t n)
{
	if (should_fail())
		return NULL;
	return realloc(p, n ? n : 1);
}

void mnr__free(void *p)
{
	free(p);
}

char *mnr__strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = mnr__malloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

size_t mnr__size_mul(size_t a, size_t b)
{
	if (a && b > SIZE_MAX / a)
		return SIZE_MAX;
	return a * b;
}

int mnr__grow(void **items, size_t *alloc, size_t need, size_t elt)
{
	size_t n;
	void *p;

	if (need <= *alloc)
		return 0;
	n = *alloc ? *alloc : 8;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return -1;
		n *= 2;
	}
	if (mnr__size_mul(n, elt) == SIZE_MAX)
		return -1;
	p = mnr__realloc(*items, n * elt);
	if (!p)
		return -1;
	*items = p;
	*alloc = n;
	return 0;
}
