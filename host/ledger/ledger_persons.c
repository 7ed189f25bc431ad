/* Ledger: person records (the last known HR record of each employee) and
 * the link lookups the identity rules need. */
#include "ledger/ledger_internal.h"
#include "lifecycle/person.h"

#include <stdlib.h>
#include <string.h>

#define CHANGES_MAX 1000

/* Reads the stored record of employee_id (NULL when none), its email claim
 * and status; 0 or -1. Call with the lock held. */
static int stored_person(struct ledger *l, const char *employee_id,
                         json_t **record, char *email_key, size_t key_len,
                         int64_t *email_seq, char *status, size_t status_len)
{
	sqlite3_stmt *st = ledger_stmt(l, LS_PERSON_GET);
	const char *text;
	int rc;

	*record = NULL;
	email_key[0] = '\0';
	*email_seq = 0;
	status[0] = '\0';
	if (!st)
		return -1;
	ledger_bind_text(st, 1, employee_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ledger_column_copy(st, 0, status, status_len);
		ledger_column_copy(st, 1, email_key, key_len);
		*email_seq = sqlite3_column_int64(st, 2);
		text = (const char *)sqlite3_column_text(st, 5);
		*record = text ? json_loads(text, 0, NULL) : NULL;
		if (*record && !json_is_object(*record)) {
			json_decref(*record);
			*record = NULL;
		}
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = ledger_fail(l, "cannot read a person record");
	}
	sqlite3_reset(st);
	return rc;
}

static int store_person(struct ledger *l, const struct event *ev, int64_t seq,
                        const char *record, const char *status,
                        const char *email_key, int64_t email_seq, int64_t now)
{
	sqlite3_stmt *st = ledger_stmt(l, LS_PERSON_PUT);

	if (!st)
		return -1;
	ledger_bind_text(st, 1, ev->employee_id);
	ledger_bind_text(st, 2, record);
	ledger_bind_text(st, 3, status);
	ledger_bind_text(st, 4, email_key[0] ? email_key : NULL);
	if (email_key[0])
		sqlite3_bind_int64(st, 5, email_seq);
	sqlite3_bind_int64(st, 6, seq);
	sqlite3_bind_int64(st, 7, now);
	return ledger_step_done(l, st, "cannot store a person record");
}

int ledger_person_merge_event(struct ledger *l, const struct event *ev,
                              int64_t seq, int64_t now)
{
	char old_key[PERSON_EMAIL_KEY_MAX], new_key[PERSON_EMAIL_KEY_MAX];
	char changes[CHANGES_MAX], status[16];
	json_t *stored = NULL, *merged = NULL;
	const char *new_status;
	char *text = NULL;
	int64_t email_seq;
	sqlite3_stmt *st;
	int rc = -1;

	if (stored_person(l, ev->employee_id, &stored, old_key, sizeof(old_key),
	                  &email_seq, status, sizeof(status)))
		return -1;
	if (person_merge(ev->kind, stored, ev->attributes, &merged)) {
		ledger_failf("out of memory");
		goto out;
	}
	person_changes(stored, merged, changes, sizeof(changes));
	person_email_key(merged, new_key, sizeof(new_key));
	if (strcmp(old_key, new_key) || !email_seq)
		email_seq = seq; /* a new claim on this email */
	new_status = person_status_after(ev->kind);
	if (!new_status)
		new_status = status[0] ? status : "active";
	text = json_dumps(merged, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text) {
		ledger_failf("out of memory");
		goto out;
	}
	if (store_person(l, ev, seq, text, new_status, new_key, email_seq, now))
		goto out;
	st = ledger_stmt(l, LS_EVENT_RECORD);
	if (!st)
		goto out;
	sqlite3_bind_int64(st, 1, seq);
	ledger_bind_text(st, 2, text);
	ledger_bind_text(st, 3, changes[0] ? changes : NULL);
	rc = ledger_step_done(l, st, "cannot store an event's record");
out:
	free(text);
	json_decref(stored);
	json_decref(merged);
	return rc;
}

int ledger_person_get(struct ledger *l, const char *employee_id,
                      struct ledger_person *out)
{
	sqlite3_stmt *st;
	const char *text;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&l->lock);
	st = ledger_stmt(l, LS_PERSON_GET);
	if (!st)
		goto out_unlock;
	ledger_bind_text(st, 1, employee_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ledger_column_copy(st, 0, out->status, sizeof(out->status));
		ledger_column_copy(st, 1, out->email_key,
		                   sizeof(out->email_key));
		out->email_seq = sqlite3_column_int64(st, 2);
		out->last_seq = sqlite3_column_int64(st, 3);
		out->updated_at = sqlite3_column_int64(st, 4);
		text = (const char *)sqlite3_column_text(st, 5);
		out->record = strdup(text ? text : "{}");
		rc = out->record ? 0 : ledger_failf("out of memory");
	} else if (rc == SQLITE_DONE) {
		rc = 1;
	} else {
		rc = ledger_fail(l, "cannot read a person record");
	}
	sqlite3_reset(st);
out_unlock:
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int ledger_email_claimant(struct ledger *l, const char *email_key,
                          const char *employee_id, int64_t claim_seq,
                          char other[256])
{
	if (!email_key[0])
		return 1;
	return ledger_lookup_text(l, LS_EMAIL_CLAIMANT, email_key, employee_id,
	                          NULL, claim_seq, other, 256, NULL, 0,
	                          "cannot read person records");
}

int ledger_link_by_user_name(struct ledger *l, const char *connection,
                             const char *user_name, const char *employee_id,
                             char other[256], char account_id[256])
{
	if (!user_name || !user_name[0])
		return 1;
	return ledger_lookup_text(l, LS_LINK_BY_USER_NAME, connection,
	                          employee_id, user_name, 0, other, 256,
	                          account_id, 256, "cannot read links");
}

int ledger_link_owner(struct ledger *l, const char *connection,
                      const char *account_id, char *employee_id, size_t len)
{
	return ledger_lookup_text(l, LS_LINK_OWNER, connection, account_id,
	                          NULL, 0, employee_id, len, NULL, 0,
	                          "cannot read a link");
}
