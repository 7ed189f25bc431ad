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

#include "ledger/ledger.h"
#include "lifecycle/roster_derive.h"

struct run;
struct ledger_roster_person;

/* --- the input adapter (run_sync_input.c) -------------------------------- */

struct sync_input;

/* One row: a canonical record (owned, json_decref) or a rejection. raw
 * (the row's bytes, for the reject file) is valid until the next call. */
struct sync_input_row {
	int64_t row_no;
	json_t *record; /* NULL when rejected */
	const char *raw;
	size_t raw_len;
	char reason[512]; /* why it was rejected */
};

/* Opens the snapshot at path. 0 and *out (sync_input_close), or -1 with a
 * one-line message in err. */
int sync_input_open(const char *path, struct sync_input **out, char *err,
                    size_t len);

/* 1 a record, 0 a rejected row, 2 the end, -1 a read error (errno). */
int sync_input_next(struct sync_input *s, struct sync_input_row *row);

void sync_input_close(struct sync_input *s);

/* --- the sync's state ------------------------------------------------------
 */

/* One person with something derived (or held) in this snapshot. */
struct sync_item {
	char *employee_id; /* owned */
	int64_t row_no;
	struct ledger_roster_person *person; /* NULL: unknown to the ledger */
	struct roster_plan plan;
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
	const char **names;        /* the run's connection names */
	enum ledger_state *states; /* per connection, for ledger calls */
};

/* run_sync_guard.c: the mass-change guard. Holds the updates of the items
 * when more than mass_change_share of the snapshot's known people
 * (known_rows) would change a mapped attribute, or lose roles, on some
 * connection — and at least mass_change_min of them. Returns 0, -1 out of
 * memory. */
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
