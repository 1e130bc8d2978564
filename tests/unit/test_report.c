/*
 * Unit tests of the report: the sentence never contradicts its numbers
 * (every branch, then a grid of estimates and intervals), the checklist
 * follows its thresholds, and a whole report on the small fixture writes
 * results.json whose every sentence agrees with the numbers stored beside
 * it.
 */
#include "test_util.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <jansson.h>

#include "mnrstat/report.h"

/* ---- the sentence checker, shared by every test ------------------------ */

/*
 * Check that sentence says what v says: the direction word, the
 * significance phrase, the improvement word and the sign of the number
 * printed after "changed by".
 */
static void check_sentence(const struct mnr_report_estimate *e,
			   const char *s)
{
	struct mnr_report_verdict v;
	const char *num;

	mnr_report_classify(e, &v);
	if (!v.valid) {
		assert_true(strstr(s, "no estimate could be made") != NULL ||
			    strstr(s, "the estimate has no interval, so no "
				   "conclusion is drawn.") != NULL);
		assert_null(strstr(s, "changed by"));
		assert_null(strstr(s, "clear"));
		return;
	}
	assert_null(strstr(s, "no estimate"));
	num = strstr(s, "changed by ");
	assert_non_null(num);
	num += strlen("changed by ");
	if (v.direction > 0)
		assert_int_equal(num[0], '+');
	else if (v.direction < 0)
		assert_int_equal(num[0], '-');
	else
		assert_int_equal(num[0], '0');
	if (v.significant) {
		assert_null(strstr(s, "no clear effect"));
		assert_null(strstr(s, "includes no change"));
		if (v.direction > 0) {
			assert_non_null(strstr(s, ", a clear increase"));
			assert_null(strstr(s, "decrease"));
		} else {
			assert_true(v.direction < 0);
			assert_non_null(strstr(s, ", a clear decrease"));
			assert_null(strstr(s, "increase"));
		}
	} else {
		assert_null(strstr(s, "a clear"));
		assert_non_null(strstr(s, "the interval includes no change, "
					  "so the data show no clear effect."));
		assert_non_null(strstr(s, v.direction > 0 ?
				       "the estimate is higher" :
				       v.direction < 0 ?
				       "the estimate is lower" :
				       "the estimate is unchanged"));
	}
	if (v.improvement > 0) {
		assert_non_null(strstr(s, "; an improvement."));
		assert_null(strstr(s, "deterioration"));
	} else if (v.improvement < 0) {
		assert_non_null(strstr(s, "; a deterioration."));
		assert_null(strstr(s, "improvement"));
	} else {
		assert_null(strstr(s, "improvement"));
		assert_null(strstr(s, "deterioration"));
	}
}

static struct mnr_report_estimate est(int scale, double e, double lo,
				      double hi, int better)
{
	struct mnr_report_estimate x;

	memset(&x, 0, sizeof(x));
	x.label = "reports per month";
	x.unit = scale == MNR_REPORT_DIFF ? "hours" : NULL;
	x.scale = scale;
	x.estimate = e;
	x.ci_low = lo;
	x.ci_high = hi;
	x.level = 0.95;
	x.better = better;
	return x;
}

