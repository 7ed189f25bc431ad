/* Promapp connector settings: the schema, and parsing/validation without
 * I/O. Every message names the offending key. */
#include "promapp.h"
#include "scimclient/scim_setting.h"
#include "scimclient/scim_url.h"

#include <string.h>

const provhost_setting promapp_settings_schema[PROMAPP_N_SETTINGS] = {
        {"instance_url", PROVHOST_SETTING_STRING, 0, PROMAPP_DEFAULT_URL,
         "Promapp API URL: https://api.promapp.com or its .../api/scim "
         "(not the sign-in URL)"},
        {"access_token", PROVHOST_SETTING_STRING,
         PROVHOST_SETTING_SECRET | PROVHOST_SETTING_REQUIRED, NULL,
         "SCIM access token (My Profile > Access Tokens, scope SCIM; "
         "valid one year)"},
        {"timeout_ms", PROVHOST_SETTING_INTEGER, 0, "30000",
         "limit for one request in milliseconds (100..600000)"},
        {"connect_timeout_ms", PROVHOST_SETTING_INTEGER, 0, "10000",
         "limit for connecting in milliseconds (100..600000)"},
        {"ca_file", PROVHOST_SETTING_STRING, 0, NULL,
         "PEM file of CA certificates to trust instead of the system's"},
        {"roles", PROVHOST_SETTING_BOOLEAN, 0, "false",
         "send and compare roles (unofficial in Promapp's SCIM API)"},
        {"user_agent", PROVHOST_SETTING_STRING, 0, NULL,
         "User-Agent header (default provhost/<version> promapp/<version>)"},
};

#define config_fail(err, ...)                                                  \
	scim_fail(err, PROVHOST_E_CONFIG, 0, 0, __VA_ARGS__)

static int set_url(json_t *v, struct promapp_settings *out, provhost_error *err)
{
	char raw[1024], why[256];

	int rc = scim_setting_string(v, "instance_url", raw, sizeof raw, err);
	if (rc != PROVHOST_OK)
		return rc;
	if (scim_url_normalise(raw, PROMAPP_API_PATH, out->conn.base_url,
	                       sizeof out->conn.base_url, why, sizeof why) == 0)
		return PROVHOST_OK;
	/* never quote a URL that carries user information */
	if (strchr(raw, '@'))
		return config_fail(err, "setting '%s' %s", "instance_url", why);
	return scim_fail(err, PROVHOST_E_CONFIG, 0, 0,
	                 "setting 'instance_url' %s: '%.200s' (expected "
	                 "https://api.promapp.com)",
	                 why, raw);
}

static int apply_key(const char *key, json_t *v, struct promapp_settings *out,
                     provhost_error *err)
{
	int handled;
	int rc = scim_setting_apply(key, v, &out->conn, &handled, err);

	if (handled)
		return rc;
	if (strcmp(key, "instance_url") == 0)
		return set_url(v, out, err);
	if (strcmp(key, "roles") == 0) {
		if (!json_is_boolean(v))
			return config_fail(
			        err, "setting '%s' must be true or false", key);
		out->roles = json_is_true(v);
		return PROVHOST_OK;
	}
	if (strcmp(key, "access_token") == 0)
		return config_fail(
		        err,
		        "setting '%s' is a secret and must not be in "
		        "the settings; store it as the connection's secret",
		        key);
	return scim_fail(err, PROVHOST_E_CONFIG, 0, 0,
	                 "unknown setting '%.100s' (known: instance_url, "
	                 "timeout_ms, connect_timeout_ms, ca_file, roles, "
	                 "user_agent; secret: access_token)",
	                 key);
}

int promapp_settings_parse(const char *json, size_t len,
                           struct promapp_settings *out, provhost_error *err)
{
	json_t *root, *v;
	json_error_t jerr;
	const char *key;
	char why[256];
	int rc = PROVHOST_OK;

	memset(out, 0, sizeof *out);
	scim_setting_defaults(&out->conn, PROMAPP_LABEL, PROMAPP_VERSION);
	if (scim_url_normalise(PROMAPP_DEFAULT_URL, PROMAPP_API_PATH,
	                       out->conn.base_url, sizeof out->conn.base_url,
	                       why, sizeof why))
		return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		                 "default instance_url %s", why);
	if (!json || len == 0)
		return PROVHOST_OK;
	root = json_loadb(json, len, 0, &jerr);
	if (!root)
		return scim_fail(err, PROVHOST_E_CONFIG, 0, 0,
		                 "settings are not valid JSON: %.200s at line "
		                 "%d column %d",
		                 jerr.text, jerr.line, jerr.column);
	if (!json_is_object(root)) {
		rc = scim_fail(err, PROVHOST_E_CONFIG, 0, 0,
		               "settings must be a JSON object");
		goto out_decref;
	}
	json_object_foreach(root, key, v)
	{
		rc = apply_key(key, v, out, err);
		if (rc != PROVHOST_OK)
			break;
	}
out_decref:
	json_decref(root);
	return rc;
}
