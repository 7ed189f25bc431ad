/* The SCIM connector core's internals, shared by scim_core*.c and
 * scim_active.c. Connectors use scim_target.h instead.
 *
 * Contract: an instance is used by one thread at a time (the host's rule);
 * JSON handed in is borrowed unless a function says otherwise.
 */
#ifndef SCIM_CORE_H
#define SCIM_CORE_H

#include "scimclient/scim_discovery.h"
#include "scimclient/scim_target.h"
#include "scimclient/scim_user.h"

#include <jansson.h>

/* Parsed, validated settings. */
struct scim_core_settings {
	struct scim_conn_settings conn; /* base URL, timeouts, ca_file... */
	int roles;                      /* send and compare roles */
	int external_id; /* send externalId and correlate on it first */
	enum scim_deprovision deprovision;
	int create_first; /* POST a new hire without a lookup first */
};

struct provhost_instance {
	const struct scim_target *t; /* borrowed, static */
	struct scim_core_settings cfg;
	struct scim_conn conn; /* host services, token, HTTP, last status */
	int discovered;        /* features below are known (read or assumed) */
	struct scim_features features;
	int patch_active_refused; /* the target refused PATCH of "active" */
	/* SCIM_DIFF_* bits a one-request PATCH was refused for
	 * (scim_core_patch.c): such changes read and PUT instead */
	unsigned patch_refused_bits;
	/* The case-insensitive userName index (scim_ci_index.h) from one
	 * scan of the target, built when a filter lookup missed the account
	 * a create collided with; NULL: not built, or dropped after a
	 * create (it would lack the new account). */
	json_t *ci_index;
};

/* scim_core_config.c: parses and checks settings JSON (NULL or len 0 means
 * {}) without network I/O (a configured ca_file is stat()ed and checked
 * for read access, no more). PROVHOST_OK or PROVHOST_E_CONFIG
 * (PROVHOST_E_INTERNAL for a bad url_default) with a message naming the key. */
int scim_core_settings_parse(const struct scim_target *t, const char *json,
                             size_t len, struct scim_core_settings *out,
                             provhost_error *err);

/* Ends an op as scim_conn_op_end does, and reports no outcome when the op
 * failed. Returns rc. */
int scim_core_op_end(provhost_instance *inst, int rc, provhost_result *result,
                     provhost_error *err);

/* Parses a record (desired state or identity, named by what in messages).
 * A new reference, or NULL with err filled (PROVHOST_E_INVALID_INPUT) when
 * it is empty, not JSON or not a JSON object. */
json_t *scim_core_load_record(const char *json, size_t len, const char *what,
                              provhost_error *err);

/* scim_core_list.c: visits one account of a scan (id is its id, r the
 * resource, both borrowed). Anything but PROVHOST_OK stops the scan. */
typedef int (*scim_core_visit_fn)(provhost_instance *inst, json_t *r,
                                  const char *id, void *ctx,
                                  provhost_error *err);

struct scim_pager;

/* Pages through /Users?attributes=attrs (scim_page.h decides when it
 * ends) and hands every account not in seen (a JSON object of ids, which
 * it extends) to visit once. pg says how the scan ended. The one paging
 * loop of the connector: the list op and the case-insensitive scan. */
int scim_core_scan_users(provhost_instance *inst, const provhost_call *call,
                         const char *attrs, scim_core_visit_fn visit, void *ctx,
                         json_t *seen, struct scim_pager *pg,
                         provhost_error *err);

/* scim_core_ci.c: after a create collided (409) with an account the
 * userName filter did not find: finds the account whose userName equals
 * user_name ignoring ASCII case in the instance's case-insensitive index,
 * scanning the target once (at most SCIM_CI_SCAN_MAX accounts) to build
 * it, and reads it by id. Only for a target that filters (without a
 * filter the lookup already pages and ignores case). PROVHOST_OK with
 * *found a new reference or NULL; PROVHOST_E_CONFLICT for more than one
 * match; PROVHOST_E_UNSUPPORTED past the bound. */
#define SCIM_CI_SCAN_MAX 100000L
int scim_core_find_ignoring_case(provhost_instance *inst,
                                 const provhost_call *call,
                                 const char *user_name, json_t **found,
                                 provhost_error *err);

