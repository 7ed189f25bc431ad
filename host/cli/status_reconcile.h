/* provhost status: each connection's last reconcile (the newest finished
 * reconcile run in the ledger: when, its counts, its exit code). */
#ifndef PROVHOST_STATUS_RECONCILE_H
#define PROVHOST_STATUS_RECONCILE_H

#include <jansson.h>

#include "ledger/ledger.h"

/* The "last_reconcile" member of status --json's connection (null when
 * the connection was never reconciled, or l is NULL). NULL on a ledger
 * error (ledger_last_error). */
json_t *status_reconcile_json(struct ledger *l, const char *connection);

/* The status text's line(s) for it (nothing when never reconciled). 0 or
 * -1 (ledger_last_error). */
int status_reconcile_print(struct ledger *l, const char *connection);

#endif
