/* The generic SCIM connector's descriptor, entry point and instance
 * lifecycle. provhost_connector_v1 is the only symbol scim.so exports. */
#include "scimconn.h"

#include <stdlib.h>

static int32_t scimconn_validate_config(const char *settings_json, size_t len,
                                        provhost_error *err)
{
	struct scimconn_settings s;

	return scimconn_settings_parse(settings_json, len, &s, err);
}

static void scimconn_close(provhost_instance *inst)
{
	if (!inst)
		return;
	scim_conn_close(&inst->conn);
	free(inst);
}

/* No I/O here: discovery happens on the first op that needs it. */
static int32_t scimconn_open(const provhost_host_api *host_api,
                             provhost_host *host, const char *settings_json,
                             size_t len, provhost_instance **out,
                             provhost_error *err)
{
	provhost_instance *inst;
	int rc;

	*out = NULL;
	inst = calloc(1, sizeof *inst);
	if (!inst)
		return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		                 "out of memory opening a scim instance");
	rc = scimconn_settings_parse(settings_json, len, &inst->cfg, err);
	if (rc != PROVHOST_OK)
		goto out_close;
	rc = scim_conn_open(&inst->conn, host_api, host, SCIMCONN_LABEL,
	                    &inst->cfg.conn, err);
	if (rc != PROVHOST_OK)
		goto out_close;
	*out = inst;
	return PROVHOST_OK;
out_close:
	scimconn_close(inst);
	return rc;
}

int scimconn_op_end(provhost_instance *inst, int rc, provhost_result *result,
                    provhost_error *err)
{
	if (result && rc != PROVHOST_OK)
		result->outcome = PROVHOST_OUTCOME_NONE;
	return scim_conn_op_end(&inst->conn, rc, result, err);
}

static const provhost_ops scimconn_ops = {
        .struct_size = sizeof(provhost_ops),
        .validate_config = scimconn_validate_config,
        .open = scimconn_open,
        .close = scimconn_close,
        .authenticate = scimconn_authenticate,
        .provision = scimconn_provision,
        .deprovision = scimconn_deprovision,
        .lookup = scimconn_lookup,
};

static const provhost_connector scimconn_descriptor = {
        .magic = PROVHOST_CONNECTOR_MAGIC,
        .struct_size = sizeof(provhost_connector),
        .abi_major = PROVHOST_CONNECTOR_ABI_MAJOR,
        .min_host_minor = 0,
        .name = "scim",
        .version = SCIMCONN_VERSION,
        .vendor = "provhost",
        .license = "MIT",
        .description = "any SCIM 2.0 service provider (RFC 7643/7644), "
                       "bearer token",
        .capabilities = PROVHOST_CAP_LOOKUP | PROVHOST_CAP_DRY_RUN |
                        PROVHOST_CAP_REACTIVATE | PROVHOST_CAP_DELETE,
        .settings = scimconn_settings_schema,
        .n_settings = SCIMCONN_N_SETTINGS,
        .setting_size = sizeof(provhost_setting),
        .ops = &scimconn_ops,
};

PROVHOST_CONNECTOR_EXPORT const provhost_connector *
provhost_connector_v1(uint32_t host_abi_minor)
{
	(void)host_abi_minor;
	return &scimconn_descriptor;
}
