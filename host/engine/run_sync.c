/* provhost sync, the ingest phase (run_sync.h): the snapshot's identity
 * and as-of date, the diff of every row against the person records, the
 * guards, then storing what was derived and the missing-person rule. */
#include "engine/run_sync.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/run_internal.h"
#include "engine/run_stop.h"
#include "lifecycle/isodate.h"
#include "util/clock.h"
#include "util/text_escape.h"

#define DAY        86400
#define SYNC_BATCH 256

/* The SHA-256 of the whole file; 0 or -1 (message printed). */
static int hash_file(const char *path, char hex[65])
{
	unsigned char buf[65536], d[32];
	struct sha256 h;
	FILE *in = fopen(path, "r");
	size_t n;

	if (!in) {
		fprintf(stderr, "provhost sync: cannot open \"%s\": %s\n", path,
		        strerror(errno));
		return -1;
	}
	if (sha256_init(&h))
		goto oom;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (sha256_update(&h, buf, n))
			goto oom;
	if (ferror(in)) {
		fprintf(stderr, "provhost sync: cannot read \"%s\": %s\n", path,
		        strerror(errno));
		sha256_final(&h, d);
		fclose(in);
		return -1;
	}
	if (sha256_final(&h, d))
		goto oom;
	fclose(in);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	return 0;
oom:
	fprintf(stderr, "provhost sync: cannot hash \"%s\" (out of memory)\n",
	        path);
	fclose(in);
	return -1;
}

