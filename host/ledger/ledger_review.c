/* Ledger: the work that waits for a person (provhost review) and the
 * person's decisions on it. A decision is stored without a schema change:
 * an attempts row with status "approved" or "discarded" whose error names
 * who decided and why, and the target's new state (approve: pending with
 * that text as last_error; discard: skipped with outcome "discarded", a
 * final state no run applies). Statements are prepared per call: review is
 * interactive. */
#include "ledger/ledger_internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/sha256.h"

static const char review_sql[] =
        "SELECT e.seq, e.id, e.employee_id, e.kind, t.connection, t.state, "
        "  t.last_error, t.updated_at, t.plan, t.change, t.decision "
        "FROM targets t JOIN events e ON e.seq = t.event_seq "
        "WHERE t.state IN ('held', 'disputed', 'failed', 'rejected') "
        "AND (?1 IS NULL OR t.connection = ?1) "
        "ORDER BY t.connection, e.seq";

static void review_row(sqlite3_stmt *st, void *row)
{
	struct ledger_review_row *r = row;
	const char *kind = (const char *)sqlite3_column_text(st, 3);

	r->seq = sqlite3_column_int64(st, 0);
	ledger_column_copy(st, 1, r->event_id, sizeof(r->event_id));
	ledger_column_copy(st, 2, r->employee_id, sizeof(r->employee_id));
	if (!kind || event_kind_from_name(kind, &r->kind))
		r->kind = EVENT_UPDATE;
	ledger_column_copy(st, 4, r->connection, sizeof(r->connection));
	r->state = LEDGER_HELD;
	ledger_state_from_name((const char *)sqlite3_column_text(st, 5),
	                       &r->state);
	ledger_column_copy(st, 6, r->reason, sizeof(r->reason));
	r->updated_at = sqlite3_column_int64(st, 7);
	ledger_column_copy(st, 8, r->plan, sizeof(r->plan));
	ledger_column_copy(st, 9, r->change, sizeof(r->change));
	ledger_column_copy(st, 10, r->decision, sizeof(r->decision));
}

int ledger_review_list(struct ledger *l, const char *connection,
                       struct ledger_review_row **rows, size_t *n)
{
	return ledger_list_rows(l, review_sql, connection, 0, sizeof(**rows),
	                        review_row, "work waiting for review",
	                        (void **)rows, n);
}

/* The state a decision may be taken on: approve releases held work only;
 * discard ends held, disputed or failed work. */
static bool decidable(bool approve, const char *state)
{
	if (approve)
		return !strcmp(state, "held");
	return !strcmp(state, "held") || !strcmp(state, "disputed") ||
	       !strcmp(state, "failed");
}

static int decide_locked(struct ledger *l, int64_t seq, const char *connection,
                         bool approve, const char *text, int64_t now)
{
	static const char get_sql[] = "SELECT state, plan FROM targets WHERE "
	                              "event_seq = ?1 AND connection = ?2";
	static const char set_sql[] =
	        "UPDATE targets SET state = ?3, outcome = ?4, last_error = ?5, "
	        "attempts = attempts + 1, updated_at = ?6, approved_sha256 = "
	        "coalesce(?7, approved_sha256) WHERE event_seq = ?1 AND "
	        "connection = ?2";
	static const char log_sql[] =
	        "INSERT INTO attempts (event_seq, connection, attempt, at, "
	        "status, error) SELECT event_seq, connection, attempts, ?3, "
	        "?4, "
	        "?5 FROM targets WHERE event_seq = ?1 AND connection = ?2";
	sqlite3_stmt *st = NULL;
	const unsigned char *plan;
	char state[32], sha[65] = "";
	int rc = -1, step;

	if (sqlite3_prepare_v2(l->db, get_sql, -1, &st, NULL))
		goto out;
	sqlite3_bind_int64(st, 1, seq);
	ledger_bind_text(st, 2, connection);
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = 1;
		goto out;
	}
	if (step != SQLITE_ROW)
		goto out;
	ledger_column_copy(st, 0, state, sizeof(state));
	/* the approval binds to the plan provhost review shows */
	plan = sqlite3_column_text(st, 1);
	if (approve && plan &&
	    sha256_hex(plan, (size_t)sqlite3_column_bytes(st, 1), sha))
		goto out;
	sqlite3_finalize(st);
	st = NULL;
	if (!decidable(approve, state)) {
		rc = 2;
		goto out;
	}
	if (sqlite3_prepare_v2(l->db, set_sql, -1, &st, NULL))
		goto out;
	sqlite3_bind_int64(st, 1, seq);
	ledger_bind_text(st, 2, connection);
	ledger_bind_text(st, 3, approve ? "pending" : "skipped");
	if (!approve)
		ledger_bind_text(st, 4, "discarded");
	ledger_bind_text(st, 5, text);
	sqlite3_bind_int64(st, 6, now);
	ledger_bind_text(st, 7, sha[0] ? sha : NULL);
	if (ledger_step_done(l, st, "cannot store a review decision"))
		goto out;
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(l->db, log_sql, -1, &st, NULL))
		goto out;
	sqlite3_bind_int64(st, 1, seq);
	ledger_bind_text(st, 2, connection);
	sqlite3_bind_int64(st, 3, now);
	ledger_bind_text(st, 4, approve ? "approved" : "discarded");
	ledger_bind_text(st, 5, text);
	if (ledger_step_done(l, st, "cannot store a review decision"))
		goto out;
	rc = 0;
