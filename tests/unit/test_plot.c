/*
 * Unit tests for the plot and reproduce modules: generated scripts against
 * golden files, quoting of data-derived strings, the runner with a fake
 * gnuplot (argv, stdin, failure, missing program), rendering with the real
 * gnuplot (image size from the PNG header and the SVG attributes), and
 * every reproduced value against the cited CSV.
 *
 * MNR_UPDATE_GOLDEN=1 rewrites the golden scripts (tests/golden/plot/)
 * instead of comparing.
 */
#include "test_util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mnrstat/plot.h"
#include "mnrstat/reproduce.h"

#define GOLDEN_DIR MNR_SOURCE_DIR "/tests/golden/plot"
#define FAKE MNR_SOURCE_DIR "/tests/helpers/fake-gnuplot"
#define PUBLISHED MNR_SOURCE_DIR "/datasets/published"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mnr_plot_XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		fclose(fp);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	fclose(fp);
	if (len)
		*len = (size_t)n;
	return buf;
}

static void check_golden(const char *name, const char *script)
{
	char path[512];
	char *want;

	snprintf(path, sizeof(path), "%s/%s.gp", GOLDEN_DIR, name);
	if (getenv("MNR_UPDATE_GOLDEN")) {
		FILE *fp = fopen(path, "w");

		assert_non_null(fp);
		fputs(script, fp);
		fclose(fp);
		return;
	}
	want = slurp(path, NULL);
	if (!want)
		fail_msg("missing golden file %s (run with MNR_UPDATE_GOLDEN=1)", path);
	if (strcmp(want, script) != 0) {
		size_t i = 0;

		while (want[i] && want[i] == script[i])
			i++;
		fail_msg("%s differs from its golden file at byte %zu", name, i);
	}
	free(want);
}

static void meta_init(struct mnr_plot_meta *m, const char *title,
		      const char *out)
{
	memset(m, 0, sizeof(*m));
	m->title = title;
	m->xlabel = "month";
	m->ylabel = "reports per month (count)";
	m->data = "fixture.csv";
	m->privacy = "synthetic data";
	m->date = "2026-01-01";
	m->output_name = out;
}

/* ---- fixtures -------------------------------------------------------- */

#define M(y, mo) ((y) * 12 + (mo) - 1)

static const int months12[] = { M(2020, 1), M(2020, 2), M(2020, 3),
	M(2020, 4), M(2020, 6), M(2020, 7), M(2020, 8), M(2020, 9),
	M(2020, 10), M(2020, 11), M(2020, 12), M(2021, 1) };
static const double y12[] = { 10, 12, NAN, 11, 15, 16, 18, 17, 19, 21, 20, 22 };
static const double lo12[] = { 4, 6, NAN, 5, 9, 10, 12, 11, 13, 15, 14, 16 };
static const double hi12[] = { 16, 18, NAN, 17, 21, 22, 24, 23, 25, 27, 26, 28 };
static const int iv1[] = { M(2020, 7) };

static char *build_series(int released)
{
	struct mnr_plot_meta m;
	struct mnr_plot_series s;
	struct mnr_error err;
	char *script = NULL;

	meta_init(&m, released ? "Released reports" : "Reports, ALB",
		  released ? "released.svg" : "series.svg");
	if (released)
		m.privacy = "differentially private, \xce\xb5 = 1";
	memset(&s, 0, sizeof(s));
	s.label = "ALB";
	s.n = 12;
	s.month = months12;
	s.y = y12;
	if (released) {
		s.low = lo12;
		s.high = hi12;
	}
	s.intervention = iv1;
	s.nint = 1;
	mnr_error_clear(&err);
	assert_int_equal(released ? mnr_plot_released_script(&m, &s, &script, &err)
			 : mnr_plot_series_script(&m, &s, &script, &err), MNR_OK);
	return script;
}

