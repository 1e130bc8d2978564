/*
 * Reproduction of published figures (library layer): reads the cited CSVs
 * of datasets/published/, selects the series a figure shows, and writes
 * the gnuplot script and the source tables.  Values are copied, never
 * derived: each plotted number is one cited row.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_internal.h"
#include "mnrstat/csv.h"
#include "mnrstat/fields.h"
#include "mnrstat/reproduce.h"
#include "plot_internal.h"
#include "banned.h"

/* ---- reading --------------------------------------------------------- */

enum { C_SERIES, C_COUNTRY, C_YEAR, C_VALUE, C_UNIT, C_TITLE, C_PUBLISHER,
       C_URL, C_QUOTE, C_TYPE, C_NOTES, C_N };

static const char *const col_names[C_N] = {
	"series", "country", "year", "value", "unit", "source_title",
	"source_publisher", "source_url", "quote", "source_type", "notes"
};
static const int col_required[C_N] = { 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1 };

struct pub_reader {
	struct mnr_published *p;
	size_t cap;
	long idx[C_N];
};

static void row_release(struct mnr_published_row *r)
{
	mnr__free(r->series);
	mnr__free(r->country);
	mnr__free(r->year);
	mnr__free(r->value_text);
	mnr__free(r->unit);
	mnr__free(r->source_title);
	mnr__free(r->source_publisher);
	mnr__free(r->source_url);
	mnr__free(r->quote);
	mnr__free(r->source_type);
	mnr__free(r->notes);
}

static int pub_row(void *ud, const struct mnr_csv_row *row,
		   struct mnr_error *err)
{
	struct pub_reader *rd = ud;
	struct mnr_published_row *r;
	char **dst[C_N];
	size_t j;
	int rc;

	if (row->is_header)
		return mnr_csv_bind(row, col_names, col_required, C_N, NULL,
				    rd->idx, err);
	if (mnr__grow((void **)&rd->p->row, &rd->cap, rd->p->n + 1,
		      sizeof(*rd->p->row)) != 0)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	r = &rd->p->row[rd->p->n++];
	memset(r, 0, sizeof(*r));
	r->line = row->line;
	dst[C_SERIES] = &r->series;
	dst[C_COUNTRY] = &r->country;
	dst[C_YEAR] = &r->year;
	dst[C_VALUE] = &r->value_text;
	dst[C_UNIT] = &r->unit;
	dst[C_TITLE] = &r->source_title;
	dst[C_PUBLISHER] = &r->source_publisher;
	dst[C_URL] = &r->source_url;
	dst[C_QUOTE] = &r->quote;
	dst[C_TYPE] = &r->source_type;
	dst[C_NOTES] = &r->notes;
	for (j = 0; j < C_N; j++) {
		if (rd->idx[j] < 0)
			continue;
		*dst[j] = mnr__strdup(row->field[rd->idx[j]]);
		if (!*dst[j])
			return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	rc = mnr_parse_decimal(r->value_text, strlen(r->value_text),
			       &r->value, err);
	if (rc != MNR_OK) {
		unsigned long line, col;

		mnr_csv_locate(row, (size_t)rd->idx[C_VALUE], &line, &col);
		mnr_error_locate(err, row->path, line, col,
				 (unsigned long)rd->idx[C_VALUE] + 1);
		return rc;
	}
	return MNR_OK;
}

int mnr_published_read(const char *path, struct mnr_published **out,
		       struct mnr_error *err)
{
	struct pub_reader rd;
	struct mnr_csv_options o;
	int rc;

	memset(&rd, 0, sizeof(rd));
	rd.p = mnr__calloc(1, sizeof(*rd.p));
	if (!rd.p)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	rd.p->path = path;
	mnr_csv_options_init(&o);
	rc = mnr_csv_read_path(path, &o, pub_row, &rd, err);
	if (rc != MNR_OK) {
		mnr_published_free(rd.p);
		return rc;
	}
	*out = rd.p;
	return MNR_OK;
}

void mnr_published_free(struct mnr_published *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++)
		row_release(&p->row[i]);
	mnr__free(p->row);
	mnr__free(p);
}

