/* The SCIM connector core's case-insensitive fallback: a target whose
 * userName filter compares case-sensitively while its uniqueness check
 * does not answers a create with 409 for an account the filter cannot
 * find. One bounded scan of /Users builds an index by userName ignoring
 * ASCII case (scim_ci_index.h), kept in the instance until a create. */
#include "scimclient/scim_account.h"
#include "scimclient/scim_ci_index.h"
#include "scimclient/scim_core.h"
#include "scimclient/scim_page.h"

#include <stdio.h>

/* What the scan builds: the index and how many accounts it has seen. */
struct indexing {
	json_t *index;
	long n;
};

/* A visitor: adds one account to the index, past the bound an error. */
static int index_one(provhost_instance *inst, json_t *r, const char *id,
                     void *ctx, provhost_error *err)
{
	struct indexing *ix = ctx;
	json_t *v = json_object_get(r, "userName");

	if (++ix->n > SCIM_CI_SCAN_MAX)
		return scim_fail(err, PROVHOST_E_UNSUPPORTED, 0, 0,
		                 "%s has more than %ld accounts: too many to "
		                 "scan for a userName its filter misses; "
		                 "nothing was created or linked",
		                 inst->t->label, SCIM_CI_SCAN_MAX);
	if (!json_is_string(v))
		return PROVHOST_OK;
	if (scim_ci_index_add(ix->index, json_string_value(v), id))
		return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		                 "out of memory indexing accounts");
	return PROVHOST_OK;
}

/* Builds inst->ci_index with one scan. */
static int build_index(provhost_instance *inst, const provhost_call *call,
                       long *scanned, provhost_error *err)
{
	struct scim_pager pg;
	struct indexing ix = {scim_ci_index_new(), 0};
	json_t *seen = json_object();
	int rc;

	if (!ix.index || !seen) {
		rc = scim_fail(err, PROVHOST_E_INTERNAL, 0, 0, "out of memory");
		goto out;
	}
	rc = scim_core_scan_users(inst, call, "id,userName", index_one, &ix,
	                          seen, &pg, err);
	if (rc == PROVHOST_OK) {
		inst->ci_index = ix.index;
		ix.index = NULL;
		*scanned = ix.n;
	}
out:
	json_decref(ix.index);
	json_decref(seen);
	return rc;
}

int scim_core_find_ignoring_case(provhost_instance *inst,
                                 const provhost_call *call,
                                 const char *user_name, json_t **found,
                                 provhost_error *err)
{
	char line[400];
	json_t *ids;
	long scanned = -1;
	int rc;

	*found = NULL;
	if (!inst->features.filter)
		return PROVHOST_OK;
	if (!inst->ci_index) {
		rc = build_index(inst, call, &scanned, err);
		if (rc != PROVHOST_OK)
			return rc;
	}
	ids = scim_ci_index_find(inst->ci_index, user_name);
	if (scanned >= 0) {
		snprintf(line, sizeof line,
		         ids ? "%s: the userName filter missed an existing "
		               "account; scanned %ld accounts once to match "
		               "ignoring case"
		             : "%s: the userName filter found no account; "
		               "scanned %ld accounts once to match ignoring "
		               "case, and none matches either",
		         inst->t->label, scanned);
		scim_conn_log(&inst->conn, call, PROVHOST_LOG_INFO, line);
	}
	if (!ids)
		return PROVHOST_OK;
	if (json_array_size(ids) > 1)
		return scim_fail(err, PROVHOST_E_CONFLICT, 0, 0,
		                 "%s has %zu accounts whose userName is "
		                 "'%.200s' ignoring case; resolve this on the "
		                 "target",
		                 inst->t->label, json_array_size(ids),
		                 user_name);
	rc = scim_core_read_linked(inst, call,
	                           json_string_value(json_array_get(ids, 0)),
	                           found, err);
	if (rc == PROVHOST_OK && !*found)
		scim_core_ci_forget(inst); /* gone since the scan */
	return rc;
}

void scim_core_ci_forget(provhost_instance *inst)
{
	json_decref(inst->ci_index);
	inst->ci_index = NULL;
}
