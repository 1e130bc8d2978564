/*
 * Private helpers shared by the privacy-core sources (not installed).
 */
#ifndef MNR_DP_INTERNAL_H
#define MNR_DP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* __extension__ keeps -Wpedantic quiet about the GNU 128-bit type. */
__extension__ typedef unsigned __int128 u128;

#include "mnrstat/dp.h"

u128 mnr__gcd128(u128 a, u128 b);

/*
 * Random source internals: mnr__rng_forkcheck is called once at each
 * public entry (getpid is a system call); the two others then skip it.
 */
void mnr__rng_forkcheck(struct mnr_rng *rng);
int mnr__rng_take(struct mnr_rng *rng, void *buf, size_t n,
		  struct mnr_error *err);
int mnr__rng_uniform(struct mnr_rng *rng, uint64_t n, uint64_t *out,
		     struct mnr_error *err);

#endif
