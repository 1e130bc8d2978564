/*
 * Kaplan-Meier, median and restricted mean, log-rank (library layer).
 * Every formula follows R's survival package (version 3.x) line by line so
 * that the reference tests can demand 1e-6 agreement: survfit's KM with
 * Greenwood variance and survfit_confint, survmean's minmin() for the median
 * and its rmean variance, survdiff's hypergeometric variance.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "alloc_internal.h"
#include "mnrstat/survival.h"

int mnr_surv_ci_parse(const char *name, enum mnr_surv_ci *out)
{
	if (!name || !out)
		return -1;
	if (strcmp(name, "log-log") == 0)
		*out = MNR_SURV_CI_LOG_LOG;
	else if (strcmp(name, "log") == 0)
		*out = MNR_SURV_CI_LOG;
	else if (strcmp(name, "plain") == 0)
		*out = MNR_SURV_CI_PLAIN;
	else
		return -1;
	return 0;
}

const char *mnr_surv_ci_name(enum mnr_surv_ci ci)
{
	switch (ci) {
	case MNR_SURV_CI_LOG_LOG:
		return "log-log";
	case MNR_SURV_CI_LOG:
		return "log";
	case MNR_SURV_CI_PLAIN:
		return "plain";
	}
	return "unknown";
}

/* ---- tabulation of raw data ---------------------------------------- */

struct obs {
	double t;
	int event;
};

static int obs_cmp(const void *a, const void *b)
{
	const struct obs *x = a, *y = b;

	return (x->t > y->t) - (x->t < y->t);
}

void mnr_surv_tab_free(struct mnr_surv_tab *tab)
{
	if (!tab)
		return;
	/* One block holds all three arrays (see tab_alloc). */
	mnr__free(tab->time);
	tab->time = tab->n_event = tab->n_censor = NULL;
	tab->n = 0;
}

static int tab_alloc(struct mnr_surv_tab *tab, size_t n)
{
	double *block = mnr__malloc(mnr__size_mul(mnr__size_mul(n ? n : 1, 3),
						  sizeof(double)));

	if (!block)
		return -1;
	tab->time = block;
	tab->n_event = block + (n ? n : 1);
	tab->n_censor = block + 2 * (n ? n : 1);
	tab->n = 0;
	return 0;
}

int mnr_surv_tabulate(const double *time, const int *event, size_t n,
		      struct mnr_surv_tab *out, struct mnr_error *err)
{
	struct obs *o;
	size_t i, k;

	if (!out)
		return mnr_error_set(err, MNR_EINVAL, "no output table");
	memset(out, 0, sizeof(*out));
	if (n > 0 && (!time || !event))
		return mnr_error_set(err, MNR_EINVAL, "no input arrays");
	for (i = 0; i < n; i++)
		if (!isfinite(time[i]) || time[i] < 0.0)
			return mnr_error_set(err, MNR_EDATA,
					     "removal time %zu is negative or "
					     "not finite", i + 1);
	o = mnr__malloc(mnr__size_mul(n ? n : 1, sizeof(*o)));
	if (!o || tab_alloc(out, n) != 0) {
		mnr__free(o);
		memset(out, 0, sizeof(*out));
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	for (i = 0; i < n; i++) {
		o[i].t = time[i];
		o[i].event = event[i] != 0;
	}
	qsort(o, n, sizeof(*o), obs_cmp);
	for (i = 0, k = 0; i < n; i++) {
		if (k == 0 || o[i].t != out->time[k - 1]) {
			out->time[k] = o[i].t;
			out->n_event[k] = 0.0;
			out->n_censor[k] = 0.0;
			k++;
		}
		if (o[i].event)
			out->n_event[k - 1] += 1.0;
		else
			out->n_censor[k - 1] += 1.0;
	}
	out->n = k;
	mnr__free(o);
	return MNR_OK;
}

struct mnr_surv_data mnr_surv_tab_data(const struct mnr_surv_tab *tab)
{
	struct mnr_surv_data d;

