/* Shared state of one `provhost run` (see run.h): private to run_*.c. */
#ifndef PROVHOST_RUN_INTERNAL_H
#define PROVHOST_RUN_INTERNAL_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "connector/instance.h"
#include "engine/audit.h"
#include "engine/breaker.h"
#include "engine/keyq.h"
#include "engine/pacer.h"
#include "engine/run.h"
#include "engine/run_stats.h"
#include "engine/watchdog.h"
#include "intake/input_source.h"
#include "ledger/ledger.h"
#include "lifecycle/events.h"
#include "lifecycle/policy.h"
#include "util/input_seen.h"
#include "util/sha256.h"
#include "util/strset.h"

#define RUN_MAX_LISTED 20 /* failures listed in the summary */

/* One line of the summary's list of failures and rejections. */
struct run_problem {
	char what[96]; /* "line 8" or "event evt-7 (employee E1002)" */
	char why[400];
};

struct run_problems {
	pthread_mutex_t lock;
	struct run_problem items[RUN_MAX_LISTED];
	int n;        /* listed */
	int64_t more; /* not listed */
};

/* An id-less line whose identity was stored by an earlier run: decided
 * after ingest (run_hold.c) — skipped as already processed, or held. */
struct run_candidate {
	int64_t line_no;
	char *event_id;            /* owned: the identity (events.h) */
	char *employee_id;         /* owned */
	char *raw;                 /* owned: canonical text */
	enum ledger_state *states; /* owned: per connection, from accept */
};

/* The whole run. */
struct run {
	const struct run_options *opt;
	struct config *cfg;
	struct ledger *ledger;
	int64_t run_id;
	struct audit audit;
	struct append_file reject_file; /* open when --reject-file is given */
	/* A file the whole run writes (the ledger, the audit trail) cannot be
	 * written: every connection stops (run_fatal, run_stop.c). */
	atomic_bool fatal;
	pthread_mutex_t fatal_lock;
	char fatal_reason[900]; /* the first one, under fatal_lock */
	const char *source;     /* input path or "stdin" */
	int64_t lines;          /* lines read */
	int64_t bad_lines;      /* rejected before becoming events */
	int64_t blank_lines;
	struct run_problems line_problems;
	struct run_problems dup_problems;  /* lines repeating an earlier one */
	struct run_problems held_problems; /* lines held for review */
	struct sha256 input_hash;          /* of every byte read */
	char input_sha256[65];             /* hex, set when ingest ends */
	struct input_seen contents;        /* id-less contents: occurrences */
	struct input_seen ids;             /* event ids: lines they are on */
	struct run_candidate *candidates;
	size_t n_candidates, cap_candidates;
	/* the input's format (intake/input_source.h) and date rules */
	struct input_plan plan;
	struct tzdate_cache tz; /* the ingest thread's calendars */
	struct event_dates dates;
	const char *unit;          /* "lines", "rows" or "elements" read */
	int64_t unchanged;         /* roster rows that derived no event */
	int64_t rescheduled;       /* scheduled terminates a row cancelled or
	                            * moved (run_roster.c) */
	const char **ingest_names; /* connection names, for accept */
	enum ledger_state *ingest_states; /* per connection, from accept */
	struct run_conn *conns;
	size_t n_conns;
	struct watchdog watchdog; /* ends the run if a connector hangs */
	struct run_sync *sync;    /* provhost sync's state, else NULL */
};

/* Employees whose later events in this run wait, shared by a connection's
 * workers (the queue hands a person's events to any worker, one at a
 * time). Every access takes the lock (run_marks.c). */
enum run_mark {
	/* an event failed: later events stay pending, so a person's events
	 * never apply out of order */
	RUN_MARK_BLOCKED,
	/* an event was disputed: later events wait, except a deprovision */
	RUN_MARK_DISPUTED,
	/* an event was held for review (supervision, a changed plan): later
	 * events wait, except a deprovision */
	RUN_MARK_HELD,
	RUN_MARKS
};

