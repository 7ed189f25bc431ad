/* SCIM service provider discovery (RFC 7643 §5): what a target says it
 * supports in /ServiceProviderConfig, and what to assume when it says
 * nothing.
 *
 * Contract: pure functions, no I/O, no allocation; results go into
 * caller-owned structs and buffers. Generic SCIM, nothing vendor-specific.
 */
#ifndef SCIM_DISCOVERY_H
#define SCIM_DISCOVERY_H

#include <jansson.h>
#include <stddef.h>

#define SCIM_SPC_PATH "/ServiceProviderConfig"

struct scim_features {
	int from_target;  /* 1: read from /ServiceProviderConfig; 0: assumed */
	int patch;        /* PATCH (RFC 7644 §3.5.2) */
	int filter;       /* filter= queries (§3.4.2.2) */
	long max_results; /* filter.maxResults, 0 when not given */
	int etag;         /* ETags / If-Match (§3.14) */
	int sort;
	int bulk;
};

/* The assumptions for a target without /ServiceProviderConfig: no PATCH,
 * filter supported (every SCIM target we know filters on userName), no
 * ETag, sort or bulk. from_target is 0. */
void scim_features_assume(struct scim_features *out);

/* Reads a ServiceProviderConfig document. A feature counts as supported
 * only when its "supported" member is the boolean true (strings like
 * "true" are not: RFC 7643 says boolean). Returns 0, or -1 when spc is not
 * an object (out then holds the assumptions). */
int scim_features_parse(json_t *spc, struct scim_features *out);

/* Writes "PATCH yes, filter yes (max 1000), ETag no" into out. */
void scim_features_describe(const struct scim_features *f, char *out,
                            size_t out_len);

#endif
