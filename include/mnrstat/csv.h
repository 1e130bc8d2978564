/*
 * Streaming RFC 4180 CSV reader with positions (libcsv inside).
 * Ownership: the reader owns every buffer it hands to the row callback; the
 * row and its fields are borrowed and valid only during the callback.
 */
#ifndef MNRSTAT_CSV_H
#define MNRSTAT_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "mnrstat/error.h"

struct mnr_csv_options {
	unsigned char delim;   /* field delimiter, default ',' */
	size_t max_field;      /* longest field in bytes, default 64 KiB */
	size_t max_record;     /* longest record in bytes, default 1 MiB */
	size_t expected_fields;/* 0 = take the first record's count */
	unsigned long first_line; /* line number of the first byte fed (default 1) */
	int header;            /* 1 = the first record is a header (default 1) */
	int libcsv_only;       /* 1 = no memchr fast path (tests compare both) */
};

/* Fill o with the defaults above. */
void mnr_csv_options_init(struct mnr_csv_options *o);

struct mnr_csv_row {
	size_t nfields;
	const char *const *field;  /* NUL-terminated field text */
	const size_t *len;         /* field lengths in bytes */
	unsigned long line;        /* physical line where the record starts */
	unsigned long record;      /* 1-based record number; header is 1 */
	int is_header;
	const char *path;          /* borrowed input name */
	const char *raw;           /* raw bytes of the record (for positions) */
	size_t raw_len;
	unsigned char delim;
};

/*
 * Called once per record, header included.  Return MNR_OK to go on, or an
 * error status (with err filled, e.g. by mnr_csv_field_error) to stop.
 */
typedef int mnr_csv_row_fn(void *ud, const struct mnr_csv_row *row,
			   struct mnr_error *err);

struct mnr_csv_reader;

/*
 * Create a push reader.  path names the input in errors (borrowed, may be
 * NULL).  Caller owns *out; free with mnr_csv_reader_free.
 * Returns MNR_OK, MNR_ENOMEM.
 */
int mnr_csv_reader_alloc(struct mnr_csv_reader **out, const char *path,
			 const struct mnr_csv_options *opt,
			 mnr_csv_row_fn *fn, void *ud, struct mnr_error *err);

/*
 * Feed the next len bytes.  Checked on the way: NUL bytes, invalid UTF-8
 * (a UTF-8 byte-order mark at the very start is skipped), quoting (strict
 * RFC 4180), field and record size limits, and that every record has the
 * header's number of fields.  Returns MNR_OK, MNR_EPARSE, MNR_EDATA,
 * MNR_ENOMEM, or the callback's status; after an error the reader must
 * only be freed.
 */
int mnr_csv_reader_feed(struct mnr_csv_reader *r, const char *buf,
			size_t len, struct mnr_error *err);

/* End of input: flushes a last record without newline; an unclosed quote
 * is MNR_EPARSE; an input with no record at all is MNR_EDATA (empty). */
int mnr_csv_reader_finish(struct mnr_csv_reader *r, struct mnr_error *err);

/* Number of records delivered so far (header included) and bytes fed. */
unsigned long mnr_csv_reader_records(const struct mnr_csv_reader *r);
unsigned long long mnr_csv_reader_bytes(const struct mnr_csv_reader *r);

void mnr_csv_reader_free(struct mnr_csv_reader *r);

/*
 * Read a whole stream through a reader (64 KiB at a time; constant memory).
 * Read errors are MNR_EIO.
 */
int mnr_csv_read_stream(FILE *fp, const char *path,
			const struct mnr_csv_options *opt,
			mnr_csv_row_fn *fn, void *ud, struct mnr_error *err);

/*
 * Open path ("-" = stdin) and read it as above; a missing or unreadable file
 * is MNR_ENOINPUT.
 */
int mnr_csv_read_path(const char *path, const struct mnr_csv_options *opt,
		      mnr_csv_row_fn *fn, void *ud, struct mnr_error *err);

/*
 * Physical line and 1-based byte column where field index fi (0-based)
 * of row starts.  Cheap to call only on the error path.
 */
void mnr_csv_locate(const struct mnr_csv_row *row, size_t fi,
		    unsigned long *line, unsigned long *column);

/*
 * Fill err with code, a location (row's path, line and column of field
 * fi, 0-based, field number fi + 1), a rule name and a message, and return
 * code.  The message must name the field, never quote its value.
 */
int mnr_csv_field_error(const struct mnr_csv_row *row, size_t fi,
			struct mnr_error *err, int code, const char *rule,
			const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/*
 * Column-name mapping (--col NAME=HEADER): the canonical name NAME is read
 * from the column whose header is HEADER.  Pointers are borrowed.
 */
#define MNR_COLMAP_MAX 64
struct mnr_colmap {
	const char *name[MNR_COLMAP_MAX];
	const char *header[MNR_COLMAP_MAX];
	size_t n;
};

/*
 * Bind canonical column names to header positions.  names[i] is looked up
 * (after mapping through map, which may be NULL) in the header row; idx[i]
 * receives its 0-based position or -1 when absent.  A required column
 * (required[i] != 0; required may be NULL = none required) that is absent,
 * a duplicate header name, an empty header name, or a mapping whose
 * header is absent is MNR_EDATA located on the header.
 */
int mnr_csv_bind(const struct mnr_csv_row *header, const char *const *names,
		 const int *required, size_t nnames,
		 const struct mnr_colmap *map, long *idx,
		 struct mnr_error *err);

#endif
