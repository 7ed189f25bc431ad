/* Mapping of what a SCIM target answered to provhost statuses, and the
 * Retry-After hint.
 *
 * Contract: pure functions, no I/O, no allocation. The mapping follows RFC
 * 7644 §3.12 plus HTTP: 400/413/422 invalid input, 401 credential, 403
 * permission, 404 not found (config when the request was on a collection:
 * there is no SCIM API there), 409/412 conflict, 429 rate limited
 * (retryable), 408 timeout (retryable), 500/502/503/504 and other 5xx
 * transient (retryable), 501/405 unsupported, 3xx config (redirects are
 * never followed), anything else protocol. A connector may refine the
 * result (e.g. treat 409 on create as "link the existing account").
 */
#ifndef SCIM_STATUS_H
#define SCIM_STATUS_H

#include <provhost/connector.h>
#include <stdint.h>

/* What a request addressed: a collection ("/Users", "/Users?filter=") or
 * one resource ("/Users/42"). Decides what a 404 means. */
enum scim_target_kind { SCIM_ON_COLLECTION = 0, SCIM_ON_RESOURCE = 1 };

struct scim_status_map {
	int status;    /* provhost_status */
	int retryable; /* non-zero: the same call may succeed later */
};

/* Maps a non-2xx HTTP status. */
struct scim_status_map scim_status_from_http(long http,
                                             enum scim_target_kind kind);

/* Maps a libcurl result code (a CURLcode) for a request that got no usable
 * HTTP response: DNS, connect (retryable), TLS, timeouts (retryable), sends
 * and receives cut short (transient, retryable), size limits (protocol). */
struct scim_status_map scim_status_from_curl(int curl_code);

/* Upper bound for a Retry-After hint: one day. */
#define SCIM_RETRY_AFTER_MAX_MS 86400000u

/* Parses a Retry-After header value (delta-seconds or an HTTP-date) into
 * milliseconds from now_epoch_s. Returns 0 when value is NULL, empty,
 * malformed or in the past; caps at SCIM_RETRY_AFTER_MAX_MS. */
uint32_t scim_retry_after_ms(const char *value, int64_t now_epoch_s);

#endif