static char *build_its(void)
{
	static const double fit[] = { 10, 11, 12, 13, 14.5, 16, 17, 18, 19, 20, 21, 22 };
	static const double cf[] = { NAN, NAN, NAN, NAN, NAN, 14, 15, 16, 17, 18, 19, 20 };
	static const double cfl[] = { NAN, NAN, NAN, NAN, NAN, 12, 12.5, 13, 13.5, 14, 14.5, 15 };
	static const double cfh[] = { NAN, NAN, NAN, NAN, NAN, 16, 17.5, 19, 20.5, 22, 23.5, 25 };
	struct mnr_plot_meta m;
	struct mnr_plot_its its;
	struct mnr_error err;
	char *script = NULL;

	meta_init(&m, "Interrupted time series", "its.png");
	m.format = MNR_PLOT_PNG;
	memset(&its, 0, sizeof(its));
	its.n = 12;
	its.month = months12;
	its.observed = y12;
	its.fitted = fit;
	its.counterfactual = cf;
	its.cf_low = cfl;
	its.cf_high = cfh;
	its.intervention = iv1;
	its.nint = 1;
	mnr_error_clear(&err);
	assert_int_equal(mnr_plot_its_script(&m, &its, &script, &err), MNR_OK);
	return script;
}

static char *build_event_study(void)
{
	static const int et[] = { -3, -2, -1, 0, 1, 2 };
	static const double est[] = { 0.1, -0.2, 0.05, 1.2, 1.5, 1.9 };
	static const double lo[] = { -0.5, -0.8, -0.5, 0.6, 0.8, 1.1 };
	static const double hi[] = { 0.7, 0.4, 0.6, 1.8, 2.2, 2.7 };
	static const double bl[] = { -0.8, -1.1, -0.8, 0.3, 0.5, 0.8 };
	static const double bh[] = { 1.0, 0.7, 0.9, 2.1, 2.5, 3.0 };
	struct mnr_plot_meta m;
	struct mnr_plot_event_study es;
	struct mnr_error err;
	char *script = NULL;

	meta_init(&m, "Event study", "es.svg");
	m.xlabel = "event time (months since adoption)";
	m.ylabel = "effect on reports per month";
	memset(&es, 0, sizeof(es));
	es.n = 6;
	es.event_time = et;
	es.estimate = est;
	es.ci_low = lo;
	es.ci_high = hi;
	es.band_low = bl;
	es.band_high = bh;
	mnr_error_clear(&err);
	assert_int_equal(mnr_plot_event_study_script(&m, &es, &script, &err), MNR_OK);
	return script;
}

static char *build_km(void)
{
	static const double t0[] = { 2, 5, 9, 14, 20 };
	static const double s0[] = { 0.9, 0.7, 0.55, 0.4, 0.3 };
	static const double l0[] = { 0.8, 0.55, 0.4, 0.25, 0.15 };
	static const double u0[] = { 1, 0.85, 0.7, 0.55, 0.45 };
	static const double c0[] = { 0, 1, 0, 0, 2 };
	static const double t1[] = { 1, 3, 4, 8 };
	static const double s1[] = { 0.8, 0.6, 0.45, 0.2 };
	struct mnr_plot_km_group g[2];
	struct mnr_plot_meta m;
	struct mnr_error err;
	char *script = NULL;

	meta_init(&m, "Time to removal", "km.svg");
	m.xlabel = "time since report (hours)";
	m.ylabel = "share not yet removed";
	memset(g, 0, sizeof(g));
	g[0].label = "before";
	g[0].n = 5;
	g[0].time = t0;
	g[0].surv = s0;
	g[0].lower = l0;
	g[0].upper = u0;
	g[0].censored = c0;
	g[1].label = "after";
	g[1].n = 4;
	g[1].time = t1;
	g[1].surv = s1;
	mnr_error_clear(&err);
	assert_int_equal(mnr_plot_km_script(&m, g, 2, "hours", &script, &err), MNR_OK);
	return script;
}

