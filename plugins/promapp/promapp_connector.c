/* The Promapp connector's descriptor, entry point and instance lifecycle.
 * provhost_connector_v1 is the only symbol promapp.so exports. */
#include "promapp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int32_t promapp_validate_config(const char *settings_json, size_t len,
                                       provhost_error *err)
{
	struct promapp_settings s;

	return promapp_settings_parse(settings_json, len, &s, err);
}

/* Fetches the access token from the host into a heap buffer the caller
 * owns (wipe before free). */
static int fetch_token(const provhost_host_api *api, provhost_host *host,
                       char **out, provhost_error *err)
{
	size_t cap = 2048, len = 0;
	char *buf = malloc(cap);
	int32_t rc;

	if (!buf)
		return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		                 "out of memory reading secret 'access_token'");
	rc = api->get_secret(host, "access_token", buf, cap, &len);
	if (rc == PROVHOST_E_INVALID_INPUT && len > 0 && len < 65536) {
		explicit_bzero(buf, cap);
		free(buf);
		cap = len + 1;
		if (!(buf = malloc(cap)))
			return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
			                 "out of memory reading secret "
			                 "'access_token'");
		rc = api->get_secret(host, "access_token", buf, cap, &len);
	}
	if (rc != PROVHOST_OK || len == 0 || len >= cap) {
		explicit_bzero(buf, cap);
		free(buf);
		return scim_fail(err, PROVHOST_E_CONFIG, 0, 0,
		                 rc == PROVHOST_E_NOT_FOUND || len == 0
		                         ? "secret 'access_token' is not set "
		                           "for this connection"
		                         : "secret 'access_token' could not be "
		                           "read");
	}
	buf[len] = '\0';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c <= 0x20 || c == 0x7f) {
			explicit_bzero(buf, cap);
			free(buf);
			return scim_fail(err, PROVHOST_E_CONFIG, 0, 0,
			                 "secret 'access_token' contains "
			                 "whitespace or control characters");
		}
	}
	*out = buf;
	return PROVHOST_OK;
}

static void promapp_close(provhost_instance *inst)
{
	if (!inst)
		return;
	scim_http_free(inst->http);
	if (inst->token) {
		explicit_bzero(inst->token, strlen(inst->token));
		free(inst->token);
	}
	free(inst);
}

static int32_t promapp_open(const provhost_host_api *host_api,
                            provhost_host *host, const char *settings_json,
                            size_t len, provhost_instance **out,
                            provhost_error *err)
{
	provhost_instance *inst;
	char why[256];
	int rc;

	*out = NULL;
	inst = calloc(1, sizeof *inst);
	if (!inst)
		return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		                 "out of memory opening a promapp instance");
	inst->api = host_api;
	inst->host = host;
	rc = promapp_settings_parse(settings_json, len, &inst->cfg, err);
	if (rc != PROVHOST_OK)
		goto out_close;
	rc = fetch_token(host_api, host, &inst->token, err);
	if (rc != PROVHOST_OK)
		goto out_close;
	struct scim_http_options opts = {
	        .base_url = inst->cfg.base_url,
	        .bearer_token = inst->token,
	        .user_agent = inst->cfg.user_agent,
	        .ca_file = inst->cfg.ca_file,
	        .connect_timeout_ms = inst->cfg.connect_timeout_ms,
	        .max_response = SCIM_HTTP_MAX_RESPONSE,
	};
	inst->http = scim_http_new(&opts, why, sizeof why);
	if (!inst->http) {
		rc = scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		               "could not set up HTTP for promapp: %s", why);
		goto out_close;
	}
	inst->client.http = inst->http;
	inst->client.label = PROMAPP_LABEL;
	inst->client.api = host_api;
	inst->client.host = host;
	inst->client.timeout_ms = inst->cfg.timeout_ms;
	*out = inst;
	return PROVHOST_OK;
out_close:
	promapp_close(inst);
	return rc;
}

static const provhost_ops promapp_ops = {
        .struct_size = sizeof(provhost_ops),
        .validate_config = promapp_validate_config,
        .open = promapp_open,
        .close = promapp_close,
        .authenticate = promapp_authenticate,
        .provision = promapp_provision,
        .deprovision = promapp_deprovision,
        .lookup = promapp_lookup,
};

static const provhost_connector promapp_descriptor = {
        .magic = PROVHOST_CONNECTOR_MAGIC,
        .struct_size = sizeof(provhost_connector),
        .abi_major = PROVHOST_CONNECTOR_ABI_MAJOR,
        .min_host_minor = 0,
        .name = "promapp",
        .version = PROMAPP_VERSION,
        .vendor = "provhost",
        .license = "MIT",
        .description = "Nintex Process Manager (Promapp) users over SCIM 2.0",
        .capabilities = PROVHOST_CAP_LOOKUP | PROVHOST_CAP_DRY_RUN |
                        PROVHOST_CAP_ROLES | PROVHOST_CAP_REACTIVATE,
        .settings = promapp_settings_schema,
        .n_settings = PROMAPP_N_SETTINGS,
        .setting_size = sizeof(provhost_setting),
        .ops = &promapp_ops,
};

PROVHOST_CONNECTOR_EXPORT const provhost_connector *
provhost_connector_v1(uint32_t host_abi_minor)
{
	(void)host_abi_minor;
	return &promapp_descriptor;
}
