/* The SCIM connector core's reads: discovery, and finding an account by
 * id or userName (with a filter, or by paging when the target cannot
 * filter). */
#include "scimclient/scim_account.h"
#include "scimclient/scim_core.h"
#include "scimclient/scim_filter.h"

#include <stdio.h>

#define PAGE_SIZE 100
#define MAX_PAGES 100 /* searching without a filter stops after 10,000 */

int scim_core_discover(provhost_instance *inst, const provhost_call *call,
                       provhost_error *err)
{
	struct scim_reply reply;
	char line[1400], features[128];
	int rc;

	if (inst->discovered)
		return PROVHOST_OK;
	rc = scim_conn_send(&inst->conn, call, "GET", SCIM_SPC_PATH, NULL,
	                    SCIM_ON_RESOURCE, &reply, err);
	if (rc == PROVHOST_OK && json_is_object(reply.json)) {
		scim_features_parse(reply.json, &inst->features);
		scim_features_describe(&inst->features, features,
		                       sizeof features);
		snprintf(line, sizeof line, "%s/ServiceProviderConfig: %s",
		         inst->cfg.conn.base_url, features);
		scim_conn_log(&inst->conn, call, PROVHOST_LOG_INFO, line);
	} else if (rc == PROVHOST_E_NOT_FOUND || rc == PROVHOST_E_UNSUPPORTED ||
	           (rc == PROVHOST_OK && !reply.json)) {
		/* Loud on purpose: the assumptions may be wrong for this
		 * target, and a person should know we are guessing. */
		scim_features_assume(&inst->features);
		snprintf(
		        line, sizeof line,
		        "no /ServiceProviderConfig at %s (HTTP %ld): assuming "
		        "PATCH unsupported, filter supported, ETag unsupported",
		        inst->cfg.conn.base_url, reply.http);
		scim_conn_log(&inst->conn, call, PROVHOST_LOG_WARN, line);
		scim_clear_error(err);
		rc = PROVHOST_OK;
	} else if (rc == PROVHOST_OK) {
		rc = scim_fail(err, PROVHOST_E_PROTOCOL, 0, (int)reply.http,
		               "%s answered %ld to GET /ServiceProviderConfig "
		               "with something that is not a JSON object",
		               inst->t->label, reply.http);
	}
	scim_reply_release(&reply);
	if (rc == PROVHOST_OK)
		inst->discovered = 1;
	return rc;
}

/* Looks for user_name in the ListResponse that answered GET what; adds to
 * *n_matches and keeps the first match in *found (new reference). */
static int scan_list(provhost_instance *inst, const struct scim_reply *reply,
                     const char *what, const char *user_name, json_t **found,
                     size_t *n_matches, provhost_error *err)
{
	json_t *match;
	size_t n;

	if (scim_list_find_user(reply->json, user_name, &match, &n) < 0)
		return scim_fail(err, PROVHOST_E_PROTOCOL, 0, (int)reply->http,
		                 "%s answered %ld to GET %s with something "
		                 "that is not a SCIM ListResponse",
		                 inst->t->label, reply->http, what);
	if (match && !*found)
		*found = json_incref(match);
	*n_matches += n;
	return PROVHOST_OK;
}

/* A userName search, page by page: what is asked and how far it got. */
struct search {
	const char *user_name;
	const char *shown; /* the query as messages show it */
	char base[8192];   /* "/Users?filter=..." or "/Users" */
	int filter;        /* base has a filter (it has a query) */
	long long seen;    /* resources received so far */
};

/* Reads the pages of s until every result its totalResults announces has
 * arrived (or, without totalResults, until an empty page; with a filter,
 * after the first answer). A filter query is first sent without paging
 * parameters, as the target pages it by default; later pages ask for
 * startIndex and count explicitly. */
