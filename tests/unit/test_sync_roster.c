/* Unit tests for provhost sync's pieces outside the engine: the "sync"
 * configuration section (config/sync_config.c) and the ledger's roster
 * calls (ledger/ledger_roster.c): snapshots by hash and as-of date, the
 * per-person roster load with scheduled and held-missing terminates,
 * cancelling an event's open targets, and a person's status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unistd.h>

#include "config/sync_config.h"
#include "ledger/ledger.h"

/* --- the "sync" section ----------------------------------------------------
 */

static void parse_error(const char *text, const char *path, const char *msg)
{
	struct path_error err = {{0}, {0}};
	struct sync_config cfg;
	json_t *obj = json_loads(text, JSON_DECODE_ANY, NULL);

	if (!obj)
		fail_msg("bad test JSON: %s", text);
	assert_int_equal(sync_config_parse(obj, &cfg, &err), -1);
	assert_string_equal(err.path, path);
	assert_string_equal(err.message, msg);
	json_decref(obj);
}

static void test_sync_config(void **state)
{
	struct path_error err = {{0}, {0}};
	struct sync_config cfg;
	json_t *obj;

	(void)state;
	assert_int_equal(sync_config_parse(NULL, &cfg, &err), 0);
	assert_int_equal(cfg.missing, SYNC_MISSING_HOLD);
	assert_true(cfg.mass_change_share == 0.2);
	assert_int_equal(cfg.mass_change_min, 10);
	assert_int_equal(cfg.provision_days_before_start, 0);
	obj = json_pack("{s:s, s:f, s:i, s:i}", "missing", "terminate",
	                "mass_change_share", 0.5, "mass_change_min", 3,
	                "provision_days_before_start", 7);
	assert_int_equal(sync_config_parse(obj, &cfg, &err), 0);
	assert_int_equal(cfg.missing, SYNC_MISSING_TERMINATE);
	assert_true(cfg.mass_change_share == 0.5);
	assert_int_equal(cfg.mass_change_min, 3);
	assert_int_equal(cfg.provision_days_before_start, 7);
	assert_string_equal(sync_missing_name(cfg.missing), "terminate");
	json_decref(obj);
	parse_error("[]", "", "\"sync\" must be an object");
	parse_error("{\"missing\": \"delete\"}", "missing",
	            "\"missing\" must be \"hold\", \"terminate\" or "
	            "\"ignore\"");
	parse_error("{\"mass_change_share\": 1.5}", "mass_change_share",
	            "\"mass_change_share\" must be a number from 0 to 1 (a "
	            "share of the roster: 0.2 = 20 %; 1 turns the guard off)");
	parse_error("{\"provision_days_before_start\": -1}",
	            "provision_days_before_start",
	            "\"provision_days_before_start\" must be between 0 and "
	            "365, not -1");
	parse_error("{\"mass_change_min\": \"3\"}", "mass_change_min",
	            "\"mass_change_min\" must be an integer");
	parse_error("{\"mising\": \"hold\"}", "mising",
	            "unknown key \"mising\" in \"sync\" (known: missing, "
	            "mass_change_share, mass_change_min, "
	            "provision_days_before_start)");
}

/* --- the ledger ------------------------------------------------------------
 */

