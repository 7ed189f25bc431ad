/* Reading single connector settings. See scim_setting.h. */
#include "scimclient/scim_setting.h"
#include "scimclient/scim_client.h"

#include <stdio.h>
#include <string.h>

int scim_setting_timeout(json_t *v, const char *key, long *out,
                         provhost_error *err)
{
	if (!json_is_integer(v) ||
	    json_integer_value(v) < SCIM_SETTING_TIMEOUT_MIN_MS ||
	    json_integer_value(v) > SCIM_SETTING_TIMEOUT_MAX_MS)
		return scim_fail(
		        err, PROVHOST_E_CONFIG, 0, 0,
		        "setting '%s' must be an integer from %d to %d "
		        "(milliseconds)",
		        key, SCIM_SETTING_TIMEOUT_MIN_MS,
		        SCIM_SETTING_TIMEOUT_MAX_MS);
	*out = (long)json_integer_value(v);
	return PROVHOST_OK;
}

int scim_setting_string(json_t *v, const char *key, char *out, size_t out_len,
                        provhost_error *err)
{
	const char *s = json_string_value(v);
	size_t len;

	if (!s)
		return scim_fail(err, PROVHOST_E_CONFIG, 0, 0,
		                 "setting '%s' must be a string", key);
	len = strlen(s);
	if (len >= out_len || len != json_string_length(v))
		return scim_fail(err, PROVHOST_E_CONFIG, 0, 0,
		                 "setting '%s' is too long or has a NUL byte",
		                 key);
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return scim_fail(err, PROVHOST_E_CONFIG, 0, 0,
			                 "setting '%s' contains control "
			                 "characters",
			                 key);
	memcpy(out, s, len + 1);
	return PROVHOST_OK;
}

void scim_setting_defaults(struct scim_conn_settings *s, const char *label,
                           const char *version)
{
	memset(s, 0, sizeof *s);
	s->timeout_ms = 30000;
	s->connect_timeout_ms = 10000;
	snprintf(s->user_agent, sizeof s->user_agent, "provhost/%s %s/%s",
	         PROVHOST_VERSION, label, version);
}

int scim_setting_apply(const char *key, json_t *v, struct scim_conn_settings *s,
                       int *handled, provhost_error *err)
{
	*handled = 1;
	if (strcmp(key, "timeout_ms") == 0)
		return scim_setting_timeout(v, key, &s->timeout_ms, err);
	if (strcmp(key, "connect_timeout_ms") == 0)
		return scim_setting_timeout(v, key, &s->connect_timeout_ms,
		                            err);
	if (strcmp(key, "ca_file") == 0)
		return scim_setting_string(v, key, s->ca_file,
		                           sizeof s->ca_file, err);
	if (strcmp(key, "user_agent") == 0)
		return scim_setting_string(v, key, s->user_agent,
		                           sizeof s->user_agent, err);
	*handled = 0;
	return PROVHOST_OK;
}
