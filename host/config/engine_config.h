/* Throughput and resilience settings of one connection: the "engine" object
 * of a connection in the configuration. All members optional. */
#ifndef PROVHOST_ENGINE_CONFIG_H
#define PROVHOST_ENGINE_CONFIG_H

#include <jansson.h>
#include <stdint.h>

#include "util/path_error.h"

struct engine_config {
	int workers;               /* connector instances in parallel, 1..64 */
	double max_rps;            /* requests/s ceiling, 0 = unlimited */
	int max_attempts;          /* tries per event for retryable errors */
	int64_t event_deadline_ms; /* give up retrying an event after this */
	int64_t backoff_base_ms;   /* first backoff step (full jitter) */
	int64_t backoff_max_ms;    /* backoff ceiling */
	int breaker_window;        /* recent calls the breaker looks at */
	double breaker_ratio;      /* stop when failures/window exceed this */
	int64_t call_timeout_ms;   /* deadline of one connector call */
	int64_t watchdog_grace_ms; /* a call this late ends the run (exit 3) */
};

/* Defaults: workers 8, max_rps 0, max_attempts 5, deadline 120 s, backoff
 * 200 ms .. 30 s, breaker 50 calls / 0.5, call timeout 60 s, watchdog grace 30
 * s. */
void engine_config_defaults(struct engine_config *cfg);

/* Fills cfg from obj (may be NULL: defaults only). Unknown keys and out of
 * range values are errors; err->path is relative to obj ("workers"). */
int engine_config_parse(const json_t *obj, struct engine_config *cfg,
                        struct path_error *err);

#endif
