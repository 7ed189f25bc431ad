/* libcurl transport for SCIM clients; see scim_http.h. */
#include "scimclient/scim_http.h"
#include "scimclient/scim_scrub.h"
#include "scimclient/scim_url.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct scim_http {
	CURL *easy;
	struct curl_slist *hdr_read;  /* Accept, Authorization */
	struct curl_slist *hdr_write; /* the same plus Content-Type */
	struct curl_slist *hdr_once;  /* one request's list with If-Match */
	char *base;
	size_t base_len;
	char *token; /* copy, for scrubbing answers; wiped by free */
	char *url;   /* reused: base + path */
	size_t url_cap;
	char *buf; /* reused response buffer, NUL-terminated */
	size_t len, cap, max;
	int too_big;
	char retry_after[64];
	char etag[128];
	long rl[2][3];      /* [ietf, x-][limit, remaining, reset] */
	char if_match[160]; /* "If-Match: ..." for the next request, or "" */
	char errbuf[CURL_ERROR_SIZE];
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct scim_http *h = ud;
	size_t n = size * nmemb;

	if (n > h->max - h->len) {
		h->too_big = 1;
		return 0; /* ends the transfer with CURLE_WRITE_ERROR */
	}
	if (h->len + n + 1 > h->cap) {
		size_t cap = h->cap ? h->cap : 16384;
		while (cap < h->len + n + 1)
			cap *= 2;
		char *nb = realloc(h->buf, cap);
		if (!nb)
			return 0;
		h->buf = nb;
		h->cap = cap;
	}
	memcpy(h->buf + h->len, data, n);
	h->len += n;
	h->buf[h->len] = '\0';
	return n;
}

/* The value of header line data (n bytes) when it is name (lower case,
 * with the colon), trimmed: *v and *vlen; 0 when it is another header. */
static int header_value(const char *data, size_t n, const char *name,
                        const char **v, size_t *vlen)
{
	size_t nl = strlen(name);

	if (n <= nl || strncasecmp(data, name, nl) != 0)
		return 0;
	*v = data + nl;
	*vlen = n - nl;
	while (*vlen > 0 && (**v == ' ' || **v == '\t')) {
		(*v)++;
		(*vlen)--;
	}
	while (*vlen > 0 &&
	       ((*v)[*vlen - 1] == '\r' || (*v)[*vlen - 1] == '\n' ||
	        (*v)[*vlen - 1] == ' ' || (*v)[*vlen - 1] == '\t'))
		(*vlen)--;
	return 1;
}

/* A rate-limit header's number (digits only, at most 12), or -1. */
static long header_number(const char *v, size_t vlen)
{
	long x = 0;
	size_t i;

	if (vlen == 0 || vlen > 12)
		return -1;
	for (i = 0; i < vlen; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	return x;
}

/* Keeps the headers we need besides Content-Type (which libcurl tracks):
 * Retry-After, ETag, and the rate-limit headers. */
static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
	static const char *const rl_names[2][3] = {
	        {"ratelimit-limit:", "ratelimit-remaining:",
	         "ratelimit-reset:"},
	        {"x-ratelimit-limit:", "x-ratelimit-remaining:",
	         "x-ratelimit-reset:"},
	};
	struct scim_http *h = ud;
	size_t n = size * nmemb, vlen, i, j;
	const char *v;

	if (header_value(data, n, "retry-after:", &v, &vlen)) {
		if (vlen >= sizeof h->retry_after)
			vlen = sizeof h->retry_after - 1;
		memcpy(h->retry_after, v, vlen);
		h->retry_after[vlen] = '\0';
	} else if (header_value(data, n, "etag:", &v, &vlen)) {
		if (vlen < sizeof h->etag) {
			memcpy(h->etag, v, vlen);
			h->etag[vlen] = '\0';
		}
	} else {
		for (i = 0; i < 2; i++)
			for (j = 0; j < 3; j++)
				if (header_value(data, n, rl_names[i][j], &v,
				                 &vlen))
					h->rl[i][j] = header_number(v, vlen);
	}
	return n;
}

