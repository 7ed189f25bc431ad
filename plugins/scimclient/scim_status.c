/* HTTP/curl status mapping and Retry-After parsing; see scim_status.h. */
#include "scimclient/scim_status.h"

#include <ctype.h>
#include <curl/curl.h>
#include <string.h>

static struct scim_status_map map(int status, int retryable)
{
	struct scim_status_map m = {status, retryable};
	return m;
}

struct scim_status_map scim_status_from_http(long http,
                                             enum scim_target_kind kind)
{
	switch (http) {
	case 400:
	case 413:
	case 422:
		return map(PROVHOST_E_INVALID_INPUT, 0);
	case 401:
		return map(PROVHOST_E_CREDENTIAL, 0);
	case 403:
		return map(PROVHOST_E_PERMISSION, 0);
	case 404:
		return map(kind == SCIM_ON_COLLECTION ? PROVHOST_E_CONFIG
		                                      : PROVHOST_E_NOT_FOUND,
		           0);
	case 405:
	case 501:
		return map(PROVHOST_E_UNSUPPORTED, 0);
	case 408:
		return map(PROVHOST_E_TIMEOUT, 1);
	case 409:
	case 412:
		return map(PROVHOST_E_CONFLICT, 0);
	case 429:
		return map(PROVHOST_E_RATE_LIMITED, 1);
	default:
		break;
	}
	if (http >= 300 && http < 400)
		return map(PROVHOST_E_CONFIG, 0);
	if (http >= 500 && http < 600)
		return map(PROVHOST_E_TRANSIENT, 1);
	return map(PROVHOST_E_PROTOCOL, 0);
}

struct scim_status_map scim_status_from_curl(int curl_code)
{
	switch ((CURLcode)curl_code) {
	case CURLE_OK:
		return map(PROVHOST_OK, 0);
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return map(PROVHOST_E_DNS, 1);
	case CURLE_COULDNT_CONNECT:
		return map(PROVHOST_E_CONNECT, 1);
	case CURLE_OPERATION_TIMEDOUT:
		return map(PROVHOST_E_TIMEOUT, 1);
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_USE_SSL_FAILED:
		return map(PROVHOST_E_TLS, 0);
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_HTTP3:
		return map(PROVHOST_E_TRANSIENT, 1);
	case CURLE_FILESIZE_EXCEEDED:
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_TOO_MANY_REDIRECTS:
		return map(PROVHOST_E_PROTOCOL, 0);
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return map(PROVHOST_E_CONFIG, 0);
	case CURLE_OUT_OF_MEMORY:
		return map(PROVHOST_E_INTERNAL, 0);
	default:
		return map(PROVHOST_E_TRANSIENT, 1);
	}
}

uint32_t scim_retry_after_ms(const char *value, int64_t now_epoch_s)
{
	const char *p = value, *end;
	uint64_t secs = 0;

	if (!value)
		return 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return 0;
	if (isdigit((unsigned char)*p)) {
		for (end = p; isdigit((unsigned char)*end); end++) {
			if (secs < SCIM_RETRY_AFTER_MAX_MS / 1000 + 1)
				secs = secs * 10 + (uint64_t)(*end - '0');
		}
		while (*end == ' ' || *end == '\t' || *end == '\r' ||
		       *end == '\n')
			end++;
		if (*end)
			return 0;
	} else {
		time_t when = curl_getdate(p, NULL);
		if (when == (time_t)-1 || (int64_t)when <= now_epoch_s)
			return 0;
		secs = (uint64_t)((int64_t)when - now_epoch_s);
	}
	if (secs * 1000 > SCIM_RETRY_AFTER_MAX_MS)
		return SCIM_RETRY_AFTER_MAX_MS;
	return (uint32_t)(secs * 1000);
}
