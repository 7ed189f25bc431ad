/* provhost sync: the mass-change guard (run_sync.h). A bad export (a
 * blank or shifted column) changes many people at once; the guard holds
 * those updates for review instead of sending them. A change counts when
 * it changes what a connection would send for the person (the mapped
 * account: a mapped attribute) or takes a role away (the role rules). */
#include <stdlib.h>
#include <string.h>

#include "config/lifecycle_config.h"
#include "engine/run_internal.h"
#include "engine/run_sync.h"
#include "lifecycle/mapping.h"
#include "lifecycle/person.h"
#include "lifecycle/rules.h"

/* Whether the mapped account differs between old and new. */
static bool mapped_differs(const struct mapping *m, const json_t *old,
                           const json_t *new)
{
	json_t *a = NULL, *b = NULL;
	char why[200];
	int ra = mapping_apply(m, old, true, NULL, &a, why, sizeof(why));
	int rb = mapping_apply(m, new, true, NULL, &b, why, sizeof(why));
	bool differs = ra != rb || (ra == 0 && !json_equal(a, b));

	json_decref(a);
	json_decref(b);
	return differs;
}

/* Whether new loses a role old had (or stops matching any rule). -1 on
 * out of memory. */
static int loses_roles(const struct rules *r, const json_t *old,
                       const json_t *new)
{
	struct rules_result ro, rn;
	size_t i, j;
	int lost = 0;

	if (rules_evaluate(r, old, &ro))
		return -1;
	if (rules_evaluate(r, new, &rn)) {
		rules_result_release(&ro);
		return -1;
	}
	if (ro.matched && !rn.matched)
		lost = 1;
	for (i = 0; !lost && i < json_array_size(ro.roles); i++) {
		for (j = 0; j < json_array_size(rn.roles); j++)
			if (json_equal(json_array_get(ro.roles, i),
			               json_array_get(rn.roles, j)))
				break;
		if (j == json_array_size(rn.roles))
			lost = 1;
	}
	rules_result_release(&ro);
	rules_result_release(&rn);
	return lost;
}

/* The index of item's update event, or -1. */
static int update_of(const struct sync_item *it)
{
	for (size_t i = 0; i < it->n_events; i++)
		if (!strcmp(it->events[i].kind, "update") &&
		    !it->events[i].held)
			return (int)i;
	return -1;
}

/* The attributes of item's event i: a new reference (json_decref), NULL
 * when out of memory. */
static json_t *attributes_of(const struct sync_item *it, int i)
{
	json_t *ev = json_loads(it->events[i].text, 0, NULL);
	json_t *a = ev ? json_incref(json_object_get(ev, "attributes")) : NULL;

	json_decref(ev);
	return a;
}

/* Classifies item's update: bit 1 mapped change, bit 2 role loss; -1 on
 * out of memory. */
static int classify(struct run *run, const struct sync_item *it, int u)
{
	json_t *old = json_loads(it->person->record, 0, NULL), *new = NULL;
	json_t *attrs = attributes_of(it, u);
	int kind = 0;

	if (!old || !attrs || person_merge(EVENT_UPDATE, old, attrs, &new)) {
		json_decref(old);
		json_decref(attrs);
		return -1;
	}
	json_decref(attrs);
	for (size_t i = 0; i < run->n_conns; i++) {
		const struct lifecycle_config *lc =
		        run->conns[i].conn->lifecycle;
		int lost;

		if (mapped_differs(lc->mapping, old, new))
			kind |= 1;
		lost = loses_roles(lc->rules, old, new);
		if (lost < 0) {
			kind = -1;
			break;
		}
		if (lost)
			kind |= 2;
	}
	json_decref(old);
	json_decref(new);
	return kind;
}

/* Whether the comma-separated list contains key. */
static bool listed(const char *list, const char *key)
{
	size_t k = strlen(key);

	while (*list) {
		const char *end = strstr(list, ", ");
		size_t n = end ? (size_t)(end - list) : strlen(list);

		if (n == k && !strncmp(list, key, k))
			return true;
		list += n + (end ? 2 : 0);
	}
	return false;
}

/* Adds the keys of attrs to the list in buf (", "-separated, once). */
static void note_keys(const json_t *attrs, char *buf, size_t len)
{
	const char *key;
	const json_t *v;

	json_object_foreach((json_t *)attrs, key, v)
	{
		size_t used = strlen(buf);

		if (!listed(buf, key) && used + strlen(key) + 3 < len)
			snprintf(buf + used, len - used, "%s%s",
			         used ? ", " : "", key);
	}
}

/* Holds the updates of the items marked with bit; what describes it. 0,
 * -1 on out of memory. */
static int hold_all(struct run *run, const int *kinds, const int *updates,
                    int bit, int64_t n, const char *what)
{
	struct run_sync *s = run->sync;
	const struct sync_config *cfg = &run->cfg->sync;
	char keys[200] = "", why[600];

	for (size_t i = 0; i < s->n_items; i++)
		if (kinds[i] > 0 && (kinds[i] & bit)) {
			json_t *a = attributes_of(&s->items[i], updates[i]);

			if (!a)
				return -1;
			note_keys(a, keys, sizeof(keys));
			json_decref(a);
		}
	snprintf(why, sizeof(why),
	         "held by the mass-change guard: %lld of %lld people (%.0f %%, "
	         "limit %.0f %%) would %s in this snapshot (%s) — a blank or "
	         "shifted column in the export? approve or discard with "
	         "provhost review",
	         (long long)n, (long long)s->known_rows,
	         100.0 * (double)n / (double)s->known_rows,
	         100.0 * cfg->mass_change_share, what, keys);
	for (size_t i = 0; i < s->n_items; i++) {
		struct sync_event *e;

		if (kinds[i] <= 0 || !(kinds[i] & bit))
			continue;
		e = &s->items[i].events[updates[i]];
		if (!e->held && run_sync_event_hold(e, why))
			return -1;
	}
	return 0;
}

int run_sync_guard(struct run *run)
{
	struct run_sync *s = run->sync;
	const struct sync_config *cfg = &run->cfg->sync;
	int64_t mapped = 0, lost = 0;
	int *kinds, *updates;
	int rc = -1;

	if (!s->n_items || !s->known_rows)
		return 0;
	kinds = calloc(s->n_items, sizeof(*kinds));
	updates = calloc(s->n_items, sizeof(*updates));
	if (!kinds || !updates)
		goto out;
	for (size_t i = 0; i < s->n_items; i++) {
		const struct sync_item *it = &s->items[i];

		updates[i] = update_of(it);
		if (it->dropped || !it->person || updates[i] < 0)
			continue;
		kinds[i] = classify(run, it, updates[i]);
		if (kinds[i] < 0)
			goto out;
		mapped += kinds[i] & 1;
		lost += (kinds[i] & 2) >> 1;
	}
	if (mapped >= cfg->mass_change_min &&
	    (double)mapped > cfg->mass_change_share * (double)s->known_rows)
		if (hold_all(run, kinds, updates, 1, mapped,
		             "change a mapped attribute"))
			goto out;
	if (lost >= cfg->mass_change_min &&
	    (double)lost > cfg->mass_change_share * (double)s->known_rows)
		if (hold_all(run, kinds, updates, 2, lost, "lose roles"))
			goto out;
	rc = 0;
out:
	free(kinds);
	free(updates);
	return rc;
}
