/* The generic SCIM connector's account operations. Each makes at most one
 * attempt per request and leaves retries to the host; input is validated
 * before any request. */
#include "scimclient/scim_account.h"
#include "scimconn.h"

#include <stdio.h>
#include <string.h>

int scimconn_authenticate(provhost_instance *inst, const provhost_call *call,
                          provhost_result *result, provhost_error *err)
{
	static const char path[] = "/Users?count=1";
	struct scim_reply reply;
	char features[128], count[64] = "";
	int rc;

	scim_conn_op_begin(&inst->conn, result, err);
	rc = scimconn_discover(inst, call, err);
	if (rc != PROVHOST_OK)
		return scimconn_op_end(inst, rc, result, err);
	rc = scim_conn_send(&inst->conn, call, "GET", path, NULL,
	                    SCIM_ON_COLLECTION, &reply, err);
	if (rc == PROVHOST_OK && !scim_is_list_response(reply.json)) {
		rc = scim_fail(err, PROVHOST_E_PROTOCOL, 0, (int)reply.http,
		               "scim answered %ld to GET /Users with something "
		               "that is not a SCIM ListResponse",
		               reply.http);
	} else if (rc == PROVHOST_OK) {
		json_t *total = json_object_get(reply.json, "totalResults");
		if (json_is_integer(total))
			snprintf(count, sizeof count,
			         " listing %" JSON_INTEGER_FORMAT " users",
			         json_integer_value(total));
		scim_features_describe(&inst->features, features,
		                       sizeof features);
		scim_format(
		        result->detail, sizeof result->detail,
		        "authenticated to %s: GET /Users answered %ld with a "
		        "SCIM ListResponse%s; %s %s",
		        inst->cfg.conn.base_url, reply.http, count, features,
		        inst->features.from_target
		                ? "(from /ServiceProviderConfig)"
		                : "(assumed: no /ServiceProviderConfig)");
	}
	scim_reply_release(&reply);
	return scimconn_op_end(inst, rc, result, err);
}

/* Brings the existing account current to want: nothing when equal; only
 * "active" differing and true wanted: set active (PATCH when possible);
 * else one PUT of the full user, unmanaged attributes kept. */
static int converge(provhost_instance *inst, const provhost_call *call,
                    const struct scim_user *want, json_t *current,
                    const char *note, provhost_result *result,
                    provhost_error *err)
{
	struct scim_account_change ch;
	struct scim_reply reply;
	int rc, dry;

	memset(&reply, 0, sizeof reply);
	rc = scim_account_plan(SCIMCONN_LABEL, want, current, 0, note,
	                       inst->conn.last_http, &ch, result, err);
	if (rc != PROVHOST_OK || ch.diff == 0)
		return rc;
	if (ch.diff == SCIM_DIFF_ACTIVE) {
		rc = scimconn_set_active(inst, call, current, ch.id,
		                         want->active, &reply, err);
	} else {
		json_t *body = scim_user_build_replace(current, want, 0);
		if (!body)
			return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
			                 "out of memory building PUT %s",
			                 ch.path);
		rc = scim_conn_send(&inst->conn, call, "PUT", ch.path, body,
		                    SCIM_ON_RESOURCE, &reply, err);
		json_decref(body);
	}
	dry = reply.dry_run;
	scim_reply_release(&reply);
	if (rc != PROVHOST_OK)
		return rc;
	scim_account_report_change(&ch, want, note, dry, result);
	return PROVHOST_OK;
}

/* After POST answered "already exists" (409, or 400 uniqueness): find that
 * account and converge it, so a race never leaves two accounts. */
static int link_existing(provhost_instance *inst, const provhost_call *call,
                         const struct scim_user *want, long http,
                         provhost_result *result, provhost_error *err)
{
	char conflict[sizeof err->message], note[64];
	json_t *current = NULL;
	int rc;

	memcpy(conflict, err->message, sizeof conflict);
	err->status = PROVHOST_OK;
	err->message[0] = '\0';
	rc = scimconn_find_by_user_name(inst, call, want->user_name, &current,
	                                err);
	if (rc != PROVHOST_OK)
		return rc;
	if (!current)
		return scim_fail(
		        err, PROVHOST_E_CONFLICT, 0, (int)http,
		        "%.300s; but no account with userName '%.100s' "
		        "could be found to link",
		        conflict, want->user_name);
	snprintf(note, sizeof note, "linked the existing account after %ld; ",
	         http);
	rc = converge(inst, call, want, current, note, result, err);
	json_decref(current);
	return rc;
}

