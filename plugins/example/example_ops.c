/* The example connector's account operations.
 *
 * The pattern every op follows, whatever the target:
 *   1. reset what we report (result, err) and validate the input — BEFORE
 *      any I/O: bad input is PROVHOST_E_INVALID_INPUT and costs nothing;
 *   2. host_api->pace(): a remote connector calls it before EVERY request
 *      (reads too) so the host can keep the connection under its request
 *      rate and honour Retry-After; it returns PROVHOST_E_TIMEOUT when the
 *      call's deadline would pass first. A file needs no pacing, but one
 *      file transaction stands for one request here, to show where it goes;
 *   3. find the account (by the id the host linked, else by userName);
 *   4. compare and write only what differs — idempotence: running the same
 *      call twice gives "unchanged" the second time;
 *   5. in a dry run (PROVHOST_CALL_DRY_RUN) read, but instead of writing
 *      report the write with host_api->planned_write;
 *   6. fill result (outcome, account_id, a one-line detail for people).
 */
#include "example.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void op_begin(provhost_result *result, provhost_error *err)
{
	err->status = PROVHOST_OK;
	err->retryable = 0;
	err->retry_after_ms = 0;
	err->remote_code = 0;
	err->message[0] = '\0';
	if (result) {
		result->outcome = PROVHOST_OUTCOME_NONE;
		result->remote_code = 0; /* no HTTP here */
		result->account_id[0] = '\0';
		result->detail[0] = '\0';
	}
}

static int is_dry_run(const provhost_call *call)
{
	return call && (call->flags & PROVHOST_CALL_DRY_RUN);
}

static int pace(provhost_instance *inst, const provhost_call *call,
                provhost_error *err)
{
	if (inst->api->pace(inst->host, call) != PROVHOST_OK)
		return example_fail(err, PROVHOST_E_TIMEOUT, 1,
		                    "the call's deadline would pass before "
		                    "'%s' could be read",
		                    inst->cfg.path);
	return PROVHOST_OK;
}

/* Writes the store, or in a dry run reports what would be written: method
 * "WRITE", target the file, body the account as it would be stored. */
static int commit(provhost_instance *inst, const provhost_call *call,
                  struct example_store *st, json_t *account,
                  provhost_error *err)
{
	char *body;

	if (!is_dry_run(call))
		return example_store_save(inst, st, err);
	body = account ? json_dumps(account, JSON_COMPACT | JSON_SORT_KEYS)
	               : NULL;
	inst->api->planned_write(inst->host, call, "WRITE", inst->cfg.path,
	                         body);
	free(body);
	return PROVHOST_OK;
}

int example_authenticate(provhost_instance *inst, const provhost_call *call,
                         provhost_result *result, provhost_error *err)
{
	struct example_store st;
	int rc;

	op_begin(result, err);
	rc = pace(inst, call, err);
	if (rc != PROVHOST_OK)
		return rc;
	/* Reading under the lock checks the file, its format and the api_key;
	 * creating the lock file checks we may write in its directory. */
	rc = example_store_open(inst, call, 0, &st, err);
	if (rc != PROVHOST_OK)
		return rc;
	if (st.exists)
		snprintf(result->detail, sizeof result->detail,
		         "'%.300s' is readable%s: %zu accounts", inst->cfg.path,
		         json_object_get(st.root, "api_key")
		                 ? " and the api_key matches"
		                 : "",
		         json_object_size(st.accounts));
	else
		snprintf(result->detail, sizeof result->detail,
		         "'%.300s' does not exist yet; it will be created on "
		         "the first write",
		         inst->cfg.path);
	example_store_release(&st);
	return PROVHOST_OK;
}

/* Finds the account for want: by the linked id first (the host's link
 * survives a rename), else by userName. Refuses a userName that another
 * account already has: userName is unique ignoring case. */
static int find_for(struct example_store *st, const char *account_id,
                    const struct example_person *want, json_t **found,
                    provhost_error *err)
{
	json_t *by_id = example_store_by_id(st, account_id), *other;

	*found = by_id ? by_id
	               : example_store_by_user_name(st, want->user_name, NULL);
	if (!*found)
		return PROVHOST_OK;
	other = example_store_by_user_name(
	        st, want->user_name,
	        json_string_value(json_object_get(*found, "id")));
	if (other)
		return example_fail(
		        err, PROVHOST_E_CONFLICT, 0,
		        "userName '%.200s' belongs to account %s, not to "
		        "account %s",
		        want->user_name,
		        json_string_value(json_object_get(other, "id")),
		        json_string_value(json_object_get(*found, "id")));
	return PROVHOST_OK;
}

