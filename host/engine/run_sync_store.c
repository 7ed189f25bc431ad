/* provhost sync: storing what a snapshot derived (run_sync.h). Derived
 * events are ordinary events with a given id; the id hashes the person's
 * last stored event and the event's content, so the same derivation from
 * the same ledger state (a re-run after a crash, the same held change in
 * the next day's export) is the same event, never a second one. */
#include <stdlib.h>
#include <string.h>

#include "engine/run_internal.h"
#include "engine/run_sync.h"
#include "lifecycle/isodate.h"
#include "util/clock.h"

/* Gives the derived event obj (no "id"; borrowed) of employee emp the
 * identity `run` gives a roster row's events (run_roster_event_text) and
 * parses it into *ev (event_release). missing: the missing-person rule's
 * terminate, "roster-missing:..." — never the same event as a terminate
 * a row derives from the same state (like run_hold's "@input:" ids, only
 * the stored id differs from the text's). 0 or -1 (message printed). */
static int make_event(const char *emp, int64_t last_seq, const json_t *obj,
                      bool missing, struct event *ev)
{
	char *mid;
	json_t *copy = json_copy((json_t *)obj);
	char *text = NULL;
	char why[300];
	int rc = -1;

	if (copy)
		json_object_del(copy, "id");
	text = copy ? run_roster_event_text(copy, last_seq) : NULL;
	if (!text) {
		fprintf(stderr, "provhost sync: out of memory\n");
		goto out;
	}
	if (event_parse_line(text, strlen(text), 0, ev, why, sizeof(why))) {
		fprintf(stderr,
		        "provhost sync: a derived event of employee %s does "
		        "not parse: %s\n",
		        emp, why);
		goto out;
	}
	if (missing) {
		if (asprintf(&mid, "roster-missing:%s", ev->id + 7) < 0) {
			fprintf(stderr, "provhost sync: out of memory\n");
			event_release(ev);
			goto out;
		}
		free(ev->id);
		ev->id = mid;
	}
	rc = 0;
out:
	free(text);
	json_decref(copy);
	return rc;
}

/* Stores ev: held with why, or accepted. *seen: the ledger had it. */
static int put_event(struct run *run, const struct event *ev, int64_t row_no,
                     const char *why, bool *seen)
{
	enum ledger_state *states = run->sync->states;
	const char *const *names = run->sync->names;
	enum ledger_accept_result result;
	int r;

	if (why)
		r = ledger_event_hold(run->ledger, ev, run->source, row_no,
		                      run->run_id, names, run->n_conns, why,
		                      clock_wall_s(), states, &result);
	else
		r = ledger_event_accept(run->ledger, ev, run->source, row_no,
		                        run->run_id, names, run->n_conns,
		                        clock_wall_s(), states, &result, NULL);
	if (r) {
		fprintf(stderr, "provhost sync: ledger: %s\n",
		        ledger_last_error());
		return -1;
	}
	run_count_states(run, result, states);
	*seen = result != LEDGER_ACCEPT_NEW;
	return 0;
}

static int ledger_error(void)
{
	fprintf(stderr, "provhost sync: ledger: %s\n", ledger_last_error());
	return -1;
}

/* The status the person has while a terminate of this plan is scheduled. */
static const char *status_until(const struct sync_item *it)
{
	const char *st =
	        it->person ? run_sync_current_status(it->person) : "active";

	for (size_t i = 0; i < it->n_events; i++) {
		const char *k = it->events[i].kind;

		if (!strcmp(k, "leave"))
			st = "on_leave";
		else if (!strcmp(k, "return") || !strcmp(k, "hire") ||
		         !strcmp(k, "rehire"))
			st = "active";
	}
	return st;
}

/* The person is in the snapshot again: their held missing-terminate goes;
 * a terminate scheduled by a date that is gone or moved goes. */
