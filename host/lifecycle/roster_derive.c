/* Roster row -> events; see roster_derive.h. */
#include "lifecycle/roster_derive.h"

#include <stdio.h>
#include <string.h>

#include "lifecycle/isodate.h"

void roster_derived_release(struct roster_derived *d)
{
	for (size_t i = 0; i < d->n; i++)
		json_decref(d->events[i]);
	memset(d, 0, sizeof(*d));
}

static const char *str(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

static bool has_instant(const json_t *rec, const char *key, int64_t *at)
{
	const json_t *v =
	        json_object_get(json_object_get(rec, "effective"), key);

	if (!json_is_integer(v))
		return false;
	*at = json_integer_value(v);
	return true;
}

/* The row's attributes without the empty (null) ones. */
static json_t *all_attributes(const json_t *attrs)
{
	json_t *out = json_object(), *v;
	const char *key;

	if (!out)
		return NULL;
	json_object_foreach((json_t *)attrs, key, v)
	{
		if (!json_is_null(v) && json_object_set(out, key, v)) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

/* The attributes whose value differs from the stored record: a new value,
 * or null for a stored value the row no longer has. */
static json_t *changed_attributes(const json_t *attrs, const json_t *stored)
{
	json_t *out = json_object(), *v, *old;
	const char *key;

	if (!out)
		return NULL;
	json_object_foreach((json_t *)attrs, key, v)
	{
		old = stored ? json_object_get(stored, key) : NULL;
		if (json_is_null(v) ? !old || json_is_null(old)
		                    : old && json_equal(old, v))
			continue;
		if (json_object_set(out, key, v)) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

/* Adds {"event": kind, "employee_id", "attributes", "effective"?}; takes
 * attrs. has_at: effective at. */
static int add_event(struct roster_derived *d, const char *kind,
                     const char *employee_id, json_t *attrs, bool has_at,
                     int64_t at)
{
	char when[32];
	json_t *ev;

	if (!attrs)
		return -1;
	ev = json_pack("{s:s, s:s, s:o}", "event", kind, "employee_id",
	               employee_id, "attributes", attrs);
	if (!ev)
		return -1;
	if (has_at && json_object_set_new(ev, "effective",
	                                  json_string(isodate_format(
	                                          at, when, sizeof(when))))) {
		json_decref(ev);
		return -1;
	}
	d->events[d->n++] = ev;
	return 0;
}

/* The row's state now: "active", "leave" or "terminated"; *scheduled when
 * an active row has a termination date ahead. NULL for a conflict (note
 * set). */
static const char *row_state(const json_t *rec, int64_t now, bool *scheduled,
                             int64_t *term_at, struct roster_derived *d)
{
	const char *status = str(rec, "status");
	const char *hire = str(rec, "hire_date");
	const char *term = str(rec, "termination_date");
	bool has_term = has_instant(rec, "termination_date", term_at);
	bool rehired = hire[0] && term[0] && strcmp(hire, term) > 0;

	*scheduled = false;
	if (!strcmp(status, "terminated") && rehired) {
		snprintf(
		        d->note, sizeof(d->note),
		        "status and dates disagree: status terminated, but the "
		        "hire date %s is after the termination date %s",
		        hire, term);
		return NULL;
	}
	if (strcmp(status, "active") || !has_term || rehired)
		return status;
	if (*term_at <= now) {
		snprintf(d->note, sizeof(d->note),
		         "status and dates disagree: status active, but the "
		         "termination date %s has passed",
		         term);
		return NULL;
	}
	*scheduled = true;
	return status;
}

/* roster_derive with the row's attributes attrs (never NULL). */
static int derive(const json_t *record, const json_t *attrs,
                  const struct roster_stored *stored, int64_t now,
                  struct roster_derived *out)
{
	const char *id = str(record, "employee_id");
	const char *was = stored && stored->status ? stored->status : "";
	const json_t *old = stored ? stored->record : NULL;
	int64_t hire_at = 0, term_at = 0;
	bool has_hire = has_instant(record, "hire_date", &hire_at);
	bool scheduled, has_term;
	const char *state;
	json_t *changed = NULL;
	int rc = 0;

	state = row_state(record, now, &scheduled, &term_at, out);
	if (!state) {
		out->conflict = true;
		return 0;
	}
	has_term = has_instant(record, "termination_date", &term_at);
	if (!was[0] || !strcmp(was, "terminated")) {
		const char *kind = was[0] ? "rehire" : "hire";

		if (!strcmp(state, "terminated")) {
			snprintf(out->note, sizeof(out->note),
			         was[0] ? "terminated: nothing to do"
			                : "terminated and never provisioned: "
			                  "nothing to do");
			return 0;
		}
		if (was[0] && scheduled && stored->terminate_scheduled) {
			/* the scheduled terminate was stored by an earlier
			 * run: only changed attributes */
			changed = changed_attributes(attrs, old);
			if (!changed)
				return -1;
			if (!json_object_size(changed)) {
				json_decref(changed);
				snprintf(out->note, sizeof(out->note),
				         "no change (termination scheduled)");
				return 0;
			}
			return add_event(out, "update", id, changed, false, 0);
		}
		rc = add_event(out, kind, id, all_attributes(attrs), has_hire,
		               hire_at);
		if (!rc && !strcmp(state, "leave"))
			rc = add_event(out, "leave", id, json_object(), false,
			               0);
		if (!rc && scheduled)
			rc = add_event(out, "terminate", id, json_object(),
			               true, term_at);
		return rc;
	}
	changed = changed_attributes(attrs, old);
	if (!changed)
		return -1;
	if (!strcmp(state, "terminated"))
		return add_event(out, "terminate", id, changed, has_term,
		                 term_at);
	if (!strcmp(state, "leave")) {
		if (strcmp(was, "on_leave"))
			return add_event(out, "leave", id, changed, false, 0);
	} else if (!strcmp(was, "on_leave")) {
		rc = add_event(out, "return", id, changed, false, 0);
		changed = NULL;
	}
	if (changed && json_object_size(changed))
		rc = add_event(out, "update", id, changed, false, 0);
	else
		json_decref(changed);
	if (!rc && scheduled)
		rc = add_event(out, "terminate", id, json_object(), true,
		               term_at);
	if (!rc && !out->n)
		snprintf(out->note, sizeof(out->note), "no change");
	return rc;
}

int roster_derive(const json_t *record, const struct roster_stored *stored,
                  int64_t now, struct roster_derived *out)
{
	const json_t *attrs = json_object_get(record, "attributes");
	json_t *empty = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(attrs)) {
		empty = json_object();
		if (!empty)
			return -1;
		attrs = empty;
	}
	rc = derive(record, attrs, stored, now, out);
	json_decref(empty);
	if (rc)
		roster_derived_release(out);
	return rc;
}
