/* Classifying the accounts a connection lists, and the persons with none
 * (reconcile_internal.h). Each account is judged on its own against the
 * ledger, in the order listed; the one cross-account rule — one person,
 * several accounts — turns an earlier unlinked match into a dispute. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/audit_reconcile.h"
#include "engine/reconcile_internal.h"
#include "lifecycle/person.h"
#include "util/log.h"

static const char *const class_names[RC_COUNT] = {
        "ok",       "drift",   "orphan",  "unlinked_match",
        "disputed", "missing", "ignored", "protected"};

const char *recon_class_name(enum recon_class c)
{
	return c < RC_COUNT ? class_names[c] : "?";
}

bool recon_class_attention(enum recon_class c)
{
	return c != RC_OK && c != RC_IGNORED && c != RC_PROTECTED;
}

int recon_fail(struct recon *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->failed) {
		va_start(ap, fmt);
		vsnprintf(r->error, sizeof(r->error), fmt, ap);
		va_end(ap);
	}
	r->failed = true;
	return -1;
}

static char *dup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

static void pending_free(struct recon_pending *p)
{
	free(p->account_id);
	free(p->user_name);
	free(p->employee_id);
	free(p->detail);
	memset(p, 0, sizeof(*p));
}

void recon_discard(struct recon *r)
{
	int i;

	for (i = 0; i < r->n_buf; i++)
		pending_free(&r->buf[i]);
	r->n_buf = 0;
}

int recon_flush(struct recon *r)
{
	int i, rc = 0;
	bool batched;

	if (!r->n_buf)
		return r->failed ? -1 : 0;
	batched = ledger_batch_begin(r->ledger) == 0;
	for (i = 0; i < r->n_buf; i++) {
		struct recon_pending *p = &r->buf[i];
		struct ledger_finding f = {
		        .n = p->n,
		        .cls = recon_class_name(p->cls),
		        .account_id = p->account_id,
		        .user_name = p->user_name,
		        .employee_id = p->employee_id,
		        .active = p->active,
		        .detail = p->detail,
		};

		struct audit_reconcile ar = {
		        .reconcile_run = r->run_id,
		        .connection = r->conn->name,
		        .operation = "finding",
		        .cls = f.cls,
		        .account_id = p->account_id,
		        .user_name = p->user_name,
		        .employee_id = p->employee_id,
		        .detail = p->detail,
		        .dry_run = r->opt->dry_run,
		};
		char err[600];

		if (!rc && ledger_recon_add(r->lr, &f))
			rc = -1;
		if (!rc && p->cls != RC_IGNORED &&
		    audit_write_reconcile(r->audit, &ar, err, sizeof(err))) {
			recon_fail(r, "%s", err);
			rc = -2;
		}
		pending_free(p);
	}
	r->n_buf = 0;
	if (batched && ledger_batch_end(r->ledger, rc != -1))
		rc = -1;
	if (rc == -2)
		return -1;
	if (rc)
		return recon_fail(r, "ledger %s: %s", "findings",
		                  ledger_last_error());
	return 0;
}

int64_t recon_finding(struct recon *r, enum recon_class cls,
                      const char *account_id, const char *user_name,
                      const char *employee_id, int active, const char *detail)
{
	struct recon_pending *p;

	r->counts[cls]++;
	if (cls == RC_OK || r->failed)
		return 0;
	if (r->n_buf == RECON_BUFFER && recon_flush(r))
		return 0;
	p = &r->buf[r->n_buf];
	p->cls = cls;
	p->account_id = dup_or_null(account_id);
	p->user_name = dup_or_null(user_name);
	p->employee_id = dup_or_null(employee_id);
	p->detail = strdup(detail ? detail : "");
	p->active = active;
	p->n = ++r->next_n;
	r->n_buf++;
	if (!p->detail) {
		recon_fail(r, "out of memory");
		return 0;
	}
	return p->n;
}

/* Changes an already numbered finding's class (it may still be buffered). */
static void reclassify(struct recon *r, int64_t n, enum recon_class from,
                       enum recon_class to, const char *detail)
{
	int i;

	for (i = 0; i < r->n_buf; i++) {
		if (r->buf[i].n != n)
			continue;
		r->buf[i].cls = to;
		free(r->buf[i].detail);
		r->buf[i].detail = strdup(detail);
		if (!r->buf[i].detail)
			recon_fail(r, "out of memory");
		goto counted;
	}
	if (ledger_recon_set_class(r->lr, n, recon_class_name(to), detail))
		recon_fail(r, "ledger: %s", ledger_last_error());
counted:
	r->counts[from]--;
	r->counts[to]++;
}

