/* Per-connection request pacing shared by all of a connection's workers.
 *
 * A strict rate limiter (generic cell rate algorithm without burst): with
 * max_rps R, request starts are spaced at least 1/R apart, so R is never
 * exceeded over any window. A target's "slow down" (429 + Retry-After)
 * pauses every worker until the pause ends; the rate then restarts at half
 * of R and ramps linearly back to R over ramp_ms. With max_rps 0 there is no
 * rate limit, but pauses still apply. Thread-safe. */
#ifndef PROVHOST_PACER_H
#define PROVHOST_PACER_H

#include <pthread.h>
#include <stdint.h>

struct pacer {
	pthread_mutex_t lock;
	double max_rps; /* configured ceiling, 0 = unlimited */
	int64_t tat_us; /* theoretical arrival time of the next request */
	int64_t paused_until_us;
	int64_t ramp_start_us; /* when the post-pause ramp began, 0 = none */
	int64_t ramp_us;       /* duration of the ramp back to max_rps */
	uint64_t pauses;       /* how many times the target paused us */
};

void pacer_init(struct pacer *p, double max_rps);
void pacer_release(struct pacer *p);

/* Reserves the next start slot for a request arriving at now_us; returns
 * the slot time (>= now_us) and consumes it, or -1 without consuming when
 * the slot would be later than deadline_us (0 = no deadline). Pure apart
 * from the pacer's state: tests drive it with their own clock. */
int64_t pacer_reserve(struct pacer *p, int64_t now_us, int64_t deadline_us);

/* Blocks until the caller may send one request. Returns 0, or -1 when the
 * wait would pass deadline_ms (monotonic ms, 0 = none). */
int pacer_acquire(struct pacer *p, int64_t deadline_ms);

/* The target asked us to wait: no request starts before now_us + pause_us,
 * after which the rate ramps up again. Longer pauses win over shorter. */
void pacer_pause(struct pacer *p, int64_t now_us, int64_t pause_us);

#endif
