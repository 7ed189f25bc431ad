/* Account steps SCIM connectors share: naming an account (id, path),
 * reading an identity record, planning and reporting a converge, and
 * handing an account to lookup's receiver.
 *
 * Contract:
 *   - No I/O and no allocation that outlives a call; JSON is borrowed
 *     unless a function says otherwise.
 *   - label names the connector in messages ("<label> returned ..."), so
 *     each connector keeps its own texts.
 *   - Failures fill err (scim_fail) and return its status.
 */
#ifndef SCIM_ACCOUNT_H
#define SCIM_ACCOUNT_H

#include "scimclient/scim_client.h"
#include "scimclient/scim_user.h"

#include <jansson.h>
#include <provhost/connector.h>

/* Writes "/Users/<id percent-encoded>" into out. Returns 0, or -1 when id
 * is empty or the path does not fit. */
int scim_account_path(const char *id, char *out, size_t out_len);

/* Copies the resource's "id" (non-empty string or integer) into out.
 * Returns 0, or -1 when there is none or it does not fit. */
int scim_account_id(json_t *resource, char *out, size_t out_len);

/* Both of the above for an account read from the target: id and path.
 * PROVHOST_OK, or PROVHOST_E_PROTOCOL "<label> returned the account for
 * '<who>' without a usable id" with remote code http. */
int scim_account_locate(const char *label, json_t *resource, const char *who,
                        long http, char *id, size_t id_len, char *path,
                        size_t path_len, provhost_error *err);

/* Names the SCIM_DIFF_* bits in diff ("name, email") into out. */
void scim_account_describe_diff(unsigned diff, char *out, size_t out_len);

/* True when a create failed because the account already exists: 409, or
 * 400 with scimType "uniqueness". */
int scim_account_already_exists(const struct scim_reply *reply);

/* Checks what identifies the account for deprovision and lookup: the
 * identity record's optional "userName" (identity may be NULL) and
 * account_id (may be NULL or ""); at least one is needed. *user_name
 * borrows from identity (NULL when absent); *who is what to call the
 * account in messages (the userName, else account_id). PROVHOST_OK or
 * PROVHOST_E_INVALID_INPUT. */
int scim_account_identity(json_t *identity, const char *account_id,
                          const char **user_name, const char **who,
                          provhost_error *err);

/* Exports resource (scim_user_export) and hands it to emit as compact JSON.
 * PROVHOST_OK or PROVHOST_E_INTERNAL (out of memory). */
int scim_account_emit(json_t *resource, provhost_emit_fn emit, void *emit_ctx,
                      provhost_error *err);

/* What bringing an existing account to the desired state involves. cur
 * borrows from the resource it was planned from. */
struct scim_account_change {
	struct scim_user cur;
	char id[256];
	char path[1024];  /* "/Users/<id>" */
	unsigned diff;    /* SCIM_DIFF_* bits; 0: up to date */
	int outcome;      /* PROVHOST_OUTCOME_REACTIVATED or _UPDATED */
	char changed[96]; /* diff named, "name, email" */
};

/* Compares want with current (roles only when roles_enabled) into ch and
 * puts the id into result->account_id. When nothing differs it also reports
 * that: outcome UNCHANGED, detail "<note>'<userName>' is up to date
 * (account <id>)". Fails as scim_account_locate (who = want's userName,
 * remote code http). */
int scim_account_plan(const char *label, const struct scim_user *want,
                      json_t *current, int roles_enabled, const char *note,
                      long http, struct scim_account_change *ch,
                      provhost_result *result, provhost_error *err);

/* Reports a change that was sent (or only planned when dry_run): outcome
 * ch->outcome and detail "[dry run: would ]<note>updated|reactivated
 * '<userName>' (account <id>; changed <attributes>)". */
void scim_account_report_change(const struct scim_account_change *ch,
                                const struct scim_user *want, const char *note,
                                int dry_run, provhost_result *result);

#endif
