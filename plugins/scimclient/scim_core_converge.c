/* The SCIM connector core's provisioning steps: converge an existing
 * account, create a new one, and link the existing one when a create says
 * it already exists. */
#include "scimclient/scim_account.h"
#include "scimclient/scim_core.h"

#include <stdio.h>
#include <string.h>

/* One PUT of the full user (unmanaged attributes kept); a reactivation is
 * verified against the answer. */
static int put_user(provhost_instance *inst, const provhost_call *call,
                    const struct scim_user *want, json_t *current,
                    const struct scim_account_change *ch,
                    struct scim_reply *reply, provhost_error *err)
{
	json_t *body = scim_user_build_replace(current, want, inst->cfg.roles);
	int rc;

	if (!body)
		return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		                 "out of memory building PUT %s", ch->path);
	rc = scim_conn_send(&inst->conn, call, "PUT", ch->path, body,
	                    SCIM_ON_RESOURCE, reply, err);
	json_decref(body);
	if (rc == PROVHOST_OK && ch->outcome == PROVHOST_OUTCOME_REACTIVATED)
		rc = scim_core_check_active(inst, "PUT", ch->path, ch->id, 1,
		                            reply, err);
	return rc;
}

int scim_core_converge(provhost_instance *inst, const provhost_call *call,
                       const struct scim_user *want, json_t *current,
                       const char *note, provhost_result *result,
                       provhost_error *err)
{
	struct scim_account_change ch;
	struct scim_reply reply;
	int rc;

	memset(&reply, 0, sizeof reply);
	rc = scim_account_plan(inst->t->label, want, current, inst->cfg.roles,
	                       note, inst->conn.last_http, &ch, result, err);
	if (rc != PROVHOST_OK || ch.diff == 0)
		return rc;
	if (ch.diff == SCIM_DIFF_ACTIVE &&
	    inst->t->set_active == SCIM_ACTIVE_PATCH)
		rc = scim_core_set_active(inst, call, current, ch.id,
		                          want->active, &reply, err);
	else
		rc = put_user(inst, call, want, current, &ch, &reply, err);
	if (rc == PROVHOST_OK)
		scim_account_report_change(&ch, want, note, reply.dry_run,
		                           result);
	scim_reply_release(&reply);
	return rc;
}

/* After a create answered "already exists" (409, or 400 uniqueness): find
 * that account and converge it, so a race never leaves two accounts. */
static int link_existing(provhost_instance *inst, const provhost_call *call,
                         const struct scim_user *want, long http,
                         provhost_result *result, provhost_error *err)
{
	char conflict[sizeof err->message], note[64], line[128];
	json_t *current = NULL;
	int rc;

	memcpy(conflict, err->message, sizeof conflict);
	snprintf(line, sizeof line,
	         "%s says the account already exists; linking it",
	         inst->t->label);
	scim_conn_log(&inst->conn, call, PROVHOST_LOG_INFO, line);
	scim_clear_error(err);
	rc = scim_core_find_by_user_name(inst, call, want->user_name, &current,
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
	rc = scim_core_converge(inst, call, want, current, note, result, err);
	json_decref(current);
	return rc;
}

/* After a create: roles may be ignored on create, so set them with a PUT
 * when the answer lacks them. */
static int fix_roles(provhost_instance *inst, const provhost_call *call,
                     const struct scim_user *want, json_t *created,
                     provhost_result *result, provhost_error *err)
{
	struct scim_user got;
	int rc;

	scim_user_parse_current(created, &got);
	if (!inst->cfg.roles || !want->has_roles ||
	    !(scim_user_diff(want, &got, 1) & SCIM_DIFF_ROLES))
		return PROVHOST_OK;
	rc = scim_core_converge(inst, call, want, created, "created, then ",
	                        result, err);
	result->outcome = PROVHOST_OUTCOME_CREATED;
	return rc;
}

int scim_core_create(provhost_instance *inst, const provhost_call *call,
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
		               "%s answered %ld to POST /Users without an "
		               "account id",
		               inst->t->label, reply.http);
	} else {
		result->outcome = PROVHOST_OUTCOME_CREATED;
		scim_format(result->detail, sizeof result->detail,
		            "created '%.200s' (account %s)", want->user_name,
		            result->account_id);
		rc = fix_roles(inst, call, want, reply.json, result, err);
	}
	scim_reply_release(&reply);
	return rc;
}
