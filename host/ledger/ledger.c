/* Ledger: opening, schema migrations, the statement cache and helpers.
 * The event, link and query operations live in ledger_*.c. */
#include "ledger/ledger_internal.h"
#include "util/make_parents.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static _Thread_local char last_error[768];

static const char *const state_names[LEDGER_STATE_COUNT] = {
        [LEDGER_PENDING] = "pending",
        [LEDGER_NOT_YET_EFFECTIVE] = "not_yet_effective",
        [LEDGER_DONE] = "done",
        [LEDGER_FAILED] = "failed",
        [LEDGER_REJECTED] = "rejected",
        [LEDGER_SKIPPED] = "skipped",
        [LEDGER_HELD] = "held",
        [LEDGER_DISPUTED] = "disputed",
};

static const char *const stmt_sql[LS_COUNT] = {
        [LS_BEGIN] = "BEGIN IMMEDIATE",
        [LS_COMMIT] = "COMMIT",
        [LS_ROLLBACK] = "ROLLBACK",
        [LS_SAVEPOINT] = "SAVEPOINT ledger_op",
        [LS_RELEASE] = "RELEASE ledger_op",
        [LS_ROLLBACK_TO] = "ROLLBACK TO ledger_op",
        [LS_EVENT_INSERT] =
                "INSERT INTO events (id, employee_id, kind, effective, raw, "
                "source, line_no, run_id, received_at) VALUES (?1, ?2, ?3, "
                "?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO NOTHING",
        [LS_EVENT_FIND] =
                "SELECT seq, raw, effective FROM events WHERE id = ?1",
        [LS_TARGET_INSERT] = "INSERT INTO targets (event_seq, connection, "
                             "state, updated_at, last_error) VALUES (?1, "
                             "?2, ?3, ?4, ?5)",
        [LS_TARGET_STATE] = "SELECT state FROM targets WHERE event_seq = ?1 "
                            "AND connection = ?2",
        [LS_TARGET_PROMOTE_ONE] =
                "UPDATE targets SET state = 'pending', updated_at = ?3 "
                "WHERE event_seq = ?1 AND connection = ?2 AND state = "
                "'not_yet_effective'",
        [LS_TARGET_GET] =
                "SELECT t.state, t.attempts, t.http_status, t.updated_at, "
                "t.outcome, t.account_id, t.last_error FROM targets t "
                "JOIN events e ON e.seq = t.event_seq WHERE e.id = ?1 AND "
                "t.connection = ?2",
        [LS_TARGET_FINISH] =
                "UPDATE targets SET state = ?3, outcome = ?4, account_id = "
                "coalesce(?5, account_id), http_status = ?6, last_error = "
                "?7, updated_at = ?8 WHERE event_seq = (SELECT seq FROM "
                "events WHERE id = ?1) AND connection = ?2",
        [LS_TARGET_ATTEMPT] =
                "UPDATE targets SET attempts = attempts + 1, updated_at = ?3 "
                "WHERE event_seq = (SELECT seq FROM events WHERE id = ?1) "
                "AND connection = ?2",
        [LS_ATTEMPT_INSERT] =
                "INSERT INTO attempts (event_seq, connection, attempt, at, "
                "status, http_status, duration_ms, error) SELECT "
                "event_seq, connection, attempts, ?3, ?4, ?5, ?6, ?7 FROM "
                "targets WHERE event_seq = (SELECT seq FROM events WHERE "
                "id = ?1) AND connection = ?2",
        [LS_PROMOTE_DUE] =
                "UPDATE targets SET state = 'pending', updated_at = ?2 "
                "WHERE connection = ?1 AND state = 'not_yet_effective' AND "
                "(SELECT effective FROM events WHERE seq = "
                "targets.event_seq) <= ?2",
        [LS_OUTSTANDING] =
                "SELECT e.seq, e.id, e.employee_id, e.kind, e.effective, "
                "e.raw, t.state, t.attempts, e.run_id, e.line_no, e.record "
                "FROM "
                "targets t JOIN events e ON "
                "e.seq = t.event_seq WHERE t.connection = ?1 AND t.state "
                "IN ('pending', 'failed') AND t.event_seq > ?2 ORDER BY "
                "t.event_seq LIMIT ?3",
        [LS_REJECT_INSERT] = "INSERT INTO rejects (id, run_id, source, "
                             "line_no, raw, reason, at) VALUES (?7, ?1, ?2, "
                             "?3, ?4, ?5, ?6) ON CONFLICT (id) DO NOTHING",
        [LS_LINK_GET] = "SELECT account_id, user_name, active, updated_at "
                        "FROM links WHERE connection = ?1 AND employee_id = "
                        "?2",
        [LS_LINK_SET] =
                "INSERT INTO links (connection, employee_id, account_id, "
                "user_name, active, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, "
                "?6) ON CONFLICT (connection, employee_id) DO UPDATE SET "
                "account_id = excluded.account_id, user_name = "
                "excluded.user_name, active = excluded.active, updated_at "
                "= excluded.updated_at",
        [LS_LINK_OWNER] = "SELECT employee_id FROM links WHERE connection "
                          "= ?1 AND account_id = ?2",
        [LS_LINK_BY_USER_NAME] = /* the planner would walk the connection */
        "SELECT employee_id, account_id FROM links INDEXED BY "
        "links_user_name WHERE lower(user_name) = lower(?3) AND "
        "connection = ?1 AND employee_id != ?2 LIMIT 1",
        [LS_NAME_RESERVE] = "INSERT INTO user_names (connection, key, "
                            "employee_id, user_name, reserved_at) VALUES "
                            "(?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
        [LS_NAME_OWNER] = "SELECT employee_id FROM user_names WHERE "
                          "connection = ?1 AND key = ?2",
        [LS_NAME_OF] = "SELECT user_name FROM user_names WHERE connection "
                       "= ?1 AND employee_id = ?2 ORDER BY reserved_at "
                       "DESC LIMIT 1",
        [LS_EMAIL_CLAIMANT] =
                "SELECT employee_id FROM persons WHERE email_key = ?1 AND "
                "employee_id != ?2 AND (email_seq < ?3 OR (email_seq = ?3 "
                "AND employee_id < ?2)) ORDER BY email_seq, employee_id "
                "LIMIT 1",
        [LS_PERSON_GET] = "SELECT status, email_key, email_seq, last_seq, "
                          "updated_at, record FROM persons WHERE "
                          "employee_id = ?1",
        [LS_PERSON_PUT] =
                "INSERT INTO persons (employee_id, record, status, "
                "email_key, email_seq, last_seq, updated_at) VALUES (?1, "
                "?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (employee_id) DO "
                "UPDATE SET record = excluded.record, status = "
                "excluded.status, email_key = excluded.email_key, "
                "email_seq = excluded.email_seq, last_seq = "
                "excluded.last_seq, updated_at = excluded.updated_at",
        [LS_EVENT_RECORD] = "UPDATE events SET record = ?2, changes = ?3 "
                            "WHERE seq = ?1",
        [LS_RUN_INSERT] = "INSERT INTO runs (started_at, source, dry_run) "
                          "VALUES (?1, ?2, ?3)",
        [LS_RUN_FINISH] = "UPDATE runs SET finished_at = ?2, exit_code = "
                          "?3, summary = ?4 WHERE id = ?1",
        [LS_RUN_INPUT] = "UPDATE runs SET input_sha256 = ?2 WHERE id = ?1",
        [LS_RUN_LAST] = "SELECT id, started_at, finished_at, dry_run, "
                        "exit_code, source, summary FROM runs ORDER BY id "
                        "DESC LIMIT 1",
        /* ledger_person_targets.c: the person's events without a target on a
         * connection get one (not the held re-sent copies "<id>@input:") */
        [LS_PERSON_TARGETS_FILL] =
                "INSERT INTO targets (event_seq, connection, state, "
                "updated_at) SELECT e.seq, ?2, CASE WHEN e.effective > ?3 "
                "THEN 'not_yet_effective' ELSE 'pending' END, ?3 FROM events "
                "e WHERE e.employee_id = ?1 AND e.id NOT LIKE '%@input:%' "
                "AND NOT EXISTS (SELECT 1 FROM targets t WHERE t.event_seq = "
                "e.seq AND t.connection = ?2)"
                /* not what waits for a person or was taken back: a held
                 * or disputed item, a terminate a later snapshot
                 * cancelled, a discarded one (provhost sync) */
                " AND NOT EXISTS (SELECT 1 FROM targets t WHERE "
                "t.event_seq = e.seq AND (t.state IN ('held', 'disputed') "
                "OR (t.state = 'skipped' AND t.outcome IN ('cancelled', "
                "'discarded')))) ORDER BY e.seq",
        [LS_TARGET_DECISION] =
                "UPDATE targets SET decision = ?3 WHERE event_seq = (SELECT "
                "seq FROM events WHERE id = ?1) AND connection = ?2",
        [LS_RECORD_BEFORE] =
                "SELECT record FROM events WHERE employee_id = ?1 AND seq < "
                "?2 AND record IS NOT NULL ORDER BY seq DESC LIMIT 1",
        [LS_STATE_GET] = "SELECT account_id, hash, record, etag FROM "
                         "link_states WHERE connection = ?1 AND "
                         "employee_id = ?2",
        [LS_STATE_PUT] =
                "INSERT INTO link_states (connection, employee_id, "
                "account_id, hash, record, etag, updated_at) VALUES (?1, ?2, "
                "?3, ?4, ?5, ?6, ?7) ON CONFLICT (connection, employee_id) "
                "DO UPDATE SET account_id = excluded.account_id, hash = "
                "excluded.hash, record = excluded.record, etag = "
                "excluded.etag, updated_at = excluded.updated_at",
        [LS_STATE_CLEAR] = "DELETE FROM link_states WHERE connection = ?1 "
                           "AND employee_id = ?2",
};

