/*
 * Unit tests for the interrupted-time-series layer: every model x error x
 * seasonality combination on three committed series against R
 * (tests/reference/its/expected.csv, from expected.R), design-readiness
 * refusals and warnings, the sensitivity grid, allocation failures.
 */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "mnrstat/alloc.h"
#include "mnrstat/its.h"

#define REF_DIR MNR_SOURCE_DIR "/tests/reference/its/"

/* Relative tolerance against R; theta_se comes from R's Newton step. */
#define TOL 1e-6
#define TOL_OPT 1e-4

struct series {
	size_t n;
	int month[200];
	double y[200];
	double pop[200];
};

static int load_series(const char *name, struct series *s)
{
	char path[512], line[256];
	FILE *f;

	snprintf(path, sizeof(path), REF_DIR "%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	s->n = 0;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f) && s->n < 200) {
		char *c1 = strchr(line, ','), *c2, *end;

		if (!c1)
			continue;
		*c1 = '\0';
		c2 = strchr(c1 + 1, ',');
		if (!c2)
			continue;
		*c2 = '\0';
		if (mnr_its_month_parse(line, &s->month[s->n]) != MNR_OK)
			continue;
		s->y[s->n] = c1[1] ? strtod(c1 + 1, &end) : NAN;
		s->pop[s->n] = (c2[1] && c2[1] != '\n' && c2[1] != '\r')
			? strtod(c2 + 1, &end) : NAN;
		s->n++;
	}
	fclose(f);
	return 0;
}

static struct mnr_its_series view(const struct series *s)
{
	struct mnr_its_series v;

	v.n = s->n;
	v.month = s->month;
	v.y = s->y;
	v.population = s->pop;
	v.noise_var = NULL;
	return v;
}

struct expect {
	char casename[64];
	char quantity[24];
	int index;
	double value;
};

static struct expect *expected;
static size_t nexpected;

static int load_expected(void)
{
	char line[256];
	FILE *f = fopen(REF_DIR "expected.csv", "r");
	size_t alloc = 0;

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p1 = strchr(line, ','), *p2, *p3;

		if (!p1 || !(p2 = strchr(p1 + 1, ',')) ||
		    !(p3 = strchr(p2 + 1, ',')))
			continue;
		if (nexpected == alloc) {
			alloc = alloc ? 2 * alloc : 4096;
			expected = realloc(expected, alloc * sizeof(*expected));
			if (!expected) {
				fclose(f);
				return -1;
			}
		}
		*p1 = *p2 = *p3 = '\0';
		if (strlen(line) >= sizeof(expected->casename) ||
		    strlen(p1 + 1) >= sizeof(expected->quantity))
			continue;
		memcpy(expected[nexpected].casename, line, strlen(line) + 1);
		memcpy(expected[nexpected].quantity, p1 + 1, strlen(p1 + 1) + 1);
		expected[nexpected].index = (int)strtol(p2 + 1, NULL, 10);
		expected[nexpected].value = strtod(p3 + 1, NULL);
		nexpected++;
	}
	fclose(f);
	return 0;
}

static int group_setup(void **state)
{
	(void)state;
	gsl_set_error_handler_off();
	return load_expected();
}

static int group_teardown(void **state)
{
	(void)state;
	free(expected);
	return 0;
}

/* The value of quantity q[index] in result r, or NAN when unknown. */
static double got_value(const struct mnr_its_result *r, const char *q,
			int index, int *known)
{
	const struct mnr_its_effect *e = NULL;

	*known = 1;
	if (strcmp(q, "n_obs") == 0)
		return (double)r->n_obs;
	if (strcmp(q, "k") == 0)
		return (double)r->ncoef;
	if (strcmp(q, "dispersion") == 0)
		return r->dispersion;
	if (strcmp(q, "pearson_dispersion") == 0)
		return r->pearson_dispersion;
	if (strcmp(q, "theta") == 0)
		return r->theta;
	if (strcmp(q, "theta_se") == 0)
		return r->theta_se;
	if (strcmp(q, "rho") == 0)
		return r->rho;
	if (strcmp(q, "nw_lag") == 0)
		return (double)r->nw_lag;
	if (strcmp(q, "dw") == 0)
		return r->diag.durbin_watson;
	if (strcmp(q, "bg1") == 0)
		return r->diag.bg1;
	if (strcmp(q, "bg1_p") == 0)
		return r->diag.bg1_p;
	if (strcmp(q, "bg12") == 0)
		return r->diag.bg12;
	if (strcmp(q, "bg12_p") == 0)
		return r->diag.bg12_p;
	if (strcmp(q, "lb_lag") == 0)
		return (double)r->diag.lb_lag;
	if (strcmp(q, "lb") == 0)
		return r->diag.lb;
	if (strcmp(q, "lb_p") == 0)
		return r->diag.lb_p;
	if ((size_t)index < r->ncoef) {
		const struct mnr_its_coef *c = &r->coef[index];

		if (strcmp(q, "coef") == 0)
			return c->estimate;
		if (strcmp(q, "se") == 0)
			return c->std_error;
		if (strcmp(q, "p") == 0)
			return c->p_value;
		if (strcmp(q, "ci_low") == 0)
			return c->ci_low;
		if (strcmp(q, "ci_high") == 0)
			return c->ci_high;
	}
	if (strcmp(q, "fit") == 0 || strcmp(q, "cf") == 0) {
		size_t p = (size_t)index / 3, p0 = 0;
		int part = index % 3;
		const struct mnr_its_point *pt;

		/* R counts from the first intervention month. */
		while (p0 < r->npoints && r->points[p0].segment == 0)
			p0++;
		p += p0;

		if (p >= r->npoints) {
			*known = 0;
			return NAN;
		}
		pt = &r->points[p];
		if (q[0] == 'f')
			return part == 0 ? pt->fitted
			     : part == 1 ? pt->fitted_low : pt->fitted_high;
		return part == 0 ? pt->counterfactual
		     : part == 1 ? pt->cf_low : pt->cf_high;
	}
	if (strcmp(q, "end_abs") == 0)
		e = &r->end_abs;
	else if (strcmp(q, "end_rel") == 0)
		e = &r->end_rel;
	else if (strcmp(q, "cum_abs") == 0)
		e = &r->cum_abs;
	else if (strcmp(q, "cum_rel") == 0)
		e = &r->cum_rel;
	if (e) {
		switch (index) {
		case 0: return e->estimate;
		case 1: return e->std_error;
		case 2: return e->ci_low;
		default: return e->ci_high;
		}
	}
	*known = 0;
	return NAN;
}

