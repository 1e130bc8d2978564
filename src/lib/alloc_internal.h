/*
 * The library's single allocator.  Every library allocation goes through
 * these so that test builds can make the Nth allocation fail and exercise
 * the MNR_ENOMEM paths.  Memory from mnr__malloc is freed with mnr__free.
 */
#ifndef MNR_ALLOC_INTERNAL_H
#define MNR_ALLOC_INTERNAL_H

#include <stddef.h>

void *mnr__malloc(size_t n);
void *mnr__calloc(size_t count, size_t size);
void *mnr__realloc(void *p, size_t n);
void mnr__free(void *p);
char *mnr__strdup(const char *s);

/*
 * Grow *items (element size elt) so it holds at least need elements,
 * geometrically.  Returns 0 on success, -1 on overflow or out of memory
 * (then *items and *alloc are unchanged).
 */
int mnr__grow(void **items, size_t *alloc, size_t need, size_t elt);

/* a * b, or SIZE_MAX on overflow (so the allocation then fails). */
size_t mnr__size_mul(size_t a, size_t b);

#endif
