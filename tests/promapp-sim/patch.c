/* PatchOp application with Promapp's PATCH restrictions (see patch.h). */
#include "patch.h"

#include "user_json.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define USER_URN_PREFIX SCIM_USER_SCHEMA ":"

enum patch_op { OP_ADD, OP_REPLACE, OP_REMOVE };

/* A parsed target: attr[.sub] or emails[FATTR eq "FVALUE"][.sub]. */
struct patch_path {
	char attr[64];
	char sub[64];
	char fattr[16];
	char fvalue[256];
	bool has_filter;
};

/* Core User attributes that exist but which Promapp's PATCH cannot change. */
static const char *const read_only_attrs[] = {
        "userName",     "active",
        "timezone",     "roles",
        "id",           "meta",
        "externalId",   "displayName",
        "title",        "nickName",
        "userType",     "preferredLanguage",
        "locale",       "password",
        "schemas",      "phoneNumbers",
        "addresses",    "photos",
        "ims",          "groups",
        "entitlements", "x509Certificates",
        "profileUrl",
};

static int not_patchable(struct scim_error *err, const char *what)
{
	size_t i;

	for (i = 0; i < sizeof(read_only_attrs) / sizeof(read_only_attrs[0]);
	     i++)
		if (strcasecmp(what, read_only_attrs[i]) == 0) {
			scim_error_set(err, 400, "mutability",
			               "PATCH cannot change '%s': Promapp's "
			               "PATCH only updates name.givenName, "
			               "name.familyName and emails (use PUT)",
			               read_only_attrs[i]);
			return -1;
		}
	scim_error_set(err, 400, "invalidPath",
	               "unsupported PATCH path '%.100s': Promapp's PATCH only "
	               "updates name.givenName, name.familyName and emails",
	               what);
	return -1;
}

static bool copy_word(char *dst, size_t n, const char *s, size_t len)
{
	if (len == 0 || len >= n)
		return false;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return true;
}

/* Parses `emails[type eq "work"].value` style paths. */
static int parse_path(const char *text, struct patch_path *p,
                      struct scim_error *err)
{
	const char *s = text, *q, *close;

	memset(p, 0, sizeof(*p));
	if (strncasecmp(s, USER_URN_PREFIX, strlen(USER_URN_PREFIX)) == 0)
		s += strlen(USER_URN_PREFIX);
	q = s + strcspn(s, ".[");
	if (!copy_word(p->attr, sizeof(p->attr), s, (size_t)(q - s)))
		goto out_invalid;
	if (*q == '[') {
		/* [ATTR eq "VALUE"] */
		const char *a = q + 1, *sp = strchr(a, ' '), *v;

		if (!sp ||
		    !copy_word(p->fattr, sizeof(p->fattr), a, (size_t)(sp - a)))
			goto out_invalid;
		if (strncasecmp(sp, " eq \"", 5) != 0)
			goto out_invalid;
		v = sp + 5;
		close = strchr(v, '"');
		if (!close || close[1] != ']' ||
		    (close > v && !copy_word(p->fvalue, sizeof(p->fvalue), v,
		                             (size_t)(close - v))))
			goto out_invalid;
		p->has_filter = true;
		q = close + 2;
	}
	if (*q == '.') {
		if (!copy_word(p->sub, sizeof(p->sub), q + 1, strlen(q + 1)) ||
		    strpbrk(p->sub, ".[]\" "))
			goto out_invalid;
	} else if (*q) {
		goto out_invalid;
	}
	return 0;
out_invalid:
	scim_error_set(err, 400, "invalidPath", "malformed PATCH path '%.120s'",
	               text);
	return -1;
}

static int set_name_part(json_t *user, const char *part, enum patch_op op,
                         const json_t *value, struct scim_error *err)
{
	const char *key = strcasecmp(part, "givenName") == 0    ? "givenName"
	                  : strcasecmp(part, "familyName") == 0 ? "familyName"
	                                                        : NULL;
	if (!key) {
		scim_error_set(err, 400, "mutability",
		               "PATCH cannot change 'name.%.60s': Promapp's "
		               "PATCH only updates name.givenName, "
		               "name.familyName and emails",
		               part);
		return -1;
	}
	if (op == OP_REMOVE || !json_is_string(value) ||
	    json_string_length(value) == 0) {
		scim_error_set(err, 400, "invalidValue",
		               "name.%s is required and must be a non-empty "
		               "string",
		               key);
		return -1;
	}
	return json_object_set_new(json_object_get(user, "name"), key,
	                           json_string(json_string_value(value)));
}

