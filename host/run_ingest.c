/* Phase one of a run: every input line becomes a stored event or a
 * recorded rejection, before anything is sent anywhere. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "events.h"
#include "line_reader.h"
#include "run_internal.h"
#include "text_escape.h"

#define INGEST_BATCH 256

/* Writes the original line and the reason to the reject file, records the
 * rejection in the ledger and lists it for the summary. */
static void reject_line(struct run *run, const struct line_reader *lr,
                        const char *raw_reason)
{
	char what[96], reason[1024];
	size_t i;

	/* the reason quotes input: escaped, it cannot forge a "# line" */
	text_escape_into(raw_reason, reason, sizeof(reason));
	run->bad_lines++;
	for (i = 0; i < run->n_conns; i++)
		run_stats_add(&run->conns[i].stats, RC_REJECTED, 1);
	if (run->reject_file) {
		/* the original bytes, NULs included, then the reason */
		fwrite(lr->buf, 1, lr->len, run->reject_file);
		fprintf(run->reject_file, "\t# line %ld: %s\n", lr->line_no,
		        reason);
		fflush(run->reject_file);
	}
	if (ledger_reject(run->ledger, run->run_id, run->source, lr->line_no,
	                  lr->buf, lr->len, reason, clock_wall_s()))
		fprintf(stderr, "provhost: ledger: %s\n", ledger_last_error());
	snprintf(what, sizeof(what), "line %ld", lr->line_no);
	run_problem_add(&run->line_problems, what, reason);
}

/* Counts a stored event's state per connection: only work that apply will
 * not see is counted here (already processed, not yet effective). */
static void count_states(struct run *run, enum ledger_accept_result result,
                         const enum ledger_state *states)
{
	size_t i;

	for (i = 0; i < run->n_conns; i++) {
		struct run_stats *s = &run->conns[i].stats;

		if (states[i] == LEDGER_NOT_YET_EFFECTIVE)
			run_stats_add(s, RC_NOT_YET, 1);
		else if (result != LEDGER_ACCEPT_NEW &&
		         (states[i] == LEDGER_DONE ||
		          states[i] == LEDGER_SKIPPED ||
		          states[i] == LEDGER_REJECTED))
			run_stats_add(s, RC_SKIPPED, 1);
	}
}

/* Parses and stores one line. Returns -1 only on a ledger failure. */
static int ingest_line(struct run *run, const struct line_reader *lr,
                       const char *const *names, enum ledger_state *states)
{
	enum ledger_accept_result result;
	struct event ev;
	char reason[600];
	int rc;

	if (lr->overlong) {
		snprintf(reason, sizeof(reason),
		         "line too long (%zu bytes, limit %zu)", lr->full_len,
		         lr->max_len);
		reject_line(run, lr, reason);
		return 0;
	}
	rc = event_parse_line(lr->buf, lr->len, lr->max_len, &ev, reason,
	                      sizeof(reason));
	if (rc == 1)
		return 0; /* blank line */
	if (rc < 0) {
		reject_line(run, lr, reason);
		return 0;
	}
	if (ledger_event_accept(run->ledger, &ev, run->source, lr->line_no,
	                        run->run_id, names, run->n_conns,
	                        clock_wall_s(), states, &result, NULL)) {
		fprintf(stderr, "provhost: ledger: %s\n", ledger_last_error());
		event_release(&ev);
		return -1;
	}
	if (result == LEDGER_ACCEPT_CONFLICT) {
		snprintf(reason, sizeof(reason),
		         "event id \"%s\" was already used for an event with "
		         "other content",
		         ev.id);
		reject_line(run, lr, reason);
	} else {
		count_states(run, result, states);
	}
	event_release(&ev);
	return 0;
}

int run_ingest(struct run *run)
{
	const char **names = NULL;
	enum ledger_state *states = NULL;
	struct line_reader lr;
	FILE *in;
	size_t i;
	int rc = -1, r;

	in = strcmp(run->opt->input, "-") ? fopen(run->opt->input, "r") : stdin;
	if (!in) {
		fprintf(stderr, "provhost run: cannot open \"%s\": %s\n",
		        run->opt->input, strerror(errno));
		return -1;
	}
	names = calloc(run->n_conns ? run->n_conns : 1, sizeof(*names));
	states = calloc(run->n_conns ? run->n_conns : 1, sizeof(*states));
	if (!names || !states ||
	    line_reader_init(&lr, in, EVENT_MAX_LINE_DEFAULT))
		goto out_free;
	for (i = 0; i < run->n_conns; i++)
		names[i] = run->conns[i].conn->name;
	/* Lines are stored in batches: one transaction per INGEST_BATCH
	 * lines. Nothing acts on them before ingest ends, and a crash in the
	 * middle loses only lines the re-run reads again. */
	if (ledger_batch_begin(run->ledger))
		goto out_ledger;
	while ((r = line_reader_next(&lr)) == 1) {
		run->lines++;
		if (ingest_line(run, &lr, names, states)) {
			ledger_batch_end(run->ledger, false);
			goto out_release;
		}
		if (run->lines % INGEST_BATCH == 0 &&
		    (ledger_batch_end(run->ledger, true) ||
		     ledger_batch_begin(run->ledger)))
			goto out_ledger;
	}
	if (ledger_batch_end(run->ledger, true))
		goto out_ledger;
	if (r < 0) {
		fprintf(stderr, "provhost run: cannot read \"%s\": %s\n",
		        run->source, strerror(errno));
		goto out_release;
	}
	rc = 0;
	goto out_release;
out_ledger:
	fprintf(stderr, "provhost run: ledger: %s\n", ledger_last_error());
out_release:
	line_reader_release(&lr);
out_free:
	free(names);
	free(states);
	if (in != stdin)
		fclose(in);
	return rc;
}
