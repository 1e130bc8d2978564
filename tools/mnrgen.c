/*
 * mnrgen: deterministic generator of SYNTHETIC anonymised case records for
 * mnrstat's bundled example (datasets/example/) and for benchmarks.
 *
 * Nothing here describes a real country, case or person: the twelve ISO
 * 3166-1 alpha-3 codes are labels for fictional reporting systems, and every
 * number comes from the model below, seeded through GSL's MT19937.
 *
 * Model (one month index t = 0 for 2012-01 ... 155 for 2024-12):
 *   mu[c,t] = base_c * pop_c(year)/pop_c(2012)
 *             * exp(g_c*t + A*cos(2*pi*(moy - peak_c)/12)
 *                   + D[c,t]*(log L + delta*k) + eps[c,t]),
 *   D = 1 from the first month >= mnr_start, k = t - t_start (0 in that
 *   month), eps ~ N(0, SIGMA_EPS^2) iid.  The monthly count is
 *   Poisson(mu) (example) or a multinomial split of exactly N rows with
 *   probabilities proportional to mu (--rows N).  Per-record fields are
 *   drawn independently given the country and month, with the adoption
 *   effects listed in effects.csv (written from the same constants, so the
 *   truth file cannot drift from the code).
 *
 * Output is byte-identical for a given seed with the same C library and GSL
 * (it uses log/exp/cos and GSL's Poisson, Gaussian and multinomial
 * samplers); every file is written to a temporary name and renamed.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#define MNRGEN_DEFAULT_SEED 20261127UL

#define EX_OK 0
#define EX_USAGE 64
#define EX_SOFTWARE 70
#define EX_CANTCREAT 73
#define EX_IOERR 74

#define TWO_PI 6.283185307179586476925286766559
#define FIRST_YEAR 2012
#define N_MONTHS 156 /* 2012-01 .. 2024-12 */

/* ---- model constants (every one is echoed into effects.csv) ---------- */
#define SEASON_AMPLITUDE 0.15 /* on the log mean */
#define SIGMA_EPS 0.10        /* sd of the monthly log-normal noise */
#define LEVEL_RATIO 1.25      /* reports: level jump at adoption */
#define SLOPE_CHANGE 0.003    /* reports: extra log growth per month since adoption */
#define REMOVAL_RATIO 0.60    /* removal time quantiles after adoption */
#define REMOVAL_LOG_SD 1.0    /* sd of log removal hours */
#define CHARGED_CHANGE 0.10   /* charged share of closed cases */
#define CHARGED_RAMP 24
#define SUPPORT_CHANGE 0.25   /* support offered = yes among known */
#define SUPPORT_RAMP 12
#define SUSPECT_CHANGE (-0.06) /* treated as suspect = yes among known */
#define SUSPECT_RAMP 0
#define P_REFERRED 0.25       /* outcome shares among closed cases */
#define P_OUTCOME_UNKNOWN 0.05
#define P_EVER_CLOSED 0.92
#define CLOSE_MEDIAN_DAYS 45.0
#define CLOSE_LOG_SD 1.0
#define P_SUPPORT_UNKNOWN 0.10
#define P_SUSPECT_UNKNOWN 0.15
#define P_PERSON_EMPTY 0.20
#define P_PERSON_FREQUENT 0.02
#define P_PERSON_RING 0.12
#define N_FREQUENT 3 /* per country: persons re-reported throughout */
#define RING_SIZE 16 /* per country: recent persons that may recur */
#define P_PLAIN_DATE 0.12 /* of records with nothing removable */
#define P_OFFSET 0.35     /* of date-time records: local time + offset */

/* The extraction instant: nothing is removed or closed at or after it. */
#define CUTOFF_TEXT "2025-01-01T00:00:00Z"

enum { SRC_HOTLINE, SRC_HELPLINE, SRC_POLICE, SRC_INDUSTRY, SRC_OTHER, N_SRC };
static const char *const source_name[N_SRC] = {
	"hotline", "helpline", "police", "industry", "other"};
static const double source_p[N_SRC] = {0.30, 0.15, 0.25, 0.20, 0.10};
/* Probability that the report concerns content that can be taken down. */
static const double removable_p[N_SRC] = {0.85, 0.05, 0.15, 0.90, 0.20};

enum { AGE_0_12, AGE_13_15, AGE_16_17, AGE_ADULT, AGE_UNKNOWN, N_AGE };
static const char *const age_name[N_AGE] = {
	"0-12", "13-15", "16-17", "adult", "unknown"};
static const double age_p[N_AGE] = {0.22, 0.33, 0.22, 0.08, 0.15};

