/* HR lifecycle events: one JSON object per line (JSON Lines).
 *
 *   {"event": "hire", "employee_id": "E1001", "id": "evt-1",
 *    "effective": "2026-03-01", "attributes": {"email": "ana@example.com"}}
 *
 * See README-lifecycle.md for the format and every reject reason. */
#ifndef PROVHOST_EVENTS_H
#define PROVHOST_EVENTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lifecycle/local_date.h"

enum event_kind {
	EVENT_HIRE = 0,
	EVENT_UPDATE,
	EVENT_TERMINATE,
	EVENT_REHIRE,
	EVENT_LEAVE,
	EVENT_RETURN,
};

#define EVENT_MAX_LINE_DEFAULT 65536 /* bytes, without the newline */
#define EVENT_MAX_ID_LEN       256   /* bytes, employee_id and id */

struct event {
	enum event_kind kind;
	char *employee_id;  /* owned */
	char *id;           /* owned: the given "id", or "sha256:<hex>" */
	bool id_given;      /* "id" was in the input */
	bool has_effective; /* "effective" was in the input */
	int64_t effective;  /* epoch seconds; a date alone = 00:00 UTC */
	json_t *attributes; /* owned reference; {} when "attributes" absent */
	char *raw;          /* owned: canonical JSON text of the whole event */
};

/* "hire", "update", ... for a kind; "?" for an out-of-range value. */
const char *event_kind_name(enum event_kind kind);

/* Looks a kind up by its name; 0 on success, -1 when unknown. */
int event_kind_from_name(const char *name, enum event_kind *out);

/* Parses one line (len bytes, no newline needed; a trailing "\r" and a
 * leading UTF-8 byte order mark are ignored). max_len is the line limit in
 * bytes (0 = EVENT_MAX_LINE_DEFAULT).
 * Returns 0 and fills *out (release with event_release) on success; -1 with a
 * one-line reason on a bad line (*out is then empty and need not be
 * released); 1 for a blank line (only whitespace), with reason "blank line"
 * and *out empty — callers skip those.
 * Identity: out->id is the given "id", else "sha256:" + hex SHA-256 of the
 * canonical text (out->raw: compact, keys sorted), so the same content in any
 * key order or spacing gets the same id. Parsing out->raw again gives the
 * same event and id. This is the identity of the first occurrence of that
 * content; see event_set_occurrence for the later ones. */
int event_parse_line(const char *line, size_t len, size_t max_len,
                     struct event *out, char *reason, size_t reason_len);

/* How a date without a time in "effective" is read (README "Dates and
 * time zones"): a calendar day in zone (NULL = UTC), starting at its
 * local midnight; a terminate's with terminate_at DAY_END at the local
 * midnight that ends it. cache may be NULL (see util/tzdate.h for its
 * thread rule). A date-time with an offset is that instant either way. */
struct event_dates {
	const char *zone;
	enum day_edge terminate_at;
	struct tzdate_cache *cache;
};

/* event_parse_line with the date rules dates (NULL: UTC, start of day —
 * event_parse_line's meaning). */
int event_parse_line_dated(const char *line, size_t len, size_t max_len,
                           const struct event_dates *dates, struct event *out,
                           char *reason, size_t reason_len);

/* The identity rule for events without "id": the k-th line (k >= 1) of one
 * input with the same content (and so the same person) is a different event
 * from the first, because two identical events at different positions of a
 * person's history are different events (hire, terminate, rehire,
 * terminate with the same attributes). The first occurrence keeps the plain
 * content id "sha256:<hex>" (so ledgers written before this rule do not
 * apply an old file again); occurrence k >= 2 is "sha256:<hex>#k". Running
 * the same input again gives every line the same id again. No-op for an
 * event with a given "id". Returns 0, or -1 when out of memory (ev->id is
 * then unchanged). */
int event_set_occurrence(struct event *ev, unsigned occurrence);

/* The rules an "employee_id" must meet (a non-empty, non-blank string of
 * at most EVENT_MAX_ID_LEN bytes without control or bidirectional
 * formatting characters), for readers of other formats (intake/): 0, or
 * -1 with the reason an event line would get. s must be valid UTF-8. */
int event_check_employee_id(const char *s, size_t n, char *reason,
                            size_t reason_len);

/* Frees what ev owns and zeroes it; safe on a zeroed or released event. */
void event_release(struct event *ev);

#endif
