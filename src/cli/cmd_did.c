/*
 * mnrstat did: staggered-adoption difference in differences from a monthly
 * panel and an adoption file (CLI layer: options, reading, printing).  All
 * statistics live in the library (mnrstat/did.h).  Two-way fixed effects
 * are only ever printed next to Callaway & Sant'Anna.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli_format.h"
#include "cli_util.h"
#include "commands.h"
#include "mnrstat/did.h"
#include "mnrstat/output.h"
#include "mnrstat/panel.h"

#define SUB "did"

/* Also declared in commands.h once the table has its row. */
cli_command_fn cmd_did;

/* Everything the printers need. */
struct out {
	FILE *fp;
	enum cli_fmt fmt;
	const struct mnr_panel *panel;
	const char *metric;
	const struct mnr_did_result *r;   /* main run */
	const struct mnr_did_result *pl;  /* placebo run or NULL */
	int log;
	int csv_header_done;
};

static const char help_text[] =
	"\nEstimate the effect of adopting the MNR on one metric of a monthly panel\n"
	"(country,month,metric,value[,population]) when countries adopt at\n"
	"different times (adoption file: country,mnr_start; countries absent from\n"
	"it never adopted).  Read the Callaway & Sant'Anna estimates: two-way fixed\n"
	"effects are shown only for comparison, since they are biased when\n"
	"adoption is staggered and effects change over time.\n\n"
	"Options:\n"
	"  --adoption FILE        adoption dates (required)\n"
	"  --metric M             metric to analyse (required)\n"
	"  --method M             2x2, twfe (printed with cs), cs, or all (default)\n"
	"  --control C            never (default) or notyet: comparison countries\n"
	"  --anticipation N       months of anticipation before adoption (0)\n"
	"  --cohort YYYY-MM       2x2 for this adoption month only (default: each)\n"
	"  --boot N               bootstrap draws (999; 0 = none)\n"
	"  --seed N               bootstrap seed (1; printed with the results)\n"
	"  --wild W               wild cluster bootstrap p-values: auto (fewer than\n"
	"                         30 countries; default), on, off\n"
	"  --level L              interval level (0.95)\n"
	"  --per population       analyse rates per 100 000 (needs a population\n"
	"                         column)\n"
	"  --log                  analyse log values; effects are reported as ratios\n"
	"  --placebo K            also run an in-time placebo, adoption K months\n"
	"                         earlier, on pre-adoption data only\n"
	"  --loo                  also rerun without each country in turn\n"
	"  --format F             text (default), csv, json or md\n"
	"  --event-study FILE     also write the event study as CSV for\n"
	"                         'mnrstat plot --kind event-study' (ratios\n"
	"                         with --log)\n"
	"  --col NAME=HEADER      read column NAME from HEADER (repeatable)\n"
	"  -o, --output FILE      write here instead of standard output\n"
	"  -h, --help             show this help\n";

static void month_str(long m, char *buf, size_t n)
{
	if (m == MNR_DID_NEVER)
		snprintf(buf, n, "never");
	else
		snprintf(buf, n, "%04ld-%02ld", m / 12, m % 12 + 1);
}