	d.time = tab->time;
	d.n_event = tab->n_event;
	d.n_censor = tab->n_censor;
	d.n = tab->n;
	return d;
}

int mnr_surv_data_check(const struct mnr_surv_data *d, struct mnr_error *err)
{
	size_t i;

	if (!d)
		return mnr_error_set(err, MNR_EINVAL, "no data");
	if (d->n > 0 && (!d->time || !d->n_event || !d->n_censor))
		return mnr_error_set(err, MNR_EINVAL, "no input arrays");
	for (i = 0; i < d->n; i++) {
		if (!isfinite(d->time[i]) || d->time[i] < 0.0)
			return mnr_error_set(err, MNR_EDATA,
					     "time at row %zu is negative or "
					     "not finite", i + 1);
		if (i > 0 && !(d->time[i] > d->time[i - 1]))
			return mnr_error_set(err, MNR_EDATA,
					     "times are not strictly "
					     "increasing at row %zu", i + 1);
		if (!isfinite(d->n_event[i]) || d->n_event[i] < 0.0 ||
		    !isfinite(d->n_censor[i]) || d->n_censor[i] < 0.0)
			return mnr_error_set(err, MNR_EDATA,
					     "count at row %zu is negative or "
					     "not finite", i + 1);
	}
	return MNR_OK;
}

/* ---- Kaplan-Meier ------------------------------------------------- */

void mnr_surv_km_free(struct mnr_surv_km *km)
{
	if (!km)
		return;
	mnr__free(km->time); /* one block, see mnr_surv_km_fit */
	memset(km, 0, sizeof(*km));
}

/*
 * Pointwise interval for S with SE of log S equal to se (R's
 * survfit_confint with logse = TRUE, ulimit = TRUE).  At S = 1 every
 * transformation collapses to [1, 1] because se = 0; R's log-log returns NA
 * there only because log(-log(1)) is -Inf.
 */
static void km_confint(double s, double se, double z, enum mnr_surv_ci ci,
		       double *lo, double *hi)
{
	double se2;

	if (s == 1.0) {
		*lo = *hi = 1.0;
		return;
	}
	if (s == 0.0) {
		*lo = *hi = NAN;
		return;
	}
	switch (ci) {
	case MNR_SURV_CI_PLAIN:
		se2 = se * s * z;
		*lo = fmax(s - se2, 0.0);
		*hi = fmin(s + se2, 1.0);
		break;
	case MNR_SURV_CI_LOG:
		se2 = z * se;
		*lo = exp(log(s) - se2);
		*hi = fmin(exp(log(s) + se2), 1.0);
		break;
	case MNR_SURV_CI_LOG_LOG:
	default:
		se2 = z * se / log(s);
		*lo = exp(-exp(log(-log(s)) - se2));
		*hi = exp(-exp(log(-log(s)) + se2));
		break;
	}
}

static double z_of_level(double level)
{
	return gsl_cdf_ugaussian_Pinv(1.0 - (1.0 - level) / 2.0);
}

int mnr_surv_km_fit(const struct mnr_surv_data *d, enum mnr_surv_ci ci,
		    double level, struct mnr_surv_km *out,
		    struct mnr_error *err)
{
	double total = 0.0, events = 0.0, at_risk, s = 1.0, gw = 0.0, z;
	double *block;
	size_t i, k, rows = 0;
	int rc;

	if (!out)
		return mnr_error_set(err, MNR_EINVAL, "no output curve");
	memset(out, 0, sizeof(*out));
	if (!(level > 0.0 && level < 1.0))
		return mnr_error_set(err, MNR_EINVAL,
				     "confidence level must be in (0, 1)");
	if (ci != MNR_SURV_CI_LOG_LOG && ci != MNR_SURV_CI_LOG &&
	    ci != MNR_SURV_CI_PLAIN)
		return mnr_error_set(err, MNR_EINVAL,
				     "unknown interval transformation");
	rc = mnr_surv_data_check(d, err);
	if (rc != MNR_OK)
		return rc;
	for (i = 0; i < d->n; i++) {
		total += d->n_event[i] + d->n_censor[i];
		events += d->n_event[i];
		if (d->n_event[i] > 0.0 || d->n_censor[i] > 0.0)
			rows++;
	}
	if (rows == 0 || !(total > 0.0))
		return mnr_error_set(err, MNR_EDOMAIN,
				     "group has no observations");

	block = mnr__malloc(mnr__size_mul(mnr__size_mul(rows, 9),
					  sizeof(double)));
	if (!block)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	out->time = block;
	out->n_risk = block + rows;
	out->n_event = block + 2 * rows;
	out->n_censor = block + 3 * rows;
	out->surv = block + 4 * rows;
	out->se_log = block + 5 * rows;
	out->std_err = block + 6 * rows;
	out->lower = block + 7 * rows;
	out->upper = block + 8 * rows;
	out->n = rows;
	out->n_total = total;
	out->events = events;
	out->ci = ci;
	out->level = level;

