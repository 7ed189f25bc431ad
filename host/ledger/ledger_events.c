/* Ledger: events, their per-connection targets, attempts, rejected lines and
 * the outstanding-work walk. */
#include "ledger/ledger_internal.h"
#include "util/sha256.h"
#include "util/text_escape.h"

#include <stdlib.h>
#include <string.h>

#define REJECT_RAW_MAX  65536
#define WALK_CHUNK_ROWS 256

static int state_of_text(const unsigned char *text, enum ledger_state *out)
{
	if (!text || ledger_state_from_name((const char *)text, out))
		return ledger_failf("the ledger holds an unknown target state "
		                    "\"%s\"",
		                    text ? (const char *)text : "(null)");
	return 0;
}

/* Binds a reason or error with its control and bidi characters escaped
 * (text_escape.h), so that what status and history print is safe. */
static int bind_escaped(sqlite3_stmt *st, int idx, const char *text)
{
	char *esc = text_escape_dup(text);
	int rc;

	if (text && !esc)
		return ledger_bind_text(st, idx, "(out of memory)");
	rc = ledger_bind_text(st, idx, esc);
	free(esc);
	return rc;
}

/* reason: the held reason (stored as last_error), NULL for other states */
static int insert_target(struct ledger *l, int64_t seq, const char *conn,
                         enum ledger_state state, const char *reason,
                         int64_t now)
{
	sqlite3_stmt *st = ledger_stmt(l, LS_TARGET_INSERT);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	ledger_bind_text(st, 2, conn);
	ledger_bind_text(st, 3, ledger_state_name(state));
	sqlite3_bind_int64(st, 4, now);
	bind_escaped(st, 5, reason);
	return ledger_step_done(l, st, "cannot store an event target");
}

/* For an event already stored: each connection's state, promoting due
 * not-yet-effective targets and creating missing ones (with state fresh) —
 * unless the new line conflicts with the stored event (create false): then a
 * missing target is reported as rejected and nothing is created. */
static int existing_targets(struct ledger *l, int64_t seq, bool due,
                            enum ledger_state fresh, const char *reason,
                            bool create, const char *const *conns, size_t n,
                            int64_t now, enum ledger_state *states)
{
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *st = ledger_stmt(l, LS_TARGET_STATE);
		int rc;

		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, seq);
		ledger_bind_text(st, 2, conns[i]);
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE) {
			sqlite3_reset(st);
			states[i] = LEDGER_REJECTED;
			if (!create)
				continue;
			if (insert_target(l, seq, conns[i], fresh, reason, now))
				return -1;
			states[i] = fresh;
			continue;
		}
		if (rc != SQLITE_ROW)
			return ledger_fail(l, "cannot read an event target");
		rc = state_of_text(sqlite3_column_text(st, 0), &states[i]);
		sqlite3_reset(st);
		if (rc)
			return -1;
		if (states[i] != LEDGER_NOT_YET_EFFECTIVE || !due)
			continue;
		st = ledger_stmt(l, LS_TARGET_PROMOTE_ONE);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, seq);
		ledger_bind_text(st, 2, conns[i]);
		sqlite3_bind_int64(st, 3, now);
		if (ledger_step_done(l, st, "cannot update an event target"))
			return -1;
		states[i] = LEDGER_PENDING;
	}
	return 0;
}

static int insert_event(struct ledger *l, const struct event *ev,
                        const char *source, int64_t line_no, int64_t run_id,
                        int64_t now, bool *inserted)
{
	sqlite3_stmt *st = ledger_stmt(l, LS_EVENT_INSERT);

	if (!st)
		return -1;
	ledger_bind_text(st, 1, ev->id);
	ledger_bind_text(st, 2, ev->employee_id);
	ledger_bind_text(st, 3, event_kind_name(ev->kind));
	if (ev->has_effective)
		sqlite3_bind_int64(st, 4, ev->effective);
	ledger_bind_text(st, 5, ev->raw);
	ledger_bind_text(st, 6, source);
	sqlite3_bind_int64(st, 7, line_no);
	if (run_id > 0)
		sqlite3_bind_int64(st, 8, run_id);
	sqlite3_bind_int64(st, 9, now);
	if (ledger_step_done(l, st, "cannot store an event"))
		return -1;
	*inserted = sqlite3_changes(l->db) == 1;
	return 0;
}

/* The body of ledger_event_accept (held_reason NULL) and ledger_event_hold,
 * inside the transaction. */
static int accept_locked(struct ledger *l, const struct event *ev,
                         const char *source, int64_t line_no, int64_t run_id,
                         const char *const *conns, size_t n,
                         const char *held_reason, int64_t now,
                         enum ledger_state *states,
                         enum ledger_accept_result *result, int64_t *seq_out)
{
	bool due = !ev->has_effective || ev->effective <= now;
	enum ledger_state fresh = held_reason ? LEDGER_HELD
	                          : due       ? LEDGER_PENDING
	                                      : LEDGER_NOT_YET_EFFECTIVE;
	bool inserted, same;
	sqlite3_stmt *st;
	int64_t seq;

