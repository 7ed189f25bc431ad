/* Applying one outstanding target: decide what the event means for this
 * connection (role rules, policy, mapping), call the connector with retries
 * and pacing, and record every attempt and the outcome. */
#include <stdlib.h>
#include <string.h>

#include "config/lifecycle_config.h"
#include "connector/loader.h"
#include "connector/status_names.h"
#include "engine/backoff.h"
#include "engine/run_decision.h"
#include "engine/run_dryplan.h"
#include "engine/run_internal.h"
#include "engine/run_rate.h"
#include "engine/run_state.h"
#include "engine/run_stop.h"
#include "lifecycle/events.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/text_escape.h"

enum op { OP_PROVISION, OP_DEPROVISION };

/* What one task turned into before any call. */
struct plan {
	enum op op;
	char *record; /* JSON text for the connector, owned */
	char user_name[256];
	const char *account_id; /* linked account or NULL */
	bool probe;            /* PROVHOST_CALL_NO_ADOPT: report, don't adopt */
	uint32_t n_candidates; /* accounts the probe found (> 1: dispute) */
	bool adopting;  /* account_id is the probe's candidate, not a link */
	bool timed_out; /* an attempt of this event timed out in this run */
	int attempts;   /* calls made for this event so far */
	char candidate[256];  /* the account a probe found, "" none */
	struct run_last last; /* the link's last written state (run_state) */
};

/* Failures that make the whole connection unusable: stop at once. */
static bool stops_connection(int32_t st)
{
	return st == PROVHOST_E_CREDENTIAL || st == PROVHOST_E_PERMISSION ||
	       st == PROVHOST_E_CONFIG || st == PROVHOST_E_DNS ||
	       st == PROVHOST_E_TLS;
}

/* Failures that say the target is struggling (breaker food). */
static bool target_trouble(int32_t st)
{
	return st == PROVHOST_E_TRANSIENT || st == PROVHOST_E_TIMEOUT ||
	       st == PROVHOST_E_CONNECT || st == PROVHOST_E_PROTOCOL;
}

static enum run_count outcome_counter(int32_t outcome)
{
	switch (outcome) {
	case PROVHOST_OUTCOME_CREATED:
		return STAT_CREATED;
	case PROVHOST_OUTCOME_UPDATED:
		return STAT_UPDATED;
	case PROVHOST_OUTCOME_REACTIVATED:
		return STAT_REACTIVATED;
	case PROVHOST_OUTCOME_DEACTIVATED:
	case PROVHOST_OUTCOME_DELETED:
		return STAT_DEACTIVATED;
	default:
		return STAT_UNCHANGED;
	}
}

/* An outcome this host knows as a success's result (NONE is not one; a
 * candidate only answers a probe, and instance.c refuses one that was not
 * asked for). */
static bool known_outcome(int32_t outcome, bool probe)
{
	return (outcome >= PROVHOST_OUTCOME_CREATED &&
	        outcome <= PROVHOST_OUTCOME_ABSENT) ||
	       (probe && outcome == PROVHOST_OUTCOME_CANDIDATE);
}

/* Turns a success with an outcome this host does not know into a protocol
 * error (not retried in this run: the connector, not the target, is at
 * fault, and what it did is unknown). Returns the new status. */
static int32_t unknown_outcome(const struct run_conn *conn_run,
                               const provhost_result *res, provhost_error *perr)
{
	memset(perr, 0, sizeof(*perr));
	perr->status = PROVHOST_E_PROTOCOL;
	perr->remote_code = res->remote_code;
	snprintf(perr->message, sizeof(perr->message),
	         "protocol error: connector \"%.100s\" reported success with "
	         "%s outcome %d; the account may or may not have changed",
	         conn_run->conn->bound->desc->name,
	         res->outcome ? "unknown" : "no", (int)res->outcome);
	return PROVHOST_E_PROTOCOL;
}

/* True when an earlier attempt at provisioning t's event, with no linked
 * account, timed out: its request may have created the account, so a
 * retry finding it "unchanged" or "updated" is in truth the create. Earlier
 * runs count too (the ledger's attempts), in this run plan->timed_out says it
 * (the probe and the write that adopts its candidate are one provision). */
static bool create_timed_out(struct run_conn *conn_run,
                             const struct run_task *t, const struct plan *plan)
{
	if (plan->op != OP_PROVISION || (plan->account_id && !plan->adopting))
		return false;
	if (plan->timed_out)
		return true;
	if (t->run_id == conn_run->run->run_id)
		return false; /* stored by this run: no earlier attempts */
	return ledger_attempt_had(
	               conn_run->run->ledger, t->event_id, conn_run->conn->name,
	               provhost_status_name(PROVHOST_E_TIMEOUT)) == 1;
}

