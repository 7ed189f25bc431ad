/* Decisions of one run's tasks, recorded and shown (run_decision.h). */
#include "engine/run_decision.h"

#include <stdlib.h>
#include <string.h>

#include "config/lifecycle_config.h"
#include "engine/run_stop.h"
#include "util/log.h"
#include "util/text_escape.h"

/* This thread's decision: one task at a time per worker. */
static _Thread_local struct {
	bool begun;
	const struct run_task *task;
	struct decision d;
} cur;

static void reset(void)
{
	if (cur.begun)
		decision_release(&cur.d);
	cur.begun = false;
	cur.task = NULL;
}

void run_decision_begin(struct run_conn *conn_run, const struct run_task *t)
{
	char *before_text = NULL;
	json_t *before = NULL, *after = NULL;

	reset();
	if (decision_init(&cur.d))
		return;
	cur.begun = true;
	cur.task = t;
	if (!t->record ||
	    ledger_record_before(conn_run->run->ledger, t->employee_id, t->seq,
	                         &before_text) != 0)
		return; /* a first record: nothing changed from before */
	before = json_loads(before_text, 0, NULL);
	after = json_loads(t->record, 0, NULL);
	if (decision_set_changes(
	            &cur.d, before, after,
	            mapping_sensitive(conn_run->conn->lifecycle->mapping)))
		log_msg(PROVHOST_LOG_ERROR, "out of memory");
	json_decref(before);
	json_decref(after);
	free(before_text);
}

void run_decision_policy(struct run_conn *conn_run, enum event_kind kind,
                         const struct rules_result *rr,
                         const struct policy_decision *dec)
{
	if (!cur.begun)
		return;
	decision_policy_reason(kind, rr, dec,
	                       &conn_run->conn->lifecycle->policy, cur.d.reason,
	                       sizeof(cur.d.reason));
	if (decision_set_rules(&cur.d, rr, dec))
		log_msg(PROVHOST_LOG_ERROR, "out of memory");
}

/* The reason when nothing was sent, in the decision vocabulary: the base
 * reason (policy's) and why, or "no change" for an unchanged target. */
static void final_reason(struct decision *d, enum ledger_state state,
                         const char *outcome, const char *why)
{
	char base[sizeof(d->reason)];
	const char *what = NULL;

	snprintf(base, sizeof(base), "%s", d->reason);
	if (state == LEDGER_DONE) {
		if (outcome && (!strcmp(outcome, "unchanged") ||
		                !strcmp(outcome, "absent")))
			what = !strcmp(outcome, "absent") ? "no account"
			                                  : "no change";
		if (what)
			snprintf(d->reason, sizeof(d->reason), "%.300s%s%s",
			         base, base[0] ? "; " : "", what);
		return;
	}
	/* a policy skip's why is the policy's own text: the base says it */
	if (state == LEDGER_SKIPPED && base[0] && strstr(base, "policy"))
		return;
	snprintf(d->reason, sizeof(d->reason), "%.200s%s%s: %.380s", base,
	         base[0] ? "; " : "", ledger_state_name(state),
	         why ? why : "-");
}

/* Prints the decision as a plan line (dry runs). */
static void print_plan_line(const struct run_conn *conn_run,
                            const char *event_id, const char *employee_id,
                            const char *text)
{
	char *esc = text_escape_dup(text);

	flockfile(stdout);
	printf("plan: connection \"%s\" event %s employee %s: decision %s\n",
	       conn_run->conn->name, event_id, employee_id,
	       esc ? esc : "(out of memory)");
	fflush(stdout);
	funlockfile(stdout);
	free(esc);
}

