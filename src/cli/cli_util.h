/*
 * Helpers shared by the subcommand handlers: exit codes, error printing,
 * strict option-value parsing, getopt re-initialisation.
 */
#ifndef CLI_UTIL_H
#define CLI_UTIL_H

#include <stddef.h>
#include <stdio.h>

#include "mnrstat/csv.h"
#include "mnrstat/error.h"
#include "commands.h"

/* sysexits codes (numbers spelled out so no header is needed). */
enum {
	CLI_EX_OK = 0,
	CLI_EX_USAGE = 64,
	CLI_EX_DATAERR = 65,
	CLI_EX_NOINPUT = 66,
	CLI_EX_UNAVAILABLE = 69,
	CLI_EX_SOFTWARE = 70,
	CLI_EX_CANTCREAT = 73,
	CLI_EX_IOERR = 74,
	CLI_EX_NOPERM = 77,
};

/* The one mapping from library status to exit code. */
int cli_exit_code(int status);

/*
 * Print err as "mnrstat[ sub]: FILE:LINE:COLUMN: MESSAGE [rule]" (location
 * parts only when known) and return cli_exit_code(err->code).
 */
int cli_report(const char *sub, const struct mnr_error *err,
	       const struct cli_context *ctx);

/* Print "mnrstat sub: message" and the "Try" line to stderr; returns 64. */
int cli_usage_error(const char *sub, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print "mnrstat sub: message" to stderr; returns code. */
int cli_error(const char *sub, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Strict number parsing: whole string consumed, range checked, no NaN or
 * infinity.  Return 0 on success, -1 otherwise (*out untouched).
 */
int cli_parse_double(const char *s, double lo, double hi, double *out);
int cli_parse_long(const char *s, long lo, long hi, long *out);
int cli_parse_size(const char *s, size_t hi, size_t *out);

/* Re-initialise getopt for a subcommand and name argv[0] "mnrstat <sub>". */
void cli_getopt_reset(char **argv, const char *sub);

/* Check the operand count against the table; prints usage error. */
int cli_check_operands(const char *sub, int n);

/* Print "Usage: mnrstat <synopsis>" and the text to stdout (for --help). */
int cli_help(const char *sub, const char *text);

/*
 * Add one --col NAME=HEADER to m (the library's mapping type).  Splits arg
 * in place; m keeps pointers into argv.  Returns 0 or prints a usage error
 * and returns 64.
 */
int cli_colmap_add(struct mnr_colmap *m, char *arg, const char *sub);

#endif
