/* Stable lower-case names for the connector ABI's status and outcome codes,
 * as printed in CLI output, logs, audit lines and tests ("rate_limited",
 * "reactivated"). Header only so test tools can use it without the host
 * library. Unknown values map to "unknown". */
#ifndef PROVHOST_STATUS_NAMES_H
#define PROVHOST_STATUS_NAMES_H

#include <provhost/connector.h>

static inline const char *provhost_status_name(int status)
{
	switch (status) {
	case PROVHOST_OK:
		return "ok";
	case PROVHOST_E_INVALID_INPUT:
		return "invalid_input";
	case PROVHOST_E_CONFIG:
		return "config";
	case PROVHOST_E_CREDENTIAL:
		return "credential";
	case PROVHOST_E_PERMISSION:
		return "permission";
	case PROVHOST_E_NOT_FOUND:
		return "not_found";
	case PROVHOST_E_CONFLICT:
		return "conflict";
	case PROVHOST_E_RATE_LIMITED:
		return "rate_limited";
	case PROVHOST_E_TRANSIENT:
		return "transient";
	case PROVHOST_E_TIMEOUT:
		return "timeout";
	case PROVHOST_E_UNSUPPORTED:
		return "unsupported";
	case PROVHOST_E_PROTOCOL:
		return "protocol";
	case PROVHOST_E_DNS:
		return "dns";
	case PROVHOST_E_CONNECT:
		return "connect";
	case PROVHOST_E_TLS:
		return "tls";
	case PROVHOST_E_INTERNAL:
		return "internal";
	default:
		return "unknown";
	}
}

static inline const char *provhost_outcome_name(int outcome)
{
	switch (outcome) {
	case PROVHOST_OUTCOME_NONE:
		return "none";
	case PROVHOST_OUTCOME_CREATED:
		return "created";
	case PROVHOST_OUTCOME_UPDATED:
		return "updated";
	case PROVHOST_OUTCOME_UNCHANGED:
		return "unchanged";
	case PROVHOST_OUTCOME_REACTIVATED:
		return "reactivated";
	case PROVHOST_OUTCOME_DEACTIVATED:
		return "deactivated";
	case PROVHOST_OUTCOME_DELETED:
		return "deleted";
	case PROVHOST_OUTCOME_ABSENT:
		return "absent";
	case PROVHOST_OUTCOME_CANDIDATE:
		return "candidate";
	default:
		return "unknown";
	}
}

#endif
