/* What a person decides before a write (README "Review"): supervised mode
 * holds the kinds of change a connection supervises for approval, an
 * approval binds to the plan it was shown (a different plan at run time
 * is held again), a deprovision that goes ahead supersedes the person's
 * earlier open work, and supervised items nobody approved expire — never a
 * deactivation. */
#include <stdlib.h>
#include <string.h>

#include "config/lifecycle_config.h"
#include "connector/loader.h"
#include "engine/run_internal.h"
#include "engine/run_stop.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/sha256.h"

enum policy_change run_change_of(bool deprovision,
                                 const struct ledger_link *link)
{
	if (deprovision)
		return POLICY_CHANGE_DEACTIVATE;
	if (!link)
		return POLICY_CHANGE_CREATE;
	return link->active ? POLICY_CHANGE_UPDATE : POLICY_CHANGE_REACTIVATE;
}

char *run_plan_text(enum policy_change change, bool deprovision,
                    const char *account_id, const char *record)
{
	char *text;

	if (asprintf(&text, "%s: %s account %s %s", policy_change_name(change),
	             deprovision ? "deprovision" : "provision",
	             account_id && account_id[0] ? account_id : "(none)",
	             record ? record : "{}") < 0)
		return NULL;
	return text;
}

char *run_guard_plan(struct run_conn *conn_run, const struct ledger_work *lw)
{
	const struct lifecycle_config *lc = conn_run->conn->lifecycle;
	struct ledger_link link;
	json_t *rec = NULL, *hr;
	char reason[300], *record, *text = NULL;
	struct event ev;
	bool has_link;

	if (event_parse_line(lw->raw, strlen(lw->raw), 0, &ev, reason,
	                     sizeof(reason)))
		return NULL;
	/* the person's whole record, as the worker will use it */
	hr = lw->record ? json_loads(lw->record, 0, NULL) : NULL;
	if (json_is_object(hr)) {
		json_decref(ev.attributes);
		ev.attributes = hr;
		hr = NULL;
	}
	json_decref(hr);
	has_link = ledger_link_get(conn_run->run->ledger, conn_run->conn->name,
	                           lw->employee_id, &link) == 0;
	if (mapping_identity(lc->mapping, ev.attributes, &rec, reason,
	                     sizeof(reason))) {
		rec = has_link && link.account_id[0] ? json_object() : NULL;
	}
	record = rec ? json_dumps(rec, JSON_COMPACT) : NULL;
	if (record)
		text = run_plan_text(POLICY_CHANGE_DEACTIVATE, true,
		                     has_link ? link.account_id : NULL, record);
	free(record);
	json_decref(rec);
	event_release(&ev);
	return text;
}

/* Holds t with plan text and reason: counted (as held by supervision, or
 * held again because the plan changed), listed, and the person's later
 * events of this run wait behind it. */
static void hold(struct run_worker *w, const struct run_task *t,
                 enum policy_change change, const char *plan,
                 const char *account_id, const char *reason, bool supervised)
{
	struct run_conn *conn_run = w->conn_run;
	char what[96];

	if (ledger_target_hold(conn_run->run->ledger, t->event_id,
	                       conn_run->conn->name, plan,
	                       policy_change_name(change), account_id, reason,
	                       clock_wall_s())) {
		run_fatal(
		        conn_run->run,
		        "ledger %s cannot be written (%s): stopped; event "
		        "%.60s of employee %.60s was not sent and is not held "
		        "either: the next run decides again",
		        conn_run->run->cfg->ledger_path, ledger_last_error(),
		        t->event_id, t->employee_id);
		return;
	}
	run_stats_add(&conn_run->stats, STAT_HELD, 1);
	if (supervised)
		atomic_fetch_add(&conn_run->supervised_held, 1);
	else
		atomic_fetch_add(&conn_run->replanned_held, 1);
	snprintf(what, sizeof(what), "event %.40s (employee %.30s)",
	         t->event_id, t->employee_id);
	run_problem_add(&conn_run->problems, what, reason);
	if (run_mark(w->conn_run, RUN_MARK_HELD, t->employee_id))
		log_msg(PROVHOST_LOG_ERROR, "out of memory");
	log_msg(PROVHOST_LOG_INFO, "connection \"%s\": %s: held: %s",
	        conn_run->conn->name, t->event_id, reason);
}

/* Whether change is supervised at stage: before a probe only a create is
 * known (the probe may still find an account: then the link stage
 * decides); a write without a probe for a person without a link may adopt
 * an account, so a supervised link holds it too. */
