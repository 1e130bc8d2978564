/*
 * Plot module (library layer): the script buffer, quoting, the preamble
 * every chart shares, and the gnuplot runner (posix_spawnp with an
 * argument vector: no shell, so no quoting risk).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc_internal.h"
#include "mnrstat/fields.h"
#include "mnrstat/output.h"
#include "mnrstat/plot.h"
#include "plot_internal.h"
#include "banned.h"

extern char **environ;

/* ---- buffer ---------------------------------------------------------- */

static int gp_reserve(struct mnr__gp *b, size_t extra)
{
	size_t need;

	if (b->oom)
		return -1;
	need = b->len + extra + 1;
	if (need < b->len) {
		b->oom = 1;
		return -1;
	}
	if (mnr__grow((void **)&b->s, &b->cap, need, 1) != 0) {
		b->oom = 1;
		return -1;
	}
	return 0;
}

void mnr__gp_printf(struct mnr__gp *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || gp_reserve(b, (size_t)n) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void mnr__gp_puts(struct mnr__gp *b, const char *s)
{
	size_t n = strlen(s);

	if (gp_reserve(b, n) != 0)
		return;
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

/*
 * gnuplot evaluates `...` (shell command substitution) and "\" escapes
 * inside double-quoted strings, but nothing inside single-quoted strings
 * except a doubled quote.  So data-derived text always goes out
 * single-quoted; newlines would end the command, so control characters
 * become spaces.  The terminals are set "noenhanced", so ^ _ @ { } are
 * printed literally rather than read as markup.
 */
static void gp_quote(struct mnr__gp *b, const char *s, int fmt)
{
	const unsigned char *p;
	size_t extra = 2;

	if (!s)
		s = "";
	for (p = (const unsigned char *)s; *p; p++)
		extra += (*p == '\'' || (fmt && *p == '%')) ? 2 : 1;
	if (gp_reserve(b, extra) != 0)
		return;
	b->s[b->len++] = '\'';
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '\'') {
			b->s[b->len++] = '\'';
			b->s[b->len++] = '\'';
		} else if (fmt && *p == '%') {
			b->s[b->len++] = '%';
			b->s[b->len++] = '%';
		} else if (*p < 0x20 || *p == 0x7f) {
			b->s[b->len++] = ' ';
		} else {
			b->s[b->len++] = (char)*p;
		}
	}
	b->s[b->len++] = '\'';
	b->s[b->len] = '\0';
}

void mnr__gp_quote(struct mnr__gp *b, const char *s)
{
	gp_quote(b, s, 0);
}

/* Tic labels are printf-style formats in gnuplot: a data-derived % must
 * be doubled or gnuplot stops with "Bad format character". */
void mnr__gp_quote_format(struct mnr__gp *b, const char *s)
{
	gp_quote(b, s, 1);
}

