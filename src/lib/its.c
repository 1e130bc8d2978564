/*
 * Interrupted time series (library layer): design matrix for segmented
 * regression (Wagner et al. 2002; Lopez Bernal, Cummins and Gasparrini
 * 2017), design-readiness checks, counterfactual and effects with
 * delta-method intervals, and the sensitivity grid.  Fitting is done by
 * regress.c.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mnrstat/fields.h"
#include "mnrstat/its.h"
#include "mnrstat/regress.h"
#include "alloc_internal.h"
#include "banned.h"

#define MAX_WARN 16
#define MIN_SEGMENT 3   /* refused below: too few points to fit a segment */
#define WARN_SEGMENT 8  /* warned below */

int mnr_its_month_parse(const char *s, int *month)
{
	int y = 0, m = 0, i;

	if (!s || strlen(s) != 7 || s[4] != '-')
		return MNR_EINVAL;
	for (i = 0; i < 7; i++) {
		if (i == 4)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return MNR_EINVAL;
		if (i < 4)
			y = y * 10 + (s[i] - '0');
		else
			m = m * 10 + (s[i] - '0');
	}
	if (y < 1000 || m < 1 || m > 12)
		return MNR_EINVAL;
	*month = y * 12 + (m - 1);
	return MNR_OK;
}

/* The one month writer is fields.h's; this name stays for its.h's callers. */
void mnr_its_month_format(int month, char *buf, size_t size)
{
	mnr_month_format(month, buf, size);
}

void mnr_its_options_init(struct mnr_its_options *o)
{
	memset(o, 0, sizeof(*o));
	o->model = MNR_ITS_OLS;
	o->errors = MNR_ITS_CLASSIC;
	o->nw_lag = -1;
	o->impact = MNR_ITS_LEVEL_SLOPE;
	o->seasonality = MNR_ITS_SEASON_NONE;
	o->level = 0.95;
}

static const char *const model_names[] = {
	"ols", "poisson", "quasipoisson", "negbin"
};
static const char *const errors_names[] = {
	"classic", "newey-west", "prais-winsten"
};

const char *mnr_its_model_name(int model)
{
	return model >= 0 && model <= MNR_ITS_NEGBIN ? model_names[model] : "?";
}

const char *mnr_its_errors_name(int errors)
{
	return errors >= 0 && errors <= MNR_ITS_PRAIS_WINSTEN
		? errors_names[errors] : "?";
}

const char *mnr_its_impact_name(int impact)
{
	switch (impact) {
	case MNR_ITS_LEVEL: return "level";
	case MNR_ITS_SLOPE: return "slope";
	case MNR_ITS_LEVEL_SLOPE: return "level+slope";
	default: return "?";
	}
}

int mnr_its_parse_model(const char *s, struct mnr_its_options *o)
{
	int i;

	for (i = 0; s && i <= MNR_ITS_NEGBIN; i++)
		if (strcmp(s, model_names[i]) == 0) {
			o->model = i;
			return MNR_OK;
		}
	return MNR_EINVAL;
}

/* Strict non-negative decimal integer, whole string. */
static int parse_uint(const char *s, long hi, long *out)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > hi)
			return -1;
	}
	*out = v;
	return 0;
}

int mnr_its_parse_errors(const char *s, struct mnr_its_options *o)
{
	long lag;

	if (!s)
		return MNR_EINVAL;
	if (strcmp(s, "classic") == 0) {
		o->errors = MNR_ITS_CLASSIC;
	} else if (strcmp(s, "prais-winsten") == 0) {
		o->errors = MNR_ITS_PRAIS_WINSTEN;
	} else if (strcmp(s, "newey-west") == 0) {
		o->errors = MNR_ITS_NEWEY_WEST;
		o->nw_lag = -1;
	} else if (strncmp(s, "newey-west:", 11) == 0) {
		if (parse_uint(s + 11, 1000, &lag))
			return MNR_EINVAL;
		o->errors = MNR_ITS_NEWEY_WEST;
		o->nw_lag = lag;
	} else {
		return MNR_EINVAL;
	}
	return MNR_OK;
}

int mnr_its_parse_seasonality(const char *s, struct mnr_its_options *o)
{
	long k;

	if (!s)
		return MNR_EINVAL;
	if (strcmp(s, "none") == 0) {
		o->seasonality = MNR_ITS_SEASON_NONE;
	} else if (strcmp(s, "months") == 0) {
		o->seasonality = MNR_ITS_SEASON_MONTHS;
	} else if (strncmp(s, "fourier:", 8) == 0) {
		if (parse_uint(s + 8, 6, &k) || k < 1)
			return MNR_EINVAL;
		o->seasonality = MNR_ITS_SEASON_FOURIER;
		o->fourier_k = (int)k;
	} else {
		return MNR_EINVAL;
	}
	return MNR_OK;
}

int mnr_its_parse_impact(const char *s, struct mnr_its_options *o)
{
	int i;

	for (i = MNR_ITS_LEVEL; s && i <= MNR_ITS_LEVEL_SLOPE; i++)
		if (strcmp(s, mnr_its_impact_name(i)) == 0) {
			o->impact = i;
			return MNR_OK;
		}
	return MNR_EINVAL;
}

void mnr_its_result_free(struct mnr_its_result *r)
{
	if (!r)
		return;
	mnr__free(r->coef);
	mnr__free(r->vcov);
	mnr__free(r->points);
	mnr__free(r->warn);
	r->coef = NULL;
	r->vcov = NULL;
	r->points = NULL;
	r->warn = NULL;
	r->ncoef = r->npoints = r->nwarn = 0;
}

const struct mnr_its_coef *mnr_its_coef_find(const struct mnr_its_result *r,
					     const char *term)
{
	size_t j;

	for (j = 0; j < r->ncoef; j++)
		if (strcmp(r->coef[j].term, term) == 0)
			return &r->coef[j];
	return NULL;
}