static bool supervised(unsigned supervise, enum run_gate_stage stage,
                       enum policy_change change)
{
	if (stage == RUN_GATE_WRITE && change == POLICY_CHANGE_CREATE)
		return supervise & (POLICY_CHANGE_CREATE | POLICY_CHANGE_LINK);
	return supervise & change;
}

int run_review_gate(struct run_worker *w, const struct run_task *t,
                    enum run_gate_stage stage, enum policy_change change,
                    bool deprovision, const char *account_id,
                    const char *record, char adopt[256])
{
	struct run_conn *conn_run = w->conn_run;
	unsigned supervise = conn_run->conn->lifecycle->policy.supervise;
	struct ledger_review_info info = {0};
	char sha[65], reason[700], *text = NULL;
	bool sup = supervised(supervise, stage, change);
	int r, rc = 0;

	if (t->attempts == 0 && !sup)
		return 0; /* never held, never approved: nothing to check */
	r = ledger_target_review_get(conn_run->run->ledger, t->event_id,
	                             conn_run->conn->name, &info);
	if (r < 0) {
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
		return 0;
	}
	if (!info.approved && !sup)
		goto out;
	text = run_plan_text(change, deprovision, account_id, record);
	if (!text || sha256_hex(text, strlen(text), sha)) {
		log_msg(PROVHOST_LOG_ERROR, "out of memory");
		goto out;
	}
	if (info.approved && stage == RUN_GATE_PROBE &&
	    !strcmp(info.change, "link") && info.account_id[0] && adopt) {
		/* approved as a link to that account: no probe (it could
		 * create an account nobody approved); the plan compared is the
		 * link's */
		change = POLICY_CHANGE_LINK;
		account_id = info.account_id;
		stage = RUN_GATE_LINK;
		sup = supervised(supervise, stage, change);
		free(text);
		text = run_plan_text(change, deprovision, account_id, record);
		if (!text || sha256_hex(text, strlen(text), sha)) {
			log_msg(PROVHOST_LOG_ERROR, "out of memory");
			goto out;
		}
		if (!info.approved_sha256[0] ||
		    !strcmp(info.approved_sha256, sha)) {
			snprintf(adopt, 256, "%s", info.account_id);
			goto out;
		}
	}
	if (info.approved) {
		if (!info.approved_sha256[0] ||
		    !strcmp(info.approved_sha256, sha))
			goto out; /* goes ahead as approved */
		snprintf(reason, sizeof(reason),
		         "%s%s%sheld again: the plan changed since it was "
		         "approved (approved plan %.12s, now %.12s: %s); "
		         "provhost review shows the new plan",
		         sup ? "supervised: " : "",
		         sup ? policy_change_name(change) : "", sup ? ": " : "",
		         info.approved_sha256, sha,
		         stage == RUN_GATE_LINK
		                 ? "the target has an account for them, it "
		                   "would be linked"
		                 : "what would be sent is different");
		hold(w, t, change, text,
		     stage == RUN_GATE_LINK ? account_id : NULL, reason, false);
		rc = 1;
		goto out;
	}
	if (stage == RUN_GATE_LINK)
		snprintf(reason, sizeof(reason),
		         "supervised: link: the target has account %s for "
		         "employee %s; adopting it waits for approval "
		         "(provhost review approve)",
		         account_id, t->employee_id);
	else if (change == POLICY_CHANGE_CREATE &&
	         !(supervise & POLICY_CHANGE_CREATE))
		snprintf(reason, sizeof(reason),
		         "supervised: link: the connector cannot tell before "
		         "writing whether it creates or adopts an account; "
		         "waits "
		         "for approval (provhost review approve)");
	else
		snprintf(reason, sizeof(reason),
		         "supervised: %s: waits for approval (provhost review "
		         "approve)",
		         policy_change_name(change));
	hold(w, t, change, text, stage == RUN_GATE_LINK ? account_id : NULL,
	     reason, true);
	rc = 1;
out:
	free(text);
	free(info.plan);
	return rc;
}

void run_supersede(struct run_worker *w, const struct run_task *t,
                   const char *kind)
{
	struct run_conn *conn_run = w->conn_run;
	char reason[600];
	int64_t n = 0;

	snprintf(reason, sizeof(reason),
	         "superseded by event %.100s (#%lld %s) of the same employee: "
	         "a leaver is deprovisioned, their earlier open work is not "
	         "sent",
	         t->event_id, (long long)t->seq, kind);
	if (ledger_supersede_before(conn_run->run->ledger, conn_run->conn->name,
	                            t->employee_id, t->seq, t->run_id,
	                            t->line_no,
	                            conn_run->conn->lifecycle->policy.leave ==
	                                    POLICY_LEAVE_DEPROVISION,
	                            reason, clock_wall_s(), &n)) {
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
		return;
	}
	if (n)
		atomic_fetch_add(&conn_run->superseded, n);
}

