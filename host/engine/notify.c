#include "engine/notify.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/secret_expiry.h"
#include "engine/audit_notify.h"
#include "ledger/ledger.h"
#include "lifecycle/isodate.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/utf8.h"

#define RETRY_DELAY_MS 1000

bool notify_wanted(const struct config *cfg, enum notify_event ev)
{
	return cfg->notify && (cfg->notify->events & (1u << ev));
}

/* Adds the members every notification has. */
static void complete_body(json_t *body, enum notify_event ev, int64_t run_id)
{
	char host[256] = "", now[32];
	json_t *events;

	if (gethostname(host, sizeof(host) - 1))
		host[0] = '\0';
	json_object_set_new(body, "schema", json_string("provhost/v1"));
	json_object_set_new(body, "kind", json_string("notification"));
	if (!json_object_get(body, "event"))
		json_object_set_new(body, "event",
		                    json_string(notify_event_name(ev)));
	events = json_object_get(body, "events");
	if (!json_is_array(events))
		json_object_set_new(body, "events",
		                    json_pack("[s]", notify_event_name(ev)));
	json_object_set_new(
	        body, "time",
	        json_string(isodate_format(clock_wall_s(), now, sizeof(now))));
	json_object_set_new(body, "host", utf8_json_string(host));
	json_object_set_new(body, "run",
	                    run_id ? json_integer(run_id) : json_null());
}

/* After a failed attempt: the second and last. */
static int with_retry(int (*attempt)(void *ctx, char *why, size_t len),
                      void *ctx, int *attempts, char *why, size_t len)
{
	for (*attempts = 1;; (*attempts)++) {
		if (attempt(ctx, why, len) == 0)
			return 0;
		if (*attempts == 2)
			return -1;
		clock_sleep_ms(RETRY_DELAY_MS);
	}
}

struct delivery {
	const struct notify_config *nc;
	const struct notify_webhook *w;
	const char *body;
	char **env;
};

static int post_once(void *ctx, char *why, size_t len)
{
	struct delivery *d = ctx;

	return notify_http_post(d->w, d->body, d->nc->timeout_ms, why, len);
}

static int command_once(void *ctx, char *why, size_t len)
{
	struct delivery *d = ctx;

	return notify_command_run(d->nc->command, d->body, d->env,
	                          d->nc->timeout_ms, why, len);
}

/* Logs and audits one channel's result; returns delivered ? 1 : 0. */
static int report(struct audit *audit, enum notify_event ev, int64_t run_id,
                  const char *channel, int attempts, int rc, const char *why)
{
	struct audit_notify_record r = {
	        .run_id = run_id,
	        .event = notify_event_name(ev),
	        .channel = channel,
	        .attempts = attempts,
	        .delivered = rc == 0,
	        .error = rc ? why : NULL,
	};
	char err[600];

	if (rc)
		log_msg(PROVHOST_LOG_WARN,
		        "notification %s to %s failed after %d attempt%s: %s "
		        "(the run's outcome is unchanged)",
		        r.event, channel, attempts, attempts == 1 ? "" : "s",
		        why);
	else
		log_msg(PROVHOST_LOG_INFO, "notification %s sent to %s",
		        r.event, channel);
	if (audit_write_notify(audit, &r, err, sizeof(err)))
		log_msg(PROVHOST_LOG_WARN, "%s", err);
	return rc == 0;
}

/* NAME=value for the command's environment (value made one line). */
static char *env_pair(const char *name, const char *value)
{
	char *s;

	if (asprintf(&s, "%s=%s", name, value ? value : "") < 0)
		return NULL;
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return s;
}

static int send_command(const struct notify_config *nc, struct audit *audit,
                        enum notify_event ev, int64_t run_id, json_t *body,
                        const char *text)
{
	char *env[6] = {0}, run[32], why[600], channel[300];
	struct delivery d = {.nc = nc, .env = env};
	int attempts = 0, rc, i;
	char *json = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);

	snprintf(run, sizeof(run), "%lld", (long long)run_id);
	env[0] = env_pair("PROVHOST_NOTIFY_EVENT", notify_event_name(ev));
	env[1] = env_pair("PROVHOST_NOTIFY_TEXT", text);
	env[2] = env_pair("PROVHOST_NOTIFY_RUN", run_id ? run : "");
	env[3] = env_pair(
	        "PROVHOST_NOTIFY_CONNECTION",
	        json_string_value(json_object_get(body, "connection")));
	snprintf(channel, sizeof(channel), "command %s", nc->command[0]);
	if (!json || !env[0] || !env[1] || !env[2] || !env[3]) {
		snprintf(why, sizeof(why), "out of memory");
		rc = -1;
		attempts = 1;
	} else {
		d.body = json;
		rc = with_retry(command_once, &d, &attempts, why, sizeof(why));
	}
	for (i = 0; i < 4; i++)
		free(env[i]);
	free(json);
	return report(audit, ev, run_id, channel, attempts, rc, why);
}