/* One row per branch: the verdict expected and the exact sentence. */
static void test_report_sentence_branches(void **state)
{
	static const struct {
		int scale; double e, lo, hi; int better;
		int valid, dir, sig, imp;
		const char *text;
	} cases[] = {
		{ MNR_REPORT_RATIO, 1.25, 1.10, 1.40, MNR_REPORT_BETTER_HIGHER,
		  1, 1, 1, 1,
		  "After adoption, reports per month changed by +25% (95% "
		  "interval +10% to +40%), a clear increase; an improvement." },
		{ MNR_REPORT_RATIO, 1.25, 1.10, 1.40, MNR_REPORT_BETTER_LOWER,
		  1, 1, 1, -1,
		  "After adoption, reports per month changed by +25% (95% "
		  "interval +10% to +40%), a clear increase; a deterioration." },
		{ MNR_REPORT_RATIO, 1.25, 1.10, 1.40, MNR_REPORT_BETTER_NONE,
		  1, 1, 1, 0,
		  "After adoption, reports per month changed by +25% (95% "
		  "interval +10% to +40%), a clear increase." },
		{ MNR_REPORT_RATIO, 0.8, 0.7, 0.9, MNR_REPORT_BETTER_LOWER,
		  1, -1, 1, 1,
		  "After adoption, reports per month changed by -20% (95% "
		  "interval -30% to -10%), a clear decrease; an improvement." },
		{ MNR_REPORT_RATIO, 0.8, 0.7, 0.9, MNR_REPORT_BETTER_HIGHER,
		  1, -1, 1, -1,
		  "After adoption, reports per month changed by -20% (95% "
		  "interval -30% to -10%), a clear decrease; a deterioration." },
		{ MNR_REPORT_RATIO, 0.8, 0.7, 0.9, MNR_REPORT_BETTER_NONE,
		  1, -1, 1, 0,
		  "After adoption, reports per month changed by -20% (95% "
		  "interval -30% to -10%), a clear decrease." },
		{ MNR_REPORT_RATIO, 1.05, 0.9, 1.2, MNR_REPORT_BETTER_HIGHER,
		  1, 1, 0, 0,
		  "After adoption, reports per month changed by +5% (95% "
		  "interval -10% to +20%); the estimate is higher, but the "
		  "interval includes no change, so the data show no clear "
		  "effect." },
		{ MNR_REPORT_DIFF, -2.5, -6, 1, MNR_REPORT_BETTER_LOWER,
		  1, -1, 0, 0,
		  "After adoption, reports per month changed by -2.5 hours "
		  "(95% interval -6 hours to +1 hours); the estimate is lower, "
		  "but the interval includes no change, so the data show no "
		  "clear effect." },
		{ MNR_REPORT_DIFF, 0, -1, 1, MNR_REPORT_BETTER_HIGHER,
		  1, 0, 0, 0,
		  "After adoption, reports per month changed by 0 hours (95% "
		  "interval -1 hours to +1 hours); the estimate is unchanged, "
		  "but the interval includes no change, so the data show no "
		  "clear effect." },
		/* Large changes in whole numbers, never e-notation. */
		{ MNR_REPORT_RATIO, 13.5, 11, 16, MNR_REPORT_BETTER_HIGHER,
		  1, 1, 1, 1,
		  "After adoption, reports per month changed by +1250% (95% "
		  "interval +1000% to +1500%), a clear increase; an "
		  "improvement." },
		/* An interval touching "no change" does not exclude it. */
		{ MNR_REPORT_DIFF, 3, 0, 6, MNR_REPORT_BETTER_HIGHER,
		  1, 1, 0, 0, NULL },
		{ MNR_REPORT_RATIO, 2, 1, 3, MNR_REPORT_BETTER_HIGHER,
		  1, 1, 0, 0, NULL },
		/* Tiny but clear: the printed number is never "0". */
		{ MNR_REPORT_DIFF, 0.0004, 0.0001, 0.0007,
		  MNR_REPORT_BETTER_HIGHER, 1, 1, 1, 1, NULL },
		/* Invalid: NaN, reversed interval, estimate outside its
		 * interval, infinite ratio, negative ratio limit. */
		{ MNR_REPORT_RATIO, NAN, 0.5, 2, MNR_REPORT_BETTER_HIGHER,
		  0, 0, 0, 0,
		  "After adoption, reports per month: no estimate could be "
		  "made." },
		{ MNR_REPORT_DIFF, 1, 2, 0, MNR_REPORT_BETTER_HIGHER,
		  0, 0, 0, 0, NULL },
		{ MNR_REPORT_DIFF, 0.7, NAN, NAN, MNR_REPORT_BETTER_HIGHER,
		  0, 0, 0, 0,
		  "After adoption, reports per month: the estimate has no "
		  "interval, so no conclusion is drawn." },
		{ MNR_REPORT_DIFF, 5, 0, 2, MNR_REPORT_BETTER_HIGHER,
		  0, 0, 0, 0, NULL },
		{ MNR_REPORT_RATIO, INFINITY, 1, INFINITY,
		  MNR_REPORT_BETTER_HIGHER, 0, 0, 0, 0, NULL },
		{ MNR_REPORT_RATIO, 1, -0.5, 2, MNR_REPORT_BETTER_HIGHER,
		  0, 0, 0, 0, NULL },
	};
	size_t i;
	char buf[512];

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mnr_report_estimate e = est(cases[i].scale, cases[i].e,
						   cases[i].lo, cases[i].hi,
						   cases[i].better);
		struct mnr_report_verdict v;

		mnr_report_classify(&e, &v);
		assert_int_equal(v.valid, cases[i].valid);
		assert_int_equal(v.direction, cases[i].dir);
		assert_int_equal(v.significant, cases[i].sig);
		assert_int_equal(v.improvement, cases[i].imp);
		assert_int_equal(mnr_report_sentence(&e, buf, sizeof(buf),
						     NULL), MNR_OK);
		if (cases[i].text)
			assert_string_equal(buf, cases[i].text);
		check_sentence(&e, buf);
	}
}

