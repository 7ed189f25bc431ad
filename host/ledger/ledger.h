/* The ledger: an SQLite file recording every accepted event, its state per
 * connection, every attempt, the employee -> account links, rejected lines
 * and runs. It is what makes re-runs idempotent and crash recovery possible,
 * and what `provhost status` / `history` read.
 *
 * Threads: one struct ledger may be used by several threads at once; every
 * call takes an internal mutex (one SQLite connection, statements cached).
 * Callbacks (ledger_outstanding) run without the mutex held and may call
 * the ledger again.
 *
 * Errors: calls return -1 and leave a one-line message for the calling
 * thread in ledger_last_error(). Times are epoch seconds chosen by the
 * caller ("now"), so tests control the clock. Strings in result structs are
 * copied into fixed buffers (cut at their size); nothing to free unless
 * stated. See README-lifecycle.md for the schema and states. */
#ifndef PROVHOST_LEDGER_H
#define PROVHOST_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lifecycle/events.h"

#define LEDGER_SCHEMA_VERSION 10

struct ledger;

enum ledger_state {
	LEDGER_PENDING = 0,       /* accepted, not finished (or crashed) */
	LEDGER_NOT_YET_EFFECTIVE, /* "effective" is in the future */
	LEDGER_DONE,              /* applied on the target */
	LEDGER_FAILED,            /* gave up this run; retried next run */
	LEDGER_REJECTED,          /* can never apply (e.g. mapping error) */
	LEDGER_SKIPPED,           /* nothing to do by policy */
	LEDGER_HELD,              /* waits for a person to review it (the
	                           * reason is the target's last_error, the run
	                           * that held it the event's run); no run
	                           * applies it */
	LEDGER_DISPUTED,          /* provhost cannot tell whose account it is
	                           * (two employees, one account or one work
	                           * email); the reason names both employees
	                           * and the account. No write is sent and no
	                           * run applies it */
	LEDGER_STATE_COUNT
};

/* "pending", "not_yet_effective", "done", "failed", "rejected", "skipped",
 * "held", "disputed". */
const char *ledger_state_name(enum ledger_state s);
int ledger_state_from_name(const char *name, enum ledger_state *out);

/* The calling thread's message for its last failed ledger call. */
const char *ledger_last_error(void);

#define LEDGER_OPEN_CREATE 1 /* create the file (and its directory) */

/* Opens (with LEDGER_OPEN_CREATE: creates, parent directories mode 0700,
 * file mode 0600) the ledger at path, sets WAL, synchronous=NORMAL,
 * busy_timeout 5000 ms and foreign keys, and migrates the schema to
 * LEDGER_SCHEMA_VERSION. Refuses a ledger written by a newer provhost.
 * Returns 0 and *out (ledger_close), or -1 (ledger_last_error()). */
int ledger_open(const char *path, int flags, struct ledger **out);

/* Opens a private in-memory copy of the ledger at path (a consistent
 * snapshot; a new empty ledger when path does not exist) for a dry run: it
 * sees exactly what a real run would, and nothing it writes reaches a disk
 * or outlives the process — no temporary file holds HR data. Returns 0 and
 * *out (ledger_close), or -1 (ledger_last_error()). */
int ledger_open_copy(const char *path, struct ledger **out);

void ledger_close(struct ledger *l);

/* Groups the calling thread's next ledger calls into one transaction until
 * ledger_batch_end: far faster than one transaction per call when storing
 * many events or outcomes. Other threads' calls wait meanwhile, so keep
 * batches short (a few hundred events). A call that fails inside a batch is
 * undone on its own; the batch goes on. ledger_batch_end(l, true) commits
 * (-1 if that fails: then nothing of the batch is stored), false rolls the
 * whole batch back. Batches do not nest. */
int ledger_batch_begin(struct ledger *l);
int ledger_batch_end(struct ledger *l, bool commit);

/* --- runs ---------------------------------------------------------------- */

/* Records the start of a run; *run_id gets its id. */
int ledger_run_begin(struct ledger *l, const char *source, bool dry_run,
                     int64_t now, int64_t *run_id);

