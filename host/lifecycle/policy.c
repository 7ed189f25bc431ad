#include "lifecycle/policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define POLICY_KNOWN_KEYS                                                      \
	"update, leave, no_match, keep_on_role_change, "                       \
	"max_deprovisions_per_run, send_roles, shared_email, rename, "         \
	"supervise, supervise_expire_days, verify"

void policy_defaults(struct policy *p)
{
	p->update = POLICY_UPDATE_PROVISION;
	p->leave = POLICY_LEAVE_IGNORE;
	p->no_match = POLICY_NO_MATCH_DEPROVISION;
	p->keep_on_role_change = false;
	p->max_deprovisions_per_run = 25;
	p->send_roles = false;
	p->shared_email = POLICY_SHARED_EMAIL_DISPUTE;
	p->rename = POLICY_RENAME_KEEP;
	p->supervise = 0;
	p->supervise_expire_days = 0;
	p->verify = POLICY_VERIFY_CHANGES;
}

static const char *const change_names[] = {"create", "update", "deactivate",
                                           "reactivate", "link"};
#define N_CHANGES (sizeof(change_names) / sizeof(change_names[0]))

const char *policy_change_name(enum policy_change c)
{
	for (size_t i = 0; i < N_CHANGES; i++)
		if (c == 1u << i)
			return change_names[i];
	return "?";
}

/* "supervise": an array of distinct change kinds. */
static int get_supervise(const char *key, const json_t *val, unsigned *out,
                         struct path_error *err)
{
	char path[64];
	size_t i, k;
	json_t *item;

	if (!json_is_array(val))
		return path_error_set(err, key,
		                      "\"%s\" must be an array of kinds of "
		                      "change (create, update, deactivate, "
		                      "reactivate, link)",
		                      key);
	*out = 0;
	json_array_foreach(val, i, item)
	{
		snprintf(path, sizeof(path), "%s[%zu]", key, i);
		for (k = 0; k < N_CHANGES; k++)
			if (json_is_string(item) &&
			    !strcmp(json_string_value(item), change_names[k]))
				break;
		if (k == N_CHANGES && !json_is_string(item))
			return path_error_set(
			        err, path,
			        "\"%s\" items must be strings (create, "
			        "update, deactivate, reactivate, link)",
			        key);
		if (k == N_CHANGES)
			return path_error_set(err, path,
			                      "\"%s\": unknown kind of change "
			                      "\"%s\" (expected "
			                      "create, update, deactivate, "
			                      "reactivate or link)",
			                      key, json_string_value(item));
		if (*out & (1u << k))
			return path_error_set(err, path,
			                      "\"%s\" lists \"%s\" twice", key,
			                      change_names[k]);
		*out |= 1u << k;
	}
	return 0;
}

/* Maps a string member onto one of n names; *out gets the index. */
static int get_choice(const char *key, const json_t *val,
                      const char *const *names, int n, const char *list,
                      int *out, struct path_error *err)
{
	const char *s;

	if (!json_is_string(val))
		return path_error_set(err, key,
		                      "\"%s\" must be a string (one of %s)",
		                      key, list);
	s = json_string_value(val);
	for (int i = 0; i < n; i++) {
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	}
	return path_error_set(err, key,
	                      "unknown value \"%s\" for \"%s\" (expected %s)",
	                      s, key, list);
}

static int get_bool(const char *key, const json_t *val, bool *out,
                    struct path_error *err)
{
	if (!json_is_boolean(val))
		return path_error_set(err, key, "\"%s\" must be true or false",
		                      key);
	*out = json_is_true(val);
	return 0;
}

static const char *const update_names[] = {"provision", "linked_only"};
static const char *const leave_names[] = {"ignore", "deprovision"};
static const char *const no_match_names[] = {"deprovision", "default_roles",
                                             "skip"};
static const char *const shared_email_names[] = {"dispute", "allow"};
static const char *const rename_names[] = {"keep", "follow"};
static const char *const verify_names[] = {"changes", "always"};

