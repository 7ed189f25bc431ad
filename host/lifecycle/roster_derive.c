/* Roster rows -> lifecycle events (roster_derive.h). */
#include "lifecycle/roster_derive.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifecycle/isodate.h"

#define DAY 86400

const char *roster_status_name(enum roster_status s)
{
	switch (s) {
	case ROSTER_LEAVE:
		return "leave";
	case ROSTER_TERMINATED:
		return "terminated";
	default:
		return "active";
	}
}

/* Reads an optional "YYYY-MM-DD" member; 0 (absent or read), -1. */
static int get_date(const json_t *rec, const char *key, bool *has, int64_t *at,
                    char text[11], char *reason, size_t len)
{
	const json_t *v = json_object_get(rec, key);
	char why[120];

	*has = false;
	if (!v || json_is_null(v) ||
	    (json_is_string(v) && !json_string_length(v)))
		return 0;
	if (!json_is_string(v) || json_string_length(v) != 10 ||
	    isodate_parse(json_string_value(v), at, why, sizeof(why))) {
		snprintf(reason, len, "\"%s\" must be a date YYYY-MM-DD", key);
		return -1;
	}
	memcpy(text, json_string_value(v), 11);
	*has = true;
	return 0;
}

int roster_row_parse(const json_t *rec, int64_t row_no, struct roster_row *out,
                     char *reason, size_t reason_len)
{
	const json_t *id, *st, *eff, *attrs;
	const char *s;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(rec)) {
		snprintf(reason, reason_len,
		         "a roster record must be a JSON "
		         "object");
		return -1;
	}
	id = json_object_get(rec, "employee_id");
	if (!json_is_string(id) || !json_string_length(id) ||
	    json_string_length(id) > EVENT_MAX_ID_LEN) {
		snprintf(
		        reason, reason_len,
		        "\"employee_id\" must be a non-empty string of at most "
		        "%d bytes",
		        EVENT_MAX_ID_LEN);
		return -1;
	}
	st = json_object_get(rec, "status");
	s = json_string_value(st);
	if (s && !strcmp(s, "active"))
		out->status = ROSTER_ACTIVE;
	else if (s && !strcmp(s, "leave"))
		out->status = ROSTER_LEAVE;
	else if (s && !strcmp(s, "terminated"))
		out->status = ROSTER_TERMINATED;
	else {
		snprintf(reason, reason_len,
		         "\"status\" must be \"active\", \"leave\" or "
		         "\"terminated\"");
		return -1;
	}
	if (get_date(rec, "hire_date", &out->has_hire, &out->hire_date,
	             out->hire_text, reason, reason_len) ||
	    get_date(rec, "termination_date", &out->has_term, &out->term_date,
	             out->term_text, reason, reason_len))
		return -1;
	eff = json_object_get(rec, "effective");
	if (eff && !json_is_null(eff)) {
		if (!json_is_integer(eff)) {
			snprintf(reason, reason_len,
			         "\"effective\" must be epoch seconds");
			return -1;
		}
		out->has_effective = true;
		out->effective = json_integer_value(eff);
	}
	attrs = json_object_get(rec, "attributes");
	if (attrs && !json_is_object(attrs)) {
		snprintf(reason, reason_len,
		         "\"attributes\" must be an object");
		return -1;
	}
	out->attributes = attrs ? json_incref((json_t *)attrs) : json_object();
	out->employee_id = strdup(json_string_value(id));
	out->row_no = row_no;
	if (!out->attributes || !out->employee_id) {
		roster_row_release(out);
		snprintf(reason, reason_len, "out of memory");
		return -1;
	}
	return 0;
}

void roster_row_release(struct roster_row *row)
{
	free(row->employee_id);
	json_decref(row->attributes);
	memset(row, 0, sizeof(*row));
}

