/* Ledger: roster snapshots and what a roster sync needs per person
 * (ledger.h, "roster snapshots"). Statements are prepared per call: a sync
 * makes few of these calls (one load, one write per changed person). */
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_internal.h"

/* Prepares sql under the lock; NULL with the error set. */
static sqlite3_stmt *prepare(struct ledger *l, const char *sql,
                             const char *what)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL)) {
		ledger_fail(l, what);
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

static void snapshot_row(sqlite3_stmt *st, struct ledger_snapshot *out)
{
	memset(out, 0, sizeof(*out));
	ledger_column_copy(st, 0, out->sha256, sizeof(out->sha256));
	out->as_of = sqlite3_column_int64(st, 1);
	ledger_column_copy(st, 2, out->source, sizeof(out->source));
	out->run_id = sqlite3_column_int64(st, 3);
	out->rows = sqlite3_column_int64(st, 4);
	out->applied_at = sqlite3_column_int64(st, 5);
}

/* One snapshot row by sql (?1 = text when given): 0, 1 none, -1. */
static int snapshot_one(struct ledger *l, const char *sql, const char *text,
                        struct ledger_snapshot *out)
{
	sqlite3_stmt *st;
	int rc = -1;

	pthread_mutex_lock(&l->lock);
	st = prepare(l, sql, "cannot read snapshots");
	if (st) {
		if (text)
			ledger_bind_text(st, 1, text);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			snapshot_row(st, out);
			rc = 0;
		} else if (rc == SQLITE_DONE) {
			rc = 1;
		} else {
			rc = ledger_fail(l, "cannot read snapshots");
		}
		sqlite3_finalize(st);
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

#define SNAPSHOT_COLS "sha256, as_of, source, run_id, rows, applied_at"

int ledger_snapshot_find(struct ledger *l, const char *sha256,
                         struct ledger_snapshot *out)
{
	return snapshot_one(
	        l, "SELECT " SNAPSHOT_COLS " FROM snapshots WHERE sha256 = ?1",
	        sha256, out);
}

int ledger_snapshot_latest(struct ledger *l, struct ledger_snapshot *out)
{
	return snapshot_one(l,
	                    "SELECT " SNAPSHOT_COLS " FROM snapshots"
	                    " ORDER BY as_of DESC, applied_at DESC LIMIT 1",
	                    NULL, out);
}

/* Runs sql binding ?1.. from texts (NULL = SQL NULL) and ints; 0 or -1.
 * Takes the lock. changes (may be NULL) gets the rows changed. */
static int exec_bound(struct ledger *l, const char *sql,
                      const char *const *texts, int n_texts,
                      const int64_t *ints, int n_ints, const char *what,
                      int64_t *changes)
{
	sqlite3_stmt *st;
	int rc = -1, i;

	pthread_mutex_lock(&l->lock);
	st = prepare(l, sql, what);
	if (st) {
		for (i = 0; i < n_texts; i++)
			ledger_bind_text(st, i + 1, texts[i]);
		for (i = 0; i < n_ints; i++)
			sqlite3_bind_int64(st, n_texts + i + 1, ints[i]);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ledger_fail(l, what);
		if (!rc && changes)
			*changes = sqlite3_changes(l->db);
		sqlite3_finalize(st);
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_snapshot_record(struct ledger *l, const char *sha256, int64_t as_of,
                           const char *source, int64_t run_id, int64_t rows,
                           int64_t now)
{
	const char *texts[] = {sha256, source};
	const int64_t ints[] = {as_of, run_id, rows, now};

	return exec_bound(l,
	                  "INSERT OR IGNORE INTO snapshots (sha256, source, "
	                  "as_of, run_id, rows, applied_at)"
	                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	                  texts, 2, ints, 4, "cannot record the snapshot",
	                  NULL);
}

/* A target of the event named by column c of roster in state s. */
#define HAS_TARGET(c, s)                                                       \
	"EXISTS (SELECT 1 FROM events e JOIN targets t ON t.event_seq ="       \
	" e.seq WHERE e.id = r." c " AND t.state = '" s "')"

static const char load_sql[] =
        "SELECT p.employee_id, p.record,"
        /* a terminate held (not merged) that a person approved counts */
        " CASE WHEN EXISTS (SELECT 1 FROM events e JOIN targets t"
        "  ON t.event_seq = e.seq WHERE e.employee_id = p.employee_id"
        "  AND e.seq > p.last_seq AND e.kind = 'terminate'"
        "  AND t.state IN ('pending', 'failed', 'done'))"
        "  THEN 'terminated' ELSE p.status END, p.last_seq,"
        " r.terminate_event, r.terminate_effective, r.prior_status,"
        " r.terminate_event IS NOT NULL AND r.terminate_effective > ?1"
        "  AND " HAS_TARGET(
                "terminate_event",
                "not_yet_effective") ","
                                     " r.missing_event, r.missing_event IS NOT "
                                     "NULL"
                                     "  AND " HAS_TARGET(
                                             "missing_event",
                                             "held") " FROM persons p LEFT "
                                                     "JOIN roster r USING "
                                                     "(employee_id)"
                                                     " ORDER BY p.employee_id";

static char *column_dup(sqlite3_stmt *st, int col)
{
	const char *t = (const char *)sqlite3_column_text(st, col);

	return t ? strdup(t) : NULL;
}

/* Fills one person from the current row; -1 when out of memory. */
static int roster_row(sqlite3_stmt *st, struct ledger_roster_person *p)
{
	memset(p, 0, sizeof(*p));
	p->employee_id = column_dup(st, 0);
	p->record = column_dup(st, 1);
	ledger_column_copy(st, 2, p->status, sizeof(p->status));
	p->last_seq = sqlite3_column_int64(st, 3);
	if (sqlite3_column_type(st, 4) != SQLITE_NULL &&
	    !(p->terminate_event = column_dup(st, 4)))
		return -1;
	p->terminate_effective = sqlite3_column_int64(st, 5);
	ledger_column_copy(st, 6, p->prior_status, sizeof(p->prior_status));
	p->scheduled = sqlite3_column_int(st, 7) != 0;
	if (sqlite3_column_type(st, 8) != SQLITE_NULL &&
	    !(p->missing_event = column_dup(st, 8)))
		return -1;
	p->missing_open = sqlite3_column_int(st, 9) != 0;
	return p->employee_id && p->record ? 0 : -1;
}

int ledger_roster_load(struct ledger *l, int64_t now,
                       struct ledger_roster_person **rows, size_t *n)
{
	struct ledger_roster_person *grown;
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc = -1, r;

	*rows = NULL;
	*n = 0;
	pthread_mutex_lock(&l->lock);
	st = prepare(l, load_sql, "cannot read person records");
	if (!st)
		goto out_unlock;
	sqlite3_bind_int64(st, 1, now);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			grown = realloc(*rows, cap * sizeof(**rows));
			if (!grown)
				goto out_oom;
			*rows = grown;
		}
		(*n)++;
		if (roster_row(st, &(*rows)[*n - 1]))
			goto out_oom;
	}
	if (r != SQLITE_DONE) {
		ledger_fail(l, "cannot read person records");
		goto out_free;
	}
	rc = 0;
	goto out_final;
out_oom:
	ledger_failf("out of memory reading person records");
out_free:
	ledger_roster_free(*rows, *n);
	*rows = NULL;
	*n = 0;
out_final:
	sqlite3_finalize(st);
out_unlock:
	pthread_mutex_unlock(&l->lock);
	return rc;
}

void ledger_roster_free(struct ledger_roster_person *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].employee_id);
		free(rows[i].record);
		free(rows[i].terminate_event);
		free(rows[i].missing_event);
	}
	free(rows);
}

