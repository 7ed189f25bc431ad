/* Generic SCIM connector settings: the schema, and parsing without I/O.
 * Every message names the offending key. */
#include "scimclient/scim_setting.h"
#include "scimclient/scim_url.h"
#include "scimconn.h"

#include <string.h>

const provhost_setting scimconn_settings_schema[SCIMCONN_N_SETTINGS] = {
        {"base_url", PROVHOST_SETTING_STRING, PROVHOST_SETTING_REQUIRED, NULL,
         "SCIM base URL, e.g. https://idp.example.com/scim/v2 (http only "
         "for loopback)"},
        {"access_token", PROVHOST_SETTING_STRING,
         PROVHOST_SETTING_SECRET | PROVHOST_SETTING_REQUIRED, NULL,
         "bearer token sent as Authorization: Bearer"},
        {"deprovision", PROVHOST_SETTING_STRING, 0, "disable",
         "\"disable\" (active false, PATCH or PUT) or \"delete\" (DELETE)"},
        {"timeout_ms", PROVHOST_SETTING_INTEGER, 0, "30000",
         "limit for one request in milliseconds (100..600000)"},
        {"connect_timeout_ms", PROVHOST_SETTING_INTEGER, 0, "10000",
         "limit for connecting in milliseconds (100..600000)"},
        {"ca_file", PROVHOST_SETTING_STRING, 0, NULL,
         "PEM file of CA certificates to trust instead of the system's"},
        {"user_agent", PROVHOST_SETTING_STRING, 0, NULL,
         "User-Agent header (default provhost/<version> scim/<version>)"},
};

#define config_fail(err, ...)                                                  \
	scim_fail(err, PROVHOST_E_CONFIG, 0, 0, __VA_ARGS__)

static int set_url(json_t *v, struct scimconn_settings *out,
                   provhost_error *err)
{
	char raw[1024], why[256];
	int rc = scim_setting_string(v, "base_url", raw, sizeof raw, err);

	if (rc != PROVHOST_OK)
		return rc;
	if (scim_url_normalise(raw, NULL, out->conn.base_url,
	                       sizeof out->conn.base_url, why, sizeof why) == 0)
		return PROVHOST_OK;
	if (strchr(raw, '@')) /* never quote user information */
		return config_fail(err, "setting 'base_url' %s", why);
	return config_fail(err, "setting 'base_url' %s: '%.200s'", why, raw);
}

static int apply_key(const char *key, json_t *v, struct scimconn_settings *out,
                     provhost_error *err)
{
	const char *s;
	int handled;
	int rc = scim_setting_apply(key, v, &out->conn, &handled, err);

	if (handled)
		return rc;
	if (strcmp(key, "base_url") == 0)
		return set_url(v, out, err);
	if (strcmp(key, "deprovision") == 0) {
		s = json_string_value(v);
		if (!s || (strcmp(s, "disable") && strcmp(s, "delete")))
			return config_fail(err, "setting 'deprovision' must be "
			                        "\"disable\" or \"delete\"");
		out->delete_accounts = strcmp(s, "delete") == 0;
		return PROVHOST_OK;
	}
	if (strcmp(key, "access_token") == 0)
		return config_fail(err,
		                   "setting '%s' is a secret and must not be "
		                   "in the settings; configure it under "
		                   "\"secrets\"",
		                   key);
	return config_fail(err,
	                   "unknown setting '%.100s' (known: base_url, "
	                   "deprovision, timeout_ms, connect_timeout_ms, "
	                   "ca_file, user_agent; secret: access_token)",
	                   key);
}

int scimconn_settings_parse(const char *json, size_t len,
                            struct scimconn_settings *out, provhost_error *err)
{
	json_error_t jerr;
	json_t *root, *v;
	const char *key;
	int rc = PROVHOST_OK;

	memset(out, 0, sizeof *out);
	scim_setting_defaults(&out->conn, SCIMCONN_LABEL, SCIMCONN_VERSION);
	if (!json || len == 0)
		return config_fail(err, "missing required setting 'base_url' "
		                        "(no settings were given)");
	root = json_loadb(json, len, 0, &jerr);
	if (!root)
		return config_fail(err, "settings are not valid JSON: %.200s",
		                   jerr.text);
	if (!json_is_object(root)) {
		rc = config_fail(err, "settings must be a JSON object");
		goto out_decref;
	}
	json_object_foreach(root, key, v)
	{
		rc = apply_key(key, v, out, err);
		if (rc != PROVHOST_OK)
			goto out_decref;
	}
	if (!out->conn.base_url[0])
		rc = config_fail(err, "missing required setting 'base_url' "
		                      "(the SCIM base URL)");
out_decref:
	json_decref(root);
	return rc;
}