/* Records the end of a run with its exit code and a JSON summary text
 * (copied; NULL = none). */
int ledger_run_finish(struct ledger *l, int64_t run_id, int exit_code,
                      const char *summary_json, int64_t now);

struct ledger_run {
	int64_t id;
	int64_t started_at;
	int64_t finished_at; /* 0 while unfinished (or the run crashed) */
	bool dry_run;
	int exit_code; /* meaningful when finished_at != 0 */
	char source[512];
	char summary[4096]; /* JSON text, "" when none */
};

/* The most recent run: 0 and *out, 1 when there is none, -1 on error. */
int ledger_last_run(struct ledger *l, struct ledger_run *out);

/* Calls fn with the summary JSON text of each finished real (not dry) run
 * before before_run_id, newest first, at most max of them, until fn returns
 * nonzero. fn runs with the ledger's lock held and must not call the
 * ledger. Returns 0, or -1 on error. */
int ledger_run_summaries(struct ledger *l, int64_t before_run_id, int max,
                         int (*fn)(const char *summary, void *ctx), void *ctx);

/* Records the identity of the run's input: the SHA-256 (hex) of every byte
 * read. Together with the run's source it tells "the same input again" from
 * a different one (ledger_event_origin). */
int ledger_run_set_input(struct ledger *l, int64_t run_id,
                         const char *input_sha256);

/* --- events and their per-connection targets ------------------------------ */

enum ledger_accept_result {
	LEDGER_ACCEPT_NEW = 0,  /* stored now */
	LEDGER_ACCEPT_SEEN,     /* stored before, same content */
	LEDGER_ACCEPT_CONFLICT, /* stored before with this id, other content */
};

/* Stores ev (and where it came from) with one target row per connection,
 * in one transaction. Each new target starts "not_yet_effective" when ev is
 * effective after now, else "pending". When the event id is already stored,
 * nothing of the event changes; connections without a target row get one;
 * a stored not_yet_effective target that is now due becomes pending.
 * states[i] (caller's array of n) gets the state of connections[i];
 * *result says new / seen / conflict (content differs: callers should
 * reject the line rather than apply it; nothing is created then, and
 * connections without a target report "rejected"). *seq (may be NULL) gets
 * the event's sequence number. */
int ledger_event_accept(struct ledger *l, const struct event *ev,
                        const char *source, int64_t line_no, int64_t run_id,
                        const char *const *connections, size_t n, int64_t now,
                        enum ledger_state *states,
                        enum ledger_accept_result *result, int64_t *seq);

/* ledger_event_accept for an event held for review: a new event gets
 * targets in state held with reason as their last_error (an event already
 * stored keeps its targets; missing ones are created held). */
int ledger_event_hold(struct ledger *l, const struct event *ev,
                      const char *source, int64_t line_no, int64_t run_id,
                      const char *const *connections, size_t n,
                      const char *reason, int64_t now,
                      enum ledger_state *states,
                      enum ledger_accept_result *result);

/* Where a stored event was first seen, and the input of that run. */
struct ledger_origin {
	int64_t seq;
	int64_t run_id; /* 0 = unknown */
	int64_t line_no;
	enum event_kind kind;
	char source[512];
	char run_source[512];  /* "" when unknown */
	char input_sha256[65]; /* "" when unknown (older provhost, crash) */
};

/* 0 and *out, 1 when no event has that id, -1. */
int ledger_event_origin(struct ledger *l, const char *event_id,
                        struct ledger_origin *out);

/* One event of a person, for the identity checks of ingest. */
struct ledger_event_brief {
	int64_t seq;
	enum event_kind kind;
	int64_t line_no;
	char id[300];
	char source[256];
};

/* The events of employee_id stored after sequence number after, in order,
 * in a malloc'd array (caller frees; NULL when none). */
int ledger_events_after(struct ledger *l, const char *employee_id,
                        int64_t after, struct ledger_event_brief **rows,
                        size_t *n);

/* A held or disputed target of a connection: the person's later work waits
 * behind it. */
struct ledger_held {
	char employee_id[257];
	enum ledger_state state; /* LEDGER_HELD or LEDGER_DISPUTED */
	int64_t seq;
	int64_t run_id;
	int64_t line_no;
};

