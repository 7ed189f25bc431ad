/*
 * --hostile-lists: answers to GET /Users that a careful client must not
 * take at face value (see options.h and README.md).
 *
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

void hostile_list_count(const struct sim *sim, const struct sim_request *req,
                        unsigned long *count)
{
	enum hostile_list_mode m = sim->opt->hostile_lists;

	if (!req->filter)
		return;
	if (m == HOSTILE_LIST_EMPTY ||
	    (m == HOSTILE_LIST_COUNT0 && !req->count))
		*count = 0;
}

bool hostile_list_answer(const struct sim *sim, struct sim_reply *r)
{
	static const char bad[] =
	        "{\"schemas\":[\"" SCIM_LIST_SCHEMA
	        "\"],\"totalResults\":1,\"Resources\":[{\"id\":";
	unsigned long n = sim->opt->hostile_list_n;
	char *body;

	if (sim->opt->hostile_lists == HOSTILE_LIST_BAD_JSON) {
		body = malloc(sizeof bad);
		if (body)
			memcpy(body, bad, sizeof bad);
		reply_body(r, 200, body, sizeof bad - 1);
		return true;
	}
	if (sim->opt->hostile_lists != HOSTILE_LIST_DEEP_JSON)
		return false;
	body = malloc(2 * n + 1);
	if (body) {
		memset(body, '[', n);
		memset(body + n, ']', n);
		body[2 * n] = '\0';
	}
	reply_body(r, 200, body, 2 * n);
	return true;
}

void hostile_list_finish(const struct sim *sim, const struct sim_request *req,
                         struct sim_reply *r)
{
	json_t *list, *total;

	if (sim->opt->hostile_lists != HOSTILE_LIST_TOTAL_PLUS ||
	    !req->filter || r->status != 200)
		return;
	list = json_loadb(r->body, r->body_len, 0, NULL);
	total = json_object_get(list, "totalResults");
	if (json_is_integer(total)) {
		json_integer_set(total,
		                 json_integer_value(total) +
		                         (json_int_t)sim->opt->hostile_list_n);
		reply_json(r, 200, list);
	}
	json_decref(list);
}
