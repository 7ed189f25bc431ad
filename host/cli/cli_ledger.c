#include "cli/cli_ledger.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "util/exit_codes.h"

int cli_open_ledger(const char *config, struct config **cfg, struct ledger **l)
{
	return cli_open_ledger_quiet(config, false, cfg, l);
}

int cli_open_ledger_quiet(const char *config, bool quiet, struct config **cfg,
                          struct ledger **l)
{
	char err[8192];
	struct stat st;

	if (config_load(config_default_path(config), cfg, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	if (stat((*cfg)->ledger_path, &st) != 0 && errno == ENOENT) {
		if (!quiet)
			printf("no ledger yet at %s: nothing has run\n",
			       (*cfg)->ledger_path);
		return 1;
	}
	if (ledger_open((*cfg)->ledger_path, 0, l)) {
		fprintf(stderr, "provhost: %s\n", ledger_last_error());
		return EXIT_USAGE;
	}
	return 0;
}
