/* Unit tests for the per-connection admission token bucket (host/pacer.c)
 * on a fake clock: no burst after a pause, max_rps never exceeded over any
 * window, one bucket shared by all workers, a worker already waiting when
 * a pause begins waits for the pause too, and the AIMD rate learned from a
 * simulated target's 429s (8 workers, 50 ms latency, a token bucket limit
 * answering 429 + Retry-After like promapp-sim). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "engine/pacer.h"

#define MS 1000LL
#define S  1000000LL

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Asserts that no window of any length holds more starts than rate allows:
 * with a burst of 1, the k-th start after any start is at least k/rate
 * later (so any 1 s window holds at most rate starts). slots is sorted. */
static void assert_never_above(const int64_t *slots, size_t n, double rate)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n && j < i + 64; j++)
			if ((double)(slots[j] - slots[i]) <
			    (double)(j - i) * 1e6 / rate - 1)
				fail_msg("%zu starts in %lld us at rate %g",
				         j - i + 1,
				         (long long)(slots[j] - slots[i]),
				         rate);
	/* and counted directly: every 1 s window from a start */
	for (i = 0, j = 0; i < n; i++) {
		while (j < n && slots[j] < slots[i] + S)
			j++;
		if ((double)(j - i) > rate)
			fail_msg("%zu starts within 1 s from %lld (max %g)",
			         j - i, (long long)slots[i], rate);
	}
}

static void no_burst_after_a_pause_without_max_rps(void **state)
{
	struct pacer p;
	int64_t slot[8], end;
	int i;

	pacer_init(&p, 0);
	/* unlimited at first: 50 requests in the second before t = 1 s (and
	 * one at 0, before that second), none waits */
	assert_int_equal(pacer_reserve(&p, 0, 0), 0);
	for (i = 0; i < 50; i++)
		assert_int_equal(pacer_reserve(&p, 10 * MS + i * 20 * MS, 0),
		                 10 * MS + i * 20 * MS);
	/* the target answers 429 with Retry-After: 1 at t = 1 s */
	pacer_pause(&p, 1 * S, 1 * S);
	end = 2 * S;
	/* half of the 50/s achieved before the 429 */
	assert_true(pacer_rate(&p, end) == 25.0);
	/* eight workers retry during the pause: one starts at its end, the
	 * others follow at the rate (1/25 s apart, a little less as the rate
	 * grows back) instead of all at once */
	for (i = 0; i < 8; i++)
		slot[i] = pacer_reserve(&p, 1500 * MS, 0);
	assert_int_equal(slot[0], end);
	for (i = 1; i < 8; i++) {
		assert_true(slot[i] - slot[i - 1] <= 40 * MS);
		assert_true(slot[i] - slot[i - 1] >=
		            1e6 / pacer_rate(&p, slot[i]));
		assert_true(slot[i] - slot[i - 1] >= 35 * MS);
	}
	/* a second fresh 429 soon after lowers it again, to PACER_QUICK_DROP
	 * of the ~26/s achieved */
	pacer_refused(&p, end + 300 * MS, 1 * S, end + 280 * MS);
	assert_true(pacer_rate(&p, end + 1300 * MS) <= PACER_QUICK_DROP * 27);
	assert_true(pacer_rate(&p, end + 1300 * MS) >= PACER_QUICK_DROP * 25);
	assert_int_equal(p.pauses, 2);
	/* a 429 for a request sent before that drop is not news */
	pacer_refused(&p, end + 350 * MS, 1 * S, end + 250 * MS);
	assert_int_equal(p.pauses, 2);
	assert_int_equal(p.refusals, 3);
	pacer_release(&p);
}

/* A 429 long after the last drop is a probe just past the limit: a gentle
 * drop (PACER_DROP); one soon after it means the rate is still far above
 * (PACER_QUICK_DROP). */
