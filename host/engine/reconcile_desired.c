/* What the mapping wants for a person, and how a listed account differs
 * from it (reconcile_internal.h). Pure: no I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/lifecycle_config.h"
#include "engine/reconcile_internal.h"

int recon_desired(const struct connection *conn, const char *status,
                  const json_t *record, const char *link_user_name,
                  bool has_link, enum recon_want *want, json_t **desired,
                  char *why, size_t why_len)
{
	const struct lifecycle_config *lc = conn->lifecycle;
	struct policy_decision dec;
	struct rules_result rr;
	char reason[400];

	*want = WANT_NONE;
	*desired = NULL;
	why[0] = '\0';
	if (!strcmp(status, "terminated")) {
		*want = WANT_INACTIVE;
		snprintf(why, why_len, "terminated");
		return 0;
	}
	if (!strcmp(status, "on_leave")) {
		if (lc->policy.leave == POLICY_LEAVE_DEPROVISION) {
			*want = WANT_INACTIVE;
			snprintf(why, why_len,
			         "on leave (policy leave=deprovision)");
		} else {
			snprintf(why, why_len,
			         "on leave (policy leave=ignore)");
		}
		return 0;
	}
	if (rules_evaluate(lc->rules, record, &rr))
		return -1;
	/* what a hire would get: the account the person should have now */
	policy_decide(&lc->policy, EVENT_HIRE, &rr, has_link, &dec);
	if (dec.action == POLICY_SKIP) {
		snprintf(why, why_len, "%s", dec.reason);
	} else if (dec.action == POLICY_DEPROVISION) {
		*want = WANT_INACTIVE;
		snprintf(why, why_len, "%s", dec.reason);
	} else if (mapping_apply(lc->mapping, record, true, dec.roles, desired,
	                         reason, sizeof(reason))) {
		snprintf(why, why_len, "the mapping cannot be applied: %s",
		         reason);
	} else {
		*want = WANT_ACTIVE;
		if (link_user_name && link_user_name[0] &&
		    lc->policy.rename == POLICY_RENAME_KEEP)
			json_object_set_new(*desired, "userName",
			                    json_string(link_user_name));
	}
	rules_result_release(&rr);
	return 0;
}

bool recon_account_active(const json_t *account)
{
	const json_t *a = json_object_get(account, "active");

	return !json_is_boolean(a) || json_is_true(a);
}

static const char *str_at(const json_t *obj, const char *k1, const char *k2)
{
	const json_t *v = json_object_get(obj, k1);

	if (k2)
		v = json_object_get(v, k2);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The primary email's value, else the first one's. */
static const char *primary_email(const json_t *obj)
{
	const json_t *emails = json_object_get(obj, "emails"), *e;
	const char *first = NULL;
	size_t i;

	json_array_foreach(emails, i, e)
	{
		const char *v = str_at(e, "value", NULL);

		if (!v)
			continue;
		if (json_is_true(json_object_get(e, "primary")))
			return v;
		if (!first)
			first = v;
	}
	return first;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The role names of obj sorted and joined ("A, B"), "" for none. */
static void roles_text(const json_t *obj, char *out, size_t len)
{
	const json_t *roles = json_object_get(obj, "roles"), *r;
	const char *names[64];
	size_t i, n = 0, used = 0;

	out[0] = '\0';
	json_array_foreach(roles, i, r)
	{
		const char *d = str_at(r, "display", NULL);

		if (!d)
			d = str_at(r, "value", NULL);
		if (d && n < 64)
			names[n++] = d;
	}
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (i = 0; i < n && used + 1 < len; i++) {
		if (i && !strcmp(names[i], names[i - 1]))
			continue;
		used += (size_t)snprintf(out + used, len - used, "%s%s",
		                         used ? ", " : "", names[i]);
		if (used >= len)
			used = len - 1;
	}
}

/* Appends one difference to out. */
static void add_diff(char *out, size_t len, int *n, const char *attr,
                     const char *have, const char *want, bool quote)
{
	size_t used = strlen(out);

	if (used + 1 >= len)
		return;
	snprintf(out + used, len - used,
	         "%s%s: target %s%s%s, mapping wants "
	         "%s%s%s",
	         *n ? "; " : "", attr, quote && have ? "\"" : "",
	         have ? have : "(none)", quote && have ? "\"" : "",
	         quote && want ? "\"" : "", want ? want : "(none)",
	         quote && want ? "\"" : "");
	(*n)++;
}

static void cmp_text(char *out, size_t len, int *n, const char *attr,
                     const char *have, const char *want, bool ignore_case)
{
	if (!want)
		return; /* the mapping does not set it */
	if (have &&
	    (ignore_case ? !strcasecmp(have, want) : !strcmp(have, want)))
		return;
	add_diff(out, len, n, attr, have, want, true);
}

int recon_diff(const json_t *account, const json_t *desired, bool want_active,
               char *out, size_t len)
{
	bool active = recon_account_active(account);
	char have_roles[600], want_roles[600];
	int n = 0;

	out[0] = '\0';
	if (active != want_active)
		add_diff(out, len, &n, "active", active ? "true" : "false",
		         want_active ? "true" : "false", false);
	if (!desired)
		return n;
	cmp_text(out, len, &n, "userName", str_at(account, "userName", NULL),
	         str_at(desired, "userName", NULL), true);
	cmp_text(out, len, &n, "givenName",
	         str_at(account, "name", "givenName"),
	         str_at(desired, "name", "givenName"), false);
	cmp_text(out, len, &n, "familyName",
	         str_at(account, "name", "familyName"),
	         str_at(desired, "name", "familyName"), false);
	cmp_text(out, len, &n, "email", primary_email(account),
	         primary_email(desired), true);
	if (json_object_get(desired, "roles")) {
		roles_text(account, have_roles, sizeof(have_roles));
		roles_text(desired, want_roles, sizeof(want_roles));
		if (strcmp(have_roles, want_roles)) {
			char h[620], w[620];

			snprintf(h, sizeof(h), "[%s]", have_roles);
			snprintf(w, sizeof(w), "[%s]", want_roles);
			add_diff(out, len, &n, "roles", h, w, false);
		}
	}
	return n;
}
