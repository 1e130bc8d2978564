/*
 * Private helpers shared by the privacy-core sources (not installed).
 */
#ifndef MNR_DP_INTERNAL_H
#define MNR_DP_INTERNAL_H

#include <stdint.h>

/* __extension__ keeps -Wpedantic quiet about the GNU 128-bit type. */
__extension__ typedef unsigned __int128 u128;

u128 mnr__gcd128(u128 a, u128 b);

#endif
