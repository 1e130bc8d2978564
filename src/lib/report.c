/*
 * mnr_report_run: case file -> monthly panel (aggregate) -> privacy
 * (differentially private release, or small-cell suppression for an
 * internal report) -> per-metric analyses (compare, its, did, removal) ->
 * charts (gnuplot) -> the report folder, written in a temporary folder and
 * renamed into place at the end.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alloc_internal.h"
#include "mnrstat/aggregate.h"
#include "mnrstat/cases.h"
#include "mnrstat/fields.h"
#include "mnrstat/panel.h"
#include "mnrstat/plot.h"
#include "report_internal.h"
#include "banned.h"

extern char **environ;

/* The six domains of the Model National Response, in the MNR's order. */
const char *const mnr__rep_domains[MNR__REP_NDOMAINS] = {
	"policy and governance",
	"criminal justice",
	"victim support and empowerment",
	"societal prevention",
	"industry engagement",
	"communication and media",
};

void mnr_report_options_init(struct mnr_report_options *o)
{
	memset(o, 0, sizeof(*o));
	o->budget_kind = MNR_REPORT_BUDGET_RHO;
	o->budget.num = MNR_REPORT_DEFAULT_RHO_NUM;
	o->budget.den = MNR_REPORT_DEFAULT_RHO_DEN;
	o->did_boot = 999;
}

/* ---- the metric catalogue ---------------------------------------------- */

enum { CAT_METRIC, CAT_DOMAIN, CAT_DEF, CAT_UNIT, CAT_DIR, CAT_NCOL };
static const char *const cat_cols[CAT_NCOL] = {
	"metric", "domain", "definition", "unit", "direction"
};

struct cat_state {
	struct mnr__rep *r;
	long idx[CAT_NCOL];
	size_t alloc;
};

static int cat_row(void *ud, const struct mnr_csv_row *row,
		   struct mnr_error *err)
{
	struct cat_state *st = ud;
	struct mnr__rep *r = st->r;
	struct mnr__rep_metric *m;
	const char *dir;
	int req[CAT_NCOL] = { 1, 1, 1, 1, 1 };
	size_t i;

	if (row->is_header)
		return mnr_csv_bind(row, cat_cols, req, CAT_NCOL, NULL,
				    st->idx, err);
	if (mnr__grow((void **)&r->m, &st->alloc, r->nmetrics + 1,
		      sizeof(*r->m)) != 0)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	m = &r->m[r->nmetrics];
	memset(m, 0, sizeof(*m));
	r->nmetrics++;
	m->name = mnr__strdup(row->field[st->idx[CAT_METRIC]]);
	m->domain = mnr__strdup(row->field[st->idx[CAT_DOMAIN]]);
	m->definition = mnr__strdup(row->field[st->idx[CAT_DEF]]);
	m->unit = mnr__strdup(row->field[st->idx[CAT_UNIT]]);
	m->direction = mnr__strdup(row->field[st->idx[CAT_DIR]]);
	if (!m->name || !m->domain || !m->definition || !m->unit ||
	    !m->direction)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	dir = m->direction;
	if (strcmp(dir, "higher") == 0)
		m->better = MNR_REPORT_BETTER_HIGHER;
	else if (strcmp(dir, "lower") == 0)
		m->better = MNR_REPORT_BETTER_LOWER;
	else if (strcmp(dir, "none") == 0)
		m->better = MNR_REPORT_BETTER_NONE;
	else
		return mnr_csv_field_error(row, (size_t)st->idx[CAT_DIR], err,
					   MNR_EDATA, "enum",
					   "direction must be higher, lower "
					   "or none");
	for (i = 0; i < MNR__REP_NDOMAINS; i++)
		if (strcmp(m->domain, mnr__rep_domains[i]) == 0)
			break;
	if (i == MNR__REP_NDOMAINS)
		return mnr_csv_field_error(row, (size_t)st->idx[CAT_DOMAIN],
					   err, MNR_EDATA, "enum",
					   "domain is not one of the six MNR "
					   "domains");
	m->is_count = strcmp(m->unit, "count") == 0;
	return MNR_OK;
}

static int read_catalogue(struct mnr__rep *r, const char *path,
			  struct mnr_error *err)
{
	struct cat_state st;
	struct mnr_csv_options co;

	memset(&st, 0, sizeof(st));
	st.r = r;
	mnr_csv_options_init(&co);
	return mnr_csv_read_path(path, &co, cat_row, &st, err);
}


/* ---- shares derived from two counts -------------------------------------- */

/*
 * The catalogue lists counts; what changes for a child is the share: of
 * the reports where it is known, in how many was support offered, or was
 * the child treated as a suspect (the design brief: "the share must be
 * measurable").  Each pair <x>_yes / <x>_known present in the catalogue
 * adds a derived share metric, computed after the privacy step from the
 * released (or suppressed) counts: post-processing, no extra budget.
 */
static int add_derived(struct mnr__rep *r, struct mnr_error *err)
{
	static const struct {
		const char *name, *yes, *known, *what;
	} pairs[] = {
		{ "support_offered_share", "support_offered_yes",
		  "support_offered_known", "support was offered" },
		{ "victim_suspect_share", "victim_suspect_yes",
		  "victim_suspect_known", "the child was treated as a suspect" },
	};
	size_t i, j, n0 = r->nmetrics;
	struct mnr__rep_metric *nm;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		long yi = -1, ki = -1;
		char def[300];

		for (j = 0; j < n0; j++) {
			if (strcmp(r->m[j].name, pairs[i].yes) == 0)
				yi = (long)j;
			if (strcmp(r->m[j].name, pairs[i].known) == 0)
				ki = (long)j;
		}
		if (yi < 0 || ki < 0)
			continue;
		nm = mnr__realloc(r->m, (r->nmetrics + 1) * sizeof(*r->m));
		if (!nm)
			return mnr_error_set(err, MNR_ENOMEM, "out of memory");
		r->m = nm;
		nm = &r->m[r->nmetrics];
		memset(nm, 0, sizeof(*nm));
		r->nmetrics++;
		snprintf(def, sizeof(def), "Share of the month's reports in which "
			 "%s, among those where it is known (%s / %s); derived "
			 "by the report from the two counts.", pairs[i].what,
			 pairs[i].yes, pairs[i].known);
		nm->name = mnr__strdup(pairs[i].name);
		nm->domain = mnr__strdup(r->m[yi].domain);
		nm->definition = mnr__strdup(def);
		nm->unit = mnr__strdup("share (0-1)");
		nm->direction = mnr__strdup(r->m[yi].direction);
		if (!nm->name || !nm->domain || !nm->definition || !nm->unit ||
		    !nm->direction)
			return mnr_error_set(err, MNR_ENOMEM, "out of memory");
		nm->better = r->m[yi].better;
		nm->derived = 1;
		nm->num = yi;
		nm->den = ki;
	}
	return MNR_OK;
}

/* Fill the derived shares from their counts (after the privacy step). */
static void fill_derived(struct mnr__rep *r)
{
	size_t i, k, n = r->ncountries * r->nmonths;

	for (i = 0; i < r->nmetrics; i++) {
		struct mnr__rep_metric *m = &r->m[i];
		const struct mnr__rep_metric *a, *b;

		if (!m->derived || !m->y)
			continue;
		a = &r->m[m->num];
		b = &r->m[m->den];
		m->analysed = a->analysed && b->analysed;
		if (!m->analysed) {
			snprintf(m->withheld, sizeof(m->withheld), "%s",
				 "its counts are not in this report");
			continue;
		}
		m->withheld[0] = '\0';
		for (k = 0; k < n; k++) {
			/* Released counts may be negative: a share needs
			 * non-negative counts (post-processing). */
			double x = a->y[k] > 0 ? a->y[k] : 0;
			double d = b->y[k] > 0 ? b->y[k] : 0;

			if (!isfinite(a->y[k]) || !isfinite(b->y[k]))
				x = d = NAN;

			/* Released counts are noisy: a numerator above its
			 * denominator is capped (post-processing). */
			m->y[k] = isfinite(x) && isfinite(d) && d > 0
				  ? (x > d ? 1.0 : x / d) : NAN;
			/* A share of a small or hidden denominator describes
			 * those few reports: hidden with it. */
			m->hide[k] = b->hide[k] || a->hide[k] ||
				     (r->o->internal && d < MNR_REPORT_SUPPRESS_K);
		}
	}
}

/* ---- helpers ----------------------------------------------------------- */

static struct mnr__rep_metric *find_metric(struct mnr__rep *r,
					   const char *name)
{
	size_t i;

	for (i = 0; i < r->nmetrics; i++)
		if (strcmp(r->m[i].name, name) == 0)
			return &r->m[i];
	return NULL;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = mnr__malloc(la + lb + 2);

	if (!p)
		return NULL;
	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + 1, b, lb + 1);
	return p;
}

/* Remove a folder tree that this code created (files and folders only;
 * symbolic links are unlinked, never followed). */
static void rm_tree(const char *path, int depth)
{
	DIR *d;
	struct dirent *de;
	struct stat sb;

	if (depth > 4)
		return;
	d = opendir(path);
	if (!d) {
		unlink(path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char *p;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		p = path_join(path, de->d_name);
		if (!p)
			continue;
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			rm_tree(p, depth + 1);
		else
			unlink(p);
		mnr__free(p);
	}
	closedir(d);
	rmdir(path);
}

/* Read a whole small file into a NUL-terminated buffer. */
static int slurp(const char *path, char **out, struct mnr_error *err)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!fp)
		return mnr_error_set(err, MNR_EIO, "cannot read a chart back");
	for (;;) {
		if (len + 65536 + 1 > cap) {
			size_t nc = cap ? cap * 2 : 131072;
			char *nb = mnr__realloc(buf, nc);

			if (!nb) {
				mnr__free(buf);
				fclose(fp);
				return mnr_error_set(err, MNR_ENOMEM,
						     "out of memory");
			}
			buf = nb;
			cap = nc;
		}
		n = fread(buf + len, 1, 65536, fp);
		len += n;
		if (n < 65536)
			break;
	}
	if (ferror(fp)) {
		mnr__free(buf);
		fclose(fp);
		return mnr_error_set(err, MNR_EIO, "cannot read a chart back");
	}
	fclose(fp);
	buf[len] = '\0';
	*out = buf;
	return MNR_OK;
}

/* Is gnuplot there?  Checked before any budget is spent, so a missing
 * program never costs privacy budget. */
