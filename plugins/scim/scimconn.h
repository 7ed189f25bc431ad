/* The generic SCIM 2.0 connector: internal interfaces shared by its files.
 * Built on the internal SCIM layer (plugins/scimclient) like the Promapp
 * connector; nothing here is exported from scim.so except the entry point
 * provhost_connector_v1 (scimconn_connector.c).
 *
 * What it does differently from the Promapp connector: any base URL; it
 * reads /ServiceProviderConfig (PATCH, filter, ETag) and falls back loudly
 * when a target has none; deprovision disables (PATCH active false, or PUT
 * when PATCH is unsupported or refused for "active") or deletes.
 */
#ifndef SCIMCONN_H
#define SCIMCONN_H

#include "scimclient/scim_client.h"
#include "scimclient/scim_conn.h"
#include "scimclient/scim_discovery.h"
#include "scimclient/scim_user.h"

#include <jansson.h>
#include <provhost/connector.h>

#define SCIMCONN_VERSION "1.0.0"
#define SCIMCONN_LABEL   "scim"

#define SCIM_PATCHOP_SCHEMA "urn:ietf:params:scim:api:messages:2.0:PatchOp"

/* Parsed, validated settings (see scimconn_config.c for the keys). */
struct scimconn_settings {
	struct scim_conn_settings conn; /* base_url, timeouts, ca_file... */
	int delete_accounts; /* deprovision "delete" (else "disable") */
};

struct provhost_instance {
	struct scimconn_settings cfg;
	struct scim_conn conn; /* host services, token, HTTP, last status */
	int discovered;        /* features below are known (read or assumed) */
	struct scim_features features;
	int patch_active_refused; /* the target refused PATCH of "active" */
};

/* scimconn_config.c */
#define SCIMCONN_N_SETTINGS 7
extern const provhost_setting scimconn_settings_schema[SCIMCONN_N_SETTINGS];

/* Parses and checks settings JSON without I/O. Returns PROVHOST_OK or
 * PROVHOST_E_CONFIG with a message naming the key. */
int scimconn_settings_parse(const char *json, size_t len,
                            struct scimconn_settings *out, provhost_error *err);

/* scimconn_request.c */

/* Reads /ServiceProviderConfig once per instance. A target without one
 * (404, 405, 501) gets the assumptions of scim_features_assume and a WARN
 * log line saying so; other failures are returned. */
int scimconn_discover(provhost_instance *inst, const provhost_call *call,
                      provhost_error *err);

/* Finds the account whose userName equals user_name ignoring case, with a
 * filter query, or by paging through /Users when the target cannot
 * filter. PROVHOST_OK with *found a new reference or NULL. */
int scimconn_find_by_user_name(provhost_instance *inst,
                               const provhost_call *call, const char *user_name,
                               json_t **found, provhost_error *err);

/* Reads the account by id (when non-empty), falling back to user_name (when
 * non-NULL) on 404. PROVHOST_OK with *found a new reference or NULL. */
int scimconn_resolve(provhost_instance *inst, const provhost_call *call,
                     const char *account_id, const char *user_name,
                     json_t **found, provhost_error *err);

/* scimconn_active.c: sets "active" on the account current (id known):
 * PATCH replace when the target supports it, else (or when it refuses
 * PATCH of active) PUT of the whole resource. Verifies the answer. */
int scimconn_set_active(provhost_instance *inst, const provhost_call *call,
                        json_t *current, const char *id, int active,
                        struct scim_reply *reply, provhost_error *err);

/* scimconn_ops.c */
int scimconn_authenticate(provhost_instance *inst, const provhost_call *call,
                          provhost_result *result, provhost_error *err);
int scimconn_provision(provhost_instance *inst, const provhost_call *call,
                       const char *account_id, const char *desired_json,
                       size_t len, provhost_result *result,
                       provhost_error *err);
int scimconn_deprovision(provhost_instance *inst, const provhost_call *call,
                         const char *account_id, const char *identity_json,
                         size_t len, provhost_result *result,
                         provhost_error *err);
int scimconn_lookup(provhost_instance *inst, const provhost_call *call,
                    const char *account_id, const char *identity_json,
                    size_t len, provhost_emit_fn emit, void *emit_ctx,
                    provhost_error *err);

/* Ends an op as scim_conn_op_end does, and also reports no outcome when
 * the op failed. Returns rc. */
int scimconn_op_end(provhost_instance *inst, int rc, provhost_result *result,
                    provhost_error *err);

#endif