json_t *roster_changed_attributes(const json_t *before, const json_t *after)
{
	json_t *out = json_object(), *v;
	const char *key;

	if (!out)
		return NULL;
	json_object_foreach((json_t *)after, key, v)
	{
		const json_t *o = before ? json_object_get(before, key) : NULL;

		if (json_is_null(v) && !o)
			continue;
		if (!o || !json_equal(o, v))
			if (json_object_set(out, key, v))
				goto oom;
	}
	json_object_foreach((json_t *)before, key, v)
	{
		if (!json_object_get(after, key) &&
		    json_object_set_new(out, key, json_null()))
			goto oom;
	}
	return out;
oom:
	json_decref(out);
	return NULL;
}

/* Appends an event; attrs is taken (may be NULL for {}). -1 on OOM. */
static int add(struct roster_plan *p, enum event_kind kind, bool has_eff,
               int64_t eff, json_t *attrs, const char *held_why)
{
	struct roster_event *e = &p->events[p->n_events];

	if (!attrs)
		attrs = json_object();
	if (!attrs || p->n_events == ROSTER_MAX_EVENTS) {
		json_decref(attrs);
		return -1;
	}
	e->kind = kind;
	e->has_effective = has_eff;
	e->effective = eff;
	e->attributes = attrs;
	if (held_why) {
		e->held = true;
		snprintf(e->why, sizeof(e->why), "%s", held_why);
	}
	p->n_events++;
	return 0;
}

/* The hire's (or rehire's) effective time: provision_days_before_start
 * days before the hire date, when that is still to come. */
static bool start_effective(const struct roster_row *row,
                            const struct roster_options *opt, int64_t *eff)
{
	if (opt->provision_days_before_start < 0 || !row->has_hire)
		return false;
	*eff = row->hire_date - opt->provision_days_before_start * DAY;
	return *eff > opt->now;
}

/* Why status and dates disagree ("" when they agree). */
static void disagreement(const struct roster_row *row, bool term_applies,
                         const struct roster_options *opt, char *why,
                         size_t len)
{
	char as_of[32];

	why[0] = '\0';
	isodate_format(opt->as_of, as_of, sizeof(as_of));
	as_of[10] = '\0';
	if (row->status == ROSTER_TERMINATED && row->has_term &&
	    row->has_hire && row->term_date < row->hire_date)
		snprintf(
		        why, len,
		        "status and dates disagree: status terminated, but the "
		        "termination date %s is before the hire date %s; held "
		        "for review",
		        row->term_text, row->hire_text);
	else if (row->status == ROSTER_TERMINATED && !row->has_term &&
	         row->has_hire && row->hire_date > opt->as_of)
		snprintf(
		        why, len,
		        "status and dates disagree: status terminated without "
		        "a termination date, but the hire date %s is after the "
		        "snapshot's as-of date %s; held for review",
		        row->hire_text, as_of);
	else if (row->status != ROSTER_TERMINATED && term_applies &&
	         row->term_date < opt->as_of)
		snprintf(why, len,
		         "status and dates disagree: status %s, but the "
		         "termination date %s has passed (as of %s); held for "
		         "review",
		         roster_status_name(row->status), row->term_text,
		         as_of);
}

/* The update of the changed attributes and the leave / return a known,
 * not terminated person needs. */
static int add_changes(struct roster_plan *p, const struct roster_row *row,
                       const struct roster_prior *prior, const char *cur)
{
	json_t *changed =
	        roster_changed_attributes(prior->record, row->attributes);
	bool on_leave = !strcmp(cur, "on_leave");

	if (!changed)
		return -1;
	if (json_object_size(changed)) {
		p->update_index = (int)p->n_events;
		if (add(p, EVENT_UPDATE, false, 0, changed, NULL))
			return -1;
	} else {
		json_decref(changed);
	}
	if (row->status == ROSTER_LEAVE && !on_leave)
		return add(p, EVENT_LEAVE, false, 0, NULL, NULL);
	if (row->status == ROSTER_ACTIVE && on_leave)
		return add(p, EVENT_RETURN, false, 0, NULL, NULL);
	return 0;
}

