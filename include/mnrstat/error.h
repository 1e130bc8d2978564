/*
 * Status codes and the error record every fallible library call fills.
 * Ownership: struct mnr_error is caller-owned; its path is borrowed from the
 * caller and must outlive the error's use.
 */
#ifndef MNRSTAT_ERROR_H
#define MNRSTAT_ERROR_H

#include <stddef.h>

enum mnr_status {
	MNR_OK = 0,
	MNR_EINVAL,   /* caller passed an invalid argument */
	MNR_ENOMEM,   /* allocation failed */
	MNR_EIO,      /* open, read or write failed; sys_errno saved */
	MNR_EPARSE,   /* CSV syntax error */
	MNR_EDATA,    /* well-formed input with an unusable value */
	MNR_EDOMAIN,  /* statistic undefined for these data */
	MNR_ENUMERIC, /* a numerical routine failed; gsl_errno saved */
	MNR_EPLOT,    /* gnuplot missing, failed to start, or failed */
	MNR_EPRIVACY, /* refused by privacy policy (budget, unsafe release) */
	MNR_ENOINPUT, /* an input file cannot be opened */
	MNR_ECREAT,   /* an output file cannot be created */
	MNR_ERANDOM,  /* the secure random source failed */
	MNR_ESTATUS_MAX
};

struct mnr_error {
	int code;            /* enum mnr_status; MNR_OK when empty */
	char msg[256];       /* message without location; never a data value */
	const char *path;    /* borrowed input name, NULL when none */
	unsigned long line;  /* 1-based physical line; 0 = unknown */
	unsigned long column;/* 1-based byte column of the field's first byte */
	unsigned long field; /* 1-based CSV field index; 0 = unknown */
	char rule[48];       /* short rule name, e.g. "date-format"; "" = none */
	int sys_errno;
	int gsl_errno;
	const char *origin_file; /* source location that raised it (--debug) */
	int origin_line;
};

/* Static text for a status code; never NULL. */
const char *mnr_strerror(int code);

/* Empties err (err may be NULL). */
void mnr_error_clear(struct mnr_error *err);

/*
 * Fill err (may be NULL) unless it already holds an error (the first error
 * wins) and return code.  Use through the macros below, which record the
 * raising source location.
 */
int mnr__error_set(struct mnr_error *err, const char *ofile, int oline,
		   int code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
int mnr__error_set_at(struct mnr_error *err, const char *ofile, int oline,
		      int code, const char *path, unsigned long line,
		      unsigned long column, unsigned long field,
		      const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 10, 11)));

#define mnr_error_set(err, code, ...) \
	mnr__error_set((err), __FILE__, __LINE__, (code), __VA_ARGS__)
#define mnr_error_set_at(err, code, path, line, col, field, rule, ...) \
	mnr__error_set_at((err), __FILE__, __LINE__, (code), (path), (line), \
			  (col), (field), (rule), __VA_ARGS__)

/*
 * Fill location fields of err that are still 0 / NULL; the layer that knows
 * the row adds the position (a lower layer reports only what it knows).
 */
void mnr_error_locate(struct mnr_error *err, const char *path,
		      unsigned long line, unsigned long column,
		      unsigned long field);

/* Copy a short rule name into err->rule if it is still empty. */
void mnr_error_rule(struct mnr_error *err, const char *rule);

#endif