/* Drops the case-insensitive index (after a create). */
void scim_core_ci_forget(provhost_instance *inst);

/* scim_core_find.c: reads /ServiceProviderConfig once per instance (only
 * when the target discovers). A target without one (404, 405, 501) gets
 * the assumptions of scim_features_assume and a WARN log line. */
int scim_core_discover(provhost_instance *inst, const provhost_call *call,
                       provhost_error *err);

/* Finds the account whose userName equals user_name ignoring case, with a
 * filter query, or by paging through /Users when the target cannot filter.
 * PROVHOST_OK with *found a new reference or NULL. */
int scim_core_find_by_user_name(provhost_instance *inst,
                                const provhost_call *call,
                                const char *user_name, json_t **found,
                                provhost_error *err);

/* Appends to matches (a JSON array; entries distinct by id, new
 * references) the accounts provision would adopt for want: by externalId
 * (exact; when want has one) and then by userName (ignoring case). With
 * all = 0 a single externalId match ends the search, and more than one
 * match of either key is PROVHOST_E_CONFLICT; with all = 1 (no-adopt)
 * both keys are searched and every match is kept. */
int scim_core_find_candidates(provhost_instance *inst,
                              const provhost_call *call,
                              const struct scim_user *want, int all,
                              json_t *matches, provhost_error *err);

/* Reads the linked account by id (when non-empty); a 404 is logged and
 * gives NULL. PROVHOST_OK with *found a new reference or NULL. */
int scim_core_read_linked(provhost_instance *inst, const provhost_call *call,
                          const char *account_id, json_t **found,
                          provhost_error *err);

/* Reads the account by id (when non-empty), falling back to user_name (when
 * non-NULL) on 404. PROVHOST_OK with *found a new reference or NULL. */
int scim_core_resolve(provhost_instance *inst, const provhost_call *call,
                      const char *account_id, const char *user_name,
                      json_t **found, provhost_error *err);

/* scim_active.c: sets "active" on the account current (id known) as the
 * target's set_active says; verifies the answer (scim_core_check_active).
 * reply is the caller's to release. */
int scim_core_set_active(provhost_instance *inst, const provhost_call *call,
                         json_t *current, const char *id, int active,
                         struct scim_reply *reply, provhost_error *err);

/* PROVHOST_E_UNSUPPORTED when a 2xx answer to method path carries the
 * resource with "active" not as asked (the target ignored it); else
 * PROVHOST_OK. */
int scim_core_check_active(provhost_instance *inst, const char *method,
                           const char *path, const char *id, int active,
                           const struct scim_reply *reply, provhost_error *err);

/* scim_core_converge.c: brings the existing account current to want
 * (nothing when equal); note prefixes the detail. */
int scim_core_converge(provhost_instance *inst, const provhost_call *call,
                       const struct scim_user *want, json_t *current,
                       const char *note, provhost_result *result,
                       provhost_error *err);

/* scim_core_patch.c: the one-request update of the linked account
 * account_id from the host's last written state (ABI 1.2; only for a
 * target with patch_updates that offers PATCH). *done = 1 when it is
 * settled: PROVHOST_OK with the outcome reported, or a failure to return;
 * *done = 0 (PROVHOST_OK, err clear) when the caller must read the account
 * and converge it: no usable last state, nothing differs from it (a
 * verify), a 412 or 404, or PATCH refused for those attributes. */
int scim_core_patch_update(provhost_instance *inst, const provhost_call *call,
                           const char *account_id, const struct scim_user *want,
                           int *done, provhost_result *result,
                           provhost_error *err);

/* Creates want (POST /Users); "already exists" links and converges the
 * existing account instead, or, with PROVHOST_CALL_NO_ADOPT, reports it
 * as a candidate (scim_core_report_candidates). */
int scim_core_create(provhost_instance *inst, const provhost_call *call,
                     const struct scim_user *want, provhost_result *result,
                     provhost_error *err);

/* No-adopt: reports the first of matches (non-empty) as the candidate
 * (outcome PROVHOST_OUTCOME_CANDIDATE, its id, userName, active flag and
 * the number of matches, in the members the host's result has). Writes
 * nothing to the target. */
int scim_core_report_candidates(provhost_instance *inst, json_t *matches,
                                const char *note, provhost_result *result,
                                provhost_error *err);

#endif
