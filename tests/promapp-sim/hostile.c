/*
 * --hostile-writes: a target that refuses every write in a way that tests
 * provhost's defences. echo-token puts the request's Authorization header
 * into the error detail after a pad that grows by one byte per answer, so
 * successive answers place the token at every offset around a client's
 * excerpt cut; bad-utf8 answers a detail with invalid UTF-8 (which also
 * makes the body invalid JSON). Thread-safe (one atomic counter).
 */
#include "sim.h"

#include <stdlib.h>
#include <string.h>

static bool is_write(const char *method)
{
	return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
	       strcmp(method, "PATCH") == 0 || strcmp(method, "DELETE") == 0;
}

static void echo_token(struct sim *sim, const struct sim_request *req,
                       struct sim_reply *r)
{
	unsigned k = atomic_fetch_add(&sim->hostile_seq, 1) % 256;
	size_t pad = sim->opt->hostile_pad + k;
	const char *auth = req->authorization ? req->authorization : "";
	size_t alen = strlen(auth);
	static const char lead[] = "Authorization: ",
	                  tail[] = " may not write here";
	char *detail = malloc(pad + sizeof lead + alen + sizeof tail);
	json_t *body;

	if (!detail) {
		reply_errorf(r, 500, NULL, "out of memory");
		return;
	}
	memset(detail, 'x', pad);
	memcpy(detail + pad, lead, sizeof lead - 1);
	memcpy(detail + pad + sizeof lead - 1, auth, alen);
	memcpy(detail + pad + sizeof lead - 1 + alen, tail, sizeof tail);
	body = json_pack("{s:[s],s:s,s:s}", "schemas", SCIM_ERROR_SCHEMA,
	                 "status", "400", "detail", detail);
	free(detail);
	if (!body) {
		reply_errorf(r, 500, NULL, "out of memory");
		return;
	}
	reply_json(r, 400, body);
	json_decref(body);
}

static void bad_utf8(struct sim_reply *r)
{
	static const char body[] =
	        "{\"schemas\":[\"" SCIM_ERROR_SCHEMA "\"],\"status\":\"400\","
	        "\"detail\":\"name M\xfcller \xff\xfe\xc0\xaf refused "
	        "\xe2\x82\"}";
	char *copy = malloc(sizeof body);

	if (!copy) {
		reply_errorf(r, 500, NULL, "out of memory");
		return;
	}
	memcpy(copy, body, sizeof body);
	reply_body(r, 400, copy, sizeof body - 1);
}

bool hostile_handle(struct sim *sim, const struct sim_request *req,
                    struct sim_reply *r)
{
	if (sim->opt->hostile == HOSTILE_NONE || !is_write(req->method))
		return false;
	if (sim->opt->hostile == HOSTILE_ECHO_TOKEN)
		echo_token(sim, req, r);
	else
		bad_utf8(r);
	return true;
}
