/* Unit tests for host/ledger*.c: creation and migration, reopening, refusing
 * newer schemas, event acceptance and target states, attempts, links, the
 * outstanding-work walk (incl. not-yet-effective events becoming due),
 * status, history, batches and two threads writing at once. Each test uses
 * its own temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ledger/ledger.h"
#include "ledger/ledger_internal.h"

struct fixture {
	char dir[64];   /* mkdtemp */
	char sub[128];  /* dir/state: created by ledger_open */
	char path[192]; /* dir/state/ledger.db */
	struct ledger *l;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/provhost-ledger-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->sub, sizeof(f->sub), "%s/state", f->dir);
	snprintf(f->path, sizeof(f->path), "%s/ledger.db", f->sub);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	char p[256];

	ledger_close(f->l);
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, suffix[i]);
		unlink(p);
	}
	rmdir(f->sub);
	rmdir(f->dir);
	free(f);
	return 0;
}

static struct ledger *open_ok(struct fixture *f)
{
	if (ledger_open(f->path, LEDGER_OPEN_CREATE, &f->l))
		fail_msg("ledger_open: %s", ledger_last_error());
	return f->l;
}

/* Runs one SQL query on the file with a separate connection and returns
 * the first column of the first row as an integer (-1 when no row). */
static int64_t sql_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL))
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void sql_exec(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL))
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

/* A parsed event from a JSON line (release with event_release). */
static struct event make_event(const char *fmt, ...)
        __attribute__((format(printf, 1, 2)));

static struct event make_event(const char *fmt, ...)
{
	char line[1024], reason[256];
	struct event ev;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (event_parse_line(line, strlen(line), 0, &ev, reason,
	                     sizeof(reason)))
		fail_msg("%s: %s", line, reason);
	return ev;
}

static const char *const two_conns[] = {"alpha", "beta"};

static enum ledger_accept_result accept(struct ledger *l,
                                        const struct event *ev,
                                        const char *const *conns, size_t n,
                                        int64_t now, enum ledger_state *st)
{
	enum ledger_accept_result res;

	if (ledger_event_accept(l, ev, "events.jsonl", 1, 0, conns, n, now, st,
	                        &res, NULL))
		fail_msg("accept: %s", ledger_last_error());
	return res;
}

static void test_create_and_modes(void **state)
{
	struct fixture *f = *state;
	struct stat sb;

	open_ok(f);
	assert_int_equal(stat(f->sub, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"),
	                 LEDGER_SCHEMA_VERSION);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_schema "
	                                  "WHERE type = 'table' AND name IN "
	                                  "('events', 'targets', 'attempts', "
	                                  "'links', 'rejects', 'runs')"),
	                 6);
	ledger_close(f->l);
	f->l = NULL;
	/* WAL is a property of the file: a fresh connection sees it */
	{
		sqlite3 *db;
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode",
		                                    -1, &st, NULL),
		                 SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0),
		                    "wal");
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
}

static void test_open_errors(void **state)
{
	struct fixture *f = *state;
	struct ledger *l = NULL;
	char want[512];
	FILE *fp;

	assert_int_equal(ledger_open(f->path, 0, &l), -1);
	snprintf(want, sizeof(want),
	         "ledger \"%s\" does not exist (no run has used it yet)",
	         f->path);
	assert_string_equal(ledger_last_error(), want);
	assert_int_equal(access(f->path, F_OK), -1);

	/* a newer schema is refused */
	open_ok(f);
	ledger_close(f->l);
	f->l = NULL;
	sql_exec(f->path, "PRAGMA user_version = 99");
	assert_int_equal(ledger_open(f->path, 0, &l), -1);
	snprintf(want, sizeof(want),
	         "ledger \"%s\" has schema version 99, newer than this "
	         "provhost knows (%d); use a newer provhost",
	         f->path, LEDGER_SCHEMA_VERSION);
	assert_string_equal(ledger_last_error(), want);
	assert_null(l);

	/* not a database at all */
	unlink(f->path);
	fp = fopen(f->path, "w");
	assert_non_null(fp);
	fputs("this is not an SQLite file, just some text that is long "
	      "enough to fill a header.......................................",
	      fp);
	fclose(fp);
	assert_int_equal(ledger_open(f->path, LEDGER_OPEN_CREATE, &l), -1);
	snprintf(want, sizeof(want),
	         "cannot use \"%s\" as a ledger: file is not a database",
	         f->path);
	assert_string_equal(ledger_last_error(), want);
}

/* A 0-byte ledger (truncated, or touched by hand) is not silently used as
 * a new one: its history would be lost without a word. */
static void test_empty_file_refused(void **state)
{
	struct fixture *f = *state;
	struct ledger *l = NULL;
	char want[1024];
	int fd;

	open_ok(f);
	ledger_close(f->l);
	f->l = NULL;
	fd = open(f->path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	close(fd);
	snprintf(want, sizeof(want),
	         "ledger \"%s\" is an empty file (0 bytes), not a provhost "
	         "ledger: its history is gone. If it was truncated, restore "
	         "it from a backup; if a new ledger is meant, delete the "
	         "file",
	         f->path);
	assert_int_equal(ledger_open(f->path, LEDGER_OPEN_CREATE, &l), -1);
	assert_string_equal(ledger_last_error(), want);
	assert_int_equal(ledger_open(f->path, 0, &l), -1);
	assert_string_equal(ledger_last_error(), want);
	assert_null(l);
}

/* A damaged ledger opened for reading (status, history) is reported by
 * PRAGMA quick_check instead of being read as wrong counts. */
static void test_damaged_file_reported(void **state)
{
	struct fixture *f = *state;
	struct ledger *l = NULL;
	char junk[4096], want[512];
	FILE *fp;

	open_ok(f);
	ledger_close(f->l);
	f->l = NULL;
	sql_exec(f->path, "CREATE TABLE filler(x TEXT);"
	                  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT "
	                  "i + 1 FROM n WHERE i < 2000) INSERT INTO filler "
	                  "SELECT printf('%0200d', i) FROM n;"
	                  "CREATE INDEX filler_x ON filler(x)");
	fp = fopen(f->path, "r+");
	assert_non_null(fp);
	memset(junk, 0x5a, sizeof(junk));
	/* pages 40..59 of 4096 bytes: inside the filler table and index */
	for (int page = 40; page < 60; page++) {
		assert_int_equal(fseek(fp, (long)page * 4096 + 8, SEEK_SET), 0);
		assert_int_equal(fwrite(junk, 1, 512, fp), 512);
	}
	fclose(fp);
	assert_int_equal(ledger_open(f->path, 0, &l), -1);
	snprintf(want, sizeof(want), "ledger \"%s\" is damaged", f->path);
	assert_non_null(strstr(ledger_last_error(), want));
	assert_non_null(
	        strstr(ledger_last_error(), "restore it from a backup"));
	assert_null(l);
}

static void test_failed_migration_rolls_back(void **state)
{
	struct fixture *f = *state;
	struct ledger *l = NULL;
	char want[512];

	mkdir(f->sub, 0700);
	/* version 0 but a clashing table: the migration must fail as a
	 * whole */
	sql_exec(f->path, "CREATE TABLE events (x)");
	assert_int_equal(ledger_open(f->path, 0, &l), -1);
	snprintf(want, sizeof(want),
	         "cannot migrate ledger \"%s\" to schema version 1: table "
	         "events already exists",
	         f->path);
	assert_string_equal(ledger_last_error(), want);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_schema "
	                                  "WHERE name = 'targets'"),
	                 0);
	/* once the clash is gone, the migration runs */
	sql_exec(f->path, "DROP TABLE events");
	open_ok(f);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"),
	                 LEDGER_SCHEMA_VERSION);
}

