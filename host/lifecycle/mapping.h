/* Attribute mapping of one connection: target attribute -> template over the
 * HR attributes (the connection's "mapping" object), and the desired SCIM
 * user record built from it. */
#ifndef PROVHOST_MAPPING_H
#define PROVHOST_MAPPING_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/path_error.h"

struct mapping;

/* Known targets, in the order they are listed in error messages. */
#define MAPPING_KNOWN_TARGETS                                                  \
	"userName, givenName, familyName, displayName, email, timezone"

/* At most this many userName candidates. */
#define MAPPING_MAX_USER_NAME_CANDIDATES 16

/* Parses a "mapping" object (NULL = all defaults); besides the targets it
 * may have "sensitive": ["salary", ...] (HR attributes masked in
 * decisions):
 *   userName {email|lower}   givenName {first_name}   familyName {last_name}
 *   email {email}            timezone {timezone?}     displayName (unset)
 * "userName" may also be a list of candidate templates, tried in order; the
 * counter {n} may appear (once) in the last one only, and in no other
 * target: ["{email|lower}", "{first_name|ascii|lower}{n}@acme.example"].
 * Returns 0 and a new mapping in *out (mapping_free), or -1 with err->path
 * relative to obj ("userName") and the message. */
int mapping_parse(const json_t *obj, struct mapping **out,
                  struct path_error *err);

void mapping_free(struct mapping *map);

/* The "sensitive" member: a JSON array of HR attribute names (borrowed)
 * whose values decisions mask, or NULL when none are configured. */
const json_t *mapping_sensitive(const struct mapping *map);

/* Results of mapping_user_name_candidate. */
enum {
	MAPPING_CANDIDATE_OK = 0, /* *out is the candidate */
	MAPPING_CANDIDATE_SKIP =
	        1, /* this one cannot be rendered; try index+1 */
	MAPPING_CANDIDATES_END = 2, /* no candidate at index or after */
};

/* The number of userName candidates (1 for a single template); *counter
 * (when not NULL) tells whether the last one has {n}. */
size_t mapping_user_name_candidates(const struct mapping *map, bool *counter);

/* Renders userName candidate number index (0, 1, ...) for attrs (borrowed).
 * The candidates come in order; the last one, when it has {n}, stands for
 * an endless series: with k candidates, index k-1 renders it with {n} = "",
 * index k with {n} = 2, index k+1 with 3, and so on. Returns
 * MAPPING_CANDIDATE_OK and a new string in *out (caller frees);
 * MAPPING_CANDIDATE_SKIP with reason (a required attribute is missing, or it
 * rendered empty: `missing HR attribute "email" (required by mapping
 * "userName[0]")`); MAPPING_CANDIDATES_END past the last candidate, or when
 * the {n} candidate cannot be rendered (reason set then, else ""); -1 and
 * reason "out of memory". Pure and thread-safe. */
int mapping_user_name_candidate(const struct mapping *map, const json_t *attrs,
                                size_t index, char **out, char *reason,
                                size_t reason_len);

/* Builds the desired SCIM user for attrs (borrowed):
 *   {"userName": .., "name": {"givenName": .., "familyName": ..},
 *    "displayName": .., "emails": [{"value": .., "type": "work",
 *    "primary": true}], "timezone": .., "active": true|false,
 *    "roles": [{"display": "R"}, ..]}
 * A target whose template renders empty (optional placeholders) is left out;
 * "name" only when one of its parts is present; "roles" only when roles (a
 * JSON array of strings, borrowed) is not NULL. "userName" is the first
 * candidate that renders ({n} = ""); a caller that picks among candidates
 * (username_pick) replaces it. Returns 0 and a new reference
 * in *out, or -1 with a reason such as
 * `missing HR attribute "email" (required by mapping "userName")`. */
int mapping_apply(const struct mapping *map, const json_t *attrs, bool active,
                  const json_t *roles, json_t **out, char *reason,
                  size_t reason_len);

/* Builds {"userName": ..} for a deprovision: only userName is rendered.
 * Same return convention as mapping_apply. */
int mapping_identity(const struct mapping *map, const json_t *attrs,
                     json_t **out, char *reason, size_t reason_len);

#endif
