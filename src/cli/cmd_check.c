/*
 * mnrstat check: validate a file against its schema and the anonymisation
 * rules (CLI layer).  The library does the checking; this file parses the
 * options, prints each kept problem to stderr in the usual
 * "FILE:LINE:COLUMN: MESSAGE [rule]" form and the summary to stdout, as
 * text or as JSON (built with jansson, never by hand).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli_format.h"
#include "cli_util.h"
#include "mnrstat/check.h"

static const char help_text[] =
	"\n"
	"Checks a case file, a monthly panel or an adoption file: the schema\n"
	"(every field, with its position), direct identifiers (refused by\n"
	"column name and by value pattern: e-mail, phone, IPv4/IPv6, URL, full\n"
	"dates in an age or birth field) and, for case files, k-anonymity over\n"
	"the quasi-identifiers.  All problems are collected: each is counted by\n"
	"rule and the first positions of each rule are shown.  Values are never\n"
	"printed, only positions and rules.\n"
	"\n"
	"Options:\n"
	"  --schema cases|panel|adoption  schema (default: detected from the header)\n"
	"  --col NAME=HEADER    read column NAME from the file's column HEADER\n"
	"                       (repeatable)\n"
	"  --qi COL,COL,...     quasi-identifiers (default:\n"
	"                       country,month,victim_age_band,source; 'month' is\n"
	"                       the month of reported_at)\n"
	"  --k N                smallest acceptable group size (default 5)\n"
	"  --format text|json   summary format on stdout (default text)\n"
	"  -h, --help           show this help\n"
	"\n"
	"Problems go to stderr as 'mnrstat check: FILE:LINE:COLUMN: MESSAGE [rule]'\n"
	"(the first 5 of each rule); the summary counts every one.  A CSV syntax\n"
	"error (quoting, ragged row, NUL byte, invalid UTF-8, oversized field)\n"
	"ends the reading.  Exit 65 when any rule fails, 0 when the file passes\n"
	"(warnings allowed).\n";

enum { OPT_SCHEMA = 256, OPT_COL, OPT_QI, OPT_K, OPT_FORMAT };

static int split_qi(char *arg, const char **qi, size_t *nqi)
{
	char *p = arg;

	*nqi = 0;
	for (;;) {
		char *comma = strchr(p, ',');

		if (comma)
			*comma = '\0';
		if (!*p || *nqi == MNR_CHECK_MAX_QI)
			return -1;
		qi[(*nqi)++] = p;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

/* All kept findings, ordered by position then rule, for stderr. */
struct kept {
	const struct mnr_check_rule *rule;
	const struct mnr_check_finding *f;
};

static int cmp_kept(const void *a, const void *b)
{
	const struct kept *x = a, *y = b;

	if (x->f->line != y->f->line)
		return x->f->line < y->f->line ? -1 : 1;
	if (x->f->column != y->f->column)
		return x->f->column < y->f->column ? -1 : 1;
	return strcmp(x->rule->rule, y->rule->rule);
}

static void print_findings(const struct mnr_check_result *r,
			   const struct cli_context *ctx)
{
	struct kept k[MNR_CHECK_MAX_RULES * MNR_CHECK_MAX_POS];
	size_t n = 0, i, j;

	for (i = 0; i < r->nrules; i++)
		for (j = 0; j < r->rule[i].npos; j++) {
			k[n].rule = &r->rule[i];
			k[n].f = &r->rule[i].pos[j];
			n++;
		}
	qsort(k, n, sizeof(k[0]), cmp_kept);
	for (i = 0; i < n; i++) {
		struct mnr_error e;

		mnr_error_clear(&e);
		e.code = MNR_EDATA;
		e.path = r->path;
		e.line = k[i].f->line;
		e.column = k[i].f->column;
		e.field = k[i].f->field;
		snprintf(e.msg, sizeof(e.msg), "%s%s",
			 k[i].rule->severity == MNR_CHECK_WARNING ? "warning: " : "",
			 k[i].f->msg);
		snprintf(e.rule, sizeof(e.rule), "%s", k[i].rule->rule);
		cli_report("check", &e, ctx);
	}
}

static void print_pos(const struct mnr_check_finding *f)
{
	if (f->column)
		printf("%lu:%lu", f->line, f->column);
	else
		printf("%lu", f->line);
}

