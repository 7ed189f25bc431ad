/*
 * provhost connector ABI, version 1.
 *
 * This is the only header a connector includes from provhost. A connector is a
 * shared object that exports exactly one symbol, PROVHOST_CONNECTOR_ENTRY
 * ("provhost_connector_v1"), returning a static descriptor. Everything else is
 * reached through the tables below.
 *
 * Versioning
 *   - The major version is part of the entry symbol's name. A host speaking
 *     major 1 never loads a connector built for major 2, and says so.
 *   - Minor versions only append: new fields at the end of structs, new enum
 *     values, new optional ops. Every struct that can grow starts with
 *     struct_size; a reader checks it before touching a member that a newer
 *     minor added (PROVHOST_HAS_FIELD below).
 *   - A connector states the lowest host minor it needs (min_host_minor). The
 *     host refuses a connector that needs a newer minor than it speaks.
 *   - "since 1.N": every member, op, enum value, capability bit or flag that
 *     minor N appends says "since 1.N" in its comment; anything without the
 *     tag is in 1.0. Check PROVHOST_HAS_FIELD (or host_api->abi_minor) before
 *     using a tagged member, or set min_host_minor to N. A setting type from
 *     1.N needs min_host_minor >= N: an older host refuses unknown types.
 *   - Readers accept values they do not know, from a newer other side: an
 *     unknown status is a failure (the host names it "unknown", retries it
 *     only when err->retryable is set, and otherwise handles it like
 *     PROVHOST_E_INTERNAL); an unknown outcome of a successful provision
 *     or deprovision is NOT a success but a protocol error: the host
 *     records the attempt as PROVHOST_E_PROTOCOL with a message naming the
 *     connector and the value, does not retry it in that run, and leaves
 *     the target failed (for the next run). PROVHOST_OUTCOME_NONE after a
 *     success counts as unknown. So a connector returns an outcome added
 *     in 1.N only to a host whose abi_minor is at least N. Unknown
 *     capability and call flag bits are ignored. A connector treats any
 *     status but PROVHOST_OK from a host_api function as a failure.
 *
 * Calls (what the host guarantees around every op)
 *   - Before the call, the result and error structs the op receives are
 *     zeroed, with struct_size set to the host's sizeof; write only members
 *     that struct_size covers. *out of open is NULL.
 *   - JSON text arguments are NUL-terminated and len is their strlen; one
 *     documented "may be NULL" comes with len 0. `provhost check-connector`
 *     also hands every op NULL, "" and malformed JSON on purpose: fail those
 *     cleanly (PROVHOST_E_INVALID_INPUT or _CONFIG), never crash.
 *   - After a failure the host reads only err (status, retryable,
 *     retry_after_ms, remote_code, message); result means nothing. After a
 *     success it reads only result; err means nothing.
 *   - The host NUL-terminates the strings it reads (a longer text is cut at
 *     the last byte, except account_id: see provision), sets err->status to
 *     the returned status, supplies a message when there is none, and
 *     redacts the connection's secrets from message and detail.
 *
 * Ownership
 *   - Everything the host passes in (strings, JSON text, tables) is borrowed
 *     for the duration of the call only. Copy what you keep.
 *   - Results travel back through caller-owned structs (provhost_result,
 *     provhost_error) or through callbacks; the receiver copies what it keeps.
 *   - Neither side ever frees memory the other side allocated. The descriptor,
 *     the ops table and the settings schema are static data of the connector
 *     and must stay valid until the process exits (the host never dlcloses an
 *     accepted connector).
 *   - The connector owns its instance (provhost_instance) from open() until
 *     close() returns.
 *
 * Threads
 *   - An instance is used by one thread at a time. The host runs several
 *     instances of one connection in parallel, so instances must not share
 *     unsynchronised mutable state.
 *   - validate_config may be called from any thread at any time.
 *   - Connectors never call process-global initialisers or install signal
 *     handlers: the host calls curl_global_init() (and the like) once, before
 *     any connector is opened.
 *
 * Errors
 *   - Every op returns a provhost_status and, on failure, fills the caller's
 *     provhost_error. Messages are one line, start lower-case, say what is
 *     wrong first and NEVER contain a secret. The host also redacts the
 *     connection's secret values from anything it prints, but that is a
 *     safety net, not a licence.
 *   - The connector makes one attempt per call. The host owns retries,
 *     backoff, pacing and circuit breaking; the connector only reports whether
 *     a failure is retryable and any retry-after hint from the target.
 *
 * Records
 *   - Accounts travel as UTF-8 JSON text. For SCIM-like targets the desired
 *     state is a SCIM User: {"userName", "name": {"givenName", "familyName"},
 *     "emails": [{"value", "type", "primary"}], "timezone", "active",
 *     "roles": [{"display"}]} — connectors for other targets document what they
 *     read.
 *   - since 1.1: the record may carry "externalId" (the HR employee id). A
 *     SCIM connector sets it on create and update and matches on it as a
 *     correlation key before userName (RFC 7643 section 3.1). A connector
 *     that does not know it ignores it.
 *
 * What 1.1 appends (each item says "since 1.1" where it is declared)
 *   - PROVHOST_CALL_NO_ADOPT, PROVHOST_CAP_NO_ADOPT and the outcome
 *     PROVHOST_OUTCOME_CANDIDATE, with provhost_result.n_candidates,
 *     .candidate_active and .candidate_user_name: provision reports an
 *     existing unlinked account instead of writing to it.
 *   - ops->list and PROVHOST_CAP_LIST: emit every account, for
 *     reconciliation.
 *   - "externalId" in the record (above).
 *
 * What 1.2 appends (throughput: no request that is not a change, pacing
 * from the target's own hints; each item says "since 1.2")
 *   - provhost_call.if_match, .last_state_json and .last_state_len: the
 *     ETag and the record the host last wrote to (and saw on) the linked
 *     account, for PROVHOST_CAP_ETAG connectors; provhost_result.etag
 *     back. A connector may then send only the changes (one SCIM PATCH
 *     with If-Match) and fall back to read-then-write on 412 or 404.
 *   - provhost_host_api.rate_limit: the connector reports a target's
 *     RateLimit-* / X-RateLimit-* headers (limit, remaining, reset) after
 *     any answer that carries them; the host's pacer keeps under them.
 *
 * This header compiles as C99 and as C++.
 */
