/* Error records and status strings (library layer, no I/O). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mnrstat/error.h"

static const char *const status_text[MNR_ESTATUS_MAX] = {
	[MNR_OK] = "success",
	[MNR_EINVAL] = "invalid argument",
	[MNR_ENOMEM] = "out of memory",
	[MNR_EIO] = "input/output error",
	[MNR_EPARSE] = "CSV syntax error",
	[MNR_EDATA] = "data error",
	[MNR_EDOMAIN] = "statistic undefined for these data",
	[MNR_ENUMERIC] = "numerical failure",
	[MNR_EPLOT] = "gnuplot failed",
	[MNR_EPRIVACY] = "refused by privacy policy",
	[MNR_ENOINPUT] = "cannot open input",
	[MNR_ECREAT] = "cannot create output",
	[MNR_ERANDOM] = "secure random source failed",
};

const char *mnr_strerror(int code)
{
	if (code < 0 || code >= MNR_ESTATUS_MAX || !status_text[code])
		return "unknown error";
	return status_text[code];
}

void mnr_error_clear(struct mnr_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

__attribute__((format(printf, 5, 0)))
static void vset(struct mnr_error *err, const char *ofile, int oline,
		 int code, const char *fmt, va_list ap)
{
	err->code = code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	err->origin_file = ofile;
	err->origin_line = oline;
}

int mnr__error_set(struct mnr_error *err, const char *ofile, int oline,
		   int code, const char *fmt, ...)
{
	va_list ap;

	if (!err || err->code != MNR_OK)
		return code;
	va_start(ap, fmt);
	vset(err, ofile, oline, code, fmt, ap);
	va_end(ap);
	return code;
}

int mnr__error_set_at(struct mnr_error *err, const char *ofile, int oline,
		      int code, const char *path, unsigned long line,
		      unsigned long column, unsigned long field,
		      const char *rule, const char *fmt, ...)
{
	va_list ap;

	if (!err || err->code != MNR_OK)
		return code;
	va_start(ap, fmt);
	vset(err, ofile, oline, code, fmt, ap);
	va_end(ap);
	err->path = path;
	err->line = line;
	err->column = column;
	err->field = field;
	if (rule)
		snprintf(err->rule, sizeof(err->rule), "%s", rule);
	return code;
}

void mnr_error_locate(struct mnr_error *err, const char *path,
		      unsigned long line, unsigned long column,
		      unsigned long field)
{
	if (!err)
		return;
	if (!err->path)
		err->path = path;
	if (!err->line)
		err->line = line;
	if (!err->column)
		err->column = column;
	if (!err->field)
		err->field = field;
}

void mnr_error_rule(struct mnr_error *err, const char *rule)
{
	if (err && rule && !err->rule[0])
		snprintf(err->rule, sizeof(err->rule), "%s", rule);
}