/*
 * Case names: series/model/errors/season[/impact], errors possibly
 * "newey-west:LAG:adjust", season none|months|fourier2.
 */
static int run_reference_case(const char *name, struct mnr_its_result *r,
			      struct mnr_error *err)
{
	char buf[64], *part[5] = { 0 }, *p;
	size_t np = 0;
	struct mnr_its_options o;
	static struct series sa, sb, sc;
	static int loaded;
	const struct series *s;
	struct mnr_its_series v;
	int iv[2];
	size_t nint = 1;

	if (!loaded) {
		if (load_series("series_a.csv", &sa) ||
		    load_series("series_b.csv", &sb) ||
		    load_series("series_c.csv", &sc))
			return -1;
		loaded = 1;
	}
	snprintf(buf, sizeof(buf), "%s", name);
	for (p = buf; np < 5; np++) {
		part[np] = p;
		p = strchr(p, '/');
		if (!p) {
			np++;
			break;
		}
		*p++ = '\0';
	}
	mnr_its_options_init(&o);
	if (mnr_its_parse_model(part[1], &o))
		return -1;
	if (strncmp(part[2], "newey-west:", 11) == 0) {
		o.errors = MNR_ITS_NEWEY_WEST;
		o.nw_lag = strtol(part[2] + 11, &p, 10);
		o.nw_adjust = strcmp(p, ":adjust") == 0;
	} else if (mnr_its_parse_errors(part[2], &o)) {
		return -1;
	}
	if (mnr_its_parse_seasonality(strcmp(part[3], "fourier2") == 0
				      ? "fourier:2" : part[3], &o))
		return -1;
	if (np > 4 && mnr_its_parse_impact(part[4], &o))
		return -1;
	o.use_offset = o.model != MNR_ITS_OLS;
	if (part[0][0] == 'a') {
		s = &sa;
		mnr_its_month_parse("2020-01", &iv[0]);
	} else if (part[0][0] == 'b') {
		s = &sb;
		mnr_its_month_parse("2019-01", &iv[0]);
		mnr_its_month_parse("2020-07", &iv[1]);
		nint = 2;
	} else {
		s = &sc;
		mnr_its_month_parse("2022-09", &iv[0]);
		o.phase_in = 2;
	}
	v = view(s);
	if (o.model == MNR_ITS_OLS)
		v.population = NULL;
	return mnr_its_fit(&v, iv, nint, &o, r, err);
}

static void test_reference_all(void **state)
{
	size_t i = 0, ncases = 0, nchecked = 0, failures = 0;
	double worst = 0.0;
	char worst_what[128] = "";

	(void)state;
	assert_true(nexpected > 1000);
	while (i < nexpected) {
		struct mnr_its_result r;
		struct mnr_error err;
		const char *cname = expected[i].casename;
		size_t j;
		int rc;

		mnr_error_clear(&err);
		rc = run_reference_case(cname, &r, &err);
		if (rc != MNR_OK)
			fail_msg("case %s: status %d: %s", cname, rc, err.msg);
		ncases++;
		for (j = i; j < nexpected &&
		     strcmp(expected[j].casename, cname) == 0; j++) {
			const struct expect *e = &expected[j];
			int known;
			double got = got_value(&r, e->quantity, e->index, &known);
			double tol = strcmp(e->quantity, "theta_se") == 0
				? TOL_OPT : TOL;
			double rel;

			if (!known)
				fail_msg("case %s: unknown quantity %s[%d]",
					 cname, e->quantity, e->index);
			nchecked++;
			rel = e->value == 0.0 ? fabs(got)
				: fabs(got - e->value) / fabs(e->value);
			if (!mnr_test_rel_ok(got, e->value, tol)) {
				print_message("MISMATCH %s %s[%d]: got %.17g want %.17g\n",
					      cname, e->quantity, e->index, got,
					      e->value);
				failures++;
			} else if (rel > worst && strcmp(e->quantity, "theta_se")) {
				worst = rel;
				snprintf(worst_what, sizeof(worst_what),
					 "%s %s[%d]", cname, e->quantity,
					 e->index);
			}
		}
		mnr_its_result_free(&r);
		i = j;
	}
	print_message("reference: %zu cases, %zu values, worst relative difference %.3g (%s)\n",
		      ncases, nchecked, worst, worst_what);
	assert_int_equal(failures, 0);
	assert_true(ncases >= 60);
}

