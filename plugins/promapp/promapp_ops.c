/* The Promapp connector's account operations: authenticate, provision,
 * deprovision and lookup. Each makes at most one attempt per request and
 * leaves retries to the host. */
#include "promapp.h"
#include "scimclient/scim_account.h"
#include "scimclient/scim_user.h"

#include <stdio.h>
#include <string.h>

int promapp_authenticate(provhost_instance *inst, const provhost_call *call,
                         provhost_result *result, provhost_error *err)
{
	static const char path[] = "/Users?count=1";
	struct scim_reply reply;
	int rc;

	scim_conn_op_begin(&inst->conn, result, err);
	rc = scim_conn_send(&inst->conn, call, "GET", path, NULL,
	                    SCIM_ON_COLLECTION, &reply, err);
	if (rc == PROVHOST_E_PROTOCOL && reply.not_json) {
		promapp_signin_error(inst, "GET", path, &reply, err);
		rc = PROVHOST_E_CONFIG;
	} else if (rc == PROVHOST_OK && !scim_is_list_response(reply.json)) {
		char excerpt[SCIM_EXCERPT_MAX + 1];
		scim_excerpt(reply.raw->body, reply.raw->body_len, excerpt,
		             sizeof excerpt, SCIM_EXCERPT_MAX);
		rc = scim_fail(err, PROVHOST_E_PROTOCOL, 0, (int)reply.http,
		               "promapp answered %ld to GET /Users with "
		               "something that is not a SCIM ListResponse: %s",
		               reply.http, excerpt);
	} else if (rc == PROVHOST_OK) {
		json_t *total = json_object_get(reply.json, "totalResults");
		char count[64] = "";
		if (json_is_integer(total))
			snprintf(count, sizeof count,
			         " listing %" JSON_INTEGER_FORMAT " users",
			         json_integer_value(total));
		scim_format(
		        result->detail, sizeof result->detail,
		        "authenticated to %s: GET /Users answered %ld with a "
		        "SCIM ListResponse%s",
		        inst->cfg.conn.base_url, reply.http, count);
	}
	scim_reply_release(&reply);
	return scim_conn_op_end(&inst->conn, rc, result, err);
}

/* Brings the existing account current to want: no write when equal, else
 * one PUT of the full user (unmanaged attributes kept). note prefixes the
 * detail. */
static int converge(provhost_instance *inst, const provhost_call *call,
                    const struct scim_user *want, json_t *current,
                    const char *note, provhost_result *result,
                    provhost_error *err)
{
	struct scim_account_change ch;
	struct scim_reply reply;
	json_t *body;
	int rc;

	rc = scim_account_plan(PROMAPP_LABEL, want, current, inst->cfg.roles,
	                       note, inst->conn.last_http, &ch, result, err);
	if (rc != PROVHOST_OK || ch.diff == 0)
		return rc;
	body = scim_user_build_replace(current, want, inst->cfg.roles);
	if (!body)
		return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		                 "out of memory building PUT %s", ch.path);
	rc = scim_conn_send(&inst->conn, call, "PUT", ch.path, body,
	                    SCIM_ON_RESOURCE, &reply, err);
	json_decref(body);
	if (rc != PROVHOST_OK)
		goto out_release;
	if (!reply.dry_run && ch.outcome == PROVHOST_OUTCOME_REACTIVATED &&
	    json_is_false(json_object_get(reply.json, "active"))) {
		rc = scim_fail(err, PROVHOST_E_UNSUPPORTED, 0, (int)reply.http,
		               "promapp accepted PUT %s with active true but "
		               "account %s is still inactive",
		               ch.path, ch.id);
		goto out_release;
	}
	scim_account_report_change(&ch, want, note, reply.dry_run, result);
out_release:
	scim_reply_release(&reply);
	return rc;
}

/* After a create answered "already exists": find that account and converge
 * it, so a race never leaves two accounts. */
static int link_existing(provhost_instance *inst, const provhost_call *call,
                         const struct scim_user *want,
                         const struct scim_reply *failed,
                         provhost_result *result, provhost_error *err)
{
	char conflict[sizeof err->message], note[64];
	json_t *current = NULL;
	int rc;

	memcpy(conflict, err->message, sizeof conflict);
	scim_conn_log(&inst->conn, call, PROVHOST_LOG_INFO,
	              "promapp says the account already exists; linking it");
	err->status = PROVHOST_OK;
	err->message[0] = '\0';
	rc = promapp_find_by_username(inst, call, want->user_name, &current,
	                              err);
	if (rc != PROVHOST_OK)
		return rc;
	if (!current)
		return scim_fail(
		        err, PROVHOST_E_CONFLICT, 0, (int)failed->http,
		        "%.300s; but no account with userName '%.100s' "
		        "could be found to link",
		        conflict, want->user_name);
	snprintf(note, sizeof note, "linked the existing account after %ld; ",
	         failed->http);
	rc = converge(inst, call, want, current, note, result, err);
	json_decref(current);
	return rc;
}

