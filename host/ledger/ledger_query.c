/* Ledger: the read side for `provhost status` and `provhost history`. These
 * run rarely, so their statements are prepared per call. */
#include "ledger/ledger_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Finds or appends the row for conn in the growing array. */
static struct ledger_status *status_row(struct ledger_status **rows, size_t *n,
                                        size_t *cap, const char *conn)
{
	struct ledger_status *r;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*rows)[i].connection, conn))
			return &(*rows)[i];
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 4;

		r = realloc(*rows, c * sizeof(*r));
		if (!r)
			return NULL;
		*rows = r;
		*cap = c;
	}
	r = &(*rows)[(*n)++];
	memset(r, 0, sizeof(*r));
	snprintf(r->connection, sizeof(r->connection), "%s", conn);
	return r;
}

static int by_connection(const void *a, const void *b)
{
	return strcmp(((const struct ledger_status *)a)->connection,
	              ((const struct ledger_status *)b)->connection);
}

/* Columns: connection, state name or NULL, count, due, links, active. */
static const char status_sql[] =
        "SELECT t.connection, t.state, count(*), "
        "  sum(t.state = 'not_yet_effective' AND e.effective <= ?1), 0, 0 "
        "FROM targets t JOIN events e ON e.seq = t.event_seq "
        "GROUP BY t.connection, t.state "
        "UNION ALL "
        "SELECT connection, NULL, 0, 0, count(*), sum(active) FROM links "
        "GROUP BY connection";

static int status_locked(struct ledger *l, int64_t now,
                         struct ledger_status **rows, size_t *n)
{
	size_t cap = 0;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(l->db, status_sql, -1, &st, NULL))
		return ledger_fail(l, "cannot read the ledger status");
	sqlite3_bind_int64(st, 1, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *conn = (const char *)sqlite3_column_text(st, 0);
		const char *state = (const char *)sqlite3_column_text(st, 1);
		struct ledger_status *r;
		enum ledger_state s;

		r = status_row(rows, n, &cap, conn ? conn : "");
		if (!r) {
			sqlite3_finalize(st);
			return ledger_failf("out of memory");
		}
		if (!state) {
			r->links = sqlite3_column_int64(st, 4);
			r->links_active = sqlite3_column_int64(st, 5);
		} else if (!ledger_state_from_name(state, &s)) {
			r->count[s] = sqlite3_column_int64(st, 2);
			r->due += sqlite3_column_int64(st, 3);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ledger_fail(l, "cannot read the ledger status");
	return 0;
}

int ledger_status(struct ledger *l, int64_t now, struct ledger_status **rows,
                  size_t *n)
{
	int rc;

	*rows = NULL;
	*n = 0;
	pthread_mutex_lock(&l->lock);
	rc = status_locked(l, now, rows, n);
	pthread_mutex_unlock(&l->lock);
	if (rc) {
		free(*rows);
		*rows = NULL;
		*n = 0;
		return -1;
	}
	if (*n > 1)
		qsort(*rows, *n, sizeof(**rows), by_connection);
	return 0;
}

int ledger_reject_count(struct ledger *l, int64_t *n)
{
	sqlite3_stmt *st;
	int rc = -1;

	pthread_mutex_lock(&l->lock);
	if (!sqlite3_prepare_v2(l->db, "SELECT count(*) FROM rejects", -1, &st,
	                        NULL)) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			*n = sqlite3_column_int64(st, 0);
			rc = 0;
		}
		sqlite3_finalize(st);
	}
	if (rc)
		ledger_fail(l, "cannot count rejected lines");
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_attempt_had(struct ledger *l, const char *event_id,
                       const char *connection, const char *status)
{
	static const char sql[] =
	        "SELECT 1 FROM attempts WHERE event_seq = (SELECT seq FROM "
	        "events WHERE id = ?1) AND connection = ?2 AND status = ?3 "
	        "LIMIT 1";
	sqlite3_stmt *st;
	int rc = -1, step;

	pthread_mutex_lock(&l->lock);
	if (!sqlite3_prepare_v2(l->db, sql, -1, &st, NULL)) {
		ledger_bind_text(st, 1, event_id);
		ledger_bind_text(st, 2, connection);
		ledger_bind_text(st, 3, status);
		step = sqlite3_step(st);
		if (step == SQLITE_ROW || step == SQLITE_DONE)
			rc = step == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	if (rc < 0)
		ledger_fail(l, "cannot read the attempts of an event");
	pthread_mutex_unlock(&l->lock);
	return rc;
}

static const char history_sql[] =
        "SELECT e.seq, e.id, e.kind, e.effective, e.received_at, e.source, "
        "  e.line_no, t.connection, t.state, t.attempts, t.http_status, "
        "  t.updated_at, t.outcome, t.account_id, t.last_error, e.changes, "
        "  t.decision "
        "FROM events e LEFT JOIN targets t ON t.event_seq = e.seq "
        "WHERE e.employee_id = ?1 ORDER BY e.seq, t.connection";

static void history_row(sqlite3_stmt *st, void *row)
{
	struct ledger_history_row *r = row;
	const char *kind = (const char *)sqlite3_column_text(st, 2);
	const char *state = (const char *)sqlite3_column_text(st, 8);

	memset(r, 0, sizeof(*r));
	r->seq = sqlite3_column_int64(st, 0);
	ledger_column_copy(st, 1, r->event_id, sizeof(r->event_id));
	if (!kind || event_kind_from_name(kind, &r->kind))
		r->kind = EVENT_UPDATE;
	r->has_effective = sqlite3_column_type(st, 3) != SQLITE_NULL;
	r->effective = sqlite3_column_int64(st, 3);
	r->received_at = sqlite3_column_int64(st, 4);
	ledger_column_copy(st, 5, r->source, sizeof(r->source));
	r->line_no = sqlite3_column_int64(st, 6);
	ledger_column_copy(st, 7, r->connection, sizeof(r->connection));
	if (!state || ledger_state_from_name(state, &r->target.state))
		r->target.state = LEDGER_PENDING;
	r->target.attempts = sqlite3_column_int(st, 9);
	r->target.http_status = sqlite3_column_int(st, 10);
	r->target.updated_at = sqlite3_column_int64(st, 11);
	ledger_column_copy(st, 12, r->target.outcome,
	                   sizeof(r->target.outcome));
	ledger_column_copy(st, 13, r->target.account_id,
	                   sizeof(r->target.account_id));
	ledger_column_copy(st, 14, r->target.last_error,
	                   sizeof(r->target.last_error));
	ledger_column_copy(st, 15, r->changes, sizeof(r->changes));
	ledger_column_copy(st, 16, r->decision, sizeof(r->decision));
}

int ledger_history(struct ledger *l, const char *employee_id,
                   struct ledger_history_row **rows, size_t *n)
{
	return ledger_list_rows(l, history_sql, employee_id, 0, sizeof(**rows),
	                        history_row, "the history", (void **)rows, n);
}
