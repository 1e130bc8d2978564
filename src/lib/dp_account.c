/*
 * Calibration and accounting of the discrete mechanisms (library layer).
 * Parameters are exact rationals; the privacy curve, variances and
 * intervals are computed in (long) double because they describe the noise
 * law and never touch a data value.  Sources: Canonne, Kamath & Steinke
 * 2020 (CKS) Theorem 7 (exact (eps, delta) of the discrete Gaussian),
 * Corollary 13 (zCDP to (eps, delta)), Proposition 19 (variance <= sigma^2);
 * Bun & Steinke 2016 (rho = Delta^2 / (2 sigma^2); eps-DP implies
 * eps^2/2-zCDP).
 */
#include "mnrstat/dp.h"
#include "dp_internal.h"

#include <math.h>
#include <string.h>

#include "banned.h"

const char *mnr_dp_mechanism_name(int kind)
{
	switch (kind) {
	case MNR_DP_DLAPLACE:
		return "discrete_laplace";
	case MNR_DP_DGAUSS:
		return "discrete_gaussian";
	default:
		return "unknown";
	}
}

int mnr_dp_noise_check(const struct mnr_dp_noise *noise, struct mnr_error *err)
{
	if (!noise || (noise->kind != MNR_DP_DLAPLACE &&
		       noise->kind != MNR_DP_DGAUSS)) {
		mnr_error_set(err, MNR_EINVAL, "unknown noise mechanism");
		mnr_error_rule(err, "dp-param");
		return MNR_EINVAL;
	}
	if (noise->scale.den == 0 || noise->scale.num == 0) {
		mnr_error_set(err, MNR_EINVAL,
			      "noise scale must be a positive rational");
		mnr_error_rule(err, "dp-param");
		return MNR_EINVAL;
	}
	if (noise->scale.num > MNR_DP_PARAM_MAX ||
	    noise->scale.den > MNR_DP_PARAM_MAX) {
		mnr_error_set(err, MNR_EINVAL,
			      "noise scale has a numerator or denominator above "
			      "2^32; exact arithmetic could overflow");
		mnr_error_rule(err, "overflow");
		return MNR_EINVAL;
	}
	return MNR_OK;
}

int mnr_dp_sample(struct mnr_rng *rng, const struct mnr_dp_noise *noise,
		  int64_t *z, struct mnr_error *err)
{
	int st = mnr_dp_noise_check(noise, err);

	if (st != MNR_OK)
		return st;
	if (noise->kind == MNR_DP_DLAPLACE)
		return mnr_dp_sample_dlaplace(rng, noise->scale, z, err);
	return mnr_dp_sample_dgauss(rng, noise->scale, z, err);
}

int mnr_dp_release_value(struct mnr_rng *rng, const struct mnr_dp_noise *noise,
			 int64_t value, int64_t *released,
			 struct mnr_error *err)
{
	int64_t z, r;
	int st = mnr_dp_sample(rng, noise, &z, err);

	if (st != MNR_OK)
		return st;
	if (__builtin_add_overflow(value, z, &r)) {
		mnr_error_set(err, MNR_ENUMERIC,
			      "value plus noise overflows 64 bits; nothing released");
		mnr_error_rule(err, "overflow");
		return MNR_ENUMERIC;
	}
	*released = r;
	return MNR_OK;
}

static int need_kind(const struct mnr_dp_noise *noise, int kind,
		     struct mnr_error *err)
{
	int st = mnr_dp_noise_check(noise, err);

	if (st == MNR_OK && noise->kind != kind) {
		mnr_error_set(err, MNR_EINVAL, "wrong mechanism for this quantity");
		return MNR_EINVAL;
	}
	return st;
}

static int zero_arg(const char *what, struct mnr_error *err)
{
	mnr_error_set(err, MNR_EINVAL, "%s must be positive", what);
	mnr_error_rule(err, "dp-param");
	return MNR_EINVAL;
}

int mnr_dp_calibrate_laplace(struct mnr_rational epsilon, uint64_t l1,
			     struct mnr_dp_noise *out, struct mnr_error *err)
{
	struct mnr_dp_noise n;
	struct mnr_rational inv;
	int st;

