/* The audit trail: one JSON line per target operation attempt, appended to a
 * file the operator chooses (`run --audit FILE` or "audit_file"). Lines
 * never contain a secret: connector messages reach it already redacted.
 * Thread-safe; each line is written with one write(2), whole or not at all
 * (util/append_file.h): a full disk cuts the partial line off again, and a
 * torn last line an earlier process left is replaced, before anything is
 * appended, by a valid line {"torn_line": "<its text>", ...} so every line
 * stays one JSON object. A line that cannot be written is an error the
 * run stops on (an audit trail must not silently lose lines). */
#ifndef PROVHOST_AUDIT_H
#define PROVHOST_AUDIT_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "util/append_file.h"

struct audit {
	struct append_file file; /* not open: auditing off */
	bool on;
};

struct audit_record {
	int64_t run_id;
	const char *event_id;
	const char *employee_id;
	const char *connection;
	const char *operation; /* "provision" / "deprovision" */
	int attempt;           /* 1-based */
	const char *status;    /* "ok", "rate_limited", ... */
	const char *outcome;   /* "created", ... or NULL on failure */
	const char *account_id;
	int http_status;
	int64_t duration_ms;
	const char *error; /* NULL on success */
	bool retrying;     /* another attempt follows */
	bool dry_run;
};

/* Opens path for appending (created 0600, and missing parent directories
 * 0700, like the ledger's), repairing a torn last line. path NULL =
 * auditing off. Returns 0, or -1 with a message naming the file. */
int audit_open(struct audit *a, const char *path, char *err, size_t err_len);

/* Appends r's line. Returns 0 (also when auditing is off), or -1 with a
 * message naming the file ("audit file \"X\" cannot be written: No space
 * left on device"): then the file holds no part of the line. */
int audit_write(struct audit *a, const struct audit_record *r, char *err,
                size_t err_len);

/* Appends one line of another kind than an attempt: {"time", "run",
 * "operation": operation, <members in order>, "dry_run": true (dry runs
 * only)}. members is borrowed. A dry run's lines (these and audit_write's)
 * have "run": null: run numbers belong to real runs (the dry run works on
 * a copy and cannot take one). Kinds: "run_start", "run_stop",
 * "authenticate", "decision" (engine/run_audit.c). Same return convention
 * as audit_write. */
int audit_write_object(struct audit *a, int64_t run_id, bool dry_run,
                       const char *operation, const json_t *members, char *err,
                       size_t err_len);

void audit_close(struct audit *a);

#endif
