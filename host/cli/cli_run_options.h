/* The options `provhost run` and `provhost sync` share. */
#ifndef PROVHOST_CLI_RUN_OPTIONS_H
#define PROVHOST_CLI_RUN_OPTIONS_H

#include "engine/run.h"

/* Parses argv's options into *opt (strings point into argv): -c,
 * --connection, --dry-run, --allow-mass-deprovision, --reject-file,
 * --audit, --plugin-dir, --progress/--no-progress, --input, -v, --help,
 * and --format for run or --as-of when opt->snapshot (sync). usage is
 * printed for --help. Returns the index of the first operand, or -1 with
 * *code set (EXIT_DONE after --help, EXIT_USAGE after the message). */
int cli_run_options(int argc, char **argv, const char *usage,
                    struct run_options *opt, int *code);

#endif