static int probe_gnuplot(const char *prog, struct mnr_error *err)
{
	posix_spawn_file_actions_t fa;
	char *argv[4];
	pid_t pid;
	int rc, status;

	argv[0] = (char *)prog;
	argv[1] = (char *)"-e";
	argv[2] = (char *)"exit";
	argv[3] = NULL;
	if (posix_spawn_file_actions_init(&fa) != 0)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (rc == 0)
		rc = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null",
						      O_WRONLY, 0);
	if (rc == 0)
		rc = posix_spawn_file_actions_addopen(&fa, 2, "/dev/null",
						      O_WRONLY, 0);
	if (rc == 0)
		rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc == 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			rc = ENOENT;
	}
	if (rc != 0) {
		mnr_error_set(err, MNR_EPLOT, "gnuplot could not be started "
			      "(install it: apt-get install gnuplot-nox, or "
			      "name it with --gnuplot PATH)");
		mnr_error_rule(err, "gnuplot-missing");
		return MNR_EPLOT;
	}
	return MNR_OK;
}


/* ---- person-level contribution bounding (private reports) -------------- */

/* Defaults of the report: a person counts in at most two country-months,
 * with one record in each (issue 4, item 3). */
#define REP_MAX_CELLS 2
#define REP_MAX_PER_CELL 1

struct bound_row {
	uint64_t key;    /* 64-bit SHA-256 prefix of the person token */
	uint64_t cell;   /* country (3 bytes) << 32 | report month */
	uint64_t row;    /* data row number, 0-based */
};

struct bound_state {
	struct mnr_case_schema schema;
	const struct mnr_colmap *map;
	struct bound_row *rows;
	size_t n, alloc;
	uint64_t nrow;          /* data rows seen */
	unsigned char *drop;    /* pass 2: 1 = left out */
	struct mnr_agg *agg;    /* pass 2: kept rows go here */
	int has_person;
};

static uint64_t cell_of(const struct mnr_case *c)
{
	uint64_t cc = ((uint64_t)(unsigned char)c->country[0] << 16) |
		      ((uint64_t)(unsigned char)c->country[1] << 8) |
		      (uint64_t)(unsigned char)c->country[2];

	return cc << 32 | (uint32_t)mnr_month_of(c->reported);
}

static int bound_pass1(void *ud, const struct mnr_csv_row *row,
		       struct mnr_error *err)
{
	struct bound_state *st = ud;
	struct mnr_case c;
	unsigned char d[MNR_SHA256_LEN];
	int rc, k;

	if (row->is_header) {
		rc = mnr_case_bind(&st->schema, row, st->map, err);
		st->has_person = st->schema.idx[MNR_CASE_PERSON] >= 0;
		return rc;
	}
	rc = mnr_case_parse(&st->schema, row, &c, err);
	if (rc != MNR_OK)
		return rc;
	if (c.person_len > 0) {
		struct bound_row *b;

		if (mnr__grow((void **)&st->rows, &st->alloc, st->n + 1,
			      sizeof(*st->rows)) != 0)
			return mnr_error_set(err, MNR_ENOMEM, "out of memory");
		b = &st->rows[st->n++];
		mnr_sha256(c.person, c.person_len, d);
		b->key = 0;
		for (k = 0; k < 8; k++)
			b->key = b->key << 8 | d[k];
		b->cell = cell_of(&c);
		b->row = st->nrow;
	}
	st->nrow++;
	return MNR_OK;
}

static int bound_pass2(void *ud, const struct mnr_csv_row *row,
		       struct mnr_error *err)
{
	struct bound_state *st = ud;
	struct mnr_case c;
	int rc;

	if (row->is_header)
		return mnr_case_bind(&st->schema, row, st->map, err);
	if (st->drop[st->nrow++])
		return MNR_OK;
	rc = mnr_case_parse(&st->schema, row, &c, err);
	if (rc == MNR_OK)
		rc = mnr_agg_add(st->agg, &c, err);
	return rc;
}

static int cmp_bound(const void *a, const void *b)
{
	const struct bound_row *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->cell != y->cell)
		return x->cell < y->cell ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

/*
 * Read the case file twice: first to find, for each person, the records
 * kept under the bounds (the person's distinct country-months in
 * increasing order, the first REP_MAX_CELLS of them; in each the first
 * REP_MAX_PER_CELL records in file order -- a rule that depends only on
 * the person's own records, as mnr_dp_bound_contributions), then to
 * aggregate the kept records.  A record without person_id is its own unit.
 */
static int read_bounded(struct mnr__rep *r, struct mnr_agg *agg,
			struct mnr_error *err)
{
	struct bound_state st;
	struct mnr_csv_options co;
	size_t i, j;
	int rc;

	memset(&st, 0, sizeof(st));
	st.map = r->o->map;
	mnr_csv_options_init(&co);
	rc = mnr_csv_read_path(r->o->cases, &co, bound_pass1, &st, err);
	if (rc != MNR_OK)
		goto out;
	r->has_person = st.has_person;
	st.drop = mnr__calloc(st.nrow ? st.nrow : 1, 1);
	if (!st.drop) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	if (st.n > 1)
		qsort(st.rows, st.n, sizeof(*st.rows), cmp_bound);
	for (i = 0; i < st.n; i = j) {
		size_t cells = 0, in_cell = 0;

		for (j = i; j < st.n && st.rows[j].key == st.rows[i].key; j++) {
			if (j == i || st.rows[j].cell != st.rows[j - 1].cell) {
				cells++;
				in_cell = 0;
			}
			in_cell++;
			if (cells > REP_MAX_CELLS || in_cell > REP_MAX_PER_CELL) {
				st.drop[st.rows[j].row] = 1;
				r->rows_dropped++;
			}
		}
		r->persons++;
	}
	st.nrow = 0;
	st.agg = agg;
	rc = mnr_csv_read_path(r->o->cases, &co, bound_pass2, &st, err);
out:
	mnr__free(st.rows);
	mnr__free(st.drop);
	return rc;
}

/* ---- data: aggregate, then the common country x month grid ------------ */

static int load_data(struct mnr__rep *r, struct mnr_error *err)
{
	const struct mnr_report_options *o = r->o;
	struct mnr_agg_options ao;
	struct mnr_agg *agg = NULL;
	struct mnr_population *pop = NULL;
	struct mnr_panel *panel = NULL;
	char *ppath = NULL;
	FILE *fp = NULL;
	size_t i, c, t;
	int rc;

	mnr_agg_options_init(&ao);
	ao.map = o->map;
	ao.threads = 2;
	rc = mnr_agg_alloc(&agg, &ao, err);
	if (rc == MNR_OK)
		rc = o->internal ? mnr_agg_read_path(agg, o->cases, err)
				 : read_bounded(r, agg, err);
	if (rc == MNR_OK)
		rc = mnr_agg_finalise(agg, err);
	if (rc == MNR_OK && mnr_agg_rows(agg) == 0)
		rc = mnr_error_set(err, MNR_EDATA, "the case file holds no "
				   "case record");
	if (rc == MNR_OK && o->population)
		rc = mnr_population_read(o->population, NULL, &pop, err);
	if (rc != MNR_OK)
		goto out;
	r->rows = mnr_agg_rows(agg);
	/* The panel goes through a private file in the temporary folder
	 * (removed at once): the panel reader gives the country list, the
	 * common span and each series. */
	ppath = path_join(r->tmp, "panel.raw.csv");
	if (!ppath) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	fp = fopen(ppath, "w");
	if (!fp) {
		rc = mnr_error_set(err, MNR_ECREAT, "cannot create a file in "
				   "the temporary report folder");
		goto out;
	}
	rc = mnr_agg_write_panel(agg, pop, fp, err);
	if (fclose(fp) != 0 && rc == MNR_OK)
		rc = mnr_error_set(err, MNR_EIO, "cannot write the panel");
	fp = NULL;
	if (rc == MNR_OK)
		rc = mnr_panel_read(ppath, NULL, &panel, err);
	unlink(ppath);
	if (rc != MNR_OK)
		goto out;

	r->ncountries = panel->ncountries;
	r->country = mnr__calloc(r->ncountries, sizeof(*r->country));
	r->adopt = mnr__calloc(r->ncountries, sizeof(*r->adopt));
	if (!r->country || !r->adopt) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	r->m0 = panel->n ? panel->cell[0].month : 0;
	r->m1 = r->m0;
	for (i = 0; i < panel->n; i++) {
		if (panel->cell[i].month < r->m0)
			r->m0 = panel->cell[i].month;
		if (panel->cell[i].month > r->m1)
			r->m1 = panel->cell[i].month;
	}
	r->nmonths = (size_t)(r->m1 - r->m0 + 1);
	r->months = mnr__calloc(r->nmonths, sizeof(int));
	r->pop = mnr__calloc(mnr__size_mul(r->ncountries, r->nmonths),
			     sizeof(double));
	if (!r->months || !r->pop) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	for (t = 0; t < r->nmonths; t++)
		r->months[t] = r->m0 + (int)t;
	for (i = 0; i < r->ncountries * r->nmonths; i++)
		r->pop[i] = NAN;
	r->has_pop = panel->has_population;
	for (i = 0; i < panel->n; i++) {
		const struct mnr_panel_cell *pc = &panel->cell[i];
		size_t k = (size_t)pc->country * r->nmonths +
			   (size_t)(pc->month - r->m0);

		if (isfinite(pc->population))
			r->pop[k] = pc->population;
	}
	r->focus = -1;
	for (c = 0; c < r->ncountries; c++) {
		memcpy(r->country[c], panel->country[c], 4);
		r->adopt[c] = -1;
		if (o->country && strcmp(o->country, r->country[c]) == 0)
			r->focus = (long)c;
	}

	/* Each catalogue metric's values on the common grid. */
	for (i = 0; i < r->nmetrics; i++) {
		struct mnr__rep_metric *m = &r->m[i];
		long mi = mnr_panel_metric_index(panel, m->name);

		m->y = mnr__calloc(mnr__size_mul(r->ncountries, r->nmonths),
				   sizeof(double));
		m->hide = mnr__calloc(mnr__size_mul(r->ncountries,
						    r->nmonths), 1);
		m->c = mnr__calloc(r->ncountries, sizeof(*m->c));
		if (!m->y || !m->hide || !m->c) {
			rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
			goto out;
		}
		for (t = 0; t < r->ncountries * r->nmonths; t++)
			m->y[t] = NAN;
		if (m->derived)
			continue;
		if (mi < 0) {
			snprintf(m->withheld, sizeof(m->withheld), "%s",
				 "not in the aggregated panel");
			continue;
		}
		m->analysed = 1;
	}
	for (i = 0; i < panel->n; i++) {
		const struct mnr_panel_cell *pc = &panel->cell[i];
		struct mnr__rep_metric *m =
			find_metric(r, panel->metric[pc->metric]);

		if (m)
			m->y[(size_t)pc->country * r->nmonths +
			     (size_t)(pc->month - r->m0)] = pc->value;
	}
	/* A count month inside the common span but outside a country's own
	 * grid had no report: a true zero (the aggregator's rule). */
	for (i = 0; i < r->nmetrics; i++) {
		struct mnr__rep_metric *m = &r->m[i];

		if (!m->analysed || !m->is_count)
			continue;
		for (t = 0; t < r->ncountries * r->nmonths; t++)
			if (isnan(m->y[t]))
				m->y[t] = 0;
	}
out:
	if (fp)
		fclose(fp);
	mnr__free(ppath);
	mnr_panel_free(panel);
	mnr_population_free(pop);
	mnr_agg_free(agg);
	return rc;
}

