/* Unit tests for the per-connection admission token bucket (host/pacer.c)
 * on a fake clock: no burst after a pause, max_rps never exceeded over any
 * window, one bucket shared by all workers, and a worker already waiting
 * when a pause begins waits for the pause too. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

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
	 * others follow 1/25 s apart instead of all at once */
	for (i = 0; i < 8; i++)
		slot[i] = pacer_reserve(&p, 1500 * MS, 0);
	for (i = 0; i < 8; i++)
		assert_int_equal(slot[i], end + i * 40 * MS);
	/* a second 429 at the derived rate halves it again */
	pacer_pause(&p, end + 300 * MS, 1 * S);
	assert_true(pacer_rate(&p, 0) <= 12.5);
	assert_true(pacer_rate(&p, 0) >= PACER_MIN_RPS);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(no_burst_after_a_pause_without_max_rps),
	        cmocka_unit_test(no_burst_after_a_pause_with_max_rps),
	        cmocka_unit_test(max_rps_is_never_exceeded_over_any_window),
	        cmocka_unit_test(tokens_are_shared_across_workers),
	        cmocka_unit_test(a_waiting_worker_waits_for_a_new_pause),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
