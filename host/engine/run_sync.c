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
static void reject_row(struct run *run, const struct sync_input_row *row,
                       const char *raw_reason)
{
	char what[96], reason[1024], tail[1100];
	int n;

	text_escape_into(raw_reason, reason, sizeof(reason));
	run->bad_lines++;
	run->sync->counts.skipped++;
	for (size_t i = 0; i < run->n_conns; i++)
		run_stats_add(&run->conns[i].stats, STAT_REJECTED, 1);
	if (append_file_is_open(&run->reject_file)) {
		n = snprintf(tail, sizeof(tail), "\t# row %lld: %s\n",
		             (long long)row->row_no, reason);
		if (n >= (int)sizeof(tail)) {
			n = (int)sizeof(tail) - 1;
			tail[n - 1] = '\n';
		}
		if (append_file_write2(&run->reject_file, row->raw,
		                       row->raw_len, tail, (size_t)n))
			run_fatal(run,
			          "reject file \"%s\" cannot be written (%s): "
			          "stopped",
			          run->reject_file.path, strerror(errno));
	}
	if (ledger_reject(run->ledger, run->run_id, run->source, row->row_no,
	                  row->raw, row->raw_len, reason, clock_wall_s()))
		fprintf(stderr, "provhost: ledger: %s\n", ledger_last_error());
	snprintf(what, sizeof(what), "row %lld", (long long)row->row_no);
	run_problem_add(&run->line_problems, what, reason);
}

/* Marks the employee named by a (maybe rejected) record as present: a
 * rejected row is not a missing person. */
static void mark_present(struct run_sync *s, const json_t *rec)
{
	const char *id = json_string_value(json_object_get(rec, "employee_id"));
	struct ledger_roster_person *p =
	        id && id[0] ? find_person(s, id) : NULL;

	if (p)
		s->present[p - s->persons] = true;
	else if (!id || !id[0])
		s->anonymous_reject = true;
}

static int add_item(struct run_sync *s, const struct roster_row *row,
                    struct ledger_roster_person *p, struct roster_plan *plan)
{
	struct sync_item *it;

	if (s->n_items == s->cap_items) {
		size_t cap = s->cap_items ? s->cap_items * 2 : 64;

		it = realloc(s->items, cap * sizeof(*it));
		if (!it)
			return -1;
		s->items = it;
		s->cap_items = cap;
	}
	it = &s->items[s->n_items];
	memset(it, 0, sizeof(*it));
	it->employee_id = strdup(row->employee_id);
	if (!it->employee_id)
		return -1;
	it->row_no = row->row_no;
	it->person = p;
	it->plan = *plan; /* taken */
	s->n_items++;
	return 0;
}

/* Derives one row. 0, or -1 out of memory. */
static int derive_row(struct run *run, struct roster_row *row,
                      struct input_seen *seen)
{
	struct run_sync *s = run->sync;
	struct ledger_roster_person *p = find_person(s, row->employee_id);
	const struct input_seen_entry *e =
	        input_seen_add(seen, row->employee_id, row->row_no);
	struct roster_options o = {clock_wall_s(), s->as_of,
	                           run->cfg->sync.provision_days_before_start};
	struct roster_prior prior = {0};
	struct roster_plan plan;
	json_t *record = NULL;
	int rc;

	if (!e)
		return -1;
	if (e->count > 1)
		return 1; /* a duplicate: the caller rejects it */
	if (p) {
		s->present[p - s->persons] = true;
		record = json_loads(p->record, 0, NULL);
		prior.known = true;
		prior.status = p->status;
		prior.record = record;
		prior.scheduled = p->scheduled;
		prior.scheduled_effective = p->terminate_effective;
		prior.prior_status = p->prior_status;
		if (strcmp(run_sync_current_status(p), "terminated"))
			s->known_rows++;
	}
	rc = roster_derive(row, &prior, &o, &plan);
	json_decref(record);
	if (rc)
		return -1;
	if (plan.verdict == ROSTER_CHANGE ||
	    (p && p->missing_open && plan.verdict == ROSTER_NO_CHANGE))
		return add_item(s, row, p, &plan)
		               ? (roster_plan_release(&plan), -1)
		               : 0;
	if (plan.verdict == ROSTER_SKIP)
		s->counts.skipped++;
	else
		s->counts.no_change++;
	roster_plan_release(&plan);
	return 0;
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
	struct sync_input_row row;
	struct roster_row rr;
	char err[1024], why[600];
	int r, rc = -1;

	input_seen_init(&seen);
	if (sync_input_open(run->opt->input, &in, err, sizeof(err))) {
		fprintf(stderr, "provhost sync: %s\n", err);
		goto out;
	}
	while ((r = sync_input_next(in, &row)) == 0 || r == 1) {
		run->lines++;
		s->counts.total++;
		if (r == 0) {
			s->anonymous_reject = true;
			reject_row(run, &row, row.reason);
			continue;
		}
		if (roster_row_parse(row.record, row.row_no, &rr, why,
		                     sizeof(why))) {
			mark_present(s, row.record);
			reject_row(run, &row, why);
			json_decref(row.record);
			continue;
		}
		json_decref(row.record);
		r = derive_row(run, &rr, &seen);
		if (r == 1) {
			snprintf(
			        why, sizeof(why),
			        "employee %.100s is also on row %lld: a roster "
			        "has one row per person; no row of theirs is "
			        "applied",
			        rr.employee_id,
			        (long long)input_seen_get(&seen, rr.employee_id)
			                ->first);
			s->counts.total--; /* counted with the first row */
			reject_row(run, &row, why);
			s->counts.skipped--;
		}
		roster_row_release(&rr);
		if (r < 0)
			goto oom;
	}
	if (r < 0) {
		fprintf(stderr, "provhost sync: cannot read \"%s\": %s\n",
		        run->source, strerror(errno));
		goto out;
	}
	drop_duplicates(run, &seen);
	rc = 0;
	goto out;
oom:
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
	int rc = 0;

	if (ledger_batch_begin(run->ledger))
		goto out_ledger;
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
out_ledger:
	run_fatal(run,
	          "ledger %s cannot be written (%s): stopped while storing "
	          "the snapshot; nothing was sent — run the same command "
	          "again",
	          run->cfg->ledger_path, ledger_last_error());
	return -1;
}

int run_sync_ingest(struct run *run)
{
	struct run_sync *s = calloc(1, sizeof(*s));
	int r;

	if (!s) {
		fprintf(stderr, "provhost sync: out of memory\n");
		return -1;
	}
	run->sync = s;
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
	for (size_t i = 0; i < s->n_items; i++) {
		free(s->items[i].employee_id);
		roster_plan_release(&s->items[i].plan);
	}
	free(s->items);
	free(s->present);
	free(s->names);
	free(s->states);
	ledger_roster_free(s->persons, s->n_persons);
	free(s);
	run->sync = NULL;
}
