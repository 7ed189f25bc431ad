/* Ledger: a person's terminate scheduled ahead (see ledger.h). */
#include "ledger/ledger_internal.h"

#include <stdio.h>
#include <string.h>

static const char scheduled_sql[] =
        "SELECT max(e.effective) FROM events e JOIN targets t ON "
        "t.event_seq = e.seq WHERE e.employee_id = ?1 AND e.kind = "
        "'terminate' AND t.state = 'not_yet_effective' AND e.effective > ?2";

int ledger_person_scheduled_terminate(struct ledger *l, const char *employee_id,
                                      int64_t now, int64_t *effective)
{
	const char *what = "cannot read a person's scheduled terminate";
	sqlite3_stmt *st;
	int rc, step;

	*effective = 0;
	pthread_mutex_lock(&l->lock);
	st = ledger_prepare_bind(l, what, scheduled_sql, "ti", employee_id,
	                         now);
	if (!st) {
		pthread_mutex_unlock(&l->lock);
		return -1;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		rc = sqlite3_column_type(st, 0) != SQLITE_NULL;
		*effective = sqlite3_column_int64(st, 0);
	} else {
		rc = ledger_fail(l, what);
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&l->lock);
	return rc;
}

static const char prior_sql[] =
        "SELECT kind FROM events WHERE employee_id = ?1 AND kind IN "
        "('hire', 'rehire', 'leave', 'return') ORDER BY seq DESC LIMIT 1";

int ledger_person_prior_status(struct ledger *l, const char *employee_id,
                               char status[16])
{
	const char *what = "cannot read a person's status before a terminate";
	const unsigned char *kind;
	sqlite3_stmt *st;
	int step, rc = 0;

	snprintf(status, 16, "active");
	pthread_mutex_lock(&l->lock);
	st = ledger_prepare_bind(l, what, prior_sql, "t", employee_id);
	if (!st) {
		pthread_mutex_unlock(&l->lock);
		return -1;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		kind = sqlite3_column_text(st, 0);
		if (kind && !strcmp((const char *)kind, "leave"))
			snprintf(status, 16, "on_leave");
	} else if (step != SQLITE_DONE) {
		rc = ledger_fail(l, what);
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&l->lock);
	return rc;
}
