/* Ingest of a roster (one record a person, intake/intake.h): each row's
 * events are derived against the person's stored record
 * (lifecycle/roster_derive.h) and stored like JSON Lines events; and of a
 * JSON array of events. A row that derives nothing is counted unchanged. */
#include <stdlib.h>
#include <string.h>

#include "engine/run_internal.h"
#include "engine/run_stop.h"
#include "intake/intake.h"
#include "lifecycle/isodate.h"
#include "lifecycle/roster_derive.h"
#include "util/clock.h"

/* The derived event ev (an object without "id") with its identity:
 * "roster:" + SHA-256 of its content and the person's stored state it was
 * derived from (the last event merged). The same row against the same
 * stored state gives the same id, so a re-run skips what it stored; the
 * same content derived again after the person moved on (a second
 * terminate after a rehire) is a new event, not a re-sent one. New text
 * (free) or NULL. Also provhost sync's (run_sync_store.c). */
char *run_roster_event_text(json_t *ev, int64_t last_seq)
{
	char *content, *basis = NULL, hex[65], id[80];
	char *text = NULL;

	content = json_dumps(ev, JSON_COMPACT | JSON_SORT_KEYS);
	if (!content ||
	    asprintf(&basis, "%s@%lld", content, (long long)last_seq) < 0)
		goto out;
	if (sha256_hex(basis, strlen(basis), hex))
		goto out;
	snprintf(id, sizeof(id), "roster:%s", hex);
	if (json_object_set_new(ev, "id", json_string(id)))
		goto out;
	text = json_dumps(ev, JSON_COMPACT | JSON_SORT_KEYS);
out:
	free(content);
	if (basis)
		free(basis);
	return text;
}

int run_roster_stored_fill(struct run *run, const char *employee_id,
                           const char *status, const json_t *record,
                           struct roster_stored *st)
{
	int rc = 0;

	memset(st, 0, sizeof(*st));
	st->status = status;
	st->record = record;
	if (status && !strcmp(status, "terminated"))
		rc = ledger_person_scheduled_terminate(run->ledger, employee_id,
		                                       clock_wall_s(),
		                                       &st->terminate_at);
	if (rc < 0)
		return -1;
	st->terminate_scheduled = rc == 1;
	return 0;
}

int64_t run_roster_effective_of(const json_t *ev, int64_t now)
{
	const char *s = json_string_value(json_object_get(ev, "effective"));
	char why[100];
	int64_t at;

	if (s && s[0] && !isodate_parse(s, &at, why, sizeof(why)))
		return at;
	return now;
}

/* A row of a person whose terminate is scheduled (at sched_at), derived
 * against their status before it: a terminate derived for the same moment
 * is already there (dropped from d); otherwise the row removed or moved
 * the termination date and the scheduled terminate is cancelled, the
 * person keeping prior as their status (a moved date's new terminate is
 * among d's events). Returns 1 when it cancelled, 0, or -1 (ledger). */
static int settle_schedule(struct run *run, const struct run_item *item,
                           const char *employee_id, struct roster_derived *d,
                           int64_t sched_at, const char *prior)
{
	int64_t now = clock_wall_s(), n = 0;
	bool kept = false;
	size_t i, j = 0;
	char why[600];

	for (i = 0; i < d->n; i++) {
		json_t *ev = d->events[i];
		const char *k = json_string_value(json_object_get(ev, "event"));

		if (k && !strcmp(k, "terminate") &&
		    run_roster_effective_of(ev, now) == sched_at) {
			kept = true; /* stored by an earlier run */
			json_decref(ev);
			continue;
		}
		d->events[j++] = ev;
	}
	d->n = j;
	if (kept)
		return 0;
	snprintf(why, sizeof(why),
	         "cancelled: the termination date was removed or moved in "
	         "%.300s (%s)",
	         run->source, item->what);
	if (ledger_person_cancel_scheduled(run->ledger, employee_id, why, now,
	                                   &n) ||
	    ledger_person_set_status(run->ledger, employee_id, prior, now))
		return -1;
	run->rescheduled++;
	return 1;
}

/* The stored person of employee_id: status, record (json_decref) and
 * last_seq. 0, or -1 on a ledger failure. */
static int stored_person(struct run *run, const char *employee_id, char *status,
                         size_t len, json_t **record, int64_t *last_seq)
{
	struct ledger_person p;
	int rc;

	status[0] = '\0';
	*record = NULL;
	*last_seq = 0;
	rc = ledger_person_get(run->ledger, employee_id, &p);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return 0;
	snprintf(status, len, "%s", p.status);
	*record = p.record ? json_loads(p.record, 0, NULL) : NULL;
	*last_seq = p.last_seq;
	free(p.record);
	return 0;
}

/* Stops the run: the ledger could not be read (or written) while storing
 * item. Returns -1. */
static int ledger_stop(struct run *run, const struct run_item *item,
                       const char *verb)
{
	run_fatal(run,
	          "ledger %s cannot be %s (%s): stopped while storing %s of "
	          "the input; nothing was sent",
	          run->cfg->ledger_path, verb, ledger_last_error(), item->what);
	return -1;
}

