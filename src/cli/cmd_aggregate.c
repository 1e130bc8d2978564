/*
 * mnrstat aggregate: stream case records into the monthly panel, or into
 * a mergeable partial (--partial) for `mnrstat merge` (CLI layer).
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli_agg.h"
#include "cli_util.h"
#include "mnrstat/aggregate.h"
#include "mnrstat/fields.h"
#include "mnrstat/output.h"

static const char help_text[] =
	"\n"
	"Counts per country and report month: reports (total and by source),\n"
	"reports removed by the as-of time, median whole hours to removal,\n"
	"shares removed within 24 h / 72 h (among removed, and among all\n"
	"reports whose window had elapsed by the as-of time), cases closed,\n"
	"outcomes, support offered and victim treated as suspect (yes and\n"
	"known).  Output: country,month,metric,value[,population], sorted;\n"
	"the metrics are defined in datasets/metrics.csv.  Every month between\n"
	"a country's first and last report month is listed (no reports = 0).\n"
	"Memory does not grow with the number of rows.\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE      write here (default: standard output)\n"
	"      --partial          write a mergeable partial aggregate instead\n"
	"                         (combine partials with 'mnrstat merge')\n"
	"      --as-of DATE       state of the cases at DATE (a date means its\n"
	"                         end, 23:59:59 UTC); default: the latest date\n"
	"                         in the data\n"
	"      --from YYYY-MM     first report month (default: each country's)\n"
	"      --to YYYY-MM       last report month (default: each country's)\n"
	"      --population FILE  add a population column from a\n"
	"                         country,year,population file\n"
	"      --threads N        parse a file with N threads (default 1)\n"
	"      --col NAME=HEADER  read column NAME from header HEADER\n"
	"  -q, --quiet            no progress display\n"
	"  -h, --help             show this help\n"
	"\n"
	"Progress (bytes read, rows/s) is shown on standard error when it is a\n"
	"terminal.  See docs/distributed.md for running aggregate/merge as the\n"
	"map and reduce steps of Hadoop Streaming or Spark.\n";

enum { OPT_PARTIAL = 256, OPT_AS_OF, OPT_FROM, OPT_TO, OPT_POP, OPT_THREADS,
       OPT_COL };

static int parse_month_arg(const char *sub, const char *opt, const char *s,
			   int *m)
{
	if (mnr_parse_month(s, strlen(s), m, NULL))
		return cli_usage_error(sub, "%s wants YYYY-MM", opt);
	return 0;
}

int cli_parse_as_of(const char *sub, const char *s, int64_t *t)
{
	int has_time;

	if (mnr_parse_datetime(s, strlen(s), t, &has_time, NULL))
		return cli_usage_error(sub,
				       "--as-of wants an ISO 8601 date or date-time");
	if (!has_time)
		*t += 86400 - 1;
	return 0;
}

/* ---- progress on a terminal -------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cli_progress_init(struct cli_progress *p, const char *sub)
{
	memset(p, 0, sizeof(*p));
	p->sub = sub;
	p->t0 = now_s();
	p->on = isatty(STDERR_FILENO);
}

void cli_progress_fn(void *ud, unsigned long long bytes,
		     unsigned long long rows)
{
	struct cli_progress *p = ud;
	double t = now_s(), el = t - p->t0;
	unsigned long long b = p->base_bytes + bytes,
			   r = p->base_rows + rows;

	/* Only long runs, at most five updates a second. */
	if (!p->on || el < 1.0 || t - p->last < 0.2)
		return;
	p->last = t;
	p->shown = 1;
	if (p->total)
		fprintf(stderr,
			"\rmnrstat %s: %.1f of %.1f MB (%.0f%%), %llu rows, %.2f M rows/s ",
			p->sub, (double)b / 1e6, (double)p->total / 1e6,
			100.0 * (double)b / (double)p->total, r,
			(double)r / el / 1e6);
	else
		fprintf(stderr, "\rmnrstat %s: %.1f MB, %llu rows, %.2f M rows/s ",
			p->sub, (double)b / 1e6, r, (double)r / el / 1e6);
	fflush(stderr);
}

void cli_progress_next(struct cli_progress *p, unsigned long long bytes,
		       unsigned long long rows)
{
	p->base_bytes += bytes;
	p->base_rows += rows;
}

void cli_progress_done(struct cli_progress *p)
{
	if (p->shown)
		fputc('\n', stderr);
	p->shown = 0;
}