void scim_http_if_match(struct scim_http *h, const char *etag)
{
	h->if_match[0] = '\0';
	if (!etag || !*etag)
		return;
	for (const char *p = etag; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return;
	if (strlen(etag) + sizeof "If-Match: " > sizeof h->if_match)
		return;
	snprintf(h->if_match, sizeof h->if_match, "If-Match: %s", etag);
}

/* The rate-limit headers of the answer into out: the IETF names win; a
 * reset above a day is an absolute Unix time (GitHub's X-RateLimit-Reset)
 * and becomes seconds from now, plus one: both that time and our clock are
 * whole seconds, so the true reset may come up to a second later than the
 * difference says, and a window assumed to end too early draws 429s. */
static void take_rate_headers(const struct scim_http *h,
                              struct scim_response *out)
{
	const long *ietf = h->rl[0], *x = h->rl[1];
	long now;

	out->rl_limit = ietf[0] >= 0 ? ietf[0] : x[0];
	out->rl_remaining = ietf[1] >= 0 ? ietf[1] : x[1];
	out->rl_reset = ietf[2] >= 0 ? ietf[2] : x[2];
	if (out->rl_reset > 86400) {
		now = (long)time(NULL);
		out->rl_reset =
		        out->rl_reset >= now ? out->rl_reset - now + 1 : 0;
	}
}

static void wipe_headers(struct curl_slist *list)
{
	for (struct curl_slist *l = list; l; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(list);
}

/* Builds the two header lists; the Authorization line is wiped from the
 * temporary buffer before returning. */
static int build_headers(struct scim_http *h, const char *token)
{
	char auth[8192 + 32];
	int n = snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
	int rc = -1;
	struct curl_slist *r = NULL, *w = NULL, *t;

	if (n < 0 || (size_t)n >= sizeof auth)
		goto out_wipe_auth;
	static const char *const common[] = {
	        "Accept: application/scim+json, application/json",
	        "Expect:",
	};
	for (size_t i = 0; i < 2; i++) {
		if (!(t = curl_slist_append(r, common[i])))
			goto out_free_lists;
		r = t;
		if (!(t = curl_slist_append(w, common[i])))
			goto out_free_lists;
		w = t;
	}
	if (!(t = curl_slist_append(w, "Content-Type: application/json")))
		goto out_free_lists;
	w = t;
	if (!(t = curl_slist_append(r, auth)))
		goto out_free_lists;
	r = t;
	if (!(t = curl_slist_append(w, auth)))
		goto out_free_lists;
	w = t;
	h->hdr_read = r;
	h->hdr_write = w;
	rc = 0;
	goto out_wipe_auth;
out_free_lists:
	wipe_headers(r);
	wipe_headers(w);
out_wipe_auth:
	explicit_bzero(auth, sizeof auth);
	return rc;
}

static int set_static_options(struct scim_http *h,
                              const struct scim_http_options *o)
{
	CURL *e = h->easy;
	CURLcode rc = CURLE_OK;

#define SET(opt, val)                                                          \
	do {                                                                   \
		if (rc == CURLE_OK)                                            \
			rc = curl_easy_setopt(e, opt, val);                    \
	} while (0)
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	SET(CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	if (o->ca_file && *o->ca_file)
		SET(CURLOPT_CAINFO, o->ca_file);
	SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	SET(CURLOPT_TCP_NODELAY, 1L);
	SET(CURLOPT_TCP_KEEPALIVE, 1L);
	SET(CURLOPT_DNS_CACHE_TIMEOUT, 300L);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->max);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, h);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, h);
	SET(CURLOPT_ERRORBUFFER, h->errbuf);
	if (o->user_agent && *o->user_agent)
		SET(CURLOPT_USERAGENT, o->user_agent);
	if (o->connect_timeout_ms > 0)
		SET(CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	if (scim_url_is_loopback(h->base))
		SET(CURLOPT_NOPROXY, "*");
#undef SET
	return rc == CURLE_OK ? 0 : -1;
}

struct scim_http *scim_http_new(const struct scim_http_options *opts, char *why,
                                size_t why_len)
{
	struct scim_http *h = calloc(1, sizeof *h);

	if (!h) {
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	h->max = opts->max_response ? opts->max_response
	                            : SCIM_HTTP_MAX_RESPONSE;
	h->base = strdup(opts->base_url);
	h->easy = curl_easy_init();
	if (!h->base || !h->easy) {
		snprintf(why, why_len, "could not create an HTTP handle");
		goto out_free;
	}
	h->base_len = strlen(h->base);
	h->token = strdup(opts->bearer_token ? opts->bearer_token : "");
	if (!h->token) {
		snprintf(why, why_len, "out of memory");
		goto out_free;
	}
	if (build_headers(h, h->token)) {
		snprintf(why, why_len, "could not build the request headers");
		goto out_free;
	}
	if (set_static_options(h, opts)) {
		snprintf(why, why_len,
		         "libcurl refused a required option (is it too old?)");
		goto out_free;
	}
	return h;
out_free:
	scim_http_free(h);
	return NULL;
}

/* Points the handle at base + path, reusing the URL buffer. */
static int set_url(struct scim_http *h, const char *path)
{
	size_t need = h->base_len + strlen(path) + 1;

	if (need > h->url_cap) {
		char *u = realloc(h->url, need);
		if (!u)
			return -1;
		h->url = u;
		h->url_cap = need;
	}
	memcpy(h->url, h->base, h->base_len);
	memcpy(h->url + h->base_len, path, need - h->base_len);
	return curl_easy_setopt(h->easy, CURLOPT_URL, h->url) == CURLE_OK ? 0
	                                                                  : -1;
}

static void set_method(struct scim_http *h, const char *method,
                       const char *body)
{
	CURL *e = h->easy;

	if (body) {
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		                 (curl_off_t)strlen(body));
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->hdr_write);
	} else {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->hdr_read);
	}
	if (strcmp(method, body ? "POST" : "GET") == 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, (char *)NULL);
	else
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
}

