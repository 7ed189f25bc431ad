/* Validation of client user representations (see user_json.h). */
#include "user_json.h"

#include <string.h>

/* A required non-empty string member, or NULL with err set. */
static const char *required_string(const json_t *obj, const char *key,
                                   const char *what, struct scim_error *err)
{
	json_t *v = json_object_get_ci(obj, key);

	if (!json_is_string(v) || json_string_length(v) == 0) {
		scim_error_set(err, 400, "invalidValue",
		               "%s is required and must be a non-empty string",
		               what);
		return NULL;
	}
	return json_string_value(v);
}

json_t *user_email_from_json(const json_t *in, struct scim_error *err)
{
	json_t *out, *type, *primary;
	const char *value;

	if (!json_is_object(in)) {
		scim_error_set(err, 400, "invalidValue",
		               "each email must be an object with a value");
		return NULL;
	}
	value = required_string(in, "value", "emails[].value", err);
	if (!value)
		return NULL;
	type = json_object_get_ci(in, "type");
	primary = json_object_get_ci(in, "primary");
	if ((type && !json_is_null(type) && !json_is_string(type)) ||
	    (primary && !json_is_null(primary) && !json_is_boolean(primary))) {
		scim_error_set(err, 400, "invalidValue",
		               "emails[].type must be a string and "
		               "emails[].primary a boolean");
		return NULL;
	}
	out = json_pack("{s:s}", "value", value);
	if (out && json_is_string(type))
		json_object_set(out, "type", type);
	if (out && json_is_boolean(primary))
		json_object_set(out, "primary", primary);
	if (!out)
		scim_error_set(err, 500, NULL, "out of memory");
	return out;
}

/* Builds the emails array into out; returns 0 or -1 with err set. */
static int copy_emails(json_t *out, const json_t *emails,
                       struct scim_error *err)
{
	json_t *list, *item, *email;
	size_t i;

	if (!emails || json_is_null(emails))
		return 0;
	if (!json_is_array(emails)) {
		scim_error_set(err, 400, "invalidValue",
		               "emails must be an array");
		return -1;
	}
	if (json_array_size(emails) == 0)
		return 0;
	list = json_array();
	if (!list)
		goto out_nomem;
	json_array_foreach(emails, i, item)
	{
		email = user_email_from_json(item, err);
		if (!email) {
			json_decref(list);
			return -1;
		}
		json_array_append_new(list, email);
	}
	json_object_set_new(out, "emails", list);
	return 0;
out_nomem:
	scim_error_set(err, 500, NULL, "out of memory");
	return -1;
}

/* The role's name: a string, or an object's display (else value). */
static const char *role_name(const json_t *role)
{
	json_t *v;

	if (json_is_string(role))
		return json_string_value(role);
	v = json_object_get_ci(role, "display");
	if (!json_is_string(v))
		v = json_object_get_ci(role, "value");
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int copy_roles(json_t *out, const json_t *roles,
                      const struct role_list *known, struct scim_error *err)
{
	json_t *list, *item;
	const char *name;
	size_t i;

	if (!roles || json_is_null(roles))
		return 0;
	if (!json_is_array(roles)) {
		scim_error_set(err, 400, "invalidValue",
		               "roles must be an array");
		return -1;
	}
	if (json_array_size(roles) == 0)
		return 0;
	list = json_array();
	if (!list) {
		scim_error_set(err, 500, NULL, "out of memory");
		return -1;
	}
	json_array_foreach(roles, i, item)
	{
		name = role_name(item);
		if (!name || !*name) {
			scim_error_set(err, 400, "invalidValue",
			               "each role needs a display name");
			goto out_free_list;
		}
		if (known && !role_list_contains(known, name)) {
			scim_error_set(err, 400, "invalidValue",
			               "Role not found: %s", name);
			goto out_free_list;
		}
		json_array_append_new(list,
		                      json_pack("{s:s}", "display", name));
	}
	json_object_set_new(out, "roles", list);
	return 0;
out_free_list:
	json_decref(list);
	return -1;
}

json_t *user_attrs_from_json(const json_t *in, const struct role_list *roles,
                             struct scim_error *err)
{
	const char *user_name, *given, *family;
	json_t *out, *name, *timezone, *active, *external_id;

	if (!json_is_object(in)) {
		scim_error_set(err, 400, "invalidSyntax",
		               "the request body must be a JSON object");
		return NULL;
	}
	user_name = required_string(in, "userName", "userName", err);
	if (!user_name)
		return NULL;
	name = json_object_get_ci(in, "name");
	if (!json_is_object(name)) {
		scim_error_set(err, 400, "invalidValue",
		               "name (with givenName and familyName) is "
		               "required");
		return NULL;
	}
	given = required_string(name, "givenName", "name.givenName", err);
	family = given ? required_string(name, "familyName", "name.familyName",
	                                 err)
	               : NULL;
	if (!family)
		return NULL;
	timezone = json_object_get_ci(in, "timezone");
	if (timezone && !json_is_null(timezone) && !json_is_string(timezone)) {
		scim_error_set(err, 400, "invalidValue",
		               "timezone must be a string");
		return NULL;
	}
	external_id = json_object_get_ci(in, "externalId");
	if (external_id && !json_is_null(external_id) &&
	    !json_is_string(external_id)) {
		scim_error_set(err, 400, "invalidValue",
		               "externalId must be a string");
		return NULL;
	}
	active = json_object_get_ci(in, "active");
	if (active && !json_is_null(active) && !json_is_boolean(active)) {
		scim_error_set(err, 400, "invalidValue",
		               "active must be a boolean");
		return NULL;
	}
	out = json_pack("{s:s,s:{s:s,s:s}}", "userName", user_name, "name",
	                "givenName", given, "familyName", family);
	if (!out) {
		scim_error_set(err, 500, NULL, "out of memory");
		return NULL;
	}
	if (copy_emails(out, json_object_get_ci(in, "emails"), err) < 0)
		goto out_free;
	if (json_is_string(timezone))
		json_object_set(out, "timezone", timezone);
	if (json_is_string(external_id))
		json_object_set(out, "externalId", external_id);
	json_object_set_new(out, "active",
	                    json_boolean(!json_is_false(active)));
	if (copy_roles(out, json_object_get_ci(in, "roles"), roles, err) < 0)
		goto out_free;
	return out;
out_free:
	json_decref(out);
	return NULL;
}
