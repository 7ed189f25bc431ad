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

int scim_core_report_candidates(provhost_instance *inst, json_t *matches,
                                const char *note, provhost_result *result,
                                provhost_error *err)
{
	json_t *c = json_array_get(matches, 0);
	json_t *active = json_object_get(c, "active");
	size_t n = json_array_size(matches);
	struct scim_user cur;
	char more[64] = "";

	scim_user_parse_current(c, &cur);
	if (scim_account_id(c, result->account_id, sizeof result->account_id))
		return scim_fail(err, PROVHOST_E_PROTOCOL, 0,
		                 (int)inst->conn.last_http,
		                 "%s returned an existing account without a "
		                 "usable id",
		                 inst->t->label);
	result->outcome = PROVHOST_OUTCOME_CANDIDATE;
	if (PROVHOST_HAS_FIELD(result, provhost_result, candidate_user_name)) {
		result->n_candidates = (uint32_t)n;
		result->candidate_active =
		        json_is_boolean(active) ? json_is_true(active) : -1;
		if (cur.user_name &&
		    strlen(cur.user_name) < sizeof result->candidate_user_name)
			memcpy(result->candidate_user_name, cur.user_name,
			       strlen(cur.user_name) + 1);
	}
	if (n > 1)
		snprintf(more, sizeof more, "; %zu accounts match", n);
	scim_format(result->detail, sizeof result->detail,
	            "%sfound existing account '%.200s' (account %s, %s) that "
	            "is not linked; wrote nothing (no-adopt)%s",
	            note, cur.user_name ? cur.user_name : "",
	            result->account_id,
	            !json_is_boolean(active) ? "active unknown"
	            : cur.active             ? "active"
	                                     : "inactive",
	            more);
	return PROVHOST_OK;
}

/* No-adopt after a create answered "already exists": report the existing
 * account (found by its keys) as a candidate, without writing to it. */
static int report_conflicting(provhost_instance *inst,
                              const provhost_call *call,
                              const struct scim_user *want, long http,
                              const char *conflict, provhost_result *result,
                              provhost_error *err)
{
	json_t *matches = json_array();
	char note[64];
	int rc;

	if (!matches)
		return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		                 "out of memory");
	rc = scim_core_find_candidates(inst, call, want, 1, matches, err);
	if (rc == PROVHOST_OK && json_array_size(matches) == 0) {
		json_t *found = NULL;
		rc = scim_core_find_ignoring_case(inst, call, want->user_name,
		                                  &found, err);
		if (found && json_array_append_new(matches, found))
			rc = scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
			               "out of memory");
	}
	if (rc == PROVHOST_OK && json_array_size(matches) == 0)
		rc = scim_fail(err, PROVHOST_E_CONFLICT, 0, (int)http,
		               "%.300s; but no account with userName '%.100s' "
		               "could be found to report",
		               conflict, want->user_name);
	else if (rc == PROVHOST_OK) {
		snprintf(note, sizeof note, "create answered %ld; ", http);
		rc = scim_core_report_candidates(inst, matches, note, result,
		                                 err);
	}
	json_decref(matches);
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
	if (call && (call->flags & PROVHOST_CALL_NO_ADOPT))
		return report_conflicting(inst, call, want, http, conflict,
		                          result, err);
	rc = scim_core_find_by_user_name(inst, call, want->user_name, &current,
	                                 err);
	if (rc == PROVHOST_OK && !current) /* the filter may compare case */
		rc = scim_core_find_ignoring_case(inst, call, want->user_name,
		                                  &current, err);
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
		scim_core_ci_forget(inst); /* it lacks the new account */
		result->outcome = PROVHOST_OUTCOME_CREATED;
		scim_format(result->detail, sizeof result->detail,
		            "created '%.200s' (account %s)", want->user_name,
		            result->account_id);
		rc = fix_roles(inst, call, want, reply.json, result, err);
	}
	scim_reply_release(&reply);
	return rc;
}