const char *ledger_state_name(enum ledger_state s)
{
	if ((unsigned)s >= LEDGER_STATE_COUNT)
		return "?";
	return state_names[s];
}

int ledger_state_from_name(const char *name, enum ledger_state *out)
{
	for (int i = 0; i < LEDGER_STATE_COUNT; i++) {
		if (!strcmp(name, state_names[i])) {
			*out = (enum ledger_state)i;
			return 0;
		}
	}
	return -1;
}

const char *ledger_last_error(void)
{
	return last_error;
}

int ledger_failf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return -1;
}

int ledger_fail(struct ledger *l, const char *what)
{
	int code = sqlite3_errcode(l->db);

	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return ledger_failf("%s: the ledger is busy (another provhost "
		                    "is using it): %s",
		                    what, sqlite3_errmsg(l->db));
	return ledger_failf("%s: %s", what, sqlite3_errmsg(l->db));
}

sqlite3_stmt *ledger_stmt(struct ledger *l, enum ledger_stmt_id id)
{
	sqlite3_stmt *st = l->stmt[id];

	if (!st) {
		if (sqlite3_prepare_v3(l->db, stmt_sql[id], -1,
		                       SQLITE_PREPARE_PERSISTENT, &st, NULL)) {
			ledger_fail(l, "cannot prepare a ledger statement");
			return NULL;
		}
		l->stmt[id] = st;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

int ledger_step_done(struct ledger *l, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return ledger_fail(l, what);
	return 0;
}

static int run_simple(struct ledger *l, enum ledger_stmt_id id,
                      const char *what)
{
	sqlite3_stmt *st = ledger_stmt(l, id);

	return st ? ledger_step_done(l, st, what) : -1;
}

int ledger_begin(struct ledger *l, bool *outer)
{
	*outer = sqlite3_get_autocommit(l->db) != 0;
	if (*outer)
		return run_simple(l, LS_BEGIN,
		                  "cannot start a ledger transaction");
	return run_simple(l, LS_SAVEPOINT, "cannot start a ledger savepoint");
}

int ledger_commit(struct ledger *l, bool outer)
{
	if (run_simple(l, outer ? LS_COMMIT : LS_RELEASE,
	               "cannot commit to the ledger")) {
		ledger_rollback(l, outer);
		return -1;
	}
	return 0;
}

void ledger_rollback(struct ledger *l, bool outer)
{
	char saved[sizeof(last_error)];

	memcpy(saved, last_error, sizeof(saved));
	if (outer) {
		if (!sqlite3_get_autocommit(l->db))
			run_simple(l, LS_ROLLBACK, "cannot roll back");
	} else {
		run_simple(l, LS_ROLLBACK_TO, "cannot roll back");
		run_simple(l, LS_RELEASE, "cannot roll back");
	}
	memcpy(last_error, saved, sizeof(saved));
}

int ledger_batch_begin(struct ledger *l)
{
	pthread_mutex_lock(&l->lock);
	if (!sqlite3_get_autocommit(l->db)) {
		pthread_mutex_unlock(&l->lock);
		return ledger_failf("a ledger batch is already open");
	}
	if (run_simple(l, LS_BEGIN, "cannot start a ledger batch")) {
		pthread_mutex_unlock(&l->lock);
		return -1;
	}
	return 0; /* the lock stays held until ledger_batch_end */
}

int ledger_batch_end(struct ledger *l, bool commit)
{
	int rc = 0;

	if (commit)
		rc = ledger_commit(l, true);
	else
		ledger_rollback(l, true);
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (!s)
		return sqlite3_bind_null(st, idx);
	return sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
}

int ledger_list_rows(struct ledger *l, const char *sql, const char *text,
                     int64_t num, size_t row_size, ledger_row_fn fill,
                     const char *what, void **rows, size_t *n)
{
	char why[128];
	sqlite3_stmt *st;
	size_t cap = 0;
	void *grown;
	int rc;

	*rows = NULL;
	*n = 0;
	snprintf(why, sizeof(why), "cannot read %s", what);
	pthread_mutex_lock(&l->lock);
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL)) {
		rc = ledger_fail(l, why);
		goto out_unlock;
	}
	if (text)
		ledger_bind_text(st, 1, text);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, num);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			grown = realloc(*rows, cap * row_size);
			if (!grown)
				break;
			*rows = grown;
		}
		grown = (char *)*rows + (*n)++ * row_size;
		memset(grown, 0, row_size);
		fill(st, grown);
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc == SQLITE_ROW)
		rc = ledger_failf("out of memory");
	else
		rc = ledger_fail(l, why);
	sqlite3_finalize(st);
