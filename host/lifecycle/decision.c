/* One decision, built, rendered as JSON and as text (decision.h). */
#include "lifecycle/decision.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARROW "\xe2\x86\x92" /* U+2192 */

static const char *const action_names[] = {
        [DECISION_NONE] = "none",
        [DECISION_CREATE] = "create",
        [DECISION_UPDATE] = "update",
        [DECISION_REACTIVATE] = "reactivate",
        [DECISION_DEACTIVATE] = "deactivate",
        [DECISION_DELETE] = "delete",
        [DECISION_LINK] = "link",
};

#define N_ACTIONS (sizeof(action_names) / sizeof(action_names[0]))

int decision_init(struct decision *d)
{
	memset(d, 0, sizeof(*d));
	d->rules = json_array();
	d->roles = json_array();
	d->changes = json_array();
	if (d->rules && d->roles && d->changes)
		return 0;
	decision_release(d);
	return -1;
}

void decision_release(struct decision *d)
{
	json_decref(d->rules);
	json_decref(d->roles);
	json_decref(d->changes);
	d->rules = d->roles = d->changes = NULL;
}

const char *decision_action_name(enum decision_action a)
{
	return (size_t)a < N_ACTIONS ? action_names[a] : "none";
}

enum decision_action decision_action_of_outcome(const char *outcome,
                                                bool adopted)
{
	if (!outcome)
		return DECISION_NONE;
	if (!strcmp(outcome, "created"))
		return DECISION_CREATE;
	if (adopted &&
	    (!strcmp(outcome, "updated") || !strcmp(outcome, "unchanged")))
		return DECISION_LINK;
	if (!strcmp(outcome, "updated"))
		return DECISION_UPDATE;
	if (!strcmp(outcome, "reactivated"))
		return DECISION_REACTIVATE;
	if (!strcmp(outcome, "deactivated"))
		return DECISION_DEACTIVATE;
	if (!strcmp(outcome, "deleted"))
		return DECISION_DELETE;
	return DECISION_NONE;
}

/* Replaces *dst with a copy of the strings of src (NULL = empty). */
static int copy_strings(json_t **dst, const json_t *src)
{
	json_t *arr = json_array(), *v;
	size_t i;

	if (!arr)
		return -1;
	json_array_foreach(src, i, v)
	{
		if (json_is_string(v) && json_array_append(arr, v)) {
			json_decref(arr);
			return -1;
		}
	}
	json_decref(*dst);
	*dst = arr;
	return 0;
}

