/* Reconcile runs and their findings (ledger_reconcile.h). */
#include "ledger/ledger_reconcile.h"
#include "ledger/ledger_internal.h"

#include <stdlib.h>
#include <string.h>

enum { RS_ADD, RS_CLASS, RS_REPAIR, RS_EMAIL, RS_COUNT };

static const char *const recon_sql[RS_COUNT] = {
        [RS_ADD] = "INSERT INTO reconcile_findings (run_id, n, class,"
                   " account_id, user_name, employee_id, active, detail)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        [RS_CLASS] = "UPDATE reconcile_findings SET class = ?3, detail = ?4"
                     " WHERE run_id = ?1 AND n = ?2",
        [RS_REPAIR] = "UPDATE reconcile_findings SET repair = ?3,"
                      " repair_detail = ?4 WHERE run_id = ?1 AND n = ?2",
        [RS_EMAIL] = "SELECT employee_id FROM persons"
                     " WHERE email_key = ?1 ORDER BY employee_id",
};

struct ledger_recon {
	struct ledger *l;
	int64_t id;
	sqlite3_stmt *st[RS_COUNT];
};

int ledger_recon_begin(struct ledger *l, const char *connection, bool repair,
                       int64_t now, struct ledger_recon **out)
{
	struct ledger_recon *r = calloc(1, sizeof(*r));
	sqlite3_stmt *st = NULL;
	int rc = -1, i;

	*out = NULL;
	if (!r)
		return ledger_failf("out of memory");
	r->l = l;
	pthread_mutex_lock(&l->lock);
	for (i = 0; i < RS_COUNT; i++)
		if (sqlite3_prepare_v2(l->db, recon_sql[i], -1, &r->st[i],
		                       NULL)) {
			ledger_fail(l, "cannot prepare a reconcile statement");
			goto out;
		}
	if (sqlite3_prepare_v2(l->db,
	                       "INSERT INTO reconcile_runs (connection,"
	                       " started_at, repair) VALUES (?1, ?2, ?3)",
	                       -1, &st, NULL)) {
		ledger_fail(l, "cannot start a reconcile run");
		goto out;
	}
	ledger_bind_text(st, 1, connection);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, repair);
	if (ledger_step_done(l, st, "cannot start a reconcile run"))
		goto out;
	r->id = sqlite3_last_insert_rowid(l->db);
	rc = 0;
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&l->lock);
	if (rc)
		ledger_recon_close(r);
	else
		*out = r;
	return rc;
}

int64_t ledger_recon_id(const struct ledger_recon *r)
{
	return r->id;
}

int ledger_recon_add(struct ledger_recon *r, const struct ledger_finding *f)
{
	sqlite3_stmt *st = r->st[RS_ADD];
	int rc;

	pthread_mutex_lock(&r->l->lock);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int64(st, 2, f->n);
	ledger_bind_text(st, 3, f->cls);
	ledger_bind_text(st, 4, f->account_id);
	ledger_bind_text(st, 5, f->user_name);
	ledger_bind_text(st, 6, f->employee_id);
	if (f->active >= 0)
		sqlite3_bind_int(st, 7, f->active);
	ledger_bind_text(st, 8, f->detail ? f->detail : "");
	rc = ledger_step_done(r->l, st, "cannot store a reconcile finding");
	pthread_mutex_unlock(&r->l->lock);
	return rc;
}

static int update_pair(struct ledger_recon *r, int which, int64_t n,
                       const char *a, const char *b, const char *what)
{
	sqlite3_stmt *st = r->st[which];
	int rc;

	pthread_mutex_lock(&r->l->lock);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int64(st, 2, n);
	ledger_bind_text(st, 3, a);
	ledger_bind_text(st, 4, b);
	rc = ledger_step_done(r->l, st, what);
	pthread_mutex_unlock(&r->l->lock);
	return rc;
}

int ledger_recon_set_class(struct ledger_recon *r, int64_t n, const char *cls,
                           const char *detail)
{
	return update_pair(r, RS_CLASS, n, cls, detail ? detail : "",
	                   "cannot update a reconcile finding");
}

int ledger_recon_set_repair(struct ledger_recon *r, int64_t n,
                            const char *repair, const char *detail)
{
	return update_pair(r, RS_REPAIR, n, repair, detail,
	                   "cannot record a reconcile repair");
}

