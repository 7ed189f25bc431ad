/* The SCIM connector core: instance lifecycle and the per-op bookkeeping.
 * See scim_target.h. */
#include "scimclient/scim_core.h"

#include <stdlib.h>

int32_t scim_core_validate_config(const struct scim_target *t,
                                  const char *settings_json, size_t len,
                                  provhost_error *err)
{
	struct scim_core_settings s;

	return scim_core_settings_parse(t, settings_json, len, &s, err);
}

void scim_core_close(provhost_instance *inst)
{
	if (!inst)
		return;
	scim_conn_close(&inst->conn);
	json_decref(inst->ci_index);
	free(inst);
}

/* No I/O here: discovery happens on the first op that needs it. */
int32_t scim_core_open(const struct scim_target *t,
                       const provhost_host_api *host_api, provhost_host *host,
                       const char *settings_json, size_t len,
                       provhost_instance **out, provhost_error *err)
{
	provhost_instance *inst;
	int rc;

	*out = NULL;
	inst = calloc(1, sizeof *inst);
	if (!inst)
		return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		                 "out of memory opening a %s instance",
		                 t->label);
	inst->t = t;
	rc = scim_core_settings_parse(t, settings_json, len, &inst->cfg, err);
	if (rc != PROVHOST_OK)
		goto out_close;
	rc = scim_conn_open(&inst->conn, host_api, host, t->label,
	                    &inst->cfg.conn, err);
	if (rc != PROVHOST_OK)
		goto out_close;
	inst->conn.hint = t->hint;
	inst->conn.hint_ctx = inst->cfg.conn.base_url;
	if (!t->discover) {
		scim_features_assume(&inst->features);
		inst->discovered = 1;
	}
	*out = inst;
	return PROVHOST_OK;
out_close:
	scim_core_close(inst);
	return rc;
}

int scim_core_op_end(provhost_instance *inst, int rc, provhost_result *result,
                     provhost_error *err)
{
	if (result && rc != PROVHOST_OK)
		result->outcome = PROVHOST_OUTCOME_NONE;
	return scim_conn_op_end(&inst->conn, rc, result, err);
}

json_t *scim_core_load_record(const char *json, size_t len, const char *what,
                              provhost_error *err)
{
	json_error_t jerr;
	json_t *root = json && len ? json_loadb(json, len, 0, &jerr) : NULL;

	if (!root) {
		scim_fail(err, PROVHOST_E_INVALID_INPUT, 0, 0,
		          "the %s is %s%.200s", what,
		          json && len ? "not valid JSON: " : "empty",
		          json && len ? jerr.text : "");
	} else if (!json_is_object(root)) {
		scim_fail(err, PROVHOST_E_INVALID_INPUT, 0, 0,
		          "the %s is not a JSON object", what);
		json_decref(root);
		root = NULL;
	}
	return root;
}