/* The listed account, as the few members classification reads. */
struct acct {
	const char *id, *user_name, *external_id;
	bool active, self;
};

static const char *member(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Adds employee e to the candidates (distinct; at most 4 kept, all
 * counted). */
static void add_candidate(char (*cand)[257], size_t *n, const char *e)
{
	size_t i;

	for (i = 0; i < *n && i < 4; i++)
		if (!strcmp(cand[i], e))
			return;
	if (*n < 4)
		snprintf(cand[*n], 257, "%s", e);
	(*n)++;
}

/* The persons an unlinked account correlates to, by the identity keys:
 * externalId = employee id, the userName reserved for an employee, and the
 * work email (userName or primary email). */
static int correlate(struct recon *r, const json_t *account,
                     const struct acct *a, char (*cand)[257], size_t *n)
{
	char owner[256], key[PERSON_EMAIL_KEY_MAX], found[4][257];
	const json_t *emails = json_object_get(account, "emails"), *e;
	struct ledger_person p;
	size_t i, k, nf;
	int rc;

	*n = 0;
	if (a->external_id) {
		rc = ledger_person_get(r->ledger, a->external_id, &p);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			free(p.record);
			add_candidate(cand, n, a->external_id);
		}
	}
	if (a->user_name) {
		rc = ledger_user_name_owner(r->ledger, r->conn->name,
		                            a->user_name, owner);
		if (rc < 0)
			return -1;
		if (rc == 0)
			add_candidate(cand, n, owner);
	}
	for (i = 0; i <= json_array_size(emails); i++) {
		const char *v = NULL;
		json_t *rec;

		if (i == 0) {
			v = a->user_name;
		} else {
			e = json_array_get(emails, i - 1);
			v = member(e, "value");
		}
		if (!v || !strchr(v, '@'))
			continue;
		rec = json_pack("{ss}", "email", v);
		if (!rec)
			return -1;
		person_email_key(rec, key, sizeof(key));
		json_decref(rec);
		if (!key[0])
			continue;
		if (ledger_recon_email_owners(r->lr, key, found, 4, &nf))
			return -1;
		for (k = 0; k < nf && k < 4; k++)
			add_candidate(cand, n, found[k]);
		if (nf > 4)
			*n += nf - 4;
	}
	return 0;
}

/* A linked account: ok, drift, or an orphan of a terminated person. */
static void linked(struct recon *r, const json_t *account, const struct acct *a,
                   const char *employee)
{
	char why[400], diff[1200], detail[1600];
	struct ledger_person p;
	struct ledger_link link;
	enum recon_want want;
	json_t *record = NULL, *desired = NULL;
	int rc;

	if (strset_add(&r->has_account, employee))
		recon_fail(r, "out of memory");
	rc = ledger_person_get(r->ledger, employee, &p);
	if (rc < 0) {
		recon_fail(r, "ledger: %s", ledger_last_error());
		return;
	}
	if (rc == 1) {
		recon_finding(r, RC_OK, a->id, a->user_name, employee,
		              a->active, NULL);
		return; /* a link from before person records: no opinion */
	}
	record = json_loads(p.record, 0, NULL);
	free(p.record);
	if (ledger_link_get(r->ledger, r->conn->name, employee, &link))
		link.user_name[0] = '\0';
	if (!json_is_object(record) ||
	    recon_desired(r->conn, p.status, record, link.user_name, true,
	                  &want, &desired, why, sizeof(why))) {
		recon_finding(r, RC_OK, a->id, a->user_name, employee,
		              a->active, NULL);
		goto out;
	}
	if (want == WANT_INACTIVE && a->active) {
		bool prot = a->self ||
		            reconcile_config_protected(&r->conn->reconcile,
		                                       a->id, a->user_name);
		bool gone = !strcmp(p.status, "terminated");

		if (gone || prot)
			snprintf(detail, sizeof(detail),
			         "active, linked to employee %s, who is %s%s",
			         employee, why,
			         !prot     ? ""
			         : a->self ? "; the token's own account: never "
			                     "deprovisioned"
			                   : "; on the protect list: never "
			                     "deprovisioned");
		else /* an active person the rules give no account */
			snprintf(detail, sizeof(detail),
			         "linked to employee %s; active: target true, "
			         "mapping wants false (%s)",
			         employee, why);
		recon_finding(r,
		              prot   ? RC_PROTECTED
		              : gone ? RC_ORPHAN
		                     : RC_DRIFT,
		              a->id, a->user_name, employee, 1, detail);
	} else if (want == WANT_ACTIVE &&
	           recon_diff(account, desired, true, diff, sizeof(diff))) {
		snprintf(detail, sizeof(detail), "linked to employee %s; %s",
		         employee, diff);
		recon_finding(r, RC_DRIFT, a->id, a->user_name, employee,
		              a->active, detail);
	} else {
		recon_finding(r, RC_OK, a->id, a->user_name, employee,
		              a->active, NULL);
	}
out:
	json_decref(desired);
	json_decref(record);
}