static char *build_before_after(void)
{
	static const char *const lab[] = { "Reports per month",
		"Removed within 72 h (%)" };
	static const double b[] = { 41.2, 62 }, bl[] = { 37.1, 57.5 },
		bh[] = { 45.3, 66.5 }, a[] = { 55.8, 71.4 },
		al[] = { 51, 67.2 }, ah[] = { 60.6, 75.6 };
	struct mnr_plot_before_after ba;
	struct mnr_plot_meta m;
	struct mnr_error err;
	char *script = NULL;

	meta_init(&m, "Before and after", "ba.svg");
	m.xlabel = NULL;
	m.ylabel = "value";
	memset(&ba, 0, sizeof(ba));
	ba.n = 2;
	ba.label = lab;
	ba.before = b;
	ba.before_low = bl;
	ba.before_high = bh;
	ba.after = a;
	ba.after_low = al;
	ba.after_high = ah;
	ba.reference = NAN;
	mnr_error_clear(&err);
	assert_int_equal(mnr_plot_before_after_script(&m, &ba, &script, &err), MNR_OK);
	return script;
}

static char *build_multiples(void)
{
	static const int ma[] = { M(2020, 1), M(2020, 2), M(2020, 3), M(2020, 4) };
	static const double ya[] = { 1, 2, NAN, 4 };
	static const int mb[] = { M(2019, 11), M(2019, 12), M(2020, 1) };
	static const double yb[] = { 3, 3, 5 };
	static const int ivb[] = { M(2019, 12) };
	struct mnr_plot_series s[3];
	struct mnr_plot_meta m;
	struct mnr_error err;
	char *script = NULL;

	meta_init(&m, "reports_total by country", "multiples.svg");
	memset(s, 0, sizeof(s));
	s[0].label = "ALB";
	s[0].n = 4;
	s[0].month = ma;
	s[0].y = ya;
	s[1].label = "C\xc3\xb4te d'Ivoire";
	s[1].n = 3;
	s[1].month = mb;
	s[1].y = yb;
	s[1].intervention = ivb;
	s[1].nint = 1;
	s[2] = s[0];
	s[2].label = "KEN";
	mnr_error_clear(&err);
	assert_int_equal(mnr_plot_multiples_script(&m, s, 3, &script, &err), MNR_OK);
	return script;
}

typedef char *builder_fn(void);

static char *build_series0(void) { return build_series(0); }
static char *build_released(void) { return build_series(1); }

static const struct {
	const char *name;
	builder_fn *fn;
	const char *ext;
} kinds[] = {
	{ "series", build_series0, "svg" },
	{ "released", build_released, "svg" },
	{ "its", build_its, "png" },
	{ "event_study", build_event_study, "svg" },
	{ "km", build_km, "svg" },
	{ "before_after", build_before_after, "svg" },
	{ "multiples", build_multiples, "svg" },
};

/* ---- golden scripts ------------------------------------------------------ */

/* plots/<kind>.gp, the shipped examples, are the same scripts: they cannot
 * drift from what the library writes. */
static void check_example(const char *name, const char *script)
{
	char path[512];
	char *have;

	snprintf(path, sizeof(path), "%s/plots/%s.gp", MNR_SOURCE_DIR, name);
	have = slurp(path, NULL);
	if (!have)
		fail_msg("missing example %s", path);
	if (strcmp(have, script) != 0)
		fail_msg("%s differs from the library's output (copy the golden)",
			 path);
	free(have);
}

static void test_golden_scripts(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char *s = kinds[i].fn();

		check_golden(kinds[i].name, s);
		if (!getenv("MNR_UPDATE_GOLDEN"))
			check_example(kinds[i].name, s);
		mnr_plot_script_free(s);
	}
}

/* Missing months: an absent month and a NaN value both give NaN rows,
 * shaded, and the legend says so. */
