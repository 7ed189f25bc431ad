/* The "notify" section: where provhost tells someone that unattended work
 * needs a person (webhooks and/or a command) and on which events. Read and
 * checked with the rest of the configuration (config_load); webhook URLs
 * are secrets ({"env"} or {"file"}, like tokens) and are only ever shown
 * redacted (scheme, host and port; path and query masked). */
#ifndef PROVHOST_NOTIFY_CONFIG_H
#define PROVHOST_NOTIFY_CONFIG_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "config/secrets.h"

struct config_report;
struct config_source;

/* The events a notification is sent on (bits of notify_config.events). */
enum notify_event {
	NOTIFY_RUN_STOPPED,          /* a connection stopped early */
	NOTIFY_EVENTS_FAILED,        /* events failed or were rejected */
	NOTIFY_REVIEW_WAITING,       /* held or disputed items wait */
	NOTIFY_CREDENTIALS_REJECTED, /* the target refused the token */
	NOTIFY_TOKEN_EXPIRING,       /* a secret's "expires" is near/past */
	NOTIFY_ORPHANS_FOUND,        /* a scheduled reconcile found some */
	NOTIFY_EVENT_COUNT
};

/* "run_stopped", "events_failed", "review_waiting",
 * "credentials_rejected", "token_expiring", "orphans_found". */
const char *notify_event_name(enum notify_event e);

enum notify_format {
	NOTIFY_FORMAT_JSON,  /* the whole notification as a JSON object */
	NOTIFY_FORMAT_SLACK, /* {"text": "..."} (Slack, Mattermost, ...) */
};

struct notify_webhook {
	struct secret_set url; /* one secret "url" */
	enum notify_format format;
	char *ca_file;      /* CA bundle to verify with; NULL = system's */
	char redacted[300]; /* "https://hooks.example.com/" then stars */
};

struct notify_config {
	unsigned events; /* bit (1u << notify_event) set: notify on it */
	int timeout_ms;  /* per attempt (webhook request, command) */
	struct notify_webhook *webhooks;
	size_t n_webhooks;
	char **command; /* argv, NULL-terminated; NULL = none */
};

/* Reads root's "notify" member (absent: *out NULL) into a new *out
 * (notify_config_free). Problems go to errs with their positions in src;
 * returns 0, or -1. Relative paths (secret files, ca_file) are resolved
 * against dir. */
int notify_config_read(const json_t *root, const struct config_source *src,
                       const char *dir, struct config_report *errs,
                       struct notify_config **out);

void notify_config_free(struct notify_config *nc);

/* For check-config: "notify: on EVENTS, timeout N s" and one line per
 * webhook (redacted URL, format, where the URL comes from) and the
 * command; "notify: none" for NULL. */
void notify_config_print(const struct notify_config *nc, FILE *out);

/* Writes url with path, query, fragment and user info masked into out:
 * "https://hooks.slack.com/" and three stars. A URL that does not parse is
 * "***". */
void notify_url_redact(const char *url, char *out, size_t len);

#endif