out_unlock:
	pthread_mutex_unlock(&l->lock);
	if (rc) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

int ledger_lookup_text(struct ledger *l, enum ledger_stmt_id id, const char *a,
                       const char *b, const char *c, int64_t n, char *out,
                       size_t len, char *out2, size_t len2, const char *what)
{
	sqlite3_stmt *st;
	int rc = -1;

	pthread_mutex_lock(&l->lock);
	st = ledger_stmt(l, id);
	if (!st)
		goto out_unlock;
	ledger_bind_text(st, 1, a);
	ledger_bind_text(st, 2, b);
	if (sqlite3_bind_parameter_count(st) >= 3) {
		if (c)
			ledger_bind_text(st, 3, c);
		else
			sqlite3_bind_int64(st, 3, n);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ledger_column_copy(st, 0, out, len);
		if (out2)
			ledger_column_copy(st, 1, out2, len2);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = 1;
	} else {
		rc = ledger_fail(l, what);
	}
	sqlite3_reset(st);
out_unlock:
	pthread_mutex_unlock(&l->lock);
	return rc;
}

void ledger_column_copy(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	snprintf(buf, len, "%s", s ? (const char *)s : "");
}

static int create_file(const char *path)
{
	char why[600];
	int fd;

	if (make_parents(path, why, sizeof(why)))
		return ledger_failf("ledger \"%s\": %s", path, why);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return ledger_failf("cannot create ledger \"%s\": %s", path,
		                    strerror(errno));
	close(fd);
	return 0;
}

