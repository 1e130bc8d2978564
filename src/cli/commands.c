/*
 * The subcommand table, sorted by name (a unit test checks order and
 * uniqueness).  Help text comes from here so it cannot drift.
 */
#include <string.h>

#include "commands.h"

const struct cli_command cli_commands[] = {
	{ "aggregate", cmd_aggregate,
	  "stream case records into the monthly panel",
	  "aggregate [OPTIONS] CASES.csv...", 1, -1, CLI_CMD_READS_INPUT },
	{ "budget", cmd_budget,
	  "verify a privacy-budget ledger and show spent and remaining budget",
	  "budget [OPTIONS] LEDGER", 1, 1, 0 },
	{ "check", cmd_check,
	  "validate a file against its schema and the anonymisation rules",
	  "check [OPTIONS] FILE", 1, 1, CLI_CMD_READS_INPUT },
	{ "compare", cmd_compare,
	  "before/after comparison of one monthly series: means, Welch, rate ratios, proportions",
	  "compare PANEL.csv --metric M --country C --intervention YYYY-MM [--offset population] "
	  "[--kind auto|count|share|level] [--denominator M] [--level L] "
	  "[--format text|csv|json|md] [--col NAME=HEADER] [-o FILE]", 1, 1,
	  CLI_CMD_READS_INPUT },
	{ "did", cmd_did,
	  "staggered-adoption difference in differences (Callaway & Sant'Anna, TWFE, 2x2)",
	  "did PANEL.csv --adoption ADOPTION.csv --metric M [--method 2x2|twfe|cs|all] "
	  "[--control never|notyet] [--anticipation N] [--seed N] [--boot N] "
	  "[--per population] [--log] [--placebo K] [--loo] [--format text|csv|json|md] "
	  "[--event-study FILE] [--cohort YYYY-MM] [--wild auto|on|off] [--level L] "
	  "[--col NAME=HEADER] [-o FILE]", 1, 1, CLI_CMD_READS_INPUT },
	{ "its", cmd_its,
	  "segmented regression (interrupted time series) with counterfactual, effects and diagnostics",
	  "its PANEL.csv --metric M|all --country C|all (--intervention YYYY-MM... | --adoption FILE) "
	  "[--model ols|poisson|quasipoisson|negbin] [--offset population] "
	  "[--impact level|slope|level+slope] [--seasonality none|months|fourier:K] "
	  "[--errors classic|newey-west[:LAG]|prais-winsten] [--nw-adjust] [--phase-in N] "
	  "[--from YYYY-MM] [--to YYYY-MM] [--sensitivity] [--points FILE] [--level L] "
	  "[--format text|csv|json|md] [--col NAME=HEADER] [-o FILE]", 1, 1,
	  CLI_CMD_READS_INPUT },
	{ "merge", cmd_merge,
	  "merge partial aggregates (from aggregate --partial) into the panel",
	  "merge [OPTIONS] PARTIAL...", 1, -1, CLI_CMD_READS_INPUT },
	{ "plot", cmd_plot,
	  "draw a chart with gnuplot (series, multiples, its, released, before-after, event-study, km)",
	  "plot KIND [OPTIONS] FILE --out PATH.svg|png", 2, 2,
	  CLI_CMD_READS_INPUT | CLI_CMD_NEEDS_GNUPLOT },
	{ "release", cmd_release,
	  "release count metrics of a panel with exact differential privacy",
	  "release [OPTIONS] --ledger FILE PANEL", 1, 1, CLI_CMD_READS_INPUT },
	{ "removal", cmd_removal,
	  "time from report to removal before and after: Kaplan-Meier medians, shares within 24/72 h, log-rank",
	  "removal CASES.csv --country C --intervention YYYY-MM [--ci log|log-log|plain] [--level L] "
	  "[--horizon HOURS] [--as-of DATE] [--source LIST] [--format text|csv|json|md] "
	  "[--curves FILE] [--col NAME=HEADER] [-o FILE]", 1, 1, CLI_CMD_READS_INPUT },
	{ "report", cmd_report,
	  "the main job: a report folder (HTML, Markdown, results, manifest) from a case file or the bundled example",
	  "report [CASES.csv] [--adoption FILE] [--population FILE] [--country C|--all] "
	  "[--out-dir DIR] [--internal] [--epsilon E|--rho R] [--ledger FILE] [--seed N] "
	  "[--gnuplot PATH] [--col NAME=HEADER]", 0, 1,
	  CLI_CMD_READS_INPUT | CLI_CMD_NEEDS_GNUPLOT },
	{ "reproduce", cmd_reproduce,
	  "redraw published figures from datasets/published/ with their sources",
	  "reproduce [OPTIONS] [NAME|all|list]", 0, 1, CLI_CMD_NEEDS_GNUPLOT },
};

const size_t cli_ncommands = sizeof(cli_commands) / sizeof(cli_commands[0]);

const struct cli_command *cli_find_command(const char *name)
{
	size_t i;

	for (i = 0; i < cli_ncommands; i++)
		if (strcmp(cli_commands[i].name, name) == 0)
			return &cli_commands[i];
	return NULL;
}