static void test_missing_months_are_gaps(void **state)
{
	char *s = build_series(0);

	(void)state;
	assert_non_null(strstr(s, "\n2020-03 NaN\n"));
	assert_non_null(strstr(s, "\n2020-05 NaN\n"));
	assert_non_null(strstr(s, "\n2020-04 11\n"));
	assert_non_null(strstr(s, "set object 1 rect from (strptime('%Y-%m','2020-03')"));
	assert_non_null(strstr(s, "set object 2 rect from (strptime('%Y-%m','2020-05')"));
	assert_non_null(strstr(s, "title 'month without data'"));
	mnr_plot_script_free(s);
}

/* Data-derived text is single-quoted with quotes doubled: gnuplot would
 * run `...` inside a double-quoted string. */
static void test_quoting(void **state)
{
	struct mnr_plot_meta m;
	struct mnr_plot_series s;
	struct mnr_error err;
	char *script = NULL, touched[128], gp[128], img[128];
	struct mnr_plot_run run = { "gnuplot", 0 };
	struct mnr_plot_status st;
	struct stat sb;
	int rc;

	(void)state;
	snprintf(touched, sizeof(touched), "%s/pwned", tmpdir);
	meta_init(&m, "x", "q.svg");
	{
		static char title[256];

		snprintf(title, sizeof(title),
			 "C\xc3\xb4te d'Ivoire `touch %s` @x \"q\"\nnext 100%%",
			 touched);
		m.title = title;
	}
	memset(&s, 0, sizeof(s));
	s.label = "it's";
	s.n = 12;
	s.month = months12;
	s.y = y12;
	mnr_error_clear(&err);
	assert_int_equal(mnr_plot_series_script(&m, &s, &script, &err), MNR_OK);
	assert_non_null(strstr(script, "set title 'C\xc3\xb4te d''Ivoire `touch "));
	assert_non_null(strstr(script, "` @x \"q\" next 100%' font"));
	assert_non_null(strstr(script, "title 'it''s'"));
	snprintf(img, sizeof(img), "%s/q.svg", tmpdir);
	snprintf(gp, sizeof(gp), "%s/q.gp", tmpdir);
	rc = mnr_plot_render(script, img, NULL, &run, &st, &err);
	if (rc == MNR_EPLOT && st.gnuplot_missing) {
		mnr_plot_script_free(script);
		skip();
	}
	assert_int_equal(rc, MNR_OK);
	assert_int_not_equal(stat(touched, &sb), 0);
	assert_int_equal(stat(gp, &sb), 0);
	mnr_plot_script_free(script);
}

/* ---- runner with the fake gnuplot ---------------------------------------- */

static void test_fake_gnuplot_argv_and_stdin(void **state)
{
	char img[160], gp[160], argvf[160], stdinf[160], want_prefix[200];
	struct mnr_plot_run run = { FAKE, 0 };
	struct mnr_plot_status st;
	struct mnr_error err;
	char *script = build_km(), *argv_text, *in, *image, *line2;
	size_t n;

	(void)state;
	setenv("FAKE_GNUPLOT_LOG", tmpdir, 1);
	unsetenv("FAKE_GNUPLOT_STATUS");
	snprintf(img, sizeof(img), "%s/it's km.svg", tmpdir);
	snprintf(gp, sizeof(gp), "%s/it's km.gp", tmpdir);
	snprintf(argvf, sizeof(argvf), "%s/argv", tmpdir);
	snprintf(stdinf, sizeof(stdinf), "%s/stdin", tmpdir);
	mnr_error_clear(&err);
	assert_int_equal(mnr_plot_render(script, img, NULL, &run, &st, &err), MNR_OK);
	assert_int_equal(st.exit_status, 0);
	assert_true(st.script_written);
	argv_text = slurp(argvf, NULL);
	assert_non_null(argv_text);
	/* gnuplot -e "outfile='<image>.tmp.XXXXXX'" - : quote doubled. */
	assert_memory_equal(argv_text, "-e\n", 3);
	line2 = argv_text + 3;
	snprintf(want_prefix, sizeof(want_prefix), "outfile='%s/it''s km.svg.tmp.",
		 tmpdir);
	assert_memory_equal(line2, want_prefix, strlen(want_prefix));
	n = strlen(argv_text);
	assert_true(n > 4 && strcmp(argv_text + n - 4, "'\n-\n") == 0);
	in = slurp(stdinf, NULL);
	assert_non_null(in);
	assert_string_equal(in, script);
	free(in);
	in = slurp(gp, NULL);
	assert_non_null(in);
	assert_string_equal(in, script);
	image = slurp(img, NULL);
	assert_non_null(image);
	assert_string_equal(image, "fake image\n");
	free(image);
	free(in);
	free(argv_text);
	mnr_plot_script_free(script);
}

