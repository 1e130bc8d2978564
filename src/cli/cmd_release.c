/*
 * mnrstat release: differentially private release of count metrics of a
 * monthly panel, with exact discrete noise, a persistent budget ledger and
 * a JSON manifest (CLI layer: options, order of operations, file
 * writing).  Sampling, calibration, accounting and the ledger live in the
 * library (mnrstat/dp.h, mnrstat/ledger.h).
 *
 * Order of operations, so that no value is ever visible before its cost
 * is durably recorded, and nothing is recorded for a release that cannot
 * be made: read and check the panel; calibrate; draw all noise into
 * memory (a random-source failure stops here, nothing spent); charge the
 * ledger (written and fsync'd, or refused: exit 77, nothing written);
 * only then write the outputs through temporary files renamed into place.
 */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli_util.h"
#include "commands.h"
#include "mnrstat/dp.h"
#include "mnrstat/fields.h"
#include "mnrstat/ledger.h"
#include "mnrstat/output.h"
#include "mnrstat/panel.h"
#include "mnrstat/sha256.h"
#include "mnrstat/version.h"

#define SUB "release"
#define MAX_METRICS 64

/* Declared here too so this file builds before commands.h lists it. */
cli_command_fn cmd_release;

static const char help_text[] =
	"\nAdd exact discrete noise to count metrics of a monthly panel (or to\n"
	"report counts of a case file, --cases) and write\n"
	"the released panel (country,month,metric,value plus the noise law, its\n"
	"variance and the exact interval for the true count) and a JSON\n"
	"manifest.  Every release is first charged to the privacy-budget ledger;\n"
	"a release that would exceed the budget is refused (exit 77) and writes\n"
	"nothing.\n"
	"\n"
	"Budget of this release (one of):\n"
	"  --epsilon E            pure E-DP, discrete Laplace noise\n"
	"  --rho R                R-zCDP, discrete Gaussian noise\n"
	"  --epsilon E --delta D  (E, D)-DP, discrete Gaussian noise (exact curve)\n"
	"Numbers are exact: decimals (0.25) or fractions (1/4).\n"
	"\n"
	"Options:\n"
	"  --ledger FILE          privacy-budget ledger (required; created if absent)\n"
	"  --budget-rho B         total budget in rho for this dataset and unit\n"
	"  --budget-epsilon B     total budget in epsilon (pure DP releases only)\n"
	"                         (needed on the first release; cannot change after)\n"
	"  --cases                the input is case records: release reports per\n"
	"                         country and month (reports_total), bounding each\n"
	"                         person (person_id) to --max-cells cells (default 1)\n"
	"                         and --max-per-cell records per cell (default 1);\n"
	"                         without person_id each record is its own unit\n"
	"  --metric NAME          count metric to release (repeatable; required\n"
	"                         for a panel)\n"
	"  --max-cells K          cells one privacy unit can affect (default: the\n"
	"                         number of metrics, one month each)\n"
	"  --max-per-cell M       amount one unit adds to a cell (default 1)\n"
	"  --unit NAME            privacy unit (default 'row': every case record is\n"
	"                         its own unit; 'person' when bounds are given)\n"
	"  --from YYYY-MM, --to YYYY-MM   the public period (default the panel's)\n"
	"  --level L              interval level (0.95)\n"
	"  --clamp-zero           replace negative released values by 0 (bias stated)\n"
	"  --label TEXT           note stored in the ledger (never put data in it)\n"
	"  --insecure-seed N      reproducible noise for tests: NOT PRIVATE\n"
	"  --suppress-below K     no noise, no budget: hide counts 1..K-1 and enough\n"
	"                         other cells that none can be worked out from the\n"
	"                         country or month totals (NOT differentially\n"
	"                         private; internal tables only)\n"
	"  --col NAME=HEADER      read column NAME from HEADER (repeatable)\n"
	"  -o, --output FILE      released panel (default standard output)\n"
	"  --manifest FILE        manifest (default OUTPUT.manifest.json; required\n"
	"                         when the panel goes to standard output)\n"
	"  -h, --help             show this help\n"
	"\n"
	"The full country x month grid of the period is treated as public: a\n"
	"count absent from the panel is 0 and gets noise like any other, so no\n"
	"cell's presence leaks.  The panel's bounds are declared, not enforced:\n"
	"with --unit row each case record must add at most 1 to each metric.\n";

enum {
	OPT_LEDGER = 256, OPT_EPSILON, OPT_DELTA, OPT_RHO, OPT_BUDGET_RHO,
	OPT_BUDGET_EPS, OPT_METRIC, OPT_MAX_CELLS, OPT_MAX_PER_CELL, OPT_UNIT,
	OPT_FROM, OPT_TO, OPT_LEVEL, OPT_CLAMP, OPT_LABEL, OPT_SEED, OPT_COL,
	OPT_MANIFEST, OPT_CASES, OPT_SUPPRESS
};

struct cellv {
	const char *country;  /* borrowed from the panel / case counts */
	const char *metric;
	int month;
	int64_t released;     /* true value, then value + noise */
};