/* A simple series: n months from 2019-01, intervention at month index iv. */
static void make_series(struct series *s, size_t n, double base, double jump,
			size_t iv_at, unsigned long seed)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	size_t i;

	gsl_rng_set(rng, seed);
	s->n = n;
	for (i = 0; i < n; i++) {
		s->month[i] = 2019 * 12 + (int)i;
		s->y[i] = (double)gsl_ran_poisson(rng,
			base * (i >= iv_at ? jump : 1.0));
		s->pop[i] = 1e6;
	}
	gsl_rng_free(rng);
}

static int has_warning(const struct mnr_its_result *r, const char *code)
{
	size_t i;

	for (i = 0; i < r->nwarn; i++)
		if (strcmp(r->warn[i].code, code) == 0)
			return 1;
	return 0;
}

static void test_refuse_two_months_pre(void **state)
{
	struct series s;
	struct mnr_its_series v;
	struct mnr_its_options o;
	struct mnr_its_result r;
	struct mnr_error err;
	int iv = 2019 * 12 + 2;

	(void)state;
	make_series(&s, 24, 40.0, 1.5, 2, 1);
	v = view(&s);
	v.population = NULL;
	mnr_its_options_init(&o);
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r, &err), MNR_EDATA);
	assert_string_equal(err.rule, "too-short");
	assert_string_equal(err.msg,
		"only 2 months with a value before the intervention 2019-03; segmented regression needs at least 3 on each side");
	assert_null(r.coef);

	/* Three pre months are enough, with a warning. */
	iv++;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r, &err), MNR_OK);
	assert_int_equal(r.n_pre, 3);
	assert_int_equal(r.n_post, 21);
	assert_true(has_warning(&r, "short-segment"));
	assert_false(has_warning(&r, "short-newey-west"));
	mnr_its_result_free(&r);
	o.errors = MNR_ITS_NEWEY_WEST;
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r, &err), MNR_OK);
	assert_true(has_warning(&r, "short-newey-west"));
	assert_int_equal(r.nw_lag, 2); /* floor(4 (24/100)^(2/9)) */
	mnr_its_result_free(&r);
	o.errors = MNR_ITS_CLASSIC;

	/* A missing value does not count: 3 listed pre months, one empty. */
	s.y[1] = NAN;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r, &err), MNR_EDATA);
	assert_string_equal(err.rule, "too-short");

	/* Too few after the intervention. */
	make_series(&s, 24, 40.0, 1.5, 22, 1);
	iv = 2019 * 12 + 22;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r, &err), MNR_EDATA);
	assert_string_equal(err.msg,
		"only 2 months with a value from the intervention 2020-11 on; segmented regression needs at least 3 on each side");
}

static void test_gap_month_is_missing_not_zero(void **state)
{
	struct series s, t;
	struct mnr_its_series v, w;
	struct mnr_its_options o;
	struct mnr_its_result r1, r2, r0;
	struct mnr_error err;
	int iv = 2020 * 12;
	size_t i, j;

	(void)state;
	make_series(&s, 36, 30.0, 1.4, 12, 7);
	/* t: month 2019-06 absent from the list; s: present with NAN. */
	t.n = 0;
	for (i = 0; i < s.n; i++) {
		if (i == 5)
			continue;
		t.month[t.n] = s.month[i];
		t.y[t.n] = s.y[i];
		t.pop[t.n] = s.pop[i];
		t.n++;
	}
	s.y[5] = NAN;
	v = view(&s);
	w = view(&t);
	mnr_its_options_init(&o);
	o.model = MNR_ITS_POISSON;
	o.errors = MNR_ITS_NEWEY_WEST;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r1, &err), MNR_OK);
	assert_int_equal(mnr_its_fit(&w, &iv, 1, &o, &r2, &err), MNR_OK);
	assert_int_equal(r1.n_missing, 1);
	assert_int_equal(r2.n_missing, 1);
	assert_int_equal(r1.n_obs, 35);
	assert_int_equal(r1.n_pre, 11);
	assert_true(has_warning(&r1, "missing-months"));
	for (j = 0; j < r1.ncoef; j++) {
		assert_rel(r2.coef[j].estimate, r1.coef[j].estimate, 1e-12);
		assert_rel(r2.coef[j].std_error, r1.coef[j].std_error, 1e-12);
	}
	/* Treating the month as zero would change the fit. */
	s.y[5] = 0.0;
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r0, &err), MNR_OK);
	assert_int_equal(r0.n_missing, 0);
	assert_true(fabs(r0.coef[0].estimate - r1.coef[0].estimate) > 1e-3);
	mnr_its_result_free(&r0);
	mnr_its_result_free(&r1);
	mnr_its_result_free(&r2);
}