static int create(provhost_instance *inst, const provhost_call *call,
                  const struct scim_user *want, provhost_result *result,
                  provhost_error *err)
{
	struct scim_reply reply;
	json_t *body = scim_user_build_create(want, 0);
	int rc;

	memset(&reply, 0, sizeof reply);
	if (!body)
		return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		                 "out of memory building POST /Users");
	rc = scim_conn_send(&inst->conn, call, "POST", "/Users", body,
	                    SCIM_ON_COLLECTION, &reply, err);
	json_decref(body);
	if (rc != PROVHOST_OK) {
		if (scim_account_already_exists(&reply))
			rc = link_existing(inst, call, want, reply.http, result,
			                   err);
	} else if (reply.dry_run) {
		result->outcome = PROVHOST_OUTCOME_CREATED;
		scim_format(result->detail, sizeof result->detail,
		            "dry run: would create '%.200s' (POST /Users)",
		            want->user_name);
	} else if (scim_account_id(reply.json, result->account_id,
	                           sizeof result->account_id)) {
		rc = scim_fail(err, PROVHOST_E_PROTOCOL, 0, (int)reply.http,
		               "scim answered %ld to POST /Users without an "
		               "account id",
		               reply.http);
	} else {
		result->outcome = PROVHOST_OUTCOME_CREATED;
		scim_format(result->detail, sizeof result->detail,
		            "created '%.200s' (account %s)", want->user_name,
		            result->account_id);
	}
	scim_reply_release(&reply);
	return rc;
}

static json_t *load_record(const char *json, size_t len, const char *what,
                           provhost_error *err)
{
	json_error_t jerr;
	json_t *root = json && len ? json_loadb(json, len, 0, &jerr) : NULL;

	if (!root)
		scim_fail(err, PROVHOST_E_INVALID_INPUT, 0, 0,
		          "the %s is %s%.200s", what,
		          json && len ? "not valid JSON: " : "empty",
		          json && len ? jerr.text : "");
	else if (!json_is_object(root)) {
		scim_fail(err, PROVHOST_E_INVALID_INPUT, 0, 0,
		          "the %s is not a JSON object", what);
		json_decref(root);
		root = NULL;
	}
	return root;
}

int scimconn_provision(provhost_instance *inst, const provhost_call *call,
                       const char *account_id, const char *desired_json,
                       size_t len, provhost_result *result, provhost_error *err)
{
	struct scim_user want;
	json_t *record, *current = NULL;
	char why[160];
	int rc;

	scim_conn_op_begin(&inst->conn, result, err);
	record = load_record(desired_json, len, "desired record", err);
	if (!record)
		return scimconn_op_end(inst, PROVHOST_E_INVALID_INPUT, result,
		                       err);
	if (scim_user_parse_desired(record, &want, why, sizeof why)) {
		rc = scim_fail(err, PROVHOST_E_INVALID_INPUT, 0, 0,
		               "invalid desired record: %s", why);
		goto out_decref;
	}
	rc = scimconn_resolve(inst, call, account_id, want.user_name, &current,
	                      err);
	if (rc != PROVHOST_OK)
		goto out_decref;
	if (current)
		rc = converge(inst, call, &want, current, "", result, err);
	else
		rc = create(inst, call, &want, result, err);
	json_decref(current);
out_decref:
	json_decref(record);
	return scimconn_op_end(inst, rc, result, err);
}

/* Validates the identity (before any I/O) and resolves the account.
 * *identity owns the record; *who borrows from it or account_id. */
static int resolve_identity(provhost_instance *inst, const provhost_call *call,
                            const char *account_id, const char *json,
                            size_t len, json_t **identity, const char **who,
                            json_t **found, provhost_error *err)
{
	const char *user_name;
	int rc;

	*found = NULL;
	*identity = NULL;
	if (json && len) {
		*identity = load_record(json, len, "identity record", err);
		if (!*identity)
			return PROVHOST_E_INVALID_INPUT;
	}
	rc = scim_account_identity(*identity, account_id, &user_name, who, err);
	if (rc != PROVHOST_OK)
		return rc;
	return scimconn_resolve(inst, call, account_id, user_name, found, err);
}

