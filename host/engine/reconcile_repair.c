/* `provhost reconcile --repair` (reconcile_internal.h): what each finding
 * turns into.
 *   unlinked match -> a link in the ledger (after re-checking both ends
 *                     and reserving the userName); nothing is sent;
 *   orphan         -> deactivation, never a delete (whatever the
 *                     connector's deprovision mode): deprovision where the
 *                     connector never deletes, else a provision of the
 *                     account as it is with active=false; after a lookup
 *                     shows it still there, active and still nobody's,
 *                     and after the person's outstanding work; the
 *                     mass-deprovision guard holds them all when there
 *                     are more than the policy allows;
 *   drift          -> an "update" event with the person's HR record;
 *   missing        -> after a lookup finds no account (offset paging can
 *                     skip one: a found one is linked instead), an
 *                     "update" event with the person's HR record;
 *   disputed, protected, ignored -> nothing.
 * The events (reconcile_repair_events.c) are ordinary work: one
 * `provhost run` of them applies them through the same decision path as HR
 * events — rules, policy, mapping, userName reservation, the identity
 * checks, the no-adopt probe, guard, per-person order, audit. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "config/lifecycle_config.h"
#include "connector/status_names.h"
#include "engine/audit_reconcile.h"
#include "engine/reconcile_repair.h"
#include "util/clock.h"
#include "util/exit_codes.h"
#include "util/log.h"

int recon_rp_collect(const struct ledger_finding_row *row, void *ctx)
{
	struct chunk *c = ctx;

	c->rows[c->n++] = *row;
	return 0;
}

void recon_rp_set(struct repair *rp, const struct ledger_finding_row *f,
                  const char *what, const char *detail)
{
	struct recon *r = rp->r;
	struct audit_reconcile ar = {
	        .reconcile_run = r->run_id,
	        .connection = r->conn->name,
	        .operation = "repair",
	        .cls = f->cls,
	        .account_id = f->account_id,
	        .user_name = f->user_name,
	        .employee_id = f->employee_id,
	        .outcome = what,
	        .detail = detail,
	        .dry_run = r->opt->dry_run,
	};
	char err[600];

	if (ledger_recon_set_repair(r->lr, f->n, what, detail))
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
	if (audit_write_reconcile(r->audit, &ar, err, sizeof(err))) {
		fprintf(stderr, "provhost reconcile: %s\n", err);
		rp->stopped = true;
	}
}

static void plan_line(struct repair *rp, const char *what)
{
	fprintf(rp->plan, "plan: connection \"%s\": %s\n", rp->r->conn->name,
	        what);
}

static int recheck_exists(struct repair *rp, const struct ledger_finding_row *f,
                          const char *account_id);

/* --- unlinked match: link, no write -------------------------------------- */

void recon_rp_link(struct repair *rp, const struct ledger_finding_row *f,
                   const char *account_id, const char *user_name, int active)
{
	struct recon *r = rp->r;
	char other[257], detail[800];
	struct ledger_link link;
	int64_t approval[2];
	int rc;

	if (ledger_link_owner(r->ledger, r->conn->name, account_id, other,
	                      sizeof(other)) == 0 ||
	    ledger_link_get(r->ledger, r->conn->name, f->employee_id, &link) ==
	            0) {
		recon_rp_set(rp, f, "skipped",
		             "the ledger linked the account or the employee "
		             "since the listing; reconcile again");
		rp->left++;
		return;
	}
	if (recheck_exists(rp, f, account_id))
		return;
	if (recon_rp_supervise(rp, f, POLICY_CHANGE_LINK, account_id, user_name,
	                       approval))
		return;
	if (r->opt->dry_run) {
		snprintf(detail, sizeof(detail),
		         "link account %.255s to employee %.256s (nothing "
		         "sent)",
		         account_id, f->employee_id);
		plan_line(rp, detail);
		recon_rp_set(rp, f, "planned", "link, nothing sent");
		return;
	}
	if (user_name && user_name[0]) {
		rc = ledger_user_name_reserve(r->ledger, r->conn->name,
		                              user_name, f->employee_id,
		                              clock_wall_s(), other);
		if (rc) {
			snprintf(detail, sizeof(detail),
			         "userName \"%.200s\" is reserved for employee "
			         "%.200s; not linked",
			         user_name,
			         rc == LEDGER_NAME_TAKEN ? other : "?");
			recon_rp_set(rp, f, "failed", detail);
			rp->left++;
			return;
		}
	}
	rc = ledger_link_set(r->ledger, r->conn->name, f->employee_id,
	                     account_id, user_name, active != 0,
	                     clock_wall_s());
	if (rc) {
		snprintf(detail, sizeof(detail), "not linked: %s",
		         ledger_last_error());
		recon_rp_set(rp, f, "failed", detail);
		rp->left++;
		return;
	}
	snprintf(detail, sizeof(detail),
	         "account %.255s linked to employee %.256s; nothing sent%s",
	         account_id, f->employee_id,
	         approval[0] ? " (approved in provhost review)" : "");
	recon_rp_set(rp, f, "linked", detail);
	recon_rp_approval_used(rp, approval);
}

