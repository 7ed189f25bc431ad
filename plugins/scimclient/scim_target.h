/* One SCIM connector, many targets (modelled on curl's lib/vtls/: the code
 * lives once, each backend is a table). The ops, open/close, settings
 * parsing and the account steps (converge, create, link, lookup,
 * deprovision) are in scimclient/scim_core*.c; a connector such as
 * plugins/promapp is its settings schema, its hints, one struct
 * scim_target saying what differs, and its descriptor:
 *
 *     SCIM_CORE_OPS(promapp, promapp_target)
 *     static const provhost_connector desc = SCIM_CORE_DESCRIPTOR(...);
 *
 * Contract: a target table is a static constant that outlives every
 * instance (instances keep a pointer to it). The core functions follow the
 * ops' contracts in <provhost/connector.h>. Nothing here is exported from a
 * connector's .so (hidden visibility).
 */
#ifndef SCIM_TARGET_H
#define SCIM_TARGET_H

#include "scimclient/scim_conn.h"

#include <provhost/connector.h>

/* What deprovision does. */
enum scim_deprovision {
	SCIM_DEPROVISION_DISABLE, /* set active false (as set_active says) */
	SCIM_DEPROVISION_DELETE,  /* DELETE: the account is gone */
	/* DELETE, which the target documents as deactivation (Promapp): an
	 * inactive account is left alone, the outcome is "deactivated". */
	SCIM_DEPROVISION_DELETE_DEACTIVATES,
};

/* How "active" alone is changed (reactivation, disabling). */
enum scim_set_active {
	SCIM_ACTIVE_PUT,   /* one PUT of the whole user, like any change */
	SCIM_ACTIVE_PATCH, /* PATCH replace when the target offers PATCH, and
	                      PUT when it does not or refuses it for "active" */
};

/* Whether the record's "externalId" (ABI 1.1: the HR employee id) is sent
 * on create and update and used to find the account before userName. */
enum scim_external_id {
	SCIM_EXTERNAL_ID_NEVER,   /* ignored */
	SCIM_EXTERNAL_ID_ALWAYS,  /* RFC 7643 section 3.1: sent and matched */
	SCIM_EXTERNAL_ID_SETTING, /* a "match_external_id" boolean setting
	                             (default false) turns it on */
};

/* A target: what differs between SCIM connectors. A member left out is 0
 * or NULL; each comment says what that means. */
struct scim_target {
	const char *label;   /* in messages and the User-Agent: "promapp" */
	const char *version; /* the connector's version, "1.0.0" */
	/* The settings schema: it lists the keys ("unknown setting" names
	 * them) and says which are secret (never accepted in settings). */
	const provhost_setting *schema;
	size_t n_schema;
	const char *url_key;      /* the base URL's key, "instance_url" */
	const char *url_default;  /* NULL: the URL key is required */
	const char *api_path;     /* the only path allowed, added when none is
	                             given (scim_url_normalise); NULL: any path */
	const char *url_expected; /* a rejected URL's message ends
	                             " (expected <this>)"; NULL: nothing */
	/* 1: a "roles" boolean setting (send and compare roles); 0: none,
	 * roles are never sent. */
	int roles;
	/* 1: read /ServiceProviderConfig (PATCH, filter) on first use; 0: the
	 * target is assumed to filter and not to PATCH. */
	int discover;
	enum scim_set_active set_active;   /* 0: SCIM_ACTIVE_PUT */
	enum scim_deprovision deprovision; /* 0: SCIM_DEPROVISION_DISABLE */
	/* 1: a "deprovision" setting ("disable" or "delete") overrides
	 * deprovision; 0: none. */
	int deprovision_setting;
	enum scim_external_id external_id; /* 0: SCIM_EXTERNAL_ID_NEVER */
	/* 1: a "create_first" boolean setting exists (create_first_default
	 * is its default): a new hire (no linked account, no externalId in
	 * the record, not a dry run) is created with one POST and no lookup
	 * first; a 409 finds and links (or, no-adopt, reports) the existing
	 * account. Safe only where userName is the one correlation key and
	 * the target enforces its uniqueness. 0: always look up first. */
	int create_first_setting;
	int create_first_default;
	/* 1: an update of the linked account with the host's last written
	 * state (ABI 1.2) is one PATCH of the changed attributes, with
	 * If-Match, when the target offers PATCH (scim_core_patch.c); 0: the
	 * account is read first, then PUT as needed. */
	int patch_updates;
	/* Refines err after any failed request (ctx is the instance's base
	 * URL, a const char *); NULL: none. */
	scim_conn_hint_fn hint;
	/* Quirk: a 2xx answer to authenticate's GET /Users that is an HTML
	 * page (not JSON) is a configuration error worded by this (e.g. the
	 * sign-in page); NULL: it stays a protocol error. Any other answer
	 * that is not JSON (invalid, nested too deeply) stays a protocol
	 * error saying so. Same ctx as hint. */
	scim_conn_hint_fn not_json;
};

/* Schema entries every SCIM connector has, for its settings schema (the
 * core parses them: scim_setting_apply). */
