/*
 * Differential-privacy noise core: exact rationals, the secure random
 * source, exact integer samplers (discrete Laplace, discrete Gaussian) and
 * their calibration and accounting.
 * Ownership: every struct here is a caller-owned value (no heap behind it);
 * nothing is allocated, so nothing needs freeing except that
 * mnr_rng_wipe() should be called when a random source is retired.
 *
 * The path from data to released value uses integer and rational arithmetic
 * only (Canonne, Kamath & Steinke 2020, "The Discrete Gaussian for
 * Differential Privacy", §5; Mironov 2012 shows how floating-point noise
 * leaks).  Floating point appears only in accounting (variance, intervals,
 * the (epsilon, delta) curve), which never touches a data value.
 */
#ifndef MNRSTAT_DP_H
#define MNRSTAT_DP_H

#include <stddef.h>
#include <stdint.h>

#include "mnrstat/csv.h"
#include "mnrstat/error.h"

/* ---- Exact non-negative rationals ------------------------------------- */

/* num/den with den >= 1, kept reduced by the functions below. */
struct mnr_rational {
	uint64_t num;
	uint64_t den;
};

/*
 * Parse a non-negative exact rational: an integer ("3"), a decimal ("0.25",
 * ".5"; at most 18 significant digits) or a fraction ("1/3").  No sign,
 * exponent, spaces, NaN or infinity.  The result is reduced.
 * Returns MNR_OK or MNR_EINVAL (rule "rational"); *out untouched on error.
 */
int mnr_rational_parse(const char *text, struct mnr_rational *out,
		       struct mnr_error *err);

/*
 * Write q as "num" (den 1) or "num/den" into buf (size bytes, NUL
 * terminated).  Returns MNR_OK or MNR_EINVAL when buf is too small.
 */
int mnr_rational_format(struct mnr_rational q, char *buf, size_t size);

/* Nearest double of q (reporting and accounting only, never on the data path). */
double mnr_rational_to_double(struct mnr_rational q);

/* Exact comparison: -1, 0 or 1 as a < b, a == b, a > b. */
int mnr_rational_cmp(struct mnr_rational a, struct mnr_rational b);

/*
 * Exact a + b and a * b, reduced.  Return MNR_OK, or MNR_EINVAL (rule
 * "overflow") when the reduced result does not fit 64-bit numerator and
 * denominator; *out untouched on error.
 */
int mnr_rational_add(struct mnr_rational a, struct mnr_rational b,
		     struct mnr_rational *out, struct mnr_error *err);
int mnr_rational_mul(struct mnr_rational a, struct mnr_rational b,
		     struct mnr_rational *out, struct mnr_error *err);

/*
 * Exact a - b, reduced, for a >= b.  MNR_OK, or MNR_EINVAL when a < b or
 * on overflow; *out untouched on error.
 */
int mnr_rational_sub(struct mnr_rational a, struct mnr_rational b,
		     struct mnr_rational *out, struct mnr_error *err);

/* ---- Random source ----------------------------------------------------- */

enum mnr_rng_kind {
	MNR_RNG_SECURE = 1,      /* getrandom(2): the only source for releases */
	MNR_RNG_INSECURE_SEEDED, /* SHA-256 counter stream: tests / --insecure-seed */
};

/*
 * A random source.  Treat the members as private; they are public only so
 * the struct can live on the stack.  Not thread-safe.  After fork() the
 * child discards any buffered bytes (the pid is checked), so parent and
 * child never share noise.
 */
struct mnr_rng {
	int kind;                  /* enum mnr_rng_kind */
	int failed;                /* sticky: once the source failed, all calls fail */
	long pid;                  /* process that filled buf */
	size_t pos, len;           /* unread bytes are buf[pos..len) */
	unsigned char buf[1024];
	uint64_t bits;             /* reservoir for single random bits */
	unsigned nbits;
	uint64_t seed, counter;    /* insecure seeded stream state */
	uint64_t delivered;        /* bytes handed out so far */
	uint64_t fail_at;          /* test hook: fail once delivered would pass this; 0 = off */
};

/* Initialise a source reading the operating system's getrandom(2). */
void mnr_rng_init_secure(struct mnr_rng *rng);

/*
 * Initialise a deterministic, NOT PRIVATE source: the byte stream is
 * SHA-256("mnrstat insecure seed" || seed || counter), little-endian 64-bit
 * seed and counter.  For tests and --insecure-seed only; anything released
 * from it must be stamped NOT PRIVATE (check mnr_rng_is_secure).
 */
void mnr_rng_init_insecure(struct mnr_rng *rng, uint64_t seed);

/* 1 when rng reads the operating system's secure source, else 0. */
int mnr_rng_is_secure(const struct mnr_rng *rng);

