/* The command-line interface: the table of commands, global options, help
 * and usage errors. Adding a command is one table entry in cli.c plus its
 * handler's declaration here. */
#ifndef PROVHOST_CLI_H
#define PROVHOST_CLI_H

#include <stdio.h>

struct cli_command {
	const char *name;    /* "check-config" */
	const char *summary; /* one line for --help */
	const char *usage;   /* full text for `provhost help NAME` */
	/* argv[0] is the command name; options and operands follow. Returns
	 * the process exit code (exit_codes.h). */
	int (*run)(int argc, char **argv);
};

/* The command table, ended by an entry with a NULL name. */
extern const struct cli_command cli_commands[];

/* The command called name, or NULL. */
const struct cli_command *cli_find_command(const char *name);

/* Parses global options (-v, -vv, -q, --version, --help) and runs the
 * command. Returns the exit code. */
int cli_main(int argc, char **argv);

/* Prints --help (commands, global options, exit codes) to out. */
void cli_print_help(FILE *out);

/* Prints one usage error line to stderr — "provhost CMD: what is wrong;
 * see 'provhost help CMD'" (cmd NULL: "provhost: ...; see 'provhost
 * --help'") — and returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* Options most commands share. */
struct cli_common {
	const char *config;     /* -c FILE, or NULL */
	const char *plugin_dir; /* --plugin-dir DIR, or NULL */
};

/* Parses -c/--config FILE, --plugin-dir DIR and -v/--verbose of command
 * argv[0] into opts (allowed: a mask of CLI_OPT_*); returns the index of
 * the first operand, or -1 after printing a usage error. */
#define CLI_OPT_CONFIG     1
#define CLI_OPT_PLUGIN_DIR 2
int cli_parse_common(int argc, char **argv, int allowed,
                     struct cli_common *opts);

/* Command handlers. */
int cmd_help(int argc, char **argv);
int cmd_plugins(int argc, char **argv);
int cmd_check_config(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_sync(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_review(int argc, char **argv);
int cmd_check_connector(int argc, char **argv);
int cmd_reconcile(int argc, char **argv);

/* Usage texts of commands defined outside cli.c. */
extern const char cmd_run_usage[];
extern const char cmd_sync_usage[];
extern const char cmd_status_usage[];
extern const char cmd_history_usage[];
extern const char cmd_review_usage[];
extern const char cmd_check_connector_usage[];
extern const char cmd_reconcile_usage[];

#endif
