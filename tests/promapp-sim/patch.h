/*
 * patch: applies an RFC 7644 §3.5.2 PatchOp message to a user object, with
 * Promapp's documented restriction that PATCH changes only the first name,
 * the last name and the emails.
 */
#ifndef SIM_PATCH_H
#define SIM_PATCH_H

#include "scim_json.h"

#include <jansson.h>

/*
 * Applies every operation of body to user (modified in place). Returns 0,
 * or -1 with err set (400 invalidSyntax / mutability / invalidPath /
 * invalidValue / noTarget); user may then be half-changed, so callers
 * patch a copy to keep the message atomic.
 */
int patch_apply(json_t *user, const json_t *body, struct scim_error *err);

#endif
