/* The SCIM connector core's list op (ABI 1.1): every account of the
 * target, page by page (scim_page.h decides when the scan ends), each id
 * emitted once, with only the attributes reconciliation needs. */
#include "scimclient/scim_account.h"
#include "scimclient/scim_core.h"
#include "scimclient/scim_page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LIST_PAGE_SIZE         100
#define SCIM_LIST_PAGE_RETRIES 4 /* a failed page is asked again */

/* The attributes asked for (RFC 7644 section 3.4.2.5). externalId and
 * roles only where the connector manages them: a strict server may
 * refuse an attribute it does not know. */
static void list_attributes(const provhost_instance *inst, char *out,
                            size_t len)
{
	snprintf(out, len, "id,userName%s,active,name,emails%s",
	         inst->cfg.external_id ? ",externalId" : "",
	         !inst->t->roles || inst->cfg.roles ? ",roles" : "");
}

/* A 403 on a read: the token may write but not read, or lacks the
 * scope; say so before the target's own words. */
static int permission_failure(provhost_instance *inst, long http,
                              provhost_error *err)
{
	char target[sizeof err->message];

	memcpy(target, err->message, sizeof target);
	return scim_fail(err, PROVHOST_E_PERMISSION, 0, (int)http,
	                 "%s refused to list accounts (HTTP %ld): the token "
	                 "lacks permission to read users (check its "
	                 "scope/role); %.300s",
	                 inst->t->label, http, target);
}

/* Hands the resources of one page not seen before (by id) to visit;
 * *fresh counts them. */
static int visit_page(provhost_instance *inst, json_t *resources, json_t *seen,
                      long http, scim_core_visit_fn visit, void *ctx,
                      long *fresh, provhost_error *err)
{
	char id[256];
	json_t *r;
	size_t i;
	int rc;

	*fresh = 0;
	json_array_foreach(resources, i, r)
	{
		if (scim_account_id(r, id, sizeof id))
			return scim_fail(err, PROVHOST_E_PROTOCOL, 0, (int)http,
			                 "%s listed an account without a "
			                 "usable id",
			                 inst->t->label);
		if (json_object_get(seen, id))
			continue;
		if (json_object_set_new(seen, id, json_true()))
			return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
			                 "out of memory");
		rc = visit(inst, r, id, ctx, err);
		if (rc != PROVHOST_OK)
			return rc;
		(*fresh)++;
	}
	return PROVHOST_OK;
}

/* Whether a page that failed with a retryable error (a 429, a 503, a
 * timeout) is asked again after *attempts earlier retries: waits the
 * target's Retry-After or 0.5, 1, 2, 4 s, within the call's deadline, and
 * logs why. A listing is one call: failing it for one busy page would
 * throw away every page read before. */
static int retry_page(provhost_instance *inst, const provhost_call *call,
                      long page, int *attempts, provhost_error *err)
{
	struct scim_conn *c = &inst->conn;
	int64_t wait_ms =
	        err->retry_after_ms ? err->retry_after_ms : 500LL << *attempts;
	struct timespec ts;
	char line[700];

	if (!err->retryable || *attempts >= SCIM_LIST_PAGE_RETRIES)
		return 0;
	if (call && call->deadline_ms &&
	    c->api->now_ms(c->host) + wait_ms >= call->deadline_ms)
		return 0;
	(*attempts)++;
	snprintf(line, sizeof line,
	         "page %ld of the account list failed (%.400s); asking again "
	         "in %lld ms (retry %d of %d)",
	         page, err->message, (long long)wait_ms, *attempts,
	         SCIM_LIST_PAGE_RETRIES);
	scim_conn_log(c, call, PROVHOST_LOG_WARN, line);
	ts.tv_sec = (time_t)(wait_ms / 1000);
	ts.tv_nsec = (long)(wait_ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0)
		;
	scim_clear_error(err);
	return 1;
}

int scim_core_scan_users(provhost_instance *inst, const provhost_call *call,
                         const char *attrs, scim_core_visit_fn visit, void *ctx,
                         json_t *seen, struct scim_pager *pg,
                         provhost_error *err)
{
	struct scim_reply reply;
	char path[256];
	int rc = PROVHOST_OK, more = 1, retries = 0;

	scim_pager_init(pg, LIST_PAGE_SIZE);
	while (more) {
		long fresh = 0, total = -1;
		json_t *resources, *t;

		snprintf(path, sizeof path,
		         "/Users?attributes=%s&startIndex=%ld&count=%ld", attrs,
		         pg->start, pg->requested);
		/* scim_conn_send calls host_api->pace first */
		rc = scim_conn_send(&inst->conn, call, "GET", path, NULL,
		                    SCIM_ON_COLLECTION, &reply, err);
		if (rc == PROVHOST_E_PERMISSION)
			rc = permission_failure(inst, reply.http, err);
		if (rc != PROVHOST_OK) {
			scim_reply_release(&reply);
			if (retry_page(inst, call, pg->pages + 1, &retries,
			               err)) {
				rc = PROVHOST_OK;
				continue;
			}
			break;
		}
		retries = 0;
		if (!scim_is_list_response(reply.json)) {
			rc = scim_fail(
			        err, PROVHOST_E_PROTOCOL, 0, (int)reply.http,
			        "%s answered %ld to GET /Users (list) with "
			        "something that is not a SCIM "
			        "ListResponse",
			        inst->t->label, reply.http);
			scim_reply_release(&reply);
			break;
		}
		resources = json_object_get(reply.json, "Resources");
		t = json_object_get(reply.json, "totalResults");
		if (json_is_integer(t) && json_integer_value(t) >= 0)
			total = (long)json_integer_value(t);
		rc = visit_page(inst, resources, seen, reply.http, visit, ctx,
		                &fresh, err);
		more = rc == PROVHOST_OK &&
		       scim_pager_next(pg, (long)json_array_size(resources),
		                       fresh, total);
		scim_reply_release(&reply);
	}
	if (rc == PROVHOST_OK && pg->end == SCIM_PAGE_LIMIT)
		rc = scim_fail(
		        err, PROVHOST_E_UNSUPPORTED, 0, 0,
		        "%s kept returning new accounts after %ld pages; "
		        "stopped listing",
		        inst->t->label, pg->pages);
	return rc;
}

