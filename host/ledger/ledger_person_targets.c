/* Ledger: what a roster needs beyond events — targets for a person's
 * stored events on connections that lack them (see ledger.h). */
#include "ledger/ledger_internal.h"

int ledger_person_targets_fill(struct ledger *l, const char *employee_id,
                               const char *const *conns, size_t n, int64_t now,
                               int64_t *created)
{
	int64_t made = 0;
	bool outer;
	int rc;

	pthread_mutex_lock(&l->lock);
	if (ledger_begin(l, &outer)) {
		pthread_mutex_unlock(&l->lock);
		return -1;
	}
	rc = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		sqlite3_stmt *st = ledger_stmt(l, LS_PERSON_TARGETS_FILL);

		if (!st) {
			rc = -1;
			break;
		}
		ledger_bind_text(st, 1, employee_id);
		ledger_bind_text(st, 2, conns[i]);
		sqlite3_bind_int64(st, 3, now);
		rc = ledger_step_done(l, st,
		                      "cannot create a person's targets");
		if (!rc)
			made += sqlite3_changes(l->db);
	}
	if (!rc)
		rc = ledger_commit(l, outer);
	else
		ledger_rollback(l, outer);
	pthread_mutex_unlock(&l->lock);
	if (created)
		*created = rc ? 0 : made;
	return rc;
}