/*
 * Fill buf with n random bytes.  Fails closed: on any error (getrandom
 * failure, injected failure) returns MNR_ERANDOM, zeroes buf, and the
 * source stays failed for every later call.
 */
int mnr_rng_bytes(struct mnr_rng *rng, void *buf, size_t n,
		  struct mnr_error *err);

/*
 * Uniform integer in [0, n), n >= 1, by rejection sampling on the smallest
 * covering power of two (no modulo bias).  MNR_OK, MNR_EINVAL (n == 0) or
 * MNR_ERANDOM; *out untouched on error.
 */
int mnr_rng_uniform(struct mnr_rng *rng, uint64_t n, uint64_t *out,
		    struct mnr_error *err);

/* Erase buffered randomness and mark the source unusable. */
void mnr_rng_wipe(struct mnr_rng *rng);

#ifdef MNR_TEST_HOOKS
/*
 * Test hook: make the source fail (as if getrandom errored) as soon as more
 * than nbytes further bytes are requested; 0 makes the next request fail.
 * Only in MNR_TEST_HOOKS builds.
 */
void mnr_rng_test_fail_after(struct mnr_rng *rng, uint64_t nbytes);
#endif

/* ---- Exact samplers (CKS 2020 §5) -------------------------------------- */

/*
 * Largest numerator and denominator accepted for a noise parameter.  With
 * this bound every intermediate of the samplers fits checked 64/128-bit
 * arithmetic except with probability below exp(-2^30), in which case the
 * draw fails with MNR_ENUMERIC (nothing is released; the output law of
 * successful draws is not truncated).
 */
#define MNR_DP_PARAM_MAX (UINT64_C(1) << 32)

/*
 * One draw of Bernoulli(exp(-gamma)), gamma >= 0 rational (CKS Algorithm 1:
 * von Neumann's alternating series for gamma <= 1, products of
 * Bernoulli(exp(-1)) for the integer part).  *out is 0 or 1.
 * MNR_OK, MNR_EINVAL (gamma->den == 0 or over MNR_DP_PARAM_MAX) or
 * MNR_ERANDOM; *out untouched on error.
 */
int mnr_dp_bernoulli_exp(struct mnr_rng *rng, struct mnr_rational gamma,
			 int *out, struct mnr_error *err);

/*
 * One draw from the discrete Laplace law with scale t = scale > 0:
 * P[Z = z] = (1 - p)/(1 + p) p^|z|, p = exp(-1/t) (CKS Algorithm 2).
 * MNR_OK, MNR_EINVAL (scale 0 or parts over MNR_DP_PARAM_MAX), MNR_ERANDOM,
 * MNR_ENUMERIC (see MNR_DP_PARAM_MAX); *out untouched on error.
 */
int mnr_dp_sample_dlaplace(struct mnr_rng *rng, struct mnr_rational scale,
			   int64_t *out, struct mnr_error *err);

/*
 * One draw from the discrete Gaussian with parameter sigma2 = sigma^2 > 0:
 * P[Z = z] proportional to exp(-z^2 / (2 sigma^2)) (CKS Algorithm 3:
 * rejection from the discrete Laplace with scale floor(sigma) + 1).
 * Errors as mnr_dp_sample_dlaplace.
 */
int mnr_dp_sample_dgauss(struct mnr_rng *rng, struct mnr_rational sigma2,
			 int64_t *out, struct mnr_error *err);

/* ---- Noise laws, release, calibration, accounting ---------------------- */

enum mnr_dp_mechanism {
	MNR_DP_DLAPLACE = 1, /* pure epsilon-DP */
	MNR_DP_DGAUSS = 2,   /* rho-zCDP */
};

struct mnr_dp_noise {
	int kind;                  /* enum mnr_dp_mechanism */
	struct mnr_rational scale; /* DLAPLACE: t; DGAUSS: sigma^2 */
};

/*
 * Validate a noise law: known kind, positive scale, parts within
 * MNR_DP_PARAM_MAX.  MNR_OK or MNR_EINVAL (rule "overflow" or "dp-param").
 */
int mnr_dp_noise_check(const struct mnr_dp_noise *noise, struct mnr_error *err);

/* One noise draw from the law (dispatches to the samplers above). */
int mnr_dp_sample(struct mnr_rng *rng, const struct mnr_dp_noise *noise,
		  int64_t *z, struct mnr_error *err);

/*
 * *released = value + Z, Z one draw from noise, in checked integer
 * arithmetic.  On any error (MNR_EINVAL, MNR_ERANDOM, MNR_ENUMERIC on
 * overflow of the sum) *released is left untouched: nothing is released.
 */
int mnr_dp_release_value(struct mnr_rng *rng, const struct mnr_dp_noise *noise,
			 int64_t value, int64_t *released,
			 struct mnr_error *err);