static void test_option_refusals(void **state)
{
	struct series s;
	struct mnr_its_series v;
	struct mnr_its_options o;
	struct mnr_its_result r;
	struct mnr_error err;
	int iv = 2020 * 12, ivs[2] = { 2020 * 12, 2020 * 12 };

	(void)state;
	make_series(&s, 36, 30.0, 1.4, 12, 3);
	v = view(&s);
	mnr_its_options_init(&o);
	o.model = MNR_ITS_POISSON;
	o.errors = MNR_ITS_PRAIS_WINSTEN;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r, &err), MNR_EINVAL);
	assert_string_equal(err.msg,
		"prais-winsten errors apply to the ols model only; use newey-west for count models");
	mnr_its_options_init(&o);
	o.use_offset = 1;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r, &err), MNR_EINVAL);
	mnr_its_options_init(&o);
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, ivs, 2, &o, &r, &err), MNR_EINVAL);
	iv = 2018 * 12;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r, &err), MNR_EDATA);
	assert_string_equal(err.rule, "intervention-range");
	/* Negative counts in a count model. */
	iv = 2020 * 12;
	s.y[4] = -1.0;
	o.model = MNR_ITS_NEGBIN;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r, &err), MNR_EDATA);
	assert_string_equal(err.rule, "negative-count");
	assert_non_null(strstr(err.msg, "2019-05"));
	/* Non-positive population with the offset. */
	s.y[4] = 3.0;
	s.pop[7] = 0.0;
	o.use_offset = 1;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r, &err), MNR_EDATA);
	assert_string_equal(err.rule, "population");
}

static void test_zero_and_tiny_counts(void **state)
{
	struct series s;
	struct mnr_its_series v;
	struct mnr_its_options o;
	struct mnr_its_result r;
	struct mnr_error err;
	int iv = 2020 * 12;
	size_t i;

	(void)state;
	make_series(&s, 36, 2.0, 1.5, 12, 5);
	v = view(&s);
	mnr_its_options_init(&o);
	o.model = MNR_ITS_QUASIPOISSON;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r, &err), MNR_OK);
	assert_true(has_warning(&r, "tiny-counts"));
	mnr_its_result_free(&r);

	/* Every count after the intervention zero: warned, still fitted. */
	for (i = 12; i < s.n; i++)
		s.y[i] = 0.0;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r, &err), MNR_OK);
	assert_true(has_warning(&r, "zero-segment"));
	assert_true(mnr_its_coef_find(&r, "level_change")->estimate < -20.0);
	mnr_its_result_free(&r);

	for (i = 0; i < s.n; i++)
		s.y[i] = 0.0;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r, &err), MNR_EDOMAIN);
	assert_string_equal(err.rule, "all-zero");
	o.model = MNR_ITS_OLS;
	v.population = NULL;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r, &err), MNR_OK);
	assert_true(has_warning(&r, "all-zero"));
	mnr_its_result_free(&r);
}

static void test_collinear_season_names_term(void **state)
{
	struct series s;
	struct mnr_its_series v;
	struct mnr_its_options o;
	struct mnr_its_result r;
	struct mnr_error err;
	int iv = 2019 * 12 + 6;
	size_t i;

	(void)state;
	/* 2019-01 .. 2019-12 with every November missing. */
	make_series(&s, 12, 30.0, 1.0, 6, 9);
	s.n = 14;
	s.month[12] = 2020 * 12;
	s.y[12] = 30.0;
	s.month[13] = 2020 * 12 + 1;
	s.y[13] = 31.0;
	s.y[10] = NAN;
	for (i = 0; i < s.n; i++)
		s.pop[i] = 1e6;
	v = view(&s);
	v.population = NULL;
	mnr_its_options_init(&o);
	o.seasonality = MNR_ITS_SEASON_MONTHS;
	o.impact = MNR_ITS_LEVEL;
	mnr_error_clear(&err);
	/* 13 observations, 14 coefficients: refused as too short. */
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r, &err), MNR_EDATA);
	assert_string_equal(err.rule, "too-short");
	/* Longer series, November never observed: the term is named. */
	make_series(&s, 48, 30.0, 1.0, 24, 9);
	for (i = 10; i < s.n; i += 12)
		s.y[i] = NAN;
	iv = 2021 * 12;
	v = view(&s);
	v.population = NULL;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r, &err), MNR_EDOMAIN);
	assert_non_null(strstr(err.msg, "month11"));
}

static void test_fourier6_equals_months(void **state)
{
	struct series s;
	struct mnr_its_series v;
	struct mnr_its_options o;
	struct mnr_its_result r1, r2;
	struct mnr_error err;
	int iv = 2021 * 12;
	size_t p;

	(void)state;
	make_series(&s, 48, 50.0, 1.3, 24, 11);
	v = view(&s);
	mnr_its_options_init(&o);
	o.model = MNR_ITS_POISSON;
	o.seasonality = MNR_ITS_SEASON_MONTHS;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r1, &err), MNR_OK);
	assert_int_equal(mnr_its_parse_seasonality("fourier:6", &o), MNR_OK);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r2, &err), MNR_OK);
	assert_int_equal(r1.ncoef, r2.ncoef);
	assert_string_equal(r2.coef[r2.ncoef - 1].term, "cos6");
	assert_int_equal(r1.npoints, r2.npoints);
	for (p = 0; p < r1.npoints; p++) {
		assert_rel(r2.points[p].fitted, r1.points[p].fitted, 1e-9);
		assert_rel(r2.points[p].cf_high, r1.points[p].cf_high, 1e-9);
	}
	/* Level and slope terms do not depend on the seasonal basis. */
	assert_rel(mnr_its_coef_find(&r2, "level_change")->estimate,
		   mnr_its_coef_find(&r1, "level_change")->estimate, 1e-9);
	mnr_its_result_free(&r1);
	mnr_its_result_free(&r2);
}

