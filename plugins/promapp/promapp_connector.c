/* The Promapp connector: its settings schema, its target table for the
 * SCIM connector core, and its descriptor. provhost_connector_v1 is the
 * only symbol promapp.so exports. */
#include "promapp.h"

#define PROMAPP_VERSION "1.0.0"
#define N_SETTINGS      9

static const provhost_setting promapp_settings_schema[N_SETTINGS] = {
        {"instance_url", PROVHOST_SETTING_STRING, 0, "https://api.promapp.com",
         "Promapp API URL: https://api.promapp.com or its .../api/scim "
         "(not the sign-in URL)"},
        SCIM_SCHEMA_ACCESS_TOKEN(
                "SCIM access token (My Profile > Access Tokens, scope SCIM; "
                "valid one year)"),
        SCIM_SCHEMA_TIMEOUTS_AND_CA,
        {"roles", PROVHOST_SETTING_BOOLEAN, 0, "false",
         "send and compare roles (unofficial in Promapp's SCIM API)"},
        SCIM_SCHEMA_USER_AGENT("promapp"),
        {"match_external_id", PROVHOST_SETTING_BOOLEAN, 0, "false",
         "send externalId (the employee id) and find accounts by it before "
         "userName (Promapp's support for externalId is unconfirmed)"},
        SCIM_SCHEMA_CREATE_FIRST("false",
                                 "Promapp's 409 on a duplicate userName is "
                                 "unconfirmed"),
};

/* Promapp documents DELETE /Users/{id} as deactivation; it is reached at
 * https://api.promapp.com/api/scim, which is what the URL defaults to.
 * Members left out are 0: no discovery (Promapp filters and is not asked
 * for PATCH), "active" changes with a PUT of the whole user. */
static const struct scim_target promapp_target = {
        .label = "promapp",
        .version = PROMAPP_VERSION,
        .schema = promapp_settings_schema,
        .n_schema = N_SETTINGS,
        .url_key = "instance_url",
        .url_default = "https://api.promapp.com",
        .api_path = "/api/scim",
        .url_expected = "https://api.promapp.com",
        .roles = 1,
        .deprovision = SCIM_DEPROVISION_DELETE_DEACTIVATES,
        .external_id = SCIM_EXTERNAL_ID_SETTING,
        .create_first_setting = 1, /* off by default: unconfirmed */
        .hint = promapp_hint,
        .not_json = promapp_signin_error,
};

SCIM_CORE_OPS(promapp, promapp_target);

static const provhost_connector promapp_descriptor = SCIM_CORE_DESCRIPTOR(
        promapp_ops, "promapp", PROMAPP_VERSION,
        "Nintex Process Manager (Promapp) users over SCIM 2.0",
        PROVHOST_CAP_LOOKUP | PROVHOST_CAP_DRY_RUN | PROVHOST_CAP_ROLES |
                PROVHOST_CAP_REACTIVATE,
        promapp_settings_schema, N_SETTINGS);

PROVHOST_CONNECTOR_EXPORT const provhost_connector *
provhost_connector_v1(uint32_t host_abi_minor)
{
	(void)host_abi_minor;
	return &promapp_descriptor;
}
