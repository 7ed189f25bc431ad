/*
 * The SCIM API under /api/scim: bearer authentication, routing, request
 * body checks and the /Users handlers.
 */
#include "sim.h"

#include "filter.h"
#include "user_json.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ALLOW_COLLECTION "GET, POST"
#define ALLOW_ITEM       "GET, PUT, PATCH, DELETE"

/* Compares without an early exit, so timing reveals nothing of the token. */
static bool token_equal(const char *given, size_t n, const char *want)
{
	size_t i, len = strlen(want);
	unsigned char diff = (unsigned char)(n != len);

	for (i = 0; i < len; i++)
		diff |= (unsigned char)(want[i] ^ (i < n ? given[i] : 0));
	return diff == 0;
}

/* Returns true when the request may go on; else r holds a 401 or 403. */
static bool authenticate(const struct sim *sim, const char *header,
                         struct sim_reply *r)
{
	const char *tok;
	size_t n;

	if (header && strncasecmp(header, "Bearer ", 7) == 0) {
		tok = header + 7;
		while (*tok == ' ')
			tok++;
		n = strlen(tok);
		while (n && (tok[n - 1] == ' ' || tok[n - 1] == '\t'))
			n--;
		if (token_equal(tok, n, sim->opt->token))
			return true;
		if (sim->opt->scopeless_token &&
		    token_equal(tok, n, sim->opt->scopeless_token)) {
			reply_errorf(r, 403, NULL,
			             "the access token lacks the SCIM scope");
			return false;
		}
	}
	reply_errorf(r, 401, NULL,
	             header ? "the bearer token is invalid or expired"
	                    : "missing Authorization: Bearer token");
	r->auth_challenge = true;
	return false;
}

static bool content_type_ok(const char *ct)
{
	static const char *const accepted[] = {
	        "application/json",
	        "application/scim+json",
	        "application/json-patch+json",
	};
	size_t i, n;

	if (!ct)
		return false;
	while (*ct == ' ')
		ct++;
	n = strcspn(ct, "; \t");
	for (i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++)
		if (n == strlen(accepted[i]) &&
		    strncasecmp(ct, accepted[i], n) == 0)
			return true;
	return false;
}

/* Parses the JSON body; returns a new reference or NULL with r set. */
static json_t *parse_body(const struct sim_request *req, struct sim_reply *r)
{
	json_error_t jerr;
	json_t *body;

	if (!content_type_ok(req->content_type)) {
		reply_errorf(r, 415, NULL,
		             "unsupported Content-Type '%.80s': use "
		             "application/scim+json or application/json",
		             req->content_type ? req->content_type : "(none)");
		return NULL;
	}
	if (!req->body_len) {
		reply_errorf(r, 400, "invalidSyntax",
		             "the request body is empty");
		return NULL;
	}
	body = json_loadb(req->body, req->body_len, 0, &jerr);
	if (!body)
		reply_errorf(r, 400, "invalidSyntax",
		             "malformed JSON body: %s (line %d, column %d)",
		             jerr.text, jerr.line, jerr.column);
	return body;
}

/*
 * Parses a paging parameter. Absent: def. Out-of-range values are clamped
 * to [min, max] (RFC 7644 §3.4.2.4: startIndex < 1 means 1, count < 0
 * means 0). Returns false (r set to 400) when it is not an integer.
 */
static bool paging_value(const char *s, const char *name, long long def,
                         long long min, long long max, unsigned long *out,
                         struct sim_reply *r)
{
	long long v = def;
	char *end;

	if (s) {
		errno = 0;
		v = strtoll(s, &end, 10);
		if (end == s || *end) {
			reply_errorf(r, 400, "invalidValue",
			             "%s must be an integer", name);
			return false;
		}
	}
	*out = (unsigned long)(v < min ? min : v > max ? max : v);
	return true;
}

static void list_users(struct sim *sim, const struct sim_request *req,
                       struct sim_reply *r)
{
	struct scim_error err;
	struct filter f;
	unsigned long start, count;
	long long max = sim->opt->max_count;

	struct page_quirks q = {
	        .repeat_first_page_past_end =
	                sim->opt->repeat_first_page_past_end,
	        .total_skew = sim->opt->total_results_skew,
	};

	if (!paging_value(req->start_index, "startIndex", 1, 1, LONG_MAX / 2,
	                  &start, r) ||
	    !paging_value(req->count, "count", max < 100 ? max : 100, 0, max,
	                  &count, r))
		return;
	if (hostile_list_answer(sim, r))
		return;
	hostile_list_count(sim, req, &count);
	if (sim->opt->blind_lists && !req->filter) {
		/* what some servers answer a token without read scope */
		char *body = NULL;
		int len = asprintf(&body,
		                   "{\"schemas\":[\"urn:ietf:params:scim:api:"
		                   "messages:2.0:ListResponse\"],"
		                   "\"totalResults\":0,\"startIndex\":%lu,"
		                   "\"itemsPerPage\":0,\"Resources\":[]}",
		                   start);

		if (len < 0)
			reply_errorf(r, 500, NULL, "out of memory");
		else
			reply_body(r, 200, body, (size_t)len);
		return;
	}
	if (sim->opt->max_page_size && count > sim->opt->max_page_size)
		count = sim->opt->max_page_size; /* silently, as real ones do */
	if (!req->filter) {
		store_query(sim->store, NULL, start, count, &q, r);
		return;
	}
	if (filter_parse(&f, req->filter, &err) < 0) {
		reply_error(r, &err);
	} else {
		f.case_sensitive = sim->opt->case_sensitive_filter;
		store_query(sim->store, &f, start, count, &q, r);
	}
	filter_release(&f);
	hostile_list_finish(sim, req, r);
}