/* YYYY-MM to a month index; -1 on a malformed value. */
static long parse_month(const char *s)
{
	long y, m;

	if (strlen(s) != 7 || s[4] != '-')
		return -1;
	for (size_t i = 0; i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	if (m < 1 || m > 12)
		return -1;
	return y * 12 + m - 1;
}

/* Display scale: ratios on the log scale. */
static double disp(const struct out *o, double x)
{
	return o->log ? exp(x) : x;
}

/*
 * Numbers for text and Markdown: 4 significant decimals, NA for missing.
 * Not cli_fmt_num: did has always printed infinities as NA too.
 */
static const char *num(char *buf, size_t n, double x)
{
	if (!isfinite(x))
		snprintf(buf, n, "NA");
	else
		snprintf(buf, n, "%.4g", x);
	return buf;
}

/* ---- text and Markdown tables ---------------------------------------- */

#define TAB_MAXCOL 12
#define TAB_CELL 100

struct table {
	size_t ncol, nrow, cap;
	char head[TAB_MAXCOL][TAB_CELL];
	char (*cell)[TAB_MAXCOL][TAB_CELL];
};

static int tab_init(struct table *t, size_t ncol, const char *const *head)
{
	memset(t, 0, sizeof(*t));
	t->ncol = ncol;
	for (size_t c = 0; c < ncol; c++)
		snprintf(t->head[c], TAB_CELL, "%s", head[c]);
	return 0;
}

/* Append a row; returns its cells or NULL when out of memory. */
static char (*tab_row(struct table *t))[TAB_CELL]
{
	if (t->nrow == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		void *p = realloc(t->cell, cap * sizeof(*t->cell));

		if (!p)
			return NULL;
		t->cell = p;
		t->cap = cap;
	}
	memset(t->cell[t->nrow], 0, sizeof(t->cell[0]));
	return t->cell[t->nrow++];
}

static void tab_print(const struct out *o, struct table *t)
{
	size_t w[TAB_MAXCOL], c, r;

	for (c = 0; c < t->ncol; c++) {
		w[c] = strlen(t->head[c]);
		for (r = 0; r < t->nrow; r++)
			if (strlen(t->cell[r][c]) > w[c])
				w[c] = strlen(t->cell[r][c]);
	}
	if (o->fmt == CLI_FMT_MD) {
		fputs("|", o->fp);
		for (c = 0; c < t->ncol; c++)
			fprintf(o->fp, " %s |", t->head[c]);
		fputs("\n|", o->fp);
		for (c = 0; c < t->ncol; c++)
			fputs(c ? " ---: |" : " --- |", o->fp);
		fputc('\n', o->fp);
		for (r = 0; r < t->nrow; r++) {
			fputs("|", o->fp);
			for (c = 0; c < t->ncol; c++)
				fprintf(o->fp, " %s |", t->cell[r][c]);
			fputc('\n', o->fp);
		}
	} else {
		for (c = 0; c < t->ncol; c++)
			fprintf(o->fp, "%s%*s", c ? "  " : "  ", (int)w[c],
				t->head[c]);
		fputc('\n', o->fp);
		for (r = 0; r < t->nrow; r++) {
			for (c = 0; c < t->ncol; c++)
				fprintf(o->fp, "  %*s", (int)w[c],
					t->cell[r][c]);
			fputc('\n', o->fp);
		}
	}
	fputc('\n', o->fp);
	free(t->cell);
	t->cell = NULL;
}

static void heading(const struct out *o, const char *title)
{
	if (o->fmt == CLI_FMT_MD)
		fprintf(o->fp, "### %s\n\n", title);
	else
		fprintf(o->fp, "%s\n", title);
}

/* Notes collected from missing estimates: each reason once, with a count. */
#define MAX_NOTES 32
struct notes {
	const char *reason[MAX_NOTES];
	const char *where[MAX_NOTES];
	size_t count[MAX_NOTES];
	size_t n;
};

static void note(struct notes *nt, const char *where, const char *reason)
{
	size_t k;

	if (!reason)
		return;
	for (k = 0; k < nt->n; k++)
		if (nt->reason[k] == reason && strcmp(nt->where[k], where) == 0) {
			nt->count[k]++;
			return;
		}
	if (nt->n == MAX_NOTES)
		return;
	nt->reason[nt->n] = reason;
	nt->where[nt->n] = where;
	nt->count[nt->n++] = 1;
}

/* Line lead: indented text, or a Markdown list item. */
#define LEAD(o) ((o)->fmt == CLI_FMT_MD ? "- " : "  ")

/* One effect line: "estimate (se) [lo, hi] p". */
static void effect_line(const struct out *o, const char *label,
			const struct mnr_did_est *e, double wild_p)
{
	char a[32], b[32], c[32], d[32], p[32], wp[32];
	int pct = (int)lround(o->r->level * 100);

	if (!isfinite(e->est)) {
		fprintf(o->fp, "%s%s: not estimable (%s)\n", LEAD(o), label,
			e->reason ? e->reason : "no data");
		return;
	}
	fprintf(o->fp, "%s%s: %s%s  se %s%s  %d%% CI %s .. %s  p %s",
		LEAD(o), label, num(a, sizeof(a), disp(o, e->est)), o->log ? " (ratio)" : "",
		num(b, sizeof(b), e->se), o->log ? " (log)" : "", pct,
		num(c, sizeof(c), disp(o, e->lo)), num(d, sizeof(d), disp(o, e->hi)),
		cli_fmt_pval(p, sizeof(p), e->p));
	if (isfinite(wild_p))
		fprintf(o->fp, "  wild bootstrap p %s", cli_fmt_pval(wp, sizeof(wp), wild_p));
	fputc('\n', o->fp);
	if (e->reason)
		fprintf(o->fp, "    note: %s\n", e->reason);
}

static void agg_table(const struct out *o, const char *title,
		      const char *keyname, const struct mnr_did_agg *a,
		      size_t n, int is_event, int is_month, struct notes *nt)
{
	static const char *const h_ev[] = { "", "estimate", "se", "ci_lo",
		"ci_hi", "band_lo", "band_hi", "boot_se", "cells" };
	const char *head[9];
	struct table t;
	size_t k, ncol = is_event ? 9 : 6;

	memcpy(head, h_ev, sizeof(head));
	head[0] = keyname;
	if (o->log)
		head[1] = "ratio";
	if (!is_event)
		head[5] = "cells";
	heading(o, title);
	tab_init(&t, ncol, head);
	for (k = 0; k < n; k++) {
		char (*row)[TAB_CELL] = tab_row(&t);
		const struct mnr_did_est *e = &a[k].est;

		if (!row)
			break;
		if (is_month)
			month_str(a[k].key, row[0], TAB_CELL);
		else
			snprintf(row[0], TAB_CELL, "%ld", a[k].key);
		num(row[1], TAB_CELL, disp(o, e->est));
		num(row[2], TAB_CELL, e->se);
		num(row[3], TAB_CELL, disp(o, e->lo));
		num(row[4], TAB_CELL, disp(o, e->hi));
		if (is_event) {
			num(row[5], TAB_CELL, disp(o, a[k].band_lo));
			num(row[6], TAB_CELL, disp(o, a[k].band_hi));
			num(row[7], TAB_CELL, a[k].boot_se);
			snprintf(row[8], TAB_CELL, "%zu", a[k].n_cells);
		} else {
			snprintf(row[5], TAB_CELL, "%zu", a[k].n_cells);
		}
		note(nt, is_event ? "event study" : is_month &&
		     strcmp(keyname, "cohort") == 0 ? "by cohort" :
		     "by calendar month", e->reason);
	}
	tab_print(o, &t);
}

static void print_cs_text(const struct out *o, const struct mnr_did_cs *c,
			  struct notes *nt)
{
	char a[32], b[32], p[32];

	heading(o, "Callaway & Sant'Anna (2021): heterogeneity-robust -- read these estimates");
	fprintf(o->fp, "%s%zu countries (%zu adoption cohorts, %zu never adopting)",
		LEAD(o), c->n_units, c->n_cohorts,
		c->n_never);
	if (o->r->n_units > c->n_units)
		fprintf(o->fp, "; %zu treated from the first month left out",
			o->r->n_units - c->n_units);
	fputc('\n', o->fp);
	{
		size_t k, ones = 0, most = 0;

		/* Cells are cohort-major: the largest count per cohort. */
		for (k = 0; k < c->n_attgt; k++) {
			if (c->attgt[k].n_treated > most)
				most = c->attgt[k].n_treated;
			if (k + 1 == c->n_attgt ||
			    c->attgt[k + 1].cohort != c->attgt[k].cohort) {
				ones += most == 1;
				most = 0;
			}
		}
		if (ones)
			fprintf(o->fp, "%s%zu cohort%s of one country: %s own standard error%s cannot be estimated; pooled standard errors rest on the spread between cohorts\n",
				LEAD(o), ones,
				ones == 1 ? "" : "s", ones == 1 ? "its" : "their",
				ones == 1 ? "" : "s");
	}
	effect_line(o, "overall effect (cohort-weighted ATT)", &c->overall,
		    c->overall_wild_p);
	effect_line(o, "average over months since adoption >= 0", &c->event_post,
		    NAN);
	if (isfinite(c->pre_wald))
		fprintf(o->fp, "%spre-trend test: Wald %s on %s df, p %s (%zu pre-adoption event times; H0: all zero)\n",
			LEAD(o), num(a, sizeof(a), c->pre_wald),
			num(b, sizeof(b), c->pre_df),
			cli_fmt_pval(p, sizeof(p), c->pre_p), c->pre_n);
	else
		fprintf(o->fp, "%spre-trend test: not available (%s)\n",
			LEAD(o), c->pre_reason ? c->pre_reason : "no data");
	if (isfinite(c->uniform_crit))
		fprintf(o->fp, "%ssimultaneous band critical value %s (bootstrap)\n",
			LEAD(o), num(a, sizeof(a), c->uniform_crit));
	fputc('\n', o->fp);
	agg_table(o, "Event study (months since adoption; bands are simultaneous)",
		  "event", c->event, c->n_event, 1, 0, nt);
	agg_table(o, "By adoption cohort", "cohort", c->cohort, c->n_cohort, 0,
		  1, nt);
	agg_table(o, "By calendar month", "month", c->calendar, c->n_calendar,
		  0, 1, nt);
	for (size_t k = 0; k < c->n_attgt; k++)
		note(nt, "ATT(g,t)", c->attgt[k].att.reason);
}

static void print_twfe_text(const struct out *o, const struct mnr_did_twfe *t,
			    struct notes *nt)
{
	static const char *const head[] = { "comparison", "treated", "control",
		"estimate", "weight" };
	struct table tb;
	double wsum[3] = { 0 }, esum[3] = { 0 };
	size_t k;
	char a[32];

	heading(o, "Two-way fixed effects -- comparison only: biased under staggered adoption when effects change over time");
	fprintf(o->fp, "%s%zu observations, %zu country clusters, CR1 errors, t with %zu df\n",
		LEAD(o), t->n_obs, t->n_clusters,
		t->n_clusters ? t->n_clusters - 1 : 0);
	effect_line(o, "coefficient on adoption", &t->beta, t->wild_p);
	note(nt, "two-way fixed effects", t->beta.reason);
	if (!t->bacon) {
		fprintf(o->fp, "%sGoodman-Bacon decomposition: not available (%s)\n\n",
			LEAD(o), t->bacon_reason ? t->bacon_reason : "no data");
		return;
	}
	for (k = 0; k < t->n_bacon; k++) {
		wsum[t->bacon[k].type] += t->bacon[k].weight;
		esum[t->bacon[k].type] += t->bacon[k].weight *
					  t->bacon[k].estimate;
	}
	fprintf(o->fp, "%sGoodman-Bacon decomposition (weights sum to 1; weighted sum %s):\n",
		LEAD(o), num(a, sizeof(a), t->bacon_sum));
	for (k = 0; k < 3; k++)
		if (wsum[k] > 0)
			fprintf(o->fp, "%s%-26s weight %.3f  average estimate %.4g\n",
				o->fmt == CLI_FMT_MD ? "  - " : "    ",
				mnr_did_bacon_type_name((enum mnr_did_bacon_type)k),
				wsum[k], esum[k] / wsum[k]);
	fputc('\n', o->fp);
	tab_init(&tb, 5, head);
	for (k = 0; k < t->n_bacon; k++) {
		char (*row)[TAB_CELL] = tab_row(&tb);

		if (!row)
			break;
		snprintf(row[0], TAB_CELL, "%s",
			 mnr_did_bacon_type_name(t->bacon[k].type));
		month_str(t->bacon[k].treated, row[1], TAB_CELL);
		month_str(t->bacon[k].control, row[2], TAB_CELL);
		num(row[3], TAB_CELL, t->bacon[k].estimate);
		snprintf(row[4], TAB_CELL, "%.4f", t->bacon[k].weight);
	}
	tab_print(o, &tb);
}

static void print_2x2_text(const struct out *o, struct notes *nt)
{
	static const char *const head[] = { "cohort", "treated", "control",
		"before", "after", "mean_t_pre", "mean_t_post", "mean_c_pre",
		"mean_c_post", "did", "se", "p" };
	const char *h[12];
	struct table t;
	size_t k;

	memcpy(h, head, sizeof(h));
	if (o->log)
		h[9] = "ratio";
	heading(o, "2x2 comparisons of cell means (each cohort vs the control group)");
	tab_init(&t, 12, h);
	for (k = 0; k < o->r->n_dd; k++) {
		const struct mnr_did_2x2 *d = &o->r->dd[k];
		char (*row)[TAB_CELL] = tab_row(&t);
		char m1[48], m2[48];

		if (!row)
			break;
		month_str(d->cohort, row[0], TAB_CELL);
		snprintf(row[1], TAB_CELL, "%zu", d->n_treated);
		snprintf(row[2], TAB_CELL, "%zu", d->n_control);
		month_str(d->pre_first, m1, sizeof(m1));
		month_str(d->pre_last, m2, sizeof(m2));
		snprintf(row[3], TAB_CELL, "%s..%s", m1, m2);
		month_str(d->post_first, m1, sizeof(m1));
		month_str(d->post_last, m2, sizeof(m2));
		snprintf(row[4], TAB_CELL, "%s..%s", m1, m2);
		num(row[5], TAB_CELL, d->mean_treated_pre);
		num(row[6], TAB_CELL, d->mean_treated_post);
		num(row[7], TAB_CELL, d->mean_control_pre);
		num(row[8], TAB_CELL, d->mean_control_post);
		num(row[9], TAB_CELL, disp(o, d->att.est));
		num(row[10], TAB_CELL, d->att.se);
		cli_fmt_pval(row[11], TAB_CELL, d->att.p);
		note(nt, "2x2", d->att.reason);
	}
	tab_print(o, &t);
}

static void print_loo_text(const struct out *o)
{
	static const char *const head[] = { "left_out", "cs_overall", "cs_se",
		"twfe", "twfe_se" };
	struct table t;
	size_t k;

	heading(o, "Leave one country out");
	tab_init(&t, 5, head);
	for (k = 0; k < o->r->n_loo; k++) {
		const struct mnr_did_loo *l = &o->r->loo[k];
		char (*row)[TAB_CELL] = tab_row(&t);

		if (!row)
			break;
		snprintf(row[0], TAB_CELL, "%s", o->panel->country[l->unit]);
		num(row[1], TAB_CELL, disp(o, l->cs_overall.est));
		num(row[2], TAB_CELL, l->cs_overall.se);
		num(row[3], TAB_CELL, disp(o, l->twfe.est));
		num(row[4], TAB_CELL, l->twfe.se);
	}
	tab_print(o, &t);
}

static int print_text(const struct out *o)
{
	const struct mnr_did_result *r = o->r;
	struct notes nt;
	char m1[48], m2[48];
	size_t k;

	memset(&nt, 0, sizeof(nt));
	month_str(r->period_first, m1, sizeof(m1));
	month_str(r->period_last, m2, sizeof(m2));
	if (o->fmt == CLI_FMT_MD)
		fprintf(o->fp, "## Staggered adoption: %s\n\n", o->metric);
	else
		fprintf(o->fp, "Staggered adoption: metric %s\n", o->metric);
	fprintf(o->fp, "%s%zu countries, %s..%s, %zu observations, %s panel\n",
		LEAD(o), r->n_units, m1, m2, r->n_obs,
		r->balanced ? "balanced" : "unbalanced");
	fprintf(o->fp, "%soutcome: %s%s\n", LEAD(o),
		r->per_population ? "rate per 100 000 population" : "value",
		r->log_outcome ? ", log scale (effects are ratios; se on the log scale)" : "");
	fprintf(o->fp, "%scontrols: %s countries; anticipation %ld months; %g%% intervals\n",
		LEAD(o),
		r->control == MNR_DID_CONTROL_NOTYET ? "never- and not-yet-adopting" :
		"never-adopting", r->anticipation, r->level * 100);
	if (r->boot)
		fprintf(o->fp, "%sbootstrap: %zu draws (Webb weights by country), seed %lu\n\n",
			LEAD(o), r->boot, r->seed);
	else
		fprintf(o->fp, "%sbootstrap: none (--boot 0): no bands, no wild bootstrap p-values\n\n",
			LEAD(o));
	if (r->cs.computed)
		print_cs_text(o, &r->cs, &nt);
	if (r->twfe.computed)
		print_twfe_text(o, &r->twfe, &nt);
	if (r->dd)
		print_2x2_text(o, &nt);
	if (r->loo)
		print_loo_text(o);
	if (o->pl) {
		char h[96];

		snprintf(h, sizeof(h),
			 "In-time placebo: adoption moved %ld months earlier, pre-adoption data only (expect no effect)",
			 o->pl->placebo);
		heading(o, h);
		effect_line(o, "Callaway & Sant'Anna overall", &o->pl->cs.overall,
			    o->pl->cs.overall_wild_p);
		if (o->pl->twfe.computed)
			effect_line(o, "two-way fixed effects", &o->pl->twfe.beta,
				    o->pl->twfe.wild_p);
		fputc('\n', o->fp);
	}
	if (nt.n) {
		heading(o, "Notes (estimates missing or without a standard error)");
		for (k = 0; k < nt.n; k++)
			fprintf(o->fp, "%s%s: %zu x %s\n",
				o->fmt == CLI_FMT_MD ? "- " : "  ", nt.where[k],
				nt.count[k], nt.reason[k]);
	}
	return 0;
}

/* ---- CSV ---------------------------------------------------------------- */

/* One cell after its separator: did's rows build the comma in. */
static void csv_num(FILE *fp, double x)
{
	fputc(',', fp);
	cli_csv_num(fp, x);
}

static void csv_text(FILE *fp, const char *s)
{
	fputc(',', fp);
	if (!s)
		return;
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

/*
 * One long table: section, cohort, month, event_time, estimate,
 * std_error, ci_low, ci_high, p_value, band_low, band_high, weight, n,
 * note (column names as in compare); with --log also exp_* columns.
 */
static void csv_row(struct out *o, const char *section, long cohort,
		    long period, long event, int has_event,
		    const struct mnr_did_est *e, double band_lo, double band_hi,
		    double weight, double n)
{
	char m[48];

	if (!o->csv_header_done) {
		fputs("section,cohort,month,event_time,estimate,std_error,"
		      "ci_low,ci_high,p_value,band_low,band_high,weight,n,note",
		      o->fp);
		if (o->log)
			fputs(",exp_estimate,exp_ci_low,exp_ci_high,"
			      "exp_band_low,exp_band_high", o->fp);
		fputc('\n', o->fp);
		o->csv_header_done = 1;
	}
	fputs(section, o->fp);
	fputc(',', o->fp);
	if (cohort != LONG_MIN) {
		month_str(cohort, m, sizeof(m));
		fputs(m, o->fp);
	}
	fputc(',', o->fp);
	if (period != LONG_MIN) {
		month_str(period, m, sizeof(m));
		fputs(m, o->fp);
	}
	fputc(',', o->fp);
	if (has_event)
		fprintf(o->fp, "%ld", event);
	csv_num(o->fp, e->est);
	csv_num(o->fp, e->se);
	csv_num(o->fp, e->lo);
	csv_num(o->fp, e->hi);
	csv_num(o->fp, e->p);
	csv_num(o->fp, band_lo);
	csv_num(o->fp, band_hi);
	csv_num(o->fp, weight);
	csv_num(o->fp, n);
	csv_text(o->fp, e->reason);
	if (o->log) {
		csv_num(o->fp, exp(e->est));
		csv_num(o->fp, exp(e->lo));
		csv_num(o->fp, exp(e->hi));
		csv_num(o->fp, exp(band_lo));
		csv_num(o->fp, exp(band_hi));
	}
	fputc('\n', o->fp);
}

#define NOKEY LONG_MIN

static void csv_cs(struct out *o, const struct mnr_did_cs *c, const char *pre)
{
	char s[48];
	size_t k;

	snprintf(s, sizeof(s), "%scs_overall", pre);
	csv_row(o, s, NOKEY, NOKEY, 0, 0, &c->overall, NAN, NAN, NAN,
		(double)c->n_units);
	if (*pre)
		return;
	csv_row(o, "cs_event_average", NOKEY, NOKEY, 0, 0, &c->event_post,
		NAN, NAN, NAN, NAN);
	{
		struct mnr_did_est w = { c->pre_wald, NAN, NAN, NAN, c->pre_p,
					 c->pre_df, c->pre_reason };

		csv_row(o, "cs_pretest_wald", NOKEY, NOKEY, 0, 0, &w, NAN, NAN,
			NAN, c->pre_df);
	}
	for (k = 0; k < c->n_event; k++)
		csv_row(o, "cs_event", NOKEY, NOKEY, c->event[k].key, 1,
			&c->event[k].est, c->event[k].band_lo,
			c->event[k].band_hi, NAN, (double)c->event[k].n_cells);
	for (k = 0; k < c->n_cohort; k++)
		csv_row(o, "cs_cohort", c->cohort[k].key, NOKEY, 0, 0,
			&c->cohort[k].est, NAN, NAN, NAN,
			(double)c->cohort[k].n_cells);
	for (k = 0; k < c->n_calendar; k++)
		csv_row(o, "cs_calendar", NOKEY, c->calendar[k].key, 0, 0,
			&c->calendar[k].est, NAN, NAN, NAN,
			(double)c->calendar[k].n_cells);
	for (k = 0; k < c->n_attgt; k++) {
		const struct mnr_did_attgt *a = &c->attgt[k];

		csv_row(o, "cs_attgt", a->cohort, a->period,
			a->period - a->cohort, 1, &a->att, NAN, NAN, NAN,
			(double)(a->n_treated + a->n_control));
	}
}

static int print_csv(struct out *o)
{
	const struct mnr_did_result *r = o->r;
	size_t k;

	if (r->cs.computed)
		csv_cs(o, &r->cs, "");
	if (r->twfe.computed) {
		csv_row(o, "twfe", NOKEY, NOKEY, 0, 0, &r->twfe.beta, NAN, NAN,
			NAN, (double)r->twfe.n_obs);
		if (isfinite(r->twfe.wild_p)) {
			struct mnr_did_est w = { NAN, NAN, NAN, NAN,
						 r->twfe.wild_p, 0, NULL };

			csv_row(o, "twfe_wild_p", NOKEY, NOKEY, 0, 0, &w, NAN,
				NAN, NAN, (double)r->twfe.wild_draws);
		}
		for (k = 0; k < r->twfe.n_bacon; k++) {
			const struct mnr_did_bacon *b = &r->twfe.bacon[k];
			struct mnr_did_est e = { b->estimate, NAN, NAN, NAN, NAN,
						 0, mnr_did_bacon_type_name(b->type) };

			csv_row(o, "bacon", b->treated, b->control, 0, 0, &e,
				NAN, NAN, b->weight, NAN);
		}
	}
	for (k = 0; k < r->n_dd; k++)
		csv_row(o, "2x2", r->dd[k].cohort, NOKEY, 0, 0, &r->dd[k].att,
			NAN, NAN, NAN,
			(double)(r->dd[k].n_treated + r->dd[k].n_control));
	for (k = 0; k < r->n_loo; k++) {
		char s[48];

		snprintf(s, sizeof(s), "loo_cs_without_%s",
			 o->panel->country[r->loo[k].unit]);
		csv_row(o, s, NOKEY, NOKEY, 0, 0, &r->loo[k].cs_overall, NAN,
			NAN, NAN, NAN);
		snprintf(s, sizeof(s), "loo_twfe_without_%s",
			 o->panel->country[r->loo[k].unit]);
		csv_row(o, s, NOKEY, NOKEY, 0, 0, &r->loo[k].twfe, NAN, NAN,
			NAN, NAN);
	}
	if (o->pl) {
		csv_cs(o, &o->pl->cs, "placebo_");
		if (o->pl->twfe.computed)
			csv_row(o, "placebo_twfe", NOKEY, NOKEY, 0, 0,
				&o->pl->twfe.beta, NAN, NAN, NAN, NAN);
	}
	if (!o->csv_header_done)
		fputs("section\n", o->fp);
	return 0;
}

static json_t *jmonth(long m)
{
	char b[48];

	if (m == MNR_DID_NEVER)
		return json_null();
	month_str(m, b, sizeof(b));
	return json_string(b);
}

static json_t *jest(const struct out *o, const struct mnr_did_est *e)
{
	json_t *j = json_object();

	json_object_set_new(j, "estimate", cli_jnum(e->est));
	json_object_set_new(j, "se", cli_jnum(e->se));
	json_object_set_new(j, "ci_lo", cli_jnum(e->lo));
	json_object_set_new(j, "ci_hi", cli_jnum(e->hi));
	json_object_set_new(j, "p", cli_jnum(e->p));
	if (e->df > 0)
		json_object_set_new(j, "df", json_real(e->df));
	if (o->log) {
		json_object_set_new(j, "ratio", cli_jnum(exp(e->est)));
		json_object_set_new(j, "ratio_lo", cli_jnum(exp(e->lo)));
		json_object_set_new(j, "ratio_hi", cli_jnum(exp(e->hi)));
	}
	json_object_set_new(j, "note", e->reason ? json_string(e->reason) :
				       json_null());
	return j;
}

static json_t *jaggs(const struct out *o, const struct mnr_did_agg *a,
		     size_t n, const char *key, int month, int event)
{
	json_t *arr = json_array();

	for (size_t k = 0; k < n; k++) {
		json_t *j = jest(o, &a[k].est);

		json_object_set_new(j, key, month ? jmonth(a[k].key) :
					    json_integer(a[k].key));
		json_object_set_new(j, "cells", json_integer((json_int_t)a[k].n_cells));
		json_object_set_new(j, "boot_se", cli_jnum(a[k].boot_se));
		if (event) {
			json_object_set_new(j, "band_lo", cli_jnum(a[k].band_lo));
			json_object_set_new(j, "band_hi", cli_jnum(a[k].band_hi));
			if (o->log) {
				json_object_set_new(j, "band_ratio_lo",
						    cli_jnum(exp(a[k].band_lo)));
				json_object_set_new(j, "band_ratio_hi",
						    cli_jnum(exp(a[k].band_hi)));
			}
		}
		json_array_append_new(arr, j);
	}
	return arr;
}

static json_t *jcs(const struct out *o, const struct mnr_did_cs *c, int full)
{
	json_t *j = json_object(), *pre, *cells;

	json_object_set_new(j, "units", json_integer((json_int_t)c->n_units));
	json_object_set_new(j, "cohorts", json_integer((json_int_t)c->n_cohorts));
	json_object_set_new(j, "never_treated", json_integer((json_int_t)c->n_never));
	json_object_set_new(j, "overall", jest(o, &c->overall));
	json_object_set_new(j, "overall_wild_p", cli_jnum(c->overall_wild_p));
	if (!full)
		return j;
	json_object_set_new(j, "event_average", jest(o, &c->event_post));
	pre = json_object();
	json_object_set_new(pre, "wald", cli_jnum(c->pre_wald));
	json_object_set_new(pre, "df", cli_jnum(c->pre_df));
	json_object_set_new(pre, "p", cli_jnum(c->pre_p));
	json_object_set_new(pre, "event_times", json_integer((json_int_t)c->pre_n));
	json_object_set_new(pre, "note", c->pre_reason ?
			    json_string(c->pre_reason) : json_null());
	json_object_set_new(j, "pretest", pre);
	json_object_set_new(j, "uniform_critical_value", cli_jnum(c->uniform_crit));
	json_object_set_new(j, "event_study", jaggs(o, c->event, c->n_event,
						    "event_time", 0, 1));
	json_object_set_new(j, "by_cohort", jaggs(o, c->cohort, c->n_cohort,
						  "cohort", 1, 0));
	json_object_set_new(j, "by_month", jaggs(o, c->calendar, c->n_calendar,
						 "month", 1, 0));
	cells = json_array();
	for (size_t k = 0; k < c->n_attgt; k++) {
		const struct mnr_did_attgt *a = &c->attgt[k];
		json_t *x = jest(o, &a->att);

		json_object_set_new(x, "cohort", jmonth(a->cohort));
		json_object_set_new(x, "month", jmonth(a->period));
		json_object_set_new(x, "base", jmonth(a->base));
		json_object_set_new(x, "n_treated", json_integer((json_int_t)a->n_treated));
		json_object_set_new(x, "n_control", json_integer((json_int_t)a->n_control));
		json_array_append_new(cells, x);
	}
	json_object_set_new(j, "att_gt", cells);
	return j;
}

static json_t *jtwfe(const struct out *o, const struct mnr_did_twfe *t,
		     int full)
{
	json_t *j = json_object(), *arr;

	json_object_set_new(j, "coefficient", jest(o, &t->beta));
	json_object_set_new(j, "wild_p", cli_jnum(t->wild_p));
	json_object_set_new(j, "wild_draws", json_integer((json_int_t)t->wild_draws));
	if (!full)
		return j;
	json_object_set_new(j, "observations", json_integer((json_int_t)t->n_obs));
	json_object_set_new(j, "clusters", json_integer((json_int_t)t->n_clusters));
	json_object_set_new(j, "parameters", json_integer((json_int_t)t->n_params));
	json_object_set_new(j, "warning", json_string(
		"comparison only: biased under staggered adoption when effects change over time"));
	if (!t->bacon) {
		json_object_set_new(j, "bacon", json_null());
		json_object_set_new(j, "bacon_note", t->bacon_reason ?
				    json_string(t->bacon_reason) : json_null());
		return j;
	}
	arr = json_array();
	for (size_t k = 0; k < t->n_bacon; k++) {
		json_t *b = json_object();

		json_object_set_new(b, "type", json_string(
			mnr_did_bacon_type_name(t->bacon[k].type)));
		json_object_set_new(b, "treated", jmonth(t->bacon[k].treated));
		json_object_set_new(b, "control", jmonth(t->bacon[k].control));
		json_object_set_new(b, "estimate", cli_jnum(t->bacon[k].estimate));
		json_object_set_new(b, "weight", cli_jnum(t->bacon[k].weight));
		json_array_append_new(arr, b);
	}
	json_object_set_new(j, "bacon", arr);
	json_object_set_new(j, "bacon_weighted_sum", cli_jnum(t->bacon_sum));
	return j;
}

static int print_json(const struct out *o)
{
	const struct mnr_did_result *r = o->r;
	json_t *root = json_object(), *meta = json_object(), *arr;
	size_t k;

	json_object_set_new(meta, "metric", json_string(o->metric));
	json_object_set_new(meta, "countries", json_integer((json_int_t)r->n_units));
	json_object_set_new(meta, "observations", json_integer((json_int_t)r->n_obs));
	json_object_set_new(meta, "first_month", jmonth(r->period_first));
	json_object_set_new(meta, "last_month", jmonth(r->period_last));
	json_object_set_new(meta, "balanced", json_boolean(r->balanced));
	json_object_set_new(meta, "control", json_string(
		r->control == MNR_DID_CONTROL_NOTYET ? "notyet" : "never"));
	json_object_set_new(meta, "anticipation", json_integer(r->anticipation));
	json_object_set_new(meta, "per_population", json_boolean(r->per_population));
	json_object_set_new(meta, "log", json_boolean(r->log_outcome));
	json_object_set_new(meta, "level", json_real(r->level));
	json_object_set_new(meta, "bootstrap_draws", json_integer((json_int_t)r->boot));
	json_object_set_new(meta, "seed", json_integer((json_int_t)r->seed));
	json_object_set_new(meta, "bootstrap_weights", json_string("webb"));
	json_object_set_new(root, "did", meta);
	if (r->cs.computed)
		json_object_set_new(root, "callaway_santanna", jcs(o, &r->cs, 1));
	if (r->twfe.computed)
		json_object_set_new(root, "twfe", jtwfe(o, &r->twfe, 1));
	if (r->dd) {
		arr = json_array();
		for (k = 0; k < r->n_dd; k++) {
			const struct mnr_did_2x2 *d = &r->dd[k];
			json_t *x = jest(o, &d->att);

			json_object_set_new(x, "cohort", jmonth(d->cohort));
			json_object_set_new(x, "n_treated", json_integer((json_int_t)d->n_treated));
			json_object_set_new(x, "n_control", json_integer((json_int_t)d->n_control));
			json_object_set_new(x, "before_first", jmonth(d->pre_first));
			json_object_set_new(x, "before_last", jmonth(d->pre_last));
			json_object_set_new(x, "after_first", jmonth(d->post_first));
			json_object_set_new(x, "after_last", jmonth(d->post_last));
			json_object_set_new(x, "mean_treated_before", cli_jnum(d->mean_treated_pre));
			json_object_set_new(x, "mean_treated_after", cli_jnum(d->mean_treated_post));
			json_object_set_new(x, "mean_control_before", cli_jnum(d->mean_control_pre));
			json_object_set_new(x, "mean_control_after", cli_jnum(d->mean_control_post));
			json_array_append_new(arr, x);
		}
		json_object_set_new(root, "two_by_two", arr);
	}
	if (r->loo) {
		arr = json_array();
		for (k = 0; k < r->n_loo; k++) {
			json_t *x = json_object();

			json_object_set_new(x, "left_out", json_string(
				o->panel->country[r->loo[k].unit]));
			json_object_set_new(x, "cs_overall", jest(o, &r->loo[k].cs_overall));
			json_object_set_new(x, "twfe", jest(o, &r->loo[k].twfe));
			json_array_append_new(arr, x);
		}
		json_object_set_new(root, "leave_one_out", arr);
	}
	if (o->pl) {
		json_t *x = json_object();

		json_object_set_new(x, "months_earlier", json_integer(o->pl->placebo));
		json_object_set_new(x, "callaway_santanna", jcs(o, &o->pl->cs, 0));
		if (o->pl->twfe.computed)
			json_object_set_new(x, "twfe", jtwfe(o, &o->pl->twfe, 0));
		json_object_set_new(root, "placebo", x);
	}
	return cli_json_emit(root, o->fp, 12);
}

/*
 * The event study alone, in the columns `mnrstat plot --kind event-study`
 * reads: event_time,estimate,ci_low,ci_high,band_low,band_high, on the
 * display scale (ratios with --log).
 */
static void print_event_csv(const struct out *o, FILE *fp)
{
	const struct mnr_did_cs *c = &o->r->cs;

	fputs("event_time,estimate,ci_low,ci_high,band_low,band_high\n", fp);
	for (size_t k = 0; k < c->n_event; k++) {
		const struct mnr_did_agg *a = &c->event[k];

		fprintf(fp, "%ld", a->key);
		csv_num(fp, disp(o, a->est.est));
		csv_num(fp, disp(o, a->est.lo));
		csv_num(fp, disp(o, a->est.hi));
		csv_num(fp, disp(o, a->band_lo));
		csv_num(fp, disp(o, a->band_hi));
		fputc('\n', fp);
	}
}

/* ---- driver ------------------------------------------------------------- */

struct args {
	const char *adoption, *metric, *output, *event_file;
	unsigned methods;
	struct mnr_did_options o;
	enum cli_fmt fmt;
	struct mnr_colmap map;
};

enum {
	OPT_ADOPTION = 256, OPT_METRIC, OPT_METHOD, OPT_CONTROL,
	OPT_ANTICIPATION, OPT_SEED, OPT_BOOT, OPT_PER, OPT_LOG, OPT_PLACEBO,
	OPT_LOO, OPT_FORMAT, OPT_COHORT, OPT_LEVEL, OPT_WILD, OPT_COL,
	OPT_EVENT
};

static int parse_args(int argc, char **argv, struct args *a)
{
	static const char short_opts[] = "ho:";
	static const struct option long_opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ "adoption", required_argument, NULL, OPT_ADOPTION },
		{ "metric", required_argument, NULL, OPT_METRIC },
		{ "method", required_argument, NULL, OPT_METHOD },
		{ "control", required_argument, NULL, OPT_CONTROL },
		{ "anticipation", required_argument, NULL, OPT_ANTICIPATION },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "boot", required_argument, NULL, OPT_BOOT },
		{ "per", required_argument, NULL, OPT_PER },
		{ "log", no_argument, NULL, OPT_LOG },
		{ "placebo", required_argument, NULL, OPT_PLACEBO },
		{ "loo", no_argument, NULL, OPT_LOO },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "cohort", required_argument, NULL, OPT_COHORT },
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "wild", required_argument, NULL, OPT_WILD },
		{ "col", required_argument, NULL, OPT_COL },
		{ "event-study", required_argument, NULL, OPT_EVENT },
		{ NULL, 0, NULL, 0 }
	};
	int c, rc;
	long v;
	size_t sz;

	memset(a, 0, sizeof(*a));
	mnr_did_options_init(&a->o);
	a->fmt = CLI_FMT_TEXT;
	cli_getopt_reset(argv, SUB);
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cli_help(SUB, help_text);
			return -1;
		case 'o':
			a->output = optarg;
			break;
		case OPT_ADOPTION:
			a->adoption = optarg;
			break;
		case OPT_METRIC:
			a->metric = optarg;
			break;
		case OPT_METHOD:
			if (strcmp(optarg, "2x2") == 0)
				a->o.methods = MNR_DID_2X2;
			else if (strcmp(optarg, "cs") == 0)
				a->o.methods = MNR_DID_CS;
			else if (strcmp(optarg, "twfe") == 0)
				/* TWFE is never shown without a robust estimator. */
				a->o.methods = MNR_DID_TWFE | MNR_DID_CS;
			else if (strcmp(optarg, "all") == 0)
				a->o.methods = MNR_DID_ALL;
			else
				return cli_usage_error(SUB, "--method wants 2x2, twfe, cs or all");
			break;
		case OPT_CONTROL:
			if (strcmp(optarg, "never") == 0)
				a->o.control = MNR_DID_CONTROL_NEVER;
			else if (strcmp(optarg, "notyet") == 0)
				a->o.control = MNR_DID_CONTROL_NOTYET;
			else
				return cli_usage_error(SUB, "--control wants never or notyet");
			break;
		case OPT_ANTICIPATION:
			if (cli_parse_long(optarg, 0, 1200, &v) != 0)
				return cli_usage_error(SUB, "--anticipation wants months from 0 to 1200");
			a->o.anticipation = v;
			break;
		case OPT_SEED:
			if (cli_parse_size(optarg, 4294967295UL, &sz) != 0)
				return cli_usage_error(SUB, "--seed wants an integer from 0 to 4294967295");
			a->o.seed = (unsigned long)sz;
			break;
		case OPT_BOOT:
			if (cli_parse_size(optarg, 1000000, &sz) != 0)
				return cli_usage_error(SUB, "--boot wants a count from 0 to 1000000");
			a->o.boot = sz;
			break;
		case OPT_PER:
			if (strcmp(optarg, "population") != 0)
				return cli_usage_error(SUB, "--per wants 'population'");
			a->o.per_population = 1;
			break;
		case OPT_LOG:
			a->o.log_outcome = 1;
			break;
		case OPT_PLACEBO:
			if (cli_parse_long(optarg, 1, 1200, &v) != 0)
				return cli_usage_error(SUB, "--placebo wants months from 1 to 1200");
			a->o.placebo = v;
			break;
		case OPT_LOO:
			a->o.leave_one_out = 1;
			break;
		case OPT_FORMAT:
			if ((rc = cli_parse_format(SUB, optarg, CLI_FMTS_ALL,
							    &a->fmt)) != 0)
				return rc;
			break;
		case OPT_COHORT:
			v = parse_month(optarg);
			if (v < 0)
				return cli_usage_error(SUB, "--cohort wants a month YYYY-MM");
			a->o.cohort = v;
			break;
		case OPT_LEVEL: {
			double l;

			if (cli_parse_double(optarg, 0.5, 0.999, &l) != 0)
				return cli_usage_error(SUB, "--level wants a number from 0.5 to 0.999");
			a->o.level = l;
			break;
		}
		case OPT_WILD:
			if (strcmp(optarg, "auto") == 0)
				a->o.wild = MNR_DID_WILD_AUTO;
			else if (strcmp(optarg, "on") == 0)
				a->o.wild = MNR_DID_WILD_ON;
			else if (strcmp(optarg, "off") == 0)
				a->o.wild = MNR_DID_WILD_OFF;
			else
				return cli_usage_error(SUB, "--wild wants auto, on or off");
			break;
		case OPT_EVENT:
			a->event_file = optarg;
			break;
		case OPT_COL:
			rc = cli_colmap_add(&a->map, optarg, SUB);
			if (rc)
				return rc;
			break;
		default:
			return cli_usage_error(SUB, "unknown option");
		}
	}
	if (!a->adoption)
		return cli_usage_error(SUB, "--adoption FILE is required");
	if (!a->metric)
		return cli_usage_error(SUB, "--metric M is required");
	return 0;
}