int mnr_reproduce_source_code(const char *t)
{
	if (!t)
		return 0;
	if (strcmp(t, "primary") == 0)
		return 1;
	if (strcmp(t, "secondary") == 0)
		return 2;
	if (strcmp(t, "transcription") == 0)
		return 3;
	if (strcmp(t, "claim") == 0)
		return 4;
	return 0;
}

/* ---- the catalogue ---------------------------------------------------- */

static const struct mnr_reproduce_layer icmec_layers[] = {
	{ "icmec_csam_legislation.csv", "icmec_countries_sufficient_legislation",
	  "ICMEC Global Review", MNR_REPRO_POINTS, 1 },
	{ "claims_to_check.csv", "claimed_countries_sufficient_legislation",
	  "claim in advocacy writing", MNR_REPRO_CLAIM, 1 },
};
static const struct mnr_reproduce_break icmec_breaks[] = {
	{ 2009.5, "from 2010: all 196 countries reviewed (before: 184-187)", 0.55 },
};

static const struct mnr_reproduce_layer ncmec_layers[] = {
	{ "ncmec_cybertipline.csv", "ncmec_cybertipline_reports",
	  "CyberTipline reports", MNR_REPRO_BARS, 1e6 },
	{ "ncmec_cybertipline.csv", "ncmec_cybertipline_incidents_bundling_adjusted",
	  "2024 incidents after unbundling (a different quantity)",
	  MNR_REPRO_MARK, 1 },
};
static const struct mnr_reproduce_break ncmec_breaks[] = {
	{ 2023.5, "2024: bundled reports, not comparable", 0.93 },
};

static const struct mnr_reproduce_layer iwf_layers[] = {
	{ "iwf_reports.csv", "iwf_reports_confirmed_csam",
	  "IWF confirmed reports", MNR_REPRO_BARS, 1e3 },
};
static const struct mnr_reproduce_break iwf_breaks[] = {
	{ 2013.5, "April 2014: proactive searching starts, not comparable", 0.55 },
};

static const struct mnr_reproduce_figure figures[] = {
	{ "icmec-legislation",
	  "Countries with sufficient legislation against child sexual abuse material",
	  "ICMEC, Model Legislation & Global Review, by edition",
	  "countries (count)", "edition (year)",
	  "Counts before and after 2010 are not on the same base; the 2nd-4th and "
	  "10th (2023) editions were not found.",
	  2, icmec_layers, 1, icmec_breaks, 2005, 2024, "top left" },
	{ "ncmec-cybertipline",
	  "Reports to the NCMEC CyberTipline per year",
	  "Report counts measure reporting activity, not the prevalence of abuse",
	  "reports (millions)", "calendar year",
	  "2024: one bundled report can stand for many duplicate reports of one "
	  "incident, so the 2024 total is not comparable with earlier years.",
	  2, ncmec_layers, 1, ncmec_breaks, 1997, 2025, "top left" },
	{ "iwf-confirmed",
	  "Reports confirmed as child sexual abuse material by the IWF per year",
	  "Internet Watch Foundation (UK hotline); unit varies between reports and URLs",
	  "confirmed reports or URLs (thousands)", "calendar year",
	  "From April 2014 the IWF searches proactively: later years are not "
	  "comparable with earlier ones. No 2012 figure was found.",
	  1, iwf_layers, 1, iwf_breaks, 2010, 2025, "top left" },
};

size_t mnr_reproduce_count(void)
{
	return sizeof(figures) / sizeof(figures[0]);
}

const struct mnr_reproduce_figure *mnr_reproduce_figure_at(size_t i)
{
	return i < mnr_reproduce_count() ? &figures[i] : NULL;
}

const struct mnr_reproduce_figure *mnr_reproduce_find(const char *name)
{
	size_t i;

	for (i = 0; i < mnr_reproduce_count(); i++)
		if (strcmp(figures[i].name, name) == 0)
			return &figures[i];
	return NULL;
}

/* ---- building ---------------------------------------------------------- */

/* A single calendar year ("2018"), else -1. */
static int single_year(const char *y)
{
	int64_t v;
	struct mnr_error e;

	mnr_error_clear(&e);
	if (!y || strlen(y) != 4 || mnr_parse_int64(y, 4, &v, &e) != MNR_OK)
		return -1;
	return (int)v;
}