/*
 * Discrete Laplace for pure epsilon-DP with l1 sensitivity l1 >= 1:
 * t = l1 / epsilon exactly.  MNR_OK or MNR_EINVAL (epsilon 0, overflow).
 */
int mnr_dp_calibrate_laplace(struct mnr_rational epsilon, uint64_t l1,
			     struct mnr_dp_noise *out, struct mnr_error *err);

/*
 * Discrete Gaussian for rho-zCDP with squared l2 sensitivity l2sq >= 1:
 * sigma^2 = l2sq / (2 rho) exactly (CKS Theorem 14 / Bun-Steinke 2016).
 */
int mnr_dp_calibrate_gauss_rho(struct mnr_rational rho, uint64_t l2sq,
			       struct mnr_dp_noise *out, struct mnr_error *err);

/*
 * Discrete Gaussian meeting (epsilon, delta)-DP: the smallest sigma^2 on the
 * grid k/64 (k integer) whose delta (mnr_dp_gauss_delta) is <= delta.
 * linf is the per-cell sensitivity and cells the number of cells one unit
 * can touch (l2sq = cells * linf^2).  0 < epsilon <= 50, 0 < delta < 1.
 * MNR_OK, MNR_EINVAL (bad argument, or sigma^2 beyond the parameter limit).
 */
int mnr_dp_calibrate_gauss_eps_delta(double epsilon, double delta,
				     uint64_t linf, uint64_t cells,
				     struct mnr_dp_noise *out,
				     struct mnr_error *err);

/* Exact epsilon of a discrete Laplace law at l1 sensitivity: l1 / t. */
int mnr_dp_laplace_epsilon(const struct mnr_dp_noise *noise, uint64_t l1,
			   struct mnr_rational *epsilon, struct mnr_error *err);

/* Exact rho of a discrete Gaussian law: rho = l2sq / (2 sigma^2). */
int mnr_dp_gauss_rho(const struct mnr_dp_noise *noise, uint64_t l2sq,
		     struct mnr_rational *rho, struct mnr_error *err);

/*
 * delta(epsilon) of a discrete Gaussian release.  cells == 1: the exact
 * curve of CKS Theorem 7 with sensitivity linf,
 *   delta = P[Y > eps s2/linf - linf/2] - e^eps P[Y > eps s2/linf + linf/2],
 * Y ~ N_Z(0, s2), by summing the discrete Gaussian tails.  cells > 1: the
 * zCDP conversion of CKS Corollary 13 with rho = cells linf^2 / (2 s2),
 *   delta = inf_{a>1} exp((a-1)(a rho - eps)) / (a-1) * (1 - 1/a)^a.
 * MNR_OK or MNR_EINVAL.
 */
int mnr_dp_gauss_delta(const struct mnr_dp_noise *noise, uint64_t linf,
		       uint64_t cells, double epsilon, double *delta,
		       struct mnr_error *err);

/* delta(epsilon) implied by rho-zCDP (CKS Corollary 13), rho > 0. */
double mnr_dp_zcdp_delta(double rho, double epsilon);

/*
 * Probabilities of the noise law for z = lo..hi into p[0..hi-lo] (exact
 * formula for the discrete Laplace, normalised summation for the discrete
 * Gaussian).  For tests and reports; MNR_OK or MNR_EINVAL.
 */
int mnr_dp_pmf(const struct mnr_dp_noise *noise, int64_t lo, int64_t hi,
	       double *p, struct mnr_error *err);

/*
 * Variance of the noise law: 2p/(1-p)^2 for the discrete Laplace
 * (p = exp(-1/t)); for the discrete Gaussian the exact series
 * sum z^2 w(z) / sum w(z), w(z) = exp(-z^2/(2 s2)), summed until the terms
 * vanish in double precision (it is <= sigma^2, CKS Proposition 19).
 */
int mnr_dp_variance(const struct mnr_dp_noise *noise, double *var,
		    struct mnr_error *err);

/*
 * Exact interval for the true value: the smallest integer c such that
 * P[|Z| <= c] >= level, so [released - c, released + c] covers the truth
 * with probability *coverage >= level, whatever the truth.  Discrete
 * Laplace: P[|Z| > c] = 2 p^(c+1) / (1 + p) in closed form; discrete
 * Gaussian: the tail sum.  0 < level < 1.  MNR_OK or MNR_EINVAL.
 */
int mnr_dp_interval(const struct mnr_dp_noise *noise, double level,
		    uint64_t *halfwidth, double *coverage,
		    struct mnr_error *err);

/* ---- Contribution bounding (issue 4, item 3) --------------------------- */

