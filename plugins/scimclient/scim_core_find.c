/* The SCIM connector core's reads: discovery, and finding an account by
 * id or userName (with a filter, or by paging when the target cannot
 * filter). */
#include "scimclient/scim_account.h"
#include "scimclient/scim_core.h"
#include "scimclient/scim_filter.h"

#include <stdio.h>
#include <string.h>

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

/* What a search looks for: a top-level string attribute, compared exactly
 * or ignoring ASCII case. */
struct match_query {
	const char *attr;
	const char *value;
	int case_exact;
};

/* True when matches (an array of resources) holds one with r's id. */
static int has_same_id(json_t *matches, json_t *r)
{
	json_t *id = json_object_get(r, "id"), *m;
	size_t i;

	json_array_foreach(matches, i, m)
	{
		if (m == r || (id && json_equal(json_object_get(m, "id"), id)))
			return 1;
	}
	return 0;
}

/* Appends to matches (distinct by id) the resources of the ListResponse
 * that answered GET what whose attribute matches q. */
static int scan_list(provhost_instance *inst, const struct scim_reply *reply,
                     const char *what, const struct match_query *q,
                     json_t *matches, provhost_error *err)
{
	json_t *r;
	size_t i;

	if (!scim_is_list_response(reply->json))
		return scim_fail(err, PROVHOST_E_PROTOCOL, 0, (int)reply->http,
		                 "%s answered %ld to GET %s with something "
		                 "that is not a SCIM ListResponse",
		                 inst->t->label, reply->http, what);
	json_array_foreach(json_object_get(reply->json, "Resources"), i, r)
	{
		json_t *v = json_object_get(r, q->attr);
		const char *s = json_is_string(v) ? json_string_value(v) : NULL;
		if (!s ||
		    (q->case_exact ? strcmp(s, q->value) != 0
		                   : !scim_user_ascii_caseeq(s, q->value)))
			continue;
		if (!has_same_id(matches, r) && json_array_append(matches, r))
			return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
			                 "out of memory");
	}
	return PROVHOST_OK;
}

/* A search for q, page by page: what is asked and how far it got. */
struct search {
	const struct match_query *q;
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
                      struct search *s, json_t *matches, provhost_error *err)
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
		rc = scan_list(inst, &reply, s->shown, s->q, matches, err);
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
			        s->q->value);
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
			        PAGE_SIZE, s->q->value);
		return scim_fail(
		        err, PROVHOST_E_TRANSIENT, 1, (int)http,
		        "%s answered %ld to GET %s with an empty page at "
		        "startIndex "
		        "%ld after %lld of totalResults %lld, so the lookup of "
		        "'%.200s' is incomplete and nothing was created or "
		        "linked (retryable: the accounts may have changed "
		        "while paging)",
		        inst->t->label, http, s->shown, start, s->seen, total,
		        s->q->value);
	}
	if (!s->filter)
		return scim_fail(err, PROVHOST_E_UNSUPPORTED, 0, 0,
		                 "%s target has more than %d users and cannot "
		                 "filter; cannot search for %s '%.200s'",
		                 inst->t->label, MAX_PAGES * PAGE_SIZE,
		                 s->q->attr, s->q->value);
	return scim_fail(err, PROVHOST_E_PROTOCOL, 0, 0,
	                 "%s answered GET %s with more than %d pages for "
	                 "'%.200s'; nothing was created or linked (not "
	                 "retryable: the target would answer the same)",
	                 inst->t->label, s->shown, MAX_PAGES, s->q->value);
}

/* Appends the accounts matching q to matches (distinct by id): a filter
 * query where the target filters, else every page of /Users. */
static int find_matches(provhost_instance *inst, const provhost_call *call,
                        const struct match_query *q, json_t *matches,
                        provhost_error *err)
{
	struct search s = {.q = q, .shown = "/Users"};
	int rc = scim_core_discover(inst, call, err);

	if (rc != PROVHOST_OK)
		return rc;
	if (inst->features.filter) {
		s.filter = 1;
		s.shown = "/Users?filter=...";
		if (scim_filter_eq_path("/Users", q->attr, q->value, s.base,
		                        sizeof s.base) < 0)
			return scim_fail(err, PROVHOST_E_INVALID_INPUT, 0, 0,
			                 "%s is too long to search for",
			                 q->attr);
	} else {
		snprintf(s.base, sizeof s.base, "/Users");
	}
	return search_run(inst, call, &s, matches, err);
}

int scim_core_find_by_user_name(provhost_instance *inst,
                                const provhost_call *call,
                                const char *user_name, json_t **found,
                                provhost_error *err)
{
	const struct match_query q = {"userName", user_name, 0};
	json_t *matches = json_array();
	size_t n;
	int rc;

	*found = NULL;
	if (!matches)
		return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		                 "out of memory");
	rc = find_matches(inst, call, &q, matches, err);
	n = json_array_size(matches);
	if (rc == PROVHOST_OK && n > 1)
		rc = scim_fail(err, PROVHOST_E_CONFLICT, 0,
		               (int)inst->conn.last_http,
		               "%s has %zu accounts whose userName is '%.200s' "
		               "ignoring case; resolve this on the target",
		               inst->t->label, n, user_name);
	if (rc == PROVHOST_OK && n == 1)
		*found = json_incref(json_array_get(matches, 0));
	json_decref(matches);
	return rc;
}

int scim_core_find_candidates(provhost_instance *inst,
                              const provhost_call *call,
                              const struct scim_user *want, int all,
                              json_t *matches, provhost_error *err)
{
	const struct match_query by_ext = {"externalId", want->external_id, 1};
	const struct match_query by_name = {"userName", want->user_name, 0};
	size_t n_ext = 0;
	int rc;

	if (want->external_id) {
		rc = find_matches(inst, call, &by_ext, matches, err);
		if (rc != PROVHOST_OK)
			return rc;
		n_ext = json_array_size(matches);
		if (n_ext > 1 && !all)
			return scim_fail(
			        err, PROVHOST_E_CONFLICT, 0,
			        (int)inst->conn.last_http,
			        "%s has %zu accounts whose externalId "
			        "is '%.200s'; resolve this on the target",
			        inst->t->label, n_ext, want->external_id);
		if (n_ext == 1 && !all)
			return PROVHOST_OK; /* the correlation key wins */
	}
	rc = find_matches(inst, call, &by_name, matches, err);
	if (rc == PROVHOST_OK && !all && json_array_size(matches) > 1)
		rc = scim_fail(err, PROVHOST_E_CONFLICT, 0,
		               (int)inst->conn.last_http,
		               "%s has %zu accounts whose userName is '%.200s' "
		               "ignoring case; resolve this on the target",
		               inst->t->label, json_array_size(matches),
		               want->user_name);
	return rc;
}

int scim_core_resolve(provhost_instance *inst, const provhost_call *call,
                      const char *account_id, const char *user_name,
                      json_t **found, provhost_error *err)
{
	int rc = scim_core_read_linked(inst, call, account_id, found, err);

	if (rc != PROVHOST_OK || *found || !user_name)
		return rc;
	return scim_core_find_by_user_name(inst, call, user_name, found, err);
}

int scim_core_read_linked(provhost_instance *inst, const provhost_call *call,
                          const char *account_id, json_t **found,
                          provhost_error *err)
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
		         "its identity",
		         account_id, inst->t->label);
		scim_conn_log(&inst->conn, call, PROVHOST_LOG_INFO, line);
		scim_clear_error(err);
	}
	return PROVHOST_OK;
}
