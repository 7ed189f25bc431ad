/*
 * Test-only endpoints under /__sim (loopback only, no authentication, no
 * fault injection, not counted in the stats):
 *   GET  /__sim/users   every user, inactive ones included (JSON array)
 *   POST /__sim/users   insert one user object directly (201 + the user)
 *   GET  /__sim/stats   request counters
 *   POST /__sim/reset   remove every user and zero the counters
 */
#include "sim.h"

#include "user_json.h"

#include <string.h>

static void dump_users(struct sim *sim, struct sim_reply *r)
{
	size_t len;
	char *body = store_dump(sim->store, &len, NULL);

	if (!body)
		reply_errorf(r, 500, NULL, "out of memory");
	else
		reply_body(r, 200, body, len);
}

/* Inserts a user as POST /Users would, minus auth, knobs and the role
 * list (any role name is accepted). */
static void insert_user(struct sim *sim, const struct sim_request *req,
                        struct sim_reply *r)
{
	struct scim_error err;
	json_error_t jerr;
	json_t *body, *attrs;

	body = req->body_len ? json_loadb(req->body, req->body_len, 0, &jerr)
	                     : NULL;
	if (!body) {
		reply_errorf(r, 400, "invalidSyntax",
		             "expected a JSON user object");
		return;
	}
	attrs = user_attrs_from_json(body, NULL, &err);
	if (!attrs)
		reply_error(r, &err);
	else
		store_create(sim->store, attrs, r);
	json_decref(attrs);
	json_decref(body);
}

static void render_stats(struct sim *sim, struct sim_reply *r)
{
	size_t len;
	char *body = stats_render(&sim->stats, &len);

	if (!body)
		reply_errorf(r, 500, NULL, "out of memory");
	else
		reply_body(r, 200, body, len);
}

static void reset(struct sim *sim, struct sim_reply *r)
{
	store_reset(sim->store);
	stats_reset(&sim->stats);
	faults_reset(&sim->faults);
	reply_body(r, 204, NULL, 0);
}

void sim_api_handle(struct sim *sim, const struct sim_request *req,
                    struct sim_reply *r)
{
	bool get = strcmp(req->method, "GET") == 0;
	bool post = strcmp(req->method, "POST") == 0;
	const char *p = req->path;

	if (strcmp(p, "/__sim/users") == 0 && (get || post)) {
		if (get)
			dump_users(sim, r);
		else
			insert_user(sim, req, r);
	} else if (strcmp(p, "/__sim/stats") == 0 && get) {
		render_stats(sim, r);
	} else if (strcmp(p, "/__sim/reset") == 0 && post) {
		reset(sim, r);
	} else if (strcmp(p, "/__sim/users") == 0 ||
	           strcmp(p, "/__sim/stats") == 0 ||
	           strcmp(p, "/__sim/reset") == 0) {
		reply_errorf(r, 405, NULL, "method %.20s is not allowed here",
		             req->method);
		r->allow = strcmp(p, "/__sim/users") == 0   ? "GET, POST"
		           : strcmp(p, "/__sim/stats") == 0 ? "GET"
		                                            : "POST";
	} else {
		reply_errorf(r, 404, NULL, "no such test endpoint");
	}
}
