/*
 * Output helpers shared by the subcommand handlers: number cells for the
 * text/Markdown tables, CSV and JSON, --format parsing, warning lists and
 * the JSON document writer.  Strings written into caller buffers are owned
 * by the caller; JSON values returned are new references.
 */
#ifndef CLI_FORMAT_H
#define CLI_FORMAT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* Output formats of --format; a command accepts a subset (see the mask). */
enum cli_fmt { CLI_FMT_TEXT, CLI_FMT_CSV, CLI_FMT_JSON, CLI_FMT_MD };

#define CLI_FMT_BIT(f) (1u << (f))
#define CLI_FMTS_ALL (CLI_FMT_BIT(CLI_FMT_TEXT) | CLI_FMT_BIT(CLI_FMT_CSV) | \
		      CLI_FMT_BIT(CLI_FMT_JSON) | CLI_FMT_BIT(CLI_FMT_MD))
#define CLI_FMTS_TEXT_JSON (CLI_FMT_BIT(CLI_FMT_TEXT) | CLI_FMT_BIT(CLI_FMT_JSON))

/*
 * Parse the value of --format against the formats in mask.  Returns 0 and
 * sets *out, or prints "--format wants text, csv, json or md" (only the
 * names in mask, in that order) as a usage error of sub and returns 64.
 */
int cli_parse_format(const char *sub, const char *arg, unsigned mask,
		     enum cli_fmt *out);

/* Text and Markdown numbers: 4 significant digits; "NA", "Inf", "-Inf". */
const char *cli_fmt_num(char *buf, size_t n, double x);

/* A p-value cell: "NA" when undefined, "<0.001", else 3 decimals. */
const char *cli_fmt_pval(char *buf, size_t n, double p);

/* "est [lo, hi]" with cli_fmt_num cells (truncated to fit n). */
const char *cli_fmt_est_ci(char *buf, size_t n, double est, double lo,
			   double hi);

/* Full-precision CSV cell (%.17g); nothing when not finite. */
void cli_csv_num(FILE *fp, double x);

/* A JSON number, or null when x is NaN or infinite. */
json_t *cli_jnum(double x);

/*
 * Print one "bullet text" line per set bit of bits below count, in bit
 * order, text from the library's warning-text function.
 */
void cli_warn_bits_print(FILE *fp, unsigned bits, unsigned count,
			 const char *(*text)(unsigned bit),
			 const char *bullet);

/* Append the same texts as strings to the JSON array arr. */
void cli_warn_bits_json(json_t *arr, unsigned bits, unsigned count,
			const char *(*text)(unsigned bit));

/*
 * Write root to fp indented by 2, keys in insertion order, reals with
 * `precision` significant digits, then a newline; drops the reference to
 * root.  Returns json_dumpf's status (0 on success).
 */
int cli_json_emit(json_t *root, FILE *fp, int precision);

#endif
