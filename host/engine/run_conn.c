/* Phase two of a run, for one connection: count and guard the outstanding
 * work, check the connection, then feed the workers in input order. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/lifecycle_config.h"
#include "connector/status_names.h"
#include "engine/backoff.h"
#include "engine/run_audit.h"
#include "engine/run_decision.h"
#include "engine/run_internal.h"
#include "engine/run_rate.h"
#include "engine/run_stop.h"
#include "util/clock.h"
#include "util/log.h"

#define RUN_QUEUE_PER_WORKER 64 /* tasks queued per worker, at most */

/* Whether lw could deactivate an account: a terminate or a leave by
 * policy (the account may predate provhost), or any event of a person
 * whose linked account is active and whom the policy would deprovision (no
 * role rule matches any more). A no-match hire of someone without an
 * account deactivates nothing. The event is parsed only when the answer
 * depends on it. */
static bool is_deprovision(struct run_conn *conn_run,
                           const struct ledger_work *lw)
{
	const struct lifecycle_config *lc = conn_run->conn->lifecycle;
	struct policy_decision dec;
	struct rules_result rr;
	struct ledger_link link;
	struct event ev;
	char reason[300];
	bool yes = false;

	if (lw->kind == EVENT_TERMINATE ||
	    (lw->kind == EVENT_LEAVE &&
	     lc->policy.leave == POLICY_LEAVE_DEPROVISION))
		return true;
	if (lw->kind == EVENT_LEAVE || rules_count(lc->rules) == 0 ||
	    ledger_link_get(conn_run->run->ledger, conn_run->conn->name,
	                    lw->employee_id, &link) != 0 ||
	    !link.active)
		return false;
	if (event_parse_line(lw->raw, strlen(lw->raw), 0, &ev, reason,
	                     sizeof(reason)))
		return false;
	if (!rules_evaluate(lc->rules, ev.attributes, &rr)) {
		policy_decide(&lc->policy, ev.kind, &rr, true, &dec);
		yes = dec.action == POLICY_DEPROVISION;
		rules_result_release(&rr);
	}
	event_release(&ev);
	return yes;
}

/* A deprovision the guard counts: one no person approved (provhost review
 * approve records an attempt with status "approved"). */
static bool guarded(struct run_conn *conn_run, const struct ledger_work *lw)
{
	return is_deprovision(conn_run, lw) &&
	       ledger_attempt_had(conn_run->run->ledger, lw->event_id,
	                          conn_run->conn->name, "approved") != 1;
}

/* Pre-pass: how many targets are outstanding and how many of them are
 * guarded deprovisions. */
static int count_work(const struct ledger_work *lw, void *ctx)
{
	struct run_conn *conn_run = ctx;

	conn_run->outstanding++;
	if (guarded(conn_run, lw))
		conn_run->deprovisions++;
	return 0;
}

/* The guard tripped: every guarded deprovision becomes held with the
 * reason; the rest of the work goes on. */
static int hold_work(const struct ledger_work *lw, void *ctx)
{
	struct run_conn *conn_run = ctx;
	char reason[300], *plan;
	int r;

	if (!guarded(conn_run, lw))
		return 0;
	snprintf(reason, sizeof(reason),
	         "held by the mass-deprovision guard: %lld deprovisions > "
	         "max_deprovisions_per_run %lld (run %lld)",
	         (long long)conn_run->deprovisions,
	         (long long)conn_run->conn->lifecycle->policy
	                 .max_deprovisions_per_run,
	         (long long)conn_run->run->run_id);
	/* with the plan it would send: an approval binds to it */
	plan = run_guard_plan(conn_run, lw);
	r = ledger_target_hold(conn_run->run->ledger, lw->event_id,
	                       conn_run->conn->name, plan, "deactivate", NULL,
	                       reason, clock_wall_s());
	free(plan);
	if (r < 0)
		return -1;
	run_decision_held(conn_run, lw->event_id, lw->employee_id, reason);
	conn_run->guard_held++;
	conn_run->outstanding--;
	run_stats_add(&conn_run->stats, STAT_HELD, 1);
	return 0;
}

