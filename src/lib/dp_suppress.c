/*
 * Small-cell protection without noise (library layer, issue 4 item 6):
 * primary suppression of small counts and secondary (complementary)
 * suppression so that no hidden count can be worked out from the published
 * cells and the row and column totals.  Not differential privacy: for
 * internal tables only.
 *
 * Method: each primary cell (r, c) is put on a suppressed rectangle
 * (r, c), (r, c'), (r', c), (r', c') -- the two-dimensional case of the
 * hypercube method (Repsilber 1994; Hundepool et al., Statistical
 * Disclosure Control, 2012, §5.4).  With the three other corners positive,
 * adding +1, -1, +1, -1 around the rectangle keeps every total and keeps
 * all counts non-negative in both directions, so the primary's value is
 * not determined by anything published: not by one line's total (the rule
 * "at least two suppressions per line" is implied) and not by any
 * combination of totals.  The rectangle chosen hides the least: already
 * suppressed corners cost nothing, positive corners cost their value, zero
 * corners (which would block one direction) cost more than any positive.
 * A table with one row or one column has no rectangle; there the line
 * totals are suppressed instead.
 */
#include "mnrstat/dp.h"
#include "dp_internal.h"

#include <string.h>

#include "banned.h"

/* Cost of hiding cell i: 0 if hidden, its value if positive, else "large". */
static u128 corner_cost(const uint64_t *x, const unsigned char *mark,
				     size_t i)
{
	if (mark[i] != MNR_SUPP_NONE)
		return 0;
	if (x[i] > 0)
		return x[i];
	return (u128)1 << 70;
}

/*
 * A line (row or column) holding exactly one hidden cell and a published
 * total: hide its total.  Used only for one-row / one-column tables, and
 * as a final check that must find nothing to do otherwise.
 */
static int fix_line(unsigned char *mark, size_t base, size_t stride,
		    size_t len, unsigned char *total)
{
	size_t i, nsup = 0;

	if (*total)
		return 0;
	for (i = 0; i < len; i++)
		nsup += mark[base + i * stride] != MNR_SUPP_NONE;
	if (nsup != 1)
		return 0;
	*total = MNR_SUPP_SECONDARY;
	return 1;
}

int mnr_dp_suppress(const uint64_t *x, size_t nrow, size_t ncol, uint64_t k,
		    unsigned char *mark, unsigned char *row_total,
		    unsigned char *col_total, size_t *nprimary,
		    size_t *nsecondary, struct mnr_error *err)
{
	size_t i, r, c, n = nrow * ncol, np = 0, ns = 0;

	if (k < 1 || nrow == 0 || ncol == 0 || n / ncol != nrow)
		return mnr_error_set(err, MNR_EINVAL,
				     "suppression needs k >= 1 and a non-empty table");
	memset(row_total, 0, nrow);
	memset(col_total, 0, ncol);
	for (i = 0; i < n; i++) {
		mark[i] = (x[i] > 0 && x[i] < k) ? MNR_SUPP_PRIMARY : MNR_SUPP_NONE;
		np += mark[i] == MNR_SUPP_PRIMARY;
	}
	if (nrow >= 2 && ncol >= 2) {
		for (r = 0; r < nrow; r++)
			for (c = 0; c < ncol; c++) {
				size_t r2, c2, br = 0, bc = 0;
				u128 best = ~(u128)0;

				if (mark[r * ncol + c] != MNR_SUPP_PRIMARY)
					continue;
				for (r2 = 0; r2 < nrow; r2++)
					for (c2 = 0; c2 < ncol; c2++) {
						u128 cost;

						if (r2 == r || c2 == c)
							continue;
						cost = corner_cost(x, mark, r * ncol + c2) +
						       corner_cost(x, mark, r2 * ncol + c) +
						       corner_cost(x, mark, r2 * ncol + c2);
						if (cost < best) {
							best = cost;
							br = r2;
							bc = c2;
						}
					}
				if (mark[r * ncol + bc] == MNR_SUPP_NONE)
					mark[r * ncol + bc] = MNR_SUPP_SECONDARY;
				if (mark[br * ncol + c] == MNR_SUPP_NONE)
					mark[br * ncol + c] = MNR_SUPP_SECONDARY;
				if (mark[br * ncol + bc] == MNR_SUPP_NONE)
					mark[br * ncol + bc] = MNR_SUPP_SECONDARY;
			}
	}
	{
		int changed;

		do {
			changed = 0;
			for (i = 0; i < nrow; i++)
				changed |= fix_line(mark, i * ncol, 1, ncol, &row_total[i]);
			for (i = 0; i < ncol; i++)
				changed |= fix_line(mark, i, ncol, nrow, &col_total[i]);
		} while (changed);
	}
	for (i = 0; i < n; i++)
		ns += mark[i] == MNR_SUPP_SECONDARY;
	if (nprimary)
		*nprimary = np;
	if (nsecondary)
		*nsecondary = ns;
	return MNR_OK;
}
