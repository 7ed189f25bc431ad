#include "engine/notify_run.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config/secret_expiry.h"
#include "connector/status_names.h"
#include "engine/notify.h"
#include "engine/run_internal.h"
#include "util/clock.h"
#include "util/utf8.h"

/* The run's facts for the notification, per connection. */
struct run_facts {
	bool stopped, credentials, failed, review;
	int64_t failed_n, held_n, bad_lines;
	char text[2000];
	size_t used;
};

static void say(struct run_facts *f, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void say(struct run_facts *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (f->used >= sizeof(f->text))
		return;
	va_start(ap, fmt);
	n = vsnprintf(f->text + f->used, sizeof(f->text) - f->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		f->used += (size_t)n;
}

/* The connection stopped because the target refused the credentials: its
 * stop reason ends in the status name the engine appends ("... (%s)",
 * run_conn.c preflight and run_event.c). */
static bool stopped_on_credentials(const struct run_conn *cr)
{
	char tag[64];

	snprintf(tag, sizeof(tag), "(%s)",
	         provhost_status_name(PROVHOST_E_CREDENTIAL));
	return cr->stopped && strstr(cr->stop_reason, tag);
}

static json_t *connection_facts(struct run_conn *cr,
                                const struct ledger_status *row,
                                struct run_facts *f)
{
	int64_t failed = run_stats_get(&cr->stats, STAT_FAILED);
	int64_t rejected = run_stats_get(&cr->stats, STAT_REJECTED);
	int64_t held = row ? row->count[LEDGER_HELD] : 0;
	int64_t disputed = row ? row->count[LEDGER_DISPUTED] : 0;
	bool cred = stopped_on_credentials(cr);

	f->stopped |= cr->stopped;
	f->credentials |= cred;
	f->failed |= failed > 0 || rejected > 0;
	f->review |= held > 0 || disputed > 0;
	/* a bad input line is counted as rejected on every connection */
	f->failed_n += failed +
	               (rejected > f->bad_lines ? rejected - f->bad_lines : 0);
	f->held_n += held + disputed;
	if (cr->stopped)
		say(f, "; connection \"%s\" stopped: %s", cr->conn->name,
		    cr->stop_reason);
	return json_pack(
	        "{s:o, s:o, s:b, s:I, s:I, s:I, s:I}", "name",
	        utf8_json_string(cr->conn->name), "stopped",
	        cr->stopped ? utf8_json_string(cr->stop_reason) : json_null(),
	        "credentials_rejected", cred, "failed", (json_int_t)failed,
	        "rejected", (json_int_t)rejected, "held", (json_int_t)held,
	        "disputed", (json_int_t)disputed);
}

/* The event names that apply, most urgent first, as far as wanted. */
static json_t *run_events(const struct config *cfg, const struct run_facts *f,
                          enum notify_event *first)
{
	const struct {
		bool on;
		enum notify_event ev;
	} order[] = {
	        {f->credentials, NOTIFY_CREDENTIALS_REJECTED},
	        {f->stopped, NOTIFY_RUN_STOPPED},
	        {f->failed, NOTIFY_EVENTS_FAILED},
	        {f->review, NOTIFY_REVIEW_WAITING},
	};
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr && i < sizeof(order) / sizeof(order[0]); i++) {
		if (!order[i].on || !notify_wanted(cfg, order[i].ev))
			continue;
		if (!json_array_size(arr))
			*first = order[i].ev;
		json_array_append_new(
		        arr, json_string(notify_event_name(order[i].ev)));
	}
	return arr;
}

static void notify_run_outcome(struct run *run, int code)
{
	struct ledger_status *rows = NULL;
	struct run_facts f = {0};
	enum notify_event ev = NOTIFY_RUN_STOPPED;
	json_t *conns = json_array(), *events = NULL, *body = NULL;
	size_t n = 0, i, j;

	if (ledger_status(run->ledger, clock_wall_s(), &rows, &n))
		n = 0; /* counts of held items unknown: still tell the rest */
	f.failed = run->bad_lines > 0;
	f.failed_n = f.bad_lines = run->bad_lines;
	say(&f, "provhost run %lld exited %d (%s)", (long long)run->run_id,
	    code, run->source);
	for (i = 0; conns && i < run->n_conns; i++) {
		const struct ledger_status *row = NULL;

		for (j = 0; j < n; j++)
			if (!strcmp(rows[j].connection,
			            run->conns[i].conn->name))
				row = &rows[j];
		json_array_append_new(
		        conns, connection_facts(&run->conns[i], row, &f));
	}
	if (atomic_load(&run->fatal) && !f.stopped) {
		/* stopped before any connection started (storing the input) */
		f.stopped = true;
		pthread_mutex_lock(&run->fatal_lock);
		say(&f, "; stopped: %s", run->fatal_reason);
		pthread_mutex_unlock(&run->fatal_lock);
	}
	if (f.failed_n)
		say(&f, "; %lld event%s or line%s failed or rejected",
		    (long long)f.failed_n, f.failed_n == 1 ? "" : "s",
		    f.failed_n == 1 ? "" : "s");
	if (f.held_n)
		say(&f, "; %lld item%s wait%s for review (provhost review)",
		    (long long)f.held_n, f.held_n == 1 ? "" : "s",
		    f.held_n == 1 ? "s" : "");
	events = conns ? run_events(run->cfg, &f, &ev) : NULL;
	if (events && json_array_size(events))
		body = json_pack("{s:s, s:O, s:i, s:o, s:O, s:I}", "event",
		                 notify_event_name(ev), "events", events,
		                 "exit_code", code, "text",
		                 utf8_json_string(f.text), "connections", conns,
		                 "rejected_lines", (json_int_t)run->bad_lines);
	if (body)
		notify_send(run->cfg, &run->audit, ev, run->run_id, body);
	json_decref(body);
	json_decref(events);
	json_decref(conns);
	free(rows);
}

void notify_after_run(struct run *run, int code)
{
	if (run->opt->dry_run || !run->cfg->notify)
		return;
	notify_run_outcome(run, code);
	notify_token_expiry(run->cfg, &run->audit, run->ledger, run->run_id,
	                    run->opt->connection, secret_expiry_today());
}
