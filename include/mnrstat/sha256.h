/*
 * SHA-256 (FIPS 180-4) for dataset fingerprints and the ledger's hash chain.
 * Ownership: contexts and digests are caller-owned buffers; nothing here
 * allocates.
 */
#ifndef MNRSTAT_SHA256_H
#define MNRSTAT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "mnrstat/error.h"

#define MNR_SHA256_LEN 32
#define MNR_SHA256_HEXLEN 64

struct mnr_sha256 {
	uint32_t h[8];        /* chaining state H(i) */
	uint64_t nbytes;      /* message length so far, bytes */
	unsigned char block[64]; /* pending partial block */
	size_t fill;          /* bytes pending in block */
};

/* Start a new hash (FIPS 180-4 §5.3.3 initial value). */
void mnr_sha256_init(struct mnr_sha256 *c);

/* Absorb n bytes of data (data may be NULL when n == 0). */
void mnr_sha256_update(struct mnr_sha256 *c, const void *data, size_t n);

/* Pad, finish and write the 32-byte digest; c must be re-initialised after. */
void mnr_sha256_final(struct mnr_sha256 *c, unsigned char out[MNR_SHA256_LEN]);

/* One-shot digest of a buffer. */
void mnr_sha256(const void *data, size_t n, unsigned char out[MNR_SHA256_LEN]);

/* Lower-case hex of a digest into hex (65 bytes: 64 digits and a NUL). */
void mnr_sha256_hex(const unsigned char d[MNR_SHA256_LEN],
		    char hex[MNR_SHA256_HEXLEN + 1]);

/*
 * Digest of a file's bytes (the dataset fingerprint of issue 4).
 * Returns MNR_OK, MNR_ENOINPUT (cannot open; sys_errno set) or MNR_EIO
 * (read failed).  out is unspecified on error.
 */
int mnr_sha256_file(const char *path, unsigned char out[MNR_SHA256_LEN],
		    struct mnr_error *err);

#endif