/* Lists a failed or rejected event for the summary. */
static void note_problem(struct run_conn *conn_run, const struct run_task *t,
                         const char *why)
{
	char what[96];

	snprintf(what, sizeof(what), "event %.40s (employee %.30s)",
	         t->event_id, t->employee_id);
	run_problem_add(&conn_run->problems, what, why);
}

/* A ledger write failed (disk full, I/O error, ...): the ledger is one
 * file for every connection, so the whole run stops. what says what is
 * now true on the target but missing from the ledger; the target stays as
 * the ledger had it (pending or failed), so the next run applies it
 * again. counted: the outcome was counted (created, failed, ...), so the
 * summary must not count the target again as pending. Call right after
 * the failed ledger call (its thread's error). */
static void ledger_write_failed(struct run_conn *conn_run,
                                const struct run_task *t, bool counted,
                                const char *what)
{
	if (counted) {
		run_stats_add(&conn_run->stats, STAT_UNRECORDED, 1);
		if (t->was_pending)
			atomic_fetch_add(&conn_run->unrecorded_pending, 1);
	}
	run_fatal(conn_run->run,
	          "ledger %s cannot be written (%s): stopped; %s",
	          conn_run->run->cfg->ledger_path, ledger_last_error(), what);
}

/* Finishes a target without a call (skipped or rejected). */
static void finish_without_call(struct run_conn *conn_run,
                                const struct run_task *t,
                                enum ledger_state state, const char *why)
{
	char what[400];

	if (ledger_target_finish(conn_run->run->ledger, t->event_id,
	                         conn_run->conn->name, state, NULL, NULL, 0,
	                         why, clock_wall_s())) {
		snprintf(what, sizeof(what),
		         "event %.60s of employee %.60s was %s without a call, "
		         "but that is not recorded: the next run decides again",
		         t->event_id, t->employee_id, ledger_state_name(state));
		ledger_write_failed(conn_run, t, true, what);
	}
	if (state == LEDGER_REJECTED) {
		run_stats_add(&conn_run->stats, STAT_REJECTED, 1);
		note_problem(conn_run, t, why);
	} else {
		run_stats_add(&conn_run->stats, STAT_SKIPPED, 1);
	}
	run_decision_finish(conn_run, t, state, NULL, NULL, false, why);
}

/* Dry-run reports from the connector: one "plan:" line on stdout. */
struct plan_ctx {
	struct run_conn *conn_run;
	const struct run_task *task;
};

static pthread_mutex_t plan_lock = PTHREAD_MUTEX_INITIALIZER;

static void print_plan(void *ctx, const char *method, const char *target,
                       const char *body)
{
	struct plan_ctx *pc = ctx;
	char *e_target = text_escape_dup(target);
	char *e_body = body ? text_escape_dup(body) : NULL;

	pthread_mutex_lock(&plan_lock);
	printf("plan: connection \"%s\" event %s employee %s: %s %s%s%s\n",
	       pc->conn_run->conn->name, pc->task->event_id,
	       pc->task->employee_id, method, e_target ? e_target : "?",
	       e_body ? " " : "", e_body ? e_body : "");
	fflush(stdout);
	pthread_mutex_unlock(&plan_lock);
	free(e_target);
	free(e_body);
}

/* True when the last deactivation of this person's account on conn_run's
 * connection came from a terminate or a leave: then an update must not
 * bring the account back (only a rehire or return does). A deactivation by
 * a role change (no rule matched) may be undone by a later update that
 * matches again. Rare path: only for updates of deactivated people. */
static bool deactivated_by_leaving(struct run_conn *conn_run,
                                   const char *employee)
{
	struct ledger_history_row *rows = NULL;
	bool leaving = true; /* unknown: be careful */
	size_t n = 0, i;

	if (ledger_history(conn_run->run->ledger, employee, &rows, &n))
		return true;
	for (i = n; i-- > 0;) {
		const struct ledger_history_row *r = &rows[i];

		if (strcmp(r->connection, conn_run->conn->name) ||
		    r->target.state != LEDGER_DONE ||
		    (strcmp(r->target.outcome, "deactivated") &&
		     strcmp(r->target.outcome, "deleted")))
			continue;
		leaving = r->kind == EVENT_TERMINATE || r->kind == EVENT_LEAVE;
		break;
	}
	free(rows);
	return leaving;
}