#ifndef PROVHOST_CONNECTOR_H
#define PROVHOST_CONNECTOR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PROVHOST_CONNECTOR_ABI_MAJOR 1
#define PROVHOST_CONNECTOR_ABI_MINOR 2

/* The one symbol a connector exports; the major version is in its name. */
#define PROVHOST_CONNECTOR_ENTRY "provhost_connector_v1"

/* Descriptor magic: the bytes "PHC1" read as a big-endian integer. */
#define PROVHOST_CONNECTOR_MAGIC 0x50484331u

/* True when a struct of the given size (as the other side filled it in)
 * contains member m. Use before reading a member a later minor appended. */
#define PROVHOST_HAS_FIELD(ptr, type, m)                                       \
	((ptr)->struct_size >= offsetof(type, m) + sizeof(((type *)0)->m))

/* Status of every op. Append-only: values are never renumbered; a reader
 * treats one it does not know as a failure (see Versioning). */
typedef enum provhost_status {
	PROVHOST_OK = 0,
	PROVHOST_E_INVALID_INPUT = 1, /* the request or record is wrong */
	PROVHOST_E_CONFIG = 2,        /* settings are wrong (bad URL, key) */
	PROVHOST_E_CREDENTIAL = 3,    /* secret rejected or expired */
	PROVHOST_E_PERMISSION = 4,    /* authenticated but not allowed */
	PROVHOST_E_NOT_FOUND = 5,     /* the account does not exist */
	PROVHOST_E_CONFLICT = 6,      /* already exists / conflicting state */
	PROVHOST_E_RATE_LIMITED = 7,  /* target asked us to slow down */
	PROVHOST_E_TRANSIENT = 8,     /* unavailable / 5xx, try again */
	PROVHOST_E_TIMEOUT = 9,       /* deadline or network timeout */
	PROVHOST_E_UNSUPPORTED = 10,  /* the target cannot do this */
	PROVHOST_E_PROTOCOL = 11,     /* the target answered nonsense */
	PROVHOST_E_DNS = 12,          /* host name did not resolve */
	PROVHOST_E_CONNECT = 13,      /* could not connect */
	PROVHOST_E_TLS = 14,          /* TLS handshake / certificate failed */
	PROVHOST_E_INTERNAL = 15      /* bug or resource exhaustion */
} provhost_status;

