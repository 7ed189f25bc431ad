/* Unit tests for the run engine's building blocks: pacing, backoff, the
 * circuit breaker, the per-worker queues and the "engine" config section. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/engine_config.h"
#include "engine/backoff.h"
#include "engine/breaker.h"
#include "engine/pacer.h"
#include "engine/workq.h"

static void pacer_spaces_requests_at_the_rate(void **state)
{
	struct pacer p;
	int64_t t0 = 1000000, slot, prev = 0;
	int i;

	pacer_init(&p, 200); /* 5 ms apart */
	for (i = 0; i < 100; i++) {
		slot = pacer_reserve(&p, t0, 0);
		if (i > 0)
			assert_int_equal(slot - prev, 5000);
		prev = slot;
	}
	/* 100 requests arriving at once take 99 intervals: never above 200/s */
	assert_int_equal(prev - t0, 99 * 5000);
	pacer_release(&p);
}

static void pacer_unlimited_never_waits(void **state)
{
	struct pacer p;
	int i;

	pacer_init(&p, 0);
	for (i = 0; i < 1000; i++)
		assert_int_equal(pacer_reserve(&p, 42, 0), 42);
	pacer_release(&p);
}

static void pacer_refuses_a_slot_past_the_deadline(void **state)
{
	struct pacer p;

	pacer_init(&p, 10); /* 100 ms apart */
	assert_int_equal(pacer_reserve(&p, 0, 50000), 0);
	assert_int_equal(pacer_reserve(&p, 0, 50000), -1); /* would be 100 ms */
	/* the refused request consumed nothing */
	assert_int_equal(pacer_reserve(&p, 0, 0), 100000);
	pacer_release(&p);
}

static void pacer_pause_holds_everyone_then_ramps(void **state)
{
	struct pacer p;
	int64_t s1, s2, s3;

	pacer_init(&p, 100); /* 10 ms apart at full rate */
	pacer_pause(&p, 0, 2000000);
	assert_int_equal(p.pauses, 1);
	s1 = pacer_reserve(&p, 10, 0);
	assert_int_equal(s1, 2000000); /* nobody starts before the pause ends */
	s2 = pacer_reserve(&p, 10, 0);
	assert_int_equal(s2 - s1, 20000); /* half rate right after the pause */
	/* a shorter pause does not shorten the longer one */
	pacer_pause(&p, 0, 1000);
	assert_int_equal(p.pauses, 1);
	/* well after the ramp the full rate is back */
	s3 = pacer_reserve(&p, 20000000, 0);
	assert_int_equal(pacer_reserve(&p, 20000000, 0) - s3, 10000);
	pacer_release(&p);
}

static void backoff_stays_within_full_jitter_bounds(void **state)
{
	uint64_t rng = 12345;
	int attempt, i;
	int64_t d, seen_max = 0;

	for (attempt = 1; attempt <= 10; attempt++) {
		int64_t cap = 100LL << (attempt - 1);

		if (cap > 3000)
			cap = 3000;
		for (i = 0; i < 200; i++) {
			d = backoff_delay_ms(attempt, 100, 3000, 0, &rng);
			assert_in_range(d, 0, cap);
			if (d > seen_max)
				seen_max = d;
		}
	}
	assert_true(seen_max > 1500); /* jitter really spreads */
	/* a Retry-After hint is a floor */
	assert_true(backoff_delay_ms(1, 100, 3000, 2000, &rng) >= 2000);
}

static void breaker_opens_when_most_recent_calls_fail(void **state)
{
	struct breaker b;
	char why[128];
	int i;

	assert_int_equal(breaker_init(&b, 20, 0.5), 0);
	for (i = 0; i < 20; i++)
		assert_int_equal(breaker_record(&b, i % 2),
		                 0);                /* 50%: not above */
	assert_int_equal(breaker_record(&b, 1), 1); /* 11 of 20 */
	assert_int_equal(breaker_is_open(&b, why, sizeof(why)), 1);
	assert_string_equal(why, "11 of the last 20 calls failed (limit 50%)");
	breaker_release(&b);
}

static void breaker_needs_a_few_calls_before_judging(void **state)
{
	struct breaker b;
	int i;

	assert_int_equal(breaker_init(&b, 50, 0.5), 0);
	for (i = 0; i < 9; i++)
		assert_int_equal(breaker_record(&b, 1), 0);
	assert_int_equal(breaker_record(&b, 1), 1); /* 10 of 10 */
	breaker_release(&b);
}

static void breaker_trip_keeps_the_first_reason(void **state)
{
	struct breaker b;
	char why[128];

	assert_int_equal(breaker_init(&b, 50, 0.5), 0);
	assert_int_equal(breaker_is_open(&b, NULL, 0), 0);
	breaker_trip(&b, "the access token was rejected");
	breaker_trip(&b, "something later");
	assert_int_equal(breaker_is_open(&b, why, sizeof(why)), 1);
	assert_string_equal(why, "the access token was rejected");
	breaker_release(&b);
}

