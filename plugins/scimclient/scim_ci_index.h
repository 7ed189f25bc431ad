/* A case-insensitive index of a target's accounts by userName: for the
 * target whose userName filter compares case-sensitively while its
 * uniqueness check does not (a create answers 409 for an account the
 * filter cannot find).
 *
 * Keys are folded by ASCII case only (A-Z to a-z; bytes >= 0x80 are kept
 * as they are): the plugin has no Unicode library (it must not include
 * host/), and userNames are overwhelmingly ASCII. Two userNames that
 * differ only in non-ASCII case are therefore different keys.
 *
 * Contract: pure, no I/O. The index is a jansson object owned by the
 * caller (json_decref); not thread-safe (one per instance).
 */
#ifndef SCIM_CI_INDEX_H
#define SCIM_CI_INDEX_H

#include <jansson.h>
#include <stddef.h>

/* Writes s folded (ASCII lower case) into out. Returns 0, or -1 when it
 * does not fit (out is then ""). */
int scim_ci_fold(const char *s, char *out, size_t out_len);

/* A new, empty index, or NULL (out of memory). */
json_t *scim_ci_index_new(void);

/* Records that the account id has userName user_name. Returns 0, or -1
 * (out of memory, or a userName too long to index). An id added twice
 * under one key is kept once. */
int scim_ci_index_add(json_t *index, const char *user_name, const char *id);

/* The ids (a borrowed JSON array of strings) whose userName equals
 * user_name ignoring ASCII case, or NULL when there is none. */
json_t *scim_ci_index_find(json_t *index, const char *user_name);

/* How many accounts were added (distinct ids per key, summed). */
size_t scim_ci_index_size(json_t *index);

#endif
