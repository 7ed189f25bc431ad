/* Per-connection request admission shared by all of a connection's workers.
 *
 * One token bucket per connection sits in front of every request (the
 * connector calls host_api->pace, which calls pacer_acquire): tokens refill
 * at the admission rate up to a small burst, a request takes one token, and
 * a request without a token waits for the next one. Workers share the one
 * bucket, so the rate holds for the whole connection.
 *
 * Rate and burst:
 * - max_rps R set: rate R with a burst of 1 token, so request starts are at
 *   least 1/R apart and R is never exceeded over any window.
 * - max_rps unset: no limit until the target first answers 429. From then
 *   on the rate is half of what the connection achieved in the second
 *   before that 429 (at least PACER_MIN_RPS), with a burst of PACER_BURST;
 *   every later 429 halves it again, from the rate achieved then.
 *
 * Pauses: a target's "slow down" (429 + Retry-After) holds every worker
 * until the pause ends. The bucket then restarts with one token, so
 * admission resumes at the paced rate, never in a burst; with max_rps set
 * the rate restarts at R/2 and ramps linearly back to R over ramp_us.
 * A worker that was already waiting for its slot when a pause began takes a
 * new slot after the pause. Thread-safe. */
#ifndef PROVHOST_PACER_H
#define PROVHOST_PACER_H

#include <pthread.h>
#include <stdint.h>

#define PACER_BURST   2   /* tokens, the bucket's size without max_rps */
#define PACER_MIN_RPS 1.0 /* floor of the rate derived after a 429 */
#define PACER_HISTORY 256 /* admissions remembered to measure the rate */

/* The clock pacer_acquire uses; tests install a fake one. */
struct pacer_clock {
	int64_t (*now_us)(void *ctx);
	void (*sleep_us)(void *ctx, int64_t us);
	void *ctx;
};

struct pacer {
	pthread_mutex_t lock;
	struct pacer_clock clock;
	double max_rps; /* configured ceiling, 0 = unlimited */
	double rate;  /* admission rate after a 429 without max_rps, 0 = none */
	double burst; /* bucket size in tokens */
	int64_t tat_us; /* the bucket's next whole token, promised slots paid */
	int64_t paused_until_us;
	int64_t ramp_start_us; /* when the post-pause ramp began, 0 = none */
	int64_t ramp_us;       /* duration of the ramp back to max_rps */
	uint64_t pauses;       /* how many times the target paused us */
	uint64_t epoch;        /* bumped by every pause that moves the end */
	int64_t history[PACER_HISTORY]; /* recent admission slots, a ring */
	uint64_t admitted;              /* admissions ever (ring position) */
};

void pacer_init(struct pacer *p, double max_rps);
void pacer_release(struct pacer *p);

/* Replaces the monotonic clock used by pacer_acquire (not thread-safe:
 * call before the workers start). */
void pacer_set_clock(struct pacer *p, const struct pacer_clock *clock);

/* Reserves the next start slot for a request arriving at now_us; returns
 * the slot time (>= now_us) and consumes a token, or -1 without consuming
 * when the slot would be later than deadline_us (0 = no deadline). Pure
 * apart from the pacer's state: tests drive it with their own clock. */
int64_t pacer_reserve(struct pacer *p, int64_t now_us, int64_t deadline_us);

/* Blocks until the caller may send one request. Returns 0, or -1 when the
 * wait would pass deadline_ms (monotonic ms, 0 = none). */
int pacer_acquire(struct pacer *p, int64_t deadline_ms);

/* The target asked us to wait: no request starts before now_us + pause_us.
 * Longer pauses win over shorter. A pause that begins while none is in
 * force counts in pauses and, without max_rps, lowers the rate. */
void pacer_pause(struct pacer *p, int64_t now_us, int64_t pause_us);

/* The admission rate at now_us in requests/s, 0 = unlimited. */
double pacer_rate(struct pacer *p, int64_t now_us);

#endif