	if (epsilon.num == 0 || epsilon.den == 0)
		return zero_arg("epsilon", err);
	if (l1 == 0)
		return zero_arg("sensitivity", err);
	inv.num = epsilon.den;
	inv.den = epsilon.num;
	n.kind = MNR_DP_DLAPLACE;
	st = mnr_rational_mul(inv, (struct mnr_rational){ l1, 1 }, &n.scale,
			      err);
	if (st == MNR_OK)
		st = mnr_dp_noise_check(&n, err);
	if (st == MNR_OK)
		*out = n;
	return st;
}

int mnr_dp_calibrate_gauss_rho(struct mnr_rational rho, uint64_t l2sq,
			       struct mnr_dp_noise *out, struct mnr_error *err)
{
	struct mnr_dp_noise n;
	struct mnr_rational inv;
	int st;

	if (rho.num == 0 || rho.den == 0)
		return zero_arg("rho", err);
	if (l2sq == 0)
		return zero_arg("sensitivity", err);
	if (rho.num > UINT64_MAX / 2) {
		mnr_error_set(err, MNR_EINVAL, "rho too large");
		mnr_error_rule(err, "overflow");
		return MNR_EINVAL;
	}
	inv.num = rho.den;
	inv.den = 2 * rho.num;
	n.kind = MNR_DP_DGAUSS;
	st = mnr_rational_mul(inv, (struct mnr_rational){ l2sq, 1 }, &n.scale,
			      err);
	if (st == MNR_OK)
		st = mnr_dp_noise_check(&n, err);
	if (st == MNR_OK)
		*out = n;
	return st;
}

int mnr_dp_laplace_epsilon(const struct mnr_dp_noise *noise, uint64_t l1,
			   struct mnr_rational *epsilon, struct mnr_error *err)
{
	struct mnr_rational inv;
	int st = need_kind(noise, MNR_DP_DLAPLACE, err);

	if (st != MNR_OK)
		return st;
	inv.num = noise->scale.den;
	inv.den = noise->scale.num;
	return mnr_rational_mul(inv, (struct mnr_rational){ l1, 1 }, epsilon,
				err);
}

int mnr_dp_gauss_rho(const struct mnr_dp_noise *noise, uint64_t l2sq,
		     struct mnr_rational *rho, struct mnr_error *err)
{
	struct mnr_rational inv;
	int st = need_kind(noise, MNR_DP_DGAUSS, err);

	if (st != MNR_OK)
		return st;
	inv.num = noise->scale.den;
	inv.den = 2 * noise->scale.num;  /* num <= 2^32: no overflow */
	return mnr_rational_mul(inv, (struct mnr_rational){ l2sq, 1 }, rho,
				err);
}

/* ---- The discrete Gaussian law in long double ------------------------- */

/*
 * Terms exp(-z^2 / (2 s2)) beyond z = K are below exp(-760), under the
 * smallest double, so sums over |z| <= K are exact to double precision.
 */
struct dg_law {
	long double s2;  /* sigma^2 */
	int64_t K;       /* support cut */
	long double Z;   /* normaliser sum_{|z| <= K} w(z) */
};

static long double dg_w(const struct dg_law *g, int64_t z)
{
	long double zz = (long double)z;

	return expl(-zz * zz / (2.0L * g->s2));
}

static void dg_init(struct dg_law *g, struct mnr_rational s2)
{
	int64_t z;
	long double sum = 0.0L;

	g->s2 = (long double)s2.num / (long double)s2.den;
	g->K = (int64_t)ceill(sqrtl(2.0L * g->s2 * 760.0L)) + 2;
	/* smallest terms first */
	for (z = g->K; z >= 1; z--)
		sum += 2.0L * dg_w(g, z);
	g->Z = sum + 1.0L;
}

/* P[Y > k] for an integer k. */
static long double dg_tail(const struct dg_law *g, int64_t k)
{
	long double sum = 0.0L;
	int64_t z;

	if (k < 0)
		return 1.0L - dg_tail(g, -k - 1);
	for (z = g->K; z >= k + 1; z--)
		sum += dg_w(g, z);
	return sum / g->Z;
}

/* P[Y > x] for a real x: P[Y > floor(x)], with x within 1e-9 of an integer taken as it. */
static long double dg_tail_real(const struct dg_law *g, long double x)
{
	long double r = roundl(x);

	if (fabsl(x - r) < 1e-9L)
		x = r;
	return dg_tail(g, (int64_t)floorl(x));
}

