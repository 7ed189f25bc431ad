/* One SCIM request with status mapping; see scim_client.h. */
#include "scimclient/scim_client.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int scim_call_is_dry_run(const provhost_call *call)
{
	return call && (call->flags & PROVHOST_CALL_DRY_RUN);
}

int scim_fail(provhost_error *err, int status, int retryable, int remote_code,
              const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return status;
	err->status = status;
	err->retryable = retryable;
	err->remote_code = remote_code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	for (char *p = err->message; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	}
	return status;
}

void scim_format(char *buf, size_t buf_len, const char *fmt, ...)
{
	va_list ap;

	if (buf_len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, buf_len, fmt, ap);
	va_end(ap);
	for (char *p = buf; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	}
}

void scim_redact(char *text, size_t text_size, const char *secret)
{
	static const char mark[] = "[redacted]";
	size_t slen = secret ? strlen(secret) : 0;
	char *hit, *from = text;

	if (slen == 0 || !text)
		return;
	while ((hit = strstr(from, secret))) {
		size_t tail = strlen(hit + slen);
		size_t at = (size_t)(hit - text);
		size_t mlen = sizeof mark - 1;
		if (at + mlen >= text_size)
			mlen = text_size - at - 1;
		if (at + mlen + tail >= text_size)
			tail = text_size - at - mlen - 1;
		memmove(text + at + mlen, hit + slen, tail);
		memcpy(text + at, mark, mlen);
		text[at + mlen + tail] = '\0';
		from = text + at + mlen; /* the mark may contain the secret */
	}
}

void scim_reply_release(struct scim_reply *reply)
{
	json_decref(reply->json);
	reply->json = NULL;
}

/* Length of path without its query, for messages. */
static int path_len_for_msg(const char *path)
{
	return (int)strcspn(path, "?");
}

static int fail_transport(struct scim_client *c, const char *method,
                          const char *path, long timeout_ms,
                          const struct scim_response *r, provhost_error *err)
{
	const char *base = scim_http_base_url(c->http);
	int pl = path_len_for_msg(path);
	struct scim_status_map m = scim_status_from_curl(r->curl_code);

	if (r->too_big)
		return scim_fail(err, PROVHOST_E_PROTOCOL, 0, (int)r->http,
		                 "%s answered %s %.*s with more than %u bytes",
		                 c->label, method, pl, path,
		                 SCIM_HTTP_MAX_RESPONSE);
	switch (m.status) {
	case PROVHOST_E_DNS:
		return scim_fail(err, m.status, m.retryable, 0,
		                 "could not resolve the host of %s: %s", base,
		                 r->curl_error);
	case PROVHOST_E_CONNECT:
		return scim_fail(err, m.status, m.retryable, 0,
		                 "could not connect to %s: %s", base,
		                 r->curl_error);
	case PROVHOST_E_TLS:
		return scim_fail(err, m.status, m.retryable, 0,
		                 "the TLS connection to %s failed: %s", base,
		                 r->curl_error);
	case PROVHOST_E_TIMEOUT:
		return scim_fail(err, m.status, m.retryable, (int)r->http,
		                 "%s did not answer %s %.*s within %ld ms: %s",
		                 c->label, method, pl, path, timeout_ms,
		                 r->curl_error);
	default:
		return scim_fail(err, m.status, m.retryable, (int)r->http,
		                 "%s %.*s to %s failed: %s", method, pl, path,
		                 base, r->curl_error);
	}
}

static int fail_http(struct scim_client *c, const char *method,
                     const char *path, enum scim_target_kind kind,
                     struct scim_reply *reply, provhost_error *err)
{
	const struct scim_response *r = reply->raw;
	struct scim_status_map m = scim_status_from_http(r->http, kind);
	char excerpt[SCIM_EXCERPT_MAX + 1];
	const char *what = excerpt;
	int pl = path_len_for_msg(path);

	scim_error_parse(r->body, r->body_len, &reply->error);
	if (reply->error.detail[0])
		what = reply->error.detail;
	else
		scim_excerpt(r->body, r->body_len, excerpt, sizeof excerpt,
		             SCIM_EXCERPT_MAX);
	scim_fail(err, m.status, m.retryable, (int)r->http,
	          "%s answered %ld to %s %.*s%s%s", c->label, r->http, method,
	          pl, path, *what ? ": " : "", what);
	if (r->http == 429 || r->http == 503)
		err->retry_after_ms = scim_retry_after_ms(r->retry_after,
		                                          (int64_t)time(NULL));
	if (r->http == 429 && !err->retry_after_ms && r->rl_remaining == 0 &&
	    r->rl_reset > 0 && r->rl_reset <= 86400)
		err->retry_after_ms = (uint32_t)r->rl_reset * 1000u;
	return m.status;
}

static int looks_like_html(const struct scim_response *r)
{
	const char *p = r->body;

	if (strstr(r->content_type, "html"))
		return 1;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return *p == '<';
}

/* A 2xx whose body jansson refused (reply->raw set): says where the answer
 * came from and why it is not JSON. jansson parses with a depth limit
 * (JSON_PARSER_MAX_DEPTH), so a deeply nested answer is refused, not a
 * stack overflow; it gets its own words. */