/* An existing ledger file must be one provhost can use without losing its
 * history: not empty (SQLite would silently start a new ledger in a
 * truncated file) and writable, with a writable directory for the -wal
 * file. Says what is wrong and what to do. */
static int check_existing(const char *path)
{
	char *dir, wal[4200];
	struct stat st, wst;
	int dir_ok;

	if (stat(path, &st))
		return ledger_failf("cannot read ledger \"%s\": %s", path,
		                    strerror(errno));
	if (!S_ISREG(st.st_mode))
		return ledger_failf("ledger \"%s\" is not a regular file",
		                    path);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	if (st.st_size == 0 && (stat(wal, &wst) || wst.st_size == 0))
		return ledger_failf(
		        "ledger \"%s\" is an empty file (0 bytes), not a "
		        "provhost ledger: its history is gone. If it was "
		        "truncated, restore it from a backup; if a new ledger "
		        "is meant, delete the file",
		        path);
	dir = strdup(path);
	if (!dir)
		return ledger_failf("out of memory");
	dir_ok = access(dirname(dir), W_OK) == 0;
	free(dir);
	if (access(path, R_OK | W_OK) || !dir_ok)
		return ledger_failf(
		        "ledger \"%s\" is read-only for this user (uid %u): "
		        "provhost writes the file and creates \"%s\" next to "
		        "it. Run provhost as the ledger's owner, or make the "
		        "file and its directory writable for this user",
		        path, (unsigned)geteuid(), wal);
	return 0;
}

