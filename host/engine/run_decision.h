/* The decision of the task a worker applies (lifecycle/decision.h), kept
 * per thread while run_event.c decides and calls, and shown when the
 * target ends: stored with the target in the ledger, one audit line
 * ("operation": "decision"), one -v log line, and in a dry run one plan
 * line — the same decision everywhere. Private to run_*.c. */
#ifndef PROVHOST_RUN_DECISION_H
#define PROVHOST_RUN_DECISION_H

#include <stdbool.h>

#include "engine/run_internal.h"
#include "lifecycle/decision.h"

/* Starts this thread's decision for t: what t's event changed in the
 * person's HR record (the previous record -> t->record; values of the
 * mapping's sensitive attributes masked). */
void run_decision_begin(struct run_conn *conn_run, const struct run_task *t);

/* What policy decided for t's event: the matched rules, the roles, and
 * the reason (decision_policy_reason). */
void run_decision_policy(struct run_conn *conn_run, enum event_kind kind,
                         const struct rules_result *rr,
                         const struct policy_decision *dec);

/* t's target ended in state (outcome and account_id for a done one, else
 * NULL; why: the reason it was not done, NULL for done): completes this
 * thread's decision (action from the outcome; adopted: the account was
 * found and linked by this event) and records and shows it. Without a
 * begun decision (an early failure) one is made from state and why. */
void run_decision_finish(struct run_conn *conn_run, const struct run_task *t,
                         enum ledger_state state, const char *outcome,
                         const char *account_id, bool adopted, const char *why);

/* t needed no request: its mapped record equals the last written state
 * of account_id (run_state.c). Completes this thread's decision as action
 * none with the reason exactly "no change" (the rules, roles and changes
 * as decided) and records and shows it like run_decision_finish. */
void run_decision_no_request(struct run_conn *conn_run,
                             const struct run_task *t, const char *account_id);

/* Forgets this thread's decision (a task left pending has none). */
void run_decision_end(void);

/* The guard held event_id (employee_id) before any worker saw it. */
void run_decision_held(struct run_conn *conn_run, const char *event_id,
                       const char *employee_id, const char *why);

#endif