static int set_name(json_t *user, enum patch_op op, const json_t *value,
                    struct scim_error *err)
{
	const char *k;
	json_t *v;

	if (op == OP_REMOVE || !json_is_object(value)) {
		scim_error_set(err, 400, "invalidValue",
		               "name must be an object with givenName and/or "
		               "familyName");
		return -1;
	}
	json_object_foreach((json_t *)value, k, v)
	{
		if (set_name_part(user, k, op, v, err) < 0)
			return -1;
	}
	return 0;
}

static json_t *user_emails(json_t *user)
{
	json_t *emails = json_object_get(user, "emails");

	if (!json_is_array(emails)) {
		emails = json_array();
		json_object_set_new(user, "emails", emails);
	}
	return emails;
}

/* emails (no filter): add appends, replace replaces, remove clears. */
static int set_emails(json_t *user, enum patch_op op, const json_t *value,
                      struct scim_error *err)
{
	json_t *emails = user_emails(user), *item, *email;
	size_t i;

	if (op == OP_REMOVE) {
		json_array_clear(emails);
		return 0;
	}
	if (json_is_object(value)) {
		email = user_email_from_json(value, err);
		if (!email)
			return -1;
		if (op == OP_REPLACE)
			json_array_clear(emails);
		return json_array_append_new(emails, email);
	}
	if (!json_is_array(value)) {
		scim_error_set(err, 400, "invalidValue",
		               "emails must be an array of email objects");
		return -1;
	}
	if (op == OP_REPLACE)
		json_array_clear(emails);
	json_array_foreach(value, i, item)
	{
		email = user_email_from_json(item, err);
		if (!email)
			return -1;
		json_array_append_new(emails, email);
	}
	return 0;
}

static bool email_selected(const json_t *email, const struct patch_path *p)
{
	const char *v = json_string_value(json_object_get_ci(email, p->fattr));

	if (!p->has_filter)
		return true;
	return v && strcasecmp(v, p->fvalue) == 0;
}

/* Sets the sub-attribute sub of email to value (validated). */
static int set_email_sub(json_t *email, const char *sub, const json_t *value,
                         struct scim_error *err)
{
	if (strcasecmp(sub, "value") == 0 || strcasecmp(sub, "type") == 0) {
		if (!json_is_string(value) || !json_string_length(value))
			goto out_invalid;
		return json_object_set_new(
		        email, strcasecmp(sub, "value") ? "type" : "value",
		        json_string(json_string_value(value)));
	}
	if (strcasecmp(sub, "primary") == 0) {
		if (!json_is_boolean(value))
			goto out_invalid;
		return json_object_set_new(email, "primary",
		                           json_boolean(json_is_true(value)));
	}
	scim_error_set(err, 400, "invalidPath",
	               "emails has no sub-attribute '%.60s'", sub);
	return -1;
out_invalid:
	scim_error_set(err, 400, "invalidValue", "invalid value for emails.%s",
	               sub);
	return -1;
}

/* emails[filter][.sub] and emails.sub targets. */
static int set_selected_emails(json_t *user, enum patch_op op,
                               const struct patch_path *p, const json_t *value,
                               struct scim_error *err)
{
	json_t *emails = user_emails(user), *email, *fresh;
	size_t i, matched = 0;

	if (p->has_filter && strcasecmp(p->fattr, "type") != 0 &&
	    strcasecmp(p->fattr, "value") != 0) {
		scim_error_set(err, 400, "invalidFilter",
		               "emails can be selected by type or value only");
		return -1;
	}
	for (i = 0; i < json_array_size(emails); i++) {
		email = json_array_get(emails, i);
		if (!email_selected(email, p))
			continue;
		matched++;
		if (op == OP_REMOVE) {
			json_array_remove(emails, i--);
			continue;
		}
		if (!p->sub[0]) {
			fresh = user_email_from_json(value, err);
			if (!fresh)
				return -1;
			json_array_set_new(emails, i, fresh);
		} else if (set_email_sub(email, p->sub, value, err) < 0) {
			return -1;
		}
	}
	if (matched || op == OP_REMOVE)
		return 0;
	if (op == OP_REPLACE || !p->has_filter ||
	    strcasecmp(p->fattr, "type") != 0 ||
	    strcasecmp(p->sub, "value") != 0) {
		scim_error_set(err, 400, "noTarget",
		               "no email matches the PATCH path");
		return -1;
	}
	/* add emails[type eq "X"].value with no such email: create it */
	fresh = json_pack("{s:s}", "type", p->fvalue);
	if (!fresh || set_email_sub(fresh, "value", value, err) < 0) {
		json_decref(fresh);
		return -1;
	}
	return json_array_append_new(emails, fresh);
}