/* Write the panel (or the partial) through an atomic output file. */
int cli_agg_output(const char *sub, struct mnr_agg *agg, int partial,
		   const char *pop_path, const struct mnr_colmap *map,
		   const char *out_path, const struct cli_context *ctx)
{
	struct mnr_population *pop = NULL;
	struct mnr_outfile of;
	struct mnr_error err;
	int st;

	mnr_error_clear(&err);
	if (pop_path && (st = mnr_population_read(pop_path, map, &pop, &err)))
		return cli_report(sub, &err, ctx);
	if ((st = mnr_outfile_open(&of, out_path, &err))) {
		mnr_population_free(pop);
		return cli_report(sub, &err, ctx);
	}
	st = partial ? mnr_agg_write_partial(agg, of.fp, &err)
		     : mnr_agg_write_panel(agg, pop, of.fp, &err);
	mnr_population_free(pop);
	if (st) {
		mnr_outfile_abort(&of);
		return cli_report(sub, &err, ctx);
	}
	if ((st = mnr_outfile_commit(&of, &err)))
		return cli_report(sub, &err, ctx);
	return CLI_EX_OK;
}

int cmd_aggregate(int argc, char **argv, const struct cli_context *ctx)
{
	static const char sub[] = "aggregate";
	static const char short_opts[] = "o:qh";
	static const struct option long_opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "partial", no_argument, NULL, OPT_PARTIAL },
		{ "as-of", required_argument, NULL, OPT_AS_OF },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "population", required_argument, NULL, OPT_POP },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "col", required_argument, NULL, OPT_COL },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mnr_agg_options opt;
	struct mnr_colmap map;
	struct mnr_agg *agg = NULL;
	struct mnr_error err;
	struct cli_progress prog;
	const char *out = "-", *pop = NULL;
	int partial = 0, quiet = 0, c, i, st;
	long threads;

	mnr_agg_options_init(&opt);
	memset(&map, 0, sizeof(map));
	cli_getopt_reset(argv, sub);
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case OPT_PARTIAL:
			partial = 1;
			break;
		case OPT_AS_OF:
			if (cli_parse_as_of(sub, optarg, &opt.as_of))
				return CLI_EX_USAGE;
			opt.has_as_of = 1;
			break;
		case OPT_FROM:
			if (parse_month_arg(sub, "--from", optarg, &opt.from))
				return CLI_EX_USAGE;
			break;
		case OPT_TO:
			if (parse_month_arg(sub, "--to", optarg, &opt.to))
				return CLI_EX_USAGE;
			break;
		case OPT_POP:
			pop = optarg;
			break;
		case OPT_THREADS:
			if (cli_parse_long(optarg, 1, 64, &threads))
				return cli_usage_error(sub,
						       "--threads wants a number from 1 to 64");
			opt.threads = (unsigned)threads;
			break;
		case OPT_COL:
			if (cli_colmap_add(&map, optarg, sub))
				return CLI_EX_USAGE;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			return cli_help(sub, help_text);
		default:
			return cli_usage_error(sub, "invalid option");
		}
	}
	if (cli_check_operands(sub, argc - optind))
		return CLI_EX_USAGE;
	if (opt.from >= 0 && opt.to >= 0 && opt.from > opt.to)
		return cli_usage_error(sub, "--from is after --to");
	if (partial && pop)
		return cli_usage_error(sub,
				       "--population applies to the panel; give it to 'mnrstat merge'");
	opt.map = map.n ? &map : NULL;
	cli_progress_init(&prog, sub);
	if (quiet)
		prog.on = 0;
	for (i = optind; i < argc; i++) {
		struct stat sb;

		if (strcmp(argv[i], "-") != 0 && stat(argv[i], &sb) == 0 &&
		    S_ISREG(sb.st_mode))
			prog.total += (unsigned long long)sb.st_size;
	}
	if (prog.on) {
		opt.progress = cli_progress_fn;
		opt.progress_ud = &prog;
	}
	mnr_error_clear(&err);
	if ((st = mnr_agg_alloc(&agg, &opt, &err)))
		return cli_report(sub, &err, ctx);
	for (i = optind; i < argc; i++) {
		unsigned long long rows0 = mnr_agg_rows(agg) +
					   mnr_agg_dropped(agg);
		struct stat sb;

		st = mnr_agg_read_path(agg, argv[i], &err);
		if (st) {
			cli_progress_done(&prog);
			mnr_agg_free(agg);
			return cli_report(sub, &err, ctx);
		}
		cli_progress_next(&prog,
				  stat(argv[i], &sb) == 0 ? (unsigned long long)sb.st_size : 0,
				  mnr_agg_rows(agg) + mnr_agg_dropped(agg) - rows0);
	}
	cli_progress_done(&prog);
	st = cli_agg_output(sub, agg, partial, pop, opt.map, out, ctx);
	mnr_agg_free(agg);
	return st;
}
