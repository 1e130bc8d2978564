/*
 * Output helpers shared by the subcommand handlers (see cli_format.h).
 * Every table and document of the CLI formats its numbers here, so the
 * same value reads the same in every command's output.
 */
#include "cli_format.h"

#include <math.h>
#include <string.h>

#include "cli_util.h"

static const char *const fmt_name[] = { "text", "csv", "json", "md" };

int cli_parse_format(const char *sub, const char *arg, unsigned mask,
		     enum cli_fmt *out)
{
	char want[64];
	size_t len = 0, k, nset = 0, seen = 0;

	for (k = 0; k < sizeof(fmt_name) / sizeof(fmt_name[0]); k++) {
		if (!(mask & (1u << k)))
			continue;
		nset++;
		if (strcmp(arg, fmt_name[k]) == 0) {
			*out = (enum cli_fmt)k;
			return 0;
		}
	}
	/* "text, csv, json or md": commas between names, "or" before the last. */
	want[0] = '\0';
	for (k = 0; k < sizeof(fmt_name) / sizeof(fmt_name[0]); k++) {
		if (!(mask & (1u << k)))
			continue;
		seen++;
		len += (size_t)snprintf(want + len, sizeof(want) - len, "%s%s",
					seen == 1 ? "" : seen == nset ? " or "
					: ", ", fmt_name[k]);
	}
	return cli_usage_error(sub, "--format wants %s", want);
}

const char *cli_fmt_num(char *buf, size_t n, double x)
{
	if (isnan(x))
		snprintf(buf, n, "NA");
	else if (isinf(x))
		snprintf(buf, n, x > 0 ? "Inf" : "-Inf");
	else
		snprintf(buf, n, "%.4g", x);
	return buf;
}

const char *cli_fmt_pval(char *buf, size_t n, double p)
{
	if (!isfinite(p))
		snprintf(buf, n, "NA");
	else if (p < 0.001)
		snprintf(buf, n, "<0.001");
	else
		snprintf(buf, n, "%.3f", p);
	return buf;
}

const char *cli_fmt_est_ci(char *buf, size_t n, double est, double lo,
			   double hi)
{
	char a[32], b[32], c[32];

	/* A display cell: truncation is acceptable and checked, not silent. */
	if (snprintf(buf, n, "%s [%s, %s]", cli_fmt_num(a, sizeof(a), est),
		     cli_fmt_num(b, sizeof(b), lo),
		     cli_fmt_num(c, sizeof(c), hi)) >= (int)n)
		buf[n - 1] = '\0';
	return buf;
}

void cli_csv_num(FILE *fp, double x)
{
	if (isfinite(x))
		fprintf(fp, "%.17g", x);
}

json_t *cli_jnum(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

void cli_warn_bits_print(FILE *fp, unsigned bits, unsigned count,
			 const char *(*text)(unsigned bit),
			 const char *bullet)
{
	unsigned b;

	for (b = 0; b < count; b++)
		if (bits & (1u << b))
			fprintf(fp, "%s%s\n", bullet, text(1u << b));
}

void cli_warn_bits_json(json_t *arr, unsigned bits, unsigned count,
			const char *(*text)(unsigned bit))
{
	unsigned b;

	for (b = 0; b < count; b++)
		if (bits & (1u << b))
			json_array_append_new(arr, json_string(text(1u << b)));
}

int cli_json_emit(json_t *root, FILE *fp, int precision)
{
	int rc = json_dumpf(root, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
			    JSON_REAL_PRECISION(precision));

	fputc('\n', fp);
	json_decref(root);
	return rc;
}
