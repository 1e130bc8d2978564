/*
 * Output files that appear whole or not at all: data go to a temporary file
 * in the target's directory, which is renamed over the target only on
 * commit (so a failed run never leaves partial output nor clobbers a good
 * file).  Ownership: struct mnr_outfile is caller-owned; commit or abort
 * releases everything it holds.
 */
#ifndef MNRSTAT_OUTPUT_H
#define MNRSTAT_OUTPUT_H

#include <stdio.h>

#include "mnrstat/error.h"

struct mnr_outfile {
	FILE *fp;       /* write here */
	char *tmp;      /* temporary path; NULL for stdout */
	char *path;     /* final path */
};

/*
 * Open a temporary file next to path ("-" = stdout, written directly).
 * Returns MNR_OK or MNR_ECREAT (sys_errno saved), MNR_ENOMEM.
 */
int mnr_outfile_open(struct mnr_outfile *o, const char *path,
		     struct mnr_error *err);

/* Flush, fsync, close and rename into place.  MNR_EIO on any failure
 * (the temporary file is then removed). */
int mnr_outfile_commit(struct mnr_outfile *o, struct mnr_error *err);

/* Close and remove the temporary file; safe on an unopened or committed
 * struct and when called twice. */
void mnr_outfile_abort(struct mnr_outfile *o);

#endif
