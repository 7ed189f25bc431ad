/* Ledger: the work that waits for a person (provhost review) and the
 * person's decisions on it. A decision is stored without a schema change:
 * an attempts row with status "approved" or "discarded" whose error names
 * who decided and why, and the target's new state (approve: pending with
 * that text as last_error; discard: skipped with outcome "discarded", a
 * final state no run applies). Statements are prepared per call: review is
 * interactive. */
#include "ledger/ledger_internal.h"

#include <string.h>

static const char review_sql[] =
        "SELECT e.seq, e.id, e.employee_id, e.kind, t.connection, t.state, "
        "  t.last_error, t.updated_at "
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
	static const char get_sql[] = "SELECT state FROM targets WHERE "
	                              "event_seq = ?1 AND connection = ?2";
	static const char set_sql[] =
	        "UPDATE targets SET state = ?3, outcome = ?4, last_error = ?5, "
	        "attempts = attempts + 1, updated_at = ?6 WHERE event_seq = ?1 "
	        "AND connection = ?2";
	static const char log_sql[] =
	        "INSERT INTO attempts (event_seq, connection, attempt, at, "
	        "status, error) SELECT event_seq, connection, attempts, ?3, "
	        "?4, "
	        "?5 FROM targets WHERE event_seq = ?1 AND connection = ?2";
	sqlite3_stmt *st = NULL;
	char state[32];
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