static int leftover_tmp(void)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "ls '%s' | grep -q '\\.tmp\\.'", tmpdir);
	return system(cmd) == 0;
}

static void test_gnuplot_fails(void **state)
{
	char img[160];
	struct mnr_plot_run run = { FAKE, 0 };
	struct mnr_plot_status st;
	struct mnr_error err;
	struct stat sb;
	char *script = build_its();

	(void)state;
	setenv("FAKE_GNUPLOT_LOG", tmpdir, 1);
	setenv("FAKE_GNUPLOT_STATUS", "3", 1);
	snprintf(img, sizeof(img), "%s/fail.png", tmpdir);
	mnr_error_clear(&err);
	assert_int_equal(mnr_plot_render(script, img, NULL, &run, &st, &err),
			 MNR_EPLOT);
	assert_string_equal(err.rule, "gnuplot-failed");
	assert_int_equal(st.exit_status, 3);
	assert_false(st.gnuplot_missing);
	assert_true(st.script_written);
	assert_int_not_equal(stat(img, &sb), 0);
	assert_false(leftover_tmp());
	unsetenv("FAKE_GNUPLOT_STATUS");
	mnr_plot_script_free(script);
}

static void test_gnuplot_missing(void **state)
{
	char img[160], gp[160];
	struct mnr_plot_run run = { "/nonexistent/dir/gnuplot", 0 };
	struct mnr_plot_status st;
	struct mnr_error err;
	struct stat sb;
	char *script = build_event_study(), *written;

	(void)state;
	snprintf(img, sizeof(img), "%s/missing.svg", tmpdir);
	snprintf(gp, sizeof(gp), "%s/missing.gp", tmpdir);
	mnr_error_clear(&err);
	assert_int_equal(mnr_plot_render(script, img, NULL, &run, &st, &err),
			 MNR_EPLOT);
	assert_string_equal(err.rule, "gnuplot-missing");
	assert_true(st.gnuplot_missing);
	assert_true(st.script_written);
	written = slurp(gp, NULL);
	assert_non_null(written);
	assert_string_equal(written, script);
	assert_int_not_equal(stat(img, &sb), 0);
	assert_false(leftover_tmp());
	free(written);
	mnr_plot_script_free(script);
}

/* ---- real gnuplot ---------------------------------------------------------- */

static unsigned be32(const unsigned char *p)
{
	return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 |
		(unsigned)p[2] << 8 | p[3];
}

/* Width and height of the image: PNG IHDR, or the svg element's
 * width/height attributes. */
static int image_size(const char *path, unsigned *w, unsigned *h)
{
	size_t n;
	char *buf = slurp(path, &n);
	char *svg;
	int ok = 0;

	if (!buf)
		return 0;
	if (n > 24 && memcmp(buf, "\x89PNG\r\n\x1a\n", 8) == 0 &&
	    memcmp(buf + 12, "IHDR", 4) == 0) {
		*w = be32((unsigned char *)buf + 16);
		*h = be32((unsigned char *)buf + 20);
		ok = 1;
	} else if ((svg = strstr(buf, "<svg")) != NULL) {
		char *wa = strstr(svg, "width=\""), *ha = strstr(svg, "height=\"");

		if (wa && ha) {
			*w = (unsigned)strtoul(wa + 7, NULL, 10);
			*h = (unsigned)strtoul(ha + 8, NULL, 10);
			ok = 1;
		}
	}
	free(buf);
	return ok;
}

