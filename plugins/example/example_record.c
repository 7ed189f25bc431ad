/* Records: what the host sends (the desired state of one person, as a
 * SCIM-like User; see "Records" in connector.h) and what we store.
 *
 * Read strictly and BEFORE any I/O: a record that is not what we expect is
 * PROVHOST_E_INVALID_INPUT (permanent: the host will not retry it), and it
 * must never cost a request to the target.
 *
 * What this connector reads from a desired record:
 *   userName                 required, non-empty string
 *   name.givenName/familyName  optional strings
 *   emails                   optional; the primary one, else type "work",
 *                            else the first ({"value": ...})
 *   timezone                 optional string; managed only when given
 *   active                   optional boolean, default true
 *   roles                    optional array of {"display"} objects or
 *                            strings; managed only when given
 */
#include "example.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static int invalid(provhost_error *err, const char *what, const char *field)
{
	return example_fail(err, PROVHOST_E_INVALID_INPUT, 0,
	                    "invalid record: '%s' %s", field, what);
}

/* A usable string: no NUL bytes, no control characters, bounded. */
static int string_ok(json_t *v, int allow_empty)
{
	const char *s = json_string_value(v);

	if (!s || strlen(s) != json_string_length(v) ||
	    strlen(s) > EXAMPLE_MAX_FIELD || (!allow_empty && !*s))
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* Loads the JSON text (NULL or "" is not a record). */
static int load(const char *json, size_t len, const char *what, json_t **root,
                provhost_error *err)
{
	json_error_t jerr;

	*root = NULL;
	if (!json || len == 0)
		return example_fail(err, PROVHOST_E_INVALID_INPUT, 0,
		                    "the %s is empty", what);
	*root = json_loadb(json, len, 0, &jerr);
	if (!*root)
		return example_fail(err, PROVHOST_E_INVALID_INPUT, 0,
		                    "the %s is not valid JSON: %.200s", what,
		                    jerr.text);
	if (!json_is_object(*root))
		return example_fail(err, PROVHOST_E_INVALID_INPUT, 0,
		                    "the %s is not a JSON object", what);
	return PROVHOST_OK;
}

static const char *pick_email(json_t *emails)
{
	json_t *e, *first = NULL, *work = NULL;
	size_t i;

	json_array_foreach(emails, i, e)
	{
		if (!first)
			first = e;
		if (json_is_true(json_object_get(e, "primary")))
			return json_string_value(json_object_get(e, "value"));
		if (!work && json_is_string(json_object_get(e, "type")) &&
		    strcmp(json_string_value(json_object_get(e, "type")),
		           "work") == 0)
			work = e;
	}
	e = work ? work : first;
	return e ? json_string_value(json_object_get(e, "value")) : NULL;
}

static int parse_emails(json_t *emails, struct example_person *out,
                        provhost_error *err)
{
	json_t *e;
	size_t i;

	if (!emails)
		return PROVHOST_OK;
	if (!json_is_array(emails))
		return invalid(err, "must be an array", "emails");
	json_array_foreach(emails, i, e)
	{
		if (!json_is_object(e) ||
		    !string_ok(json_object_get(e, "value"), 0))
			return invalid(err,
			               "must hold objects with a non-empty "
			               "string \"value\"",
			               "emails");
	}
	out->email = pick_email(emails);
	return PROVHOST_OK;
}

/* Normalises roles into a new array of names the person owns. */
static int parse_roles(json_t *record, struct example_person *out,
                       provhost_error *err)
{
	json_t *roles = json_object_get(record, "roles"), *r, *names;
	size_t i;

	if (!roles)
		return PROVHOST_OK;
	if (!json_is_array(roles))
		return invalid(err, "must be an array", "roles");
	names = json_array();
	if (!names)
		return example_fail(err, PROVHOST_E_INTERNAL, 0,
		                    "out of memory");
	json_array_foreach(roles, i, r)
	{
		json_t *name =
		        json_is_object(r) ? json_object_get(r, "display") : r;
		if (!string_ok(name, 0)) {
			json_decref(names);
			return invalid(err,
			               "must hold strings or {\"display\": "
			               "\"name\"} objects",
			               "roles");
		}
		json_array_append(names, name);
	}
	out->roles = names;
	return PROVHOST_OK;
}

int example_person_parse(const char *json, size_t len, json_t **root,
                         struct example_person *out, provhost_error *err)
{
	json_t *v, *name;
	int rc;

	memset(out, 0, sizeof *out);
	out->given_name = "";
	out->family_name = "";
	out->active = 1;
	rc = load(json, len, "desired record", root, err);
	if (rc != PROVHOST_OK)
		return rc;
	v = json_object_get(*root, "userName");
	if (!string_ok(v, 0))
		return invalid(err, "is required: a non-empty string",
		               "userName");
	out->user_name = json_string_value(v);
	name = json_object_get(*root, "name");
	if (name && !json_is_object(name))
		return invalid(err, "must be an object", "name");
	if ((v = json_object_get(name, "givenName"))) {
		if (!string_ok(v, 1))
			return invalid(err, "must be a string",
			               "name.givenName");
		out->given_name = json_string_value(v);
	}
	if ((v = json_object_get(name, "familyName"))) {
		if (!string_ok(v, 1))
			return invalid(err, "must be a string",
			               "name.familyName");
		out->family_name = json_string_value(v);
	}
	rc = parse_emails(json_object_get(*root, "emails"), out, err);
	if (rc != PROVHOST_OK)
		return rc;
	if ((v = json_object_get(*root, "timezone"))) {
		if (!string_ok(v, 0))
			return invalid(err, "must be a non-empty string",
			               "timezone");
		out->timezone = json_string_value(v);
	}
	if ((v = json_object_get(*root, "active"))) {
		if (!json_is_boolean(v))
			return invalid(err, "must be true or false", "active");
		out->active = json_is_true(v);
	}
	return parse_roles(*root, out, err);
}

void example_person_release(struct example_person *person)
{
	json_decref(person->roles);
	person->roles = NULL;
}

int example_identity_parse(const char *json, size_t len, json_t **root,
                           const char **user_name, provhost_error *err)
{
	json_t *v;
	int rc;

	*root = NULL;
	*user_name = NULL;
	if (!json || len == 0)
		return PROVHOST_OK;
	rc = load(json, len, "identity record", root, err);
	if (rc != PROVHOST_OK)
		return rc;
	v = json_object_get(*root, "userName");
	if (v && !string_ok(v, 0))
		return invalid(err, "must be a non-empty string", "userName");
	*user_name = json_string_value(v);
	return PROVHOST_OK;
}

int example_account_active(json_t *account)
{
	return !json_is_false(json_object_get(account, "active"));
}

static const char *str_or(json_t *v, const char *dflt)
{
	return json_is_string(v) ? json_string_value(v) : dflt;
}

/* Roles as sets of names: same size and every wanted name present. */
static int roles_equal(json_t *stored, json_t *wanted)
{
	json_t *w, *s;
	size_t i, j;

	if (json_array_size(stored) != json_array_size(wanted))
		return 0;
	json_array_foreach(wanted, i, w)
	{
		int found = 0;
		json_array_foreach(stored, j, s)
		{
			if (json_equal(json_object_get(s, "display"), w))
				found = 1;
		}
		if (!found)
			return 0;
	}
	return 1;
}

unsigned example_account_diff(json_t *account,
                              const struct example_person *want)
{
	json_t *name = json_object_get(account, "name");
	const char *email = NULL;
	unsigned diff = 0;

	if (strcmp(str_or(json_object_get(account, "userName"), ""),
	           want->user_name) != 0)
		diff |= EXAMPLE_DIFF_USERNAME;
	if (strcmp(str_or(json_object_get(name, "givenName"), ""),
	           want->given_name) != 0 ||
	    strcmp(str_or(json_object_get(name, "familyName"), ""),
	           want->family_name) != 0)
		diff |= EXAMPLE_DIFF_NAME;
	email = pick_email(json_object_get(account, "emails"));
	if ((email == NULL) != (want->email == NULL) ||
	    (email && strcasecmp(email, want->email) != 0))
		diff |= EXAMPLE_DIFF_EMAIL;
	if (want->timezone &&
	    strcmp(str_or(json_object_get(account, "timezone"), ""),
	           want->timezone) != 0)
		diff |= EXAMPLE_DIFF_TIMEZONE;
	if (want->roles &&
	    !roles_equal(json_object_get(account, "roles"), want->roles))
		diff |= EXAMPLE_DIFF_ROLES;
	if (example_account_active(account) != want->active)
		diff |= EXAMPLE_DIFF_ACTIVE;
	return diff;
}

void example_diff_names(unsigned diff, char *out, size_t out_len)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
	        {EXAMPLE_DIFF_USERNAME, "userName"},
	        {EXAMPLE_DIFF_NAME, "name"},
	        {EXAMPLE_DIFF_EMAIL, "email"},
	        {EXAMPLE_DIFF_TIMEZONE, "timezone"},
	        {EXAMPLE_DIFF_ROLES, "roles"},
	        {EXAMPLE_DIFF_ACTIVE, "active"},
	};
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(diff & names[i].bit) || used >= out_len)
			continue;
		int n = snprintf(out + used, out_len - used, "%s%s",
		                 used ? ", " : "", names[i].name);
		if (n > 0)
			used += (size_t)n;
	}
}