int run_supervise_expire(struct run_conn *conn_run)
{
	int64_t days = conn_run->conn->lifecycle->policy.supervise_expire_days;
	int64_t now = clock_wall_s(), before = now - days * 86400;
	char reason[300];

	if (!days)
		return 0;
	snprintf(reason, sizeof(reason),
	         "discarded: nobody approved it within supervise_expire_days "
	         "%lld (run %lld); never sent",
	         (long long)days, (long long)conn_run->run->run_id);
	return ledger_supervise_expire(conn_run->run->ledger,
	                               conn_run->conn->name, before, reason,
	                               now, &conn_run->supervise_expired,
	                               &conn_run->supervise_waiting);
}

void run_review_print(const struct run_conn *conn_run, FILE *out)
{
	const char *name = conn_run->conn->name;
	int64_t n;

	n = atomic_load(&conn_run->supervised_held);
	if (n)
		fprintf(out,
		        "  HELD: %lld supervised change%s on connection %s "
		        "wait%s for approval: provhost review\n",
		        (long long)n, n == 1 ? "" : "s", name,
		        n == 1 ? "s" : "");
	n = atomic_load(&conn_run->replanned_held);
	if (n)
		fprintf(out,
		        "  HELD: %lld approved item%s on connection %s held "
		        "again: the plan changed since the approval: provhost "
		        "review\n",
		        (long long)n, n == 1 ? "" : "s", name);
	n = atomic_load(&conn_run->superseded);
	if (n)
		fprintf(out,
		        "  SUPERSEDED: %lld earlier item%s of leavers on "
		        "connection %s will not be sent (provhost history "
		        "EMPLOYEE_ID)\n",
		        (long long)n, n == 1 ? "" : "s", name);
	if (conn_run->supervise_expired)
		fprintf(out,
		        "  EXPIRED: %lld supervised change%s on connection %s "
		        "nobody approved within supervise_expire_days %lld: "
		        "discarded, never sent\n",
		        (long long)conn_run->supervise_expired,
		        conn_run->supervise_expired == 1 ? "" : "s", name,
		        (long long)conn_run->conn->lifecycle->policy
		                .supervise_expire_days);
	if (conn_run->supervise_waiting)
		fprintf(out,
		        "  WAITING: %lld supervised deactivation%s on "
		        "connection "
		        "%s older than supervise_expire_days %lld: a "
		        "deactivation never expires, it waits for approval: "
		        "provhost review\n",
		        (long long)conn_run->supervise_waiting,
		        conn_run->supervise_waiting == 1 ? "" : "s", name,
		        (long long)conn_run->conn->lifecycle->policy
		                .supervise_expire_days);
}

int64_t run_review_held(const struct run_conn *conn_run)
{
	return atomic_load(&conn_run->supervised_held) +
	       atomic_load(&conn_run->replanned_held);
}

static void count_emit(void *ctx, const char *json, size_t len)
{
	(void)json;
	(void)len;
	(*(int *)ctx)++;
}

int run_review_link_check(struct run_worker *w, const struct run_task *t,
                          const char *account_id, const char *record)
{
	struct run_conn *conn_run = w->conn_run;
	const struct engine_config *ec = &conn_run->conn->engine;
	char reason[700], *text;
	provhost_error perr;
	provhost_call call;
	int found = 0;
	int32_t st;

	if (!(conn_run->conn->bound->desc->capabilities & PROVHOST_CAP_LOOKUP))
		return -1;
	instance_call_init(&call, 0, clock_mono_ms() + ec->call_timeout_ms,
	                   t->event_id, t->employee_id, NULL);
	watchdog_enter(&w->slot, "lookup", t->employee_id, call.deadline_ms);
	st = instance_lookup(w->inst, &call, account_id, NULL, count_emit,
	                     &found, &perr);
	watchdog_leave(&w->slot);
	run_stats_add(&conn_run->stats, STAT_REQUESTS, 1);
	if (st == PROVHOST_OK && found)
		return 0;
	if (st != PROVHOST_E_NOT_FOUND && st != PROVHOST_OK)
		return -1; /* cannot tell: the probe decides */
	snprintf(reason, sizeof(reason),
	         "held again: the plan changed since it was approved: "
	         "account %s that was approved for adoption is no longer on "
	         "the target; provisioning now would create an account "
	         "nobody approved",
	         account_id);
	/* what would happen now is a create: that is the plan to approve */
	text = run_plan_text(POLICY_CHANGE_CREATE, false, NULL, record);
	hold(w, t, POLICY_CHANGE_CREATE, text, NULL, reason, false);
	free(text);
	return 1;
}
