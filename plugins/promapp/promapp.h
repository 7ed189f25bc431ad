/* The Promapp (Nintex Process Manager) connector: internal interfaces
 * shared by its files. Nothing here is exported from promapp.so; the only
 * exported symbol is provhost_connector_v1 (promapp_connector.c). */
#ifndef PROMAPP_H
#define PROMAPP_H

#include "scimclient/scim_client.h"
#include "scimclient/scim_conn.h"

#include <jansson.h>
#include <provhost/connector.h>

#define PROMAPP_VERSION     "1.0.0"
#define PROMAPP_DEFAULT_URL "https://api.promapp.com"
#define PROMAPP_API_PATH    "/api/scim"
#define PROMAPP_LABEL       "promapp"

/* Parsed, validated settings (see promapp_config.c for the keys). */
struct promapp_settings {
	struct scim_conn_settings conn; /* instance_url, timeouts, ca_file... */
	int roles;                      /* send and compare roles */
};

struct provhost_instance {
	struct promapp_settings cfg;
	struct scim_conn conn; /* host services, token, HTTP, last status */
};

/* promapp_config.c */
#define PROMAPP_N_SETTINGS 7
extern const provhost_setting promapp_settings_schema[PROMAPP_N_SETTINGS];

/* Parses and checks settings JSON (NULL or len 0 means {}); no I/O.
 * Returns PROVHOST_OK or PROVHOST_E_CONFIG with a message naming the key. */
int promapp_settings_parse(const char *json, size_t len,
                           struct promapp_settings *out, provhost_error *err);

/* promapp_connector.c: the ops. */
int promapp_authenticate(provhost_instance *inst, const provhost_call *call,
                         provhost_result *result, provhost_error *err);
int promapp_provision(provhost_instance *inst, const provhost_call *call,
                      const char *account_id, const char *desired_json,
                      size_t len, provhost_result *result, provhost_error *err);
int promapp_deprovision(provhost_instance *inst, const provhost_call *call,
                        const char *account_id, const char *identity_json,
                        size_t len, provhost_result *result,
                        provhost_error *err);
int promapp_lookup(provhost_instance *inst, const provhost_call *call,
                   const char *account_id, const char *identity_json,
                   size_t len, provhost_emit_fn emit, void *emit_ctx,
                   provhost_error *err);

/* promapp_request.c: Promapp's hints, set as inst->conn.hint (ctx is the
 * instance) so every request gets them on failure: 401 token expiry, 403
 * scope, sign-in URL, no SCIM API. */
void promapp_hint(void *ctx, const char *method, const char *path,
                  const struct scim_reply *reply, provhost_error *err);

/* Turns err into the "this looks like the sign-in URL" config error for a
 * 2xx answer that is not JSON. */
void promapp_signin_error(provhost_instance *inst, const char *method,
                          const char *path, const struct scim_reply *reply,
                          provhost_error *err);

/* Finds the account whose userName equals user_name ignoring case.
 * PROVHOST_OK with *found a new reference (NULL when there is none), or an
 * error status with err filled. */
int promapp_find_by_username(provhost_instance *inst, const provhost_call *call,
                             const char *user_name, json_t **found,
                             provhost_error *err);

/* Reads the account by id (when non-empty) and falls back to userName
 * (when non-NULL) on 404. PROVHOST_OK with *found a new reference or NULL. */
int promapp_resolve(provhost_instance *inst, const provhost_call *call,
                    const char *account_id, const char *user_name,
                    json_t **found, provhost_error *err);

#endif
