/* Promapp requests: Promapp's hints on top of the SCIM client, and finding
 * an account by id or userName. */
#include "promapp.h"
#include "scimclient/scim_account.h"
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
	scim_format(err->message, sizeof err->message,
	            HINT_SIGNIN ": %s %s%.*s answered %ld with %s", method,
	            inst->cfg.conn.base_url, (int)strcspn(path, "?"), path,
	            reply->http,
	            reply->looks_html ? "an HTML page"
	                              : "a body that is not JSON");
}

void promapp_hint(void *ctx, const char *method, const char *path,
                  const struct scim_reply *reply, provhost_error *err)
{
	provhost_instance *inst = ctx;
	const char *base = inst->cfg.conn.base_url;
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
	rc = scim_conn_send(&inst->conn, call, "GET", path, NULL,
	                    SCIM_ON_COLLECTION, &reply, err);
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
	char path[1024], line[400];
	int rc;

	*found = NULL;
	if (account_id && *account_id) {
		if (scim_account_path(account_id, path, sizeof path))
			return scim_fail(err, PROVHOST_E_INVALID_INPUT, 0, 0,
			                 "account id is empty or too long");
		rc = scim_conn_get_user(&inst->conn, call, path, found, err);
		if (rc != PROVHOST_E_NOT_FOUND)
			return rc;
		snprintf(
		        line, sizeof line,
		        "account %.100s not found on promapp; looking it up by "
		        "userName",
		        account_id);
		scim_conn_log(&inst->conn, call, PROVHOST_LOG_INFO, line);
		scim_clear_error(err);
	}
	if (!user_name)
		return PROVHOST_OK;
	return promapp_find_by_username(inst, call, user_name, found, err);
}