static void print_text(const struct mnr_check_result *r)
{
	const struct mnr_check_kanon *ka = &r->kanon;
	size_t i, j, nerr = 0;

	printf("check: %s\n", r->path);
	printf("schema: %s%s\n", mnr_check_schema_name(r->schema),
	       r->schema_detected ? " (detected from the header)" : "");
	printf("rows: %llu\n", r->rows);
	for (i = 0; i < r->nrules; i++)
		nerr += r->rule[i].severity == MNR_CHECK_ERROR;
	if (!r->nrules) {
		printf("problems: none\n");
	} else {
		printf("problems: %llu error%s, %llu warning%s; %zu rule%s broken\n",
		       r->errors, r->errors == 1 ? "" : "s", r->warnings,
		       r->warnings == 1 ? "" : "s", nerr, nerr == 1 ? "" : "s");
		printf("  %-28s %10s  %s\n", "rule", "count",
		       "first positions (line:column)");
		for (i = 0; i < r->nrules; i++) {
			const struct mnr_check_rule *e = &r->rule[i];
			char name[64];

			snprintf(name, sizeof(name), "%s%s", e->rule,
				 e->severity == MNR_CHECK_WARNING ? " (warning)" : "");
			printf("  %-28s %10llu  ", name, e->count);
			for (j = 0; j < e->npos; j++) {
				if (j)
					fputs(", ", stdout);
				print_pos(&e->pos[j]);
			}
			putchar('\n');
		}
	}
	if (r->stopped)
		printf("reading stopped at line %lu; later rows were not "
		       "checked\n", r->stopped_line);
	if (!ka->applicable) {
		printf("k-anonymity: not applicable (%s)\n",
		       ka->why_not ? ka->why_not : "not computed");
	} else {
		printf("k-anonymity (k = %lu) over ", ka->k);
		for (i = 0; i < ka->nqi; i++)
			printf("%s%s", i ? ", " : "", ka->qi[i]);
		printf(":\n  %llu group%s; smallest %llu; %llu group%s under k "
		       "holding %llu row%s\n", ka->groups,
		       ka->groups == 1 ? "" : "s", ka->smallest,
		       ka->groups_below_k, ka->groups_below_k == 1 ? "" : "s",
		       ka->rows_below_k, ka->rows_below_k == 1 ? "" : "s");
	}
	printf("result: %s\n", r->errors ? "FAIL" : "PASS");
}

/* jansson's integers are json_int_t (long long); counts fit. */
static json_t *jint(unsigned long long v)
{
	return json_integer((json_int_t)v);
}

/*
 * A JSON string; jansson refuses text that is not UTF-8 (a file name can
 * be anything), so such bytes become '?' rather than losing the member.
 */