struct sel {
	const struct mnr_published_row *row;
	size_t layer;
	int year;
	int code;         /* source code; claims: 4 unverified, 5 confirmed */
};

static void csv_field(struct mnr__gp *b, const char *s)
{
	const char *p;

	if (!s)
		s = "";
	if (!strpbrk(s, ",\"\r\n")) {
		mnr__gp_puts(b, s);
		return;
	}
	mnr__gp_puts(b, "\"");
	for (p = s; *p; p++) {
		if (*p == '"')
			mnr__gp_puts(b, "\"\"");
		else
			mnr__gp_printf(b, "%c", *p);
	}
	mnr__gp_puts(b, "\"");
}

/* Markdown table cell: pipes escaped, line breaks flattened. */
static void md_cell(struct mnr__gp *b, const char *s)
{
	const char *p;

	for (p = s ? s : ""; *p; p++) {
		if (*p == '|')
			mnr__gp_puts(b, "\\|");
		else if (*p == '\n' || *p == '\r')
			mnr__gp_puts(b, " ");
		else if (*p == '[' || *p == ']')
			mnr__gp_printf(b, "\\%c", *p);
		else
			mnr__gp_printf(b, "%c", *p);
	}
}

static const char *type_word(int code)
{
	switch (code) {
	case 1: return "primary";
	case 2: return "secondary";
	case 3: return "transcription";
	case 4: return "claim, unverified";
	case 5: return "claim, matches the cited source";
	default: return "other";
	}
}

/* Caption: the sources by publisher with their years and types, in order
 * of first appearance. */
static void caption(struct mnr__gp *c, const struct mnr_reproduce_figure *f,
		    const struct sel *s, size_t n, const char *md_name)
{
	size_t i, j, k;
	int first = 1;

	mnr__gp_puts(c, f->caveat);
	mnr__gp_puts(c, "\nSources: ");
	for (i = 0; i < n; i++) {
		const char *pub = s[i].row->source_publisher;
		int seen = 0, firsty = 1;
		unsigned types = 0;

		for (j = 0; j < i; j++)
			if (strcmp(s[j].row->source_publisher, pub) == 0)
				seen = 1;
		if (seen)
			continue;
		if (!first)
			mnr__gp_puts(c, "; ");
		first = 0;
		mnr__gp_puts(c, pub);
		mnr__gp_puts(c, " (");
		{
			/* Years of this publisher, consecutive ones as ranges. */
			int run_start = -1, prev = -1;

			for (j = i; j <= n; j++) {
				int y = -1;

				if (j < n) {
					if (strcmp(s[j].row->source_publisher, pub) != 0)
						continue;
					types |= 1u << s[j].code;
					y = s[j].year;
					if (y == prev + 1 && run_start >= 0) {
						prev = y;
						continue;
					}
				}
				if (run_start >= 0) {
					mnr__gp_printf(c, "%s%d", firsty ? "" : ", ",
						       run_start);
					if (prev > run_start)
						mnr__gp_printf(c, "%s%d",
							       prev > run_start + 1 ?
							       "\xe2\x80\x93" : ", ", prev);
					firsty = 0;
				}
				run_start = prev = y;
			}
		}
		for (k = 1; k <= 5; k++)
			if (types & (1u << k))
				mnr__gp_printf(c, "; %s", type_word((int)k));
		mnr__gp_puts(c, ")");
	}
	mnr__gp_printf(c, ".\nEvery value with its source, quote and type: %s", md_name);
}

static void layer_block(struct mnr__gp *b, size_t li, const struct sel *s,
			size_t n)
{
	size_t i;

	mnr__gp_printf(b, "$layer%zu << EOD\n"
		       "# year value source (1 primary, 2 secondary, "
		       "3 transcription, 4 unverified claim, 5 confirmed claim)\n",
		       li + 1);
	for (i = 0; i < n; i++) {
		if (s[i].layer != li)
			continue;
		mnr__gp_printf(b, "%d ", s[i].year);
		mnr__gp_num(b, s[i].row->value);
		mnr__gp_printf(b, " %d\n", s[i].code);
	}
	mnr__gp_puts(b, "EOD\n\n");
}

