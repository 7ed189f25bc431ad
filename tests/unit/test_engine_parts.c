/* Unit tests for the run engine's building blocks: pacing, backoff, the
 * circuit breaker, the workers' keyed queue and the "engine" config section. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/engine_config.h"
#include "engine/backoff.h"
#include "engine/breaker.h"
#include "engine/keyq.h"
#include "engine/pacer.h"

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
	s3 = pacer_reserve(&p, 30000000, 0);
	assert_int_equal(pacer_reserve(&p, 30000000, 0) - s3, 10000);
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

/* keyq: items tagged with their key and their place in that key's order */
struct keyq_item {
	char key[16];
	int key_no, order; /* order: 0, 1, 2... within the key */
};

struct keyq_run {
	struct keyq *q;
	struct keyq_item *items;
	int n_items, n_keys;
	pthread_mutex_t lock;
	int *next_order;  /* per key: the order it expects next */
	int *in_progress; /* per key: consumers holding one of its items */
	int max_in_progress, out_of_order, taken;
	int slow_key;         /* this key's items take a while (-1: none) */
	int taken_while_slow; /* others' items taken while it was held */
	int slow_held;
};

static void *keyq_produce(void *arg)
{
	struct keyq_run *r = arg;

	for (int i = 0; i < r->n_items; i++)
		assert_int_equal(keyq_push(r->q, r->items[i].key, &r->items[i]),
		                 0);
	keyq_close(r->q);
	return NULL;
}

static void *keyq_consume(void *arg)
{
	struct keyq_run *r = arg;
	struct keyq_ticket t;
	struct keyq_item *it;

	while (keyq_pop(r->q, &t) == 0) {
		it = t.item;
		pthread_mutex_lock(&r->lock);
		if (++r->in_progress[it->key_no] > r->max_in_progress)
			r->max_in_progress = r->in_progress[it->key_no];
		if (r->next_order[it->key_no] != it->order)
			r->out_of_order++;
		r->next_order[it->key_no] = it->order + 1;
		r->taken++;
		if (it->key_no == r->slow_key)
			r->slow_held = 1;
		else if (r->slow_held)
			r->taken_while_slow++;
		pthread_mutex_unlock(&r->lock);
		if (it->key_no == r->slow_key)
			usleep(20000);
		pthread_mutex_lock(&r->lock);
		r->in_progress[it->key_no]--;
		if (it->key_no == r->slow_key)
			r->slow_held = 0;
		pthread_mutex_unlock(&r->lock);
		keyq_done(r->q, &t);
	}
	return NULL;
}

/* n_items items over n_keys keys (pseudo-random), capacity cap, consumers
 * threads; slow_key's items each take 20 ms. */
static void keyq_exercise(struct keyq_run *r, int n_items, int n_keys,
                          size_t cap, int consumers, int slow_key)
{
	struct keyq q;
	pthread_t prod, cons[8];
	uint32_t x = 12345;
	int i;

	memset(r, 0, sizeof(*r));
	r->q = &q;
	r->n_items = n_items;
	r->n_keys = n_keys;
	r->slow_key = slow_key;
	r->items = calloc((size_t)n_items, sizeof(*r->items));
	r->next_order = calloc((size_t)n_keys, sizeof(int));
	r->in_progress = calloc((size_t)n_keys, sizeof(int));
	assert_non_null(r->items);
	assert_non_null(r->next_order);
	assert_non_null(r->in_progress);
	pthread_mutex_init(&r->lock, NULL);
	for (i = 0; i < n_items; i++) {
		x = x * 1103515245u + 12345u;
		r->items[i].key_no = (int)((x >> 16) % (uint32_t)n_keys);
		/* the key's text in a buffer of its own item: keyq borrows it
		 */
		snprintf(r->items[i].key, sizeof(r->items[i].key), "E%d",
		         r->items[i].key_no);
		r->items[i].order = r->next_order[r->items[i].key_no]++;
	}
	memset(r->next_order, 0, (size_t)n_keys * sizeof(int));
	assert_int_equal(keyq_init(&q, cap), 0);
	pthread_create(&prod, NULL, keyq_produce, r);
	for (i = 0; i < consumers; i++)
		pthread_create(&cons[i], NULL, keyq_consume, r);
	pthread_join(prod, NULL);
	for (i = 0; i < consumers; i++)
		pthread_join(cons[i], NULL);
	assert_int_equal(keyq_push(&q, "E1", r), -1); /* closed */
	keyq_release(&q);
	pthread_mutex_destroy(&r->lock);
	free(r->items);
	free(r->next_order);
	free(r->in_progress);
}

static void keyq_keeps_each_keys_order_and_one_at_a_time(void **state)
{
	struct keyq_run r;

	/* few keys, many consumers, a small queue: the producer blocks and
	 * consumers contend for the same keys */
	keyq_exercise(&r, 20000, 5, 4, 8, -1);
	assert_int_equal(r.taken, 20000);
	assert_int_equal(r.out_of_order, 0);
	assert_int_equal(r.max_in_progress, 1);
	keyq_exercise(&r, 20000, 3000, 64, 8, -1);
	assert_int_equal(r.taken, 20000);
	assert_int_equal(r.out_of_order, 0);
	assert_int_equal(r.max_in_progress, 1);
}

static void keyq_a_slow_key_does_not_stall_the_others(void **state)
{
	struct keyq_run r;

	/* key 0 takes 20 ms an item; the other consumers keep taking other
	 * keys' items meanwhile (per-consumer queues would stall behind it
	 * as soon as the producer filled one of them) */
	keyq_exercise(&r, 2000, 50, 16, 4, 0);
	assert_int_equal(r.taken, 2000);
	assert_int_equal(r.out_of_order, 0);
	assert_int_equal(r.max_in_progress, 1);
	assert_true(r.taken_while_slow > 1000);
}

static void keyq_close_wakes_a_blocked_producer(void **state)
{
	struct keyq q;
	struct keyq_ticket t;
	int a, b;

	assert_int_equal(keyq_init(&q, 1), 0);
	assert_int_equal(keyq_push(&q, "E1", &a), 0);
	assert_int_equal(keyq_pop(&q, &t), 0);
	assert_ptr_equal(t.item, &a);
	keyq_close(&q);
	assert_int_equal(keyq_push(&q, "E2", &b), -1); /* full and closed */
	keyq_done(&q, &t);
	assert_int_equal(keyq_pop(&q, &t), -1); /* closed and drained */
	keyq_release(&q);
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
	        cmocka_unit_test(keyq_keeps_each_keys_order_and_one_at_a_time),
	        cmocka_unit_test(keyq_a_slow_key_does_not_stall_the_others),
	        cmocka_unit_test(keyq_close_wakes_a_blocked_producer),
	        cmocka_unit_test(engine_config_defaults_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
