/*
 * The subcommand table (git's builtin table).  Each handler returns an exit
 * status and never calls exit(), so it can run in-process and clean up.
 */
#ifndef CLI_COMMANDS_H
#define CLI_COMMANDS_H

#include <stddef.h>

struct cli_context {
	int debug;            /* --debug: print error origins */
};

enum cli_command_flags {
	CLI_CMD_READS_INPUT = 1 << 0,
	CLI_CMD_NEEDS_GNUPLOT = 1 << 1,
	CLI_CMD_HIDDEN = 1 << 2,
};

typedef int cli_command_fn(int argc, char **argv, const struct cli_context *ctx);

struct cli_command {
	const char *name;
	cli_command_fn *fn;
	const char *summary;   /* one line for mnrstat --help */
	const char *synopsis;  /* usage line, without "mnrstat " */
	int min_operands;
	int max_operands;      /* -1 = unlimited */
	unsigned flags;
};

extern const struct cli_command cli_commands[];
extern const size_t cli_ncommands;

const struct cli_command *cli_find_command(const char *name);

/* One declaration per handler, in table order. */
cli_command_fn cmd_aggregate;
cli_command_fn cmd_budget;
cli_command_fn cmd_check;
cli_command_fn cmd_compare;
cli_command_fn cmd_did;
cli_command_fn cmd_its;
cli_command_fn cmd_merge;
cli_command_fn cmd_plot;
cli_command_fn cmd_release;
cli_command_fn cmd_removal;
cli_command_fn cmd_report;
cli_command_fn cmd_reproduce;

#endif