/* Decides the operation and builds the record. Returns 0 with *plan
 * filled, or 1 when the task was finished here (skipped / rejected). */
static int make_plan(struct run_worker *w, const struct run_task *t,
                     const struct event *ev, const struct ledger_link *link,
                     bool has_link, struct plan *plan)
{
	struct run_conn *conn_run = w->conn_run;
	const struct lifecycle_config *lc = conn_run->conn->lifecycle;
	struct policy_decision dec;
	struct rules_result rr;
	json_t *rec = NULL, *un;
	char reason[400];
	int rc_map;

	if (ev->kind == EVENT_UPDATE && has_link && !link->active &&
	    deactivated_by_leaving(conn_run, t->employee_id)) {
		finish_without_call(
		        conn_run, t, LEDGER_SKIPPED,
		        "account was deprovisioned; an update does "
		        "not reactivate it (send rehire or return)");
		return 1;
	}
	if (rules_evaluate(lc->rules, ev->attributes, &rr)) {
		finish_without_call(conn_run, t, LEDGER_FAILED,
		                    "out of memory");
		return 1;
	}
	policy_decide(&lc->policy, ev->kind, &rr, has_link, &dec);
	run_decision_policy(conn_run, ev->kind, &rr, &dec);
	if (dec.action == POLICY_SKIP) {
		finish_without_call(conn_run, t, LEDGER_SKIPPED, dec.reason);
		rules_result_release(&rr);
		return 1;
	}
	plan->op =
	        dec.action == POLICY_PROVISION ? OP_PROVISION : OP_DEPROVISION;
	if (plan->op == OP_PROVISION)
		rc_map = mapping_apply(lc->mapping, ev->attributes, true,
		                       dec.roles, &rec, reason, sizeof(reason));
	else
		rc_map = mapping_identity(lc->mapping, ev->attributes, &rec,
		                          reason, sizeof(reason));
	rules_result_release(&rr);
	if (rc_map && plan->op == OP_DEPROVISION && has_link &&
	    link->account_id[0]) {
		rec = json_object(); /* the linked id is enough */
		rc_map = rec ? 0 : -1;
	}
	if (rc_map) {
		finish_without_call(conn_run, t, LEDGER_REJECTED, reason);
		return 1;
	}
	if (plan->op == OP_PROVISION) {
		int r = run_user_name_choose(
		        w, t, ev->attributes, has_link ? link : NULL, rec,
		        plan->user_name, sizeof(plan->user_name));

		if (r) {
			json_decref(rec);
			if (r < 0)
				finish_without_call(conn_run, t, LEDGER_FAILED,
				                    "out of memory");
			return 1;
		}
	}
	un = json_object_get(rec, "userName");
	snprintf(plan->user_name, sizeof(plan->user_name), "%s",
	         json_is_string(un) ? json_string_value(un)
	                            : (has_link ? link->user_name : ""));
	plan->record = json_dumps(rec, JSON_COMPACT);
	json_decref(rec);
	if (!plan->record) {
		finish_without_call(conn_run, t, LEDGER_FAILED,
		                    "out of memory");
		return 1;
	}
	plan->account_id =
	        has_link && link->account_id[0] ? link->account_id : NULL;
	return 0;
}

/* Records a successful call: target done, link, counters — or disputed
 * when the account the connector returned is linked to another employee
 * (checked first, and enforced by the ledger's unique link). Returns 0
 * (disputed too), or -1 when the ledger could not take it (error in
 * ledger_last_error; the outcome is still counted where it happened). */