	z = z_of_level(level);
	at_risk = total;
	for (i = 0, k = 0; i < d->n; i++) {
		double de = d->n_event[i], dc = d->n_censor[i];

		if (!(de > 0.0 || dc > 0.0))
			continue;
		/*
		 * Product-limit step and Greenwood's sum d / (n (n - d)),
		 * which is infinite once everyone at risk has the event
		 * (S = 0), as in R.
		 */
		if (de > 0.0) {
			s *= (at_risk - de) / at_risk;
			gw += at_risk > de ? de / (at_risk * (at_risk - de))
					   : INFINITY;
		}
		out->time[k] = d->time[i];
		out->n_risk[k] = at_risk;
		out->n_event[k] = de;
		out->n_censor[k] = dc;
		out->surv[k] = s;
		out->se_log[k] = sqrt(gw);
		out->std_err[k] = s > 0.0 ? s * sqrt(gw) : NAN;
		km_confint(s, sqrt(gw), z, ci, &out->lower[k], &out->upper[k]);
		at_risk -= de + dc;
		/* Cancellation may leave a tiny residue in huge weighted sums. */
		if (at_risk < 0.0)
			at_risk = 0.0;
		k++;
	}
	return MNR_OK;
}

/*
 * R survmean's minmin(): the first time the curve y is below 0.5 (with
 * all.equal's tolerance sqrt(eps)); when it sits exactly on 0.5 and falls
 * later, the midpoint between that time and the time of the fall.  NaN
 * values (undefined interval points) are skipped, as R skips NA.
 */
static double minmin(const double *y, const double *x, size_t n)
{
	const double tol = sqrt(DBL_EPSILON);
	size_t i, first = n;

	for (i = 0; i < n; i++)
		if (!isnan(y[i]) && y[i] < 0.5 + tol) {
			first = i;
			break;
		}
	if (first == n)
		return NAN;
	if (fabs(y[first] - 0.5) < tol)
		for (i = first + 1; i < n; i++)
			if (!isnan(y[i]) && y[i] < 0.5 + tol &&
			    y[i] < y[first])
				return (x[first] + x[i]) / 2.0;
	return x[first];
}

void mnr_surv_km_median(const struct mnr_surv_km *km,
			struct mnr_surv_median *out)
{
	out->median = minmin(km->surv, km->time, km->n);
	out->lower = minmin(km->lower, km->time, km->n);
	out->upper = minmin(km->upper, km->time, km->n);
}

/* Index of the last row with time <= t, or km->n when none. */
static size_t last_at_or_before(const struct mnr_surv_km *km, double t)
{
	size_t lo = 0, hi = km->n;

	/* Binary search for the first row with time > t. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (km->time[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? km->n : lo - 1;
}

int mnr_surv_km_at(const struct mnr_surv_km *km, double t,
		   struct mnr_surv_at *out, struct mnr_error *err)
{
	size_t j;

	if (!km || !out)
		return mnr_error_set(err, MNR_EINVAL, "no curve or output");
	if (!isfinite(t) || t < 0.0)
		return mnr_error_set(err, MNR_EINVAL,
				     "time must be finite and >= 0");
	memset(out, 0, sizeof(*out));
	out->time = t;
	j = last_at_or_before(km, t);
	if (j == km->n) {
		out->surv = 1.0;
		out->std_err = 0.0;
		out->lower = out->upper = 1.0;
		out->n_risk = km->n_total;
		return MNR_OK;
	}
	out->surv = km->surv[j];
	out->std_err = km->std_err[j];
	out->lower = km->lower[j];
	out->upper = km->upper[j];
	/* At risk at t: everyone not removed or censored strictly before t. */
	if (km->time[j] == t)
		out->n_risk = km->n_risk[j];
	else
		out->n_risk = j + 1 < km->n ? km->n_risk[j + 1] : 0.0;
	out->beyond = j + 1 == km->n && t > km->time[j] && km->surv[j] > 0.0;
	return MNR_OK;
}

int mnr_surv_km_rmst(const struct mnr_surv_km *km, double tau,
		     struct mnr_surv_rmst *out, struct mnr_error *err)
{
	double area = 0.0, var = 0.0, tail, prev_t = 0.0, prev_s = 1.0, z;
	size_t j, k;

	if (!km || !out)
		return mnr_error_set(err, MNR_EINVAL, "no curve or output");
	if (!isfinite(tau) || tau <= 0.0)
		return mnr_error_set(err, MNR_EINVAL,
				     "horizon must be finite and > 0");
	memset(out, 0, sizeof(*out));
	out->horizon = tau;
	j = last_at_or_before(km, tau);
	k = j == km->n ? 0 : j + 1; /* rows with time <= tau */