static int create(provhost_instance *inst, const provhost_call *call,
                  const struct scim_user *want, provhost_result *result,
                  provhost_error *err)
{
	struct scim_reply reply;
	json_t *body = scim_user_build_create(want, inst->cfg.roles);
	int rc;

	if (!body)
		return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		                 "out of memory building POST /Users");
	rc = scim_conn_send(&inst->conn, call, "POST", "/Users", body,
	                    SCIM_ON_COLLECTION, &reply, err);
	json_decref(body);
	if (rc != PROVHOST_OK) {
		if (scim_account_already_exists(&reply))
			rc = link_existing(inst, call, want, &reply, result,
			                   err);
		goto out_release;
	}
	result->outcome = PROVHOST_OUTCOME_CREATED;
	if (reply.dry_run) {
		scim_format(result->detail, sizeof result->detail,
		            "dry run: would create '%.200s' (POST /Users)",
		            want->user_name);
		goto out_release;
	}
	if (scim_account_id(reply.json, result->account_id,
	                    sizeof result->account_id)) {
		rc = scim_fail(err, PROVHOST_E_PROTOCOL, 0, (int)reply.http,
		               "promapp answered %ld to POST /Users without an "
		               "account id",
		               reply.http);
		goto out_release;
	}
	scim_format(result->detail, sizeof result->detail,
	            "created '%.200s' (account %s)", want->user_name,
	            result->account_id);
	/* Roles may be ignored on create: set them with a PUT if needed. */
	struct scim_user got;
	scim_user_parse_current(reply.json, &got);
	if (inst->cfg.roles && want->has_roles &&
	    (scim_user_diff(want, &got, 1) & SCIM_DIFF_ROLES)) {
		rc = converge(inst, call, want, reply.json, "created, then ",
		              result, err);
		result->outcome = PROVHOST_OUTCOME_CREATED;
	}
out_release:
	scim_reply_release(&reply);
	return rc;
}

/* Parses a record (desired state or identity); NULL with err filled when it
 * is not JSON. */
static json_t *load_record(const char *json, size_t len, const char *what,
                           provhost_error *err)
{
	json_error_t jerr;
	json_t *root = json && len ? json_loadb(json, len, 0, &jerr) : NULL;

	if (!root)
		scim_fail(err, PROVHOST_E_INVALID_INPUT, 0, 0,
		          "the %s is not valid JSON%s%.200s", what,
		          json && len ? ": " : "",
		          json && len ? jerr.text : "");
	return root;
}

int promapp_provision(provhost_instance *inst, const provhost_call *call,
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
		return scim_conn_op_end(&inst->conn, PROVHOST_E_INVALID_INPUT,
		                        result, err);
	if (scim_user_parse_desired(record, &want, why, sizeof why)) {
		rc = scim_fail(err, PROVHOST_E_INVALID_INPUT, 0, 0,
		               "invalid desired record: %s", why);
		goto out_decref;
	}
	rc = promapp_resolve(inst, call, account_id, want.user_name, &current,
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
	return scim_conn_op_end(&inst->conn, rc, result, err);
}

/* Reads the identity record (when given), checks what identifies the
 * account and resolves it, for deprovision and lookup. *identity owns the
 * record; *who borrows from it or account_id. */
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
	return promapp_resolve(inst, call, account_id, user_name, found, err);
}

int promapp_deprovision(provhost_instance *inst, const provhost_call *call,
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

	scim_conn_op_begin(&inst->conn, result, err);
	rc = resolve_identity(inst, call, account_id, identity_json, len,
	                      &identity, &who, &current, err);
	if (rc != PROVHOST_OK)
		goto out_decref;
	if (!current) {
		result->outcome = PROVHOST_OUTCOME_ABSENT;
		scim_format(result->detail, sizeof result->detail,
		            "no account for '%.200s' on promapp; nothing to do",
		            who);
		goto out_decref;
	}
	scim_user_parse_current(current, &cur);
	rc = scim_account_locate(PROMAPP_LABEL, current, who,
	                         inst->conn.last_http, id, sizeof id, path,
	                         sizeof path, err);
	if (rc != PROVHOST_OK)
		goto out_decref;
	snprintf(result->account_id, sizeof result->account_id, "%s", id);
	if (!cur.active) {
		result->outcome = PROVHOST_OUTCOME_UNCHANGED;
		scim_format(result->detail, sizeof result->detail,
		            "'%.200s' (account %s) is already inactive", who,
		            id);
		goto out_decref;
	}
	rc = scim_conn_send(&inst->conn, call, "DELETE", path, NULL,
	                    SCIM_ON_RESOURCE, &reply, err);
	scim_reply_release(&reply);
	if (rc == PROVHOST_E_NOT_FOUND) {
		scim_conn_op_begin(&inst->conn, NULL, err);
		rc = PROVHOST_OK;
		result->outcome = PROVHOST_OUTCOME_ABSENT;
		scim_format(
		        result->detail, sizeof result->detail,
		        "account %s ('%.200s') disappeared before it could be "
		        "deactivated",
		        id, who);
		inst->conn.last_http = 404;
		goto out_decref;
	}
	if (rc != PROVHOST_OK)
		goto out_decref;
	result->outcome = PROVHOST_OUTCOME_DEACTIVATED;
	scim_format(result->detail, sizeof result->detail,
	            "%s '%.200s' (account %s; DELETE %s)",
	            reply.dry_run ? "dry run: would deactivate" : "deactivated",
	            who, id, path);
out_decref:
	json_decref(current);
	json_decref(identity);
	return scim_conn_op_end(&inst->conn, rc, result, err);
}

int promapp_lookup(provhost_instance *inst, const provhost_call *call,
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
		               "no account for '%.200s' on promapp", who);
		goto out_decref;
	}
	rc = scim_account_emit(current, emit, emit_ctx, err);
out_decref:
	json_decref(current);
	json_decref(identity);
	return scim_conn_op_end(&inst->conn, rc, NULL, err);
}
