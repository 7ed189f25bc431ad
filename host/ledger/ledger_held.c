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

static const char after_sql[] =
        "SELECT seq, kind, line_no, id, source FROM events "
        "WHERE employee_id = ?1 AND seq > ?2 ORDER BY seq";

static void brief_row(sqlite3_stmt *st, void *row)
{
	struct ledger_event_brief *r = row;
	const char *kind = (const char *)sqlite3_column_text(st, 1);

	r->seq = sqlite3_column_int64(st, 0);
	if (!kind || event_kind_from_name(kind, &r->kind))
		r->kind = EVENT_UPDATE;
	r->line_no = sqlite3_column_int64(st, 2);
	ledger_column_copy(st, 3, r->id, sizeof(r->id));
	ledger_column_copy(st, 4, r->source, sizeof(r->source));
}

int ledger_events_after(struct ledger *l, const char *employee_id,
                        int64_t after, struct ledger_event_brief **rows,
                        size_t *n)
{
	return ledger_list_rows(l, after_sql, employee_id, after,
	                        sizeof(**rows), brief_row, "a person's events",
	                        (void **)rows, n);
}

static const char held_sql[] =
        "SELECT e.employee_id, e.seq, e.run_id, e.line_no, t.state "
        "FROM targets t JOIN events e ON e.seq = t.event_seq "
        "WHERE t.connection = ?1 AND t.state IN ('held', 'disputed') "
        "ORDER BY e.employee_id, e.seq";

static void held_row(sqlite3_stmt *st, void *row)
{
	struct ledger_held *r = row;

	ledger_column_copy(st, 0, r->employee_id, sizeof(r->employee_id));
	r->seq = sqlite3_column_int64(st, 1);
	r->run_id = sqlite3_column_int64(st, 2);
	r->line_no = sqlite3_column_int64(st, 3);
	r->state = LEDGER_HELD;
	ledger_state_from_name((const char *)sqlite3_column_text(st, 4),
	                       &r->state);
}

int ledger_held_list(struct ledger *l, const char *connection,
                     struct ledger_held **rows, size_t *n)
{
	return ledger_list_rows(l, held_sql, connection, 0, sizeof(**rows),
	                        held_row, "held events", (void **)rows, n);
}
