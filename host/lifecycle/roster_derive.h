/* Roster row -> lifecycle events: what one person's canonical roster record
 * (intake/intake.h) implies, given what the ledger knows of them (their
 * person record and status, lifecycle/person.h). Pure: no I/O, no clock
 * (now is passed in).
 *
 * The row's state: its status, except that an active row with a
 * termination date is leaving on that date (a termination scheduled
 * ahead) — unless its hire date is after that date (a rehire whose old
 * termination date the export kept). Then, against the stored status:
 *
 *   stored \ row   active               leave            terminated
 *   (unknown)      hire                 hire + leave     nothing
 *   active         update (changed)     leave            terminate
 *   on_leave       return               update (changed) terminate
 *   terminated     rehire               rehire + leave   nothing
 *
 * "update (changed)" carries only the attributes whose value differs from
 * the stored record (an empty cell removes a stored value: null) and is no
 * event at all when none differs; leave, return and terminate carry the
 * changed attributes too. hire and rehire carry the row's attributes
 * (without the empty ones). A scheduled termination adds a terminate
 * effective on its date, except when the stored terminate is itself
 * only scheduled (stored->terminate_scheduled: an earlier run stored it;
 * then only changed attributes, as an update). A person terminated now
 * whose row is active with a termination date ahead is a fixed-term
 * rehire: rehire now, terminate on that date. terminate is effective at
 * effective.termination_date; hire and rehire at effective.hire_date when
 * the row has one. A record that contradicts itself (status active with a
 * termination date that has passed; status terminated with a hire date
 * after the termination date) derives nothing and is a conflict.
 *
 * The events are JSON objects as a JSON Lines input would give them,
 * without "id": their identity is their content (lifecycle/events.h), so
 * the same row against the same stored state gives the same events. */
#ifndef PROVHOST_ROSTER_DERIVE_H
#define PROVHOST_ROSTER_DERIVE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ROSTER_MAX_EVENTS 2

struct roster_stored {
	const char *status;   /* "active", "on_leave", "terminated"; NULL or
	                       * "" = the ledger does not know the person */
	const json_t *record; /* their HR record; NULL = none */
	/* status "terminated" only: the terminate is scheduled, not yet
	 * effective (the ledger has a not_yet_effective terminate target of
	 * the person), effective at terminate_at. false: the person is
	 * terminated now. Filled by the caller from the ledger
	 * (ledger_person_scheduled_terminate). */
	bool terminate_scheduled;
	int64_t terminate_at;
};

struct roster_derived {
	size_t n;
	json_t *events[ROSTER_MAX_EVENTS]; /* owned */
	bool conflict;  /* the record contradicts itself: nothing derived */
	char note[400]; /* n == 0: why ("no change", the conflict) */
};

/* Derives the events of record (a canonical record; borrowed) against
 * stored (borrowed). now: epoch seconds. Returns 0 and fills *out (release
 * with roster_derived_release), or -1 when out of memory. */
int roster_derive(const json_t *record, const struct roster_stored *stored,
                  int64_t now, struct roster_derived *out);

void roster_derived_release(struct roster_derived *d);

#endif