/* Every combination of a grid of estimates and limits, both scales, all
 * three improvement directions: the words always match the numbers. */
static void test_report_sentence_grid(void **state)
{
	static const double g[] = {
		-3, -1, -0.2, -1e-5, 0, 1e-5, 0.3, 0.999, 1, 1.001, 1.5, 4, NAN
	};
	size_t n = sizeof(g) / sizeof(g[0]), a, b, c;
	int scale, better;
	char buf[512];
	size_t checked = 0;

	(void)state;
	for (scale = 0; scale <= 1; scale++)
		for (better = 0; better <= 2; better++)
			for (a = 0; a < n; a++)
				for (b = 0; b < n; b++)
					for (c = 0; c < n; c++) {
						struct mnr_report_estimate e =
							est(scale, g[a], g[b],
							    g[c], better);

						assert_int_equal(
							mnr_report_sentence(
								&e, buf,
								sizeof(buf),
								NULL), MNR_OK);
						check_sentence(&e, buf);
						checked++;
					}
	assert_int_equal(checked, 2 * 3 * n * n * n);
}

static void test_report_sentence_small_buffer(void **state)
{
	struct mnr_report_estimate e = est(MNR_REPORT_RATIO, 1.2, 1.1, 1.3,
					   MNR_REPORT_BETTER_HIGHER);
	struct mnr_error err;
	char buf[20];

	(void)state;
	mnr_error_clear(&err);
	assert_int_equal(mnr_report_sentence(&e, buf, sizeof(buf), &err),
			 MNR_EINVAL);
	assert_string_equal(buf, "");
	assert_int_equal(err.code, MNR_EINVAL);
}

/* ---- checklist ---------------------------------------------------------- */

static struct mnr_report_check_input good_input(void)
{
	struct mnr_report_check_input in;

	memset(&in, 0, sizeof(in));
	in.n_pre = 8;
	in.n_post = 8;
	in.seasonality = 1;
	in.diagnostics = 1;
	in.lb_p = 0.4;
	in.bg_p = 0.3;
	in.robust_errors = 1;
	in.design_has_controls = 1;
	in.n_controls = 6;
	return in;
}

static void test_report_checklist_all_met(void **state)
{
	struct mnr_report_check_input in = good_input();
	struct mnr_report_check_item it[MNR_REPORT_NCHECK];
	size_t k;

	(void)state;
	mnr_report_checklist(&in, it);
	for (k = 0; k < MNR_REPORT_NCHECK; k++)
		assert_int_equal(it[k].state, MNR_REPORT_MET);
	assert_string_equal(it[MNR_REPORT_CHECK_PRE].id, "points_before");
	assert_string_equal(it[MNR_REPORT_CHECK_CONTROLS].id,
			    "control_countries");
	assert_string_equal(it[MNR_REPORT_CHECK_PRE].detail,
			    "8 months with a value before the intervention "
			    "(at least 8 needed)");
	assert_string_equal(it[MNR_REPORT_CHECK_AUTOCORR].detail,
			    "Ljung-Box p = 0.400, Breusch-Godfrey p = 0.300; "
			    "no autocorrelation found at the 5% level; "
			    "Newey-West errors used");
	assert_string_equal(it[MNR_REPORT_CHECK_CONTROLS].detail,
			    "6 countries that had not adopted used as "
			    "controls (Callaway-Sant'Anna)");
}