out:
	if (rc < 0)
		ledger_fail(l, "cannot store a review decision");
	sqlite3_finalize(st);
	return rc;
}

int ledger_review_decide(struct ledger *l, int64_t seq, const char *connection,
                         bool approve, const char *text, int64_t now)
{
	bool outer;
	int rc;

	pthread_mutex_lock(&l->lock);
	rc = ledger_begin(l, &outer);
	if (!rc) {
		rc = decide_locked(l, seq, connection, approve, text, now);
		if (rc)
			ledger_rollback(l, outer);
		else
			rc = ledger_commit(l, outer);
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

static const char retry_get_sql[] =
        "SELECT t.state, e.employee_id FROM targets t JOIN events e ON "
        "e.seq = t.event_seq WHERE t.event_seq = ?1 AND t.connection = ?2";

/* The first later event of the person on the connection that a replay
 * would undo: applied since, or a deprovision not discarded. */
static const char retry_later_sql[] =
        "SELECT e.seq, e.kind, t.state FROM targets t JOIN events e ON "
        "e.seq = t.event_seq WHERE t.connection = ?2 AND e.employee_id = ?3 "
        "AND e.seq > ?1 AND (t.state = 'done' OR ((e.kind = 'terminate' OR "
        "(?4 <> 0 AND e.kind = 'leave')) AND NOT (t.state = 'skipped' AND "
        "t.outcome IN ('discarded', 'superseded')))) ORDER BY e.seq LIMIT 1";

static int retry_locked(struct ledger *l, int64_t seq, const char *connection,
                        bool leave_deprovisions, const char *text, int64_t now,
                        char *why, size_t why_len)
{
	const char *what = "cannot retry a rejected target";
	char state[32], employee[257], kind[32], later_state[32];
	sqlite3_stmt *st;
	int64_t later;
	int step;

	st = ledger_prepare_bind(l, what, retry_get_sql, "it", seq, connection);
	if (!st)
		return -1;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		ledger_column_copy(st, 0, state, sizeof(state));
		ledger_column_copy(st, 1, employee, sizeof(employee));
	}
	sqlite3_finalize(st);
	if (step == SQLITE_DONE)
		return 1;
	if (step != SQLITE_ROW)
		return ledger_fail(l, what);
	if (strcmp(state, "rejected"))
		return 2;
	st = ledger_prepare_bind(l, what, retry_later_sql, "itti", seq,
	                         connection, employee,
	                         (int64_t)leave_deprovisions);
	if (!st)
		return -1;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		later = sqlite3_column_int64(st, 0);
		ledger_column_copy(st, 1, kind, sizeof(kind));
		ledger_column_copy(st, 2, later_state, sizeof(later_state));
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return ledger_fail(l, what);
	if (step == SQLITE_DONE) {
		why[0] = '\0';
		return ledger_exec_bind(
		               l, what,
		               "UPDATE targets SET state = 'pending', outcome "
		               "= "
		               "NULL, last_error = ?3, attempts = attempts + "
		               "1, "
		               "updated_at = ?4 WHERE event_seq = ?1 AND "
		               "connection = ?2",
		               "itti", seq, connection, text, now) ||
		                       ledger_exec_bind(l, what,
		                                        "INSERT INTO attempts "
		                                        "(event_seq, "
		                                        "connection, attempt, "
		                                        "at, status, error) "
		                                        "SELECT event_seq, "
		                                        "connection, attempts, "
		                                        "?3, 'retried', ?4 "
		                                        "FROM targets WHERE "
		                                        "event_seq = ?1 AND "
		                                        "connection = ?2",
		                                        "itit", seq, connection,
		                                        now, text)
		               ? -1
		               : 0;
	}
	if (!strcmp(later_state, "done") && strcmp(kind, "terminate") &&
	    strcmp(kind, "leave"))
		snprintf(why, why_len,
		         "superseded: not replayed: a later event of employee "
		         "%s (#%lld %s) was applied since with their whole HR "
		         "record; %s",
		         employee, (long long)later, kind, text);
	else
		snprintf(why, why_len,
		         "superseded: not replayed: employee %s left since "
		         "(#%lld %s, %s); %s",
		         employee, (long long)later, kind, later_state, text);
	if (ledger_exec_bind(l, what,
	                     "UPDATE targets SET state = 'skipped', outcome = "
	                     "'superseded', last_error = ?3, attempts = "
	                     "attempts + 1, updated_at = ?4 WHERE event_seq = "
	                     "?1 AND connection = ?2",
	                     "itti", seq, connection, why, now) ||
	    ledger_exec_bind(l, what,
	                     "INSERT INTO attempts (event_seq, connection, "
	                     "attempt, at, status, error) SELECT event_seq, "
	                     "connection, attempts, ?3, 'superseded', ?4 FROM "
	                     "targets WHERE event_seq = ?1 AND connection = ?2",
	                     "itit", seq, connection, now, why))
		return -1;
	return 3;
}

int ledger_review_retry(struct ledger *l, int64_t seq, const char *connection,
                        bool leave_deprovisions, const char *text, int64_t now,
                        char *why, size_t why_len)
{
	bool outer;
	int rc;

	pthread_mutex_lock(&l->lock);
	rc = ledger_begin(l, &outer);
	if (!rc) {
		rc = retry_locked(l, seq, connection, leave_deprovisions, text,
		                  now, why, why_len);
		if (rc < 0 || rc == 1 || rc == 2)
			ledger_rollback(l, outer);
		else if (ledger_commit(l, outer))
			rc = -1;
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}