struct run_marks {
	pthread_mutex_t lock;
	struct strset sets[RUN_MARKS];
};

void run_marks_init(struct run_marks *m);
void run_marks_release(struct run_marks *m);

/* Marks employee_id; returns 0, or -1 when out of memory. */
int run_mark(struct run_conn *conn_run, enum run_mark mark,
             const char *employee_id);

bool run_marked(struct run_conn *conn_run, enum run_mark mark,
                const char *employee_id);

/* One connection's part of the run. */
struct run_conn {
	struct run *run;
	const struct connection *conn;
	struct run_stats stats;
	struct run_problems problems;
	struct pacer pacer;
	struct breaker breaker;
	bool stopped; /* guard or unusable: left pending */
	char stop_reason[1000];
	/* outcomes applied but not recorded (the ledger write failed) whose
	 * target the ledger still counts as pending */
	atomic_int_fast64_t unrecorded_pending;
	int64_t outstanding;  /* targets to apply, counted before applying */
	int64_t deprovisions; /* of those, planned deprovisions (not
	                       * counting ones a person approved) */
	int64_t guard_held;   /* deprovisions the guard held this run */
	/* Held targets of this connection, read before applying (sorted by
	 * employee): the person's later work waits behind them, except a
	 * deprovision. Read-only while workers run. */
	struct ledger_held *held;
	size_t n_held;
	int64_t held_left; /* held targets in the ledger after the run */
	/* run_review_gate.c: held by supervision / held again (plan changed)
	 * / superseded by a leaver's deprovision in this run; supervised
	 * items expired, and supervised deactivations older than the expiry
	 * that keep waiting */
	atomic_int_fast64_t supervised_held, replanned_held, superseded;
	int64_t supervise_expired, supervise_waiting;
	struct watchdog_slot slot; /* the main thread's calls (open, check) */
	/* The workers' one queue, keyed by employee (keyq.h). */
	struct keyq queue;
	/* Employees whose later events in this run wait (run_marks.c). */
	struct run_marks marks;
};

/* One outstanding target handed to a worker; owned by whoever holds it. */
struct run_task {
	int64_t seq;
	char *event_id;
	char *employee_id;
	char *raw;
	char *record;     /* the person's HR record after the event, or NULL */
	int64_t run_id;   /* the run that first stored the event */
	int64_t line_no;  /* its line there */
	bool was_pending; /* pending (not failed) in the ledger before */
	int attempts;     /* the target's attempts (0: never tried, held or
	                   * approved) */
};

/* Worker state: one connector instance; it takes tasks from its
 * connection's queue. */
struct run_worker {
	struct run_conn *conn_run;
	struct instance *inst;
	pthread_t thread;
	struct watchdog_slot slot; /* the call this worker is in */
	uint64_t rng;
};

/* One unit of input: a line, a roster row or a JSON array element. */
struct run_item {
	int64_t line_no; /* stored with the event: line, row's line, element */
	const char *raw; /* its bytes as read */
	size_t raw_len;
	char what[64]; /* "line 8", "row 5 (line 7)", "element 3" */
};

/* run_ingest.c: stores the event text (len bytes) of item, or rejects it.
 * Returns -1 only on a ledger failure or when out of memory. */
int run_ingest_text(struct run *run, const struct run_item *item,
                    const char *text, size_t len);

/* run_ingest.c: records item as rejected (reject file, ledger, summary). */
void run_reject_item(struct run *run, const struct run_item *item,
                     const char *reason);

/* run_ingest.c: after each item: commits the batch every INGEST_BATCH
 * items. 0, or -1 (ledger failure reported). */
int run_ingest_tick(struct run *run);

/* run_roster.c: a roster (CSV, JSON or JSON Lines of records) through the
 * intake reader, each row's events derived (lifecycle/roster_derive.h);
 * and a JSON array of events. Return 0, or -1 (message printed). */
int run_ingest_roster(struct run *run, FILE *in);