static void a_late_429_drops_gently_a_quick_one_hard(void **state)
{
	struct pacer p;
	int64_t t = 0;
	double before;
	int i;

	pacer_init(&p, 0);
	pacer_start(&p, 20, 0);
	for (i = 0; i < 200; i++) /* 10 s at 20/s */
		t = pacer_reserve(&p, t, 0);
	before = pacer_rate(&p, t);
	pacer_refused(&p, t, 0, t); /* the first drop of this pacer */
	assert_true(pacer_rate(&p, t + 1) <= PACER_DROP * before + 0.5);
	assert_true(pacer_rate(&p, t + 1) >= PACER_DROP * 19);
	before = pacer_rate(&p, t + 1 * S);
	for (i = 0; i < 15; i++) /* 1 s later */
		t = pacer_reserve(&p, t, 0);
	pacer_refused(&p, t, 0, t);
	assert_true(pacer_rate(&p, t + 1) <= PACER_QUICK_DROP * before + 0.5);
	assert_int_equal(p.pauses, 2);
	pacer_release(&p);
}

static void no_burst_after_a_pause_with_max_rps(void **state)
{
	struct pacer p;
	int64_t slots[40];
	int i;

	pacer_init(&p, 20);
	/* workers idle for a long time, then a pause: the bucket holds one
	 * token at the pause's end, whatever was saved before */
	pacer_pause(&p, 60 * S, 2 * S);
	for (i = 0; i < 40; i++)
		slots[i] = pacer_reserve(&p, 61 * S, 0);
	assert_int_equal(slots[0], 62 * S);
	/* ramping from half the rate: never faster than max_rps */
	assert_never_above(slots, 40, 20);
	assert_true(slots[1] - slots[0] >= 100 * MS); /* 10/s right after */
	pacer_release(&p);
}

static void max_rps_is_never_exceeded_over_any_window(void **state)
{
	struct pacer p;
	int64_t slots[600], t = 0, s;
	uint64_t rng = 88172645463325252ULL;
	size_t n = 0;

	pacer_init(&p, 30);
	while (n < 600) {
		/* bursts and idle gaps of random length, a pause now and then
		 */
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		t += (int64_t)(rng % 5 == 0 ? rng % (2 * S) : rng % (5 * MS));
		if (rng % 97 == 0)
			pacer_pause(&p, t, (int64_t)(rng % (3 * S)));
		s = pacer_reserve(&p, t, 0);
		assert_true(s >= t);
		slots[n++] = s;
	}
	qsort(slots, n, sizeof(slots[0]), cmp_i64);
	assert_never_above(slots, n, 30);
	pacer_release(&p);
}

struct worker {
	struct pacer *p;
	int64_t slots[100];
};

static void *reserve_100(void *arg)
{
	struct worker *w = arg;
	int i;

	for (i = 0; i < 100; i++)
		w->slots[i] = pacer_reserve(w->p, 0, 0);
	return NULL;
}

static void tokens_are_shared_across_workers(void **state)
{
	struct pacer p;
	struct worker w[4];
	pthread_t t[4];
	int64_t all[400];
	int i, j;

	pacer_init(&p, 100); /* 10 ms apart */
	for (i = 0; i < 4; i++) {
		w[i].p = &p;
		assert_int_equal(
		        pthread_create(&t[i], NULL, reserve_100, &w[i]), 0);
	}
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < 4; i++)
		for (j = 0; j < 100; j++)
			all[i * 100 + j] = w[i].slots[j];
	qsort(all, 400, sizeof(all[0]), cmp_i64);
	/* one bucket: 400 distinct starts 10 ms apart, not 4 x 100 */
	for (i = 0; i < 400; i++)
		assert_int_equal(all[i], i * 10 * MS);
	pacer_release(&p);
}

/* A fake clock: sleeping advances it; the first sleep lets "another
 * worker" receive a 429 halfway through. */
struct fake_clock {
	struct pacer *p;
	int64_t now, pause_us;
	int sleeps;
};

static int64_t fake_now(void *ctx)
{
	return ((struct fake_clock *)ctx)->now;
}

