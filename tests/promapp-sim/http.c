/* libmicrohttpd glue (see http.h). */
#include "http.h"

#include "buf.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

/* Per-request state, from the first call of the handler to completion. */
struct http_request {
	struct sbuf body;
	bool too_large;
};

static bool is_scim_path(const char *url)
{
	size_t n = strlen(SCIM_BASE_PATH);

	return strncasecmp(url, SCIM_BASE_PATH, n) == 0 &&
	       (url[n] == '\0' || url[n] == '/');
}

static bool client_is_loopback(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *info =
	        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = info ? info->client_addr : NULL;

	if (!sa)
		return false;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;
		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
		       (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) &&
		        in6->sin6_addr.s6_addr[12] == 127);
	}
	return false;
}

static const char *header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static const char *query(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

/* --window-limit's headers: X-RateLimit-* (GitHub and others) or the
 * IETF draft's RateLimit-* (--ietf-rate-headers); Reset in seconds. */
static bool ietf_headers, reset_epoch;

static void add_rate_headers(struct MHD_Response *resp,
                             const struct sim_reply *r)
{
	const char *prefix = ietf_headers ? "RateLimit-" : "X-RateLimit-";
	char name[32], value[32];

	snprintf(name, sizeof(name), "%sLimit", prefix);
	snprintf(value, sizeof(value), "%ld", r->rl_limit);
	MHD_add_response_header(resp, name, value);
	snprintf(name, sizeof(name), "%sRemaining", prefix);
	snprintf(value, sizeof(value), "%ld", r->rl_remaining);
	MHD_add_response_header(resp, name, value);
	snprintf(name, sizeof(name), "%sReset", prefix);
	snprintf(value, sizeof(value), "%ld",
	         reset_epoch ? (long)time(NULL) + r->rl_reset : r->rl_reset);
	MHD_add_response_header(resp, name, value);
}

/* Sends r (whose body moves into the response). */
static enum MHD_Result send_reply(struct MHD_Connection *c, struct sim_reply *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char retry[16];

	if (r->body)
		resp = MHD_create_response_from_buffer(r->body_len, r->body,
		                                       MHD_RESPMEM_MUST_FREE);
	else
		resp = MHD_create_response_from_buffer(0, (void *)"",
		                                       MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		reply_release(r);
		return MHD_NO;
	}
	r->body = NULL;
	if (r->body_len)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
		                        SCIM_CONTENT_TYPE);
	if (r->location[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION,
		                        r->location);
	if (r->retry_after) {
		snprintf(retry, sizeof(retry), "%u", r->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER,
		                        retry);
	}
	if (r->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	if (r->etag[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, r->etag);
	if (r->rl_limit > 0)
		add_rate_headers(resp, r);
	if (r->auth_challenge)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		                        "Bearer realm=\"promapp-sim\"");
	ret = MHD_queue_response(c, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void reply_too_large(struct sim *sim, struct sim_reply *r)
{
	reply_errorf(r, 413, NULL,
	             "the request body exceeds the limit of %zu bytes",
	             sim->opt->max_body);
}

/* The /api/scim pipeline: faults, latency, then the API. Returns false
 * when the connection is to be dropped. */
static bool serve_scim(struct sim *sim, struct MHD_Connection *c,
                       const struct sim_request *req, bool too_large,
                       struct sim_reply *r)
{
	unsigned retry_after;
	enum fault_verdict v;
	bool in_window;

	stats_count_request(&sim->stats, req->method);
	v = faults_check(&sim->faults, &retry_after);
	if (v == FAULT_NONE) {
		in_window = faults_window(&sim->faults, &r->rl_limit,
		                          &r->rl_remaining, &r->rl_reset);
		if (!in_window) {
			/* no Retry-After: the headers say when */
			reply_errorf(r, 429, NULL,
			             "too many requests in this window");
			stats_count_status(&sim->stats, r->status);
			return true;
		}
	}
	switch (v) {
	case FAULT_DROP:
		stats_count_drop(&sim->stats);
		return false;
	case FAULT_FAIL:
		faults_delay(&sim->faults);
		reply_errorf(r, 503, NULL,
		             "service temporarily unavailable (injected)");
		r->retry_after = retry_after;
		break;
	case FAULT_RATE_LIMITED:
		reply_errorf(r, 429, NULL, "too many requests");
		r->retry_after = retry_after;
		break;
	case FAULT_NONE:
		faults_delay(&sim->faults);
		if (too_large)
			reply_too_large(sim, r);
		else
			scim_api_handle(sim, req, r);
		break;
	}
	stats_count_status(&sim->stats, r->status);
	return true;
}

static enum MHD_Result dispatch(struct sim *sim, struct MHD_Connection *c,
                                const char *url, const char *method,
                                struct http_request *hr)
{
	struct sim_request req = {
	        .method = method,
	        .path = url,
	        .body = hr->body.data,
	        .body_len = hr->body.len,
	        .content_type = header(c, MHD_HTTP_HEADER_CONTENT_TYPE),
	        .authorization = header(c, MHD_HTTP_HEADER_AUTHORIZATION),
	        .filter = query(c, "filter"),
	        .start_index = query(c, "startIndex"),
	        .count = query(c, "count"),
	        .if_match = header(c, MHD_HTTP_HEADER_IF_MATCH),
	};
	struct sim_reply r;

	reply_init(&r);
	if (is_scim_path(url)) {
		if (!serve_scim(sim, c, &req, hr->too_large, &r))
			return MHD_NO;
	} else if (strncmp(url, "/__sim/", 7) == 0) {
		if (!client_is_loopback(c))
			reply_errorf(&r, 403, NULL,
			             "test endpoints answer loopback only");
		else if (hr->too_large)
			reply_too_large(sim, &r);
		else
			sim_api_handle(sim, &req, &r);
	} else {
		reply_errorf(&r, 404, NULL,
		             "not found: the SCIM API is at " SCIM_BASE_PATH);
	}
	return send_reply(c, &r);
}

/* Answers 413 before reading a body whose Content-Length is too big. */
static enum MHD_Result refuse_early(struct sim *sim, struct MHD_Connection *c,
                                    const char *url, const char *method)
{
	struct sim_reply r;

	reply_init(&r);
	reply_too_large(sim, &r);
	if (is_scim_path(url)) {
		stats_count_request(&sim->stats, method);
		stats_count_status(&sim->stats, r.status);
	}
	return send_reply(c, &r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	struct sim *sim = cls;
	struct http_request *hr = *con_cls;
	const char *length;

	if (!hr) {
		hr = calloc(1, sizeof(*hr));
		if (!hr)
			return MHD_NO;
		*con_cls = hr;
		length = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (length && strtoull(length, NULL, 10) > sim->opt->max_body) {
			hr->too_large = true;
			return refuse_early(sim, c, url, method);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!hr->too_large &&
		    hr->body.len + *upload_data_size > sim->opt->max_body) {
			hr->too_large = true;
			sbuf_release(&hr->body);
		}
		if (!hr->too_large)
			sbuf_append(&hr->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (hr->body.oom)
		return MHD_NO;
	return dispatch(sim, c, url, method, hr);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct http_request *hr = *con_cls;

	if (!hr)
		return;
	sbuf_release(&hr->body);
	free(hr);
	*con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c,
                          void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
	struct sim *sim = cls;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED)
		stats_connection_opened(&sim->stats);
	else
		stats_connection_closed(&sim->stats);
}

struct MHD_Daemon *http_start(struct sim *sim, unsigned *port)
{
	const struct sim_options *o = sim->opt;
	struct sockaddr_in addr;
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *d;
	unsigned int flags;
	unsigned pool = 0;

	ietf_headers = o->ietf_rate_headers;
	reset_epoch = o->rate_reset_epoch;
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)o->port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (o->latency_ms || o->jitter_ms) {
		flags = MHD_USE_THREAD_PER_CONNECTION |
		        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
	} else {
		flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO;
		pool = o->threads > 1 ? o->threads : 0;
	}
	d = MHD_start_daemon(
	        flags, 0, NULL, NULL, on_request, sim, MHD_OPTION_SOCK_ADDR,
	        (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, pool,
	        MHD_OPTION_CONNECTION_LIMIT, 4000U,
	        MHD_OPTION_CONNECTION_TIMEOUT, 60U, MHD_OPTION_NOTIFY_COMPLETED,
	        on_completed, sim, MHD_OPTION_NOTIFY_CONNECTION, on_connection,
	        sim, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr,
		        "promapp-sim: cannot listen on 127.0.0.1:%u (port in "
		        "use?)\n",
		        o->port);
		return NULL;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	*port = info ? info->port : o->port;
	return d;
}

void http_stop(struct MHD_Daemon *daemon)
{
	if (daemon)
		MHD_stop_daemon(daemon);
}