void mnr__gp_num(struct mnr__gp *b, double v)
{
	char buf[40];
	int prec;

	if (!isfinite(v)) {
		mnr__gp_puts(b, "NaN");
		return;
	}
	/* Shortest of %.15g..%.17g that reads back to the same double, so a
	 * plotted value can be compared exactly with its source. */
	for (prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	mnr__gp_puts(b, buf);
}

void mnr__gp_month(struct mnr__gp *b, int month)
{
	char buf[16];

	mnr_month_format(month, buf, sizeof(buf));
	mnr__gp_puts(b, buf);
}

void mnr__gp_month_boundary(struct mnr__gp *b, int month)
{
	mnr__gp_puts(b, "(strptime('%Y-%m','");
	mnr__gp_month(b, month);
	mnr__gp_puts(b, "') - 15*86400)");
}

void mnr__gp_size(const struct mnr_plot_meta *m, unsigned *w, unsigned *h)
{
	*w = m->width ? m->width : MNR_PLOT_WIDTH;
	*h = m->height ? m->height : MNR_PLOT_HEIGHT;
}

int mnr__gp_check_meta(const struct mnr_plot_meta *m, struct mnr_error *err)
{
	if (!m || !m->title || !*m->title)
		return mnr_error_set(err, MNR_EINVAL, "chart needs a title");
	if (m->format != MNR_PLOT_SVG && m->format != MNR_PLOT_PNG)
		return mnr_error_set(err, MNR_EINVAL, "unknown image format");
	if ((m->width && (m->width < 200 || m->width > 10000)) ||
	    (m->height && (m->height < 150 || m->height > 10000)))
		return mnr_error_set(err, MNR_EINVAL,
				     "image size out of range (200..10000 by 150..10000 pixels)");
	return MNR_OK;
}

int mnr__gp_finish(struct mnr__gp *b, char **script, struct mnr_error *err)
{
	if (b->oom || !b->s) {
		mnr__gp_release(b);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	*script = b->s;
	b->s = NULL;
	b->len = b->cap = 0;
	return MNR_OK;
}

void mnr__gp_release(struct mnr__gp *b)
{
	mnr__free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

void mnr_plot_script_free(char *script)
{
	mnr__free(script);
}

/* ---- shared chart parts ---------------------------------------------- */

/* Number of caption lines after wrapping at width columns. */
static size_t caption_lines(const char *c, size_t width, size_t *starts,
			    size_t *lens, size_t max)
{
	size_t n = 0, i = 0, len = c ? strlen(c) : 0;

	while (c && i < len && n < max) {
		size_t end = i, brk = 0, j;

		for (j = i; j < len && c[j] != '\n' && j - i < width; j++)
			if (c[j] == ' ')
				brk = j;
		if (j < len && c[j] != '\n' && j - i >= width && brk > i)
			end = brk;
		else
			end = j;
		starts[n] = i;
		lens[n] = end - i;
		n++;
		i = end;
		if (i < len && (c[i] == '\n' || c[i] == ' '))
			i++;
	}
	return n;
}

void mnr__gp_preamble(struct mnr__gp *b, const struct mnr_plot_meta *m,
		      const char *kind, unsigned height)
{
	unsigned w, h;
	const char *ext = m->format == MNR_PLOT_PNG ? "png" : "svg";
	char defname[16];
	const char *out;
	size_t starts[12], lens[12], ncap, i, wrap;
	char line[1024];

	mnr__gp_size(m, &w, &h);
	if (height)
		h = height;
	snprintf(defname, sizeof(defname), "chart.%s", ext);
	out = m->output_name ? m->output_name : defname;

	mnr__gp_printf(b, "# %s, written by mnrstat.\n", kind);
	mnr__gp_puts(b,
		"# The data are inline below (datablocks).  Restyle freely, then run\n"
		"#   gnuplot THIS.gp                            (writes the image named below)\n"
		"#   gnuplot -e \"outfile='other.svg'\" THIS.gp   (another name)\n");
	mnr__gp_puts(b, "if (!exists(\"outfile\")) outfile = ");
	mnr__gp_quote(b, out);
	mnr__gp_puts(b, "\n");
	if (m->format == MNR_PLOT_PNG)
		mnr__gp_printf(b, "set terminal pngcairo size %u,%u noenhanced "
			       "font 'Sans,11' background rgb 'white'\n", w, h);
	else
		mnr__gp_printf(b, "set terminal svg size %u,%u fixed noenhanced "
			       "font 'Sans,12' background rgb 'white'\n", w, h);
	mnr__gp_puts(b,
		"set output outfile\n"
		"set encoding utf8\n"
		"\n"
		"# Okabe-Ito palette, safe for colour-blind readers (Okabe and Ito,\n"
		"# \"Color Universal Design\", 2008).\n"
		"black = '#000000'; orange = '#E69F00'; skyblue = '#56B4E9'\n"
		"green = '#009E73'; yellow = '#F0E442'; blue = '#0072B2'\n"
		"vermillion = '#D55E00'; purple = '#CC79A7'; grey = '#767676'\n"
		"set linetype 1 lc rgb blue lw 2 pt 7 ps 0.8\n"
		"set linetype 2 lc rgb vermillion lw 2 pt 5 ps 0.8\n"
		"set linetype 3 lc rgb green lw 2 pt 9 ps 0.9\n"
		"set linetype 4 lc rgb orange lw 2 pt 11 ps 0.9\n"
		"set linetype 5 lc rgb skyblue lw 2 pt 13 ps 0.9\n"
		"set linetype 6 lc rgb purple lw 2 pt 7 ps 0.8\n"
		"set linetype 7 lc rgb black lw 2 pt 5 ps 0.8\n"
		"set linetype 8 lc rgb grey lw 2 pt 9 ps 0.9\n"
		"set linetype cycle 8\n"
		"set border 3 lc rgb '#444444'\n"
		"set tics nomirror out\n"
		"set grid ytics lc rgb '#dddddd' lw 1 dt 1\n"
		"# Legend inside at the top, in two columns, with head room kept\n"
		"# free above the data (offsets) so that it never hides a point.\n"
		"set key inside top left horizontal maxcols 2 reverse Left noopaque "
		"nobox samplen 2.5 spacing 1.1 width 2\n"
		"set offsets 0, 0, graph 0.25, 0\n"
		"\n");
	mnr__gp_puts(b, "set title ");
	mnr__gp_quote(b, m->title);
	if (m->subtitle && *m->subtitle) {
		/* A fixed "\n" between two single-quoted strings: the only
		 * double-quoted text is our own. */
		mnr__gp_puts(b, ".\"\\n\".");
		mnr__gp_quote(b, m->subtitle);
	}
	mnr__gp_puts(b, " font ',14'\n");
	if (m->xlabel) {
		mnr__gp_puts(b, "set xlabel ");
		mnr__gp_quote(b, m->xlabel);
		mnr__gp_puts(b, "\n");
	}
	if (m->ylabel) {
		mnr__gp_puts(b, "set ylabel ");
		mnr__gp_quote(b, m->ylabel);
		mnr__gp_puts(b, "\n");
	}

	/* Caption and provenance: lines at the bottom-left, in character
	 * units from the bottom of the canvas, with the bottom margin grown
	 * to hold them.  Wrap width: about 6.6 px per character at 9 pt. */
	wrap = (size_t)w * 10 / 66;
	if (wrap >= sizeof(line))
		wrap = sizeof(line) - 1;
	ncap = caption_lines(m->caption, wrap, starts, lens, 12);
	mnr__gp_printf(b, "set bmargin %zu\n", (size_t)4 + ncap + 1);
	for (i = 0; i < ncap; i++) {
		memcpy(line, m->caption + starts[i], lens[i]);
		line[lens[i]] = '\0';
		mnr__gp_printf(b, "set label %zu ", 9000 + i);
		mnr__gp_quote(b, line);
		mnr__gp_printf(b, " at character 1, character %zu left "
			       "font ',9' tc rgb '#333333'\n", ncap - i + 1);
	}
	{
		struct mnr__gp p = { 0 };

		mnr__gp_puts(&p, "Data: ");
		mnr__gp_puts(&p, m->data ? m->data : "not stated");
		if (m->privacy && *m->privacy) {
			mnr__gp_puts(&p, " \xc2\xb7 ");
			mnr__gp_puts(&p, m->privacy);
		}
		if (m->date && *m->date) {
			mnr__gp_puts(&p, " \xc2\xb7 drawn ");
			mnr__gp_puts(&p, m->date);
		}
		mnr__gp_puts(&p, " with mnrstat");
		mnr__gp_puts(b, "set label 8999 ");
		mnr__gp_quote(b, p.oom ? "" : p.s);
		mnr__gp_puts(b, " at character 1, character 1 left "
			     "font ',9' tc rgb '#555555'\n");
		if (p.oom)
			b->oom = 1;
		mnr__gp_release(&p);
	}
	mnr__gp_puts(b, "\n");
}

void mnr__gp_month_axis(struct mnr__gp *b, int lo, int hi, int min_step)
{
	int span = hi - lo + 1, step, m, first = 1;

	step = span <= 18 ? 3 : span <= 48 ? 6 : span <= 120 ? 12 : 24;
	if (step < min_step)
		step = span <= 12 ? min_step / 2 : min_step;
	if (step < 1)
		step = 1;
	mnr__gp_puts(b, "set xdata time\nset timefmt '%Y-%m'\n");
	mnr__gp_puts(b, "set xrange [");
	mnr__gp_month_boundary(b, lo);
	mnr__gp_puts(b, ":");
	mnr__gp_month_boundary(b, hi + 1);
	mnr__gp_puts(b, "]\n");
	/* Explicit tics on calendar months (an increment in seconds would
	 * drift across months of unequal length). */
	mnr__gp_puts(b, "set xtics (");
	for (m = lo; m <= hi; m++) {
		char lab[16];
		static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr",
			"May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

		if (((m % 12) % step) != 0)
			continue;
		if (step >= 12)
			snprintf(lab, sizeof(lab), "%d", m / 12);
		else
			snprintf(lab, sizeof(lab), "%s %d", mon[m % 12], m / 12);
		if (!first)
			mnr__gp_puts(b, ", ");
		first = 0;
		mnr__gp_quote(b, lab);
		mnr__gp_puts(b, " strptime('%Y-%m','");
		mnr__gp_month(b, m);
		mnr__gp_puts(b, "')");
	}
	mnr__gp_puts(b, ")\n");
}

void mnr__gp_shade_missing(struct mnr__gp *b, int lo,
			   const unsigned char *missing, size_t n,
			   int obj_base)
{
	size_t i = 0;
	int k = obj_base;

	while (i < n) {
		size_t j;

		if (!missing[i]) {
			i++;
			continue;
		}
		for (j = i; j < n && missing[j]; j++)
			;
		mnr__gp_printf(b, "set object %d rect from ", k++);
		mnr__gp_month_boundary(b, lo + (int)i);
		mnr__gp_puts(b, ", graph 0 to ");
		mnr__gp_month_boundary(b, lo + (int)j);
		mnr__gp_puts(b, ", graph 1 behind fc rgb '#e8e8e8' "
			     "fs solid 1.0 noborder\n");
		i = j;
	}
}

/* ---- paths ----------------------------------------------------------- */

int mnr_plot_format_from_path(const char *path, enum mnr_plot_format *fmt,
			      struct mnr_error *err)
{
	const char *dot = path ? strrchr(path, '.') : NULL;
	const char *slash = path ? strrchr(path, '/') : NULL;

	if (dot && (!slash || dot > slash + 1)) {
		if (strcasecmp(dot, ".svg") == 0) {
			*fmt = MNR_PLOT_SVG;
			return MNR_OK;
		}
		if (strcasecmp(dot, ".png") == 0) {
			*fmt = MNR_PLOT_PNG;
			return MNR_OK;
		}
	}
	return mnr_error_set(err, MNR_EINVAL,
			     "image name must end in .svg or .png");
}

int mnr_plot_script_path(const char *image, char **out,
			 struct mnr_error *err)
{
	const char *dot = strrchr(image, '.');
	const char *slash = strrchr(image, '/');
	size_t base = (dot && (!slash || dot > slash + 1)) ?
		(size_t)(dot - image) : strlen(image);
	char *p = mnr__malloc(base + 4);

	if (!p)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	memcpy(p, image, base);
	memcpy(p + base, ".gp", 4);
	*out = p;
	return MNR_OK;
}

/* ---- runner ---------------------------------------------------------- */

static int write_script(const char *path, const char *script,
			struct mnr_error *err)
{
	struct mnr_outfile o;
	int rc;

	rc = mnr_outfile_open(&o, path, err);
	if (rc != MNR_OK)
		return rc;
	if (fputs(script, o.fp) == EOF) {
		int e = errno;

		mnr_outfile_abort(&o);
		mnr_error_set_at(err, MNR_EIO, path, 0, 0, 0, NULL,
				 "write error: %s", strerror(e));
		return MNR_EIO;
	}
	return mnr_outfile_commit(&o, err);
}

/* Run gnuplot; returns MNR_OK or MNR_EPLOT and fills st. */
static int run_gnuplot(const char *prog, const char *script_path,
		       const char *tmp_image, int show_stderr,
		       struct mnr_plot_status *st, struct mnr_error *err)
{
	posix_spawn_file_actions_t fa;
	struct mnr__gp e = { 0 };
	char *argv[5];
	pid_t pid;
	int rc, status;

	mnr__gp_puts(&e, "outfile=");
	mnr__gp_quote(&e, tmp_image);
	if (e.oom) {
		mnr__gp_release(&e);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	argv[0] = (char *)(uintptr_t)prog;
	argv[1] = (char *)(uintptr_t)"-e";
	argv[2] = e.s;
	argv[3] = (char *)(uintptr_t)"-";
	argv[4] = NULL;
	if (posix_spawn_file_actions_init(&fa) != 0) {
		mnr__gp_release(&e);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	rc = posix_spawn_file_actions_addopen(&fa, 0, script_path, O_RDONLY, 0);
	if (!rc)
		rc = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null",
						      O_WRONLY, 0);
	if (!rc && !show_stderr)
		rc = posix_spawn_file_actions_addopen(&fa, 2, "/dev/null",
						      O_WRONLY, 0);
	if (!rc)
		rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	mnr__gp_release(&e);
	if (rc != 0) {
		st->gnuplot_missing = (rc == ENOENT || rc == EACCES ||
				       rc == ENOEXEC || rc == ENOTDIR);
		mnr_error_set(err, MNR_EPLOT, "cannot start gnuplot: %s",
			      strerror(rc));
		mnr_error_rule(err, st->gnuplot_missing ? "gnuplot-missing" :
			       "gnuplot-failed");
		return MNR_EPLOT;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			mnr_error_set(err, MNR_EPLOT, "waiting for gnuplot: %s",
				      strerror(errno));
			mnr_error_rule(err, "gnuplot-failed");
			return MNR_EPLOT;
		}
	}
	if (WIFEXITED(status)) {
		st->exit_status = WEXITSTATUS(status);
		if (st->exit_status == 0)
			return MNR_OK;
		if (st->exit_status == 127) {
			/* The exec itself failed in the child (older C
			 * libraries report a missing program this way). */
			st->gnuplot_missing = 1;
			mnr_error_set(err, MNR_EPLOT, "cannot start gnuplot");
			mnr_error_rule(err, "gnuplot-missing");
			return MNR_EPLOT;
		}
		mnr_error_set(err, MNR_EPLOT, "gnuplot failed with exit status %d",
			      st->exit_status);
	} else {
		mnr_error_set(err, MNR_EPLOT, "gnuplot was killed by signal %d",
			      WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	}
	mnr_error_rule(err, "gnuplot-failed");
	return MNR_EPLOT;
}

int mnr_plot_render(const char *script, const char *image,
		    const char *script_path, const struct mnr_plot_run *run,
		    struct mnr_plot_status *st, struct mnr_error *err)
{
	struct mnr_plot_status local;
	char *own_script_path = NULL, *tmp = NULL;
	const char *prog = (run && run->gnuplot && *run->gnuplot) ?
		run->gnuplot : "gnuplot";
	size_t n;
	int fd, rc;
	struct stat sb;

	if (!st)
		st = &local;
	st->script_written = 0;
	st->gnuplot_missing = 0;
	st->exit_status = -1;
	if (!script || !image || !*image)
		return mnr_error_set(err, MNR_EINVAL, "no script or image name");
	if (!script_path) {
		rc = mnr_plot_script_path(image, &own_script_path, err);
		if (rc != MNR_OK)
			return rc;
		script_path = own_script_path;
	}
	if (strcmp(script_path, image) == 0) {
		mnr__free(own_script_path);
		return mnr_error_set(err, MNR_EINVAL,
				     "script and image would be the same file");
	}
	rc = write_script(script_path, script, err);
	if (rc != MNR_OK)
		goto out;
	st->script_written = 1;

	n = strlen(image);
	tmp = mnr__malloc(n + sizeof(".tmp.XXXXXX"));
	if (!tmp) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto out;
	}
	memcpy(tmp, image, n);
	memcpy(tmp + n, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
	fd = mkstemp(tmp);
	if (fd < 0) {
		int e = errno;

		mnr__free(tmp);
		tmp = NULL;
		rc = mnr_error_set_at(err, MNR_ECREAT, image, 0, 0, 0, NULL,
				      "cannot create: %s", strerror(e));
		goto out;
	}
	{
		mode_t um = umask(0);

		umask(um);
		fchmod(fd, 0666 & ~um);
	}
	close(fd);
	rc = run_gnuplot(prog, script_path, tmp, run ? run->show_stderr : 0,
			 st, err);
	if (rc != MNR_OK)
		goto out;
	if (stat(tmp, &sb) != 0 || sb.st_size == 0) {
		rc = mnr_error_set(err, MNR_EPLOT, "gnuplot wrote no image");
		mnr_error_rule(err, "gnuplot-failed");
		goto out;
	}
	if (rename(tmp, image) != 0) {
		int e = errno;

		rc = mnr_error_set_at(err, MNR_EIO, image, 0, 0, 0, NULL,
				      "cannot rename into place: %s",
				      strerror(e));
		goto out;
	}
	mnr__free(tmp);
	tmp = NULL;
out:
	if (tmp) {
		unlink(tmp);
		mnr__free(tmp);
	}
	mnr__free(own_script_path);
	return rc;
}
