/*
 * SCIM wire helpers: schema URNs, the error type every handler fills in,
 * the reply a handler hands back to the HTTP layer, and small JSON utilities.
 */
#ifndef SIM_SCIM_JSON_H
#define SIM_SCIM_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define SCIM_USER_SCHEMA  "urn:ietf:params:scim:schemas:core:2.0:User"
#define SCIM_ERROR_SCHEMA "urn:ietf:params:scim:api:messages:2.0:Error"
#define SCIM_LIST_SCHEMA  "urn:ietf:params:scim:api:messages:2.0:ListResponse"
#define SCIM_PATCH_SCHEMA "urn:ietf:params:scim:api:messages:2.0:PatchOp"
#define SCIM_CONTENT_TYPE "application/scim+json"

/* An error to send as an RFC 7644 §3.12 body. scim_type is static or NULL. */
struct scim_error {
	unsigned status;
	const char *scim_type;
	char detail[320];
};

void scim_error_set(struct scim_error *e, unsigned status,
                    const char *scim_type, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/*
 * What a handler answers. body is malloc'ed and owned by the reply (NULL
 * for no body); the HTTP layer frees it. Header fields are optional.
 */
struct sim_reply {
	unsigned status;
	char *body;
	size_t body_len;
	char location[160];
	unsigned retry_after; /* > 0 adds Retry-After (seconds) */
	const char *allow;    /* static; adds Allow (405) */
	bool auth_challenge;  /* adds WWW-Authenticate: Bearer */
	char etag[40];        /* "" or the ETag header's value (etag.c) */
	/* --window-limit: the X-RateLimit-* (or RateLimit-*) headers, when
	 * rl_limit > 0 */
	long rl_limit, rl_remaining, rl_reset;
};

/* Clears r to "no answer yet" (status 0, no body). */
void reply_init(struct sim_reply *r);
void reply_release(struct sim_reply *r);

/* Sets r to the SCIM error e; falls back to 500 without body on OOM. */
void reply_error(struct sim_reply *r, const struct scim_error *e);
void reply_errorf(struct sim_reply *r, unsigned status, const char *scim_type,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Sets r to status with body (malloc'ed string, ownership moves to r). */
void reply_body(struct sim_reply *r, unsigned status, char *body, size_t len);

/* Sets r to status with json serialised compactly (json stays the caller's). */
void reply_json(struct sim_reply *r, unsigned status, const json_t *json);

/* Current UTC time as "2024-05-01T12:34:56.789Z". */
void scim_timestamp_now(char *buf, size_t n);

/* Object member lookup with an ASCII case-insensitive key (RFC 7643 §2.1). */
json_t *json_object_get_ci(const json_t *obj, const char *key);

/* ASCII lower-case copy of s (caller frees), or NULL on OOM. */
char *ascii_lower_dup(const char *s);

/* Copies s into dst (size n) replacing bytes that are not printable ASCII
 * with '?', so untrusted text can be quoted in an error detail. */
void ascii_sanitize(char *dst, size_t n, const char *s);

#endif