static void test_parse_options(void **state)
{
	struct mnr_its_options o;
	int m;
	char buf[16];

	(void)state;
	mnr_its_options_init(&o);
	assert_int_equal(mnr_its_parse_model("negbin", &o), MNR_OK);
	assert_int_equal(o.model, MNR_ITS_NEGBIN);
	assert_int_equal(mnr_its_parse_model("nb", &o), MNR_EINVAL);
	assert_int_equal(mnr_its_parse_errors("newey-west:7", &o), MNR_OK);
	assert_int_equal(o.errors, MNR_ITS_NEWEY_WEST);
	assert_int_equal(o.nw_lag, 7);
	assert_int_equal(mnr_its_parse_errors("newey-west", &o), MNR_OK);
	assert_int_equal(o.nw_lag, -1);
	assert_int_equal(mnr_its_parse_errors("newey-west:", &o), MNR_EINVAL);
	assert_int_equal(mnr_its_parse_errors("newey-west:-1", &o), MNR_EINVAL);
	assert_int_equal(mnr_its_parse_errors("prais-winsten", &o), MNR_OK);
	assert_int_equal(o.errors, MNR_ITS_PRAIS_WINSTEN);
	assert_int_equal(mnr_its_parse_seasonality("fourier:3", &o), MNR_OK);
	assert_int_equal(o.fourier_k, 3);
	assert_int_equal(mnr_its_parse_seasonality("fourier:7", &o), MNR_EINVAL);
	assert_int_equal(mnr_its_parse_seasonality("fourier:0", &o), MNR_EINVAL);
	assert_int_equal(mnr_its_parse_seasonality("weekly", &o), MNR_EINVAL);
	assert_int_equal(mnr_its_parse_impact("slope", &o), MNR_OK);
	assert_int_equal(o.impact, MNR_ITS_SLOPE);
	assert_int_equal(mnr_its_parse_impact("both", &o), MNR_EINVAL);
	assert_int_equal(mnr_its_month_parse("2023-11", &m), MNR_OK);
	assert_int_equal(m, 2023 * 12 + 10);
	mnr_its_month_format(m, buf, sizeof(buf));
	assert_string_equal(buf, "2023-11");
	assert_int_equal(mnr_its_month_parse("2023-13", &m), MNR_EINVAL);
	assert_int_equal(mnr_its_month_parse("2023-1", &m), MNR_EINVAL);
	assert_int_equal(mnr_its_month_parse("20x3-01", &m), MNR_EINVAL);
	assert_string_equal(mnr_its_errors_name(MNR_ITS_PRAIS_WINSTEN),
			    "prais-winsten");
	assert_string_equal(mnr_its_model_name(MNR_ITS_QUASIPOISSON),
			    "quasipoisson");
}

static void test_sensitivity_grid(void **state)
{
	struct series s;
	struct mnr_its_series v;
	struct mnr_its_options o;
	struct mnr_its_sensitivity t;
	struct mnr_its_result r;
	struct mnr_error err;
	int iv = 2021 * 12;
	size_t g, nok = 0, nprim = 0;

	(void)state;
	make_series(&s, 48, 60.0, 1.5, 24, 13);
	v = view(&s);
	mnr_its_options_init(&o);
	o.model = MNR_ITS_QUASIPOISSON;
	o.errors = MNR_ITS_NEWEY_WEST;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_sensitivity_run(&v, &iv, 1, &o, &t, &err),
			 MNR_OK);
	assert_int_equal(t.nrows, 9);
	for (g = 0; g < t.nrows; g++) {
		if (t.rows[g].status == MNR_OK)
			nok++;
		nprim += t.rows[g].primary;
	}
	assert_int_equal(nok, 9);
	assert_int_equal(nprim, 1);
	/* Every row agrees with a direct fit of the same combination. */
	for (g = 0; g < t.nrows; g++) {
		struct mnr_its_options oo = o;

		oo.model = t.rows[g].model;
		oo.errors = t.rows[g].errors;
		mnr_error_clear(&err);
		assert_int_equal(mnr_its_fit(&v, &iv, 1, &oo, &r, &err), MNR_OK);
		assert_string_equal(t.rows[g].term, "level_change");
		assert_rel(t.rows[g].estimate,
			   mnr_its_coef_find(&r, "level_change")->estimate, 1e-12);
		assert_rel(t.rows[g].p_value,
			   mnr_its_coef_find(&r, "level_change")->p_value, 1e-12);
		assert_rel(t.rows[g].end_rel.estimate, r.end_rel.estimate, 1e-12);
		if (t.rows[g].model == MNR_ITS_QUASIPOISSON &&
		    t.rows[g].errors == MNR_ITS_NEWEY_WEST)
			assert_int_equal(t.rows[g].primary, 1);
		mnr_its_result_free(&r);
	}
	/* A 50% jump is found by all of them: no disagreement. */
	assert_int_equal(t.any_disagreement, 0);
	mnr_its_sensitivity_free(&t);

	/* With an offset, ols is skipped; non-integer data skip count models. */
	o.use_offset = 1;
	assert_int_equal(mnr_its_sensitivity_run(&v, &iv, 1, &o, &t, &err),
			 MNR_OK);
	assert_int_not_equal(t.rows[0].status, MNR_OK);
	assert_int_equal(t.rows[3].status, MNR_OK);
	mnr_its_sensitivity_free(&t);
	o.use_offset = 0;
	o.model = MNR_ITS_OLS;
	s.y[3] = 10.5;
	assert_int_equal(mnr_its_sensitivity_run(&v, &iv, 1, &o, &t, &err),
			 MNR_OK);
	assert_int_equal(t.rows[0].status, MNR_OK);
	assert_int_equal(t.rows[3].status, MNR_EDOMAIN);
	mnr_its_sensitivity_free(&t);
	/* A design refusal refuses the whole grid. */
	iv = 2019 * 12 + 2;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_sensitivity_run(&v, &iv, 1, &o, &t, &err),
			 MNR_EDATA);
	assert_string_equal(err.rule, "too-short");
	assert_null(t.rows);
}

