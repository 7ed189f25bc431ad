/* Phase one of a run: every input line becomes a stored event or a
 * recorded rejection, before anything is sent anywhere. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/run_internal.h"
#include "engine/run_stop.h"
#include "lifecycle/events.h"
#include "lifecycle/isodate.h"
#include "util/clock.h"
#include "util/line_reader.h"
#include "util/text_escape.h"

#define INGEST_BATCH 256

/* The ledger cannot take the input (a full disk): the run stops before
 * anything is sent (exit 3); what was committed stays for the re-run. */
static void ingest_ledger_failed(struct run *run, int64_t line_no)
{
	run_fatal(run,
	          "ledger %s cannot be written (%s): stopped while storing "
	          "line %lld of the input; nothing was sent — run the same "
	          "command again when there is space",
	          run->cfg->ledger_path, ledger_last_error(),
	          (long long)line_no);
}

/* Writes the original bytes and the reason to the reject file, records the
 * rejection in the ledger and lists it for the summary. */
void run_reject_item(struct run *run, const struct run_item *item,
                     const char *raw_reason)
{
	char reason[1024], tail[1100];
	size_t i;
	int n;

	/* the reason quotes input: escaped, it cannot forge a "# line" */
	text_escape_into(raw_reason, reason, sizeof(reason));
	run->bad_lines++;
	for (i = 0; i < run->n_conns; i++)
		run_stats_add(&run->conns[i].stats, STAT_REJECTED, 1);
	if (append_file_is_open(&run->reject_file)) {
		/* the original bytes, NULs included, then the reason: one
		 * line, written whole or not at all */
		n = snprintf(tail, sizeof(tail), "\t# %s: %s\n", item->what,
		             reason);
		if (n >= (int)sizeof(tail)) {
			n = (int)sizeof(tail) - 1;
			tail[n - 1] = '\n';
		}
		if (append_file_write2(&run->reject_file, item->raw,
		                       item->raw_len, tail, (size_t)n))
			run_fatal(run,
			          "reject file \"%s\" cannot be written (%s): "
			          "stopped; %s was rejected (recorded in the "
			          "ledger, see provhost status) but is not in "
			          "the "
			          "reject file",
			          run->reject_file.path, strerror(errno),
			          item->what);
	}
	if (ledger_reject(run->ledger, run->run_id, run->source, item->line_no,
	                  item->raw, item->raw_len, reason, clock_wall_s()))
		fprintf(stderr, "provhost: ledger: %s\n", ledger_last_error());
	run_problem_add(&run->line_problems, item->what, reason);
}

void run_count_states(struct run *run, enum ledger_accept_result result,
                      const enum ledger_state *states)
{
	size_t i;

	for (i = 0; i < run->n_conns; i++) {
		struct run_stats *s = &run->conns[i].stats;

		if (states[i] == LEDGER_NOT_YET_EFFECTIVE)
			run_stats_add(s, STAT_NOT_YET, 1);
		else if (states[i] == LEDGER_HELD)
			run_stats_add(s, STAT_HELD, 1);
		else if (result != LEDGER_ACCEPT_NEW &&
		         (states[i] == LEDGER_DONE ||
		          states[i] == LEDGER_SKIPPED ||
		          states[i] == LEDGER_REJECTED))
			run_stats_add(s, STAT_SKIPPED, 1);
	}
}

/* A line with the same event id as an earlier line of this input (and the
 * same content): one event, so nothing more to do, but the line is counted
 * as skipped and listed, so every line read shows up in the counts. */
static void skip_duplicate(struct run *run, const struct run_item *item,
                           const struct event *ev, int64_t first_line)
{
	char why[400];
	size_t i;

	for (i = 0; i < run->n_conns; i++)
		run_stats_add(&run->conns[i].stats, STAT_SKIPPED, 1);
	snprintf(why, sizeof(why),
	         "the same event as line %lld (id \"%.300s\"); skipped",
	         (long long)first_line, ev->id);
	run_problem_add(&run->dup_problems, item->what, why);
}

/* Remembers an id-less line whose identity an earlier run stored, for
 * run_hold_decide. Returns 0 or -1 (out of memory). */
static int add_candidate(struct run *run, const struct run_item *item,
                         const struct event *ev,
                         const enum ledger_state *states)
{
	struct run_candidate *c;

	if (run->n_candidates == run->cap_candidates) {
		size_t cap = run->cap_candidates ? run->cap_candidates * 2 : 16;

		c = realloc(run->candidates, cap * sizeof(*c));
		if (!c)
			return -1;
		run->candidates = c;
		run->cap_candidates = cap;
	}
	c = &run->candidates[run->n_candidates];
	memset(c, 0, sizeof(*c));
	c->line_no = item->line_no;
	c->event_id = strdup(ev->id);
	c->employee_id = strdup(ev->employee_id);
	c->raw = strdup(ev->raw);
	c->states = calloc(run->n_conns ? run->n_conns : 1, sizeof(*states));
	run->n_candidates++; /* freed by run_ingest either way */
	if (!c->event_id || !c->employee_id || !c->raw || !c->states)
		return -1;
	memcpy(c->states, states, run->n_conns * sizeof(*states));
	return 0;
}

