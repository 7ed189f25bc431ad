/* Opening the configured ledger for the commands that only read it or
 * review it (status, history, review). */
#ifndef PROVHOST_CLI_LEDGER_H
#define PROVHOST_CLI_LEDGER_H

#include <stdbool.h>

#include "config/config.h"
#include "ledger/ledger.h"

/* Loads the configuration (-c config, or the default) and opens its
 * ledger without creating one. Returns 0 with *cfg and *l (the caller
 * frees both), 1 when there is no ledger yet ("nothing has run" printed;
 * *cfg set), or EXIT_USAGE with the message on stderr. */
int cli_open_ledger(const char *config, struct config **cfg, struct ledger **l);

/* The same; quiet: print nothing when there is no ledger yet (a JSON
 * document follows instead). */
int cli_open_ledger_quiet(const char *config, bool quiet, struct config **cfg,
                          struct ledger **l);

#endif