/* A date YYYY-MM-DD (or YYYYMMDD when compact) at s; 0 and *out. */
static int date_at(const char *s, bool compact, int64_t *out)
{
	char iso[11], why[80];

	if (compact)
		snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2s", s, s + 4, s + 6);
	else
		snprintf(iso, sizeof(iso), "%.10s", s);
	return isodate_parse(iso, out, why, sizeof(why));
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* The first date in the file's name: YYYY-MM-DD, else 8 digits YYYYMMDD
 * not part of a longer number. 0 and *out, 1 none. */
static int date_in_name(const char *path, int64_t *out)
{
	const char *base = strrchr(path, '/');
	size_t n, i;

	base = base ? base + 1 : path;
	n = strlen(base);
	for (i = 0; i + 10 <= n; i++)
		if (digits(base + i, 4) && base[i + 4] == '-' &&
		    digits(base + i + 5, 2) && base[i + 7] == '-' &&
		    digits(base + i + 8, 2) && !date_at(base + i, false, out))
			return 0;
	for (i = 0; i + 8 <= n; i++)
		if (digits(base + i, 8) &&
		    (i == 0 || !isdigit((unsigned char)base[i - 1])) &&
		    !isdigit((unsigned char)base[i + 8]) &&
		    !date_at(base + i, true, out))
			return 0;
	return 1;
}

/* The snapshot's as-of date: --as-of, else a date in the file name, else
 * today (UTC). 0 or -1 (message printed). */
static int find_as_of(struct run *run, struct run_sync *s)
{
	const char *opt = run->opt->as_of;
	char why[120];

	if (opt) {
		if (strlen(opt) != 10 ||
		    isodate_parse(opt, &s->as_of, why, sizeof(why))) {
			fprintf(stderr,
			        "provhost sync: --as-of \"%s\" is not a date "
			        "YYYY-MM-DD\n",
			        opt);
			return -1;
		}
		snprintf(s->as_of_from, sizeof(s->as_of_from), "--as-of");
	} else if (date_in_name(run->opt->input, &s->as_of) == 0) {
		snprintf(s->as_of_from, sizeof(s->as_of_from), "the file name");
	} else {
		s->as_of = clock_wall_s() / DAY * DAY;
		snprintf(s->as_of_from, sizeof(s->as_of_from), "today");
	}
	return 0;
}

static void day_text(int64_t t, char out[11])
{
	char buf[32];

	isodate_format(t, buf, sizeof(buf));
	memcpy(out, buf, 10);
	out[10] = '\0';
}

/* Refuses a snapshot older than the last applied one; notes one applied
 * before. 0 go on, 1 already applied, -1 refused or ledger error. */
static int check_order(struct run *run, struct run_sync *s)
{
	struct ledger_snapshot last;
	char a[11], b[11];
	int r;

	r = ledger_snapshot_find(run->ledger, s->sha256, &last);
	if (r == 0) {
		s->already = true;
		s->already_run = last.run_id;
		return 1;
	}
	if (r < 0 || (r = ledger_snapshot_latest(run->ledger, &last)) < 0) {
		fprintf(stderr, "provhost sync: ledger: %s\n",
		        ledger_last_error());
		return -1;
	}
	if (r == 0 && last.as_of > s->as_of) {
		day_text(s->as_of, a);
		day_text(last.as_of, b);
		fprintf(stderr,
		        "provhost sync: %s is as of %s (from %s), older than "
		        "the last applied snapshot %s (as of %s, run %lld): "
		        "refused, nothing was changed; an older export would "
		        "undo newer HR changes (give --as-of if the date is "
		        "wrong)\n",
		        run->source, a, s->as_of_from, last.source, b,
		        (long long)last.run_id);
		return -1;
	}
	return 0;
}

static int by_employee(const void *key, const void *elem)
{
	return strcmp(key,
	              ((const struct ledger_roster_person *)elem)->employee_id);
}

static struct ledger_roster_person *find_person(struct run_sync *s,
                                                const char *employee_id)
{
	if (!s->n_persons) /* bsearch wants a base even for none */
		return NULL;
	return bsearch(employee_id, s->persons, s->n_persons,
	               sizeof(*s->persons), by_employee);
}

const char *run_sync_current_status(const struct ledger_roster_person *p)
{
	if (p->scheduled && p->prior_status[0])
		return p->prior_status;
	return p->status;
}

/* A rejected row: reject file, ledger, the summary's list; counted
 * skipped. */
static void reject_row(struct run *run, const char *label, int64_t row_no,
                       const char *raw, size_t raw_len, const char *raw_reason)
{
	char reason[1024], tail[1100];
	size_t first_line = strcspn(raw, "\n");
	int n;

	text_escape_into(raw_reason, reason, sizeof(reason));
	run->bad_lines++;
	run->sync->counts.skipped++;
	for (size_t i = 0; i < run->n_conns; i++)
		run_stats_add(&run->conns[i].stats, STAT_REJECTED, 1);
	if (append_file_is_open(&run->reject_file)) {
		n = snprintf(tail, sizeof(tail), "\t# %s: %s\n", label, reason);
		if (n >= (int)sizeof(tail)) {
			n = (int)sizeof(tail) - 1;
			tail[n - 1] = '\n';
		}
		/* one reject line per row (a CSV row may span lines) */
		if (append_file_write2(&run->reject_file, raw,
		                       first_line < raw_len ? first_line
		                                            : raw_len,
		                       tail, (size_t)n))
			run_fatal(run,
			          "reject file \"%s\" cannot be written (%s): "
			          "stopped",
			          run->reject_file.path, strerror(errno));
	}
	if (ledger_reject(run->ledger, run->run_id, run->source, row_no, raw,
	                  raw_len, reason, clock_wall_s()))
		fprintf(stderr, "provhost: ledger: %s\n", ledger_last_error());
	run_problem_add(&run->line_problems, label, reason);
}

/* Marks the employee named by a rejected row's bytes as present when they
 * are a JSON record with an employee_id: a rejected row is not a missing
 * person. Any other rejected row might be anyone. */
static void mark_present(struct run_sync *s, const char *raw, size_t len)
{
	json_t *rec = json_loadb(raw, len, 0, NULL);
	const char *id = json_string_value(json_object_get(rec, "employee_id"));
	struct ledger_roster_person *p =
	        id && id[0] ? find_person(s, id) : NULL;

	if (p)
		s->present[p - s->persons] = true;
	else
		s->anonymous_reject = true;
	json_decref(rec);
}

/* Derives one record. 0, 1 a second row of the same employee, -1 out of
 * memory. */
static int derive_row(struct run *run, const json_t *record, int64_t row_no,
                      struct input_seen *seen)
{
	struct run_sync *s = run->sync;
	const char *id =
	        json_string_value(json_object_get(record, "employee_id"));
	struct ledger_roster_person *p;
	const struct input_seen_entry *e;

	if (!id)
		return -1; /* the reader checks it */
	e = input_seen_add(seen, id, row_no);
	if (!e)
		return -1;
	if (e->count > 1)
		return 1;
	p = find_person(s, id);
	if (p) {
		s->present[p - s->persons] = true;
		if (strcmp(run_sync_current_status(p), "terminated"))
			s->known_rows++;
	}
	return run_sync_plan_row(run, record, p, row_no);
}

/* Drops every item of an employee with more than one row. */
static void drop_duplicates(struct run *run, const struct input_seen *seen)
{
	struct run_sync *s = run->sync;
	char why[400];

	for (size_t i = 0; i < s->n_items; i++) {
		const struct input_seen_entry *e =
		        input_seen_get(seen, s->items[i].employee_id);

		if (!e || e->count < 2)
			continue;
		s->items[i].dropped = true;
		s->counts.skipped++;
		snprintf(
		        why, sizeof(why),
		        "employee %.100s has %lld rows in this snapshot (rows "
		        "%lld..%lld): a roster has one row per person, so none "
		        "of them is applied",
		        s->items[i].employee_id, (long long)e->count,
		        (long long)e->first, (long long)e->last);
		run_problem_add(&run->line_problems, "snapshot", why);
	}
}

/* Reads and derives every row. 0 or -1 (message printed). */
static int read_rows(struct run *run)
{
	struct run_sync *s = run->sync;
	struct input_seen seen;
	struct sync_input *in = NULL;
	struct intake_row row;
	char label[64], why[600];
	int r, rc = -1;

	input_seen_init(&seen);
	if (sync_input_open(run, &in))
		goto out;
	while ((r = sync_input_next(in, &row)) == 1) {
		run->lines++;
		s->counts.total++;
		sync_input_label(in, &row, label, sizeof(label));
		if (!row.record) {
			mark_present(s, row.raw, row.raw_len);
			reject_row(run, label, row.row, row.raw, row.raw_len,
			           row.reason);
			continue;
		}
		r = derive_row(run, row.record, row.row, &seen);
		if (r < 0)
			goto oom;
		if (r == 1) {
			const char *id = json_string_value(
			        json_object_get(row.record, "employee_id"));

			snprintf(
			        why, sizeof(why),
			        "employee %.100s is also on row %lld: a roster "
			        "has one row per person; no row of theirs is "
			        "applied",
			        id,
			        (long long)input_seen_get(&seen, id)->first);
			s->counts.total--; /* counted with the first row */
			reject_row(run, label, row.row, row.raw, row.raw_len,
			           why);
			s->counts.skipped--;
		}
	}
	if (r < 0)
		goto out;
	drop_duplicates(run, &seen);
	rc = 0;
	goto out;
oom:
	if (!atomic_load(&run->fatal)) /* else: the ledger, said */
		fprintf(stderr, "provhost sync: out of memory\n");
out:
	sync_input_close(in);
	input_seen_release(&seen);
	return rc;
}

/* Stores the items, the people back after being missing, the missing
 * ones and the snapshot, in batches. 0 or -1 (message printed). */
static int store(struct run *run)
{
	struct run_sync *s = run->sync;
	size_t done = 0;
	int rc = 0, fill;

	fill = ledger_targets_missing(run->ledger, s->names, run->n_conns);
	if (fill < 0 || ledger_batch_begin(run->ledger))
		goto out_ledger;
	/* a connection added since gets the history of the people in the
	 * snapshot (an unchanged row derives nothing), as run of a roster */
	for (size_t i = 0; fill && i < s->n_persons; i++) {
		if (!s->present[i])
			continue;
		if (ledger_person_targets_fill(
		            run->ledger, s->persons[i].employee_id, s->names,
		            run->n_conns, clock_wall_s(), NULL))
			goto out_ledger_open;
		if (++done % SYNC_BATCH == 0 &&
		    (ledger_batch_end(run->ledger, true) ||
		     ledger_batch_begin(run->ledger)))
			goto out_ledger;
	}
	for (size_t i = 0; !rc && i < s->n_items; i++) {
		if (!s->items[i].dropped)
			rc = run_sync_store_item(run, &s->items[i]);
		if (++done % SYNC_BATCH == 0 &&
		    (ledger_batch_end(run->ledger, true) ||
		     ledger_batch_begin(run->ledger)))
			goto out_ledger;
	}
	for (size_t i = 0; !rc && i < s->n_persons; i++) {
		const char *st = run_sync_current_status(&s->persons[i]);

		if (s->present[i] || !strcmp(st, "terminated"))
			continue;
		s->counts.total++;
		rc = run_sync_store_missing(run, &s->persons[i]);
		if (++done % SYNC_BATCH == 0 &&
		    (ledger_batch_end(run->ledger, true) ||
		     ledger_batch_begin(run->ledger)))
			goto out_ledger;
	}
	if (!rc && ledger_snapshot_record(run->ledger, s->sha256, s->as_of,
	                                  run->source, run->run_id, run->lines,
	                                  clock_wall_s()))
		rc = -1;
	if (ledger_batch_end(run->ledger, rc == 0))
		goto out_ledger;
	return rc;
out_ledger_open:
	ledger_batch_end(run->ledger, false);
out_ledger:
	run_fatal(run,
	          "ledger %s cannot be written (%s): stopped while storing "
	          "the snapshot; nothing was sent — run the same command "
	          "again",
	          run->cfg->ledger_path, ledger_last_error());
	return -1;
}

/* run_sync_ingest without the clock. */
static int ingest(struct run *run, struct run_sync *s)
{
	int r;

	if (hash_file(run->opt->input, s->sha256) || find_as_of(run, s))
		return -1;
	snprintf(run->input_sha256, sizeof(run->input_sha256), "%s", s->sha256);
	if (ledger_run_set_input(run->ledger, run->run_id, s->sha256)) {
		fprintf(stderr, "provhost sync: ledger: %s\n",
		        ledger_last_error());
		return -1;
	}
	r = check_order(run, s);
	if (r)
		return r > 0 ? 0 : -1;
	if (ledger_roster_load(run->ledger, clock_wall_s(), &s->persons,
	                       &s->n_persons)) {
		fprintf(stderr, "provhost sync: ledger: %s\n",
		        ledger_last_error());
		return -1;
	}
	s->present = calloc(s->n_persons ? s->n_persons : 1, 1);
	s->names = calloc(run->n_conns ? run->n_conns : 1, sizeof(*s->names));
	s->states = calloc(run->n_conns ? run->n_conns : 1, sizeof(*s->states));
	if (!s->present || !s->names || !s->states) {
		fprintf(stderr, "provhost sync: out of memory\n");
		return -1;
	}
	for (size_t i = 0; i < run->n_conns; i++)
		s->names[i] = run->conns[i].conn->name;
	if (read_rows(run))
		return -1;
	if (run_sync_guard(run)) {
		fprintf(stderr, "provhost sync: out of memory\n");
		return -1;
	}
	return store(run);
}

int run_sync_ingest(struct run *run)
{
	struct run_sync *s = calloc(1, sizeof(*s));
	int64_t t0 = clock_mono_ms();
	int rc;

	if (!s) {
		fprintf(stderr, "provhost sync: out of memory\n");
		return -1;
	}
	run->sync = s;
	run->unit = "rows";
	rc = ingest(run, s);
	s->ingest_ms = clock_mono_ms() - t0;
	return rc;
}

void run_sync_print(const struct run *run, FILE *out)
{
	const struct run_sync *s = run->sync;
	char day[11];

	if (!s)
		return;
	day_text(s->as_of, day);
	fprintf(out, "snapshot %s (as of %s from %s, sha256 %.16s)\n",
	        run->source, day, s->as_of_from, s->sha256);
	if (s->already) {
		fprintf(out,
		        "  already applied by run %lld: nothing derived, "
		        "nothing to send for it\n",
		        (long long)s->already_run);
		return;
	}
	fprintf(out,
	        "  Total %lld | No change %lld | Processed %lld | Skipped %lld "
	        "| Held %lld\n",
	        (long long)s->counts.total, (long long)s->counts.no_change,
	        (long long)s->counts.processed, (long long)s->counts.skipped,
	        (long long)s->counts.held);
	fprintf(out,
	        "  %lld rows read, compared with %zu person records and "
	        "stored in %.2f s\n",
	        (long long)run->lines, s->n_persons,
	        (double)s->ingest_ms / 1000.0);
	if (s->cancelled)
		fprintf(out,
		        "  %lld scheduled terminate%s cancelled or moved (the "
		        "termination date changed)\n",
		        (long long)s->cancelled, s->cancelled == 1 ? "" : "s");
}

void run_sync_release(struct run *run)
{
	struct run_sync *s = run->sync;

	if (!s)
		return;
	for (size_t i = 0; i < s->n_items; i++)
		run_sync_item_release(&s->items[i]);
	free(s->items);
	free(s->present);
	free(s->names);
	free(s->states);
	ledger_roster_free(s->persons, s->n_persons);
	free(s);
	run->sync = NULL;
}