int ledger_targets_missing(struct ledger *l, const char *const *conns, size_t n)
{
	sqlite3_stmt *st;
	int rc = 0, r;

	pthread_mutex_lock(&l->lock);
	st = prepare(l,
	             "SELECT EXISTS (SELECT 1 FROM events e WHERE NOT EXISTS"
	             " (SELECT 1 FROM targets t WHERE t.event_seq = e.seq"
	             " AND t.connection = ?1))",
	             "cannot read targets");
	for (size_t i = 0; st && !rc && i < n; i++) {
		sqlite3_reset(st);
		ledger_bind_text(st, 1, conns[i]);
		r = sqlite3_step(st);
		if (r != SQLITE_ROW)
			rc = ledger_fail(l, "cannot read targets");
		else if (sqlite3_column_int(st, 0))
			rc = 1;
	}
	if (!st)
		rc = -1;
	sqlite3_finalize(st);
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_roster_set_terminate(struct ledger *l, const char *employee_id,
                                const char *event_id, int64_t effective,
                                const char *prior_status, int64_t now)
{
	const char *texts[] = {employee_id, event_id, prior_status};
	const int64_t ints[] = {effective, now};

	return exec_bound(l,
	                  "INSERT INTO roster (employee_id, terminate_event,"
	                  " prior_status, terminate_effective, updated_at)"
	                  " VALUES (?1, ?2, ?3, ?4, ?5)"
	                  " ON CONFLICT (employee_id) DO UPDATE SET"
	                  " terminate_event = ?2, prior_status = ?3,"
	                  " terminate_effective = ?4, updated_at = ?5",
	                  texts, 3, ints, 2, "cannot store the roster state",
	                  NULL);
}

int ledger_roster_set_missing(struct ledger *l, const char *employee_id,
                              const char *event_id, int64_t now)
{
	const char *texts[] = {employee_id, event_id};
	const int64_t ints[] = {now};

	return exec_bound(l,
	                  "INSERT INTO roster (employee_id, missing_event,"
	                  " updated_at) VALUES (?1, ?2, ?3)"
	                  " ON CONFLICT (employee_id) DO UPDATE SET"
	                  " missing_event = ?2, updated_at = ?3",
	                  texts, 2, ints, 1, "cannot store the roster state",
	                  NULL);
}

int ledger_event_cancel(struct ledger *l, const char *event_id, const char *why,
                        int64_t now, int64_t *n)
{
	const char *texts[] = {event_id, why};
	const int64_t ints[] = {now};

	return exec_bound(l,
	                  "UPDATE targets SET state = 'skipped', outcome ="
	                  " 'cancelled', last_error = ?2, updated_at = ?3"
	                  " WHERE event_seq = (SELECT seq FROM events"
	                  " WHERE id = ?1)"
	                  " AND state IN ('not_yet_effective', 'held')",
	                  texts, 2, ints, 1, "cannot cancel an event", n);
}

int ledger_person_cancel_scheduled(struct ledger *l, const char *employee_id,
                                   const char *why, int64_t now, int64_t *n)
{
	const char *texts[] = {employee_id, why};
	const int64_t ints[] = {now};

	return exec_bound(l,
	                  "UPDATE targets SET state = 'skipped', outcome ="
	                  " 'cancelled', last_error = ?2, updated_at = ?3"
	                  " WHERE state = 'not_yet_effective' AND event_seq IN"
	                  " (SELECT seq FROM events WHERE employee_id = ?1"
	                  " AND kind = 'terminate' AND effective > ?3)",
	                  texts, 2, ints, 1,
	                  "cannot cancel a scheduled terminate", n);
}

int ledger_person_supersede_scheduled(struct ledger *l, const char *employee_id,
                                      int64_t seq, const char *why, int64_t now,
                                      int64_t *n)
{
	const char *texts[] = {employee_id, why};
	const int64_t ints[] = {now, seq};

	return exec_bound(l,
	                  "UPDATE targets SET state = 'skipped', outcome ="
	                  " 'superseded', last_error = ?2, updated_at = ?3"
	                  " WHERE state = 'not_yet_effective' AND event_seq IN"
	                  " (SELECT seq FROM events WHERE employee_id = ?1"
	                  " AND kind = 'terminate' AND seq < ?4)",
	                  texts, 2, ints, 2,
	                  "cannot supersede a scheduled terminate", n);
}

int ledger_person_set_status(struct ledger *l, const char *employee_id,
                             const char *status, int64_t now)
{
	const char *texts[] = {employee_id, status};
	const int64_t ints[] = {now};

	return exec_bound(l,
	                  "UPDATE persons SET status = ?2, updated_at = ?3"
	                  " WHERE employee_id = ?1",
	                  texts, 2, ints, 1, "cannot store a person's status",
	                  NULL);
}
