/* CLI helpers: exit codes, messages, strict parsing (CLI layer only). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"

int cli_exit_code(int status)
{
	switch (status) {
	case MNR_OK: return CLI_EX_OK;
	case MNR_EINVAL: return CLI_EX_USAGE;
	case MNR_EPARSE:
	case MNR_EDATA:
	case MNR_EDOMAIN:
	case MNR_ENUMERIC: return CLI_EX_DATAERR;
	case MNR_ENOINPUT: return CLI_EX_NOINPUT;
	case MNR_EPLOT: return CLI_EX_UNAVAILABLE;
	case MNR_ECREAT: return CLI_EX_CANTCREAT;
	case MNR_EIO: return CLI_EX_IOERR;
	case MNR_EPRIVACY:
	case MNR_ERANDOM: return CLI_EX_NOPERM;
	case MNR_ENOMEM:
	default: return CLI_EX_SOFTWARE;
	}
}

int cli_report(const char *sub, const struct mnr_error *err,
	       const struct cli_context *ctx)
{
	const char *msg = err->msg[0] ? err->msg : mnr_strerror(err->code);

	fprintf(stderr, "mnrstat%s%s: ", sub ? " " : "", sub ? sub : "");
	if (err->path) {
		fprintf(stderr, "%s:", err->path);
		if (err->line) {
			fprintf(stderr, "%lu:", err->line);
			if (err->column)
				fprintf(stderr, "%lu:", err->column);
		}
		fputc(' ', stderr);
	}
	fputs(msg, stderr);
	if (err->rule[0])
		fprintf(stderr, " [%s]", err->rule);
	fputc('\n', stderr);
	if (ctx && ctx->debug && err->origin_file)
		fprintf(stderr, "mnrstat: (raised at %s:%d)\n",
			err->origin_file, err->origin_line);
	return cli_exit_code(err->code);
}

int cli_usage_error(const char *sub, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mnrstat%s%s: ", sub ? " " : "", sub ? sub : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (sub)
		fprintf(stderr, "Try 'mnrstat %s --help'.\n", sub);
	else
		fputs("Try 'mnrstat --help'.\n", stderr);
	return CLI_EX_USAGE;
}

int cli_error(const char *sub, int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mnrstat%s%s: ", sub ? " " : "", sub ? sub : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int cli_parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_size(const char *s, size_t hi, size_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > hi)
		return -1;
	*out = (size_t)v;
	return 0;
}

void cli_getopt_reset(char **argv, const char *sub)
{
	static char name[64];

	snprintf(name, sizeof(name), "mnrstat %s", sub);
	argv[0] = name;
	optind = 0; /* glibc: full re-initialisation */
	opterr = 1;
}

int cli_check_operands(const char *sub, int n)
{
	const struct cli_command *c = cli_find_command(sub);

	if (!c)
		return 0;
	if (n < c->min_operands)
		return cli_usage_error(sub, "missing operand");
	if (c->max_operands >= 0 && n > c->max_operands)
		return cli_usage_error(sub, "too many operands");
	return 0;
}

int cli_help(const char *sub, const char *text)
{
	const struct cli_command *c = cli_find_command(sub);

	printf("Usage: mnrstat %s\n", c ? c->synopsis : sub);
	if (c)
		printf("%s.\n", c->summary);
	if (text)
		fputs(text, stdout);
	fputs("\nExit status: 0 success, 64 usage, 65 data error, 66 missing input,\n"
	      "69 gnuplot missing, 70 internal, 73 cannot create output, 74 I/O error,\n"
	      "77 refused by privacy policy.\n", stdout);
	return CLI_EX_OK;
}

int cli_colmap_add(struct mnr_colmap *m, char *arg, const char *sub)
{
	char *eq = strchr(arg, '=');

	if (!eq || eq == arg || !eq[1])
		return cli_usage_error(sub, "--col wants NAME=HEADER, got '%s'", arg);
	if (m->n >= MNR_COLMAP_MAX)
		return cli_usage_error(sub, "too many --col options");
	*eq = '\0';
	m->name[m->n] = arg;
	m->header[m->n] = eq + 1;
	m->n++;
	return 0;
}