/* Records where ev's id was seen and counts the line: a duplicate of an
 * earlier line, a candidate for run_hold_decide, or its state. Returns 0
 * or -1 (out of memory). */
static int note_accepted(struct run *run, const struct run_item *item,
                         const struct event *ev,
                         enum ledger_accept_result result,
                         const enum ledger_state *states)
{
	const struct input_seen_entry *e =
	        input_seen_add(&run->ids, ev->id, item->line_no);

	if (!e)
		return -1;
	if (e->count > 1) {
		skip_duplicate(run, item, ev, e->first);
		return 0;
	}
	if (result == LEDGER_ACCEPT_SEEN && !ev->id_given)
		return add_candidate(run, item, ev, states);
	run_count_states(run, result, states);
	return 0;
}

/* A new terminate replaces the person's earlier terminates that are not
 * yet effective: the latest word of HR on when they leave is the one that
 * counts (a date moved later must not leave the earlier one to fire). */
static int supersede_scheduled(struct run *run, const struct run_item *item,
                               const struct event *ev, int64_t seq)
{
	char why[700], when[40];
	int64_t n = 0;

	if (ev->has_effective)
		isodate_format(ev->effective, when, sizeof(when));
	snprintf(why, sizeof(why),
	         "superseded: a later terminate of the employee (event "
	         "%.200s, %s of %.200s) %s%s",
	         ev->id, item->what, run->source,
	         ev->has_effective ? "effective " : "effective at once",
	         ev->has_effective ? when : "");
	if (ledger_person_supersede_scheduled(run->ledger, ev->employee_id, seq,
	                                      why, clock_wall_s(), &n))
		return -1;
	run->rescheduled += n > 0;
	return 0;
}

int run_ingest_text(struct run *run, const struct run_item *item,
                    const char *text, size_t len)
{
	enum ledger_state *states = run->ingest_states;
	enum ledger_accept_result result;
	struct event ev;
	char reason[600];
	int64_t seq = 0;
	int rc;

	rc = event_parse_line_dated(text, len, EVENT_MAX_LINE_DEFAULT,
	                            &run->dates, &ev, reason, sizeof(reason));
	if (rc == 1) {
		run->blank_lines++;
		return 0;
	}
	if (rc < 0) {
		run_reject_item(run, item, reason);
		return 0;
	}
	/* the identity rule (events.h): the k-th line of this input with
	 * the same content is occurrence k */
	if (!ev.id_given) {
		const struct input_seen_entry *e =
		        input_seen_add(&run->contents, ev.id, item->line_no);

		if (!e || event_set_occurrence(&ev, (unsigned)e->count))
			goto out_oom;
	}
	if (ledger_event_accept(run->ledger, &ev, run->source, item->line_no,
	                        run->run_id, run->ingest_names, run->n_conns,
	                        clock_wall_s(), states, &result, &seq) ||
	    (result == LEDGER_ACCEPT_NEW && ev.kind == EVENT_TERMINATE &&
	     supersede_scheduled(run, item, &ev, seq))) {
		ingest_ledger_failed(run, item->line_no);
		event_release(&ev);
		return -1;
	}
	if (result == LEDGER_ACCEPT_CONFLICT) {
		snprintf(reason, sizeof(reason),
		         "event id \"%s\" was already used for an event with "
		         "other content",
		         ev.id);
		run_reject_item(run, item, reason);
	} else if (note_accepted(run, item, &ev, result, states)) {
		goto out_oom;
	}
	event_release(&ev);
	return 0;

out_oom:
	fprintf(stderr, "provhost run: out of memory\n");
	event_release(&ev);
	return -1;
}

/* One JSON Lines line. */
static int ingest_line(struct run *run, const struct line_reader *lr)
{
	struct run_item item = {lr->line_no, lr->buf, lr->len, ""};
	char reason[200];

	snprintf(item.what, sizeof(item.what), "line %ld", lr->line_no);
	if (lr->overlong) {
		snprintf(reason, sizeof(reason),
		         "line too long (%zu bytes, limit %zu)", lr->full_len,
		         lr->max_len);
		run_reject_item(run, &item, reason);
		return 0;
	}
	return run_ingest_text(run, &item, lr->buf, lr->len);
}