static void test_report_checklist_thresholds(void **state)
{
	struct mnr_report_check_input in = good_input();
	struct mnr_report_check_item it[MNR_REPORT_NCHECK];

	(void)state;
	in.n_pre = 7;
	in.n_post = 120;
	mnr_report_checklist(&in, it);
	assert_int_equal(it[MNR_REPORT_CHECK_PRE].state, MNR_REPORT_NOT_MET);
	assert_int_equal(it[MNR_REPORT_CHECK_POST].state, MNR_REPORT_MET);

	in = good_input();
	in.n_post = 3;
	in.seasonality = 0;
	mnr_report_checklist(&in, it);
	assert_int_equal(it[MNR_REPORT_CHECK_POST].state, MNR_REPORT_NOT_MET);
	assert_int_equal(it[MNR_REPORT_CHECK_SEASON].state, MNR_REPORT_NOT_MET);
	assert_string_equal(it[MNR_REPORT_CHECK_SEASON].detail,
			    "no seasonal terms in the model fitted");

	/* Checked and found: still met (it was checked), and said. */
	in = good_input();
	in.lb_p = 0.0004;
	in.bg_p = NAN;
	mnr_report_checklist(&in, it);
	assert_int_equal(it[MNR_REPORT_CHECK_AUTOCORR].state, MNR_REPORT_MET);
	assert_string_equal(it[MNR_REPORT_CHECK_AUTOCORR].detail,
			    "Ljung-Box p < 0.001; autocorrelation found; "
			    "Newey-West errors used");

	/* Not computed: not met. */
	in = good_input();
	in.diagnostics = 0;
	mnr_report_checklist(&in, it);
	assert_int_equal(it[MNR_REPORT_CHECK_AUTOCORR].state,
			 MNR_REPORT_NOT_MET);
	in = good_input();
	in.lb_p = NAN;
	in.bg_p = NAN;
	mnr_report_checklist(&in, it);
	assert_int_equal(it[MNR_REPORT_CHECK_AUTOCORR].state,
			 MNR_REPORT_NOT_MET);

	/* Controls: a one-country design never meets it; an all-country
	 * design without non-adopters does not either. */
	in = good_input();
	in.design_has_controls = 0;
	mnr_report_checklist(&in, it);
	assert_int_equal(it[MNR_REPORT_CHECK_CONTROLS].state,
			 MNR_REPORT_NOT_MET);
	assert_non_null(strstr(it[MNR_REPORT_CHECK_CONTROLS].detail,
			       "no control countries"));
	in = good_input();
	in.n_controls = 0;
	mnr_report_checklist(&in, it);
	assert_int_equal(it[MNR_REPORT_CHECK_CONTROLS].state,
			 MNR_REPORT_NOT_MET);
	assert_string_equal(it[MNR_REPORT_CHECK_CONTROLS].detail,
			    "no country without adoption was available as a "
			    "control");
	in.n_available = 6;
	mnr_report_checklist(&in, it);
	assert_int_equal(it[MNR_REPORT_CHECK_CONTROLS].state,
			 MNR_REPORT_NOT_MET);
	assert_string_equal(it[MNR_REPORT_CHECK_CONTROLS].detail,
			    "6 countries without adoption in the data, but "
			    "the comparison with them could not be estimated");
	in.n_available = 0;
	in.n_controls = 1;
	mnr_report_checklist(&in, it);
	assert_string_equal(it[MNR_REPORT_CHECK_CONTROLS].detail,
			    "1 country that had not adopted used as controls "
			    "(Callaway-Sant'Anna)");
	assert_string_equal(mnr_report_check_state_name(MNR_REPORT_MET), "met");
	assert_string_equal(mnr_report_check_state_name(MNR_REPORT_NOT_MET),
			    "not met");
}

