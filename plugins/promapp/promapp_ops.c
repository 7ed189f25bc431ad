/* The Promapp connector's account operations: authenticate, provision,
 * deprovision and lookup. Each makes at most one attempt per request and
 * leaves retries to the host. */
#include "promapp.h"
#include "scimclient/scim_user.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Clears what the op reports (keeping the callers' struct_size). */
static void op_begin(provhost_instance *inst, provhost_result *result,
                     provhost_error *err)
{
	inst->last_http = 0;
	err->status = PROVHOST_OK;
	err->retryable = 0;
	err->retry_after_ms = 0;
	err->remote_code = 0;
	err->message[0] = '\0';
	if (result) {
		result->outcome = PROVHOST_OUTCOME_NONE;
		result->remote_code = 0;
		result->account_id[0] = '\0';
		result->detail[0] = '\0';
	}
}

/* Finishes an op: last HTTP status into result, the token redacted from
 * everything going back (a safety net), rc returned. */
static int op_end(provhost_instance *inst, int rc, provhost_result *result,
                  provhost_error *err)
{
	if (result) {
		result->remote_code = (int32_t)inst->last_http;
		scim_redact(result->detail, sizeof result->detail, inst->token);
		scim_redact(result->account_id, sizeof result->account_id,
		            inst->token);
	}
	if (rc != PROVHOST_OK) {
		err->status = rc;
		if (!err->message[0])
			scim_format(err->message, sizeof err->message,
			            "promapp operation failed");
	}
	scim_redact(err->message, sizeof err->message, inst->token);
	return rc;
}

static void log_info(provhost_instance *inst, const provhost_call *call,
                     const char *line)
{
	if (inst->api->log)
		inst->api->log(inst->host, call, PROVHOST_LOG_INFO, line);
}

int promapp_authenticate(provhost_instance *inst, const provhost_call *call,
                         provhost_result *result, provhost_error *err)
{
	static const char path[] = "/Users?count=1";
	struct scim_reply reply;
	int rc;

	op_begin(inst, result, err);
	rc = promapp_send(inst, call, "GET", path, NULL, SCIM_ON_COLLECTION,
	                  &reply, err);
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
		        inst->cfg.base_url, reply.http, count);
	}
	scim_reply_release(&reply);
	return op_end(inst, rc, result, err);
}

/* Names the changed attributes ("name, email") for details. */
static void describe_diff(unsigned diff, char *out, size_t out_len)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
	        {SCIM_DIFF_USERNAME, "userName"},
	        {SCIM_DIFF_NAME, "name"},
	        {SCIM_DIFF_EMAIL, "email"},
	        {SCIM_DIFF_TIMEZONE, "timezone"},
	        {SCIM_DIFF_ACTIVE, "active"},
	        {SCIM_DIFF_ROLES, "roles"},
	};
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(diff & names[i].bit))
			continue;
		int n = snprintf(out + o, out_len - o, "%s%s", o ? ", " : "",
		                 names[i].name);
		if (n < 0 || (size_t)n >= out_len - o)
			break;
		o += (size_t)n;
	}
}

/* Brings the existing account current to want: no write when equal, else
 * one PUT of the full user (unmanaged attributes kept). note prefixes the
 * detail. */
static int converge(provhost_instance *inst, const provhost_call *call,
                    const struct scim_user *want, json_t *current,
                    const char *note, provhost_result *result,
                    provhost_error *err)
{
	struct scim_user cur;
	struct scim_reply reply;
	char id[256], path[1024], changed[96];
	unsigned diff;
	json_t *body;
	int rc, outcome;

	scim_user_parse_current(current, &cur);
	if (promapp_id_of(current, id, sizeof id) ||
	    promapp_user_path(id, path, sizeof path))
		return scim_fail(err, PROVHOST_E_PROTOCOL, 0,
		                 (int)inst->last_http,
		                 "promapp returned the account for '%.200s' "
		                 "without a usable id",
		                 want->user_name);
	snprintf(result->account_id, sizeof result->account_id, "%s", id);
	diff = scim_user_diff(want, &cur, inst->cfg.roles);
	if (diff == 0) {
		result->outcome = PROVHOST_OUTCOME_UNCHANGED;
		scim_format(result->detail, sizeof result->detail,
		            "%s'%.200s' is up to date (account %s)", note,
		            want->user_name, id);
		return PROVHOST_OK;
	}
	outcome = !cur.active && want->active ? PROVHOST_OUTCOME_REACTIVATED
	                                      : PROVHOST_OUTCOME_UPDATED;
	describe_diff(diff, changed, sizeof changed);
	body = scim_user_build_replace(current, want, inst->cfg.roles);
	if (!body)
		return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		                 "out of memory building PUT %s", path);
	rc = promapp_send(inst, call, "PUT", path, body, SCIM_ON_RESOURCE,
	                  &reply, err);
	json_decref(body);
	if (rc != PROVHOST_OK)
		goto out_release;
	if (!reply.dry_run && outcome == PROVHOST_OUTCOME_REACTIVATED &&
	    json_is_false(json_object_get(reply.json, "active"))) {
		rc = scim_fail(err, PROVHOST_E_UNSUPPORTED, 0, (int)reply.http,
		               "promapp accepted PUT %s with active true but "
		               "account %s is still inactive",
		               path, id);
		goto out_release;
	}
	result->outcome = outcome;
	scim_format(result->detail, sizeof result->detail,
	            "%s%s%s '%.200s' (account %s; changed %s)",
	            reply.dry_run ? "dry run: would " : "", note,
	            outcome == PROVHOST_OUTCOME_REACTIVATED
	                    ? (reply.dry_run ? "reactivate" : "reactivated")
	                    : (reply.dry_run ? "update" : "updated"),
	            want->user_name, id, changed);
