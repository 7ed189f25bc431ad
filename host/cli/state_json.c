/* status --json, history --json: the documents of
 * doc/schema/provhost-state-v1.json. */
#include "cli/state_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/status_reconcile.h"
#include "config/secret_expiry.h"
#include "lifecycle/events.h"
#include "lifecycle/isodate.h"
#include "util/clock.h"
#include "util/utf8.h"

json_t *state_json_time(int64_t t)
{
	char buf[32];

	if (!t)
		return json_null();
	return json_string(isodate_format(t, buf, sizeof(buf)));
}

json_t *state_json_str(const char *s)
{
	return s && *s ? utf8_json_string(s) : json_null();
}

json_t *state_json_doc(const char *kind)
{
	json_t *doc = json_object();

	if (!doc)
		return NULL;
	json_object_set_new(doc, "schema", json_string(STATE_JSON_SCHEMA));
	json_object_set_new(doc, "kind", json_string(kind));
	json_object_set_new(doc, "generated_at",
	                    state_json_time(clock_wall_s()));
	return doc;
}

int state_json_print(json_t *doc)
{
	char *text;

	if (!doc)
		return -1;
	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (!text)
		return -1;
	printf("%s\n", text);
	free(text);
	return 0;
}

/* The connection's stated token lifetimes: one entry per secret with an
 * "expires". */
static json_t *secrets_json(const struct config *cfg, const char *name,
                            int64_t today)
{
	const struct connection *conn = config_find_connection(cfg, name);
	json_t *arr = json_array();
	size_t i;

	for (i = 0; conn && i < conn->secrets.n; i++) {
		const struct secret *s = &conn->secrets.items[i];
		int64_t left;
		enum secret_expiry e = secret_expiry_check(
		        s, today, cfg->expiry_warn_days, &left);

		if (e == SECRET_EXPIRY_NONE)
			continue;
		json_array_append_new(
		        arr, json_pack("{s:s, s:s, s:I, s:s}", "secret", s->key,
		                       "expires", s->expires, "days_left",
		                       (json_int_t)left, "state",
		                       secret_expiry_name(e)));
	}
	return arr;
}

static json_t *connection_json(const struct config *cfg, struct ledger *l,
                               const struct ledger_status *s, int64_t today)
{
	json_t *obj = json_object(), *counts = json_object(), *recon;
	int st;

	for (st = 0; st < LEDGER_STATE_COUNT; st++)
		json_object_set_new(counts, ledger_state_name(st),
		                    json_integer(s->count[st]));
	json_object_set_new(obj, "name", utf8_json_string(s->connection));
	json_object_set_new(obj, "configured",
	                    json_boolean(config_find_connection(
	                                         cfg, s->connection) != NULL));
	json_object_set_new(obj, "counts", counts);
	json_object_set_new(obj, "due", json_integer(s->due));
	json_object_set_new(obj, "links", json_integer(s->links));
	json_object_set_new(obj, "links_active", json_integer(s->links_active));
	json_object_set_new(obj, "secrets",
	                    secrets_json(cfg, s->connection, today));
	/* the last reconcile (cli/status_reconcile.c) */
	recon = status_reconcile_json(l, s->connection);
	if (!recon)
		fprintf(stderr, "provhost: %s\n", ledger_last_error());
	json_object_set_new(obj, "last_reconcile", recon ? recon : json_null());
	return obj;
}

/* The last run, with its stored summary and why connections stopped. */
static json_t *run_json(const struct ledger_run *r)
{
	json_t *obj = json_object(), *summary, *stopped = json_array(), *c;
	const char *name;

	summary = r->summary[0] ? json_loads(r->summary, 0, NULL) : NULL;
	json_object_set_new(obj, "id", json_integer(r->id));
	json_object_set_new(obj, "dry_run", json_boolean(r->dry_run));
	json_object_set_new(obj, "source", utf8_json_string(r->source));
	json_object_set_new(obj, "started_at", state_json_time(r->started_at));
	json_object_set_new(obj, "finished_at",
	                    state_json_time(r->finished_at));
	json_object_set_new(obj, "exit_code",
	                    r->finished_at ? json_integer(r->exit_code)
	                                   : json_null());
	json_object_foreach(summary, name, c)
	{
		const char *why =
		        json_string_value(json_object_get(c, "Stopped"));

		if (why)
			json_array_append_new(
			        stopped,
			        json_pack("{s:o, s:o}", "connection",
			                  utf8_json_string(name), "reason",
			                  utf8_json_string(why)));
	}
	json_object_set_new(obj, "stopped", stopped);
	json_object_set_new(obj, "summary",
	                    json_is_object(summary) ? summary : json_null());
	if (summary && !json_is_object(summary))
		json_decref(summary);
	return obj;
}

/* The ledger's connections, then configured ones it has no row for yet
 * (zeros). */