/* Every held or disputed target of connection, ordered by employee then
 * sequence, in a malloc'd array (caller frees; NULL when none). */
int ledger_held_list(struct ledger *l, const char *connection,
                     struct ledger_held **rows, size_t *n);

/* Records a line that was not accepted (raw may be any bytes; at most
 * 64 KiB are kept), once: the same source, line number and raw bytes (all
 * of them, hashed) rejected again by a later run add no row. */
int ledger_reject(struct ledger *l, int64_t run_id, const char *source,
                  int64_t line_no, const char *raw, size_t raw_len,
                  const char *reason, int64_t now);

struct ledger_target {
	enum ledger_state state;
	int attempts;
	int http_status; /* 0 = none */
	int64_t updated_at;
	char outcome[32];     /* "created", "deactivated", ... or "" */
	char account_id[256]; /* "" = none */
	char last_error[512]; /* "" = none; also the skip/reject reason */
};

/* One target: 0 and *out, 1 when the event or target is unknown, -1. */
int ledger_target_get(struct ledger *l, const char *event_id,
                      const char *connection, struct ledger_target *out);

/* Sets a target's state and outcome. outcome, account_id and error may be
 * NULL ("none"; a NULL account_id keeps the stored one); http_status 0 =
 * none. Returns 1 when the target does not exist. */
int ledger_target_finish(struct ledger *l, const char *event_id,
                         const char *connection, enum ledger_state state,
                         const char *outcome, const char *account_id,
                         int http_status, const char *error, int64_t now);

/* Records one attempt (its number is the target's attempts + 1, which it
 * also increments). status is a short word ("ok", "transient", ...);
 * error may be NULL. Returns 1 when the target does not exist. */
int ledger_attempt_record(struct ledger *l, const char *event_id,
                          const char *connection, int64_t at,
                          const char *status, int http_status,
                          int64_t duration_ms, const char *error);

/* Whether an earlier attempt of event_id on connection ended with status
 * ("timeout"): 1 yes, 0 no, -1 error. Prepared per call: for retried work
 * only. */
int ledger_attempt_had(struct ledger *l, const char *event_id,
                       const char *connection, const char *status);

/* One piece of outstanding work, valid during the callback only. */
struct ledger_work {
	int64_t seq;
	const char *event_id;
	const char *employee_id;
	enum event_kind kind;
	bool has_effective;
	int64_t effective;
	const char *raw;    /* canonical event text: event_parse_line() it */
	const char *record; /* the person's whole HR record after this event
	                     * (JSON object text), NULL for events stored
	                     * before schema 3 or held ones */
	enum ledger_state state; /* pending or failed */
	int attempts;
	int64_t run_id;  /* the run that first stored the event, 0 unknown */
	int64_t line_no; /* its line in that run's input */
};

/* Return 0 to go on, anything else stops the walk and is returned. */
typedef int (*ledger_work_fn)(const struct ledger_work *w, void *ctx);

/* Calls fn, in sequence (input) order, for every target of connection that
 * is pending or failed, after turning not-yet-effective targets that are due
 * by now into pending ones. Rows are read in chunks; fn runs without the
 * ledger mutex and may update the ledger. Returns 0, fn's non-zero value,
 * or -1. */
int ledger_outstanding(struct ledger *l, const char *connection, int64_t now,
                       ledger_work_fn fn, void *ctx);

/* --- links -----------------------------------------------------------------
 */

struct ledger_link {
	char account_id[256];
	char user_name[256];
	bool active;
	int64_t updated_at;
};

/* The account linked to an employee on a connection: 0 and *out, 1 none. */
int ledger_link_get(struct ledger *l, const char *connection,
                    const char *employee_id, struct ledger_link *out);

/* Creates or replaces the link. user_name may be NULL. A person has at
 * most one account and an account at most one person per connection: the
 * ledger's unique constraints enforce both. Returns 0, LEDGER_LINK_TAKEN
 * (nothing stored) when account_id is linked to another employee on that
 * connection, or -1. */