static int parse_rat(const char *s, const char *opt, struct mnr_rational *q)
{
	if (mnr_rational_parse(s, q, NULL) != MNR_OK || q->num == 0)
		return cli_usage_error(SUB, "%s wants a positive exact number "
				       "(0.25 or 1/4)", opt);
	return 0;
}

static int parse_u64(const char *s, const char *opt, uint64_t *out)
{
	size_t v;

	if (cli_parse_size(s, (size_t)1 << 20, &v) != 0 || v == 0)
		return cli_usage_error(SUB, "%s wants a positive integer", opt);
	*out = v;
	return 0;
}

static json_t *jrat(struct mnr_rational q)
{
	char buf[48];

	if (mnr_rational_format(q, buf, sizeof(buf)) != MNR_OK)
		return json_null();
	return json_string(buf);
}

/* E[max(0, Z)]: the largest bias of --clamp-zero (reached at a true 0). */
static double clamp_bias(const struct mnr_dp_noise *n)
{
	double var, *p, s = 0.0;
	int64_t hi, z;

	if (mnr_dp_variance(n, &var, NULL) != MNR_OK)
		return NAN;
	hi = (int64_t)(40.0 * sqrt(var)) + 40;
	p = malloc((size_t)hi * sizeof(*p));
	if (!p)
		return NAN;
	if (mnr_dp_pmf(n, 1, hi, p, NULL) != MNR_OK) {
		free(p);
		return NAN;
	}
	for (z = hi; z >= 1; z--)
		s += (double)z * p[z - 1];
	free(p);
	return s;
}


/*
 * Open the output, then the manifest.  Returns CLI_EX_OK, or the exit code
 * of the error it printed (the caller aborts both files).
 */
static int open_with_manifest(struct mnr_outfile *of, struct mnr_outfile *mf,
			      const char *output, const char *manifest,
			      struct mnr_error *err,
			      const struct cli_context *ctx)
{
	int rc = mnr_outfile_open(of, output, err);

	if (rc == MNR_OK)
		rc = mnr_outfile_open(mf, manifest, err);
	if (rc != MNR_OK)
		return cli_report(SUB, err, ctx);
	return CLI_EX_OK;
}

/*
 * Write the manifest, then commit the output and the manifest, in that
 * order.  Returns CLI_EX_OK, or the exit code of the error it printed (the
 * caller aborts both files).
 */
static int commit_with_manifest(struct mnr_outfile *of, struct mnr_outfile *mf,
				json_t *man, size_t flags, const char *manifest,
				struct mnr_error *err,
				const struct cli_context *ctx)
{
	int rc;

	if (json_dumpf(man, mf->fp, flags) != 0 || fputc('\n', mf->fp) == EOF)
		return cli_error(SUB, CLI_EX_IOERR, "%s: write error", manifest);
	rc = mnr_outfile_commit(of, err);
	if (rc == MNR_OK)
		rc = mnr_outfile_commit(mf, err);
	if (rc != MNR_OK)
		return cli_report(SUB, err, ctx);
	return CLI_EX_OK;
}

/*
 * --suppress-below K: no noise, no budget.  For each metric, the country x
 * month table is protected by mnr_dp_suppress against recovery from
 * country totals (over the period) and month totals (over countries).
 */