/* Adds the one-shot If-Match header to this request's header list (a
 * temporary copy of the fixed list plus the line) and forgets it; the copy
 * lives until the next request. Returns 0 or -1 (out of memory). */
static int set_if_match(struct scim_http *h, const char *body)
{
	struct curl_slist *t, *l;

	wipe_headers(h->hdr_once);
	h->hdr_once = NULL;
	if (!h->if_match[0])
		return 0;
	for (l = body ? h->hdr_write : h->hdr_read; l; l = l->next) {
		if (!(t = curl_slist_append(h->hdr_once, l->data)))
			goto fail;
		h->hdr_once = t;
	}
	if (!(t = curl_slist_append(h->hdr_once, h->if_match)))
		goto fail;
	h->hdr_once = t;
	h->if_match[0] = '\0';
	curl_easy_setopt(h->easy, CURLOPT_HTTPHEADER, h->hdr_once);
	return 0;
fail:
	h->if_match[0] = '\0';
	return -1;
}

int scim_http_request(struct scim_http *h, const char *method, const char *path,
                      const char *body, long timeout_ms,
                      struct scim_response *out)
{
	CURLcode rc;
	char *ct = NULL;

	memset(out, 0, sizeof *out);
	h->len = 0;
	h->too_big = 0;
	h->retry_after[0] = '\0';
	h->etag[0] = '\0';
	memset(h->rl, 0xff, sizeof h->rl); /* all -1 */
	h->errbuf[0] = '\0';
	if (h->buf)
		h->buf[0] = '\0';
	if (set_url(h, path)) {
		out->curl_code = CURLE_OUT_OF_MEMORY;
		snprintf(out->curl_error, sizeof out->curl_error,
		         "out of memory");
		return -1;
	}
	set_method(h, method, body);
	if (set_if_match(h, body) != 0) {
		out->curl_code = CURLE_OUT_OF_MEMORY;
		snprintf(out->curl_error, sizeof out->curl_error,
		         "out of memory");
		return -1;
	}
	curl_easy_setopt(h->easy, CURLOPT_TIMEOUT_MS,
	                 timeout_ms > 0 ? timeout_ms : 1L);
	rc = curl_easy_perform(h->easy);
	out->curl_code = (int)rc;
	out->too_big = h->too_big || rc == CURLE_FILESIZE_EXCEEDED;
	/* a target that echoes the token must not get it into any excerpt:
	 * scrub the whole body before anyone parses or cuts it */
	if (h->buf)
		h->len = scim_scrub(h->buf, h->len, h->token);
	out->body = h->buf ? h->buf : "";
	out->body_len = h->len;
	memcpy(out->retry_after, h->retry_after, sizeof out->retry_after);
	memcpy(out->etag, h->etag, sizeof out->etag);
	take_rate_headers(h, out);
	curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &out->http);
	if (curl_easy_getinfo(h->easy, CURLINFO_CONTENT_TYPE, &ct) ==
	            CURLE_OK &&
	    ct)
		snprintf(out->content_type, sizeof out->content_type, "%s", ct);
	if (rc != CURLE_OK) {
		snprintf(out->curl_error, sizeof out->curl_error, "%s",
		         h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc));
		size_t n = strlen(out->curl_error);
		while (n > 0 && (out->curl_error[n - 1] == '\n' ||
		                 out->curl_error[n - 1] == '\r'))
			out->curl_error[--n] = '\0';
		return -1;
	}
	return 0;
}

const char *scim_http_base_url(const struct scim_http *h)
{
	return h->base;
}

void scim_http_free(struct scim_http *h)
{
	if (!h)
		return;
	if (h->easy)
		curl_easy_cleanup(h->easy);
	wipe_headers(h->hdr_read);
	wipe_headers(h->hdr_write);
	wipe_headers(h->hdr_once);
	if (h->token) {
		explicit_bzero(h->token, strlen(h->token));
		free(h->token);
	}
	free(h->base);
	free(h->url);
	free(h->buf);
	free(h);
}