/* What a provision or deprovision did. Append-only; the host treats one it
 * does not know (and NONE after a success) as a protocol error, see
 * Versioning. */
typedef enum provhost_outcome {
	PROVHOST_OUTCOME_NONE = 0,
	PROVHOST_OUTCOME_CREATED = 1,
	PROVHOST_OUTCOME_UPDATED = 2,
	PROVHOST_OUTCOME_UNCHANGED = 3,
	PROVHOST_OUTCOME_REACTIVATED = 4,
	PROVHOST_OUTCOME_DEACTIVATED = 5,
	PROVHOST_OUTCOME_DELETED = 6,
	PROVHOST_OUTCOME_ABSENT = 7,
	/* since 1.1: only with PROVHOST_CALL_NO_ADOPT. provision found an
	 * existing account that is not the linked one and wrote nothing;
	 * result->account_id is that candidate's id (see provhost_result). */
	PROVHOST_OUTCOME_CANDIDATE = 8
} provhost_outcome;

/* Log levels for provhost_host_api.log. */
typedef enum provhost_log_level {
	PROVHOST_LOG_ERROR = 0,
	PROVHOST_LOG_WARN = 1,
	PROVHOST_LOG_INFO = 2,
	PROVHOST_LOG_DEBUG = 3
} provhost_log_level;

/* Capability bits (provhost_connector.capabilities). A capability that names
 * an optional op must only be advertised when that op is non-NULL. */
#define PROVHOST_CAP_LOOKUP     (1u << 0) /* ops->lookup is implemented */
#define PROVHOST_CAP_DRY_RUN    (1u << 1) /* honours PROVHOST_CALL_DRY_RUN */
#define PROVHOST_CAP_ROLES      (1u << 2) /* reads "roles" in the record */
#define PROVHOST_CAP_REACTIVATE (1u << 3) /* provision reactivates */
#define PROVHOST_CAP_DELETE     (1u << 4) /* deprovision may delete */
/* since 1.1: ops->list is implemented (and the ops table contains it) */
#define PROVHOST_CAP_LIST (1u << 5)
/* since 1.1: provision honours PROVHOST_CALL_NO_ADOPT. The host sets that
 * flag only for a connector advertising this bit: a connector that does
 * not know the flag would ignore it and adopt. */
#define PROVHOST_CAP_NO_ADOPT (1u << 6)
/* since 1.2: provision reads provhost_call.if_match / last_state_json (the
 * host fills them only for a connector advertising this bit) and fills
 * provhost_result.etag when the target gives one. */
#define PROVHOST_CAP_ETAG (1u << 7)

/* Setting types and flags for the settings schema. */
typedef enum provhost_setting_type {
	PROVHOST_SETTING_STRING = 0,
	PROVHOST_SETTING_INTEGER = 1,
	PROVHOST_SETTING_BOOLEAN = 2
} provhost_setting_type;

#define PROVHOST_SETTING_REQUIRED (1u << 0)
/* A secret is never in the settings JSON: the connector asks the host for it
 * by key through provhost_host_api.get_secret. */
#define PROVHOST_SETTING_SECRET (1u << 1)

/* One entry of a connector's settings schema. The array's element size is
 * given by provhost_connector.setting_size so entries can grow.
 * default_value is documentation (`provhost plugins` shows it): the host
 * never adds it to the settings JSON, so the connector applies the default
 * itself when the key is absent. */
typedef struct provhost_setting {
	const char *key;           /* e.g. "instance_url" */
	int32_t type;              /* provhost_setting_type */
	uint32_t flags;            /* PROVHOST_SETTING_* */
	const char *default_value; /* documentation only, or NULL */
	const char *description;   /* one line, for `provhost plugins` */
} provhost_setting;

/* Caller-owned error report, filled by the connector on failure; zeroed by
 * the host before every op and read only when the op fails. */
typedef struct provhost_error {
	uint32_t struct_size;    /* set by the caller */
	int32_t status;          /* provhost_status (= the op's return) */
	int32_t retryable;       /* non-zero: the same call may succeed later */
	uint32_t retry_after_ms; /* target's hint (Retry-After), 0 if none */
	int32_t remote_code; /* HTTP status or target error code, 0 if none */
	char message[512];   /* one line, NUL-terminated, never a secret */
} provhost_error;

