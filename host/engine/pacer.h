/* Per-connection request admission shared by all of a connection's workers.
 *
 * One token bucket per connection sits in front of every request (the
 * connector calls host_api->pace, which calls pacer_acquire): tokens refill
 * at the admission rate up to a small burst, a request takes one token, and
 * a request without a token waits for the next one. Workers share the one
 * bucket, so the rate holds for the whole connection.
 *
 * Rate (AIMD, learned from the target's answers):
 * - Before the first 429 the rate is max_rps R (burst 1: request starts at
 *   least 1/R apart, R never exceeded over any window) or, without
 *   max_rps, unlimited (burst PACER_BURST).
 * - A 429 for a request admitted after the last decrease (a fresh "slow
 *   down"; 429s for requests already on their way when the rate dropped
 *   are not news) lowers the rate multiplicatively: to PACER_FIRST_DROP of
 *   the rate achieved just before it when nothing was learned yet (that
 *   rate is inflated by the unpaced start), to PACER_DROP of it later
 *   (PACER_QUICK_DROP when the last drop was less than PACER_QUICK_US
 *   ago: still far above the limit, as while learning it).
 *   The achieved rate A is the admissions of the last second (at most the
 *   rate in force).
 * - Then the rate grows back additively (linearly in time, as TCP's
 *   congestion window does): quickly (PACER_FAST_UP x A per second) up to
 *   PACER_KNEE x A, just under where the target refused, then slowly
 *   (PACER_SLOW_UP x A per second) past it, probing for more; the next
 *   fresh 429 lowers it again. With max_rps the rate never exceeds it.
 * - A run may start from a rate learned by an earlier run (pacer_start).
 *
 * Pauses: a target's "slow down" (429 + Retry-After) holds every worker
 * until the pause ends. The bucket then restarts with one token, so
 * admission resumes at the (lowered) rate, never in a burst. A worker that
 * was already waiting for its slot when a pause began takes a new slot
 * after the pause.
 *
 * Headers: a target that states its window (RateLimit-* / X-RateLimit-*,
 * pacer_hint) gets at most its remaining requests until the reset, on top
 * of the rate above. A request still on its way when a window resets may
 * reach the target in the next window and count there, so the pacer keeps
 * the requests in flight (admitted, not yet answered: pacer_flight_*) and
 * charges them to the next window's budget too. Thread-safe. */
#ifndef PROVHOST_PACER_H
#define PROVHOST_PACER_H

#include <pthread.h>
#include <stdint.h>

#define PACER_BURST      2       /* tokens, the bucket's size without max_rps */
#define PACER_MIN_RPS    1.0     /* floor of the rate derived after a 429 */
#define PACER_HISTORY    256     /* admissions remembered to measure the rate */
#define PACER_FIRST_DROP 0.5     /* first 429: rate x this */
#define PACER_DROP       0.85    /* later 429s: rate x this */
#define PACER_QUICK_DROP 0.7     /* ... one soon after the last drop: x this */
#define PACER_QUICK_US   5000000 /* "soon": within 5 s of the last drop */
#define PACER_KNEE       0.95    /* fast growth up to this x the refused rate */
#define PACER_FAST_UP    0.1     /* growth below the knee, x refused rate / s */
#define PACER_SLOW_UP    0.0025  /* growth past the knee, x refused rate / s */
#define PACER_FLIGHTS    128     /* requests tracked on their way at once */

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
	/* the learned rate: base at ramp_start_us, growing by fast_up per
	 * second up to knee, then by slow_up per second; base 0 = nothing
	 * learned (max_rps or unlimited) */
	double base, knee, fast_up, slow_up;
	double refused_rps; /* the achieved rate at the last fresh 429 */
	double started_rps; /* the rate given to pacer_start, 0 = none */
	double burst;       /* bucket size in tokens */
	int64_t tat_us; /* the bucket's next whole token, promised slots paid */
	int64_t paused_until_us;
	int64_t ramp_start_us; /* when the current growth began */
	int64_t decreased_us;  /* when the rate was last lowered, 0 = never */
	uint64_t pauses;       /* fresh "slow down"s: times the rate dropped */
	uint64_t refusals;     /* every 429 reported (pacer_pause calls) */
	uint64_t epoch;        /* bumped by every pause that moves the end */
	int64_t history[PACER_HISTORY]; /* recent admission slots, a ring */
	uint64_t admitted;              /* admissions ever (ring position) */
	/* the target's own rate-limit headers (pacer_hint): until
	 * hint_until_us at most hint_budget more admissions; -1 = none */
	int64_t hint_until_us;
	int64_t hint_budget;
	int64_t hint_from_us;   /* the current window began (no slot before) */
	int64_t hint_window_us; /* the longest reset announced: a window */
	int64_t hint_limit;     /* the window's stated limit, -1 unknown */
	uint64_t hint_waits;    /* admissions held to a window's reset */
	/* requests admitted and not yet answered (pacer_flight_begin): the
	 * slot each was admitted for, -1 = a free entry */
	int64_t flights[PACER_FLIGHTS];
	int64_t flight_max_us; /* the longest slot-to-answer seen (<= window) */
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

