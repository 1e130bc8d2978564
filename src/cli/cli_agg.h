/*
 * Helpers shared by the aggregate and merge subcommands (CLI layer):
 * --as-of parsing, the terminal progress line, and the output step.
 */
#ifndef CLI_AGG_H
#define CLI_AGG_H

#include <stdint.h>

#include "commands.h"
#include "mnrstat/aggregate.h"

struct cli_progress {
	const char *sub;
	int on;                        /* stderr is a terminal, not --quiet */
	int shown;                     /* a progress line is on screen */
	double t0, last;
	unsigned long long total;      /* bytes of all inputs, 0 = unknown */
	unsigned long long base_bytes; /* of the inputs already read */
	unsigned long long base_rows;
};

/* --as-of DATE[Thh:mm[:ss][zone]]: a date alone means 23:59:59 UTC. */
int cli_parse_as_of(const char *sub, const char *s, int64_t *t);

void cli_progress_init(struct cli_progress *p, const char *sub);
mnr_agg_progress_fn cli_progress_fn;
void cli_progress_next(struct cli_progress *p, unsigned long long bytes,
		       unsigned long long rows);
void cli_progress_done(struct cli_progress *p);

/*
 * Write agg as a partial or as the panel (with pop_path's population)
 * to out_path through an atomic output file; returns an exit status.
 */
int cli_agg_output(const char *sub, struct mnr_agg *agg, int partial,
		   const char *pop_path, const struct mnr_colmap *map,
		   const char *out_path, const struct cli_context *ctx);

#endif