#define LEDGER_LINK_TAKEN 2
int ledger_link_set(struct ledger *l, const char *connection,
                    const char *employee_id, const char *account_id,
                    const char *user_name, bool active, int64_t now);

/* --- a dry run's planned accounts (ledger_planned.c) -------------------
 * Only in a copy opened by ledger_open_copy: what a dry run has planned for
 * a person's account on a connection so far, so the person's later events
 * are planned against it instead of asking the target (which has not
 * changed). account_id is the real one, or "planned:N" for an account the
 * dry run plans to create; record is the last record planned for it (JSON
 * text, NULL after only deprovisions); present false once it is planned
 * deleted or was found absent. */
struct ledger_planned {
	char account_id[256];
	char *record; /* owned: ledger_planned_release */
	bool active;
	bool present;
};

/* 0 and *out, 1 when nothing is planned for the person, -1. */
int ledger_planned_get(struct ledger *l, const char *connection,
                       const char *employee_id, struct ledger_planned *out);
int ledger_planned_set(struct ledger *l, const char *connection,
                       const char *employee_id, const struct ledger_planned *p);
void ledger_planned_release(struct ledger_planned *p);

/* The employee linked to account_id on connection: 0 and employee_id (of
 * len), 1 when the account is not linked, -1. */
int ledger_link_owner(struct ledger *l, const char *connection,
                      const char *account_id, char *employee_id, size_t len);

/* --- last written state (ledger_state.c, issue 16) ---------------------------
 * Per link: the record provhost last wrote to the account and saw succeed,
 * its hash (hex SHA-256 of the record text) and the account's ETag then. */
struct ledger_last_state {
	char account_id[256]; /* the account it was written to */
	char hash[65];
	char *record;   /* owned by the caller after a get: free() it */
	char etag[128]; /* "" when the target gave none */
};

/* 0 and *out (out->record malloc'ed), 1 when there is none, -1. */
int ledger_state_get(struct ledger *l, const char *connection,
                     const char *employee_id, struct ledger_last_state *out);

/* Stores (replaces) the state of the employee's link. etag may be NULL or
 * "". Returns 0 or -1. */
int ledger_state_put(struct ledger *l, const char *connection,
                     const char *employee_id, const char *account_id,
                     const char *hash, const char *record, const char *etag,
                     int64_t now);

/* Forgets it (the account was deprovisioned or relinked): 0 or -1. */
int ledger_state_clear(struct ledger *l, const char *connection,
                       const char *employee_id);

/* Another employee than employee_id linked on connection to an account
 * whose userName equals user_name (ASCII case ignored): 0 with that
 * employee and the account id (each of 256 bytes), 1 none, -1. */
int ledger_link_by_user_name(struct ledger *l, const char *connection,
                             const char *user_name, const char *employee_id,
                             char other[256], char account_id[256]);

/* --- userName reservations ------------------------------------------------
 * A userName belongs to one employee per connection, compared by its
 * case-folded key (unicode_casefold). A reservation is made before a
 * request with the name is sent and stays with the employee (a failed
 * create retries with the same name); it is never handed to someone else.
 * Thread-safe like every ledger call; two processes are kept apart by the
 * unique key. */

/* Reserves user_name on connection for employee_id. Returns 0 when it is
 * now (or already was) theirs, LEDGER_NAME_TAKEN with the other employee
 * in other (256 bytes) when someone else holds it, or -1 (not UTF-8, I/O). */
#define LEDGER_NAME_TAKEN 3
int ledger_user_name_reserve(struct ledger *l, const char *connection,
                             const char *user_name, const char *employee_id,
                             int64_t now, char other[256]);

/* Who holds user_name (case-folded) on connection: 0 with the employee in
 * owner (256 bytes), 1 nobody, -1. Reserves nothing (dry runs). */
int ledger_user_name_owner(struct ledger *l, const char *connection,
                           const char *user_name, char owner[256]);

/* The userName employee_id reserved last on connection: 0 with it in out
 * (256 bytes), 1 none, -1. */
int ledger_user_name_of(struct ledger *l, const char *connection,
                        const char *employee_id, char out[256]);