struct country {
	const char *code;
	const char *adopt; /* "YYYY-MM" or NULL: never adopts */
	double pop2012;
	double pop_growth;   /* per year */
	double base;         /* expected reports in 2012-01 at the seasonal mean */
	double trend;        /* log growth per month */
	int peak_month;      /* 1..12 */
	double removal_median_h;
	double charged_pre;
	double support_pre;  /* P(yes | known) */
	double suspect_pre;  /* P(yes | known) */
	int offset_min;      /* fixed UTC offset of local time stamps */
};

/*
 * Interleaved adopter / never-adopter, so that --countries N keeps both
 * kinds; sizes vary from about 40 reports a month to single digits.
 */
static const struct country countries[] = {
	{"GBR", "2015-06", 63.7e6, 0.006, 32.0, 0.0040, 3, 36, 0.22, 0.50, 0.10, 0},
	{"BRA", NULL, 199.0e6, 0.008, 34.0, 0.0040, 9, 90, 0.15, 0.35, 0.14, -180},
	{"KEN", "2016-09", 44.0e6, 0.023, 12.5, 0.0050, 4, 72, 0.18, 0.40, 0.15, 180},
	{"POL", NULL, 38.1e6, -0.001, 13.5, 0.0035, 3, 42, 0.24, 0.55, 0.09, 60},
	{"PHL", "2018-07", 97.0e6, 0.016, 27.0, 0.0045, 5, 48, 0.16, 0.38, 0.16, 480},
	{"THA", NULL, 68.0e6, 0.004, 11.5, 0.0045, 5, 66, 0.20, 0.42, 0.12, 420},
	{"ALB", "2017-11", 2.9e6, -0.005, 4.5, 0.0030, 3, 60, 0.19, 0.45, 0.13, 60},
	{"URY", NULL, 3.4e6, 0.003, 4.5, 0.0030, 9, 54, 0.21, 0.48, 0.11, -180},
	{"NAM", "2019-10", 2.3e6, 0.019, 3.4, 0.0035, 9, 84, 0.17, 0.36, 0.14, 120},
	{"MLT", NULL, 0.42e6, 0.020, 1.7, 0.0040, 3, 28, 0.23, 0.52, 0.08, 60},
	{"ISL", "2021-01", 0.32e6, 0.012, 1.7, 0.0030, 3, 30, 0.25, 0.60, 0.07, 0},
	{"FJI", NULL, 0.87e6, 0.005, 2.3, 0.0030, 10, 96, 0.15, 0.33, 0.15, 720},
};
#define N_COUNTRIES (sizeof countries / sizeof countries[0])

/* ---- calendar (proleptic Gregorian, H. Hinnant's civil algorithms) --- */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

static int64_t month_start_epoch(int t)
{
	int y = FIRST_YEAR + t / 12;
	unsigned m = (unsigned)(t % 12) + 1;
	return days_from_civil(y, m, 1) * 86400;
}

/* "YYYY-MM" to a month index; -1 when malformed or outside the grid. */
static int month_index(const char *s)
{
	if (strlen(s) != 7 || s[4] != '-')
		return -1;
	int y = 0, m = 0;
	for (int i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		y = y * 10 + (s[i] - '0');
	}
	for (int i = 5; i < 7; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		m = m * 10 + (s[i] - '0');
	}
	if (m < 1 || m > 12)
		return -1;
	int t = (y - FIRST_YEAR) * 12 + (m - 1);
	return (t >= 0 && t < N_MONTHS) ? t : -1;
}

/* ---- buffered output with temporary name + rename -------------------- */
struct out {
	FILE *fp;
	char *tmp;        /* temporary path, owned */
	const char *path; /* final path, borrowed */
	char *buf;
	size_t len, cap;
	int failed;
};

static int out_open(struct out *o, const char *path)
{
	memset(o, 0, sizeof *o);
	o->path = path;
	size_t n = strlen(path);
	o->tmp = malloc(n + 16);
	o->cap = (size_t)1 << 20;
	o->buf = malloc(o->cap);
	if (!o->tmp || !o->buf) {
		free(o->tmp);
		free(o->buf);
		return -1;
	}
	memcpy(o->tmp, path, n);
	memcpy(o->tmp + n, ".tmp.XXXXXX", 12);
	int fd = mkstemp(o->tmp);
	if (fd < 0) {
		free(o->tmp);
		free(o->buf);
		return -1;
	}
	/* mkstemp creates mode 0600; give the usual 0666 & ~umask. */
	mode_t mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0 || !(o->fp = fdopen(fd, "wb"))) {
		close(fd);
		unlink(o->tmp);
		free(o->tmp);
		free(o->buf);
		return -1;
	}
	return 0;
}

static void out_flush(struct out *o)
{
	if (o->len && !o->failed && fwrite(o->buf, 1, o->len, o->fp) != o->len)
		o->failed = 1;
	o->len = 0;
}

