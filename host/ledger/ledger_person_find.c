/* Finding a person by something other than the employee id (an account id
 * or a userName, for provhost history), and the per-target decision a run
 * stored (targets.decision, when this ledger's schema has that column). */
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_internal.h"

/* Distinct employees that ever held value: an account id (links, then any
 * target's account id) or a userName (reservations and links, compared
 * case-folded like the reservations themselves). */
static const char by_account_sql[] =
        "SELECT employee_id FROM links WHERE account_id = ?1 "
        "UNION SELECT e.employee_id FROM targets t JOIN events e "
        "  ON e.seq = t.event_seq WHERE t.account_id = ?1 "
        "ORDER BY 1";
static const char by_user_name_sql[] =
        "SELECT employee_id FROM user_names "
        "  WHERE key = provhost_casefold(?1) "
        "UNION SELECT employee_id FROM links "
        "  WHERE provhost_casefold(user_name) = provhost_casefold(?1) "
        "ORDER BY 1";

static void employee_row(sqlite3_stmt *st, void *row)
{
	struct ledger_employee *r = row;

	ledger_column_copy(st, 0, r->id, sizeof(r->id));
}

int ledger_employees_by(struct ledger *l, enum ledger_find_by by,
                        const char *value, struct ledger_employee **rows,
                        size_t *n)
{
	return ledger_list_rows(l,
	                        by == LEDGER_FIND_ACCOUNT ? by_account_sql
	                                                  : by_user_name_sql,
	                        value, 0, sizeof(**rows), employee_row,
	                        "the employees", (void **)rows, n);
}

/* 1 when targets has a "decision" column, 0 when not, -1 on error. Call
 * with the lock held. */
static int has_decision_column(struct ledger *l)
{
	sqlite3_stmt *st;
	int rc = 0, step;

	if (sqlite3_prepare_v2(l->db, "PRAGMA table_info(targets)", -1, &st,
	                       NULL))
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);

		if (name && !strcmp(name, "decision"))
			rc = 1;
	}
	if (step != SQLITE_DONE)
		rc = -1;
	sqlite3_finalize(st);
	return rc;
}

int ledger_target_decision(struct ledger *l, int64_t seq,
                           const char *connection, char **out)
{
	sqlite3_stmt *st = NULL;
	int rc = -1, has, step;

	*out = NULL;
	pthread_mutex_lock(&l->lock);
	has = has_decision_column(l);
	if (has <= 0) {
		rc = has < 0 ? -1 : 1;
		goto out;
	}
	if (sqlite3_prepare_v2(l->db,
	                       "SELECT decision FROM targets WHERE "
	                       "event_seq = ?1 AND connection = ?2",
	                       -1, &st, NULL))
		goto out;
	sqlite3_bind_int64(st, 1, seq);
	ledger_bind_text(st, 2, connection);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		const char *text = (const char *)sqlite3_column_text(st, 0);

		*out = strdup(text ? text : "");
		rc = *out ? 0 : -1;
	} else if (step == SQLITE_ROW || step == SQLITE_DONE) {
		rc = 1;
	}
out:
	sqlite3_finalize(st);
	if (rc < 0)
		ledger_fail(l, "cannot read a target's decision");
	pthread_mutex_unlock(&l->lock);
	return rc;
}