/*
 * Strongly autocorrelated errors (AR(1), rho 0.8): classic errors call the
 * level change significant, Prais-Winsten does not; the grid flags it.
 */
static void test_sensitivity_flags_disagreement(void **state)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	int month[48], iv = 2021 * 12;
	double y[48], u = 0.0;
	struct mnr_its_series v = { 48, month, y, NULL, NULL };
	struct mnr_its_options o;
	struct mnr_its_sensitivity t;
	struct mnr_error err;
	size_t i;

	(void)state;
	gsl_rng_set(rng, 3);
	for (i = 0; i < 48; i++) {
		month[i] = 2019 * 12 + (int)i;
		u = 0.8 * u + gsl_ran_gaussian(rng, 1.0);
		y[i] = 20.0 + 0.1 * (double)i + (i >= 24 ? 1.5 : 0.0) + u;
	}
	gsl_rng_free(rng);
	mnr_its_options_init(&o);
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_sensitivity_run(&v, &iv, 1, &o, &t, &err),
			 MNR_OK);
	assert_int_equal(t.rows[0].primary, 1);
	assert_true(t.rows[0].p_value < 0.05);
	assert_int_equal(t.rows[2].errors, MNR_ITS_PRAIS_WINSTEN);
	assert_true(t.rows[2].p_value > 0.05);
	assert_int_equal(t.rows[2].significance_differs, 1);
	assert_int_equal(t.rows[2].sign_differs, 0);
	assert_int_equal(t.any_disagreement, 1);
	/* Not whole numbers: the count models are not fitted. */
	for (i = 3; i < t.nrows; i++) {
		assert_int_equal(t.rows[i].status, MNR_EDOMAIN);
		assert_string_equal(t.rows[i].reason,
				    "count models need non-negative whole numbers");
	}
	mnr_its_sensitivity_free(&t);
}

/*
 * Known privacy noise with variance (phi - 1) mu_t makes the Poisson
 * classic covariance C + C (sum (phi-1) mu x x') C = phi C: exactly the
 * Poisson covariance scaled by phi.  No noise changes nothing.
 */
static void test_poisson_known_noise(void **state)
{
	struct series s;
	struct mnr_its_series v;
	struct mnr_its_options o;
	struct mnr_its_result r0, r1, r2;
	struct mnr_error err;
	double noise[200];
	int iv = 2020 * 12;
	size_t i, j, p0;
	const double phi = 2.5;

	(void)state;
	make_series(&s, 36, 40.0, 1.3, 12, 23);
	v = view(&s);
	v.population = NULL;
	mnr_its_options_init(&o);
	o.model = MNR_ITS_POISSON;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r0, &err), MNR_OK);
	assert_int_equal(r0.noise_adjusted, 0);
	assert_int_equal(r0.noise, MNR_ITS_NOISE_NONE);
	assert_false(has_warning(&r0, "privacy-noise"));
	/* A noise column of zeros is no noise. */
	for (i = 0; i < s.n; i++)
		noise[i] = 0.0;
	v.noise_var = noise;
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r1, &err), MNR_OK);
	assert_int_equal(r1.noise, MNR_ITS_NOISE_NONE);
	for (j = 0; j < r0.ncoef; j++)
		assert_rel(r1.coef[j].std_error, r0.coef[j].std_error, 1e-14);
	mnr_its_result_free(&r1);
	/*
	 * s_t = (phi - 1) mu_t makes var y = phi mu exactly: the sandwich
	 * C + C M C is then phi C, standard errors times sqrt(phi), and the
	 * estimates are the Poisson ones.
	 */
	for (p0 = 0; p0 < r0.npoints; p0++)
		noise[p0] = (phi - 1.0) * r0.points[p0].fitted;
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r2, &err), MNR_OK);
	assert_int_equal(r2.noise_adjusted, 1);
	assert_int_equal(r2.noise, MNR_ITS_NOISE_KNOWN);
	assert_true(has_warning(&r2, "privacy-noise"));
	/* Net of the noise the counts are not overdispersed. */
	assert_false(has_warning(&r2, "overdispersion"));
	for (j = 0; j < r0.ncoef; j++) {
		assert_rel(r2.coef[j].estimate, r0.coef[j].estimate, 1e-14);
		assert_rel(r2.coef[j].std_error,
			   sqrt(phi) * r0.coef[j].std_error, 1e-9);
	}
	mnr_its_result_free(&r2);
	/* On request the noise is ignored (and the output says so). */
	o.noise_ignore = 1;
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r2, &err), MNR_OK);
	assert_int_equal(r2.noise, MNR_ITS_NOISE_IGNORED);
	assert_true(has_warning(&r2, "privacy-noise"));
	for (j = 0; j < r0.ncoef; j++)
		assert_rel(r2.coef[j].std_error, r0.coef[j].std_error, 1e-14);
	mnr_its_result_free(&r2);
	o.noise_ignore = 0;
	/* Newey-West takes the noise from the residuals: no known term. */
	o.errors = MNR_ITS_NEWEY_WEST;
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r2, &err), MNR_OK);
	assert_int_equal(r2.noise_adjusted, 0);
	assert_int_equal(r2.noise, MNR_ITS_NOISE_RESIDUAL);
	assert_true(has_warning(&r2, "privacy-noise"));
	mnr_its_result_free(&r2);
	/* So does ols. */
	o.errors = MNR_ITS_CLASSIC;
	o.model = MNR_ITS_OLS;
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r2, &err), MNR_OK);
	assert_int_equal(r2.noise, MNR_ITS_NOISE_RESIDUAL);
	mnr_its_result_free(&r2);
	mnr_its_result_free(&r0);
}