static void fake_sleep(void *ctx, int64_t us)
{
	struct fake_clock *c = ctx;

	if (c->sleeps++ == 0 && c->pause_us)
		pacer_pause(c->p, c->now + us / 2, c->pause_us);
	c->now += us;
}

static void a_waiting_worker_waits_for_a_new_pause(void **state)
{
	struct pacer p;
	struct fake_clock c = {&p, 0, 1 * S, 0};
	struct pacer_clock clock = {fake_now, fake_sleep, &c};

	pacer_init(&p, 10); /* 100 ms apart */
	pacer_set_clock(&p, &clock);
	assert_int_equal(pacer_reserve(&p, 0, 0), 0);
	/* our slot is at 100 ms; at 50 ms a 429 pauses the connection 1 s */
	assert_int_equal(pacer_acquire(&p, 0), 0);
	assert_int_equal(c.now, 1050 * MS);
	assert_int_equal(c.sleeps, 2);
	/* without a pause the same wait is one sleep to the slot */
	c.pause_us = 0;
	c.sleeps = 0;
	c.now = 1050 * MS;
	assert_int_equal(pacer_acquire(&p, 0), 0);
	assert_int_equal(c.now, 1250 * MS); /* 5/s: the ramp's start */
	assert_int_equal(c.sleeps, 1);
	/* a wait past the deadline is refused at once */
	assert_int_equal(pacer_acquire(&p, 1 + c.now / 1000), -1);
	pacer_release(&p);
}

/* A simulated target: a token bucket of rps with burst tokens (promapp-sim
 * --rate-limit RPS:BURST), answering 429 at once with Retry-After in whole
 * seconds (at least 1), else after latency. */
struct target {
	double rps, burst, tokens;
	int64_t last;
};

static int64_t target_take(struct target *t, int64_t at)
{
	double w;

	t->tokens += (double)(at - t->last) / 1e6 * t->rps;
	if (t->tokens > t->burst)
		t->tokens = t->burst;
	t->last = at;
	if (t->tokens >= 1) {
		t->tokens -= 1;
		return 0;
	}
	w = ceil((1 - t->tokens) / t->rps);
	return (int64_t)(w < 1 ? 1 : w) * S;
}

enum wstate { W_READY, W_WAIT, W_ANSWER_429 };

struct sim_result {
	int64_t sent, refused, ok_late; /* ok_late: successes after warm-up */
	double learned, max_rate;       /* max_rate: in force after warm-up */
	int64_t *starts; /* every start, in order; caller frees */
	size_t n_starts;
};

/* Runs 8 workers for secs seconds against target through p, each sending
 * its next request when the last one was answered (retrying a 429 through
 * the pacer, as run_event does). Successes after warm_s are counted. */
static void simulate(struct pacer *p, struct target *tg, int secs, int warm_s,
                     struct sim_result *r)
{
	enum { W = 8 };
	const int64_t latency = 50 * MS, end = secs * S;
	enum wstate st[W];
	int64_t at[W], slot[W], retry[W];
	uint64_t epoch[W];
	size_t cap = 4096;
	int i, k;