static int has_code(const struct sel *s, size_t n, size_t li, int code)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i].layer == li && s[i].code == code)
			return 1;
	return 0;
}

static void plot_layer(struct mnr__gp *b, const struct mnr_reproduce_figure *f,
		       size_t li, const struct sel *s, size_t n, int *first)
{
	const struct mnr_reproduce_layer *l = &f->layer[li];
	int right_half = 0;
	size_t i;
	static const char *const fill[4] = { "", "blue", "skyblue", "orange" };
	static const char *const what[4] = { "", "primary source",
		"secondary source", "third-party transcription" };
	char scale[32], t[200];
	int code;

	snprintf(scale, sizeof(scale), "%g", l->scale);
	for (i = 0; i < n; i++)
		if (s[i].layer == li && s[i].code == 4 &&
		    s[i].year > (f->xmin + f->xmax) / 2)
			right_half = 1;
	if (l->style == MNR_REPRO_POINTS) {
		if (!*first)
			mnr__gp_puts(b, ", \\\n     ");
		*first = 0;
		mnr__gp_printf(b, "$layer%zu using 1:($2/%s) with lines lc rgb blue "
			       "lw 1.5 notitle", li + 1, scale);
	}
	for (code = 1; code <= 5; code++) {
		if (!has_code(s, n, li, code))
			continue;
		if (!*first)
			mnr__gp_puts(b, ", \\\n     ");
		*first = 0;
		switch (l->style) {
		case MNR_REPRO_BARS:
			snprintf(t, sizeof(t), "%s (%s)", l->legend,
				 code <= 3 ? what[code] : "claim");
			mnr__gp_printf(b, "$layer%zu using 1:($3 == %d ? $2/%s : NaN) "
				       "with boxes fc rgb %s title ", li + 1, code,
				       scale, code <= 3 ? fill[code] : "vermillion");
			mnr__gp_quote(b, t);
			break;
		case MNR_REPRO_POINTS:
			snprintf(t, sizeof(t), "%s (%s)", l->legend,
				 code <= 3 ? what[code] : "claim");
			mnr__gp_printf(b, "$layer%zu using 1:($3 == %d ? $2/%s : NaN) "
				       "with points lc rgb blue pt %d ps 1.6 lw 2 title ",
				       li + 1, code, scale,
				       code == 1 ? 7 : code == 2 ? 6 : 4);
			mnr__gp_quote(b, t);
			break;
		case MNR_REPRO_CLAIM:
			snprintf(t, sizeof(t), "%s: %s", l->legend,
				 code == 4 ? "UNVERIFIED" :
				 "matches the cited source");
			mnr__gp_printf(b, "$layer%zu using 1:($3 == %d ? $2/%s : NaN) "
				       "with points lc rgb vermillion pt 12 ps %s lw %s "
				       "title ", li + 1, code, scale,
				       code == 4 ? "2.2" : "2.8",
				       code == 4 ? "2.5" : "1.5");
			mnr__gp_quote(b, t);
			break;
		default:
			mnr__gp_printf(b, "$layer%zu using 1:($2/%s) with points "
				       "lc rgb purple pt 9 ps 2 title ", li + 1, scale);
			mnr__gp_quote(b, l->legend);
			code = 6; /* one entry for the whole layer */
			break;
		}
	}
	/* Value labels above each mark. */
	switch (l->style) {
	case MNR_REPRO_CLAIM:
		mnr__gp_printf(b, ", \\\n     $layer%zu using 1:($3 == 4 ? $2/%s : NaN):"
			       "(sprintf('%%g: claim, unverified', $2/%s)) with labels "
			       "%s tc rgb vermillion font ',10' notitle",
			       li + 1, scale, scale,
			       right_half ? "right offset -1.8,0" : "left offset 1.8,0");
		break;
	case MNR_REPRO_MARK:
		mnr__gp_printf(b, ", \\\n     $layer%zu using 1:($2/%s):"
			       "(sprintf('%%g', $2/%s)) with labels offset 0,1.3 "
			       "tc rgb purple font ',9' notitle", li + 1, scale, scale);
		break;
	default:
		mnr__gp_printf(b, ", \\\n     $layer%zu using 1:($2/%s >= 1 ? $2/%s : NaN):"
			       "(sprintf('%%.%df', $2/%s)) with labels offset 0,0.8 "
			       "font ',8' notitle", li + 1, scale, scale,
			       l->scale > 1 ? 1 : 0, scale);
		break;
	}
}

