/* Person records: the last known HR record of one employee of the ledger's
 * HR system of record, and how an event changes it. Pure functions (no
 * I/O); the ledger stores what they compute.
 *
 * Merge rule: a hire or a rehire replaces the record with its attributes;
 * every other event merges its attributes onto the stored record — a key
 * present in the event replaces the stored value, a key whose value is
 * null is removed, a key absent from the event keeps its stored value. */
#ifndef PROVHOST_PERSON_H
#define PROVHOST_PERSON_H

#include <jansson.h>
#include <stddef.h>

#include "lifecycle/events.h"

#define PERSON_EMAIL_KEY_MAX 320 /* bytes of a case-folded email key */

/* The record after an event of kind with attrs (borrowed) on stored
 * (borrowed; NULL = no record yet). Returns 0 and a new object in *merged
 * (json_decref), or -1 when out of memory. */
int person_merge(enum event_kind kind, const json_t *stored,
                 const json_t *attrs, json_t **merged);

/* What changed from before (NULL = no record yet) to after, as one line:
 * `department: "Engineering" -> "Finance"; title: (none) -> "Lead"`, keys
 * sorted, values as JSON, "(none)" for an absent key; "" when nothing
 * changed or before is NULL. Cut with "; ..." to fit len. */
void person_changes(const json_t *before, const json_t *after, char *buf,
                    size_t len);

/* The record's work email as a comparison key: the "email" attribute
 * without surrounding whitespace, case-folded with unicode_casefold (full
 * Unicode folding: "ZOË@X" and "zoë@x" are one key; ASCII letters only when
 * ICU cannot fold it); "" when there is none (absent, not a string, or
 * blank). Cut to len - 1 bytes. */
void person_email_key(const json_t *record, char *buf, size_t len);

/* The lifecycle status an event implies: "active" (hire, rehire, return),
 * "terminated", "on_leave"; NULL for an update (keeps the stored one). */
const char *person_status_after(enum event_kind kind);

#endif