	memset(r, 0, sizeof(*r));
	r->starts = malloc(cap * sizeof(int64_t));
	assert_non_null(r->starts);
	for (i = 0; i < W; i++) {
		st[i] = W_READY;
		at[i] = i; /* all at once, in a fixed order */
	}
	for (;;) {
		for (k = 0, i = 1; i < W; i++)
			if (at[i] < at[k])
				k = i;
		if (at[k] >= end)
			break;
		switch (st[k]) {
		case W_READY:
			slot[k] = pacer_reserve(p, at[k], 0);
			epoch[k] = p->epoch;
			at[k] = slot[k];
			st[k] = W_WAIT;
			break;
		case W_WAIT:
			if (p->epoch != epoch[k] &&
			    p->paused_until_us > slot[k]) {
				st[k] = W_READY; /* behind the new pause */
				break;
			}
			if (r->n_starts == cap) {
				cap *= 2;
				r->starts = realloc(r->starts,
				                    cap * sizeof(int64_t));
				assert_non_null(r->starts);
			}
			r->starts[r->n_starts++] = slot[k];
			r->sent++;
			if (slot[k] >= warm_s * S &&
			    pacer_rate(p, slot[k]) > r->max_rate)
				r->max_rate = pacer_rate(p, slot[k]);
			retry[k] = target_take(tg, slot[k]);
			if (retry[k]) {
				r->refused++;
				at[k] = slot[k] + 1 * MS;
				st[k] = W_ANSWER_429;
			} else {
				if (slot[k] >= warm_s * S)
					r->ok_late++;
				at[k] = slot[k] + latency;
				st[k] = W_READY;
			}
			break;
		case W_ANSWER_429:
			pacer_refused(p, at[k], retry[k], slot[k]);
			st[k] = W_READY;
			break;
		}
	}
	r->learned = pacer_learned(p, end);
}

/* Most starts in any window of win_us. */
static size_t most_in_window(const int64_t *starts, size_t n, int64_t win_us)
{
	size_t i, j = 0, most = 0;

	for (i = 0; i < n; i++) {
		while (j < n && starts[j] < starts[i] + win_us)
			j++;
		if (j - i > most)
			most = j - i;
	}
	return most;
}

static void aimd_converges_under_a_fixed_limit(void **state)
{
	static const double limits[] = {20, 5, 80};
	struct sim_result r;
	struct target tg;
	struct pacer p;
	size_t i;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		double R = limits[i], got;

		tg = (struct target){R, 2, 2, 0};
		pacer_init(&p, 0);
		simulate(&p, &tg, 300, 60, &r);
		got = (double)r.ok_late / 240.0;
		print_message(
		        "limit %g: learned %.2f, %.1f ok/s after warm-up, "
		        "%lld of %lld answered 429, %llu drops\n",
		        R, r.learned, got, (long long)r.refused,
		        (long long)r.sent, (unsigned long long)p.pauses);
		/* the learned rate ends near the limit, never far above */
		assert_true(r.learned >= 0.7 * R);
		assert_true(r.learned <= 1.05 * R);
		/* and the connection gets most of the limit, with few 429s */
		assert_true(got >= 0.8 * R);
		assert_true(got <= R + 2.0 / 240);
		assert_true(r.refused * 20 <= r.sent); /* <= 5 % */
		/* once learned, the rate in force is never far above it */
		assert_true(r.max_rate > 0 && r.max_rate <= 1.1 * R);
		free(r.starts);
		pacer_release(&p);
	}
}

static void never_bursts_after_a_pause(void **state)
{
	struct sim_result r;
	struct target tg = {20, 2, 2, 0};
	struct pacer p;
	size_t i, j;

	pacer_init(&p, 0);
	simulate(&p, &tg, 120, 0, &r);
	assert_true(p.pauses >= 2);
	/* after the first pause: never more than the bucket's burst of 2 at
	 * once, and any 1 s at most the learned rate's worth plus the burst */
	for (i = 0; i < r.n_starts && r.starts[i] < 2 * S; i++)
		;
	for (j = i; j + 2 < r.n_starts; j++)
		assert_true(r.starts[j + 2] > r.starts[j]);
	assert_true(most_in_window(r.starts + i, r.n_starts - i, 1 * S) <=
	            (size_t)(1.1 * 20 + PACER_BURST));
	free(r.starts);
	pacer_release(&p);
}

