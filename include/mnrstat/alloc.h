/*
 * Allocation failure injection for tests.  Only active in builds with
 * MNR_TEST_HOOKS; otherwise the calls do nothing.  Not thread-safe: tests
 * only.
 */
#ifndef MNRSTAT_ALLOC_H
#define MNRSTAT_ALLOC_H

/* Make the nth library allocation from now fail (1 = the next one); 0 disables. */
void mnr_alloc_fail_after(unsigned long nth);

/* Number of library allocations since the counter was last reset. */
unsigned long mnr_alloc_count(void);

#endif