static int fail_not_json(struct scim_client *c, const char *method,
                         const char *path, const json_error_t *jerr,
                         struct scim_reply *reply, provhost_error *err)
{
	const struct scim_response *r = reply->raw;
	char excerpt[SCIM_EXCERPT_MAX + 1];
	int pl = path_len_for_msg(path);

	reply->not_json = 1;
	reply->looks_html = looks_like_html(r);
	if (json_error_code(jerr) == json_error_stack_overflow) {
		reply->too_deep = 1;
		return scim_fail(
		        err, PROVHOST_E_PROTOCOL, 0, (int)r->http,
		        "the answer at %s%.*s (%s answered %ld to %s) is "
		        "JSON nested too deeply (more than %d levels), so "
		        "it was not read",
		        scim_http_base_url(c->http), pl, path, c->label,
		        r->http, method, JSON_PARSER_MAX_DEPTH);
	}
	scim_excerpt(r->body, r->body_len, excerpt, sizeof excerpt,
	             SCIM_EXCERPT_MAX);
	return scim_fail(err, PROVHOST_E_PROTOCOL, 0, (int)r->http,
	                 "the answer at %s%.*s (%s answered %ld to %s) is "
	                 "not valid JSON (%s at line %d column %d): %s",
	                 scim_http_base_url(c->http), pl, path, c->label,
	                 r->http, method, jerr->text, jerr->line, jerr->column,
	                 excerpt);
}

/* Milliseconds left before the call's deadline, or -1 for no deadline. */
static int64_t remaining_ms(struct scim_client *c, const provhost_call *call)
{
	if (!call || call->deadline_ms <= 0)
		return -1;
	int64_t left = call->deadline_ms - c->api->now_ms(c->host);
	return left > 0 ? left : 0;
}

/* Hands the answer's rate-limit headers to the host (ABI 1.2 rate_limit)
 * when it has the service and the answer had one. */
static void report_rate_headers(struct scim_client *c,
                                const provhost_call *call,
                                const struct scim_response *r)
{
	if (!PROVHOST_HAS_FIELD(c->api, provhost_host_api, rate_limit) ||
	    !c->api->rate_limit || r->http <= 0)
		return;
	if (r->rl_limit < 0 && r->rl_remaining < 0 && r->rl_reset < 0)
		return;
	c->api->rate_limit(c->host, call, r->rl_limit, r->rl_remaining,
	                   r->rl_reset >= 0 ? (int64_t)r->rl_reset * 1000 : -1);
}

int scim_client_send(struct scim_client *c, const provhost_call *call,
                     const char *method, const char *path, const char *body,
                     enum scim_target_kind kind, struct scim_reply *reply,
                     provhost_error *err)
{
	json_error_t jerr;
	int64_t left;
	long timeout = c->timeout_ms;
	int pl = path_len_for_msg(path);

	memset(reply, 0, sizeof *reply);
	if (PROVHOST_HAS_FIELD(c->api, provhost_host_api, pace) &&
	    c->api->pace && c->api->pace(c->host, call) != PROVHOST_OK)
		return scim_fail(err, PROVHOST_E_TIMEOUT, 1, 0,
		                 "the call's deadline would pass while waiting "
		                 "to send %s %.*s to %s",
		                 method, pl, path, c->label);
	left = remaining_ms(c, call);
	if (left == 0)
		return scim_fail(err, PROVHOST_E_TIMEOUT, 1, 0,
		                 "the call's deadline passed before %s %.*s "
		                 "was sent to %s",
		                 method, pl, path, c->label);
	if (left > 0 && left < timeout)
		timeout = (long)left;
	reply->raw = &reply->resp;
	if (scim_http_request(c->http, method, path, body, timeout,
	                      &reply->resp)) {
		reply->http = reply->resp.http;
		return fail_transport(c, method, path, timeout, &reply->resp,
		                      err);
	}
	reply->http = reply->resp.http;
	report_rate_headers(c, call, &reply->resp);
	if (reply->http < 200 || reply->http > 299)
		return fail_http(c, method, path, kind, reply, err);
	if (reply->resp.body_len == 0)
		return PROVHOST_OK;
	reply->json =
	        json_loadb(reply->resp.body, reply->resp.body_len, 0, &jerr);
	if (!reply->json)
		return fail_not_json(c, method, path, &jerr, reply, err);
	return PROVHOST_OK;
}

int scim_client_write(struct scim_client *c, const provhost_call *call,
                      const char *method, const char *path, json_t *body,
                      enum scim_target_kind kind, struct scim_reply *reply,
                      provhost_error *err)
{
	char *text = NULL;
	int rc;

	if (body) {
		text = json_dumps(body, JSON_COMPACT);
		if (!text)
			return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
			                 "out of memory serialising %s %s",
			                 method, path);
	}
	if (scim_call_is_dry_run(call)) {
		memset(reply, 0, sizeof *reply);
		reply->dry_run = 1;
		c->api->planned_write(c->host, call, method, path, text);
		free(text);
		return PROVHOST_OK;
	}
	rc = scim_client_send(c, call, method, path, text, kind, reply, err);
	free(text);
	return rc;
}
