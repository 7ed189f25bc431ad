/* Ledger: what the engine needs for review and supervised mode — a
 * target's plan and approval, holding a target with its plan, superseding
 * a leaver's earlier work, and the expiry of supervised items. Statements
 * are prepared per call: these run for held, approved or superseded work
 * and once per connection per run, not per ordinary event. */
#include "ledger/ledger_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static sqlite3_stmt *prepare_va(struct ledger *l, const char *what,
                                const char *sql, const char *types, va_list ap)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL)) {
		ledger_fail(l, what);
		return NULL;
	}
	for (int i = 0; types[i]; i++) {
		if (types[i] == 't')
			ledger_bind_text(st, i + 1, va_arg(ap, const char *));
		else
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
	}
	return st;
}

sqlite3_stmt *ledger_prepare_bind(struct ledger *l, const char *what,
                                  const char *sql, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;

	va_start(ap, types);
	st = prepare_va(l, what, sql, types, ap);
	va_end(ap);
	return st;
}

int ledger_exec_bind(struct ledger *l, const char *what, const char *sql,
                     const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	va_start(ap, types);
	st = prepare_va(l, what, sql, types, ap);
	va_end(ap);
	if (!st)
		return -1;
	rc = ledger_step_done(l, st, what);
	sqlite3_finalize(st);
	return rc;
}

static const char review_get_sql[] =
        "SELECT t.plan, t.change, t.approved_sha256, t.account_id, EXISTS "
        "(SELECT 1 FROM "
        "attempts a WHERE a.event_seq = t.event_seq AND a.connection = "
        "t.connection AND a.status = 'approved') FROM targets t WHERE "
        "t.event_seq = (SELECT seq FROM events WHERE id = ?1) AND "
        "t.connection = ?2";

int ledger_target_review_get(struct ledger *l, const char *event_id,
                             const char *connection,
                             struct ledger_review_info *out)
{
	const char *what = "cannot read a target's review";
	const unsigned char *plan;
	sqlite3_stmt *st;
	int rc = -1, step;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&l->lock);
	st = ledger_prepare_bind(l, what, review_get_sql, "tt", event_id,
	                         connection);
	if (!st)
		goto out;
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = 1;
	} else if (step != SQLITE_ROW) {
		ledger_fail(l, what);
	} else {
		plan = sqlite3_column_text(st, 0);
		out->plan = plan ? strdup((const char *)plan) : NULL;
		ledger_column_copy(st, 1, out->change, sizeof(out->change));
		ledger_column_copy(st, 2, out->approved_sha256,
		                   sizeof(out->approved_sha256));
		ledger_column_copy(st, 3, out->account_id,
		                   sizeof(out->account_id));
		out->approved = sqlite3_column_int(st, 4) != 0;
		rc = plan && !out->plan ? ledger_failf("out of memory") : 0;
	}
	sqlite3_finalize(st);
out:
	pthread_mutex_unlock(&l->lock);
	return rc;
}

/* Ends target (seq, connection) with the state, outcome and reason, and
 * records an attempts row with status; under the lock, in a transaction. */
static int end_target(struct ledger *l, int64_t seq, const char *connection,
                      const char *state, const char *outcome,
                      const char *status, const char *reason, int64_t now)
{
	const char *what = "cannot store a review state";

	if (ledger_exec_bind(l, what,
	                     "UPDATE targets SET state = ?3, outcome = ?4, "
	                     "last_error = ?5, attempts = attempts + 1, "
	                     "updated_at = ?6 WHERE event_seq = ?1 AND "
	                     "connection = ?2",
	                     "itttti", seq, connection, state, outcome, reason,
	                     now))
		return -1;
	return ledger_exec_bind(l, what,
	                        "INSERT INTO attempts (event_seq, connection, "
	                        "attempt, at, status, error) SELECT event_seq, "
	                        "connection, attempts, ?3, ?4, ?5 FROM targets "
	                        "WHERE event_seq = ?1 AND connection = ?2",
	                        "ititt", seq, connection, now, status, reason);
}

static const char hold_sql[] =
        "UPDATE targets SET state = 'held', plan = ?3, change = ?4, "
        "approved_sha256 = NULL, last_error = ?5, attempts = attempts + 1, "
        "updated_at = ?6, account_id = coalesce(?7, account_id) WHERE "
        "event_seq = (SELECT seq FROM events WHERE id = ?1) AND "
        "connection = ?2";
static const char held_log_sql[] =
        "INSERT INTO attempts (event_seq, connection, attempt, at, status, "
        "error) SELECT event_seq, connection, attempts, ?3, 'held', ?4 "
        "FROM targets WHERE event_seq = (SELECT seq FROM events WHERE id = "
        "?1) AND connection = ?2";