/* Caller-owned result of authenticate, provision and deprovision; zeroed by
 * the host before every op and read only when the op succeeds. */
typedef struct provhost_result {
	uint32_t struct_size; /* set by the caller */
	int32_t outcome;      /* provhost_outcome */
	int32_t remote_code;  /* HTTP status of the last request, 0 if none */
	char account_id[256]; /* target's id, "" if none; at most 255 bytes */
	char detail[512];     /* one line for people: what was verified/done */

	/* since 1.1: set with outcome PROVHOST_OUTCOME_CANDIDATE (write them
	 * only when PROVHOST_HAS_FIELD says the host's struct has them; a 1.1
	 * host always does). account_id above is the candidate's id. */
	uint32_t n_candidates;    /* accounts that matched; > 1: a dispute */
	int32_t candidate_active; /* 1 active, 0 inactive, -1 unknown */
	char candidate_user_name[256]; /* its userName, "" if unknown */

	/* since 1.2 (PROVHOST_CAP_ETAG): the account's ETag after a
	 * successful provision (from the answer's ETag header or
	 * meta.version), "" when the target gave none or it does not fit
	 * (at most 127 bytes; never cut short). The host stores it with the
	 * record as the account's last state. */
	char etag[128];
} provhost_result;

/* Per-call context passed by the host to every op that may do I/O. */
#define PROVHOST_CALL_DRY_RUN (1u << 0) /* read, but write nothing */
/* since 1.1, provision only, sent only to a connector advertising
 * PROVHOST_CAP_NO_ADOPT: never write to an existing account other than the
 * one named by account_id. When the account the connector would adopt (a
 * userName or externalId match, a 409 on create) is not the linked one,
 * write nothing and return PROVHOST_OK with outcome
 * PROVHOST_OUTCOME_CANDIDATE, the candidate's id in result->account_id and
 * the candidate members of provhost_result filled. Creating a new account
 * when nothing matches, and updating the account named by account_id, are
 * still allowed. The host decides against its ledger and calls provision
 * again with the candidate's id as account_id to adopt it (or not). */
#define PROVHOST_CALL_NO_ADOPT (1u << 1)

typedef struct provhost_call {
	uint32_t struct_size;
	uint32_t flags;          /* PROVHOST_CALL_* */
	int64_t deadline_ms;     /* on host_api->now_ms's clock; 0 = none */
	const char *event_id;    /* for log lines, may be NULL */
	const char *employee_id; /* for log lines, may be NULL */
	void *host_data; /* the host's; pass the call back, never touch */

	/* since 1.2, provision only, set only for a connector advertising
	 * PROVHOST_CAP_ETAG (NULL / 0 otherwise; check PROVHOST_HAS_FIELD):
	 * the last state the host recorded for the account named by
	 * account_id — the record it last wrote there and saw succeed
	 * (last_state_json, UTF-8 JSON of the same shape as desired_json,
	 * borrowed, last_state_len bytes) and that account's ETag then
	 * (if_match, NULL when none). A connector may trust it to send only
	 * what differs from desired (e.g. one SCIM PATCH with If-Match:
	 * if_match); when the target answers that the account changed (412)
	 * or is gone (404) it must fall back to reading the account and
	 * converging as without a last state. Drift behind the host's back
	 * is reconciliation's job. */
	const char *if_match;
	const char *last_state_json;
	size_t last_state_len;
} provhost_call;

/* Opaque handles. */
typedef struct provhost_host provhost_host; /* the host's, per instance */
typedef struct provhost_instance provhost_instance; /* the connector's */

