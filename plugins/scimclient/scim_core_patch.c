/* One-request updates (issue 16, ABI 1.2): when the host hands over the
 * last state it wrote to the linked account (provhost_call.last_state_json)
 * and the target offers PATCH, the account is not read first: one PATCH
 * (RFC 7644 section 3.5.2) replaces just the managed attributes that
 * differ from that state, with If-Match: the ETag the host recorded (RFC
 * 7644 section 3.14). A 412 (the account changed since) or a 404 (gone)
 * falls back to read-then-write, as does a target refusing PATCH of an
 * attribute (remembered per instance, said once). */
#include "scimclient/scim_account.h"
#include "scimclient/scim_core.h"

#include <stdio.h>
#include <string.h>

#define SCIM_PATCHOP_SCHEMA "urn:ietf:params:scim:api:messages:2.0:PatchOp"

static int add_op(json_t *ops, const char *path, json_t *value)
{
	json_t *op = json_pack("{s:s,s:s,s:o}", "op", "replace", "path", path,
	                       "value", value);

	return op ? json_array_append_new(ops, op) : -1;
}

/* The PatchOp body replacing the attributes in diff with want's values;
 * NULL out of memory. */
static json_t *patch_body(const struct scim_user *want, unsigned diff,
                          int roles)
{
	json_t *ops = json_array(), *roles_a;
	int bad = !ops;

	if (!bad && (diff & SCIM_DIFF_USERNAME))
		bad |= add_op(ops, "userName", json_string(want->user_name));
	if (!bad && (diff & SCIM_DIFF_NAME))
		bad |= add_op(ops, "name.givenName",
		              json_string(want->given_name)) ||
		       add_op(ops, "name.familyName",
		              json_string(want->family_name));
	if (!bad && (diff & SCIM_DIFF_EMAIL))
		bad |= add_op(ops, "emails[type eq \"work\"].value",
		              json_string(want->email));
	if (!bad && (diff & SCIM_DIFF_TIMEZONE))
		bad |= add_op(ops, "timezone", json_string(want->timezone));
	if (!bad && (diff & SCIM_DIFF_ACTIVE))
		bad |= add_op(ops, "active", json_boolean(want->active));
	if (!bad && (diff & SCIM_DIFF_EXTERNAL_ID))
		bad |= add_op(ops, "externalId",
		              json_string(want->external_id));
	if (!bad && roles && (diff & SCIM_DIFF_ROLES)) {
		roles_a = json_array();
		for (size_t i = 0; roles_a && i < want->n_roles; i++)
			json_array_append_new(
			        roles_a,
			        json_pack("{s:s}", "display", want->roles[i]));
		bad |= !roles_a || add_op(ops, "roles", roles_a);
	}
	if (bad) {
		json_decref(ops);
		return NULL;
	}
	return json_pack("{s:[s],s:o}", "schemas", SCIM_PATCHOP_SCHEMA,
	                 "Operations", ops);
}

/* The attributes that differ between want and the last state the host
 * wrote (call->last_state_json); 0 when there is none usable (then the
 * caller reads the account). */
static unsigned diff_from_last(provhost_instance *inst,
                               const provhost_call *call,
                               const struct scim_user *want, json_t **last_rec)
{
	struct scim_user last;
	char why[160];

	*last_rec = NULL;
	if (!call || !PROVHOST_HAS_FIELD(call, provhost_call, last_state_len) ||
	    !call->last_state_json || !call->last_state_len)
		return 0;
	*last_rec = json_loadb(call->last_state_json, call->last_state_len, 0,
	                       NULL);
	if (!json_is_object(*last_rec) ||
	    scim_user_parse_desired(*last_rec, &last, why, sizeof why))
		return 0;
	if (!inst->cfg.external_id)
		last.external_id = NULL;
	return scim_user_diff(want, &last, inst->cfg.roles);
}

/* True when a failed PATCH means "not this way" (the target refuses the
 * method or a path), not a real problem. */
