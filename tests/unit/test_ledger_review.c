/* Unit tests for the ledger's review side (ledger_supervise.c,
 * ledger_review.c, ledger_review_link.c) on a real SQLite file: holding
 * with a plan and binding an approval to it, superseding a leaver's
 * earlier work, expiry, retry against the person's later events, link and
 * unlink under one person one account. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ledger/ledger.h"
#include "util/sha256.h"

#define CONN "alpha"

struct fixture {
	char dir[64];
	char path[128];
	struct ledger *l;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/provhost-review-XXXXXX");
	if (!mkdtemp(f->dir))
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

/* Stores event id (kind, employee) from run_id at line_no; returns its
 * sequence number. */
static int64_t add(struct ledger *l, const char *id, const char *kind,
                   const char *employee, int64_t run_id, int64_t line_no)
{
	static const char *const conns[] = {CONN};
	enum ledger_accept_result res;
	enum ledger_state st;
	char line[512], reason[256];
	struct event ev;
	int64_t seq = 0;

	snprintf(line, sizeof(line),
	         "{\"event\":\"%s\",\"employee_id\":\"%s\",\"id\":\"%s\","
	         "\"attributes\":{\"first_name\":\"A\"}}",
	         kind, employee, id);
	if (event_parse_line(line, strlen(line), 0, &ev, reason,
	                     sizeof(reason)))
		fail_msg("%s: %s", line, reason);
	if (ledger_event_accept(l, &ev, "in.jsonl", line_no, run_id, conns, 1,
	                        100, &st, &res, &seq))
		fail_msg("accept: %s", ledger_last_error());
	event_release(&ev);
	return seq;
}

static void finish(struct ledger *l, const char *id, enum ledger_state s,
                   const char *outcome)
{
	assert_int_equal(ledger_target_finish(l, id, CONN, s, outcome, NULL, 0,
	                                      "why", 100),
	                 0);
}

static const char *state_of(struct ledger *l, const char *id, char *buf)
{
	struct ledger_target t;

	assert_int_equal(ledger_target_get(l, id, CONN, &t), 0);
	snprintf(buf, 64, "%s %s", ledger_state_name(t.state), t.outcome);
	return buf;
}

static void test_supersede(void **state)
{
	struct fixture *f = *state;
	struct ledger *l = f->l;
	int64_t term, n;
	char b[64];

	add(l, "upd-failed", "update", "E1", 1, 1);
	add(l, "hire-done", "hire", "E1", 1, 2);
	add(l, "upd-rejected", "update", "E1", 1, 3);
	add(l, "old-term", "terminate", "E1", 1, 4);
	add(l, "leave", "leave", "E1", 1, 5);
	add(l, "other", "update", "E2", 1, 6);
	finish(l, "upd-failed", LEDGER_FAILED, NULL);
	finish(l, "hire-done", LEDGER_DONE, "created");
	finish(l, "upd-rejected", LEDGER_REJECTED, NULL);
	finish(l, "old-term", LEDGER_FAILED, NULL);
	term = add(l, "term", "terminate", "E1", 2, 1);
	/* stored after the terminate but from an earlier line of its run (a
	 * line held at the end of ingest), and a later line of that run */
	add(l, "held-early", "update", "E1", 2, 0);
	add(l, "after", "update", "E1", 2, 2);
	assert_int_equal(ledger_target_hold(l, "held-early", CONN, NULL, NULL,
	                                    NULL, "held", 100),
	                 0);
	/* leaves deprovision here: the pending leave is kept */
	assert_int_equal(ledger_supersede_before(l, CONN, "E1", term, 2, 1,
	                                         true, "superseded by term",
	                                         200, &n),
	                 0);
	assert_int_equal(n, 3);
	assert_string_equal(state_of(l, "upd-failed", b), "skipped superseded");
	assert_string_equal(state_of(l, "upd-rejected", b),
	                    "skipped superseded");
	assert_string_equal(state_of(l, "held-early", b), "skipped superseded");
	assert_string_equal(state_of(l, "hire-done", b), "done created");
	assert_string_equal(state_of(l, "old-term", b), "failed ");
	assert_string_equal(state_of(l, "after", b), "pending ");
	assert_string_equal(state_of(l, "other", b), "pending ");
	assert_string_equal(state_of(l, "leave", b), "pending ");
	/* a leave that does not deprovision is earlier work like any */
	assert_int_equal(ledger_supersede_before(l, CONN, "E1", term, 2, 1,
	                                         false, "again", 200, &n),
	                 0);
	assert_int_equal(n, 1);
	assert_string_equal(state_of(l, "leave", b), "skipped superseded");
	term = add(l, "term2", "terminate", "E1", 3, 1);
	assert_int_equal(ledger_supersede_before(l, CONN, "E1", term, 3, 1,
	                                         false, "by term2", 300, &n),
	                 0);
	assert_int_equal(n, 1);
	assert_string_equal(state_of(l, "after", b), "skipped superseded");
}

