/* The live part of the contract: one round trip on the connection's
 * target with a test person nobody else uses
 * ("provhost-contract-<pid>-<time>@example.invalid", Contract Check):
 * authenticate, a dry run that writes nothing, provision twice (created,
 * then unchanged), lookup, the ABI 1.1 checks (list, no-adopt:
 * contract_abi11.c), the ABI 1.2 ETag checks (contract_abi12.c), deprovision
 * twice (deactivated or deleted, then absent or unchanged). The account is left
 * deprovisioned on the target. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "connector/instance.h"
#include "connector/status_names.h"
#include "contract/contract.h"
#include "util/clock.h"

struct live {
	struct contract_report *r;
	const struct connection *conn;
	struct instance *inst;
	char user[160];
	char *record;   /* desired state, JSON text */
	char *identity; /* {"userName": ...} */
	char *changed;  /* the record with another givenName (no-adopt) */
	char account_id[256];
	int requests; /* requests the instance paced (count_request) */
};

/* The instance's pacer hook: counts requests (the ETag checks report
 * them) and keeps the call's deadline. */
static int32_t count_request(void *ctx, const provhost_call *call)
{
	((struct live *)ctx)->requests++;
	if (call && call->deadline_ms && clock_mono_ms() >= call->deadline_ms)
		return PROVHOST_E_TIMEOUT;
	return PROVHOST_OK;
}

static void live_call(const struct live *lv, provhost_call *call,
                      uint32_t flags, struct call_hooks *hooks)
{
	instance_call_init(call, flags,
	                   clock_mono_ms() + lv->conn->engine.call_timeout_ms,
	                   "contract", NULL, hooks);
}

/* FAIL line for an op that returned an error. */
static void fail_status(struct live *lv, const char *check, int32_t st,
                        const provhost_error *err)
{
	char http[32] = "";

	if (err->remote_code)
		snprintf(http, sizeof http, ", HTTP %d", err->remote_code);
	contract_fail(lv->r, check, "%s [status %s%s]", err->message,
	              provhost_status_name(st), http);
}

static int outcome_in(int32_t outcome, int32_t a, int32_t b)
{
	return outcome == a || outcome == b;
}

/* Checks a successful result: outcome one of a/b, an account id, and (when
 * known) the same account as before. */
static void check_result(struct live *lv, const char *check,
                         const provhost_result *res, int32_t a, int32_t b)
{
	char problems[400] = "";
	size_t used = 0;

	if (!outcome_in(res->outcome, a, b))
		used += (size_t)snprintf(
		        problems + used, sizeof problems - used,
		        "outcome %s (expected %s%s%s)",
		        provhost_outcome_name(res->outcome),
		        provhost_outcome_name(a), a == b ? "" : " or ",
		        a == b ? "" : provhost_outcome_name(b));
	if (!res->account_id[0] && res->outcome != PROVHOST_OUTCOME_ABSENT)
		used += (size_t)snprintf(
		        problems + used, sizeof problems - used,
		        "%sno account id", used ? " and " : "");
	else if (lv->account_id[0] && res->account_id[0] &&
	         strcmp(lv->account_id, res->account_id) != 0)
		used += (size_t)snprintf(
		        problems + used, sizeof problems - used,
		        "%saccount id \"%s\", expected \"%s\"",
		        used ? " and " : "", res->account_id, lv->account_id);
	if (used)
		contract_fail(lv->r, check, "returned ok with %s", problems);
	else
		contract_pass(lv->r, check, "%s, account %s%s%.200s",
		              provhost_outcome_name(res->outcome),
		              res->account_id[0] ? res->account_id : "-",
		              res->detail[0] ? ": " : "", res->detail);
}

static void check_authenticate(struct live *lv)
{
	provhost_result res;
	provhost_error err;
	provhost_call call;
	int32_t st;

	live_call(lv, &call, 0, NULL);
	st = instance_authenticate(lv->inst, &call, &res, &err);
	if (st != PROVHOST_OK)
		fail_status(lv, "authenticate", st, &err);
	else
		contract_pass(lv->r, "authenticate", "%.300s",
		              res.detail[0] ? res.detail : "ok (no detail)");
}