/* Starts from a rate learned earlier (requests/s, > 0; capped at
 * max_rps) at now_us: admission at that rate, probing slowly above it.
 * Call before the workers start. */
void pacer_start(struct pacer *p, double rate, int64_t now_us);

/* The target answered 429 to a request admitted at sent_us (-1 = unknown:
 * then it counts as fresh unless a pause is in force): no request starts
 * before now_us + pause_us (longer pauses win over shorter), and a fresh
 * one lowers the rate (see above). */
void pacer_refused(struct pacer *p, int64_t now_us, int64_t pause_us,
                   int64_t sent_us);

/* Requests on their way: pacer_flight_begin records a request admitted
 * for slot and returns its handle (-1 when PACER_FLIGHTS are on their way:
 * then it is not tracked); pacer_flight_end (handle >= 0) says it was
 * answered or abandoned. pacer_acquire and pacer_thread_done do this for
 * the calling thread's requests. */
int pacer_flight_begin(struct pacer *p, int64_t slot);
void pacer_flight_end(struct pacer *p, int handle);

/* The calling thread's request admitted through pacer_acquire on p is over
 * (its call returned). Any thread; a no-op when there is none. */
void pacer_thread_done(struct pacer *p);

/* pacer_refused for the request the calling thread was last admitted for
 * through pacer_acquire on p (unknown if none). */
void pacer_pause(struct pacer *p, int64_t now_us, int64_t pause_us);

/* The target's rate-limit headers (RateLimit-* / X-RateLimit-*) on the
 * answer to a request admitted at sent_us (-1 unknown): remaining requests
 * in a window that resets in reset_us (-1 unknown: the hint is ignored),
 * of limit per window (-1 unknown). Until the reset at most remaining
 * requests are admitted, less the ones admitted after sent_us and the
 * ones admitted before it still in flight (either may not have reached
 * the target yet); with none left every admission waits for the reset.
 * Hints for the same window only ever lower the budget; when a window
 * ends without a newer hint, the next one starts with the stated limit
 * less the requests admitted just before its start (within the longest
 * time an answer took) that are still in flight. An answer to a request
 * admitted before the current window began speaks of the last window: it
 * changes neither the current window's end nor its budget. */
void pacer_hint(struct pacer *p, int64_t now_us, int64_t limit,
                int64_t remaining, int64_t reset_us, int64_t sent_us);

/* pacer_hint for the request the calling thread was last admitted for
 * through pacer_acquire on p (which is then answered: pacer_thread_done).
 */
void pacer_hint_thread(struct pacer *p, int64_t now_us, int64_t limit,
                       int64_t remaining, int64_t reset_us);

/* The admission rate at now_us in requests/s, 0 = unlimited. */
double pacer_rate(struct pacer *p, int64_t now_us);

/* What the pacer learned by now_us: the rate a next run should start from
 * the rate in force, but at least the knee under the rate the target last
 * refused and at most that rate (capped at max_rps); 0 when nothing was
 * learned. */
double pacer_learned(struct pacer *p, int64_t now_us);

/* How many of the calling thread's pacer_acquire calls (any pacer) were
 * refused because the wait would pass their deadline: compare before and
 * after a call to tell "our own pacing ran out of time" from a timeout. */
uint64_t pacer_thread_refused_waits(void);

#endif