static int by_layer_year(const void *a, const void *b)
{
	const struct sel *x = a, *y = b;

	if (x->layer != y->layer)
		return x->layer < y->layer ? -1 : 1;
	return (x->year > y->year) - (x->year < y->year);
}

int mnr_reproduce_build(const struct mnr_reproduce_figure *f,
			const char *data_dir,
			const struct mnr_plot_meta *meta_in,
			struct mnr_reproduce_output *out,
			struct mnr_error *err)
{
	struct mnr_published *files[8] = { 0 };
	char *paths[8] = { 0 };
	struct sel *s = NULL;
	size_t ns = 0, cap = 0, li, i, j, nfiles = 0;
	struct mnr__gp b = { 0 }, cap_text = { 0 }, csv = { 0 }, md = { 0 };
	struct mnr__gp data = { 0 };
	struct mnr_plot_meta meta;
	char md_name[128];
	int rc = MNR_OK, first = 1;

	memset(out, 0, sizeof(*out));
	if (!f || !data_dir || !meta_in)
		return mnr_error_set(err, MNR_EINVAL, "no figure or data directory");
	if (f->nlayers > 8)
		return mnr_error_set(err, MNR_EINVAL, "too many layers");
	for (li = 0; li < f->nlayers; li++) {
		const struct mnr_reproduce_layer *l = &f->layer[li];
		struct mnr_published *p = NULL;
		size_t before = ns;

		for (j = 0; j < nfiles; j++)
			if (strcmp(files[j]->path + strlen(data_dir) + 1, l->file) == 0)
				p = files[j];
		if (!p) {
			size_t n = strlen(data_dir) + strlen(l->file) + 2;

			paths[nfiles] = mnr__malloc(n);
			if (!paths[nfiles]) {
				rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
				goto out;
			}
			snprintf(paths[nfiles], n, "%s/%s", data_dir, l->file);
			rc = mnr_published_read(paths[nfiles], &files[nfiles], err);
			if (rc != MNR_OK) {
				mnr__free(paths[nfiles]);
				paths[nfiles] = NULL;
				goto out;
			}
			p = files[nfiles++];
		}
		for (i = 0; i < p->n; i++) {
			const struct mnr_published_row *r = &p->row[i];
			int y = single_year(r->year);

			if (strcmp(r->series, l->series) != 0 || y < 0 ||
			    (r->country && *r->country))
				continue;
			if (mnr__grow((void **)&s, &cap, ns + 1, sizeof(*s)) != 0) {
				rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
				goto out;
			}
			s[ns].row = r;
			s[ns].layer = li;
			s[ns].year = y;
			s[ns].code = mnr_reproduce_source_code(r->source_type);
			ns++;
		}
		if (ns == before) {
			rc = mnr_error_set_at(err, MNR_EDATA, p->path, 0, 0, 0,
					      "no-values",
					      "series %s has no yearly value", l->series);
			goto out;
		}
	}
	/* A claim is confirmed when a cited (non-claim) value of the same
	 * year in this figure is equal to it; otherwise it stays unverified. */
	for (i = 0; i < ns; i++) {
		if (s[i].code != 4)
			continue;
		for (j = 0; j < ns; j++)
			if (s[j].code >= 1 && s[j].code <= 3 &&
			    s[j].year == s[i].year &&
			    s[j].row->value == s[i].row->value)
				s[i].code = 5;
	}
	qsort(s, ns, sizeof(*s), by_layer_year);