static inline char *out_reserve(struct out *o, size_t need)
{
	if (o->cap - o->len < need)
		out_flush(o);
	return o->buf + o->len;
}

static void out_str(struct out *o, const char *s)
{
	size_t n = strlen(s);
	if (n > o->cap - o->len)
		out_flush(o);
	if (n > o->cap) {
		if (!o->failed && fwrite(s, 1, n, o->fp) != n)
			o->failed = 1;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

/* snprintf into the buffer; for the small files only (rows use writers). */
static void out_fmt(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void out_fmt(struct out *o, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp) {
		o->failed = 1;
		return;
	}
	out_str(o, tmp);
}

/* Returns 0, or EX_IOERR / EX_CANTCREAT; the temporary file is removed. */
static int out_close(struct out *o)
{
	out_flush(o);
	if (fflush(o->fp) != 0)
		o->failed = 1;
	if (fclose(o->fp) != 0)
		o->failed = 1;
	int rc = 0;
	if (o->failed) {
		unlink(o->tmp);
		rc = EX_IOERR;
	} else if (rename(o->tmp, o->path) != 0) {
		unlink(o->tmp);
		rc = EX_CANTCREAT;
	}
	free(o->tmp);
	free(o->buf);
	return rc;
}

static void out_abort(struct out *o)
{
	fclose(o->fp);
	unlink(o->tmp);
	free(o->tmp);
	free(o->buf);
}

/* ---- field writers ---------------------------------------------------- */
static inline char *put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

static inline char *put4(char *p, unsigned v)
{
	p = put2(p, v / 100);
	return put2(p, v % 100);
}

static inline char *put_date(char *p, int64_t days)
{
	int y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	p = put4(p, (unsigned)y);
	*p++ = '-';
	p = put2(p, m);
	*p++ = '-';
	return put2(p, d);
}

/* Date-time in UTC ("...Z") or as local time with a "+hh:mm" offset. */
static char *put_datetime(char *p, int64_t epoch, int with_offset, int off_min)
{
	int64_t s = epoch + (with_offset ? (int64_t)off_min * 60 : 0);
	int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
	unsigned sec = (unsigned)(s - days * 86400);
	p = put_date(p, days);
	*p++ = 'T';
	p = put2(p, sec / 3600);
	*p++ = ':';
	p = put2(p, sec / 60 % 60);
	*p++ = ':';
	p = put2(p, sec % 60);
	if (!with_offset) {
		*p++ = 'Z';
		return p;
	}
	unsigned a = (unsigned)(off_min < 0 ? -off_min : off_min);
	*p++ = off_min < 0 ? '-' : '+';
	p = put2(p, a / 60);
	*p++ = ':';
	return put2(p, a % 60);
}

/*
 * Opaque tokens: a keyed bijection of a sequence number onto `bits` bits
 * (xor-shift-right and multiplication by an odd constant modulo 2^bits are
 * both invertible), spelled in a 16-letter consonant alphabet.  A bijection
 * makes the tokens unique without a table; letters only, so no token can
 * look like a phone number, a date or a word to the identifier checks.
 */
static const char token_alpha[16] = {'b', 'c', 'd', 'f', 'g', 'h', 'j', 'k',
				     'l', 'm', 'n', 'p', 'q', 'r', 's', 't'};

static uint64_t permute(uint64_t x, unsigned bits, uint64_t k1, uint64_t k2)
{
	uint64_t mask = (bits == 64) ? ~(uint64_t)0 : (((uint64_t)1 << bits) - 1);
	x = (x + k1) & mask;
	x ^= x >> (bits / 2);
	x = (x * UINT64_C(0x9E3779B97F4A7C15)) & mask;
	x ^= x >> (bits / 2 - 3);
	x = (x * UINT64_C(0xBF58476D1CE4E5B9)) & mask;
	x ^= x >> (bits / 2 + 1);
	return (x ^ k2) & mask;
}

static inline char *put_token(char *p, char lead, uint64_t v, unsigned nchar)
{
	*p++ = lead;
	for (unsigned i = nchar; i-- > 0;)
		*p++ = token_alpha[(v >> (4 * i)) & 15];
	return p;
}

/* ---- generator state -------------------------------------------------- */
struct person {
	uint64_t id;
	int age;
};

struct cstate {
	struct person ring[RING_SIZE];
	unsigned ring_n, ring_pos;
	struct person frequent[N_FREQUENT];
	int t_start; /* month index of adoption, or -1 */
};

struct gen {
	gsl_rng *rng;
	size_t nc; /* countries in use */
	struct cstate cs[N_COUNTRIES];
	uint64_t case_seq, person_seq;
	uint64_t case_k1, case_k2, person_k1, person_k2;
	int64_t cutoff;
	int64_t *times;
	size_t times_cap;
};

static double ramp(int k, int r)
{
	if (r <= 0)
		return 1.0;
	double f = (double)(k + 1) / r;
	return f < 1.0 ? f : 1.0;
}

static double pop_at(const struct country *c, int year)
{
	return floor(c->pop2012 * pow(1.0 + c->pop_growth, year - FIRST_YEAR) + 0.5);
}

static uint64_t rng_u64(gsl_rng *r)
{
	uint64_t hi = gsl_rng_get(r) & 0xffffffffUL;
	uint64_t lo = gsl_rng_get(r) & 0xffffffffUL;
	return (hi << 32) | lo;
}

static int pick(gsl_rng *r, const double *p, int n)
{
	double u = gsl_rng_uniform(r);
	for (int i = 0; i < n - 1; i++) {
		if (u < p[i])
			return i;
		u -= p[i];
	}
	return n - 1;
}

static struct person new_person(struct gen *g)
{
	struct person p;
	p.id = permute(g->person_seq++, 40, g->person_k1, g->person_k2);
	p.age = pick(g->rng, age_p, N_AGE);
	return p;
}

/* Log of the Poisson mean of country c's reports in month t, without eps. */
static double log_mu(const struct country *c, const struct cstate *s, int t)
{
	int year = FIRST_YEAR + t / 12, moy = t % 12 + 1;
	double v = log(c->base) + log(pop_at(c, year) / pop_at(c, FIRST_YEAR)) +
		   c->trend * t +
		   SEASON_AMPLITUDE * cos(TWO_PI * (moy - c->peak_month) / 12.0);
	if (s->t_start >= 0 && t >= s->t_start)
		v += log(LEVEL_RATIO) + SLOPE_CHANGE * (t - s->t_start);
	return v;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Writes one case record; the caller has reserved 256 bytes at p. */
static char *gen_record(struct gen *g, size_t ci, int t, int64_t rep, char *p)
{
	const struct country *c = &countries[ci];
	struct cstate *s = &g->cs[ci];
	gsl_rng *r = g->rng;
	int k = (s->t_start >= 0 && t >= s->t_start) ? t - s->t_start : -1;

	int src = pick(r, source_p, N_SRC);

	/* person: empty, one of the country's frequent persons, a recent one, or new */
	double u = gsl_rng_uniform(r);
	int has_person = 1;
	struct person per;
	if (u < P_PERSON_EMPTY) {
		has_person = 0;
		per.id = 0;
		per.age = pick(r, age_p, N_AGE);
	} else if (u < P_PERSON_EMPTY + P_PERSON_FREQUENT) {
		per = s->frequent[gsl_rng_uniform_int(r, N_FREQUENT)];
	} else if (u < P_PERSON_EMPTY + P_PERSON_FREQUENT + P_PERSON_RING &&
		   s->ring_n > 0) {
		per = s->ring[gsl_rng_uniform_int(r, s->ring_n)];
	} else {
		per = new_person(g);
		s->ring[s->ring_pos] = per;
		s->ring_pos = (s->ring_pos + 1) % RING_SIZE;
		if (s->ring_n < RING_SIZE)
			s->ring_n++;
	}

	/* removal: log-normal hours for removable content, censored at cutoff */
	int removable = gsl_rng_uniform(r) < removable_p[src];
	int64_t removed = -1;
	if (removable) {
		double med = c->removal_median_h * (k >= 0 ? REMOVAL_RATIO : 1.0);
		double h = gsl_ran_lognormal(r, log(med), REMOVAL_LOG_SD);
		double sec = floor(h * 3600.0 + 0.5);
		if (sec < 60.0)
			sec = 60.0;
		if (sec < (double)(g->cutoff - rep))
			removed = rep + (int64_t)sec;
	}

	/* time-stamp style: plain date only when nothing can be removed */
	int style; /* 0 = UTC "Z", 1 = local + offset, 2 = plain date */
	if (!removable && gsl_rng_uniform(r) < P_PLAIN_DATE)
		style = 2;
	else
		style = gsl_rng_uniform(r) < P_OFFSET ? 1 : 0;

	/* closure and outcome (charged share by month of report) */
	int64_t closed = -1;
	if (gsl_rng_uniform(r) < P_EVER_CLOSED) {
		double d = gsl_ran_lognormal(r, log(CLOSE_MEDIAN_DAYS), CLOSE_LOG_SD);
		double sec = floor(d * 86400.0 + 0.5);
		if (sec < 3600.0)
			sec = 3600.0;
		if (sec < (double)(g->cutoff - rep))
			closed = rep + (int64_t)sec;
	}
	const char *outcome = "open";
	if (closed >= 0) {
		double pch = c->charged_pre +
			     (k >= 0 ? CHARGED_CHANGE * ramp(k, CHARGED_RAMP) : 0.0);
		double v = gsl_rng_uniform(r);
		if (v < pch)
			outcome = "charged";
		else if (v < pch + P_REFERRED)
			outcome = "referred";
		else if (v < pch + P_REFERRED + P_OUTCOME_UNKNOWN)
			outcome = "unknown";
		else
			outcome = "no_further_action";
	}

	double psup = c->support_pre +
		      (k >= 0 ? SUPPORT_CHANGE * ramp(k, SUPPORT_RAMP) : 0.0);
	double v = gsl_rng_uniform(r);
	const char *support = v < P_SUPPORT_UNKNOWN ? "unknown"
			      : (v - P_SUPPORT_UNKNOWN) / (1.0 - P_SUPPORT_UNKNOWN) < psup ? "yes"
											     : "no";
	double psus = c->suspect_pre +
		      (k >= 0 ? SUSPECT_CHANGE * ramp(k, SUSPECT_RAMP) : 0.0);
	v = gsl_rng_uniform(r);
	const char *suspect = v < P_SUSPECT_UNKNOWN ? "unknown"
			      : (v - P_SUSPECT_UNKNOWN) / (1.0 - P_SUSPECT_UNKNOWN) < psus ? "yes"
											     : "no";

	/* write the row */
	p = put_token(p, 'c', permute(g->case_seq++, 48, g->case_k1, g->case_k2), 12);
	*p++ = ',';
	if (has_person)
		p = put_token(p, 'p', per.id, 10);
	*p++ = ',';
	memcpy(p, c->code, 3);
	p += 3;
	*p++ = ',';
	size_t n = strlen(source_name[src]);
	memcpy(p, source_name[src], n);
	p += n;
	*p++ = ',';
	if (style == 2)
		p = put_date(p, rep / 86400);
	else
		p = put_datetime(p, rep, style, c->offset_min);
	*p++ = ',';
	if (removed >= 0)
		p = put_datetime(p, removed, 0, 0);
	*p++ = ',';
	if (closed >= 0)
		p = put_datetime(p, closed, style == 1, c->offset_min);
	*p++ = ',';
	n = strlen(outcome);
	memcpy(p, outcome, n);
	p += n;
	*p++ = ',';
	n = strlen(age_name[per.age]);
	memcpy(p, age_name[per.age], n);
	p += n;
	*p++ = ',';
	n = strlen(support);
	memcpy(p, support, n);
	p += n;
	*p++ = ',';
	n = strlen(suspect);
	memcpy(p, suspect, n);
	p += n;
	*p++ = '\n';
	return p;
}

static const char cases_header[] =
	"case_id,person_id,country,source,reported_at,removed_at,closed_at,"
	"outcome,victim_age_band,support_offered,victim_treated_as_suspect\n";

/*
 * Writes the case file.  rows == 0 with poisson != 0 draws Poisson counts
 * per cell; otherwise exactly `rows` rows split multinomially.
 */
static int write_cases(struct gen *g, const char *path, int poisson,
		       unsigned long rows, unsigned long *written)
{
	size_t ncell = g->nc * N_MONTHS;
	double *mu = malloc(ncell * sizeof *mu);
	unsigned int *cnt = malloc(ncell * sizeof *cnt);
	if (!mu || !cnt) {
		free(mu);
		free(cnt);
		return EX_SOFTWARE;
	}
	/* cells in month-major order: cell = t * nc + c */
	for (int t = 0; t < N_MONTHS; t++)
		for (size_t c = 0; c < g->nc; c++) {
			double e = gsl_ran_gaussian(g->rng, SIGMA_EPS);
			mu[(size_t)t * g->nc + c] =
				exp(log_mu(&countries[c], &g->cs[c], t) + e);
		}
	if (poisson) {
		for (size_t i = 0; i < ncell; i++)
			cnt[i] = gsl_ran_poisson(g->rng, mu[i]);
	} else {
		gsl_ran_multinomial(g->rng, ncell, (unsigned int)rows, mu, cnt);
	}

	struct out o;
	if (out_open(&o, path) != 0) {
		free(mu);
		free(cnt);
		return EX_CANTCREAT;
	}
	out_str(&o, cases_header);
	unsigned long total = 0;
	for (int t = 0; t < N_MONTHS; t++) {
		int64_t t0 = month_start_epoch(t);
		int64_t span = month_start_epoch(t + 1) - t0;
		for (size_t c = 0; c < g->nc; c++) {
			size_t n = cnt[(size_t)t * g->nc + c];
			if (n > g->times_cap) {
				int64_t *nt = realloc(g->times, n * sizeof *nt);
				if (!nt) {
					out_abort(&o);
					free(mu);
					free(cnt);
					return EX_SOFTWARE;
				}
				g->times = nt;
				g->times_cap = n;
			}
			/* report instants uniform over the month, written in time order */
			for (size_t i = 0; i < n; i++)
				g->times[i] = t0 + (int64_t)gsl_rng_uniform_int(
						      g->rng, (unsigned long)span);
			if (n > 1)
				qsort(g->times, n, sizeof *g->times, cmp_i64);
			for (size_t i = 0; i < n; i++) {
				char *p = out_reserve(&o, 256);
				char *e = gen_record(g, c, t, g->times[i], p);
				o.len += (size_t)(e - p);
			}
			total += n;
		}
	}
	free(mu);
	free(cnt);
	*written = total;
	return out_close(&o);
}

static int write_adoption(struct gen *g, const char *path)
{
	struct out o;
	if (out_open(&o, path) != 0)
		return EX_CANTCREAT;
	out_str(&o, "country,mnr_start\n");
	/* in order of adoption */
	for (int t = 0; t < N_MONTHS; t++)
		for (size_t c = 0; c < g->nc; c++)
			if (g->cs[c].t_start == t && countries[c].adopt) {
				out_str(&o, countries[c].code);
				out_str(&o, ",");
				out_str(&o, countries[c].adopt);
				out_str(&o, "\n");
			}
	return out_close(&o);
}

static int write_population(struct gen *g, const char *path)
{
	struct out o;
	if (out_open(&o, path) != 0)
		return EX_CANTCREAT;
	out_str(&o, "country,year,population\n");
	for (size_t c = 0; c < g->nc; c++)
		for (int y = FIRST_YEAR; y < FIRST_YEAR + N_MONTHS / 12; y++)
			out_fmt(&o, "%s,%d,%.0f\n", countries[c].code, y,
				pop_at(&countries[c], y));
	return out_close(&o);
}

/* One effects.csv row; the model text is quoted (it contains commas). */
static void effect_row(struct out *o, const char *country, const char *start,
		       const char *metric, const char *effect, double value,
		       int ramp_months, const char *model)
{
	out_fmt(o, "%s,%s,%s,%s,%.10g,%d,\"", country, start, metric, effect, value,
		ramp_months);
	for (const char *q = model; *q; q++) {
		if (*q == '"')
			out_str(o, "\"\"");
		else
			out_fmt(o, "%c", *q);
	}
	out_str(o, "\"\n");
}

static double within_share(double median, double hours)
{
	return gsl_cdf_ugaussian_P((log(hours) - log(median)) / REMOVAL_LOG_SD);
}

#define M_REPORTS                                                                  \
	"monthly count of case records by UTC month of reported_at is "             \
	"Poisson(mu); log mu = log(base) + log(pop(year)/pop(2012)) + "             \
	"trend*t + amplitude*cos(2*pi*(moy-peak)/12) + "                            \
	"D*(log(level_ratio) + slope_change*k) + eps; t = months since 2012-01, "   \
	"moy = 1..12, D = 1 from the first month >= mnr_start, "                    \
	"k = months since mnr_start (0 in that month), eps ~ iid N(0, noise_sd^2); " \
	"source mix is constant, so the same holds for each source's count"
#define M_REMOVAL                                                                 \
	"removal time in hours of removable content ~ LogNormal(log(median), "     \
	"removal_log_sd^2), median multiplied by the ratio for records reported "  \
	"in months >= mnr_start (immediate, all quantiles scale); removed_at "     \
	"empty when not removable or removed at/after " CUTOFF_TEXT " (censored)"
#define M_CHARGED                                                                   \
	"P(outcome = charged | case closed) by month of reported_at = pre + "         \
	"value*min(1,(k+1)/ramp_months) for k = months since mnr_start >= 0; "       \
	"P(referred | closed) = 0.25 and P(unknown | closed) = 0.05 fixed, "          \
	"no_further_action takes the rest; closure is independent of outcome "         \
	"(closed with prob 0.92 after LogNormal(log 45 days, 1) unless that falls at " \
	"or after " CUTOFF_TEXT ", else open)"
#define M_SUPPORT                                                             \
	"P(support_offered = yes | not unknown) by month of reported_at = pre + " \
	"value*min(1,(k+1)/ramp_months), k = months since mnr_start >= 0; "     \
	"P(unknown) = 0.10 fixed, so the share among all records is 0.9 times this"
#define M_SUSPECT                                                             \
	"P(victim_treated_as_suspect = yes | not unknown) by month of "           \
	"reported_at = pre + value from the first month >= mnr_start "           \
	"(immediate); P(unknown) = 0.15 fixed, so the share among all records " \
	"is 0.85 times this"

static int write_effects(struct gen *g, const char *path)
{
	struct out o;
	if (out_open(&o, path) != 0)
		return EX_CANTCREAT;
	out_str(&o, "country,mnr_start,metric,effect,value,ramp_months,model\n");

	/* global parameters (country "*") */
	for (int s = 0; s < N_SRC; s++) {
		char m[64];
		snprintf(m, sizeof m, "source_share_%s", source_name[s]);
		effect_row(&o, "*", "", m, "baseline", source_p[s], 0,
			   "probability that a record has this source; constant over countries and months");
	}
	for (int s = 0; s < N_SRC; s++) {
		char m[64];
		snprintf(m, sizeof m, "removable_share_%s", source_name[s]);
		effect_row(&o, "*", "", m, "baseline", removable_p[s], 0,
			   "probability that a record of this source concerns removable content (only those get removed_at); constant");
	}
	effect_row(&o, "*", "", "reports", "season_amplitude_log", SEASON_AMPLITUDE, 0, M_REPORTS);
	effect_row(&o, "*", "", "reports", "noise_sd_log", SIGMA_EPS, 0, M_REPORTS);
	effect_row(&o, "*", "", "removal_hours", "log_sd", REMOVAL_LOG_SD, 0, M_REMOVAL);

	for (size_t c = 0; c < g->nc; c++) {
		const struct country *k = &countries[c];
		const char *st = k->adopt ? k->adopt : "";
		effect_row(&o, k->code, st, "reports", "base_mean_2012_01", k->base, 0, M_REPORTS);
		effect_row(&o, k->code, st, "reports", "trend_log_per_month", k->trend, 0, M_REPORTS);
		effect_row(&o, k->code, st, "reports", "season_peak_month", k->peak_month, 0, M_REPORTS);
		effect_row(&o, k->code, st, "removal_hours", "median_pre", k->removal_median_h, 0, M_REMOVAL);
		effect_row(&o, k->code, st, "removal_within_24h_share_of_removable", "pre_value",
			   within_share(k->removal_median_h, 24), 0, M_REMOVAL);
		effect_row(&o, k->code, st, "removal_within_72h_share_of_removable", "pre_value",
			   within_share(k->removal_median_h, 72), 0, M_REMOVAL);
		effect_row(&o, k->code, st, "charged_share_of_closed", "pre_value", k->charged_pre, 0, M_CHARGED);
		effect_row(&o, k->code, st, "support_offered_yes_share_of_known", "pre_value", k->support_pre, 0, M_SUPPORT);
		effect_row(&o, k->code, st, "suspect_yes_share_of_known", "pre_value", k->suspect_pre, 0, M_SUSPECT);
		if (!k->adopt)
			continue;
		double post = k->removal_median_h * REMOVAL_RATIO;
		effect_row(&o, k->code, st, "reports", "level_ratio", LEVEL_RATIO, 0, M_REPORTS);
		effect_row(&o, k->code, st, "reports", "log_slope_change_per_month", SLOPE_CHANGE, 0, M_REPORTS);
		effect_row(&o, k->code, st, "removal_hours", "quantile_ratio", REMOVAL_RATIO, 0, M_REMOVAL);
		effect_row(&o, k->code, st, "removal_hours", "median_post", post, 0, M_REMOVAL);
		effect_row(&o, k->code, st, "removal_within_24h_share_of_removable", "post_value",
			   within_share(post, 24), 0, M_REMOVAL);
		effect_row(&o, k->code, st, "removal_within_72h_share_of_removable", "post_value",
			   within_share(post, 72), 0, M_REMOVAL);
		effect_row(&o, k->code, st, "charged_share_of_closed", "share_change", CHARGED_CHANGE,
			   CHARGED_RAMP, M_CHARGED);
		effect_row(&o, k->code, st, "support_offered_yes_share_of_known", "share_change",
			   SUPPORT_CHANGE, SUPPORT_RAMP, M_SUPPORT);
		effect_row(&o, k->code, st, "suspect_yes_share_of_known", "share_change",
			   SUSPECT_CHANGE, SUSPECT_RAMP, M_SUSPECT);
	}
	return out_close(&o);
}

/* ---- command line ----------------------------------------------------- */
static void usage(FILE *fp)
{
	fputs("usage: mnrgen [--seed N] [--countries N] --out-dir DIR\n"
	      "       mnrgen [--seed N] [--countries N] --rows N --out FILE\n"
	      "Generates SYNTHETIC case records (see datasets/example/README.md).\n"
	      "  --out-dir DIR   write cases.csv, adoption.csv, population.csv and\n"
	      "                  effects.csv (Poisson monthly counts) into DIR\n"
	      "  --rows N --out FILE  write exactly N case rows to FILE (benchmarks)\n"
	      "  --seed N        MT19937 seed (default 20261127)\n"
	      "  --countries N   use the first N of the 12 countries (default 12)\n",
	      fp);
}

/* Strict unsigned parse: digits only, no sign, range-checked. */
static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "mnrgen: %s\nTry 'mnrgen --help'.\n", msg);
	return EX_USAGE;
}

static char *join_path(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = malloc(a + b + 2);
	if (!p)
		return NULL;
	memcpy(p, dir, a);
	p[a] = '/';
	memcpy(p + a + 1, name, b + 1);
	return p;
}

int main(int argc, char **argv)
{
	unsigned long seed = MNRGEN_DEFAULT_SEED, rows = 0, ncountries = N_COUNTRIES;
	const char *out_dir = NULL, *out_file = NULL;
	int have_rows = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;
		char name[32];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return EX_OK;
		}
		if (strncmp(a, "--", 2) != 0)
			return usage_error("unexpected operand");
		const char *eq = strchr(a, '=');
		size_t n = eq ? (size_t)(eq - a) : strlen(a);
		if (n >= sizeof name)
			return usage_error("unknown option");
		memcpy(name, a, n);
		name[n] = '\0';
		if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else
			return usage_error("option needs a value");

		if (strcmp(name, "--seed") == 0) {
			if (parse_ulong(val, 0xffffffffUL, &seed) != 0)
				return usage_error("--seed: expected an integer 0..4294967295");
		} else if (strcmp(name, "--rows") == 0) {
			if (parse_ulong(val, UINT_MAX, &rows) != 0)
				return usage_error("--rows: expected an integer 0..4294967295");
			have_rows = 1;
		} else if (strcmp(name, "--countries") == 0) {
			if (parse_ulong(val, N_COUNTRIES, &ncountries) != 0 || ncountries == 0)
				return usage_error("--countries: expected an integer 1..12");
		} else if (strcmp(name, "--out-dir") == 0) {
			out_dir = val;
		} else if (strcmp(name, "--out") == 0) {
			out_file = val;
		} else {
			return usage_error("unknown option");
		}
	}
	if ((out_dir != NULL) == (out_file != NULL))
		return usage_error("give exactly one of --out-dir DIR and --out FILE");
	if (out_file && !have_rows)
		return usage_error("--out needs --rows N");
	if (out_dir && have_rows)
		return usage_error("--rows goes with --out, not --out-dir");

	gsl_set_error_handler_off();
	struct gen g;
	memset(&g, 0, sizeof g);
	g.rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!g.rng) {
		fputs("mnrgen: out of memory\n", stderr);
		return EX_SOFTWARE;
	}
	gsl_rng_set(g.rng, seed);
	fprintf(stderr, "mnrgen: seed %lu (gsl_rng_mt19937)\n", seed);

	g.nc = ncountries;
	g.cutoff = days_from_civil(2025, 1, 1) * 86400;
	g.case_k1 = rng_u64(g.rng);
	g.case_k2 = rng_u64(g.rng);
	g.person_k1 = rng_u64(g.rng);
	g.person_k2 = rng_u64(g.rng);
	for (size_t c = 0; c < g.nc; c++) {
		g.cs[c].t_start = countries[c].adopt ? month_index(countries[c].adopt) : -1;
		for (int j = 0; j < N_FREQUENT; j++)
			g.cs[c].frequent[j] = new_person(&g);
	}

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = EX_OK;
	unsigned long written = 0;
	const char *failed = NULL;
	if (out_file) {
		rc = write_cases(&g, out_file, 0, rows, &written);
		failed = out_file;
	} else {
		if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
			fprintf(stderr, "mnrgen: cannot create directory %s: %s\n", out_dir,
				strerror(errno));
			gsl_rng_free(g.rng);
			return EX_CANTCREAT;
		}
		static const char *const names[] = {"cases.csv", "adoption.csv",
						    "population.csv", "effects.csv"};
		for (int f = 0; f < 4 && rc == EX_OK; f++) {
			char *path = join_path(out_dir, names[f]);
			if (!path) {
				rc = EX_SOFTWARE;
				break;
			}
			switch (f) {
			case 0: rc = write_cases(&g, path, 1, 0, &written); break;
			case 1: rc = write_adoption(&g, path); break;
			case 2: rc = write_population(&g, path); break;
			default: rc = write_effects(&g, path); break;
			}
			if (rc != EX_OK)
				fprintf(stderr, "mnrgen: cannot write %s\n", path);
			free(path);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc != EX_OK && failed)
		fprintf(stderr, "mnrgen: cannot write %s\n", failed);
	if (rc == EX_OK) {
		double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
		fprintf(stderr, "mnrgen: %lu case rows, %zu countries, %.2f s\n", written,
			g.nc, s);
	}
	free(g.times);
	gsl_rng_free(g.rng);
	return rc;
}