/* ---- a whole report ------------------------------------------------------ */

static int have_gnuplot(void)
{
	return system("gnuplot -e exit >/dev/null 2>&1") == 0;
}

/* Rebuild the estimate stored in a results.json headline and check its
 * stored verdict and sentence against the numbers. */
static size_t check_head(json_t *h)
{
	struct mnr_report_estimate e;
	struct mnr_report_verdict v;
	json_t *x;
	const char *scale, *better, *dir, *sentence;

	assert_non_null(h);
	memset(&e, 0, sizeof(e));
	scale = json_string_value(json_object_get(h, "scale"));
	better = json_string_value(json_object_get(h, "better"));
	assert_non_null(scale);
	assert_non_null(better);
	e.scale = strcmp(scale, "ratio") == 0 ? MNR_REPORT_RATIO
					      : MNR_REPORT_DIFF;
	e.better = strcmp(better, "higher") == 0 ? MNR_REPORT_BETTER_HIGHER :
		   strcmp(better, "lower") == 0 ? MNR_REPORT_BETTER_LOWER :
		   MNR_REPORT_BETTER_NONE;
	x = json_object_get(h, "estimate");
	e.estimate = json_is_number(x) ? json_number_value(x) : NAN;
	x = json_object_get(h, "ci_low");
	e.ci_low = json_is_number(x) ? json_number_value(x) : NAN;
	x = json_object_get(h, "ci_high");
	e.ci_high = json_is_number(x) ? json_number_value(x) : NAN;
	e.level = 0.95;
	mnr_report_classify(&e, &v);
	assert_int_equal(json_is_true(json_object_get(h, "valid")), v.valid);
	assert_int_equal(json_is_true(json_object_get(h, "significant")),
			 v.significant);
	assert_int_equal(json_integer_value(json_object_get(h, "improvement")),
			 v.improvement);
	dir = json_string_value(json_object_get(h, "direction"));
	assert_string_equal(dir, v.direction > 0 ? "up" :
				 v.direction < 0 ? "down" : "flat");
	sentence = json_string_value(json_object_get(h, "sentence"));
	assert_non_null(sentence);
	check_sentence(&e, sentence);
	return 1;
}

static char *read_all(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n > 0);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void run_fixture(const char *out, const char *country, int internal,
			size_t *heads)
{
	struct mnr_report_options o;
	struct mnr_report_summary s;
	struct mnr_error err;
	char path[4096];
	json_t *root, *ms;
	json_error_t jerr;
	size_t i, j;
	char *html;
	int rc;

	mnr_report_options_init(&o);
	o.cases = MNR_SOURCE_DIR "/tests/cli/report/data/cases_small.csv";
	o.adoption = MNR_SOURCE_DIR "/tests/cli/report/data/adoption.csv";
	o.metrics = MNR_SOURCE_DIR "/datasets/metrics.csv";
	o.out_dir = out;
	o.country = country;
	o.internal = internal;
	o.has_seed = 1;
	o.seed = 3;
	o.date = "2026-01-01";
	o.tool_version = "test";
	o.did_boot = 49;
	mnr_error_clear(&err);
	rc = mnr_report_run(&o, &s, &err);
	if (rc != MNR_OK)
		fail_msg("report failed: %s", err.msg);
	assert_true(s.nmetrics > 0);
	assert_true(s.ncharts > 0);
	assert_int_equal(s.not_private, 1);

	snprintf(path, sizeof(path), "%s/results.json", out);
	root = json_load_file(path, 0, &jerr);
	assert_non_null(root);
	assert_true(json_is_true(json_object_get(json_object_get(root,
				"privacy"), "not_private")));
	ms = json_object_get(root, "metrics");
	assert_true(json_array_size(ms) > 0);
	for (i = 0; i < json_array_size(ms); i++) {
		json_t *m = json_array_get(ms, i), *cs;

		if (!json_is_true(json_object_get(m, "analysed")))
			continue;
		*heads += check_head(json_object_get(m, "headline"));
		assert_int_equal(json_array_size(json_object_get(m,
					"checklist")), MNR_REPORT_NCHECK);
		cs = json_object_get(m, "countries");
		for (j = 0; j < json_array_size(cs); j++)
			*heads += check_head(json_object_get(
				json_array_get(cs, j), "headline"));
	}
	json_decref(root);

	/* The page is self-contained: no script, no external reference. */
	snprintf(path, sizeof(path), "%s/report.html", out);
	html = read_all(path);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "src=\"http"));
	assert_null(strstr(html, "href=\"http"));
	assert_null(strstr(html, "<link"));
	assert_non_null(strstr(html, "<svg"));
	/* Marked at the top and the bottom of the page. */
	{
		const char *mark = internal ? "INTERNAL - NOT FOR PUBLICATION"
					    : "NOT PRIVATE: the noise was drawn "
					      "from --seed 3";
		const char *first = strstr(html, mark);

		assert_non_null(first);
		assert_non_null(strstr(first + 1, mark));
	}
	free(html);
	snprintf(path, sizeof(path), "%s/manifest.json", out);
	html = read_all(path);
	assert_non_null(strstr(html, "\"sha256\""));
	assert_non_null(strstr(html, "\"not_private\": true"));
	free(html);
}

