/* The SCIM HTTP transport: one libcurl easy handle per instance.
 *
 * Contract:
 *   - scim_http_new() copies everything it is given; the bearer token lives
 *     only in the handle (its header list and a copy used to scrub it out
 *     of every response body, see scim_scrub.h, before the caller sees
 *     the body) and is wiped when the handle is freed. Nothing here logs,
 *     and curl's verbose mode is never enabled, so request headers are
 *     never echoed.
 *   - Safety settings, always on: TLS peer and host verification (ca_file
 *     optional), redirects not followed, only http and https, responses
 *     capped (max_response, default 4 MiB: bigger ends the transfer and sets
 *     too_big), CURLOPT_NOSIGNAL, no proxy for loopback hosts.
 *   - Speed: the handle (and so its connection, TLS session and DNS cache)
 *     is reused across requests; HTTP/2 over TLS where the server offers
 *     it; TCP_NODELAY and keep-alive; no "Expect: 100-continue" round trip;
 *     the response buffer is reused.
 *   - One thread at a time per handle. The caller must have called
 *     curl_global_init() (the host does).
 */
#ifndef SCIM_HTTP_H
#define SCIM_HTTP_H

#include <stddef.h>

#define SCIM_HTTP_MAX_RESPONSE (4u * 1024 * 1024)

struct scim_http;

struct scim_http_options {
	const char *base_url;     /* normalised (scim_url.h), copied */
	const char *bearer_token; /* sent as "Authorization: Bearer" */
	const char *user_agent;   /* may be NULL */
	const char *ca_file;      /* NULL or "": the system's CA store */
	long connect_timeout_ms;  /* 0: libcurl's default */
	size_t max_response;      /* 0: SCIM_HTTP_MAX_RESPONSE */
};

/* One response. body and the strings are owned by the handle and valid
 * until its next request; body is NUL-terminated. */
struct scim_response {
	long http;     /* HTTP status, 0 when no response arrived */
	int curl_code; /* CURLcode of the transfer, 0 = CURLE_OK */
	int too_big;   /* the response exceeded max_response */
	const char *body;
	size_t body_len;
	char content_type[96]; /* "" when none */
	char retry_after[64];  /* the Retry-After header's value, or "" */
	char etag[128];        /* the ETag header's value, "" if none/long */
	/* RateLimit-Limit/-Remaining/-Reset or X-RateLimit-* (the IETF
	 * draft's names win when both come), -1 when absent or not a
	 * number; reset in seconds (an absolute Unix time, as some send,
	 * is turned into seconds from now) */
	long rl_limit, rl_remaining, rl_reset;
	char curl_error[256]; /* libcurl's reason when curl_code != 0 */
};

/* Creates a handle; returns NULL with a reason in why on failure. */
struct scim_http *scim_http_new(const struct scim_http_options *opts, char *why,
                                size_t why_len);

/* Sends method (GET, POST, PUT, PATCH, DELETE) to base_url + path (path
 * starts with '/', query already encoded). body (JSON, may be NULL) is sent
 * as application/json. timeout_ms bounds the whole transfer (> 0). Fills
 * out; returns 0 when an HTTP response arrived (any status), -1 otherwise
 * (out->curl_code and out->curl_error say why). */
int scim_http_request(struct scim_http *h, const char *method, const char *path,
                      const char *body, long timeout_ms,
                      struct scim_response *out);

/* Sends "If-Match: etag" with the next request only (etag copied; NULL or
 * "" sends none). An etag with a control character is not sent. */
void scim_http_if_match(struct scim_http *h, const char *etag);

/* The normalised base URL the handle was created with (owned by it). */
const char *scim_http_base_url(const struct scim_http *h);

/* Frees the handle (NULL is fine), wiping the token. */
void scim_http_free(struct scim_http *h);

#endif
