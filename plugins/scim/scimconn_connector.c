/* The generic SCIM connector's descriptor, entry point and instance
 * lifecycle. provhost_connector_v1 is the only symbol scim.so exports. */
#include "scimconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int32_t scimconn_validate_config(const char *settings_json, size_t len,
                                        provhost_error *err)
{
	struct scimconn_settings s;

	return scimconn_settings_parse(settings_json, len, &s, err);
}

/* Fetches the access token into a heap buffer the caller owns (wipe before
 * free). The token must be one HTTP header token: no whitespace. */
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
	if (rc == PROVHOST_E_INVALID_INPUT && len >= cap && len < 65536) {
		explicit_bzero(buf, cap);
		free(buf);
		cap = len + 1;
		if (!(buf = malloc(cap)))
			return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
			                 "out of memory reading secret "
			                 "'access_token'");
		rc = api->get_secret(host, "access_token", buf, cap, &len);
	}
	if (rc != PROVHOST_OK || len == 0 || len >= cap)
		goto out_fail;
	buf[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)buf[i] <= 0x20 || buf[i] == 0x7f) {
			rc = -1;
			goto out_fail;
		}
	*out = buf;
	return PROVHOST_OK;

out_fail:
	explicit_bzero(buf, cap);
	free(buf);
	if (rc == -1)
		return scim_fail(err, PROVHOST_E_CONFIG, 0, 0,
		                 "secret 'access_token' contains whitespace or "
		                 "control characters");
	return scim_fail(err, PROVHOST_E_CONFIG, 0, 0,
	                 rc == PROVHOST_E_NOT_FOUND || len == 0
	                         ? "secret 'access_token' is not set for this "
	                           "connection"
	                         : "secret 'access_token' could not be read");
}

static void scimconn_close(provhost_instance *inst)
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

/* No I/O here: discovery happens on the first op that needs it. */
static int32_t scimconn_open(const provhost_host_api *host_api,
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
		                 "out of memory opening a scim instance");
	inst->api = host_api;
	inst->host = host;
	rc = scimconn_settings_parse(settings_json, len, &inst->cfg, err);
	if (rc == PROVHOST_OK)
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
		               "could not set up HTTP for scim: %s", why);
		goto out_close;
	}
	inst->client.http = inst->http;
	inst->client.label = SCIMCONN_LABEL;
	inst->client.api = host_api;
	inst->client.host = host;
	inst->client.timeout_ms = inst->cfg.timeout_ms;
	*out = inst;
	return PROVHOST_OK;
out_close:
	scimconn_close(inst);
	return rc;
}

void scimconn_op_begin(provhost_instance *inst, provhost_result *result,
                       provhost_error *err)
{
	inst->last_http = 0;
	err->status = PROVHOST_OK;
	err->retryable = 0;
	err->retry_after_ms = 0;
	err->remote_code = 0;
	err->message[0] = '\0';
	if (result) {
		result->outcome = PROVHOST_OUTCOME_NONE;
		result->remote_code = 0;
		result->account_id[0] = '\0';
		result->detail[0] = '\0';
	}
}

int scimconn_op_end(provhost_instance *inst, int rc, provhost_result *result,
                    provhost_error *err)
{
	if (result) {
		result->remote_code = (int32_t)inst->last_http;
		scim_redact(result->detail, sizeof result->detail, inst->token);
		scim_redact(result->account_id, sizeof result->account_id,
		            inst->token);
		if (rc != PROVHOST_OK)
			result->outcome = PROVHOST_OUTCOME_NONE;
	}
	if (rc != PROVHOST_OK) {
		err->status = rc;
		if (!err->message[0])
			scim_format(err->message, sizeof err->message,
			            "scim operation failed");
	}
	scim_redact(err->message, sizeof err->message, inst->token);
	return rc;
}

static const provhost_ops scimconn_ops = {
        .struct_size = sizeof(provhost_ops),
        .validate_config = scimconn_validate_config,
        .open = scimconn_open,
        .close = scimconn_close,
        .authenticate = scimconn_authenticate,
        .provision = scimconn_provision,
        .deprovision = scimconn_deprovision,
        .lookup = scimconn_lookup,
};

static const provhost_connector scimconn_descriptor = {
        .magic = PROVHOST_CONNECTOR_MAGIC,
        .struct_size = sizeof(provhost_connector),
        .abi_major = PROVHOST_CONNECTOR_ABI_MAJOR,
        .min_host_minor = 0,
        .name = "scim",
        .version = SCIMCONN_VERSION,
        .vendor = "provhost",
        .license = "MIT",
        .description = "any SCIM 2.0 service provider (RFC 7643/7644), "
                       "bearer token",
        .capabilities = PROVHOST_CAP_LOOKUP | PROVHOST_CAP_DRY_RUN |
                        PROVHOST_CAP_REACTIVATE | PROVHOST_CAP_DELETE,
        .settings = scimconn_settings_schema,
        .n_settings = SCIMCONN_N_SETTINGS,
        .setting_size = sizeof(provhost_setting),
        .ops = &scimconn_ops,
};

PROVHOST_CONNECTOR_EXPORT const provhost_connector *
provhost_connector_v1(uint32_t host_abi_minor)
{
	(void)host_abi_minor;
	return &scimconn_descriptor;
}
