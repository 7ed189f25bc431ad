/* Ledger: what ingest needs to tell a re-sent event from a new one with the
 * same content (where an event was first seen, what the person did after
 * it), and the held targets a run's workers must respect. Statements are
 * prepared per call: these run for re-seen id-less events and once per
 * connection per run. */
#include "ledger/ledger_internal.h"

#include <stdlib.h>
#include <string.h>

static const char origin_sql[] =
        "SELECT e.seq, e.run_id, e.line_no, e.kind, e.source, r.source, "
        "  r.input_sha256 "
        "FROM events e LEFT JOIN runs r ON r.id = e.run_id WHERE e.id = ?1";

int ledger_event_origin(struct ledger *l, const char *event_id,
                        struct ledger_origin *out)
{
	const char *kind;
	sqlite3_stmt *st;
	int rc;

	pthread_mutex_lock(&l->lock);
	if (sqlite3_prepare_v2(l->db, origin_sql, -1, &st, NULL)) {
		rc = ledger_fail(l, "cannot read a stored event");
		goto out_unlock;
	}
	ledger_bind_text(st, 1, event_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		rc = 1;
	} else if (rc != SQLITE_ROW) {
		rc = ledger_fail(l, "cannot read a stored event");
	} else {
		memset(out, 0, sizeof(*out));
		out->seq = sqlite3_column_int64(st, 0);
		out->run_id = sqlite3_column_int64(st, 1);
		out->line_no = sqlite3_column_int64(st, 2);
		kind = (const char *)sqlite3_column_text(st, 3);
		if (!kind || event_kind_from_name(kind, &out->kind))
			out->kind = EVENT_UPDATE;
		ledger_column_copy(st, 4, out->source, sizeof(out->source));
		ledger_column_copy(st, 5, out->run_source,
		                   sizeof(out->run_source));
		ledger_column_copy(st, 6, out->input_sha256,
		                   sizeof(out->input_sha256));
		rc = 0;
	}
	sqlite3_finalize(st);
out_unlock:
	pthread_mutex_unlock(&l->lock);
	return rc;
}

/* Grows *rows (of *n, capacity *cap) by one zeroed row; NULL when out of
 * memory. */
static void *grow_one(void **rows, size_t *n, size_t *cap, size_t size)
{
	void *r;

	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;

		r = realloc(*rows, c * size);
		if (!r)
			return NULL;
		*rows = r;
		*cap = c;
	}
	r = (char *)*rows + (*n)++ * size;
	memset(r, 0, size);
	return r;
}

static const char after_sql[] =
        "SELECT seq, kind, line_no, id, source FROM events "
        "WHERE employee_id = ?1 AND seq > ?2 ORDER BY seq";

int ledger_events_after(struct ledger *l, const char *employee_id,
                        int64_t after, struct ledger_event_brief **rows,
                        size_t *n)
{
	struct ledger_event_brief *r;
	const char *kind;
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	pthread_mutex_lock(&l->lock);
	if (sqlite3_prepare_v2(l->db, after_sql, -1, &st, NULL)) {
		rc = ledger_fail(l, "cannot read a person's events");
		goto out_unlock;
	}
	ledger_bind_text(st, 1, employee_id);
	sqlite3_bind_int64(st, 2, after);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = grow_one((void **)rows, n, &cap, sizeof(*r));
		if (!r)
			break;
		r->seq = sqlite3_column_int64(st, 0);
		kind = (const char *)sqlite3_column_text(st, 1);
		if (!kind || event_kind_from_name(kind, &r->kind))
			r->kind = EVENT_UPDATE;
		r->line_no = sqlite3_column_int64(st, 2);
		ledger_column_copy(st, 3, r->id, sizeof(r->id));
		ledger_column_copy(st, 4, r->source, sizeof(r->source));
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc == SQLITE_ROW)
		rc = ledger_failf("out of memory");
	else
		rc = ledger_fail(l, "cannot read a person's events");
	sqlite3_finalize(st);
out_unlock:
	pthread_mutex_unlock(&l->lock);
	if (rc) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

static const char held_sql[] =
        "SELECT e.employee_id, e.seq, e.run_id, e.line_no, t.state "
        "FROM targets t JOIN events e ON e.seq = t.event_seq "
        "WHERE t.connection = ?1 AND t.state IN ('held', 'disputed') "
        "ORDER BY e.employee_id, e.seq";

int ledger_held_list(struct ledger *l, const char *connection,
                     struct ledger_held **rows, size_t *n)
{
	struct ledger_held *r;
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	pthread_mutex_lock(&l->lock);
	if (sqlite3_prepare_v2(l->db, held_sql, -1, &st, NULL)) {
		rc = ledger_fail(l, "cannot read held events");
		goto out_unlock;
	}
	ledger_bind_text(st, 1, connection);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = grow_one((void **)rows, n, &cap, sizeof(*r));
		if (!r)
			break;
		ledger_column_copy(st, 0, r->employee_id,
		                   sizeof(r->employee_id));
		r->seq = sqlite3_column_int64(st, 1);
		r->run_id = sqlite3_column_int64(st, 2);
		r->line_no = sqlite3_column_int64(st, 3);
		r->state = LEDGER_HELD;
		ledger_state_from_name((const char *)sqlite3_column_text(st, 4),
		                       &r->state);
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc == SQLITE_ROW)
		rc = ledger_failf("out of memory");
	else
		rc = ledger_fail(l, "cannot read held events");
	sqlite3_finalize(st);
out_unlock:
	pthread_mutex_unlock(&l->lock);
	if (rc) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}