/* ---- privacy ----------------------------------------------------------- */

/*
 * What one case record adds to the released counts: 1 to reports_total,
 * to exactly one reports_<source>, to at most one outcome_*, and at most 1
 * to each of the others below -- all in the record's own report month.
 * So the l1 sensitivity per record is the number of groups released, and
 * the squared l2 sensitivity the same (every contribution is 0 or 1).
 */
static int count_group(const char *name)
{
	static const char *const single[] = {
		"reports_total", "reports_removed", "cases_closed",
		"support_offered_yes", "support_offered_known",
		"victim_suspect_yes", "victim_suspect_known",
	};
	size_t i;

	if (strncmp(name, "reports_", 8) == 0 &&
	    (strcmp(name + 8, "hotline") == 0 ||
	     strcmp(name + 8, "helpline") == 0 ||
	     strcmp(name + 8, "police") == 0 ||
	     strcmp(name + 8, "industry") == 0 ||
	     strcmp(name + 8, "other") == 0))
		return 100;  /* one group: the record's source */
	if (strncmp(name, "outcome_", 8) == 0)
		return 101;  /* one group: the record's outcome */
	for (i = 0; i < sizeof(single) / sizeof(single[0]); i++)
		if (strcmp(name, single[i]) == 0)
			return (int)i;
	return -1;           /* unknown: not released */
}

