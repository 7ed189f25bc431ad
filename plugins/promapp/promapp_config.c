/* Promapp connector settings: the schema, and parsing/validation without
 * I/O. Every message names the offending key. */
#include "promapp.h"
#include "scimclient/scim_url.h"

#include <stdio.h>
#include <string.h>

#define TIMEOUT_MIN_MS 100
#define TIMEOUT_MAX_MS 600000

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

static int get_timeout(json_t *v, const char *key, long *out,
                       provhost_error *err)
{
	if (!json_is_integer(v) || json_integer_value(v) < TIMEOUT_MIN_MS ||
	    json_integer_value(v) > TIMEOUT_MAX_MS)
		return scim_fail(
		        err, PROVHOST_E_CONFIG, 0, 0,
		        "setting '%s' must be an integer from %d to %d "
		        "(milliseconds)",
		        key, TIMEOUT_MIN_MS, TIMEOUT_MAX_MS);
	*out = (long)json_integer_value(v);
	return PROVHOST_OK;
}

/* Copies a string setting into out; rejects wrong types, control
 * characters and values that do not fit. */
static int get_string(json_t *v, const char *key, char *out, size_t out_len,
                      provhost_error *err)
{
	const char *s;

	if (!json_is_string(v))
		return config_fail(err, "setting '%s' must be a string", key);
	s = json_string_value(v);
	if (strlen(s) >= out_len || strlen(s) != json_string_length(v))
		return config_fail(
		        err, "setting '%s' is too long or has a NUL byte", key);
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return config_fail(
			        err, "setting '%s' contains control characters",
			        key);
	}
	memcpy(out, s, strlen(s) + 1);
	return PROVHOST_OK;
}

static int set_url(json_t *v, struct promapp_settings *out, provhost_error *err)
{
	char raw[1024], why[256];

	int rc = get_string(v, "instance_url", raw, sizeof raw, err);
	if (rc != PROVHOST_OK)
		return rc;
	if (scim_url_normalise(raw, PROMAPP_API_PATH, out->base_url,
	                       sizeof out->base_url, why, sizeof why) == 0)
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
	if (strcmp(key, "instance_url") == 0)
		return set_url(v, out, err);
	if (strcmp(key, "timeout_ms") == 0)
		return get_timeout(v, key, &out->timeout_ms, err);
	if (strcmp(key, "connect_timeout_ms") == 0)
		return get_timeout(v, key, &out->connect_timeout_ms, err);
	if (strcmp(key, "ca_file") == 0)
		return get_string(v, key, out->ca_file, sizeof out->ca_file,
		                  err);
	if (strcmp(key, "user_agent") == 0)
		return get_string(v, key, out->user_agent,
		                  sizeof out->user_agent, err);
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
	out->timeout_ms = 30000;
	out->connect_timeout_ms = 10000;
	snprintf(out->user_agent, sizeof out->user_agent,
	         "provhost/%s promapp/%s", PROVHOST_VERSION, PROMAPP_VERSION);
	if (scim_url_normalise(PROMAPP_DEFAULT_URL, PROMAPP_API_PATH,
	                       out->base_url, sizeof out->base_url, why,
	                       sizeof why))
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
