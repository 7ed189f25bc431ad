/* Account steps SCIM connectors share. See scim_account.h. */
#include "scimclient/scim_account.h"
#include "scimclient/scim_filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int scim_account_path(const char *id, char *out, size_t out_len)
{
	int n = snprintf(out, out_len, "/Users/");

	if (n < 0 || (size_t)n >= out_len || !*id)
		return -1;
	return scim_query_escape(id, out + n, out_len - (size_t)n) < 0 ? -1 : 0;
}

int scim_account_id(json_t *resource, char *out, size_t out_len)
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

int scim_account_locate(const char *label, json_t *resource, const char *who,
                        long http, char *id, size_t id_len, char *path,
                        size_t path_len, provhost_error *err)
{
	if (scim_account_id(resource, id, id_len) ||
	    scim_account_path(id, path, path_len))
		return scim_fail(err, PROVHOST_E_PROTOCOL, 0, (int)http,
		                 "%s returned the account for '%.200s' without "
		                 "a usable id",
		                 label, who);
	return PROVHOST_OK;
}

void scim_account_describe_diff(unsigned diff, char *out, size_t out_len)
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
	        {SCIM_DIFF_EXTERNAL_ID, "externalId"},
	};
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(diff & names[i].bit))
			continue;
		int n = snprintf(out + used, out_len - used, "%s%s",
		                 used ? ", " : "", names[i].name);
		if (n < 0 || (size_t)n >= out_len - used)
			break;
		used += (size_t)n;
	}
}

int scim_account_already_exists(const struct scim_reply *reply)
{
	return reply->http == 409 ||
	       (reply->http == 400 &&
	        strcmp(reply->error.scim_type, "uniqueness") == 0);
}

int scim_account_identity(json_t *identity, const char *account_id,
                          const char **user_name, const char **who,
                          provhost_error *err)
{
	json_t *v = json_object_get(identity, "userName");

	*user_name = NULL;
	if (v && !(json_is_string(v) && json_string_length(v) > 0 &&
	           json_string_length(v) <= SCIM_USER_MAX_FIELD))
		return scim_fail(err, PROVHOST_E_INVALID_INPUT, 0, 0,
		                 "invalid identity record: userName must be a "
		                 "non-empty string");
	*user_name = v ? json_string_value(v) : NULL;
	*who = *user_name ? *user_name : account_id;
	if (!*user_name && !(account_id && *account_id))
		return scim_fail(err, PROVHOST_E_INVALID_INPUT, 0, 0,
		                 "neither an account id nor a userName was "
		                 "given");
	return PROVHOST_OK;
}

int scim_account_emit(json_t *resource, provhost_emit_fn emit, void *emit_ctx,
                      provhost_error *err)
{
	json_t *out = scim_user_export(resource);
	char *text = out ? json_dumps(out, JSON_COMPACT) : NULL;

	json_decref(out);
	if (!text)
		return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		                 "out of memory exporting the account");
	emit(emit_ctx, text, strlen(text));
	free(text);
	return PROVHOST_OK;
}

int scim_account_plan(const char *label, const struct scim_user *want,
                      json_t *current, int roles_enabled, const char *note,
                      long http, struct scim_account_change *ch,
                      provhost_result *result, provhost_error *err)
{
	int rc;

	scim_user_parse_current(current, &ch->cur);
	rc = scim_account_locate(label, current, want->user_name, http, ch->id,
	                         sizeof ch->id, ch->path, sizeof ch->path, err);
	if (rc != PROVHOST_OK)
		return rc;
	snprintf(result->account_id, sizeof result->account_id, "%s", ch->id);
	ch->diff = scim_user_diff(want, &ch->cur, roles_enabled);
	ch->outcome = !ch->cur.active && want->active
	                      ? PROVHOST_OUTCOME_REACTIVATED
	                      : PROVHOST_OUTCOME_UPDATED;
	scim_account_describe_diff(ch->diff, ch->changed, sizeof ch->changed);
	if (ch->diff == 0) {
		result->outcome = PROVHOST_OUTCOME_UNCHANGED;
		scim_format(result->detail, sizeof result->detail,
		            "%s'%.200s' is up to date (account %s)", note,
		            want->user_name, ch->id);
	}
	return PROVHOST_OK;
}

void scim_account_report_change(const struct scim_account_change *ch,
                                const struct scim_user *want, const char *note,
                                int dry_run, provhost_result *result)
{
	int reactivated = ch->outcome == PROVHOST_OUTCOME_REACTIVATED;

	result->outcome = ch->outcome;
	scim_format(result->detail, sizeof result->detail,
	            "%s%s%s '%.200s' (account %s; changed %s)",
	            dry_run ? "dry run: would " : "", note,
	            reactivated ? (dry_run ? "reactivate" : "reactivated")
	                        : (dry_run ? "update" : "updated"),
	            want->user_name, ch->id, ch->changed);
}
