/* provhost sync: the ingest phase of a run whose input is a whole-roster
 * snapshot (README "Roster sync"). Private to run_sync*.c and run.c.
 *
 * The snapshot is diffed against the ledger's person records and the
 * derived lifecycle events are stored like ingested lines; the apply phase
 * (run_conn.c, with the mass-deprovision guard) is the same as a run's. */
#ifndef PROVHOST_RUN_SYNC_H
#define PROVHOST_RUN_SYNC_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "intake/intake.h"
#include "ledger/ledger.h"
#include "lifecycle/roster_derive.h"

struct run;
struct sync_item;
struct ledger_roster_person;

/* --- the input (run_sync_input.c) -------------------------------------- */

struct sync_input;

/* Opens the snapshot at run->opt->input with the intake reader: the input
 * named by --input, else the configuration's one roster input, else
 * canonical roster records (a JSON array or JSON Lines, by the first
 * byte). 0 and *out (sync_input_close), or -1 (message printed). */
int sync_input_open(struct run *run, struct sync_input **out);

/* The next row: 1 and *row (borrowed until the next call), 0 the end, -1
 * reading cannot go on (message printed). */
int sync_input_next(struct sync_input *s, struct intake_row *row);

/* "row 5" / "line 5" / "element 5" for row. */
void sync_input_label(const struct sync_input *s, const struct intake_row *row,
                      char *buf, size_t len);

void sync_input_close(struct sync_input *s);

/* --- the sync's state ------------------------------------------------------
 */

#define SYNC_MAX_EVENTS (ROSTER_MAX_EVENTS + 1)

/* One event to store: as roster_derive gives it (no "id"), kept as text
 * (a 100,000-person roster keeps every derived event until the guards
 * have run), or held. */
struct sync_event {
	char *text;    /* owned: compact JSON object */
	char kind[16]; /* "hire", "update", ... */
	bool held;
	char *why; /* owned: why it is held (NULL when not) */
};

/* Appends ev (taken) to item as text; -1 on out of memory. */
int run_sync_item_add(struct sync_item *item, json_t *ev);

/* Holds item's event i with why (copied); -1 on out of memory. */
int run_sync_event_hold(struct sync_event *e, const char *why);

/* One person with something derived (or taken back) in this snapshot. */
struct sync_item {
	char *employee_id; /* owned */
	int64_t row_no;
	struct ledger_roster_person *person; /* NULL: unknown to the ledger */
	struct sync_event events[SYNC_MAX_EVENTS];
	size_t n_events;
	/* the scheduled terminate is cancelled (its date was removed or
	 * moved): the person's status is prior_status again */
	bool cancel_scheduled;
	bool dropped; /* a duplicate row of this employee: nothing applies */
};

/* Hire2Retire's vocabulary: every row and every missing person is one of
 * no change, processed, skipped or held. */
struct sync_counts {
	int64_t total, no_change, processed, skipped, held;
};

struct run_sync {
	char sha256[65];
	int64_t as_of;
	char as_of_from[64]; /* "--as-of", "the file name", "today" */
	bool already;        /* this snapshot was applied before */
	int64_t already_run;
	struct ledger_roster_person *persons; /* sorted by employee_id */
	size_t n_persons;
	bool *present; /* per person: in the snapshot (a row, even rejected) */
	struct sync_item *items;
	size_t n_items, cap_items;
	int64_t known_rows;    /* rows of known, not terminated people */
	bool anonymous_reject; /* a rejected row without an employee id */
	struct sync_counts counts;
	int64_t cancelled;         /* scheduled terminates cancelled/moved */
	int64_t ingest_ms;         /* read, diff and store (monotonic) */
	const char **names;        /* the run's connection names */
	enum ledger_state *states; /* per connection, for ledger calls */
};

/* run_sync_plan.c: the sync's rules on top of roster_derive for one row
 * (record, a canonical record) of person p (NULL: unknown): a scheduled
 * terminate kept, moved or cancelled; provision_days_before_start; a
 * record whose status and dates disagree held (a terminate to approve)
 * when the person has an account. Appends an item when something is to
 * be stored, else counts the row (no change, skipped). 0, -1 out of
 * memory or the ledger cannot be read (run_fatal). */
int run_sync_plan_row(struct run *run, const json_t *record,
                      struct ledger_roster_person *p, int64_t row_no);

/* Releases what item owns. */
void run_sync_item_release(struct sync_item *item);

/* run_sync_guard.c: the mass-change guard. Holds the update events of
 * the items when more than mass_change_share of the snapshot's known
 * people (known_rows) would change a mapped attribute, or lose roles, on
 * some connection — and at least mass_change_min of them. Returns 0, -1
 * out of memory. */
int run_sync_guard(struct run *run);

/* run_sync_store.c: stores item's events (accepted or held), its
 * cancellation and its roster state; counts it. 0 or -1 (message
 * printed). */
int run_sync_store_item(struct run *run, struct sync_item *item);

/* Stores the missing-person rule's outcome for person p (policy from the
 * configuration); counts it. 0 or -1 (message printed). */
int run_sync_store_missing(struct run *run, struct ledger_roster_person *p);

/* The person's status the roster compares against: prior_status while a
 * scheduled terminate is not yet effective. */
const char *run_sync_current_status(const struct ledger_roster_person *p);

#endif
