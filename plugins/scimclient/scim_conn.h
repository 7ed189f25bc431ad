/* The connection half of a SCIM connector instance: the host services, the
 * bearer token, the HTTP transport and the SCIM client built on them, and
 * the bookkeeping every op shares (clearing what it reports, the last HTTP
 * status, redacting the token on the way out).
 *
 * Contract:
 *   - A connector embeds one struct scim_conn in its provhost_instance,
 *     zero-initialised (calloc). scim_conn owns token and http and frees
 *     them in scim_conn_close(); api, host and label are borrowed and must
 *     outlive it (label is a string literal such as "promapp").
 *   - label names the connector in messages ("<label> answered ...",
 *     "<label> operation failed"), so each connector keeps its own texts.
 *   - Nothing here is exported from a connector's .so (hidden visibility).
 */
#ifndef SCIM_CONN_H
#define SCIM_CONN_H

#include "scimclient/scim_client.h"
#include "scimclient/scim_setting.h"

#include <jansson.h>
#include <provhost/connector.h>

/* Refines err after a failed request, e.g. with what a person can do about
 * it; ctx is scim_conn.hint_ctx. reply is as the request left it. */
typedef void (*scim_conn_hint_fn)(void *ctx, const char *method,
                                  const char *path,
                                  const struct scim_reply *reply,
                                  provhost_error *err);

struct scim_conn {
	const provhost_host_api *api; /* borrowed */
	provhost_host *host;          /* borrowed */
	const char *label;            /* borrowed, e.g. "promapp" */
	struct scim_http *http;       /* owned */
	struct scim_client client;    /* borrows http, api, host, label */
	char *token;    /* owned; wiped and freed by close; for redaction */
	long last_http; /* HTTP status of the last request, 0 if none */
	/* the ETag of the last answer that carried one account (a 2xx to a
	 * request on /Users/{id} or a POST /Users), "" otherwise; an op's
	 * success reports it (ABI 1.2 provhost_result.etag) */
	char last_etag[128];
	scim_conn_hint_fn hint; /* optional, set by the connector after open */
	void *hint_ctx;         /* borrowed, passed to hint */
};

/* Reads the secret "access_token" from the host (it must be one HTTP header
 * token: no whitespace or control characters), sets up the transport and
 * the client from settings (copied; label is kept, borrowed). c must be
 * zeroed. Returns PROVHOST_OK, or PROVHOST_E_CONFIG /
 * PROVHOST_E_INTERNAL with err filled; on failure c holds whatever was set
 * up and the caller releases it with scim_conn_close(). */
int scim_conn_open(struct scim_conn *c, const provhost_host_api *api,
                   provhost_host *host, const char *label,
                   const struct scim_conn_settings *settings,
                   provhost_error *err);

/* Frees the transport and wipes and frees the token; c may be zeroed or
 * half-opened. Does not free c itself. */
void scim_conn_close(struct scim_conn *c);

/* Starts an op: forgets the last HTTP status and clears err and (when not
 * NULL) result, keeping the callers' struct_size fields. */
void scim_conn_op_begin(struct scim_conn *c, provhost_result *result,
                        provhost_error *err);

/* Ends an op: the last HTTP status into result->remote_code (and, ABI
 * 1.2, last_etag into result->etag after a success), err->status
 * set to rc on failure (with "<label> operation failed" when nothing more
 * specific was said), the token redacted from everything going back (a
 * safety net). result may be NULL. Returns rc. */
int scim_conn_op_end(struct scim_conn *c, int rc, provhost_result *result,
                     provhost_error *err);

/* Forgets a failure that was handled (keeps struct_size). */
void scim_clear_error(provhost_error *err);

/* Sends one request: a GET without body is a read (scim_client_send),
 * anything else a write (scim_client_write: only planned in a dry run).
 * Records the HTTP status in c->last_http when something was sent, and on
 * failure lets c->hint (when set) refine err. Returns what the client
 * returned; reply as in scim_client.h. */
int scim_conn_send(struct scim_conn *c, const provhost_call *call,
                   const char *method, const char *path, json_t *body,
                   enum scim_target_kind kind, struct scim_reply *reply,
                   provhost_error *err);

/* Reads the User resource at path (e.g. "/Users/42"). PROVHOST_OK with
 * *found a new reference the caller owns; PROVHOST_E_PROTOCOL when a 2xx
 * carried no JSON object; else the request's status (PROVHOST_E_NOT_FOUND
 * for a 404) with err filled and *found NULL. */
int scim_conn_get_user(struct scim_conn *c, const provhost_call *call,
                       const char *path, json_t **found, provhost_error *err);

/* Logs one line through the host when it offers logging. */
void scim_conn_log(struct scim_conn *c, const provhost_call *call, int level,
                   const char *line);

#endif
