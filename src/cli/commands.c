/*
 * The subcommand table, sorted by name (a unit test checks order and
 * uniqueness).  Help text comes from here so it cannot drift.
 */
#include <string.h>

#include "commands.h"

const struct cli_command cli_commands[] = {
	{ "aggregate", cmd_aggregate,
	  "stream case records into the monthly panel",
	  "aggregate [OPTIONS] CASES.csv...", 1, -1, CLI_CMD_READS_INPUT },
	{ "check", cmd_check,
	  "validate a file against its schema and the anonymisation rules",
	  "check [OPTIONS] FILE", 1, 1, CLI_CMD_READS_INPUT },
	{ "merge", cmd_merge,
	  "merge partial aggregates (from aggregate --partial) into the panel",
	  "merge [OPTIONS] PARTIAL...", 1, -1, CLI_CMD_READS_INPUT },
};

const size_t cli_ncommands = sizeof(cli_commands) / sizeof(cli_commands[0]);

const struct cli_command *cli_find_command(const char *name)
{
	size_t i;

	for (i = 0; i < cli_ncommands; i++)
		if (strcmp(cli_commands[i].name, name) == 0)
			return &cli_commands[i];
	return NULL;
}