/* PRAGMA quick_check on a ledger opened for reading (status, history), so
 * a damaged file is reported instead of read as wrong counts. */
static int quick_check(struct ledger *l, const char *path)
{
	sqlite3_stmt *st;
	const char *first;
	int rc = 0;

	if (sqlite3_prepare_v2(l->db, "PRAGMA quick_check(1)", -1, &st, NULL))
		return ledger_failf("ledger \"%s\" is damaged: %s; restore it "
		                    "from a backup",
		                    path, sqlite3_errmsg(l->db));
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = ledger_failf("ledger \"%s\" is damaged: %s; restore it "
		                  "from a backup",
		                  path, sqlite3_errmsg(l->db));
	} else {
		first = (const char *)sqlite3_column_text(st, 0);
		if (!first || strcmp(first, "ok"))
			rc = ledger_failf("ledger \"%s\" is damaged (SQLite "
			                  "quick_check: %s); restore it from a "
			                  "backup",
			                  path, first ? first : "no answer");
	}
	sqlite3_finalize(st);
	return rc;
}

static int user_version(struct ledger *l, int *version)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(l->db, "PRAGMA user_version", -1, &st, NULL))
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* After a migration that rebuilt a table with foreign keys off: 0 when
 * every reference still holds, else -1 with *msg (sqlite3_free). */
static int foreign_keys_broken(struct ledger *l, char **msg)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(l->db, "PRAGMA foreign_key_check", -1, &st,
	                       NULL))
		return -1;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	*msg = sqlite3_mprintf("a foreign key does not hold after the "
	                       "migration");
	return -1;
}

/* Applies one migration (from -> from + 1) in a transaction, unless another
 * process got there first. */