static json_t *role_objects(json_t *names)
{
	json_t *out = json_array(), *n;
	size_t i;

	json_array_foreach(names, i, n)
	        json_array_append_new(out, json_pack("{s:O}", "display", n));
	return out;
}

int example_account_apply(json_t *account, const struct example_person *want,
                          int is_new)
{
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	json_t *meta;
	int rc = 0;

	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	rc |= json_object_set_new(account, "userName",
	                          json_string(want->user_name));
	rc |= json_object_set_new(account, "name",
	                          json_pack("{s:s,s:s}", "givenName",
	                                    want->given_name, "familyName",
	                                    want->family_name));
	if (want->email)
		rc |= json_object_set_new(account, "emails",
		                          json_pack("[{s:s,s:s,s:b}]", "value",
		                                    want->email, "type", "work",
		                                    "primary", 1));
	else
		json_object_del(account, "emails");
	if (want->timezone)
		rc |= json_object_set_new(account, "timezone",
		                          json_string(want->timezone));
	if (want->roles)
		rc |= json_object_set_new(account, "roles",
		                          role_objects(want->roles));
	rc |= json_object_set_new(account, "active",
	                          json_boolean(want->active));
	meta = json_object_get(account, "meta");
	if (!json_is_object(meta)) {
		meta = json_object();
		rc |= json_object_set_new(account, "meta", meta);
	}
	if (is_new)
		rc |= json_object_set_new(meta, "created", json_string(now));
	rc |= json_object_set_new(meta, "lastModified", json_string(now));
	return rc ? -1 : 0;
}