struct plan_log {
	int n;
	char first[160];
};

static void on_plan(void *ctx, const char *method, const char *target,
                    const char *body)
{
	struct plan_log *p = ctx;

	if (!p->n++)
		snprintf(p->first, sizeof p->first, "%s %s", method, target);
}

struct emitted {
	int n;
	char *first;
};

static void on_emit(void *ctx, const char *json, size_t len)
{
	struct emitted *e = ctx;

	if (!e->n++)
		e->first = strndup(json, len);
}

/* lookup by id and identity; PROVHOST_OK with *e filled (free e->first). */
static int32_t lookup(struct live *lv, struct emitted *e, provhost_error *err)
{
	provhost_call call;

	memset(e, 0, sizeof *e);
	live_call(lv, &call, 0, NULL);
	return instance_lookup(lv->inst, &call,
	                       lv->account_id[0] ? lv->account_id : NULL,
	                       lv->identity, on_emit, e, err);
}

static void check_dry_run(struct live *lv)
{
	static const char check[] = "dry run plans and writes nothing";
	struct plan_log plans = {0, ""};
	struct call_hooks hooks = {on_plan, &plans};
	struct emitted e;
	provhost_result res;
	provhost_error err;
	provhost_call call;
	int32_t st;

	if (!(lv->inst->connector->capabilities & PROVHOST_CAP_DRY_RUN)) {
		contract_skip(lv->r, check,
		              "the connector does not advertise "
		              "dry-run");
		return;
	}
	live_call(lv, &call, PROVHOST_CALL_DRY_RUN, &hooks);
	st = instance_provision(lv->inst, &call, NULL, lv->record, &res, &err);
	if (st != PROVHOST_OK) {
		fail_status(lv, check, st, &err);
		return;
	}
	if (res.outcome != PROVHOST_OUTCOME_CREATED || plans.n == 0) {
		contract_fail(
		        lv->r, check,
		        "provision of a new person returned outcome %s "
		        "with %d planned writes, expected created with at "
		        "least one",
		        provhost_outcome_name(res.outcome), plans.n);
		return;
	}
	if (lv->inst->connector->ops->lookup) {
		st = lookup(lv, &e, &err);
		free(e.first);
		if (st != PROVHOST_E_NOT_FOUND) {
			contract_fail(lv->r, check,
			              "after the dry run, lookup returned %s, "
			              "expected not_found: the dry run wrote",
			              provhost_status_name(st));
			return;
		}
	}
	contract_pass(lv->r, check, "%d planned write%s (%s), nothing written",
	              plans.n, plans.n == 1 ? "" : "s", plans.first);
}

static void check_provision(struct live *lv, const char *check, int again)
{
	provhost_result res;
	provhost_error err;
	provhost_call call;
	int32_t st, want = again ? PROVHOST_OUTCOME_UNCHANGED
	                         : PROVHOST_OUTCOME_CREATED;

	live_call(lv, &call, 0, NULL);
	st = instance_provision(lv->inst, &call,
	                        lv->account_id[0] ? lv->account_id : NULL,
	                        lv->record, &res, &err);
	if (st != PROVHOST_OK) {
		fail_status(lv, check, st, &err);
		return;
	}
	check_result(lv, check, &res, want, want);
	if (!lv->account_id[0] && res.account_id[0])
		snprintf(lv->account_id, sizeof lv->account_id, "%s",
		         res.account_id);
}

