#include "config/notify_config.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "config/config_report.h"

#define NOTIFY_TIMEOUT_DEFAULT_S 10
#define NOTIFY_TIMEOUT_MAX_S     120

static const char *const event_names[NOTIFY_EVENT_COUNT] = {
        "run_stopped",          "events_failed",  "review_waiting",
        "credentials_rejected", "token_expiring", "orphans_found",
};

const char *notify_event_name(enum notify_event e)
{
	return (unsigned)e < NOTIFY_EVENT_COUNT ? event_names[e] : "unknown";
}

void notify_url_redact(const char *url, char *out, size_t len)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;

	snprintf(out, len, "***");
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0))
		goto out;
	if (curl_url_get(u, CURLUPART_PORT, &port, 0))
		port = NULL;
	snprintf(out, len, "%s://%s%s%s/***", scheme, host, port ? ":" : "",
	         port ? port : "");
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
}

/* https://, or http:// to a loopback address (a local receiver, tests). */
static const char *url_problem(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	const char *why = NULL;

	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0)) {
		why = "is not a URL (scheme://host/path)";
	} else if (!strcmp(scheme, "http")) {
		if (strcmp(host, "127.0.0.1") && strcmp(host, "[::1]") &&
		    strcmp(host, "localhost"))
			why = "must be https:// (plain http:// only to a "
			      "loopback address)";
	} else if (strcmp(scheme, "https")) {
		why = "must be an https:// URL";
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return why;
}

static int read_events(const json_t *on, const struct config_source *src,
                       struct config_report *errs, unsigned *events)
{
	size_t i, e;
	const json_t *v;

	*events = 0;
	if (!json_is_array(on) || !json_array_size(on)) {
		config_report_add(errs, src, "notify", "on",
		                  "\"notify.on\" must be a non-empty array of "
		                  "event names");
		return -1;
	}
	json_array_foreach(on, i, v)
	{
		const char *name = json_string_value(v);
		char where[32];

		for (e = 0; name && e < NOTIFY_EVENT_COUNT; e++)
			if (!strcmp(name, event_names[e]))
				break;
		if (!name || e == NOTIFY_EVENT_COUNT) {
			snprintf(where, sizeof(where), "on[%zu]", i);
			config_report_add(
			        errs, src, "notify", where,
			        "unknown notify event %s%s%s (known: "
			        "run_stopped, events_failed, review_waiting, "
			        "credentials_rejected, token_expiring, "
			        "orphans_found)",
			        name ? "\"" : "",
			        name ? name : "(not a string)",
			        name ? "\"" : "");
			return -1;
		}
		*events |= 1u << e;
	}
	return 0;
}

static int read_webhook(const json_t *obj, const char *jpath,
                        const struct config_source *src, const char *dir,
                        struct config_report *errs, struct notify_webhook *w)
{
	struct path_error perr = {{0}, {0}};
	const json_t *v;
	const char *key, *why;
	char spath[128];

	if (!json_is_object(obj)) {
		config_report_add(errs, src, jpath, "",
		                  "a webhook must be an object {\"url\": "
		                  "{\"env\": \"VAR\"}, \"format\": \"json\"}");
		return -1;
	}
	json_object_foreach((json_t *)obj, key, v)
	{
		if (strcmp(key, "url") && strcmp(key, "format") &&
		    strcmp(key, "ca_file")) {
			config_report_add(errs, src, jpath, key,
			                  "unknown key \"%s\" (known: url, "
			                  "format, ca_file)",
			                  key);
			return -1;
		}
	}
	v = json_object_get(obj, "url");
	if (!v) {
		config_report_add(errs, src, jpath, "",
		                  "a webhook needs \"url\": {\"env\": \"VAR\"} "
		                  "or {\"file\": \"path\"}");
		return -1;
	}
	snprintf(spath, sizeof(spath), "%s.url", jpath);
	if (secret_set_load_at(&w->url, "url", v, dir, spath, &perr)) {
		config_report_add(errs, src, "", perr.path, "webhook %s",
		                  perr.message);
		return -1;
	}
	why = url_problem(w->url.items[0].value);
	if (why) {
		config_report_add(errs, src, jpath, "url",
		                  "webhook URL (%s) %s", w->url.items[0].source,
		                  why);
		return -1;
	}
	notify_url_redact(w->url.items[0].value, w->redacted,
	                  sizeof(w->redacted));
	v = json_object_get(obj, "format");
	w->format = NOTIFY_FORMAT_JSON;
	if (v && json_is_string(v) && !strcmp(json_string_value(v), "slack"))
		w->format = NOTIFY_FORMAT_SLACK;
	else if (v && !(json_is_string(v) &&
	                !strcmp(json_string_value(v), "json"))) {
		config_report_add(errs, src, jpath, "format",
		                  "\"format\" must be \"json\" (the whole "
		                  "notification) or \"slack\" ({\"text\": "
		                  "...})");
		return -1;
	}
	v = json_object_get(obj, "ca_file");
	if (v) {
		if (!json_is_string(v) || !json_string_length(v)) {
			config_report_add(errs, src, jpath, "ca_file",
			                  "\"ca_file\" must be a non-empty "
			                  "string (a CA bundle file)");
			return -1;
		}
		w->ca_file = config_resolve(dir, json_string_value(v));
		if (!w->ca_file)
			return -1;
	}
	return 0;
}

static int read_webhooks(const json_t *arr, const struct config_source *src,
                         const char *dir, struct config_report *errs,
                         struct notify_config *nc)
{
	size_t i;