/* A person to be (or who is) terminated: returns -1 on OOM. */
static int derive_terminate(struct roster_plan *p, const struct roster_row *row,
                            const struct roster_prior *prior, const char *cur,
                            int64_t term_eff, const char *bad,
                            const struct roster_options *opt)
{
	int64_t eff = 0;
	bool has;

	if (!prior->known) {
		if (row->status == ROSTER_TERMINATED) {
			p->verdict = ROSTER_SKIP;
			snprintf(p->why, sizeof(p->why),
			         "terminated and never provisioned: nothing to "
			         "remove");
			return 0;
		}
		/* a new person with a termination date: hire, then leave on
		 * that date — unless the date has passed */
		has = start_effective(row, opt, &eff);
		if (add(p, EVENT_HIRE, has, eff, json_incref(row->attributes),
		        bad[0] ? bad : NULL))
			return -1;
		if (bad[0])
			return 0;
		if (row->status == ROSTER_LEAVE &&
		    add(p, EVENT_LEAVE, false, 0, NULL, NULL))
			return -1;
		return add(p, EVENT_TERMINATE, true, term_eff, NULL, NULL);
	}
	if (!strcmp(cur, "terminated"))
		return 0; /* already terminated: nothing to send */
	if (prior->scheduled && prior->scheduled_effective == term_eff) {
		/* the same scheduled terminate: until then, changes apply */
		if (row->status == ROSTER_TERMINATED)
			return 0;
		return add_changes(p, row, prior, cur);
	}
	p->cancel_scheduled = prior->scheduled; /* moved */
	if (row->status != ROSTER_TERMINATED && add_changes(p, row, prior, cur))
		return -1;
	return add(p, EVENT_TERMINATE, true, term_eff, NULL,
	           bad[0] ? bad : NULL);
}

int roster_derive(const struct roster_row *row,
                  const struct roster_prior *prior,
                  const struct roster_options *opt, struct roster_plan *out)
{
	const char *cur = NULL;
	bool term_applies, want_term, has;
	int64_t term_eff, eff = 0;
	char bad[400];
	int rc;

	memset(out, 0, sizeof(*out));
	out->update_index = -1;
	if (prior->known)
		cur = prior->scheduled && prior->prior_status
		              ? prior->prior_status
		              : prior->status;
	if (!cur)
		cur = "active";
	term_applies = row->has_term &&
	               (!row->has_hire || row->term_date >= row->hire_date);
	want_term = row->status == ROSTER_TERMINATED || term_applies;
	term_eff = row->has_effective ? row->effective
	           : row->has_term    ? row->term_date
	                              : opt->now;
	disagreement(row, term_applies, opt, bad, sizeof(bad));
	if (want_term) {
		rc = derive_terminate(out, row, prior, cur, term_eff, bad, opt);
	} else if (!prior->known) {
		has = start_effective(row, opt, &eff);
		rc = add(out, EVENT_HIRE, has, eff,
		         json_incref(row->attributes), NULL);
		if (!rc && row->status == ROSTER_LEAVE)
			rc = add(out, EVENT_LEAVE, false, 0, NULL, NULL);
	} else {
		/* a termination date removed: the scheduled terminate goes */
		out->cancel_scheduled = prior->scheduled;
		if (!strcmp(cur, "terminated") && !prior->scheduled) {
			has = start_effective(row, opt, &eff);
			rc = add(out, EVENT_REHIRE, has, eff,
			         json_incref(row->attributes), NULL);
			if (!rc && row->status == ROSTER_LEAVE)
				rc = add(out, EVENT_LEAVE, false, 0, NULL,
				         NULL);
		} else {
			rc = add_changes(out, row, prior, cur);
		}
	}
	if (rc) {
		roster_plan_release(out);
		return -1;
	}
	if (out->verdict != ROSTER_SKIP &&
	    (out->n_events || out->cancel_scheduled))
		out->verdict = ROSTER_CHANGE;
	return 0;
}

void roster_plan_release(struct roster_plan *plan)
{
	for (size_t i = 0; i < plan->n_events; i++)
		json_decref(plan->events[i].attributes);
	memset(plan, 0, sizeof(*plan));
	plan->update_index = -1;
}