/* --- lookups ---------------------------------------------------------------
 */

static void capture(void *ctx, const char *json, size_t len)
{
	json_t **out = ctx;

	json_decref(*out);
	*out = json_loadb(json, len, 0, NULL);
}

/* Reads one account by id or identity: PROVHOST_OK with *out (a new
 * reference), PROVHOST_E_NOT_FOUND, or another failure (err). */
int32_t recon_rp_lookup(struct recon *r, const char *account_id,
                        const char *identity, json_t **out, provhost_error *err)
{
	provhost_call call;
	int32_t st;

	*out = NULL;
	instance_call_init(&call, 0,
	                   clock_mono_ms() + r->conn->engine.call_timeout_ms,
	                   NULL, NULL, NULL);
	st = instance_lookup(r->inst, &call, account_id, identity, capture, out,
	                     err);
	if (st == PROVHOST_OK && !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		st = PROVHOST_E_PROTOCOL;
		snprintf(err->message, sizeof(err->message),
		         "lookup returned no JSON object");
	}
	if (st != PROVHOST_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return st;
}

/* Re-checks that account_id is still on the target before linking it.
 * Returns 0 to go on, 1 when the finding was settled (gone, or no
 * answer). */
static int recheck_exists(struct repair *rp, const struct ledger_finding_row *f,
                          const char *account_id)
{
	char detail[700];
	provhost_error err;
	json_t *cur = NULL;
	int32_t st = recon_rp_lookup(rp->r, account_id, NULL, &cur, &err);

	json_decref(cur);
	if (st == PROVHOST_OK)
		return 0;
	if (st == PROVHOST_E_NOT_FOUND) {
		recon_rp_set(rp, f, "gone", "the account is no longer there");
		return 1;
	}
	snprintf(detail, sizeof(detail),
	         "cannot re-check the account before linking it: %s",
	         err.message);
	recon_rp_set(rp, f, "failed", detail);
	rp->left++;
	return 1;
}

/* --- orphan: deactivate, never delete ------------------------------------- */

static void repair_orphan(struct repair *rp, const struct ledger_finding_row *f)
{
	struct recon *r = rp->r;
	char owner[257], detail[900], event_id[64];
	provhost_result res;
	provhost_error err;
	provhost_call call;
	json_t *cur = NULL;
	char *want = NULL;
	bool delete_capable;
	int64_t start, approval[2];
	int32_t st;
	int rc;

	if (rp->guard_holds) {
		snprintf(detail, sizeof(detail),
		         "held by the mass-deprovision guard: %lld orphans, "
		         "policy max_deprovisions_per_run=%lld; check them and "
		         "repair with --allow-mass-deprovision",
		         (long long)r->counts[RC_ORPHAN],
		         (long long)r->conn->lifecycle->policy
		                 .max_deprovisions_per_run);
		recon_rp_set(rp, f, "held", detail);
		rp->held++;
		return;
	}
	if (f->employee_id[0]) {
		bool waiting = true;

		/* per-person order: their outstanding work comes first */
		if (ledger_recon_outstanding(r->ledger, r->conn->name,
		                             f->employee_id, &waiting) ||
		    waiting) {
			recon_rp_set(
			        rp, f, "skipped",
			        "the employee has work not done yet (pending, "
			        "failed, held or not yet effective); the run "
			        "applies it first");
			rp->left++;
			return;
		}
	}
	st = recon_rp_lookup(r, f->account_id, NULL, &cur, &err);
	if (st == PROVHOST_E_NOT_FOUND) {
		recon_rp_set(rp, f, "gone", "the account is no longer there");
		return;
	}
	if (st != PROVHOST_OK) {
		snprintf(detail, sizeof(detail),
		         "cannot re-check the account before deactivating it: "
		         "%s",
		         err.message);
		recon_rp_set(rp, f, "failed", detail);
		rp->left++;
		return;
	}
	if (!recon_account_active(cur)) {
		recon_rp_set(rp, f, "unchanged", "already inactive");
		goto out;
	}
	rc = ledger_link_owner(r->ledger, r->conn->name, f->account_id, owner,
	                       sizeof(owner));
	if (rc == 0 && (!f->employee_id[0] || strcmp(owner, f->employee_id))) {
		recon_rp_set(rp, f, "skipped",
		             "the ledger linked the account to an employee "
		             "since the listing; reconcile again");
		rp->left++;
		goto out;
	}
	if (recon_rp_supervise(rp, f, POLICY_CHANGE_DEACTIVATE, f->account_id,
	                       f->user_name[0] ? f->user_name : NULL, approval))
		goto out;
	if (r->opt->dry_run) {
		snprintf(detail, sizeof(detail),
		         "deactivate account %.255s \"%.255s\" (orphan; never "
		         "deleted)",
		         f->account_id, f->user_name);
		plan_line(rp, detail);
		recon_rp_set(rp, f, "planned", "deactivate (active=false)");
		goto out;
	}
	json_object_del(cur, "id");
	json_object_del(cur, "meta");
	json_object_del(cur, "schemas");
	json_object_del(cur, "self");
	json_object_set_new(cur, "active", json_false());
	if (!json_object_get(cur, "emails"))
		json_object_set_new(cur, "emails", json_array());
	want = json_dumps(cur, JSON_COMPACT);
	if (!want) {
		recon_rp_set(rp, f, "failed", "out of memory");
		rp->left++;
		goto out;
	}
	snprintf(event_id, sizeof(event_id), "reconcile-%lld-%lld",
	         (long long)r->run_id, (long long)f->n);
	instance_call_init(
	        &call, 0, clock_mono_ms() + r->conn->engine.call_timeout_ms,
	        event_id, f->employee_id[0] ? f->employee_id : NULL, NULL);
	start = clock_mono_ms();
	/* a connector that never deletes deactivates on deprovision (Promapp:
	 * DELETE deactivates); one that may delete gets a provision of the
	 * account as it is with active=false */
	delete_capable =
	        (r->inst->connector->capabilities & PROVHOST_CAP_DELETE) != 0;
	if (delete_capable)
		st = instance_provision(r->inst, &call, f->account_id, want,
		                        &res, &err);
	else
		st = instance_deprovision(r->inst, &call, f->account_id, NULL,
		                          &res, &err);
	{
		struct audit_record ar = {
		        .run_id = 0,
		        .event_id = event_id,
		        .employee_id =
		                f->employee_id[0] ? f->employee_id : NULL,
		        .connection = r->conn->name,
		        .operation =
		                delete_capable ? "provision" : "deprovision",
		        .attempt = 1,
		        .status = provhost_status_name(st),
		        .outcome = st == PROVHOST_OK
		                           ? provhost_outcome_name(res.outcome)
		                           : NULL,
		        .account_id = f->account_id,
		        .http_status = st == PROVHOST_OK ? res.remote_code
		                                         : err.remote_code,
		        .duration_ms = clock_mono_ms() - start,
		        .error = st == PROVHOST_OK ? NULL : err.message,
		};
		char aerr[600];

		if (audit_write(r->audit, &ar, aerr, sizeof(aerr))) {
			fprintf(stderr, "provhost reconcile: %s\n", aerr);
			rp->stopped = true;
		}
	}
	if (st != PROVHOST_OK) {
		snprintf(detail, sizeof(detail), "%s (%s)", err.message,
		         provhost_status_name(st));
		recon_rp_set(rp, f, "failed", detail);
		rp->left++;
		goto out;
	}
	if (f->employee_id[0] &&
	    ledger_link_set(r->ledger, r->conn->name, f->employee_id,
	                    f->account_id,
	                    f->user_name[0] ? f->user_name : NULL, false,
	                    clock_wall_s()))
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
	snprintf(detail, sizeof(detail), "%s (active=false; never deleted)%s",
	         provhost_outcome_name(res.outcome),
	         approval[0] ? " (approved in provhost review)" : "");
	recon_rp_set(rp, f, "deactivated", detail);
	recon_rp_approval_used(rp, approval);
out:
	free(want);
	json_decref(cur);
}

static void repair_one(struct repair *rp, const struct ledger_finding_row *f)
{
	if (!strcmp(f->cls, "unlinked_match")) {
		recon_rp_link(rp, f, f->account_id,
		              f->user_name[0] ? f->user_name : NULL, f->active);
	} else if (!strcmp(f->cls, "orphan")) {
		repair_orphan(rp, f);
	} else if (!strcmp(f->cls, "drift")) {
		if (recon_rp_queue_event(rp, f)) {
			recon_rp_set(rp, f, "failed", "cannot queue the event");
			rp->left++;
		}
	} else if (!strcmp(f->cls, "missing")) {
		recon_rp_missing(rp, f);
	} else if (!strcmp(f->cls, "disputed")) {
		recon_rp_set(
		        rp, f, "none",
		        "disputed: nothing is sent; correct the HR data or "
		        "the target by hand");
		rp->left++;
	}
}

/* One real repair at a time per ledger, and not while a run applies
 * events: the same lock `provhost run` takes. -1 (message printed). */
static int lock_ledger(const char *ledger_path)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s.lock", ledger_path);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	fprintf(stderr,
	        "provhost reconcile: a provhost run is using the ledger %s; "
	        "nothing was repaired — repair again when it has finished\n",
	        ledger_path);
	if (fd >= 0)
		close(fd);
	return -1;
}