static int write_suppressed(const char *input, const char *output,
			    const char *manifest, const char *fphex,
			    const struct cellv *cells, size_t ncountries,
			    size_t nmetric, int from, int to, uint64_t k,
			    const char *what, const struct cli_context *ctx)
{
	size_t nmonths = (size_t)(to - from + 1), n = ncountries * nmonths;
	size_t m, r, c, np = 0, ns = 0, nhidden_tot = 0;
	uint64_t *x = malloc((n ? n : 1) * sizeof(*x));
	unsigned char *mark = malloc((n ? n : 1) * nmetric);
	unsigned char *rt = malloc(ncountries ? ncountries : 1);
	unsigned char *ct = malloc(nmonths);
	struct mnr_outfile of, mf;
	struct mnr_error err;
	json_t *man = NULL, *hidden = NULL;
	char mbuf[8];
	int rc, exitc = CLI_EX_SOFTWARE;

	memset(&of, 0, sizeof(of));
	memset(&mf, 0, sizeof(mf));
	mnr_error_clear(&err);
	if (!x || !mark || !rt || !ct) {
		exitc = cli_error(SUB, CLI_EX_SOFTWARE, "out of memory");
		goto out;
	}
	hidden = json_array();
	for (m = 0; m < nmetric; m++) {
		size_t p1, s1;

		for (r = 0; r < ncountries; r++)
			for (c = 0; c < nmonths; c++)
				x[r * nmonths + c] =
					(uint64_t)cells[(r * nmonths + c) * nmetric + m].released;
		rc = mnr_dp_suppress(x, ncountries, nmonths, k, mark + m * n, rt, ct,
				     &p1, &s1, &err);
		if (rc != MNR_OK) {
			exitc = cli_report(SUB, &err, ctx);
			goto out;
		}
		np += p1;
		ns += s1;
		for (r = 0; r < ncountries; r++)
			if (rt[r]) {
				json_t *h = json_object();

				json_object_set_new(h, "metric", json_string(cells[m].metric));
				json_object_set_new(h, "country_total",
						    json_string(cells[r * nmonths * nmetric].country));
				json_array_append_new(hidden, h);
				nhidden_tot++;
			}
		for (c = 0; c < nmonths; c++)
			if (ct[c]) {
				json_t *h = json_object();

				mnr_month_format(from + (int)c, mbuf, sizeof(mbuf));
				json_object_set_new(h, "metric", json_string(cells[m].metric));
				json_object_set_new(h, "month_total", json_string(mbuf));
				json_array_append_new(hidden, h);
				nhidden_tot++;
			}
	}
	exitc = open_with_manifest(&of, &mf, output, manifest, &err, ctx);
	if (exitc != CLI_EX_OK)
		goto out;
	fprintf(of.fp, "country,month,metric,value,suppressed,privacy\n");
	for (r = 0; r < ncountries; r++)
		for (c = 0; c < nmonths; c++)
			for (m = 0; m < nmetric; m++) {
				const struct cellv *cv = &cells[(r * nmonths + c) * nmetric + m];
				unsigned char mk = mark[m * n + r * nmonths + c];

				mnr_month_format(cv->month, mbuf, sizeof(mbuf));
				fprintf(of.fp, "%s,%s,%s,", cv->country, mbuf, cv->metric);
				if (mk == MNR_SUPP_NONE)
					fprintf(of.fp, "%lld,,", (long long)cv->released);
				else
					fprintf(of.fp, ",%s", mk == MNR_SUPP_PRIMARY
						? "primary," : "secondary,");
				fprintf(of.fp, "suppression_only_internal\n");
			}
	man = json_object();
	json_object_set_new(man, "WARNING", json_string(
		"NOT DIFFERENTIALLY PRIVATE: small-cell suppression only; internal use"));
	json_object_set_new(man, "tool", json_string("mnrstat " MNR_VERSION));
	json_object_set_new(man, "private", json_false());
	json_object_set_new(man, "input", json_string(input));
	json_object_set_new(man, "input_kind", json_string(what));
	json_object_set_new(man, "dataset_sha256", json_string(fphex));
	json_object_set_new(man, "mechanism", json_string("cell_suppression"));
	json_object_set_new(man, "suppress_below", json_integer((json_int_t)k));
	json_object_set_new(man, "primary_suppressed", json_integer((json_int_t)np));
	json_object_set_new(man, "secondary_suppressed", json_integer((json_int_t)ns));
	json_object_set_new(man, "hidden_totals", hidden);
	hidden = NULL;
	json_object_set_new(man, "method", json_string(
		"counts 1..k-1 hidden; each on a rectangle of hidden cells so that no "
		"hidden count follows from the visible cells and the country or "
		"month totals (hidden_totals must not be published)"));
	exitc = commit_with_manifest(&of, &mf, man, JSON_INDENT(2) |
				     JSON_PRESERVE_ORDER, manifest, &err, ctx);
	if (exitc != CLI_EX_OK)
		goto out;
	fprintf(stderr, "mnrstat release: warning: --suppress-below adds no noise; "
		"the output is NOT differentially private (internal use)\n"
		"mnrstat release: %zu cells hidden as small, %zu more to protect them, "
		"%zu totals hidden\n", np, ns, nhidden_tot);
	exitc = CLI_EX_OK;
out:
	mnr_outfile_abort(&of);
	mnr_outfile_abort(&mf);
	json_decref(man);
	json_decref(hidden);
	free(x);
	free(mark);
	free(rt);
	free(ct);
	return exitc;
}

