/* SCIM error bodies (RFC 7644 §3.12) and short, printable excerpts of
 * whatever a target answered.
 *
 * Contract: no allocation that outlives a call; results go into
 * caller-owned fixed buffers. Everything copied out of a response is
 * sanitised (control characters become spaces) and short (at most
 * SCIM_EXCERPT_MAX bytes), so it can go into a one-line error message.
 */
#ifndef SCIM_ERROR_H
#define SCIM_ERROR_H

#include <stddef.h>

#define SCIM_EXCERPT_MAX 120

struct scim_error_body {
	int status;         /* the body's "status" (string or number), or 0 */
	char scim_type[48]; /* "scimType", or "" */
	char detail[SCIM_EXCERPT_MAX + 1]; /* "detail", or "" */
};

/* Parses body (len bytes, need not be NUL-terminated, may be NULL) as a
 * SCIM error. Returns 1 when it is a JSON object carrying detail, scimType
 * or the SCIM Error schema, else 0; out is always filled (empty fields when
 * absent or of the wrong type). */
int scim_error_parse(const char *body, size_t len, struct scim_error_body *out);

/* Writes a one-line excerpt of src[0..len) into out: control characters
 * and runs of whitespace become one space, leading/trailing space is
 * dropped, and when longer than max_bytes (capped by out_len - 1) it is cut
 * at a UTF-8 character boundary and ends in "...". Returns the length. */
size_t scim_excerpt(const char *src, size_t len, char *out, size_t out_len,
                    size_t max_bytes);

#endif