static int record_success(struct run_worker *w, const struct run_task *t,
                          const struct plan *plan, const provhost_result *res)
{
	struct run_conn *conn_run = w->conn_run;
	struct ledger *l = conn_run->run->ledger;
	const char *acct =
	        res->account_id[0] ? res->account_id : plan->account_id;
	const char *outcome = provhost_outcome_name(res->outcome);
	bool active = plan->op == OP_PROVISION;
	bool dry = conn_run->run->opt->dry_run;
	int64_t now = clock_wall_s();
	int r = 0, rc_ledger = 0;
	char planned[64];

	if (dry && !acct) /* a planned create: its later events need it */
		acct = run_dryplan_new_account(res->outcome, planned,
		                               sizeof(planned));

	if (!plan->account_id &&
	    run_identity_candidate(w, t, acct, outcome, true))
		return 0;
	if (acct)
		r = ledger_link_set(l, conn_run->conn->name, t->employee_id,
		                    acct,
		                    plan->user_name[0] ? plan->user_name : NULL,
		                    active, now);
	if (r == LEDGER_LINK_TAKEN) {
		char why[1200];

		snprintf(why, sizeof(why),
		         "the account found for employee %s is account %s, "
		         "which the ledger links to another employee: %s",
		         t->employee_id, acct, ledger_last_error());
		run_identity_dispute(w, t, outcome, acct, why);
		return 0;
	}
	if (r ||
	    ledger_target_finish(l, t->event_id, conn_run->conn->name,
	                         LEDGER_DONE, outcome, acct, res->remote_code,
	                         NULL, now) ||
	    run_last_record(w, t, active, acct, plan->record, &plan->last, res))
		rc_ledger = -1;
	if (dry && !rc_ledger &&
	    run_dryplan_note(conn_run, t, plan->op == OP_PROVISION,
	                     plan->record, acct, res->outcome))
		rc_ledger = -1;
	run_decision_finish(conn_run, t, LEDGER_DONE, outcome, acct,
	                    !plan->account_id || plan->adopting, NULL);
	run_stats_add(&conn_run->stats, outcome_counter(res->outcome), 1);
	return rc_ledger;
}

/* Calls the connector once. */
static int32_t call_connector(struct run_worker *w, const struct run_task *t,
                              const struct plan *plan, int64_t deadline_ms,
                              struct call_hooks *hooks, provhost_result *res,
                              provhost_error *perr)
{
	provhost_call call;
	uint32_t flags =
	        w->conn_run->run->opt->dry_run ? PROVHOST_CALL_DRY_RUN : 0;
	int32_t st;

	if (plan->probe)
		flags |= PROVHOST_CALL_NO_ADOPT;
	instance_call_init(&call, flags, deadline_ms, t->event_id,
	                   t->employee_id, hooks);
	if (plan->op == OP_PROVISION && !plan->adopting)
		run_last_call(w, &plan->last, plan->account_id, &call);
	watchdog_enter(&w->slot,
	               plan->op == OP_PROVISION ? "provision" : "deprovision",
	               t->employee_id, deadline_ms);
	if (plan->op == OP_PROVISION)
		st = instance_provision(w->inst, &call, plan->account_id,
		                        plan->record, res, perr);
	else
		st = instance_deprovision(w->inst, &call, plan->account_id,
		                          plan->record, res, perr);
	watchdog_leave(&w->slot);
	return st;
}

/* Writes the audit line and the ledger's attempt row for one call. Returns
 * 0; -1 when the ledger write failed (ledger_last_error); a failed audit
 * line stops the run here (run_fatal) and is not an error of the call. */
static int record_attempt(struct run_worker *w, const struct run_task *t,
                          const struct plan *plan, int attempt, int32_t st,
                          const provhost_result *res,
                          const provhost_error *perr, int64_t duration_ms,
                          bool retrying)
{
	struct run_conn *conn_run = w->conn_run;
	struct audit_record ar = {
	        .run_id = conn_run->run->run_id,
	        .event_id = t->event_id,
	        .employee_id = t->employee_id,
	        .connection = conn_run->conn->name,
	        .operation =
	                plan->op == OP_PROVISION ? "provision" : "deprovision",
	        .attempt = attempt,
	        .status = provhost_status_name(st),
	        .outcome = st == PROVHOST_OK
	                           ? provhost_outcome_name(res->outcome)
	                           : NULL,
	        .account_id =
	                st == PROVHOST_OK ? res->account_id : plan->account_id,
	        .http_status = st == PROVHOST_OK ? res->remote_code
	                                         : perr->remote_code,
	        .duration_ms = duration_ms,
	        .error = st == PROVHOST_OK ? NULL : perr->message,
	        .retrying = retrying,
	        .dry_run = conn_run->run->opt->dry_run,
	};

	char err[600];

	if (audit_write(&conn_run->run->audit, &ar, err, sizeof(err)))
		run_fatal(
		        conn_run->run,
		        "%s: stopped; the %s of event %.60s (employee %.60s, "
		        "attempt %d: %s) is recorded in the ledger but has no "
		        "audit line",
		        err, ar.operation, t->event_id, t->employee_id, attempt,
		        ar.outcome ? ar.outcome : ar.status);
	return ledger_attempt_record(conn_run->run->ledger, t->event_id,
	                             conn_run->conn->name, clock_wall_s(),
	                             ar.status, ar.http_status, duration_ms,
	                             ar.error);
}