/* Services the host offers to a connector instance. Append-only table. */
typedef struct provhost_host_api {
	uint32_t struct_size;
	uint32_t abi_minor; /* the minor the host speaks */

	/* Log one line. The host adds connection and event context (from call,
	 * which may be NULL) and redacts secrets. message is borrowed. */
	void (*log)(provhost_host *host, const provhost_call *call,
	            int32_t level, const char *message);

	/* Copy the secret named key (a PROVHOST_SETTING_SECRET key) into buf,
	 * NUL-terminated, and store its length in *len. Returns PROVHOST_OK,
	 * PROVHOST_E_NOT_FOUND when the connection has no such secret, or
	 * PROVHOST_E_INVALID_INPUT when buf is too small (*len then holds the
	 * length needed). The connector owns buf and should wipe it when done.
	 */
	int32_t (*get_secret)(provhost_host *host, const char *key, char *buf,
	                      size_t buf_size, size_t *len);

	/* Monotonic clock in milliseconds; provhost_call.deadline_ms uses it.
	 */
	int64_t (*now_ms)(provhost_host *host);

	/* In a dry run, report one write the connector would have sent: method
	 * ("POST"), target ("/Users/42") and body (JSON, without secrets, may
	 * be NULL). All borrowed. */
	void (*planned_write)(provhost_host *host, const provhost_call *call,
	                      const char *method, const char *target,
	                      const char *body);

	/* Call before EVERY request sent to the target (reads too). The host
	 * may block here to keep the connection under its request rate and to
	 * honour a target's Retry-After across all instances. Returns
	 * PROVHOST_OK to go ahead, or PROVHOST_E_TIMEOUT when the call's
	 * deadline would pass first (then fail the op with that status). */
	int32_t (*pace)(provhost_host *host, const provhost_call *call);

	/* since 1.2 (check PROVHOST_HAS_FIELD or abi_minor >= 2; may be NULL
	 * in a host that offers no pacing): report a target's rate-limit
	 * headers (RateLimit-Limit/-Remaining/-Reset or X-RateLimit-*) seen
	 * on the answer to the request last paced by this instance: limit
	 * (requests per window), remaining (left in the window) and reset_ms
	 * (milliseconds until the window resets), each -1 when the answer
	 * did not say. The host keeps the connection's requests within
	 * remaining until the reset, across all instances, and holds every
	 * request until the reset when remaining is 0. Call it after any
	 * answer (success or failure) that carries such a header. */
	void (*rate_limit)(provhost_host *host, const provhost_call *call,
	                   int64_t limit, int64_t remaining, int64_t reset_ms);
} provhost_host_api;

/* Receives one record (JSON text) from lookup or list; the receiver copies
 * it. */
typedef void (*provhost_emit_fn)(void *emit_ctx, const char *json, size_t len);

/* The connector's operations. Required: validate_config, open, close,
 * authenticate, provision, deprovision. Optional (may be NULL, advertised by
 * a capability bit): lookup. Append-only table. */
