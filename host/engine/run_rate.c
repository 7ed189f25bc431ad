#include "engine/run_rate.h"

#include <stdbool.h>
#include <string.h>

#include "engine/run_internal.h"
#include "util/clock.h"
#include "util/log.h"

#define RUN_RATE_LOOKBACK 50 /* earlier runs searched for the connection */

struct restore_ctx {
	const char *connection;
	double rate;
};

/* The newest run that applied this connection decides (1 = stop). */
static int find_rate(const char *summary, void *ctx)
{
	struct restore_ctx *conn_run = ctx;
	json_t *root = json_loads(summary, 0, NULL), *conn, *rate;
	int found = 0;

	conn = json_object_get(root, conn_run->connection);
	if (json_is_object(conn)) {
		found = 1;
		rate = json_object_get(conn, RUN_RATE_KEY);
		if (json_is_number(rate) && json_number_value(rate) > 0)
			conn_run->rate = json_number_value(rate);
	}
	json_decref(root);
	return found;
}

void run_rate_restore(struct run_conn *conn_run)
{
	struct restore_ctx ctx = {conn_run->conn->name, 0};

	if (ledger_run_summaries(conn_run->run->ledger, conn_run->run->run_id,
	                         RUN_RATE_LOOKBACK, find_rate, &ctx)) {
		log_msg(PROVHOST_LOG_WARN, "ledger: %s", ledger_last_error());
		return;
	}
	if (ctx.rate > 0)
		pacer_start(&conn_run->pacer, ctx.rate, clock_mono_us());
}

/* The rate worth remembering, rounded to 0.1 requests/s. */
static double learned(struct run_conn *conn_run)
{
	double r = pacer_learned(&conn_run->pacer, clock_mono_us());

	return r > 0 ? (double)(int64_t)(r * 10 + 0.5) / 10 : 0;
}

void run_rate_json(struct run_conn *conn_run, json_t *obj)
{
	double r = learned(conn_run);

	if (!obj)
		return;
	if (r > 0)
		json_object_set_new(obj, RUN_RATE_KEY, json_real(r));
	if (conn_run->pacer.refusals)
		json_object_set_new(
		        obj, RUN_RATE_429KEY,
		        json_integer((json_int_t)conn_run->pacer.refusals));
}

/* The summary line about the target's own rate-limit headers, if any. */
static void print_headers(struct pacer *p, FILE *out)
{
	int64_t limit, window, waits;

	pthread_mutex_lock(&p->lock);
	limit = p->hint_limit;
	window = p->hint_window_us;
	waits = (int64_t)p->hint_waits;
	pthread_mutex_unlock(&p->lock);
	if (limit <= 0 && !waits)
		return;
	fprintf(out, "  rate: kept within the target's rate-limit headers");
	if (limit > 0)
		fprintf(out,
		        " (%lld request%s per window, reset within %.0f s)",
		        (long long)limit, limit == 1 ? "" : "s",
		        (double)window / 1e6);
	fprintf(out, "; waited for a window's reset %lld time%s\n",
	        (long long)waits, waits == 1 ? "" : "s");
}

void run_rate_print(struct run_conn *conn_run, FILE *out)
{
	struct pacer *p = &conn_run->pacer;
	double r = learned(conn_run);

	print_headers(p, out);
	if (r <= 0)
		return;
	if (!p->refusals)
		fprintf(out, "  rate: %.1f req/s, no answer 429", r);
	else
		fprintf(out,
		        "  rate: learned %.1f req/s from %llu answer%s 429", r,
		        (unsigned long long)p->refusals,
		        p->refusals == 1 ? "" : "s");
	if (p->pauses)
		fprintf(out, " (lowered %llu time%s)",
		        (unsigned long long)p->pauses,
		        p->pauses == 1 ? "" : "s");
	if (p->started_rps > 0)
		fprintf(out,
		        ", started at %.1f req/s learned by an earlier run",
		        p->started_rps);
	if (p->max_rps > 0)
		fprintf(out, ", never above engine.max_rps %g", p->max_rps);
	fprintf(out, "; the next run starts there\n");
}

void run_rate_stop_reason(struct run_conn *conn_run, char *buf, size_t len)
{
	struct pacer *p = &conn_run->pacer;
	double r = pacer_learned(p, clock_mono_us());
	unsigned long long n;
	bool window_spent;

	if (r <= 0)
		r = pacer_rate(p, clock_mono_us());
	pthread_mutex_lock(&p->lock);
	n = p->refusals;
	/* the target's headers left nothing until a reset still to come */
	window_spent = p->hint_until_us >= 0 && p->hint_budget == 0;
	pthread_mutex_unlock(&p->lock);
	if (!n && window_spent) {
		snprintf(buf, len,
		         "rate limited: the target's rate-limit headers left "
		         "no request in its window, and the next request could "
		         "not wait for the window's reset before its deadline; "
		         "raise engine.call_timeout_ms / event_deadline_ms to "
		         "wait longer (or the target's limit)");
		return;
	}
	snprintf(buf, len,
	         "rate limited: the target answered 429 %llu time%s and "
	         "asked provhost to wait; the next request could not be "
	         "sent before its deadline at %.1f req/s (the rate provhost "
	         "reached); set engine.max_rps to at most that (or raise the "
	         "target's limit, or engine.call_timeout_ms / "
	         "event_deadline_ms to wait longer)",
	         n, n == 1 ? "" : "s", r);
}

void run_rate_stop_note(struct run_conn *conn_run, char *buf, size_t len)
{
	struct pacer *p = &conn_run->pacer;
	double r = pacer_learned(p, clock_mono_us());

	if (!p->refusals || r <= 0) {
		buf[0] = '\0';
		return;
	}
	snprintf(buf, len,
	         "; the target also answered 429 (rate limited) %llu time%s, "
	         "at about %.1f req/s (429s are not failures; "
	         "engine.max_rps sets a ceiling)",
	         (unsigned long long)p->refusals, p->refusals == 1 ? "" : "s",
	         r);
}

void run_rate_hint(void *ctx, const provhost_call *call, int64_t limit,
                   int64_t remaining, int64_t reset_ms)
{
	struct run_conn *conn_run = ctx;

	(void)call;
	if (reset_ms < 0 || remaining < 0)
		return;
	pacer_hint_thread(&conn_run->pacer, clock_mono_us(), limit, remaining,
	                  reset_ms * 1000);
}
