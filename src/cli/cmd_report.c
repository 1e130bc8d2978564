/*
 * mnrstat report: one command from a case file (or the bundled example) to
 * a report folder.  CLI layer only: options, defaults found on disk, the
 * date, messages.  Everything else is mnr_report_run (mnrstat/report.h).
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli_util.h"
#include "commands.h"
#include "mnrstat/dp.h"
#include "mnrstat/fields.h"
#include "mnrstat/report.h"
#include "mnrstat/version.h"

#define SUB "report"

#ifndef MNR_DATADIR_DEFAULT
#define MNR_DATADIR_DEFAULT "datasets"
#endif

static const char help_text[] =
	"\nOne command from a case file to a report folder: report.html (one\n"
	"self-contained page, charts inline), report.md, results.json (every\n"
	"number), manifest.json (version, input SHA-256, options, seeds, ledger\n"
	"entries) and charts/ (SVG with its gnuplot script).  Metrics are\n"
	"grouped by the six MNR domains of the metric catalogue; each has its\n"
	"chart, its estimate with a 95% interval, one sentence generated from\n"
	"the numbers, and a checklist of design standards.\n\n"
	"Without CASES.csv the bundled SYNTHETIC example is used (with its\n"
	"adoption and population files).  The data folder is MNR_DATADIR when\n"
	"set, else the source tree's datasets/.\n\n"
	"Private by default: every count goes through a differentially private\n"
	"release (discrete Gaussian, rho = 1/2 per case record) recorded in a\n"
	"privacy ledger before any value is drawn.\n\n"
	"Options:\n"
	"  --adoption FILE      adoption dates country,mnr_start (required with\n"
	"                       CASES.csv)\n"
	"  --population FILE    country,year,population (counts per 100 000)\n"
	"  --country C          one country's report (ISO 3166-1 alpha-3)\n"
	"  --all                every country: adds the staggered-adoption\n"
	"                       analysis (default)\n"
	"  --out-dir DIR        the report folder (default mnr-report); replaced\n"
	"                       whole only when the new report is complete\n"
	"  --internal           no noise; counts 1-9 hidden (small-cell\n"
	"                       suppression); every page marked internal\n"
	"  --rho R              zCDP budget of the release (default 1/2)\n"
	"  --epsilon E          pure-DP budget instead (discrete Laplace)\n"
	"  --ledger FILE        privacy ledger to charge (default: a new\n"
	"                       ledger.jsonl in the report folder; keep one\n"
	"                       ledger per dataset so that repeated reports\n"
	"                       share one budget)\n"
	"  --seed N             deterministic noise and bootstrap: the report\n"
	"                       is NOT PRIVATE (tests only)\n"
	"  --gnuplot PATH       gnuplot program (default gnuplot on PATH)\n"
	"  --col NAME=HEADER    read case column NAME from HEADER (repeatable)\n"
	"  -h, --help           show this help\n";

enum {
	OPT_ADOPTION = 256, OPT_POPULATION, OPT_COUNTRY, OPT_ALL, OPT_OUT_DIR,
	OPT_INTERNAL, OPT_EPSILON, OPT_RHO, OPT_LEDGER, OPT_SEED, OPT_GNUPLOT,
	OPT_COL
};

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = malloc(la + lb + 2);

	if (p) {
		memcpy(p, a, la);
		p[la] = '/';
		memcpy(p + la + 1, b, lb + 1);
	}
	return p;
}

int cmd_report(int argc, char **argv, const struct cli_context *ctx)
{
	static const char short_opts[] = "h";
	static const struct option long_opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "adoption", required_argument, NULL, OPT_ADOPTION },
		{ "population", required_argument, NULL, OPT_POPULATION },
		{ "country", required_argument, NULL, OPT_COUNTRY },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "out-dir", required_argument, NULL, OPT_OUT_DIR },
		{ "internal", no_argument, NULL, OPT_INTERNAL },
		{ "epsilon", required_argument, NULL, OPT_EPSILON },
		{ "rho", required_argument, NULL, OPT_RHO },
		{ "ledger", required_argument, NULL, OPT_LEDGER },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "gnuplot", required_argument, NULL, OPT_GNUPLOT },
		{ "col", required_argument, NULL, OPT_COL },
		{ NULL, 0, NULL, 0 },
	};
	struct mnr_report_options o;
	struct mnr_report_summary s;
	struct mnr_colmap map;
	struct mnr_error err;
	const char *datadir, *adoption = NULL, *population = NULL;
	char *own[4] = { NULL, NULL, NULL, NULL };
	char date[16];
	int c, rc, all = 0, have_eps = 0, have_rho = 0;
	time_t now;
	struct tm tm;
	long seed;

	mnr_report_options_init(&o);
	memset(&map, 0, sizeof(map));
	mnr_error_clear(&err);
	o.out_dir = "mnr-report";
	cli_getopt_reset(argv, SUB);
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cli_help(SUB, help_text);
		case OPT_ADOPTION:
			adoption = optarg;
			break;
		case OPT_POPULATION:
			population = optarg;
			break;
		case OPT_COUNTRY:
			if (!mnr_country_valid(optarg, strlen(optarg)))
				return cli_usage_error(SUB, "--country wants an "
						       "ISO 3166-1 alpha-3 code");
			o.country = optarg;
			break;
		case OPT_ALL:
			all = 1;
			break;
		case OPT_OUT_DIR:
			if (!*optarg)
				return cli_usage_error(SUB, "--out-dir wants a "
						       "folder name");
			o.out_dir = optarg;
			break;
		case OPT_INTERNAL:
			o.internal = 1;
			break;
		case OPT_EPSILON:
		case OPT_RHO:
			if (mnr_rational_parse(optarg, &o.budget, NULL) != MNR_OK ||
			    o.budget.num == 0)
				return cli_usage_error(SUB, "--%s wants a positive "
					"number or fraction (e.g. 0.5 or 1/2)",
					c == OPT_RHO ? "rho" : "epsilon");
			o.budget_kind = c == OPT_RHO ? MNR_REPORT_BUDGET_RHO
						     : MNR_REPORT_BUDGET_EPSILON;
			if (c == OPT_RHO)
				have_rho = 1;
			else
				have_eps = 1;
			break;
		case OPT_LEDGER:
			o.ledger = optarg;
			break;
		case OPT_SEED:
			if (cli_parse_long(optarg, 0, 2147483647L, &seed) != 0)
				return cli_usage_error(SUB, "--seed wants a whole "
						       "number from 0 to "
						       "2147483647");
			o.has_seed = 1;
			o.seed = (uint64_t)seed;
			break;
		case OPT_GNUPLOT:
			o.gnuplot = optarg;
			break;
		case OPT_COL:
			if ((rc = cli_colmap_add(&map, optarg, SUB)) != 0)
				return rc;
			break;
		default:
			return cli_usage_error(SUB, "unknown option");
		}
	}
	if ((rc = cli_check_operands(SUB, argc - optind)) != 0)
		return rc;
	if (argc - optind > 1)
		return cli_usage_error(SUB, "too many operands");
	if (all && o.country)
		return cli_usage_error(SUB, "--all and --country exclude each "
				       "other");
	if (have_eps && have_rho)
		return cli_usage_error(SUB, "--epsilon and --rho exclude each "
				       "other");
	if (o.internal && (have_eps || have_rho || o.ledger))
		return cli_usage_error(SUB, "--internal adds no noise: --epsilon, "
				       "--rho and --ledger do not apply");

	datadir = getenv("MNR_DATADIR");
	if (!datadir || !*datadir)
		datadir = MNR_DATADIR_DEFAULT;
	own[0] = join(datadir, "metrics.csv");
	if (!own[0])
		return cli_error(SUB, CLI_EX_SOFTWARE, "out of memory");
	o.metrics = own[0];
	if (argc - optind == 1) {
		if (!adoption) {
			free(own[0]);
			return cli_usage_error(SUB, "--adoption FILE is required "
					       "with a case file");
		}
		o.cases = argv[optind];
		o.adoption = adoption;
		o.population = population;
	} else {
		own[1] = join(datadir, "example/cases.csv");
		own[2] = join(datadir, "example/adoption.csv");
		own[3] = join(datadir, "example/population.csv");
		if (!own[1] || !own[2] || !own[3]) {
			rc = cli_error(SUB, CLI_EX_SOFTWARE, "out of memory");
			goto out;
		}
		o.cases = own[1];
		o.adoption = adoption ? adoption : own[2];
		o.population = population ? population : own[3];
		o.synthetic = 1;
	}
	if (o.map == NULL && map.n > 0)
		o.map = &map;
	now = time(NULL);
	if (!gmtime_r(&now, &tm) ||
	    strftime(date, sizeof(date), "%Y-%m-%d", &tm) == 0)
		snprintf(date, sizeof(date), "unknown");
	o.date = date;
	o.tool_version = MNR_VERSION;
	o.argc = argc;
	o.argv = argv;
	if (o.has_seed)
		fprintf(stderr, "mnrstat %s: WARNING: --seed makes the noise "
			"reproducible: this report is NOT PRIVATE and must never "
			"be published\n", SUB);

	rc = mnr_report_run(&o, &s, &err);
	if (rc != MNR_OK) {
		rc = cli_report(SUB, &err, ctx);
		goto out;
	}
	printf("wrote %s/report.html (%zu metrics, %zu charts, %zu "
	       "countr%s)\n", o.out_dir, s.nmetrics, s.ncharts, s.ncountries,
	       s.ncountries == 1 ? "y" : "ies");
	printf("also %s/report.md, results.json, manifest.json, charts/%s\n",
	       o.out_dir, o.internal || o.ledger ? "" : ", ledger.jsonl");
	if (o.has_seed)
		printf("NOT PRIVATE: seeded noise (--seed); never publish this "
		       "report\n");
	else if (o.internal)
		printf("INTERNAL - not for publication (no noise; small cells "
		       "hidden)\n");
	else
		printf("differentially private: ledger entry %.16s...\n",
		       s.ledger_hash);
	rc = CLI_EX_OK;
out:
	for (c = 0; c < 4; c++)
		free(own[c]);
	return rc;
}
