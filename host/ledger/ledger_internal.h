/* Internals shared by the ledger_*.c files; not for other modules. */
#ifndef PROVHOST_LEDGER_INTERNAL_H
#define PROVHOST_LEDGER_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>

#include "ledger/ledger.h"

/* Cached statements, prepared on first use. */
enum ledger_stmt_id {
	LS_BEGIN,
	LS_COMMIT,
	LS_ROLLBACK,
	LS_SAVEPOINT,
	LS_RELEASE,
	LS_ROLLBACK_TO,
	LS_EVENT_INSERT,
	LS_EVENT_FIND,
	LS_TARGET_INSERT,
	LS_TARGET_STATE,
	LS_TARGET_PROMOTE_ONE,
	LS_TARGET_GET,
	LS_TARGET_FINISH,
	LS_TARGET_ATTEMPT,
	LS_ATTEMPT_INSERT,
	LS_PROMOTE_DUE,
	LS_OUTSTANDING,
	LS_REJECT_INSERT,
	LS_LINK_GET,
	LS_LINK_SET,
	LS_LINK_OWNER,
	LS_LINK_BY_USER_NAME,
	LS_EMAIL_CLAIMANT,
	LS_NAME_RESERVE,
	LS_NAME_OWNER,
	LS_NAME_OF,
	LS_PERSON_GET,
	LS_PERSON_PUT,
	LS_EVENT_RECORD,
	LS_RUN_INSERT,
	LS_RUN_FINISH,
	LS_RUN_INPUT,
	LS_RUN_LAST,
	LS_PERSON_TARGETS_FILL, /* ledger_person_targets.c */
	LS_TARGET_DECISION,     /* ledger_decisions.c */
	LS_RECORD_BEFORE,
	LS_STATE_GET,
	LS_STATE_PUT,
	LS_STATE_CLEAR,
	LS_COUNT
};

struct ledger {
	sqlite3 *db;
	pthread_mutex_t lock; /* recursive: a batch holds it across calls */
	sqlite3_stmt *stmt[LS_COUNT];
};

/* The migrations: ledger_migrations[i] takes schema version i to i + 1. */
extern const char *const ledger_migrations[LEDGER_SCHEMA_VERSION];

/* The cached statement id, reset and with bindings cleared; NULL (and the
 * error set) when it cannot be prepared. Call with the mutex held. */
sqlite3_stmt *ledger_stmt(struct ledger *l, enum ledger_stmt_id id);

/* Sets the calling thread's error to "what: <sqlite message>"; returns -1. */
int ledger_fail(struct ledger *l, const char *what);

/* Sets the calling thread's error to a printf-style message; returns -1. */
int ledger_failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copies the ledger at src (a consistent snapshot, WAL included) into the
 * open database to, replacing its content. Returns 0, 1 when src does not
 * exist (nothing copied), or -1 with a message in err. */
int ledger_copy_into(const char *src, sqlite3 *to, char *err, size_t errlen);

/* A one-row lookup with the cached statement id, binding ?1 = a, ?2 = b
 * and, when the statement has a ?3, c (or n when c is NULL): 0 with
 * column 0 in out (of len) and, when out2 is set, column 1 in out2; 1 when
 * there is no row; -1 with the error "what". Takes the lock. */
int ledger_lookup_text(struct ledger *l, enum ledger_stmt_id id, const char *a,
                       const char *b, const char *c, int64_t n, char *out,
                       size_t len, char *out2, size_t len2, const char *what);

/* Fills one row (zeroed, row_size bytes) from the current result row. */
typedef void (*ledger_row_fn)(sqlite3_stmt *st, void *row);

/* Runs sql with ?1 = text (when not NULL) and ?2 = num (when the sql has
 * it), and collects one row per result into *rows (new array of *n rows
 * of row_size bytes, the caller frees it), filled by fill. Takes the
 * lock. Returns 0, or -1 (error "cannot read <what>", *rows NULL). */
int ledger_list_rows(struct ledger *l, const char *sql, const char *text,
                     int64_t num, size_t row_size, ledger_row_fn fill,
                     const char *what, void **rows, size_t *n);

/* A transaction for one operation: BEGIN IMMEDIATE when none is open, else
 * (inside a ledger_batch) a savepoint, so a failed operation is undone
 * without undoing the batch. *outer records which one; pass it on. */
int ledger_begin(struct ledger *l, bool *outer);
int ledger_commit(struct ledger *l, bool outer);
void ledger_rollback(struct ledger *l, bool outer);

/* Runs a statement to completion (expects no rows); 0 or -1. */
int ledger_step_done(struct ledger *l, sqlite3_stmt *st, const char *what);

/* Binds text or NULL. */
int ledger_bind_text(sqlite3_stmt *st, int idx, const char *s);

/* Copies column col (text, may be NULL -> "") into buf of len. */
void ledger_column_copy(sqlite3_stmt *st, int col, char *buf, size_t len);

/* ledger_persons.c: merges a newly stored event (sequence seq) onto its
 * person's record and stores both; call inside the accept transaction. */
int ledger_person_merge_event(struct ledger *l, const struct event *ev,
                              int64_t seq, int64_t now);

/* ledger_planned.c: creates the dry run's (TEMP) plan table in a copy.
 * 0 or -1. */
int ledger_planned_init(struct ledger *l);

/* ledger_names.c: registers the SQL function provhost_casefold(text) on
 * db (NULL for text that is not UTF-8). 0 or -1. */
int ledger_register_casefold(sqlite3 *db);

/* ledger_supervise.c: prepares sql (per call) and binds its parameters in
 * order from the arguments, one per character of types: 't' a const char *
 * (NULL binds NULL), 'i' an int64_t. NULL (and the error "what") when it
 * cannot be prepared. Call with the mutex held; finalize the result. */
sqlite3_stmt *ledger_prepare_bind(struct ledger *l, const char *what,
                                  const char *sql, const char *types, ...);

/* ledger_supervise.c: ledger_prepare_bind, then run to completion. 0 or
 * -1. */
int ledger_exec_bind(struct ledger *l, const char *what, const char *sql,
                     const char *types, ...);

#endif
