/* The SCIM connector core's ops: authenticate, provision, deprovision and
 * lookup. Each makes at most one attempt per request and leaves retries to
 * the host; input is validated before any request. */
#include "scimclient/scim_account.h"
#include "scimclient/scim_core.h"

#include <stdio.h>
#include <string.h>

/* The detail of a successful authenticate. */
static void describe_auth(provhost_instance *inst,
                          const struct scim_reply *reply,
                          provhost_result *result)
{
	json_t *total = json_object_get(reply->json, "totalResults");
	char count[64] = "", features[160] = "";

	if (json_is_integer(total))
		snprintf(count, sizeof count,
		         " listing %" JSON_INTEGER_FORMAT " users",
		         json_integer_value(total));
	if (inst->t->discover) {
		scim_features_describe(&inst->features, features + 2,
		                       sizeof features - 2);
		memcpy(features, "; ", 2);
		strncat(features,
		        inst->features.from_target
		                ? " (from /ServiceProviderConfig)"
		                : " (assumed: no /ServiceProviderConfig)",
		        sizeof features - strlen(features) - 1);
	}
	scim_format(result->detail, sizeof result->detail,
	            "authenticated to %s: GET /Users answered %ld with a SCIM "
	            "ListResponse%s%s",
	            inst->cfg.conn.base_url, reply->http, count, features);
}

int32_t scim_core_authenticate(provhost_instance *inst,
                               const provhost_call *call,
                               provhost_result *result, provhost_error *err)
{
	static const char path[] = "/Users?count=1";
	struct scim_reply reply;
	int rc;

	scim_conn_op_begin(&inst->conn, result, err);
	rc = scim_core_discover(inst, call, err);
	if (rc != PROVHOST_OK)
		return scim_core_op_end(inst, rc, result, err);
	rc = scim_conn_send(&inst->conn, call, "GET", path, NULL,
	                    SCIM_ON_COLLECTION, &reply, err);
	if (rc == PROVHOST_E_PROTOCOL && reply.looks_html &&
	    inst->t->not_json) {
		inst->t->not_json(inst->cfg.conn.base_url, "GET", path, &reply,
		                  err);
		rc = PROVHOST_E_CONFIG;
	} else if (rc == PROVHOST_OK && !scim_is_list_response(reply.json)) {
		char excerpt[SCIM_EXCERPT_MAX + 1];
		scim_excerpt(reply.raw->body, reply.raw->body_len, excerpt,
		             sizeof excerpt, SCIM_EXCERPT_MAX);
		rc = scim_fail(err, PROVHOST_E_PROTOCOL, 0, (int)reply.http,
		               "%s answered %ld to GET /Users with something "
		               "that is not a SCIM ListResponse: %s",
		               inst->t->label, reply.http, excerpt);
	} else if (rc == PROVHOST_OK) {
		describe_auth(inst, &reply, result);
	}
	scim_reply_release(&reply);
	return scim_core_op_end(inst, rc, result, err);
}

/* True when want is created with a POST and no lookup first: the setting
 * is on, userName is the only correlation key (an externalId match must be
 * looked for: a renamed account would not collide and would be
 * duplicated) and it is not a dry run (which reads to plan exactly). */
static int create_first(const provhost_instance *inst,
                        const provhost_call *call, const struct scim_user *want)
{
	return inst->cfg.create_first && !want->external_id &&
	       !scim_call_is_dry_run(call);
}

/* Finds the account to converge: the linked one (account_id), else the
 * one matching want's correlation keys. With no_adopt a match that is not
 * the linked account is reported as a candidate (*reported set) instead.
 * *current is a new reference or NULL (create). */
static int find_target(provhost_instance *inst, const provhost_call *call,
                       const char *account_id, const struct scim_user *want,
                       int no_adopt, json_t **current, int *reported,
                       provhost_result *result, provhost_error *err)
{
	json_t *matches;
	int rc;

	*reported = 0;
	rc = scim_core_read_linked(inst, call, account_id, current, err);
	if (rc != PROVHOST_OK || *current)
		return rc;
	if (create_first(inst, call, want))
		return PROVHOST_OK; /* POST; a 409 finds the account */
	matches = json_array();
	if (!matches)
		return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		                 "out of memory");
	rc = scim_core_find_candidates(inst, call, want, no_adopt, matches,
	                               err);
	if (rc == PROVHOST_OK && json_array_size(matches) > 0) {
		if (no_adopt) {
			*reported = 1;
			rc = scim_core_report_candidates(inst, matches, "",
			                                 result, err);
		} else {
			*current = json_incref(json_array_get(matches, 0));
		}
	}
	json_decref(matches);
	return rc;
}

int32_t scim_core_provision(provhost_instance *inst, const provhost_call *call,
                            const char *account_id, const char *desired_json,
                            size_t len, provhost_result *result,
                            provhost_error *err)
{
	struct scim_user want;
	json_t *record, *current = NULL;
	char why[160];
	int rc, reported;
	int no_adopt = call && (call->flags & PROVHOST_CALL_NO_ADOPT);

	scim_conn_op_begin(&inst->conn, result, err);
	record =
	        scim_core_load_record(desired_json, len, "desired record", err);
	if (!record)
		return scim_core_op_end(inst, PROVHOST_E_INVALID_INPUT, result,
		                        err);
	if (scim_user_parse_desired(record, &want, why, sizeof why)) {
		rc = scim_fail(err, PROVHOST_E_INVALID_INPUT, 0, 0,
		               "invalid desired record: %s", why);
		goto out_decref;
	}
	if (!inst->cfg.external_id)
		want.external_id = NULL; /* not managed on this target */
	if (!no_adopt) {
		int done;

		rc = scim_core_patch_update(inst, call, account_id, &want,
		                            &done, result, err);
		if (rc != PROVHOST_OK || done)
			goto out_decref;
	}
	rc = find_target(inst, call, account_id, &want, no_adopt, &current,
	                 &reported, result, err);
	if (rc != PROVHOST_OK || reported)
		goto out_decref;
	if (current)
		rc = scim_core_converge(inst, call, &want, current, "", result,
		                        err);
	else
		rc = scim_core_create(inst, call, &want, result, err);
	json_decref(current);
out_decref:
	json_decref(record);
	return scim_core_op_end(inst, rc, result, err);
}