/*
 * Quasi-Poisson with known noise: phi is estimated net of the noise,
 * phi = phi_P - sum(s/mu)/(n-k), and the covariance is phi C1 + C1 M C1.
 * With s_t = c mu_t, M = c C1^-1, so the covariance is (phi + c) C1 and
 * the standard errors are those of the plain Poisson fit times
 * sqrt(phi_P - c n/(n-k) + c).
 */
static void test_quasipoisson_known_noise(void **state)
{
	struct series s;
	struct mnr_its_series v;
	struct mnr_its_options o;
	struct mnr_its_result rp, rq;
	struct mnr_error err;
	double noise[200], f;
	int iv = 2020 * 12;
	size_t p0, j;
	const double cs[2] = { 0.3, 0.9 };
	size_t t;

	(void)state;
	make_series(&s, 36, 40.0, 1.3, 12, 29);
	v = view(&s);
	v.population = NULL;
	mnr_its_options_init(&o);
	o.model = MNR_ITS_POISSON;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &rp, &err), MNR_OK);
	for (t = 0; t < 2; t++) {
		double c = cs[t], phi;

		for (p0 = 0; p0 < rp.npoints; p0++)
			noise[p0] = c * rp.points[p0].fitted;
		v.noise_var = noise;
		o.model = MNR_ITS_QUASIPOISSON;
		assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &rq, &err),
				 MNR_OK);
		assert_int_equal(rq.noise, MNR_ITS_NOISE_KNOWN);
		phi = rp.pearson_dispersion -
		      c * (double)rp.n_obs / rp.df_resid;
		/* The second noise level is larger than the residual
		 * variation: phi floors at 0, the noise alone remains. */
		if (t == 0) {
			assert_true(phi > 0.0);
			assert_rel(rq.dispersion, phi, 1e-9);
		} else {
			assert_true(phi < 0.0);
			assert_true(rq.dispersion == 0.0);
			phi = 0.0;
		}
		f = phi + c;
		for (j = 0; j < rp.ncoef; j++) {
			assert_rel(rq.coef[j].estimate, rp.coef[j].estimate,
				   1e-12);
			assert_rel(rq.coef[j].std_error,
				   sqrt(f) * rp.coef[j].std_error, 1e-9);
		}
		mnr_its_result_free(&rq);
	}
	mnr_its_result_free(&rp);
}

/*
 * Negative binomial with known noise: with s_t = c V_t, V = mu + mu^2/theta,
 * M = sum (mu/V)^2 s x x' = c C^-1, so the covariance is (1 + c) C.
 */
static void test_negbin_known_noise(void **state)
{
	struct series s;
	struct mnr_its_series v;
	struct mnr_its_options o;
	struct mnr_its_result r0, r1;
	struct mnr_error err;
	double noise[200];
	int iv = 2020 * 12;
	size_t p0, j;
	const double c = 0.6;

	(void)state;
	make_series(&s, 36, 40.0, 1.3, 12, 31);
	/* Overdispersion, so that theta is finite. */
	for (j = 0; j < s.n; j += 3)
		s.y[j] *= 1.5;
	for (j = 0; j < s.n; j++)
		s.y[j] = floor(s.y[j]);
	v = view(&s);
	v.population = NULL;
	mnr_its_options_init(&o);
	o.model = MNR_ITS_NEGBIN;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r0, &err), MNR_OK);
	assert_true(isfinite(r0.theta) && r0.theta < 1e6);
	for (p0 = 0; p0 < r0.npoints; p0++) {
		double mu = r0.points[p0].fitted;

		noise[p0] = c * (mu + mu * mu / r0.theta);
	}
	v.noise_var = noise;
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r1, &err), MNR_OK);
	assert_int_equal(r1.noise, MNR_ITS_NOISE_KNOWN);
	for (j = 0; j < r0.ncoef; j++)
		assert_rel(r1.coef[j].std_error,
			   sqrt(1.0 + c) * r0.coef[j].std_error, 1e-9);
	mnr_its_result_free(&r1);
	mnr_its_result_free(&r0);
}