static int search_run(provhost_instance *inst, const provhost_call *call,
                      struct search *s, json_t **found, size_t *n_matches,
                      provhost_error *err)
{
	struct scim_reply reply;
	char path[8320];
	long start = 1;
	int rc, explicit;

	for (int page = 0; page < MAX_PAGES; page++) {
		explicit = !s->filter || page > 0;
		if (explicit)
			snprintf(path, sizeof path,
			         "%s%cstartIndex=%ld&count=%d", s->base,
			         s->filter ? '&' : '?', start, PAGE_SIZE);
		else
			snprintf(path, sizeof path, "%s", s->base);
		rc = scim_conn_send(&inst->conn, call, "GET", path, NULL,
		                    SCIM_ON_COLLECTION, &reply, err);
		if (rc != PROVHOST_OK)
			return rc;
		rc = scan_list(inst, &reply, s->shown, s->user_name, found,
		               n_matches, err);
		json_t *jt = json_object_get(reply.json, "totalResults");
		json_t *js = json_object_get(reply.json, "startIndex");
		long long total =
		        json_is_integer(jt) ? json_integer_value(jt) : -1;
		long long at =
		        json_is_integer(js) ? json_integer_value(js) : start;
		long long got = (long long)json_array_size(
		        json_object_get(reply.json, "Resources"));
		long http = reply.http;
		scim_reply_release(&reply);
		if (rc != PROVHOST_OK)
			return rc;
		if (explicit && at != start)
			return scim_fail(
			        err, PROVHOST_E_PROTOCOL, 0, (int)http,
			        "%s answered %ld to GET %s for startIndex %ld "
			        "with startIndex %lld: it does not page these "
			        "results, so the "
			        "lookup of '%.200s' is incomplete and nothing "
			        "was created or linked (not retryable: the "
			        "target would answer the same)",
			        inst->t->label, http, s->shown, start, at,
			        s->user_name);
		s->seen += got;
		if (total < 0 ? (s->filter || got == 0) : s->seen >= total)
			return PROVHOST_OK;
		if (got > 0) {
			start += (long)got;
			continue;
		}
		if (!explicit) /* a default page of 0: ask for a page */
			continue;
		if (start == 1)
			return scim_fail(
			        err, PROVHOST_E_PROTOCOL, 0, (int)http,
			        "%s answered %ld to GET %s with totalResults "
			        "%lld "
			        "but no resources at startIndex 1 (count "
			        "%d), so the lookup of '%.200s' is "
			        "incomplete and nothing was created or linked "
			        "(not retryable: the answer contradicts itself "
			        "and the target would answer the same)",
			        inst->t->label, http, s->shown, total,
			        PAGE_SIZE, s->user_name);
		return scim_fail(
		        err, PROVHOST_E_TRANSIENT, 1, (int)http,
		        "%s answered %ld to GET %s with an empty page at "
		        "startIndex "
		        "%ld after %lld of totalResults %lld, so the lookup of "
		        "'%.200s' is incomplete and nothing was created or "
		        "linked (retryable: the accounts may have changed "
		        "while paging)",
		        inst->t->label, http, s->shown, start, s->seen, total,
		        s->user_name);
	}
	if (!s->filter)
		return scim_fail(err, PROVHOST_E_UNSUPPORTED, 0, 0,
		                 "%s target has more than %d users and cannot "
		                 "filter; cannot search for '%.200s'",
		                 inst->t->label, MAX_PAGES * PAGE_SIZE,
		                 s->user_name);
	return scim_fail(err, PROVHOST_E_PROTOCOL, 0, 0,
	                 "%s answered GET %s with more than %d pages for "
	                 "'%.200s'; nothing was created or linked (not "
	                 "retryable: the target would answer the same)",
	                 inst->t->label, s->shown, MAX_PAGES, s->user_name);
}

int scim_core_find_by_user_name(provhost_instance *inst,
                                const provhost_call *call,
                                const char *user_name, json_t **found,
                                provhost_error *err)
{
	struct search s = {.user_name = user_name, .shown = "/Users"};
	size_t n = 0;
	int rc;

	*found = NULL;
	rc = scim_core_discover(inst, call, err);
	if (rc != PROVHOST_OK)
		return rc;
	if (inst->features.filter) {
		s.filter = 1;
		s.shown = "/Users?filter=...";
		if (scim_filter_eq_path("/Users", "userName", user_name, s.base,
		                        sizeof s.base) < 0)
			return scim_fail(err, PROVHOST_E_INVALID_INPUT, 0, 0,
			                 "userName is too long to search for");
	} else {
		snprintf(s.base, sizeof s.base, "/Users");
	}
	rc = search_run(inst, call, &s, found, &n, err);
	if (rc == PROVHOST_OK && n > 1)
		rc = scim_fail(err, PROVHOST_E_CONFLICT, 0,
		               (int)inst->conn.last_http,
		               "%s has %zu accounts whose userName is '%.200s' "
		               "ignoring case; resolve this on the target",
		               inst->t->label, n, user_name);
	if (rc != PROVHOST_OK) {
		json_decref(*found);
		*found = NULL;
	}
	return rc;
}

int scim_core_resolve(provhost_instance *inst, const provhost_call *call,
                      const char *account_id, const char *user_name,
                      json_t **found, provhost_error *err)
{
	char path[1024], line[400];
	int rc;

	*found = NULL;
	if (account_id && *account_id) {
		if (scim_account_path(account_id, path, sizeof path))
			return scim_fail(err, PROVHOST_E_INVALID_INPUT, 0, 0,
			                 "account id is too long");
		rc = scim_conn_get_user(&inst->conn, call, path, found, err);
		if (rc != PROVHOST_E_NOT_FOUND)
			return rc;
		/* a stale id: fall back to userName */
		snprintf(line, sizeof line,
		         "account %.100s not found on %s; looking it up by "
		         "userName",
		         account_id, inst->t->label);
		scim_conn_log(&inst->conn, call, PROVHOST_LOG_INFO, line);
		scim_clear_error(err);
	}
	if (!user_name)
		return PROVHOST_OK;
	return scim_core_find_by_user_name(inst, call, user_name, found, err);
}