int policy_parse(const json_t *obj, struct policy *p, struct path_error *err)
{
	const char *key;
	json_t *val;
	int choice;

	policy_defaults(p);
	if (!obj)
		return 0;
	if (!json_is_object(obj))
		return path_error_set(err, "", "\"policy\" must be an object");
	json_object_foreach((json_t *)obj, key, val)
	{
		if (!strcmp(key, "update")) {
			if (get_choice(key, val, update_names, 2,
			               "provision, linked_only", &choice, err))
				return -1;
			p->update = (enum policy_update)choice;
		} else if (!strcmp(key, "leave")) {
			if (get_choice(key, val, leave_names, 2,
			               "ignore, deprovision", &choice, err))
				return -1;
			p->leave = (enum policy_leave)choice;
		} else if (!strcmp(key, "no_match")) {
			if (get_choice(key, val, no_match_names, 3,
			               "deprovision, default_roles, skip",
			               &choice, err))
				return -1;
			p->no_match = (enum policy_no_match)choice;
		} else if (!strcmp(key, "shared_email")) {
			if (get_choice(key, val, shared_email_names, 2,
			               "dispute, allow", &choice, err))
				return -1;
			p->shared_email = (enum policy_shared_email)choice;
		} else if (!strcmp(key, "rename")) {
			if (get_choice(key, val, rename_names, 2,
			               "keep, follow", &choice, err))
				return -1;
			p->rename = (enum policy_rename)choice;
		} else if (!strcmp(key, "verify")) {
			if (get_choice(key, val, verify_names, 2,
			               "changes, always", &choice, err))
				return -1;
			p->verify = (enum policy_verify)choice;
		} else if (!strcmp(key, "keep_on_role_change")) {
			if (get_bool(key, val, &p->keep_on_role_change, err))
				return -1;
		} else if (!strcmp(key, "send_roles")) {
			if (get_bool(key, val, &p->send_roles, err))
				return -1;
		} else if (!strcmp(key, "max_deprovisions_per_run")) {
			if (!json_is_integer(val) ||
			    json_integer_value(val) < 0)
				return path_error_set(
				        err, key,
				        "\"%s\" must be an integer >= 0", key);
			p->max_deprovisions_per_run = json_integer_value(val);
		} else if (!strcmp(key, "supervise")) {
			if (get_supervise(key, val, &p->supervise, err))
				return -1;
		} else if (!strcmp(key, "supervise_expire_days")) {
			if (!json_is_integer(val) ||
			    json_integer_value(val) < 1 ||
			    json_integer_value(val) > 36500)
				return path_error_set(
				        err, key,
				        "\"%s\" must be a number of "
				        "days from 1 to 36500",
				        key);
			p->supervise_expire_days = json_integer_value(val);
		} else {
			return path_error_set(
			        err, key,
			        "unknown key \"%s\" in \"policy\" (known: %s)",
			        key, POLICY_KNOWN_KEYS);
		}
	}
	if (p->supervise_expire_days && !p->supervise)
		return path_error_set(err, "supervise_expire_days",
		                      "\"supervise_expire_days\" needs "
		                      "\"supervise\" (the kinds of change held "
		                      "for approval)");
	return 0;
}

const char *policy_action_name(enum policy_action a)
{
	switch (a) {
	case POLICY_PROVISION:
		return "provision";
	case POLICY_DEPROVISION:
		return "deprovision";
	case POLICY_SKIP:
		return "skip";
	}
	return "?";
}

static void decide(struct policy_decision *out, enum policy_action action,
                   const json_t *roles, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static void decide(struct policy_decision *out, enum policy_action action,
                   const json_t *roles, const char *fmt, ...)
{
	va_list ap;

	out->action = action;
	out->roles = roles;
	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
}

/* A provisioning event (hire, rehire, return, or an update that passed the
 * update policy): the role rules and no_match decide. */
static void decide_provisioning(const struct policy *p, const char *kind,
                                const struct rules_result *rr, bool linked,
                                struct policy_decision *out)
{
	const json_t *roles;

	if (!rr || rr->matched) {
		roles = p->send_roles && rr ? rr->roles : NULL;
		decide(out, POLICY_PROVISION, roles, "%s; provision", kind);
		return;
	}
	switch (p->no_match) {
	case POLICY_NO_MATCH_DEFAULT_ROLES:
		roles = p->send_roles ? rr->default_roles : NULL;
		decide(out, POLICY_PROVISION, roles,
		       "%s; matches no role rule; provisioned with default "
		       "roles by policy no_match=default_roles",
		       kind);
		return;
	case POLICY_NO_MATCH_SKIP:
		decide(out, POLICY_SKIP, NULL,
		       "%s; matches no role rule; skipped by policy "
		       "no_match=skip",
		       kind);
		return;
	case POLICY_NO_MATCH_DEPROVISION:
		break;
	}
	if (linked && p->keep_on_role_change) {
		decide(out, POLICY_SKIP, NULL,
		       "%s; matches no role rule; account kept by policy "
		       "keep_on_role_change",
		       kind);
		return;
	}
	decide(out, POLICY_DEPROVISION, NULL,
	       "%s; matches no role rule; deprovisioned by policy "
	       "no_match=deprovision",
	       kind);
}

void policy_decide(const struct policy *p, enum event_kind kind,
                   const struct rules_result *rr, bool has_linked_account,
                   struct policy_decision *out)
{
	const char *name = event_kind_name(kind);

	switch (kind) {
	case EVENT_TERMINATE:
		decide(out, POLICY_DEPROVISION, NULL, "%s; deprovision", name);
		return;
	case EVENT_LEAVE:
		if (p->leave == POLICY_LEAVE_DEPROVISION)
			decide(out, POLICY_DEPROVISION, NULL,
			       "%s; deprovisioned by policy leave=deprovision",
			       name);
		else
			decide(out, POLICY_SKIP, NULL,
			       "%s ignored by policy leave=ignore", name);
		return;
	case EVENT_UPDATE:
		if (p->update == POLICY_UPDATE_LINKED_ONLY &&
		    !has_linked_account) {
			decide(out, POLICY_SKIP, NULL,
			       "%s of a person without a linked account "
			       "ignored by policy update=linked_only",
			       name);
			return;
		}
		break;
	case EVENT_HIRE:
	case EVENT_REHIRE:
	case EVENT_RETURN:
		break;
	}
	decide_provisioning(p, name, rr, has_linked_account, out);
}