static void rm_rf(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_report_results_agree(void **state)
{
	char tmpl[] = "/tmp/mnr-report-test.XXXXXX", out[4200];
	size_t heads = 0;

	(void)state;
	if (!have_gnuplot())
		skip();
	assert_non_null(mkdtemp(tmpl));
	snprintf(out, sizeof(out), "%s/all", tmpl);
	run_fixture(out, NULL, 0, &heads);
	snprintf(out, sizeof(out), "%s/isl", tmpl);
	run_fixture(out, "ISL", 1, &heads);
	/* Both reports, every analysed metric and country row. */
	assert_true(heads >= 2 * 17);
	rm_rf(tmpl);
}

/* A failed run (gnuplot missing) leaves the earlier report in place and
 * no temporary folder behind. */
static void test_report_failure_keeps_old(void **state)
{
	char tmpl[] = "/tmp/mnr-report-test.XXXXXX", out[4200], p[4300];
	struct mnr_report_options o;
	struct mnr_error err;
	struct mnr_report_summary s;
	size_t heads = 0;
	DIR *d;
	struct dirent *de;
	int entries = 0;

	(void)state;
	if (!have_gnuplot())
		skip();
	assert_non_null(mkdtemp(tmpl));
	snprintf(out, sizeof(out), "%s/rep", tmpl);
	run_fixture(out, "ISL", 0, &heads);
	mnr_report_options_init(&o);
	o.cases = MNR_SOURCE_DIR "/tests/cli/report/data/cases_small.csv";
	o.adoption = MNR_SOURCE_DIR "/tests/cli/report/data/adoption.csv";
	o.metrics = MNR_SOURCE_DIR "/datasets/metrics.csv";
	o.out_dir = out;
	o.date = "2026-01-01";
	o.gnuplot = "/nonexistent/gnuplot";
	mnr_error_clear(&err);
	assert_int_equal(mnr_report_run(&o, &s, &err), MNR_EPLOT);
	assert_string_equal(err.rule, "gnuplot-missing");
	assert_int_equal(s.gnuplot_missing, 1);
	snprintf(p, sizeof(p), "%s/report.html", out);
	assert_int_equal(access(p, R_OK), 0);
	d = opendir(tmpl);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			entries++;
	closedir(d);
	assert_int_equal(entries, 1);  /* only rep/, no *.tmp.* */
	rm_rf(tmpl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_sentence_branches),
		cmocka_unit_test(test_report_sentence_grid),
		cmocka_unit_test(test_report_sentence_small_buffer),
		cmocka_unit_test(test_report_checklist_all_met),
		cmocka_unit_test(test_report_checklist_thresholds),
		cmocka_unit_test(test_report_results_agree),
		cmocka_unit_test(test_report_failure_keeps_old),
	};

	gsl_set_error_handler_off();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