static void stop_connection(struct run_conn *conn_run, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void stop_connection(struct run_conn *conn_run, const char *fmt, ...)
{
	va_list ap;

	conn_run->stopped = true;
	va_start(ap, fmt);
	vsnprintf(conn_run->stop_reason, sizeof(conn_run->stop_reason), fmt,
	          ap);
	va_end(ap);
}

/* host_api->pace for this connection's instances. */
static int32_t pace_connection(void *ctx, const provhost_call *call)
{
	struct run_conn *conn_run = ctx;

	if (run_conn_halted(conn_run))
		return PROVHOST_E_TIMEOUT; /* stopping: send nothing more */
	return pacer_acquire(&conn_run->pacer, call ? call->deadline_ms : 0)
	               ? PROVHOST_E_TIMEOUT
	               : PROVHOST_OK;
}

/* After each connector op: the calling thread's request is over. */
static void pace_done(void *ctx)
{
	pacer_thread_done(&((struct run_conn *)ctx)->pacer);
}

/* Verifies the connection once before any event is applied, so a bad
 * token stops it after one request. A retryable failure (the target is
 * busy) is retried like an event would be. */
static int preflight(struct run_conn *conn_run, struct instance *inst)
{
	const struct engine_config *ec = &conn_run->conn->engine;
	uint64_t rng = (uint64_t)clock_mono_us() | 1;
	provhost_result res;
	provhost_error perr;
	provhost_call call;
	int attempt;
	int32_t st;

	for (attempt = 1;; attempt++) {
		instance_call_init(&call, 0,
		                   clock_mono_ms() + ec->call_timeout_ms, NULL,
		                   NULL, NULL);
		watchdog_enter(&conn_run->slot, "authenticate", NULL,
		               call.deadline_ms);
		st = instance_authenticate(inst, &call, &res, &perr);
		watchdog_leave(&conn_run->slot);
		run_stats_add(&conn_run->stats, STAT_REQUESTS, 1);
		run_audit_authenticate(conn_run, attempt, st, &perr);
		if (st == PROVHOST_OK)
			return 0;
		if (!perr.retryable || attempt >= ec->max_attempts)
			break;
		run_stats_add(&conn_run->stats, STAT_RETRIES, 1);
		clock_sleep_ms(backoff_delay_ms(attempt, ec->backoff_base_ms,
		                                ec->backoff_max_ms,
		                                perr.retry_after_ms, &rng));
	}
	stop_connection(conn_run, "connection check failed: %s (%s)",
	                perr.message, provhost_status_name(st));
	return -1;
}

static void *worker_main(void *arg)
{
	struct run_worker *w = arg;
	struct keyq_ticket ticket;
	struct run_task *t;

	while (keyq_pop(&w->conn_run->queue, &ticket) == 0) {
		t = ticket.item;
		if (!run_conn_halted(w->conn_run))
			run_event_apply(w, t);
		keyq_done(&w->conn_run->queue,
		          &ticket); /* before t's key goes */
		free(t->event_id);
		free(t->employee_id);
		free(t->raw);
		free(t->record);
		free(t);
	}
	return NULL;
}

struct dispatch {
	struct run_conn *conn_run;
	int64_t sent;
};

/* Queues one outstanding target under its employee (keyq.h). */
static int dispatch_work(const struct ledger_work *lw, void *ctx)
{
	struct dispatch *d = ctx;
	struct run_task *t;

	if (run_conn_halted(d->conn_run))
		return 1; /* stop walking: the rest stays pending */
	t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	t->seq = lw->seq;
	t->run_id = lw->run_id;
	t->line_no = lw->line_no;
	t->was_pending = lw->state == LEDGER_PENDING;
	t->attempts = lw->attempts;
	t->event_id = strdup(lw->event_id);
	t->employee_id = strdup(lw->employee_id);
	t->raw = strdup(lw->raw);
	t->record = lw->record ? strdup(lw->record) : NULL;
	if (!t->event_id || !t->employee_id || !t->raw ||
	    (lw->record && !t->record) ||
	    keyq_push(&d->conn_run->queue, t->employee_id, t)) {
		free(t->event_id);
		free(t->employee_id);
		free(t->raw);
		free(t->record);
		free(t);
		return -1;
	}
	d->sent++;
	return 0;
}

/* Progress on a terminal: done/total, rate, ETA, every half second. */
struct progress {
	struct run_conn *conn_run;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool done;
};

static void *progress_main(void *arg)
{
	struct progress *p = arg;
	struct run_conn *conn_run = p->conn_run;
	struct timespec ts;
	int64_t done, elapsed_us;
	double rate;

	pthread_mutex_lock(&p->lock);
	while (!p->done) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 500000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->wake, &p->lock, &ts);
		done = run_stats_finished(&conn_run->stats) -
		       run_stats_get(&conn_run->stats, STAT_REJECTED) -
		       run_stats_get(&conn_run->stats, STAT_SKIPPED);
		elapsed_us = clock_mono_us() - conn_run->stats.started_us;
		rate = elapsed_us > 0 ? (double)done * 1e6 / (double)elapsed_us
		                      : 0;
		fprintf(stderr, "\r%s: %lld/%lld events, %.0f/s, ETA %.0f s   ",
		        conn_run->conn->name, (long long)done,
		        (long long)conn_run->outstanding, rate,
		        rate > 0 ? (double)(conn_run->outstanding - done) / rate
		                 : 0);
	}
	fprintf(stderr, "\r\033[K");
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Opens the workers' instances and threads; returns how many started. */
/* instance_open under the watchdog (in the main thread's slot). */
static int32_t open_watched(struct run_conn *conn_run, struct instance **out,
                            provhost_error *perr)
{
	struct instance_pacer ip = {pace_connection, conn_run, run_rate_hint,
	                            pace_done};
	int32_t st;

	watchdog_enter(&conn_run->slot, "open", NULL,
	               clock_mono_ms() +
	                       conn_run->conn->engine.call_timeout_ms);
	st = instance_open(conn_run->conn, &ip, out, perr);
	watchdog_leave(&conn_run->slot);
	return st;
}

