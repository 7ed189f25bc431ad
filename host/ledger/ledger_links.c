/* Ledger: employee -> account links and runs. */
#include "ledger/ledger_internal.h"

#include <string.h>

int ledger_link_get(struct ledger *l, const char *connection,
                    const char *employee_id, struct ledger_link *out)
{
	sqlite3_stmt *st;
	int rc = -1;

	pthread_mutex_lock(&l->lock);
	st = ledger_stmt(l, LS_LINK_GET);
	if (!st)
		goto out_unlock;
	ledger_bind_text(st, 1, connection);
	ledger_bind_text(st, 2, employee_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		ledger_column_copy(st, 0, out->account_id,
		                   sizeof(out->account_id));
		ledger_column_copy(st, 1, out->user_name,
		                   sizeof(out->user_name));
		out->active = sqlite3_column_int(st, 2) != 0;
		out->updated_at = sqlite3_column_int64(st, 3);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = 1;
	} else {
		rc = ledger_fail(l, "cannot read a link");
	}
	sqlite3_reset(st);
out_unlock:
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_link_set(struct ledger *l, const char *connection,
                    const char *employee_id, const char *account_id,
                    const char *user_name, bool active, int64_t now)
{
	sqlite3_stmt *st;
	int rc = -1;

	pthread_mutex_lock(&l->lock);
	st = ledger_stmt(l, LS_LINK_SET);
	if (st) {
		ledger_bind_text(st, 1, connection);
		ledger_bind_text(st, 2, employee_id);
		ledger_bind_text(st, 3, account_id);
		ledger_bind_text(st, 4, user_name);
		sqlite3_bind_int(st, 5, active);
		sqlite3_bind_int64(st, 6, now);
		rc = ledger_step_done(l, st, "cannot store a link");
		if (rc && sqlite3_extended_errcode(l->db) ==
		                  SQLITE_CONSTRAINT_UNIQUE) {
			ledger_failf("account %s is linked to another employee "
			             "on connection \"%s\"",
			             account_id, connection);
			rc = LEDGER_LINK_TAKEN;
		}
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_run_begin(struct ledger *l, const char *source, bool dry_run,
                     int64_t now, int64_t *run_id)
{
	sqlite3_stmt *st;
	int rc = -1;

	pthread_mutex_lock(&l->lock);
	st = ledger_stmt(l, LS_RUN_INSERT);
	if (st) {
		sqlite3_bind_int64(st, 1, now);
		ledger_bind_text(st, 2, source);
		sqlite3_bind_int(st, 3, dry_run);
		rc = ledger_step_done(l, st, "cannot record the run");
		if (!rc)
			*run_id = sqlite3_last_insert_rowid(l->db);
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_run_finish(struct ledger *l, int64_t run_id, int exit_code,
                      const char *summary_json, int64_t now)
{
	sqlite3_stmt *st;
	int rc = -1;

	pthread_mutex_lock(&l->lock);
	st = ledger_stmt(l, LS_RUN_FINISH);
	if (st) {
		sqlite3_bind_int64(st, 1, run_id);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_bind_int(st, 3, exit_code);
		ledger_bind_text(st, 4, summary_json);
		rc = ledger_step_done(l, st,
		                      "cannot record the end of the run");
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_run_set_input(struct ledger *l, int64_t run_id,
                         const char *input_sha256)
{
	sqlite3_stmt *st;
	int rc = -1;

	pthread_mutex_lock(&l->lock);
	st = ledger_stmt(l, LS_RUN_INPUT);
	if (st) {
		sqlite3_bind_int64(st, 1, run_id);
		ledger_bind_text(st, 2, input_sha256);
		rc = ledger_step_done(l, st,
		                      "cannot record the input of the run");
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_last_run(struct ledger *l, struct ledger_run *out)
{
	sqlite3_stmt *st;
	int rc = -1;

	pthread_mutex_lock(&l->lock);
	st = ledger_stmt(l, LS_RUN_LAST);
	if (!st)
		goto out_unlock;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		out->id = sqlite3_column_int64(st, 0);
		out->started_at = sqlite3_column_int64(st, 1);
		out->finished_at = sqlite3_column_int64(st, 2);
		out->dry_run = sqlite3_column_int(st, 3) != 0;
		out->exit_code = sqlite3_column_int(st, 4);
		ledger_column_copy(st, 5, out->source, sizeof(out->source));
		ledger_column_copy(st, 6, out->summary, sizeof(out->summary));
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = 1;
	} else {
		rc = ledger_fail(l, "cannot read the last run");
	}
	sqlite3_reset(st);
out_unlock:
	pthread_mutex_unlock(&l->lock);
	return rc;
}