	if (insert_event(l, ev, source, line_no, run_id, now, &inserted))
		return -1;
	if (inserted) {
		seq = sqlite3_last_insert_rowid(l->db);
		if (!held_reason && ledger_person_merge_event(l, ev, seq, now))
			return -1;
		for (size_t i = 0; i < n; i++) {
			if (insert_target(l, seq, conns[i], fresh, held_reason,
			                  now))
				return -1;
			states[i] = fresh;
		}
		*result = LEDGER_ACCEPT_NEW;
		goto out_seq;
	}
	st = ledger_stmt(l, LS_EVENT_FIND);
	if (!st)
		return -1;
	ledger_bind_text(st, 1, ev->id);
	if (sqlite3_step(st) != SQLITE_ROW)
		return ledger_fail(l, "cannot read a stored event");
	seq = sqlite3_column_int64(st, 0);
	same = !strcmp((const char *)sqlite3_column_text(st, 1), ev->raw);
	/* the stored event decides when it is due */
	if (sqlite3_column_type(st, 2) == SQLITE_NULL)
		due = true;
	else
		due = sqlite3_column_int64(st, 2) <= now;
	sqlite3_reset(st);
	fresh = held_reason ? LEDGER_HELD
	        : due       ? LEDGER_PENDING
	                    : LEDGER_NOT_YET_EFFECTIVE;
	if (existing_targets(l, seq, due, fresh, held_reason, same, conns, n,
	                     now, states))
		return -1;
	*result = same ? LEDGER_ACCEPT_SEEN : LEDGER_ACCEPT_CONFLICT;
out_seq:
	if (seq_out)
		*seq_out = seq;
	return 0;
}

static int accept_tx(struct ledger *l, const struct event *ev,
                     const char *source, int64_t line_no, int64_t run_id,
                     const char *const *connections, size_t n,
                     const char *held_reason, int64_t now,
                     enum ledger_state *states,
                     enum ledger_accept_result *result, int64_t *seq)
{
	bool outer;
	int rc;