static int create(provhost_instance *inst, const provhost_call *call,
                  struct example_store *st, const struct example_person *want,
                  provhost_result *result, provhost_error *err)
{
	char id[32];
	json_t *account = json_object();
	int rc;

	if (!account || example_store_next_id(st, id, sizeof id) ||
	    json_object_set_new(account, "id", json_string(id)) ||
	    example_account_apply(account, want, 1) ||
	    json_object_set(st->accounts, id, account)) {
		json_decref(account);
		return example_fail(err, PROVHOST_E_INTERNAL, 0,
		                    "out of memory creating an account");
	}
	rc = commit(inst, call, st, account, err);
	json_decref(account);
	if (rc != PROVHOST_OK)
		return rc;
	result->outcome = PROVHOST_OUTCOME_CREATED;
	if (is_dry_run(call)) {
		/* Nothing was written, so there is no id to link yet. */
		snprintf(result->detail, sizeof result->detail,
		         "dry run: would create '%.200s'", want->user_name);
		return PROVHOST_OK;
	}
	snprintf(result->account_id, sizeof result->account_id, "%s", id);
	snprintf(result->detail, sizeof result->detail,
	         "created '%.200s' (account %s)", want->user_name, id);
	example_log(inst, call, PROVHOST_LOG_INFO,
	            "created account %s for '%.200s' in '%.200s'", id,
	            want->user_name, inst->cfg.path);
	return PROVHOST_OK;
}

static int converge(provhost_instance *inst, const provhost_call *call,
                    struct example_store *st, json_t *account,
                    const struct example_person *want, provhost_result *result,
                    provhost_error *err)
{
	const char *id = json_string_value(json_object_get(account, "id"));
	unsigned diff = example_account_diff(account, want);
	int was_active = example_account_active(account);
	char changed[96];
	int rc;

	snprintf(result->account_id, sizeof result->account_id, "%s", id);
	if (!diff) {
		result->outcome = PROVHOST_OUTCOME_UNCHANGED;
		snprintf(result->detail, sizeof result->detail,
		         "'%.200s' is up to date (account %s)", want->user_name,
		         id);
		return PROVHOST_OK;
	}
	if (example_account_apply(account, want, 0))
		return example_fail(err, PROVHOST_E_INTERNAL, 0,
		                    "out of memory updating account %s", id);
	rc = commit(inst, call, st, account, err);
	if (rc != PROVHOST_OK)
		return rc;
	result->outcome = !was_active && want->active
	                          ? PROVHOST_OUTCOME_REACTIVATED
	                          : PROVHOST_OUTCOME_UPDATED;
	example_diff_names(diff, changed, sizeof changed);
	snprintf(result->detail, sizeof result->detail,
	         "%s%s '%.200s' (account %s; changed %s)",
	         is_dry_run(call) ? "dry run: would " : "",
	         result->outcome == PROVHOST_OUTCOME_REACTIVATED
	                 ? (is_dry_run(call) ? "reactivate" : "reactivated")
	                 : (is_dry_run(call) ? "update" : "updated"),
	         want->user_name, id, changed);
	return PROVHOST_OK;
}

/* ABI 1.1 no-adopt: account matched want's userName but is not the linked
 * one (account_id); report it, write nothing. The candidate members exist
 * only in a 1.1 host's result: check before writing them. */
static int report_candidate(json_t *account, provhost_result *result)
{
	const char *id = json_string_value(json_object_get(account, "id"));
	const char *user =
	        json_string_value(json_object_get(account, "userName"));

	result->outcome = PROVHOST_OUTCOME_CANDIDATE;
	snprintf(result->account_id, sizeof result->account_id, "%s", id);
	if (PROVHOST_HAS_FIELD(result, provhost_result, candidate_user_name)) {
		result->n_candidates = 1; /* userName is unique here */
		result->candidate_active = example_account_active(account);
		snprintf(result->candidate_user_name,
		         sizeof result->candidate_user_name, "%s",
		         user ? user : "");
	}
	snprintf(result->detail, sizeof result->detail,
	         "found existing account '%.200s' (account %s) that is not "
	         "linked; wrote nothing (no-adopt)",
	         user ? user : "", id);
	return PROVHOST_OK;
}

int example_provision(provhost_instance *inst, const provhost_call *call,
                      const char *account_id, const char *desired_json,
                      size_t len, provhost_result *result, provhost_error *err)
{
	struct example_person want;
	struct example_store st;
	json_t *record = NULL, *account;
	int rc;

	op_begin(result, err);
	rc = example_person_parse(desired_json, len, &record, &want, err);
	if (rc == PROVHOST_OK)
		rc = pace(inst, call, err);
	if (rc != PROVHOST_OK)
		goto out_release_record;
	rc = example_store_open(inst, call, 1, &st, err);
	if (rc != PROVHOST_OK)
		goto out_release_record;
	rc = find_for(&st, account_id, &want, &account, err);
	if (rc == PROVHOST_OK && account && call &&
	    (call->flags & PROVHOST_CALL_NO_ADOPT) &&
	    account != example_store_by_id(&st, account_id))
		rc = report_candidate(account, result);
	else if (rc == PROVHOST_OK && account)
		rc = converge(inst, call, &st, account, &want, result, err);
	else if (rc == PROVHOST_OK)
		rc = create(inst, call, &st, &want, result, err);
	example_store_release(&st);
out_release_record:
	example_person_release(&want);
	json_decref(record);
	return rc;
}