/* Arrays handed to the library, built from the panel's cells of one metric. */
struct arrays {
	size_t n;
	size_t *unit;
	long *period;
	double *y, *pop;
	unsigned long *line;
	long *adopt;
};

static void arrays_free(struct arrays *x)
{
	free(x->unit);
	free(x->period);
	free(x->y);
	free(x->pop);
	free(x->line);
	free(x->adopt);
}

static int build_arrays(const struct mnr_panel *p, const struct mnr_adoption *ad,
			long metric, struct arrays *x)
{
	size_t k, n = 0;

	memset(x, 0, sizeof(*x));
	for (k = 0; k < p->n; k++)
		n += p->cell[k].metric == metric;
	x->unit = malloc((n ? n : 1) * sizeof(size_t));
	x->period = malloc((n ? n : 1) * sizeof(long));
	x->y = malloc((n ? n : 1) * sizeof(double));
	x->pop = malloc((n ? n : 1) * sizeof(double));
	x->line = malloc((n ? n : 1) * sizeof(unsigned long));
	x->adopt = malloc((p->ncountries ? p->ncountries : 1) * sizeof(long));
	if (!x->unit || !x->period || !x->y || !x->pop || !x->line || !x->adopt)
		return -1;
	for (k = 0; k < p->n; k++) {
		const struct mnr_panel_cell *c = &p->cell[k];

		if (c->metric != metric)
			continue;
		x->unit[x->n] = (size_t)c->country;
		x->period[x->n] = c->month;
		x->y[x->n] = c->value;
		x->pop[x->n] = c->population;
		x->line[x->n] = c->line;
		x->n++;
	}
	/* Countries absent from the adoption file never adopted. */
	for (k = 0; k < p->ncountries; k++) {
		int s = mnr_adoption_start(ad, p->country[k]);

		x->adopt[k] = s < 0 ? MNR_DID_NEVER : s;
	}
	return 0;
}