/* Validates the identity (before any I/O) and resolves the account, for
 * deprovision and lookup. *identity owns the record; *who borrows from it
 * or account_id. */
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
		*identity = scim_core_load_record(json, len, "identity record",
		                                  err);
		if (!*identity)
			return PROVHOST_E_INVALID_INPUT;
	}
	rc = scim_account_identity(*identity, account_id, &user_name, who, err);
	if (rc != PROVHOST_OK)
		return rc;
	return scim_core_resolve(inst, call, account_id, user_name, found, err);
}

/* DELETE the account, reported as outcome ("deleted" or "deactivated",
 * verb the infinitive); a 404 means it went already. */
static int delete_account(provhost_instance *inst, const provhost_call *call,
                          const char *id, const char *path, const char *who,
                          int outcome, provhost_result *result,
                          provhost_error *err)
{
	const char *verb =
	        outcome == PROVHOST_OUTCOME_DELETED ? "delete" : "deactivate";
	struct scim_reply reply;
	int rc, dry;

	rc = scim_conn_send(&inst->conn, call, "DELETE", path, NULL,
	                    SCIM_ON_RESOURCE, &reply, err);
	dry = reply.dry_run;
	scim_reply_release(&reply);
	if (rc == PROVHOST_E_NOT_FOUND) {
		scim_clear_error(err);
		result->outcome = PROVHOST_OUTCOME_ABSENT;
		scim_format(result->detail, sizeof result->detail,
		            "account %s ('%.200s') disappeared before it could "
		            "be %sd",
		            id, who, verb);
		return PROVHOST_OK;
	}
	if (rc != PROVHOST_OK)
		return rc;
	result->outcome = outcome;
	scim_format(result->detail, sizeof result->detail,
	            "%s%sd '%.200s' (account %s; DELETE %s)",
	            dry ? "dry run: would " : "", verb, who, id, path);
	return PROVHOST_OK;
}

/* Deactivates the located account current as the instance's deprovision
 * setting says. */
static int deactivate(provhost_instance *inst, const provhost_call *call,
                      json_t *current, const char *id, const char *path,
                      const char *who, provhost_result *result,
                      provhost_error *err)
{
	struct scim_user cur;
	struct scim_reply reply;
	int rc;

	if (inst->cfg.deprovision == SCIM_DEPROVISION_DELETE)
		return delete_account(inst, call, id, path, who,
		                      PROVHOST_OUTCOME_DELETED, result, err);
	scim_user_parse_current(current, &cur);
	if (!cur.active) {
		result->outcome = PROVHOST_OUTCOME_UNCHANGED;
		scim_format(result->detail, sizeof result->detail,
		            "'%.200s' (account %s) is already inactive", who,
		            id);
		return PROVHOST_OK;
	}
	if (inst->cfg.deprovision == SCIM_DEPROVISION_DELETE_DEACTIVATES)
		return delete_account(inst, call, id, path, who,
		                      PROVHOST_OUTCOME_DEACTIVATED, result,
		                      err);
	rc = scim_core_set_active(inst, call, current, id, 0, &reply, err);
	if (rc == PROVHOST_OK) {
		result->outcome = PROVHOST_OUTCOME_DEACTIVATED;
		scim_format(result->detail, sizeof result->detail,
		            "%s '%.200s' (account %s; active false)",
		            reply.dry_run ? "dry run: would deactivate"
		                          : "deactivated",
		            who, id);
	}
	scim_reply_release(&reply);
	return rc;
}

int32_t scim_core_deprovision(provhost_instance *inst,
                              const provhost_call *call, const char *account_id,
                              const char *identity_json, size_t len,
                              provhost_result *result, provhost_error *err)
{
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
		            "no account for '%.200s' on %s; nothing to do", who,
		            inst->t->label);
		goto out_decref;
	}
	rc = scim_account_locate(inst->t->label, current, who,
	                         inst->conn.last_http, id, sizeof id, path,
	                         sizeof path, err);
	if (rc != PROVHOST_OK)
		goto out_decref;
	snprintf(result->account_id, sizeof result->account_id, "%s", id);
	rc = deactivate(inst, call, current, id, path, who, result, err);
out_decref:
	json_decref(current);
	json_decref(identity);
	return scim_core_op_end(inst, rc, result, err);
}

int32_t scim_core_lookup(provhost_instance *inst, const provhost_call *call,
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
		rc = scim_fail(
		        err, PROVHOST_E_NOT_FOUND, 0, (int)inst->conn.last_http,
		        "no account for '%.200s' on %s", who, inst->t->label);
		goto out_decref;
	}
	rc = scim_account_emit(current, emit, emit_ctx, err);
out_decref:
	json_decref(current);
	json_decref(identity);
	return scim_core_op_end(inst, rc, NULL, err);
}
