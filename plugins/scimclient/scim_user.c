/* SCIM User model: parse, compare, build; see scim_user.h. */
#include "scimclient/scim_user.h"

#include <stdio.h>
#include <string.h>

int scim_user_ascii_caseeq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	for (; *a && *b; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y + 32);
		if (x != y)
			return 0;
	}
	return *a == *b;
}

static int str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

/* The string member key of obj, or NULL when absent or not a string. */
static const char *get_str(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Index of the email entry that counts as "the" email: the primary one,
 * else the first of type "work", else the first with a string value; -1 if
 * none. */
static long pick_email(json_t *emails)
{
	long work = -1, first = -1;
	size_t i;
	json_t *e;

	json_array_foreach(emails, i, e)
	{
		if (!json_is_object(e) || !get_str(e, "value"))
			continue;
		if (json_is_true(json_object_get(e, "primary")))
			return (long)i;
		const char *type = get_str(e, "type");
		if (work < 0 && type && scim_user_ascii_caseeq(type, "work"))
			work = (long)i;
		if (first < 0)
			first = (long)i;
	}
	return work >= 0 ? work : first;
}

static const char *email_of(json_t *resource)
{
	json_t *emails = json_object_get(resource, "emails");
	long i = pick_email(emails);
	return i < 0 ? NULL
	             : get_str(json_array_get(emails, (size_t)i), "value");
}

/* A role entry's name: the string itself, or its "display" (else "value")
 * member. */
static const char *role_name(json_t *r)
{
	const char *s;

	if (json_is_string(r))
		return json_string_value(r);
	if (!json_is_object(r))
		return NULL;
	s = get_str(r, "display");
	return s ? s : get_str(r, "value");
}

/* Checks one required desired string field. */
static int need_str(const char *v, const char *field, char *why, size_t why_len)
{
	if (!v || !*v) {
		snprintf(why, why_len, "%s must be a non-empty string", field);
		return -1;
	}
	if (strlen(v) > SCIM_USER_MAX_FIELD) {
		snprintf(why, why_len, "%s is longer than %d bytes", field,
		         SCIM_USER_MAX_FIELD);
		return -1;
	}
	return 0;
}

static int parse_desired_roles(json_t *roles, struct scim_user *out, char *why,
                               size_t why_len)
{
	size_t i;
	json_t *r;

	if (!json_is_array(roles)) {
		snprintf(why, why_len, "roles must be an array");
		return -1;
	}
	if (json_array_size(roles) > SCIM_USER_MAX_ROLES) {
		snprintf(why, why_len, "roles has more than %d entries",
		         SCIM_USER_MAX_ROLES);
		return -1;
	}
	out->has_roles = 1;
	json_array_foreach(roles, i, r)
	{
		char field[48];
		snprintf(field, sizeof field, "roles[%zu].display", i);
		if (need_str(role_name(r), field, why, why_len))
			return -1;
		out->roles[out->n_roles++] = role_name(r);
	}
	return 0;
}

int scim_user_parse_desired(json_t *record, struct scim_user *out, char *why,
                            size_t why_len)
{
	json_t *v, *name;

	memset(out, 0, sizeof *out);
	out->active = 1;
	if (!json_is_object(record)) {
		snprintf(why, why_len, "the record must be a JSON object");
		return -1;
	}
	v = json_object_get(record, "userName");
	out->user_name = json_is_string(v) ? json_string_value(v) : NULL;
	if (need_str(out->user_name, "userName", why, why_len))
		return -1;
	name = json_object_get(record, "name");
	if (!json_is_object(name)) {
		snprintf(why, why_len, "name must be an object");
		return -1;
	}
	out->given_name = get_str(name, "givenName");
	if (need_str(out->given_name, "name.givenName", why, why_len))
		return -1;
	out->family_name = get_str(name, "familyName");
	if (need_str(out->family_name, "name.familyName", why, why_len))
		return -1;
	v = json_object_get(record, "emails");
	if (!json_is_array(v)) {
		snprintf(why, why_len, "emails must be an array");
		return -1;
	}
	out->email = email_of(record);
	if (need_str(out->email, "emails[].value", why, why_len))
		return -1;
	v = json_object_get(record, "timezone");
	if (v && !json_is_null(v)) {
		out->timezone = json_is_string(v) ? json_string_value(v) : NULL;
		if (need_str(out->timezone, "timezone", why, why_len))
			return -1;
	}
	v = json_object_get(record, "active");
	if (v && !json_is_null(v)) {
		if (!json_is_boolean(v)) {
			snprintf(why, why_len, "active must be a boolean");
			return -1;
		}
		out->active = json_is_true(v);
	}
	v = json_object_get(record, "roles");
	if (v && !json_is_null(v) && parse_desired_roles(v, out, why, why_len))
		return -1;
	v = json_object_get(record, "externalId");
	if (v && !json_is_null(v)) {
		out->external_id =
		        json_is_string(v) ? json_string_value(v) : NULL;
		if (need_str(out->external_id, "externalId", why, why_len))
			return -1;
	}
	return 0;
}

int scim_user_parse_current(json_t *resource, struct scim_user *out)
{
	json_t *v, *roles;
	size_t i;

	memset(out, 0, sizeof *out);
	out->active = 1;
	if (!json_is_object(resource))
		return -1;
	out->id = get_str(resource, "id");
	out->user_name = get_str(resource, "userName");
	v = json_object_get(resource, "name");
	out->given_name = get_str(v, "givenName");
	out->family_name = get_str(v, "familyName");
	out->email = email_of(resource);
	out->timezone = get_str(resource, "timezone");
	out->external_id = get_str(resource, "externalId");
	v = json_object_get(resource, "active");
	if (json_is_boolean(v))
		out->active = json_is_true(v);
	roles = json_object_get(resource, "roles");
	if (json_is_array(roles)) {
		out->has_roles = 1;
		json_array_foreach(roles, i, v)
		{
			const char *n = role_name(v);
			if (!n)
				continue;
			if (out->n_roles == SCIM_USER_MAX_ROLES) {
				out->roles_overflow = 1;
				break;
			}
			out->roles[out->n_roles++] = n;
		}
	}
	return 0;
}

/* True when every name in a is in b. */
static int roles_subset(const struct scim_user *a, const struct scim_user *b)
{
	for (size_t i = 0; i < a->n_roles; i++) {
		size_t j = 0;
		while (j < b->n_roles && strcmp(a->roles[i], b->roles[j]) != 0)
			j++;
		if (j == b->n_roles)
			return 0;
	}
	return 1;
}

unsigned scim_user_diff(const struct scim_user *desired,
                        const struct scim_user *current, int roles_enabled)
{
	unsigned d = 0;

	if (!str_eq(desired->user_name, current->user_name))
		d |= SCIM_DIFF_USERNAME;
	if (!str_eq(desired->given_name, current->given_name) ||
	    !str_eq(desired->family_name, current->family_name))
		d |= SCIM_DIFF_NAME;
	if (!scim_user_ascii_caseeq(desired->email, current->email))
		d |= SCIM_DIFF_EMAIL;
	if (desired->timezone && !str_eq(desired->timezone, current->timezone))
		d |= SCIM_DIFF_TIMEZONE;
	if (desired->active != current->active)
		d |= SCIM_DIFF_ACTIVE;
	if (desired->external_id &&
	    !str_eq(desired->external_id, current->external_id))
		d |= SCIM_DIFF_EXTERNAL_ID;
	if (roles_enabled && desired->has_roles &&
	    (current->roles_overflow || !roles_subset(desired, current) ||
	     !roles_subset(current, desired)))
		d |= SCIM_DIFF_ROLES;
	return d;
}

static json_t *roles_array(const struct scim_user *u)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < u->n_roles; i++)
		json_array_append_new(
		        a, json_pack("{s:s}", "display", u->roles[i]));
	return a;
}