double mnr_dp_zcdp_delta(double rho, double epsilon)
{
	/*
	 * CKS Corollary 13: delta = inf_{a > 1} exp((a-1)(a rho - eps)) / (a-1)
	 * * (1 - 1/a)^a.  The log is minimised over a on a log grid, then
	 * refined by golden section around the best grid point.
	 */
	double best = INFINITY, besta = 2.0, lo, hi;
	int i;

	if (!(rho > 0.0))
		return 0.0;
	for (i = 0; i <= 4000; i++) {
		double a = 1.0 + pow(10.0, -6.0 + 12.0 * i / 4000.0);
		double l = (a - 1.0) * (a * rho - epsilon) - log(a - 1.0) +
			   a * log1p(-1.0 / a);

		if (l < best) {
			best = l;
			besta = a;
		}
	}
	lo = 1.0 + (besta - 1.0) / 1.01;
	hi = 1.0 + (besta - 1.0) * 1.01;
	for (i = 0; i < 100; i++) {
		double m1 = hi - (hi - lo) / 1.618033988749895;
		double m2 = lo + (hi - lo) / 1.618033988749895;
		double l1 = (m1 - 1.0) * (m1 * rho - epsilon) - log(m1 - 1.0) +
			    m1 * log1p(-1.0 / m1);
		double l2 = (m2 - 1.0) * (m2 * rho - epsilon) - log(m2 - 1.0) +
			    m2 * log1p(-1.0 / m2);

		if (l1 < l2)
			hi = m2;
		else
			lo = m1;
		if (l1 < best)
			best = l1;
		if (l2 < best)
			best = l2;
	}
	best = exp(best);
	return best > 1.0 ? 1.0 : best;
}

int mnr_dp_gauss_delta(const struct mnr_dp_noise *noise, uint64_t linf,
		       uint64_t cells, double epsilon, double *delta,
		       struct mnr_error *err)
{
	struct dg_law g;
	long double d, x, a, b;
	int st = need_kind(noise, MNR_DP_DGAUSS, err);

	if (st != MNR_OK)
		return st;
	if (linf == 0 || cells == 0 || !(epsilon >= 0.0) || isinf(epsilon))
		return zero_arg("sensitivity, cells and epsilon", err);
	if (cells > 1) {
		double rho = (double)cells * (double)linf * (double)linf /
			     (2.0 * mnr_rational_to_double(noise->scale));

		*delta = mnr_dp_zcdp_delta(rho, epsilon);
		return MNR_OK;
	}
	/* CKS Theorem 7 */
	dg_init(&g, noise->scale);
	x = (long double)epsilon * g.s2 / (long double)linf;
	a = dg_tail_real(&g, x - (long double)linf / 2.0L);
	b = dg_tail_real(&g, x + (long double)linf / 2.0L);
	d = a - expl((long double)epsilon) * b;
	*delta = d < 0.0L ? 0.0 : (double)d;
	return MNR_OK;
}

int mnr_dp_calibrate_gauss_eps_delta(double epsilon, double delta,
				     uint64_t linf, uint64_t cells,
				     struct mnr_dp_noise *out,
				     struct mnr_error *err)
{
	/* delta(sigma^2) decreases in sigma^2: bisect on k, sigma^2 = k/64 */
	struct mnr_dp_noise n = { MNR_DP_DGAUSS, { 64, 64 } };
	uint64_t lo = 0, hi = 64, limit = MNR_DP_PARAM_MAX;
	double d;
	int st;

	if (!(epsilon > 0.0 && epsilon <= 50.0) || !(delta > 0.0 && delta < 1.0))
		return zero_arg("epsilon (at most 50) and delta (below 1)", err);
	if (linf == 0 || cells == 0)
		return zero_arg("sensitivity", err);
	for (;;) {
		n.scale.num = hi;
		st = mnr_dp_gauss_delta(&n, linf, cells, epsilon, &d, err);
		if (st != MNR_OK)
			return st;
		if (d <= delta)
			break;
		lo = hi;
		if (hi > limit / 2) {
			mnr_error_set(err, MNR_EINVAL,
				      "(epsilon, delta) needs a noise scale "
				      "beyond the supported range");
			mnr_error_rule(err, "overflow");
			return MNR_EINVAL;
		}
		hi *= 2;
	}
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		n.scale.num = mid;
		st = mnr_dp_gauss_delta(&n, linf, cells, epsilon, &d, err);
		if (st != MNR_OK)
			return st;
		if (d <= delta)
			hi = mid;
		else
			lo = mid;
	}
	n.scale.num = hi;
	n.scale.den = 64;
	{
		uint64_t g = (uint64_t)mnr__gcd128(hi, 64);

		n.scale.num /= g;
		n.scale.den /= g;
	}
	*out = n;
	return MNR_OK;
}