int cmd_did(int argc, char **argv, const struct cli_context *ctx)
{
	struct args a;
	struct mnr_panel *panel = NULL;
	struct mnr_adoption *ad = NULL;
	struct mnr_did_result *res = NULL, *pl = NULL;
	struct arrays x;
	struct mnr_did_panel dp;
	struct mnr_error err;
	struct mnr_outfile of;
	struct out o;
	long metric;
	int rc, status = CLI_EX_OK;

	memset(&x, 0, sizeof(x));
	memset(&of, 0, sizeof(of));
	rc = parse_args(argc, argv, &a);
	if (rc < 0)
		return CLI_EX_OK;
	if (rc)
		return rc;
	rc = cli_check_operands(SUB, argc - optind);
	if (rc)
		return rc;
	mnr_error_clear(&err);
	if (mnr_panel_read(argv[optind], &a.map, &panel, &err) != MNR_OK ||
	    mnr_adoption_read(a.adoption, &a.map, &ad, &err) != MNR_OK) {
		status = cli_report(SUB, &err, ctx);
		goto out;
	}
	metric = mnr_panel_metric_index(panel, a.metric);
	if (metric < 0) {
		status = cli_error(SUB, CLI_EX_DATAERR,
				   "%s: metric '%s' is not in the panel",
				   argv[optind], a.metric);
		goto out;
	}
	if (a.o.per_population && !panel->has_population) {
		status = cli_error(SUB, CLI_EX_DATAERR,
				   "%s: --per population needs a population column",
				   argv[optind]);
		goto out;
	}
	if (build_arrays(panel, ad, metric, &x) != 0) {
		status = cli_error(SUB, CLI_EX_SOFTWARE, "out of memory");
		goto out;
	}
	dp = (struct mnr_did_panel){ x.n, x.unit, x.period, x.y,
				     a.o.per_population ? x.pop : NULL,
				     panel->ncountries, x.adopt };
	{
		struct mnr_did_options main_opt = a.o;

		main_opt.placebo = 0;
		rc = mnr_did_run(&dp, &main_opt, &res, &err);
	}
	if (rc == MNR_OK && a.o.placebo > 0) {
		struct mnr_did_options po = a.o;

		po.methods &= MNR_DID_TWFE | MNR_DID_CS;
		po.methods |= MNR_DID_CS;
		po.leave_one_out = 0;
		rc = mnr_did_run(&dp, &po, &pl, &err);
	}
	if (rc != MNR_OK) {
		/* The library names the observation; give its file line. */
		if (err.line >= 1 && err.line <= x.n) {
			err.line = x.line[err.line - 1];
			err.path = argv[optind];
		}
		status = cli_report(SUB, &err, ctx);
		goto out;
	}
	if (mnr_outfile_open(&of, a.output ? a.output : "-", &err) != MNR_OK) {
		status = cli_report(SUB, &err, ctx);
		goto out;
	}
	o = (struct out){ of.fp, a.fmt, panel, a.metric, res, pl,
			  res->log_outcome, 0 };
	switch (a.fmt) {
	case CLI_FMT_CSV:
		rc = print_csv(&o);
		break;
	case CLI_FMT_JSON:
		rc = print_json(&o);
		break;
	default:
		rc = print_text(&o);
		break;
	}
	if (rc != 0 || ferror(of.fp)) {
		mnr_outfile_abort(&of);
		status = cli_error(SUB, CLI_EX_IOERR, "write error");
		goto out;
	}
	if (a.event_file && !res->cs.computed) {
		mnr_outfile_abort(&of);
		status = cli_usage_error(SUB, "--event-study needs --method cs or all");
		goto out;
	}
	if (a.event_file) {
		struct mnr_outfile ef;

		memset(&ef, 0, sizeof(ef));
		if (mnr_outfile_open(&ef, a.event_file, &err) != MNR_OK) {
			mnr_outfile_abort(&of);
			status = cli_report(SUB, &err, ctx);
			goto out;
		}
		print_event_csv(&o, ef.fp);
		if (ferror(ef.fp) || mnr_outfile_commit(&ef, &err) != MNR_OK) {
			mnr_outfile_abort(&ef);
			mnr_outfile_abort(&of);
			status = err.code ? cli_report(SUB, &err, ctx) :
				 cli_error(SUB, CLI_EX_IOERR, "write error");
			goto out;
		}
	}
	if (mnr_outfile_commit(&of, &err) != MNR_OK)
		status = cli_report(SUB, &err, ctx);
out:
	mnr_did_result_free(res);
	mnr_did_result_free(pl);
	arrays_free(&x);
	mnr_panel_free(panel);
	mnr_adoption_free(ad);
	return status;
}
