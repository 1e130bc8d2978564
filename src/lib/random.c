/*
 * The random source of the privacy core (library layer).  Releases read the
 * operating system's getrandom(2) and fail closed: any error makes the
 * source return MNR_ERANDOM from then on, so no noise (and hence no value)
 * is produced from a partial or failed read.  A seeded SHA-256 counter
 * stream exists for tests and --insecure-seed; it is never secure.
 */
#include "mnrstat/dp.h"
#include "mnrstat/sha256.h"
#include "dp_internal.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "banned.h"

static void rng_reset(struct mnr_rng *rng, int kind)
{
	memset(rng, 0, sizeof(*rng));
	rng->kind = kind;
	rng->pid = (long)getpid();
}

void mnr_rng_init_secure(struct mnr_rng *rng)
{
	rng_reset(rng, MNR_RNG_SECURE);
}

void mnr_rng_init_insecure(struct mnr_rng *rng, uint64_t seed)
{
	rng_reset(rng, MNR_RNG_INSECURE_SEEDED);
	rng->seed = seed;
}

int mnr_rng_is_secure(const struct mnr_rng *rng)
{
	return rng && rng->kind == MNR_RNG_SECURE && !rng->failed;
}

void mnr_rng_wipe(struct mnr_rng *rng)
{
	/* volatile stores so the erase is not optimised away */
	volatile unsigned char *p = (volatile unsigned char *)rng;
	size_t i;

	for (i = 0; i < sizeof(*rng); i++)
		p[i] = 0;
	rng->failed = 1;
}

#ifdef MNR_TEST_HOOKS
void mnr_rng_test_fail_after(struct mnr_rng *rng, uint64_t nbytes)
{
	/* fail_at counts from 1 so that 0 can mean "off" */
	rng->fail_at = rng->delivered + nbytes + 1;
}
#endif

static int rng_fail(struct mnr_rng *rng, int sys_errno, struct mnr_error *err)
{
	volatile unsigned char *p = rng->buf;
	size_t i;

	for (i = 0; i < sizeof(rng->buf); i++)
		p[i] = 0;
	rng->pos = rng->len = 0;
	rng->bits = 0;
	rng->nbits = 0;
	rng->failed = 1;
	mnr_error_set(err, MNR_ERANDOM,
		      "the secure random source failed; nothing was released");
	mnr_error_rule(err, "random-source");
	if (err && sys_errno)
		err->sys_errno = sys_errno;
	return MNR_ERANDOM;
}

/* Refill buf completely, or fail. */
static int rng_refill(struct mnr_rng *rng, struct mnr_error *err)
{
	size_t got = 0;

	if (rng->kind == MNR_RNG_SECURE) {
		while (got < sizeof(rng->buf)) {
			ssize_t r = getrandom(rng->buf + got,
					      sizeof(rng->buf) - got, 0);

			if (r < 0) {
				if (errno == EINTR)
					continue;
				return rng_fail(rng, errno, err);
			}
			if (r == 0)
				return rng_fail(rng, EIO, err);
			got += (size_t)r;
		}
	} else if (rng->kind == MNR_RNG_INSECURE_SEEDED) {
		static const char domain[] = "mnrstat insecure seed";
		unsigned char in[sizeof(domain) + 16];
		int i;

		memcpy(in, domain, sizeof(domain));
		for (i = 0; i < 8; i++)
			in[sizeof(domain) + i] =
				(unsigned char)(rng->seed >> (8 * i));
		for (got = 0; got < sizeof(rng->buf); got += MNR_SHA256_LEN) {
			for (i = 0; i < 8; i++)
				in[sizeof(domain) + 8 + i] =
					(unsigned char)(rng->counter >> (8 * i));
			rng->counter++;
			mnr_sha256(in, sizeof(in), rng->buf + got);
		}
	} else {
		return rng_fail(rng, 0, err);
	}
	rng->pos = 0;
	rng->len = sizeof(rng->buf);
	return MNR_OK;
}

void mnr__rng_forkcheck(struct mnr_rng *rng)
{
	/*
	 * A forked child must not reuse its parent's buffered bytes.  getpid
	 * is a system call, so it is checked once per public call, not per
	 * byte.
	 */
	if (rng->pid != (long)getpid()) {
		rng->pos = rng->len = 0;
		rng->nbits = 0;
		rng->pid = (long)getpid();
	}
}

int mnr__rng_take(struct mnr_rng *rng, void *buf, size_t n,
		  struct mnr_error *err)
{
	unsigned char *out = buf;
	size_t done = 0;

	if (rng->failed)
		goto fail;
	if (rng->fail_at && rng->delivered + n >= rng->fail_at)
		goto fail;
	while (done < n) {
		size_t take;

		if (rng->pos == rng->len && rng_refill(rng, err) != MNR_OK)
			goto fail;
		take = rng->len - rng->pos;
		if (take > n - done)
			take = n - done;
		memcpy(out + done, rng->buf + rng->pos, take);
		memset(rng->buf + rng->pos, 0, take);
		rng->pos += take;
		done += take;
	}
	rng->delivered += n;
	return MNR_OK;
fail:
	memset(buf, 0, n);
	return rng_fail(rng, 0, err);
}

int mnr_rng_bytes(struct mnr_rng *rng, void *buf, size_t n,
		  struct mnr_error *err)
{
	mnr__rng_forkcheck(rng);
	return mnr__rng_take(rng, buf, n, err);
}

int mnr_rng_uniform(struct mnr_rng *rng, uint64_t n, uint64_t *out,
		    struct mnr_error *err)
{
	mnr__rng_forkcheck(rng);
	return mnr__rng_uniform(rng, n, out, err);
}

int mnr__rng_uniform(struct mnr_rng *rng, uint64_t n, uint64_t *out,
		     struct mnr_error *err)
{
	unsigned char b[8];
	uint64_t mask, x;
	size_t nbytes, i;
	int st;

	if (n == 0)
		return mnr_error_set(err, MNR_EINVAL,
				     "uniform draw from an empty range");
	if (n == 1) {
		*out = 0;
		return MNR_OK;
	}
	/*
	 * Rejection on the smallest power of two covering n: draw only the
	 * bytes needed, mask to the bit length of n - 1, retry when >= n.
	 * Every accepted value has probability exactly 1/n; expected tries < 2.
	 */
	mask = n - 1;
	mask |= mask >> 1;
	mask |= mask >> 2;
	mask |= mask >> 4;
	mask |= mask >> 8;
	mask |= mask >> 16;
	mask |= mask >> 32;
	for (nbytes = 1; nbytes < 8 && (mask >> (8 * nbytes)) != 0; nbytes++)
		;
	for (;;) {
		st = mnr__rng_take(rng, b, nbytes, err);
		if (st != MNR_OK)
			return st;
		x = 0;
		for (i = 0; i < nbytes; i++)
			x |= (uint64_t)b[i] << (8 * i);
		x &= mask;
		if (x < n) {
			*out = x;
			return MNR_OK;
		}
	}
}