/* What a successful call did, for the message when it is not recorded. */
static void describe_success(const struct run_task *t, const struct plan *plan,
                             const provhost_result *res, char *buf, size_t len)
{
	const char *acct =
	        res->account_id[0] ? res->account_id : plan->account_id;

	snprintf(buf, len,
	         "the account of employee %.60s (event %.60s) was %s%s%.100s%s "
	         "but that is not recorded — the target stays pending and the "
	         "next run applies the event again, finding the account that "
	         "is already there (no duplicate)",
	         t->employee_id, t->event_id,
	         provhost_outcome_name(res->outcome), acct ? " (id " : "",
	         acct ? acct : "", acct ? ")" : "");
}

/* Calls until success, a permanent failure, the attempt limit, the event's
 * deadline, or the breaker opening (then the target stays pending). */
static void apply_plan(struct run_worker *w, const struct run_task *t,
                       struct plan *plan)
{
	struct run_conn *conn_run = w->conn_run;
	const struct engine_config *ec = &conn_run->conn->engine;
	struct plan_ctx pctx = {conn_run, t};
	struct call_hooks hooks = {print_plan, &pctx};
	int64_t deadline = clock_mono_ms() + ec->event_deadline_ms;
	int64_t start, delay, call_deadline;
	provhost_result res;
	provhost_error perr;
	char why[700];
	/* the probe and the write adopting its candidate number their
	 * attempts as one provision */
	int attempt = plan->attempts, failures = 0, limited = 0;
	enum ledger_state state = LEDGER_FAILED;
	uint64_t waits;
	int32_t st;
	bool retry;

