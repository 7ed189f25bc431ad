/* The example connector: internal interfaces shared by its files.
 *
 * START HERE if you are writing a connector. This connector keeps accounts
 * in a JSON file, so you can try provhost without any SaaS account, and it
 * shows every part of the connector ABI (plugin-api/provhost/connector.h):
 *
 *   example_connector.c  the descriptor, the entry point, open and close
 *   example_settings.c   the settings schema and validate_config (no I/O)
 *   example_record.c     reading the desired record, comparing, building
 *   example_store.c      the "target": a locked, atomically replaced file
 *   example_ops.c        authenticate, provision, deprovision, lookup
 *   example_list.c       list (ABI 1.1): every account, for reconciliation
 *
 * Nothing here is exported from example.so: the only exported symbol is
 * provhost_connector_v1 (the Makefile links with plugins/connector.map and
 * -fvisibility=hidden). Copy the folder, rename the prefix, and replace
 * example_store.c with calls to your target.
 */
#ifndef EXAMPLE_H
#define EXAMPLE_H

#include <jansson.h>
#include <limits.h>
#include <provhost/connector.h>

#define EXAMPLE_VERSION "1.0.0"
#define EXAMPLE_NAME    "example"

/* Largest accounts file we read, and longest string we accept in a record.
 * Limits keep a broken or hostile input from exhausting memory. */
#define EXAMPLE_MAX_FILE  (64L * 1024 * 1024)
#define EXAMPLE_MAX_FIELD 1024

/* Parsed, validated settings (example_settings.c lists the keys). */
struct example_settings {
	char path[PATH_MAX];  /* the accounts file, absolute */
	int delete_accounts;  /* deprovision: 1 delete, 0 disable */
	long lock_timeout_ms; /* waiting for the file lock without deadline */
};

/* One open instance. The host runs several instances of one connection in
 * parallel (one per worker thread), so nothing here is shared between
 * instances; the file lock (example_store.c) coordinates their writes. */
struct provhost_instance {
	const provhost_host_api *api; /* the host's services, borrowed */
	provhost_host *host;          /* pass back to every api call */
	struct example_settings cfg;
	char *api_key; /* the optional secret, or NULL; wiped on close */
};

/* --- example_connector.c: helpers every file uses ------------------------ */

/* Fills err (status, retryable, a one-line printf-style message) and returns
 * status, so failures read `return example_fail(err, ...)`. */