static void test_accept_and_reopen(void **state)
{
	struct fixture *f = *state;
	struct event ev = make_event("{\"event\":\"hire\",\"employee_id\":"
	                             "\"E1\",\"id\":\"evt-1\"}");
	struct event other = make_event("{\"event\":\"update\",\"employee_id\":"
	                                "\"E1\",\"id\":\"evt-1\"}");
	const char *const three[] = {"alpha", "beta", "gamma"};
	enum ledger_state st[3];
	struct ledger_target t;
	int64_t seq = 0;
	enum ledger_accept_result res;

	open_ok(f);
	assert_int_equal(ledger_event_accept(f->l, &ev, "hr.jsonl", 7, 0,
	                                     two_conns, 2, 100, st, &res, &seq),
	                 0);
	assert_int_equal(res, LEDGER_ACCEPT_NEW);
	assert_int_equal(seq, 1);
	assert_int_equal(st[0], LEDGER_PENDING);
	assert_int_equal(st[1], LEDGER_PENDING);
	assert_int_equal(accept(f->l, &ev, two_conns, 2, 101, st),
	                 LEDGER_ACCEPT_SEEN);
	assert_int_equal(ledger_target_finish(f->l, "evt-1", "alpha",
	                                      LEDGER_DONE, "created", "1234",
	                                      201, NULL, 102),
	                 0);

	/* reopen: everything is still there */
	ledger_close(f->l);
	f->l = NULL;
	open_ok(f);
	assert_int_equal(accept(f->l, &ev, two_conns, 2, 103, st),
	                 LEDGER_ACCEPT_SEEN);
	assert_int_equal(st[0], LEDGER_DONE);
	assert_int_equal(st[1], LEDGER_PENDING);
	/* a connection added later gets its own target */
	assert_int_equal(accept(f->l, &ev, three, 3, 104, st),
	                 LEDGER_ACCEPT_SEEN);
	assert_int_equal(st[2], LEDGER_PENDING);
	assert_int_equal(ledger_target_get(f->l, "evt-1", "gamma", &t), 0);
	assert_int_equal(t.state, LEDGER_PENDING);
	assert_int_equal(t.updated_at, 104);
	/* the same id with other content */
	assert_int_equal(accept(f->l, &other, two_conns, 2, 105, st),
	                 LEDGER_ACCEPT_CONFLICT);
	assert_int_equal(st[0], LEDGER_DONE);
	/* a conflicting line creates nothing, not even a missing target */
	{
		const char *const delta[] = {"alpha", "delta"};

		assert_int_equal(accept(f->l, &other, delta, 2, 106, st),
		                 LEDGER_ACCEPT_CONFLICT);
		assert_int_equal(st[0], LEDGER_DONE);
		assert_int_equal(st[1], LEDGER_REJECTED);
		assert_int_equal(ledger_target_get(f->l, "evt-1", "delta", &t),
		                 1);
	}
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM events"), 1);
	assert_int_equal(sql_int(f->path, "SELECT line_no FROM events"), 7);
	event_release(&ev);
	event_release(&other);
}

static void test_targets_and_attempts(void **state)
{
	struct fixture *f = *state;
	struct event ev = make_event("{\"event\":\"hire\",\"employee_id\":"
	                             "\"E2\"}");
	enum ledger_state st[2];
	struct ledger_target t;

	open_ok(f);
	accept(f->l, &ev, two_conns, 2, 100, st);
	assert_int_equal(ledger_target_get(f->l, ev.id, "alpha", &t), 0);
	assert_int_equal(t.state, LEDGER_PENDING);
	assert_int_equal(t.attempts, 0);
	assert_string_equal(t.account_id, "");

	assert_int_equal(ledger_attempt_record(f->l, ev.id, "alpha", 110,
	                                       "transient", 503, 40,
	                                       "service unavailable"),
	                 0);
	assert_int_equal(ledger_attempt_record(f->l, ev.id, "alpha", 111, "ok",
	                                       201, 35, NULL),
	                 0);
	assert_int_equal(ledger_target_finish(f->l, ev.id, "alpha",
	                                      LEDGER_FAILED, NULL, NULL, 503,
	                                      "service unavailable", 112),
	                 0);
	assert_int_equal(ledger_target_get(f->l, ev.id, "alpha", &t), 0);
	assert_int_equal(t.state, LEDGER_FAILED);
	assert_int_equal(t.attempts, 2);
	assert_int_equal(t.http_status, 503);
	assert_string_equal(t.last_error, "service unavailable");
	assert_int_equal(t.updated_at, 112);

	assert_int_equal(ledger_target_finish(f->l, ev.id, "alpha", LEDGER_DONE,
	                                      "created", "u-77", 201, NULL,
	                                      113),
	                 0);
	/* a NULL account id keeps the stored one; NULL error clears it */
	assert_int_equal(ledger_target_finish(f->l, ev.id, "alpha", LEDGER_DONE,
	                                      "unchanged", NULL, 0, NULL, 114),
	                 0);
	assert_int_equal(ledger_target_get(f->l, ev.id, "alpha", &t), 0);
	assert_int_equal(t.state, LEDGER_DONE);
	assert_string_equal(t.outcome, "unchanged");
	assert_string_equal(t.account_id, "u-77");
	assert_string_equal(t.last_error, "");
	assert_int_equal(t.http_status, 0);

	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM attempts "
	                                  "WHERE connection = 'alpha'"),
	                 2);
	assert_int_equal(sql_int(f->path, "SELECT http_status FROM attempts "
	                                  "WHERE attempt = 1"),
	                 503);
	assert_int_equal(sql_int(f->path, "SELECT duration_ms FROM attempts "
	                                  "WHERE attempt = 2"),
	                 35);

	/* unknown event or connection */
	assert_int_equal(ledger_target_get(f->l, "nope", "alpha", &t), 1);
	assert_int_equal(ledger_target_get(f->l, ev.id, "gamma", &t), 1);
	assert_int_equal(ledger_target_finish(f->l, "nope", "alpha",
	                                      LEDGER_DONE, NULL, NULL, 0, NULL,
	                                      1),
	                 1);
	assert_int_equal(ledger_attempt_record(f->l, ev.id, "gamma", 1, "ok", 0,
	                                       0, NULL),
	                 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM attempts"), 2);
	event_release(&ev);
}

/* The last written state of a link (issue 16): put, read back, replace,
 * per connection and employee, forget. */
static void test_last_state(void **state)
{
	struct fixture *f = *state;
	struct ledger_last_state st;

	open_ok(f);
	assert_int_equal(ledger_state_get(f->l, "alpha", "E1", &st), 1);
	assert_null(st.record);
	assert_int_equal(ledger_state_put(f->l, "alpha", "E1", "42", "h1",
	                                  "{\"userName\":\"a\"}", "W/\"1\"",
	                                  10),
	                 0);
	assert_int_equal(
	        ledger_state_put(f->l, "beta", "E1", "7", "h9", "{}", NULL, 10),
	        0);
	assert_int_equal(ledger_state_get(f->l, "alpha", "E1", &st), 0);
	assert_string_equal(st.account_id, "42");
	assert_string_equal(st.hash, "h1");
	assert_string_equal(st.record, "{\"userName\":\"a\"}");
	assert_string_equal(st.etag, "W/\"1\"");
	free(st.record);
	assert_int_equal(
	        ledger_state_put(f->l, "alpha", "E1", "43", "h2", "{}", "", 11),
	        0);
	assert_int_equal(ledger_state_get(f->l, "alpha", "E1", &st), 0);
	assert_string_equal(st.account_id, "43");
	assert_string_equal(st.etag, "");
	free(st.record);
	assert_int_equal(ledger_state_clear(f->l, "alpha", "E1"), 0);
	assert_int_equal(ledger_state_get(f->l, "alpha", "E1", &st), 1);
	assert_int_equal(ledger_state_get(f->l, "beta", "E1", &st), 0);
	assert_string_equal(st.hash, "h9");
	free(st.record);
}

