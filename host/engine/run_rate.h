/* A connection's request rate across runs and in the summary: the rate its
 * pacer learned from the target's 429 answers is stored in the run's
 * summary JSON in the ledger ("Rate learned", requests/s) and the next run
 * starts from it; the summary and stop reasons name it. Main thread,
 * except run_rate_stop_reason (any thread). */
#ifndef PROVHOST_RUN_RATE_H
#define PROVHOST_RUN_RATE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <provhost/connector.h>

struct run_conn;

#define RUN_RATE_KEY    "Rate learned"
#define RUN_RATE_429KEY "Answers 429"

/* Starts conn_run's pacer from the rate the connection's last real run stored,
 * if it stored one (a run without one learned nothing: start unpaced). */
void run_rate_restore(struct run_conn *conn_run);

/* Adds RUN_RATE_KEY (when something was learned) and RUN_RATE_429KEY (when
 * the target answered 429) to the connection's summary object. */
void run_rate_json(struct run_conn *conn_run, json_t *obj);

/* The summary's "rate:" line; nothing when the pacer learned nothing. */
void run_rate_print(struct run_conn *conn_run, FILE *out);

/* Why the connection stops when rate limiting left a request no time
 * before its deadline: the 429 count, the rate reached, engine.max_rps. */
void run_rate_stop_reason(struct run_conn *conn_run, char *buf, size_t len);

/* host_api->rate_limit for conn_run's instances (ctx is the struct
 * run_conn): the target's RateLimit-* / X-RateLimit-* headers go to the
 * connection's pacer (pacer_hint), for the request the calling worker was
 * last admitted for. Any worker thread. */
void run_rate_hint(void *ctx, const provhost_call *call, int64_t limit,
                   int64_t remaining, int64_t reset_ms);

/* "; the target also answered 429 ..." for another stop reason, or "". */
void run_rate_stop_note(struct run_conn *conn_run, char *buf, size_t len);

#endif