static size_t start_workers(struct run_conn *conn_run,
                            struct run_worker *workers, size_t n,
                            struct instance *first)
{
	struct watchdog *wd = &conn_run->run->watchdog;
	provhost_error perr;
	size_t i;

	for (i = 0; i < n; i++) {
		workers[i].conn_run = conn_run;
		workers[i].rng = 0x9E3779B97F4A7C15ULL ^ (uint64_t)(i + 1) ^
		                 (uint64_t)clock_mono_us();
		if (i == 0)
			workers[i].inst = first;
		else if (open_watched(conn_run, &workers[i].inst, &perr) !=
		         PROVHOST_OK) {
			log_msg(PROVHOST_LOG_WARN,
			        "connection \"%s\": worker %zu not started: %s",
			        conn_run->conn->name, i + 1, perr.message);
			break;
		}
		watchdog_slot_init(&workers[i].slot, conn_run->conn->name,
		                   conn_run->conn->connector,
		                   conn_run->conn->engine.watchdog_grace_ms);
		watchdog_add(wd, &workers[i].slot);
		if (pthread_create(&workers[i].thread, NULL, worker_main,
		                   &workers[i])) {
			watchdog_remove(wd, &workers[i].slot);
			watchdog_slot_release(&workers[i].slot);
			if (i > 0)
				instance_close(workers[i].inst);
			break;
		}
	}
	return i;
}

static void apply_watched(struct run_conn *conn_run);

/* Applies conn_run's work with its main-thread slot registered. */
void run_conn_apply(struct run_conn *conn_run)
{
	watchdog_slot_init(&conn_run->slot, conn_run->conn->name,
	                   conn_run->conn->connector,
	                   conn_run->conn->engine.watchdog_grace_ms);
	watchdog_add(&conn_run->run->watchdog, &conn_run->slot);
	apply_watched(conn_run);
	watchdog_remove(&conn_run->run->watchdog, &conn_run->slot);
	watchdog_slot_release(&conn_run->slot);
}