/* The list op's visitor: ctx is the emit callback and its context. */
struct emit_to {
	provhost_emit_fn emit;
	void *ctx;
	char self[256]; /* the token's own account id (GET /Me), "" unknown */
};

/* Records the id of the account the token belongs to (RFC 7644 section
 * 3.11 /Me), where the target answers it; any failure leaves it unknown
 * (Promapp has no /Me: one 404). */
static void find_self(provhost_instance *inst, const provhost_call *call,
                      struct emit_to *to)
{
	struct scim_reply reply;
	provhost_error err;

	memset(&err, 0, sizeof err);
	err.struct_size = sizeof err;
	to->self[0] = '\0';
	if (scim_conn_send(&inst->conn, call, "GET", "/Me", NULL,
	                   SCIM_ON_RESOURCE, &reply, &err) == PROVHOST_OK &&
	    json_is_object(reply.json) &&
	    scim_account_id(reply.json, to->self, sizeof to->self))
		to->self[0] = '\0';
	scim_reply_release(&reply);
}

static int emit_one(provhost_instance *inst, json_t *r, const char *id,
                    void *ctx, provhost_error *err)
{
	struct emit_to *to = ctx;
	json_t *out;
	char *text;

	(void)inst;
	if (!to->self[0] || strcmp(id, to->self))
		return scim_account_emit(r, to->emit, to->ctx, err);
	/* since 1.1: "self" marks the token's own account */
	out = scim_user_export(r);
	if (out)
		json_object_set_new(out, "self", json_true());
	text = out ? json_dumps(out, JSON_COMPACT) : NULL;
	json_decref(out);
	if (!text)
		return scim_fail(err, PROVHOST_E_INTERNAL, 0, 0,
		                 "out of memory exporting the account");
	to->emit(to->ctx, text, strlen(text));
	free(text);
	return PROVHOST_OK;
}

/* Logs how the scan ended (INFO; WARN for a server quirk). */
static void log_end(provhost_instance *inst, const provhost_call *call,
                    const struct scim_pager *pg, size_t n)
{
	char line[400];
	int quirk = pg->end == SCIM_PAGE_REPEATED;

	snprintf(line, sizeof line,
	         "listed %zu accounts of %s in %ld pages (up to %ld per "
	         "page); ended by %s",
	         n, inst->t->label, pg->pages, pg->page_max,
	         scim_page_end_text(pg->end));
	scim_conn_log(&inst->conn, call,
	              quirk ? PROVHOST_LOG_WARN : PROVHOST_LOG_INFO, line);
	if (n == 0)
		scim_conn_log(&inst->conn, call, PROVHOST_LOG_WARN,
		              "the target listed no accounts; if it has "
		              "some, the token may lack permission to read "
		              "users");
}

int32_t scim_core_list(provhost_instance *inst, const provhost_call *call,
                       provhost_emit_fn emit, void *emit_ctx,
                       provhost_error *err)
{
	struct emit_to to = {emit, emit_ctx, ""};
	struct scim_pager pg;
	char attrs[96];
	json_t *seen;
	int rc;

	scim_conn_op_begin(&inst->conn, NULL, err);
	if (!emit)
		return scim_core_op_end(
		        inst,
		        scim_fail(err, PROVHOST_E_INVALID_INPUT, 0, 0,
		                  "list needs an emit callback"),
		        NULL, err);
	seen = json_object();
	if (!seen)
		return scim_core_op_end(inst,
		                        scim_fail(err, PROVHOST_E_INTERNAL, 0,
		                                  0, "out of memory"),
		                        NULL, err);
	list_attributes(inst, attrs, sizeof attrs);
	find_self(inst, call, &to);
	rc = scim_core_scan_users(inst, call, attrs, emit_one, &to, seen, &pg,
	                          err);
	if (rc == PROVHOST_OK)
		log_end(inst, call, &pg, json_object_size(seen));
	json_decref(seen);
	return scim_core_op_end(inst, rc, NULL, err);
}
