/*
 * mnrstat merge: combine partial aggregates (from aggregate --partial)
 * into the monthly panel, or into one partial (CLI layer).  The reduce
 * step of a map/reduce run; see docs/distributed.md.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli_agg.h"
#include "cli_util.h"
#include "mnrstat/aggregate.h"

static const char help_text[] =
	"\n"
	"Reads partial aggregates written by 'mnrstat aggregate --partial' (from\n"
	"any split of the case records, in any order; '-' reads standard input)\n"
	"and writes the panel, byte for byte the one a single 'aggregate' run\n"
	"over all the records gives.  All partials must have been made with the\n"
	"same --as-of, --from and --to.\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE      write here (default: standard output)\n"
	"      --partial          write the merged partial instead of the panel\n"
	"                         (a combiner, or a tree of reducers)\n"
	"      --population FILE  add a population column from a\n"
	"                         country,year,population file\n"
	"      --col NAME=HEADER  read population column NAME from HEADER\n"
	"  -h, --help             show this help\n";

enum { OPT_PARTIAL = 256, OPT_POP, OPT_COL };

int cmd_merge(int argc, char **argv, const struct cli_context *ctx)
{
	static const char sub[] = "merge";
	static const char short_opts[] = "o:h";
	static const struct option long_opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "partial", no_argument, NULL, OPT_PARTIAL },
		{ "population", required_argument, NULL, OPT_POP },
		{ "col", required_argument, NULL, OPT_COL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mnr_colmap map;
	struct mnr_agg *agg = NULL;
	struct mnr_error err;
	const char *out = "-", *pop = NULL;
	int partial = 0, c, i, st, stdin_used = 0;

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
		case OPT_POP:
			pop = optarg;
			break;
		case OPT_COL:
			if (cli_colmap_add(&map, optarg, sub))
				return CLI_EX_USAGE;
			break;
		case 'h':
			return cli_help(sub, help_text);
		default:
			return cli_usage_error(sub, "invalid option");
		}
	}
	if (cli_check_operands(sub, argc - optind))
		return CLI_EX_USAGE;
	if (partial && pop)
		return cli_usage_error(sub,
				       "--population applies to the panel, not to --partial");
	for (i = optind; i < argc; i++)
		if (strcmp(argv[i], "-") == 0 && stdin_used++)
			return cli_usage_error(sub,
					       "standard input ('-') given twice");
	mnr_error_clear(&err);
	if ((st = mnr_agg_alloc(&agg, NULL, &err)))
		return cli_report(sub, &err, ctx);
	for (i = optind; i < argc; i++)
		if ((st = mnr_agg_read_partial(agg, argv[i], 1, &err))) {
			mnr_agg_free(agg);
			return cli_report(sub, &err, ctx);
		}
	st = cli_agg_output(sub, agg, partial, pop, map.n ? &map : NULL, out,
			    ctx);
	mnr_agg_free(agg);
	return st;
}