/* Every chart kind, in both formats, through the real gnuplot. */
static void test_real_gnuplot_sizes(void **state)
{
	size_t i;
	int f;

	(void)state;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		for (f = 0; f < 2; f++) {
			char *s = kinds[i].fn(), *s2, img[200], *p;
			struct mnr_plot_run run = { "gnuplot", 0 };
			struct mnr_plot_status st;
			struct mnr_error err;
			unsigned w = 0, h = 0, want_h;
			const char *ext = f ? "png" : "svg";
			size_t len;

			/* Switch the terminal line to the other format. */
			if (strcmp(ext, kinds[i].ext) != 0) {
				const char *from = f ? "set terminal svg size" :
					"set terminal pngcairo size";
				const char *to = f ? "set terminal pngcairo size" :
					"set terminal svg size";

				p = strstr(s, from);
				assert_non_null(p);
				len = strlen(s) + 32;
				s2 = malloc(len);
				snprintf(s2, len, "%.*s%s%s", (int)(p - s), s, to,
					 p + strlen(from));
				if (!f) {
					/* svg needs 'fixed', pngcairo has none */
					char *q = strstr(s2, "noenhanced");

					memmove(q + 6, q, strlen(q) + 1);
					memcpy(q, "fixed ", 6);
				} else {
					char *q = strstr(s2, " fixed");

					memmove(q, q + 6, strlen(q + 6) + 1);
				}
				mnr_plot_script_free(s);
				s = s2;
			} else {
				s2 = malloc(strlen(s) + 1);
				memcpy(s2, s, strlen(s) + 1);
				mnr_plot_script_free(s);
				s = s2;
			}
			snprintf(img, sizeof(img), "%s/%s.%s", tmpdir, kinds[i].name, ext);
			mnr_error_clear(&err);
			if (mnr_plot_render(s, img, NULL, &run, &st, &err) == MNR_EPLOT &&
			    st.gnuplot_missing) {
				free(s);
				skip();
			}
			if (err.code != MNR_OK)
				fail_msg("%s.%s: %s", kinds[i].name, ext, err.msg);
			assert_true(image_size(img, &w, &h));
			p = strstr(s, " size 800,");
			assert_non_null(p);
			want_h = (unsigned)strtoul(p + 10, NULL, 10);
			if (w != 800 || h != want_h)
				fail_msg("%s.%s: %ux%u, want 800x%u", kinds[i].name,
					 ext, w, h, want_h);
			free(s);
		}
	}
}

/* ---- errors ------------------------------------------------------------------ */

static void test_bad_inputs(void **state)
{
	static const int bad_months[] = { M(2020, 2), M(2020, 1) };
	static const double y[] = { 1, 2 };
	struct mnr_plot_meta m;
	struct mnr_plot_series s;
	struct mnr_error err;
	enum mnr_plot_format fmt;
	char *script = NULL, *gp = NULL;

	(void)state;
	meta_init(&m, "t", "x.svg");
	memset(&s, 0, sizeof(s));
	s.n = 2;
	s.month = bad_months;
	s.y = y;
	mnr_error_clear(&err);
	assert_int_equal(mnr_plot_series_script(&m, &s, &script, &err), MNR_EINVAL);
	assert_null(script);
	m.title = NULL;
	mnr_error_clear(&err);
	assert_int_equal(mnr_plot_series_script(&m, &s, &script, &err), MNR_EINVAL);
	mnr_error_clear(&err);
	assert_int_equal(mnr_plot_format_from_path("a/b.PNG", &fmt, &err), MNR_OK);
	assert_int_equal(fmt, MNR_PLOT_PNG);
	assert_int_equal(mnr_plot_format_from_path("a.b/c", &fmt, &err), MNR_EINVAL);
	assert_int_equal(mnr_plot_script_path("out.d/fig.svg", &gp, &err), MNR_OK);
	assert_string_equal(gp, "out.d/fig.gp");
	mnr_plot_script_free(gp);
	assert_int_equal(mnr_plot_script_path("out.d/fig", &gp, &err), MNR_OK);
	assert_string_equal(gp, "out.d/fig.gp");
	mnr_plot_script_free(gp);
}