/* POST /Users and PUT /Users/{id}: validate the body, then store it. */
static void write_user(struct sim *sim, const struct sim_request *req,
                       const char *id, struct sim_reply *r)
{
	struct scim_error err;
	json_t *body = parse_body(req, r), *attrs;

	if (!body)
		return;
	attrs = user_attrs_from_json(body, &sim->opt->roles, &err);
	if (!attrs)
		reply_error(r, &err);
	else if (id)
		store_replace(sim->store, id, attrs, r);
	else
		store_create(sim->store, attrs, r);
	json_decref(attrs);
	json_decref(body);
}

static void patch_user(struct sim *sim, const struct sim_request *req,
                       const char *id, struct sim_reply *r)
{
	json_t *body = parse_body(req, r);

	if (!body)
		return;
	store_patch(sim->store, id, body, r);
	json_decref(body);
}

static bool is(const char *method, const char *want)
{
	return strcmp(method, want) == 0;
}

static void method_not_allowed(struct sim_reply *r, const char *method,
                               const char *allow)
{
	reply_errorf(r, 405, NULL, "method %.20s is not allowed here", method);
	r->allow = allow;
}

static void users_collection(struct sim *sim, const struct sim_request *req,
                             struct sim_reply *r)
{
	if (is(req->method, "GET") || is(req->method, "HEAD"))
		list_users(sim, req, r);
	else if (is(req->method, "POST"))
		write_user(sim, req, NULL, r);
	else
		method_not_allowed(r, req->method, ALLOW_COLLECTION);
}

static void users_item(struct sim *sim, const struct sim_request *req,
                       const char *id, struct sim_reply *r)
{
	if (etag_precondition(sim, req, id, r))
		return;
	if (is(req->method, "GET") || is(req->method, "HEAD"))
		store_get(sim->store, id, r);
	else if (is(req->method, "PUT"))
		write_user(sim, req, id, r);
	else if (is(req->method, "PATCH"))
		patch_user(sim, req, id, r);
	else if (is(req->method, "DELETE"))
		store_deactivate(sim->store, id, r);
	else
		method_not_allowed(r, req->method, ALLOW_ITEM);
}

/* Routes rest (what follows /Users) to the collection or an item. */
static void users_route(struct sim *sim, const struct sim_request *req,
                        const char *rest, struct sim_reply *r)
{
	char id[64];
	size_t n;

	if (!*rest || strcmp(rest, "/") == 0) {
		users_collection(sim, req, r);
		return;
	}
	rest++;
	n = strcspn(rest, "/");
	if (n == 0 || n >= sizeof(id) || (rest[n] && rest[n + 1])) {
		reply_errorf(r, 404, NULL, "no such resource");
		return;
	}
	memcpy(id, rest, n);
	id[n] = '\0';
	users_item(sim, req, id, r);
}

static bool is_discovery_path(const char *path)
{
	static const char *const names[] = {
	        "/ServiceProviderConfig",
	        "/Schemas",
	        "/ResourceTypes",
	};
	size_t i, n;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		n = strlen(names[i]);
		if (strncasecmp(path, names[i], n) == 0 &&
		    (path[n] == '\0' || path[n] == '/'))
			return true;
	}
	return false;
}

/* GET /Me (RFC 7644 section 3.11) with --me: the token's own user. */
static void me_handle(struct sim *sim, const struct sim_request *req,
                      struct sim_reply *r)
{
	struct scim_error err;
	struct filter f;
	json_t *list, *user;
	char text[400];

	if (!is(req->method, "GET")) {
		method_not_allowed(r, req->method, "GET");
		return;
	}
	snprintf(text, sizeof(text), "userName eq \"%s\"", sim->opt->me);
	if (filter_parse(&f, text, &err) < 0) {
		reply_error(r, &err);
		filter_release(&f);
		return;
	}
	store_query(sim->store, &f, 1, 1, NULL, r);
	filter_release(&f);
	list = r->body ? json_loadb(r->body, r->body_len, 0, NULL) : NULL;
	user = json_array_get(json_object_get(list, "Resources"), 0);
	reply_release(r);
	reply_init(r);
	if (user) {
		char *body = json_dumps(user, JSON_COMPACT);

		if (body)
			reply_body(r, 200, body, strlen(body));
		else
			reply_errorf(r, 500, NULL, "out of memory");
	} else {
		reply_errorf(r, 404, NULL, "the token's user does not exist");
	}
	json_decref(list);
}

void scim_api_handle(struct sim *sim, const struct sim_request *req,
                     struct sim_reply *r)
{
	const char *path = req->path + strlen(SCIM_BASE_PATH);

	if (!authenticate(sim, req->authorization, r))
		return;
	if (hostile_handle(sim, req, r))
		return;
	if (strncasecmp(path, "/Users", 6) == 0 &&
	    (path[6] == '\0' || path[6] == '/')) {
		users_route(sim, req, path + 6, r);
		etag_set(sim, r);
		return;
	}
	if (sim->opt->me && strcasecmp(path, "/Me") == 0) {
		me_handle(sim, req, r);
		return;
	}
	if (sim->opt->discovery && is_discovery_path(path)) {
		if (!is(req->method, "GET") && !is(req->method, "HEAD"))
			method_not_allowed(r, req->method, "GET");
		else
			discovery_handle(sim, path, r);
		return;
	}
	reply_errorf(r, 404, NULL,
	             "no such endpoint: Promapp's SCIM API "
	             "only serves /Users");
}