	for (;;) {
		if (run_conn_halted(conn_run))
			return; /* stays pending for a re-run */
		plan->attempts = ++attempt;
		call_deadline = clock_mono_ms() + ec->call_timeout_ms;
		if (call_deadline > deadline)
			call_deadline = deadline;
		start = clock_mono_ms();
		waits = pacer_thread_refused_waits();
		st = call_connector(w, t, plan, call_deadline, &hooks, &res,
		                    &perr);
		run_stats_add(&conn_run->stats, STAT_REQUESTS, 1);
		if (st == PROVHOST_E_TIMEOUT &&
		    pacer_thread_refused_waits() != waits) {
			/* rate limiting left no time before the deadline: not
			 * the target's trouble; stop, the event stays pending
			 */
			record_attempt(w, t, plan, attempt, st, &res, &perr,
			               clock_mono_ms() - start, false);
			run_rate_stop_reason(conn_run, why, sizeof(why));
			breaker_trip(&conn_run->breaker, why);
			return;
		}
		if (st == PROVHOST_OK &&
		    !known_outcome(res.outcome, plan->probe))
			st = unknown_outcome(conn_run, &res, &perr);
		if (st == PROVHOST_OK) {
			/* attempt, outcome and link in one transaction: all
			 * of it, or (the ledger cannot be written) none */
			struct ledger *l = conn_run->run->ledger;
			bool batched = !ledger_batch_begin(l), bad = false;

			if ((res.outcome == PROVHOST_OUTCOME_UNCHANGED ||
			     res.outcome == PROVHOST_OUTCOME_UPDATED) &&
			    create_timed_out(conn_run, t, plan))
				res.outcome = PROVHOST_OUTCOME_CREATED;

			if (record_attempt(w, t, plan, attempt, st, &res, &perr,
			                   clock_mono_ms() - start, false))
				bad = true;
			if (plan->probe &&
			    res.outcome == PROVHOST_OUTCOME_CANDIDATE) {
				/* a candidate, nothing written: the caller
				 * decides against the ledger */
				snprintf(plan->candidate,
				         sizeof(plan->candidate), "%s",
				         res.account_id);
				plan->n_candidates = res.n_candidates;
			} else if (record_success(w, t, plan, &res)) {
				bad = true;
			}
			if (batched && ledger_batch_end(l, !bad))
				bad = true; /* rolled back: stays as it was */
			if (bad) {
				describe_success(t, plan, &res, why,
				                 sizeof(why));
				ledger_write_failed(conn_run, t, true, why);
			}
			breaker_record(&conn_run->breaker, 0);
			return;
		}
		if (stops_connection(st)) {
			if (record_attempt(w, t, plan, attempt, st, &res, &perr,
			                   clock_mono_ms() - start, false))
				log_msg(PROVHOST_LOG_ERROR, "ledger: %s",
				        ledger_last_error());
			snprintf(why, sizeof(why), "%s (%s)", perr.message,
			         provhost_status_name(st));
			breaker_trip(&conn_run->breaker, why);
			return;
		}
		if (st == PROVHOST_E_RATE_LIMITED) {
			delay = perr.retry_after_ms
			                ? perr.retry_after_ms
			                : backoff_delay_ms(attempt,
			                                   ec->backoff_base_ms,
			                                   ec->backoff_max_ms,
			                                   0, &w->rng);
			pacer_pause(&conn_run->pacer, clock_mono_us(),
			            delay * 1000);
			delay = 0; /* the pacer holds the next call */
			limited++; /* not a failure: not counted in attempts */
		} else {
			failures++;
			delay = backoff_delay_ms(failures, ec->backoff_base_ms,
			                         ec->backoff_max_ms,
			                         perr.retry_after_ms, &w->rng);
		}
		if (st == PROVHOST_E_TIMEOUT)
			plan->timed_out = true;
		retry = perr.retryable && failures < ec->max_attempts &&
		        clock_mono_ms() + delay < deadline;
		if (record_attempt(w, t, plan, attempt, st, &res, &perr,
		                   clock_mono_ms() - start, retry)) {
			snprintf(why, sizeof(why),
			         "attempt %d of event %.60s (employee %.60s) "
			         "failed (%s) and is not recorded; the target "
			         "stays as it was",
			         attempt, t->event_id, t->employee_id,
			         provhost_status_name(st));
			/* once stopped, calls cut short by the stop are
			 * no news: only the first failure is reported */
			if (!atomic_load(&conn_run->run->fatal))
				ledger_write_failed(conn_run, t, false, why);
			return;
		}
		if (!retry)
			break;
		run_stats_add(&conn_run->stats, STAT_RETRIES, 1);
		run_conn_sleep(conn_run, delay);
	}
	/* the breaker judges events, not attempts: a call that succeeds on a
	 * retry is a working target, one that exhausts its retries is not */
	if (target_trouble(st))
		breaker_record(&conn_run->breaker, 1);
	if (perr.retryable && limited)
		snprintf(why, sizeof(why),
		         "gave up after %d attempts (%d answered 429): %s",
		         attempt, limited, perr.message);
	else if (perr.retryable)
		snprintf(why, sizeof(why), "gave up after %d attempts: %s",
		         attempt, perr.message);
	else
		snprintf(why, sizeof(why), "%s", perr.message);
	/* the connector refused the record itself, without the target (no
	 * remote code): retrying can never succeed, a corrected record comes
	 * as a new event. A target's 400 stays failed: it may depend on the
	 * target's state (a role not created yet), and connection-wide
	 * failures stop the connection and leave the work pending. */
	if (st == PROVHOST_E_INVALID_INPUT && !perr.retryable &&
	    !perr.remote_code)
		state = LEDGER_REJECTED;
	if (ledger_target_finish(conn_run->run->ledger, t->event_id,
	                         conn_run->conn->name, state, NULL, NULL,
	                         perr.remote_code, why, clock_wall_s())) {
		char what[900];

		snprintf(what, sizeof(what),
		         "event %.60s (employee %.60s) %s (%.300s) but that is "
		         "not recorded; the next run tries it again",
		         t->event_id, t->employee_id,
		         state == LEDGER_REJECTED ? "was rejected" : "failed",
		         why);
		ledger_write_failed(conn_run, t, true, what);
	}
	run_decision_finish(conn_run, t, state, NULL, NULL, false, why);
	note_problem(conn_run, t, why);
	/* a write may have reached the target before it failed (a lost
	 * answer): the last state is no longer known */
	if (plan->op == OP_PROVISION &&
	    ledger_state_clear(conn_run->run->ledger, conn_run->conn->name,
	                       t->employee_id))
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
	if (state == LEDGER_REJECTED) {
		/* final, like a mapping rejection: later events may go on */
		run_stats_add(&conn_run->stats, STAT_REJECTED, 1);
		return;
	}
	run_stats_add(&conn_run->stats, STAT_FAILED, 1);
	if (run_mark(w->conn_run, RUN_MARK_BLOCKED, t->employee_id))
		log_msg(PROVHOST_LOG_ERROR, "out of memory");
}

static int by_employee(const void *key, const void *row)
{
	return strcmp(key, ((const struct ledger_held *)row)->employee_id);
}

/* The held target of t's employee that t comes after, or NULL. "After":
 * stored later, or on a later line of the same run's input (a line held at
 * the end of ingest is stored after the lines that follow it). */
