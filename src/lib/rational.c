/*
 * Exact non-negative rationals for privacy parameters and ledger sums
 * (library layer).  Products are formed in unsigned __int128 and reduced by
 * the gcd before being narrowed, so a result is refused only when its
 * reduced form does not fit 64 bits.
 */
#include "mnrstat/dp.h"
#include "dp_internal.h"

#include <stdio.h>
#include <string.h>

#include "banned.h"

u128 mnr__gcd128(u128 a, u128 b)
{
	while (b) {
		u128 t = a % b;

		a = b;
		b = t;
	}
	return a;
}

static int narrow(u128 num, u128 den, struct mnr_rational *out,
		  struct mnr_error *err)
{
	u128 g;

	if (den == 0)
		return mnr_error_set(err, MNR_EINVAL, "zero denominator");
	if (num == 0) {
		out->num = 0;
		out->den = 1;
		return MNR_OK;
	}
	g = mnr__gcd128(num, den);
	num /= g;
	den /= g;
	if (num > UINT64_MAX || den > UINT64_MAX) {
		mnr_error_set(err, MNR_EINVAL,
			      "exact rational arithmetic would overflow 64 bits");
		mnr_error_rule(err, "overflow");
		return MNR_EINVAL;
	}
	out->num = (uint64_t)num;
	out->den = (uint64_t)den;
	return MNR_OK;
}

int mnr_rational_parse(const char *text, struct mnr_rational *out,
		       struct mnr_error *err)
{
	const char *s = text;
	u128 num = 0, den = 1;
	int digits = 0, frac = 0, sig = 0, fdigits = 0;
	struct mnr_rational r;

	if (!s || !*s)
		goto bad;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (sig || *s != '0')
				sig++;
			if (sig > 18)
				goto bad;
			num = num * 10 + (unsigned)(*s - '0');
			if (frac) {
				if (++fdigits > 18)
					goto bad;
				den *= 10;
			}
			digits++;
		} else if (*s == '.' && !frac) {
			frac = 1;
		} else if (*s == '/' && !frac && digits) {
			uint64_t d = 0;
			int dd = 0;

			for (s++; *s; s++) {
				if (*s < '0' || *s > '9' || ++dd > 18)
					goto bad;
				d = d * 10 + (uint64_t)(*s - '0');
			}
			if (!dd || d == 0)
				goto bad;
			den = d;
			break;
		} else {
			goto bad;
		}
	}
	if (!digits)
		goto bad;
	if (narrow(num, den, &r, err) != MNR_OK)
		return MNR_EINVAL;
	*out = r;
	return MNR_OK;
bad:
	mnr_error_set(err, MNR_EINVAL,
		      "not an exact non-negative rational (use 0.25 or 1/4)");
	mnr_error_rule(err, "rational");
	return MNR_EINVAL;
}

int mnr_rational_format(struct mnr_rational q, char *buf, size_t size)
{
	int n;

	if (q.den == 1)
		n = snprintf(buf, size, "%llu", (unsigned long long)q.num);
	else
		n = snprintf(buf, size, "%llu/%llu", (unsigned long long)q.num,
			     (unsigned long long)q.den);
	return (n < 0 || (size_t)n >= size) ? MNR_EINVAL : MNR_OK;
}

double mnr_rational_to_double(struct mnr_rational q)
{
	return (double)q.num / (double)q.den;
}

int mnr_rational_cmp(struct mnr_rational a, struct mnr_rational b)
{
	u128 l = (u128)a.num * b.den, r = (u128)b.num * a.den;

	return l < r ? -1 : l > r;
}

/*
 * a/b and c/d over lcm(b, d), so sums and differences of decimals keep
 * small denominators: the two numerators and that denominator.
 */
static int over_lcm(struct mnr_rational a, struct mnr_rational b, u128 *n1,
		    u128 *n2, u128 *den, struct mnr_error *err)
{
	u128 g;

	*n1 = *n2 = 0;  /* set on every path (gcc -O3 cannot see the status) */
	*den = 1;
	if (a.den == 0 || b.den == 0)
		return mnr_error_set(err, MNR_EINVAL, "zero denominator");
	g = mnr__gcd128(a.den, b.den);
	*den = (u128)(a.den / g) * b.den;
	*n1 = (u128)a.num * (b.den / g);
	*n2 = (u128)b.num * (a.den / g);
	return MNR_OK;
}

int mnr_rational_add(struct mnr_rational a, struct mnr_rational b,
		     struct mnr_rational *out, struct mnr_error *err)
{
	u128 den, n1, n2;
	int rc = over_lcm(a, b, &n1, &n2, &den, err);

	if (rc != MNR_OK)
		return rc;
	if (n1 > ~(u128)0 - n2) {
		mnr_error_set(err, MNR_EINVAL,
			      "exact rational arithmetic would overflow");
		mnr_error_rule(err, "overflow");
		return MNR_EINVAL;
	}
	return narrow(n1 + n2, den, out, err);
}

int mnr_rational_mul(struct mnr_rational a, struct mnr_rational b,
		     struct mnr_rational *out, struct mnr_error *err)
{
	if (a.den == 0 || b.den == 0)
		return mnr_error_set(err, MNR_EINVAL, "zero denominator");
	return narrow((u128)a.num * b.num, (u128)a.den * b.den, out, err);
}

int mnr_rational_sub(struct mnr_rational a, struct mnr_rational b,
		     struct mnr_rational *out, struct mnr_error *err)
{
	u128 den, n1, n2;
	int rc = over_lcm(a, b, &n1, &n2, &den, err);

	if (rc != MNR_OK)
		return rc;
	if (n1 < n2)
		return mnr_error_set(err, MNR_EINVAL,
				     "rational difference would be negative");
	return narrow(n1 - n2, den, out, err);
}