static json_t *work_email(const char *value)
{
	return json_pack("{s:s, s:s, s:b}", "value", value, "type", "work",
	                 "primary", 1);
}

json_t *scim_user_build_create(const struct scim_user *d, int roles_enabled)
{
	json_t *u = json_pack("{s:[s], s:s, s:{s:s, s:s}, s:[o], s:b}",
	                      "schemas", SCIM_USER_SCHEMA, "userName",
	                      d->user_name, "name", "givenName", d->given_name,
	                      "familyName", d->family_name, "emails",
	                      work_email(d->email), "active", d->active);

	if (!u)
		return NULL;
	if (d->timezone)
		json_object_set_new(u, "timezone", json_string(d->timezone));
	if (d->external_id)
		json_object_set_new(u, "externalId",
		                    json_string(d->external_id));
	if (roles_enabled && d->has_roles && d->n_roles > 0)
		json_object_set_new(u, "roles", roles_array(d));
	return u;
}

/* Puts desired's email into the entry that counted as the email (or a new
 * first entry) and clears "primary" on every other entry. */
static void replace_email(json_t *u, const char *value)
{
	json_t *emails = json_object_get(u, "emails");
	long keep;
	size_t i;
	json_t *e;

	if (!json_is_array(emails)) {
		json_object_set_new(u, "emails",
		                    json_pack("[o]", work_email(value)));
		return;
	}
	keep = pick_email(emails);
	json_array_foreach(emails, i, e)
	{
		if (json_is_object(e) && (long)i != keep &&
		    json_is_true(json_object_get(e, "primary")))
			json_object_set_new(e, "primary", json_false());
	}
	if (keep < 0) {
		json_array_insert_new(emails, 0, work_email(value));
		return;
	}
	e = json_array_get(emails, (size_t)keep);
	json_object_set_new(e, "value", json_string(value));
	json_object_set_new(e, "type", json_string("work"));
	json_object_set_new(e, "primary", json_true());
}

