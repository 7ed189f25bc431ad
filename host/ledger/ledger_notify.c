/* The notifications that repeat daily while due: when each was last
 * delivered (table notify_sent, schema 5). */
#include "ledger/ledger_internal.h"

int ledger_notify_last_day(struct ledger *l, const char *event, const char *key,
                           int64_t *day)
{
	sqlite3_stmt *st = NULL;
	int rc = -1, step;

	pthread_mutex_lock(&l->lock);
	if (sqlite3_prepare_v2(l->db,
	                       "SELECT day FROM notify_sent WHERE event = ?1 "
	                       "AND key = ?2",
	                       -1, &st, NULL))
		goto out;
	ledger_bind_text(st, 1, event);
	ledger_bind_text(st, 2, key);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*day = sqlite3_column_int64(st, 0);
		rc = 0;
	} else if (step == SQLITE_DONE) {
		rc = 1;
	}
out:
	sqlite3_finalize(st);
	if (rc < 0)
		ledger_fail(l, "cannot read the notifications sent");
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_notify_mark(struct ledger *l, const char *event, const char *key,
                       int64_t day, int64_t now)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	pthread_mutex_lock(&l->lock);
	if (sqlite3_prepare_v2(l->db,
	                       "INSERT INTO notify_sent (event, key, day, "
	                       "sent_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT "
	                       "(event, key) DO UPDATE SET day = excluded.day, "
	                       "sent_at = excluded.sent_at",
	                       -1, &st, NULL))
		goto out;
	ledger_bind_text(st, 1, event);
	ledger_bind_text(st, 2, key);
	sqlite3_bind_int64(st, 3, day);
	sqlite3_bind_int64(st, 4, now);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
out:
	sqlite3_finalize(st);
	if (rc < 0)
		ledger_fail(l, "cannot record a notification sent");
	pthread_mutex_unlock(&l->lock);
	return rc;
}
