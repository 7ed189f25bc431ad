/* The SCIM User attributes provhost manages, and the JSON around them.
 *
 * Managed attributes: userName, name.givenName, name.familyName, the
 * primary work email, timezone (only when the desired state has one),
 * active, roles (display names; only when roles are enabled), and
 * externalId (only when the desired state has one; the connector clears it
 * from the desired state when its target does not manage externalId).
 *
 * Contract:
 *   - struct scim_user only borrows: its strings point into the json_t it
 *     was parsed from, which the caller keeps alive while using it.
 *   - Builders return a new json_t reference the caller owns (json_decref).
 *   - Comparison rules: userName equal ignoring ASCII case is the same
 *     account, but a case-only difference still counts as a change (so the
 *     target ends up with the exact userName); givenName and familyName
 *     exact; email ignoring ASCII case; timezone exact and only when
 *     desired; roles as a set of display names, exact and case-sensitive;
 *     externalId exact (caseExact in RFC 7643 section 3.1) and only when
 *     desired.
 */
#ifndef SCIM_USER_H
#define SCIM_USER_H

#include <jansson.h>
#include <stddef.h>

#define SCIM_USER_SCHEMA "urn:ietf:params:scim:schemas:core:2.0:User"
#define SCIM_LIST_SCHEMA "urn:ietf:params:scim:api:messages:2.0:ListResponse"

#define SCIM_USER_MAX_ROLES 64
#define SCIM_USER_MAX_FIELD 1024 /* bytes, for each desired string */

struct scim_user {
	const char *id; /* current only; NULL for desired */
	const char *user_name;
	const char *given_name;
	const char *family_name;
	const char *email;    /* primary work email, NULL if none */
	const char *timezone; /* NULL: not given (desired: not managed) */
	/* the HR employee id; NULL: not given (desired: not managed) */
	const char *external_id;
	int active;         /* 1 or 0 (current: missing counts as 1) */
	int has_roles;      /* the record had a "roles" array */
	int roles_overflow; /* more roles than SCIM_USER_MAX_ROLES */
	size_t n_roles;
	const char *roles[SCIM_USER_MAX_ROLES];
};

/* Bits returned by scim_user_diff. */
#define SCIM_DIFF_USERNAME    (1u << 0)
#define SCIM_DIFF_NAME        (1u << 1)
#define SCIM_DIFF_EMAIL       (1u << 2)
#define SCIM_DIFF_TIMEZONE    (1u << 3)
#define SCIM_DIFF_ACTIVE      (1u << 4)
#define SCIM_DIFF_ROLES       (1u << 5)
#define SCIM_DIFF_EXTERNAL_ID (1u << 6)

/* Reads the desired state strictly: userName, name.givenName,
 * name.familyName and a usable email (the primary one, else type "work",
 * else the first) are required non-empty strings of at most
 * SCIM_USER_MAX_FIELD bytes; timezone optional string; active optional
 * boolean (default true); roles optional array of {"display"} / {"value"}
 * objects or strings. Returns 0, or -1 with a message naming the field in
 * why. */
int scim_user_parse_desired(json_t *record, struct scim_user *out, char *why,
                            size_t why_len);

/* Reads a target's User resource tolerantly: missing or wrongly typed
 * attributes become NULL / defaults. Returns 0, or -1 when resource is not
 * an object. */
int scim_user_parse_current(json_t *resource, struct scim_user *out);

/* Compares the managed attributes; returns SCIM_DIFF_* bits (0: equal). */
unsigned scim_user_diff(const struct scim_user *desired,
                        const struct scim_user *current, int roles_enabled);

/* True when a and b are equal ignoring ASCII case (NULL equals NULL). */
int scim_user_ascii_caseeq(const char *a, const char *b);

/* The body of a create (POST): schemas and every managed attribute. */
json_t *scim_user_build_create(const struct scim_user *desired,
                               int roles_enabled);

/* The body of a full replace (PUT): a copy of current with "id" and "meta"
 * dropped and the managed attributes overridden from desired (other name
 * parts, other emails and unmanaged attributes are kept). */
json_t *scim_user_build_replace(json_t *current,
                                const struct scim_user *desired,
                                int roles_enabled);

/* The account as provhost reports it from lookup and list: id, userName,
 * externalId, name
 * (givenName, familyName), emails, active, timezone, roles as
 * [{"display"}]; only attributes present in resource. */
json_t *scim_user_export(json_t *resource);

/* Finds, in a ListResponse, the resources whose attr (a top-level string
 * attribute) equals value, exactly when case_exact, else ignoring ASCII
 * case. *found is the first (borrowed) or NULL; *n_matches counts them.
 * Returns -1 when list is not a ListResponse, else 0. */
int scim_list_find_attr(json_t *list, const char *attr, const char *value,
                        int case_exact, json_t **found, size_t *n_matches);

/* Finds, in a ListResponse, the resource whose userName equals user_name
 * ignoring ASCII case (a borrowed reference), or NULL. *n_matches counts
 * the matches (more than one means the target is ambiguous). Returns -1
 * when list is not a ListResponse (no "Resources" array and no
 * "totalResults"), else 0. */
int scim_list_find_user(json_t *list, const char *user_name, json_t **found,
                        size_t *n_matches);

/* True when root looks like a SCIM ListResponse: an object with the
 * ListResponse schema, an integer "totalResults" or a "Resources" array. */
int scim_is_list_response(json_t *root);

#endif
