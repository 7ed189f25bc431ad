/* provhost sync: the rules a whole roster adds on top of the row -> events
 * derivation (lifecycle/roster_derive.h, which is the same for `run` of a
 * roster): what the ledger scheduled from an earlier snapshot, creating
 * accounts ahead of the hire date, and holding a record that contradicts
 * itself. See run_sync.h. */
#include <stdlib.h>
#include <string.h>

#include "engine/run_internal.h"
#include "engine/run_stop.h"
#include "engine/run_sync.h"
#include "lifecycle/isodate.h"
#include "util/clock.h"

#define DAY 86400

static const char *str(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

/* provision_days_before_start: a hire or rehire effective on the hire
 * date is effective that many days before (at once when that day has
 * come). -1 on out of memory. */
static int start_early(json_t *ev, int64_t days, int64_t now)
{
	const char *kind = str(ev, "event");
	char when[32];
	int64_t at;

	if (days <= 0 || (strcmp(kind, "hire") && strcmp(kind, "rehire")) ||
	    !str(ev, "effective")[0])
		return 0;
	at = run_roster_effective_of(ev, now) - days * DAY;
	if (at <= now)
		return json_object_del(ev, "effective") ? -1 : 0;
	return json_object_set_new(
	        ev, "effective",
	        json_string(isodate_format(at, when, sizeof(when))));
}

void run_sync_item_release(struct sync_item *item)
{
	free(item->employee_id);
	for (size_t i = 0; i < item->n_events; i++) {
		free(item->events[i].text);
		free(item->events[i].why);
	}
	memset(item, 0, sizeof(*item));
}

int run_sync_item_add(struct sync_item *item, json_t *ev)
{
	struct sync_event *e = &item->events[item->n_events];
	char *text;

	if (!ev || item->n_events == SYNC_MAX_EVENTS) {
		json_decref(ev);
		return -1;
	}
	text = json_dumps(ev, JSON_COMPACT | JSON_SORT_KEYS);
	snprintf(e->kind, sizeof(e->kind), "%s", str(ev, "event"));
	json_decref(ev);
	if (!text)
		return -1;
	e->text = text;
	item->n_events++;
	return 0;
}

int run_sync_event_hold(struct sync_event *e, const char *why)
{
	free(e->why);
	e->why = strdup(why);
	e->held = e->why != NULL;
	return e->held ? 0 : -1;
}

static struct sync_item *new_item(struct run_sync *s, const char *employee_id,
                                  struct ledger_roster_person *p,
                                  int64_t row_no)
{
	struct sync_item *it;

	if (s->n_items == s->cap_items) {
		size_t cap = s->cap_items ? s->cap_items * 2 : 64;

		it = realloc(s->items, cap * sizeof(*it));
		if (!it)
			return NULL;
		s->items = it;
		s->cap_items = cap;
	}
	it = &s->items[s->n_items];
	memset(it, 0, sizeof(*it));
	it->employee_id = strdup(employee_id);
	if (!it->employee_id)
		return NULL;
	it->row_no = row_no;
	it->person = p;
	s->n_items++;
	return it;
}

/* A record that contradicts itself, of a person with an account: a
 * terminate held for review (approve: the person leaves; discard: keep
 * the account until the export is fixed). */
static json_t *conflict_terminate(const json_t *record, const char *id)
{
	const json_t *at = json_object_get(json_object_get(record, "effective"),
	                                   "termination_date");
	json_t *ev = json_pack("{s:s, s:s, s:{}}", "event", "terminate",
	                       "employee_id", id, "attributes");
	char when[32];

	if (ev && json_is_integer(at) &&
	    json_object_set_new(
	            ev, "effective",
	            json_string(isodate_format(json_integer_value(at), when,
	                                       sizeof(when))))) {
		json_decref(ev);
		return NULL;
	}
	return ev;
}

/* Takes the derived events into it, minus a terminate the ledger already
 * scheduled for the same moment; notes a scheduled terminate whose date
 * was removed or moved. -1 on out of memory. */
static int take_events(struct run *run, struct sync_item *it,
                       struct roster_derived *d)
{
	struct ledger_roster_person *p = it->person;
	int64_t now = clock_wall_s();
	bool kept = false;

	for (size_t i = 0; i < d->n; i++) {
		json_t *ev = d->events[i];

		d->events[i] = NULL;
		if (p && p->scheduled &&
		    !strcmp(str(ev, "event"), "terminate") &&
		    run_roster_effective_of(ev, now) ==
		            p->terminate_effective) {
			kept = true; /* scheduled before: nothing new */
			json_decref(ev);
			continue;
		}
		if (start_early(ev, run->cfg->sync.provision_days_before_start,
		                now)) {
			json_decref(ev);
			return -1;
		}
		if (run_sync_item_add(it, ev))
			return -1;
	}
	d->n = 0;
	it->cancel_scheduled = p && p->scheduled && !kept;
	return 0;
}

int run_sync_plan_row(struct run *run, const json_t *record,
                      struct ledger_roster_person *p, int64_t row_no)
{
	struct run_sync *s = run->sync;
	const char *id = str(record, "employee_id");
	const char *cur = p ? run_sync_current_status(p) : NULL;
	struct roster_stored stored;
	struct roster_derived d;
	struct sync_item *it;
	json_t *rec = NULL;
	char what[96];
	int rc = -1;

	if (p)
		rec = json_loads(p->record, 0, NULL);
	if (run_roster_stored_fill(run, id, cur, rec, &stored)) {
		json_decref(rec);
		run_fatal(run,
		          "ledger %s cannot be read (%s): stopped at row %lld "
		          "of the roster; nothing was stored",
		          run->cfg->ledger_path, ledger_last_error(),
		          (long long)row_no);
		return -1;
	}
	if (roster_derive(record, &stored, clock_wall_s(), &d)) {
		json_decref(rec);
		return -1;
	}
	json_decref(rec);
	if (d.conflict && (!p || !strcmp(cur, "terminated"))) {
		/* no account to take away: nothing is derived */
		snprintf(what, sizeof(what), "row %lld (employee %.40s)",
		         (long long)row_no, id);
		run_problem_add(&run->line_problems, what, d.note);
		s->counts.skipped++;
		rc = 0;
		goto out;
	}
	if (!d.n && !d.conflict && !(p && (p->missing_open || p->scheduled))) {
		if (!p && !strcmp(str(record, "status"), "terminated"))
			s->counts.skipped++; /* never provisioned */
		else
			s->counts.no_change++;
		rc = 0;
		goto out;
	}
	it = new_item(s, id, p, row_no);
	if (!it)
		goto out;
	if (d.conflict) {
		char why[600];

		snprintf(why, sizeof(why),
		         "%s; held for review: approve to terminate, discard "
		         "to keep the account",
		         d.note);
		if (run_sync_item_add(it, conflict_terminate(record, id)) ||
		    run_sync_event_hold(&it->events[0], why))
			goto out;
		rc = 0;
		goto out;
	}
	rc = take_events(run, it, &d);
out:
	roster_derived_release(&d);
	return rc;
}