/* An unlinked account correlating to exactly one person. */
static void matched(struct recon *r, const struct acct *a, const char *employee)
{
	const struct input_seen_entry *seen;
	struct ledger_person p;
	struct ledger_link link;
	char detail[1200];
	int rc;

	rc = ledger_link_get(r->ledger, r->conn->name, employee, &link);
	if (rc < 0) {
		recon_fail(r, "ledger: %s", ledger_last_error());
		return;
	}
	if (rc == 0) {
		snprintf(detail, sizeof(detail),
		         "not linked, but correlates to employee %s, who is "
		         "linked to account %s: one person, two accounts",
		         employee, link.account_id);
		recon_finding(r, RC_DISPUTED, a->id, a->user_name, employee,
		              a->active, detail);
		return;
	}
	rc = ledger_person_get(r->ledger, employee, &p);
	if (rc < 0) {
		recon_fail(r, "ledger: %s", ledger_last_error());
		return;
	}
	if (rc == 0)
		free(p.record);
	if (rc == 0 && !strcmp(p.status, "terminated")) {
		if (!a->active) {
			recon_finding(r, RC_OK, a->id, a->user_name, employee,
			              0, NULL);
			return;
		}
		snprintf(detail, sizeof(detail),
		         "active, not linked; correlates to employee %s, who "
		         "is terminated",
		         employee);
		recon_finding(r, RC_ORPHAN, a->id, a->user_name, employee, 1,
		              detail);
		return;
	}
	seen = input_seen_get(&r->matched, employee);
	if (seen) {
		snprintf(detail, sizeof(detail),
		         "not linked; employee %s correlates to this account "
		         "and %lld other(s): one person, several accounts",
		         employee, (long long)seen->count);
		if (seen->count == 1)
			reclassify(r, seen->first, RC_UNLINKED, RC_DISPUTED,
			           "not linked; employee correlates to this "
			           "account and another: one person, several "
			           "accounts");
		input_seen_add(&r->matched, employee, 0);
		recon_finding(r, RC_DISPUTED, a->id, a->user_name, employee,
		              a->active, detail);
		return;
	}
	snprintf(detail, sizeof(detail),
	         "not linked; correlates to employee %s only", employee);
	if (!input_seen_add(&r->matched, employee,
	                    recon_finding(r, RC_UNLINKED, a->id, a->user_name,
	                                  employee, a->active, detail)) ||
	    strset_add(&r->has_account, employee))
		recon_fail(r, "out of memory");
}

static void unlinked(struct recon *r, const json_t *account,
                     const struct acct *a)
{
	char cand[4][257], detail[1400];
	size_t n = 0, i, used;

	if (correlate(r, account, a, cand, &n)) {
		recon_fail(r, "ledger: %s", ledger_last_error());
		return;
	}
	if (n == 1) {
		matched(r, a, cand[0]);
		return;
	}
	if (n > 1) {
		used = (size_t)snprintf(detail, sizeof(detail),
		                        "not linked; correlates to %zu "
		                        "employees:",
		                        n);
		for (i = 0; i < n && i < 4 && used < sizeof(detail); i++)
			used += (size_t)snprintf(detail + used,
			                         sizeof(detail) - used, " %s",
			                         cand[i]);
		recon_finding(r, RC_DISPUTED, a->id, a->user_name, NULL,
		              a->active, detail);
		return;
	}
	if (!a->active) {
		recon_finding(r, RC_OK, a->id, a->user_name, NULL, 0, NULL);
		return;
	}
	if (a->self || reconcile_config_protected(&r->conn->reconcile, a->id,
	                                          a->user_name)) {
		recon_finding(r, RC_PROTECTED, a->id, a->user_name, NULL, 1,
		              a->self ? "active, linked to nobody; the token's "
		                        "own account: never deprovisioned"
		                      : "active, linked to nobody; on the "
		                        "protect list: never deprovisioned");
		return;
	}
	recon_finding(r, RC_ORPHAN, a->id, a->user_name, NULL, 1,
	              "active, linked to nobody, correlates to no person");
}

