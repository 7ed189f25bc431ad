/* The generic SCIM 2.0 connector ("scimgen": generic SCIM, a name that
 * cannot be mistaken for the scimclient library's scim_conn): its settings
 * schema, its target table for the SCIM connector core, and its
 * descriptor. provhost_connector_v1 is the only symbol scim.so exports.
 *
 * What its table says: any base URL; it reads /ServiceProviderConfig
 * (PATCH, filter, ETag) and falls back loudly when a target has none;
 * deprovision disables (PATCH active false, or PUT when PATCH is
 * unsupported or refused for "active") or, by setting, deletes. No hints:
 * a generic target's messages are the SCIM client's own. The record's
 * externalId (the employee id) is sent on create and update and is the
 * first correlation key, before userName (RFC 7643 section 3.1). A new
 * hire whose record has no externalId is created with one POST, no lookup
 * first (setting create_first, default true: RFC 7643 section 4.1.1 makes
 * userName unique, so a target answers 409 for an existing one). */
#include "scimclient/scim_target.h"

#define SCIMGEN_VERSION "1.0.0"
#define N_SETTINGS      8

static const provhost_setting scimgen_settings_schema[N_SETTINGS] = {
        {"base_url", PROVHOST_SETTING_STRING, PROVHOST_SETTING_REQUIRED, NULL,
         "SCIM base URL, e.g. https://idp.example.com/scim/v2 (http only "
         "for loopback)"},
        SCIM_SCHEMA_ACCESS_TOKEN("bearer token sent as Authorization: Bearer"),
        {"deprovision", PROVHOST_SETTING_STRING, 0, "disable",
         "\"disable\" (active false, PATCH or PUT) or \"delete\" (DELETE)"},
        SCIM_SCHEMA_TIMEOUTS_AND_CA,
        SCIM_SCHEMA_USER_AGENT("scim"),
        SCIM_SCHEMA_CREATE_FIRST("true",
                                 "RFC 7643 makes userName unique; a record "
                                 "with externalId is always looked up first"),
};

/* Members left out are 0: no default URL (base_url is required), any
 * path, no roles, deprovision disables unless set to "delete", no hints. */
static const struct scim_target scimgen_target = {
        .label = "scim",
        .version = SCIMGEN_VERSION,
        .schema = scimgen_settings_schema,
        .n_schema = N_SETTINGS,
        .url_key = "base_url",
        .discover = 1,
        .set_active = SCIM_ACTIVE_PATCH,
        .deprovision_setting = 1,
        .external_id = SCIM_EXTERNAL_ID_ALWAYS,
        .create_first_setting = 1,
        .create_first_default = 1,
        .patch_updates = 1,
};

SCIM_CORE_OPS(scimgen, scimgen_target);

static const provhost_connector scimgen_descriptor = SCIM_CORE_DESCRIPTOR(
        scimgen_ops, "scim", SCIMGEN_VERSION,
        "any SCIM 2.0 service provider (RFC 7643/7644), bearer token",
        PROVHOST_CAP_LOOKUP | PROVHOST_CAP_DRY_RUN | PROVHOST_CAP_REACTIVATE |
                PROVHOST_CAP_DELETE,
        scimgen_settings_schema, N_SETTINGS);

PROVHOST_CONNECTOR_EXPORT const provhost_connector *
provhost_connector_v1(uint32_t host_abi_minor)
{
	(void)host_abi_minor;
	return &scimgen_descriptor;
}
