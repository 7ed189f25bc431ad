/* Connector settings, driven by the target table: the URL key, the common
 * keys, "roles" and "deprovision" where the target has them. No network
 * I/O: the only look at the system is a stat()/access() of a configured
 * ca_file. Every message names the offending key. */
#include "scimclient/scim_core.h"
#include "scimclient/scim_url.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define config_fail(err, ...)                                                  \
	scim_fail(err, PROVHOST_E_CONFIG, 0, 0, __VA_ARGS__)

static int set_url(const struct scim_target *t, json_t *v,
                   struct scim_core_settings *out, provhost_error *err)
{
	char raw[1024], why[256];
	int rc = scim_setting_string(v, t->url_key, raw, sizeof raw, err);

	if (rc != PROVHOST_OK)
		return rc;
	if (scim_url_normalise(raw, t->api_path, out->conn.base_url,
	                       sizeof out->conn.base_url, why, sizeof why) == 0)
		return PROVHOST_OK;
	if (strchr(raw, '@')) /* never quote user information */
		return config_fail(err, "setting '%s' %s", t->url_key, why);
	return config_fail(err, "setting '%s' %s: '%.200s'%s%s%s", t->url_key,
	                   why, raw, t->url_expected ? " (expected " : "",
	                   t->url_expected ? t->url_expected : "",
	                   t->url_expected ? ")" : "");
}

/* A configured ca_file must be a readable regular file (a FIFO or a
 * directory would only fail, or block, at the first request). Local
 * stat()/access() only; the file is not opened. */
static int check_ca_file(const char *path, provhost_error *err)
{
	struct stat st;

	if (!path[0])
		return PROVHOST_OK;
	if (stat(path, &st) != 0)
		return config_fail(err,
		                   "setting 'ca_file': cannot use '%.300s': %s",
		                   path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return config_fail(
		        err,
		        "setting 'ca_file': '%.300s' is not a regular "
		        "file (a PEM file of CA certificates is "
		        "expected)",
		        path);
	if (access(path, R_OK) != 0)
		return config_fail(
		        err, "setting 'ca_file': cannot read '%.300s': %s",
		        path, strerror(errno));
	return PROVHOST_OK;
}

static const provhost_setting *schema_key(const struct scim_target *t,
                                          const char *key)
{
	for (size_t i = 0; i < t->n_schema; i++)
		if (strcmp(t->schema[i].key, key) == 0)
			return &t->schema[i];
	return NULL;
}

/* "unknown setting 'k' (known: a, b; secret: c)", the keys from the
 * schema in its order. */
static int unknown_key(const struct scim_target *t, const char *key,
                       provhost_error *err)
{
	char known[512] = "", secret[128] = "";
	size_t k = 0, s = 0;

	for (size_t i = 0; i < t->n_schema; i++) {
		int is_secret = t->schema[i].flags & PROVHOST_SETTING_SECRET;
		char *buf = is_secret ? secret : known;
		size_t cap = is_secret ? sizeof secret : sizeof known;
		size_t *at = is_secret ? &s : &k;
		int n = snprintf(buf + *at, cap - *at, "%s%s", *at ? ", " : "",
		                 t->schema[i].key);
		if (n > 0 && (size_t)n < cap - *at)
			*at += (size_t)n;
	}
	return config_fail(err, "unknown setting '%.100s' (known: %s%s%s)", key,
	                   known, s ? "; secret: " : "", secret);
}

static int apply_key(const struct scim_target *t, const char *key, json_t *v,
                     struct scim_core_settings *out, provhost_error *err)
{
	const provhost_setting *known = schema_key(t, key);
	const char *s;
	int handled;
	int rc = scim_setting_apply(key, v, &out->conn, &handled, err);

	if (handled)
		return rc;
	if (strcmp(key, t->url_key) == 0)
		return set_url(t, v, out, err);
	if (t->roles && strcmp(key, "roles") == 0) {
		if (!json_is_boolean(v))
			return config_fail(
			        err, "setting '%s' must be true or false", key);
		out->roles = json_is_true(v);
		return PROVHOST_OK;
	}
	if (t->deprovision_setting && strcmp(key, "deprovision") == 0) {
		s = json_string_value(v);
		if (!s || (strcmp(s, "disable") && strcmp(s, "delete")))
			return config_fail(err, "setting 'deprovision' must be "
			                        "\"disable\" or \"delete\"");
		out->deprovision = strcmp(s, "delete") == 0
		                           ? SCIM_DEPROVISION_DELETE
		                           : SCIM_DEPROVISION_DISABLE;
		return PROVHOST_OK;
	}
	if (t->external_id == SCIM_EXTERNAL_ID_SETTING &&
	    strcmp(key, "match_external_id") == 0) {
		if (!json_is_boolean(v))
			return config_fail(
			        err, "setting '%s' must be true or false", key);
		out->external_id = json_is_true(v);
		return PROVHOST_OK;
	}
	if (t->create_first_setting && strcmp(key, "create_first") == 0) {
		if (!json_is_boolean(v))
			return config_fail(
			        err, "setting '%s' must be true or false", key);
		out->create_first = json_is_true(v);
		return PROVHOST_OK;
	}
	if (known && (known->flags & PROVHOST_SETTING_SECRET))
		return config_fail(err,
		                   "setting '%s' is a secret and must not be "
		                   "in the settings; store it as the "
		                   "connection's secret (under \"secrets\")",
		                   key);
	return unknown_key(t, key, err);
}

int scim_core_settings_parse(const struct scim_target *t, const char *json,
                             size_t len, struct scim_core_settings *out,
                             provhost_error *err)
{
	json_error_t jerr;
	json_t *root, *v;
	const char *key;
	char why[256];
	int rc = PROVHOST_OK;

	memset(out, 0, sizeof *out);
	scim_setting_defaults(&out->conn, t->label, t->version);
	out->deprovision = t->deprovision;
	out->external_id = t->external_id == SCIM_EXTERNAL_ID_ALWAYS;
	out->create_first = t->create_first_setting && t->create_first_default;
	if (t->url_default &&
	    scim_url_normalise(t->url_default, t->api_path, out->conn.base_url,
	                       sizeof out->conn.base_url, why, sizeof why))
		return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		                 "default %s %s", t->url_key, why);
	if (!json || len == 0) {
		if (!out->conn.base_url[0])
			return config_fail(err,
			                   "missing required setting '%s' (no "
			                   "settings were given)",
			                   t->url_key);
		return PROVHOST_OK;
	}
	root = json_loadb(json, len, 0, &jerr);
	if (!root)
		return config_fail(
		        err,
		        "settings are not valid JSON: %.200s at line "
		        "%d column %d",
		        jerr.text, jerr.line, jerr.column);
	if (!json_is_object(root)) {
		rc = config_fail(err, "settings must be a JSON object");
		goto out_decref;
	}
	json_object_foreach(root, key, v)
	{
		rc = apply_key(t, key, v, out, err);
		if (rc != PROVHOST_OK)
			goto out_decref;
	}
	if (!out->conn.base_url[0])
		rc = config_fail(err,
		                 "missing required setting '%s' (the SCIM base "
		                 "URL)",
		                 t->url_key);
	else
		rc = check_ca_file(out->conn.ca_file, err);
out_decref:
	json_decref(root);
	return rc;
}
