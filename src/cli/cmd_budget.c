/*
 * mnrstat budget: verify a privacy-budget ledger's hash chain and show,
 * per dataset and privacy unit, the budget, what has been spent and what
 * remains (CLI layer; the ledger lives in mnrstat/ledger.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli_format.h"
#include "cli_util.h"
#include "commands.h"
#include "mnrstat/ledger.h"

#define SUB "budget"

/* Declared here too so this file builds before commands.h lists it. */
cli_command_fn cmd_budget;

static const char help_text[] =
	"\nVerify the ledger written by 'mnrstat release' (every entry's hash and\n"
	"its link to the previous entry, entry numbers, budgets) and show, for\n"
	"each dataset fingerprint and privacy unit, the total budget, the\n"
	"budget spent, the number of releases and the budget remaining.  Sums\n"
	"are exact fractions; decimals are shown alongside.\n"
	"\n"
	"A ledger that fails verification is refused (exit 65) with the line\n"
	"and the rule it broke.  If only the last entry is incomplete (a release\n"
	"was interrupted while recording it, so none of its values was shown),\n"
	"the message gives the size to truncate the file to, once you have\n"
	"confirmed that nothing of that release was published.\n"
	"\n"
	"The chain shows edits, insertions, reordering and removal of entries\n"
	"inside the file; removing whole entries from its end can only be seen\n"
	"against a copy of the 'tip' hash printed here, so keep that copy.\n"
	"\n"
	"Options:\n"
	"  --format F     text (default) or json\n"
	"  -h, --help     show this help\n";

enum { OPT_FORMAT = 256 };

static void rat(char *buf, size_t n, struct mnr_rational q)
{
	if (mnr_rational_format(q, buf, n) != MNR_OK)
		snprintf(buf, n, "?");
}

int cmd_budget(int argc, char **argv, const struct cli_context *ctx)
{
	static const char short_opts[] = "h";
	static const struct option long_opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ NULL, 0, NULL, 0 },
	};
	struct mnr_ledger_summary s;
	struct mnr_error err;
	enum cli_fmt fmt = CLI_FMT_TEXT;
	int c, rc, json = 0;
	size_t i;
	json_t *root = NULL, *arr = NULL;

	cli_getopt_reset(argv, SUB);
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cli_help(SUB, help_text);
		case OPT_FORMAT:
			if ((rc = cli_parse_format(SUB, optarg,
						   CLI_FMTS_TEXT_JSON, &fmt)) != 0)
				return rc;
			json = fmt == CLI_FMT_JSON;
			break;
		default:
			return cli_usage_error(SUB, "unknown option");
		}
	}
	if ((rc = cli_check_operands(SUB, argc - optind)) != 0)
		return rc;
	mnr_error_clear(&err);
	rc = mnr_ledger_verify(argv[optind], &s, &err);
	if (rc != MNR_OK)
		return cli_report(SUB, &err, ctx);
	if (json) {
		root = json_object();
		arr = json_array();
		json_object_set_new(root, "ledger", json_string(argv[optind]));
		json_object_set_new(root, "verified", json_true());
		json_object_set_new(root, "entries", json_integer((json_int_t)s.entries));
		json_object_set_new(root, "tip", json_string(s.tip));
	} else {
		printf("ledger: %s\n", argv[optind]);
		printf("chain: verified, %llu entries, tip %s\n",
		       (unsigned long long)s.entries, s.tip);
		if (s.naccounts == 0)
			printf("no budgets recorded\n");
	}
	for (i = 0; i < s.naccounts; i++) {
		const struct mnr_ledger_account *a = &s.accounts[i];
		struct mnr_rational left = { 0, 1 };
		char b[48], sp[48], lf[48];
		const char *kind = mnr_ledger_kind_name(a->budget_kind);

		(void)mnr_rational_sub(a->budget, a->spent, &left, NULL);
		rat(b, sizeof(b), a->budget);
		rat(sp, sizeof(sp), a->spent);
		rat(lf, sizeof(lf), left);
		if (json) {
			json_t *o = json_object();

			json_object_set_new(o, "dataset", json_string(a->dataset));
			json_object_set_new(o, "unit", json_string(a->unit));
			json_object_set_new(o, "budget_kind", json_string(kind));
			json_object_set_new(o, "budget", json_string(b));
			json_object_set_new(o, "spent", json_string(sp));
			json_object_set_new(o, "remaining", json_string(lf));
			json_object_set_new(o, "budget_value",
					    json_real(mnr_rational_to_double(a->budget)));
			json_object_set_new(o, "spent_value",
					    json_real(mnr_rational_to_double(a->spent)));
			json_object_set_new(o, "remaining_value",
					    json_real(mnr_rational_to_double(left)));
			json_object_set_new(o, "releases",
					    json_integer((json_int_t)a->releases));
			json_array_append_new(arr, o);
		} else {
			printf("\ndataset %s\n", a->dataset);
			printf("  privacy unit: %s\n", a->unit);
			printf("  budget:    %s = %s (%.6g)\n", kind, b,
			       mnr_rational_to_double(a->budget));
			printf("  spent:     %s = %s (%.6g) in %llu release%s\n", kind, sp,
			       mnr_rational_to_double(a->spent),
			       (unsigned long long)a->releases,
			       a->releases == 1 ? "" : "s");
			printf("  remaining: %s = %s (%.6g)\n", kind, lf,
			       mnr_rational_to_double(left));
		}
	}
	if (json) {
		char *text;

		json_object_set_new(root, "accounts", arr);
		text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
		if (text) {
			puts(text);
			free(text);
		}
		json_decref(root);
	}
	mnr_ledger_summary_free(&s);
	return CLI_EX_OK;
}