int recon_repair(struct recon *r)
{
	struct repair rp = {.r = r, .events_fd = -1};
	struct chunk *c = calloc(1, sizeof(*c));
	const struct policy *pol = &r->conn->lifecycle->policy;
	int64_t after = 0;
	int i, code = EXIT_DONE, lock = -1, run_code;

	if (!c)
		return EXIT_STOPPED;
	rp.plan = r->opt->json ? stderr : stdout;
	rp.guard_holds = !r->opt->allow_mass_deprovision &&
	                 pol->max_deprovisions_per_run >= 0 &&
	                 r->counts[RC_ORPHAN] > pol->max_deprovisions_per_run;
	if (!r->opt->dry_run) {
		lock = lock_ledger(r->ledger_path);
		if (lock < 0) {
			free(c);
			return EXIT_STOPPED;
		}
	}
	for (;;) {
		c->n = 0;
		/* numbers are dense from 1: read the next chunk by range */
		if (ledger_recon_findings_after(r->ledger, r->run_id, after,
		                                CHUNK, recon_rp_collect, c) ||
		    !c->n)
			break;
		for (i = 0; i < c->n && !rp.stopped; i++) {
			after = c->rows[i].n;
			repair_one(&rp, &c->rows[i]);
		}
	}
	free(c);
	if (lock >= 0)
		close(lock);
	if (rp.events && !rp.stopped) {
		run_code = recon_rp_run_events(&rp);
		if (!r->opt->dry_run)
			recon_rp_outcomes(&rp);
		if (run_code == EXIT_STOPPED || run_code == EXIT_USAGE)
			rp.stopped = true;
	} else if (rp.events) {
		fclose(rp.events);
		close(rp.events_fd);
	}
	if (rp.stopped)
		code = EXIT_STOPPED;
	else if (rp.left)
		code = EXIT_FAILED;
	else if (rp.held)
		code = EXIT_REVIEW;
	return code;
}
