/* Decisions per target (targets.decision, schema 5) and the record a
 * person had before an event (for what the event changed). */
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_internal.h"

int ledger_target_decision_store(struct ledger *l, const char *event_id,
                                 const char *connection, const char *decision)
{
	sqlite3_stmt *st;
	int rc = -1;

	pthread_mutex_lock(&l->lock);
	st = ledger_stmt(l, LS_TARGET_DECISION);
	if (!st)
		goto out;
	ledger_bind_text(st, 1, event_id);
	ledger_bind_text(st, 2, connection);
	ledger_bind_text(st, 3, decision);
	rc = ledger_step_done(l, st, "cannot record a decision");
	if (!rc && sqlite3_changes(l->db) != 1)
		rc = 1;
out:
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_record_before(struct ledger *l, const char *employee_id, int64_t seq,
                         char **record)
{
	sqlite3_stmt *st;
	const char *text;
	int rc = -1, step;

	*record = NULL;
	pthread_mutex_lock(&l->lock);
	st = ledger_stmt(l, LS_RECORD_BEFORE);
	if (!st)
		goto out;
	ledger_bind_text(st, 1, employee_id);
	sqlite3_bind_int64(st, 2, seq);
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = 1;
		goto out_reset;
	}
	if (step != SQLITE_ROW) {
		ledger_fail(l, "cannot read a person's earlier record");
		goto out_reset;
	}
	text = (const char *)sqlite3_column_text(st, 0);
	*record = strdup(text ? text : "");
	if (!*record) {
		ledger_failf("out of memory");
		goto out_reset;
	}
	rc = 0;
out_reset:
	sqlite3_reset(st);
out:
	pthread_mutex_unlock(&l->lock);
	return rc;
}