void recon_account(void *ctx, const char *json, size_t len)
{
	struct recon *r = ctx;
	char owner[257];
	json_t *account;
	struct acct a;
	int rc;

	if (r->failed)
		return;
	account = json_loadb(json, len, 0, NULL);
	if (!json_is_object(account) || !member(account, "id")) {
		json_decref(account);
		recon_fail(r,
		           "connector \"%s\" listed an account that is not "
		           "a JSON object with an id",
		           r->conn->bound ? r->conn->connector : "?");
		return;
	}
	r->accounts++;
	a.id = member(account, "id");
	a.user_name = member(account, "userName");
	a.external_id = member(account, "externalId");
	a.active = recon_account_active(account);
	a.self = json_is_true(json_object_get(account, "self"));
	rc = ledger_link_owner(r->ledger, r->conn->name, a.id, owner,
	                       sizeof(owner));
	if (rc >= 0 &&
	    reconcile_config_ignored(&r->conn->reconcile, a.user_name)) {
		/* a linked one still counts as that person's account */
		if (rc == 0 && strset_add(&r->has_account, owner))
			recon_fail(r, "out of memory");
		recon_finding(r, RC_IGNORED, a.id, a.user_name,
		              rc == 0 ? owner : NULL, a.active,
		              "matches the ignore filter: never touched");
	} else if (rc < 0)
		recon_fail(r, "ledger: %s", ledger_last_error());
	else if (rc == 0)
		linked(r, account, &a, owner);
	else
		unlinked(r, account, &a);
	json_decref(account);
}

/* A person found by the walk without an account on the target. */
struct missing_one {
	char *employee_id, *detail, *account_id;
};

struct missing_list {
	struct recon *r;
	struct missing_one *items;
	size_t n, cap;
	bool oom;
};

static int missing_visit(const struct ledger_recon_person *p, void *ctx)
{
	struct missing_list *ml = ctx;
	struct recon *r = ml->r;
	char why[400], detail[900];
	enum recon_want want;
	json_t *record, *desired = NULL;
	struct missing_one *m;

	/* work still outstanding for them (a hire not yet effective, a
	 * failed or held one) is the run's, not a finding; a hire a person
	 * discarded in review was a decision not to have an account */
	if (strcmp(p->status, "active") || p->outstanding ||
	    (p->hire_discarded && !p->account_id) ||
	    strset_has(&r->has_account, p->employee_id))
		return 0;
	record = json_loads(p->record, 0, NULL);
	if (!json_is_object(record) ||
	    recon_desired(r->conn, p->status, record, p->user_name,
	                  p->account_id != NULL, &want, &desired, why,
	                  sizeof(why)) ||
	    want != WANT_ACTIVE) {
		json_decref(record);
		return 0;
	}
	json_decref(desired);
	json_decref(record);
	if (p->account_id)
		snprintf(detail, sizeof(detail),
		         "active employee; the linked account %s is not on "
		         "the target",
		         p->account_id);
	else
		snprintf(detail, sizeof(detail),
		         "active employee with no account on the target");
	if (ml->n == ml->cap) {
		size_t cap = ml->cap ? ml->cap * 2 : 64;
		struct missing_one *g = realloc(ml->items, cap * sizeof(*g));

		if (!g) {
			ml->oom = true;
			return 1;
		}
		ml->items = g;
		ml->cap = cap;
	}
	m = &ml->items[ml->n++];
	m->employee_id = strdup(p->employee_id);
	m->detail = strdup(detail);
	m->account_id = dup_or_null(p->account_id);
	if (!m->employee_id || !m->detail)
		ml->oom = true;
	return ml->oom;
}

int recon_missing(struct recon *r)
{
	struct missing_list ml = {.r = r};
	size_t i;
	int rc;

	if (recon_flush(r))
		return -1;
	rc = ledger_recon_persons(r->ledger, r->conn->name, missing_visit, &ml);
	if (rc < 0)
		recon_fail(r, "ledger: %s", ledger_last_error());
	else if (ml.oom)
		recon_fail(r, "out of memory");
	for (i = 0; i < ml.n; i++) {
		if (!r->failed)
			recon_finding(r, RC_MISSING, ml.items[i].account_id,
			              NULL, ml.items[i].employee_id, -1,
			              ml.items[i].detail);
		free(ml.items[i].employee_id);
		free(ml.items[i].detail);
		free(ml.items[i].account_id);
	}
	free(ml.items);
	return recon_flush(r);
}
