/*
 * Helpers shared by the chart-drawing subcommands (plot, reproduce): the
 * provenance date, the gnuplot program, and rendering with the exit-69
 * message when gnuplot is missing.
 */
#ifndef CLI_PLOT_H
#define CLI_PLOT_H

#include <stddef.h>

#include "commands.h"

/* The handlers (also declared in commands.h once the table lists them). */
cli_command_fn cmd_plot;
cli_command_fn cmd_reproduce;

/* Date for the provenance line: opt (YYYY-MM-DD, checked), else
 * SOURCE_DATE_EPOCH (reproducible builds), else today (UTC).  0 or -1. */
int cli_plot_date(const char *opt, char *buf, size_t size);

/* --width (height 0: 200..10000) or --height (150..10000) in pixels into
 * *px; 0, or the usage error printed and 64. */
int cli_plot_size(const char *sub, int height, const char *arg, long *px);

/* gnuplot program: opt, else $MNR_GNUPLOT, else "gnuplot". */
const char *cli_plot_gnuplot(const char *opt);

/* Render script to out; prints the message and returns the exit status
 * (69 with install advice when gnuplot is missing or fails). */
int cli_plot_render(const char *sub, const char *script, const char *out,
		    const char *gnuplot, const struct cli_context *ctx);

#endif