static json_t *connections_json(const struct config *cfg, struct ledger *l,
                                const struct ledger_status *rows, size_t n,
                                int64_t today)
{
	json_t *conns = json_array();
	size_t i;

	if (!conns)
		return NULL;
	for (i = 0; i < n; i++)
		json_array_append_new(conns,
		                      connection_json(cfg, l, &rows[i], today));
	/* configured connections the ledger has no row for yet: zeros */
	for (i = 0; i < cfg->n_connections; i++) {
		struct ledger_status zero = {0};
		size_t j;

		for (j = 0; j < n; j++)
			if (!strcmp(rows[j].connection,
			            cfg->connections[i].name))
				break;
		if (j < n)
			continue;
		snprintf(zero.connection, sizeof(zero.connection), "%s",
		         cfg->connections[i].name);
		json_array_append_new(conns,
		                      connection_json(cfg, l, &zero, today));
	}
	return conns;
}

json_t *state_json_status_empty(const struct config *cfg)
{
	json_t *doc = state_json_doc("status");

	if (!doc)
		return NULL;
	json_object_set_new(doc, "ledger", utf8_json_string(cfg->ledger_path));
	json_object_set_new(
	        doc, "connections",
	        connections_json(cfg, NULL, NULL, 0, secret_expiry_today()));
	json_object_set_new(doc, "rejected_lines", json_integer(0));
	json_object_set_new(doc, "last_run", json_null());
	return doc;
}

json_t *state_json_status(const struct config *cfg, struct ledger *l,
                          int64_t now)
{
	struct ledger_status *rows = NULL;
	struct ledger_run last;
	json_t *doc = NULL, *conns;
	int64_t rejects = 0, today = secret_expiry_today();
	size_t n = 0;
	int r;

	if (ledger_status(l, now, &rows, &n) ||
	    ledger_reject_count(l, &rejects))
		goto out;
	r = ledger_last_run(l, &last);
	if (r < 0)
		goto out;
	doc = state_json_doc("status");
	conns = connections_json(cfg, l, rows, n, today);
	if (!doc || !conns) {
		json_decref(conns);
		goto out;
	}
	json_object_set_new(doc, "ledger", utf8_json_string(cfg->ledger_path));
	json_object_set_new(doc, "connections", conns);
	json_object_set_new(doc, "rejected_lines", json_integer(rejects));
	json_object_set_new(doc, "last_run",
	                    r == 0 ? run_json(&last) : json_null());
out:
	free(rows);
	return doc;
}

static json_t *target_json(struct ledger *l, const struct ledger_history_row *r)
{
	const struct ledger_target *t = &r->target;
	json_t *obj = json_object(), *decision = NULL;
	char *text = NULL;

	json_object_set_new(obj, "connection", utf8_json_string(r->connection));
	json_object_set_new(obj, "state",
	                    json_string(ledger_state_name(t->state)));
	json_object_set_new(obj, "outcome", state_json_str(t->outcome));
	json_object_set_new(obj, "account_id", state_json_str(t->account_id));
	json_object_set_new(obj, "attempts", json_integer(t->attempts));
	json_object_set_new(obj, "http_status",
	                    t->http_status ? json_integer(t->http_status)
	                                   : json_null());
	json_object_set_new(obj, "updated_at", state_json_time(t->updated_at));
	json_object_set_new(obj, "last_error", state_json_str(t->last_error));
	/* a run that stored a decision (targets.decision) explains it */
	if (ledger_target_decision(l, r->seq, r->connection, &text) == 0)
		decision = json_loads(text, 0, NULL);
	free(text);
	if (decision && !json_is_object(decision)) {
		json_decref(decision);
		decision = NULL;
	}
	json_object_set_new(obj, "decision", decision ? decision : json_null());
	return obj;
}

int state_json_history_events(json_t *events, struct ledger *l,
                              const char *employee_id,
                              const struct ledger_history_row *rows, size_t n)
{
	json_t *ev = NULL, *targets = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct ledger_history_row *r = &rows[i];

		if (!ev || r->seq != rows[i - 1].seq) {
			ev = json_object();
			targets = json_array();
			if (!ev || !targets) {
				json_decref(ev);
				json_decref(targets);
				return -1;
			}
			json_object_set_new(ev, "seq", json_integer(r->seq));
			json_object_set_new(ev, "event_id",
			                    utf8_json_string(r->event_id));
			json_object_set_new(ev, "employee_id",
			                    utf8_json_string(employee_id));
			json_object_set_new(
			        ev, "kind",
			        json_string(event_kind_name(r->kind)));
			json_object_set_new(
			        ev, "effective",
			        r->has_effective ? state_json_time(r->effective)
			                         : json_null());
			json_object_set_new(ev, "received_at",
			                    state_json_time(r->received_at));
			json_object_set_new(ev, "source",
			                    utf8_json_string(r->source));
			json_object_set_new(ev, "line",
			                    json_integer(r->line_no));
			json_object_set_new(ev, "changes",
			                    state_json_str(r->changes));
			json_object_set_new(ev, "targets", targets);
			json_array_append_new(events, ev);
		}
		if (r->connection[0])
			json_array_append_new(targets, target_json(l, r));
	}
	return 0;
}