static void max_rps_is_a_ceiling_for_the_learned_rate(void **state)
{
	struct sim_result r;
	struct target tg;
	struct pacer p;

	/* under the limit: no 429, exactly max_rps, nothing learned */
	tg = (struct target){20, 2, 2, 0};
	pacer_init(&p, 15);
	simulate(&p, &tg, 60, 10, &r);
	assert_int_equal(r.refused, 0);
	assert_never_above(r.starts, r.n_starts, 15);
	assert_true(r.ok_late >= 50 * 15 - 2);
	assert_true(pacer_learned(&p, 60 * S) == 0);
	free(r.starts);
	pacer_release(&p);
	/* above the limit: learned below it, and never above max_rps */
	tg = (struct target){20, 2, 2, 0};
	pacer_init(&p, 30);
	simulate(&p, &tg, 200, 40, &r);
	assert_true(r.refused > 0);
	assert_never_above(r.starts, r.n_starts, 30);
	assert_true(r.learned >= 14 && r.learned <= 21);
	free(r.starts);
	pacer_release(&p);
	/* a learned start rate above max_rps is capped */
	pacer_init(&p, 10);
	pacer_start(&p, 50, 0);
	assert_true(pacer_rate(&p, 0) == 10);
	assert_true(pacer_rate(&p, 100 * S) == 10);
	pacer_release(&p);
}

static void a_learned_start_rate_avoids_the_first_429s(void **state)
{
	struct sim_result cold, warm;
	struct target tg = {20, 2, 2, 0};
	struct pacer p;

	pacer_init(&p, 0);
	simulate(&p, &tg, 30, 0, &cold);
	pacer_release(&p);
	tg = (struct target){20, 2, 2, 0};
	pacer_init(&p, 0);
	pacer_start(&p, 18, 0);
	simulate(&p, &tg, 30, 0, &warm);
	/* the cold start pays for learning; the warm one starts under the
	 * limit and probes slowly */
	assert_true(cold.refused >= 3);
	assert_true(warm.refused <= 2);
	assert_true(warm.ok_late > cold.ok_late);
	assert_true(warm.learned >= 14 && warm.learned <= 21);
	free(cold.starts);
	free(warm.starts);
	pacer_release(&p);
}

/* Rate-limit headers (pacer_hint): "remaining 2, reset in 1 s" admits two
 * more requests, less the ones admitted after the hinted request, then
 * holds the next until the reset; the new window then starts with the
 * stated limit. */
static void a_window_budget_from_headers_is_never_exceeded(void **state)
{
	struct pacer p;
	int64_t sent, a, b, c, d;
	int i;

	(void)state;
	pacer_init(&p, 0);
	sent = pacer_reserve(&p, 0, 0);
	a = pacer_reserve(&p, 10 * MS, 0); /* in flight when the hint comes */
	pacer_hint(&p, 20 * MS, 5, 2, 1 * S, sent);
	b = pacer_reserve(&p, 30 * MS, 0);
	assert_true(b < 1 * S); /* remaining 2 - 1 in flight = 1 left */
	c = pacer_reserve(&p, 40 * MS, 0);
	assert_true(c >= 20 * MS + 1 * S); /* spent: waits for the reset */
	assert_int_equal(p.hint_waits, 1);
	/* the next window (as long as the reset announced) starts with the
	 * stated limit (5): 4 more there, then the 6th waits for its end */
	for (i = 0; i < 4; i++) {
		d = pacer_reserve(&p, 50 * MS, 0);
		assert_true(d >= c && d < c + 1 * S);
	}
	d = pacer_reserve(&p, 60 * MS, 0);
	assert_true(d >= c + 1 * S);
	assert_int_equal(p.hint_waits, 2);
	(void)a;
	pacer_release(&p);
}

static void remaining_zero_holds_every_worker_until_the_reset(void **state)
{
	struct pacer p;
	int64_t slot;
	int i;

	(void)state;
	pacer_init(&p, 0);
	pacer_hint(&p, 0, -1, 0, 3 * S, -1);
	for (i = 0; i < 8; i++) {
		slot = pacer_reserve(&p, 1 * MS, 0);
		assert_true(slot >= 3 * S);
	}
	/* a deadline before the reset is refused without taking anything */
	pacer_hint(&p, 4 * S, -1, 0, 3 * S, -1);
	assert_int_equal(pacer_reserve(&p, 4 * S, 5 * S), -1);
	assert_true(pacer_reserve(&p, 4 * S, 0) >= 7 * S);
	pacer_release(&p);
}

