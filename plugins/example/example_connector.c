/* The example connector's descriptor, entry point and instance lifecycle.
 *
 * How the host uses a connector (see plugin-api/provhost/connector.h):
 *   1. dlopen() the .so and call the one exported symbol,
 *      provhost_connector_v1(), which returns the static descriptor below.
 *      The host checks magic, ABI version, sizes, the settings schema and
 *      that every required op is there before it runs anything else.
 *   2. validate_config() on the connection's settings, with no I/O, when
 *      the configuration is checked (`provhost check-config`).
 *   3. open() one instance per worker thread; authenticate() once before a
 *      run (`provhost test` too); provision() / deprovision() / lookup()
 *      for each person; close().
 * The host owns retries, backoff, pacing and circuit breaking: every op
 * makes ONE attempt and says whether a failure is worth retrying.
 */
#include "example.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int example_fail(provhost_error *err, int status, int retryable,
                 const char *fmt, ...)
{
	va_list ap;

	err->status = status;
	err->retryable = retryable;
	err->retry_after_ms = 0;
	err->remote_code = 0;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	/* Messages are one line: the host prints them in logs and tables. */
	for (char *p = err->message; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return status;
}

void example_log(provhost_instance *inst, const provhost_call *call, int level,
                 const char *fmt, ...)
{
	char line[768];
	va_list ap;

	if (!inst->api->log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	inst->api->log(inst->host, call, level, line);
}

/* validate_config: may be called from any thread at any time, before any
 * instance exists. It must not do I/O (no file access, no network): the
 * contract runner checks that in a sandbox. */
static int32_t example_validate_config(const char *settings_json, size_t len,
                                       provhost_error *err)
{
	struct example_settings s;

	return example_settings_parse(settings_json, len, &s, err);
}

/* Reads the optional secret "api_key" into a heap buffer the instance owns.
 * Secrets never travel in the settings JSON: the host hands them out by key
 * on request. A connector copies what it needs and wipes it when done. */
static int fetch_api_key(provhost_instance *inst, provhost_error *err)
{
	size_t len = 0, cap = 256;
	char *buf = malloc(cap);
	int32_t rc;

	if (!buf)
		return example_fail(err, PROVHOST_E_INTERNAL, 0,
		                    "out of memory reading secret 'api_key'");
	rc = inst->api->get_secret(inst->host, "api_key", buf, cap, &len);
	if (rc == PROVHOST_E_INVALID_INPUT && len >= cap && len < 65536) {
		/* Too small: the host told us the length it needs. */
		explicit_bzero(buf, cap);
		free(buf);
		cap = len + 1;
		if (!(buf = malloc(cap)))
			return example_fail(err, PROVHOST_E_INTERNAL, 0,
			                    "out of memory reading secret "
			                    "'api_key'");
		rc = inst->api->get_secret(inst->host, "api_key", buf, cap,
		                           &len);
	}
	if (rc == PROVHOST_E_NOT_FOUND) {
		/* Optional: without it, only an unprotected file works. */
		explicit_bzero(buf, cap);
		free(buf);
		return PROVHOST_OK;
	}
	if (rc != PROVHOST_OK || len == 0 || len >= cap) {
		explicit_bzero(buf, cap);
		free(buf);
		return example_fail(err, PROVHOST_E_CONFIG, 0,
		                    "secret 'api_key' could not be read");
	}
	buf[len] = '\0';
	inst->api_key = buf;
	return PROVHOST_OK;
}

/* close: releases everything the instance owns. inst may be NULL. */
static void example_close(provhost_instance *inst)
{
	if (!inst)
		return;
	if (inst->api_key) {
		explicit_bzero(inst->api_key, strlen(inst->api_key));
		free(inst->api_key);
	}
	free(inst);
}

/* open: builds an instance from settings the host has already validated
 * (parse them again anyway: never trust, and keep the parsed form). No I/O
 * here either: the first op touches the target, so that a connection that
 * is down fails the op (retryably) rather than the whole worker. */
static int32_t example_open(const provhost_host_api *host_api,
                            provhost_host *host, const char *settings_json,
                            size_t len, provhost_instance **out,
                            provhost_error *err)
{
	provhost_instance *inst;
	int rc;

	*out = NULL;
	inst = calloc(1, sizeof *inst);
	if (!inst)
		return example_fail(
		        err, PROVHOST_E_INTERNAL, 0,
		        "out of memory opening an example instance");
	inst->api = host_api;
	inst->host = host;
	rc = example_settings_parse(settings_json, len, &inst->cfg, err);
	if (rc == PROVHOST_OK)
		rc = fetch_api_key(inst, err);
	if (rc != PROVHOST_OK) {
		example_close(inst);
		return rc;
	}
	*out = inst;
	return PROVHOST_OK;
}

/* The ops table: static, so it stays valid until the process exits. The
 * host reads struct_size to know which members this build has. */
static const provhost_ops example_ops = {
        .struct_size = sizeof(provhost_ops),
        .validate_config = example_validate_config,
        .open = example_open,
        .close = example_close,
        .authenticate = example_authenticate,
        .provision = example_provision,
        .deprovision = example_deprovision,
        .lookup = example_lookup, /* optional: advertised by CAP_LOOKUP */
        .list = example_list,     /* since 1.1, optional: CAP_LIST */
};

/* The descriptor. Capabilities promise behaviour the host relies on:
 *   LOOKUP      ops->lookup is implemented;
 *   DRY_RUN     with PROVHOST_CALL_DRY_RUN we read but never write, and
 *               report each write through host_api->planned_write;
 *   ROLES       we read "roles" in the record;
 *   REACTIVATE  provision turns an inactive account active again;
 *   DELETE      deprovision may delete (setting deprovision = "delete");
 *   LIST        (ABI 1.1) ops->list emits every account;
 *   NO_ADOPT    (ABI 1.1) provision honours PROVHOST_CALL_NO_ADOPT.
 * Both 1.1 features are optional for the host (a 1.0 host reads neither),
 * so min_host_minor stays 0. */
static const provhost_connector example_descriptor = {
        .magic = PROVHOST_CONNECTOR_MAGIC,
        .struct_size = sizeof(provhost_connector),
        .abi_major = PROVHOST_CONNECTOR_ABI_MAJOR,
        .min_host_minor = 0, /* 1.1 features are optional (see above) */
        .name = EXAMPLE_NAME,
        .version = EXAMPLE_VERSION,
        .vendor = "provhost",
        .license = "MIT",
        .description = "accounts in a local JSON file (a starting point "
                       "for connector authors)",
        .capabilities = PROVHOST_CAP_LOOKUP | PROVHOST_CAP_DRY_RUN |
                        PROVHOST_CAP_ROLES | PROVHOST_CAP_REACTIVATE |
                        PROVHOST_CAP_DELETE | PROVHOST_CAP_LIST |
                        PROVHOST_CAP_NO_ADOPT,
        .settings = example_settings_schema,
        .n_settings = EXAMPLE_N_SETTINGS,
        .setting_size = sizeof(provhost_setting),
        .ops = &example_ops,
};

/* The one exported symbol. host_abi_minor is the minor the host speaks; a
 * connector that needs a newer one says so in min_host_minor and the host
 * refuses it, so there is nothing to decide here. */
PROVHOST_CONNECTOR_EXPORT const provhost_connector *
provhost_connector_v1(uint32_t host_abi_minor)
{
	(void)host_abi_minor;
	return &example_descriptor;
}