static void test_links(void **state)
{
	struct fixture *f = *state;
	struct ledger_link link;

	open_ok(f);
	assert_int_equal(ledger_link_get(f->l, "alpha", "E1", &link), 1);
	assert_int_equal(ledger_link_set(f->l, "alpha", "E1", "1234",
	                                 "ana@x.org", true, 50),
	                 0);
	assert_int_equal(ledger_link_get(f->l, "alpha", "E1", &link), 0);
	assert_string_equal(link.account_id, "1234");
	assert_string_equal(link.user_name, "ana@x.org");
	assert_true(link.active);
	assert_int_equal(link.updated_at, 50);
	assert_int_equal(
	        ledger_link_set(f->l, "alpha", "E1", "1234", NULL, false, 60),
	        0);
	assert_int_equal(ledger_link_get(f->l, "alpha", "E1", &link), 0);
	assert_false(link.active);
	assert_string_equal(link.user_name, "");
	assert_int_equal(ledger_link_get(f->l, "beta", "E1", &link), 1);
}

struct walk {
	struct ledger *l;
	int64_t seqs[1000];
	char ids[1000][80];
	size_t n;
	size_t stop_after; /* 0 = never */
};

static int collect(const struct ledger_work *w, void *ctx)
{
	struct walk *wk = ctx;
	char reason[256];
	struct event ev;

	assert_true(wk->n < 1000);
	/* the stored raw text parses back to the same event */
	assert_int_equal(event_parse_line(w->raw, strlen(w->raw), 0, &ev,
	                                  reason, sizeof(reason)),
	                 0);
	assert_string_equal(ev.id, w->event_id);
	assert_string_equal(ev.employee_id, w->employee_id);
	assert_int_equal(ev.kind, w->kind);
	event_release(&ev);
	wk->seqs[wk->n] = w->seq;
	snprintf(wk->ids[wk->n], sizeof(wk->ids[0]), "%s", w->event_id);
	wk->n++;
	/* the callback may write to the ledger */
	if (ledger_target_finish(wk->l, w->event_id, "alpha", LEDGER_DONE,
	                         "created", "1", 201, NULL, 500))
		return -1;
	return wk->stop_after && wk->n == wk->stop_after ? 42 : 0;
}

static void test_outstanding_walk(void **state)
{
	struct fixture *f = *state;
	struct walk *wk = calloc(1, sizeof(*wk));
	enum ledger_state st[2];
	struct event ev;

	open_ok(f);
	wk->l = f->l;
	/* 600 events (more than one chunk); every 3rd done, every 5th
	 * failed */
	for (int i = 1; i <= 600; i++) {
		ev = make_event("{\"event\":\"update\",\"employee_id\":\"E%d\","
		                "\"id\":\"e%d\"}",
		                i % 7, i);
		accept(f->l, &ev, two_conns, 2, 100, st);
		if (i % 3 == 0)
			ledger_target_finish(f->l, ev.id, "alpha", LEDGER_DONE,
			                     NULL, NULL, 0, NULL, 101);
		else if (i % 5 == 0)
			ledger_target_finish(f->l, ev.id, "alpha",
			                     LEDGER_FAILED, NULL, NULL, 0, "x",
			                     101);
		event_release(&ev);
	}
	assert_int_equal(ledger_outstanding(f->l, "alpha", 200, collect, wk),
	                 0);
	assert_int_equal(wk->n, 400);
	for (size_t i = 1; i < wk->n; i++)
		assert_true(wk->seqs[i] > wk->seqs[i - 1]);
	assert_string_equal(wk->ids[0], "e1");
	assert_string_equal(wk->ids[399], "e599");
	/* all done now: nothing left; beta untouched */
	wk->n = 0;
	assert_int_equal(ledger_outstanding(f->l, "alpha", 200, collect, wk),
	                 0);
	assert_int_equal(wk->n, 0);
	/* a callback's non-zero value stops the walk and is returned */
	wk->stop_after = 3;
	assert_int_equal(ledger_outstanding(f->l, "beta", 200, collect, wk),
	                 42);
	assert_int_equal(wk->n, 3);
	free(wk);
}

static void test_not_yet_effective(void **state)
{
	struct fixture *f = *state;
	struct walk *wk = calloc(1, sizeof(*wk));
	/* 2026-03-01 = 1772323200 */
	struct event later = make_event("{\"event\":\"terminate\","
	                                "\"employee_id\":\"E5\",\"effective\":"
	                                "\"2026-03-01\"}");
	struct event now_ev = make_event("{\"event\":\"update\","
	                                 "\"employee_id\":\"E5\"}");
	const int64_t due = 1772323200;
	enum ledger_state st[2];
	struct ledger_status *rows;
	size_t n;

	open_ok(f);
	wk->l = f->l;
	accept(f->l, &later, two_conns, 2, due - 10, st);
	assert_int_equal(st[0], LEDGER_NOT_YET_EFFECTIVE);
	accept(f->l, &now_ev, two_conns, 2, due - 10, st);
	assert_int_equal(st[0], LEDGER_PENDING);
	/* still in the future: accepting again keeps it waiting */
	accept(f->l, &later, two_conns, 2, due - 5, st);
	assert_int_equal(st[0], LEDGER_NOT_YET_EFFECTIVE);
	assert_int_equal(ledger_status(f->l, due - 5, &rows, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].count[LEDGER_NOT_YET_EFFECTIVE], 1);
	assert_int_equal(rows[0].due, 0);
	free(rows);
	assert_int_equal(ledger_status(f->l, due, &rows, &n), 0);
	assert_int_equal(rows[0].due, 1);
	free(rows);
	/* the walk before the date only sees the update */
	assert_int_equal(
	        ledger_outstanding(f->l, "alpha", due - 1, collect, wk), 0);
	assert_int_equal(wk->n, 1);
	assert_string_equal(wk->ids[0], now_ev.id);
	/* once due, the walk picks it up as pending */
	wk->n = 0;
	assert_int_equal(ledger_outstanding(f->l, "alpha", due, collect, wk),
	                 0);
	assert_int_equal(wk->n, 1);
	assert_string_equal(wk->ids[0], later.id);
	/* and accepting it again when due reports pending (beta) */
	accept(f->l, &later, two_conns, 2, due + 1, st);
	assert_int_equal(st[0], LEDGER_DONE);
	assert_int_equal(st[1], LEDGER_PENDING);
	event_release(&later);
	event_release(&now_ev);
	free(wk);
}