/*
 * A released panel may hold negative values (count plus noise): poisson
 * and quasipoisson fit them; negbin refuses with a message naming the
 * noise; without a noise column a negative count is refused as before.
 */
static void test_noisy_negative_values(void **state)
{
	struct series s;
	struct mnr_its_series v;
	struct mnr_its_options o;
	struct mnr_its_result r;
	struct mnr_error err;
	double noise[200];
	int iv = 2020 * 12;
	size_t i;

	(void)state;
	make_series(&s, 36, 3.0, 0.6, 12, 37);
	s.y[4] = -2.0;
	s.y[20] = -1.0;
	for (i = 0; i < s.n; i++)
		noise[i] = 1.0;
	v = view(&s);
	v.population = NULL;
	mnr_its_options_init(&o);
	o.model = MNR_ITS_POISSON;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r, &err), MNR_EDATA);
	v.noise_var = noise;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r, &err), MNR_OK);
	assert_true(isfinite(r.coef[2].std_error));
	assert_true(r.coef[2].ci_low < log(0.6) + 1.0);
	mnr_its_result_free(&r);
	o.model = MNR_ITS_QUASIPOISSON;
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r, &err), MNR_OK);
	mnr_its_result_free(&r);
	o.model = MNR_ITS_NEGBIN;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r, &err), MNR_EDATA);
	assert_non_null(strstr(err.msg, "privacy noise"));
}

/* A known 60% jump in a long Poisson series is inside the interval. */
static void test_recovers_known_effect(void **state)
{
	struct series s;
	struct mnr_its_series v;
	struct mnr_its_options o;
	struct mnr_its_result r;
	struct mnr_error err;
	int iv = 2022 * 12;
	const struct mnr_its_coef *c;

	(void)state;
	make_series(&s, 72, 80.0, 1.6, 36, 17);
	v = view(&s);
	mnr_its_options_init(&o);
	o.model = MNR_ITS_POISSON;
	o.impact = MNR_ITS_LEVEL;
	mnr_error_clear(&err);
	assert_int_equal(mnr_its_fit(&v, &iv, 1, &o, &r, &err), MNR_OK);
	c = mnr_its_coef_find(&r, "level_change");
	assert_non_null(c);
	assert_true(c->exp_ci_low < 1.6 && 1.6 < c->exp_ci_high);
	assert_true(c->p_value < 1e-6);
	assert_true(r.end_rel.ci_low < 0.6 && 0.6 < r.end_rel.ci_high);
	assert_int_equal(r.npoints, 72);
	assert_int_equal(r.points[35].segment, 0);
	assert_true(isnan(r.points[35].counterfactual));
	assert_int_equal(r.points[36].segment, 1);
	assert_rel(r.points[71].fitted / r.points[71].counterfactual - 1.0,
		   r.end_rel.estimate, 1e-12);
	mnr_its_result_free(&r);
}

static void test_allocation_failures(void **state)
{
	struct series s;
	struct mnr_its_series v;
	struct mnr_its_options o;
	struct mnr_its_result r;
	struct mnr_its_sensitivity t;
	struct mnr_error err;
	int iv = 2020 * 12, rc;
	unsigned long nth;

	(void)state;
	make_series(&s, 36, 30.0, 1.4, 12, 19);
	v = view(&s);
	mnr_its_options_init(&o);
	o.model = MNR_ITS_NEGBIN;
	o.errors = MNR_ITS_NEWEY_WEST;
	for (nth = 1; nth < 200; nth++) {
		mnr_error_clear(&err);
		mnr_alloc_fail_after(nth);
		rc = mnr_its_fit(&v, &iv, 1, &o, &r, &err);
		mnr_alloc_fail_after(0);
		if (rc == MNR_OK) {
			mnr_its_result_free(&r);
			break;
		}
		assert_int_equal(rc, MNR_ENOMEM);
		assert_null(r.coef);
	}
	assert_true(nth > 5 && nth < 200);
	for (nth = 1; nth < 2000; nth++) {
		mnr_error_clear(&err);
		mnr_alloc_fail_after(nth);
		rc = mnr_its_sensitivity_run(&v, &iv, 1, &o, &t, &err);
		mnr_alloc_fail_after(0);
		if (rc == MNR_OK) {
			mnr_its_sensitivity_free(&t);
			break;
		}
		assert_int_equal(rc, MNR_ENOMEM);
	}
	assert_true(nth < 2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_all),
		cmocka_unit_test(test_refuse_two_months_pre),
		cmocka_unit_test(test_gap_month_is_missing_not_zero),
		cmocka_unit_test(test_option_refusals),
		cmocka_unit_test(test_zero_and_tiny_counts),
		cmocka_unit_test(test_collinear_season_names_term),
		cmocka_unit_test(test_fourier6_equals_months),
		cmocka_unit_test(test_parse_options),
		cmocka_unit_test(test_sensitivity_grid),
		cmocka_unit_test(test_sensitivity_flags_disagreement),
		cmocka_unit_test(test_poisson_known_noise),
		cmocka_unit_test(test_quasipoisson_known_noise),
		cmocka_unit_test(test_negbin_known_noise),
		cmocka_unit_test(test_noisy_negative_values),
		cmocka_unit_test(test_recovers_known_effect),
		cmocka_unit_test(test_allocation_failures),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
