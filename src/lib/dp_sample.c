/*
 * Exact samplers of Canonne, Kamath & Steinke 2020, "The Discrete Gaussian
 * for Differential Privacy", §5 (library layer).  Only integer arithmetic:
 * rationals are numerator/denominator pairs, intermediates are checked
 * unsigned __int128, and every random choice is a uniform integer drawn by
 * rejection (mnr_rng_uniform) or a fair bit.  No floating point is used on
 * any path from a data value to a released value.
 */
#include "mnrstat/dp.h"
#include "dp_internal.h"

#include <string.h>

#include "banned.h"

/* One fair bit, from a 64-bit reservoir (saves 7/8 of the bytes). */
static int rng_bit(struct mnr_rng *rng, int *out, struct mnr_error *err)
{
	if (rng->nbits == 0) {
		unsigned char b[8];
		int i, st = mnr__rng_take(rng, b, sizeof(b), err);

		if (st != MNR_OK)
			return st;
		rng->bits = 0;
		for (i = 0; i < 8; i++)
			rng->bits |= (uint64_t)b[i] << (8 * i);
		memset(b, 0, sizeof(b));
		rng->nbits = 64;
	}
	*out = (int)(rng->bits & 1);
	rng->bits >>= 1;
	rng->nbits--;
	return MNR_OK;
}

/* Uniform in [0, n) for a 128-bit n >= 1, by masked rejection. */
static int uniform128(struct mnr_rng *rng, u128 n, u128 *out,
		      struct mnr_error *err)
{
	unsigned char b[16];
	u128 mask, x;
	int i, st;

	if (n <= UINT64_MAX) {
		uint64_t y;

		st = mnr__rng_uniform(rng, (uint64_t)n, &y, err);
		if (st == MNR_OK)
			*out = y;
		return st;
	}
	mask = n - 1;
	for (i = 1; i < 128; i <<= 1)
		mask |= mask >> i;
	for (;;) {
		st = mnr__rng_take(rng, b, sizeof(b), err);
		if (st != MNR_OK)
			return st;
		x = 0;
		for (i = 0; i < 16; i++)
			x |= (u128)b[i] << (8 * i);
		x &= mask;
		if (x < n) {
			*out = x;
			return MNR_OK;
		}
	}
}

/* Bernoulli(num/den), 0 <= num <= den, den >= 1. */
static int bern_frac(struct mnr_rng *rng, u128 num, u128 den, int *out,
		     struct mnr_error *err)
{
	u128 u;
	int st;

	if (num == 0 || num >= den) {
		*out = num != 0;
		return MNR_OK;
	}
	st = uniform128(rng, den, &u, err);
	if (st == MNR_OK)
		*out = u < num;
	return st;
}

/*
 * Bernoulli(exp(-g)), g = num/den in [0, 1]: von Neumann's method (CKS
 * Algorithm 1, first branch).  Draw A_k ~ Bernoulli(g/k) for k = 1, 2, ...
 * until the first A_k = 0; the answer is 1 when that k is odd, since
 * P[K > k] = g^k / k! and the alternating sum gives exp(-g).
 * Bernoulli(g/k) = Bernoulli(num/(den k)) is drawn directly when den k fits,
 * else as Bernoulli(num/den) AND Bernoulli(1/k), independent, whose product
 * has the same law; so no k can overflow.
 */
static int bern_exp_le1(struct mnr_rng *rng, u128 num, u128 den, int *out,
			struct mnr_error *err)
{
	uint64_t k;
	int a, st;

	for (k = 1;; k++) {
		u128 dk;

		if (!__builtin_mul_overflow(den, (u128)k, &dk)) {
			st = bern_frac(rng, num, dk, &a, err);
		} else {
			st = bern_frac(rng, num, den, &a, err);
			if (st == MNR_OK && a)
				st = bern_frac(rng, 1, k, &a, err);
		}
		if (st != MNR_OK)
			return st;
		if (!a)
			break;
	}
	*out = (int)(k & 1);
	return MNR_OK;
}

/*
 * Bernoulli(exp(-(q + num/den))), num < den: exp(-q - f) is the product of
 * q independent Bernoulli(exp(-1)) and one Bernoulli(exp(-f)) (CKS
 * Algorithm 1, second branch); stop at the first failure.
 */
static int bern_exp(struct mnr_rng *rng, u128 q, u128 num, u128 den,
		    int *out, struct mnr_error *err)
{
	int b, st;

	for (; q > 0; q--) {
		st = bern_exp_le1(rng, 1, 1, &b, err);
		if (st != MNR_OK)
			return st;
		if (!b) {
			*out = 0;
			return MNR_OK;
		}
	}
	return bern_exp_le1(rng, num, den, out, err);
}