	/*
	 * Area under the step function from 0 to tau, rectangle by
	 * rectangle; the variance (R survmean) is sum over rows j of
	 * A_j^2 d_j / (n_j (n_j - d_j)), A_j the area from time_j to tau,
	 * terms with n_j = d_j being 0.  Accumulating A_j backwards keeps it
	 * one pass each way.
	 */
	for (j = 0; j < k; j++) {
		area += (km->time[j] - prev_t) * prev_s;
		prev_t = km->time[j];
		prev_s = km->surv[j];
	}
	area += (tau - prev_t) * prev_s;
	tail = (tau - prev_t) * prev_s; /* area from time_{k-1} to tau */
	for (j = k; j-- > 0;) {
		double n = km->n_risk[j], d = km->n_event[j];

		if (n - d != 0.0)
			var += tail * tail * d / (n * (n - d));
		if (j > 0)
			tail += (km->time[j] - km->time[j - 1]) *
				km->surv[j - 1];
	}
	z = z_of_level(km->level);
	out->rmst = area;
	out->se = sqrt(var);
	out->lower = area - z * out->se;
	out->upper = area + z * out->se;
	out->beyond = km->n > 0 && tau > km->time[km->n - 1] &&
		      km->surv[km->n - 1] > 0.0;
	return MNR_OK;
}

/* ---- log-rank ------------------------------------------------------ */

static double total_count(const struct mnr_surv_data *d)
{
	double t = 0.0;
	size_t i;

	for (i = 0; i < d->n; i++)
		t += d->n_event[i] + d->n_censor[i];
	return t;
}

int mnr_surv_logrank(const struct mnr_surv_data *g0,
		     const struct mnr_surv_data *g1,
		     struct mnr_surv_logrank *out, struct mnr_error *err)
{
	double r0, r1, oe;
	size_t i = 0, j = 0;
	int rc;

	if (!g0 || !g1 || !out)
		return mnr_error_set(err, MNR_EINVAL, "no groups or output");
	memset(out, 0, sizeof(*out));
	if ((rc = mnr_surv_data_check(g0, err)) != MNR_OK ||
	    (rc = mnr_surv_data_check(g1, err)) != MNR_OK)
		return rc;
	out->n[0] = r0 = total_count(g0);
	out->n[1] = r1 = total_count(g1);
	if (!(r0 > 0.0))
		return mnr_error_set(err, MNR_EDOMAIN,
				     "first group has no observations");
	if (!(r1 > 0.0))
		return mnr_error_set(err, MNR_EDOMAIN,
				     "second group has no observations");

	/*
	 * Merge the two time axes.  At each time with d = d0 + d1 events
	 * among n = n0 + n1 at risk: E0 += d n0 / n and the hypergeometric
	 * variance d (n - d) / (n - 1) * n0 n1 / n^2 (survdiff, rho = 0).
	 */
	while (i < g0->n || j < g1->n) {
		double t, d0 = 0.0, d1 = 0.0, c0 = 0.0, c1 = 0.0, d, n;

		if (j >= g1->n || (i < g0->n && g0->time[i] <= g1->time[j]))
			t = g0->time[i];
		else
			t = g1->time[j];
		if (i < g0->n && g0->time[i] == t) {
			d0 = g0->n_event[i];
			c0 = g0->n_censor[i];
			i++;
		}
		if (j < g1->n && g1->time[j] == t) {
			d1 = g1->n_event[j];
			c1 = g1->n_censor[j];
			j++;
		}
		d = d0 + d1;
		n = r0 + r1;
		if (d > 0.0 && n > 0.0) {
			out->observed[0] += d0;
			out->observed[1] += d1;
			out->expected[0] += d * r0 / n;
			out->expected[1] += d * r1 / n;
			if (n > 1.0)
				out->variance += d * (n - d) / (n - 1.0) *
						 (r0 / n) * (r1 / n);
		}
		r0 = fmax(r0 - d0 - c0, 0.0);
		r1 = fmax(r1 - d1 - c1, 0.0);
	}
	if (out->observed[0] + out->observed[1] == 0.0)
		return mnr_error_set(err, MNR_EDOMAIN,
				     "no events in either group");
	if (!(out->variance > 0.0))
		return mnr_error_set(err, MNR_EDOMAIN,
				     "the groups are never at risk together "
				     "at an event time");
	oe = out->observed[1] - out->expected[1];
	out->chisq = oe * oe / out->variance;
	out->df = 1;
	out->p_value = gsl_cdf_chisq_Q(out->chisq, 1.0);
	return MNR_OK;
}
