/* Roster rows and what they mean: one canonical roster record (a row of a
 * whole-roster snapshot, as the intake reader gives it) compared with what
 * the ledger knows of that person gives the lifecycle events to derive.
 * Pure functions (no I/O, no clock: the caller passes the times).
 *
 * The canonical record (a JSON object):
 *   {"employee_id": "E1", "status": "active" | "terminated" | "leave",
 *    "hire_date": "YYYY-MM-DD", "termination_date": "YYYY-MM-DD",
 *    "effective": <epoch seconds when the termination takes effect>,
 *    "attributes": {HR attribute: value, ...}}
 * hire_date, termination_date and effective are optional; "effective"
 * (computed by the reader from the date, its time zone and terminate_at)
 * replaces 00:00 UTC of termination_date as the moment a termination
 * takes effect. The attributes are the person's whole HR record: a key
 * absent from the row is removed from the stored record.
 *
 * The rules (README "Roster sync"):
 * - unknown person, active or on leave: hire (then leave); with
 *   provision_days_before_start the hire is effective that many days
 *   before the hire date (immediately when that day has come);
 * - unknown person, terminated: nothing (no account to remove);
 * - terminated person (not a scheduled terminate), active again: rehire;
 * - known person: the attributes that differ are one update (only those;
 *   removed ones as null); active <-> leave: leave / return;
 * - status terminated, or a termination date on or after the hire date:
 *   terminate effective that date (now when no date); a scheduled
 *   terminate (not yet effective) with another date is moved (cancelled
 *   and derived again), one whose date is gone is cancelled;
 * - status and dates that disagree — terminated but the termination date
 *   is before the hire date, terminated without a termination date but a
 *   hire date after the as-of date, active or on leave with a
 *   termination date (on or after the hire date) before the as-of date —
 *   derive the terminate held for review, with the reason. */
#ifndef PROVHOST_ROSTER_DERIVE_H
#define PROVHOST_ROSTER_DERIVE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lifecycle/events.h"

enum roster_status {
	ROSTER_ACTIVE = 0,
	ROSTER_LEAVE,
	ROSTER_TERMINATED,
};

/* "active", "leave", "terminated". */
const char *roster_status_name(enum roster_status s);

/* One canonical record. */
struct roster_row {
	int64_t row_no;
	char *employee_id; /* owned */
	enum roster_status status;
	bool has_hire, has_term, has_effective;
	int64_t hire_date; /* 00:00 UTC of the day */
	int64_t term_date; /* 00:00 UTC of the day */
	int64_t effective; /* when the termination takes effect */
	char hire_text[11], term_text[11];
	json_t *attributes; /* owned reference; an object */
};

/* Reads a canonical record (borrowed). Returns 0 and *out (release with
 * roster_row_release), or -1 with a one-line reason (*out then empty). */
int roster_row_parse(const json_t *rec, int64_t row_no, struct roster_row *out,
                     char *reason, size_t reason_len);

void roster_row_release(struct roster_row *row);

/* What the ledger knows of the person (all borrowed). */
struct roster_prior {
	bool known;           /* the ledger has a person record */
	const char *status;   /* "active", "on_leave", "terminated" */
	const json_t *record; /* the stored HR record (object) */
	/* a terminate derived from an earlier snapshot that is not yet
	 * effective: the person is still prior_status until then */
	bool scheduled;
	int64_t scheduled_effective;
	const char *prior_status; /* "active" or "on_leave" */
};

struct roster_options {
	int64_t now;   /* the clock */
	int64_t as_of; /* the snapshot's as-of date (00:00 UTC) */
	int64_t provision_days_before_start; /* -1 = unset */
};

#define ROSTER_MAX_EVENTS 3

/* One derived event. */
struct roster_event {
	enum event_kind kind;
	bool has_effective;
	int64_t effective;
	json_t *attributes; /* owned reference; an object */
	bool held;          /* stored held for review, with why */
	char why[400];
};

enum roster_verdict {
	ROSTER_NO_CHANGE = 0, /* nothing to derive: zero requests */
	ROSTER_CHANGE,        /* events (and/or a cancellation) */
	ROSTER_SKIP,          /* nothing to derive, with why (terminated and
	                       * never provisioned) */
};

struct roster_plan {
	enum roster_verdict verdict;
	struct roster_event events[ROSTER_MAX_EVENTS];
	size_t n_events;
	/* the scheduled terminate is cancelled (its date was removed or
	 * moved), and the person's status is prior_status again */
	bool cancel_scheduled;
	int update_index; /* events[] index of the update, -1 none */
	char why[400];    /* what happened, one line */
};

/* Derives the plan for row given prior under opt. Returns 0 and *out
 * (roster_plan_release), or -1 when out of memory. */
int roster_derive(const struct roster_row *row,
                  const struct roster_prior *prior,
                  const struct roster_options *opt, struct roster_plan *out);

void roster_plan_release(struct roster_plan *plan);

/* The attributes of an update from before to after (whole records, both
 * borrowed): every key of after whose value differs or is new, and every
 * key of before absent from after as null. A new object (json_decref),
 * empty when nothing differs; NULL when out of memory. */
json_t *roster_changed_attributes(const json_t *before, const json_t *after);

#endif