static void test_csv_error_located(void **state)
{
	char path[160];
	FILE *fp;
	struct mnr_plot_meta m;
	struct mnr_error err;
	char *script = NULL;

	(void)state;
	snprintf(path, sizeof(path), "%s/its.csv", tmpdir);
	fp = fopen(path, "w");
	fputs("month,observed\n2020-01,1\n2020-02,x2\n", fp);
	fclose(fp);
	meta_init(&m, "t", "x.svg");
	mnr_error_clear(&err);
	assert_int_equal(mnr_plot_csv_script(MNR_PLOT_ITS, path, &m, NULL,
					     &script, &err), MNR_EDATA);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 9);
	assert_string_equal(err.rule, "number");
	assert_null(strstr(err.msg, "x2"));
	fp = fopen(path, "w");
	fputs("group,time,surv\nbefore,1,0.9\nbefore,0.5,0.8\n", fp);
	fclose(fp);
	mnr_error_clear(&err);
	assert_int_equal(mnr_plot_csv_script(MNR_PLOT_KM, path, &m, NULL,
					     &script, &err), MNR_EDATA);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.rule, "order");
	fp = fopen(path, "w");
	fputs("label,period,estimate,ci_low,ci_high\nA,during,1,0,2\n", fp);
	fclose(fp);
	mnr_error_clear(&err);
	assert_int_equal(mnr_plot_csv_script(MNR_PLOT_BEFORE_AFTER, path, &m, NULL,
					     &script, &err), MNR_EDATA);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.rule, "enum");
	assert_null(script);
}

/* ---- reproduce: every plotted value is a cited value --------------------- */

/* A minimal RFC 4180 reader, independent of the library's, for the
 * cross-check: returns the fields of the next record (NULL at EOF). */
static int next_record(FILE *fp, char fields[16][2048], int *nf)
{
	int c, q = 0, f = 0;
	size_t len = 0;

	c = fgetc(fp);
	if (c == EOF)
		return 0;
	fields[0][0] = '\0';
	for (; c != EOF; c = fgetc(fp)) {
		if (q) {
			if (c == '"') {
				int d = fgetc(fp);

				if (d == '"') {
					fields[f][len++] = '"';
					continue;
				}
				q = 0;
				if (d == EOF)
					break;
				ungetc(d, fp);
				continue;
			}
			fields[f][len++] = (char)c;
		} else if (c == '"') {
			q = 1;
		} else if (c == ',') {
			fields[f][len] = '\0';
			f++;
			len = 0;
		} else if (c == '\n') {
			break;
		} else if (c != '\r') {
			fields[f][len++] = (char)c;
		}
	}
	fields[f][len] = '\0';
	*nf = f + 1;
	return 1;
}

/* Count the rows of file with this series and a single-year year, and
 * look up (year -> value text). */
static int cited_value(const char *file, const char *series, const char *year,
		       char *value, size_t vsize, int *count)
{
	static char fields[16][2048];
	char path[512];
	FILE *fp;
	int nf, i, col_series = -1, col_year = -1, col_value = -1, found = 0;

	snprintf(path, sizeof(path), "%s/%s", PUBLISHED, file);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_true(next_record(fp, fields, &nf));
	for (i = 0; i < nf; i++) {
		if (strcmp(fields[i], "series") == 0)
			col_series = i;
		if (strcmp(fields[i], "year") == 0)
			col_year = i;
		if (strcmp(fields[i], "value") == 0)
			col_value = i;
	}
	*count = 0;
	while (next_record(fp, fields, &nf)) {
		if (strcmp(fields[col_series], series) != 0 ||
		    strlen(fields[col_year]) != 4)
			continue;
		(*count)++;
		if (strcmp(fields[col_year], year) == 0) {
			snprintf(value, vsize, "%s", fields[col_value]);
			found = 1;
		}
	}
	fclose(fp);
	return found;
}