int notify_send(const struct config *cfg, struct audit *audit,
                enum notify_event ev, int64_t run_id, json_t *body)
{
	const struct notify_config *nc = cfg->notify;
	const char *text;
	char *full = NULL, *slack = NULL, why[600], channel[400];
	int delivered = 0, channels = 0, attempts, rc;
	json_t *copy, *slack_obj;
	size_t i;

	if (!notify_wanted(cfg, ev))
		return 0;
	copy = json_deep_copy(body);
	if (!copy)
		return -1;
	complete_body(copy, ev, run_id);
	text = json_string_value(json_object_get(copy, "text"));
	full = json_dumps(copy, JSON_COMPACT | JSON_PRESERVE_ORDER);
	slack_obj = json_pack("{s:s}", "text", text ? text : "");
	slack = slack_obj ? json_dumps(slack_obj, JSON_COMPACT) : NULL;
	json_decref(slack_obj);
	for (i = 0; i < nc->n_webhooks; i++) {
		const struct notify_webhook *w = &nc->webhooks[i];
		struct delivery d = {.nc = nc, .w = w};

		channels++;
		d.body = w->format == NOTIFY_FORMAT_SLACK ? slack : full;
		snprintf(channel, sizeof(channel), "webhook %s", w->redacted);
		if (!d.body) {
			snprintf(why, sizeof(why), "out of memory");
			rc = -1;
			attempts = 1;
		} else {
			rc = with_retry(post_once, &d, &attempts, why,
			                sizeof(why));
		}
		delivered +=
		        report(audit, ev, run_id, channel, attempts, rc, why);
	}
	if (nc->command) {
		channels++;
		delivered += send_command(nc, audit, ev, run_id, copy, text);
	}
	free(full);
	free(slack);
	json_decref(copy);
	return channels && !delivered ? -1 : delivered;
}

int notify_orphans_found(const struct config *cfg, struct audit *audit,
                         int64_t run_id, const char *connection, int64_t count,
                         json_t *accounts)
{
	char text[600];
	json_t *body;
	int rc;

	snprintf(text, sizeof(text),
	         "provhost: connection \"%s\": %lld account%s no employee "
	         "owns (orphans); see the reconcile report",
	         connection, (long long)count, count == 1 ? "" : "s");
	body = json_pack("{s:o, s:s, s:I, s:O}", "connection",
	                 utf8_json_string(connection), "text", text, "orphans",
	                 (json_int_t)count, "accounts",
	                 accounts ? accounts : json_null());
	if (!body)
		return -1;
	rc = notify_send(cfg, audit, NOTIFY_ORPHANS_FOUND, run_id, body);
	json_decref(body);
	return rc;
}

struct expiry_ctx {
	const struct config *cfg;
	struct audit *audit;
	struct ledger *l;
	int64_t run_id, today;
	int sent;
};

static void expiry_one(const struct connection *conn, const struct secret *s,
                       enum secret_expiry e, int64_t days_left, void *arg)
{
	struct expiry_ctx *x = arg;
	char key[600], msg[1200], text[1300];
	int64_t last;
	json_t *body;

	snprintf(key, sizeof(key), "%s\n%s", conn->name, s->key);
	if (x->l &&
	    ledger_notify_last_day(x->l, "token_expiring", key, &last) == 0 &&
	    last >= x->today)
		return; /* already told today */
	secret_expiry_message(conn, s, e, days_left, msg, sizeof(msg));
	snprintf(text, sizeof(text), "provhost: %s", msg);
	body = json_pack("{s:o, s:s, s:s, s:I, s:s, s:o}", "connection",
	                 utf8_json_string(conn->name), "secret", s->key,
	                 "expires", s->expires, "days_left",
	                 (json_int_t)days_left, "state", secret_expiry_name(e),
	                 "text", utf8_json_string(text));
	if (body && notify_send(x->cfg, x->audit, NOTIFY_TOKEN_EXPIRING,
	                        x->run_id, body) > 0) {
		x->sent++;
		if (x->l && ledger_notify_mark(x->l, "token_expiring", key,
		                               x->today, clock_wall_s()))
			log_msg(PROVHOST_LOG_WARN, "ledger: %s",
			        ledger_last_error());
	}
	json_decref(body);
}

int notify_token_expiry(const struct config *cfg, struct audit *audit,
                        struct ledger *l, int64_t run_id, const char *only,
                        int64_t today)
{
	struct expiry_ctx x = {cfg, audit, l, run_id, today, 0};

	if (!notify_wanted(cfg, NOTIFY_TOKEN_EXPIRING))
		return 0;
	secret_expiry_each(cfg, only, today, expiry_one, &x);
	return x.sent;
}