	pthread_mutex_lock(&l->lock);
	rc = ledger_begin(l, &outer);
	if (!rc) {
		rc = accept_locked(l, ev, source, line_no, run_id, connections,
		                   n, held_reason, now, states, result, seq);
		if (rc)
			ledger_rollback(l, outer);
		else
			rc = ledger_commit(l, outer);
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_event_accept(struct ledger *l, const struct event *ev,
                        const char *source, int64_t line_no, int64_t run_id,
                        const char *const *connections, size_t n, int64_t now,
                        enum ledger_state *states,
                        enum ledger_accept_result *result, int64_t *seq)
{
	return accept_tx(l, ev, source, line_no, run_id, connections, n, NULL,
	                 now, states, result, seq);
}

int ledger_event_hold(struct ledger *l, const struct event *ev,
                      const char *source, int64_t line_no, int64_t run_id,
                      const char *const *connections, size_t n,
                      const char *reason, int64_t now,
                      enum ledger_state *states,
                      enum ledger_accept_result *result)
{
	return accept_tx(l, ev, source, line_no, run_id, connections, n,
	                 reason ? reason : "held for review", now, states,
	                 result, NULL);
}

/* The first n bits (n <= 32) of SHA-256(data), or -1 when hashing fails. */
static int64_t hash_bits(const void *data, size_t len, int n)
{
	unsigned char d[32];
	struct sha256 h;

	if (sha256_init(&h) || sha256_update(&h, data, len) ||
	    sha256_final(&h, d))
		return -1;
	return (int64_t)((uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 |
	                 (uint32_t)d[2] << 8 | d[3]) >>
	       (32 - n);
}

/* The row id of a rejected line, so the same line of the same input is
 * stored once: the id is the table's primary key (no index, no schema
 * change) and a new file at the same path with other bytes on a line gets
 * its own row. Layout, plus one (1 .. 2^62, never near the rowid maximum):
 *   12 bits of SHA-256(source) | line number mod 2^22 | 28 bits of
 *   SHA-256(all the raw bytes).
 * Source and line first keep one input's rows together in line order, so a
 * batch of rejected lines writes a few neighbouring pages, not one random
 * page per row (measured: 5x slower ingest of a garbage file with a fully
 * random id). Two different lines at the same place share an id with
 * probability 2^-28. 0 when hashing fails (then SQLite picks an id). */
static int64_t reject_id(const char *source, int64_t line_no, const char *raw,
                         size_t raw_len)
{
	int64_t src, body;

	if (!source)
		source = "";
	src = hash_bits(source, strlen(source), 12);
	body = hash_bits(raw ? raw : "", raw ? raw_len : 0, 28);
	if (src < 0 || body < 0 || line_no < 0)
		return 0;
	return (src << 50 | (line_no & ((1 << 22) - 1)) << 28 | body) + 1;
}

int ledger_reject(struct ledger *l, int64_t run_id, const char *source,
                  int64_t line_no, const char *raw, size_t raw_len,
                  const char *reason, int64_t now)
{
	int64_t id = reject_id(source, line_no, raw, raw_len);
	sqlite3_stmt *st;
	int rc = -1;

	if (raw_len > REJECT_RAW_MAX)
		raw_len = REJECT_RAW_MAX;
	pthread_mutex_lock(&l->lock);
	st = ledger_stmt(l, LS_REJECT_INSERT);
	if (st) {
		if (id > 0)
			sqlite3_bind_int64(st, 7, id);
		if (run_id > 0)
			sqlite3_bind_int64(st, 1, run_id);
		ledger_bind_text(st, 2, source);
		sqlite3_bind_int64(st, 3, line_no);
		sqlite3_bind_blob(st, 4, raw ? raw : "", (int)raw_len,
		                  SQLITE_TRANSIENT);
		bind_escaped(st, 5, reason);
		sqlite3_bind_int64(st, 6, now);
		rc = ledger_step_done(l, st, "cannot store a rejected line");
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_target_get(struct ledger *l, const char *event_id,
                      const char *connection, struct ledger_target *out)
{
	sqlite3_stmt *st;
	int rc = -1;

	pthread_mutex_lock(&l->lock);
	st = ledger_stmt(l, LS_TARGET_GET);
	if (!st)
		goto out_unlock;
	ledger_bind_text(st, 1, event_id);
	ledger_bind_text(st, 2, connection);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		rc = 1;
	} else if (rc != SQLITE_ROW) {
		rc = ledger_fail(l, "cannot read an event target");
	} else {
		memset(out, 0, sizeof(*out));
		rc = state_of_text(sqlite3_column_text(st, 0), &out->state);
		out->attempts = sqlite3_column_int(st, 1);
		out->http_status = sqlite3_column_int(st, 2);
		out->updated_at = sqlite3_column_int64(st, 3);
		ledger_column_copy(st, 4, out->outcome, sizeof(out->outcome));
		ledger_column_copy(st, 5, out->account_id,
		                   sizeof(out->account_id));
		ledger_column_copy(st, 6, out->last_error,
		                   sizeof(out->last_error));
	}
	sqlite3_reset(st);
out_unlock:
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_target_finish(struct ledger *l, const char *event_id,
                         const char *connection, enum ledger_state state,
                         const char *outcome, const char *account_id,
                         int http_status, const char *error, int64_t now)
{
	sqlite3_stmt *st;
	int rc = -1;

	pthread_mutex_lock(&l->lock);
	st = ledger_stmt(l, LS_TARGET_FINISH);
	if (st) {
		ledger_bind_text(st, 1, event_id);
		ledger_bind_text(st, 2, connection);
		ledger_bind_text(st, 3, ledger_state_name(state));
		ledger_bind_text(st, 4, outcome);
		ledger_bind_text(st, 5, account_id);
		if (http_status)
			sqlite3_bind_int(st, 6, http_status);
		bind_escaped(st, 7, error);
		sqlite3_bind_int64(st, 8, now);
		rc = ledger_step_done(l, st, "cannot store an event outcome");
		if (!rc && sqlite3_changes(l->db) != 1)
			rc = 1;
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_attempt_record(struct ledger *l, const char *event_id,
                          const char *connection, int64_t at,
                          const char *status, int http_status,
                          int64_t duration_ms, const char *error)
{
	sqlite3_stmt *st;
	bool outer;
	int rc;

	pthread_mutex_lock(&l->lock);
	rc = ledger_begin(l, &outer);
	if (rc)
		goto out_unlock;
	st = ledger_stmt(l, LS_TARGET_ATTEMPT);
	if (!st)
		goto out_rollback;
	ledger_bind_text(st, 1, event_id);
	ledger_bind_text(st, 2, connection);
	sqlite3_bind_int64(st, 3, at);
	if (ledger_step_done(l, st, "cannot count an attempt"))
		goto out_rollback;
	if (sqlite3_changes(l->db) != 1) {
		ledger_rollback(l, outer);
		rc = 1;
		goto out_unlock;
	}
	st = ledger_stmt(l, LS_ATTEMPT_INSERT);
	if (!st)
		goto out_rollback;
	ledger_bind_text(st, 1, event_id);
	ledger_bind_text(st, 2, connection);
	sqlite3_bind_int64(st, 3, at);
	ledger_bind_text(st, 4, status);
	if (http_status)
		sqlite3_bind_int(st, 5, http_status);
	sqlite3_bind_int64(st, 6, duration_ms);
	bind_escaped(st, 7, error);
	if (ledger_step_done(l, st, "cannot store an attempt"))
		goto out_rollback;
	rc = ledger_commit(l, outer);
	goto out_unlock;

out_rollback:
	ledger_rollback(l, outer);
	rc = -1;
out_unlock:
	pthread_mutex_unlock(&l->lock);
	return rc;
}

/* A row of the outstanding walk, copied out of SQLite. */
struct work_row {
	struct ledger_work w;
	char *strings; /* event_id, employee_id, raw, record: one allocation */
};

static void free_rows(struct work_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i].strings);
	free(rows);
}

static int copy_row(sqlite3_stmt *st, struct work_row *r)
{
	const char *id = (const char *)sqlite3_column_text(st, 1);
	const char *emp = (const char *)sqlite3_column_text(st, 2);
	const char *kind = (const char *)sqlite3_column_text(st, 3);
	const char *raw = (const char *)sqlite3_column_text(st, 5);
	const char *rec = (const char *)sqlite3_column_text(st, 10);
	size_t a, b, c, d;

	if (!id || !emp || !kind || !raw)
		return ledger_failf("the ledger holds an incomplete event");
	a = strlen(id) + 1, b = strlen(emp) + 1, c = strlen(raw) + 1;
	d = rec ? strlen(rec) + 1 : 0;
	memset(r, 0, sizeof(*r));
	r->strings = malloc(a + b + c + d);
	if (!r->strings)
		return ledger_failf("out of memory");
	memcpy(r->strings, id, a);
	memcpy(r->strings + a, emp, b);
	memcpy(r->strings + a + b, raw, c);
	if (rec)
		memcpy(r->strings + a + b + c, rec, d);
	r->w.seq = sqlite3_column_int64(st, 0);
	r->w.event_id = r->strings;
	r->w.employee_id = r->strings + a;
	r->w.raw = r->strings + a + b;
	r->w.record = rec ? r->strings + a + b + c : NULL;
	if (event_kind_from_name(kind, &r->w.kind))
		return ledger_failf("the ledger holds an unknown event kind "
		                    "\"%s\"",
		                    kind);
	r->w.has_effective = sqlite3_column_type(st, 4) != SQLITE_NULL;
	r->w.effective = sqlite3_column_int64(st, 4);
	r->w.attempts = sqlite3_column_int(st, 7);
	r->w.run_id = sqlite3_column_int64(st, 8);
	r->w.line_no = sqlite3_column_int64(st, 9);
	return state_of_text(sqlite3_column_text(st, 6), &r->w.state);
}

/* Reads up to WALK_CHUNK_ROWS outstanding rows after seq into *rows. */
static int read_chunk(struct ledger *l, const char *conn, int64_t after,
                      struct work_row **rows, size_t *n)
{
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	*rows = calloc(WALK_CHUNK_ROWS, sizeof(**rows));
	if (!*rows)
		return ledger_failf("out of memory");
	pthread_mutex_lock(&l->lock);
	st = ledger_stmt(l, LS_OUTSTANDING);
	rc = st ? 0 : -1;
	if (st) {
		ledger_bind_text(st, 1, conn);
		sqlite3_bind_int64(st, 2, after);
		sqlite3_bind_int(st, 3, WALK_CHUNK_ROWS);
	}
	while (!rc && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = copy_row(st, &(*rows)[*n]);
		(*n)++;
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = ledger_fail(l, "cannot read outstanding work");
	if (st)
		sqlite3_reset(st);
	pthread_mutex_unlock(&l->lock);
	return rc;
}

static int promote_due(struct ledger *l, const char *conn, int64_t now)
{
	sqlite3_stmt *st;
	int rc = -1;

	pthread_mutex_lock(&l->lock);
	st = ledger_stmt(l, LS_PROMOTE_DUE);
	if (st) {
		ledger_bind_text(st, 1, conn);
		sqlite3_bind_int64(st, 2, now);
		rc = ledger_step_done(l, st, "cannot update due events");
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_outstanding(struct ledger *l, const char *connection, int64_t now,
                       ledger_work_fn fn, void *ctx)
{
	struct work_row *rows;
	int64_t after = 0;
	size_t n;
	int rc;

	if (promote_due(l, connection, now))
		return -1;
	do {
		rc = read_chunk(l, connection, after, &rows, &n);
		for (size_t i = 0; !rc && i < n; i++) {
			rc = fn(&rows[i].w, ctx);
			after = rows[i].w.seq;
		}
		free_rows(rows, n);
	} while (!rc && n == WALK_CHUNK_ROWS);
	return rc;
}
