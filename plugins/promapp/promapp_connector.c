/* The Promapp connector's descriptor, entry point and instance lifecycle.
 * provhost_connector_v1 is the only symbol promapp.so exports. */
#include "promapp.h"

#include <stdlib.h>

static int32_t promapp_validate_config(const char *settings_json, size_t len,
                                       provhost_error *err)
{
	struct promapp_settings s;

	return promapp_settings_parse(settings_json, len, &s, err);
}

static void promapp_close(provhost_instance *inst)
{
	if (!inst)
		return;
	scim_conn_close(&inst->conn);
	free(inst);
}

static int32_t promapp_open(const provhost_host_api *host_api,
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
		                 "out of memory opening a promapp instance");
	rc = promapp_settings_parse(settings_json, len, &inst->cfg, err);
	if (rc != PROVHOST_OK)
		goto out_close;
	rc = scim_conn_open(&inst->conn, host_api, host, PROMAPP_LABEL,
	                    &inst->cfg.conn, err);
	if (rc != PROVHOST_OK)
		goto out_close;
	inst->conn.hint = promapp_hint;
	inst->conn.hint_ctx = inst;
	*out = inst;
	return PROVHOST_OK;
out_close:
	promapp_close(inst);
	return rc;
}

static const provhost_ops promapp_ops = {
        .struct_size = sizeof(provhost_ops),
        .validate_config = promapp_validate_config,
        .open = promapp_open,
        .close = promapp_close,
        .authenticate = promapp_authenticate,
        .provision = promapp_provision,
        .deprovision = promapp_deprovision,
        .lookup = promapp_lookup,
};

static const provhost_connector promapp_descriptor = {
        .magic = PROVHOST_CONNECTOR_MAGIC,
        .struct_size = sizeof(provhost_connector),
        .abi_major = PROVHOST_CONNECTOR_ABI_MAJOR,
        .min_host_minor = 0,
        .name = "promapp",
        .version = PROMAPP_VERSION,
        .vendor = "provhost",
        .license = "MIT",
        .description = "Nintex Process Manager (Promapp) users over SCIM 2.0",
        .capabilities = PROVHOST_CAP_LOOKUP | PROVHOST_CAP_DRY_RUN |
                        PROVHOST_CAP_ROLES | PROVHOST_CAP_REACTIVATE,
        .settings = promapp_settings_schema,
        .n_settings = PROMAPP_N_SETTINGS,
        .setting_size = sizeof(provhost_setting),
        .ops = &promapp_ops,
};

PROVHOST_CONNECTOR_EXPORT const provhost_connector *
provhost_connector_v1(uint32_t host_abi_minor)
{
	(void)host_abi_minor;
	return &promapp_descriptor;
}
