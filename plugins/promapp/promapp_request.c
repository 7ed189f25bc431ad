/* Promapp requests: Promapp's hints on top of the SCIM client, and finding
 * an account by id or userName. */
#include "promapp.h"
#include "scimclient/scim_filter.h"
#include "scimclient/scim_user.h"

#include <stdio.h>
#include <string.h>

#define HINT_TOKEN                                                             \
	"the access token was rejected — it may have expired (Promapp SCIM " \
	"tokens are valid for one year); a Promaster creates a new one under " \
	"My Profile → Access Tokens with scope SCIM"
#define HINT_SCOPE                                                             \
	"the access token lacks the SCIM scope or its account may not "        \
	"provision users (it needs \"User: Can Provision and Deprovision "     \
	"Users\"); a Promaster creates a token with scope SCIM under My "      \
	"Profile → Access Tokens"
#define HINT_SIGNIN                                                            \
	"this looks like the sign-in URL, not the API URL "                    \
	"(https://api.promapp.com)"

/* Rewrites err's message as "<hint> (<original message>)". */
static void prefix_hint(provhost_error *err, const char *hint)
{
	char original[sizeof err->message];

	memcpy(original, err->message, sizeof original);
	scim_format(err->message, sizeof err->message, "%s (%s)", hint,
	            original);
}

void promapp_signin_error(provhost_instance *inst, const char *method,
                          const char *path, const struct scim_reply *reply,
                          provhost_error *err)
{
	err->status = PROVHOST_E_CONFIG;
	err->retryable = 0;
	scim_format(
	        err->message, sizeof err->message,
	        HINT_SIGNIN ": %s %s%.*s answered %ld with %s", method,
	        inst->cfg.base_url, (int)strcspn(path, "?"), path, reply->http,
	        reply->looks_html ? "an HTML page" : "a body that is not JSON");
}

/* Adds what a person can do about a failure Promapp users commonly meet. */
static void apply_hints(provhost_instance *inst, const char *method,
                        const char *path, const struct scim_reply *reply,
                        provhost_error *err)
{
	const char *base = inst->cfg.base_url;
	int pl = (int)strcspn(path, "?");

	if (err->status == PROVHOST_E_CREDENTIAL) {
		prefix_hint(err, HINT_TOKEN);
	} else if (err->status == PROVHOST_E_PERMISSION) {
		prefix_hint(err, HINT_SCOPE);
	} else if (reply->not_json && reply->looks_html) {
		promapp_signin_error(inst, method, path, reply, err);
	} else if (reply->http >= 300 && reply->http < 400) {
		scim_format(err->message, sizeof err->message,
		            HINT_SIGNIN ": %s %s%.*s answered %ld (a redirect, "
		                        "which provhost does not follow)",
		            method, base, pl, path, reply->http);
	} else if (err->status == PROVHOST_E_CONFIG && reply->http == 404) {
		scim_format(
		        err->message, sizeof err->message,
		        "no SCIM API under %s: promapp answered 404 to %s "
		        "%.*s; instance_url should be https://api.promapp.com",
		        base, method, pl, path);
	}
}

int promapp_send(provhost_instance *inst, const provhost_call *call,
                 const char *method, const char *path, json_t *body,
                 enum scim_target_kind kind, struct scim_reply *reply,
                 provhost_error *err)
{
	int rc;

	if (!body && strcmp(method, "GET") == 0)
		rc = scim_client_send(&inst->client, call, method, path, NULL,
		                      kind, reply, err);
	else
		rc = scim_client_write(&inst->client, call, method, path, body,
		                       kind, reply, err);
	if (reply->raw)
		inst->last_http = reply->http;
	if (rc != PROVHOST_OK)
		apply_hints(inst, method, path, reply, err);
	return rc;
}

int promapp_user_path(const char *id, char *out, size_t out_len)
{
	int n = snprintf(out, out_len, "/Users/");

	if (n < 0 || (size_t)n >= out_len || !*id)
		return -1;
	return scim_query_escape(id, out + n, out_len - (size_t)n) < 0 ? -1 : 0;
}

int promapp_id_of(json_t *resource, char *out, size_t out_len)
{
	json_t *v = json_object_get(resource, "id");
	int n;

	if (json_is_string(v) && json_string_length(v) > 0)
		n = snprintf(out, out_len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		n = snprintf(out, out_len, "%" JSON_INTEGER_FORMAT,
		             json_integer_value(v));
	else
		return -1;
	return n > 0 && (size_t)n < out_len ? 0 : -1;
}

int promapp_find_by_username(provhost_instance *inst, const provhost_call *call,
                             const char *user_name, json_t **found,
                             provhost_error *err)
{
	char path[8192];
	struct scim_reply reply;
	json_t *match;
	size_t n;
	int rc;

	*found = NULL;
	if (scim_filter_eq_path("/Users", "userName", user_name, path,
	                        sizeof path) < 0)
		return scim_fail(err, PROVHOST_E_INVALID_INPUT, 0, 0,
		                 "userName is too long to search for");
	rc = promapp_send(inst, call, "GET", path, NULL, SCIM_ON_COLLECTION,
	                  &reply, err);
	if (rc != PROVHOST_OK)
		return rc;
	if (scim_list_find_user(reply.json, user_name, &match, &n) < 0) {
		rc = scim_fail(err, PROVHOST_E_PROTOCOL, 0, (int)reply.http,
		               "promapp answered %ld to GET /Users?filter=... "
		               "with something that is not a SCIM ListResponse",
		               reply.http);
		goto out_release;
	}
	if (n > 1) {
		rc = scim_fail(
		        err, PROVHOST_E_CONFLICT, 0, (int)reply.http,
		        "promapp has %zu accounts whose userName is "
		        "'%.200s' ignoring case; resolve this in Promapp",
		        n, user_name);
		goto out_release;
	}
	if (match)
		*found = json_incref(match);
out_release:
	scim_reply_release(&reply);
	return rc;
}

int promapp_resolve(provhost_instance *inst, const provhost_call *call,
                    const char *account_id, const char *user_name,
                    json_t **found, provhost_error *err)
{
	char path[1024];
	struct scim_reply reply;
	int rc;

	*found = NULL;
	if (account_id && *account_id) {
		if (promapp_user_path(account_id, path, sizeof path))
			return scim_fail(err, PROVHOST_E_INVALID_INPUT, 0, 0,
			                 "account id is empty or too long");
		rc = promapp_send(inst, call, "GET", path, NULL,
		                  SCIM_ON_RESOURCE, &reply, err);
		if (rc == PROVHOST_OK) {
			if (!json_is_object(reply.json)) {
				scim_reply_release(&reply);
				return scim_fail(err, PROVHOST_E_PROTOCOL, 0,
				                 (int)reply.http,
				                 "promapp answered %ld to GET "
				                 "%s without a User resource",
				                 reply.http, path);
			}
			*found = reply.json;
			return PROVHOST_OK;
		}
		scim_reply_release(&reply);
		if (rc != PROVHOST_E_NOT_FOUND)
			return rc;
		if (inst->api->log) {
			char line[400];
			snprintf(line, sizeof line,
			         "account %.100s not found on promapp; looking "
			         "it up by userName",
			         account_id);
			inst->api->log(inst->host, call, PROVHOST_LOG_INFO,
			               line);
		}
		err->status = PROVHOST_OK;
		err->retryable = 0;
		err->retry_after_ms = 0;
		err->remote_code = 0;
		err->message[0] = '\0';
	}
	if (!user_name)
		return PROVHOST_OK;
	return promapp_find_by_username(inst, call, user_name, found, err);
}
