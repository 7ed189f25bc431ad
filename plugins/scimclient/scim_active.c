/* Setting "active" on a SCIM User: for a target whose set_active is
 * SCIM_ACTIVE_PATCH, PATCH when it supports it (RFC 7644 §3.5.2:
 * lower-case "replace", a real boolean), else PUT of the whole resource. Some
 * targets advertise PATCH but refuse it for "active" (the Promapp-like
 * simulator does: 400 mutability); then we say so once, loudly, and use PUT for
 * this instance from then on. */
#include "scimclient/scim_account.h"
#include "scimclient/scim_core.h"

#include <stdio.h>
#include <string.h>

#define SCIM_PATCHOP_SCHEMA "urn:ietf:params:scim:api:messages:2.0:PatchOp"

static json_t *patch_active_body(int active)
{
	return json_pack("{s:[s],s:[{s:s,s:s,s:b}]}", "schemas",
	                 SCIM_PATCHOP_SCHEMA, "Operations", "op", "replace",
	                 "path", "active", "value", active);
}

/* The PUT body: the account as read, without "id" and "meta" (read-only),
 * with active set. Unmanaged attributes are kept. */
static json_t *put_body(json_t *current, int active)
{
	json_t *body = json_deep_copy(current);

	if (!body)
		return NULL;
	json_object_del(body, "id");
	json_object_del(body, "meta");
	if (json_object_set_new(body, "active", json_boolean(active))) {
		json_decref(body);
		return NULL;
	}
	return body;
}

/* True when a PATCH failure means "not this way" rather than a real
 * problem: the target refuses the path or the method. */
static int patch_refused(const struct scim_reply *reply)
{
	const char *t = reply->error.scim_type;

	if (reply->http == 405 || reply->http == 501)
		return 1;
	return reply->http == 400 &&
	       (!strcmp(t, "mutability") || !strcmp(t, "invalidPath") ||
	        !strcmp(t, "noTarget") || !strcmp(t, "invalidSyntax"));
}

static int send_with(provhost_instance *inst, const provhost_call *call,
                     const char *method, const char *path, json_t *body,
                     struct scim_reply *reply, provhost_error *err)
{
	int rc;

	if (!body)
		return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		                 "out of memory building %s %s", method, path);
	rc = scim_conn_send(&inst->conn, call, method, path, body,
	                    SCIM_ON_RESOURCE, reply, err);
	json_decref(body);
	return rc;
}

int scim_core_check_active(provhost_instance *inst, const char *method,
                           const char *path, const char *id, int active,
                           const struct scim_reply *reply, provhost_error *err)
{
	json_t *got = json_object_get(reply->json, "active");

	/* A target may answer 2xx and ignore the change: check the answer
	 * when it carries the resource (PATCH may answer 204 without one). */
	if (reply->dry_run || !json_is_boolean(got) ||
	    json_is_true(got) == !!active)
		return PROVHOST_OK;
	return scim_fail(err, PROVHOST_E_UNSUPPORTED, 0, (int)reply->http,
	                 "%s accepted %s %s with active %s but account %s is "
	                 "still %s",
	                 inst->t->label, method, path,
	                 active ? "true" : "false", id,
	                 active ? "inactive" : "active");
}

int scim_core_set_active(provhost_instance *inst, const provhost_call *call,
                         json_t *current, const char *id, int active,
                         struct scim_reply *reply, provhost_error *err)
{
	char path[1024], line[768];
	const char *method = "PUT";
	int rc;

	memset(reply, 0, sizeof *reply);
	if (scim_account_path(id, path, sizeof path))
		return scim_fail(err, PROVHOST_E_PROTOCOL, 0, 0,
		                 "account id '%.100s' is unusable", id);
	rc = scim_core_discover(inst, call, err);
	if (rc != PROVHOST_OK)
		return rc;
	if (inst->t->set_active == SCIM_ACTIVE_PATCH && inst->features.patch &&
	    !inst->patch_active_refused) {
		method = "PATCH";
		rc = send_with(inst, call, "PATCH", path,
		               patch_active_body(active), reply, err);
		if (rc == PROVHOST_OK || !patch_refused(reply))
			goto out_verify;
		snprintf(line, sizeof line,
		         "%.200s refused PATCH of \"active\" (%.400s); using "
		         "PUT of the "
		         "whole user instead",
		         inst->cfg.conn.base_url, err->message);
		scim_conn_log(&inst->conn, call, PROVHOST_LOG_WARN, line);
		inst->patch_active_refused = 1;
		scim_reply_release(reply);
		scim_clear_error(err);
		method = "PUT";
	}
	rc = send_with(inst, call, "PUT", path, put_body(current, active),
	               reply, err);
out_verify:
	if (rc == PROVHOST_OK)
		rc = scim_core_check_active(inst, method, path, id, active,
		                            reply, err);
	return rc;
}