/* Applies one operation on one path (text) with value (may be NULL). */
static int apply_path(json_t *user, enum patch_op op, const char *text,
                      const json_t *value, struct scim_error *err)
{
	struct patch_path p;

	if (parse_path(text, &p, err) < 0)
		return -1;
	if (op != OP_REMOVE && !value) {
		scim_error_set(err, 400, "invalidValue",
		               "PATCH %s needs a value",
		               op == OP_ADD ? "add" : "replace");
		return -1;
	}
	if (strcasecmp(p.attr, "name") == 0 && !p.has_filter)
		return p.sub[0] ? set_name_part(user, p.sub, op, value, err)
		                : set_name(user, op, value, err);
	if (strcasecmp(p.attr, "emails") == 0) {
		if (!p.has_filter && !p.sub[0])
			return set_emails(user, op, value, err);
		return set_selected_emails(user, op, &p, value, err);
	}
	return not_patchable(err, p.attr);
}

static int parse_op(const json_t *opj, enum patch_op *op,
                    struct scim_error *err)
{
	const char *s = json_string_value(json_object_get_ci(opj, "op"));

	if (s && strcasecmp(s, "add") == 0)
		*op = OP_ADD;
	else if (s && strcasecmp(s, "replace") == 0)
		*op = OP_REPLACE;
	else if (s && strcasecmp(s, "remove") == 0)
		*op = OP_REMOVE;
	else {
		scim_error_set(err, 400, "invalidSyntax",
		               "op must be add, replace or remove");
		return -1;
	}
	return 0;
}

static int apply_operation(json_t *user, const json_t *opj,
                           struct scim_error *err)
{
	json_t *path = json_object_get_ci(opj, "path");
	json_t *value = json_object_get_ci(opj, "value");
	enum patch_op op;
	const char *k;
	json_t *v;

	if (!json_is_object(opj)) {
		scim_error_set(err, 400, "invalidSyntax",
		               "each operation must be an object");
		return -1;
	}
	if (parse_op(opj, &op, err) < 0)
		return -1;
	if (path && !json_is_null(path)) {
		if (!json_is_string(path) || !json_string_length(path)) {
			scim_error_set(err, 400, "invalidPath",
			               "path must be a non-empty string");
			return -1;
		}
		return apply_path(user, op, json_string_value(path), value,
		                  err);
	}
	if (op == OP_REMOVE) {
		scim_error_set(err, 400, "noTarget", "remove needs a path");
		return -1;
	}
	if (!json_is_object(value)) {
		scim_error_set(err, 400, "invalidValue",
		               "an operation without path needs an object "
		               "value");
		return -1;
	}
	/* without path, each member of value is a path of its own */
	json_object_foreach(value, k, v)
	{
		if (apply_path(user, op, k, v, err) < 0)
			return -1;
	}
	return 0;
}

static bool has_patch_schema(const json_t *body)
{
	json_t *schemas = json_object_get_ci(body, "schemas"), *s;
	size_t i;

	json_array_foreach(schemas, i, s)
	{
		if (json_is_string(s) &&
		    strcmp(json_string_value(s), SCIM_PATCH_SCHEMA) == 0)
			return true;
	}
	return false;
}

int patch_apply(json_t *user, const json_t *body, struct scim_error *err)
{
	json_t *ops, *opj;
	size_t i;

	if (!json_is_object(body) || !has_patch_schema(body)) {
		scim_error_set(err, 400, "invalidSyntax",
		               "a PATCH body must be a PatchOp message "
		               "(schemas [\"" SCIM_PATCH_SCHEMA "\"])");
		return -1;
	}
	ops = json_object_get_ci(body, "Operations");
	if (!json_is_array(ops) || json_array_size(ops) == 0) {
		scim_error_set(err, 400, "invalidSyntax",
		               "Operations must be a non-empty array");
		return -1;
	}
	json_array_foreach(ops, i, opj)
	{
		if (apply_operation(user, opj, err) < 0)
			return -1;
	}
	if (json_array_size(json_object_get(user, "emails")) == 0)
		json_object_del(user, "emails");
	return 0;
}