/* Finds the account for deprovision and lookup: by id, else by the
 * identity's userName. Validates the input before any I/O. */
static int open_and_find(provhost_instance *inst, const provhost_call *call,
                         int exclusive, const char *account_id,
                         const char *identity_json, size_t len,
                         struct example_store *st, json_t **account, char *who,
                         size_t who_len, provhost_error *err)
{
	const char *user_name;
	json_t *identity;
	int rc;

	*account = NULL;
	rc = example_identity_parse(identity_json, len, &identity, &user_name,
	                            err);
	if (rc == PROVHOST_OK && !user_name && !(account_id && *account_id))
		rc = example_fail(err, PROVHOST_E_INVALID_INPUT, 0,
		                  "neither an account id nor a userName was "
		                  "given");
	if (rc == PROVHOST_OK)
		snprintf(who, who_len, "%s",
		         user_name ? user_name : account_id);
	if (rc == PROVHOST_OK)
		rc = pace(inst, call, err);
	if (rc == PROVHOST_OK)
		rc = example_store_open(inst, call, exclusive, st, err);
	if (rc == PROVHOST_OK) {
		*account = example_store_by_id(st, account_id);
		if (!*account && user_name)
			*account =
			        example_store_by_user_name(st, user_name, NULL);
	}
	json_decref(identity);
	return rc;
}

int example_deprovision(provhost_instance *inst, const provhost_call *call,
                        const char *account_id, const char *identity_json,
                        size_t len, provhost_result *result,
                        provhost_error *err)
{
	struct example_store st;
	char who[256], id[128];
	json_t *account;
	int rc;

	op_begin(result, err);
	rc = open_and_find(inst, call, 1, account_id, identity_json, len, &st,
	                   &account, who, sizeof who, err);
	if (rc != PROVHOST_OK)
		return rc;
	if (!account) {
		/* Already gone is success: deprovision is idempotent. */
		result->outcome = PROVHOST_OUTCOME_ABSENT;
		snprintf(result->detail, sizeof result->detail,
		         "no account for '%.200s'; nothing to do", who);
		goto out_release;
	}
	snprintf(id, sizeof id, "%s",
	         json_string_value(json_object_get(account, "id")));
	snprintf(result->account_id, sizeof result->account_id, "%s", id);
	if (inst->cfg.delete_accounts) {
		/* the dry-run report names what would go */
		json_t *gone = json_pack("{s:s,s:b}", "id", id, "deleted", 1);
		json_object_del(st.accounts, id);
		rc = commit(inst, call, &st, gone, err);
		json_decref(gone);
		result->outcome = PROVHOST_OUTCOME_DELETED;
	} else if (!example_account_active(account)) {
		result->outcome = PROVHOST_OUTCOME_UNCHANGED;
		snprintf(result->detail, sizeof result->detail,
		         "'%.200s' (account %s) is already inactive", who, id);
		goto out_release;
	} else {
		json_object_set_new(account, "active", json_false());
		rc = commit(inst, call, &st, account, err);
		result->outcome = PROVHOST_OUTCOME_DEACTIVATED;
	}
	if (rc != PROVHOST_OK) {
		result->outcome = PROVHOST_OUTCOME_NONE;
		goto out_release;
	}
	snprintf(result->detail, sizeof result->detail,
	         "%s%s '%.200s' (account %s)",
	         is_dry_run(call) ? "dry run: would " : "",
	         inst->cfg.delete_accounts
	                 ? (is_dry_run(call) ? "delete" : "deleted")
	                 : (is_dry_run(call) ? "deactivate" : "deactivated"),
	         who, id);
	if (!is_dry_run(call))
		example_log(inst, call, PROVHOST_LOG_INFO, "%s account %s",
		            inst->cfg.delete_accounts ? "deleted"
		                                      : "deactivated",
		            id);
out_release:
	example_store_release(&st);
	return rc;
}

int example_lookup(provhost_instance *inst, const provhost_call *call,
                   const char *account_id, const char *identity_json,
                   size_t len, provhost_emit_fn emit, void *emit_ctx,
                   provhost_error *err)
{
	struct example_store st;
	json_t *account;
	char who[256], *text;
	int rc;

	op_begin(NULL, err);
	rc = open_and_find(inst, call, 0, account_id, identity_json, len, &st,
	                   &account, who, sizeof who, err);
	if (rc != PROVHOST_OK)
		return rc;
	if (!account) {
		rc = example_fail(err, PROVHOST_E_NOT_FOUND, 0,
		                  "no account for '%.200s' in '%.200s'", who,
		                  inst->cfg.path);
		goto out_release;
	}
	/* emit borrows the text for the call only; the host copies it. */
	text = json_dumps(account, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text) {
		rc = example_fail(err, PROVHOST_E_INTERNAL, 0,
		                  "out of memory exporting the account");
		goto out_release;
	}
	emit(emit_ctx, text, strlen(text));
	free(text);
out_release:
	example_store_release(&st);
	return rc;
}
