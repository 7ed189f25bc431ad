/* The last written state of a link (issue 16): an event whose mapped
 * record equals what provhost last wrote to the linked account (and saw
 * succeed) sends no request; a connector with PROVHOST_CAP_ETAG gets that
 * state and the account's ETag with the call, so it may send only the
 * difference; a success stores the new state, a deprovision forgets it.
 * Worker threads; each struct run_last belongs to one event's plan. */
#ifndef PROVHOST_RUN_STATE_H
#define PROVHOST_RUN_STATE_H

#include <stdbool.h>

#include <provhost/connector.h>

#include "ledger/ledger.h"

struct run_worker;
struct run_task;

struct run_last {
	char hash[65]; /* of the plan's record, "" when not computed */
	bool have;     /* st holds the state of the linked account */
	struct ledger_last_state st; /* st.record owned (run_last_release) */
};

/* For a provision of t's person to the linked account account_id (NULL:
 * none) with the mapped record: hashes it and reads the link's last state
 * into last. Returns 1 when the record equals the last state and policy
 * verify is "changes": t is then finished done, outcome "unchanged",
 * reason "no change", with an audit line and no request; 0 to go on. */
int run_last_unchanged(struct run_worker *w, const struct run_task *t,
                       const char *record, const char *account_id,
                       bool link_active, struct run_last *last);

/* Puts the last state into call for a connector advertising
 * PROVHOST_CAP_ETAG, when it is the state of account_id. */
void run_last_call(const struct run_worker *w, const struct run_last *last,
                   const char *account_id, provhost_call *call);

/* After a successful call recorded for t (inside its ledger transaction):
 * a provision stores record (its hash) with res->etag as the state of
 * account_id; a deprovision forgets the state. Returns 0 or -1 (ledger
 * error). */
int run_last_record(struct run_worker *w, const struct run_task *t,
                    bool provision, const char *account_id, const char *record,
                    const struct run_last *last, const provhost_result *res);

void run_last_release(struct run_last *last);

#endif