out_release:
	scim_reply_release(&reply);
	return rc;
}

/* True when a create failed because the account already exists. */
static int is_already_exists(const struct scim_reply *reply)
{
	return reply->http == 409 ||
	       (reply->http == 400 &&
	        strcmp(reply->error.scim_type, "uniqueness") == 0);
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
	log_info(inst, call,
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
	rc = promapp_send(inst, call, "POST", "/Users", body,
	                  SCIM_ON_COLLECTION, &reply, err);
	json_decref(body);
	if (rc != PROVHOST_OK) {
		if (is_already_exists(&reply))
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
	if (promapp_id_of(reply.json, result->account_id,
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

	op_begin(inst, result, err);
	record = load_record(desired_json, len, "desired record", err);
	if (!record)
		return op_end(inst, PROVHOST_E_INVALID_INPUT, result, err);
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
	return op_end(inst, rc, result, err);
}

/* Reads the userName from an identity record (may be absent). *root owns
 * it. Returns PROVHOST_OK or invalid input. */
static int identity_user_name(const char *json, size_t len, json_t **root,
                              const char **user_name, provhost_error *err)
{
	json_t *v;

	*root = NULL;
	*user_name = NULL;
	if (!json || len == 0)
		return PROVHOST_OK;
	*root = load_record(json, len, "identity record", err);
	if (!*root)
		return PROVHOST_E_INVALID_INPUT;
	v = json_object_get(*root, "userName");
	if (v && !(json_is_string(v) && json_string_length(v) > 0 &&
	           json_string_length(v) <= SCIM_USER_MAX_FIELD))
		return scim_fail(err, PROVHOST_E_INVALID_INPUT, 0, 0,
		                 "invalid identity record: userName must be a "
		                 "non-empty string");
	*user_name = v ? json_string_value(v) : NULL;
	return PROVHOST_OK;
}

/* Resolves the account for deprovision and lookup. */
static int resolve_identity(provhost_instance *inst, const provhost_call *call,
                            const char *account_id, const char *json,
                            size_t len, json_t **identity, const char **who,
                            json_t **found, provhost_error *err)
{
	const char *user_name;
	int rc;

	*found = NULL;
	rc = identity_user_name(json, len, identity, &user_name, err);
	if (rc != PROVHOST_OK)
		return rc;
	*who = user_name ? user_name : account_id;
	if (!user_name && !(account_id && *account_id))
		return scim_fail(err, PROVHOST_E_INVALID_INPUT, 0, 0,
		                 "neither an account id nor a userName was "
		                 "given");
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

	op_begin(inst, result, err);
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
	if (promapp_id_of(current, id, sizeof id) ||
	    promapp_user_path(id, path, sizeof path)) {
		rc = scim_fail(err, PROVHOST_E_PROTOCOL, 0,
		               (int)inst->last_http,
		               "promapp returned the account for '%.200s' "
		               "without a usable id",
		               who);
		goto out_decref;
	}
	snprintf(result->account_id, sizeof result->account_id, "%s", id);
	if (!cur.active) {
		result->outcome = PROVHOST_OUTCOME_UNCHANGED;
		scim_format(result->detail, sizeof result->detail,
		            "'%.200s' (account %s) is already inactive", who,
		            id);
		goto out_decref;
	}
	rc = promapp_send(inst, call, "DELETE", path, NULL, SCIM_ON_RESOURCE,
	                  &reply, err);
	scim_reply_release(&reply);
	if (rc == PROVHOST_E_NOT_FOUND) {
		op_begin(inst, NULL, err);
		rc = PROVHOST_OK;
		result->outcome = PROVHOST_OUTCOME_ABSENT;
		scim_format(
		        result->detail, sizeof result->detail,
		        "account %s ('%.200s') disappeared before it could be "
		        "deactivated",
		        id, who);
		inst->last_http = 404;
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
	return op_end(inst, rc, result, err);
}

int promapp_lookup(provhost_instance *inst, const provhost_call *call,
                   const char *account_id, const char *identity_json,
                   size_t len, provhost_emit_fn emit, void *emit_ctx,
                   provhost_error *err)
{
	json_t *identity = NULL, *current = NULL, *out;
	const char *who = NULL;
	char *text;
	int rc;

	op_begin(inst, NULL, err);
	rc = resolve_identity(inst, call, account_id, identity_json, len,
	                      &identity, &who, &current, err);
	if (rc != PROVHOST_OK)
		goto out_decref;
	if (!current) {
		rc = scim_fail(err, PROVHOST_E_NOT_FOUND, 0,
		               (int)inst->last_http,
		               "no account for '%.200s' on promapp", who);
		goto out_decref;
	}
	out = scim_user_export(current);
	text = out ? json_dumps(out, JSON_COMPACT) : NULL;
	json_decref(out);
	if (!text) {
		rc = scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		               "out of memory exporting the account");
		goto out_decref;
	}
	emit(emit_ctx, text, strlen(text));
	free(text);
out_decref:
	json_decref(current);
	json_decref(identity);
	return op_end(inst, rc, NULL, err);
}