/* --- persons ---------------------------------------------------------------
 * The last known HR record of each employee (lifecycle/person.h for the
 * merge rule), kept by ledger_event_accept when it stores a new event:
 * the event's row gets the whole record after it and the attributes it
 * changed. */

struct ledger_person {
	char status[16];     /* "active", "on_leave", "terminated", "" */
	char email_key[320]; /* case-folded work email, "" none */
	int64_t email_seq;   /* the event that set email_key */
	int64_t last_seq;    /* the last event merged */
	int64_t updated_at;
	char *record; /* JSON object text, malloc'd: caller frees */
};

/* For a roster row (engine/run_roster.c): every stored event of
 * employee_id that has no target on one of the connections conns[0..n)
 * (a connection added since, or left out by --connection) gets one, in
 * state pending, or not_yet_effective when its effective time is after
 * now — what ledger_event_accept does for a JSON Lines event seen again,
 * for a person whose unchanged row derives no event. Held re-sent copies
 * are left alone, and so is an event held, disputed, cancelled or
 * discarded on some connection (it is not the person's applied history;
 * an approved one is copied by a later call). *created gets the number of
 * targets made (may be NULL). 0 or -1. Also provhost sync's. */
int ledger_person_targets_fill(struct ledger *l, const char *employee_id,
                               const char *const *conns, size_t n, int64_t now,
                               int64_t *created);

/* 0 and *out, 1 when the ledger has no record of employee_id, -1. */
int ledger_person_get(struct ledger *l, const char *employee_id,
                      struct ledger_person *out);

/* The terminate of employee_id scheduled ahead: the latest effective time
 * after now of their terminate events with a target still
 * not_yet_effective, in *effective (ledger_person_schedule.c). 1 with
 * *effective, 0 when none is scheduled, -1. */
int ledger_person_scheduled_terminate(struct ledger *l, const char *employee_id,
                                      int64_t now, int64_t *effective);

/* The status employee_id had before their terminate, from their latest
 * hire, rehire, leave or return event: "on_leave" after a leave, else
 * "active" (16 bytes). 0 or -1. */
int ledger_person_prior_status(struct ledger *l, const char *employee_id,
                               char status[16]);

/* The employee other than employee_id who claimed email_key first — before
 * claim_seq (ties: the smaller employee id): 0 with other (256 bytes), 1
 * none, -1. */
int ledger_email_claimant(struct ledger *l, const char *email_key,
                          const char *employee_id, int64_t claim_seq,
                          char other[256]);

/* --- reading: status and history ------------------------------------------ */

struct ledger_status {
	char connection[128];
	int64_t count[LEDGER_STATE_COUNT]; /* targets per state */
	int64_t due;          /* of count[NOT_YET_EFFECTIVE]: due by now */
	int64_t links;        /* employees linked to an account */
	int64_t links_active; /* ... whose account is active */
};

/* One row per connection found in the ledger (targets or links), sorted by
 * name, in a malloc'd array *rows of *n (caller frees; NULL when 0). */
int ledger_status(struct ledger *l, int64_t now, struct ledger_status **rows,
                  size_t *n);

/* Lines rejected before they became events (all runs). */
int ledger_reject_count(struct ledger *l, int64_t *n);

struct ledger_history_row {
	int64_t seq;
	char event_id[300];
	enum event_kind kind;
	bool has_effective;
	int64_t effective;
	int64_t received_at;
	char source[256];
	int64_t line_no;
	char connection[128]; /* "" when the event has no target */
	char changes[512];    /* attributes the event changed (old -> new) */
	struct ledger_target target;
	char decision[4096]; /* the target's decision (JSON), "" none */
};

/* Every event of employee_id with its outcome per connection, ordered by
 * sequence then connection, in a malloc'd array (caller frees). */
int ledger_history(struct ledger *l, const char *employee_id,
                   struct ledger_history_row **rows, size_t *n);

/* --- finding a person (ledger_person_find.c) ------------------------------ */

enum ledger_find_by { LEDGER_FIND_ACCOUNT, LEDGER_FIND_USER_NAME };

struct ledger_employee {
	char id[256];
};