json_t *scim_user_build_replace(json_t *current, const struct scim_user *d,
                                int roles_enabled)
{
	json_t *u = json_is_object(current) ? json_deep_copy(current)
	                                    : json_object();
	json_t *name;

	if (!u)
		return NULL;
	json_object_del(u, "id");
	json_object_del(u, "meta");
	if (!json_is_array(json_object_get(u, "schemas")))
		json_object_set_new(u, "schemas",
		                    json_pack("[s]", SCIM_USER_SCHEMA));
	json_object_set_new(u, "userName", json_string(d->user_name));
	name = json_object_get(u, "name");
	if (!json_is_object(name)) {
		name = json_object();
		json_object_set_new(u, "name", name);
	}
	json_object_set_new(name, "givenName", json_string(d->given_name));
	json_object_set_new(name, "familyName", json_string(d->family_name));
	replace_email(u, d->email);
	json_object_set_new(u, "active", json_boolean(d->active));
	if (d->timezone)
		json_object_set_new(u, "timezone", json_string(d->timezone));
	if (d->external_id)
		json_object_set_new(u, "externalId",
		                    json_string(d->external_id));
	if (roles_enabled && d->has_roles)
		json_object_set_new(u, "roles", roles_array(d));
	return u;
}

json_t *scim_user_export(json_t *resource)
{
	struct scim_user cur;
	json_t *out, *v;

	if (scim_user_parse_current(resource, &cur))
		return NULL;
	out = json_object();
	if (!out)
		return NULL;
	v = json_object_get(resource, "id");
	if (json_is_string(v) || json_is_integer(v))
		json_object_set(out, "id", v);
	if (cur.user_name)
		json_object_set_new(out, "userName",
		                    json_string(cur.user_name));
	if (cur.external_id)
		json_object_set_new(out, "externalId",
		                    json_string(cur.external_id));
	if (cur.given_name || cur.family_name) {
		json_t *name = json_object();
		if (cur.given_name)
			json_object_set_new(name, "givenName",
			                    json_string(cur.given_name));
		if (cur.family_name)
			json_object_set_new(name, "familyName",
			                    json_string(cur.family_name));
		json_object_set_new(out, "name", name);
	}
	v = json_object_get(resource, "emails");
	if (json_is_array(v))
		json_object_set_new(out, "emails", json_deep_copy(v));
	json_object_set_new(out, "active", json_boolean(cur.active));
	if (cur.timezone)
		json_object_set_new(out, "timezone", json_string(cur.timezone));
	if (cur.has_roles)
		json_object_set_new(out, "roles", roles_array(&cur));
	return out;
}

int scim_is_list_response(json_t *root)
{
	json_t *schemas, *v;
	size_t i;

	if (!json_is_object(root))
		return 0;
	if (json_is_integer(json_object_get(root, "totalResults")) ||
	    json_is_array(json_object_get(root, "Resources")))
		return 1;
	schemas = json_object_get(root, "schemas");
	json_array_foreach(schemas, i, v)
	{
		if (json_is_string(v) &&
		    strcmp(json_string_value(v), SCIM_LIST_SCHEMA) == 0)
			return 1;
	}
	return 0;
}

int scim_list_find_attr(json_t *list, const char *attr, const char *value,
                        int case_exact, json_t **found, size_t *n_matches)
{
	json_t *resources, *r;
	size_t i;

	*found = NULL;
	*n_matches = 0;
	if (!scim_is_list_response(list))
		return -1;
	resources = json_object_get(list, "Resources");
	json_array_foreach(resources, i, r)
	{
		const char *v = get_str(r, attr);
		if (case_exact ? !str_eq(v, value)
		               : !scim_user_ascii_caseeq(v, value))
			continue;
		if (!*found)
			*found = r;
		(*n_matches)++;
	}
	return 0;
}

int scim_list_find_user(json_t *list, const char *user_name, json_t **found,
                        size_t *n_matches)
{
	return scim_list_find_attr(list, "userName", user_name, 0, found,
	                           n_matches);
}
