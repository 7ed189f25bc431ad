/* The identity rules of one event on one connection, checked against the
 * ledger before anything is written (design §8): one account per person and
 * one person per account, and one work email per person. A break of either
 * makes the target disputed: no write is sent for it, and the person's later
 * events wait behind it (a deprovision does not). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/lifecycle_config.h"
#include "engine/run_decision.h"
#include "engine/run_internal.h"
#include "lifecycle/person.h"
#include "util/clock.h"
#include "util/log.h"

void run_identity_dispute(struct run_worker *w, const struct run_task *t,
                          const char *outcome, const char *account_id,
                          const char *why)
{
	struct run_conn *conn_run = w->conn_run;
	char what[96];

	if (ledger_target_finish(conn_run->run->ledger, t->event_id,
	                         conn_run->conn->name, LEDGER_DISPUTED, outcome,
	                         account_id, 0, why, clock_wall_s()))
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
	run_stats_add(&conn_run->stats, STAT_DISPUTED, 1);
	run_decision_finish(conn_run, t, LEDGER_DISPUTED, outcome, account_id,
	                    false, why);
	snprintf(what, sizeof(what), "event %.40s (employee %.30s)",
	         t->event_id, t->employee_id);
	run_problem_add(&conn_run->problems, what, why);
	if (run_mark(w->conn_run, RUN_MARK_DISPUTED, t->employee_id))
		log_msg(PROVHOST_LOG_ERROR, "out of memory");
	log_msg(PROVHOST_LOG_WARN, "connection \"%s\": %s: disputed: %s",
	        conn_run->conn->name, t->event_id, why);
}

/* Shared work email (policy shared_email=dispute): the person who got the
 * email later is disputed. Returns 1 (finished) or 0. */
static int shared_email(struct run_worker *w, const struct run_task *t,
                        const struct event *ev)
{
	struct run_conn *conn_run = w->conn_run;
	char key[PERSON_EMAIL_KEY_MAX], other[256], why[1600];
	struct ledger_person me;
	struct ledger_link link;
	int64_t claim = t->seq;
	int r;

	person_email_key(ev->attributes, key, sizeof(key));
	if (!key[0])
		return 0;
	r = ledger_person_get(conn_run->run->ledger, t->employee_id, &me);
	if (r == 0 && !strcmp(me.email_key, key) && me.email_seq)
		claim = me.email_seq;
	if (r == 0)
		free(me.record);
	r = ledger_email_claimant(conn_run->run->ledger, key, t->employee_id,
	                          claim, other);
	if (r < 0)
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
	if (r)
		return 0;
	if (ledger_link_get(conn_run->run->ledger, conn_run->conn->name, other,
	                    &link) == 0)
		snprintf(why, sizeof(why),
		         "employee %s has the same work email (%s) as employee "
		         "%s, linked to account %s; two people with one work "
		         "email are an HR data error (policy "
		         "shared_email=dispute); nothing was sent",
		         t->employee_id, key, other, link.account_id);
	else
		snprintf(
		        why, sizeof(why),
		        "employee %s has the same work email (%s) as employee "
		        "%s; two people with one work email are an HR data "
		        "error (policy shared_email=dispute); nothing was sent",
		        t->employee_id, key, other);
	run_identity_dispute(w, t, NULL, NULL, why);
	return 1;
}

int run_identity_check(struct run_worker *w, const struct run_task *t,
                       const struct event *ev, bool deprovision, bool has_link,
                       const char *user_name)
{
	struct run_conn *conn_run = w->conn_run;
	const struct policy *p = &conn_run->conn->lifecycle->policy;
	char other[256], acct[256], why[1600];
	int r;

	/* a leaver with an account of their own is always deprovisioned */
	if (deprovision && has_link)
		return 0;
	if (p->shared_email == POLICY_SHARED_EMAIL_DISPUTE &&
	    shared_email(w, t, ev))
		return 1;
	if (has_link)
		return 0;
	/* the connector would find the account by userName: one that is
	 * linked to someone else is not this person's */
	r = ledger_link_by_user_name(conn_run->run->ledger,
	                             conn_run->conn->name, user_name,
	                             t->employee_id, other, acct);
	if (r < 0)
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
	if (r)
		return deprovision ? 0 : run_user_name_reserve(w, t, user_name);
	snprintf(why, sizeof(why),
	         "userName \"%s\" of employee %s is account %s, linked to "
	         "employee %s; an account belongs to one person; nothing was "
	         "sent",
	         user_name, t->employee_id, acct, other);
	run_identity_dispute(w, t, NULL, NULL, why);
	return 1;
}

int run_identity_candidate(struct run_worker *w, const struct run_task *t,
                           const char *account_id, const char *outcome,
                           bool written)
{
	struct run_conn *conn_run = w->conn_run;
	char owner[256], why[1600];
	int r;

	if (!account_id || !account_id[0])
		return 0;
	r = ledger_link_owner(conn_run->run->ledger, conn_run->conn->name,
	                      account_id, owner, sizeof(owner));
	if (r < 0)
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
	if (r || !strcmp(owner, t->employee_id))
		return 0;
	snprintf(why, sizeof(why),
	         "the account found for employee %s is account %s, linked to "
	         "employee %s; not linked to %s%s",
	         t->employee_id, account_id, owner, t->employee_id,
	         written ? " (the connector had already written it: it "
	                   "cannot report a candidate first)"
	                 : "; nothing was sent");
	run_identity_dispute(w, t, outcome, account_id, why);
	return 1;
}