/* The distinct employees (sorted) that ever had value as their account id
 * on any connection (a link or a target's account id), or as their
 * userName (a reservation or a link; compared case-folded), in a malloc'd
 * array *rows of *n (caller frees; NULL when 0). 0, or -1. */
int ledger_employees_by(struct ledger *l, enum ledger_find_by by,
                        const char *value, struct ledger_employee **rows,
                        size_t *n);

/* The decision stored for a target (the JSON text of targets.decision,
 * written by a run when the ledger has that column): 0 and *out (new
 * string, caller frees), 1 when there is none (no such column, target or
 * value; *out NULL), -1 on error. */
int ledger_target_decision(struct ledger *l, int64_t seq,
                           const char *connection, char **out);

/* --- notifications sent (ledger_notify.c) --------------------------------- */

/* The last day (days since 1970-01-01 UTC) the notification event/key was
 * delivered: 0 and *day, 1 when never, -1 on error. */
int ledger_notify_last_day(struct ledger *l, const char *event, const char *key,
                           int64_t *day);

/* Records that event/key was delivered on day at now. 0, or -1. */
int ledger_notify_mark(struct ledger *l, const char *event, const char *key,
                       int64_t day, int64_t now);
/* --- decisions (ledger_decisions.c) -------------------------------------- */

/* Stores the decision (JSON text, lifecycle/decision.h) of event_id's
 * target on connection. 0, 1 when the target does not exist, -1. */
int ledger_target_decision_store(struct ledger *l, const char *event_id,
                                 const char *connection, const char *decision);

/* The person's HR record as it was before the event with sequence seq (the
 * merged record of their latest earlier event): 0 and *record (malloc'd
 * JSON text), 1 when they had none, -1. */
int ledger_record_before(struct ledger *l, const char *employee_id, int64_t seq,
                         char **record);

/* --- review: work waiting for a person ------------------------------------ */

struct ledger_review_row {
	int64_t seq; /* the event's sequence number: with connection, the
	              * item's id ("SEQ:CONNECTION") */
	char event_id[300];
	char employee_id[257];
	enum event_kind kind;
	char connection[128];
	enum ledger_state state; /* held, disputed, failed or rejected */
	char reason[512];
	int64_t updated_at;
	char plan[2048];     /* what it would send (held items), "" unknown */
	char change[16];     /* its kind of change, "" unknown */
	char decision[4096]; /* the decision JSON (lifecycle/decision.h) the
	                      * run made for it, "" none; a longer one is cut
	                      * (then it does not parse and is not shown) */
};

/* Every held, disputed, failed and rejected target (of connection; NULL =
 * all), ordered by connection then sequence, in a malloc'd array (caller
 * frees; NULL when none). */
int ledger_review_list(struct ledger *l, const char *connection,
                       struct ledger_review_row **rows, size_t *n);

/* A person's decision on one target, in one transaction: approve (held ->
 * pending; the guard does not hold it again; the SHA-256 of the target's
 * stored plan, when it has one, binds the approval) or discard (held, disputed
 * or failed -> skipped with outcome "discarded": final, never sent). text
 * ("approved by WHO: WHY") becomes the target's last_error and the error
 * of an attempts row with status "approved" / "discarded". Returns 0, 1
 * when the target does not exist, 2 when its state does not allow the
 * decision, -1. */
int ledger_review_decide(struct ledger *l, int64_t seq, const char *connection,
                         bool approve, const char *text, int64_t now);

/* --- roster snapshots (provhost sync) ------------------------------------
 * ledger_roster.c. A snapshot is known by the SHA-256 of its bytes; the
 * roster table keeps, per person, the terminate a termination date
 * scheduled and the terminate held because they were missing, so a later
 * snapshot can cancel or move them. */

struct ledger_snapshot {
	char sha256[65];
	int64_t as_of; /* 00:00 UTC of the as-of date */
	int64_t run_id;
	int64_t rows;
	int64_t applied_at;
	char source[512];
};

/* The snapshot with that hash: 0 and *out, 1 none, -1. */
int ledger_snapshot_find(struct ledger *l, const char *sha256,
                         struct ledger_snapshot *out);

