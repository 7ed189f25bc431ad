/* Generic SCIM connector settings: the schema, and parsing without I/O.
 * Every message names the offending key. */
#include "scimclient/scim_url.h"
#include "scimconn.h"

#include <stdio.h>
#include <string.h>

#define TIMEOUT_MIN_MS 100
#define TIMEOUT_MAX_MS 600000

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

static int get_timeout(json_t *v, const char *key, long *out,
                       provhost_error *err)
{
	if (!json_is_integer(v) || json_integer_value(v) < TIMEOUT_MIN_MS ||
	    json_integer_value(v) > TIMEOUT_MAX_MS)
		return config_fail(err,
		                   "setting '%s' must be an integer from %d to "
		                   "%d (milliseconds)",
		                   key, TIMEOUT_MIN_MS, TIMEOUT_MAX_MS);
	*out = (long)json_integer_value(v);
	return PROVHOST_OK;
}

/* Copies a string setting; rejects other types, NUL bytes, control
 * characters and values that do not fit. */
static int get_string(json_t *v, const char *key, char *out, size_t out_len,
                      provhost_error *err)
{
	const char *s = json_string_value(v);

	if (!s)
		return config_fail(err, "setting '%s' must be a string", key);
	if (strlen(s) >= out_len || strlen(s) != json_string_length(v))
		return config_fail(
		        err, "setting '%s' is too long or has a NUL byte", key);
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return config_fail(
			        err, "setting '%s' contains control characters",
			        key);
	memcpy(out, s, strlen(s) + 1);
	return PROVHOST_OK;
}

static int set_url(json_t *v, struct scimconn_settings *out,
                   provhost_error *err)
{
	char raw[1024], why[256];
	int rc = get_string(v, "base_url", raw, sizeof raw, err);

	if (rc != PROVHOST_OK)
		return rc;
	if (scim_url_normalise(raw, NULL, out->base_url, sizeof out->base_url,
	                       why, sizeof why) == 0)
		return PROVHOST_OK;
	if (strchr(raw, '@')) /* never quote user information */
		return config_fail(err, "setting 'base_url' %s", why);
	return config_fail(err, "setting 'base_url' %s: '%.200s'", why, raw);
}

static int apply_key(const char *key, json_t *v, struct scimconn_settings *out,
                     provhost_error *err)
{
	const char *s;

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
	out->timeout_ms = 30000;
	out->connect_timeout_ms = 10000;
	snprintf(out->user_agent, sizeof out->user_agent, "provhost/%s scim/%s",
	         PROVHOST_VERSION, SCIMCONN_VERSION);
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
	if (!out->base_url[0])
		rc = config_fail(err, "missing required setting 'base_url' "
		                      "(the SCIM base URL)");
out_decref:
	json_decref(root);
	return rc;
}
