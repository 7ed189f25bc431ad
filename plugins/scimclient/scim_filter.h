/* SCIM filter and query building (RFC 7644 §3.4.2.2).
 *
 * Contract: every function writes into a caller-owned buffer, keeps no
 * allocation past the call, and returns the length written (without the NUL) or
 * -1 when the buffer is too small (out is then "" if out_len > 0). Input is
 * UTF-8; bytes
 * >= 0x80 pass through the filter escaping unchanged.
 */
#ifndef SCIM_FILTER_H
#define SCIM_FILTER_H

#include <stddef.h>

/* Escapes value as the inside of a filter compValue string (a JSON string):
 * '"' and '\' get a backslash, control characters become \u00XX. */
int scim_filter_escape(const char *value, char *out, size_t out_len);

/* Percent-encodes in for a URL query with curl_easy_escape: everything but
 * RFC 3986 unreserved characters (ALPHA DIGIT - . _ ~) becomes %XX. -1 also
 * when libcurl runs out of memory. */
int scim_query_escape(const char *in, char *out, size_t out_len);

/* Builds "<collection>?filter=<attr eq "value" percent-encoded>", e.g.
 * "/Users?filter=userName%20eq%20%22jo%40x.org%22". attr is a plain
 * attribute name (not escaped). */
int scim_filter_eq_path(const char *collection, const char *attr,
                        const char *value, char *out, size_t out_len);

#endif
