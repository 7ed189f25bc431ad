/* The end of ingest: an id-less line whose identity an earlier run stored
 * is either the same event sent again (skipped as already processed) or a
 * new event that happens to have the same content as an old one — which
 * provhost cannot tell apart by itself, so it holds the line for a person
 * to review instead of dropping it silently.
 *
 * The rule (README "Events", "Identity"): the line is the same event sent
 * again when it comes from the same input (same content and source) as the
 * stored event's first sighting, or when the person's history has not moved
 * on since that event in a way this input does not repeat. It has moved on
 * when an event stored after it could undo it — for a hire, terminate,
 * rehire, leave or return: a later event that sets another status; for an
 * update: any later event — and that later event is not among this
 * person's lines after this one in this input. So a re-sent file, a
 * cumulative export (everything again, in order) and a corrected file skip,
 * while a terminate that comes again after a rehire is held. */
#include <stdlib.h>
#include <string.h>

#include "engine/run_internal.h"
#include "util/clock.h"

/* The employment status an event kind sets: 1 active, 2 terminated, 3 on
 * leave; 0 for an update (sets none). */
static int status_of(enum event_kind k)
{
	switch (k) {
	case EVENT_HIRE:
	case EVENT_REHIRE:
	case EVENT_RETURN:
		return 1;
	case EVENT_TERMINATE:
		return 2;
	case EVENT_LEAVE:
		return 3;
	default:
		return 0;
	}
}

/* Whether a later event of kind later could undo an event of kind k. */
static bool undoes(enum event_kind k, enum event_kind later)
{
	if (!status_of(k))
		return true;
	return status_of(later) && status_of(later) != status_of(k);
}

/* The first event of the person stored after o that could undo it and that
 * this input does not repeat after line_no; NULL when there is none. */
static const struct ledger_event_brief *
moved_on(const struct run *run, const struct ledger_origin *o, int64_t line_no,
         const struct ledger_event_brief *later, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct input_seen_entry *e =
		        input_seen_get(&run->ids, later[i].id);

		if (!undoes(o->kind, later[i].kind))
			continue;
		if (e && e->last > line_no)
			continue; /* this input repeats it after the line */
		return &later[i];
	}
	return NULL;
}

static bool same_input(const struct run *run, const struct ledger_origin *o)
{
	return o->run_id == run->run_id ||
	       (o->input_sha256[0] &&
	        !strcmp(o->input_sha256, run->input_sha256) &&
	        !strcmp(o->run_source, run->source));
}

/* Stores the candidate as a held event: the same content under the
 * identity "<id>@input:<first 16 hex digits of this input's SHA-256>", so
 * running this input again finds the same held event instead of holding
 * the line twice. */
static int hold(struct run *run, const struct run_candidate *c,
                const char *reason, const char *const *names,
                enum ledger_state *states)
{
	enum ledger_accept_result result;
	struct event ev;
	char why[300];
	char *held_id;
	int rc = -1;

	if (event_parse_line_dated(c->raw, strlen(c->raw), 0, &run->dates, &ev,
	                           why, sizeof(why))) {
		fprintf(stderr,
		        "provhost run: a stored event does not parse: "
		        "%s\n",
		        why);
		return -1;
	}
	if (asprintf(&held_id, "%s@input:%.16s", c->event_id,
	             run->input_sha256) < 0) {
		fprintf(stderr, "provhost run: out of memory\n");
		goto out_release;
	}
	free(ev.id);
	ev.id = held_id;
	if (ledger_event_hold(run->ledger, &ev, run->source, c->line_no,
	                      run->run_id, names, run->n_conns, reason,
	                      clock_wall_s(), states, &result)) {
		fprintf(stderr, "provhost run: ledger: %s\n",
		        ledger_last_error());
		goto out_release;
	}
	run_count_states(run, result, states);
	rc = 0;
out_release:
	event_release(&ev);
	return rc;
}

/* Decides one candidate. Returns 0 or -1. */
static int decide(struct run *run, const struct run_candidate *c,
                  const char *const *names, enum ledger_state *states)
{
	struct ledger_event_brief *later = NULL;
	const struct ledger_event_brief *k;
	struct ledger_origin o;
	char what[96], reason[600];
	size_t n = 0;
	int r;

	r = ledger_event_origin(run->ledger, c->event_id, &o);
	if (r < 0)
		goto out_ledger;
	if (r == 1 || same_input(run, &o)) {
		run_count_states(run, LEDGER_ACCEPT_SEEN, c->states);
		return 0;
	}
	if (ledger_events_after(run->ledger, c->employee_id, o.seq, &later, &n))
		goto out_ledger;
	k = moved_on(run, &o, c->line_no, later, n);
	if (!k) {
		free(later);
		run_count_states(run, LEDGER_ACCEPT_SEEN, c->states);
		return 0;
	}
	snprintf(reason, sizeof(reason),
	         "same content as event #%lld (line %lld of %.120s, an "
	         "earlier input), but employee %.60s has moved on since: "
	         "#%lld %s (line %lld of %.120s) came after it and this "
	         "input does not repeat it after this line; held for review "
	         "(a new event or an old one sent again?)",
	         (long long)o.seq, (long long)o.line_no, o.source,
	         c->employee_id, (long long)k->seq, event_kind_name(k->kind),
	         (long long)k->line_no, k->source);
	free(later);
	if (hold(run, c, reason, names, states))
		return -1;
	snprintf(what, sizeof(what), "line %lld (employee %.40s)",
	         (long long)c->line_no, c->employee_id);
	run_problem_add(&run->held_problems, what, reason);
	return 0;

out_ledger:
	fprintf(stderr, "provhost run: ledger: %s\n", ledger_last_error());
	return -1;
}

int run_hold_decide(struct run *run)
{
	const char **names;
	enum ledger_state *states;
	int rc = 0;

	if (!run->n_candidates)
		return 0;
	names = calloc(run->n_conns ? run->n_conns : 1, sizeof(*names));
	states = calloc(run->n_conns ? run->n_conns : 1, sizeof(*states));
	if (!names || !states) {
		fprintf(stderr, "provhost run: out of memory\n");
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < run->n_conns; i++)
		names[i] = run->conns[i].conn->name;
	for (size_t i = 0; !rc && i < run->n_candidates; i++)
		rc = decide(run, &run->candidates[i], names, states);
out:
	free(names);
	free(states);
	return rc;
}