static int take_back(struct run *run, struct sync_item *it)
{
	struct ledger_roster_person *p = it->person;
	int64_t now = clock_wall_s(), n = 0;
	char why[600];

	if (p && p->missing_open) {
		snprintf(why, sizeof(why),
		         "cancelled: employee is in snapshot %.300s again (row "
		         "%lld)",
		         run->source, (long long)it->row_no);
		if (ledger_event_cancel(run->ledger, p->missing_event, why, now,
		                        NULL) ||
		    ledger_roster_set_missing(run->ledger, p->employee_id, NULL,
		                              now))
			return ledger_error();
	}
	if (p && it->cancel_scheduled && p->terminate_event) {
		snprintf(why, sizeof(why),
		         "cancelled: the termination date was removed or moved "
		         "in snapshot %.300s (row %lld)",
		         run->source, (long long)it->row_no);
		if (ledger_event_cancel(run->ledger, p->terminate_event, why,
		                        now, &n) ||
		    ledger_person_set_status(run->ledger, p->employee_id,
		                             run_sync_current_status(p), now) ||
		    ledger_roster_set_terminate(run->ledger, p->employee_id,
		                                NULL, 0, NULL, now))
			return ledger_error();
		run->sync->cancelled++;
	}
	return 0;
}

int run_sync_store_item(struct run *run, struct sync_item *it)
{
	int64_t last_seq = it->person ? it->person->last_seq : 0;
	bool held = false, seen, stored = false;
	char what[96];

	if (take_back(run, it))
		return -1;
	for (size_t i = 0; i < it->n_events; i++) {
		const struct sync_event *e = &it->events[i];
		json_t *obj = json_loads(e->text, 0, NULL);
		struct event ev;
		int rc;

		rc = obj ? make_event(it->employee_id, last_seq, obj, false,
		                      &ev)
		         : -1;
		json_decref(obj);
		if (rc)
			return -1;
		rc = put_event(run, &ev, it->row_no, e->held ? e->why : NULL,
		               &seen);
		if (!rc && e->held && !seen) {
			snprintf(what, sizeof(what),
			         "row %lld (employee %.40s)",
			         (long long)it->row_no, it->employee_id);
			run_problem_add(&run->held_problems, what, e->why);
		}
		if (!rc && !e->held && ev.kind == EVENT_TERMINATE &&
		    ledger_roster_set_terminate(
		            run->ledger, it->employee_id, ev.id,
		            ev.has_effective ? ev.effective : clock_wall_s(),
		            status_until(it), clock_wall_s()))
			rc = ledger_error();
		event_release(&ev);
		if (rc)
			return -1;
		held |= e->held;
		stored |= !seen;
	}
	if (held)
		run->sync->counts.held++;
	else if (stored || it->cancel_scheduled)
		run->sync->counts.processed++;
	else
		run->sync->counts.no_change++;
	return 0;
}

int run_sync_store_missing(struct run *run, struct ledger_roster_person *p)
{
	const struct sync_config *cfg = &run->cfg->sync;
	struct run_sync *s = run->sync;
	json_t *obj;
	bool hold, seen;
	char why[600], what[96];
	int rc;

	if (cfg->missing == SYNC_MISSING_IGNORE) {
		s->counts.skipped++;
		return 0;
	}
	if (p->missing_open) { /* held by an earlier snapshot, still waiting */
		s->counts.held++;
		return 0;
	}
	hold = cfg->missing == SYNC_MISSING_HOLD || s->anonymous_reject;
	if (cfg->missing == SYNC_MISSING_HOLD)
		snprintf(why, sizeof(why),
		         "missing from snapshot %.300s (policy missing=hold): "
		         "approve to terminate, discard to keep the account",
		         run->source);
	else
		snprintf(
		        why, sizeof(why),
		        "missing from snapshot %.300s, which has rejected rows "
		        "without an employee id (one may be this person): "
		        "held instead of terminated; approve to terminate",
		        run->source);
	obj = json_pack("{s:s, s:s, s:{}}", "event", "terminate", "employee_id",
	                p->employee_id, "attributes");
	if (!obj) {
		fprintf(stderr, "provhost sync: out of memory\n");
		return -1;
	}
	{
		struct event ev;

		rc = make_event(p->employee_id, p->last_seq, obj, true, &ev);
		json_decref(obj);
		if (rc)
			return -1;
		rc = put_event(run, &ev, 0, hold ? why : NULL, &seen);
		if (!rc &&
		    ledger_roster_set_missing(run->ledger, p->employee_id,
		                              ev.id, clock_wall_s()))
			rc = ledger_error();
		event_release(&ev);
	}
	if (rc)
		return -1;
	if (seen) {
		s->counts
		        .no_change++; /* decided before (approved, discarded) */
	} else if (hold) {
		s->counts.held++;
		snprintf(what, sizeof(what), "employee %.60s", p->employee_id);
		run_problem_add(&run->held_problems, what, why);
	} else {
		s->counts.processed++;
	}
	return 0;
}