int ledger_recon_finish(struct ledger_recon *r, int64_t accounts, int exit_code,
                        const char *counts_json, const char *error, int64_t now)
{
	struct ledger *l = r->l;
	sqlite3_stmt *st = NULL;
	int rc = -1;

	pthread_mutex_lock(&l->lock);
	if (sqlite3_prepare_v2(l->db,
	                       "UPDATE reconcile_runs SET finished_at = ?2,"
	                       " accounts = ?3, exit_code = ?4, counts = ?5,"
	                       " error = ?6 WHERE id = ?1",
	                       -1, &st, NULL)) {
		ledger_fail(l, "cannot finish a reconcile run");
		goto out;
	}
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, accounts);
	sqlite3_bind_int(st, 4, exit_code);
	ledger_bind_text(st, 5, counts_json);
	ledger_bind_text(st, 6, error);
	rc = ledger_step_done(l, st, "cannot finish a reconcile run");
	if (!rc && error) {
		/* a listing cut short classifies nothing: its findings go */
		char sql[128];

		snprintf(sql, sizeof(sql),
		         "DELETE FROM reconcile_findings WHERE run_id = %lld",
		         (long long)r->id);
		if (sqlite3_exec(l->db, sql, NULL, NULL, NULL))
			rc = ledger_fail(l, "cannot discard a partial listing");
	}
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&l->lock);
	return rc;
}

void ledger_recon_close(struct ledger_recon *r)
{
	int i;

	if (!r)
		return;
	pthread_mutex_lock(&r->l->lock);
	for (i = 0; i < RS_COUNT; i++)
		sqlite3_finalize(r->st[i]);
	pthread_mutex_unlock(&r->l->lock);
	free(r);
}

static int findings(struct ledger *l, int64_t run_id, const char *cls,
                    int64_t after, int64_t limit,
                    int (*fn)(const struct ledger_finding_row *row, void *ctx),
                    void *ctx)
{
	struct ledger_finding_row *row = malloc(sizeof(*row));
	sqlite3_stmt *st = NULL;
	int rc;

	if (!row)
		return ledger_failf("out of memory");
	pthread_mutex_lock(&l->lock);
	if (sqlite3_prepare_v2(l->db,
	                       "SELECT n, class, account_id, user_name,"
	                       " employee_id, active, detail, repair,"
	                       " repair_detail FROM reconcile_findings"
	                       " WHERE run_id = ?1 AND (?2 IS NULL OR"
	                       " class = ?2) AND n > ?4 ORDER BY n LIMIT ?3",
	                       -1, &st, NULL)) {
		rc = ledger_fail(l, "cannot read reconcile findings");
		goto out;
	}
	sqlite3_bind_int64(st, 1, run_id);
	ledger_bind_text(st, 2, cls);
	sqlite3_bind_int64(st, 3, limit);
	sqlite3_bind_int64(st, 4, after);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(row, 0, sizeof(*row));
		row->n = sqlite3_column_int64(st, 0);
		ledger_column_copy(st, 1, row->cls, sizeof(row->cls));
		ledger_column_copy(st, 2, row->account_id,
		                   sizeof(row->account_id));
		ledger_column_copy(st, 3, row->user_name,
		                   sizeof(row->user_name));
		ledger_column_copy(st, 4, row->employee_id,
		                   sizeof(row->employee_id));
		row->active = sqlite3_column_type(st, 5) == SQLITE_NULL
		                      ? -1
		                      : sqlite3_column_int(st, 5);
		ledger_column_copy(st, 6, row->detail, sizeof(row->detail));
		ledger_column_copy(st, 7, row->repair, sizeof(row->repair));
		ledger_column_copy(st, 8, row->repair_detail,
		                   sizeof(row->repair_detail));
		if (fn(row, ctx)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = rc == SQLITE_DONE
	             ? 0
	             : ledger_fail(l, "cannot read reconcile findings");
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&l->lock);
	free(row);
	return rc;
}

int ledger_recon_findings(
        struct ledger *l, int64_t run_id, const char *cls, int64_t limit,
        int (*fn)(const struct ledger_finding_row *row, void *ctx), void *ctx)
{
	return findings(l, run_id, cls, 0, limit, fn, ctx);
}

int ledger_recon_findings_after(
        struct ledger *l, int64_t run_id, int64_t after, int64_t limit,
        int (*fn)(const struct ledger_finding_row *row, void *ctx), void *ctx)
{
	return findings(l, run_id, NULL, after, limit, fn, ctx);
}

