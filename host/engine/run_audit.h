/* Audit lines about the run itself (engine/audit.h audit_write_object):
 * its start, its stop (with the exit code, why it stopped and the summary
 * counts) and each connection's pre-flight authenticate. Private to
 * run_*.c. A line that cannot be written stops the run (run_fatal). */
#ifndef PROVHOST_RUN_AUDIT_H
#define PROVHOST_RUN_AUDIT_H

#include <stdint.h>

#include "engine/run_internal.h"

/* {"operation": "run_start", "source": ..., "connections": [...]} */
void run_audit_start(struct run *run);

/* {"operation": "run_stop", "exit_code": N, "status": "done|failed|usage|
 * stopped|review", "reason": "<why it stopped>"|null, "lines": N,
 * "rejected_lines": N, "duplicates_in_input": N, "summary": {connection:
 * counts}|null}; summary is the ledger's run summary (JSON text, may be
 * NULL). */
void run_audit_stop(struct run *run, int code, const char *summary);

/* {"operation": "authenticate", "connection": ..., "attempt": N,
 * "status": "ok"|..., "http_status": N|null, "error": ...|null} for the
 * pre-flight check of conn_run's connection (st, perr for a failure). */
void run_audit_authenticate(struct run_conn *conn_run, int attempt, int32_t st,
                            const provhost_error *perr);

#endif
