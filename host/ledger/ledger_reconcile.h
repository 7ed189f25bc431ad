/* Reconciliation in the ledger (schema 5): one reconcile run per
 * connection and reconcile, with its counts, and its findings (every
 * account or person that is not ok: class, why, and what a repair did).
 * Findings are not work items; a repair that writes becomes an ordinary
 * event (engine/reconcile_repair.c).
 *
 * Threads and errors as in ledger.h: every call takes the ledger's lock,
 * -1 leaves a message in ledger_last_error(). A struct ledger_recon holds
 * its prepared statements and is used by one thread. */
#ifndef PROVHOST_LEDGER_RECONCILE_H
#define PROVHOST_LEDGER_RECONCILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger/ledger.h"

struct ledger_recon;

/* One finding to store; strings borrowed, NULL = none. n numbers the
 * findings of a run from 1. active: 1, 0, -1 unknown / no account. */
struct ledger_finding {
	int64_t n;
	const char *cls; /* "drift", "orphan", "unlinked_match", ... */
	const char *account_id;
	const char *user_name;
	const char *employee_id;
	int active;
	const char *detail;
};

/* A stored finding, as read back. */
struct ledger_finding_row {
	int64_t n;
	char cls[32];
	char account_id[256];
	char user_name[256];
	char employee_id[257];
	int active; /* 1, 0, -1 */
	char detail[1200];
	char repair[32]; /* "" = none */
	char repair_detail[600];
};

/* Starts a reconcile run of connection: *out (ledger_recon_close it) and
 * its id in ledger_recon_id. */
int ledger_recon_begin(struct ledger *l, const char *connection, bool repair,
                       int64_t now, struct ledger_recon **out);
int64_t ledger_recon_id(const struct ledger_recon *r);

int ledger_recon_add(struct ledger_recon *r, const struct ledger_finding *f);

/* Changes finding n's class and detail (an unlinked match that turns out
 * to be disputed when a second account correlates to the same person). */
int ledger_recon_set_class(struct ledger_recon *r, int64_t n, const char *cls,
                           const char *detail);

/* Records what a repair of finding n did ("linked", "deactivated",
 * "queued", "planned", "protected", "held", "failed", ...). */
int ledger_recon_set_repair(struct ledger_recon *r, int64_t n,
                            const char *repair, const char *detail);

/* Ends the run: accounts listed, exit code, counts (JSON object text,
 * copied) and the error that stopped it (NULL = none; with one, the run's
 * findings are discarded: a partial listing classifies nothing). */
int ledger_recon_finish(struct ledger_recon *r, int64_t accounts, int exit_code,
                        const char *counts_json, const char *error,
                        int64_t now);

/* Frees the statements (not the run). NULL allowed. */
void ledger_recon_close(struct ledger_recon *r);

/* Calls fn for the findings of run run_id of class cls (NULL = all) in
 * order, at most limit (< 0 = all), until fn returns nonzero. fn runs with
 * the lock held and must not call the ledger. 0, or -1. */
int ledger_recon_findings(
        struct ledger *l, int64_t run_id, const char *cls, int64_t limit,
        int (*fn)(const struct ledger_finding_row *row, void *ctx), void *ctx);

/* The same for every class, from the finding after number after. */
int ledger_recon_findings_after(
        struct ledger *l, int64_t run_id, int64_t after, int64_t limit,
        int (*fn)(const struct ledger_finding_row *row, void *ctx), void *ctx);

/* One person with their link on a connection, for the "missing" pass. */
struct ledger_recon_person {
	const char *employee_id;
	const char *status;     /* "active", "on_leave", "terminated" */
	const char *record;     /* JSON object text */
	const char *account_id; /* NULL = not linked */
	const char *user_name;  /* the link's, or NULL */
	bool link_active;
	bool outstanding;    /* has work on connection not done yet (pending,
	                      * failed, not yet effective, held, disputed) */
	bool hire_discarded; /* their latest hire or rehire on connection was
	                      * discarded in review: no account, by decision */
};

/* Calls fn for every person (by employee id) with their link on
 * connection, until fn returns nonzero (returned). fn runs with the lock
 * held and must not call the ledger. */