/* Stores, audits, logs and (dry run) prints d for the target. */
static void show(struct run_conn *conn_run, const char *event_id,
                 const char *employee_id, enum ledger_state state,
                 const char *outcome, const char *account_id,
                 const struct decision *d)
{
	struct run *run = conn_run->run;
	json_t *obj = decision_to_json(d), *members = NULL;
	bool shown = log_enabled(PROVHOST_LOG_INFO) || run->opt->dry_run;
	/* the text only where it is read: a log line or a plan line */
	char *json_text = NULL, *text = shown ? decision_text(d) : NULL;
	char err[600];

	if (!obj || (shown && !text))
		goto oom;
	json_text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	members = json_pack(
	        "{s:s, s:s, s:s, s:s, s:s?, s:s?, s:O}", "event", event_id,
	        "employee", employee_id, "connection", conn_run->conn->name,
	        "state", ledger_state_name(state), "outcome", outcome,
	        "account_id", account_id && *account_id ? account_id : NULL,
	        "decision", obj);
	if (!json_text || !members)
		goto oom;
	if (ledger_target_decision_store(run->ledger, event_id,
	                                 conn_run->conn->name, json_text) < 0)
		run_fatal(run,
		          "ledger %s cannot be written (%s): stopped; the "
		          "decision about event %.60s is not recorded",
		          run->cfg->ledger_path, ledger_last_error(), event_id);
	if (audit_write_object(&run->audit, run->run_id, run->opt->dry_run,
	                       "decision", members, err, sizeof(err)))
		run_fatal(run,
		          "%s: stopped; the decision about event %.60s "
		          "(employee %.60s) has no audit line",
		          err, event_id, employee_id);
	if (text)
		log_msg(PROVHOST_LOG_INFO,
		        "connection \"%s\" event %s employee %s: %s",
		        conn_run->conn->name, event_id, employee_id, text);
	if (run->opt->dry_run)
		print_plan_line(conn_run, event_id, employee_id, text);
	goto out;
oom:
	log_msg(PROVHOST_LOG_ERROR, "out of memory recording a decision");
out:
	json_decref(obj);
	json_decref(members);
	free(json_text);
	free(text);
}

void run_decision_finish(struct run_conn *conn_run, const struct run_task *t,
                         enum ledger_state state, const char *outcome,
                         const char *account_id, bool adopted, const char *why)
{
	if (!cur.begun || cur.task != t) {
		reset();
		if (decision_init(&cur.d)) {
			log_msg(PROVHOST_LOG_ERROR, "out of memory");
			return;
		}
		cur.begun = true;
	}
	cur.d.action = state == LEDGER_DONE
	                       ? decision_action_of_outcome(outcome, adopted)
	                       : DECISION_NONE;
	final_reason(&cur.d, state, outcome, why);
	show(conn_run, t->event_id, t->employee_id, state, outcome, account_id,
	     &cur.d);
	reset();
}

void run_decision_no_request(struct run_conn *conn_run,
                             const struct run_task *t, const char *account_id)
{
	if (!cur.begun || cur.task != t) {
		reset();
		if (decision_init(&cur.d)) {
			log_msg(PROVHOST_LOG_ERROR, "out of memory");
			return;
		}
		cur.begun = true;
	}
	cur.d.action = DECISION_NONE;
	snprintf(cur.d.reason, sizeof(cur.d.reason), "no change");
	show(conn_run, t->event_id, t->employee_id, LEDGER_DONE, "unchanged",
	     account_id, &cur.d);
	reset();
}

void run_decision_end(void)
{
	reset();
}

void run_decision_held(struct run_conn *conn_run, const char *event_id,
                       const char *employee_id, const char *why)
{
	struct decision d;

	if (decision_init(&d)) {
		log_msg(PROVHOST_LOG_ERROR, "out of memory");
		return;
	}
	static const char prefix[] = "held by the mass-deprovision guard: ";

	if (!strncmp(why, prefix, strlen(prefix)))
		why += strlen(prefix);
	snprintf(d.reason, sizeof(d.reason), "held by guard: %s", why);
	show(conn_run, event_id, employee_id, LEDGER_HELD, NULL, NULL, &d);
	decision_release(&d);
}
