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

/* Without filter support: GET /Users page by page (bounded). */
static int search_pages(provhost_instance *inst, const provhost_call *call,
                        const char *user_name, json_t **found,
                        size_t *n_matches, provhost_error *err)
{
	struct scim_reply reply;
	char path[128];
	long start = 1;
	int rc = PROVHOST_OK;

	for (int page = 0; page < MAX_PAGES; page++) {
		snprintf(path, sizeof path, "/Users?startIndex=%ld&count=%d",
		         start, PAGE_SIZE);
		rc = scim_conn_send(&inst->conn, call, "GET", path, NULL,
		                    SCIM_ON_COLLECTION, &reply, err);
		if (rc != PROVHOST_OK)
			return rc;
		rc = scan_list(inst, &reply, "/Users", user_name, found,
		               n_matches, err);
		json_t *total = json_object_get(reply.json, "totalResults");
		size_t got = json_array_size(
		        json_object_get(reply.json, "Resources"));
		scim_reply_release(&reply);
		if (rc != PROVHOST_OK || got == 0 ||
		    (json_is_integer(total) &&
		     start + (long)got > (long)json_integer_value(total)))
			return rc;
		start += (long)got;
	}
	return scim_fail(err, PROVHOST_E_UNSUPPORTED, 0, 0,
	                 "%s target has more than %d users and cannot "
	                 "filter; cannot search for '%.200s'",
	                 inst->t->label, MAX_PAGES * PAGE_SIZE, user_name);
}

/* With filter support: one GET /Users?filter=userName eq "...". */
static int search_filter(provhost_instance *inst, const provhost_call *call,
                         const char *user_name, json_t **found,
                         size_t *n_matches, provhost_error *err)
{
	struct scim_reply reply;
	char path[8192];
	int rc;

	if (scim_filter_eq_path("/Users", "userName", user_name, path,
	                        sizeof path) < 0)
		return scim_fail(err, PROVHOST_E_INVALID_INPUT, 0, 0,
		                 "userName is too long to search for");
	rc = scim_conn_send(&inst->conn, call, "GET", path, NULL,
	                    SCIM_ON_COLLECTION, &reply, err);
	if (rc != PROVHOST_OK)
		return rc;
	rc = scan_list(inst, &reply, "/Users?filter=...", user_name, found,
	               n_matches, err);
	scim_reply_release(&reply);
	return rc;
}

int scim_core_find_by_user_name(provhost_instance *inst,
                                const provhost_call *call,
                                const char *user_name, json_t **found,
                                provhost_error *err)
{
	size_t n = 0;
	int rc;

	*found = NULL;
	rc = scim_core_discover(inst, call, err);
	if (rc != PROVHOST_OK)
		return rc;
	if (inst->features.filter)
		rc = search_filter(inst, call, user_name, found, &n, err);
	else
		rc = search_pages(inst, call, user_name, found, &n, err);
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