int run_ingest_tick(struct run *run)
{
	if (run->lines % INGEST_BATCH == 0 &&
	    (ledger_batch_end(run->ledger, true) ||
	     ledger_batch_begin(run->ledger))) {
		ingest_ledger_failed(run, run->lines);
		return -1;
	}
	return 0;
}

/* JSON Lines events. */
static int ingest_lines(struct run *run, FILE *in)
{
	struct line_reader lr;
	int rc = -1, r;

	if (line_reader_init(&lr, in, EVENT_MAX_LINE_DEFAULT))
		return -1;
	lr.hash = &run->input_hash;
	run->unit = "lines";
	while ((r = line_reader_next(&lr)) == 1) {
		run->lines++;
		if (ingest_line(run, &lr) || run_ingest_tick(run))
			goto out;
	}
	if (r < 0) {
		fprintf(stderr, "provhost run: cannot read \"%s\": %s\n",
		        run->source, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	line_reader_release(&lr);
	return rc;
}

static void release_candidates(struct run *run)
{
	for (size_t i = 0; i < run->n_candidates; i++) {
		free(run->candidates[i].event_id);
		free(run->candidates[i].employee_id);
		free(run->candidates[i].raw);
		free(run->candidates[i].states);
	}
	free(run->candidates);
	run->candidates = NULL;
	run->n_candidates = run->cap_candidates = 0;
}

/* The input's identity, stored with the run. */
static int finish_input_hash(struct run *run)
{
	unsigned char d[32];

	if (sha256_final(&run->input_hash, d)) {
		fprintf(stderr, "provhost run: cannot hash the input (out of "
		                "memory)\n");
		return -1;
	}
	for (int i = 0; i < 32; i++)
		snprintf(run->input_sha256 + 2 * i, 3, "%02x", d[i]);
	if (ledger_run_set_input(run->ledger, run->run_id, run->input_sha256)) {
		fprintf(stderr, "provhost run: ledger: %s\n",
		        ledger_last_error());
		return -1;
	}
	return 0;
}

/* Reads the input in its format (run->plan, settled by
 * input_source_open). */
static int ingest_by_format(struct run *run, FILE *in)
{
	if (run->plan.kind == INPUT_KIND_ROSTER)
		return run_ingest_roster(run, in);
	if (run->plan.format == INPUT_FORMAT_JSON)
		return run_ingest_json_events(run, in);
	return ingest_lines(run, in);
}

/* The date rules of JSON Lines events: the input's, else "dates". */
static void set_dates(struct run *run)
{
	const struct input_config *in = run->plan.input;

	tzdate_cache_init(&run->tz);
	run->dates.zone = input_zone(in, &run->cfg->dates);
	run->dates.terminate_at = input_terminate_at(in, &run->cfg->dates);
	run->dates.cache = &run->tz;
}

int run_ingest(struct run *run)
{
	char err[1200];
	FILE *in;
	size_t i;
	int rc = -1;

	if (input_source_open(run->opt->input, run->cfg, &run->plan, &in, err,
	                      sizeof(err))) {
		fprintf(stderr, "provhost run: %s\n", err);
		return -1;
	}
	set_dates(run);
	input_seen_init(&run->contents);
	input_seen_init(&run->ids);
	sha256_init(&run->input_hash);
	run->ingest_names =
	        calloc(run->n_conns ? run->n_conns : 1, sizeof(char *));
	run->ingest_states = calloc(run->n_conns ? run->n_conns : 1,
	                            sizeof(*run->ingest_states));
	if (!run->ingest_names || !run->ingest_states)
		goto out_free;
	for (i = 0; i < run->n_conns; i++)
		run->ingest_names[i] = run->conns[i].conn->name;
	/* Items are stored in batches: one transaction per INGEST_BATCH
	 * items. Nothing acts on them before ingest ends, and a crash in the
	 * middle loses only items the re-run reads again. */
	if (ledger_batch_begin(run->ledger)) {
		ingest_ledger_failed(run, 0);
		goto out_free;
	}
	if (ingest_by_format(run, in)) {
		ledger_batch_end(run->ledger, false);
		goto out_free;
	}
	if (ledger_batch_end(run->ledger, true)) {
		ingest_ledger_failed(run, run->lines);
		goto out_free;
	}
	if (finish_input_hash(run) || run_hold_decide(run))
		goto out_free;
	rc = 0;
out_free:
	if (run->input_hash.ctx) { /* a path that did not finish the hash */
		unsigned char unused[32];

		sha256_final(&run->input_hash, unused);
	}
	release_candidates(run);
	input_seen_release(&run->contents);
	input_seen_release(&run->ids);
	free(run->ingest_names);
	free(run->ingest_states);
	run->ingest_names = NULL;
	run->ingest_states = NULL;
	tzdate_cache_release(&run->tz);
	run->dates.cache = NULL;
	fclose(in);
	return rc;
}