/* ---- pmf, variance, interval ------------------------------------------ */

/* p = exp(-1/t) and 1 - p for the discrete Laplace with scale t. */
static void dl_p(struct mnr_rational t, long double *p, long double *q)
{
	long double inv = (long double)t.den / (long double)t.num;

	*p = expl(-inv);
	*q = -expm1l(-inv);
}

int mnr_dp_pmf(const struct mnr_dp_noise *noise, int64_t lo, int64_t hi,
	       double *p, struct mnr_error *err)
{
	int64_t z;
	int st = mnr_dp_noise_check(noise, err);

	if (st != MNR_OK)
		return st;
	if (hi < lo)
		return mnr_error_set(err, MNR_EINVAL, "empty pmf range");
	if (noise->kind == MNR_DP_DLAPLACE) {
		long double pp, q, inv = (long double)noise->scale.den /
					 (long double)noise->scale.num;

		dl_p(noise->scale, &pp, &q);
		for (z = lo; z <= hi; z++) {
			long double az = (long double)(z < 0 ? -z : z);

			p[z - lo] = (double)(q / (1.0L + pp) * expl(-inv * az));
		}
	} else {
		struct dg_law g;

		dg_init(&g, noise->scale);
		for (z = lo; z <= hi; z++)
			p[z - lo] = (double)(dg_w(&g, z) / g.Z);
	}
	return MNR_OK;
}

int mnr_dp_variance(const struct mnr_dp_noise *noise, double *var,
		    struct mnr_error *err)
{
	int st = mnr_dp_noise_check(noise, err);

	if (st != MNR_OK)
		return st;
	if (noise->kind == MNR_DP_DLAPLACE) {
		long double p, q;

		dl_p(noise->scale, &p, &q);
		*var = (double)(2.0L * p / (q * q));
	} else {
		struct dg_law g;
		long double s = 0.0L;
		int64_t z;

		dg_init(&g, noise->scale);
		for (z = g.K; z >= 1; z--) {
			long double zz = (long double)z;

			s += 2.0L * zz * zz * dg_w(&g, z);
		}
		*var = (double)(s / g.Z);
	}
	return MNR_OK;
}

int mnr_dp_interval(const struct mnr_dp_noise *noise, double level,
		    uint64_t *halfwidth, double *coverage,
		    struct mnr_error *err)
{
	long double alpha;
	int st = mnr_dp_noise_check(noise, err);

	if (st != MNR_OK)
		return st;
	if (!(level > 0.0 && level < 1.0))
		return zero_arg("level (below 1)", err);
	alpha = 1.0L - (long double)level;
	if (noise->kind == MNR_DP_DLAPLACE) {
		/* P[|Z| > c] = 2 p^(c+1) / (1 + p) */
		long double p, q, c0, inv = (long double)noise->scale.den /
					    (long double)noise->scale.num;
		uint64_t c;

		dl_p(noise->scale, &p, &q);
		c0 = ceill(logl(alpha * (1.0L + p) / 2.0L) / -inv) - 1.0L;
		c = c0 < 0.0L ? 0 : (uint64_t)c0;
#define DL_TAIL(c_) (2.0L * expl(-inv * ((long double)(c_) + 1.0L)) / (1.0L + p))
		while (DL_TAIL(c) > alpha)
			c++;
		while (c > 0 && DL_TAIL(c - 1) <= alpha)
			c--;
		*halfwidth = c;
		*coverage = (double)(1.0L - DL_TAIL(c));
#undef DL_TAIL
	} else {
		struct dg_law g;
		long double tail;
		int64_t c;

		dg_init(&g, noise->scale);
		/* 2 P[Y > c] = 1 - P[|Y| <= c]; walk c up from 0 */
		tail = 2.0L * dg_tail(&g, 0);
		for (c = 0; tail > alpha; c++)
			tail -= 2.0L * dg_w(&g, c + 1) / g.Z;
		/* the walk subtracts; settle c on directly summed tails */
		while (2.0L * dg_tail(&g, c) > alpha)
			c++;
		while (c > 0 && 2.0L * dg_tail(&g, c - 1) <= alpha)
			c--;
		*halfwidth = (uint64_t)c;
		*coverage = (double)(1.0L - 2.0L * dg_tail(&g, c));
	}
	return MNR_OK;
}