static void a_stale_hint_never_raises_the_budget(void **state)
{
	struct pacer p;
	int64_t slot;

	(void)state;
	pacer_init(&p, 0);
	pacer_hint(&p, 0, 10, 0, 1 * S, -1);
	/* an answer computed earlier says 5 remain in the same window */
	pacer_hint(&p, 10 * MS, 10, 5, 1 * S, -1);
	slot = pacer_reserve(&p, 20 * MS, 0);
	assert_true(slot >= 1 * S);
	pacer_release(&p);
}

/* A request admitted just before a window's reset (within the longest time
 * an answer took) and still on its way may reach the target after the
 * reset and count in the next window: the next window starts with the
 * stated limit less such requests. */
static void
a_request_in_flight_at_the_reset_counts_in_the_next_window(void **state)
{
	struct pacer p;
	int64_t a, slot;
	int i, late;

	(void)state;
	pacer_init(&p, 0);
	pacer_hint(&p, 0, 5, 5, 1 * S, -1); /* 5 per window, reset at 1 s */
	a = pacer_reserve(&p, 0, 0);
	pacer_hint(&p, 50 * MS, 5, 4, 1 * S, a); /* answers take 50 ms */
	for (i = 0; i < 3; i++)
		assert_true(pacer_reserve(&p, 100 * MS, 0) < 1 * S);
	slot = pacer_reserve(&p, 980 * MS, 0); /* the 5th, near the reset */
	assert_true(slot < 1 * S);
	late = pacer_flight_begin(&p, slot); /* ...not answered yet */
	assert_true(late >= 0);
	/* the next window: 5 - 1 on its way = 4 */
	for (i = 0; i < 4; i++) {
		slot = pacer_reserve(&p, 990 * MS, 0);
		assert_true(slot >= 1 * S && slot < 2 * S);
	}
	/* answered: the window after that has its whole limit again */
	pacer_flight_end(&p, late);
	assert_true(pacer_reserve(&p, 990 * MS, 0) >= 2 * S);
	for (i = 0; i < 4; i++)
		assert_true(pacer_reserve(&p, 990 * MS, 0) < 3 * S);
	assert_true(pacer_reserve(&p, 990 * MS, 0) >= 3 * S);
	pacer_release(&p);
}

/* An early request still on its way at the reset was answered long before
 * it in any likelihood: it does not cost the next window anything. */
static void
an_early_request_in_flight_costs_the_next_window_nothing(void **state)
{
	struct pacer p;
	int64_t a;
	int i, early;

	(void)state;
	pacer_init(&p, 0);
	pacer_hint(&p, 0, 5, 5, 1 * S, -1);
	a = pacer_reserve(&p, 0, 0);
	pacer_hint(&p, 50 * MS, 5, 4, 1 * S, a);
	for (i = 0; i < 4; i++)
		assert_true(pacer_reserve(&p, 100 * MS, 0) < 1 * S);
	early = pacer_flight_begin(&p, 100 * MS);
	/* the window is spent: waiters take the next window at once, while
	 * the early request is still on its way */
	for (i = 0; i < 5; i++)
		assert_true(pacer_reserve(&p, 110 * MS, 0) < 2 * S);
	assert_true(pacer_reserve(&p, 110 * MS, 0) >= 2 * S);
	pacer_flight_end(&p, early);
	pacer_release(&p);
}

/* An answer that comes late, to a request admitted before the current
 * window began, speaks of the last window: it never moves this window's
 * end (which would let the next window start while this one's requests
 * still count at the target) nor spends its budget. */
