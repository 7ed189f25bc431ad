/* A dry run that plays the whole input in order (README "Dry run"): the
 * first event of a person on a connection is planned by the connector
 * against the target as it is (reads only); what it planned is kept in the
 * ledger copy (ledger_planned_*), and the person's later events are
 * planned against that, by the host, without a call — a planned account is
 * never looked up on the target. So the dry run's totals are what the real
 * run then does on the same target. Private to run_*.c; dry runs only. */
#ifndef PROVHOST_RUN_DRYPLAN_H
#define PROVHOST_RUN_DRYPLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/run_internal.h"

/* The account a dry run's planned create leaves when the connector has no
 * id for it (outcome created, none returned): a new "planned:N" in buf (N
 * unique in the process); NULL for any other outcome. */
const char *run_dryplan_new_account(int32_t outcome, char *buf, size_t len);

/* After the connector planned t (a successful dry-run call with outcome,
 * on account_id, NULL when none): records what the person's account is
 * planned to be — record (JSON text, the provision's record) and active.
 * Returns 0, or -1 when the ledger copy cannot take it (ledger_last_error). */
int run_dryplan_note(struct run_conn *conn_run, const struct run_task *t,
                     bool provision, const char *record, const char *account_id,
                     int32_t outcome);

/* Before calling the connector in a dry run: when an earlier event of t's
 * person planned their account, decides t against that plan (outcome:
 * created when planned absent, reactivated when planned inactive,
 * unchanged when record equals the planned one, else updated; a
 * deprovision deactivates an active one, is unchanged on an inactive one
 * and absent on none), prints the plan line, writes the audit line,
 * finishes t in the copy and counts it. Returns 1 when t was decided here
 * (or a ledger failure stopped the run), 0 when nothing is planned for the
 * person: ask the connector. */
int run_dryplan_apply(struct run_worker *w, const struct run_task *t,
                      bool provision, const char *record,
                      const char *user_name);

#endif