static void test_hold_and_approve_binds_plan(void **state)
{
	struct fixture *f = *state;
	struct ledger *l = f->l;
	struct ledger_review_info info;
	int64_t seq = add(l, "t1", "terminate", "E1", 1, 1);
	const char *plan = "deactivate: deprovision account 7 {}";
	char sha[65];

	assert_int_equal(ledger_target_hold(l, "nope", CONN, plan, "deactivate",
	                                    NULL, "r", 100),
	                 1);
	assert_int_equal(ledger_target_hold(l, "t1", CONN, plan, "deactivate",
	                                    NULL, "held by the guard", 100),
	                 0);
	assert_int_equal(ledger_target_review_get(l, "t1", CONN, &info), 0);
	assert_string_equal(info.plan, plan);
	assert_string_equal(info.change, "deactivate");
	assert_string_equal(info.approved_sha256, "");
	assert_false(info.approved);
	free(info.plan);
	assert_int_equal(ledger_review_decide(l, seq, CONN, true,
	                                      "approved by me: ok", 110),
	                 0);
	assert_int_equal(ledger_target_review_get(l, "t1", CONN, &info), 0);
	sha256_hex(plan, strlen(plan), sha);
	assert_string_equal(info.approved_sha256, sha);
	assert_true(info.approved);
	free(info.plan);
	/* held again (the plan changed): the approval's hash is cleared */
	assert_int_equal(ledger_target_hold(l, "t1", CONN, "new plan",
	                                    "deactivate", NULL, "changed", 120),
	                 0);
	assert_int_equal(ledger_target_review_get(l, "t1", CONN, &info), 0);
	assert_string_equal(info.approved_sha256, "");
	assert_string_equal(info.plan, "new plan");
	free(info.plan);
	assert_int_equal(ledger_target_review_get(l, "nope", CONN, &info), 1);
}

static void test_expire(void **state)
{
	struct fixture *f = *state;
	struct ledger *l = f->l;
	int64_t expired, waiting;
	char b[64];

	add(l, "c-old", "hire", "E1", 1, 1);
	add(l, "d-old", "terminate", "E2", 1, 2);
	add(l, "c-new", "hire", "E3", 1, 3);
	add(l, "g-old", "terminate", "E4", 1, 4);
	ledger_target_hold(l, "c-old", CONN, "p", "create", NULL,
	                   "supervised: create: waits", 100);
	ledger_target_hold(l, "d-old", CONN, "p", "deactivate", NULL,
	                   "supervised: deactivate: waits", 100);
	ledger_target_hold(l, "c-new", CONN, "p", "create", NULL,
	                   "supervised: create: waits", 500);
	ledger_target_hold(l, "g-old", CONN, "p", "deactivate", NULL,
	                   "held by the mass-deprovision guard", 100);
	assert_int_equal(ledger_supervise_expire(l, CONN, 400, "expired", 600,
	                                         &expired, &waiting),
	                 0);
	assert_int_equal(expired, 1);
	assert_int_equal(waiting, 1);
	assert_string_equal(state_of(l, "c-old", b), "skipped discarded");
	assert_string_equal(state_of(l, "d-old", b), "held ");
	assert_string_equal(state_of(l, "c-new", b), "held ");
	assert_string_equal(state_of(l, "g-old", b), "held ");
}