/* DELETE the account; a 404 means it went already. */
static int delete_account(provhost_instance *inst, const provhost_call *call,
                          const char *id, const char *path, const char *who,
                          provhost_result *result, provhost_error *err)
{
	struct scim_reply reply;
	int rc;

	memset(&reply, 0, sizeof reply);
	rc = scim_conn_send(&inst->conn, call, "DELETE", path, NULL,
	                    SCIM_ON_RESOURCE, &reply, err);
	scim_reply_release(&reply);
	if (rc == PROVHOST_E_NOT_FOUND) {
		err->status = PROVHOST_OK;
		err->remote_code = 0;
		err->message[0] = '\0';
		result->outcome = PROVHOST_OUTCOME_ABSENT;
		scim_format(result->detail, sizeof result->detail,
		            "account %s ('%.200s') disappeared before it could "
		            "be deleted",
		            id, who);
		return PROVHOST_OK;
	}
	if (rc != PROVHOST_OK)
		return rc;
	result->outcome = PROVHOST_OUTCOME_DELETED;
	scim_format(result->detail, sizeof result->detail,
	            "%s '%.200s' (account %s; DELETE %s)",
	            reply.dry_run ? "dry run: would delete" : "deleted", who,
	            id, path);
	return PROVHOST_OK;
}

int scimconn_deprovision(provhost_instance *inst, const provhost_call *call,
                         const char *account_id, const char *identity_json,
                         size_t len, provhost_result *result,
                         provhost_error *err)
{
	struct scim_user cur;
	struct scim_reply reply;
	json_t *identity = NULL, *current = NULL;
	const char *who = NULL;
	char id[256], path[1024];
	int rc;

	memset(&reply, 0, sizeof reply);
	scim_conn_op_begin(&inst->conn, result, err);
	rc = resolve_identity(inst, call, account_id, identity_json, len,
	                      &identity, &who, &current, err);
	if (rc != PROVHOST_OK)
		goto out_decref;
	if (!current) {
		result->outcome = PROVHOST_OUTCOME_ABSENT;
		scim_format(result->detail, sizeof result->detail,
		            "no account for '%.200s'; nothing to do", who);
		goto out_decref;
	}
	rc = scim_account_locate(SCIMCONN_LABEL, current, who,
	                         inst->conn.last_http, id, sizeof id, path,
	                         sizeof path, err);
	if (rc != PROVHOST_OK)
		goto out_decref;
	snprintf(result->account_id, sizeof result->account_id, "%s", id);
	if (inst->cfg.delete_accounts) {
		rc = delete_account(inst, call, id, path, who, result, err);
		goto out_decref;
	}
	scim_user_parse_current(current, &cur);
	if (!cur.active) {
		result->outcome = PROVHOST_OUTCOME_UNCHANGED;
		scim_format(result->detail, sizeof result->detail,
		            "'%.200s' (account %s) is already inactive", who,
		            id);
		goto out_decref;
	}
	rc = scimconn_set_active(inst, call, current, id, 0, &reply, err);
	if (rc == PROVHOST_OK) {
		result->outcome = PROVHOST_OUTCOME_DEACTIVATED;
		scim_format(result->detail, sizeof result->detail,
		            "%s '%.200s' (account %s; active false)",
		            reply.dry_run ? "dry run: would deactivate"
		                          : "deactivated",
		            who, id);
	}
	scim_reply_release(&reply);
out_decref:
	json_decref(current);
	json_decref(identity);
	return scimconn_op_end(inst, rc, result, err);
}

int scimconn_lookup(provhost_instance *inst, const provhost_call *call,
                    const char *account_id, const char *identity_json,
                    size_t len, provhost_emit_fn emit, void *emit_ctx,
                    provhost_error *err)
{
	json_t *identity = NULL, *current = NULL;
	const char *who = NULL;
	int rc;

	scim_conn_op_begin(&inst->conn, NULL, err);
	rc = resolve_identity(inst, call, account_id, identity_json, len,
	                      &identity, &who, &current, err);
	if (rc != PROVHOST_OK)
		goto out_decref;
	if (!current) {
		rc = scim_fail(err, PROVHOST_E_NOT_FOUND, 0,
		               (int)inst->conn.last_http,
		               "no account for '%.200s'", who);
		goto out_decref;
	}
	rc = scim_account_emit(current, emit, emit_ctx, err);
out_decref:
	json_decref(current);
	json_decref(identity);
	return scimconn_op_end(inst, rc, NULL, err);
}
