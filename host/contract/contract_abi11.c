/* The ABI 1.1 live checks, run by contract_live.c while its test account
 * exists: list (when advertised) emits that account exactly once and
 * every id once; provision with PROVHOST_CALL_NO_ADOPT (when advertised)
 * reports the existing account as a candidate and writes nothing. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "connector/instance.h"
#include "connector/status_names.h"
#include "contract/contract.h"
#include "util/clock.h"

static void abi11_call(const struct connection *conn, provhost_call *call,
                       uint32_t flags)
{
	instance_call_init(call, flags,
	                   clock_mono_ms() + conn->engine.call_timeout_ms,
	                   "contract", NULL, NULL);
}

/* What list emitted: counts, and the ids seen (a jansson object as a set).
 */
struct listed {
	json_t *ids;
	int n, not_object, no_id, dup, mine;
	const char *account_id, *user;
	char mine_user[160];
};

static void on_list(void *ctx, const char *json, size_t len)
{
	struct listed *l = ctx;
	json_t *rec = json_loadb(json, len, 0, NULL);
	json_t *idv = json_object_get(rec, "id");
	const char *id = json_string_value(idv);
	const char *u = json_string_value(json_object_get(rec, "userName"));

	l->n++;
	if (!json_is_object(rec))
		l->not_object++;
	else if (!id || !*id)
		l->no_id++;
	else if (json_object_get(l->ids, id))
		l->dup++;
	else
		json_object_set_new(l->ids, id, json_true());
	if (id && strcmp(id, l->account_id) == 0) {
		l->mine++;
		snprintf(l->mine_user, sizeof l->mine_user, "%s", u ? u : "");
	}
	json_decref(rec);
}

void contract_check_list(struct contract_report *r,
                         const struct connection *conn, struct instance *inst,
                         const char *user, const char *account_id)
{
	static const char check[] = "list emits every account once";
	struct listed l = {.account_id = account_id, .user = user};
	provhost_error err;
	provhost_call call;
	int32_t st;

	if (!instance_can_list(inst)) {
		contract_skip(
		        r, check,
		        "the connector does not advertise list (ABI 1.1)");
		return;
	}
	if (!account_id[0]) {
		contract_skip(r, check, "no test account was created");
		return;
	}
	l.ids = json_object();
	abi11_call(conn, &call, 0);
	st = instance_list(inst, &call, on_list, &l, &err);
	if (st != PROVHOST_OK)
		contract_fail(r, check, "%s [status %s]", err.message,
		              provhost_status_name(st));
	else if (l.not_object || l.no_id)
		contract_fail(r, check,
		              "emitted %d records of which %d are not JSON "
		              "objects and %d have no \"id\"",
		              l.n, l.not_object, l.no_id);
	else if (l.dup)
		contract_fail(r, check,
		              "emitted %d records with %d ids listed twice",
		              l.n, l.dup);
	else if (l.mine != 1)
		contract_fail(r, check,
		              "the test account %s appeared %d times in %d "
		              "records, expected once",
		              account_id, l.mine, l.n);
	else if (strcasecmp(l.mine_user, user) != 0)
		contract_fail(r, check,
		              "the test account %s is listed with userName "
		              "\"%s\", expected \"%s\"",
		              account_id, l.mine_user, user);
	else
		contract_pass(r, check,
		              "%d accounts, each id once, the test account "
		              "among them",
		              l.n);
	json_decref(l.ids);
}

struct first {
	char *json;
};

static void on_first(void *ctx, const char *json, size_t len)
{
	struct first *f = ctx;

	if (!f->json)
		f->json = strndup(json, len);
}

json_t *contract_read_account(const struct connection *conn,
                              struct instance *inst, const char *account_id)
{
	struct first f = {NULL};
	provhost_error err;
	provhost_call call;
	json_t *rec = NULL;

	abi11_call(conn, &call, 0);
	if (instance_lookup(inst, &call, account_id, NULL, on_first, &f,
	                    &err) == PROVHOST_OK &&
	    f.json)
		rec = json_loads(f.json, 0, NULL);
	free(f.json);
	return rec;
}

/* The test account's givenName as lookup reads it (new string) or NULL. */
static char *given_name(const struct connection *conn, struct instance *inst,
                        const char *account_id)
{
	json_t *rec = contract_read_account(conn, inst, account_id);
	const char *g = json_string_value(
	        json_object_get(json_object_get(rec, "name"), "givenName"));
	char *out = g ? strdup(g) : NULL;

	json_decref(rec);
	return out;
}

void contract_check_no_adopt(struct contract_report *r,
                             const struct connection *conn,
                             struct instance *inst, const char *changed_record,
                             const char *account_id)
{
	static const char check[] =
	        "no-adopt reports the existing account as a candidate";
	provhost_result res;
	provhost_error err;
	provhost_call call;
	char *before, *after;
	int32_t st;

	if (!instance_can_no_adopt(inst)) {
		contract_skip(r, check,
		              "the connector does not advertise no-adopt (ABI "
		              "1.1)");
		return;
	}
	if (!account_id[0]) {
		contract_skip(r, check, "no test account was created");
		return;
	}
	before = given_name(conn, inst, account_id);
	abi11_call(conn, &call, PROVHOST_CALL_NO_ADOPT);
	st = instance_provision(inst, &call, NULL, changed_record, &res, &err);
	after = given_name(conn, inst, account_id);
	if (st != PROVHOST_OK)
		contract_fail(r, check, "%s [status %s]", err.message,
		              provhost_status_name(st));
	else if (res.outcome != PROVHOST_OUTCOME_CANDIDATE)
		contract_fail(r, check,
		              "provision of the existing, unlinked account "
		              "returned outcome %s, expected candidate",
		              provhost_outcome_name(res.outcome));
	else if (strcmp(res.account_id, account_id) != 0)
		contract_fail(
		        r, check,
		        "the candidate is account \"%s\", expected \"%s\"",
		        res.account_id, account_id);
	else if (before && (!after || strcmp(before, after) != 0))
		contract_fail(r, check,
		              "the candidate was written to: givenName \"%s\" "
		              "became \"%s\"",
		              before, after ? after : "(unreadable)");
	else
		contract_pass(r, check, "candidate %s (%u found)%s",
		              res.account_id, res.n_candidates,
		              before ? ", not written to"
		                     : " (no lookup: writes not verified)");
	free(before);
	free(after);
}
