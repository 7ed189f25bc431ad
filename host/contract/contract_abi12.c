/* The ABI 1.2 live checks, run by contract_live.c while its test account
 * exists, for a connector advertising PROVHOST_CAP_ETAG:
 *   - provision returns the account's ETag (else the target gives none and
 *     the rest is skipped);
 *   - provision with the last state and that ETag writes the change (the
 *     requests it took are reported: a connector may read first, it need
 *     not);
 *   - a stale ETag is not trusted: with the ETag of an earlier version and
 *     a last state that hides a change (familyName), the account must end
 *     as desired in every attribute, which only a connector that sends the
 *     ETag (If-Match) and re-reads on 412 achieves.
 * Requests are counted by the live checks' pacer hook (contract_live.c).
 * The test account ends with givenName "Third", familyName "Stale". */
#include <stdlib.h>
#include <string.h>

#include "connector/instance.h"
#include "connector/status_names.h"
#include "contract/contract.h"
#include "util/clock.h"

struct etag_check {
	struct contract_report *r;
	const struct connection *conn;
	struct instance *inst;
	const char *user, *account_id;
	int *requests; /* the instance's request count (contract_live.c) */
};

/* provision of the test account to (given, family) with an optional last
 * state (given, family) and ETag. */
static int32_t provision_with(struct etag_check *ec, const char *given,
                              const char *family, const char *last_given,
                              const char *last_family, const char *if_match,
                              provhost_result *res, provhost_error *err)
{
	char *desired = contract_person_record(ec->user, given, family);
	char *last = last_given ? contract_person_record(ec->user, last_given,
	                                                 last_family)
	                        : NULL;
	provhost_call call;
	int32_t st;

	if (!desired || (last_given && !last)) {
		free(desired);
		free(last);
		snprintf(err->message, sizeof(err->message), "out of memory");
		return PROVHOST_E_INTERNAL;
	}
	instance_call_init(&call, 0,
	                   clock_mono_ms() + ec->conn->engine.call_timeout_ms,
	                   "contract", NULL, NULL);
	call.last_state_json = last;
	call.last_state_len = last ? strlen(last) : 0;
	call.if_match = if_match;
	*ec->requests = 0;
	st = instance_provision(ec->inst, &call, ec->account_id, desired, res,
	                        err);
	free(desired);
	free(last);
	return st;
}

/* The name.givenName and name.familyName lookup reads: "given/family", or
 * "(unreadable)". */
static void read_name(struct etag_check *ec, char *out, size_t len)
{
	json_t *rec = contract_read_account(ec->conn, ec->inst, ec->account_id);
	json_t *name = json_object_get(rec, "name");
	const char *g = json_string_value(json_object_get(name, "givenName"));
	const char *f = json_string_value(json_object_get(name, "familyName"));

	if (g && f)
		snprintf(out, len, "%s/%s", g, f);
	else
		snprintf(out, len, "(unreadable)");
	json_decref(rec);
}

static void fail_call(struct etag_check *ec, const char *check, int32_t st,
                      const provhost_error *err)
{
	contract_fail(ec->r, check, "%s [status %s]", err->message,
	              provhost_status_name(st));
}

void contract_check_etag(struct contract_report *r,
                         const struct connection *conn, struct instance *inst,
                         const char *user, const char *account_id,
                         int *requests)
{
	static const char returns[] = "provision returns the account's ETag";
	static const char change[] = "provision with the last state writes "
	                             "the change";
	static const char stale[] = "a stale ETag is not trusted";
	struct etag_check ec = {r, conn, inst, user, account_id, requests};
	provhost_result res;
	provhost_error err;
	char first[128], name[300];
	int sent; /* requests of the provision (read_name reads too) */
	int32_t st;

	if (!instance_can_etag(inst)) {
		contract_skip(
		        r, "ETag checks",
		        "the connector does not advertise etag (ABI 1.2)");
		return;
	}
	if (!account_id[0]) {
		contract_skip(r, "ETag checks", "no test account was created");
		return;
	}
	/* the account is Contract/Check (contract_live.c) */
	st = provision_with(&ec, "Contract", "Check", NULL, NULL, NULL, &res,
	                    &err);
	if (st != PROVHOST_OK) {
		fail_call(&ec, returns, st, &err);
		return;
	}
	if (!res.etag[0]) {
		contract_skip(r, "ETag checks",
		              "the target gave no ETag for account %s",
		              account_id);
		return;
	}
	snprintf(first, sizeof(first), "%s", res.etag);
	contract_pass(r, returns, "%s", first);

	st = provision_with(&ec, "Patched", "Check", "Contract", "Check", first,
	                    &res, &err);
	sent = *requests;
	read_name(&ec, name, sizeof(name));
	if (st != PROVHOST_OK)
		fail_call(&ec, change, st, &err);
	else if (res.outcome != PROVHOST_OUTCOME_UPDATED)
		contract_fail(r, change,
		              "returned outcome %s, expected updated",
		              provhost_outcome_name(res.outcome));
	else if (strcmp(name, "Patched/Check"))
		contract_fail(r, change,
		              "the account reads %s, expected Patched/Check",
		              name);
	else if (!res.etag[0] || !strcmp(res.etag, first))
		contract_fail(r, change,
		              "the ETag after the write is \"%s\", the same as "
		              "before it",
		              res.etag);
	else
		contract_pass(r, change, "%d request%s, ETag %s -> %s", sent,
		              sent == 1 ? "" : "s", first, res.etag);

	/* the host believes familyName is "Stale" (a state as of the first
	 * ETag); the account says "Check": only a re-read finds that out */
	st = provision_with(&ec, "Third", "Stale", "Contract", "Stale", first,
	                    &res, &err);
	sent = *requests;
	read_name(&ec, name, sizeof(name));
	if (st != PROVHOST_OK)
		fail_call(&ec, stale, st, &err);
	else if (strcmp(name, "Third/Stale"))
		contract_fail(
		        r, stale,
		        "with the stale ETag %s the account reads %s, "
		        "expected Third/Stale: the connector trusted a last "
		        "state older than the account (send If-Match and "
		        "re-read on 412)",
		        first, name);
	else
		contract_pass(r, stale,
		              "%d request%s, the account converged from ETag "
		              "%s (now %s)",
		              sent, sent == 1 ? "" : "s", first,
		              res.etag[0] ? res.etag : "none");
}