int decision_set_rules(struct decision *d, const struct rules_result *rr,
                       const struct policy_decision *dec)
{
	/* roles are granted by a provision only */
	const json_t *roles = dec && dec->action != POLICY_PROVISION ? NULL
	                      : dec && dec->roles ? dec->roles
	                      : rr                ? rr->roles
	                                          : NULL;

	if (copy_strings(&d->rules, rr ? rr->matched_rules : NULL))
		return -1;
	return copy_strings(&d->roles, roles);
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_sensitive(const json_t *sensitive, const char *key)
{
	size_t i;
	json_t *v;

	json_array_foreach(sensitive, i, v)
	{
		if (json_is_string(v) && !strcmp(json_string_value(v), key))
			return true;
	}
	return false;
}

/* The value shown for key: a copy of v (null when absent) or the mask. */
static json_t *shown(const json_t *v, bool masked)
{
	if (masked)
		return json_string(DECISION_MASK);
	return v ? json_deep_copy(v) : json_null();
}

int decision_set_changes(struct decision *d, const json_t *before,
                         const json_t *after, const json_t *sensitive)
{
	const char **keys = NULL, *key;
	json_t *arr = json_array(), *val;
	size_t n = 0, i;
	int rc = -1;

	if (!arr)
		return -1;
	if (!json_is_object(before) || !json_is_object(after))
		goto done;
	keys = malloc((json_object_size(before) + json_object_size(after) + 1) *
	              sizeof(*keys));
	if (!keys)
		goto out;
	json_object_foreach((json_t *)before, key, val) keys[n++] = key;
	json_object_foreach((json_t *)after, key, val)
	{
		if (!json_object_get(before, key))
			keys[n++] = key;
	}
	qsort(keys, n, sizeof(*keys), by_string);
	for (i = 0; i < n; i++) {
		const json_t *o = json_object_get(before, keys[i]);
		const json_t *a = json_object_get(after, keys[i]);
		bool masked = is_sensitive(sensitive, keys[i]);
		json_t *ch;

		if (o && a && json_equal(o, a))
			continue;
		ch = json_pack("{s:s, s:o, s:o}", "attribute", keys[i], "old",
		               shown(o, masked), "new", shown(a, masked));
		if (!ch || json_array_append_new(arr, ch))
			goto out;
	}
done:
	json_decref(d->changes);
	d->changes = arr;
	arr = NULL;
	rc = 0;
out:
	free(keys);
	json_decref(arr);
	return rc;
}

void decision_policy_reason(enum event_kind kind, const struct rules_result *rr,
                            const struct policy_decision *dec,
                            const struct policy *p, char *buf, size_t len)
{
	const char *name = event_kind_name(kind);
	bool matched = !rr || rr->matched;

	if (kind == EVENT_TERMINATE) {
		snprintf(buf, len, "%s", name);
	} else if (kind == EVENT_LEAVE) {
		snprintf(buf, len, "%s: policy leave=%s", name,
		         p->leave == POLICY_LEAVE_DEPROVISION ? "deprovision"
		                                              : "ignore");
	} else if (kind == EVENT_UPDATE && dec->action == POLICY_SKIP &&
	           p->update == POLICY_UPDATE_LINKED_ONLY && matched) {
		snprintf(buf, len,
		         "%s: no linked account (policy "
		         "update=linked_only)",
		         name);
	} else if (matched) {
		snprintf(buf, len, "%s", name);
	} else if (dec->action == POLICY_PROVISION) {
		snprintf(buf, len,
		         "%s: no rule matched " ARROW " default roles", name);
	} else if (dec->action == POLICY_DEPROVISION) {
		snprintf(buf, len,
		         "%s: no rule matched " ARROW
		         " deprovision (policy no_match=deprovision)",
		         name);
	} else if (p->no_match == POLICY_NO_MATCH_SKIP) {
		snprintf(buf, len,
		         "%s: no rule matched " ARROW
		         " skipped (policy no_match=skip)",
		         name);
	} else {
		snprintf(buf, len,
		         "%s: no rule matched " ARROW
		         " account kept (policy keep_on_role_change)",
		         name);
	}
}

json_t *decision_to_json(const struct decision *d)
{
	return json_pack("{s:s, s:s, s:O, s:O, s:O}", "action",
	                 decision_action_name(d->action), "reason", d->reason,
	                 "rules", d->rules, "roles", d->roles, "changes",
	                 d->changes);
}

int decision_from_json(const json_t *obj, struct decision *d)
{
	const json_t *v;
	size_t i;

	if (!json_is_object(obj) || decision_init(d))
		return -1;
	v = json_object_get(obj, "action");
	for (i = 0; json_is_string(v) && i < N_ACTIONS; i++)
		if (!strcmp(json_string_value(v), action_names[i]))
			d->action = (enum decision_action)i;
	v = json_object_get(obj, "reason");
	snprintf(d->reason, sizeof(d->reason), "%s",
	         json_is_string(v) ? json_string_value(v) : "");
	if (copy_strings(&d->rules, json_object_get(obj, "rules")) ||
	    copy_strings(&d->roles, json_object_get(obj, "roles")))
		goto fail;
	v = json_object_get(obj, "changes");
	if (json_is_array(v)) {
		json_decref(d->changes);
		d->changes = json_deep_copy(v);
		if (!d->changes)
			goto fail;
	}
	return 0;
fail:
	decision_release(d);
	return -1;
}

/* A growing string; on out of memory s is freed and NULL. */
struct text {
	char *s;
	size_t len, cap;
};

static void add(struct text *t, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!t->s)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		goto oom;
	if ((size_t)n >= t->cap - t->len) {
		size_t cap = t->cap * 2 + (size_t)n;
		char *s = realloc(t->s, cap);

		if (!s)
			goto oom;
		t->s = s;
		t->cap = cap;
		va_start(ap, fmt);
		vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
	}
	t->len += (size_t)n;
	return;
oom:
	free(t->s);
	t->s = NULL;
}

static void add_list(struct text *t, const char *label, const json_t *arr)
{
	size_t i;
	json_t *v;

	add(t, "; %s ", label);
	if (!json_array_size(arr))
		add(t, "none");
	json_array_foreach(arr, i, v)
	        add(t, "%s%s", i ? ", " : "", json_string_value(v));
}

/* A value of a change: "(none)" when absent, the mask bare, else JSON. */
static void add_value(struct text *t, const json_t *v)
{
	char *s;

	if (!v || json_is_null(v)) {
		add(t, "(none)");
		return;
	}
	if (json_is_string(v) && !strcmp(json_string_value(v), DECISION_MASK)) {
		add(t, "%s", DECISION_MASK);
		return;
	}
	s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	add(t, "%s", s ? s : "?");
	free(s);
}

char *decision_text(const struct decision *d)
{
	struct text t = {malloc(256), 0, 256};
	size_t i;
	json_t *ch;

	if (!t.s)
		return NULL;
	t.s[0] = '\0';
	add(&t, "%s: %s", decision_action_name(d->action),
	    d->reason[0] ? d->reason : "-");
	add_list(&t, "rules", d->rules);
	add_list(&t, "roles", d->roles);
	json_array_foreach(d->changes, i, ch)
	{
		const json_t *o = json_object_get(ch, "old");
		const json_t *n = json_object_get(ch, "new");
		const json_t *a = json_object_get(ch, "attribute");

		add(&t, "%s%s ", i ? ", " : "; changed ",
		    json_is_string(a) ? json_string_value(a) : "?");
		if (json_is_string(o) && json_is_string(n) &&
		    !strcmp(json_string_value(o), DECISION_MASK) &&
		    !strcmp(json_string_value(n), DECISION_MASK)) {
			add(&t, "%s", DECISION_MASK);
			continue;
		}
		add_value(&t, o);
		add(&t, " " ARROW " ");
		add_value(&t, n);
	}
	return t.s;
}

char *decision_text_of_json(const char *json_text)
{
	json_t *obj = json_text ? json_loads(json_text, 0, NULL) : NULL;
	struct decision d;
	char *text = NULL;

	if (obj && !decision_from_json(obj, &d)) {
		text = decision_text(&d);
		decision_release(&d);
	}
	json_decref(obj);
	return text;
}
