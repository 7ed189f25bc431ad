/* The machine-readable state documents of status --json, history --json
 * and review --json: one versioned schema (doc/schema/provhost-state-v1.json).
 * Every document is an object whose "schema" is STATE_JSON_SCHEMA, whose
 * "kind" says which document it is and whose "generated_at" is the UTC
 * time it was made. A change that could break a reader gets a new version
 * (provhost/v2, a new schema file); v1 only gains optional members. */
#ifndef PROVHOST_STATE_JSON_H
#define PROVHOST_STATE_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "config/config.h"
#include "ledger/ledger.h"

#define STATE_JSON_SCHEMA "provhost/v1"

/* A new document {"schema", "kind", "generated_at"} (caller decrefs), or
 * NULL when out of memory. */
json_t *state_json_doc(const char *kind);

/* An epoch time as "2026-11-28T10:14:04Z", or JSON null for 0. */
json_t *state_json_time(int64_t t);

/* A string, or null when s is NULL or empty (made valid UTF-8). */
json_t *state_json_str(const char *s);

/* Prints doc (indented, members in order) and a newline to stdout and
 * decrefs it. Returns 0, or -1 when doc is NULL or cannot be printed. */
int state_json_print(json_t *doc);

/* The status document of the ledger l for cfg at now; NULL on a ledger
 * error (message in ledger_last_error()) or out of memory. */
json_t *state_json_status(const struct config *cfg, struct ledger *l,
                          int64_t now);

/* The status document when there is no ledger yet: the configured
 * connections with zero counts, no run. NULL when out of memory. */
json_t *state_json_status_empty(const struct config *cfg);

/* Appends to events (an array) one object per event of employee_id, each
 * with its targets (rows as ledger_history returned them) and their stored
 * decision (null when none). Returns 0, or -1. */
int state_json_history_events(json_t *events, struct ledger *l,
                              const char *employee_id,
                              const struct ledger_history_row *rows, size_t n);

#endif
