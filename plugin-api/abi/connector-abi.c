/* The ABI baseline's source: a tiny shared object whose exported functions
 * reference every public type of <provhost/connector.h>, so that abidw (on
 * the object built with -g) records all of them. See plugin-api/README.md,
 * "Keeping the ABI stable". */
#include <provhost/connector.h>

/* Every struct, enum and function-pointer type, by pointer or value. */
PROVHOST_CONNECTOR_EXPORT void
provhost_abi_types(provhost_connector *connector, provhost_ops *ops,
                   provhost_host_api *host_api, provhost_setting *setting,
                   provhost_error *error, provhost_result *result,
                   provhost_call *call, provhost_host *host,
                   provhost_instance *instance, provhost_emit_fn emit,
                   provhost_connector_entry_fn entry, provhost_status status,
                   provhost_outcome outcome, provhost_log_level level,
                   provhost_setting_type type);

PROVHOST_CONNECTOR_EXPORT void
provhost_abi_types(provhost_connector *connector, provhost_ops *ops,
                   provhost_host_api *host_api, provhost_setting *setting,
                   provhost_error *error, provhost_result *result,
                   provhost_call *call, provhost_host *host,
                   provhost_instance *instance, provhost_emit_fn emit,
                   provhost_connector_entry_fn entry, provhost_status status,
                   provhost_outcome outcome, provhost_log_level level,
                   provhost_setting_type type)
{
}

PROVHOST_CONNECTOR_EXPORT const provhost_connector *
provhost_connector_v1(uint32_t host_abi_minor)
{
	return 0;
}