static const struct ledger_held *held_before(const struct run_conn *conn_run,
                                             const struct run_task *t)
{
	const struct ledger_held *h, *end = conn_run->held + conn_run->n_held;

	if (!conn_run->n_held)
		return NULL;
	h = bsearch(t->employee_id, conn_run->held, conn_run->n_held,
	            sizeof(*h), by_employee);
	if (!h)
		return NULL;
	while (h > conn_run->held && !strcmp(h[-1].employee_id, t->employee_id))
		h--; /* the person's first held target */
	for (; h < end && !strcmp(h->employee_id, t->employee_id); h++)
		if (t->seq > h->seq ||
		    (t->run_id == h->run_id && t->line_no > h->line_no))
			return h;
	return NULL;
}

/* A deprovision is never blocked by a held item: a leaver must not keep
 * access because an earlier line waits for review. */
static bool is_deprovision(const struct run_conn *conn_run,
                           const struct event *ev)
{
	return ev->kind == EVENT_TERMINATE ||
	       (ev->kind == EVENT_LEAVE &&
	        conn_run->conn->lifecycle->policy.leave ==
	                POLICY_LEAVE_DEPROVISION);
}

/* Puts the person's whole HR record (JSON text stored with the event) in
 * place of the attributes the event carried. 0, or -1 out of memory. */
static int use_record(struct event *ev, const char *record)
{
	json_t *rec = json_loads(record, 0, NULL);

	if (!rec)
		return -1;
	if (!json_is_object(rec)) {
		json_decref(rec);
		return 0; /* not a record: keep the event's attributes */
	}
	json_decref(ev->attributes);
	ev->attributes = rec;
	return 0;
}

/* Provisions a person without a link in two steps when the connector can
 * report the account it would adopt without writing to it (ABI 1.1
 * PROVHOST_CAP_NO_ADOPT): first the probe, which creates the account when
 * there is none and otherwise only reports the candidate; then — unless
 * the candidate is linked to another employee, or there are several
 * (disputed: nothing written) — the write to that account. A connector
 * without the capability gets one call; record_success then checks the
 * returned account, after the write. */
static void apply_with_candidate(struct run_worker *w, const struct run_task *t,
                                 struct plan *plan)
{
	char why[700];

	if (plan->op == OP_PROVISION && !plan->account_id &&
	    !w->conn_run->run->opt->dry_run && instance_can_no_adopt(w->inst)) {
		plan->probe = true;
		plan->candidate[0] = '\0';
		plan->n_candidates = 0;
		apply_plan(w, t, plan);
		plan->probe = false;
		if (!plan->candidate[0])
			return; /* created, failed or finished */
		if (plan->n_candidates > 1) {
			snprintf(why, sizeof(why),
			         "%u accounts on the target match employee %s "
			         "(one is %s); provhost cannot tell which is "
			         "theirs; nothing was sent",
			         plan->n_candidates, t->employee_id,
			         plan->candidate);
			run_identity_dispute(w, t, NULL, NULL, why);
			return;
		}
		if (run_identity_candidate(w, t, plan->candidate, NULL, false))
			return;
		if (run_review_gate(w, t, RUN_GATE_LINK, POLICY_CHANGE_LINK,
		                    false, plan->candidate, plan->record, NULL))
			return; /* adopting it waits for a person */
		plan->account_id = plan->candidate;
		plan->adopting = true;
	}
	apply_plan(w, t, plan);
}

/* An earlier event of t's person failed or was held for review in this
 * run: keep the order, t waits for the next run (stays pending) — unless t
 * is a deprovision: a leaver never keeps access because an earlier item of
 * theirs did not go through (run_supersede ends that item). Returns 1
 * when t waits. */
static int waits_in_run(struct run_worker *w, const struct run_task *t,
                        const struct event *ev)
{
	const char *why = NULL;

	if (is_deprovision(w->conn_run, ev))
		return 0;
	if (run_marked(w->conn_run, RUN_MARK_BLOCKED, t->employee_id))
		why = "waits for an earlier event of the same employee that "
		      "failed; stays pending";
	else if (run_marked(w->conn_run, RUN_MARK_HELD, t->employee_id))
		why = "waits for an earlier event of the same employee that "
		      "was held for review in this run; stays pending";
	if (!why)
		return 0;
	note_problem(w->conn_run, t, why);
	return 1;
}

/* Supervision and approvals before the write (run_review_gate), then, for
 * a deprovision that goes ahead, the person's earlier open work is
 * superseded. A person approved as a link to an account is provisioned to
 * that account, without a probe (unless it is another person's now).
 * Returns 1 when t was finished (held or disputed). */