static void test_status_runs_rejects(void **state)
{
	struct fixture *f = *state;
	const char *const one[] = {"beta"};
	struct ledger_status *rows;
	struct ledger_run run;
	enum ledger_state st[2];
	int64_t run_id = 0, rejects = -1;
	struct event ev;
	size_t n;

	open_ok(f);
	assert_int_equal(ledger_last_run(f->l, &run), 1);
	assert_int_equal(ledger_status(f->l, 0, &rows, &n), 0);
	assert_int_equal(n, 0);
	assert_null(rows);
	assert_int_equal(
	        ledger_run_begin(f->l, "hr.jsonl", false, 1000, &run_id), 0);
	assert_int_equal(run_id, 1);
	for (int i = 0; i < 6; i++) {
		ev = make_event("{\"event\":\"hire\",\"employee_id\":\"E%d\"}",
		                i);
		accept(f->l, &ev, two_conns, 2, 1000, st);
		if (i < 2)
			ledger_target_finish(f->l, ev.id, "alpha", LEDGER_DONE,
			                     "created", "a", 201, NULL, 1001);
		else if (i == 2)
			ledger_target_finish(f->l, ev.id, "alpha",
			                     LEDGER_FAILED, NULL, NULL, 500,
			                     "e", 1001);
		else if (i == 3)
			ledger_target_finish(f->l, ev.id, "alpha",
			                     LEDGER_REJECTED, NULL, NULL, 0,
			                     "r", 1001);
		else if (i == 4)
			ledger_target_finish(f->l, ev.id, "alpha",
			                     LEDGER_SKIPPED, NULL, NULL, 0, "s",
			                     1001);
		event_release(&ev);
	}
	ev = make_event("{\"event\":\"hire\",\"employee_id\":\"E9\"}");
	accept(f->l, &ev, one, 1, 1000, st);
	event_release(&ev);
	ledger_link_set(f->l, "alpha", "E0", "a", "u0", true, 1001);
	ledger_link_set(f->l, "alpha", "E1", "b", "u1", false, 1001);
	ledger_link_set(f->l, "zeta", "E1", "z", "u1", true, 1001);
	assert_int_equal(ledger_reject(f->l, run_id, "hr.jsonl", 9,
	                               "{\"bad\"\0x", 9, "invalid JSON", 1002),
	                 0);
	assert_int_equal(ledger_run_finish(f->l, run_id, 3,
	                                   "{\"done\":2,\"failed\":1}", 1003),
	                 0);

	assert_int_equal(ledger_status(f->l, 1003, &rows, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(rows[0].connection, "alpha");
	assert_int_equal(rows[0].count[LEDGER_DONE], 2);
	assert_int_equal(rows[0].count[LEDGER_FAILED], 1);
	assert_int_equal(rows[0].count[LEDGER_REJECTED], 1);
	assert_int_equal(rows[0].count[LEDGER_SKIPPED], 1);
	assert_int_equal(rows[0].count[LEDGER_PENDING], 1);
	assert_int_equal(rows[0].links, 2);
	assert_int_equal(rows[0].links_active, 1);
	assert_string_equal(rows[1].connection, "beta");
	assert_int_equal(rows[1].count[LEDGER_PENDING], 7);
	assert_int_equal(rows[1].links, 0);
	assert_string_equal(rows[2].connection, "zeta");
	assert_int_equal(rows[2].count[LEDGER_PENDING], 0);
	assert_int_equal(rows[2].links, 1);
	free(rows);

	assert_int_equal(ledger_last_run(f->l, &run), 0);
	assert_int_equal(run.id, 1);
	assert_int_equal(run.started_at, 1000);
	assert_int_equal(run.finished_at, 1003);
	assert_int_equal(run.exit_code, 3);
	assert_false(run.dry_run);
	assert_string_equal(run.source, "hr.jsonl");
	assert_string_equal(run.summary, "{\"done\":2,\"failed\":1}");
	assert_int_equal(ledger_run_begin(f->l, "-", true, 2000, &run_id), 0);
	assert_int_equal(ledger_last_run(f->l, &run), 0);
	assert_int_equal(run.id, 2);
	assert_true(run.dry_run);
	assert_int_equal(run.finished_at, 0);
	assert_string_equal(run.summary, "");

	assert_int_equal(ledger_reject_count(f->l, &rejects), 0);
	assert_int_equal(rejects, 1);
	assert_int_equal(sql_int(f->path, "SELECT length(raw) FROM rejects"),
	                 9);
}

/* A rejected line is stored once per (source, line, raw bytes): a re-run
 * adds nothing, another source, line or content adds a row, and two long
 * lines differing only past the 64 KiB kept still differ. */
static void test_reject_once(void **state)
{
	struct fixture *f = *state;
	size_t big = 70000;
	char *a = malloc(big), *b = malloc(big);
	int64_t n = -1;

	assert_non_null(a);
	assert_non_null(b);
	memset(a, 'x', big);
	memcpy(b, a, big);
	b[big - 1] = 'y';
	open_ok(f);
	for (int64_t run = 1; run <= 2; run++) {
		assert_int_equal(ledger_reject(f->l, run, "hr.jsonl", 2, "{bad",
		                               4, "invalid JSON", 1000),
		                 0);
		assert_int_equal(ledger_reject(f->l, run, "hr.jsonl", 3, a, big,
		                               "too long", 1000),
		                 0);
	}
	assert_int_equal(ledger_reject_count(f->l, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ledger_reject(f->l, 3, "hr.jsonl", 2, "{bad!", 5,
	                               "invalid JSON", 1000),
	                 0);
	assert_int_equal(ledger_reject(f->l, 3, "hr.jsonl", 4, "{bad", 4,
	                               "invalid JSON", 1000),
	                 0);
	assert_int_equal(ledger_reject(f->l, 3, "other.jsonl", 2, "{bad", 4,
	                               "invalid JSON", 1000),
	                 0);
	assert_int_equal(ledger_reject(f->l, 3, NULL, 2, "{bad", 4,
	                               "invalid JSON", 1000),
	                 0);
	assert_int_equal(
	        ledger_reject(f->l, 3, "hr.jsonl", 3, b, big, "too long", 1000),
	        0);
	assert_int_equal(ledger_reject_count(f->l, &n), 0);
	assert_int_equal(n, 7);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM rejects "
	                                  "WHERE run_id = 1"),
	                 2);
	free(a);
	free(b);
}

/* ledger_attempt_had: whether an event's attempts on a connection include
 * a status. */
static void test_attempt_had(void **state)
{
	struct fixture *f = *state;
	enum ledger_state st[2];
	struct event ev;

	open_ok(f);
	ev = make_event("{\"event\":\"hire\",\"employee_id\":\"E1\"}");
	accept(f->l, &ev, two_conns, 2, 1000, st);
	assert_int_equal(ledger_attempt_had(f->l, ev.id, "alpha", "timeout"),
	                 0);
	assert_int_equal(ledger_attempt_record(f->l, ev.id, "alpha", 1001,
	                                       "timeout", 0, 800, "slow"),
	                 0);
	assert_int_equal(ledger_attempt_had(f->l, ev.id, "alpha", "timeout"),
	                 1);
	assert_int_equal(ledger_attempt_had(f->l, ev.id, "beta", "timeout"), 0);
	assert_int_equal(ledger_attempt_had(f->l, ev.id, "alpha", "ok"), 0);
	assert_int_equal(ledger_attempt_had(f->l, "nope", "alpha", "timeout"),
	                 0);
	event_release(&ev);
}

static void test_history(void **state)
{
	struct fixture *f = *state;
	struct ledger_history_row *rows;
	enum ledger_state st[2];
	struct event hire = make_event("{\"event\":\"hire\",\"employee_id\":"
	                               "\"E1\",\"id\":\"h1\"}");
	struct event other = make_event("{\"event\":\"hire\",\"employee_id\":"
	                                "\"E2\",\"id\":\"h2\"}");
	struct event term = make_event("{\"event\":\"terminate\","
	                               "\"employee_id\":\"E1\",\"id\":\"t1\","
	                               "\"effective\":\"2030-01-01\"}");
	size_t n;

	open_ok(f);
	accept(f->l, &hire, two_conns, 2, 100, st);
	accept(f->l, &other, two_conns, 2, 100, st);
	accept(f->l, &term, two_conns, 2, 100, st);
	ledger_attempt_record(f->l, "h1", "alpha", 101, "ok", 201, 10, NULL);
	ledger_target_finish(f->l, "h1", "alpha", LEDGER_DONE, "created", "42",
	                     201, NULL, 101);
	ledger_target_finish(f->l, "h1", "beta", LEDGER_FAILED, NULL, NULL, 401,
	                     "token invalid or expired", 102);

	assert_int_equal(ledger_history(f->l, "E1", &rows, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(rows[0].event_id, "h1");
	assert_string_equal(rows[0].connection, "alpha");
	assert_int_equal(rows[0].kind, EVENT_HIRE);
	assert_int_equal(rows[0].target.state, LEDGER_DONE);
	assert_string_equal(rows[0].target.outcome, "created");
	assert_string_equal(rows[0].target.account_id, "42");
	assert_int_equal(rows[0].target.attempts, 1);
	assert_string_equal(rows[0].source, "events.jsonl");
	assert_int_equal(rows[0].line_no, 1);
	assert_int_equal(rows[0].received_at, 100);
	assert_string_equal(rows[1].connection, "beta");
	assert_int_equal(rows[1].target.state, LEDGER_FAILED);
	assert_int_equal(rows[1].target.http_status, 401);
	assert_string_equal(rows[1].target.last_error,
	                    "token invalid or expired");
	assert_string_equal(rows[2].event_id, "t1");
	assert_int_equal(rows[2].kind, EVENT_TERMINATE);
	assert_true(rows[2].has_effective);
	assert_int_equal(rows[2].effective, 1893456000);
	assert_int_equal(rows[2].target.state, LEDGER_NOT_YET_EFFECTIVE);
	assert_false(rows[0].has_effective);
	free(rows);
	assert_int_equal(ledger_history(f->l, "nobody", &rows, &n), 0);
	assert_int_equal(n, 0);
	free(rows);
	event_release(&hire);
	event_release(&other);
	event_release(&term);
}

static void test_batches(void **state)
{
	struct fixture *f = *state;
	enum ledger_state st[2];
	struct ledger_target t;
	struct event a = make_event("{\"event\":\"hire\",\"employee_id\":"
	                            "\"E1\",\"id\":\"a\"}");
	struct event b = make_event("{\"event\":\"hire\",\"employee_id\":"
	                            "\"E2\",\"id\":\"b\"}");

	open_ok(f);
	assert_int_equal(ledger_batch_begin(f->l), 0);
	accept(f->l, &a, two_conns, 2, 100, st);
	assert_int_equal(ledger_batch_begin(f->l), -1);
	assert_string_equal(ledger_last_error(),
	                    "a ledger batch is already open");
	assert_int_equal(ledger_batch_end(f->l, false), 0);
	assert_int_equal(ledger_target_get(f->l, "a", "alpha", &t), 1);

	assert_int_equal(ledger_batch_begin(f->l), 0);
	accept(f->l, &a, two_conns, 2, 100, st);
	accept(f->l, &b, two_conns, 2, 100, st);
	/* an operation that finds nothing inside the batch does not spoil
	 * it */
	assert_int_equal(
	        ledger_attempt_record(f->l, "zz", "alpha", 1, "ok", 0, 0, NULL),
	        1);
	assert_int_equal(ledger_attempt_record(f->l, "a", "alpha", 101, "ok",
	                                       201, 5, NULL),
	                 0);
	ledger_target_finish(f->l, "a", "alpha", LEDGER_DONE, "created", "1",
	                     201, NULL, 101);
	ledger_link_set(f->l, "alpha", "E1", "1", "u", true, 101);
	assert_int_equal(ledger_batch_end(f->l, true), 0);
	assert_int_equal(ledger_target_get(f->l, "a", "alpha", &t), 0);
	assert_int_equal(t.state, LEDGER_DONE);
	assert_int_equal(t.attempts, 1);
	assert_int_equal(ledger_target_get(f->l, "b", "beta", &t), 0);
	assert_int_equal(t.state, LEDGER_PENDING);
	event_release(&a);
	event_release(&b);
}

/* A "crash": events accepted, nothing finished, the ledger dropped without
 * a run_finish. The next open finds all of them outstanding. */
static void test_crash_recovery(void **state)
{
	struct fixture *f = *state;
	struct walk *wk = calloc(1, sizeof(*wk));
	enum ledger_state st[2];
	int64_t run_id;
	struct event ev;

	open_ok(f);
	ledger_run_begin(f->l, "-", false, 10, &run_id);
	for (int i = 0; i < 5; i++) {
		ev = make_event("{\"event\":\"hire\",\"employee_id\":\"E%d\"}",
		                i);
		accept(f->l, &ev, two_conns, 2, 10, st);
		event_release(&ev);
	}
	ledger_close(f->l);
	f->l = NULL;
	open_ok(f);
	wk->l = f->l;
	assert_int_equal(ledger_outstanding(f->l, "alpha", 20, collect, wk), 0);
	assert_int_equal(wk->n, 5);
	free(wk);
}

struct hammer {
	struct ledger *l;
	int thread;
	int errors;
};

static void *hammer_thread(void *arg)
{
	struct hammer *h = arg;
	enum ledger_state st[2];
	enum ledger_accept_result res;
	struct ledger_link link;
	char line[256], reason[128], emp[32];
	struct event ev;

	for (int i = 0; i < 300; i++) {
		snprintf(emp, sizeof(emp), "T%d-E%d", h->thread, i);
		snprintf(line, sizeof(line),
		         "{\"event\":\"hire\",\"employee_id\":\"%s\"}", emp);
		if (event_parse_line(line, strlen(line), 0, &ev, reason,
		                     sizeof(reason))) {
			h->errors++;
			continue;
		}
		if (i % 50 == 0 && ledger_batch_begin(h->l))
			h->errors++;
		if (ledger_event_accept(h->l, &ev, "t", i, 0, two_conns, 2, 1,
		                        st, &res, NULL) ||
		    res != LEDGER_ACCEPT_NEW ||
		    ledger_attempt_record(h->l, ev.id, "alpha", 2, "ok", 201, 1,
		                          NULL) ||
		    ledger_target_finish(h->l, ev.id, "alpha", LEDGER_DONE,
		                         "created", emp, 201, NULL, 2) ||
		    ledger_link_set(h->l, "alpha", emp, emp, NULL, true, 2) ||
		    ledger_link_get(h->l, "alpha", emp, &link) ||
		    strcmp(link.account_id, emp))
			h->errors++;
		if (i % 50 == 49 && ledger_batch_end(h->l, true))
			h->errors++;
		event_release(&ev);
	}
	return NULL;
}

static void test_two_threads(void **state)
{
	struct fixture *f = *state;
	struct hammer h[2] = {{.thread = 0}, {.thread = 1}};
	struct ledger_status *rows;
	pthread_t tid[2];
	size_t n;

	open_ok(f);
	for (int i = 0; i < 2; i++) {
		h[i].l = f->l;
		assert_int_equal(
		        pthread_create(&tid[i], NULL, hammer_thread, &h[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(tid[i], NULL);
	assert_int_equal(h[0].errors, 0);
	assert_int_equal(h[1].errors, 0);
	assert_int_equal(ledger_status(f->l, 3, &rows, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].count[LEDGER_DONE], 600);
	assert_int_equal(rows[0].links, 600);
	assert_int_equal(rows[1].count[LEDGER_PENDING], 600);
	free(rows);
}

/* A ledger of schema version 1 (before "held" and input identities) is
 * migrated in place: its rows, attempts and foreign keys survive. */
static void test_migration_from_v1(void **state)
{
	struct fixture *f = *state;
	struct event ev = make_event("{\"event\":\"hire\",\"employee_id\":"
	                             "\"E1\",\"id\":\"evt-1\"}");
	enum ledger_state st[2];
	struct ledger_target t;

	mkdir(f->sub, 0700);
	sql_exec(f->path, ledger_migrations[0]);
	sql_exec(f->path,
	         "PRAGMA user_version = 1;"
	         "INSERT INTO runs (id, started_at, source, dry_run) VALUES "
	         "(1, 5, 'old.jsonl', 0);"
	         "INSERT INTO events (seq, id, employee_id, kind, raw, source, "
	         "line_no, run_id, received_at) VALUES (1, 'evt-1', 'E1', "
	         "'hire', '{\"employee_id\":\"E1\",\"event\":\"hire\",\"id\":"
	         "\"evt-1\"}', 'old.jsonl', 1, 1, 5);"
	         "INSERT INTO targets (event_seq, connection, state, outcome, "
	         "attempts, updated_at) VALUES (1, 'alpha', 'done', "
	         "'created', 1, 6);"
	         "INSERT INTO attempts (event_seq, connection, attempt, at, "
	         "status) VALUES (1, 'alpha', 1, 6, 'ok');");
	open_ok(f);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"),
	                 LEDGER_SCHEMA_VERSION);
	assert_int_equal(ledger_target_get(f->l, "evt-1", "alpha", &t), 0);
	assert_int_equal(t.state, LEDGER_DONE);
	assert_string_equal(t.outcome, "created");
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM attempts"), 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM runs WHERE "
	                                  "input_sha256 IS NULL"),
	                 1);
	/* the old event is still seen; the new state can be stored */
	assert_int_equal(accept(f->l, &ev, two_conns, 1, 7, st),
	                 LEDGER_ACCEPT_SEEN);
	assert_int_equal(st[0], LEDGER_DONE);
	assert_int_equal(ledger_target_finish(f->l, "evt-1", "alpha",
	                                      LEDGER_HELD, NULL, NULL, 0, "why",
	                                      8),
	                 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM targets WHERE "
	                                  "state = 'held'"),
	                 1);
	/* foreign keys are enforced again after the migration */
	assert_int_equal(ledger_attempt_record(f->l, "nope", "alpha", 9, "ok",
	                                       0, 1, NULL),
	                 1);
	event_release(&ev);
}

static int count_walk(const struct ledger_work *w, void *ctx)
{
	(*(int *)ctx)++;
	return 0;
}

/* Held targets: stored with their reason and run, never walked, counted by
 * status, shown by history and listed for the workers; the origin of an
 * event names its run's input. */
static void test_held(void **state)
{
	struct fixture *f = *state;
	struct event hire = make_event("{\"event\":\"hire\",\"employee_id\":"
	                               "\"E1\"}");
	struct event term = make_event("{\"event\":\"terminate\","
	                               "\"employee_id\":\"E1\"}");
	struct event held;
	enum ledger_state st[2];
	enum ledger_accept_result res;
	struct ledger_origin o;
	struct ledger_event_brief *later;
	struct ledger_held *hl;
	struct ledger_history_row *rows;
	struct ledger_status *srows;
	int64_t run1, run2;
	size_t n;
	int walked = 0;

	open_ok(f);
	assert_int_equal(ledger_run_begin(f->l, "a.jsonl", false, 1, &run1), 0);
	assert_int_equal(ledger_run_set_input(f->l, run1, "ab12"), 0);
	assert_int_equal(ledger_event_accept(f->l, &hire, "a.jsonl", 1, run1,
	                                     two_conns, 2, 1, st, &res, NULL),
	                 0);
	assert_int_equal(ledger_event_accept(f->l, &term, "a.jsonl", 2, run1,
	                                     two_conns, 2, 1, st, &res, NULL),
	                 0);
	assert_int_equal(ledger_event_origin(f->l, term.id, &o), 0);
	assert_int_equal(o.seq, 2);
	assert_int_equal(o.run_id, run1);
	assert_int_equal(o.line_no, 2);
	assert_int_equal(o.kind, EVENT_TERMINATE);
	assert_string_equal(o.run_source, "a.jsonl");
	assert_string_equal(o.input_sha256, "ab12");
	assert_int_equal(ledger_event_origin(f->l, "sha256:none", &o), 1);
	assert_int_equal(ledger_events_after(f->l, "E1", 1, &later, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(later[0].id, term.id);
	assert_int_equal(later[0].kind, EVENT_TERMINATE);
	free(later);

	assert_int_equal(ledger_run_begin(f->l, "b.jsonl", false, 2, &run2), 0);
	held = make_event("{\"event\":\"terminate\",\"employee_id\":"
	                  "\"E1\"}");
	free(held.id);
	held.id = strdup("sha256:x@input:cd34");
	assert_int_equal(ledger_event_hold(f->l, &held, "b.jsonl", 2, run2,
	                                   two_conns, 2, "moved on", 3, st,
	                                   &res),
	                 0);
	assert_int_equal(res, LEDGER_ACCEPT_NEW);
	assert_int_equal(st[0], LEDGER_HELD);
	assert_int_equal(st[1], LEDGER_HELD);
	/* holding it again finds the same held event */
	assert_int_equal(ledger_event_hold(f->l, &held, "b.jsonl", 2, run2,
	                                   two_conns, 2, "moved on", 4, st,
	                                   &res),
	                 0);
	assert_int_equal(res, LEDGER_ACCEPT_SEEN);
	assert_int_equal(st[0], LEDGER_HELD);
	/* not outstanding work */
	assert_int_equal(ledger_target_finish(f->l, hire.id, "alpha",
	                                      LEDGER_DONE, NULL, NULL, 0, NULL,
	                                      5),
	                 0);
	assert_int_equal(ledger_target_finish(f->l, term.id, "alpha",
	                                      LEDGER_DONE, NULL, NULL, 0, NULL,
	                                      5),
	                 0);
	assert_int_equal(
	        ledger_outstanding(f->l, "alpha", 6, count_walk, &walked), 0);
	assert_int_equal(walked, 0);
	assert_int_equal(ledger_status(f->l, 6, &srows, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(srows[0].count[LEDGER_HELD], 1);
	assert_int_equal(srows[0].count[LEDGER_DONE], 2);
	free(srows);
	assert_int_equal(ledger_history(f->l, "E1", &rows, &n), 0);
	assert_int_equal(n, 6);
	assert_string_equal(rows[4].event_id, "sha256:x@input:cd34");
	assert_int_equal(rows[4].target.state, LEDGER_HELD);
	assert_string_equal(rows[4].target.last_error, "moved on");
	assert_int_equal(rows[4].line_no, 2);
	assert_string_equal(rows[4].source, "b.jsonl");
	free(rows);
	assert_int_equal(ledger_held_list(f->l, "beta", &hl, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(hl[0].employee_id, "E1");
	assert_int_equal(hl[0].seq, 3);
	assert_int_equal(hl[0].run_id, run2);
	assert_int_equal(hl[0].line_no, 2);
	free(hl);
	assert_int_equal(ledger_held_list(f->l, "gamma", &hl, &n), 0);
	assert_int_equal(n, 0);
	assert_null(hl);
	event_release(&hire);
	event_release(&term);
	event_release(&held);
}

static void test_state_names(void **state)
{
	enum ledger_state s;

	for (int i = 0; i < LEDGER_STATE_COUNT; i++) {
		assert_int_equal(
		        ledger_state_from_name(
		                ledger_state_name((enum ledger_state)i), &s),
		        0);
		assert_int_equal(s, i);
	}
	assert_string_equal(ledger_state_name(LEDGER_NOT_YET_EFFECTIVE),
	                    "not_yet_effective");
	assert_string_equal(ledger_state_name(LEDGER_HELD), "held");
	assert_string_equal(ledger_state_name(LEDGER_DISPUTED), "disputed");
	assert_int_equal(ledger_state_from_name("finished", &s), -1);
}

/* The first column of the first row as text, into buf ("" when no row). */
static void sql_text(const char *path, const char *sql, char *buf, size_t len)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	buf[0] = '\0';
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL))
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, len, "%s",
		         (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* One account, one person per connection: the ledger itself refuses to
 * link an account to a second employee (through the API and in SQL), and
 * keeps one account per person. */
static void test_link_unique(void **state)
{
	struct fixture *f = *state;
	struct ledger_link link;
	char owner[256], other[256], acct[256];
	sqlite3 *db;

	open_ok(f);
	assert_int_equal(ledger_link_set(f->l, "alpha", "E1", "acct-1",
	                                 "ana@example.com", true, 1),
	                 0);
	assert_int_equal(ledger_link_set(f->l, "alpha", "E2", "acct-1",
	                                 "ana@example.com", true, 2),
	                 LEDGER_LINK_TAKEN);
	assert_non_null(strstr(ledger_last_error(), "account acct-1 is linked "
	                                            "to another employee"));
	assert_int_equal(ledger_link_get(f->l, "alpha", "E2", &link), 1);
	assert_int_equal(ledger_link_get(f->l, "alpha", "E1", &link), 0);
	assert_string_equal(link.account_id, "acct-1");
	assert_int_equal(ledger_link_owner(f->l, "alpha", "acct-1", owner,
	                                   sizeof(owner)),
	                 0);
	assert_string_equal(owner, "E1");
	assert_int_equal(ledger_link_owner(f->l, "alpha", "acct-9", owner,
	                                   sizeof(owner)),
	                 1);
	/* the same account on another connection is another account */
	assert_int_equal(
	        ledger_link_set(f->l, "beta", "E2", "acct-1", NULL, true, 3),
	        0);
	/* the same person and account again is fine (an update) */
	assert_int_equal(ledger_link_set(f->l, "alpha", "E1", "acct-1",
	                                 "ana@example.com", false, 4),
	                 0);
	/* the userName lookup ignores ASCII case and the person asking */
	assert_int_equal(ledger_link_by_user_name(f->l, "alpha",
	                                          "ANA@example.com", "E2",
	                                          other, acct),
	                 0);
	assert_string_equal(other, "E1");
	assert_string_equal(acct, "acct-1");
	assert_int_equal(ledger_link_by_user_name(f->l, "alpha",
	                                          "ana@example.com", "E1",
	                                          other, acct),
	                 1);
	/* not only a C check: the constraint is in the file */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_not_equal(
	        sqlite3_exec(db,
	                     "INSERT INTO links (connection, employee_id, "
	                     "account_id, active, updated_at) VALUES "
	                     "('alpha', 'E3', 'acct-1', 1, 5)",
	                     NULL, NULL, NULL),
	        SQLITE_OK);
	assert_int_equal(sqlite3_extended_errcode(db),
	                 SQLITE_CONSTRAINT_UNIQUE);
	sqlite3_close(db);
}

/* A schema 2 ledger that links two employees to one account (the bug of
 * issue 12) is migrated with the later link turned into a dispute: removed,
 * and the target that made it disputed with both ids and the account in
 * its reason; the earlier link stays. */
static void test_migration_double_link(void **state)
{
	struct fixture *f = *state;
	struct ledger_held *hl;
	struct ledger_link link;
	struct ledger_person p;
	char reason[600];
	size_t n;

	mkdir(f->sub, 0700);
	sql_exec(f->path, ledger_migrations[0]);
	sql_exec(f->path, ledger_migrations[1]);
	sql_exec(f->path,
	         "PRAGMA user_version = 2;"
	         "INSERT INTO events (seq, id, employee_id, kind, raw, "
	         "received_at) VALUES (1, 'h1', 'E1', 'hire', '{}', 5), "
	         "(2, 'h2', 'E2', 'hire', '{}', 6), "
	         "(3, 'u2', 'E2', 'update', '{\"attributes\":{\"email\":"
	         "\" A@X \",\"dept\":\"Ops\"}}', 7), "
	         "(4, 'h3', 'E3', 'hire', '{}', 8);"
	         "INSERT INTO targets (event_seq, connection, state, outcome, "
	         "account_id, attempts, updated_at) VALUES "
	         "(1, 'alpha', 'done', 'created', '1', 1, 5), "
	         "(2, 'alpha', 'done', 'updated', '1', 1, 6), "
	         "(3, 'alpha', 'done', 'updated', '1', 1, 7), "
	         "(4, 'alpha', 'done', 'created', '3', 1, 8);"
	         /* E2's link was written last but E1's came first */
	         "INSERT INTO links VALUES ('alpha', 'E1', '1', 'a@x', 1, 5), "
	         "('alpha', 'E2', '1', 'a@x', 1, 9), "
	         "('alpha', 'E3', '3', 'c@x', 1, 8);");
	open_ok(f);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"),
	                 LEDGER_SCHEMA_VERSION);
	/* schema 4: the kept link's userName is E1's reservation */
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM user_names "
	                                  "WHERE key = 'a@x' AND employee_id "
	                                  "= 'E1'"),
	                 1);
	assert_int_equal(ledger_link_get(f->l, "alpha", "E1", &link), 0);
	assert_string_equal(link.account_id, "1");
	assert_int_equal(ledger_link_get(f->l, "alpha", "E2", &link), 1);
	assert_int_equal(ledger_link_get(f->l, "alpha", "E3", &link), 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM targets WHERE "
	                                  "state = 'disputed'"),
	                 1);
	assert_int_equal(sql_int(f->path, "SELECT event_seq FROM targets "
	                                  "WHERE state = 'disputed'"),
	                 3);
	sql_text(f->path,
	         "SELECT last_error FROM targets WHERE state = 'disputed'",
	         reason, sizeof(reason));
	assert_non_null(strstr(reason, "account 1 was linked to employee E1 "
	                               "and to employee E2"));
	/* the dispute blocks E2's later work like a held item */
	assert_int_equal(ledger_held_list(f->l, "alpha", &hl, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(hl[0].employee_id, "E2");
	assert_int_equal(hl[0].state, LEDGER_DISPUTED);
	free(hl);
	/* person records start from each person's last event */
	assert_int_equal(ledger_person_get(f->l, "E2", &p), 0);
	assert_string_equal(p.record, "{\"email\":\" A@X \",\"dept\":\"Ops\"}");
	assert_string_equal(p.email_key, "a@x");
	assert_string_equal(p.status, "active");
	assert_int_equal(p.email_seq, 3);
	free(p.record);
	assert_int_equal(ledger_person_get(f->l, "E1", &p), 0);
	assert_string_equal(p.record, "{}");
	assert_string_equal(p.email_key, "");
	free(p.record);
	/* and now the ledger refuses the second link */
	assert_int_equal(
	        ledger_link_set(f->l, "alpha", "E2", "1", NULL, true, 10),
	        LEDGER_LINK_TAKEN);
}

/* Person records: a hire stores the record, an update merges onto it
 * (present keys replace, null clears), a rehire replaces it; each event
 * row keeps the whole record after it and what it changed. */
static void test_person_records(void **state)
{
	struct fixture *f = *state;
	struct event hire = make_event(
	        "{\"event\":\"hire\",\"employee_id\":\"E1\",\"attributes\":"
	        "{\"email\":\"Ana@Example.com \",\"department\":\"Sales\","
	        "\"title\":\"Rep\"}}");
	struct event upd = make_event(
	        "{\"event\":\"update\",\"employee_id\":\"E1\",\"attributes\":"
	        "{\"department\":\"Finance\",\"title\":null}}");
	struct event rehire = make_event(
	        "{\"event\":\"rehire\",\"employee_id\":\"E1\",\"attributes\":"
	        "{\"email\":\"ana@example.com\"}}");
	struct event hire2 = make_event(
	        "{\"event\":\"hire\",\"employee_id\":\"E2\",\"attributes\":"
	        "{\"email\":\"ANA@example.com\"}}");
	struct ledger_person p;
	struct ledger_history_row *rows;
	enum ledger_state st[2];
	char text[600], other[256];
	size_t n;

	open_ok(f);
	accept(f->l, &hire, two_conns, 2, 1, st);
	assert_int_equal(ledger_person_get(f->l, "E1", &p), 0);
	assert_string_equal(p.record,
	                    "{\"department\":\"Sales\",\"email\":"
	                    "\"Ana@Example.com \",\"title\":\"Rep\"}");
	assert_string_equal(p.status, "active");
	assert_string_equal(p.email_key, "ana@example.com");
	assert_int_equal(p.email_seq, 1);
	free(p.record);
	accept(f->l, &upd, two_conns, 2, 2, st);
	sql_text(f->path, "SELECT record FROM events WHERE seq = 2", text,
	         sizeof(text));
	assert_string_equal(text, "{\"department\":\"Finance\",\"email\":"
	                          "\"Ana@Example.com \"}");
	assert_int_equal(ledger_history(f->l, "E1", &rows, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(rows[0].changes, "");
	assert_string_equal(rows[2].changes,
	                    "department: \"Sales\" -> \"Finance\"; title: "
	                    "\"Rep\" -> (none)");
	free(rows);
	accept(f->l, &rehire, two_conns, 2, 3, st);
	assert_int_equal(ledger_person_get(f->l, "E1", &p), 0);
	assert_string_equal(p.record, "{\"email\":\"ana@example.com\"}");
	/* the same email key: the claim keeps its first event */
	assert_int_equal(p.email_seq, 1);
	free(p.record);
	/* a second person with that email: E1 claimed it first */
	accept(f->l, &hire2, two_conns, 2, 4, st);
	assert_int_equal(
	        ledger_email_claimant(f->l, "ana@example.com", "E2", 4, other),
	        0);
	assert_string_equal(other, "E1");
	assert_int_equal(
	        ledger_email_claimant(f->l, "ana@example.com", "E1", 1, other),
	        1);
	assert_int_equal(ledger_person_get(f->l, "E9", &p), 1);
	event_release(&hire);
	event_release(&upd);
	event_release(&rehire);
	event_release(&hire2);
}

/* userNames are reserved by their case-folded key (full Unicode folding,
 * not SQLite's ASCII NOCASE), one employee per name and connection */
static void test_user_name_reserve(void **state)
{
	struct fixture *f = *state;
	char other[256], name[256];

	open_ok(f);
	assert_int_equal(ledger_user_name_of(f->l, "alpha", "E1", name), 1);
	assert_int_equal(ledger_user_name_reserve(f->l, "alpha", "Zo\xc3\xab@x",
	                                          "E1", 10, other),
	                 0);
	/* the same person again: still theirs */
	assert_int_equal(ledger_user_name_reserve(f->l, "alpha", "zo\xc3\xab@x",
	                                          "E1", 11, other),
	                 0);
	/* "ZOË@X" folds to "zoë@x": taken by E1 */
	other[0] = '\0';
	assert_int_equal(ledger_user_name_reserve(f->l, "alpha", "ZO\xc3\x8b@X",
	                                          "E2", 12, other),
	                 LEDGER_NAME_TAKEN);
	assert_string_equal(other, "E1");
	assert_int_equal(
	        ledger_user_name_owner(f->l, "alpha", "ZO\xc3\x8b@X", other),
	        0);
	assert_string_equal(other, "E1");
	/* another connection is another namespace */
	assert_int_equal(ledger_user_name_reserve(f->l, "beta", "ZO\xc3\x8b@X",
	                                          "E2", 12, other),
	                 0);
	assert_int_equal(ledger_user_name_owner(f->l, "alpha", "zoe@x", other),
	                 1);
	/* the first spelling is kept */
	assert_int_equal(ledger_user_name_of(f->l, "alpha", "E1", name), 0);
	assert_string_equal(name, "Zo\xc3\xab@x");
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM user_names "
	                                  "WHERE connection = 'alpha'"),
	                 1);
	/* not UTF-8: refused, nothing stored */
	assert_int_equal(ledger_user_name_reserve(f->l, "alpha", "a\xff", "E3",
	                                          13, other),
	                 -1);
}

/* schema 4 turns the links' userNames into reservations, case-folded */
static void test_migration_user_names(void **state)
{
	struct fixture *f = *state;
	char other[256];

	mkdir(f->sub, 0700);
	sql_exec(f->path, ledger_migrations[0]);
	sql_exec(f->path, ledger_migrations[1]);
	sql_exec(f->path, "PRAGMA user_version = 2;"
	                  "INSERT INTO links VALUES ('alpha', 'E1', 'a1', "
	                  "'Stra\xc3\x9f' || 'e@x', 1, 5);"
	                  "INSERT INTO links VALUES ('alpha', 'E2', 'a2', "
	                  "NULL, 1, 5);");
	open_ok(f);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"),
	                 LEDGER_SCHEMA_VERSION);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM user_names"),
	                 1);
	assert_int_equal(ledger_user_name_reserve(f->l, "alpha", "STRASSE@X",
	                                          "E2", 9, other),
	                 LEDGER_NAME_TAKEN);
	assert_string_equal(other, "E1");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	        T(test_create_and_modes),
	        T(test_open_errors),
	        T(test_empty_file_refused),
	        T(test_damaged_file_reported),
	        T(test_failed_migration_rolls_back),
	        T(test_accept_and_reopen),
	        T(test_targets_and_attempts),
	        T(test_last_state),
	        T(test_links),
	        T(test_outstanding_walk),
	        T(test_not_yet_effective),
	        T(test_status_runs_rejects),
	        T(test_reject_once),
	        T(test_attempt_had),
	        T(test_history),
	        T(test_batches),
	        T(test_crash_recovery),
	        T(test_two_threads),
	        T(test_migration_from_v1),
	        T(test_held),
	        T(test_link_unique),
	        T(test_migration_double_link),
	        T(test_person_records),
	        T(test_user_name_reserve),
	        T(test_migration_user_names),
	        cmocka_unit_test(test_state_names),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