static int check_param(struct mnr_rational q, int allow_zero,
		       struct mnr_error *err)
{
	if (q.den == 0 || (!allow_zero && q.num == 0)) {
		mnr_error_set(err, MNR_EINVAL,
			      "noise parameter must be a positive rational");
		mnr_error_rule(err, "dp-param");
		return MNR_EINVAL;
	}
	if (q.num > MNR_DP_PARAM_MAX || q.den > MNR_DP_PARAM_MAX) {
		mnr_error_set(err, MNR_EINVAL,
			      "noise parameter has a numerator or denominator "
			      "above 2^32; exact arithmetic could overflow");
		mnr_error_rule(err, "overflow");
		return MNR_EINVAL;
	}
	return MNR_OK;
}

static int too_far(struct mnr_error *err)
{
	mnr_error_set(err, MNR_ENUMERIC,
		      "noise draw beyond exact 128-bit range; nothing released");
	mnr_error_rule(err, "overflow");
	return MNR_ENUMERIC;
}

int mnr_dp_bernoulli_exp(struct mnr_rng *rng, struct mnr_rational gamma,
			 int *out, struct mnr_error *err)
{
	int st = check_param(gamma, 1, err);

	if (st != MNR_OK)
		return st;
	mnr__rng_forkcheck(rng);
	return bern_exp(rng, gamma.num / gamma.den, gamma.num % gamma.den,
			gamma.den, out, err);
}

/*
 * CKS Algorithm 2 with scale t/s (t = numerator, s = denominator):
 * U uniform on {0..t-1} accepted with probability exp(-U/t), V geometric
 * with P[V = v] = (1 - 1/e) e^-v, X = U + t V is then geometric with ratio
 * exp(-1/t); Y = floor(X / s) is geometric with ratio exp(-s/t); a fair sign
 * with the (sign = -, Y = 0) case rejected gives the discrete Laplace.
 */
static int dlaplace(struct mnr_rng *rng, uint64_t t, uint64_t s, int64_t *out,
		    struct mnr_error *err)
{
	for (;;) {
		uint64_t u;
		u128 v = 0, x, y;
		int d, a, neg, st;

		st = mnr__rng_uniform(rng, t, &u, err);
		if (st == MNR_OK)
			st = bern_exp_le1(rng, u, t, &d, err);
		if (st != MNR_OK)
			return st;
		if (!d)
			continue;
		for (;;) {
			st = bern_exp_le1(rng, 1, 1, &a, err);
			if (st != MNR_OK)
				return st;
			if (!a)
				break;
			v++;
		}
		if (v > UINT64_MAX)
			return too_far(err);
		x = u + (u128)t * v;
		y = x / s;
		st = rng_bit(rng, &neg, err);
		if (st != MNR_OK)
			return st;
		if (neg && y == 0)
			continue;
		if (y > INT64_MAX)
			return too_far(err);
		*out = neg ? -(int64_t)y : (int64_t)y;
		return MNR_OK;
	}
}

int mnr_dp_sample_dlaplace(struct mnr_rng *rng, struct mnr_rational scale,
			   int64_t *out, struct mnr_error *err)
{
	int st = check_param(scale, 0, err);

	if (st != MNR_OK)
		return st;
	mnr__rng_forkcheck(rng);
	return dlaplace(rng, scale.num, scale.den, out, err);
}

/* floor(sqrt(n)) in integers (bitwise method). */
static uint64_t isqrt64(uint64_t n)
{
	uint64_t r = 0, bit = UINT64_C(1) << 62;

	while (bit > n)
		bit >>= 2;
	while (bit) {
		if (n >= r + bit) {
			n -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

/*
 * CKS Algorithm 3 with sigma^2 = a/b: t = floor(sigma) + 1, Y from the
 * discrete Laplace with scale t, accepted with probability exp(-g),
 *   g = (|Y| - sigma^2/t)^2 / (2 sigma^2) = (|Y| t b - a)^2 / (2 t^2 a b).
 * floor(sigma) = floor(sqrt(floor(a/b))).  With a, b <= 2^32 the
 * denominator is below 2^68, and the numerator fits 128 bits unless
 * |Y| / t > 2^30 (probability below exp(-2^30)), reported as MNR_ENUMERIC.
 */
int mnr_dp_sample_dgauss(struct mnr_rng *rng, struct mnr_rational sigma2,
			 int64_t *out, struct mnr_error *err)
{
	uint64_t a = sigma2.num, b = sigma2.den, t;
	u128 den;
	int st = check_param(sigma2, 0, err);

	if (st != MNR_OK)
		return st;
	mnr__rng_forkcheck(rng);
	t = isqrt64(a / b) + 1;
	den = (u128)2 * t * t * a * b;
	for (;;) {
		int64_t y;
		u128 ay, diff, num;
		int c;

		st = dlaplace(rng, t, 1, &y, err);
		if (st != MNR_OK)
			return st;
		/* |Y| < 2^63, t <= 2^16 + 1, b <= 2^32: the product is < 2^112 */
		ay = (u128)(y < 0 ? -(uint64_t)y : (uint64_t)y) * t * b;
		diff = ay >= a ? ay - a : a - ay;
		if (diff >> 64)
			return too_far(err);
		num = diff * diff;
		st = bern_exp(rng, num / den, num % den, den, &c, err);
		if (st != MNR_OK)
			return st;
		if (c) {
			*out = y;
			return MNR_OK;
		}
	}
}