/* The applied snapshot with the latest as-of date (the last applied of
 * those): 0 and *out, 1 none, -1. */
int ledger_snapshot_latest(struct ledger *l, struct ledger_snapshot *out);

/* Records an applied snapshot (a known hash is left as it is). */
int ledger_snapshot_record(struct ledger *l, const char *sha256, int64_t as_of,
                           const char *source, int64_t run_id, int64_t rows,
                           int64_t now);

/* One person as a roster sync sees them. */
struct ledger_roster_person {
	char *employee_id; /* malloc'd */
	char *record;      /* malloc'd JSON object text */
	char status[16];   /* "active", "on_leave", "terminated" (also when
	                    * a held terminate was approved) */
	int64_t last_seq;  /* the person's last event merged */
	/* a terminate an earlier snapshot derived, not yet effective at now
	 * (a target still not_yet_effective): the person is prior_status
	 * until then */
	bool scheduled;
	char *terminate_event; /* malloc'd or NULL: the last one derived */
	int64_t terminate_effective;
	char prior_status[16];
	bool missing_open;   /* missing_event still has a held target */
	char *missing_event; /* malloc'd or NULL */
};

/* Every person record with its roster state, ordered by employee_id
 * (strcmp order), in *rows (ledger_roster_free). 0 or -1. */
int ledger_roster_load(struct ledger *l, int64_t now,
                       struct ledger_roster_person **rows, size_t *n);
void ledger_roster_free(struct ledger_roster_person *rows, size_t n);

/* Whether some event lacks a target on one of conns[0..n) (a connection
 * added since): 1 yes, 0 no, -1. One scan, so a sync fills targets only
 * when there is something to fill. */
int ledger_targets_missing(struct ledger *l, const char *const *conns,
                           size_t n);

/* Sets the person's scheduled terminate (event_id NULL: none) with the
 * status they keep until then. */
int ledger_roster_set_terminate(struct ledger *l, const char *employee_id,
                                const char *event_id, int64_t effective,
                                const char *prior_status, int64_t now);

/* Sets the person's missing-terminate event (NULL: none). */
int ledger_roster_set_missing(struct ledger *l, const char *employee_id,
                              const char *event_id, int64_t now);

/* Ends every target of event_id that is not_yet_effective or held as
 * skipped with outcome "cancelled" and why as its reason. *n (may be
 * NULL) gets how many. 0 or -1. */
int ledger_event_cancel(struct ledger *l, const char *event_id, const char *why,
                        int64_t now, int64_t *n);

/* Ends every not_yet_effective target of employee_id's terminates
 * effective after now as skipped with outcome "cancelled" and why as its
 * reason (a roster row whose termination date was removed or moved). *n
 * (may be NULL) gets how many. 0 or -1. */
int ledger_person_cancel_scheduled(struct ledger *l, const char *employee_id,
                                   const char *why, int64_t now, int64_t *n);

/* A later terminate (event seq) replaces employee_id's earlier ones still
 * not yet effective: their not_yet_effective targets end skipped with
 * outcome "superseded" and why as the reason (HR moved the date, or
 * said it again). *n (may be NULL) gets how many. 0 or -1. */
int ledger_person_supersede_scheduled(struct ledger *l, const char *employee_id,
                                      int64_t seq, const char *why, int64_t now,
                                      int64_t *n);

/* Sets the lifecycle status of a person record ("active", "on_leave"):
 * a cancelled terminate gives the person their status back. 0 or -1. */
int ledger_person_set_status(struct ledger *l, const char *employee_id,
                             const char *status, int64_t now);
/* --- review: plans, approvals, supersede, supervision -------------------
 * (ledger_supervise.c, ledger_review_link.c). A held target may carry the
 * plan it would send (text shown by provhost review) and its kind of change
 * ("create", "update", "deactivate", "reactivate", "link"); an approval
 * stores the SHA-256 (hex) of the plan shown. */

struct ledger_review_info {
	char *plan;               /* malloc'd, NULL when none: caller frees */
	char change[16];          /* "" when none */
	char approved_sha256[65]; /* "" when no approval binds a plan */
	char account_id[256];     /* the target's account ("" none): for a
	                           * held link, the account to adopt */
	bool approved;            /* a person approved it (an attempts row
	                           * with status "approved") */
};

