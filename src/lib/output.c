/* Atomic output files (base layer): temporary file + rename. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc_internal.h"
#include "mnrstat/output.h"
#include "banned.h"

int mnr_outfile_open(struct mnr_outfile *o, const char *path,
		     struct mnr_error *err)
{
	size_t n;
	int fd, e;

	memset(o, 0, sizeof(*o));
	if (strcmp(path, "-") == 0) {
		o->fp = stdout;
		return MNR_OK;
	}
	n = strlen(path);
	o->path = mnr__strdup(path);
	o->tmp = mnr__malloc(n + sizeof(".tmp.XXXXXX"));
	if (!o->path || !o->tmp) {
		mnr_outfile_abort(o);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	memcpy(o->tmp, path, n);
	memcpy(o->tmp + n, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		e = errno;
		mnr__free(o->tmp);
		o->tmp = NULL;
		mnr_outfile_abort(o);
		mnr_error_set_at(err, MNR_ECREAT, path, 0, 0, 0, NULL,
				 "cannot create: %s", strerror(e));
		if (err)
			err->sys_errno = e;
		return MNR_ECREAT;
	}
	/* mkstemp makes 0600; outputs are ordinary files (umask applies). */
	{
		mode_t um = umask(0);

		umask(um);
		fchmod(fd, 0666 & ~um);
	}
	o->fp = fdopen(fd, "w");
	if (!o->fp) {
		e = errno;
		close(fd);
		mnr_outfile_abort(o);
		return mnr_error_set_at(err, MNR_ECREAT, path, 0, 0, 0, NULL,
					"cannot create: %s", strerror(e));
	}
	return MNR_OK;
}

int mnr_outfile_commit(struct mnr_outfile *o, struct mnr_error *err)
{
	int e = 0;

	if (!o->fp)
		return mnr_error_set(err, MNR_EINVAL, "output not open");
	if (!o->tmp) {
		o->fp = NULL; /* stdout: main checks and closes it */
		return MNR_OK;
	}
	if (fflush(o->fp) != 0 || ferror(o->fp) || fsync(fileno(o->fp)) != 0)
		e = errno ? errno : EIO;
	if (fclose(o->fp) != 0 && !e)
		e = errno;
	o->fp = NULL;
	if (!e && rename(o->tmp, o->path) != 0)
		e = errno;
	if (e) {
		unlink(o->tmp);
		mnr_error_set_at(err, MNR_EIO, o->path, 0, 0, 0, NULL,
				 "write error: %s", strerror(e));
		if (err)
			err->sys_errno = e;
	}
	mnr__free(o->tmp);
	mnr__free(o->path);
	o->tmp = o->path = NULL;
	return e ? MNR_EIO : MNR_OK;
}

void mnr_outfile_abort(struct mnr_outfile *o)
{
	if (o->fp && o->tmp)
		fclose(o->fp);
	if (o->tmp)
		unlink(o->tmp);
	o->fp = NULL;
	mnr__free(o->tmp);
	mnr__free(o->path);
	o->tmp = o->path = NULL;
}