	snprintf(md_name, sizeof(md_name), "%s.md", f->name);
	caption(&cap_text, f, s, ns, md_name);
	for (li = 0; li < f->nlayers; li++) {
		int dup = 0;

		for (j = 0; j < li; j++)
			if (strcmp(f->layer[j].file, f->layer[li].file) == 0)
				dup = 1;
		if (dup)
			continue;
		mnr__gp_printf(&data, "%s%s", li ? ", " : "", f->layer[li].file);
	}
	mnr__gp_puts(&data, " (datasets/published)");
	meta = *meta_in;
	meta.title = f->title;
	meta.subtitle = f->subtitle;
	meta.xlabel = f->xlabel;
	meta.ylabel = f->ylabel;
	meta.caption = cap_text.s;
	meta.data = data.s;
	meta.privacy = NULL; /* public figures: nothing to protect */
	if (!meta.height) {
		/* Room for the caption: one 15 px line per ~wrap width. */
		size_t lines = 1;
		unsigned w = meta.width ? meta.width : MNR_PLOT_WIDTH;
		const char *q;

		for (q = cap_text.s; q && *q; q++)
			if (*q == '\n')
				lines++;
		lines += cap_text.len * 66 / (w * 10);
		meta.height = (unsigned)(460 + 15 * lines);
	}
	rc = mnr__gp_check_meta(&meta, err);
	if (rc != MNR_OK || cap_text.oom || data.oom) {
		if (rc == MNR_OK)
			rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	mnr__gp_preamble(&b, &meta, "Published figure reproduced from cited sources", 0);
	for (li = 0; li < f->nlayers; li++)
		layer_block(&b, li, s, ns);
	mnr__gp_printf(&b, "set xrange [%g:%g]\n", f->xmin, f->xmax);
	mnr__gp_printf(&b, "set xtics %d\nset mxtics %d\n",
		       f->xmax - f->xmin > 16 ? 2 : 1,
		       f->xmax - f->xmin > 16 ? 2 : 1);
	mnr__gp_printf(&b, "set key inside %s vertical maxcols 1 noopaque\n", f->key);
	mnr__gp_puts(&b, "set yrange [0:*]\n"
		     "set style fill solid 0.9 border lc rgb 'white'\n"
		     "set boxwidth 0.75\n");
	for (i = 0; i < f->nbreaks; i++) {
		mnr__gp_printf(&b, "set arrow %zu from first %g, graph 0 to first %g, "
			       "graph 1 nohead lc rgb black lw 1.5 dt 2 front\n",
			       i + 1, f->brk[i].x, f->brk[i].x);
		mnr__gp_printf(&b, "set label %zu ", i + 1);
		mnr__gp_quote(&b, f->brk[i].label);
		/* Text on the side of the line facing the middle. */
		mnr__gp_printf(&b, " at first %g, graph %.2f %s "
			       "font ',10' front\n", f->brk[i].x, f->brk[i].y,
			       f->brk[i].x > (f->xmin + f->xmax) / 2 ?
			       "right offset -0.5,0" : "left offset 0.5,0");
	}
	/* Years without a figure inside a bar series: say so, so that a
	 * missing bar is not read as zero. */
	{
		int lab = 100;

		for (li = 0; li < f->nlayers; li++) {
			int prev = -1;

			if (f->layer[li].style != MNR_REPRO_BARS)
				continue;
			for (i = 0; i < ns; i++) {
				int y;

				if (s[i].layer != li)
					continue;
				for (y = prev + 1; prev >= 0 && y < s[i].year; y++)
					mnr__gp_printf(&b, "set label %d 'no figure' at "
						       "first %d, graph 0.02 left rotate "
						       "by 90 font ',8' tc rgb grey\n",
						       lab++, y);
				prev = s[i].year;
			}
		}
	}
	mnr__gp_puts(&b, "\nplot ");
	/* Claims first, so that a cited value drawn on top of a matching
	 * claim stays visible. */
	for (li = 0; li < f->nlayers; li++)
		if (f->layer[li].style == MNR_REPRO_CLAIM)
			plot_layer(&b, f, li, s, ns, &first);
	for (li = 0; li < f->nlayers; li++)
		if (f->layer[li].style != MNR_REPRO_CLAIM)
			plot_layer(&b, f, li, s, ns, &first);
	mnr__gp_puts(&b, "\n");

	/* Tables. */
	mnr__gp_puts(&csv, "figure,layer,series,year,value,unit,source_type,"
		     "source_publisher,source_title,source_url,quote,notes\n");
	mnr__gp_printf(&md, "# %s\n\n", f->title);
	mnr__gp_printf(&md, "%s\n\n", f->subtitle);
	mnr__gp_puts(&md, "Figure: ");
	mnr__gp_puts(&md, f->name);
	mnr__gp_puts(&md, " (drawn by `mnrstat reproduce`). ");
	{
		const char *p;

		for (p = cap_text.s; p && *p; p++)
			mnr__gp_printf(&md, "%c", *p == '\n' ? ' ' : *p);
	}
	mnr__gp_puts(&md, "\n\n| layer | year | value | unit | source type | source | quote |\n"
		     "| --- | --- | ---: | --- | --- | --- | --- |\n");
	for (i = 0; i < ns; i++) {
		const struct mnr_published_row *r = s[i].row;
		const struct mnr_reproduce_layer *l = &f->layer[s[i].layer];

		csv_field(&csv, f->name);
		mnr__gp_printf(&csv, ",%zu,", s[i].layer + 1);
		csv_field(&csv, r->series);
		mnr__gp_puts(&csv, ",");
		csv_field(&csv, r->year);
		mnr__gp_puts(&csv, ",");
		csv_field(&csv, r->value_text);
		mnr__gp_puts(&csv, ",");
		csv_field(&csv, r->unit);
		mnr__gp_puts(&csv, ",");
		csv_field(&csv, s[i].code == 4 ? "claim (unverified)" :
			  s[i].code == 5 ? "claim (matches cited source)" :
			  r->source_type);
		mnr__gp_puts(&csv, ",");
		csv_field(&csv, r->source_publisher);
		mnr__gp_puts(&csv, ",");
		csv_field(&csv, r->source_title);
		mnr__gp_puts(&csv, ",");
		csv_field(&csv, r->source_url);
		mnr__gp_puts(&csv, ",");
		csv_field(&csv, r->quote);
		mnr__gp_puts(&csv, ",");
		csv_field(&csv, r->notes);
		mnr__gp_puts(&csv, "\n");

		mnr__gp_puts(&md, "| ");
		md_cell(&md, l->legend);
		mnr__gp_puts(&md, " | ");
		md_cell(&md, r->year);
		mnr__gp_puts(&md, " | ");
		md_cell(&md, r->value_text);
		mnr__gp_puts(&md, " | ");
		md_cell(&md, r->unit);
		mnr__gp_puts(&md, " | ");
		md_cell(&md, type_word(s[i].code));
		mnr__gp_puts(&md, " | ");
		if (r->source_url && *r->source_url) {
			mnr__gp_puts(&md, "[");
			md_cell(&md, r->source_title);
			mnr__gp_puts(&md, "](");
			md_cell(&md, r->source_url);
			mnr__gp_puts(&md, ")");
		} else {
			md_cell(&md, r->source_title);
		}
		mnr__gp_puts(&md, ", ");
		md_cell(&md, r->source_publisher);
		mnr__gp_puts(&md, " | \xe2\x80\x9c");
		md_cell(&md, r->quote);
		mnr__gp_puts(&md, "\xe2\x80\x9d |\n");
	}
	mnr__gp_puts(&md, "\nNotes from the dataset:\n\n");
	for (i = 0; i < ns; i++) {
		if (!s[i].row->notes || !*s[i].row->notes)
			continue;
		mnr__gp_puts(&md, "- ");
		md_cell(&md, s[i].row->year);
		mnr__gp_puts(&md, ": ");
		md_cell(&md, s[i].row->notes);
		mnr__gp_puts(&md, "\n");
	}
	if (b.oom || csv.oom || md.oom) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	out->script = b.s;
	out->table_csv = csv.s;
	out->table_md = md.s;
	out->nvalues = ns;
	b.s = csv.s = md.s = NULL;
	rc = MNR_OK;
out:
	mnr__gp_release(&b);
	mnr__gp_release(&csv);
	mnr__gp_release(&md);
	mnr__gp_release(&cap_text);
	mnr__gp_release(&data);
	for (i = 0; i < nfiles; i++) {
		mnr_published_free(files[i]);
		mnr__free(paths[i]);
	}
	mnr__free(s);
	return rc;
}

void mnr_reproduce_output_release(struct mnr_reproduce_output *o)
{
	mnr__free(o->script);
	mnr__free(o->table_csv);
	mnr__free(o->table_md);
	memset(o, 0, sizeof(*o));
}
