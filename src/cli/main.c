/*
 * mnrstat: global options, subcommand dispatch, stdout check.  Everything
 * numeric lives in the library; this layer owns argv, messages, exit codes.
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli_util.h"
#include "commands.h"
#include "mnrstat/version.h"

static void print_help(void)
{
	size_t i;

	puts("Usage: mnrstat [--debug] COMMAND [OPTIONS] [ARGS]\n"
	     "       mnrstat --help | --version | help COMMAND\n\n"
	     "Honest before-and-after statistics on national responses to online\n"
	     "child sexual exploitation and abuse, with differential privacy.\n\n"
	     "Commands:");
	for (i = 0; i < cli_ncommands; i++)
		if (!(cli_commands[i].flags & CLI_CMD_HIDDEN))
			printf("  %-10s %s\n", cli_commands[i].name,
			       cli_commands[i].summary);
	puts("\nRun 'mnrstat COMMAND --help' for a command's options.\n"
	     "Exit status: 0 success, 64 usage, 65 data error, 66 missing input,\n"
	     "69 gnuplot missing, 70 internal, 73 cannot create output, 74 I/O error,\n"
	     "77 refused by privacy policy.");
}

static int close_stdout(int status)
{
	int failed = fflush(stdout) != 0 || ferror(stdout);
	int e = errno;

	if (fclose(stdout) != 0 && !failed) {
		failed = 1;
		e = errno;
	}
	if (failed) {
		fprintf(stderr, "mnrstat: write error: %s\n", strerror(e));
		return status ? status : CLI_EX_IOERR;
	}
	return status;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "debug", no_argument, NULL, 'd' },
		{ "list-commands", no_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_context ctx = { 0 };
	const struct cli_command *cmd;
	static char prog[] = "mnrstat";
	int c;
	size_t i;

	/* getopt's own messages name argv[0]: say "mnrstat", not a path. */
	argv[0] = prog;

	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			print_help();
			return CLI_EX_OK;
		case 'V':
			printf("mnrstat %s\n", MNR_VERSION);
			return CLI_EX_OK;
		case 'd':
			ctx.debug = 1;
			break;
		case 'L':
			for (i = 0; i < cli_ncommands; i++)
				puts(cli_commands[i].name);
			return CLI_EX_OK;
		default:
			fputs("Try 'mnrstat --help'.\n", stderr);
			return CLI_EX_USAGE;
		}
	}
	if (optind >= argc) {
		print_help();
		return CLI_EX_USAGE;
	}
	argc -= optind;
	argv += optind;
	if (strcmp(argv[0], "help") == 0) {
		static char help_opt[] = "--help";
		char *hargv[3];

		if (argc < 2) {
			print_help();
			return CLI_EX_OK;
		}
		if (!(cmd = cli_find_command(argv[1]))) {
			fprintf(stderr, "mnrstat: '%s' is not a mnrstat command; "
				"see 'mnrstat --help'\n", argv[1]);
			return CLI_EX_USAGE;
		}
		hargv[0] = argv[1];
		hargv[1] = help_opt;
		hargv[2] = NULL;
		return cmd->fn(2, hargv, &ctx);
	}
	if (!(cmd = cli_find_command(argv[0]))) {
		fprintf(stderr, "mnrstat: '%s' is not a mnrstat command; "
			"see 'mnrstat --help'\n", argv[0]);
		return CLI_EX_USAGE;
	}
	return cmd->fn(argc, argv, &ctx);
}

int main(int argc, char **argv)
{
	/*
	 * Messages may follow the user's locale, but numbers never do:
	 * strtod and printf must read and write '.' whatever LC_NUMERIC says.
	 */
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	gsl_set_error_handler_off();
	return close_stdout(run(argc, argv));
}
