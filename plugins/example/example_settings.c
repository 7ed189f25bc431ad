/* The example connector's settings: the schema the host shows in
 * `provhost plugins` and checks types against, and the parser behind
 * validate_config and open. No I/O here: not even a stat() of the path. */
#include "example.h"

#include <string.h>

#define LOCK_TIMEOUT_MIN_MS 10
#define LOCK_TIMEOUT_MAX_MS 600000

/* Secrets are part of the schema (flag PROVHOST_SETTING_SECRET) but never
 * of the settings JSON: the connection configures them under "secrets" and
 * the connector asks for them with host_api->get_secret.
 *
 * Why api_key is optional: a JSON file has no login. The file may carry an
 * "api_key" member; then every op checks that the connection's secret
 * api_key matches it, the way a remote target checks a token on every
 * request. A file without one is open to anyone who can read it, so the
 * secret is not needed there. */
const provhost_setting example_settings_schema[EXAMPLE_N_SETTINGS] = {
        {"path", PROVHOST_SETTING_STRING, PROVHOST_SETTING_REQUIRED, NULL,
         "absolute path of the accounts JSON file (created on first write)"},
        {"deprovision", PROVHOST_SETTING_STRING, 0, "disable",
         "what deprovision does: \"disable\" (active false) or \"delete\""},
        {"lock_timeout_ms", PROVHOST_SETTING_INTEGER, 0, "10000",
         "longest wait for the file lock when a call has no deadline "
         "(10..600000)"},
        {"api_key", PROVHOST_SETTING_STRING, PROVHOST_SETTING_SECRET, NULL,
         "must equal the file's \"api_key\" member when the file has one"},
};

#define KNOWN_KEYS "path, deprovision, lock_timeout_ms; secret: api_key"

static int config_error(provhost_error *err, const char *what, const char *key)
{
	return example_fail(err, PROVHOST_E_CONFIG, 0, "setting '%s' %s", key,
	                    what);
}

static int set_path(json_t *v, struct example_settings *out,
                    provhost_error *err)
{
	const char *s = json_string_value(v);

	if (!json_is_string(v))
		return config_error(err, "must be a string", "path");
	if (strlen(s) != json_string_length(v) || strlen(s) == 0)
		return config_error(err,
		                    "must be a non-empty string without "
		                    "NUL bytes",
		                    "path");
	if (s[0] != '/')
		return example_fail(err, PROVHOST_E_CONFIG, 0,
		                    "setting 'path' must be an absolute path: "
		                    "'%.200s'",
		                    s);
	if (strlen(s) + sizeof ".lock" > sizeof out->path)
		return config_error(err, "is too long", "path");
	if (s[strlen(s) - 1] == '/')
		return example_fail(err, PROVHOST_E_CONFIG, 0,
		                    "setting 'path' names a directory, not a "
		                    "file: '%.200s'",
		                    s);
	memcpy(out->path, s, strlen(s) + 1);
	return PROVHOST_OK;
}

static int apply_key(const char *key, json_t *v, struct example_settings *out,
                     provhost_error *err)
{
	if (strcmp(key, "path") == 0)
		return set_path(v, out, err);
	if (strcmp(key, "deprovision") == 0) {
		const char *s = json_string_value(v);
		if (s && strcmp(s, "disable") == 0)
			out->delete_accounts = 0;
		else if (s && strcmp(s, "delete") == 0)
			out->delete_accounts = 1;
		else
			return config_error(
			        err, "must be \"disable\" or \"delete\"", key);
		return PROVHOST_OK;
	}
	if (strcmp(key, "lock_timeout_ms") == 0) {
		if (!json_is_integer(v) ||
		    json_integer_value(v) < LOCK_TIMEOUT_MIN_MS ||
		    json_integer_value(v) > LOCK_TIMEOUT_MAX_MS)
			return config_error(
			        err,
			        "must be an integer from 10 to 600000 "
			        "(milliseconds)",
			        key);
		out->lock_timeout_ms = (long)json_integer_value(v);
		return PROVHOST_OK;
	}
	if (strcmp(key, "api_key") == 0)
		return config_error(err,
		                    "is a secret and must not be in the "
		                    "settings; configure it under \"secrets\"",
		                    key);
	/* Unknown keys are errors: a typo must not silently mean "default".
	 * Bound what we quote: the key comes from the user's file. */
	return example_fail(err, PROVHOST_E_CONFIG, 0,
	                    "unknown setting '%.100s' (known: " KNOWN_KEYS ")",
	                    key);
}

int example_settings_parse(const char *json, size_t len,
                           struct example_settings *out, provhost_error *err)
{
	json_error_t jerr;
	json_t *root, *v;
	const char *key;
	int rc = PROVHOST_OK;

	memset(out, 0, sizeof *out);
	out->lock_timeout_ms = 10000;
	if (!json || len == 0)
		return example_fail(err, PROVHOST_E_CONFIG, 0,
		                    "missing required setting 'path' (no "
		                    "settings were given)");
	root = json_loadb(json, len, 0, &jerr);
	if (!root)
		return example_fail(err, PROVHOST_E_CONFIG, 0,
		                    "settings are not valid JSON: %.200s",
		                    jerr.text);
	if (!json_is_object(root)) {
		rc = example_fail(err, PROVHOST_E_CONFIG, 0,
		                  "settings must be a JSON object");
		goto out_decref;
	}
	/* Unknown and malformed keys first, so the message names the key the
	 * person got wrong rather than one they have not written yet. */
	json_object_foreach(root, key, v)
	{
		rc = apply_key(key, v, out, err);
		if (rc != PROVHOST_OK)
			goto out_decref;
	}
	if (!out->path[0])
		rc = example_fail(err, PROVHOST_E_CONFIG, 0,
		                  "missing required setting 'path' (the "
		                  "accounts JSON file)");
out_decref:
	json_decref(root);
	return rc;
}
