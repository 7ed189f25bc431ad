/* Applying one outstanding target: decide what the event means for this
 * connection (role rules, policy, mapping), call the connector with retries
 * and pacing, and record every attempt and the outcome. */
#include <stdlib.h>
#include <string.h>

#include "config/lifecycle_config.h"
#include "connector/loader.h"
#include "connector/status_names.h"
#include "engine/backoff.h"
#include "engine/run_internal.h"
#include "engine/run_rate.h"
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
		return RC_CREATED;
	case PROVHOST_OUTCOME_UPDATED:
		return RC_UPDATED;
	case PROVHOST_OUTCOME_REACTIVATED:
		return RC_REACTIVATED;
	case PROVHOST_OUTCOME_DEACTIVATED:
	case PROVHOST_OUTCOME_DELETED:
		return RC_DEACTIVATED;
	default:
		return RC_UNCHANGED;
	}
}

/* Lists a failed or rejected event for the summary. */
static void note_problem(struct run_conn *rc, const struct run_task *t,
                         const char *why)
{
	char what[96];

	snprintf(what, sizeof(what), "event %.40s (employee %.30s)",
	         t->event_id, t->employee_id);
	run_problem_add(&rc->problems, what, why);
}

/* Finishes a target without a call (skipped or rejected). */
static void finish_without_call(struct run_conn *rc, const struct run_task *t,
                                enum ledger_state state, const char *why)
{
	if (ledger_target_finish(rc->run->ledger, t->event_id, rc->conn->name,
	                         state, NULL, NULL, 0, why, clock_wall_s()))
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
	if (state == LEDGER_REJECTED) {
		run_stats_add(&rc->stats, RC_REJECTED, 1);
		note_problem(rc, t, why);
	} else {
		run_stats_add(&rc->stats, RC_SKIPPED, 1);
	}
}

/* Dry-run reports from the connector: one "plan:" line on stdout. */
struct plan_ctx {
	struct run_conn *rc;
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
	       pc->rc->conn->name, pc->task->event_id, pc->task->employee_id,
	       method, e_target ? e_target : "?", e_body ? " " : "",
	       e_body ? e_body : "");
	fflush(stdout);
	pthread_mutex_unlock(&plan_lock);
	free(e_target);
	free(e_body);
}

/* True when the last deactivation of this person's account on rc's
 * connection came from a terminate or a leave: then an update must not
 * bring the account back (only a rehire or return does). A deactivation by
 * a role change (no rule matched) may be undone by a later update that
 * matches again. Rare path: only for updates of deactivated people. */
