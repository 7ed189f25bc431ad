/* One webhook request through libcurl (curl_global_init is main's). */
#include <curl/curl.h>
#include <string.h>

#include "engine/notify.h"

#define NOTIFY_REPLY_MAX (64 * 1024) /* the answer is read and dropped */

static size_t drop_reply(char *p, size_t size, size_t n, void *ctx)
{
	size_t *total = ctx;

	(void)p;
	*total += size * n;
	return *total > NOTIFY_REPLY_MAX ? 0 : size * n;
}

int notify_http_post(const struct notify_webhook *w, const char *body,
                     int timeout_ms, char *why, size_t why_len)
{
	struct curl_slist *hdrs = NULL;
	size_t reply = 0;
	long http = 0;
	CURLcode cc;
	CURL *c = curl_easy_init();
	int rc = -1;

	if (!c) {
		snprintf(why, why_len, "cannot start a request");
		return -1;
	}
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, w->url.items[0].value);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (w->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, w->ca_file);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(c, CURLOPT_USERAGENT, "provhost/" PROVHOST_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, drop_reply);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply);
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &http);
	if (cc == CURLE_WRITE_ERROR && http >= 200 && http < 300)
		cc = CURLE_OK; /* a long answer to a delivered notification */
	if (cc != CURLE_OK)
		/* curl_easy_strerror never holds the URL */
		snprintf(why, why_len, "%s", curl_easy_strerror(cc));
	else if (http < 200 || http > 299)
		snprintf(why, why_len, "HTTP %ld", http);
	else
		rc = 0;
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	return rc;
}
