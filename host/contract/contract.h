/* The connector contract runner behind `provhost check-connector`: checks
 * what the connector ABI promises, each printed as one line
 *
 *   PASS descriptor: name "promapp" version 1.0.0, ABI 1.0
 *   FAIL validate_config rejects an unknown key: returned ok
 *   SKIP open/close 1000 times: needs --connection
 *
 * and counted for the summary. Checks that may crash, hang or do I/O they
 * must not do run in a forked child (contract_sandbox.c).
 */
#ifndef PROVHOST_CONTRACT_H
#define PROVHOST_CONTRACT_H

#include <jansson.h>
#include <provhost/connector.h>
#include <stddef.h>
#include <stdio.h>

#include "config/config.h"
#include "connector/loader.h"

/* The pass/fail/skip tally; lines go to out. */
struct contract_report {
	FILE *out;
	int passed, failed, skipped;
};

/* Prints "PASS|FAIL|SKIP check: why" and counts it. */
void contract_pass(struct contract_report *r, const char *check,
                   const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void contract_fail(struct contract_report *r, const char *check,
                   const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void contract_skip(struct contract_report *r, const char *check,
                   const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* --- contract_sandbox.c --------------------------------------------------- */

/* What a sandboxed function reports back (copied through a pipe). */
struct contract_outcome {
	int32_t status;  /* the op's return value */
	int32_t outcome; /* result->outcome when the op has a result */
	int32_t emits;   /* lookup: records emitted */
	char message[512];
};

typedef void (*contract_sandboxed_fn)(void *ctx, struct contract_outcome *out);

/* Runs fn(ctx, out) in a forked child that may not open or create files,
 * create sockets, connect, rename, unlink, make directories or execute
 * programs (a seccomp filter traps those), bounded by timeout_ms. Returns
 * 0 when fn returned (out filled), else -1 with why saying what happened:
 * "did I/O (openat)", "crashed with signal 11 (Segmentation fault)",
 * "did not return within 10000 ms". *io_checked is 1 when the filter was
 * in place (0 when the kernel refused it; the call still ran). */
int contract_sandbox_run(contract_sandboxed_fn fn, void *ctx, int timeout_ms,
                         struct contract_outcome *out, int *io_checked,
                         char *why, size_t why_len);

/* --- contract_offline.c: checks that need no instance ------------------- */

/* descriptor and exports: lc is the loader's accepted connector. */
void contract_check_descriptor(struct contract_report *r,
                               const struct loaded_connector *lc);
void contract_check_exports(struct contract_report *r, const char *path);

/* validate_config: a missing required key, an unknown key, NULL, empty and
 * malformed JSON. settings is the connection's settings (borrowed) or NULL
 * (then the schema's defaults are the base). */
void contract_check_validate(struct contract_report *r,
                             const provhost_connector *d,
                             const json_t *settings);

/* --- contract_instance.c: checks on instances of a bound connection ----- */

/* open/close times times: all succeed, RSS stays bounded. */
void contract_check_open_close(struct contract_report *r,
                               const struct connection *conn, int times);

/* provision, deprovision and lookup with NULL, "", "{" and "[]": invalid
 * input, before any I/O, never a crash. */
void contract_check_bad_input(struct contract_report *r,
                              const struct connection *conn);

/* --- contract_live.c: the live round trip on the connection's target ---- */

/* authenticate; a dry run; provision twice (created, unchanged); lookup;
 * deprovision twice (deactivated or deleted, then absent or unchanged), on
 * a test person with a unique userName. */
void contract_check_live(struct contract_report *r,
                         const struct connection *conn);

/* The live checks' test person (userName and work email user, the name
 * given / family, active) as compact JSON: a new string, NULL when out of
 * memory. */
char *contract_person_record(const char *user, const char *given,
                             const char *family);

/* --- contract_abi11.c: ABI 1.1 checks inside the live round trip ------- */

struct instance;

/* list (when advertised): ok, every record a JSON object with an "id",
 * no id twice, the test account (account_id, userName user) exactly once.
 */
void contract_check_list(struct contract_report *r,
                         const struct connection *conn, struct instance *inst,
                         const char *user, const char *account_id);

/* provision with PROVHOST_CALL_NO_ADOPT and no linked id (when
 * advertised): changed_record names the existing test account with other
 * attributes; the outcome must be candidate with account_id and the
 * account (read back with lookup) unchanged. */
void contract_check_no_adopt(struct contract_report *r,
                             const struct connection *conn,
                             struct instance *inst, const char *changed_record,
                             const char *account_id);

/* The account lookup reads by account_id (a new reference), or NULL. */
json_t *contract_read_account(const struct connection *conn,
                              struct instance *inst, const char *account_id);

/* --- contract_abi12.c: ABI 1.2 checks inside the live round trip ------- */

/* For a connector advertising etag: provision returns an ETag; with the
 * last state and that ETag it writes the change; with a stale ETag and a
 * last state hiding a change it still converges (If-Match, re-read on
 * 412). *requests is the instance's paced-request count, reset before
 * each call and reported. Leaves the account as Third/Stale. */
void contract_check_etag(struct contract_report *r,
                         const struct connection *conn, struct instance *inst,
                         const char *user, const char *account_id,
                         int *requests);

#endif
