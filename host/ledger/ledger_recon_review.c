/* Reconcile repairs held by supervised mode, their approval in provhost
 * review, and the last reconcile run per connection for provhost status
 * (ledger_reconcile.h). Statements are prepared per call: review and
 * status are interactive, a reconcile asks once per held repair. */
#include "ledger/ledger_internal.h"
#include "ledger/ledger_reconcile.h"

#include <stdlib.h>
#include <string.h>

/* The latest finished, unfailed reconcile --repair of the finding's
 * connection: its waiting repairs are the ones provhost review shows (a
 * newer repair run asks again for what is still to be done). */
#define LATEST_REPAIR_RUN                                                      \
	"r.id = (SELECT max(r2.id) FROM reconcile_runs r2 WHERE"               \
	" r2.connection = r.connection AND r2.repair AND r2.finished_at IS"    \
	" NOT NULL AND r2.error IS NULL)"

static const char held_sql[] =
        "SELECT f.run_id, f.n, r.started_at, r.connection, f.class,"
        " f.account_id, f.user_name, f.employee_id, f.repair,"
        " f.repair_detail FROM reconcile_findings f JOIN reconcile_runs r"
        " ON r.id = f.run_id WHERE f.repair = 'supervised' "
        "AND " LATEST_REPAIR_RUN " AND (?1 IS NULL OR r.connection = ?1)"
        " ORDER BY r.connection, f.run_id, f.n";

static void held_row(sqlite3_stmt *st, void *row)
{
	struct ledger_recon_held *h = row;

	h->run_id = sqlite3_column_int64(st, 0);
	h->n = sqlite3_column_int64(st, 1);
	h->at = sqlite3_column_int64(st, 2);
	ledger_column_copy(st, 3, h->connection, sizeof(h->connection));
	ledger_column_copy(st, 4, h->cls, sizeof(h->cls));
	ledger_column_copy(st, 5, h->account_id, sizeof(h->account_id));
	ledger_column_copy(st, 6, h->user_name, sizeof(h->user_name));
	ledger_column_copy(st, 7, h->employee_id, sizeof(h->employee_id));
	ledger_column_copy(st, 8, h->repair, sizeof(h->repair));
	ledger_column_copy(st, 9, h->reason, sizeof(h->reason));
}

int ledger_recon_held_list(struct ledger *l, const char *connection,
                           struct ledger_recon_held **rows, size_t *n)
{
	return ledger_list_rows(
	        l, held_sql, connection, 0, sizeof(**rows), held_row,
	        "reconcile repairs waiting for review", (void **)rows, n);
}

int ledger_recon_held_decide(struct ledger *l, int64_t run_id, int64_t n,
                             const char *connection, bool approve,
                             const char *text)
{
	const char *what = "cannot record the decision on a reconcile repair";
	int rc;

	pthread_mutex_lock(&l->lock);
	rc = ledger_exec_bind(
	        l, what,
	        "UPDATE reconcile_findings SET repair = ?1, repair_detail = ?2"
	        " WHERE run_id = ?3 AND n = ?4 AND repair = 'supervised' AND"
	        " run_id IN (SELECT r.id FROM reconcile_runs r WHERE"
	        " r.connection = ?5 AND " LATEST_REPAIR_RUN ")",
	        "ttiit", approve ? "approved" : "discarded", text, run_id, n,
	        connection);
	if (rc == 0 && sqlite3_changes(l->db) == 0)
		rc = 1;
	pthread_mutex_unlock(&l->lock);
	return rc;
}

/* The latest finding on connection with repair decision for class cls,
 * account_id and employee_id; only in the latest finished repair run when
 * latest_only. 0 with *run_id, *n; 1 none; -1. */
static int decided(struct ledger *l, const char *connection,
                   const char *decision, bool latest_only, const char *cls,
                   const char *account_id, const char *employee_id,
                   int64_t *run_id, int64_t *n)
{
	const char *what = "cannot read decided reconcile repairs";
	sqlite3_stmt *st;
	int rc;

	pthread_mutex_lock(&l->lock);
	st = ledger_prepare_bind(
	        l, what,
	        "SELECT f.run_id, f.n FROM reconcile_findings f JOIN"
	        " reconcile_runs r ON r.id = f.run_id WHERE r.connection = ?1"
	        " AND f.repair = ?5 AND f.class = ?2 AND"
	        " coalesce(f.account_id, '') = ?3 AND"
	        " coalesce(f.employee_id, '') = ?4 AND (NOT ?6 "
	        "OR " LATEST_REPAIR_RUN
	        ") ORDER BY f.run_id DESC, f.n DESC LIMIT 1",
	        "ttttti", connection, cls, account_id ? account_id : "",
	        employee_id ? employee_id : "", decision, (int64_t)latest_only);
	if (!st) {
		rc = -1;
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*run_id = sqlite3_column_int64(st, 0);
		*n = sqlite3_column_int64(st, 1);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? 1 : ledger_fail(l, what);
	}
	sqlite3_finalize(st);
out:
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_recon_approved(struct ledger *l, const char *connection,
                          const char *cls, const char *account_id,
                          const char *employee_id, int64_t *run_id, int64_t *n)
{
	return decided(l, connection, "approved", true, cls, account_id,
	               employee_id, run_id, n);
}

int ledger_recon_discarded(struct ledger *l, const char *connection,
                           const char *cls, const char *account_id,
                           const char *employee_id, int64_t *run_id, int64_t *n)
{
	return decided(l, connection, "discarded", false, cls, account_id,
	               employee_id, run_id, n);
}

int ledger_recon_applied(struct ledger *l, int64_t run_id, int64_t n,
                         const char *detail)
{
	int rc;

	pthread_mutex_lock(&l->lock);
	rc = ledger_exec_bind(l, "cannot record an applied reconcile repair",
	                      "UPDATE reconcile_findings SET repair ="
	                      " 'applied', repair_detail = ?1 WHERE run_id ="
	                      " ?2 AND n = ?3 AND repair = 'approved'",
	                      "tii", detail, run_id, n);
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_recon_last(struct ledger *l, const char *connection,
                      struct ledger_recon_last *out)
{
	const char *what = "cannot read the last reconcile run";
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	out->exit_code = -1;
	pthread_mutex_lock(&l->lock);
	st = ledger_prepare_bind(
	        l, what,
	        "SELECT id, started_at, finished_at, repair, accounts,"
	        " exit_code, counts, error FROM reconcile_runs WHERE"
	        " connection = ?1 AND finished_at IS NOT NULL"
	        " ORDER BY id DESC LIMIT 1",
	        "t", connection);
	if (!st) {
		rc = -1;
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->started_at = sqlite3_column_int64(st, 1);
		out->finished_at = sqlite3_column_int64(st, 2);
		out->repair = sqlite3_column_int(st, 3) != 0;
		out->accounts = sqlite3_column_int64(st, 4);
		if (sqlite3_column_type(st, 5) != SQLITE_NULL)
			out->exit_code = sqlite3_column_int(st, 5);
		ledger_column_copy(st, 6, out->counts, sizeof(out->counts));
		ledger_column_copy(st, 7, out->error, sizeof(out->error));
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? 1 : ledger_fail(l, what);
	}
	sqlite3_finalize(st);
out:
	pthread_mutex_unlock(&l->lock);
	return rc;
}
