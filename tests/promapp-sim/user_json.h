/*
 * user_json: validates a user representation sent by a client (POST, PUT,
 * POST /__sim/users, the state file) and reduces it to the attributes
 * Promapp keeps: userName, name.givenName, name.familyName, emails,
 * timezone, active and roles. Attribute names match case-insensitively;
 * other attributes are ignored (RFC 7644 §3.3 lets a server do so).
 */
#ifndef SIM_USER_JSON_H
#define SIM_USER_JSON_H

#include "options.h"
#include "scim_json.h"

#include <jansson.h>

/*
 * Returns a new object {userName, name{givenName,familyName}, emails?,
 * timezone?, active, roles?} (active defaults to true), or NULL with err
 * set to a 400. roles NULL accepts any role name; otherwise an unknown
 * one gives "Role not found: X".
 */
json_t *user_attrs_from_json(const json_t *in, const struct role_list *roles,
                             struct scim_error *err);

/* Validates one email entry and returns a new {value, type?, primary?}
 * object, or NULL with err set (used by PATCH as well). */
json_t *user_email_from_json(const json_t *in, struct scim_error *err);

#endif
