/* Unit tests for the watchdog's decision (engine/watchdog.h): which calls
 * overran their deadline + grace, and what a second signal reports. The
 * thread and _exit are covered by tests/integration/run_watchdog.sh. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engine/watchdog.h"
#include "util/clock.h"

struct fixture {
	struct watchdog wd;
	struct watchdog_slot a, b;
	int64_t t0;
};

static int setup(void **state)
{
	static struct fixture f;

	watchdog_init(&f.wd);
	watchdog_slot_init(&f.a, "conn A", "stall", 1000);
	watchdog_slot_init(&f.b, "conn B", "promapp", 30000);
	watchdog_add(&f.wd, &f.a);
	watchdog_add(&f.wd, &f.b);
	f.t0 = clock_mono_ms();
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	watchdog_remove(&f->wd, &f->a);
	watchdog_remove(&f->wd, &f->b);
	watchdog_slot_release(&f->a);
	watchdog_slot_release(&f->b);
	watchdog_stop(&f->wd);
	watchdog_release(&f->wd);
	return 0;
}

static void idle_slots_never_stop_the_run(void **state)
{
	struct fixture *f = *state;
	char buf[2048];

	assert_int_equal(
	        watchdog_scan(&f->wd, f->t0 + 86400000, 0, buf, sizeof(buf)),
	        0);
	assert_string_equal(buf, "");
}

static void a_call_stops_the_run_only_past_deadline_plus_grace(void **state)
{
	struct fixture *f = *state;
	int64_t deadline;
	char buf[2048];

	watchdog_enter(&f->a, "provision", "E12", f->t0 + 500);
	deadline = f->a.deadline_ms;
	/* the call's own deadline passed, the grace did not */
	assert_int_equal(
	        watchdog_scan(&f->wd, deadline + 1, 0, buf, sizeof(buf)), 0);
	assert_int_equal(
	        watchdog_scan(&f->wd, deadline + 1000, 0, buf, sizeof(buf)), 0);
	assert_int_equal(
	        watchdog_scan(&f->wd, deadline + 1001, 0, buf, sizeof(buf)), 1);
	assert_non_null(strstr(buf, "provhost run: connector \"stall\" "
	                            "(connection \"conn A\") did not return "
	                            "from provision for E12 within "));
	assert_non_null(strstr(buf, " + grace 1 s); the run is stopped"));
	/* once it returned, nothing to report */
	watchdog_leave(&f->a);
	assert_int_equal(
	        watchdog_scan(&f->wd, deadline + 5000, 0, buf, sizeof(buf)), 0);
}

static void each_slot_has_its_own_grace(void **state)
{
	struct fixture *f = *state;
	char buf[2048];

	watchdog_enter(&f->b, "deprovision", "E7", f->t0 + 100);
	assert_int_equal(watchdog_scan(&f->wd, f->b.deadline_ms + 29000, 0, buf,
	                               sizeof(buf)),
	                 0);
	assert_int_equal(watchdog_scan(&f->wd, f->b.deadline_ms + 30001, 0, buf,
	                               sizeof(buf)),
	                 1);
	assert_non_null(strstr(buf, "from deprovision for E7 within"));
	watchdog_leave(&f->b);
}

static void a_second_signal_lists_every_call_in_flight(void **state)
{
	struct fixture *f = *state;
	char buf[2048];

	watchdog_enter(&f->a, "authenticate", NULL, f->t0 + 60000);
	watchdog_enter(&f->b, "provision", "E9", f->t0 + 60000);
	assert_int_equal(
	        watchdog_scan(&f->wd, f->t0 + 10, SIGTERM, buf, sizeof(buf)),
	        1);
	assert_non_null(strstr(buf, "provhost run: a second Terminated: "
	                            "stopping now"));
	assert_non_null(strstr(buf, "connector \"stall\" (connection \"conn "
	                            "A\") had not returned from authenticate "
	                            "after "));
	assert_non_null(strstr(buf, "connector \"promapp\" (connection \"conn "
	                            "B\") had not returned from provision for "
	                            "E9 after "));
	watchdog_leave(&f->a);
	watchdog_leave(&f->b);
}

static void a_removed_slot_is_not_watched(void **state)
{
	struct fixture *f = *state;
	char buf[2048];

	watchdog_enter(&f->a, "provision", "E1", f->t0);
	watchdog_remove(&f->wd, &f->a);
	assert_int_equal(
	        watchdog_scan(&f->wd, f->t0 + 86400000, 0, buf, sizeof(buf)),
	        0);
	watchdog_leave(&f->a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(idle_slots_never_stop_the_run,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(
	                a_call_stops_the_run_only_past_deadline_plus_grace,
	                setup, teardown),
	        cmocka_unit_test_setup_teardown(each_slot_has_its_own_grace,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(
	                a_second_signal_lists_every_call_in_flight, setup,
	                teardown),
	        cmocka_unit_test_setup_teardown(a_removed_slot_is_not_watched,
	                                        setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