#define SCIM_SCHEMA_TIMEOUTS_AND_CA                                            \
	{"timeout_ms", PROVHOST_SETTING_INTEGER, 0, "30000",                   \
	 "limit for one request in milliseconds (100..600000)"},               \
	        {"connect_timeout_ms", PROVHOST_SETTING_INTEGER, 0, "10000",   \
	         "limit for connecting in milliseconds (100..600000)"},        \
	{                                                                      \
		"ca_file", PROVHOST_SETTING_STRING, 0, NULL,                   \
		        "PEM file of CA certificates to trust instead of the " \
		        "system's"                                             \
	}
#define SCIM_SCHEMA_CREATE_FIRST(default_, why)                                \
	{                                                                      \
		"create_first", PROVHOST_SETTING_BOOLEAN, 0, default_,         \
		        "new hires: POST first (a 409 links the existing "     \
		        "account) instead of a lookup first; " why             \
	}
#define SCIM_SCHEMA_USER_AGENT(label)                                          \
	{                                                                      \
		"user_agent", PROVHOST_SETTING_STRING, 0, NULL,                \
		        "User-Agent header (default provhost/<version> " label \
		        "/<version>)"                                          \
	}
#define SCIM_SCHEMA_ACCESS_TOKEN(description)                                  \
	{                                                                      \
		"access_token", PROVHOST_SETTING_STRING,                       \
		        PROVHOST_SETTING_SECRET | PROVHOST_SETTING_REQUIRED,   \
		        NULL, description                                      \
	}

/* The ops, driven by the instance's target. open reads settings and the
 * secret "access_token" and does no I/O. */
int32_t scim_core_validate_config(const struct scim_target *t,
                                  const char *settings_json, size_t len,
                                  provhost_error *err);
int32_t scim_core_open(const struct scim_target *t,
                       const provhost_host_api *host_api, provhost_host *host,
                       const char *settings_json, size_t len,
                       provhost_instance **out, provhost_error *err);
void scim_core_close(provhost_instance *inst);
int32_t scim_core_authenticate(provhost_instance *inst,
                               const provhost_call *call,
                               provhost_result *result, provhost_error *err);
int32_t scim_core_provision(provhost_instance *inst, const provhost_call *call,
                            const char *account_id, const char *desired_json,
                            size_t len, provhost_result *result,
                            provhost_error *err);
int32_t scim_core_deprovision(provhost_instance *inst,
                              const provhost_call *call, const char *account_id,
                              const char *identity_json, size_t len,
                              provhost_result *result, provhost_error *err);
int32_t scim_core_lookup(provhost_instance *inst, const provhost_call *call,
                         const char *account_id, const char *identity_json,
                         size_t len, provhost_emit_fn emit, void *emit_ctx,
                         provhost_error *err);
/* ABI 1.1 list: every account, paged (scim_core_list.c). */
int32_t scim_core_list(provhost_instance *inst, const provhost_call *call,
                       provhost_emit_fn emit, void *emit_ctx,
                       provhost_error *err);

/* Defines <prefix>_ops: the core ops bound to target (validate_config and
 * open take no instance, so they get a two-line wrapper each). */
#define SCIM_CORE_OPS(prefix, target)                                          \
	static int32_t prefix##_validate_config(const char *json, size_t len,  \
	                                        provhost_error *err)           \
	{                                                                      \
		return scim_core_validate_config(&(target), json, len, err);   \
	}                                                                      \
	static int32_t prefix##_open(const provhost_host_api *api,             \
	                             provhost_host *host, const char *json,    \
	                             size_t len, provhost_instance **out,      \
	                             provhost_error *err)                      \
	{                                                                      \
		return scim_core_open(&(target), api, host, json, len, out,    \
		                      err);                                    \
	}                                                                      \
	static const provhost_ops prefix##_ops = {                             \
	        .struct_size = sizeof(provhost_ops),                           \
	        .validate_config = prefix##_validate_config,                   \
	        .open = prefix##_open,                                         \
	        .close = scim_core_close,                                      \
	        .authenticate = scim_core_authenticate,                        \
	        .provision = scim_core_provision,                              \
	        .deprovision = scim_core_deprovision,                          \
	        .lookup = scim_core_lookup,                                    \
	        .list = scim_core_list,                                        \
	}

/* A descriptor initialiser for a connector built on the core. The core
 * implements list and no-adopt (ABI 1.1) and ETags (ABI 1.2) for every
 * target, so those bits are always advertised; min_host_minor stays 0 (a
 * 1.0 host never reads the list op nor sends the flag or a last state, and
 * the candidate and etag members are written only when the host's result
 * has them). */
#define SCIM_CORE_DESCRIPTOR(ops_, name_, version_, description_, caps,        \
                             schema, n)                                        \
	{                                                                      \
		.magic = PROVHOST_CONNECTOR_MAGIC,                             \
		.struct_size = sizeof(provhost_connector),                     \
		.abi_major = PROVHOST_CONNECTOR_ABI_MAJOR,                     \
		.min_host_minor = 0, .name = (name_), .version = (version_),   \
		.vendor = "provhost", .license = "MIT",                        \
		.description = (description_),                                 \
		.capabilities = (caps) | PROVHOST_CAP_LIST |                   \
		                PROVHOST_CAP_NO_ADOPT | PROVHOST_CAP_ETAG,     \
		.settings = (schema), .n_settings = (n),                       \
		.setting_size = sizeof(provhost_setting), .ops = &(ops_),      \
	}

#endif