int cmd_release(int argc, char **argv, const struct cli_context *ctx)
{
	static const char short_opts[] = "ho:";
	static const struct option long_opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ "ledger", required_argument, NULL, OPT_LEDGER },
		{ "epsilon", required_argument, NULL, OPT_EPSILON },
		{ "delta", required_argument, NULL, OPT_DELTA },
		{ "rho", required_argument, NULL, OPT_RHO },
		{ "budget-rho", required_argument, NULL, OPT_BUDGET_RHO },
		{ "budget-epsilon", required_argument, NULL, OPT_BUDGET_EPS },
		{ "metric", required_argument, NULL, OPT_METRIC },
		{ "max-cells", required_argument, NULL, OPT_MAX_CELLS },
		{ "max-per-cell", required_argument, NULL, OPT_MAX_PER_CELL },
		{ "unit", required_argument, NULL, OPT_UNIT },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "clamp-zero", no_argument, NULL, OPT_CLAMP },
		{ "label", required_argument, NULL, OPT_LABEL },
		{ "insecure-seed", required_argument, NULL, OPT_SEED },
		{ "col", required_argument, NULL, OPT_COL },
		{ "manifest", required_argument, NULL, OPT_MANIFEST },
		{ "cases", no_argument, NULL, OPT_CASES },
		{ "suppress-below", required_argument, NULL, OPT_SUPPRESS },
		{ NULL, 0, NULL, 0 },
	};
	const char *ledger = NULL, *output = "-", *manifest = NULL, *unit = NULL;
	const char *label = NULL, *epsilon_s = NULL, *delta_s = NULL;
	const char *metric_name[MAX_METRICS];
	long metric_idx[MAX_METRICS];
	size_t nmetric = 0, ncell = 0, i, k;
	struct mnr_rational eps = { 0, 1 }, rho = { 0, 1 }, budget = { 0, 1 };
	int budget_kind = 0, have_eps = 0, have_rho = 0, clamp = 0, insecure = 0;
	int from = -1, to = -1, c, rc, exitc = CLI_EX_SOFTWARE, cases = 0;
	int have_cc = 0;
	size_t ncountries = 0;
	struct mnr_dp_case_counts cc;
	uint64_t max_cells = 0, max_per_cell = 0, seed = 0, l1, l2sq, linf, half;
	uint64_t suppress_k = 0;
	double level = 0.95, delta = 0.0, eps_d = 0.0, var, coverage, delta_at = NAN;
	struct mnr_colmap map;
	struct mnr_panel *panel = NULL;
	struct mnr_dp_noise noise;
	struct mnr_rng rng;
	struct mnr_error err;
	struct mnr_ledger_request req;
	struct mnr_ledger_receipt rcpt;
	struct mnr_outfile of, mf;
	struct cellv *cells = NULL;
	unsigned char fp[MNR_SHA256_LEN];
	char fphex[MNR_SHA256_HEXLEN + 1], *manifest_alloc = NULL;
	char mbuf[8];
	json_t *man = NULL;

	memset(&map, 0, sizeof(map));
	memset(&cc, 0, sizeof(cc));
	memset(&of, 0, sizeof(of));
	memset(&mf, 0, sizeof(mf));
	mnr_rng_init_secure(&rng);
	cli_getopt_reset(argv, SUB);
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cli_help(SUB, help_text);
		case 'o':
			output = optarg;
			break;
		case OPT_LEDGER:
			ledger = optarg;
			break;
		case OPT_EPSILON:
			if ((rc = parse_rat(optarg, "--epsilon", &eps)) != 0)
				return rc;
			epsilon_s = optarg;
			have_eps = 1;
			break;
		case OPT_DELTA:
			if (cli_parse_double(optarg, 1e-300, 0.5, &delta) != 0 ||
			    !(delta > 0.0))
				return cli_usage_error(SUB, "--delta wants a number "
						       "in (0, 0.5]");
			delta_s = optarg;
			break;
		case OPT_RHO:
			if ((rc = parse_rat(optarg, "--rho", &rho)) != 0)
				return rc;
			have_rho = 1;
			break;
		case OPT_BUDGET_RHO:
		case OPT_BUDGET_EPS:
			if (budget_kind)
				return cli_usage_error(SUB, "give one budget only");
			if ((rc = parse_rat(optarg, c == OPT_BUDGET_RHO ?
					    "--budget-rho" : "--budget-epsilon",
					    &budget)) != 0)
				return rc;
			budget_kind = c == OPT_BUDGET_RHO ? MNR_LEDGER_RHO
							  : MNR_LEDGER_EPSILON;
			break;
		case OPT_METRIC:
			if (nmetric == MAX_METRICS)
				return cli_usage_error(SUB, "at most %d metrics",
						       MAX_METRICS);
			for (i = 0; i < nmetric; i++)
				if (strcmp(metric_name[i], optarg) == 0)
					return cli_usage_error(SUB, "metric '%s' given "
							       "twice", optarg);
			metric_name[nmetric++] = optarg;
			break;
		case OPT_MAX_CELLS:
			if ((rc = parse_u64(optarg, "--max-cells", &max_cells)) != 0)
				return rc;
			break;
		case OPT_MAX_PER_CELL:
			if ((rc = parse_u64(optarg, "--max-per-cell",
					    &max_per_cell)) != 0)
				return rc;
			break;
		case OPT_UNIT:
			unit = optarg;
			break;
		case OPT_FROM:
		case OPT_TO:
			if (mnr_parse_month(optarg, strlen(optarg),
					    c == OPT_FROM ? &from : &to, NULL) != MNR_OK)
				return cli_usage_error(SUB, "--%s wants YYYY-MM",
						       c == OPT_FROM ? "from" : "to");
			break;
		case OPT_LEVEL:
			if (cli_parse_double(optarg, 0.5, 0.9999, &level) != 0)
				return cli_usage_error(SUB, "--level wants a number "
						       "in [0.5, 0.9999]");
			break;
		case OPT_CLAMP:
			clamp = 1;
			break;
		case OPT_LABEL:
			label = optarg;
			break;
		case OPT_SEED: {
			long v;

			if (cli_parse_long(optarg, 0, LONG_MAX, &v) != 0)
				return cli_usage_error(SUB, "--insecure-seed wants "
						       "a non-negative integer");
			seed = (uint64_t)v;
			insecure = 1;
			break;
		}
		case OPT_COL:
			if ((rc = cli_colmap_add(&map, optarg, SUB)) != 0)
				return rc;
			break;
		case OPT_MANIFEST:
			manifest = optarg;
			break;
		case OPT_CASES:
			cases = 1;
			break;
		case OPT_SUPPRESS:
			if ((rc = parse_u64(optarg, "--suppress-below", &suppress_k)) != 0)
				return rc;
			break;
		default:
			return cli_usage_error(SUB, "unknown option");
		}
	}
	if ((rc = cli_check_operands(SUB, argc - optind)) != 0)
		return rc;
	if (suppress_k && (ledger || have_eps || have_rho || delta_s ||
			   budget_kind || insecure || clamp))
		return cli_usage_error(SUB, "--suppress-below releases without "
				       "noise: no budget, ledger or noise options");
	if (!ledger && !suppress_k)
		return cli_usage_error(SUB, "--ledger is required");
	if (cases) {
		if (nmetric > 1 || (nmetric && strcmp(metric_name[0], "reports_total")))
			return cli_usage_error(SUB, "with --cases the released metric "
					       "is reports_total");
		if (unit)
			return cli_usage_error(SUB, "with --cases the unit is person "
					       "(person_id column) or row");
		metric_name[0] = "reports_total";
		nmetric = 1;
	}
	if (!nmetric)
		return cli_usage_error(SUB, "give at least one --metric");
	if (have_rho == have_eps && !suppress_k)
		return cli_usage_error(SUB, "give --epsilon (with or without "
				       "--delta) or --rho");
	if (delta_s && !have_eps)
		return cli_usage_error(SUB, "--delta goes with --epsilon");
	if (from >= 0 && to >= 0 && from > to)
		return cli_usage_error(SUB, "--from is after --to");
	if (strcmp(output, "-") == 0 && !manifest)
		return cli_usage_error(SUB, "--manifest is required when the "
				       "panel goes to standard output");
	if (manifest && strcmp(manifest, "-") == 0)
		return cli_usage_error(SUB, "--manifest wants a file");
	if (!unit)
		unit = (max_cells || max_per_cell) ? "person" : "row";
	if (!max_cells)
		max_cells = cases ? 1 : nmetric;
	if (!max_per_cell)
		max_per_cell = 1;
	if (!manifest) {
		size_t n = strlen(output) + sizeof(".manifest.json");

		manifest_alloc = malloc(n);
		if (!manifest_alloc)
			return cli_error(SUB, CLI_EX_SOFTWARE, "out of memory");
		snprintf(manifest_alloc, n, "%s.manifest.json", output);
		manifest = manifest_alloc;
	}
	if (insecure) {
		fprintf(stderr, "mnrstat release: warning: --insecure-seed makes "
			"the noise reproducible; the output is NOT PRIVATE and "
			"must not be published\n");
		mnr_rng_init_insecure(&rng, seed);
	}