static void add_warning(struct mnr_its_result *r, const char *code,
			const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void add_warning(struct mnr_its_result *r, const char *code,
			const char *fmt, ...)
{
	va_list ap;
	struct mnr_its_warning *w;

	if (r->nwarn >= MAX_WARN)
		return;
	w = &r->warn[r->nwarn++];
	snprintf(w->code, sizeof(w->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(w->message, sizeof(w->message), fmt, ap);
	va_end(ap);
}

/* Everything the fit needs besides the regression itself. */
struct design {
	size_t nobs, k, nint;
	int first, last;
	int *iv;         /* sorted intervention months */
	int *post;       /* iv + phase_in: first month of each post segment */
	int *rowmonth;   /* nobs months in the fit */
	double *X;       /* nobs x k */
	double *y, *off, *time;
	double *noise;   /* nobs known noise variances (0 = none) */
	int noisy;       /* some month in the fit carries known noise */
	size_t *ivcol_level, *ivcol_slope; /* column or (size_t)-1 */
	size_t season_col;                 /* first seasonal column */
	char (*names)[MNR_ITS_TERM_MAX];
	double sinv[12][6], cosv[12][6];   /* sin/cos(2 pi j c / 12) */
};

static void design_free(struct design *d)
{
	mnr__free(d->iv);
	mnr__free(d->post);
	mnr__free(d->rowmonth);
	mnr__free(d->X);
	mnr__free(d->y);
	mnr__free(d->off);
	mnr__free(d->time);
	mnr__free(d->noise);
	mnr__free(d->ivcol_level);
	mnr__free(d->ivcol_slope);
	mnr__free(d->names);
	memset(d, 0, sizeof(*d));
}

static int in_phase_in(const struct design *d, int m)
{
	size_t j;

	for (j = 0; j < d->nint; j++)
		if (m >= d->iv[j] && m < d->post[j])
			return 1;
	return 0;
}

/* Fill row x (length k) of the design for month m; cf: intervention terms 0. */
static void design_row(const struct design *d, const struct mnr_its_options *o,
		       int m, int cf, double *x)
{
	size_t j, c = 0;
	int cal = ((m % 12) + 12) % 12;

	x[c++] = 1.0;
	x[c++] = (double)(m - d->first + 1);
	for (j = 0; j < d->nint; j++) {
		int on = !cf && m >= d->post[j];

		if (o->impact & MNR_ITS_LEVEL)
			x[c++] = on ? 1.0 : 0.0;
		if (o->impact & MNR_ITS_SLOPE)
			x[c++] = on ? (double)(m - d->post[j]) : 0.0;
	}
	if (o->seasonality == MNR_ITS_SEASON_MONTHS) {
		for (j = 1; j < 12; j++)
			x[c++] = cal == (int)j ? 1.0 : 0.0;
	} else if (o->seasonality == MNR_ITS_SEASON_FOURIER) {
		for (j = 1; j <= (size_t)o->fourier_k; j++) {
			/* sin(pi m) is identically zero: K = 6 keeps the cosine only. */
			if (j < 6)
				x[c++] = d->sinv[cal][j - 1];
			x[c++] = d->cosv[cal][j - 1];
		}
	}
}

static size_t n_columns(const struct mnr_its_options *o, size_t nint)
{
	size_t per = (o->impact & MNR_ITS_LEVEL ? 1 : 0) +
		     (o->impact & MNR_ITS_SLOPE ? 1 : 0);
	size_t k = 2 + per * nint;

	if (o->seasonality == MNR_ITS_SEASON_MONTHS)
		k += 11;
	else if (o->seasonality == MNR_ITS_SEASON_FOURIER)
		k += (size_t)(2 * o->fourier_k - (o->fourier_k == 6));
	return k;
}

static void name_columns(struct design *d, const struct mnr_its_options *o)
{
	size_t j, c = 0;
	char mb[16];

	snprintf(d->names[c++], MNR_ITS_TERM_MAX, "(Intercept)");
	snprintf(d->names[c++], MNR_ITS_TERM_MAX, "time");
	for (j = 0; j < d->nint; j++) {
		mnr_month_format(d->iv[j], mb, sizeof(mb));
		d->ivcol_level[j] = d->ivcol_slope[j] = (size_t)-1;
		if (o->impact & MNR_ITS_LEVEL) {
			d->ivcol_level[j] = c;
			if (d->nint > 1)
				snprintf(d->names[c++], MNR_ITS_TERM_MAX,
					 "level_change@%s", mb);
			else
				snprintf(d->names[c++], MNR_ITS_TERM_MAX,
					 "level_change");
		}
		if (o->impact & MNR_ITS_SLOPE) {
			d->ivcol_slope[j] = c;
			if (d->nint > 1)
				snprintf(d->names[c++], MNR_ITS_TERM_MAX,
					 "slope_change@%s", mb);
			else
				snprintf(d->names[c++], MNR_ITS_TERM_MAX,
					 "slope_change");
		}
	}
	d->season_col = c;
	if (o->seasonality == MNR_ITS_SEASON_MONTHS) {
		for (j = 2; j <= 12; j++)
			snprintf(d->names[c++], MNR_ITS_TERM_MAX, "month%02zu", j);
	} else if (o->seasonality == MNR_ITS_SEASON_FOURIER) {
		for (j = 1; j <= (size_t)o->fourier_k; j++) {
			if (j < 6)
				snprintf(d->names[c++], MNR_ITS_TERM_MAX, "sin%zu", j);
			snprintf(d->names[c++], MNR_ITS_TERM_MAX, "cos%zu", j);
		}
	}
}

static int check_options(const struct mnr_its_series *s,
			 const struct mnr_its_options *o, struct mnr_error *err)
{
	if (o->model < MNR_ITS_OLS || o->model > MNR_ITS_NEGBIN)
		return mnr_error_set(err, MNR_EINVAL, "its: unknown model");
	if (o->errors < MNR_ITS_CLASSIC || o->errors > MNR_ITS_PRAIS_WINSTEN)
		return mnr_error_set(err, MNR_EINVAL, "its: unknown error method");
	if (o->errors == MNR_ITS_PRAIS_WINSTEN && o->model != MNR_ITS_OLS)
		return mnr_error_set(err, MNR_EINVAL,
			"prais-winsten errors apply to the ols model only; use newey-west for count models");
	if (o->impact < MNR_ITS_LEVEL || o->impact > MNR_ITS_LEVEL_SLOPE)
		return mnr_error_set(err, MNR_EINVAL, "its: unknown impact model");
	if (o->seasonality < MNR_ITS_SEASON_NONE ||
	    o->seasonality > MNR_ITS_SEASON_FOURIER ||
	    (o->seasonality == MNR_ITS_SEASON_FOURIER &&
	     (o->fourier_k < 1 || o->fourier_k > 6)))
		return mnr_error_set(err, MNR_EINVAL,
			"its: seasonality must be none, months or fourier:K with K from 1 to 6");
	if (o->phase_in < 0)
		return mnr_error_set(err, MNR_EINVAL, "its: phase-in must not be negative");
	if (!(o->level > 0.0 && o->level < 1.0))
		return mnr_error_set(err, MNR_EINVAL,
			"its: confidence level must lie between 0 and 1");
	if (o->use_offset && o->model == MNR_ITS_OLS)
		return mnr_error_set(err, MNR_EINVAL,
			"a population offset applies to the count models (poisson, quasipoisson, negbin) only");
	if (o->use_offset && !s->population)
		return mnr_error_set(err, MNR_EINVAL,
			"a population offset needs a population column");
	return MNR_OK;
}

static const char *segment_where(const struct design *d, size_t seg,
				 char *buf, size_t size)
{
	char a[16], b[16];

	if (seg == 0) {
		mnr_month_format(d->iv[0], a, sizeof(a));
		snprintf(buf, size, "before the intervention %s", a);
	} else if (seg == d->nint) {
		mnr_month_format(d->iv[seg - 1], a, sizeof(a));
		snprintf(buf, size, "from the intervention %s on%s", a,
			 d->post[seg - 1] > d->iv[seg - 1]
				 ? " (after the phase-in)" : "");
	} else {
		mnr_month_format(d->iv[seg - 1], a, sizeof(a));
		mnr_month_format(d->iv[seg], b, sizeof(b));
		snprintf(buf, size, "between the interventions %s and %s", a, b);
	}
	return buf;
}

/* Which segment month m (not in a phase-in) belongs to: 0..nint. */
static size_t segment_of(const struct design *d, int m)
{
	size_t j = 0;

	while (j < d->nint && m >= d->iv[j])
		j++;
	return j;
}

/*
 * Build the design (validation, missing-month accounting, segment checks).
 * Fills the counts in r and adds warnings.
 */
static int build_design(const struct mnr_its_series *s, const int *ivin,
			size_t nint, const struct mnr_its_options *o,
			struct design *d, struct mnr_its_result *r,
			struct mnr_error *err)
{
	size_t i, j, nobs = 0, *segn = NULL, k;
	int count_model = o->model != MNR_ITS_OLS, nonint = 0, allzero = 1;
	size_t n_nopop = 0;
	char where[96], mb[16];
	int rc = MNR_OK;

	memset(d, 0, sizeof(*d));
	if (!s || !s->month || !s->y || s->n == 0)
		return mnr_error_set(err, MNR_EINVAL, "its: empty series");
	if (!ivin || nint == 0)
		return mnr_error_set(err, MNR_EINVAL, "its: no intervention month given");
	for (i = 1; i < s->n; i++)
		if (s->month[i] <= s->month[i - 1])
			return mnr_error_set(err, MNR_EINVAL,
				"its: series months must be strictly increasing (row %zu)", i + 1);
	d->nint = nint;
	d->first = s->month[0];
	d->last = s->month[s->n - 1];
	k = n_columns(o, nint);
	d->k = k;
	d->iv = mnr__malloc(nint * sizeof(int));
	d->post = mnr__malloc(nint * sizeof(int));
	d->ivcol_level = mnr__malloc(nint * sizeof(size_t));
	d->ivcol_slope = mnr__malloc(nint * sizeof(size_t));
	d->names = mnr__malloc(mnr__size_mul(k, sizeof(*d->names)));
	d->rowmonth = mnr__malloc(s->n * sizeof(int));
	d->X = mnr__malloc(mnr__size_mul(mnr__size_mul(s->n, k), sizeof(double)));
	d->y = mnr__malloc(s->n * sizeof(double));
	d->off = mnr__malloc(s->n * sizeof(double));
	d->time = mnr__malloc(s->n * sizeof(double));
	d->noise = mnr__malloc(s->n * sizeof(double));
	segn = mnr__calloc(nint + 1, sizeof(size_t));
	if (!d->iv || !d->post || !d->ivcol_level || !d->ivcol_slope ||
	    !d->names || !d->rowmonth || !d->X || !d->y || !d->off ||
	    !d->time || !d->noise || !segn) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	/* Sorted copy of the intervention months (insertion sort; nint small). */
	for (i = 0; i < nint; i++) {
		int v = ivin[i];

		for (j = i; j > 0 && d->iv[j - 1] > v; j--)
			d->iv[j] = d->iv[j - 1];
		d->iv[j] = v;
	}
	for (i = 0; i < nint; i++) {
		if (i > 0 && d->iv[i] == d->iv[i - 1]) {
			rc = mnr_error_set(err, MNR_EINVAL,
				"its: an intervention month is given twice");
			goto out;
		}
		if (d->iv[i] <= d->first || d->iv[i] > d->last) {
			mnr_month_format(d->iv[i], mb, sizeof(mb));
			rc = mnr_error_set_at(err, MNR_EDATA, NULL, 0, 0, 0,
				"intervention-range",
				"the intervention %s is not inside the series (months before and after it are needed)",
				mb);
			goto out;
		}
		d->post[i] = d->iv[i] + o->phase_in;
	}
	name_columns(d, o);
	for (i = 0; i < 12; i++)
		for (j = 0; j < 6; j++) {
			double a = 2.0 * M_PI * (double)(j + 1) * (double)i / 12.0;

			d->sinv[i][j] = sin(a);
			d->cosv[i][j] = cos(a);
		}
	r->n_phase_in = 0;
	for (int m = d->first; m <= d->last; m++)
		if (in_phase_in(d, m))
			r->n_phase_in++;

	for (i = 0; i < s->n; i++) {
		int m = s->month[i];
		double yv = s->y[i];
		int noisy_row;

		if (!isfinite(yv) || in_phase_in(d, m))
			continue;
		noisy_row = s->noise_var && isfinite(s->noise_var[i]) &&
			    s->noise_var[i] > 0.0;
		/*
		 * A released value may be negative (count plus noise):
		 * poisson and quasipoisson take it (see noise_adjust), the
		 * negative binomial likelihood cannot.
		 */
		if (count_model && yv < 0.0 &&
		    (!noisy_row || o->model == MNR_ITS_NEGBIN)) {
			mnr_month_format(m, mb, sizeof(mb));
			rc = mnr_error_set_at(err, MNR_EDATA, NULL, 0, 0, 0,
				"negative-count", noisy_row
				? "month %s: the released value is negative (privacy noise); negbin needs non-negative counts: use poisson or quasipoisson, which account for the noise"
				: "month %s: a count model needs non-negative values", mb);
			goto out;
		}
		if (o->use_offset) {
			double p = s->population[i];

			if (!isfinite(p)) {
				n_nopop++;
				continue;
			}
			if (p <= 0.0) {
				mnr_month_format(m, mb, sizeof(mb));
				rc = mnr_error_set_at(err, MNR_EDATA, NULL, 0, 0, 0,
					"population",
					"month %s: the population must be positive for an offset", mb);
				goto out;
			}
			d->off[nobs] = log(p);
		}
		if (yv != floor(yv))
			nonint = 1;
		if (yv != 0.0)
			allzero = 0;
		d->rowmonth[nobs] = m;
		d->noise[nobs] = noisy_row ? s->noise_var[i] : 0.0;
		if (noisy_row)
			d->noisy = 1;
		d->y[nobs] = yv;
		d->time[nobs] = (double)m;
		design_row(d, o, m, 0, d->X + nobs * k);
		segn[segment_of(d, m)]++;
		nobs++;
	}
	d->nobs = nobs;
	r->n_obs = nobs;
	r->n_pre = segn[0];
	r->n_post = nobs - segn[0];
	r->n_missing = (size_t)(d->last - d->first + 1) - r->n_phase_in - nobs;
	r->first_month = d->first;
	r->last_month = d->last;

	for (j = 0; j <= nint; j++) {
		if (segn[j] < MIN_SEGMENT) {
			rc = mnr_error_set_at(err, MNR_EDATA, NULL, 0, 0, 0,
				"too-short",
				"only %zu month%s with a value %s; segmented regression needs at least %d on each side",
				segn[j], segn[j] == 1 ? "" : "s",
				segment_where(d, j, where, sizeof(where)),
				MIN_SEGMENT);
			goto out;
		}
	}
	if (nobs <= k) {
		rc = mnr_error_set_at(err, MNR_EDATA, NULL, 0, 0, 0, "too-short",
			"%zu months with a value cannot support %zu coefficients; use fewer seasonal terms",
			nobs, k);
		goto out;
	}
	for (j = 0; j <= nint; j++)
		if (segn[j] < WARN_SEGMENT)
			add_warning(r, "short-segment",
				"only %zu months with a value %s; fewer than %d make the segment's trend unreliable",
				segn[j], segment_where(d, j, where, sizeof(where)),
				WARN_SEGMENT);
	if (r->n_missing > 0)
		add_warning(r, "missing-months",
			"%zu month%s in the range have no value; they were left out, not counted as zero",
			r->n_missing, r->n_missing == 1 ? "" : "s");
	if (n_nopop > 0)
		add_warning(r, "missing-population",
			"%zu of them have a value but no population and were left out of the offset model",
			n_nopop);
	if (allzero) {
		add_warning(r, "all-zero", "every value in the series is zero");
		if (count_model) {
			rc = mnr_error_set_at(err, MNR_EDOMAIN, NULL, 0, 0, 0,
				"all-zero",
				"every value is zero: a log-link model has no finite estimate");
			goto out;
		}
	}
	if (count_model && !allzero) {
		for (j = 0; j <= nint; j++) {
			double sum = 0.0;

			for (i = 0; i < nobs; i++)
				if (segment_of(d, d->rowmonth[i]) == j)
					sum += d->y[i];
			if (sum == 0.0)
				add_warning(r, "zero-segment",
					"every count %s is zero: a log-link model has no finite level change there (the estimate runs off to minus infinity)",
					segment_where(d, j, where, sizeof(where)));
		}
	}
	if (count_model && nonint)
		add_warning(r, "non-integer-counts",
			"a count model was asked for but some values are not whole numbers");
	if (!allzero && !nonint) {
		/*
		 * Small counts: below a mean of 5 per month a segment's Poisson
		 * approximations are poor and cells may identify someone.
		 */
		for (j = 0; j <= nint; j++) {
			double sum = 0.0;
			size_t c = 0;

			for (i = 0; i < nobs; i++)
				if (segment_of(d, d->rowmonth[i]) == j) {
					sum += d->y[i];
					c++;
				}
			if (c && sum / (double)c < 5.0) {
				add_warning(r, "tiny-counts",
					"counts %s average below 5 a month: estimates are unstable, and small cells can identify a child",
					segment_where(d, j, where, sizeof(where)));
				break;
			}
		}
	}
out:
	mnr__free(segn);
	if (rc)
		design_free(d);
	return rc;
}

/* x'Vx for a k-vector x. */
static double quad(const double *V, const double *x, size_t k)
{
	double s = 0.0;
	size_t i, j;

	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++)
			s += x[i] * V[i * k + j] * x[j];
	return s;
}

static double dotk(const double *a, const double *b, size_t k)
{
	double s = 0.0;
	size_t j;

	for (j = 0; j < k; j++)
		s += a[j] * b[j];
	return s;
}

static void effect_linear(struct mnr_its_effect *e, double est,
			  const double *g, const double *V, size_t k,
			  double crit)
{
	e->estimate = est;
	e->std_error = sqrt(quad(V, g, k));
	e->ci_low = est - crit * e->std_error;
	e->ci_high = est + crit * e->std_error;
}

/*
 * Relative effect from a log-scale estimate L = log(ratio) with gradient g:
 * the interval is exp(L +- crit se(L)) - 1 (delta method on the log scale,
 * which keeps the limits above -1); std_error is the delta-method se of
 * the ratio itself, exp(L) se(L).
 */
static void effect_log_ratio(struct mnr_its_effect *e, double L,
			     const double *g, const double *V, size_t k,
			     double crit)
{
	double se = sqrt(quad(V, g, k));

	e->estimate = exp(L) - 1.0;
	e->std_error = exp(L) * se;
	e->ci_low = exp(L - crit * se) - 1.0;
	e->ci_high = exp(L + crit * se) - 1.0;
}

static void effect_nan(struct mnr_its_effect *e)
{
	e->estimate = e->std_error = e->ci_low = e->ci_high = NAN;
}

static int compute_effects(const struct design *d,
			   const struct mnr_its_options *o,
			   const struct mnr_regress_fit *fit,
			   struct mnr_its_result *r, double crit,
			   struct mnr_error *err)
{
	size_t k = d->k, i, j, last = (size_t)-1, npost = 0;
	int loglink = o->model != MNR_ITS_OLS;
	double *x1 = NULL, *x0 = NULL, *g = NULL, *s1x = NULL, *s0x = NULL;
	double S1 = 0.0, S0 = 0.0;

	x1 = mnr__calloc(k, sizeof(double));
	x0 = mnr__calloc(k, sizeof(double));
	g = mnr__calloc(k, sizeof(double));
	s1x = mnr__calloc(k, sizeof(double));
	s0x = mnr__calloc(k, sizeof(double));
	if (!x1 || !x0 || !g || !s1x || !s0x) {
		mnr__free(x1);
		mnr__free(x0);
		mnr__free(g);
		mnr__free(s1x);
		mnr__free(s0x);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	/*
	 * Sums over the fitted post months: S1 = sum fitted, S0 = sum
	 * counterfactual, and their gradients in beta (x on the identity
	 * scale, mu x on the log scale).
	 */
	for (i = 0; i < d->nobs; i++) {
		int m = d->rowmonth[i];
		double e1, e0, off = o->use_offset ? d->off[i] : 0.0;

		if (m < d->post[0])
			continue;
		design_row(d, o, m, 0, x1);
		design_row(d, o, m, 1, x0);
		e1 = dotk(x1, fit->beta, k);
		e0 = dotk(x0, fit->beta, k);
		if (loglink) {
			e1 = exp(off + e1);
			e0 = exp(off + e0);
			for (j = 0; j < k; j++) {
				s1x[j] += e1 * x1[j];
				s0x[j] += e0 * x0[j];
			}
		} else {
			for (j = 0; j < k; j++) {
				s1x[j] += x1[j];
				s0x[j] += x0[j];
			}
		}
		S1 += e1;
		S0 += e0;
		npost++;
		last = i;
	}
	r->end_abs.month = r->end_rel.month = r->cum_abs.month =
		r->cum_rel.month = last == (size_t)-1 ? 0 : d->rowmonth[last];
	if (npost == 0) {
		effect_nan(&r->end_abs);
		effect_nan(&r->end_rel);
		effect_nan(&r->cum_abs);
		effect_nan(&r->cum_rel);
		goto done;
	}
	/* Cumulative absolute effect: S1 - S0, gradient s1x - s0x. */
	for (j = 0; j < k; j++)
		g[j] = s1x[j] - s0x[j];
	effect_linear(&r->cum_abs, S1 - S0, g, fit->vcov, k, crit);

	design_row(d, o, d->rowmonth[last], 0, x1);
	design_row(d, o, d->rowmonth[last], 1, x0);
	if (loglink) {
		double off = o->use_offset ? d->off[last] : 0.0;
		double m1 = exp(off + dotk(x1, fit->beta, k));
		double m0 = exp(off + dotk(x0, fit->beta, k));

		for (j = 0; j < k; j++)
			g[j] = m1 * x1[j] - m0 * x0[j];
		effect_linear(&r->end_abs, m1 - m0, g, fit->vcov, k, crit);
		/* log(m1/m0) = (x1 - x0)' beta: exact on the log scale. */
		for (j = 0; j < k; j++)
			g[j] = x1[j] - x0[j];
		effect_log_ratio(&r->end_rel, dotk(g, fit->beta, k), g,
				 fit->vcov, k, crit);
		/* log(S1/S0), gradient s1x/S1 - s0x/S0. */
		for (j = 0; j < k; j++)
			g[j] = s1x[j] / S1 - s0x[j] / S0;
		effect_log_ratio(&r->cum_rel, log(S1 / S0), g, fit->vcov, k,
				 crit);
	} else {
		double c1 = dotk(x1, fit->beta, k), c0 = dotk(x0, fit->beta, k);

		for (j = 0; j < k; j++)
			g[j] = x1[j] - x0[j];
		effect_linear(&r->end_abs, c1 - c0, g, fit->vcov, k, crit);
		/* R = c1/c0 - 1; dR/dbeta = (x1 c0 - x0 c1) / c0^2. */
		if (c0 > 0.0) {
			for (j = 0; j < k; j++)
				g[j] = (x1[j] * c0 - x0[j] * c1) / (c0 * c0);
			effect_linear(&r->end_rel, c1 / c0 - 1.0, g, fit->vcov,
				      k, crit);
		} else {
			effect_nan(&r->end_rel);
		}
		if (S0 > 0.0) {
			for (j = 0; j < k; j++)
				g[j] = (s1x[j] * S0 - s0x[j] * S1) / (S0 * S0);
			effect_linear(&r->cum_rel, S1 / S0 - 1.0, g, fit->vcov,
				      k, crit);
		} else {
			effect_nan(&r->cum_rel);
		}
		if (!(c0 > 0.0) || !(S0 > 0.0))
			add_warning(r, "counterfactual-nonpositive",
				"the counterfactual is not positive, so relative effects are undefined");
	}
done:
	mnr__free(x1);
	mnr__free(x0);
	mnr__free(g);
	mnr__free(s1x);
	mnr__free(s0x);
	return MNR_OK;
}

/* Point estimate and interval of x'beta on the response scale. */
static void predict(const double *x, const double *beta, const double *V,
		    size_t k, double off, int loglink, double crit,
		    double *est, double *lo, double *hi)
{
	double e = dotk(x, beta, k), q = quad(V, x, k), se;

	/* A rounding-level negative variance (saturated month) is zero. */
	se = q > 0.0 ? sqrt(q) : 0.0;

	if (loglink) {
		*est = exp(off + e);
		*lo = exp(off + e - crit * se);
		*hi = exp(off + e + crit * se);
	} else {
		*est = e;
		*lo = e - crit * se;
		*hi = e + crit * se;
	}
}

static int compute_points(const struct mnr_its_series *s,
			  const struct design *d,
			  const struct mnr_its_options *o,
			  const struct mnr_regress_fit *fit,
			  struct mnr_its_result *r, double crit,
			  struct mnr_error *err)
{
	size_t k = d->k, np = (size_t)(d->last - d->first + 1), p, si = 0,
	       fi = 0;
	double *x = mnr__calloc(k, sizeof(double));
	int loglink = o->model != MNR_ITS_OLS;

	r->points = mnr__calloc(np, sizeof(*r->points));
	if (!x || !r->points) {
		mnr__free(x);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	r->npoints = np;
	for (p = 0; p < np; p++) {
		struct mnr_its_point *pt = &r->points[p];
		int m = d->first + (int)p;
		double off = NAN;

		pt->month = m;
		pt->segment = in_phase_in(d, m) ? -1 : (int)segment_of(d, m);
		pt->y = NAN;
		while (si < s->n && s->month[si] < m)
			si++;
		while (fi < d->nobs && d->rowmonth[fi] < m)
			fi++;
		if (si < s->n && s->month[si] == m) {
			pt->y = s->y[si];
			if (o->use_offset && isfinite(s->population[si]) &&
			    s->population[si] > 0.0)
				off = log(s->population[si]);
		}
		if (!o->use_offset)
			off = 0.0;
		if (in_phase_in(d, m))
			pt->status = 2;
		else if (fi < d->nobs && d->rowmonth[fi] == m)
			pt->status = 0;
		else
			pt->status = 1;
		if (isnan(off)) {
			pt->fitted = pt->fitted_low = pt->fitted_high = NAN;
			pt->counterfactual = pt->cf_low = pt->cf_high = NAN;
			continue;
		}
		design_row(d, o, m, 0, x);
		predict(x, fit->beta, fit->vcov, k, off, loglink, crit,
			&pt->fitted, &pt->fitted_low, &pt->fitted_high);
		if (m < d->iv[0]) {
			pt->counterfactual = pt->cf_low = pt->cf_high = NAN;
			continue;
		}
		design_row(d, o, m, 1, x);
		predict(x, fit->beta, fit->vcov, k, off, loglink, crit,
			&pt->counterfactual, &pt->cf_low, &pt->cf_high);
	}
	mnr__free(x);
	return MNR_OK;
}

/*
 * Pearson dispersion of a Poisson fit net of the known noise variance,
 * sum((y - mu)^2 - s) / mu / (n - k): with noise the plain Pearson
 * statistic exceeds 1 by about s/mu even for Poisson counts, which is no
 * overdispersion of the counts themselves.
 */
static double net_dispersion(const struct design *d,
			     const struct mnr_regress_fit *fit)
{
	double q = 0.0;
	size_t i;

	for (i = 0; i < d->nobs; i++) {
		double e = d->y[i] - fit->mu[i];

		q += (e * e - d->noise[i]) / fit->mu[i];
	}
	return q / fit->df_resid;
}

/*
 * Known additive privacy noise (a released panel): y_t = c_t + e_t with
 * e_t independent of the count c_t, mean 0 and known variance s_t (the
 * panel's noise_variance column: discrete Laplace 2p/(1-p)^2, discrete
 * Gaussian its exact series; CKS 2020).  The mean is unchanged, so the
 * count model's estimating equations sum x_t (y_t - mu_t) mu_t / V_t = 0
 * (V_t the model's variance function) stay unbiased; only the variance of
 * y_t grows, to V_t + s_t.  This is classical measurement error in the
 * response with known error variance (Carroll, Ruppert, Stefanski and
 * Crainiceanu 2006, Measurement Error in Nonlinear Models, 2nd ed., the
 * chapter on response error), and the estimating-equation (sandwich)
 * variance (Liang and Zeger 1986; White 1982) is
 *   C (X' diag(w_t^2 (V_t + s_t)) X) C = C + C M C,
 *   C = (X' diag(mu_t^2 / V_t) X)^-1,  w_t = mu_t / V_t,
 *   M = sum_t w_t^2 s_t x_t x_t',
 * i.e. the known variance enters the variance of the GLM working response
 * z_t = eta_t + (y_t - mu_t)/mu_t, which becomes (V_t + s_t)/mu_t^2.
 * Poisson: V = mu, w = 1.  (Weighting the IRLS by mu^2/(mu + s_t)
 * instead, a quasi-likelihood with variance mu + s_t, covered the same in
 * bench/noise_coverage.sh but moved the estimate away from the Poisson
 * one, so poisson classic and newey-west disagreed on the same data; the
 * sandwich keeps one estimate per model.)  Negative binomial NB2:
 * V = mu + mu^2/theta,
 * theta estimated from the released values.  Quasi-Poisson: V = phi mu,
 * the Pearson estimate would fold the noise into phi, so phi is estimated
 * net of it by moments, phi = sum((y - mu)^2 - s) / mu / (n - k) (floored
 * at 0), and the covariance is phi C1 + C1 M C1 with C1 the Poisson
 * (X'WX)^-1 (w = 1).  fit->vcov is replaced; fit->dispersion becomes phi.
 */
static int noise_adjust(const struct design *d, int model,
			struct mnr_regress_fit *fit, struct mnr_error *err)
{
	size_t k = d->k, i, a, b, m;
	double *M = mnr__calloc(k * k, sizeof(double));
	double *T = mnr__calloc(k * k, sizeof(double));
	double phi = 1.0;

	if (!M || !T) {
		mnr__free(M);
		mnr__free(T);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	if (model == MNR_ITS_QUASIPOISSON) {
		/* fit->vcov = dispersion * C1: recover C1. */
		for (a = 0; a < k * k; a++)
			fit->vcov[a] /= fit->dispersion;
		phi = net_dispersion(d, fit);
		if (!(phi > 0.0))
			phi = 0.0;
		fit->dispersion = phi;
	}
	for (i = 0; i < d->nobs; i++) {
		const double *x = d->X + i * k;
		double w = 1.0, c;

		if (d->noise[i] <= 0.0)
			continue;
		if (model == MNR_ITS_NEGBIN)
			w = 1.0 / (1.0 + fit->mu[i] / fit->theta);
		c = w * w * d->noise[i];
		for (a = 0; a < k; a++)
			for (b = 0; b < k; b++)
				M[a * k + b] += c * x[a] * x[b];
	}
	for (a = 0; a < k; a++)
		for (b = 0; b < k; b++) {
			double s = 0.0;

			for (m = 0; m < k; m++)
				s += fit->vcov[a * k + m] * M[m * k + b];
			T[a * k + b] = s;
		}
	for (a = 0; a < k; a++)
		for (b = 0; b < k; b++) {
			double s = 0.0;

			for (m = 0; m < k; m++)
				s += T[a * k + m] * fit->vcov[m * k + b];
			M[a * k + b] = s;
		}
	for (a = 0; a < k * k; a++)
		fit->vcov[a] = phi * fit->vcov[a] + M[a];
	mnr__free(M);
	mnr__free(T);
	return MNR_OK;
}

const char *mnr_its_noise_name(int noise)
{
	switch (noise) {
	case MNR_ITS_NOISE_KNOWN: return "known-variance";
	case MNR_ITS_NOISE_RESIDUAL: return "residual";
	case MNR_ITS_NOISE_IGNORED: return "ignored";
	default: return "none";
	}
}

/* The "privacy-noise" warning: that the noise was accounted for, and how. */
static void noise_warning(struct mnr_its_result *r, int model)
{
	switch (r->noise) {
	case MNR_ITS_NOISE_KNOWN:
		add_warning(r, "privacy-noise",
			model == MNR_ITS_QUASIPOISSON
			? "privacy noise accounted for: its known variance s is added to the model's (var y = phi mu + s, phi estimated net of s) in a sandwich covariance"
			: model == MNR_ITS_NEGBIN
			? "privacy noise accounted for: its known variance s is added to the model's (var y = mu + mu^2/theta + s) in a sandwich covariance"
			: "privacy noise accounted for: its known variance s is added to the model's (var y = mu + s) in a sandwich covariance");
		break;
	case MNR_ITS_NOISE_RESIDUAL:
		add_warning(r, "privacy-noise",
			model == MNR_ITS_OLS
			? "privacy noise accounted for: the residual variance is estimated from the released values and includes the noise"
			: "privacy noise accounted for: the Newey-West covariance is built from residuals of the released values, which include the noise");
		break;
	case MNR_ITS_NOISE_IGNORED:
		add_warning(r, "privacy-noise",
			"privacy noise IGNORED on request: intervals treat the released values as exact and are too narrow");
		break;
	default:
		break;
	}
}

static int regress_family(int model)
{
	switch (model) {
	case MNR_ITS_POISSON: return MNR_REG_POISSON;
	case MNR_ITS_QUASIPOISSON: return MNR_REG_QUASIPOISSON;
	case MNR_ITS_NEGBIN: return MNR_REG_NEGBIN;
	default: return MNR_REG_GAUSSIAN;
	}
}

int mnr_its_fit(const struct mnr_its_series *s, const int *iv, size_t nint,
		const struct mnr_its_options *o, struct mnr_its_result *r,
		struct mnr_error *err)
{
	struct design d;
	struct mnr_regress_options ro;
	struct mnr_regress_fit fit;
	struct mnr_regress_diag dg;
	double crit;
	size_t j, k;
	int rc;

	memset(r, 0, sizeof(*r));
	memset(&fit, 0, sizeof(fit));
	if (!s || !o)
		return mnr_error_set(err, MNR_EINVAL, "its: missing input");
	rc = check_options(s, o, err);
	if (rc)
		return rc;
	r->model = o->model;
	r->errors = o->errors;
	r->impact = o->impact;
	r->seasonality = o->seasonality;
	r->fourier_k = o->seasonality == MNR_ITS_SEASON_FOURIER ? o->fourier_k : 0;
	r->level = o->level;
	r->nw_adjust = o->nw_adjust;
	r->theta = r->theta_se = r->rho = NAN;
	r->warn = mnr__calloc(MAX_WARN, sizeof(*r->warn));
	if (!r->warn)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	rc = build_design(s, iv, nint, o, &d, r, err);
	if (rc) {
		mnr_its_result_free(r);
		return rc;
	}
	k = d.k;
	mnr_regress_options_init(&ro);
	ro.family = regress_family(o->model);
	ro.errors = o->errors == MNR_ITS_NEWEY_WEST ? MNR_REG_NEWEY_WEST
		  : o->errors == MNR_ITS_PRAIS_WINSTEN ? MNR_REG_PRAIS_WINSTEN
						       : MNR_REG_CLASSIC;
	ro.nw_lag = o->nw_lag;
	ro.nw_adjust = o->nw_adjust;
	ro.noisy = d.noisy;
	rc = mnr_regress_fit(d.X, d.nobs, k, d.y,
			     o->use_offset ? d.off : NULL, d.time, &ro, &fit,
			     err);
	if (rc) {
		if (rc == MNR_EDOMAIN && fit.aliased < k && err) {
			/* Name the term rather than the column number. */
			err->code = MNR_OK;
			mnr_error_set(err, MNR_EDOMAIN,
				"the term %s is collinear with earlier terms (for example a calendar month never observed); use fewer seasonal terms",
				d.names[fit.aliased]);
		}
		goto fail;
	}
	r->ncoef = k;
	r->coef = mnr__calloc(k, sizeof(*r->coef));
	r->vcov = mnr__malloc(mnr__size_mul(k * k, sizeof(double)));
	if (!r->coef || !r->vcov) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto fail;
	}
	if (d.noisy) {
		if (o->noise_ignore) {
			r->noise = MNR_ITS_NOISE_IGNORED;
		} else if (o->model != MNR_ITS_OLS &&
			   o->errors == MNR_ITS_CLASSIC) {
			rc = noise_adjust(&d, o->model, &fit, err);
			if (rc)
				goto fail;
			r->noise_adjusted = 1;
			r->noise = MNR_ITS_NOISE_KNOWN;
		} else {
			r->noise = MNR_ITS_NOISE_RESIDUAL;
		}
		noise_warning(r, o->model);
	}
	memcpy(r->vcov, fit.vcov, k * k * sizeof(double));
	r->df_resid = fit.df_resid;
	r->inference_df = fit.inference_df;
	r->dispersion = fit.dispersion;
	r->pearson_dispersion = fit.pearson_dispersion;
	r->deviance = fit.deviance;
	r->theta = fit.theta;
	r->theta_se = fit.theta_se;
	r->rho = fit.rho;
	r->nw_lag = fit.nw_lag;
	crit = mnr_regress_crit(o->level, fit.inference_df);
	for (j = 0; j < k; j++) {
		struct mnr_its_coef *c = &r->coef[j];

		snprintf(c->term, sizeof(c->term), "%s", d.names[j]);
		c->estimate = fit.beta[j];
		c->std_error = sqrt(fit.vcov[j * k + j]);
		c->statistic = c->estimate / c->std_error;
		c->p_value = mnr_regress_pvalue(c->statistic, fit.inference_df);
		c->ci_low = c->estimate - crit * c->std_error;
		c->ci_high = c->estimate + crit * c->std_error;
		if (o->model != MNR_ITS_OLS) {
			c->exp_estimate = exp(c->estimate);
			c->exp_ci_low = exp(c->ci_low);
			c->exp_ci_high = exp(c->ci_high);
		} else {
			c->exp_estimate = c->exp_ci_low = c->exp_ci_high = NAN;
		}
	}
	if (o->no_diagnostics) {
		dg.durbin_watson = dg.bg1 = dg.bg1_p = dg.bg12 = dg.bg12_p = NAN;
		dg.lb = dg.lb_p = NAN;
		dg.lb_lag = 0;
	} else {
		rc = mnr_regress_diagnostics(d.X, d.nobs, k, fit.resid, &dg,
					     err);
		if (rc)
			goto fail;
	}
	r->diag.durbin_watson = dg.durbin_watson;
	r->diag.bg1 = dg.bg1;
	r->diag.bg1_p = dg.bg1_p;
	r->diag.bg12 = dg.bg12;
	r->diag.bg12_p = dg.bg12_p;
	r->diag.lb_lag = dg.lb_lag;
	r->diag.lb = dg.lb;
	r->diag.lb_p = dg.lb_p;
	r->diag.residuals = o->model != MNR_ITS_OLS ? "pearson"
		: o->errors == MNR_ITS_PRAIS_WINSTEN ? "whitened" : "raw";
	rc = compute_points(s, &d, o, &fit, r, crit, err);
	if (rc)
		goto fail;
	rc = compute_effects(&d, o, &fit, r, crit, err);
	if (rc)
		goto fail;
	if (o->errors == MNR_ITS_CLASSIC &&
	    ((dg.bg1_p < 0.05) || (dg.bg12_p < 0.05)))
		add_warning(r, "autocorrelation",
			"the residuals are autocorrelated (Breusch-Godfrey p < 0.05): classic intervals are too narrow; consider newey-west or prais-winsten errors");
	/*
	 * bench/its_coverage.sh: at 24 months Newey-West 95% intervals cover
	 * the level change 68-82% of the time (even without autocorrelation),
	 * at 120 months 83-91% for rho <= 0.6; Prais-Winsten does better.
	 */
	if (o->errors == MNR_ITS_NEWEY_WEST && d.nobs < 60)
		add_warning(r, "short-newey-west",
			"Newey-West intervals are too narrow in short series (in simulation, 95%% intervals covered 68-82%% of the time at 24 months); compare with prais-winsten");
	/*
	 * With noise the plain Pearson statistic exceeds 1 by about s/mu even
	 * for Poisson counts: judge overdispersion net of it.
	 */
	if (o->model == MNR_ITS_POISSON &&
	    (r->noise == MNR_ITS_NOISE_KNOWN ? net_dispersion(&d, &fit)
					     : fit.pearson_dispersion) > 1.5)
		add_warning(r, "overdispersion",
			"Pearson dispersion is above 1.5: Poisson intervals are too narrow; consider quasipoisson or negbin");
	if (o->model == MNR_ITS_NEGBIN && fit.theta_capped)
		add_warning(r, "no-overdispersion",
			"the negative binomial dispersion ran to its limit (no overdispersion); the fit equals the Poisson fit");
	mnr_regress_fit_free(&fit);
	design_free(&d);
	return MNR_OK;
fail:
	mnr_regress_fit_free(&fit);
	design_free(&d);
	mnr_its_result_free(r);
	return rc;
}

void mnr_its_sensitivity_free(struct mnr_its_sensitivity *t)
{
	if (!t)
		return;
	mnr__free(t->rows);
	t->rows = NULL;
	t->nrows = 0;
}

int mnr_its_sensitivity_run(const struct mnr_its_series *s, const int *iv,
			    size_t nint, const struct mnr_its_options *o,
			    struct mnr_its_sensitivity *t,
			    struct mnr_error *err)
{
	static const int grid[][2] = {
		{ MNR_ITS_OLS, MNR_ITS_CLASSIC },
		{ MNR_ITS_OLS, MNR_ITS_NEWEY_WEST },
		{ MNR_ITS_OLS, MNR_ITS_PRAIS_WINSTEN },
		{ MNR_ITS_POISSON, MNR_ITS_CLASSIC },
		{ MNR_ITS_POISSON, MNR_ITS_NEWEY_WEST },
		{ MNR_ITS_QUASIPOISSON, MNR_ITS_CLASSIC },
		{ MNR_ITS_QUASIPOISSON, MNR_ITS_NEWEY_WEST },
		{ MNR_ITS_NEGBIN, MNR_ITS_CLASSIC },
		{ MNR_ITS_NEGBIN, MNR_ITS_NEWEY_WEST },
	};
	size_t ng = sizeof(grid) / sizeof(grid[0]), g, i, prim = (size_t)-1;
	int counts_ok = 1, noisy_negative = 0, rc;
	double alpha = 1.0 - o->level;

	memset(t, 0, sizeof(*t));
	if (!s || !s->y || !o)
		return mnr_error_set(err, MNR_EINVAL, "its: missing input");
	/*
	 * A released value may be negative: noise on a count.  Poisson and
	 * quasipoisson take it (noise_adjust); negbin cannot (its row says
	 * so rather than refusing the whole grid).
	 */
	for (i = 0; i < s->n; i++) {
		int noisy = s->noise_var && isfinite(s->noise_var[i]) &&
			    s->noise_var[i] > 0.0;

		if (!isfinite(s->y[i]))
			continue;
		if ((s->y[i] < 0.0 && !noisy) || s->y[i] != floor(s->y[i]))
			counts_ok = 0;
		if (s->y[i] < 0.0 && noisy)
			noisy_negative = 1;
	}
	t->rows = mnr__calloc(ng, sizeof(*t->rows));
	if (!t->rows)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	t->nrows = ng;
	for (g = 0; g < ng; g++) {
		struct mnr_its_sens_row *row = &t->rows[g];
		struct mnr_its_options oo = *o;
		struct mnr_its_result r;
		struct mnr_error e;
		const struct mnr_its_coef *c = NULL;

		row->model = grid[g][0];
		row->errors = grid[g][1];
		row->estimate = row->std_error = row->ci_low = row->ci_high =
			row->p_value = row->exp_estimate = NAN;
		effect_nan(&row->end_rel);
		row->primary = row->model == o->model && row->errors == o->errors;
		if (row->model != MNR_ITS_OLS && !counts_ok) {
			row->status = MNR_EDOMAIN;
			snprintf(row->reason, sizeof(row->reason),
				 "count models need non-negative whole numbers");
			continue;
		}
		if (row->model == MNR_ITS_NEGBIN && noisy_negative) {
			row->status = MNR_EDOMAIN;
			snprintf(row->reason, sizeof(row->reason),
				 "negbin needs non-negative counts; some released values are negative (privacy noise)");
			continue;
		}
		if (row->model == MNR_ITS_OLS && o->use_offset) {
			row->status = MNR_EINVAL;
			snprintf(row->reason, sizeof(row->reason),
				 "ols takes no population offset");
			continue;
		}
		oo.model = row->model;
		oo.errors = row->errors;
		oo.no_diagnostics = 1;
		mnr_error_clear(&e);
		rc = mnr_its_fit(s, iv, nint, &oo, &r, &e);
		if (rc == MNR_EDATA || rc == MNR_ENOMEM ||
		    (rc == MNR_EINVAL && row->model == MNR_ITS_OLS)) {
			/* A design refusal concerns the whole question. */
			mnr_its_sensitivity_free(t);
			if (err && err->code == MNR_OK)
				*err = e;
			return rc;
		}
		if (rc) {
			row->status = rc;
			snprintf(row->reason, sizeof(row->reason), "%s", e.msg);
			continue;
		}
		for (i = 0; i < r.ncoef && !c; i++)
			if (strncmp(r.coef[i].term, "level_change", 12) == 0)
				c = &r.coef[i];
		for (i = 0; i < r.ncoef && !c; i++)
			if (strncmp(r.coef[i].term, "slope_change", 12) == 0)
				c = &r.coef[i];
		if (c) {
			snprintf(row->term, sizeof(row->term), "%s", c->term);
			row->estimate = c->estimate;
			row->std_error = c->std_error;
			row->ci_low = c->ci_low;
			row->ci_high = c->ci_high;
			row->p_value = c->p_value;
			row->exp_estimate = c->exp_estimate;
		}
		row->end_rel = r.end_rel;
		mnr_its_result_free(&r);
	}
	for (g = 0; g < ng; g++)
		if (t->rows[g].primary && t->rows[g].status == MNR_OK)
			prim = g;
	for (g = 0; g < ng && prim == (size_t)-1; g++)
		if (t->rows[g].status == MNR_OK)
			prim = g;
	if (prim == (size_t)-1)
		return MNR_OK;
	t->rows[prim].primary = 1;
	for (g = 0; g < ng; g++) {
		struct mnr_its_sens_row *row = &t->rows[g], *p = &t->rows[prim];

		if (g != prim)
			row->primary = 0;
		if (row->status != MNR_OK || g == prim)
			continue;
		row->sign_differs = (row->estimate > 0.0) != (p->estimate > 0.0);
		row->significance_differs =
			(row->p_value < alpha) != (p->p_value < alpha);
		if (row->sign_differs || row->significance_differs)
			t->any_disagreement = 1;
	}
	return MNR_OK;
}