static int review_gate(struct run_worker *w, const struct run_task *t,
                       const struct event *ev, struct plan *plan,
                       const struct ledger_link *link)
{
	bool deprov = plan->op == OP_DEPROVISION;
	bool probing = !deprov && !plan->account_id &&
	               !w->conn_run->run->opt->dry_run &&
	               instance_can_no_adopt(w->inst);
	char adopt[256] = "";
	int r;

	if (run_review_gate(w, t, probing ? RUN_GATE_PROBE : RUN_GATE_WRITE,
	                    run_change_of(deprov, link), deprov,
	                    plan->account_id, plan->record, adopt))
		return 1;
	if (adopt[0]) {
		if (run_identity_candidate(w, t, adopt, NULL, false))
			return 1;
		r = run_review_link_check(w, t, adopt, plan->record);
		if (r > 0)
			return 1;
		if (r == 0) {
			snprintf(plan->candidate, sizeof(plan->candidate), "%s",
			         adopt);
			plan->account_id = plan->candidate;
			plan->adopting = true;
		}
	}
	if (is_deprovision(w->conn_run, ev))
		run_supersede(w, t, event_kind_name(ev->kind));
	return 0;
}

void run_event_apply(struct run_worker *w, const struct run_task *t)
{
	const struct ledger_held *held;
	struct run_conn *conn_run = w->conn_run;
	struct ledger_link link;
	struct plan plan = {0};
	struct event ev;
	char reason[600];
	bool has_link;
	int r;

	if (event_parse_line(t->raw, strlen(t->raw), 0, &ev, reason,
	                     sizeof(reason))) {
		finish_without_call(conn_run, t, LEDGER_REJECTED, reason);
		return;
	}
	if (waits_in_run(w, t, &ev))
		goto out_release;
	if (t->record && use_record(&ev, t->record)) {
		finish_without_call(conn_run, t, LEDGER_FAILED,
		                    "out of memory");
		goto out_release;
	}
	run_decision_begin(conn_run, t);
	held = held_before(conn_run, t);
	if (held && !is_deprovision(conn_run, &ev)) {
		/* like behind a failure: order per person is kept */
		snprintf(reason, sizeof(reason),
		         "waits for event #%lld of the same employee, %s "
		         "(provhost history %.60s); stays pending",
		         (long long)held->seq,
		         held->state == LEDGER_DISPUTED ? "disputed"
		                                        : "held for review",
		         t->employee_id);
		note_problem(conn_run, t, reason);
		goto out_release;
	}
	if (run_marked(w->conn_run, RUN_MARK_DISPUTED, t->employee_id) &&
	    !is_deprovision(conn_run, &ev)) {
		snprintf(reason, sizeof(reason),
		         "waits for an earlier event of the same employee that "
		         "is disputed (provhost history %.60s); stays pending",
		         t->employee_id);
		note_problem(conn_run, t, reason);
		goto out_release;
	}
	r = ledger_link_get(conn_run->run->ledger, conn_run->conn->name,
	                    t->employee_id, &link);
	if (r < 0) {
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
		goto out_release;
	}
	has_link = r == 0;
	if (make_plan(w, t, &ev, &link, has_link, &plan))
		goto out_release;
	if (run_identity_check(w, t, &ev, plan.op == OP_DEPROVISION, has_link,
	                       plan.user_name))
		goto out_free_plan;
	if (plan.op == OP_PROVISION &&
	    run_last_unchanged(w, t, plan.record, plan.account_id,
	                       has_link && link.active, &plan.last))
		goto out_free_plan; /* no change: no request */
	if (review_gate(w, t, &ev, &plan, has_link ? &link : NULL))
		goto out_free_plan;
	if (conn_run->run->opt->dry_run &&
	    run_dryplan_apply(w, t, plan.op == OP_PROVISION, plan.record,
	                      plan.user_name))
		goto out_free_plan; /* planned against the planned account */
	if (conn_run->run->opt->dry_run &&
	    !(conn_run->conn->bound->desc->capabilities &
	      PROVHOST_CAP_DRY_RUN)) {
		/* the connector cannot promise to write nothing: don't call */
		struct plan_ctx pctx = {conn_run, t};

		print_plan(&pctx,
		           plan.op == OP_PROVISION ? "provision"
		                                   : "deprovision",
		           "(connector has no dry run)", plan.record);
		run_stats_add(&conn_run->stats, STAT_SKIPPED, 1);
	} else {
		apply_with_candidate(w, t, &plan);
	}
out_free_plan:
	run_last_release(&plan.last);
	free(plan.record);
out_release:
	run_decision_end(); /* t left pending: no decision yet */
	event_release(&ev);
}