static void check_lookup(struct live *lv)
{
	static const char check[] = "lookup finds the account";
	struct emitted e;
	provhost_error err;
	json_t *rec;
	const char *u;
	int32_t st;

	if (!lv->inst->connector->ops->lookup) {
		contract_skip(lv->r, check, "the connector has no lookup");
		return;
	}
	st = lookup(lv, &e, &err);
	if (st != PROVHOST_OK) {
		fail_status(lv, check, st, &err);
		free(e.first);
		return;
	}
	rec = e.first ? json_loads(e.first, 0, NULL) : NULL;
	u = json_string_value(json_object_get(rec, "userName"));
	if (e.n != 1)
		contract_fail(
		        lv->r, check,
		        "returned ok and emitted %d records, expected one",
		        e.n);
	else if (!json_is_object(rec))
		contract_fail(lv->r, check,
		              "emitted something that is not a JSON object: "
		              "%.100s",
		              e.first);
	else if (!u || strcasecmp(u, lv->user) != 0)
		contract_fail(lv->r, check,
		              "emitted a record whose userName is \"%s\", "
		              "expected \"%s\"",
		              u ? u : "(none)", lv->user);
	else
		contract_pass(lv->r, check, "%.200s", e.first);
	json_decref(rec);
	free(e.first);
}

static void check_deprovision(struct live *lv, const char *check, int again)
{
	provhost_result res;
	provhost_error err;
	provhost_call call;
	int32_t st;

	live_call(lv, &call, 0, NULL);
	st = instance_deprovision(lv->inst, &call,
	                          lv->account_id[0] ? lv->account_id : NULL,
	                          lv->identity, &res, &err);
	if (st != PROVHOST_OK)
		fail_status(lv, check, st, &err);
	else if (again)
		check_result(lv, check, &res, PROVHOST_OUTCOME_ABSENT,
		             PROVHOST_OUTCOME_UNCHANGED);
	else
		check_result(lv, check, &res, PROVHOST_OUTCOME_DEACTIVATED,
		             PROVHOST_OUTCOME_DELETED);
}

char *contract_person_record(const char *user, const char *given,
                             const char *family)
{
	json_t *rec = json_pack("{s:s,s:{s:s,s:s},s:[{s:s,s:s,s:b}],s:b}",
	                        "userName", user, "name", "givenName", given,
	                        "familyName", family, "emails", "value", user,
	                        "type", "work", "primary", 1, "active", 1);
	char *text = rec ? json_dumps(rec, JSON_COMPACT) : NULL;

	json_decref(rec);
	return text;
}

static int make_records(struct live *lv)
{
	json_t *id;

	snprintf(lv->user, sizeof lv->user,
	         "provhost-contract-%ld-%lld@example.invalid", (long)getpid(),
	         (long long)clock_wall_s());
	id = json_pack("{s:s}", "userName", lv->user);
	lv->record = contract_person_record(lv->user, "Contract", "Check");
	lv->identity = id ? json_dumps(id, JSON_COMPACT) : NULL;
	lv->changed = contract_person_record(lv->user, "Adopted", "Check");
	json_decref(id);
	return lv->record && lv->identity && lv->changed ? 0 : -1;
}

void contract_check_live(struct contract_report *r,
                         const struct connection *conn)
{
	struct live lv;
	struct instance_pacer counting = {count_request, &lv, NULL, NULL};
	provhost_error err;

	memset(&lv, 0, sizeof lv);
	lv.r = r;
	lv.conn = conn;
	if (make_records(&lv)) {
		contract_fail(r, "live checks", "out of memory");
		goto out_free;
	}
	fprintf(r->out,
	        "live checks on connection \"%s\" with test person "
	        "\"%s\"\n",
	        conn->name, lv.user);
	if (instance_open(conn, &counting, &lv.inst, &err) != PROVHOST_OK) {
		fail_status(&lv, "authenticate", err.status, &err);
		goto out_free;
	}
	check_authenticate(&lv);
	check_dry_run(&lv);
	check_provision(&lv, "provision creates the account", 0);
	check_provision(&lv, "provision again is unchanged", 1);
	check_lookup(&lv);
	contract_check_list(r, conn, lv.inst, lv.user, lv.account_id);
	contract_check_no_adopt(r, conn, lv.inst, lv.changed, lv.account_id);
	contract_check_etag(r, conn, lv.inst, lv.user, lv.account_id,
	                    &lv.requests);
	check_deprovision(&lv, "deprovision deactivates the account", 0);
	check_deprovision(&lv, "deprovision again changes nothing", 1);
	instance_close(lv.inst);
out_free:
	free(lv.record);
	free(lv.identity);
	free(lv.changed);
}