/* One row's record: its derived events stored, or the row rejected. */
static int ingest_record(struct run *run, const struct run_item *item,
                         const json_t *rec)
{
	const char *id = json_string_value(json_object_get(rec, "employee_id"));
	struct roster_derived d = {0};
	struct roster_stored st;
	char status[16], prior[16];
	json_t *stored = NULL;
	int64_t last_seq, sched_at;
	int rc = 0, cancelled = 0;

	if (stored_person(run, id, status, sizeof(status), &stored, &last_seq))
		return ledger_stop(run, item, "read");
	/* a connection added since (or left out by --connection) gets the
	 * person's history, as a JSON Lines input seen again would */
	if (status[0] &&
	    ledger_person_targets_fill(run->ledger, id, run->ingest_names,
	                               run->n_conns, clock_wall_s(), NULL)) {
		rc = ledger_stop(run, item, "written");
		goto out;
	}
	if (run_roster_stored_fill(run, id, status, stored, &st) ||
	    (st.terminate_scheduled &&
	     ledger_person_prior_status(run->ledger, id, prior))) {
		rc = ledger_stop(run, item, "read");
		goto out;
	}
	/* a terminate scheduled ahead: the row is judged against the person
	 * as they are until then, as provhost sync does (the date may have
	 * been removed or moved) */
	sched_at = st.terminate_scheduled ? st.terminate_at : -1;
	if (sched_at >= 0) {
		st.status = prior;
		st.terminate_scheduled = false;
	}
	if (roster_derive(rec, &st, clock_wall_s(), &d)) {
		fprintf(stderr, "provhost run: out of memory\n");
		rc = -1;
		goto out;
	}
	if (sched_at >= 0 && !d.conflict &&
	    (cancelled = settle_schedule(run, item, id, &d, sched_at, prior)) <
	            0) {
		rc = ledger_stop(run, item, "written");
		goto out;
	}
	if (d.conflict)
		run_reject_item(run, item, d.note);
	else if (!d.n && !cancelled)
		run->unchanged++;
	for (size_t i = 0; i < d.n && !rc; i++) {
		char *text = run_roster_event_text(d.events[i], last_seq);

		if (!text) {
			fprintf(stderr, "provhost run: out of memory\n");
			rc = -1;
			break;
		}
		rc = run_ingest_text(run, item, text, strlen(text));
		free(text);
	}
out:
	roster_derived_release(&d);
	json_decref(stored);
	return rc;
}

int run_ingest_roster(struct run *run, FILE *in)
{
	struct intake_options opt = {run->plan.input, &run->cfg->dates,
	                             run->source, &run->input_hash};
	struct intake_reader *r;
	struct intake_row row;
	struct run_item item;
	char err[1200];
	int rc = -1, n;

	run->unit = run->plan.format == INPUT_FORMAT_JSON ? "elements" : "rows";
	if (intake_open(&opt, in, &r, err, sizeof(err))) {
		fprintf(stderr, "provhost run: %s\n", err);
		return -1;
	}
	while ((n = intake_next(r, &row)) == 1) {
		run->lines++;
		memset(&item, 0, sizeof(item));
		item.line_no = row.line ? row.line : row.row;
		item.raw = row.raw;
		item.raw_len = row.raw_len;
		intake_row_label(r, &row, item.what, sizeof(item.what));
		if (!row.record)
			run_reject_item(run, &item, row.reason);
		else if (ingest_record(run, &item, row.record))
			goto out;
		if (run_ingest_tick(run))
			goto out;
	}
	if (n < 0) {
		fprintf(stderr,
		        "provhost run: %s; stopped reading there (nothing was "
		        "sent; rows before it are stored and the next run "
		        "goes on from the ledger)\n",
		        intake_error(r));
		goto out;
	}
	run->blank_lines += intake_blank_rows(r);
	rc = 0;
out:
	intake_close(r);
	return rc;
}

/* The whole input into memory, hashed. NULL on a read error. */
static char *read_all(struct run *run, FILE *in, size_t *len)
{
	char *buf = NULL, *p;
	size_t used = 0, cap = 0, n;

	for (;;) {
		if (used + 65536 > cap) {
			cap = cap ? cap * 2 : 262144;
			p = realloc(buf, cap);
			if (!p)
				goto fail;
			buf = p;
		}
		n = fread(buf + used, 1, cap - used, in);
		if (n && sha256_update(&run->input_hash, buf + used, n))
			goto fail;
		used += n;
		if (n == 0)
			break;
	}
	if (ferror(in))
		goto fail;
	*len = used;
	return buf;
fail:
	fprintf(stderr, "provhost run: cannot read \"%s\"\n", run->source);
	free(buf);
	return NULL;
}

int run_ingest_json_events(struct run *run, FILE *in)
{
	json_error_t jerr;
	struct run_item item;
	json_t *arr, *elem;
	size_t len, i;
	char *buf;
	int rc = -1;

	run->unit = "elements";
	buf = read_all(run, in, &len);
	if (!buf)
		return -1;
	arr = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	if (!arr || !json_is_array(arr)) {
		if (arr)
			fprintf(stderr,
			        "provhost run: \"%s\": a JSON input is one "
			        "array "
			        "of events ([{\"event\": ...}, ...])\n",
			        run->source);
		else
			fprintf(stderr,
			        "provhost run: \"%s\": invalid JSON at line "
			        "%d, "
			        "column %d: %s; nothing was stored\n",
			        run->source, jerr.line, jerr.column, jerr.text);
		json_decref(arr);
		return -1;
	}
	json_array_foreach(arr, i, elem)
	{
		char *text = json_dumps(elem, JSON_COMPACT | JSON_ENCODE_ANY);

		if (!text) {
			fprintf(stderr, "provhost run: out of memory\n");
			goto out;
		}
		run->lines++;
		memset(&item, 0, sizeof(item));
		item.line_no = (int64_t)i + 1;
		item.raw = text;
		item.raw_len = strlen(text);
		snprintf(item.what, sizeof(item.what), "element %zu", i + 1);
		if (run_ingest_text(run, &item, text, item.raw_len) ||
		    run_ingest_tick(run)) {
			free(text);
			goto out;
		}
		free(text);
	}
	rc = 0;
out:
	json_decref(arr);
	return rc;
}