static void a_late_answer_never_moves_the_current_windows_end(void **state)
{
	struct pacer p;
	int64_t old;
	int i;

	(void)state;
	pacer_init(&p, 0);
	pacer_hint(&p, 0, 5, 5, 1 * S, -1);
	for (i = 0; i < 4; i++)
		pacer_reserve(&p, 0, 0);
	old = pacer_reserve(&p, 5 * MS, 0); /* the last of the first window */
	for (i = 0; i < 3; i++)             /* waiters: the window [1 s, 2 s) */
		assert_true(pacer_reserve(&p, 10 * MS, 0) >= 1 * S);
	/* old's answer arrives: "0 left, reset in 1 s" (of the first window) */
	pacer_hint(&p, 20 * MS, 5, 0, 1 * S, old);
	assert_int_equal(p.hint_until_us, 2 * S);
	for (i = 0; i < 2; i++) /* the window's last 2 are still there */
		assert_true(pacer_reserve(&p, 30 * MS, 0) < 2 * S);
	assert_true(pacer_reserve(&p, 30 * MS, 0) >= 2 * S);
	pacer_release(&p);
}

/* A hint counts the requests admitted before the hinted one that are
 * still on their way: they may reach the target after it. */
static void a_hint_charges_earlier_requests_still_in_flight(void **state)
{
	struct pacer p;
	int64_t a, b;
	int fa, fb, i;

	(void)state;
	pacer_init(&p, 0); /* no window known before the hint */
	a = pacer_reserve(&p, 1 * MS, 0);
	fa = pacer_flight_begin(&p, a);
	b = pacer_reserve(&p, 2 * MS, 0);
	fb = pacer_flight_begin(&p, b);
	pacer_flight_end(&p, fb); /* b answered first: the target saw b only */
	pacer_hint(&p, 30 * MS, 10, 9, 1 * S, b);
	/* 9 remaining, less a (on its way) = 8 */
	for (i = 0; i < 8; i++)
		assert_true(pacer_reserve(&p, 40 * MS, 0) < 1 * S);
	assert_true(pacer_reserve(&p, 40 * MS, 0) >= 1 * S);
	pacer_flight_end(&p, fa);
	pacer_release(&p);
}

static void flights_beyond_the_table_are_not_tracked(void **state)
{
	struct pacer p;
	int i;

	(void)state;
	pacer_init(&p, 0);
	for (i = 0; i < PACER_FLIGHTS; i++)
		assert_int_equal(pacer_flight_begin(&p, i), i);
	assert_int_equal(pacer_flight_begin(&p, 0), -1);
	pacer_flight_end(&p, -1); /* no-op */
	pacer_flight_end(&p, 7);
	assert_int_equal(pacer_flight_begin(&p, 0), 7);
	pacer_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(no_burst_after_a_pause_without_max_rps),
	        cmocka_unit_test(no_burst_after_a_pause_with_max_rps),
	        cmocka_unit_test(a_late_429_drops_gently_a_quick_one_hard),
	        cmocka_unit_test(max_rps_is_never_exceeded_over_any_window),
	        cmocka_unit_test(tokens_are_shared_across_workers),
	        cmocka_unit_test(a_waiting_worker_waits_for_a_new_pause),
	        cmocka_unit_test(aimd_converges_under_a_fixed_limit),
	        cmocka_unit_test(never_bursts_after_a_pause),
	        cmocka_unit_test(max_rps_is_a_ceiling_for_the_learned_rate),
	        cmocka_unit_test(a_learned_start_rate_avoids_the_first_429s),
	        cmocka_unit_test(
	                a_window_budget_from_headers_is_never_exceeded),
	        cmocka_unit_test(
	                remaining_zero_holds_every_worker_until_the_reset),
	        cmocka_unit_test(a_stale_hint_never_raises_the_budget),
	        cmocka_unit_test(
	                a_request_in_flight_at_the_reset_counts_in_the_next_window),
	        cmocka_unit_test(
	                an_early_request_in_flight_costs_the_next_window_nothing),
	        cmocka_unit_test(
	                a_late_answer_never_moves_the_current_windows_end),
	        cmocka_unit_test(
	                a_hint_charges_earlier_requests_still_in_flight),
	        cmocka_unit_test(flights_beyond_the_table_are_not_tracked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
