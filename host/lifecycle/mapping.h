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

/* Parses a "mapping" object (NULL = all defaults):
 *   userName {email|lower}   givenName {first_name}   familyName {last_name}
 *   email {email}            timezone {timezone?}     displayName (unset)
 * Returns 0 and a new mapping in *out (mapping_free), or -1 with err->path
 * relative to obj ("userName") and the message. */
int mapping_parse(const json_t *obj, struct mapping **out,
                  struct path_error *err);

void mapping_free(struct mapping *map);

/* Builds the desired SCIM user for attrs (borrowed):
 *   {"userName": .., "name": {"givenName": .., "familyName": ..},
 *    "displayName": .., "emails": [{"value": .., "type": "work",
 *    "primary": true}], "timezone": .., "active": true|false,
 *    "roles": [{"display": "R"}, ..]}
 * A target whose template renders empty (optional placeholders) is left out;
 * "name" only when one of its parts is present; "roles" only when roles (a
 * JSON array of strings, borrowed) is not NULL. Returns 0 and a new reference
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