static int migrate_one(struct ledger *l, const char *path, int from)
{
	char sql[64];
	char *msg = NULL;
	int now;

	if (sqlite3_exec(l->db, "BEGIN IMMEDIATE", NULL, NULL, NULL))
		return ledger_fail(l, "cannot lock the ledger to migrate it");
	if (user_version(l, &now))
		goto out_rollback;
	if (now != from) {
		sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL);
		return 0;
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", from + 1);
	if (sqlite3_exec(l->db, ledger_migrations[from], NULL, NULL, &msg) ||
	    foreign_keys_broken(l, &msg) ||
	    sqlite3_exec(l->db, sql, NULL, NULL, &msg) ||
	    sqlite3_exec(l->db, "COMMIT", NULL, NULL, &msg))
		goto out_rollback;
	return 0;

out_rollback:
	ledger_failf("cannot migrate ledger \"%s\" to schema version %d: %s",
	             path, from + 1, msg ? msg : sqlite3_errmsg(l->db));
	sqlite3_free(msg);
	sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int migrate(struct ledger *l, const char *path)
{
	int version;

	if (user_version(l, &version))
		return ledger_fail(l,
		                   "cannot read the ledger's schema version");
	if (version > LEDGER_SCHEMA_VERSION)
		return ledger_failf(
		        "ledger \"%s\" has schema version %d, newer "
		        "than this provhost knows (%d); use a newer "
		        "provhost",
		        path, version, LEDGER_SCHEMA_VERSION);
	if (version == LEDGER_SCHEMA_VERSION)
		return 0;
	/* a migration may rebuild a table others refer to (the documented
	 * way: foreign keys off, checked before each commit); the pragma
	 * cannot change inside a transaction, so it is set around them */
	sqlite3_exec(l->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
	for (; version < LEDGER_SCHEMA_VERSION; version++)
		if (migrate_one(l, path, version))
			break;
	if (sqlite3_exec(l->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL))
		return ledger_fail(l, "cannot configure the ledger");
	return version == LEDGER_SCHEMA_VERSION ? 0 : -1;
}

static int configure(struct ledger *l, const char *path)
{
	sqlite3_stmt *st;
	const char *mode;
	int ok;

	sqlite3_busy_timeout(l->db, 5000);
	if (sqlite3_prepare_v2(l->db, "PRAGMA journal_mode = WAL", -1, &st,
	                       NULL))
		return ledger_failf("cannot use \"%s\" as a ledger: %s", path,
		                    sqlite3_errmsg(l->db));
	ok = sqlite3_step(st) == SQLITE_ROW;
	mode = ok ? (const char *)sqlite3_column_text(st, 0) : NULL;
	ok = mode && !strcmp(mode, "wal");
	sqlite3_finalize(st);
	if (!ok)
		return ledger_failf("cannot use \"%s\" as a ledger: cannot "
		                    "switch it to WAL mode: %s",
		                    path, sqlite3_errmsg(l->db));
	if (sqlite3_exec(
	            l->db,
	            "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON",
	            NULL, NULL, NULL))
		return ledger_fail(l, "cannot configure the ledger");
	return 0;
}

static int init_lock(pthread_mutex_t *lock)
{
	pthread_mutexattr_t attr;
	int rc;

	if (pthread_mutexattr_init(&attr))
		return -1;
	rc = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE) ||
	     pthread_mutex_init(lock, &attr);
	pthread_mutexattr_destroy(&attr);
	return rc ? -1 : 0;
}

/* A new ledger handle on the SQLite database file (":memory:" for a
 * private copy); what names it in the error ("ledger \"x\""). NULL on
 * failure (ledger_last_error()). */
static struct ledger *ledger_new(const char *file, const char *what)
{
	struct ledger *l = calloc(1, sizeof(*l));

	if (!l) {
		ledger_failf("out of memory");
		return NULL;
	}
	if (sqlite3_open_v2(file, &l->db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	                    NULL)) {
		ledger_failf("cannot open %s: %s", what,
		             l->db ? sqlite3_errmsg(l->db) : "out of memory");
		sqlite3_close(l->db);
		free(l);
		return NULL;
	}
	if (ledger_register_casefold(l->db)) {
		ledger_failf("cannot open %s: %s", what, sqlite3_errmsg(l->db));
		sqlite3_close(l->db);
		free(l);
		return NULL;
	}
	return l;
}

/* The last step of every open: with ok, creates the lock and hands l to
 * *out (0); otherwise, or when the lock fails, closes l (-1). */
static int ledger_ready(struct ledger *l, bool ok, struct ledger **out)
{
	if (ok && init_lock(&l->lock) == 0) {
		*out = l;
		return 0;
	}
	if (ok)
		ledger_failf("cannot create the ledger lock");
	sqlite3_close(l->db);
	free(l);
	return -1;
}

int ledger_open_copy(const char *path, struct ledger **out)
{
	struct ledger *l = ledger_new(":memory:", "an in-memory ledger");
	char err[1024];
	bool ok = false;

	if (!l)
		return -1;
	if (ledger_copy_into(path, l->db, err, sizeof(err)) < 0)
		ledger_failf("%s", err);
	else if (sqlite3_exec(l->db, "PRAGMA foreign_keys = ON", NULL, NULL,
	                      NULL))
		ledger_fail(l, "cannot configure the ledger copy");
	else
		ok = migrate(l, path) == 0 && ledger_planned_init(l) == 0;
	return ledger_ready(l, ok, out);
}

int ledger_open(const char *path, int flags, struct ledger **out)
{
	struct ledger *l;
	char what[4200];
	bool ok;

	if (access(path, F_OK) == 0) {
		if (check_existing(path))
			return -1;
	} else if (flags & LEDGER_OPEN_CREATE) {
		if (create_file(path))
			return -1;
	} else {
		return ledger_failf("ledger \"%s\" does not exist (no run has "
		                    "used it yet)",
		                    path);
	}
	snprintf(what, sizeof(what), "ledger \"%s\"", path);
	l = ledger_new(path, what);
	if (!l)
		return -1;
	ok = configure(l, path) == 0 && migrate(l, path) == 0 &&
	     ((flags & LEDGER_OPEN_CREATE) || quick_check(l, path) == 0);
	return ledger_ready(l, ok, out);
}

void ledger_close(struct ledger *l)
{
	if (!l)
		return;
	for (int i = 0; i < LS_COUNT; i++)
		sqlite3_finalize(l->stmt[i]);
	sqlite3_close(l->db);
	pthread_mutex_destroy(&l->lock);
	free(l);
}