struct mnr_dp_bound_stats {
	uint64_t rows;     /* rows offered */
	uint64_t kept;     /* rows counted after bounding */
	uint64_t dropped;  /* rows dropped by the bounds */
	uint64_t units;    /* distinct privacy units */
};

/*
 * Bound each privacy unit's contribution and count what is kept: row i
 * belongs to unit keys[i] and cell cells[i] (< ncells).  For each unit, its
 * distinct cells are taken in increasing cell index and only the first
 * max_cells are kept; in each kept cell at most max_per_cell of its rows
 * count.  The excess is dropped; the rule depends only on the unit's own
 * rows, so adding or removing one unit changes the counts by at most
 * max_per_cell in at most max_cells cells (l1 = max_cells max_per_cell).
 * counts (ncells, caller-zeroed) receives the kept rows; st may be NULL.
 * MNR_OK, MNR_EINVAL (a cell out of range, zero bound), MNR_ENOMEM.
 */
int mnr_dp_bound_contributions(const uint64_t *keys, const uint32_t *cells,
			       size_t n, uint64_t max_cells,
			       uint64_t max_per_cell, size_t ncells,
			       uint64_t *counts, struct mnr_dp_bound_stats *st,
			       struct mnr_error *err);

/* Reports per country and report month of a case file, bounded per unit. */
struct mnr_dp_case_counts {
	size_t ncountries;
	char (*country)[4];      /* ISO alpha-3, sorted */
	int from, to;            /* month indices of the period */
	uint64_t *count;         /* [country * (to - from + 1) + (month - from)] */
	int has_person;          /* the file has a person_id column */
	uint64_t rows_without_person; /* rows with an empty person_id (own unit) */
	uint64_t rows_outside;   /* rows whose report month is outside from..to */
	struct mnr_dp_bound_stats stats;
};

/*
 * Read case records (the schema of mnrstat/cases.h; map may be NULL) and
 * count reports per (country, UTC month of reported_at) over from..to
 * (month indices; -1 = the data's own first / last month), every cell of
 * the grid present (zero when no report).  With a person_id column each
 * person is one privacy unit bounded by max_cells and max_per_cell (see
 * mnr_dp_bound_contributions; units are keyed by a 64-bit SHA-256 prefix
 * of the token, and a collision only merges two units, which drops more);
 * a row with an empty person_id is its own unit.  Without the column each
 * row is its own unit and the bounds are met trivially (1 cell, 1 row).
 * Caller owns *out on MNR_OK; release with mnr_dp_case_counts_release.
 * Errors: MNR_ENOINPUT, MNR_EPARSE, MNR_EDATA (located; never a value),
 * MNR_EINVAL (bounds 0, from > to), MNR_ENOMEM; *out empty on error.
 */
int mnr_dp_read_case_counts(const char *path, const struct mnr_colmap *map,
			    int from, int to, uint64_t max_cells,
			    uint64_t max_per_cell,
			    struct mnr_dp_case_counts *out,
			    struct mnr_error *err);
void mnr_dp_case_counts_release(struct mnr_dp_case_counts *c);

/* ---- Small-cell protection without noise (issue 4, item 6) ------------ */

enum mnr_suppress_mark {
	MNR_SUPP_NONE = 0,
	MNR_SUPP_PRIMARY = 1,   /* 0 < count < k */
	MNR_SUPP_SECONDARY = 2, /* hidden so a primary cannot be recovered */
};

/*
 * Cell suppression for an nrow x ncol table of counts x (row-major),
 * published together with its row and column totals: not differential
 * privacy, for internal tables only.  Primary: every 0 < x < k.
 * Secondary: each primary is put on a rectangle of hidden cells
 * (r,c), (r,c'), (r',c), (r',c') chosen to hide the least (already hidden
 * corners free, zero corners avoided), so that its value can move by +-1
 * without changing any published total or cell: it cannot be recovered
 * from a row or column total, nor from any combination of them.  A table
 * with one row or one column has no rectangle: the totals of lines with a
 * single hidden cell are hidden instead.  mark (nrow*ncol), row_total
 * (nrow) and col_total (ncol) receive enum mnr_suppress_mark values
 * (totals: 0 or MNR_SUPP_SECONDARY); counts go to *nprimary, *nsecondary
 * (may be NULL).  MNR_OK or MNR_EINVAL (k < 1, empty table).
 */
int mnr_dp_suppress(const uint64_t *x, size_t nrow, size_t ncol, uint64_t k,
		    unsigned char *mark, unsigned char *row_total,
		    unsigned char *col_total, size_t *nprimary,
		    size_t *nsecondary, struct mnr_error *err);

/* "discrete_laplace" / "discrete_gaussian" (static text), "unknown" otherwise. */
const char *mnr_dp_mechanism_name(int kind);

#endif