int ledger_recon_persons(struct ledger *l, const char *connection,
                         int (*fn)(const struct ledger_recon_person *p,
                                   void *ctx),
                         void *ctx);

/* The employees whose work email key (person.h) is key: up to max of them
 * in out (each 257 bytes), their number (all of them) in *n. */
int ledger_recon_email_owners(struct ledger_recon *r, const char *key,
                              char (*out)[257], size_t max, size_t *n);

/* Whether employee_id has work on connection not done yet (pending,
 * failed, not yet effective, held, disputed): *out. 0 or -1. */
int ledger_recon_outstanding(struct ledger *l, const char *connection,
                             const char *employee_id, bool *out);

/* Calls fn with each repair outcome of run run_id and how many findings
 * got it (sorted by outcome). fn runs with the lock held. 0 or -1. */
int ledger_recon_repair_counts(struct ledger *l, int64_t run_id,
                               void (*fn)(const char *repair, int64_t n,
                                          void *ctx),
                               void *ctx);

/* The number of active links on connection. */
int ledger_recon_active_links(struct ledger *l, const char *connection,
                              int64_t *n);

/* --- repairs held by supervised mode (ledger_recon_review.c) -------------
 * A repair the connection's policy "supervise" holds (an orphan's
 * deactivation, a link) is a finding with repair "supervised"; provhost
 * review lists those of each connection's latest reconcile --repair and
 * approves ("approved") or discards ("discarded") them; the next
 * reconcile --repair applies an approved one for the same class, account
 * and employee and marks it "applied". */
struct ledger_recon_held {
	int64_t run_id, n;
	int64_t at; /* when the reconcile run started */
	char connection[256];
	char cls[32];
	char account_id[256];
	char user_name[256];
	char employee_id[257];
	char repair[32];
	char reason[600];
};

/* The supervised repairs waiting (of connection; NULL = all), ordered by
 * connection and finding: *rows (free it), *n. 0 or -1. */
int ledger_recon_held_list(struct ledger *l, const char *connection,
                           struct ledger_recon_held **rows, size_t *n);

/* Approves (or discards) waiting repair run_id/n of connection, with text
 * (who and why). 0, 1 no such waiting repair, -1. */
int ledger_recon_held_decide(struct ledger *l, int64_t run_id, int64_t n,
                             const char *connection, bool approve,
                             const char *text);

/* The approved repair on connection for class cls, account_id and
 * employee_id ("" = none) of the connection's latest finished reconcile
 * --repair (an approval the next repair does not use lapses: a later
 * repair asks again): *run_id, *n. 0 found, 1 none, -1. */
int ledger_recon_approved(struct ledger *l, const char *connection,
                          const char *cls, const char *account_id,
                          const char *employee_id, int64_t *run_id, int64_t *n);

/* The latest repair on connection for class cls, account_id and
 * employee_id that a person discarded in provhost review, in any run: a
 * decision to leave that account as it is, which a later repair keeps.
 * 0 with *run_id, *n; 1 none; -1. */
int ledger_recon_discarded(struct ledger *l, const char *connection,
                           const char *cls, const char *account_id,
                           const char *employee_id, int64_t *run_id,
                           int64_t *n);

/* Marks approved repair run_id/n "applied" with detail. 0 or -1. */
int ledger_recon_applied(struct ledger *l, int64_t run_id, int64_t n,
                         const char *detail);

/* Records the account a finding turned out to be about (a missing
 * person's account found by a lookup). 0 or -1. */
int ledger_recon_set_account(struct ledger_recon *r, int64_t n,
                             const char *account_id, const char *user_name);

/* The connection's newest finished reconcile run (for provhost status):
 * 0 with *out filled (counts: JSON text or ""), 1 none, -1. */
struct ledger_recon_last {
	int64_t id, started_at, finished_at, accounts;
	int exit_code; /* -1 = none */
	bool repair;
	char counts[2048];
	char error[1200];
};
int ledger_recon_last(struct ledger *l, const char *connection,
                      struct ledger_recon_last *out);

#endif