#ifdef MNR_TEST_HOOKS
	{
		/* CLI tests inject a failing random source (test builds only) */
		const char *f = getenv("MNR_TEST_RANDOM_FAIL_AFTER");
		long v;

		if (f && cli_parse_long(f, 0, LONG_MAX, &v) == 0)
			mnr_rng_test_fail_after(&rng, (uint64_t)v);
	}
#endif

	mnr_error_clear(&err);
	/* 1. fingerprint and read the input; build the public grid of true counts */
	rc = mnr_sha256_file(argv[optind], fp, &err);
	if (rc != MNR_OK) {
		exitc = cli_report(SUB, &err, ctx);
		goto out;
	}
	mnr_sha256_hex(fp, fphex);
	if (cases) {
		size_t ci;
		int m;

		/* suppression counts every record: bounding is for the noise only */
		rc = mnr_dp_read_case_counts(argv[optind], map.n ? &map : NULL, from,
					     to, suppress_k ? UINT64_MAX : max_cells,
					     suppress_k ? UINT64_MAX : max_per_cell,
					     &cc, &err);
		if (rc != MNR_OK) {
			exitc = cli_report(SUB, &err, ctx);
			goto out;
		}
		have_cc = 1;
		from = cc.from;
		to = cc.to;
		if (!cc.has_person)
			max_cells = max_per_cell = 1;  /* a row is one report in one cell */
		unit = cc.has_person ? "person" : "row";
		ncountries = cc.ncountries;
		ncell = ncountries * (size_t)(to - from + 1);
		cells = calloc(ncell ? ncell : 1, sizeof(*cells));
		if (!cells) {
			exitc = cli_error(SUB, CLI_EX_SOFTWARE, "out of memory");
			goto out;
		}
		for (ci = 0, i = 0; ci < ncountries; ci++)
			for (m = from; m <= to; m++, i++) {
				cells[i].country = cc.country[ci];
				cells[i].metric = "reports_total";
				cells[i].month = m;
				cells[i].released = (int64_t)cc.count[i];
			}
	} else {
		int lo = INT32_MAX, hi = -1;
		size_t ci, j;
		int m;

		rc = mnr_panel_read(argv[optind], map.n ? &map : NULL, &panel, &err);
		if (rc != MNR_OK) {
			exitc = cli_report(SUB, &err, ctx);
			goto out;
		}
		for (k = 0; k < nmetric; k++) {
			metric_idx[k] = mnr_panel_metric_index(panel, metric_name[k]);
			if (metric_idx[k] < 0) {
				exitc = cli_error(SUB, CLI_EX_DATAERR, "%s: metric '%s' "
						  "is not in the panel", argv[optind],
						  metric_name[k]);
				goto out;
			}
		}
		for (i = 0; i < panel->n; i++) {
			const struct mnr_panel_cell *pc = &panel->cell[i];
			int sel = 0;

			for (k = 0; k < nmetric; k++)
				sel |= pc->metric == metric_idx[k];
			if (!sel)
				continue;
			if (pc->month < lo)
				lo = pc->month;
			if (pc->month > hi)
				hi = pc->month;
			if (!isnan(pc->value) &&
			    (pc->value < 0 || pc->value != floor(pc->value) ||
			     pc->value > 9007199254740992.0)) {
				/* position and rule only: never the value */
				exitc = cli_error(SUB, CLI_EX_DATAERR,
						  "%s:%lu: value: a released count "
						  "must be a non-negative integer "
						  "[count]", argv[optind], pc->line);
				goto out;
			}
		}
		if (from < 0)
			from = lo;
		if (to < 0)
			to = hi;
		if (hi < 0 || from > to) {
			exitc = cli_error(SUB, CLI_EX_DATAERR, "%s: no month to "
					  "release", argv[optind]);
			goto out;
		}
		ncountries = panel->ncountries;
		ncell = ncountries * nmetric * (size_t)(to - from + 1);
		cells = calloc(ncell ? ncell : 1, sizeof(*cells));
		if (!cells) {
			exitc = cli_error(SUB, CLI_EX_SOFTWARE, "out of memory");
			goto out;
		}
		/* the public grid: every country x month x metric, absent = 0 */
		for (ci = 0, j = 0; ci < ncountries; ci++)
			for (m = from; m <= to; m++)
				for (k = 0; k < nmetric; k++, j++) {
					cells[j].country = panel->country[ci];
					cells[j].month = m;
					cells[j].metric = panel->metric[metric_idx[k]];
				}
		for (i = 0; i < panel->n; i++) {
			const struct mnr_panel_cell *pc = &panel->cell[i];

			if (pc->month < from || pc->month > to || isnan(pc->value))
				continue;
			for (k = 0; k < nmetric; k++)
				if (pc->metric == metric_idx[k])
					break;
			if (k == nmetric)
				continue;
			j = ((size_t)pc->country * (size_t)(to - from + 1) +
			     (size_t)(pc->month - from)) * nmetric + k;
			cells[j].released = (int64_t)pc->value; /* exact: integer <= 2^53 */
		}
	}

	if (suppress_k) {
		exitc = write_suppressed(argv[optind], output, manifest, fphex, cells,
					 ncountries, nmetric, from, to, suppress_k,
					 cases ? "reports per country and month of a case file"
					       : "panel", ctx);
		goto out;
	}

	/* 2. sensitivities of the count vector (each unit: K cells, M per cell) */
	l1 = max_cells * max_per_cell;
	linf = max_per_cell;
	l2sq = max_cells * max_per_cell * max_per_cell;

	/* 3. calibrate */
	if (have_rho) {
		rc = mnr_dp_calibrate_gauss_rho(rho, l2sq, &noise, &err);
	} else if (delta_s) {
		eps_d = mnr_rational_to_double(eps);
		rc = mnr_dp_calibrate_gauss_eps_delta(eps_d, delta, linf, max_cells,
						      &noise, &err);
	} else {
		rc = mnr_dp_calibrate_laplace(eps, l1, &noise, &err);
	}
	if (rc == MNR_OK)
		rc = mnr_dp_variance(&noise, &var, &err);
	if (rc == MNR_OK)
		rc = mnr_dp_interval(&noise, level, &half, &coverage, &err);
	if (rc == MNR_OK && noise.kind == MNR_DP_DGAUSS && delta_s)
		rc = mnr_dp_gauss_delta(&noise, linf, max_cells, eps_d, &delta_at, &err);
	if (rc != MNR_OK) {
		exitc = cli_report(SUB, &err, ctx);
		goto out;
	}

	/* 4. draw every noisy value into memory; a failure spends nothing */
	for (i = 0; i < ncell; i++) {
		rc = mnr_dp_release_value(&rng, &noise, cells[i].released,
					  &cells[i].released, &err);
		if (rc != MNR_OK) {
			exitc = cli_report(SUB, &err, ctx);
			goto out;
		}
	}

	/* 5. charge the ledger: durable before anything is visible */
	memset(&req, 0, sizeof(req));
	req.dataset = fphex;
	req.unit = unit;
	req.budget_kind = budget_kind;
	req.budget = budget;
	req.mechanism = mnr_dp_mechanism_name(noise.kind);
	req.label = insecure ? "NOT PRIVATE (insecure seed)" : label;
	if (noise.kind == MNR_DP_DLAPLACE) {
		req.cost_kind = MNR_LEDGER_EPSILON;
		rc = mnr_dp_laplace_epsilon(&noise, l1, &req.cost, &err);
	} else {
		req.cost_kind = MNR_LEDGER_RHO;
		rc = mnr_dp_gauss_rho(&noise, l2sq, &req.cost, &err);
	}
	if (rc == MNR_OK)
		rc = mnr_ledger_spend(ledger, &req, &rcpt, &err);
	if (rc != MNR_OK) {
		exitc = cli_report(SUB, &err, ctx);
		goto out;
	}

	/* 6. write the released panel and the manifest */
	exitc = open_with_manifest(&of, &mf, output, manifest, &err, ctx);
	if (exitc != CLI_EX_OK)
		goto out;
	fprintf(of.fp, "country,month,metric,value,noise_distribution,"
		"noise_variance,ci_low,ci_high,ci_level,privacy\n");
	for (i = 0; i < ncell; i++) {
		int64_t v = cells[i].released, lo, hi;

		lo = v - (int64_t)half;
		hi = v + (int64_t)half;
		if (clamp) {
			v = v < 0 ? 0 : v;
			lo = lo < 0 ? 0 : lo;
			hi = hi < 0 ? 0 : hi;
		}
		mnr_month_format(cells[i].month, mbuf, sizeof(mbuf));
		fprintf(of.fp, "%s,%s,%s,%lld,%s,%.17g,%lld,%lld,%g,%s\n",
			cells[i].country, mbuf, cells[i].metric, (long long)v,
			mnr_dp_mechanism_name(noise.kind), var, (long long)lo,
			(long long)hi, level, insecure ? "NOT PRIVATE" : "dp");
	}

	man = json_object();
	if (insecure)
		json_object_set_new(man, "WARNING", json_string(
			"NOT PRIVATE: produced with --insecure-seed; do not publish"));
	json_object_set_new(man, "tool", json_string("mnrstat " MNR_VERSION));
	json_object_set_new(man, "private", json_boolean(!insecure));
	json_object_set_new(man, "input", json_string(argv[optind]));
	json_object_set_new(man, "dataset_sha256", json_string(fphex));
	json_object_set_new(man, "mechanism",
			    json_string(mnr_dp_mechanism_name(noise.kind)));
	json_object_set_new(man, noise.kind == MNR_DP_DLAPLACE ? "scale" : "sigma2",
			    jrat(noise.scale));
	json_object_set_new(man, "noise_variance", json_real(var));
	{
		json_t *s = json_object();

		json_object_set_new(s, "privacy_unit", json_string(unit));
		json_object_set_new(s, "unit_note", json_string(
			cases ? (cc.has_person
				 ? "each person (person_id) is one privacy unit, bounded "
				   "by this command to max_cells cells and max_per_cell "
				   "records per cell (excess rows dropped)"
				 : "no person_id column: each case record is its own "
				   "privacy unit")
			: strcmp(unit, "row") == 0
			? "each case record is its own privacy unit (declared for the panel)"
			: "contribution bounds declared for the panel, not enforced by release"));
		if (cases) {
			json_t *b = json_object();

			json_object_set_new(b, "rows", json_integer((json_int_t)cc.stats.rows));
			json_object_set_new(b, "rows_kept", json_integer((json_int_t)cc.stats.kept));
			json_object_set_new(b, "rows_dropped",
					    json_integer((json_int_t)cc.stats.dropped));
			json_object_set_new(b, "units", json_integer((json_int_t)cc.stats.units));
			json_object_set_new(b, "rows_without_person_id",
					    json_integer((json_int_t)cc.rows_without_person));
			json_object_set_new(b, "rows_outside_period",
					    json_integer((json_int_t)cc.rows_outside));
			json_object_set_new(s, "bounding", b);
		}
		json_object_set_new(s, "max_cells", json_integer((json_int_t)max_cells));
		json_object_set_new(s, "max_per_cell", json_integer((json_int_t)max_per_cell));
		json_object_set_new(s, "l1", json_integer((json_int_t)l1));
		json_object_set_new(s, "l2_squared", json_integer((json_int_t)l2sq));
		json_object_set_new(s, "linf", json_integer((json_int_t)linf));
		json_object_set_new(man, "sensitivity", s);
	}
	{
		json_t *p = json_object();

		if (noise.kind == MNR_DP_DLAPLACE) {
			json_object_set_new(p, "epsilon", jrat(req.cost));
			json_object_set_new(p, "delta", json_integer(0));
			json_object_set_new(p, "guarantee", json_string("pure epsilon-DP"));
		} else {
			json_t *curve = json_array();
			static const double grid[] = { 0.1, 0.25, 0.5, 1, 2, 4, 8 };
			size_t g;

			json_object_set_new(p, "rho", jrat(req.cost));
			json_object_set_new(p, "guarantee", json_string("rho-zCDP"));
			if (delta_s) {
				json_object_set_new(p, "epsilon", json_string(epsilon_s));
				json_object_set_new(p, "delta_requested", json_real(delta));
				json_object_set_new(p, "delta", json_real(delta_at));
			}
			for (g = 0; g < sizeof(grid) / sizeof(grid[0]); g++) {
				double d;
				json_t *pt = json_object();

				if (mnr_dp_gauss_delta(&noise, linf, max_cells, grid[g],
						       &d, NULL) != MNR_OK)
					d = NAN;
				json_object_set_new(pt, "epsilon", json_real(grid[g]));
				json_object_set_new(pt, "delta", json_real(d));
				json_array_append_new(curve, pt);
			}
			json_object_set_new(p, "epsilon_delta_curve", curve);
			json_object_set_new(p, "curve_method", json_string(max_cells == 1
				? "exact discrete Gaussian (Canonne-Kamath-Steinke 2020 Thm 7)"
				: "zCDP conversion (Canonne-Kamath-Steinke 2020 Cor 13)"));
		}
		json_object_set_new(man, "privacy", p);
	}
	{
		json_t *l = json_object();

		json_object_set_new(l, "path", json_string(ledger));
		json_object_set_new(l, "entry", json_integer((json_int_t)rcpt.seq));
		json_object_set_new(l, "entry_hash", json_string(rcpt.hash));
		json_object_set_new(l, "budget_kind",
				    json_string(mnr_ledger_kind_name(rcpt.budget_kind)));
		json_object_set_new(l, "budget", jrat(rcpt.budget));
		json_object_set_new(l, "charged", jrat(rcpt.charged));
		json_object_set_new(l, "spent", jrat(rcpt.spent));
		json_object_set_new(man, "ledger", l);
	}
	{
		json_t *iv = json_object();

		json_object_set_new(iv, "level", json_real(level));
		json_object_set_new(iv, "half_width", json_integer((json_int_t)half));
		json_object_set_new(iv, "exact_coverage", json_real(coverage));
		json_object_set_new(iv, "method", json_string(noise.kind == MNR_DP_DLAPLACE
			? "closed-form discrete Laplace tails"
			: "summed discrete Gaussian tails"));
		json_object_set_new(man, "interval", iv);
	}
	{
		char a[8], b[8];

		mnr_month_format(from, a, sizeof(a));
		mnr_month_format(to, b, sizeof(b));
		json_object_set_new(man, "from", json_string(a));
		json_object_set_new(man, "to", json_string(b));
	}
	{
		json_t *ms = json_array();

		for (k = 0; k < nmetric; k++)
			json_array_append_new(ms, json_string(metric_name[k]));
		json_object_set_new(man, "metrics", ms);
	}
	json_object_set_new(man, "countries", json_integer((json_int_t)ncountries));
	json_object_set_new(man, "cells_released", json_integer((json_int_t)ncell));
	json_object_set_new(man, "grid_note", json_string(
		"the full country x month grid is public; absent counts are 0 and noised"));
	if (clamp) {
		json_t *cz = json_object();

		json_object_set_new(cz, "applied", json_true());
		json_object_set_new(cz, "max_bias", json_real(clamp_bias(&noise)));
		json_object_set_new(cz, "note", json_string(
			"negative values set to 0 (post-processing, no extra privacy "
			"cost); this biases values upward by at most max_bias, at a "
			"true count of 0, and less for larger counts"));
		json_object_set_new(man, "clamp_zero", cz);
	}
	exitc = commit_with_manifest(&of, &mf, man, JSON_INDENT(2) |
				     JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12),
				     manifest, &err, ctx);
	if (exitc != CLI_EX_OK)
		goto out;
	fprintf(stderr, "mnrstat release: %zu cells released with %s noise; "
		"ledger entry %llu, %s spent ",
		ncell, mnr_dp_mechanism_name(noise.kind),
		(unsigned long long)rcpt.seq, mnr_ledger_kind_name(rcpt.budget_kind));
	{
		char a[48], b[48];

		if (mnr_rational_format(rcpt.spent, a, sizeof(a)) != MNR_OK)
			snprintf(a, sizeof(a), "?");
		if (mnr_rational_format(rcpt.budget, b, sizeof(b)) != MNR_OK)
			snprintf(b, sizeof(b), "?");
		fprintf(stderr, "%s of %s\n", a, b);
	}
	if (cases && cc.has_person)
		fprintf(stderr, "mnrstat release: privacy unit person: %llu of %llu "
			"rows dropped by the bounds (%llu cells, %llu per cell)\n",
			(unsigned long long)cc.stats.dropped,
			(unsigned long long)cc.stats.rows,
			(unsigned long long)max_cells, (unsigned long long)max_per_cell);
	else if (cases)
		fprintf(stderr, "mnrstat release: privacy unit row: no person_id "
			"column, each case record is its own unit\n");
	if (insecure)
		fprintf(stderr, "mnrstat release: warning: this output is NOT PRIVATE\n");
	exitc = CLI_EX_OK;
out:
	mnr_outfile_abort(&of);
	mnr_outfile_abort(&mf);
	json_decref(man);
	free(cells);
	free(manifest_alloc);
	mnr_panel_free(panel);
	if (have_cc)
		mnr_dp_case_counts_release(&cc);
	mnr_rng_wipe(&rng);
	return exitc;
}