/* run_roster.c: a derived event (an object without "id"; it gets one)
 * as text with its identity from its content and last_seq, the person's
 * last merged event: new text (free) or NULL when out of memory. */
char *run_roster_event_text(json_t *ev, int64_t last_seq);

/* run_roster.c: *st for roster_derive from what the ledger has of
 * employee_id (status and record borrowed, kept in *st): for a terminated
 * person, whether their terminate is only scheduled (a not_yet_effective
 * terminate target, lifecycle/roster_derive.h). 0, or -1 when the ledger
 * cannot be read. Also provhost sync's (run_sync_plan.c). */
struct roster_stored;
int run_roster_stored_fill(struct run *run, const char *employee_id,
                           const char *status, const json_t *record,
                           struct roster_stored *st);

/* run_roster.c: a derived event's "effective" instant, or now when it has
 * none. Also provhost sync's (run_sync_plan.c). */
int64_t run_roster_effective_of(const json_t *ev, int64_t now);
int run_ingest_json_events(struct run *run, FILE *in);

/* run_ingest.c: reads the input into the ledger. Returns 0, or -1 when the
 * input cannot be read at all (message printed). */
int run_ingest(struct run *run);

/* run_sync.c: ingest of a whole-roster snapshot (provhost sync) instead
 * of run_ingest; the same return convention. run_sync_print writes the
 * snapshot's summary (Total / No change / Processed / Skipped / Held);
 * run_sync_release frees run->sync. */
int run_sync_ingest(struct run *run);
void run_sync_print(const struct run *run, FILE *out);
void run_sync_release(struct run *run);

/* run_hold.c: after ingest, decides every candidate: skipped as already
 * processed, or held for review (stored as a new event in state held).
 * Returns 0, or -1 on a ledger failure (message printed). */
int run_hold_decide(struct run *run);

/* Counts a stored event's state per connection: only work that apply will
 * not see is counted here (already processed, not yet effective, held). */
void run_count_states(struct run *run, enum ledger_accept_result result,
                      const enum ledger_state *states);

/* run_conn.c: applies outstanding work of conn_run's connection. */
void run_conn_apply(struct run_conn *conn_run);

/* run_event.c: applies one task with worker w's instance. */
void run_event_apply(struct run_worker *w, const struct run_task *task);

/* run_identity.c: the identity rules, against the ledger, before a write.
 *
 * run_identity_check: for t (event ev, its record merged) on w's connection,
 * before any call: a person with the same work email as an earlier one
 * (policy shared_email=dispute), or — without a link — a userName that is
 * another employee's linked account, makes t disputed. deprovision with a
 * link is never disputed. Returns 1 when t was finished (disputed), 0 to
 * go on.
 *
 * run_identity_candidate: account_id is the account provision found (a
 * no-adopt candidate, or the id a provision returned when written is
 * true). Returns 1 when it is linked to another employee (t is finished
 * disputed, with outcome and account id on record), 0 when t may be linked
 * to it.
 *
 * run_identity_dispute: finishes t as disputed with why (names both
 * employees and the account), counts it, and makes the person's later
 * events of this run wait. outcome and account_id may be NULL. */
int run_identity_check(struct run_worker *w, const struct run_task *t,
                       const struct event *ev, bool deprovision, bool has_link,
                       const char *user_name);
int run_identity_candidate(struct run_worker *w, const struct run_task *t,
                           const char *account_id, const char *outcome,
                           bool written);
void run_identity_dispute(struct run_worker *w, const struct run_task *t,
                          const char *outcome, const char *account_id,
                          const char *why);

/* run_user_name.c: the userName of a provision (README "Mapping").
 *
 * run_user_name_choose: rec is the mapped record for the person of t (HR
 * record attrs; link NULL when they have none). A linked person's stored
 * userName replaces the mapped one (policy rename=keep). Otherwise, with
 * userName candidates, the first one not reserved by another employee is
 * reserved for them (the ledger decides between workers) and put into rec;
 * with one template a linked person's name is reserved (taken: disputed),
 * an unlinked person's is left to run_identity_check. out gets the name
 * sent. Returns 0, 1 when t was finished (disputed: no free name), -1 out
 * of memory.
 *
 * run_user_name_reserve: reserves user_name for t's employee: 0, or 1 when
 * another employee holds it or the ledger fails (t finished disputed). */