struct producer_arg {
	struct workq *q;
	int n;
};

static void *produce(void *arg)
{
	struct producer_arg *pa = arg;
	intptr_t i;

	for (i = 1; i <= pa->n; i++)
		assert_int_equal(workq_push(pa->q, (void *)i), 0);
	workq_close(pa->q);
	return NULL;
}

static void workq_keeps_order_across_threads(void **state)
{
	struct workq q;
	struct producer_arg pa;
	pthread_t t;
	intptr_t expect = 1;
	void *item;

	assert_int_equal(workq_init(&q, 4), 0); /* small: producer blocks */
	pa.q = &q;
	pa.n = 10000;
	pthread_create(&t, NULL, produce, &pa);
	while ((item = workq_pop(&q)) != NULL)
		assert_int_equal((intptr_t)item, expect++);
	assert_int_equal(expect, 10001);
	pthread_join(t, NULL);
	assert_int_equal(workq_push(&q, (void *)1), -1); /* closed */
	workq_release(&q);
}

static void workq_route_is_stable_and_spreads(void **state)
{
	size_t hits[8] = {0};
	char key[32];
	int i;

	assert_int_equal(workq_route("E1001", 8), workq_route("E1001", 8));
	for (i = 0; i < 8000; i++) {
		snprintf(key, sizeof(key), "E%d", i);
		hits[workq_route(key, 8)]++;
	}
	for (i = 0; i < 8; i++)
		assert_in_range(hits[i], 700, 1300);
}

static void engine_config_defaults_and_errors(void **state)
{
	struct engine_config cfg;
	struct path_error err;
	json_t *obj;

	assert_int_equal(engine_config_parse(NULL, &cfg, &err), 0);
	assert_int_equal(cfg.workers, 8);
	assert_int_equal(cfg.max_attempts, 5);

	obj = json_pack("{s:i, s:f}", "workers", 32, "max_rps", 200.0);
	assert_int_equal(engine_config_parse(obj, &cfg, &err), 0);
	assert_int_equal(cfg.workers, 32);
	assert_true(cfg.max_rps == 200.0);
	json_decref(obj);

	obj = json_pack("{s:i}", "workers", 65);
	assert_int_equal(engine_config_parse(obj, &cfg, &err), -1);
	assert_string_equal(err.path, "workers");
	assert_string_equal(err.message,
	                    "\"workers\" must be between 1 and 64, not 65");
	json_decref(obj);

	obj = json_pack("{s:i}", "worker", 2);
	assert_int_equal(engine_config_parse(obj, &cfg, &err), -1);
	assert_string_equal(err.path, "worker");
	assert_string_equal(err.message,
	                    "unknown key \"worker\" in \"engine\"");
	json_decref(obj);

	obj = json_pack("{s:s}", "max_rps", "fast");
	assert_int_equal(engine_config_parse(obj, &cfg, &err), -1);
	assert_string_equal(err.message, "\"max_rps\" must be a number");
	json_decref(obj);

	assert_int_equal(engine_config_parse(NULL, &cfg, &err), 0);
	assert_int_equal(cfg.watchdog_grace_ms, 30000);
	obj = json_pack("{s:i}", "watchdog_grace_ms", 1500);
	assert_int_equal(engine_config_parse(obj, &cfg, &err), 0);
	assert_int_equal(cfg.watchdog_grace_ms, 1500);
	json_decref(obj);
	obj = json_pack("{s:i}", "watchdog_grace_ms", 50);
	assert_int_equal(engine_config_parse(obj, &cfg, &err), -1);
	assert_string_equal(err.message, "\"watchdog_grace_ms\" must be "
	                                 "between 100 and 3600000, not 50");
	json_decref(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(pacer_spaces_requests_at_the_rate),
	        cmocka_unit_test(pacer_unlimited_never_waits),
	        cmocka_unit_test(pacer_refuses_a_slot_past_the_deadline),
	        cmocka_unit_test(pacer_pause_holds_everyone_then_ramps),
	        cmocka_unit_test(backoff_stays_within_full_jitter_bounds),
	        cmocka_unit_test(breaker_opens_when_most_recent_calls_fail),
	        cmocka_unit_test(breaker_needs_a_few_calls_before_judging),
	        cmocka_unit_test(breaker_trip_keeps_the_first_reason),
	        cmocka_unit_test(workq_keeps_order_across_threads),
	        cmocka_unit_test(workq_route_is_stable_and_spreads),
	        cmocka_unit_test(engine_config_defaults_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
