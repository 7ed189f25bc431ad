/* One SCIM request as a connector op sees it: pacing and deadline, the
 * transport, and the answer turned into JSON or a provhost_error.
 *
 * Contract:
 *   - struct scim_client borrows everything it points to (the transport,
 *     host_api, host, label); the connector instance owns them.
 *   - scim_client_send() returns PROVHOST_OK for a 2xx whose body is JSON
 *     (or empty); otherwise a provhost_status with err filled: status,
 *     retryable, retry_after_ms (429/503), remote_code and a one-line
 *     message "<label> answered <code> to <METHOD> <path>: <SCIM detail or
 *     a short excerpt>", "the answer at <url> (...) is not valid JSON
 *     (<why>): <excerpt>" / "... is nested too deeply ..." for a 2xx that
 *     is not JSON, or a transport reason naming the base URL. Messages
 *     never contain request headers. The caller may refine err (hints).
 *   - The reply's json is a new reference the caller releases with
 *     scim_reply_release(); reply->raw is valid until the next request.
 *   - Dry run: scim_client_write() reports the write through
 *     host_api->planned_write instead of sending it and returns PROVHOST_OK
 *     with reply->dry_run set and no JSON.
 */
#ifndef SCIM_CLIENT_H
#define SCIM_CLIENT_H

#include "scimclient/scim_error.h"
#include "scimclient/scim_http.h"
#include "scimclient/scim_status.h"

#include <jansson.h>
#include <provhost/connector.h>

struct scim_client {
	struct scim_http *http;
	const char *label; /* starts messages, e.g. "promapp" */
	const provhost_host_api *api;
	provhost_host *host;
	long timeout_ms; /* per request, before the call's deadline */
};

struct scim_reply {
	long http;      /* HTTP status, 0 if none (or dry run) */
	json_t *json;   /* 2xx body parsed, new reference, or NULL */
	int not_json;   /* a 2xx whose body is not JSON */
	int looks_html; /* ... and looks like an HTML page */
	int too_deep;   /* ... and is nested deeper than jansson reads */
	int dry_run;    /* the write was only planned */
	struct scim_error_body error;    /* non-2xx: the SCIM error */
	const struct scim_response *raw; /* NULL when nothing was sent */
	struct scim_response resp;       /* storage behind raw */
};

/* Sends one request (see the contract above). kind decides what a 404
 * means. body may be NULL. */
int scim_client_send(struct scim_client *c, const provhost_call *call,
                     const char *method, const char *path, const char *body,
                     enum scim_target_kind kind, struct scim_reply *reply,
                     provhost_error *err);

/* Like scim_client_send for a write with a JSON body (may be NULL), but in
 * a dry run (call->flags & PROVHOST_CALL_DRY_RUN) only reports it. */
int scim_client_write(struct scim_client *c, const provhost_call *call,
                      const char *method, const char *path, json_t *body,
                      enum scim_target_kind kind, struct scim_reply *reply,
                      provhost_error *err);

/* Releases the reply's JSON; the reply may be reused afterwards. */
void scim_reply_release(struct scim_reply *reply);

/* True when the call asks for a dry run. */
int scim_call_is_dry_run(const provhost_call *call);

/* Fills err (status, retryable, remote_code, printf-style message made one
 * line) and returns status, for `return scim_fail(...)`. */
int scim_fail(provhost_error *err, int status, int retryable, int remote_code,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* printf into buf (size buf_len), truncating silently and replacing
 * control characters with spaces: for one-line messages and details. */
void scim_format(char *buf, size_t buf_len, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Replaces every occurrence of secret (when non-empty) in the NUL-terminated
 * text with "[redacted]", in place, truncating to text_size. A safety net:
 * messages should never contain the secret in the first place. */
void scim_redact(char *text, size_t text_size, const char *secret);

#endif