static void test_retry(void **state)
{
	struct fixture *f = *state;
	struct ledger *l = f->l;
	int64_t h1 = add(l, "h1", "hire", "E1", 1, 1);
	int64_t h2 = add(l, "h2", "hire", "E2", 1, 2);
	int64_t h3 = add(l, "h3", "hire", "E3", 1, 3);
	int64_t l4 = add(l, "l4", "hire", "E4", 1, 4);
	char why[600], b[64];

	add(l, "t2", "terminate", "E2", 1, 5);
	add(l, "u3", "update", "E3", 1, 6);
	add(l, "v4", "leave", "E4", 1, 7);
	finish(l, "h1", LEDGER_REJECTED, NULL);
	finish(l, "h2", LEDGER_REJECTED, NULL);
	finish(l, "h3", LEDGER_REJECTED, NULL);
	finish(l, "l4", LEDGER_REJECTED, NULL);
	finish(l, "u3", LEDGER_DONE, "created");
	assert_int_equal(ledger_review_retry(l, h1, CONN, false, "retried", 200,
	                                     why, sizeof(why)),
	                 0);
	assert_string_equal(state_of(l, "h1", b), "pending ");
	assert_int_equal(ledger_review_retry(l, h1, CONN, false, "retried", 200,
	                                     why, sizeof(why)),
	                 2);
	assert_int_equal(ledger_review_retry(l, h2, CONN, false, "retried", 200,
	                                     why, sizeof(why)),
	                 3);
	assert_string_equal(state_of(l, "h2", b), "skipped superseded");
	assert_non_null(strstr(why, "employee E2 left since (#"));
	assert_int_equal(ledger_review_retry(l, h3, CONN, false, "retried", 200,
	                                     why, sizeof(why)),
	                 3);
	assert_non_null(strstr(why, "update) was applied since"));
	/* a later leave counts only when leaves deprovision */
	assert_int_equal(ledger_review_retry(l, l4, CONN, false, "retried", 200,
	                                     why, sizeof(why)),
	                 0);
	finish(l, "l4", LEDGER_REJECTED, NULL);
	assert_int_equal(ledger_review_retry(l, l4, CONN, true, "retried", 200,
	                                     why, sizeof(why)),
	                 3);
	assert_int_equal(ledger_review_retry(l, 999, CONN, false, "r", 200, why,
	                                     sizeof(why)),
	                 1);
}

static void test_link_unlink(void **state)
{
	struct fixture *f = *state;
	struct ledger *l = f->l;
	char other[256], b[64], holder[256];
	int64_t released;

	add(l, "e2-hire", "hire", "E2", 1, 1);
	add(l, "e3-hire", "hire", "E3", 1, 2);
	assert_int_equal(ledger_target_finish(l, "e2-hire", CONN,
	                                      LEDGER_DISPUTED, NULL, NULL, 0,
	                                      "disputed", 100),
	                 0);
	assert_int_equal(ledger_target_finish(l, "e3-hire", CONN,
	                                      LEDGER_DISPUTED, NULL, "acct-1",
	                                      0, "disputed over acct-1", 100),
	                 0);
	assert_int_equal(
	        ledger_link_set(l, CONN, "E1", "acct-1", "ana@x", true, 100),
	        0);
	assert_int_equal(
	        ledger_user_name_reserve(l, CONN, "ana@x", "E1", 100, holder),
	        0);
	assert_int_equal(ledger_review_link(l, CONN, "E2", "acct-1", "t", 200,
	                                    other, &released),
	                 LEDGER_LINK_TAKEN);
	assert_string_equal(other, "E1");
	assert_int_equal(ledger_review_link(l, CONN, "E1", "acct-2", "t", 200,
	                                    other, &released),
	                 4);
	assert_string_equal(other, "acct-1");
	assert_string_equal(state_of(l, "e2-hire", b), "disputed ");
	/* unlink: the link and the account's userName go; the item disputed
	 * over that account is released */
	assert_int_equal(ledger_review_unlink(l, CONN, "E1", "unlinked", 300,
	                                      other, &released),
	                 0);
	assert_string_equal(other, "acct-1");
	assert_int_equal(released, 1);
	assert_string_equal(state_of(l, "e3-hire", b), "pending ");
	assert_int_equal(ledger_user_name_owner(l, CONN, "ANA@X", holder), 1);
	assert_int_equal(ledger_review_unlink(l, CONN, "E1", "again", 300,
	                                      other, &released),
	                 1);
	assert_int_equal(ledger_review_link(l, CONN, "E2", "acct-1", "linked",
	                                    400, other, &released),
	                 0);
	assert_int_equal(released, 1);
	assert_string_equal(state_of(l, "e2-hire", b), "pending ");
	assert_int_equal(
	        ledger_link_owner(l, CONN, "acct-1", holder, sizeof(holder)),
	        0);
	assert_string_equal(holder, "E2");
	/* linking again to the same account is fine and releases nothing */
	assert_int_equal(ledger_review_link(l, CONN, "E2", "acct-1", "again",
	                                    500, other, &released),
	                 0);
	assert_int_equal(released, 0);
	assert_int_equal(ledger_review_action_add(l, "link", "me", "why", CONN,
	                                          "E2", "acct-1", NULL, 500),
	                 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	        T(test_supersede),   T(test_hold_and_approve_binds_plan),
	        T(test_expire),      T(test_retry),
	        T(test_link_unlink),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
