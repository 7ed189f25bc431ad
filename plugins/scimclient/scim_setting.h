/* Reading single connector settings from parsed settings JSON, with the
 * messages every SCIM connector gives (each names the offending key).
 *
 * Contract: no I/O, no allocation; values are copied into caller-owned
 * storage; failures fill err with PROVHOST_E_CONFIG and return it.
 */
#ifndef SCIM_SETTING_H
#define SCIM_SETTING_H

#include <jansson.h>
#include <provhost/connector.h>
#include <stddef.h>

#define SCIM_SETTING_TIMEOUT_MIN_MS 100
#define SCIM_SETTING_TIMEOUT_MAX_MS 600000

/* The settings every SCIM connector has: where and how to connect. Each
 * connector embeds this in its own settings and parses its URL key itself
 * (the key name, default and messages differ). */
struct scim_conn_settings {
	char base_url[1024]; /* normalised SCIM base, no trailing slash */
	long timeout_ms;     /* one request */
	long connect_timeout_ms;
	char ca_file[1024];   /* "" = the system store */
	char user_agent[256]; /* default "provhost/<v> <label>/<version>" */
};

/* Clears s and sets the defaults: timeout_ms 30000, connect_timeout_ms
 * 10000, user_agent "provhost/<PROVHOST_VERSION> <label>/<version>",
 * base_url "". */
void scim_setting_defaults(struct scim_conn_settings *s, const char *label,
                           const char *version);

/* Applies key when it is one of the common keys timeout_ms,
 * connect_timeout_ms, ca_file and user_agent: *handled = 1 and the
 * result (PROVHOST_OK or PROVHOST_E_CONFIG). Otherwise *handled = 0 and
 * PROVHOST_OK, and the connector applies the key itself. */
int scim_setting_apply(const char *key, json_t *v, struct scim_conn_settings *s,
                       int *handled, provhost_error *err);

/* A timeout in milliseconds: an integer from SCIM_SETTING_TIMEOUT_MIN_MS to
 * SCIM_SETTING_TIMEOUT_MAX_MS into *out. */
int scim_setting_timeout(json_t *v, const char *key, long *out,
                         provhost_error *err);

/* A string setting copied into out (NUL-terminated); rejects other types,
 * NUL bytes, control characters and values that do not fit. */
int scim_setting_string(json_t *v, const char *key, char *out, size_t out_len,
                        provhost_error *err);

#endif
