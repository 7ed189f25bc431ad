/* The connection half of a SCIM connector instance: token, transport,
 * client, and the per-op bookkeeping. See scim_conn.h for the contract. */
#include "scimclient/scim_conn.h"

#include <stdlib.h>
#include <string.h>

#define TOKEN_KEY      "access_token"
#define TOKEN_INITIAL  2048
#define TOKEN_MAX_SIZE 65536

static void wipe_free(char *buf, size_t len)
{
	explicit_bzero(buf, len);
	free(buf);
}

/* True when the token cannot be sent as one HTTP header token. */
static int token_has_space_or_control(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];
		if (ch <= 0x20 || ch == 0x7f)
			return 1;
	}
	return 0;
}

/* Fetches the access token from the host into a heap buffer the caller
 * owns (wipe before free). Asks again with a bigger buffer once when the
 * host says the first was too small. */
static int fetch_token(const provhost_host_api *api, provhost_host *host,
                       char **out, provhost_error *err)
{
	size_t cap = TOKEN_INITIAL, len = 0;
	char *buf = malloc(cap);
	int32_t rc;

	if (!buf)
		return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		                 "out of memory reading secret '" TOKEN_KEY
		                 "'");
	rc = api->get_secret(host, TOKEN_KEY, buf, cap, &len);
	if (rc == PROVHOST_E_INVALID_INPUT && len >= cap &&
	    len < TOKEN_MAX_SIZE) {
		wipe_free(buf, cap);
		cap = len + 1;
		if (!(buf = malloc(cap)))
			return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
			                 "out of memory reading secret "
			                 "'" TOKEN_KEY "'");
		rc = api->get_secret(host, TOKEN_KEY, buf, cap, &len);
	}
	if (rc != PROVHOST_OK || len == 0 || len >= cap) {
		wipe_free(buf, cap);
		return scim_fail(err, PROVHOST_E_CONFIG, 0, 0,
		                 rc == PROVHOST_E_NOT_FOUND || len == 0
		                         ? "secret '" TOKEN_KEY "' is not set "
		                           "for this connection"
		                         : "secret '" TOKEN_KEY
		                           "' could not be "
		                           "read");
	}
	buf[len] = '\0';
	if (token_has_space_or_control(buf, len)) {
		wipe_free(buf, cap);
		return scim_fail(err, PROVHOST_E_CONFIG, 0, 0,
		                 "secret '" TOKEN_KEY
		                 "' contains whitespace or "
		                 "control characters");
	}
	*out = buf;
	return PROVHOST_OK;
}

int scim_conn_open(struct scim_conn *c, const provhost_host_api *api,
                   provhost_host *host, const char *label,
                   const struct scim_conn_settings *settings,
                   provhost_error *err)
{
	char why[256];
	int rc;

	c->api = api;
	c->host = host;
	c->label = label;
	rc = fetch_token(api, host, &c->token, err);
	if (rc != PROVHOST_OK)
		return rc;
	struct scim_http_options http_opts = {
	        .base_url = settings->base_url,
	        .bearer_token = c->token,
	        .user_agent = settings->user_agent,
	        .ca_file = settings->ca_file,
	        .connect_timeout_ms = settings->connect_timeout_ms,
	        .max_response = SCIM_HTTP_MAX_RESPONSE,
	};
	c->http = scim_http_new(&http_opts, why, sizeof why);
	if (!c->http)
		return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		                 "could not set up HTTP for %s: %s", c->label,
		                 why);
	c->client.http = c->http;
	c->client.label = c->label;
	c->client.api = api;
	c->client.host = host;
	c->client.timeout_ms = settings->timeout_ms;
	return PROVHOST_OK;
}

void scim_conn_close(struct scim_conn *c)
{
	scim_http_free(c->http);
	c->http = NULL;
	if (c->token) {
		wipe_free(c->token, strlen(c->token));
		c->token = NULL;
	}
}

void scim_clear_error(provhost_error *err)
{
	err->status = PROVHOST_OK;
	err->retryable = 0;
	err->retry_after_ms = 0;
	err->remote_code = 0;
	err->message[0] = '\0';
}

void scim_conn_op_begin(struct scim_conn *c, provhost_result *result,
                        provhost_error *err)
{
	c->last_http = 0;
	c->last_etag[0] = '\0';
	scim_clear_error(err);
	if (result) {
		result->outcome = PROVHOST_OUTCOME_NONE;
		result->remote_code = 0;
		result->account_id[0] = '\0';
		result->detail[0] = '\0';
	}
}

int scim_conn_op_end(struct scim_conn *c, int rc, provhost_result *result,
                     provhost_error *err)
{
	if (result) {
		result->remote_code = (int32_t)c->last_http;
		scim_redact(result->detail, sizeof result->detail, c->token);
		scim_redact(result->account_id, sizeof result->account_id,
		            c->token);
		if (rc == PROVHOST_OK &&
		    PROVHOST_HAS_FIELD(result, provhost_result, etag))
			memcpy(result->etag, c->last_etag, sizeof result->etag);
	}
	if (rc != PROVHOST_OK) {
		err->status = rc;
		if (!err->message[0])
			scim_format(err->message, sizeof err->message,
			            "%s operation failed", c->label);
	}
	scim_redact(err->message, sizeof err->message, c->token);
	return rc;
}

int scim_conn_send(struct scim_conn *c, const provhost_call *call,
                   const char *method, const char *path, json_t *body,
                   enum scim_target_kind kind, struct scim_reply *reply,
                   provhost_error *err)
{
	int rc;

	memset(reply, 0, sizeof *reply); /* a write may fail before sending */
	if (!body && strcmp(method, "GET") == 0)
		rc = scim_client_send(&c->client, call, method, path, NULL,
		                      kind, reply, err);
	else
		rc = scim_client_write(&c->client, call, method, path, body,
		                       kind, reply, err);
	if (reply->raw) {
		c->last_http = reply->http;
		c->last_etag[0] = '\0';
		if (reply->http >= 200 && reply->http <= 299 &&
		    (kind == SCIM_ON_RESOURCE || !strcmp(method, "POST")))
			memcpy(c->last_etag, reply->raw->etag,
			       sizeof c->last_etag);
	}
	if (rc != PROVHOST_OK && c->hint)
		c->hint(c->hint_ctx, method, path, reply, err);
	return rc;
}

int scim_conn_get_user(struct scim_conn *c, const provhost_call *call,
                       const char *path, json_t **found, provhost_error *err)
{
	struct scim_reply reply;
	int rc;

	*found = NULL;
	rc = scim_conn_send(c, call, "GET", path, NULL, SCIM_ON_RESOURCE,
	                    &reply, err);
	if (rc == PROVHOST_OK && json_is_object(reply.json)) {
		*found = reply.json;
		return PROVHOST_OK;
	}
	scim_reply_release(&reply);
	if (rc == PROVHOST_OK)
		return scim_fail(err, PROVHOST_E_PROTOCOL, 0, (int)reply.http,
		                 "%s answered %ld to GET %s without a User "
		                 "resource",
		                 c->label, reply.http, path);
	return rc;
}

void scim_conn_log(struct scim_conn *c, const provhost_call *call, int level,
                   const char *line)
{
	if (c->api->log)
		c->api->log(c->host, call, level, line);
}
