/* A connector instance bound to one configured connection, and the host
 * services provhost offers it (logging with context and redaction, secrets,
 * the clock, dry-run reports, pacing). Every op goes through the wrappers
 * below, which also make the connector's results safe to print: the
 * message and detail are redacted (redact.h), made valid UTF-8 (utf8.h)
 * and escaped (text_escape.h); the account id is kept byte for byte. */
#ifndef PROVHOST_INSTANCE_H
#define PROVHOST_INSTANCE_H

#include <provhost/connector.h>

#include "config/config.h"

/* What provhost_call.host_data points to (or NULL). The engine fills one
 * per call to receive the connector's dry-run reports. With NULL host_data
 * (or a NULL planned_write) a report is printed to stdout as
 * "plan: METHOD TARGET BODY". Arguments are borrowed and already redacted.
 */
struct call_hooks {
	void (*planned_write)(void *ctx, const char *method, const char *target,
	                      const char *body);
	void *ctx;
};

/* Optional pacing for host_api->pace, shared by a connection's instances:
 * pace returns PROVHOST_OK to go ahead or PROVHOST_E_TIMEOUT. Without one,
 * pace only checks the call's deadline. */
struct instance_pacer {
	int32_t (*pace)(void *ctx, const provhost_call *call);
	void *ctx;
	/* host_api->rate_limit (ABI 1.2): the target's rate-limit headers,
	 * each -1 when not given; may be NULL (then they are ignored) */
	void (*rate_limit)(void *ctx, const provhost_call *call, int64_t limit,
	                   int64_t remaining, int64_t reset_ms);
	/* after every op returns, on the thread that called it: its requests
	 * are over (may be NULL) */
	void (*done)(void *ctx);
};

struct instance_host; /* = provhost_host, private to instance.c */

struct instance {
	const struct connection *conn;       /* borrowed; must outlive it */
	const provhost_connector *connector; /* conn->bound->desc */
	provhost_instance *inst;             /* the connector's, may be NULL */
	int opened; /* open succeeded: close inst exactly once */
	struct instance_host *host;
};

/* Opens an instance of conn's bound connector (config_bind_connectors must
 * have succeeded) with conn's settings. pacer may be NULL; it is copied.
 * On success *out is new (instance_close it) and PROVHOST_OK is returned;
 * otherwise a status with err filled and redacted. After a failed open the
 * connector's *out is ignored and its close is never called. */
int32_t instance_open(const struct connection *conn,
                      const struct instance_pacer *pacer, struct instance **out,
                      provhost_error *err);

/* Closes the connector instance and frees inst. NULL is allowed. */
void instance_close(struct instance *inst);

/* Prepares a call: deadline_ms is absolute on clock_mono_ms (0 = none);
 * event_id, employee_id and hooks are borrowed and may be NULL. */
void instance_call_init(provhost_call *call, uint32_t flags,
                        int64_t deadline_ms, const char *event_id,
                        const char *employee_id, struct call_hooks *hooks);

/* Zero a result / error and set its struct_size. */
void instance_result_init(provhost_result *res);
void instance_error_init(provhost_error *err);

/* The connector's ops. Each initialises res and err, calls the op, and
 * then guarantees NUL-terminated strings, err->status equal to the returned
 * status, a non-empty message on failure, and no secret value of the
 * connection in err->message or res->detail. A success whose account_id
 * has no NUL (an id longer than 255 bytes) becomes PROVHOST_E_PROTOCOL.
 * res->etag (ABI 1.2) is "" unless it is a printable ASCII token (an ETag
 * is a quoted string, RFC 7232) that fits.
 * On failure res means nothing. */
int32_t instance_authenticate(struct instance *inst, const provhost_call *call,
                              provhost_result *res, provhost_error *err);
/* provision: with PROVHOST_CALL_NO_ADOPT in call->flags (ABI 1.1) the
 * connector must not write to an existing unlinked account; a connector
 * without PROVHOST_CAP_NO_ADOPT is then not called at all (it would ignore
 * the flag and adopt): PROVHOST_E_UNSUPPORTED. A success may then carry
 * outcome PROVHOST_OUTCOME_CANDIDATE with the candidate's id in
 * res->account_id, res->n_candidates >= 1 (> 1: dispute it),
 * res->candidate_active (1, 0, -1 unknown) and res->candidate_user_name
 * (escaped for printing). A candidate without the flag, or without an id,
 * is PROVHOST_E_PROTOCOL. Without CANDIDATE those members are zero. */
int32_t instance_provision(struct instance *inst, const provhost_call *call,
                           const char *account_id, const char *desired_json,
                           provhost_result *res, provhost_error *err);
int32_t instance_deprovision(struct instance *inst, const provhost_call *call,
                             const char *account_id, const char *identity_json,
                             provhost_result *res, provhost_error *err);
/* PROVHOST_E_UNSUPPORTED when the connector has no lookup. */
int32_t instance_lookup(struct instance *inst, const provhost_call *call,
                        const char *account_id, const char *identity_json,
                        provhost_emit_fn emit, void *emit_ctx,
                        provhost_error *err);

/* ABI 1.1 list: every account, each emitted once as JSON (see the header).
 * Without PROVHOST_CAP_LIST or with an ops table too small to hold the op
 * (any v1.0 connector): PROVHOST_E_UNSUPPORTED, "connector "X" cannot list
 * accounts", and nothing is called. After a failure, what was emitted is
 * partial. */
int32_t instance_list(struct instance *inst, const provhost_call *call,
                      provhost_emit_fn emit, void *emit_ctx,
                      provhost_error *err);

/* What the bound connector can do (ABI 1.1): list, no-adopt provision;
 * (ABI 1.2) take the last written state and return ETags. */
int instance_can_list(const struct instance *inst);
int instance_can_no_adopt(const struct instance *inst);
int instance_can_etag(const struct instance *inst);

/* Redacts conn's secret values from text in place (size bytes). */
void instance_redact(const struct instance *inst, char *text, size_t size);

#endif