static void test_reproduce_values_are_cited(void **state)
{
	size_t fi;

	(void)state;
	assert_true(mnr_reproduce_count() >= 3);
	assert_non_null(mnr_reproduce_find("icmec-legislation"));
	assert_non_null(mnr_reproduce_find("ncmec-cybertipline"));
	assert_non_null(mnr_reproduce_find("iwf-confirmed"));
	for (fi = 0; fi < mnr_reproduce_count(); fi++) {
		const struct mnr_reproduce_figure *f = mnr_reproduce_figure_at(fi);
		struct mnr_reproduce_output o;
		struct mnr_plot_meta m;
		struct mnr_error err;
		size_t li, total = 0;

		memset(&m, 0, sizeof(m));
		m.date = "2026-01-01";
		m.output_name = "fig.svg";
		mnr_error_clear(&err);
		assert_int_equal(mnr_reproduce_build(f, PUBLISHED, &m, &o, &err), MNR_OK);
		for (li = 0; li < f->nlayers; li++) {
			char head[48], *p, *end;
			int rows = 0, count = 0;

			snprintf(head, sizeof(head), "$layer%zu << EOD\n", li + 1);
			p = strstr(o.script, head);
			assert_non_null(p);
			p += strlen(head);
			end = strstr(p, "\nEOD\n");
			assert_non_null(end);
			while (p < end) {
				char year[16], value[64], cited[64];
				int code;
				char *nl = strchr(p, '\n');

				if (*p != '#') {
					assert_int_equal(sscanf(p, "%15s %63s %d", year,
								value, &code), 3);
					if (!cited_value(f->layer[li].file,
							 f->layer[li].series, year,
							 cited, sizeof(cited), &count))
						fail_msg("%s: %s %s is not cited", f->name,
							 f->layer[li].series, year);
					/* Same number, exactly. */
					if (strtod(value, NULL) != strtod(cited, NULL))
						fail_msg("%s %s: plotted %s, cited %s",
							 f->name, year, value, cited);
					if (f->layer[li].style == MNR_REPRO_CLAIM)
						assert_true(code == 4 || code == 5);
					else
						assert_true(code >= 1 && code <= 3);
					rows++;
				}
				p = nl + 1;
			}
			/* Every cited yearly value of the series is drawn. */
			assert_int_equal(rows, count);
			total += (size_t)rows;
		}
		assert_int_equal(total, o.nvalues);
		if (strcmp(f->name, "icmec-legislation") == 0) {
			assert_non_null(strstr(o.script, "\n2023 138 4\n"));
			assert_non_null(strstr(o.script, "\n2006 27 5\n"));
			assert_non_null(strstr(o.script, "claim, unverified"));
			assert_non_null(strstr(o.table_md, "| 2023 | 138 | countries | claim, unverified |"));
			check_golden("reproduce_icmec", o.script);
		}
		if (strcmp(f->name, "ncmec-cybertipline") == 0) {
			assert_non_null(strstr(o.script, "\n2024 20512803 3\n"));
			assert_non_null(strstr(o.script, "2024: bundled reports"));
		}
		/* The caption names the sources. */
		assert_non_null(strstr(o.script, "Sources: "));
		assert_non_null(strstr(o.table_csv, "source_url,quote"));
		mnr_reproduce_output_release(&o);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_scripts),
		cmocka_unit_test(test_missing_months_are_gaps),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_fake_gnuplot_argv_and_stdin),
		cmocka_unit_test(test_gnuplot_fails),
		cmocka_unit_test(test_gnuplot_missing),
		cmocka_unit_test(test_real_gnuplot_sizes),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_csv_error_located),
		cmocka_unit_test(test_reproduce_values_are_cited),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