static double eps_at_delta(double rho, double delta)
{
	double lo = 0, hi = 200;
	int k;

	/* delta(eps) decreases in eps: bisection for the smallest eps whose
	 * delta is at most the target (CKS Corollary 13 via dp.h). */
	for (k = 0; k < 80; k++) {
		double mid = 0.5 * (lo + hi);

		if (mnr_dp_zcdp_delta(rho, mid) <= delta)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

static int private_release(struct mnr__rep *r, struct mnr_error *err)
{
	const struct mnr_report_options *o = r->o;
	struct mnr_ledger_request req;
	struct mnr_ledger_summary sum;
	struct mnr_rng rng;
	int groups[128] = { 0 };
	uint64_t l = 0;
	size_t i, k;
	int rc;
	struct stat sb;

	for (i = 0; i < r->nmetrics; i++) {
		struct mnr__rep_metric *m = &r->m[i];
		int g;

		if (!m->analysed)
			continue;
		if (!m->is_count) {
			m->analysed = 0;
			snprintf(m->withheld, sizeof(m->withheld), "%s",
				 "withheld from a private report: no "
				 "differentially private estimator for it "
				 "yet (an internal report shows it)");
			continue;
		}
		g = count_group(m->name);
		if (g < 0) {
			m->analysed = 0;
			snprintf(m->withheld, sizeof(m->withheld), "%s",
				 "withheld: its contribution per case record "
				 "is not known, so no noise can be calibrated");
			continue;
		}
		if (!groups[g]) {
			groups[g] = 1;
			l++;
		}
	}
	if (l == 0)
		return mnr_error_set(err, MNR_EDATA, "no count metric to "
				     "release");
	/* One unit adds at most max_per_cell to each of l counts in each of
	 * at most max_cells country-months: l1 = cells * l * per_cell,
	 * l2^2 = cells * l * per_cell^2 (a record without bounds: 1, 1). */
	r->groups = l;
	r->max_cells = r->has_person ? REP_MAX_CELLS : 1;
	r->max_per_cell = r->has_person ? REP_MAX_PER_CELL : 1;
	r->sensitivity = r->max_cells * l * r->max_per_cell;
	r->l2sq = r->max_cells * l * r->max_per_cell * r->max_per_cell;
	if (o->budget_kind == MNR_REPORT_BUDGET_EPSILON) {
		rc = mnr_dp_calibrate_laplace(o->budget, r->sensitivity,
					      &r->noise, err);
		r->eps_equiv = mnr_rational_to_double(o->budget);
	} else {
		rc = mnr_dp_calibrate_gauss_rho(o->budget, r->l2sq, &r->noise,
						err);
		r->eps_equiv = eps_at_delta(mnr_rational_to_double(o->budget),
					    1e-6);
	}
	if (rc == MNR_OK)
		rc = mnr_dp_variance(&r->noise, &r->noise_var, err);
	if (rc == MNR_OK)
		rc = mnr_dp_interval(&r->noise, 0.95, &r->halfwidth,
				     &r->coverage, err);
	if (rc != MNR_OK)
		return rc;

	/* The ledger entry is written and fsync'd before any noise is
	 * drawn, so the ledger never records less than was released. */
	memset(&req, 0, sizeof(req));
	req.dataset = r->sha_cases;
	req.unit = r->has_person ? "person" : "case_record";
	req.budget_kind = o->budget_kind == MNR_REPORT_BUDGET_EPSILON
			  ? MNR_LEDGER_EPSILON : MNR_LEDGER_RHO;
	req.budget = o->budget;
	if (o->ledger && stat(o->ledger, &sb) == 0) {
		memset(&sum, 0, sizeof(sum));
		rc = mnr_ledger_verify(o->ledger, &sum, err);
		if (rc != MNR_OK)
			return rc;
		for (k = 0; k < sum.naccounts; k++)
			if (strcmp(sum.accounts[k].dataset, r->sha_cases) == 0 &&
			    strcmp(sum.accounts[k].unit, req.unit) == 0)
				req.budget_kind = 0; /* the recorded total */
		mnr_ledger_summary_free(&sum);
	}
	req.mechanism = mnr_dp_mechanism_name(r->noise.kind);
	req.cost_kind = o->budget_kind == MNR_REPORT_BUDGET_EPSILON
			? MNR_LEDGER_EPSILON : MNR_LEDGER_RHO;
	req.cost = o->budget;
	req.label = o->has_seed ? "mnrstat report (NOT PRIVATE: seeded)"
				: "mnrstat report";
	if (o->ledger) {
		r->ledger_path = o->ledger;
	} else {
		snprintf(r->ledger_buf, sizeof(r->ledger_buf), "%s/ledger.jsonl",
			 r->tmp);
		r->ledger_path = r->ledger_buf;
	}
	rc = mnr_ledger_spend(r->ledger_path, &req, &r->receipt, err);
	if (rc != MNR_OK)
		return rc;
	r->has_receipt = 1;

	if (o->has_seed)
		mnr_rng_init_insecure(&rng, o->seed);
	else
		mnr_rng_init_secure(&rng);
	for (i = 0; i < r->nmetrics && rc == MNR_OK; i++) {
		struct mnr__rep_metric *m = &r->m[i];

		if (!m->analysed)
			continue;
		for (k = 0; k < r->ncountries * r->nmonths; k++) {
			int64_t v = (int64_t)m->y[k], out;

			rc = mnr_dp_release_value(&rng, &r->noise, v, &out,
						  err);
			if (rc != MNR_OK)
				break;
			/* A released count may be negative (noise around a
			 * small true count).  It is kept as released: the
			 * time-series and before/after methods take it with
			 * the known noise variance and stay unbiased, where
			 * setting it to 0 would bias small counts upward. */
			if (out < 0) {
				r->nclamped++;
				m->nclamped++;
			}
			m->y[k] = (double)out;
			r->nreleased_cells++;
		}
	}
	mnr_rng_wipe(&rng);
	if (rc != MNR_OK) {
		/* Nothing half-released is kept. */
		for (i = 0; i < r->nmetrics; i++)
			for (k = 0; k < r->ncountries * r->nmonths; k++)
				r->m[i].y[k] = NAN;
		return rc;
	}
	r->private_release = 1;
	snprintf(r->privacy_line, sizeof(r->privacy_line),
		 "%sdifferentially private (%s %s = %g per %s)",
		 o->has_seed ? "NOT PRIVATE (seeded) - " : "",
		 mnr_dp_mechanism_name(r->noise.kind),
		 o->budget_kind == MNR_REPORT_BUDGET_EPSILON ? "epsilon" : "rho",
		 mnr_rational_to_double(o->budget),
		 r->has_person ? "person" : "case record");
	return MNR_OK;
}

static int internal_suppress(struct mnr__rep *r, struct mnr_error *err)
{
	size_t C = r->ncountries, T = r->nmonths, i, k;
	uint64_t *x = mnr__calloc(mnr__size_mul(C, T), sizeof(uint64_t));
	unsigned char *mark = mnr__calloc(mnr__size_mul(C, T), 1);
	unsigned char *rt = mnr__calloc(C, 1), *ct = mnr__calloc(T, 1);
	struct mnr__rep_metric *total = find_metric(r, "reports_total");
	int rc = MNR_OK;

	if (!x || !mark || !rt || !ct) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < r->nmetrics && rc == MNR_OK; i++) {
		struct mnr__rep_metric *m = &r->m[i];
		size_t np = 0, ns = 0;

		if (!m->analysed || !m->is_count)
			continue;
		for (k = 0; k < C * T; k++)
			x[k] = m->y[k] > 0 ? (uint64_t)m->y[k] : 0;
		rc = mnr_dp_suppress(x, C, T, MNR_REPORT_SUPPRESS_K, mark, rt,
				     ct, &np, &ns, err);
		for (k = 0; rc == MNR_OK && k < C * T; k++)
			m->hide[k] = mark[k] != MNR_SUPP_NONE;
		r->nsuppressed_primary += np;
		r->nsuppressed_secondary += ns;
	}
	/* A share or a median of a month with few reports describes those few
	 * reports: hidden wherever the month's report count is hidden or
	 * below the threshold. */
	for (i = 0; rc == MNR_OK && i < r->nmetrics; i++) {
		struct mnr__rep_metric *m = &r->m[i];

		if (!m->analysed || m->is_count)
			continue;
		for (k = 0; k < C * T; k++)
			m->hide[k] = total && total->analysed &&
				     (total->hide[k] ||
				      total->y[k] < MNR_REPORT_SUPPRESS_K);
	}
	snprintf(r->privacy_line, sizeof(r->privacy_line),
		 "INTERNAL - not for publication (no noise; counts below %d "
		 "hidden)", MNR_REPORT_SUPPRESS_K);
out:
	mnr__free(x);
	mnr__free(mark);
	mnr__free(rt);
	mnr__free(ct);
	return rc;
}

/* ---- analysis ----------------------------------------------------------- */

static void head_from_its(struct mnr__rep_head *h,
			  const struct mnr__rep_metric *m,
			  const struct mnr_its_result *its)
{
	const struct mnr_its_coef *c = mnr_its_coef_find(its, "level_change");
	int share = strncmp(m->unit, "share", 5) == 0;

	memset(h, 0, sizeof(*h));
	if (!c)
		return;
	h->has = 1;
	h->method = "interrupted time series: level change at adoption";
	h->e.level = its->level;
	h->e.better = m->better;
	h->e.label = h->label;
	h->p_value = c->p_value;
	if (isfinite(c->exp_estimate)) {
		h->e.scale = MNR_REPORT_RATIO;
		h->e.estimate = c->exp_estimate;
		h->e.ci_low = c->exp_ci_low;
		h->e.ci_high = c->exp_ci_high;
		snprintf(h->label, sizeof(h->label), "the monthly level of %s",
			 m->name);
	} else {
		double f = share ? 100.0 : 1.0;

		h->e.scale = MNR_REPORT_DIFF;
		h->e.estimate = c->estimate * f;
		h->e.ci_low = c->ci_low * f;
		h->e.ci_high = c->ci_high * f;
		snprintf(h->unit, sizeof(h->unit), "%s",
			 share ? "percentage points" : m->unit);
		h->e.unit = h->unit;
		snprintf(h->label, sizeof(h->label), "the monthly level of %s",
			 m->name);
	}
}

static void head_from_compare(struct mnr__rep_head *h,
			      const struct mnr__rep_metric *m,
			      const struct mnr_compare_result *cr, int noisy)
{
	int share = strncmp(m->unit, "share", 5) == 0;

	memset(h, 0, sizeof(*h));
	h->e.label = h->label;
	h->e.better = m->better;
	if (cr->has_rate) {
		h->has = 1;
		h->e.scale = MNR_REPORT_RATIO;
		h->e.level = cr->rate.level;
		h->e.estimate = cr->rate.ratio;
		/* Released counts: the Wald interval carries the noise
		 * variance; the exact one does not (compare.h). */
		h->e.ci_low = noisy ? cr->rate.wald_low : cr->rate.exact_low;
		h->e.ci_high = noisy ? cr->rate.wald_high : cr->rate.exact_high;
		h->p_value = noisy ? cr->rate.wald_p : cr->rate.exact_p;
		h->method = "before/after rate ratio";
		snprintf(h->label, sizeof(h->label), "the monthly rate of %s",
			 m->name);
	} else if (cr->has_welch) {
		double f = share ? 100.0 : 1.0;

		h->has = 1;
		h->e.scale = MNR_REPORT_DIFF;
		h->e.level = cr->welch.level;
		h->e.estimate = cr->welch.diff * f;
		h->e.ci_low = cr->welch.ci_low * f;
		h->e.ci_high = cr->welch.ci_high * f;
		h->p_value = cr->welch.p_value;
		snprintf(h->unit, sizeof(h->unit), "%s",
			 share ? "percentage points" : m->unit);
		h->e.unit = h->unit;
		h->method = "before/after difference of means (Welch)";
		snprintf(h->label, sizeof(h->label), "the monthly mean of %s",
			 m->name);
	}
}

/* A ratio whose interval spans more than this factor says nothing (a
 * log-link fit on a few events, or on counts drowned in privacy noise). */
#define REP_MAX_RATIO_SPAN 1e3

static void head_finish(struct mnr__rep_head *h)
{
	int unusable = h->e.scale == MNR_REPORT_RATIO &&
		       isfinite(h->e.ci_low) && isfinite(h->e.ci_high) &&
		       (h->e.ci_low <= 0 ||
			h->e.ci_high / h->e.ci_low > REP_MAX_RATIO_SPAN);

	/* Its limits are kept in results.json with the model's numbers;
	 * the headline treats it as an estimate without interval. */
	if (unusable)
		h->e.ci_low = h->e.ci_high = NAN;
	mnr_report_classify(&h->e, &h->v);
	if (mnr_report_sentence(&h->e, h->sentence, sizeof(h->sentence),
				NULL) != MNR_OK)
		h->sentence[0] = '\0';
	if (unusable) {
		size_t len = strlen(h->sentence);

		snprintf(h->sentence + len, sizeof(h->sentence) - len,
			 " Reason: its interval spans more than a thousandfold "
			 "(too few events, or counts too noisy, for this "
			 "model).");
	}
}

static int analyse_country(struct mnr__rep *r, struct mnr__rep_metric *m,
			   size_t c, struct mnr_error *err)
{
	struct mnr__rep_country *rc = &m->c[c];
	size_t T = r->nmonths;
	const double *y = m->y + c * T;
	const double *pop = r->has_pop ? r->pop + c * T : NULL;
	double *nv = NULL;
	struct mnr_compare_options co;
	struct mnr_its_options io;
	struct mnr_its_series s;
	struct mnr_error e2;
	int st, iv = r->adopt[c];
	size_t t;

	if (iv < 0 || iv <= r->m0 || iv > r->m1)
		return MNR_OK;
	rc->analysed = 1;
	rc->intervention = iv;
	if (r->private_release) {
		nv = mnr__calloc(T, sizeof(double));
		if (!nv)
			return mnr_error_set(err, MNR_ENOMEM, "out of memory");
		for (t = 0; t < T; t++)
			nv[t] = r->noise_var;
	}
	memset(&co, 0, sizeof(co));
	co.intervention = iv;
	co.kind = m->is_count ? MNR_COMPARE_COUNT : MNR_COMPARE_LEVEL;
	co.level = 0.95;
	mnr_error_clear(&e2);
	st = mnr_compare_series(y, m->is_count ? pop : NULL, NULL, nv, T,
				r->m0, &co, &rc->cmp, &e2);
	if (st == MNR_ENOMEM) {
		mnr__free(nv);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	rc->has_cmp = st == MNR_OK;
	if (!rc->has_cmp)
		snprintf(rc->cmp_err, sizeof(rc->cmp_err), "%s", e2.msg);

	/* Segmented regression: quasi-Poisson for counts (the dispersion
	 * also absorbs the release noise), OLS otherwise; Newey-West errors;
	 * two Fourier pairs for seasonality (Lopez Bernal et al. 2017),
	 * dropped only when the series is too short for them. */
	mnr_its_options_init(&io);
	if (m->is_count) {
		mnr_its_parse_model("quasipoisson", &io);
		io.use_offset = pop != NULL;
	}
	mnr_its_parse_errors("newey-west", &io);
	mnr_its_parse_seasonality("fourier:2", &io);
	memset(&s, 0, sizeof(s));
	s.n = T;
	s.month = r->months;
	s.noise_var = nv;
	s.y = y;
	s.population = io.use_offset ? pop : NULL;
	mnr_error_clear(&e2);
	st = mnr_its_fit(&s, &iv, 1, &io, &rc->its, &e2);
	rc->its_season = 1;
	if (st != MNR_OK && st != MNR_ENOMEM && st != MNR_EDATA) {
		io.seasonality = MNR_ITS_SEASON_NONE;
		mnr_error_clear(&e2);
		st = mnr_its_fit(&s, &iv, 1, &io, &rc->its, &e2);
		rc->its_season = 0;
	}
	mnr__free(nv);
	if (st == MNR_ENOMEM)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	rc->has_its = st == MNR_OK;
	if (!rc->has_its)
		snprintf(rc->its_err, sizeof(rc->its_err), "%s", e2.msg);

	if (rc->has_its)
		head_from_its(&rc->head, m, &rc->its);
	if (!rc->head.has && rc->has_cmp)
		head_from_compare(&rc->head, m, &rc->cmp, r->private_release);
	if (!rc->head.has) {
		memset(&rc->head, 0, sizeof(rc->head));
		rc->head.e.label = rc->head.label;
		rc->head.e.estimate = NAN;
		rc->head.e.level = 0.95;
		snprintf(rc->head.label, sizeof(rc->head.label), "%s",
			 m->name);
		rc->head.method = "none";
	}
	head_finish(&rc->head);
	return MNR_OK;
}

static void dense_of(const struct mnr__rep *r, const struct mnr__rep_metric *m,
		     const long *adopt, struct mnr__rep_dense *z)
{
	z->N = r->ncountries;
	z->T = r->nmonths;
	z->pmin = r->m0;
	z->y = m->y;
	z->adopt = adopt;
}

/*
 * The staggered-adoption analysis of one metric.  Counts are analysed as
 * levels, exactly as released: the release's noise is additive with mean
 * zero, so means of released counts -- and the Callaway-Sant'Anna ATT, a
 * difference of such means -- are unbiased, and the influence-function
 * standard errors include the noise as part of each country's outcome
 * variance (tests/unit/test_report.c checks both by simulation).  A log of
 * the counts would need negative released counts set to 0 and would bias
 * small counts by an amount that differs between countries.  The relative
 * change is ATT over the adopters' counterfactual mean level on the same
 * cells (report_did.c).  A derived share is not analysed cell by cell (a
 * ratio of two small noisy counts is biased); its change comes from the
 * effects on its two counts.
 */
static int analyse_did(struct mnr__rep *r, struct mnr__rep_metric *m,
		       struct mnr_error *err)
{
	size_t C = r->ncountries, i;
	long *adopt = mnr__calloc(C, sizeof(long));
	struct mnr__rep_dense z, zk;
	struct mnr_did_options opt;
	struct mnr_error e2;
	int st = MNR_OK;

	memset(&m->rel, 0, sizeof(m->rel));
	m->rel.est = NAN;
	if (!adopt)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	for (i = 0; i < C; i++)
		adopt[i] = r->adopt[i] < 0 ? MNR_DID_NEVER : r->adopt[i];
	if (m->derived) {
		const struct mnr__rep_metric *a = &r->m[m->num];
		const struct mnr__rep_metric *b = &r->m[m->den];

		dense_of(r, a, adopt, &z);
		dense_of(r, b, adopt, &zk);
		mnr__rep_share_change(&z, a->did, &zk, b->did, 0.95, &m->rel);
		snprintf(m->did_err, sizeof(m->did_err), "%s",
			 "the share is not analysed month by month (a share of "
			 "two small noisy counts is biased); its change is "
			 "estimated from the staggered-adoption effects on its "
			 "two counts (above)");
		goto out;
	}
	mnr_did_options_init(&opt);
	opt.methods = MNR_DID_CS;
	/* A country report adds the 2x2 comparison of the country's cohort
	 * with the countries that never adopted (a cohort of one has no
	 * Callaway-Sant'Anna standard error; the 2x2 has one, CR1 by
	 * country). */
	if (r->focus >= 0) {
		opt.methods |= MNR_DID_2X2;
		opt.cohort = r->adopt[r->focus];
	}
	opt.seed = r->o->has_seed ? (unsigned long)r->o->seed : 1;
	opt.boot = r->o->did_boot;
	opt.wild = MNR_DID_WILD_OFF;
	dense_of(r, m, adopt, &z);
	mnr_error_clear(&e2);
	st = mnr__rep_did_levels(&z, &opt, &m->did, &e2);
	if (st == MNR_ENOMEM) {
		st = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	if (st != MNR_OK) {
		snprintf(m->did_err, sizeof(m->did_err), "%s", e2.msg);
		m->did = NULL;
	}
	st = MNR_OK;
	if (m->did && m->is_count)
		mnr__rep_relative(&z, m->did, m->did->level, &m->rel);
out:
	mnr__free(adopt);
	return st;
}

static void head_from_did_est(struct mnr__rep_head *h,
			      const struct mnr__rep_metric *m,
			      const struct mnr_did_result *d,
			      const struct mnr_did_est *o);

static void head_reason(struct mnr__rep_head *h, const char *reason)
{
	if (!h->v.valid && reason) {
		size_t len = strlen(h->sentence);

		snprintf(h->sentence + len, sizeof(h->sentence) - len,
			 " Reason: %s.", reason);
	}
}

/*
 * The all-country headline.  A count: the relative change of the monthly
 * count in adopting countries, ATT on levels over their counterfactual
 * mean level (report_did.c), as a ratio with its jackknife interval.  A
 * derived share: the change in the share from its two counts, in
 * percentage points.  Any other metric: the CS ATT on its own scale.
 */
static void head_from_did(struct mnr__rep_head *h,
			  const struct mnr__rep_metric *m,
			  const struct mnr_did_result *d)
{
	const struct mnr__rep_rel *q = &m->rel;

	if (!m->is_count && !m->derived) {
		head_from_did_est(h, m, d, &d->cs.overall);
		return;
	}
	memset(h, 0, sizeof(*h));
	h->e.label = h->label;
	h->e.better = m->better;
	h->e.level = 0.95;
	h->p_value = q->p;
	h->has = isfinite(q->est);
	if (m->derived) {
		h->e.scale = MNR_REPORT_DIFF;
		h->e.estimate = q->est * 100.0;
		h->e.ci_low = q->has ? q->lo * 100.0 : NAN;
		h->e.ci_high = q->has ? q->hi * 100.0 : NAN;
		snprintf(h->unit, sizeof(h->unit), "percentage points");
		h->e.unit = h->unit;
		h->method = "change in the share among adopters' reports after "
			    "adoption: observed share minus counterfactual "
			    "share, each a ratio of mean monthly counts, the "
			    "counterfactual counts from Callaway-Sant'Anna "
			    "effects on the counts as released (levels, "
			    "not-yet-adopted countries as controls); "
			    "delete-one-country jackknife interval (t)";
		snprintf(h->label, sizeof(h->label), "%s in adopting countries",
			 m->name);
	} else {
		h->e.scale = MNR_REPORT_RATIO;
		h->e.estimate = 1.0 + q->est;
		h->e.ci_low = q->has ? 1.0 + q->lo : NAN;
		h->e.ci_high = q->has ? 1.0 + q->hi : NAN;
		h->method = "Callaway-Sant'Anna average effect on adopters on "
			    "the counts as released (levels, no log, negative "
			    "released counts kept; not-yet-adopted countries "
			    "as controls), divided by the adopters' "
			    "counterfactual mean count over the same months; "
			    "delete-one-country jackknife interval (t, on the "
			    "log of observed over counterfactual)";
		snprintf(h->label, sizeof(h->label), "the monthly count of %s "
			 "in adopting countries", m->name);
	}
	head_finish(h);
	head_reason(h, q->reason);
}

/* The country report's comparison: the cohort of the country's adoption
 * month against countries that had not adopted yet. */
static void cohort_head(struct mnr__rep *r, struct mnr__rep_metric *m)
{
	const struct mnr_did_cs *cs;
	size_t k;

	m->has_cohort = 0;
	if (!m->did)
		return;
	for (k = 0; k < m->did->n_dd; k++)
		if (m->did->dd[k].cohort == r->adopt[r->focus]) {
			head_from_did_est(&m->cohort, m, m->did,
					  &m->did->dd[k].att);
			m->cohort.method = "2x2 difference in differences: the "
				"countries adopting in this month against the "
				"countries that never adopted (CR1 by country)";
			snprintf(m->cohort.label, sizeof(m->cohort.label),
				 "%s in %s, against the countries that never "
				 "adopted", m->name, r->country[r->focus]);
			head_finish(&m->cohort);
			if (!m->cohort.v.valid && m->did->dd[k].att.reason) {
				size_t len = strlen(m->cohort.sentence);

				snprintf(m->cohort.sentence + len,
					 sizeof(m->cohort.sentence) - len,
					 " Reason: %s.",
					 m->did->dd[k].att.reason);
			}
			m->has_cohort = 1;
			return;
		}
	if (!m->did->cs.computed)
		return;
	cs = &m->did->cs;
	for (k = 0; k < cs->n_cohort; k++)
		if (cs->cohort[k].key == r->adopt[r->focus])
			break;
	if (k == cs->n_cohort)
		return;
	head_from_did_est(&m->cohort, m, m->did, &cs->cohort[k].est);
	m->cohort.method = "Callaway-Sant'Anna effect on the countries "
			   "adopting in the same month, against countries "
			   "not yet adopting";
	m->has_cohort = 1;
}

static void head_from_did_est(struct mnr__rep_head *h,
			      const struct mnr__rep_metric *m,
			      const struct mnr_did_result *d,
			      const struct mnr_did_est *o)
{
	int share = strncmp(m->unit, "share", 5) == 0;
	double f = share ? 100.0 : 1.0;

	memset(h, 0, sizeof(*h));
	h->e.label = h->label;
	h->e.better = m->better;
	h->e.level = d->level;
	h->p_value = o->p;
	h->has = d->cs.computed && isfinite(o->est);
	h->method = "Callaway-Sant'Anna average effect on adopters "
		    "(not-yet-adopted countries as controls)";
	if (m->is_count) {
		/* Levels: the effect in counts per month. */
		h->e.scale = MNR_REPORT_DIFF;
		h->e.estimate = d->cs.computed ? o->est : NAN;
		h->e.ci_low = o->lo;
		h->e.ci_high = o->hi;
		snprintf(h->unit, sizeof(h->unit), "%s", "reports per month");
		h->e.unit = h->unit;
		h->method = "Callaway-Sant'Anna average effect on adopters on "
			    "the counts as released (levels; not-yet-adopted "
			    "countries as controls)";
		snprintf(h->label, sizeof(h->label), "the monthly count of %s "
			 "in adopting countries", m->name);
	} else {
		h->e.scale = MNR_REPORT_DIFF;
		h->e.estimate = d->cs.computed ? o->est * f : NAN;
		h->e.ci_low = o->lo * f;
		h->e.ci_high = o->hi * f;
		snprintf(h->unit, sizeof(h->unit), "%s",
			 share ? "percentage points" : m->unit);
		h->e.unit = h->unit;
		snprintf(h->label, sizeof(h->label), "%s in adopting countries",
			 m->name);
	}
	head_finish(h);
	if (!h->v.valid && o->reason) {
		size_t len = strlen(h->sentence);

		snprintf(h->sentence + len, sizeof(h->sentence) - len,
			 " Reason: %s.", o->reason);
	}
}

static void fill_checklist(struct mnr__rep *r, struct mnr__rep_metric *m)
{
	struct mnr_report_check_input in;
	size_t c, nfit = 0, i;
	int all_season = 1, all_diag = 1;
	size_t n_never = 0;

	memset(&in, 0, sizeof(in));
	in.lb_p = NAN;
	in.bg_p = NAN;
	in.n_pre = (size_t)-1;
	in.n_post = (size_t)-1;
	in.robust_errors = 1;
	for (c = 0; c < r->ncountries; c++) {
		const struct mnr__rep_country *cc = &m->c[c];
		size_t np, nq;
		double bg;

		if (r->focus >= 0 && (long)c != r->focus)
			continue;
		if (!cc->analysed)
			continue;
		np = cc->has_its ? cc->its.n_pre : cc->has_cmp ? cc->cmp.n_pre
							       : 0;
		nq = cc->has_its ? cc->its.n_post : cc->has_cmp ?
			cc->cmp.n_post : 0;
		if (np < in.n_pre)
			in.n_pre = np;
		if (nq < in.n_post)
			in.n_post = nq;
		if (!cc->has_its) {
			all_season = 0;
			all_diag = 0;
			continue;
		}
		nfit++;
		if (!cc->its_season)
			all_season = 0;
		/* The weakest (smallest) p over the countries is the one
		 * that decides whether autocorrelation was found. */
		if (isfinite(cc->its.diag.lb_p) &&
		    !(cc->its.diag.lb_p >= in.lb_p))
			in.lb_p = cc->its.diag.lb_p;
		bg = isfinite(cc->its.diag.bg12_p) ? cc->its.diag.bg12_p
						   : cc->its.diag.bg1_p;
		if (isfinite(bg) && !(bg >= in.bg_p))
			in.bg_p = bg;
		if (!isfinite(cc->its.diag.lb_p) && !isfinite(bg))
			all_diag = 0;
	}
	if (in.n_pre == (size_t)-1)
		in.n_pre = 0;
	if (in.n_post == (size_t)-1)
		in.n_post = 0;
	in.seasonality = nfit > 0 && all_season;
	in.diagnostics = nfit > 0 && all_diag;
	in.design_has_controls = r->focus < 0 || r->ncountries > 1;
	for (i = 0; i < r->ncountries; i++)
		if (r->adopt[i] < 0 || r->adopt[i] > r->m1)
			n_never++;
	in.n_controls = m->did && m->did->cs.computed ? n_never : 0;
	if (in.design_has_controls && in.n_controls == 0 && m->did &&
	    m->did->cs.computed)
		in.n_controls = m->did->cs.n_never;
	if (r->focus >= 0)
		in.n_controls = m->has_cohort && m->cohort.v.valid ? n_never : 0;
	in.n_available = n_never;
	mnr_report_checklist(&in, m->check);
}

/* ---- charts ------------------------------------------------------------ */

/*
 * Charts are queued while the analyses run and drawn at the end by up to
 * REP_GNUPLOT_JOBS gnuplot processes at once (gnuplot is most of the
 * report's time and the processes are independent).  Each script is kept
 * next to its image (charts/<name>.gp), as mnr_plot_render does; the
 * folder itself is temporary, so the images need no temporary names.
 */
#define REP_GNUPLOT_JOBS 3

static int render(struct mnr__rep *r, const char *script, const char *name,
		  char **svg, struct mnr_error *err)
{
	struct mnr__rep_job *j;

	if (mnr__grow((void **)&r->jobs, &r->jobs_alloc, r->njobs + 1,
		      sizeof(*r->jobs)) != 0)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	j = &r->jobs[r->njobs];
	memset(j, 0, sizeof(*j));
	j->script = mnr__strdup(script);
	if (!j->script)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	snprintf(j->name, sizeof(j->name), "%s", name);
	j->svg = svg;
	j->pid = -1;
	r->njobs++;
	return MNR_OK;
}

/* gnuplot -e "outfile='<image>'" <script>: the image path is a gnuplot
 * single-quoted string (quotes doubled), never evaluated. */
static int job_start(struct mnr__rep *r, struct mnr__rep_job *j,
		     struct mnr_error *err)
{
	posix_spawn_file_actions_t fa;
	char *dir = path_join(r->tmp, "charts"), *gp = NULL, *img = NULL;
	char *arg = NULL, *argv[5];
	const char *prog = r->o->gnuplot ? r->o->gnuplot : "gnuplot";
	size_t len, i, k;
	FILE *fp;
	int rc = MNR_OK, bad;

	if (!dir)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	img = path_join(dir, j->name);
	gp = img ? mnr__malloc(strlen(img) + 4) : NULL;
	if (!img || !gp) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	/* charts/<name>.svg -> charts/<name>.gp */
	len = strlen(img);
	if (len > 4 && strcmp(img + len - 4, ".svg") == 0)
		len -= 4;
	memcpy(gp, img, len);
	memcpy(gp + len, ".gp", 4);
	fp = fopen(gp, "w");
	if (!fp) {
		rc = mnr_error_set(err, MNR_ECREAT, "cannot write a chart "
				   "script");
		goto out;
	}
	bad = fputs(j->script, fp) == EOF;
	bad |= fclose(fp) != 0;
	if (bad) {
		rc = mnr_error_set(err, MNR_EIO, "cannot write a chart script");
		goto out;
	}
	arg = mnr__malloc(2 * strlen(img) + 16);
	if (!arg) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	k = 0;
	memcpy(arg, "outfile='", 9);
	k = 9;
	for (i = 0; img[i]; i++) {
		if (img[i] == '\'')
			arg[k++] = '\'';
		arg[k++] = img[i];
	}
	arg[k++] = '\'';
	arg[k] = '\0';
	argv[0] = (char *)prog;
	argv[1] = (char *)"-e";
	argv[2] = arg;
	argv[3] = gp;
	argv[4] = NULL;
	if (posix_spawn_file_actions_init(&fa) != 0) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	bad = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
					       O_RDONLY, 0);
	if (!bad)
		bad = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null",
						       O_WRONLY, 0);
	if (!bad)
		bad = posix_spawn_file_actions_addopen(&fa, 2, "/dev/null",
						       O_WRONLY, 0);
	if (!bad)
		bad = posix_spawnp(&j->pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (bad) {
		j->pid = -1;
		mnr_error_set(err, MNR_EPLOT, "gnuplot could not be started "
			      "(install it: apt-get install gnuplot-nox, or "
			      "name it with --gnuplot PATH)");
		mnr_error_rule(err, "gnuplot-missing");
		rc = MNR_EPLOT;
		goto out;
	}
	j->img = img;
	img = NULL;
out:
	mnr__free(dir);
	mnr__free(gp);
	mnr__free(img);
	mnr__free(arg);
	return rc;
}

/* A finished job: gnuplot exited 0 and wrote a non-empty SVG. */
static int job_finish(struct mnr__rep *r, struct mnr__rep_job *j, int status,
		      struct mnr_error *err)
{
	struct stat sb;
	char *p;
	int rc;

	j->pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    stat(j->img, &sb) != 0 || sb.st_size == 0) {
		mnr_error_set(err, MNR_EPLOT, "gnuplot failed on the chart "
			      "script charts/%.80s (kept in the report "
			      "folder's temporary copy only)", j->name);
		mnr_error_rule(err, "gnuplot-failed");
		return MNR_EPLOT;
	}
	rc = slurp(j->img, j->svg, err);
	if (rc != MNR_OK)
		return rc;
	/* Inline form: drop the XML declaration and doctype before <svg. */
	p = strstr(*j->svg, "<svg");
	if (p && p != *j->svg)
		memmove(*j->svg, p, strlen(p) + 1);
	r->ncharts++;
	return MNR_OK;
}

static int run_jobs(struct mnr__rep *r, struct mnr_error *err)
{
	size_t next = 0, running = 0, i;
	double t0 = now_seconds();
	int rc = MNR_OK;

	while (next < r->njobs || running > 0) {
		while (rc == MNR_OK && next < r->njobs &&
		       running < REP_GNUPLOT_JOBS) {
			rc = job_start(r, &r->jobs[next++], err);
			if (rc == MNR_OK)
				running++;
		}
		if (running == 0)
			break;
		/* Wait for our own children only (never waitpid(-1): the
		 * caller may have children of its own). */
		for (i = 0; i < r->njobs && running > 0; i++) {
			struct mnr__rep_job *j = &r->jobs[i];
			int status = 0;
			pid_t got;

			if (j->pid <= 0)
				continue;
			got = waitpid(j->pid, &status, WNOHANG);
			if (got == 0)
				continue;
			if (got < 0 && errno == EINTR)
				continue;
			running--;
			if (got < 0) {
				j->pid = -1;
				if (rc == MNR_OK)
					rc = mnr_error_set(err, MNR_EPLOT,
						"lost a gnuplot process");
				continue;
			}
			if (rc == MNR_OK)
				rc = job_finish(r, j, status, err);
			else
				j->pid = -1;
		}
		if (running > 0) {
			struct timespec ts = { 0, 2000000 }; /* 2 ms */

			nanosleep(&ts, NULL);
		}
	}
	r->gnuplot_seconds = now_seconds() - t0;
	return rc;
}

static void chart_meta(struct mnr__rep *r, struct mnr_plot_meta *meta,
		       const char *title, const char *subtitle,
		       const char *ylabel, const char *name)
{
	memset(meta, 0, sizeof(*meta));
	meta->title = title;
	meta->subtitle = subtitle;
	meta->xlabel = "month";
	meta->ylabel = ylabel;
	meta->data = r->o->synthetic ? "bundled example cases.csv (SYNTHETIC)"
				     : "case file (see manifest.json)";
	meta->privacy = r->privacy_line;
	meta->date = r->o->date;
	meta->output_name = name;
	meta->format = MNR_PLOT_SVG;
	meta->width = 800;
	meta->height = 460;
}

static void ylabel_of(const struct mnr__rep_metric *m, char *buf,
		      size_t size)
{
	if (m->is_count)
		snprintf(buf, size, "%s per month (count)", m->name);
	else
		snprintf(buf, size, "%s (%s)", m->name, m->unit);
}

static int chart_country(struct mnr__rep *r, struct mnr__rep_metric *m,
			 struct mnr_error *err)
{
	size_t c = (size_t)r->focus, T = r->nmonths, i;
	struct mnr__rep_country *cc = &m->c[c];
	struct mnr_plot_meta meta;
	char title[160], yl[160], sub[200];
	char *script = NULL;
	double *buf = NULL;
	int rc, clipped = 0;

	snprintf(m->chart[0], sizeof(m->chart[0]), "%s.svg", m->name);
	snprintf(title, sizeof(title), "%s, %s", m->name, r->country[c]);
	snprintf(sub, sizeof(sub), "MNR domain: %s", m->domain);
	ylabel_of(m, yl, sizeof(yl));
	chart_meta(r, &meta, title, sub, yl, m->chart[0]);
	if (cc->has_its) {
		size_t n = cc->its.npoints;
		int *month = mnr__calloc(n, sizeof(int));
		int *seg = mnr__calloc(n, sizeof(int));
		struct mnr_plot_its pi;

		buf = mnr__calloc(mnr__size_mul(n, 5), sizeof(double));
		if (!month || !seg || !buf) {
			mnr__free(month);
			mnr__free(seg);
			mnr__free(buf);
			return mnr_error_set(err, MNR_ENOMEM, "out of memory");
		}
		for (i = 0; i < n; i++) {
			const struct mnr_its_point *pt = &cc->its.points[i];
			size_t k = (size_t)(pt->month - r->m0);

			month[i] = pt->month;
			seg[i] = pt->segment < 0 ? 0 : pt->segment;
			buf[i] = k < T && m->hide[c * T + k] ? NAN : pt->y;
			buf[n + i] = pt->fitted;
			buf[2 * n + i] = pt->counterfactual;
			buf[3 * n + i] = pt->cf_low;
			buf[4 * n + i] = pt->cf_high;
		}
		/* A counterfactual continued for years from a log-link
		 * trend can grow far above the data and squash them against
		 * the axis: its band is drawn up to 1.5 times the largest
		 * observed or fitted value, and the chart says so. */
		{
			double top = 0;

			for (i = 0; i < n; i++) {
				if (isfinite(buf[i]) && buf[i] > top)
					top = buf[i];
				if (isfinite(buf[n + i]) && buf[n + i] > top)
					top = buf[n + i];
			}
			top *= 1.5;
			for (i = 0; top > 0 && i < n; i++) {
				if (buf[4 * n + i] > top) {
					buf[4 * n + i] = top;
					clipped = 1;
				}
				/* The line leaves the chart rather than run
				 * flat along a false value. */
				if (buf[2 * n + i] > top) {
					buf[2 * n + i] = NAN;
					clipped = 1;
				}
			}
			if (clipped)
				meta.caption = "The counterfactual is drawn up "
					"to 1.5 times the largest observed "
					"value; results.json has every number.";
		}
		memset(&pi, 0, sizeof(pi));
		pi.n = n;
		pi.month = month;
		pi.observed = buf;
		pi.fitted = buf + n;
		pi.counterfactual = buf + 2 * n;
		pi.cf_low = buf + 3 * n;
		pi.cf_high = buf + 4 * n;
		pi.segment = seg;
		pi.nint = 1;
		pi.intervention = &cc->intervention;
		pi.interval_label = "95% interval";
		rc = mnr_plot_its_script(&meta, &pi, &script, err);
		mnr__free(month);
		mnr__free(seg);
	} else {
		struct mnr_plot_series ps;

		buf = mnr__calloc(T, sizeof(double));
		if (!buf)
			return mnr_error_set(err, MNR_ENOMEM, "out of memory");
		for (i = 0; i < T; i++)
			buf[i] = m->hide[c * T + i] ? NAN : m->y[c * T + i];
		memset(&ps, 0, sizeof(ps));
		ps.label = r->country[c];
		ps.n = T;
		ps.month = r->months;
		ps.y = buf;
		ps.nint = cc->analysed ? 1 : 0;
		ps.intervention = &cc->intervention;
		rc = mnr_plot_series_script(&meta, &ps, &script, err);
	}
	if (rc == MNR_OK)
		rc = render(r, script, m->chart[0], &m->svg[0], err);
	mnr_plot_script_free(script);
	mnr__free(buf);
	return rc;
}


/*
 * Small multiples: the plot module labels every year, which overlaps in
 * panels a third of 800 px wide.  Keep every k-th label of the script's
 * "set xtics (...)" list so that at most five remain (the script stays a
 * valid gnuplot script; only labels are dropped).
 */
static void thin_xtics(char *script)
{
	char *line = strstr(script, "\nset xtics ('");
	char *end, *w, *r;
	size_t n = 0, k, i = 0;

	if (!line)
		return;
	line += strlen("\nset xtics (");
	end = strchr(line, '\n');
	if (!end || end[-1] != ')')
		return;
	for (r = line; r < end; r++)
		if (strncmp(r, " strptime(", 10) == 0)
			n++;
	if (n <= 5)
		return;
	k = (n + 4) / 5;
	/* Entries are "'LABEL' strptime('%Y-%m','YYYY-MM')" joined by ", ". */
	w = line;
	r = line;
	while (r < end - 1) {
		char *close = strstr(r, "')");
		size_t len;

		if (!close || close > end)
			return;
		close += 2;
		len = (size_t)(close - r);
		if (i % k == 0) {
			if (w != line) {
				*w++ = ',';
				*w++ = ' ';
			}
			memmove(w, r, len);
			w += len;
		}
		i++;
		r = close;
		if (strncmp(r, ", ", 2) == 0)
			r += 2;
	}
	*w++ = ')';
	/* Pad the shortened line with blanks up to its newline. */
	while (w < end)
		*w++ = ' ';
}

static int chart_all(struct mnr__rep *r, struct mnr__rep_metric *m,
		     struct mnr_error *err)
{
	size_t C = r->ncountries, T = r->nmonths, c, i;
	struct mnr_plot_series *ps = mnr__calloc(C, sizeof(*ps));
	double *buf = mnr__calloc(mnr__size_mul(C, T), sizeof(double));
	struct mnr_plot_meta meta;
	char title[160], yl[160], sub[200];
	char *script = NULL;
	int rc;

	if (!ps || !buf) {
		mnr__free(ps);
		mnr__free(buf);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	snprintf(m->chart[0], sizeof(m->chart[0]), "%s_countries.svg",
		 m->name);
	snprintf(title, sizeof(title), "%s by country", m->name);
	snprintf(sub, sizeof(sub), "MNR domain: %s", m->domain);
	ylabel_of(m, yl, sizeof(yl));
	chart_meta(r, &meta, title, sub, yl, m->chart[0]);
	/* Three panels a row (the plot module's layout) and room for each. */
	meta.height = 140 + 170 * (unsigned)((C + 2) / 3);
	meta.ylabel = m->is_count ? "count per month" : m->unit;
	for (c = 0; c < C; c++) {
		for (i = 0; i < T; i++)
			buf[c * T + i] = m->hide[c * T + i] ? NAN
							    : m->y[c * T + i];
		ps[c].label = r->country[c];
		ps[c].n = T;
		ps[c].month = r->months;
		ps[c].y = buf + c * T;
		ps[c].nint = r->adopt[c] >= 0 ? 1 : 0;
		ps[c].intervention = &r->adopt[c];
	}
	rc = mnr_plot_multiples_script(&meta, ps, C > 48 ? 48 : C, &script,
				       err);
	if (rc == MNR_OK)
		thin_xtics(script);
	if (rc == MNR_OK)
		rc = render(r, script, m->chart[0], &m->svg[0], err);
	mnr_plot_script_free(script);
	script = NULL;
	mnr__free(ps);
	mnr__free(buf);
	if (rc != MNR_OK)
		return rc;

	/* The event study of the Callaway-Sant'Anna estimates. */
	if (m->did && m->did->cs.computed && m->did->cs.n_event > 0) {
		const struct mnr_did_cs *cs = &m->did->cs;
		size_t n = 0, k;
		int *et = mnr__calloc(cs->n_event, sizeof(int));
		double *v = mnr__calloc(mnr__size_mul(cs->n_event, 5),
					sizeof(double));
		struct mnr_plot_event_study es;
		int band = 1;

		if (!et || !v) {
			mnr__free(et);
			mnr__free(v);
			return mnr_error_set(err, MNR_ENOMEM, "out of memory");
		}
		for (k = 0; k < cs->n_event; k++) {
			const struct mnr_did_agg *a = &cs->event[k];

			/* A readable window: three years before, five after
			 * (every event time is in results.json). */
			if (!isfinite(a->est.est) || !isfinite(a->est.lo) ||
			    !isfinite(a->est.hi) || a->key < -36 ||
			    a->key > 60)
				continue;
			et[n] = (int)a->key;
			v[n] = a->est.est;
			v[cs->n_event + n] = a->est.lo;
			v[2 * cs->n_event + n] = a->est.hi;
			v[3 * cs->n_event + n] = a->band_lo;
			v[4 * cs->n_event + n] = a->band_hi;
			if (!isfinite(a->band_lo) || !isfinite(a->band_hi))
				band = 0;
			n++;
		}
		if (n > 0) {
			char yl2[200];

			snprintf(m->chart[1], sizeof(m->chart[1]),
				 "%s_event_study.svg", m->name);
			snprintf(title, sizeof(title), "%s: effect by months "
				 "since adoption (Callaway-Sant'Anna)",
				 m->name);
			snprintf(yl2, sizeof(yl2), "effect on %s%s", m->name,
				 m->is_count ? " (count per month)" : "");
			chart_meta(r, &meta, title, sub, yl2, m->chart[1]);
			meta.xlabel = "months since adoption (0 = first "
				      "month with the MNR)";
			meta.caption = "Shown: 36 months before to 60 after "
				       "adoption; every event time is in "
				       "results.json.";
			memset(&es, 0, sizeof(es));
			es.n = n;
			es.event_time = et;
			es.estimate = v;
			es.ci_low = v + cs->n_event;
			es.ci_high = v + 2 * cs->n_event;
			es.band_low = band ? v + 3 * cs->n_event : NULL;
			es.band_high = band ? v + 4 * cs->n_event : NULL;
			es.interval_label = "95% pointwise interval";
			es.band_label = "95% uniform band";
			rc = mnr_plot_event_study_script(&meta, &es, &script,
							 err);
			if (rc == MNR_OK)
				rc = render(r, script, m->chart[1], &m->svg[1],
					    err);
			mnr_plot_script_free(script);
		}
		mnr__free(et);
		mnr__free(v);
	}
	return rc;
}

#define KM_SHOW_HOURS 720.0

static int analyse_removal(struct mnr__rep *r, struct mnr_error *err)
{
	struct mnr_removal_options ro;
	struct mnr_removal_data d;
	struct mnr_surv_km km[2];
	struct mnr_surv_data s0, s1;
	struct mnr_error e2;
	struct mnr_plot_km_group g[2];
	struct mnr_plot_meta meta;
	char title[160], *script = NULL;
	double *cut[2] = { NULL, NULL };
	int rc, k;

	memset(&ro, 0, sizeof(ro));
	memset(&d, 0, sizeof(d));
	memset(km, 0, sizeof(km));
	ro.country = r->country[r->focus];
	ro.intervention = r->adopt[r->focus];
	ro.map = r->o->map;
	mnr_error_clear(&e2);
	rc = mnr_removal_read(r->o->cases, &ro, &d, &e2);
	if (rc == MNR_OK) {
		s0 = mnr_surv_tab_data(&d.group[0]);
		s1 = mnr_surv_tab_data(&d.group[1]);
		rc = mnr_removal_analyse(&s0, &s1, MNR_SURV_CI_LOG_LOG, 0.95,
					 168.0, &r->removal, km, &e2);
	}
	mnr_removal_data_release(&d);
	if (rc == MNR_ENOMEM)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	if (rc != MNR_OK) {
		snprintf(r->removal_err, sizeof(r->removal_err), "%s", e2.msg);
		return MNR_OK;
	}
	r->has_removal = 1;
	/* The chart shows the first 30 days (most removals happen within
	 * hours; reports never removed are followed for years, which would
	 * squash the curves against the axis).  The step function is cut at
	 * the horizon and carried to it. */
	for (k = 0; k < 2; k++) {
		size_t n = 0, j;

		while (n < km[k].n && km[k].time[n] <= KM_SHOW_HOURS)
			n++;
		cut[k] = mnr__calloc(mnr__size_mul(n + 1, 5), sizeof(double));
		if (!cut[k]) {
			mnr__free(cut[0]);
			mnr_surv_km_free(&km[0]);
			mnr_surv_km_free(&km[1]);
			return mnr_error_set(err, MNR_ENOMEM, "out of memory");
		}
		for (j = 0; j < n; j++) {
			cut[k][j] = km[k].time[j];
			cut[k][(n + 1) + j] = km[k].surv[j];
			cut[k][2 * (n + 1) + j] = km[k].lower[j];
			cut[k][3 * (n + 1) + j] = km[k].upper[j];
			cut[k][4 * (n + 1) + j] = km[k].n_censor[j];
		}
		cut[k][n] = KM_SHOW_HOURS;
		cut[k][(n + 1) + n] = n ? km[k].surv[n - 1] : 1.0;
		cut[k][2 * (n + 1) + n] = n ? km[k].lower[n - 1] : 1.0;
		cut[k][3 * (n + 1) + n] = n ? km[k].upper[n - 1] : 1.0;
		cut[k][4 * (n + 1) + n] = 0;
		memset(&g[k], 0, sizeof(g[k]));
		g[k].label = k == 0 ? "before adoption" : "after adoption";
		g[k].n = n + 1;
		g[k].time = cut[k];
		g[k].surv = cut[k] + (n + 1);
		g[k].lower = cut[k] + 2 * (n + 1);
		g[k].upper = cut[k] + 3 * (n + 1);
		g[k].censored = cut[k] + 4 * (n + 1);
	}
	snprintf(r->removal_chart, sizeof(r->removal_chart), "removal_km.svg");
	snprintf(title, sizeof(title), "Time from report to removal, %s "
		 "(Kaplan-Meier)", r->country[r->focus]);
	chart_meta(r, &meta, title, "share of reports not yet removed",
		   "share not yet removed", r->removal_chart);
	meta.xlabel = "hours since the report";
	meta.caption = "First 30 days after the report shown; the "
		       "medians and shares are computed from the whole curves.";
	rc = mnr_plot_km_script(&meta, g, 2, "hours", &script, err);
	if (rc == MNR_OK)
		rc = render(r, script, r->removal_chart, &r->removal_svg, err);
	mnr_plot_script_free(script);
	mnr__free(cut[0]);
	mnr__free(cut[1]);
	mnr_surv_km_free(&km[0]);
	mnr_surv_km_free(&km[1]);
	return rc;
}

/* ---- the folder -------------------------------------------------------- */

static int make_tmp(struct mnr__rep *r, struct mnr_error *err)
{
	size_t n = strlen(r->o->out_dir);
	char *charts;

	r->tmp = mnr__malloc(n + 16);
	if (!r->tmp)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	memcpy(r->tmp, r->o->out_dir, n);
	/* "out/" and "out" name the same folder. */
	while (n > 1 && r->tmp[n - 1] == '/')
		n--;
	memcpy(r->tmp + n, ".tmp.XXXXXX", 12);
	if (!mkdtemp(r->tmp)) {
		int e = errno;

		mnr__free(r->tmp);
		r->tmp = NULL;
		mnr_error_set(err, MNR_ECREAT, "cannot create the report "
			      "folder next to the output path");
		err->sys_errno = e;
		return MNR_ECREAT;
	}
	charts = path_join(r->tmp, "charts");
	if (!charts)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	if (mkdir(charts, 0777) != 0) {
		mnr__free(charts);
		return mnr_error_set(err, MNR_ECREAT, "cannot create the "
				     "charts folder");
	}
	mnr__free(charts);
	return MNR_OK;
}

/* A folder may be replaced only when it is empty or an earlier report
 * (it holds a manifest.json written by this code). */
static int replaceable(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int empty = 1, ok = 0;
	char *mf;
	FILE *fp;

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	if (empty)
		return 1;
	mf = path_join(dir, "manifest.json");
	if (!mf)
		return 0;
	fp = fopen(mf, "r");
	mnr__free(mf);
	if (fp) {
		char head[256];
		size_t n = fread(head, 1, sizeof(head) - 1, fp);

		head[n] = '\0';
		ok = strstr(head, "\"mnrstat report\"") != NULL;
		fclose(fp);
	}
	return ok;
}

static int commit_folder(struct mnr__rep *r, struct mnr_error *err)
{
	const char *out = r->o->out_dir;
	struct stat sb;
	char *old = NULL;
	size_t n;

	if (stat(out, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode))
			return mnr_error_set(err, MNR_ECREAT, "the output path "
					     "exists and is not a folder");
		if (!replaceable(out))
			return mnr_error_set(err, MNR_ECREAT, "the output "
					     "folder exists and is not an "
					     "mnrstat report: not replaced");
		n = strlen(out);
		old = mnr__malloc(n + 16);
		if (!old)
			return mnr_error_set(err, MNR_ENOMEM, "out of memory");
		memcpy(old, out, n);
		while (n > 1 && old[n - 1] == '/')
			n--;
		memcpy(old + n, ".old.XXXXXX", 12);
		if (!mkdtemp(old) || rename(out, old) != 0) {
			mnr__free(old);
			return mnr_error_set(err, MNR_ECREAT, "cannot move the "
					     "earlier report aside");
		}
	}
	if (rename(r->tmp, out) != 0) {
		int e = errno;

		if (old)
			rename(old, out);
		mnr__free(old);
		mnr_error_set(err, MNR_ECREAT, "cannot rename the report "
			      "folder into place");
		err->sys_errno = e;
		return MNR_ECREAT;
	}
	mnr__free(r->tmp);
	r->tmp = NULL;
	if (old) {
		rm_tree(old, 0);
		mnr__free(old);
	}
	return MNR_OK;
}

static void rep_free(struct mnr__rep *r)
{
	size_t i, c;

	for (i = 0; i < r->nmetrics; i++) {
		struct mnr__rep_metric *m = &r->m[i];

		mnr__free(m->name);
		mnr__free(m->domain);
		mnr__free(m->definition);
		mnr__free(m->unit);
		mnr__free(m->direction);
		mnr__free(m->y);
		mnr__free(m->hide);
		if (m->c)
			for (c = 0; c < r->ncountries; c++)
				if (m->c[c].has_its)
					mnr_its_result_free(&m->c[c].its);
		mnr__free(m->c);
		mnr_did_result_free(m->did);
		mnr__free(m->svg[0]);
		mnr__free(m->svg[1]);
	}
	mnr__free(r->m);
	mnr__free(r->country);
	mnr__free(r->adopt);
	mnr__free(r->pop);
	mnr__free(r->months);
	mnr__free(r->removal_svg);
	for (i = 0; i < r->njobs; i++) {
		if (r->jobs[i].pid > 0) {
			int st;

			kill(r->jobs[i].pid, SIGKILL);
			waitpid(r->jobs[i].pid, &st, 0);
		}
		mnr__free(r->jobs[i].script);
		mnr__free(r->jobs[i].img);
	}
	mnr__free(r->jobs);
	if (r->tmp) {
		rm_tree(r->tmp, 0);
		mnr__free(r->tmp);
	}
}

static int fingerprint(const char *path, const char *role,
		       char hex[MNR_SHA256_HEXLEN + 1], struct mnr_error *err)
{
	unsigned char d[MNR_SHA256_LEN];
	struct mnr_error e2;
	int rc;

	hex[0] = '\0';
	if (!path)
		return MNR_OK;
	mnr_error_clear(&e2);
	rc = mnr_sha256_file(path, d, &e2);
	if (rc != MNR_OK) {
		mnr_error_set_at(err, rc, path, 0, 0, 0, "open",
				 "cannot read the %s file", role);
		if (err)
			err->sys_errno = e2.sys_errno;
		return rc;
	}
	mnr_sha256_hex(d, hex);
	return MNR_OK;
}

int mnr_report_run(const struct mnr_report_options *o,
		   struct mnr_report_summary *s, struct mnr_error *err)
{
	struct mnr__rep r;
	struct mnr_adoption *ad = NULL;
	size_t i, c;
	int rc;

	if (s)
		memset(s, 0, sizeof(*s));
	if (!o || !o->cases || !o->adoption || !o->metrics || !o->out_dir ||
	    !*o->out_dir || !o->date)
		return mnr_error_set(err, MNR_EINVAL, "report options "
				     "incomplete");
	if (!o->internal && (o->budget.den == 0 || o->budget.num == 0))
		return mnr_error_set(err, MNR_EINVAL, "the privacy budget must "
				     "be positive");
	memset(&r, 0, sizeof(r));
	r.o = o;
	r.focus = -1;

	/* Inputs first (cheap and the likeliest to fail), then the folder. */
	rc = fingerprint(o->cases, "case", r.sha_cases, err);
	if (rc == MNR_OK)
		rc = fingerprint(o->adoption, "adoption", r.sha_adoption, err);
	if (rc == MNR_OK)
		rc = fingerprint(o->population, "population",
				 r.sha_population, err);
	if (rc == MNR_OK)
		rc = fingerprint(o->metrics, "metric catalogue",
				 r.sha_metrics, err);
	if (rc == MNR_OK)
		rc = read_catalogue(&r, o->metrics, err);
	if (rc == MNR_OK)
		rc = add_derived(&r, err);
	if (rc == MNR_OK)
		rc = mnr_adoption_read(o->adoption, NULL, &ad, err);
	if (rc == MNR_OK)
		rc = probe_gnuplot(o->gnuplot ? o->gnuplot : "gnuplot", err);
	if (rc == MNR_OK)
		rc = make_tmp(&r, err);
	if (rc == MNR_OK)
		rc = load_data(&r, err);
	if (rc != MNR_OK)
		goto out;
	for (c = 0; c < r.ncountries; c++)
		r.adopt[c] = mnr_adoption_start(ad, r.country[c]);
	if (o->country) {
		if (r.focus < 0) {
			rc = mnr_error_set(err, MNR_EDATA, "the country asked "
					   "for has no record in the case file");
			mnr_error_rule(err, "country");
			goto out;
		}
		if (r.adopt[r.focus] <= r.m0 || r.adopt[r.focus] > r.m1) {
			rc = mnr_error_set(err, MNR_EDATA, "the country asked "
					   "for has no adoption date inside the "
					   "period of the case file");
			mnr_error_rule(err, "adoption");
			goto out;
		}
		snprintf(r.title, sizeof(r.title), "MNR evaluation report: %s",
			 o->country);
	} else {
		snprintf(r.title, sizeof(r.title), "MNR evaluation report: "
			 "all countries");
	}

	rc = o->internal ? internal_suppress(&r, err)
			 : private_release(&r, err);
	if (rc != MNR_OK)
		goto out;
	fill_derived(&r);

	for (i = 0; i < r.nmetrics && rc == MNR_OK; i++) {
		struct mnr__rep_metric *m = &r.m[i];

		if (!m->analysed)
			continue;
		for (c = 0; c < r.ncountries && rc == MNR_OK; c++)
			if (r.focus < 0 || (long)c == r.focus)
				rc = analyse_country(&r, m, c, err);
		if (rc == MNR_OK && r.ncountries > 1)
			rc = analyse_did(&r, m, err);
		if (rc == MNR_OK && r.focus >= 0)
			cohort_head(&r, m);
		if (rc != MNR_OK)
			break;
		if (r.focus >= 0) {
			m->head = m->c[r.focus].head;
			m->head.e.label = m->head.label;
			m->head.e.unit = m->head.unit;
		} else if (m->did || (m->derived && r.ncountries > 1)) {
			head_from_did(&m->head, m, m->did);
		} else {
			memset(&m->head, 0, sizeof(m->head));
			m->head.e.estimate = NAN;
			m->head.e.level = 0.95;
			m->head.e.label = m->head.label;
			snprintf(m->head.label, sizeof(m->head.label),
				 "%s in adopting countries", m->name);
			m->head.method = "none";
			head_finish(&m->head);
		}
		fill_checklist(&r, m);
		rc = r.focus >= 0 ? chart_country(&r, m, err)
				  : chart_all(&r, m, err);
	}
	if (rc == MNR_OK && r.focus >= 0) {
		if (o->internal)
			rc = analyse_removal(&r, err);
		else
			snprintf(r.removal_err, sizeof(r.removal_err), "%s",
				 "withheld from a private report: the "
				 "Kaplan-Meier curves describe single reports "
				 "and have no differentially private version "
				 "yet (an internal report shows them)");
	}
	if (rc == MNR_OK)
		rc = run_jobs(&r, err);
	if (rc == MNR_OK)
		rc = mnr__rep_write_all(&r, err);
	if (rc == MNR_OK)
		rc = commit_folder(&r, err);
	if (rc == MNR_OK && s) {
		for (i = 0; i < r.nmetrics; i++)
			if (r.m[i].analysed)
				s->nmetrics++;
		s->ncharts = r.ncharts;
		s->ncountries = r.focus >= 0 ? 1 : r.ncountries;
		s->not_private = o->internal || o->has_seed;
		if (r.has_receipt)
			memcpy(s->ledger_hash, r.receipt.hash, 65);
		s->seconds_gnuplot = r.gnuplot_seconds;
	}
out:
	if (rc == MNR_EPLOT && s)
		s->gnuplot_missing = err && strcmp(err->rule,
						   "gnuplot-missing") == 0;
	mnr_adoption_free(ad);
	rep_free(&r);
	return rc;
}
