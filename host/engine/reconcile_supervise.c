/* Supervised mode for `provhost reconcile --repair` (the connection's
 * policy "supervise", README "Review and supervised mode"): an orphan's
 * deactivation ("deactivate") and a link of an account to a person
 * ("link") are held for approval instead of done. A held repair is a
 * finding with repair "supervised"; provhost review lists it as
 * R<RUN>-<N>:<CONNECTION> and approves or discards it; the next reconcile
 * --repair finds the same class, account and employee again, applies the
 * approved repair through its usual checks (the account re-read, the
 * guard, per-person order) and marks the approval used. A discarded one
 * is a decision: later repairs of the same class, account and employee
 * are "kept" (not held again). One thread. */
#include <stdio.h>
#include <string.h>

#include "config/lifecycle_config.h"
#include "engine/reconcile_repair.h"
#include "util/log.h"

int recon_rp_supervise(struct repair *rp, const struct ledger_finding_row *f,
                       enum policy_change change, const char *account_id,
                       const char *user_name, int64_t approval[2])
{
	struct recon *r = rp->r;
	char reason[600], who[300];
	int rc;

	approval[0] = approval[1] = 0;
	if (!(r->conn->lifecycle->policy.supervise & change))
		return 0;
	rc = ledger_recon_approved(r->ledger, r->conn->name, f->cls, account_id,
	                           f->employee_id, &approval[0], &approval[1]);
	if (rc == 0) {
		if (r->opt->dry_run)
			fprintf(rp->plan,
			        "plan: connection \"%s\": %s of account %s was "
			        "approved in provhost review (R%lld-%lld)\n",
			        r->conn->name, policy_change_name(change),
			        account_id, (long long)approval[0],
			        (long long)approval[1]);
		return 0;
	}
	if (rc > 0) {
		int64_t was[2];

		rc = ledger_recon_discarded(r->ledger, r->conn->name, f->cls,
		                            account_id, f->employee_id, &was[0],
		                            &was[1]);
		if (rc == 0) {
			/* a person decided to leave it: not asked again */
			snprintf(reason, sizeof(reason),
			         "discarded in provhost review (R%lld-%lld): "
			         "left as it is, not asked again; protect or "
			         "ignore the account to stop finding it",
			         (long long)was[0], (long long)was[1]);
			recon_rp_set(rp, f, "kept", reason);
			return 1;
		}
	}
	if (rc < 0) {
		snprintf(reason, sizeof(reason),
		         "cannot read the approvals: %s", ledger_last_error());
		recon_rp_set(rp, f, "failed", reason);
		rp->left++;
		return 1;
	}
	/* a missing person's account found by a lookup: the held repair
	 * names the account that would be linked (the approval binds to it) */
	if (account_id && strcmp(account_id, f->account_id) &&
	    ledger_recon_set_account(r->lr, f->n, account_id, user_name))
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
	if (f->employee_id[0])
		snprintf(who, sizeof(who), "employee %.256s", f->employee_id);
	else
		snprintf(who, sizeof(who), "no employee");
	snprintf(reason, sizeof(reason),
	         "supervised: %s: account %.200s (%.100s) waits for approval "
	         "(provhost review approve R%lld-%lld:%.100s); the next "
	         "reconcile --repair applies it",
	         policy_change_name(change), account_id, who,
	         (long long)r->run_id, (long long)f->n, r->conn->name);
	if (r->opt->dry_run)
		fprintf(rp->plan, "plan: connection \"%s\": %s\n",
		        r->conn->name, reason);
	recon_rp_set(rp, f, "supervised", reason);
	rp->held++;
	return 1;
}

void recon_rp_approval_used(struct repair *rp, const int64_t approval[2])
{
	char detail[200];

	if (!approval[0] || rp->r->opt->dry_run)
		return;
	snprintf(detail, sizeof(detail),
	         "applied by reconcile run %lld (finding %lld)",
	         (long long)rp->r->run_id, (long long)approval[1]);
	if (ledger_recon_applied(rp->r->ledger, approval[0], approval[1],
	                         detail))
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
}
