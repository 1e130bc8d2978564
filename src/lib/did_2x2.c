/*
 * 2x2 difference in differences of cell means, one adoption cohort against
 * a control group (library layer).
 */
#include <math.h>
#include <string.h>

#include "alloc_internal.h"
#include "did_internal.h"
#include "banned.h"

/*
 * Unit i's place in the 2x2 of cohort g: 1 treated (adopts at g), 0 control
 * (never treated, or with not-yet controls adopting after g), -1 left out.
 */
static int unit_role(const struct did_data *d, const struct mnr_did_options *o,
		     size_t i, long g)
{
	if (!d->active[i])
		return -1;
	if (d->g[i] == g)
		return 1;
	if (did_is_never(d, i) ||
	    (o->control == MNR_DID_CONTROL_NOTYET && d->g[i] > g))
		return 0;
	return -1;
}

/*
 * Cohort g against never-treated units, or (not-yet) against never-treated
 * units plus the cohorts adopting after g, with the window ending before the
 * first of those cohorts starts (less anticipation).  Before = periods up to
 * g - anticipation - 1, after = g .. window end; anticipation periods are
 * left out.  The estimate is the interaction of the saturated regression
 * y ~ treated * after, i.e. the difference of the four cell means over
 * observed unit-periods; its standard error is CR1 by unit (t, G-1 df):
 * the coefficient is sum a_c * y with a_c = +-1/n_c per cell, so the
 * cluster score is sum over the unit's observations of a_c * (y - cell
 * mean), scaled by G/(G-1) * (n-1)/(n-4).
 */
static void one_2x2(const struct did_data *d, const struct mnr_did_options *o,
		    long g, struct mnr_did_2x2 *r, double *score)
{
	long end = d->pmax, pre_last = g - o->anticipation - 1;
	double sum[4] = { 0 }, cnt[4] = { 0 }, mean[4];
	size_t i, t, c, G = 0, n_obs = 0;
	double meat = 0.0, se;

	memset(r, 0, sizeof(*r));
	r->cohort = g;
	mnr__did_est_missing(&r->att, NULL);
	if (o->control == MNR_DID_CONTROL_NOTYET)
		for (i = 0; i < d->N; i++)
			if (d->active[i] && !did_is_never(d, i) &&
			    d->g[i] > g && d->g[i] - o->anticipation - 1 < end)
				end = d->g[i] - o->anticipation - 1;
	r->pre_first = d->pmin;
	r->pre_last = pre_last;
	r->post_first = g;
	r->post_last = end;
	r->mean_treated_pre = r->mean_treated_post = NAN;
	r->mean_control_pre = r->mean_control_post = NAN;
	for (i = 0; i < d->N; i++) {
		int treated = unit_role(d, o, i, g);

		if (treated < 0)
			continue;
		if (treated)
			r->n_treated++;
		else
			r->n_control++;
		for (t = 0; t < d->T; t++) {
			long per = d->pmin + (long)t;
			double y = DID_Y(d, i, t);

			if (isnan(y) || (per > pre_last && per < g) || per > end)
				continue;
			c = (size_t)(treated * 2 + (per >= g));
			sum[c] += y;
			cnt[c] += 1.0;
		}
	}
	if (pre_last < d->pmin) {
		r->att.reason = "no period before adoption in the panel";
		return;
	}
	if (end < g) {
		r->att.reason =
			"no period after adoption before the control group adopts";
		return;
	}
	if (r->n_treated == 0 || r->n_control == 0) {
		r->att.reason = r->n_treated == 0 ?
			"no unit in the cohort" : "empty control group";
		return;
	}
	for (c = 0; c < 4; c++) {
		if (cnt[c] == 0) {
			r->att.reason = "a cell has no observed outcome";
			return;
		}
		mean[c] = sum[c] / cnt[c];
	}
	r->mean_control_pre = mean[0];
	r->mean_control_post = mean[1];
	r->mean_treated_pre = mean[2];
	r->mean_treated_post = mean[3];
	r->att.est = (mean[3] - mean[2]) - (mean[1] - mean[0]);
	r->att.df = (double)(r->n_treated + r->n_control) - 1.0;
	if (r->n_treated < 2 || r->n_control < 2) {
		/*
		 * With one cluster on a side its residuals sum to nearly
		 * nothing and CR1 badly understates the variance (MacKinnon
		 * & Webb 2017, J. Appl. Econometrics 32:233-254).
		 */
		r->att.reason = r->n_treated < 2 ?
			"one treated unit: a cluster-robust standard error is not reliable" :
			"one control unit: a cluster-robust standard error is not reliable";
		return;
	}
	memset(score, 0, d->N * sizeof(double));
	for (i = 0; i < d->N; i++) {
		int treated = unit_role(d, o, i, g), any = 0;

		if (treated < 0)
			continue;
		for (t = 0; t < d->T; t++) {
			long per = d->pmin + (long)t;
			double y = DID_Y(d, i, t), a;

			if (isnan(y) || (per > pre_last && per < g) || per > end)
				continue;
			c = (size_t)(treated * 2 + (per >= g));
			a = (c == 0 || c == 3) ? 1.0 / cnt[c] : -1.0 / cnt[c];
			score[i] += a * (y - mean[c]);
			n_obs++;
			any = 1;
		}
		G += any;
		meat += score[i] * score[i];
	}
	se = sqrt(meat * (double)G / ((double)G - 1.0) *
		  ((double)n_obs - 1.0) / ((double)n_obs - 4.0));
	r->att.df = (double)G - 1.0;
	r->att.se = n_obs > 4 ? se : NAN;
	r->att.reason = NULL;
	mnr__did_est_finish(&r->att, o->level);
}

int mnr__did_2x2(const struct did_data *d, const struct mnr_did_options *o,
		 struct mnr_did_2x2 **out, size_t *n_out,
		 struct mnr_error *err)
{
	long *coh;
	double *score;
	size_t i, k, n = 0;

	*out = NULL;
	*n_out = 0;
	coh = mnr__malloc(mnr__size_mul(d->N, sizeof(long)));
	score = mnr__malloc(mnr__size_mul(d->N, sizeof(double)));
	if (!coh || !score) {
		mnr__free(coh);
		mnr__free(score);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	/* Cohorts adopting inside the panel, ascending. */
	for (i = 0; i < d->N; i++) {
		long g = d->g[i];

		if (!d->active[i] || did_is_never(d, i) || g <= d->pmin)
			continue;
		if (o->cohort != MNR_DID_NEVER && g != o->cohort)
			continue;
		for (k = 0; k < n && coh[k] != g; k++)
			;
		if (k < n)
			continue;
		for (k = n; k > 0 && coh[k - 1] > g; k--)
			coh[k] = coh[k - 1];
		coh[k] = g;
		n++;
	}
	if (n == 0 && o->cohort != MNR_DID_NEVER) {
		mnr__free(coh);
		mnr__free(score);
		return mnr_error_set(err, MNR_EINVAL,
				     "no unit adopts at the requested cohort period");
	}
	*out = mnr__calloc(n ? n : 1, sizeof(**out));
	if (!*out) {
		mnr__free(coh);
		mnr__free(score);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	for (k = 0; k < n; k++)
		one_2x2(d, o, coh[k], &(*out)[k], score);
	*n_out = n;
	mnr__free(coh);
	mnr__free(score);
	return MNR_OK;
}
