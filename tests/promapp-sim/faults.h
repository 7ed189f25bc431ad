/*
 * faults: the knobs that make the simulator misbehave on purpose: a token
 * bucket rate limit (429), every-Nth 503s and dropped connections, and a
 * latency with optional jitter. Thread-safe.
 */
#ifndef SIM_FAULTS_H
#define SIM_FAULTS_H

#include "options.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

enum fault_verdict {
	FAULT_NONE,
	FAULT_DROP,         /* close the connection without answering */
	FAULT_FAIL,         /* 503 with Retry-After */
	FAULT_RATE_LIMITED, /* 429 with Retry-After */
};

struct faults {
	pthread_mutex_t mu; /* guards the bucket and the random state */
	double rps, burst, tokens;
	double last_refill; /* monotonic seconds */
	uint64_t rng;
	unsigned latency_ms, jitter_ms;
	unsigned long fail_every, drop_every, fail_from;
	unsigned fail_retry_after;
	atomic_ulong seq; /* /api/scim requests seen */
	/* --window-limit: fixed windows of window_s seconds from start */
	unsigned long window_limit, window_used;
	unsigned window_s;
	double window_start; /* monotonic seconds */
};

/* --window-limit: counts one request in the current window. Returns true
 * when it is within the limit; fills *limit, *remaining (after it) and
 * *reset (whole seconds until the window ends, rounded up, >= 1).
 * Without the knob returns true and sets *limit to 0. */
bool faults_window(struct faults *f, long *limit, long *remaining, long *reset);

int faults_init(struct faults *f, const struct sim_options *o);
void faults_destroy(struct faults *f);

/*
 * Decides the fate of the next /api/scim request. For FAULT_RATE_LIMITED
 * *retry_after receives the seconds (>= 1) to announce, for FAULT_FAIL
 * --fail-retry-after's (0: announce none).
 * Drops win over failures; both count every request, rate-limited ones
 * included.
 */
enum fault_verdict faults_check(struct faults *f, unsigned *retry_after);

/* Sleeps the configured latency (plus jitter); returns at once without. */
void faults_delay(struct faults *f);

/* Restarts the every-Nth counter and refills the bucket. */
void faults_reset(struct faults *f);

#endif
