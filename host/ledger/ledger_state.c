/* Ledger: the last written state of each link (ledger.h, issue 16). */
#include "ledger/ledger_internal.h"

#include <stdlib.h>
#include <string.h>

int ledger_state_get(struct ledger *l, const char *connection,
                     const char *employee_id, struct ledger_last_state *out)
{
	sqlite3_stmt *st;
	const unsigned char *rec;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&l->lock);
	st = ledger_stmt(l, LS_STATE_GET);
	if (!st)
		goto out_unlock;
	ledger_bind_text(st, 1, connection);
	ledger_bind_text(st, 2, employee_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ledger_column_copy(st, 0, out->account_id,
		                   sizeof(out->account_id));
		ledger_column_copy(st, 1, out->hash, sizeof(out->hash));
		ledger_column_copy(st, 3, out->etag, sizeof(out->etag));
		rec = sqlite3_column_text(st, 2);
		out->record = strdup(rec ? (const char *)rec : "");
		rc = out->record ? 0 : ledger_failf("out of memory");
	} else if (rc == SQLITE_DONE) {
		rc = 1;
	} else {
		rc = ledger_fail(l, "cannot read a link's last state");
	}
	sqlite3_reset(st);
out_unlock:
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_state_put(struct ledger *l, const char *connection,
                     const char *employee_id, const char *account_id,
                     const char *hash, const char *record, const char *etag,
                     int64_t now)
{
	sqlite3_stmt *st;
	int rc = -1;

	pthread_mutex_lock(&l->lock);
	st = ledger_stmt(l, LS_STATE_PUT);
	if (st) {
		ledger_bind_text(st, 1, connection);
		ledger_bind_text(st, 2, employee_id);
		ledger_bind_text(st, 3, account_id);
		ledger_bind_text(st, 4, hash);
		ledger_bind_text(st, 5, record);
		ledger_bind_text(st, 6, etag && etag[0] ? etag : NULL);
		sqlite3_bind_int64(st, 7, now);
		rc = ledger_step_done(l, st,
		                      "cannot store a link's last state");
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_state_clear(struct ledger *l, const char *connection,
                       const char *employee_id)
{
	sqlite3_stmt *st;
	int rc = -1;

	pthread_mutex_lock(&l->lock);
	st = ledger_stmt(l, LS_STATE_CLEAR);
	if (st) {
		ledger_bind_text(st, 1, connection);
		ledger_bind_text(st, 2, employee_id);
		rc = ledger_step_done(l, st,
		                      "cannot forget a link's last state");
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}