int ledger_target_hold(struct ledger *l, const char *event_id,
                       const char *connection, const char *plan,
                       const char *change, const char *account_id,
                       const char *reason, int64_t now)
{
	const char *what = "cannot hold a target for review";
	bool outer;
	int rc;

	pthread_mutex_lock(&l->lock);
	rc = ledger_begin(l, &outer);
	if (rc)
		goto out;
	rc = ledger_exec_bind(l, what, hold_sql, "tttttit", event_id,
	                      connection, plan, change, reason, now,
	                      account_id);
	if (!rc && sqlite3_changes(l->db) == 0)
		rc = 1;
	if (!rc)
		rc = ledger_exec_bind(l, what, held_log_sql, "ttit", event_id,
		                      connection, now, reason);
	if (rc)
		ledger_rollback(l, outer);
	else
		rc = ledger_commit(l, outer);
out:
	pthread_mutex_unlock(&l->lock);
	return rc;
}

/* The sequence numbers sql (bound by types and the arguments) selects, in
 * a malloc'd array (*seqs, caller frees; NULL when none). Under the lock. */
static int collect_seqs(struct ledger *l, const char *what, int64_t **seqs,
                        size_t *n, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st;
	int64_t *v = NULL, *nv;
	size_t cap = 0;
	va_list ap;
	int step;

	*seqs = NULL;
	*n = 0;
	va_start(ap, types);
	st = prepare_va(l, what, sql, types, ap);
	va_end(ap);
	if (!st)
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				step = SQLITE_NOMEM;
				break;
			}
			v = nv;
		}
		v[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		free(v);
		*n = 0;
		return ledger_fail(l, what);
	}
	*seqs = v;
	return 0;
}

/* Ends every target (seqs[i], connection) with end_target, in one
 * transaction. */
static int end_all(struct ledger *l, const int64_t *seqs, size_t n,
                   const char *connection, const char *state,
                   const char *outcome, const char *status, const char *reason,
                   int64_t now)
{
	bool outer;
	int rc;

	if (!n)
		return 0;
	rc = ledger_begin(l, &outer);
	for (size_t i = 0; !rc && i < n; i++)
		rc = end_target(l, seqs[i], connection, state, outcome, status,
		                reason, now);
	if (rc)
		ledger_rollback(l, outer);
	else
		rc = ledger_commit(l, outer);
	return rc;
}

static const char before_sql[] =
        "SELECT t.event_seq FROM targets t JOIN events e ON e.seq = "
        "t.event_seq WHERE t.connection = ?1 AND e.employee_id = ?2 AND "
        "(e.seq < ?3 OR (e.run_id = ?4 AND e.line_no < ?5)) AND e.seq <> ?3 "
        "AND NOT (e.run_id = ?4 AND e.line_no > ?5) "
        "AND t.state IN ('pending', 'failed', 'held', 'disputed', "
        "'rejected') AND e.kind <> 'terminate' AND (?6 = 0 OR e.kind <> "
        "'leave') ORDER BY e.seq";

int ledger_supersede_before(struct ledger *l, const char *connection,
                            const char *employee_id, int64_t seq,
                            int64_t run_id, int64_t line_no,
                            bool leave_deprovisions, const char *reason,
                            int64_t now, int64_t *n)
{
	const char *what = "cannot supersede a person's earlier work";
	int64_t *seqs = NULL;
	size_t count = 0;
	int rc;

	*n = 0;
	pthread_mutex_lock(&l->lock);
	rc = collect_seqs(l, what, &seqs, &count, before_sql, "ttiiii",
	                  connection, employee_id, seq, run_id ? run_id : -1,
	                  line_no, (int64_t)leave_deprovisions);
	if (!rc)
		rc = end_all(l, seqs, count, connection, "skipped",
		             "superseded", "superseded", reason, now);
	if (!rc)
		*n = (int64_t)count;
	pthread_mutex_unlock(&l->lock);
	free(seqs);
	return rc;
}

static const char expire_sql[] =
        "SELECT event_seq FROM targets WHERE connection = ?1 AND state = "
        "'held' AND last_error LIKE 'supervised:%' AND updated_at < ?2 AND "
        "coalesce(change, '') <> 'deactivate' ORDER BY event_seq";
static const char waiting_sql[] =
        "SELECT event_seq FROM targets WHERE connection = ?1 AND state = "
        "'held' AND last_error LIKE 'supervised:%' AND updated_at < ?2 AND "
        "change = 'deactivate' ORDER BY event_seq";

int ledger_supervise_expire(struct ledger *l, const char *connection,
                            int64_t before, const char *reason, int64_t now,
                            int64_t *expired, int64_t *waiting)
{
	const char *what = "cannot expire supervised work";
	int64_t *seqs = NULL;
	size_t count = 0;
	int rc;

	*expired = *waiting = 0;
	pthread_mutex_lock(&l->lock);
	rc = collect_seqs(l, what, &seqs, &count, expire_sql, "ti", connection,
	                  before);
	if (!rc)
		rc = end_all(l, seqs, count, connection, "skipped", "discarded",
		             "expired", reason, now);
	if (!rc)
		*expired = (int64_t)count;
	free(seqs);
	seqs = NULL;
	if (!rc)
		rc = collect_seqs(l, what, &seqs, &count, waiting_sql, "ti",
		                  connection, before);
	if (!rc)
		*waiting = (int64_t)count;
	pthread_mutex_unlock(&l->lock);
	free(seqs);
	return rc;
}