/* The review columns of one target: 0 and *out, 1 unknown, -1. */
int ledger_target_review_get(struct ledger *l, const char *event_id,
                             const char *connection,
                             struct ledger_review_info *out);

/* Holds one target for review: state held, reason as its last_error,
 * plan and change stored (either may be NULL), account_id too when not
 * NULL (a link's account), any approval's hash cleared, and an attempts
 * row with status "held". 1 when the target does not exist. */
int ledger_target_hold(struct ledger *l, const char *event_id,
                       const char *connection, const char *plan,
                       const char *change, const char *account_id,
                       const char *reason, int64_t now);

/* A deprovision of employee_id on connection goes ahead: every target of
 * theirs on that connection from before it (a smaller sequence number, or
 * an earlier line of the same run's input) that is pending, failed, held,
 * disputed or rejected and is not itself a deprovision (a terminate; a
 * leave too when leave_deprovisions) ends as skipped with outcome
 * "superseded", reason as its last_error and an attempts row "superseded".
 * *n gets how many. One transaction. */
int ledger_supersede_before(struct ledger *l, const char *connection,
                            const char *employee_id, int64_t seq,
                            int64_t run_id, int64_t line_no,
                            bool leave_deprovisions, const char *reason,
                            int64_t now, int64_t *n);

/* Supervised mode's expiry on connection: held targets that supervision
 * held (their last_error starts with "supervised:") before `before` and
 * that are no deactivation end as skipped with outcome "discarded" and
 * reason (attempts row "expired"); *expired gets how many. *waiting gets
 * how many supervised deactivations held before `before` still wait (they
 * never expire). */
int ledger_supervise_expire(struct ledger *l, const char *connection,
                            int64_t before, const char *reason, int64_t now,
                            int64_t *expired, int64_t *waiting);

/* provhost review retry: re-decides a rejected target. When a later event
 * of the same person on that connection was applied since (state done) or
 * is a deprovision (a terminate; a leave too when leave_deprovisions) that
 * was not discarded, replaying this one would undo the person's current
 * state: it ends as skipped with outcome "superseded" and a reason naming
 * that event (in why, of why_len). Otherwise it becomes pending and the
 * next run decides it against the configuration of that day. text is
 * recorded as the error of an attempts row "retried". Returns 0 (pending),
 * 3 (superseded), 1 unknown, 2 not rejected, -1. */
int ledger_review_retry(struct ledger *l, int64_t seq, const char *connection,
                        bool leave_deprovisions, const char *text, int64_t now,
                        char *why, size_t why_len);

/* provhost review link: links employee_id to account_id on connection
 * (active), refusing what would break one person one account: 0;
 * LEDGER_LINK_TAKEN when the account is linked to another employee (in
 * other, 256 bytes); 4 when employee_id is linked to another account (in
 * other). Then the person's disputed targets on connection become pending
 * (attempts row "linked" with text), so the next run converges the
 * account; *released gets how many. One transaction. */
int ledger_review_link(struct ledger *l, const char *connection,
                       const char *employee_id, const char *account_id,
                       const char *text, int64_t now, char other[256],
                       int64_t *released);

/* provhost review unlink: removes employee_id's link on connection (its
 * account id in account, 256 bytes) and their reservation of the
 * account's userName (the name goes with the account), and makes their
 * disputed targets, and those disputed over that account, pending
 * (attempts row "unlinked").
 * 0, 1 when they have no link, -1. */
int ledger_review_unlink(struct ledger *l, const char *connection,
                         const char *employee_id, const char *text, int64_t now,
                         char account[256], int64_t *released);

/* Stores one review action (approve, discard, retry, link, unlink) with
 * who took it and why; items is a space-separated list of ids (may be
 * NULL), like connection, employee_id and account_id. */
int ledger_review_action_add(struct ledger *l, const char *action,
                             const char *who, const char *why,
                             const char *connection, const char *employee_id,
                             const char *account_id, const char *items,
                             int64_t now);

#endif
