/* Ledger: the review actions that resolve disputes (link a person to an
 * account, unlink them) and the record of every review action. One person
 * one account holds here as everywhere: links are unique both ways. */
#include "ledger/ledger_internal.h"

#include <string.h>

/* Makes the disputed targets that sql selects (?1 connection, ?2 employee,
 * ?3 account) pending, with an attempts row status / text. Under the lock,
 * in the caller's transaction. */
static int release(struct ledger *l, const char *sql, const char *connection,
                   const char *employee_id, const char *account_id,
                   const char *status, const char *text, int64_t now,
                   int64_t *released)
{
	const char *what = "cannot release disputed work";
	char update[1024], log[1024];

	snprintf(update, sizeof(update),
	         "UPDATE targets SET state = 'pending', outcome = NULL, "
	         "last_error = ?4, attempts = attempts + 1, updated_at = ?5 "
	         "WHERE connection = ?1 AND event_seq IN (%s)",
	         sql);
	snprintf(log, sizeof(log),
	         "INSERT INTO attempts (event_seq, connection, attempt, at, "
	         "status, error) SELECT event_seq, connection, attempts + 1, "
	         "?5, ?6, ?4 FROM targets WHERE connection = ?1 AND event_seq "
	         "IN (%s)",
	         sql);
	/* logged first: the update makes them pending */
	if (ledger_exec_bind(l, what, log, "ttttit", connection, employee_id,
	                     account_id, text, now, status))
		return -1;
	if (ledger_exec_bind(l, what, update, "ttttit", connection, employee_id,
	                     account_id, text, now, status))
		return -1;
	*released = sqlite3_changes(l->db);
	return 0;
}

static const char mine_sql[] =
        "SELECT t.event_seq FROM targets t JOIN events e ON e.seq = "
        "t.event_seq WHERE t.connection = ?1 AND t.state = 'disputed' AND "
        "(e.employee_id = ?2 OR (?3 IS NOT NULL AND t.account_id = ?3))";

static int link_locked(struct ledger *l, const char *connection,
                       const char *employee_id, const char *account_id,
                       const char *text, int64_t now, char other[256],
                       int64_t *released)
{
	int r;

	r = ledger_lookup_text(l, LS_LINK_OWNER, connection, account_id, NULL,
	                       0, other, 256, NULL, 0, "cannot read a link");
	if (r < 0)
		return -1;
	if (r == 0 && strcmp(other, employee_id)) {
		ledger_failf(
		        "account %s is linked to employee %s on connection "
		        "\"%s\"",
		        account_id, other, connection);
		return LEDGER_LINK_TAKEN;
	}
	r = ledger_lookup_text(l, LS_LINK_GET, connection, employee_id, NULL, 0,
	                       other, 256, NULL, 0, "cannot read a link");
	if (r < 0)
		return -1;
	if (r == 0 && strcmp(other, account_id)) {
		ledger_failf(
		        "employee %s is linked to account %s on connection "
		        "\"%s\"",
		        employee_id, other, connection);
		return 4;
	}
	other[0] = '\0';
	r = ledger_link_set(l, connection, employee_id, account_id, NULL, true,
	                    now);
	if (r)
		return r;
	return release(l, mine_sql, connection, employee_id, NULL, "linked",
	               text, now, released);
}

int ledger_review_link(struct ledger *l, const char *connection,
                       const char *employee_id, const char *account_id,
                       const char *text, int64_t now, char other[256],
                       int64_t *released)
{
	bool outer;
	int rc;

	*released = 0;
	pthread_mutex_lock(&l->lock);
	rc = ledger_begin(l, &outer);
	if (!rc) {
		rc = link_locked(l, connection, employee_id, account_id, text,
		                 now, other, released);
		if (rc)
			ledger_rollback(l, outer);
		else
			rc = ledger_commit(l, outer);
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

static int unlink_locked(struct ledger *l, const char *connection,
                         const char *employee_id, const char *text, int64_t now,
                         char account[256], int64_t *released)
{
	int r;

	r = ledger_lookup_text(l, LS_LINK_GET, connection, employee_id, NULL, 0,
	                       account, 256, NULL, 0, "cannot read a link");
	if (r)
		return r;
	/* the account's userName goes with the account: the person it is
	 * linked to next may be given it */
	if (ledger_exec_bind(l, "cannot release a userName",
	                     "DELETE FROM user_names WHERE connection = ?1 AND "
	                     "employee_id = ?2 AND key = (SELECT "
	                     "provhost_casefold(user_name) FROM links WHERE "
	                     "connection = ?1 AND employee_id = ?2)",
	                     "tt", connection, employee_id) ||
	    ledger_exec_bind(l, "cannot remove a link",
	                     "DELETE FROM links WHERE connection = ?1 AND "
	                     "employee_id = ?2",
	                     "tt", connection, employee_id))
		return -1;
	return release(l, mine_sql, connection, employee_id, account,
	               "unlinked", text, now, released);
}

int ledger_review_unlink(struct ledger *l, const char *connection,
                         const char *employee_id, const char *text, int64_t now,
                         char account[256], int64_t *released)
{
	bool outer;
	int rc;

	*released = 0;
	account[0] = '\0';
	pthread_mutex_lock(&l->lock);
	rc = ledger_begin(l, &outer);
	if (!rc) {
		rc = unlink_locked(l, connection, employee_id, text, now,
		                   account, released);
		if (rc)
			ledger_rollback(l, outer);
		else
			rc = ledger_commit(l, outer);
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_review_action_add(struct ledger *l, const char *action,
                             const char *who, const char *why,
                             const char *connection, const char *employee_id,
                             const char *account_id, const char *items,
                             int64_t now)
{
	int rc;

	pthread_mutex_lock(&l->lock);
	rc = ledger_exec_bind(
	        l, "cannot store a review action",
	        "INSERT INTO review_actions (at, action, who, why, "
	        "connection, employee_id, account_id, items) "
	        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	        "ittttttt", now, action, who, why, connection, employee_id,
	        account_id, items);
	pthread_mutex_unlock(&l->lock);
	return rc;
}