static bool deactivated_by_leaving(struct run_conn *rc, const char *employee)
{
	struct ledger_history_row *rows = NULL;
	bool leaving = true; /* unknown: be careful */
	size_t n = 0, i;

	if (ledger_history(rc->run->ledger, employee, &rows, &n))
		return true;
	for (i = n; i-- > 0;) {
		const struct ledger_history_row *r = &rows[i];

		if (strcmp(r->connection, rc->conn->name) ||
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
static int make_plan(struct run_conn *rc, const struct run_task *t,
                     const struct event *ev, const struct ledger_link *link,
                     bool has_link, struct plan *plan)
{
	const struct lifecycle_config *lc = rc->conn->lifecycle;
	struct policy_decision dec;
	struct rules_result rr;
	json_t *rec = NULL, *un;
	char reason[400];
	int rc_map;

	if (ev->kind == EVENT_UPDATE && has_link && !link->active &&
	    deactivated_by_leaving(rc, t->employee_id)) {
		finish_without_call(
		        rc, t, LEDGER_SKIPPED,
		        "account was deprovisioned; an update does "
		        "not reactivate it (send rehire or return)");
		return 1;
	}
	if (rules_evaluate(lc->rules, ev->attributes, &rr)) {
		finish_without_call(rc, t, LEDGER_FAILED, "out of memory");
		return 1;
	}
	policy_decide(&lc->policy, ev->kind, &rr, has_link, &dec);
	if (dec.action == POLICY_SKIP) {
		finish_without_call(rc, t, LEDGER_SKIPPED, dec.reason);
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
		finish_without_call(rc, t, LEDGER_REJECTED, reason);
		return 1;
	}
	un = json_object_get(rec, "userName");
	snprintf(plan->user_name, sizeof(plan->user_name), "%s",
	         json_is_string(un) ? json_string_value(un)
	                            : (has_link ? link->user_name : ""));
	plan->record = json_dumps(rec, JSON_COMPACT);
	json_decref(rec);
	if (!plan->record) {
		finish_without_call(rc, t, LEDGER_FAILED, "out of memory");
		return 1;
	}
	plan->account_id =
	        has_link && link->account_id[0] ? link->account_id : NULL;
	return 0;
}

/* Records a successful call: target done, link, counters. */
static void record_success(struct run_conn *rc, const struct run_task *t,
                           const struct plan *plan, const provhost_result *res)
{
	struct ledger *l = rc->run->ledger;
	const char *acct =
	        res->account_id[0] ? res->account_id : plan->account_id;
	bool active = plan->op == OP_PROVISION;
	int64_t now = clock_wall_s();

	if (ledger_target_finish(l, t->event_id, rc->conn->name, LEDGER_DONE,
	                         provhost_outcome_name(res->outcome), acct,
	                         res->remote_code, NULL, now))
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
	if (acct && ledger_link_set(l, rc->conn->name, t->employee_id, acct,
	                            plan->user_name[0] ? plan->user_name : NULL,
	                            active, now))
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
	run_stats_add(&rc->stats, outcome_counter(res->outcome), 1);
}

/* Calls the connector once. */
static int32_t call_connector(struct run_worker *w, const struct run_task *t,
                              const struct plan *plan, int64_t deadline_ms,
                              struct call_hooks *hooks, provhost_result *res,
                              provhost_error *perr)
{
	provhost_call call;
	uint32_t flags = w->rc->run->opt->dry_run ? PROVHOST_CALL_DRY_RUN : 0;

	int32_t st;

	instance_call_init(&call, flags, deadline_ms, t->event_id,
	                   t->employee_id, hooks);
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

/* Writes the audit line and the ledger's attempt row for one call. */
static void record_attempt(struct run_worker *w, const struct run_task *t,
                           const struct plan *plan, int attempt, int32_t st,
                           const provhost_result *res,
                           const provhost_error *perr, int64_t duration_ms,
                           bool retrying)
{
	struct run_conn *rc = w->rc;
	struct audit_record ar = {
	        .run_id = rc->run->run_id,
	        .event_id = t->event_id,
	        .employee_id = t->employee_id,
	        .connection = rc->conn->name,
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
	        .dry_run = rc->run->opt->dry_run,
	};

	audit_write(&rc->run->audit, &ar);
	if (ledger_attempt_record(rc->run->ledger, t->event_id, rc->conn->name,
	                          clock_wall_s(), ar.status, ar.http_status,
	                          duration_ms, ar.error))
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
}

/* Calls until success, a permanent failure, the attempt limit, the event's
 * deadline, or the breaker opening (then the target stays pending). */
static void apply_plan(struct run_worker *w, const struct run_task *t,
                       const struct plan *plan)
{
	struct run_conn *rc = w->rc;
	const struct engine_config *ec = &rc->conn->engine;
	struct plan_ctx pctx = {rc, t};
	struct call_hooks hooks = {print_plan, &pctx};
	int64_t deadline = clock_mono_ms() + ec->event_deadline_ms;
	int64_t start, delay, call_deadline;
	provhost_result res;
	provhost_error perr;
	char why[700];
	int attempt = 0, failures = 0, limited = 0;
	uint64_t waits;
	int32_t st;
	bool retry;

	for (;;) {
		if (run_conn_halted(rc))
			return; /* stays pending for a re-run */
		attempt++;
		call_deadline = clock_mono_ms() + ec->call_timeout_ms;
		if (call_deadline > deadline)
			call_deadline = deadline;
		start = clock_mono_ms();
		waits = pacer_thread_refused_waits();
		st = call_connector(w, t, plan, call_deadline, &hooks, &res,
		                    &perr);
		run_stats_add(&rc->stats, RC_REQUESTS, 1);
		if (st == PROVHOST_E_TIMEOUT &&
		    pacer_thread_refused_waits() != waits) {
			/* rate limiting left no time before the deadline: not
			 * the target's trouble; stop, the event stays pending
			 */
			record_attempt(w, t, plan, attempt, st, &res, &perr,
			               clock_mono_ms() - start, false);
			run_rate_stop_reason(rc, why, sizeof(why));
			breaker_trip(&rc->breaker, why);
			return;
		}
		if (st == PROVHOST_OK) {
			/* attempt, outcome and link in one transaction */
			bool batched = !ledger_batch_begin(rc->run->ledger);

			record_attempt(w, t, plan, attempt, st, &res, &perr,
			               clock_mono_ms() - start, false);
			record_success(rc, t, plan, &res);
			if (batched && ledger_batch_end(rc->run->ledger, true))
				log_msg(PROVHOST_LOG_ERROR, "ledger: %s",
				        ledger_last_error());
			breaker_record(&rc->breaker, 0);
			return;
		}
		if (stops_connection(st)) {
			record_attempt(w, t, plan, attempt, st, &res, &perr,
			               clock_mono_ms() - start, false);
			snprintf(why, sizeof(why), "%s (%s)", perr.message,
			         provhost_status_name(st));
			breaker_trip(&rc->breaker, why);
			return;
		}
		if (st == PROVHOST_E_RATE_LIMITED) {
			delay = perr.retry_after_ms
			                ? perr.retry_after_ms
			                : backoff_delay_ms(attempt,
			                                   ec->backoff_base_ms,
			                                   ec->backoff_max_ms,
			                                   0, &w->rng);
			pacer_pause(&rc->pacer, clock_mono_us(), delay * 1000);
			delay = 0; /* the pacer holds the next call */
			limited++; /* not a failure: not counted in attempts */
		} else {
			failures++;
			delay = backoff_delay_ms(failures, ec->backoff_base_ms,
			                         ec->backoff_max_ms,
			                         perr.retry_after_ms, &w->rng);
		}
		retry = perr.retryable && failures < ec->max_attempts &&
		        clock_mono_ms() + delay < deadline;
		record_attempt(w, t, plan, attempt, st, &res, &perr,
		               clock_mono_ms() - start, retry);
		if (!retry)
			break;
		run_stats_add(&rc->stats, RC_RETRIES, 1);
		run_conn_sleep(rc, delay);
	}
	/* the breaker judges events, not attempts: a call that succeeds on a
	 * retry is a working target, one that exhausts its retries is not */
	if (target_trouble(st))
		breaker_record(&rc->breaker, 1);
	if (perr.retryable && limited)
		snprintf(why, sizeof(why),
		         "gave up after %d attempts (%d answered 429): %s",
		         attempt, limited, perr.message);
	else if (perr.retryable)
		snprintf(why, sizeof(why), "gave up after %d attempts: %s",
		         attempt, perr.message);
	else
		snprintf(why, sizeof(why), "%s", perr.message);
	if (ledger_target_finish(rc->run->ledger, t->event_id, rc->conn->name,
	                         LEDGER_FAILED, NULL, NULL, perr.remote_code,
	                         why, clock_wall_s()))
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
	run_stats_add(&rc->stats, RC_FAILED, 1);
	note_problem(rc, t, why);
	if (strset_add(&w->blocked, t->employee_id))
		log_msg(PROVHOST_LOG_ERROR, "out of memory");
}

static int by_employee(const void *key, const void *row)
{
	return strcmp(key, ((const struct ledger_held *)row)->employee_id);
}

/* The held target of t's employee that t comes after, or NULL. "After":
 * stored later, or on a later line of the same run's input (a line held at
 * the end of ingest is stored after the lines that follow it). */
static const struct ledger_held *held_before(const struct run_conn *rc,
                                             const struct run_task *t)
{
	const struct ledger_held *h, *end = rc->held + rc->n_held;

	if (!rc->n_held)
		return NULL;
	h = bsearch(t->employee_id, rc->held, rc->n_held, sizeof(*h),
	            by_employee);
	if (!h)
		return NULL;
	while (h > rc->held && !strcmp(h[-1].employee_id, t->employee_id))
		h--; /* the person's first held target */
	for (; h < end && !strcmp(h->employee_id, t->employee_id); h++)
		if (t->seq > h->seq ||
		    (t->run_id == h->run_id && t->line_no > h->line_no))
			return h;
	return NULL;
}

/* A deprovision is never blocked by a held item: a leaver must not keep
 * access because an earlier line waits for review. */
static bool is_deprovision(const struct run_conn *rc, const struct event *ev)
{
	return ev->kind == EVENT_TERMINATE ||
	       (ev->kind == EVENT_LEAVE &&
	        rc->conn->lifecycle->policy.leave == POLICY_LEAVE_DEPROVISION);
}

void run_event_apply(struct run_worker *w, const struct run_task *t)
{
	const struct ledger_held *held;
	struct run_conn *rc = w->rc;
	struct ledger_link link;
	struct plan plan = {0};
	struct event ev;
	char reason[600];
	bool has_link;
	int r;

	if (strset_has(&w->blocked, t->employee_id)) {
		/* an earlier event of this person failed: keep the order, wait
		 * for the next run (the target stays pending) */
		snprintf(reason, sizeof(reason),
		         "waits for an earlier event of the same employee that "
		         "failed; stays pending");
		note_problem(rc, t, reason);
		return;
	}
	if (event_parse_line(t->raw, strlen(t->raw), 0, &ev, reason,
	                     sizeof(reason))) {
		finish_without_call(rc, t, LEDGER_REJECTED, reason);
		return;
	}
	held = held_before(rc, t);
	if (held && !is_deprovision(rc, &ev)) {
		/* like behind a failure: order per person is kept */
		snprintf(reason, sizeof(reason),
		         "waits for event #%lld of the same employee, held for "
		         "review (provhost history %.60s); stays pending",
		         (long long)held->seq, t->employee_id);
		note_problem(rc, t, reason);
		goto out_release;
	}
	r = ledger_link_get(rc->run->ledger, rc->conn->name, t->employee_id,
	                    &link);
	if (r < 0) {
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
		goto out_release;
	}
	has_link = r == 0;
	if (make_plan(rc, t, &ev, &link, has_link, &plan))
		goto out_release;
	if (rc->run->opt->dry_run &&
	    !(rc->conn->bound->desc->capabilities & PROVHOST_CAP_DRY_RUN)) {
		/* the connector cannot promise to write nothing: don't call */
		struct plan_ctx pctx = {rc, t};

		print_plan(&pctx,
		           plan.op == OP_PROVISION ? "provision"
		                                   : "deprovision",
		           "(connector has no dry run)", plan.record);
		run_stats_add(&rc->stats, RC_SKIPPED, 1);
	} else {
		apply_plan(w, t, &plan);
	}
	free(plan.record);
out_release:
	event_release(&ev);
}
