/* Notifications: telling a person that unattended work needs one (the
 * "notify" section, config/notify_config.h). A notification is one JSON
 * object — "schema": "provhost/v1", "kind": "notification", "event",
 * "events", "time", "host", "run", "text" and the event's own members —
 * POSTed to every webhook (as is, or as {"text": ...} for format "slack")
 * and given to the command on its standard input and in its environment.
 * Each delivery has a timeout and one retry; a failed delivery is logged
 * and audited (engine/audit_notify.h) and never changes the caller's
 * outcome. Call from one thread at a time (the main thread after the work
 * is done): it blocks for at most 2 x (timeout + 1 s) per channel. */
#ifndef PROVHOST_NOTIFY_H
#define PROVHOST_NOTIFY_H

#include <jansson.h>
#include <stdint.h>

#include "config/config.h"
#include "config/notify_config.h"
#include "engine/audit.h"

struct ledger;

/* Sends body (a JSON object; this function adds "schema", "kind", "event"
 * unless set, "time" and "host", and needs "text") for event ev when cfg
 * has a notify section whose "on" includes it. audit may be NULL or off.
 * Returns the number of channels it was delivered to (0 when notify is
 * not configured or ev is not wanted), or -1 when every channel failed.
 * body stays the caller's. */
int notify_send(const struct config *cfg, struct audit *audit,
                enum notify_event ev, int64_t run_id, json_t *body);

/* True when cfg notifies on ev. */
bool notify_wanted(const struct config *cfg, enum notify_event ev);

/* For a scheduled reconcile (or the lead): "orphans_found": count accounts
 * on connection that no employee in the ledger owns, accounts (a JSON
 * array of account objects or ids, may be NULL; borrowed) listing some of
 * them. Returns as notify_send. */
int notify_orphans_found(const struct config *cfg, struct audit *audit,
                         int64_t run_id, const char *connection, int64_t count,
                         json_t *accounts);

/* "token_expiring" for every secret (of the connection named only, when
 * not NULL) due or expired on day today that was not yet notified today
 * (ledger notify_sent), marking each one delivered. l NULL: sends without
 * remembering (no ledger). Returns how many notifications were sent. */
int notify_token_expiry(const struct config *cfg, struct audit *audit,
                        struct ledger *l, int64_t run_id, const char *only,
                        int64_t today);

/* notify_http.c: POSTs body (Content-Type application/json) to w's URL:
 * TLS verified, no redirects, timeout_ms for the whole request. 0 on a 2xx
 * answer, else -1 with why (the curl error or "HTTP 500"; never the URL's
 * path or query). */
int notify_http_post(const struct notify_webhook *w, const char *body,
                     int timeout_ms, char *why, size_t why_len);

/* notify_command.c: runs argv (no shell) with body on its standard input
 * and env (NULL-terminated "NAME=value" strings) as its whole environment
 * besides PATH, HOME, LANG, LC_ALL and TZ; kills it after timeout_ms. 0
 * when it exits 0, else -1 with why. */
int notify_command_run(char *const argv[], const char *body, char *const env[],
                       int timeout_ms, char *why, size_t why_len);

#endif