int run_user_name_choose(struct run_worker *w, const struct run_task *t,
                         const json_t *attrs, const struct ledger_link *link,
                         json_t *rec, char *out, size_t out_len);
int run_user_name_reserve(struct run_worker *w, const struct run_task *t,
                          const char *user_name);

/* run_review_gate.c: review and supervised mode (README "Review").
 *
 * run_change_of: the kind of change a write is: deactivate for a
 * deprovision, create without a link (a link when the connector finds an
 * account: RUN_GATE_LINK), update of an active account, reactivate.
 *
 * run_plan_text: the plan provhost review shows and an approval hashes:
 * "KIND: provision|deprovision account ID|(none) RECORD" (malloc'd, NULL
 * out of memory). run_guard_plan: that text for a deprovision the guard
 * holds, computed as the worker will (NULL when it cannot be).
 *
 * run_review_gate: before a write of t (record, to account_id or none).
 * An approved target goes ahead when its approved plan's SHA-256 equals
 * this plan's (or it bound none); otherwise it is held again with the new
 * plan and a reason saying the plan changed. An unapproved one whose kind
 * of change the connection supervises is held ("supervised: KIND"). At
 * RUN_GATE_PROBE (before a probe that may create or find an account) only
 * create is decided; RUN_GATE_LINK is after a probe found account_id.
 * At RUN_GATE_PROBE, a target approved as a link to an account gets that
 * account in adopt (when adopt is not NULL): the caller writes to it
 * without a probe, which could create an account nobody approved.
 * Returns 1 when t was finished (held), 0 to go on.
 *
 * run_supersede: t is a deprovision that goes ahead (kind its event
 * kind): the person's earlier open non-deprovision work on the connection
 * ends as superseded (ledger_supersede_before).
 *
 * run_supervise_expire: at the start of a connection, before counting:
 * discards supervised items older than supervise_expire_days (never a
 * deactivation) and counts the deactivations that keep waiting. 0 or -1.
 *
 * run_review_print: the summary lines for all of it. run_review_held: how
 * many targets the gate held in this run. */
enum run_gate_stage { RUN_GATE_WRITE, RUN_GATE_PROBE, RUN_GATE_LINK };
enum policy_change run_change_of(bool deprovision,
                                 const struct ledger_link *link);
char *run_plan_text(enum policy_change change, bool deprovision,
                    const char *account_id, const char *record);
char *run_guard_plan(struct run_conn *conn_run, const struct ledger_work *lw);
int run_review_gate(struct run_worker *w, const struct run_task *t,
                    enum run_gate_stage stage, enum policy_change change,
                    bool deprovision, const char *account_id,
                    const char *record, char adopt[256]);
void run_supersede(struct run_worker *w, const struct run_task *t,
                   const char *kind);
/* run_review_link_check: before writing to account_id, approved as a link
 * (run_review_gate's adopt), asks the connector whether it is still there
 * (ops->lookup): 0 yes; 1 it is gone, and t was held again (a write would
 * create an account nobody approved; the plan held is that create's,
 * record being what would be sent); -1 the connector cannot tell (no
 * lookup, or it failed): the caller probes instead. */
int run_review_link_check(struct run_worker *w, const struct run_task *t,
                          const char *account_id, const char *record);
int run_supervise_expire(struct run_conn *conn_run);
void run_review_print(const struct run_conn *conn_run, FILE *out);
int64_t run_review_held(const struct run_conn *conn_run);

/* run_report.c */
void run_problem_add(struct run_problems *p, const char *what, const char *why);
void run_problems_print(struct run_problems *p, FILE *out);
void run_print_summary(struct run *run, FILE *out);

#endif