int example_fail(provhost_error *err, int status, int retryable,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Logs one line through the host (which adds the connection and event and
 * redacts secrets). */
void example_log(provhost_instance *inst, const provhost_call *call, int level,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* --- example_settings.c ----------------------------------------------------
 */

#define EXAMPLE_N_SETTINGS 4
extern const provhost_setting example_settings_schema[EXAMPLE_N_SETTINGS];

/* Parses and checks settings JSON without any I/O. Returns PROVHOST_OK, or
 * PROVHOST_E_CONFIG with a message naming the key. */
int example_settings_parse(const char *json, size_t len,
                           struct example_settings *out, provhost_error *err);

/* --- example_record.c ------------------------------------------------------
 */

/* The desired state of one account, read from the host's record. Strings
 * borrow from the json_t the person was parsed from. */
struct example_person {
	const char *user_name;   /* required */
	const char *given_name;  /* "" when absent */
	const char *family_name; /* "" when absent */
	const char *email;       /* NULL when absent */
	const char *timezone;    /* NULL: not managed */
	int active;              /* default 1 */
	json_t *roles; /* owned array of role names (strings), or NULL:
	                  roles not managed */
};

/* Parses a record (len bytes of JSON text, may be NULL) strictly. *root
 * receives the parsed JSON (a new reference the caller releases, also on
 * failure when non-NULL) and the person must be released with
 * example_person_release (also on failure). Returns PROVHOST_OK or
 * PROVHOST_E_INVALID_INPUT with the field named in err. */
int example_person_parse(const char *json, size_t len, json_t **root,
                         struct example_person *out, provhost_error *err);

/* Releases what the person owns (roles); safe after a failed parse. */
void example_person_release(struct example_person *person);

/* Reads the userName of an identity record (NULL / len 0 allowed: *user_name
 * is then NULL). *root as above. Returns PROVHOST_OK or invalid input. */
int example_identity_parse(const char *json, size_t len, json_t **root,
                           const char **user_name, provhost_error *err);

/* Bits of example_account_diff. */
#define EXAMPLE_DIFF_USERNAME (1u << 0)
#define EXAMPLE_DIFF_NAME     (1u << 1)
#define EXAMPLE_DIFF_EMAIL    (1u << 2)
#define EXAMPLE_DIFF_TIMEZONE (1u << 3)
#define EXAMPLE_DIFF_ROLES    (1u << 4)
#define EXAMPLE_DIFF_ACTIVE   (1u << 5)

/* Which managed attributes of the stored account differ from want. */
unsigned example_account_diff(json_t *account,
                              const struct example_person *want);

/* Names the bits of diff ("name, email") into out. */
void example_diff_names(unsigned diff, char *out, size_t out_len);

/* Sets the managed attributes of account (an object) from want and stamps
 * meta.lastModified (and meta.created when new). Returns 0, -1 on out of
 * memory. */
int example_account_apply(json_t *account, const struct example_person *want,
                          int is_new);

/* True when the account is active (a missing "active" counts as true). */
int example_account_active(json_t *account);

/* --- example_store.c -------------------------------------------------------
 */

/* The accounts file, read under its lock. root is
 * {"api_key"?: "...", "next_id": N, "accounts": {"<id>": {account}}}. */
struct example_store {
	json_t *root;     /* owned */
	json_t *accounts; /* borrowed from root */
	int lock_fd;      /* the held lock, -1 when none */
	int exists;       /* the file existed when read */
};

/* Takes the lock (exclusive for writers, shared for readers), waiting at
 * most until the call's deadline, reads the file (a missing file is an
 * empty store) and checks the api_key. On success the caller must
 * example_store_release(st). */
int example_store_open(provhost_instance *inst, const provhost_call *call,
                       int exclusive, struct example_store *st,
                       provhost_error *err);

/* Atomically replaces the file with st->root: temp file in the same
 * directory, fsync, rename, fsync of the directory. Needs the exclusive
 * lock. */
int example_store_save(provhost_instance *inst, struct example_store *st,
                       provhost_error *err);

/* Releases the lock and the JSON. Safe on a zeroed store. */
void example_store_release(struct example_store *st);

/* The account with id, or NULL (borrowed). */
json_t *example_store_by_id(struct example_store *st, const char *id);

/* The account whose userName equals user_name ignoring ASCII case, other
 * than the one with id skip_id (may be NULL), or NULL (borrowed). */
json_t *example_store_by_user_name(struct example_store *st,
                                   const char *user_name, const char *skip_id);

/* Allocates the next account id into out ("1", "2", ...). */
int example_store_next_id(struct example_store *st, char *out, size_t out_len);

/* --- example_ops.c ---------------------------------------------------------
 */

int example_authenticate(provhost_instance *inst, const provhost_call *call,
                         provhost_result *result, provhost_error *err);
int example_provision(provhost_instance *inst, const provhost_call *call,
                      const char *account_id, const char *desired_json,
                      size_t len, provhost_result *result, provhost_error *err);
int example_deprovision(provhost_instance *inst, const provhost_call *call,
                        const char *account_id, const char *identity_json,
                        size_t len, provhost_result *result,
                        provhost_error *err);
int example_lookup(provhost_instance *inst, const provhost_call *call,
                   const char *account_id, const char *identity_json,
                   size_t len, provhost_emit_fn emit, void *emit_ctx,
                   provhost_error *err);

/* --- example_list.c --------------------------------------------------------
 */

int example_list(provhost_instance *inst, const provhost_call *call,
                 provhost_emit_fn emit, void *emit_ctx, provhost_error *err);

#endif
