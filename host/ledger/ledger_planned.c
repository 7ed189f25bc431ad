/* A dry run's planned accounts: what the ledger copy of a dry run believes
 * an account is after the events planned so far (see ledger.h, "planned
 * accounts"). The table is TEMP in the in-memory copy only; a real
 * ledger never has it. */
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_internal.h"

int ledger_planned_init(struct ledger *l)
{
	static const char sql[] =
	        "CREATE TEMP TABLE IF NOT EXISTS planned ("
	        "  connection TEXT NOT NULL,"
	        "  employee_id TEXT NOT NULL,"
	        "  account_id TEXT NOT NULL,"
	        "  record TEXT,"
	        "  active INTEGER NOT NULL,"
	        "  present INTEGER NOT NULL,"
	        "  PRIMARY KEY (connection, employee_id)) WITHOUT ROWID";
	int rc = 0;

	pthread_mutex_lock(&l->lock);
	if (sqlite3_exec(l->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		rc = ledger_fail(l, "cannot prepare the dry run's plan");
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_planned_get(struct ledger *l, const char *connection,
                       const char *employee_id, struct ledger_planned *out)
{
	static const char sql[] =
	        "SELECT account_id, record, active, present FROM temp.planned"
	        " WHERE connection = ?1 AND employee_id = ?2";
	sqlite3_stmt *st = NULL;
	const char *rec;
	int rc = -1, step;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&l->lock);
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK) {
		ledger_fail(l, "cannot read the dry run's plan");
		goto out;
	}
	ledger_bind_text(st, 1, connection);
	ledger_bind_text(st, 2, employee_id);
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = 1;
		goto out;
	}
	if (step != SQLITE_ROW) {
		ledger_fail(l, "cannot read the dry run's plan");
		goto out;
	}
	ledger_column_copy(st, 0, out->account_id, sizeof(out->account_id));
	rec = (const char *)sqlite3_column_text(st, 1);
	if (rec && !(out->record = strdup(rec))) {
		ledger_failf("out of memory");
		goto out;
	}
	out->active = sqlite3_column_int(st, 2) != 0;
	out->present = sqlite3_column_int(st, 3) != 0;
	rc = 0;
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_planned_set(struct ledger *l, const char *connection,
                       const char *employee_id, const struct ledger_planned *p)
{
	static const char sql[] =
	        "INSERT OR REPLACE INTO temp.planned (connection, employee_id,"
	        " account_id, record, active, present)"
	        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	sqlite3_stmt *st = NULL;
	int rc = -1;

	pthread_mutex_lock(&l->lock);
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK) {
		ledger_fail(l, "cannot record the dry run's plan");
		goto out;
	}
	ledger_bind_text(st, 1, connection);
	ledger_bind_text(st, 2, employee_id);
	ledger_bind_text(st, 3, p->account_id);
	ledger_bind_text(st, 4, p->record);
	sqlite3_bind_int(st, 5, p->active);
	sqlite3_bind_int(st, 6, p->present);
	rc = ledger_step_done(l, st, "cannot record the dry run's plan");
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&l->lock);
	return rc;
}

void ledger_planned_release(struct ledger_planned *p)
{
	free(p->record);
	p->record = NULL;
}
