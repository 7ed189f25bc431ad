/* Reading back the summaries of earlier runs (runs.summary), e.g. what a
 * connection learned about its target's rate limit. */
#include "ledger/ledger_internal.h"

int ledger_run_summaries(struct ledger *l, int64_t before_run_id, int max,
                         int (*fn)(const char *summary, void *ctx), void *ctx)
{
	static const char sql[] =
	        "SELECT summary FROM runs WHERE id < ?1 AND dry_run = 0 AND "
	        "finished_at IS NOT NULL AND summary IS NOT NULL "
	        "ORDER BY id DESC LIMIT ?2";
	sqlite3_stmt *st = NULL;
	int rc = -1, step;

	pthread_mutex_lock(&l->lock);
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK) {
		ledger_fail(l, "cannot read earlier runs");
		goto out;
	}
	sqlite3_bind_int64(st, 1, before_run_id);
	sqlite3_bind_int(st, 2, max);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if (fn((const char *)sqlite3_column_text(st, 0), ctx))
			break;
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		ledger_fail(l, "cannot read earlier runs");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&l->lock);
	return rc;
}