typedef struct provhost_ops {
	uint32_t struct_size;

	/* Check settings (a JSON object, borrowed) without network I/O and
	 * without opening files; the one exception: a local file a setting
	 * names (a CA file, say) may be stat()ed / access()ed to report it
	 * missing or unreadable. Must name the offending key in the message.
	 * Secrets are not part of settings. err arrives zeroed. settings_json
	 * may be NULL (len 0), "" or not JSON at all (`provhost
	 * check-connector` tries these): never crash; treat NULL and "" as {}
	 * or fail with PROVHOST_E_CONFIG. No host_api is available here: no
	 * logging, no secrets. */
	int32_t (*validate_config)(const char *settings_json, size_t len,
	                           provhost_error *err);

	/* Create an instance for settings (already validated). host_api and
	 * host stay valid until close(). *out is NULL and err zeroed on entry.
	 * On success store the instance in *out (NULL is allowed for a
	 * connector without state): the host passes it to every op and then
	 * to close exactly once. On failure free everything you allocated: the
	 * host ignores *out and never calls close for a failed open. */
	int32_t (*open)(const provhost_host_api *host_api, provhost_host *host,
	                const char *settings_json, size_t len,
	                provhost_instance **out, provhost_error *err);

	/* Release an instance and everything it owns. Called once per
	 * successful open, after the instance's last op has returned; never
	 * after a failed open. inst is what open stored, so it may be NULL. */
	void (*close)(provhost_instance *inst);

	/* Verify the credentials work and may provision and deprovision users.
	 * result->detail says what was verified. result and err arrive zeroed;
	 * on failure result is ignored. */
	int32_t (*authenticate)(provhost_instance *inst,
	                        const provhost_call *call,
	                        provhost_result *result, provhost_error *err);

	/* Converge one account to desired (JSON). account_id is the id the host
	 * has linked for this person, or NULL. Idempotent. Fills outcome and
	 * account_id in result (left "", the host keeps the linked id). result
	 * and err arrive zeroed; on failure result is ignored.
	 * Ids: account_id holds at most 255 bytes and a NUL. A target id that
	 * does not fit is an error (PROVHOST_E_PROTOCOL), never to be cut
	 * short; an account_id filling all 256 bytes without a NUL is turned
	 * into that error by the host, and nothing is linked. */
	int32_t (*provision)(provhost_instance *inst, const provhost_call *call,
	                     const char *account_id, const char *desired_json,
	                     size_t len, provhost_result *result,
	                     provhost_error *err);

	/* Deactivate (or delete) one account, found by account_id or, when that
	 * is NULL or unknown, by the identity in identity_json (at least what
	 * provision would use to find it; may be NULL). Idempotent: an account
	 * already gone is PROVHOST_OK with outcome ABSENT. result and err
	 * arrive zeroed; result is read as for provision (same id rules). */
	int32_t (*deprovision)(provhost_instance *inst,
	                       const provhost_call *call,
	                       const char *account_id,
	                       const char *identity_json, size_t len,
	                       provhost_result *result, provhost_error *err);

	/* Read one account by account_id or identity (either may be NULL);
	 * emit it once as JSON. PROVHOST_E_NOT_FOUND when there is none. err
	 * arrives zeroed. Optional. */
	int32_t (*lookup)(provhost_instance *inst, const provhost_call *call,
	                  const char *account_id, const char *identity_json,
	                  size_t len, provhost_emit_fn emit, void *emit_ctx,
	                  provhost_error *err);

	/* since 1.1, optional (PROVHOST_CAP_LIST). Emit every account of the
	 * target once, each as one JSON object with what reconciliation needs:
	 * {"id", "userName", "externalId", "active", "name": {"givenName",
	 * "familyName"}, "emails": [...], "roles": [{"display"}]} (absent
	 * members omitted), and "self": true on the account the connection's
	 * credentials belong to where the target can tell (SCIM /Me): the
	 * host never deprovisions that one. Call host_api->pace before every
	 * page requested. A connector that pages must end on every server: an
	 * empty or short page, the total reached, or a page of ids already
	 * emitted (a server that repeats page 1 past the end) all stop the
	 * scan; no id is emitted twice. On failure some accounts may already
	 * have been emitted; the host then discards the partial listing. err
	 * arrives zeroed. The host calls it only when the ops table's
	 * struct_size contains it and the capability is advertised. */
	int32_t (*list)(provhost_instance *inst, const provhost_call *call,
	                provhost_emit_fn emit, void *emit_ctx,
	                provhost_error *err);
} provhost_ops;

/* The descriptor the entry symbol returns. Static data of the connector. */
typedef struct provhost_connector {
	uint32_t magic;          /* PROVHOST_CONNECTOR_MAGIC */
	uint32_t struct_size;    /* sizeof(provhost_connector) when built */
	uint32_t abi_major;      /* PROVHOST_CONNECTOR_ABI_MAJOR */
	uint32_t min_host_minor; /* lowest host minor this connector needs */
	const char *name;        /* unique, [a-z0-9_-]+, e.g. "promapp" */
	const char *version;     /* the connector's own version */
	const char *vendor;
	const char *license;     /* SPDX identifier */
	const char *description; /* one line */
	uint64_t capabilities;   /* PROVHOST_CAP_* */
	const provhost_setting *settings;
	uint32_t n_settings;
	uint32_t setting_size; /* sizeof(provhost_setting) when built */
	const provhost_ops *ops;
} provhost_connector;

/* The entry point's type. The host passes the minor it speaks; the
 * connector returns its static descriptor (never NULL for a sane host). */
typedef const provhost_connector *(*provhost_connector_entry_fn)(
        uint32_t host_abi_minor);

/* Declare the entry point in the connector:
 *   PROVHOST_CONNECTOR_EXPORT const provhost_connector *
 *   provhost_connector_v1(uint32_t host_abi_minor) { return &descriptor; } */
#if defined(__GNUC__)
#define PROVHOST_CONNECTOR_EXPORT __attribute__((visibility("default")))
#else
#define PROVHOST_CONNECTOR_EXPORT
#endif

PROVHOST_CONNECTOR_EXPORT const provhost_connector *
provhost_connector_v1(uint32_t host_abi_minor);

#ifdef __cplusplus
}
#endif

#endif /* PROVHOST_CONNECTOR_H */