int ledger_recon_persons(struct ledger *l, const char *connection,
                         int (*fn)(const struct ledger_recon_person *p,
                                   void *ctx),
                         void *ctx)
{
	struct ledger_recon_person p;
	sqlite3_stmt *st = NULL;
	int rc, r = 0;

	pthread_mutex_lock(&l->lock);
	if (sqlite3_prepare_v2(l->db,
	                       "SELECT p.employee_id, p.status, p.record,"
	                       " k.account_id, k.user_name, k.active,"
	                       " EXISTS (SELECT 1 FROM events e JOIN targets t"
	                       "  ON t.event_seq = e.seq AND t.connection = ?1"
	                       "  WHERE e.employee_id = p.employee_id"
	                       "  AND t.state IN ('pending', 'failed',"
	                       "  'not_yet_effective', 'held', 'disputed')),"
	                       " (SELECT t.outcome FROM events e JOIN targets t"
	                       "  ON t.event_seq = e.seq AND t.connection = ?1"
	                       "  WHERE e.employee_id = p.employee_id"
	                       "  AND e.kind IN ('hire', 'rehire')"
	                       "  ORDER BY e.seq DESC LIMIT 1) = 'discarded'"
	                       " FROM persons p LEFT JOIN links k"
	                       " ON k.connection = ?1"
	                       " AND k.employee_id = p.employee_id"
	                       " ORDER BY p.employee_id",
	                       -1, &st, NULL)) {
		rc = ledger_fail(l, "cannot read person records");
		goto out;
	}
	ledger_bind_text(st, 1, connection);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		p.employee_id = (const char *)sqlite3_column_text(st, 0);
		p.status = (const char *)sqlite3_column_text(st, 1);
		p.record = (const char *)sqlite3_column_text(st, 2);
		p.account_id = (const char *)sqlite3_column_text(st, 3);
		p.user_name = (const char *)sqlite3_column_text(st, 4);
		p.link_active = sqlite3_column_int(st, 5) != 0;
		p.outstanding = sqlite3_column_int(st, 6) != 0;
		p.hire_discarded = sqlite3_column_int(st, 7) != 0;
		if (!p.employee_id || !p.status || !p.record)
			continue;
		if ((r = fn(&p, ctx)))
			break;
	}
	if (r)
		rc = r;
	else
		rc = rc == SQLITE_DONE
		             ? 0
		             : ledger_fail(l, "cannot read person records");
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_recon_email_owners(struct ledger_recon *r, const char *key,
                              char (*out)[257], size_t max, size_t *n)
{
	sqlite3_stmt *st = r->st[RS_EMAIL];
	int rc;

	*n = 0;
	pthread_mutex_lock(&r->l->lock);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	ledger_bind_text(st, 1, key);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n < max)
			ledger_column_copy(st, 0, out[*n], 257);
		(*n)++;
	}
	sqlite3_reset(st);
	rc = rc == SQLITE_DONE
	             ? 0
	             : ledger_fail(r->l, "cannot read person records");
	pthread_mutex_unlock(&r->l->lock);
	return rc;
}

int ledger_recon_active_links(struct ledger *l, const char *connection,
                              int64_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	*n = 0;
	pthread_mutex_lock(&l->lock);
	if (sqlite3_prepare_v2(l->db,
	                       "SELECT count(*) FROM links WHERE connection ="
	                       " ?1 AND active",
	                       -1, &st, NULL)) {
		ledger_fail(l, "cannot count links");
		goto out;
	}
	ledger_bind_text(st, 1, connection);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		rc = 0;
	} else {
		ledger_fail(l, "cannot count links");
	}
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_recon_outstanding(struct ledger *l, const char *connection,
                             const char *employee_id, bool *out)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	*out = false;
	pthread_mutex_lock(&l->lock);
	if (sqlite3_prepare_v2(l->db,
	                       "SELECT EXISTS (SELECT 1 FROM events e JOIN"
	                       " targets t ON t.event_seq = e.seq AND"
	                       " t.connection = ?1 WHERE e.employee_id = ?2"
	                       " AND t.state IN ('pending', 'failed',"
	                       " 'not_yet_effective', 'held', 'disputed'))",
	                       -1, &st, NULL)) {
		ledger_fail(l, "cannot read a person's work");
		goto out;
	}
	ledger_bind_text(st, 1, connection);
	ledger_bind_text(st, 2, employee_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0) != 0;
		rc = 0;
	} else {
		ledger_fail(l, "cannot read a person's work");
	}
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_recon_repair_counts(struct ledger *l, int64_t run_id,
                               void (*fn)(const char *repair, int64_t n,
                                          void *ctx),
                               void *ctx)
{
	sqlite3_stmt *st = NULL;
	int rc;

	pthread_mutex_lock(&l->lock);
	if (sqlite3_prepare_v2(l->db,
	                       "SELECT repair, count(*) FROM reconcile_findings"
	                       " WHERE run_id = ?1 AND repair IS NOT NULL"
	                       " GROUP BY repair ORDER BY repair",
	                       -1, &st, NULL)) {
		rc = ledger_fail(l, "cannot count reconcile repairs");
		goto out;
	}
	sqlite3_bind_int64(st, 1, run_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn((const char *)sqlite3_column_text(st, 0),
		   sqlite3_column_int64(st, 1), ctx);
	rc = rc == SQLITE_DONE
	             ? 0
	             : ledger_fail(l, "cannot count reconcile repairs");
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_recon_set_account(struct ledger_recon *r, int64_t n,
                             const char *account_id, const char *user_name)
{
	int rc;

	pthread_mutex_lock(&r->l->lock);
	rc = ledger_exec_bind(r->l, "cannot record a finding's account",
	                      "UPDATE reconcile_findings SET account_id = ?1,"
	                      " user_name = coalesce(?2, user_name) WHERE"
	                      " run_id = ?3 AND n = ?4",
	                      "ttii", account_id, user_name, r->id, n);
	pthread_mutex_unlock(&r->l->lock);
	return rc;
}
