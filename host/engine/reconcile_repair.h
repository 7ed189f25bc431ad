/* Private to engine/reconcile_repair*.c: the state of one repair and the
 * helpers both files use. One thread. */
#ifndef PROVHOST_RECONCILE_REPAIR_H
#define PROVHOST_RECONCILE_REPAIR_H

#include <stdio.h>

#include "engine/reconcile_internal.h"
#include "lifecycle/policy.h"

#define CHUNK 256 /* findings read back per ledger query */

struct repair {
	struct recon *r;
	FILE *plan;   /* "plan:" and progress lines */
	FILE *events; /* the memory file of queued events, or NULL */
	int events_fd;
	int64_t queued;
	int64_t left; /* findings left unrepaired (needing attention) */
	int64_t held;
	bool stopped;
	bool guard_holds;
};

/* A chunk of findings read back from the ledger. */
struct chunk {
	struct ledger_finding_row rows[CHUNK];
	int n;
};

/* Collects one finding row into a struct chunk (ctx). */
int recon_rp_collect(const struct ledger_finding_row *row, void *ctx);

/* Records finding f's repair (what, detail) in the ledger and the audit
 * file (a failed audit line stops the repair). */
void recon_rp_set(struct repair *rp, const struct ledger_finding_row *f,
                  const char *what, const char *detail);

/* Reads one account by id or identity: PROVHOST_OK with *out (a new
 * reference), PROVHOST_E_NOT_FOUND, or another failure (err). */
int32_t recon_rp_lookup(struct recon *r, const char *account_id,
                        const char *identity, json_t **out,
                        provhost_error *err);

/* Links account_id to f's employee after re-checking both (nothing is
 * sent; a dry run only plans it). */
void recon_rp_link(struct repair *rp, const struct ledger_finding_row *f,
                   const char *account_id, const char *user_name, int active);

/* reconcile_repair_events.c: drift and missing accounts as ordinary
 * "update" events. queue_event: 0, or -1 (nothing queued). missing: looks
 * the account up first. run_events: applies the queued events with one
 * ordinary run and returns its exit code; outcomes: records what each
 * queued event's target became. */
int recon_rp_queue_event(struct repair *rp, const struct ledger_finding_row *f);
void recon_rp_missing(struct repair *rp, const struct ledger_finding_row *f);
int recon_rp_run_events(struct repair *rp);
void recon_rp_outcomes(struct repair *rp);

/* reconcile_supervise.c: the supervision gate of a deactivation or link
 * repair of f (account_id, user_name: the account it acts on). 0 to go
 * on (approval: the approval that lets it, {0, 0} when none was needed),
 * 1 held for approval or failed (f settled). approval_used: marks the
 * approval applied after the repair succeeded (not in a dry run). */
int recon_rp_supervise(struct repair *rp, const struct ledger_finding_row *f,
                       enum policy_change change, const char *account_id,
                       const char *user_name, int64_t approval[2]);
void recon_rp_approval_used(struct repair *rp, const int64_t approval[2]);

#endif