static void apply_watched(struct run_conn *conn_run)
{
	struct run *run = conn_run->run;
	const struct engine_config *ec = &conn_run->conn->engine;
	struct run_worker *workers = NULL;
	struct instance *first = NULL;
	struct dispatch d = {conn_run, 0};
	struct progress prog = {conn_run, PTHREAD_MUTEX_INITIALIZER,
	                        PTHREAD_COND_INITIALIZER, false};
	pthread_t prog_thread;
	bool show_progress;
	provhost_error perr;
	char why[700];
	size_t i, started;
	int walk;

	if (run_stop_signal) {
		stop_connection(conn_run, "interrupted by %s before it started",
		                strsignal(run_stop_signal));
		return;
	}
	if (atomic_load(&run->fatal)) {
		stop_connection(conn_run, "not started: %s", run->fatal_reason);
		return;
	}
	if (run_supervise_expire(conn_run) ||
	    ledger_outstanding(run->ledger, conn_run->conn->name,
	                       clock_wall_s(), count_work, conn_run) < 0) {
		stop_connection(conn_run, "ledger: %s", ledger_last_error());
		return;
	}
	if (conn_run->outstanding == 0)
		return;
	if (conn_run->deprovisions > conn_run->conn->lifecycle->policy
	                                     .max_deprovisions_per_run &&
	    !run->opt->allow_mass_deprovision) {
		if (ledger_outstanding(run->ledger, conn_run->conn->name,
		                       clock_wall_s(), hold_work,
		                       conn_run) < 0) {
			stop_connection(conn_run, "ledger: %s",
			                ledger_last_error());
			return;
		}
		if (conn_run->outstanding == 0)
			return;
	}
	if (ledger_held_list(run->ledger, conn_run->conn->name, &conn_run->held,
	                     &conn_run->n_held)) {
		stop_connection(conn_run, "ledger: %s", ledger_last_error());
		return;
	}
	if (open_watched(conn_run, &first, &perr) != PROVHOST_OK) {
		stop_connection(conn_run, "cannot open connector \"%s\": %s",
		                conn_run->conn->connector, perr.message);
		return;
	}
	if (preflight(conn_run, first)) {
		instance_close(first);
		return;
	}
	run_rate_restore(conn_run);
	workers = calloc((size_t)ec->workers, sizeof(*workers));
	if (!workers) {
		instance_close(first);
		stop_connection(conn_run, "out of memory");
		return;
	}
	if (keyq_init(&conn_run->queue,
	              (size_t)ec->workers * RUN_QUEUE_PER_WORKER)) {
		instance_close(first);
		free(workers);
		stop_connection(conn_run, "out of memory");
		return;
	}
	run_marks_init(&conn_run->marks);
	started = start_workers(conn_run, workers, (size_t)ec->workers, first);
	if (started == 0) {
		instance_close(first);
		free(workers);
		run_marks_release(&conn_run->marks);
		keyq_release(&conn_run->queue);
		stop_connection(conn_run, "cannot start workers");
		return;
	}
	show_progress =
	        run->opt->progress > 0 || (run->opt->progress < 0 && isatty(2));
	if (show_progress &&
	    pthread_create(&prog_thread, NULL, progress_main, &prog))
		show_progress = false;
	walk = ledger_outstanding(run->ledger, conn_run->conn->name,
	                          clock_wall_s(), dispatch_work, &d);
	keyq_close(&conn_run->queue);
	for (i = 0; i < started; i++) {
		pthread_join(workers[i].thread, NULL);
		watchdog_remove(&run->watchdog, &workers[i].slot);
		watchdog_slot_release(&workers[i].slot);
		watchdog_enter(&conn_run->slot, "close", NULL,
		               clock_mono_ms() + ec->call_timeout_ms);
		instance_close(workers[i].inst);
		watchdog_leave(&conn_run->slot);
	}
	free(workers);
	keyq_release(&conn_run->queue);
	run_marks_release(&conn_run->marks);
	if (show_progress) {
		pthread_mutex_lock(&prog.lock);
		prog.done = true;
		pthread_cond_signal(&prog.wake);
		pthread_mutex_unlock(&prog.lock);
		pthread_join(prog_thread, NULL);
	}
	if (atomic_load(&run->fatal)) {
		stop_connection(conn_run, "%s", run->fatal_reason);
	} else if (breaker_is_open(&conn_run->breaker, why, sizeof(why))) {
		char note[300];

		/* a stop for another reason says whether 429s came too */
		note[0] = '\0';
		if (strncmp(why, "rate limited:", 13))
			run_rate_stop_note(conn_run, note, sizeof(note));
		stop_connection(conn_run, "%s%s", why, note);
	} else if (run_stop_signal)
		stop_connection(conn_run,
		                "interrupted by %s; calls in flight were "
		                "finished, the rest is pending",
		                strsignal(run_stop_signal));
	else if (walk < 0)
		stop_connection(conn_run, "ledger: %s", ledger_last_error());
}