struct fixture {
	char dir[64];
	char path[128];
	struct ledger *l;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/provhost-roster-XXXXXX");
	if (!f || !mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/ledger.db", f->dir);
	if (ledger_open(f->path, LEDGER_OPEN_CREATE, &f->l))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	char p[256];

	ledger_close(f->l);
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, suffix[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Stores an event (held with why when why is set); returns its state. */
static enum ledger_state put(struct ledger *l, const char *line,
                             const char *why, int64_t now)
{
	const char *conns[] = {"c1"};
	enum ledger_accept_result res;
	enum ledger_state st;
	struct event ev;
	char reason[200];

	if (event_parse_line(line, strlen(line), 0, &ev, reason,
	                     sizeof(reason)))
		fail_msg("bad event %s: %s", line, reason);
	if (why)
		assert_int_equal(ledger_event_hold(l, &ev, "t", 1, 1, conns, 1,
		                                   why, now, &st, &res),
		                 0);
	else
		assert_int_equal(ledger_event_accept(l, &ev, "t", 1, 1, conns,
		                                     1, now, &st, &res, NULL),
		                 0);
	event_release(&ev);
	return st;
}

static void test_snapshots(void **state)
{
	struct fixture *f = *state;
	struct ledger_snapshot s;

	assert_int_equal(ledger_snapshot_latest(f->l, &s), 1);
	assert_int_equal(ledger_snapshot_find(f->l, "aa", &s), 1);
	assert_int_equal(
	        ledger_snapshot_record(f->l, "aa", 86400 * 2, "a.csv", 1, 5, 9),
	        0);
	assert_int_equal(ledger_snapshot_record(f->l, "bb", 86400 * 3, "b.csv",
	                                        2, 6, 10),
	                 0);
	/* a known hash is kept as it was */
	assert_int_equal(ledger_snapshot_record(f->l, "aa", 86400 * 9, "c.csv",
	                                        3, 7, 11),
	                 0);
	assert_int_equal(ledger_snapshot_find(f->l, "aa", &s), 0);
	assert_int_equal(s.as_of, 86400 * 2);
	assert_string_equal(s.source, "a.csv");
	assert_int_equal(s.run_id, 1);
	assert_int_equal(s.rows, 5);
	assert_int_equal(ledger_snapshot_latest(f->l, &s), 0);
	assert_string_equal(s.sha256, "bb");
	assert_int_equal(s.as_of, 86400 * 3);
}

static void test_roster_load(void **state)
{
	struct fixture *f = *state;
	struct ledger_roster_person *rows;
	struct ledger_target t;
	int64_t n_cancelled = 0;
	size_t n;

	put(f->l,
	    "{\"event\":\"hire\",\"employee_id\":\"E2\",\"id\":\"h2\","
	    "\"attributes\":{\"a\":1}}",
	    NULL, 100);
	put(f->l,
	    "{\"event\":\"hire\",\"employee_id\":\"E1\",\"id\":\"h1\","
	    "\"attributes\":{\"a\":2}}",
	    NULL, 100);
	put(f->l,
	    "{\"event\":\"hire\",\"employee_id\":\"E3\",\"id\":\"h3\","
	    "\"attributes\":{}}",
	    NULL, 100);
	/* E1: a terminate scheduled at 1000; E2: a missing-terminate held */
	assert_int_equal(put(f->l,
	                     "{\"event\":\"terminate\",\"employee_id\":\"E1\","
	                     "\"id\":\"t1\",\"effective\":"
	                     "\"1970-01-01T00:16:40Z\"}",
	                     NULL, 200),
	                 LEDGER_NOT_YET_EFFECTIVE);
	assert_int_equal(ledger_roster_set_terminate(f->l, "E1", "t1", 1000,
	                                             "active", 200),
	                 0);
	assert_int_equal(put(f->l,
	                     "{\"event\":\"terminate\",\"employee_id\":\"E2\","
	                     "\"id\":\"m2\"}",
	                     "missing", 200),
	                 LEDGER_HELD);
	assert_int_equal(ledger_roster_set_missing(f->l, "E2", "m2", 200), 0);
	/* E3: a held terminate a person approved (pending now) */
	put(f->l,
	    "{\"event\":\"terminate\",\"employee_id\":\"E3\",\"id\":\"x3\"}",
	    "dates disagree", 200);
	assert_int_equal(ledger_review_decide(f->l, 6, "c1", true, "ok", 300),
	                 0);

	assert_int_equal(ledger_roster_load(f->l, 500, &rows, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(rows[0].employee_id, "E1");
	assert_string_equal(rows[1].employee_id, "E2");
	assert_string_equal(rows[2].employee_id, "E3");
	assert_string_equal(rows[0].status, "terminated");
	assert_true(rows[0].scheduled);
	assert_string_equal(rows[0].prior_status, "active");
	assert_int_equal(rows[0].terminate_effective, 1000);
	assert_string_equal(rows[0].record, "{\"a\":2}");
	assert_false(rows[1].scheduled);
	assert_true(rows[1].missing_open);
	assert_string_equal(rows[1].missing_event, "m2");
	assert_string_equal(rows[1].status, "active");
	assert_string_equal(rows[2].status, "terminated"); /* approved */
	ledger_roster_free(rows, n);

	/* once due, a scheduled terminate is no longer scheduled */
	assert_int_equal(ledger_roster_load(f->l, 1000, &rows, &n), 0);
	assert_false(rows[0].scheduled);
	ledger_roster_free(rows, n);

	/* cancelling: the open targets end skipped/cancelled, once */
	assert_int_equal(ledger_event_cancel(f->l, "t1", "date removed", 600,
	                                     &n_cancelled),
	                 0);
	assert_int_equal(n_cancelled, 1);
	assert_int_equal(ledger_target_get(f->l, "t1", "c1", &t), 0);
	assert_int_equal(t.state, LEDGER_SKIPPED);
	assert_string_equal(t.outcome, "cancelled");
	assert_string_equal(t.last_error, "date removed");
	assert_int_equal(
	        ledger_event_cancel(f->l, "t1", "again", 601, &n_cancelled), 0);
	assert_int_equal(n_cancelled, 0);
	assert_int_equal(ledger_event_cancel(f->l, "h2", "done stays", 601,
	                                     &n_cancelled),
	                 0);
	assert_int_equal(n_cancelled, 0);
	assert_int_equal(ledger_person_set_status(f->l, "E1", "active", 600),
	                 0);
	assert_int_equal(ledger_roster_load(f->l, 500, &rows, &n), 0);
	assert_string_equal(rows[0].status, "active");
	assert_false(rows[0].scheduled);
	ledger_roster_free(rows, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_sync_config),
	        cmocka_unit_test_setup_teardown(test_snapshots, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_roster_load, setup,
	                                        teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