static int patch_not_this_way(const struct scim_reply *reply)
{
	const char *t = reply->error.scim_type;

	if (reply->http == 405 || reply->http == 501)
		return 1;
	return reply->http == 400 &&
	       (!strcmp(t, "mutability") || !strcmp(t, "invalidPath") ||
	        !strcmp(t, "noTarget") || !strcmp(t, "invalidSyntax"));
}

int scim_core_patch_update(provhost_instance *inst, const provhost_call *call,
                           const char *account_id, const struct scim_user *want,
                           int *done, provhost_result *result,
                           provhost_error *err)
{
	struct scim_reply reply;
	json_t *last_rec = NULL, *body = NULL;
	char path[1024], changed[96], line[900];
	unsigned diff;
	int rc = PROVHOST_OK, dry = scim_call_is_dry_run(call);

	*done = 0;
	memset(&reply, 0, sizeof reply);
	if (!inst->t->patch_updates || !account_id || !account_id[0] ||
	    scim_account_path(account_id, path, sizeof path))
		return PROVHOST_OK;
	diff = diff_from_last(inst, call, want, &last_rec);
	if (!diff || (diff & inst->patch_refused_bits))
		goto out; /* nothing known to send: read and converge */
	rc = scim_core_discover(inst, call, err);
	if (rc != PROVHOST_OK || !inst->features.patch)
		goto out;
	body = patch_body(want, diff, inst->cfg.roles);
	if (!body) {
		rc = scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		               "out of memory building PATCH %s", path);
		goto out;
	}
	if (!dry && call->if_match)
		scim_http_if_match(inst->conn.http, call->if_match);
	rc = scim_conn_send(&inst->conn, call, "PATCH", path, body,
	                    SCIM_ON_RESOURCE, &reply, err);
	scim_http_if_match(inst->conn.http, NULL); /* one request only */
	scim_account_describe_diff(diff, changed, sizeof changed);
	if (rc == PROVHOST_OK && (diff & SCIM_DIFF_ACTIVE) && want->active)
		rc = scim_core_check_active(inst, "PATCH", path, account_id, 1,
		                            &reply, err);
	if (rc == PROVHOST_OK) {
		*done = 1;
		result->outcome = (diff & SCIM_DIFF_ACTIVE) && want->active
		                          ? PROVHOST_OUTCOME_REACTIVATED
		                          : PROVHOST_OUTCOME_UPDATED;
		snprintf(result->account_id, sizeof result->account_id, "%s",
		         account_id);
		scim_format(result->detail, sizeof result->detail,
		            "%s '%.200s' (account %s; changed %s; one PATCH "
		            "from the last written state%s)",
		            dry ? "dry run: would update" : "updated",
		            want->user_name, account_id, changed,
		            call->if_match ? ", If-Match" : "");
		goto out;
	}
	if (reply.http == 412 || reply.http == 404) {
		snprintf(line, sizeof line,
		         "PATCH %.300s answered %ld (%s); reading the account "
		         "and converging it instead",
		         path, reply.http,
		         reply.http == 412
		                 ? "it changed since provhost wrote it"
		                 : "it is gone");
		scim_conn_log(&inst->conn, call, PROVHOST_LOG_INFO, line);
		scim_clear_error(err);
		rc = PROVHOST_OK;
	} else if (patch_not_this_way(&reply)) {
		snprintf(line, sizeof line,
		         "%.200s refused PATCH of %s (%.400s); reading the "
		         "account and using PUT for such changes instead",
		         inst->cfg.conn.base_url, changed, err->message);
		scim_conn_log(&inst->conn, call, PROVHOST_LOG_WARN, line);
		inst->patch_refused_bits |= diff;
		scim_clear_error(err);
		rc = PROVHOST_OK;
	} else {
		*done = 1; /* a real failure: the host retries */
	}
out:
	scim_reply_release(&reply);
	json_decref(body);
	json_decref(last_rec);
	return rc;
}