static json_t *jstr(const char *s)
{
	json_t *v = json_string(s);
	char buf[1024];
	size_t i;

	if (v)
		return v;
	for (i = 0; s[i] && i + 1 < sizeof(buf); i++)
		buf[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
	buf[i] = '\0';
	return json_string(buf);
}

static json_t *build_json(const struct mnr_check_result *r)
{
	const struct mnr_check_kanon *ka = &r->kanon;
	json_t *root = json_object(), *rules = json_array(), *kan = json_object();
	size_t i, j;

	if (!root || !rules || !kan) {
		json_decref(root);
		json_decref(rules);
		json_decref(kan);
		return NULL;
	}
	json_object_set_new(root, "file", jstr(r->path));
	json_object_set_new(root, "schema",
			    json_string(mnr_check_schema_name(r->schema)));
	json_object_set_new(root, "schema_detected",
			    json_boolean(r->schema_detected));
	json_object_set_new(root, "rows", jint(r->rows));
	json_object_set_new(root, "result",
			    json_string(r->errors ? "fail" : "pass"));
	json_object_set_new(root, "errors", jint(r->errors));
	json_object_set_new(root, "warnings", jint(r->warnings));
	json_object_set_new(root, "stopped", json_boolean(r->stopped));
	json_object_set_new(root, "stopped_line",
			    r->stopped ? jint(r->stopped_line) : json_null());
	for (i = 0; i < r->nrules; i++) {
		const struct mnr_check_rule *e = &r->rule[i];
		json_t *o = json_object(), *pos = json_array();

		json_object_set_new(o, "rule", json_string(e->rule));
		json_object_set_new(o, "severity",
				    json_string(e->severity == MNR_CHECK_WARNING
						? "warning" : "error"));
		json_object_set_new(o, "count", jint(e->count));
		for (j = 0; j < e->npos; j++) {
			const struct mnr_check_finding *f = &e->pos[j];
			json_t *p = json_object();

			json_object_set_new(p, "line", jint(f->line));
			json_object_set_new(p, "column",
					    f->column ? jint(f->column) : json_null());
			json_object_set_new(p, "field",
					    f->field ? jint(f->field) : json_null());
			json_object_set_new(p, "message", json_string(f->msg));
			json_array_append_new(pos, p);
		}
		json_object_set_new(o, "positions", pos);
		json_array_append_new(rules, o);
	}
	json_object_set_new(root, "rules", rules);
	json_object_set_new(kan, "applicable", json_boolean(ka->applicable));
	if (ka->applicable) {
		json_t *q = json_array();

		for (i = 0; i < ka->nqi; i++)
			json_array_append_new(q, json_string(ka->qi[i]));
		json_object_set_new(kan, "k", jint(ka->k));
		json_object_set_new(kan, "quasi_identifiers", q);
		json_object_set_new(kan, "groups", jint(ka->groups));
		json_object_set_new(kan, "smallest_group", jint(ka->smallest));
		json_object_set_new(kan, "groups_below_k", jint(ka->groups_below_k));
		json_object_set_new(kan, "rows_below_k", jint(ka->rows_below_k));
	} else {
		json_object_set_new(kan, "reason",
				    json_string(ka->why_not ? ka->why_not
							    : "not computed"));
	}
	json_object_set_new(root, "k_anonymity", kan);
	return root;
}

int cmd_check(int argc, char **argv, const struct cli_context *ctx)
{
	static const char short_opts[] = "h";
	static const struct option long_opts[] = {
		{ "schema", required_argument, NULL, OPT_SCHEMA },
		{ "col", required_argument, NULL, OPT_COL },
		{ "qi", required_argument, NULL, OPT_QI },
		{ "k", required_argument, NULL, OPT_K },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mnr_check_options opt;
	struct mnr_check_result *res = NULL;
	struct mnr_colmap map;
	struct mnr_error err;
	const char *qi[MNR_CHECK_MAX_QI];
	enum cli_fmt fmt = CLI_FMT_TEXT;
	int json = 0, c, st;
	long k;

	mnr_check_options_init(&opt);
	memset(&map, 0, sizeof(map));
	cli_getopt_reset(argv, "check");
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cli_help("check", help_text);
		case OPT_SCHEMA:
			opt.schema = mnr_check_schema_parse(optarg);
			if (opt.schema < 0)
				return cli_usage_error("check",
					"--schema wants cases, panel, adoption or auto");
			break;
		case OPT_COL:
			if ((st = cli_colmap_add(&map, optarg, "check")))
				return st;
			break;
		case OPT_QI:
			if (split_qi(optarg, qi, &opt.nqi))
				return cli_usage_error("check",
					"--qi wants 1 to %d comma-separated column names",
					MNR_CHECK_MAX_QI);
			opt.qi = qi;
			break;
		case OPT_K:
			if (cli_parse_long(optarg, 1, 1000000000L, &k))
				return cli_usage_error("check",
					"--k wants a whole number from 1 to 1000000000");
			opt.k = (unsigned long)k;
			break;
		case OPT_FORMAT:
			if ((st = cli_parse_format("check", optarg,
						   CLI_FMTS_TEXT_JSON, &fmt)) != 0)
				return st;
			json = fmt == CLI_FMT_JSON;
			break;
		default:
			fputs("Try 'mnrstat check --help'.\n", stderr);
			return CLI_EX_USAGE;
		}
	}
	if ((st = cli_check_operands("check", argc - optind)))
		return st;
	if (map.n)
		opt.map = &map;
	mnr_error_clear(&err);
	if ((st = mnr_check_path(argv[optind], &opt, &res, &err)))
		return cli_report("check", &err, ctx);
	print_findings(res, ctx);
	if (json) {
		json_t *root = build_json(res);

		if (!root || json_dumpf(root, stdout, JSON_INDENT(2)) != 0) {
			json_decref(root);
			mnr_check_result_free(res);
			return cli_error("check", CLI_EX_SOFTWARE,
					 "cannot format the JSON summary");
		}
		putchar('\n');
		json_decref(root);
	} else {
		print_text(res);
	}
	st = res->errors ? CLI_EX_DATAERR : CLI_EX_OK;
	mnr_check_result_free(res);
	return st;
}