	if (!json_is_array(arr)) {
		config_report_add(errs, src, "notify", "webhooks",
		                  "\"notify.webhooks\" must be an array of "
		                  "webhook objects");
		return -1;
	}
	nc->webhooks = calloc(json_array_size(arr) + 1, sizeof(*nc->webhooks));
	if (!nc->webhooks)
		return -1;
	for (i = 0; i < json_array_size(arr); i++) {
		char jpath[64];

		snprintf(jpath, sizeof(jpath), "notify.webhooks[%zu]", i);
		nc->n_webhooks = i + 1; /* released by notify_config_free */
		if (read_webhook(json_array_get(arr, i), jpath, src, dir, errs,
		                 &nc->webhooks[i]))
			return -1;
	}
	return 0;
}

/* "command": ["/path/to/program", "arg", ...]: run without a shell. */
static int read_command(const json_t *arr, const struct config_source *src,
                        struct config_report *errs, struct notify_config *nc)
{
	size_t i, n = json_array_size(arr);

	if (!json_is_array(arr) || !n) {
		config_report_add(
		        errs, src, "notify", "command",
		        "\"notify.command\" must be a non-empty array "
		        "[\"/path/to/program\", \"arg\", ...] (run "
		        "without a shell)");
		return -1;
	}
	nc->command = calloc(n + 1, sizeof(*nc->command));
	if (!nc->command)
		return -1;
	for (i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(arr, i));
		char where[32];

		snprintf(where, sizeof(where), "command[%zu]", i);
		if (!s || !*s || (i == 0 && s[0] != '/')) {
			config_report_add(
			        errs, src, "notify", where,
			        i == 0 ? "the notify command must be "
			                 "an absolute path"
			               : "a notify command argument "
			                 "must be a non-empty string");
			return -1;
		}
		nc->command[i] = strdup(s);
		if (!nc->command[i])
			return -1;
	}
	return 0;
}

int notify_config_read(const json_t *root, const struct config_source *src,
                       const char *dir, struct config_report *errs,
                       struct notify_config **out)
{
	const json_t *obj = json_object_get(root, "notify"), *v;
	struct notify_config *nc;
	const char *key;

	*out = NULL;
	if (!obj)
		return 0;
	if (!json_is_object(obj)) {
		config_report_add(errs, src, "", "notify",
		                  "\"notify\" must be an object");
		return -1;
	}
	nc = calloc(1, sizeof(*nc));
	if (!nc)
		return -1;
	nc->events = (1u << NOTIFY_EVENT_COUNT) - 1;
	nc->timeout_ms = NOTIFY_TIMEOUT_DEFAULT_S * 1000;
	json_object_foreach((json_t *)obj, key, v)
	{
		if (strcmp(key, "webhooks") && strcmp(key, "command") &&
		    strcmp(key, "on") && strcmp(key, "timeout_seconds")) {
			config_report_add(
			        errs, src, "notify", key,
			        "unknown key \"%s\" (known: webhooks, "
			        "command, on, timeout_seconds)",
			        key);
			goto fail;
		}
	}
	v = json_object_get(obj, "timeout_seconds");
	if (v && (!json_is_integer(v) || json_integer_value(v) < 1 ||
	          json_integer_value(v) > NOTIFY_TIMEOUT_MAX_S)) {
		config_report_add(errs, src, "notify", "timeout_seconds",
		                  "\"timeout_seconds\" must be an integer from "
		                  "1 to %d",
		                  NOTIFY_TIMEOUT_MAX_S);
		goto fail;
	}
	if (v)
		nc->timeout_ms = (int)json_integer_value(v) * 1000;
	if ((v = json_object_get(obj, "on")) &&
	    read_events(v, src, errs, &nc->events))
		goto fail;
	if ((v = json_object_get(obj, "webhooks")) &&
	    read_webhooks(v, src, dir, errs, nc))
		goto fail;
	if ((v = json_object_get(obj, "command")) &&
	    read_command(v, src, errs, nc))
		goto fail;
	if (!nc->n_webhooks && !nc->command) {
		config_report_add(
		        errs, src, "", "notify",
		        "\"notify\" needs \"webhooks\" or \"command\" "
		        "(or both)");
		goto fail;
	}
	*out = nc;
	return 0;
fail:
	notify_config_free(nc);
	return -1;
}

void notify_config_free(struct notify_config *nc)
{
	size_t i;

	if (!nc)
		return;
	for (i = 0; i < nc->n_webhooks; i++) {
		secret_set_release(&nc->webhooks[i].url);
		free(nc->webhooks[i].ca_file);
	}
	free(nc->webhooks);
	for (i = 0; nc->command && nc->command[i]; i++)
		free(nc->command[i]);
	free(nc->command);
	free(nc);
}

void notify_config_print(const struct notify_config *nc, FILE *out)
{
	const char *sep = "";
	size_t i;

	if (!nc) {
		fprintf(out, "notify: none\n");
		return;
	}
	fprintf(out, "notify: on ");
	for (i = 0; i < NOTIFY_EVENT_COUNT; i++) {
		if (!(nc->events & (1u << i)))
			continue;
		fprintf(out, "%s%s", sep, event_names[i]);
		sep = ", ";
	}
	fprintf(out, "; timeout %d s, one retry\n", nc->timeout_ms / 1000);
	for (i = 0; i < nc->n_webhooks; i++)
		fprintf(out, "  webhook %s (%s): URL from %s%s%s\n",
		        nc->webhooks[i].redacted,
		        nc->webhooks[i].format == NOTIFY_FORMAT_SLACK ? "slack"
		                                                      : "json",
		        nc->webhooks[i].url.items[0].source,
		        nc->webhooks[i].ca_file ? ", CA file " : "",
		        nc->webhooks[i].ca_file ? nc->webhooks[i].ca_file : "");
	for (i = 0; nc->command && nc->command[i]; i++)
		fprintf(out, "%s%s", i ? " " : "  command: ", nc->command[i]);
	if (nc->command)
		fprintf(out, "\n");
}
