/* Ledger: userName reservations, by case-folded key (ledger.h). */
#include "ledger/ledger_internal.h"
#include "util/unicode.h"

#include <stdlib.h>
#include <string.h>

static void sql_casefold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s;
	char *folded = NULL;

	(void)argc;
	if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
		sqlite3_result_null(ctx);
		return;
	}
	s = sqlite3_value_text(argv[0]);
	if (!s ||
	    unicode_casefold((const char *)s,
	                     (size_t)sqlite3_value_bytes(argv[0]), &folded)) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_text(ctx, folded, -1, free);
}

int ledger_register_casefold(sqlite3 *db)
{
	return sqlite3_create_function(db, "provhost_casefold", 1,
	                               SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                               sql_casefold, NULL, NULL) == SQLITE_OK
	               ? 0
	               : -1;
}

/* The case-folded key of name (caller frees), or NULL with the error set. */
static char *name_key(const char *name)
{
	char *key = NULL;

	if (!name || !name[0]) {
		ledger_failf("an empty userName cannot be reserved");
		return NULL;
	}
	if (unicode_casefold(name, strlen(name), &key)) {
		ledger_failf("userName \"%.100s\" is not UTF-8 text (or out "
		             "of memory)",
		             name);
		return NULL;
	}
	return key;
}

/* Reads the holder of key into owner: 0, 1 none, -1. Mutex held. */
static int owner_of(struct ledger *l, const char *connection, const char *key,
                    char owner[256])
{
	sqlite3_stmt *st = ledger_stmt(l, LS_NAME_OWNER);
	int rc;

	if (!st)
		return -1;
	ledger_bind_text(st, 1, connection);
	ledger_bind_text(st, 2, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ledger_column_copy(st, 0, owner, 256);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = 1;
	} else {
		rc = ledger_fail(l, "cannot read userName reservations");
	}
	sqlite3_reset(st);
	return rc;
}

int ledger_user_name_reserve(struct ledger *l, const char *connection,
                             const char *user_name, const char *employee_id,
                             int64_t now, char other[256])
{
	char *key = name_key(user_name);
	sqlite3_stmt *st;
	int rc = -1;

	if (!key)
		return -1;
	pthread_mutex_lock(&l->lock);
	st = ledger_stmt(l, LS_NAME_RESERVE);
	if (!st)
		goto out_unlock;
	ledger_bind_text(st, 1, connection);
	ledger_bind_text(st, 2, key);
	ledger_bind_text(st, 3, employee_id);
	ledger_bind_text(st, 4, user_name);
	sqlite3_bind_int64(st, 5, now);
	if (ledger_step_done(l, st, "cannot reserve a userName"))
		goto out_unlock;
	/* inserted, or held already (by them or someone else): the unique
	 * key decided, also between processes */
	rc = owner_of(l, connection, key, other);
	if (rc == 0)
		rc = strcmp(other, employee_id) ? LEDGER_NAME_TAKEN : 0;
	else if (rc == 1)
		rc = ledger_failf("userName reservation of \"%.100s\" vanished",
		                  user_name);
out_unlock:
	pthread_mutex_unlock(&l->lock);
	free(key);
	return rc;
}

int ledger_user_name_owner(struct ledger *l, const char *connection,
                           const char *user_name, char owner[256])
{
	char *key = name_key(user_name);
	int rc;

	if (!key)
		return -1;
	pthread_mutex_lock(&l->lock);
	rc = owner_of(l, connection, key, owner);
	pthread_mutex_unlock(&l->lock);
	free(key);
	return rc;
}

int ledger_user_name_of(struct ledger *l, const char *connection,
                        const char *employee_id, char out[256])
{
	return ledger_lookup_text(l, LS_NAME_OF, connection, employee_id, NULL,
	                          0, out, 256, NULL, 0,
	                          "cannot read userName reservations");
}
