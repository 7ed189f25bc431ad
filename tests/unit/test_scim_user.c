/* Unit tests for the SCIM user model (plugins/scimclient/scim_user.c):
 * parsing desired and current state, the comparison rules, the POST/PUT
 * bodies, and hostile JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scimclient/scim_user.h"

static const char desired_json[] =
        "{\"userName\":\"jdoe@example.org\",\"name\":{\"givenName\":\"Jane\","
        "\"familyName\":\"Doe\"},\"emails\":[{\"value\":\"jdoe@example.org\","
        "\"type\":\"work\",\"primary\":true}],\"timezone\":\"Europe/Berlin\","
        "\"roles\":[{\"display\":\"Viewer\"},{\"display\":\"Modeller\"}]}";

static const char current_json[] =
        "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
        "\"id\":\"42\",\"userName\":\"jdoe@example.org\",\"name\":{"
        "\"givenName\":\"Jane\",\"familyName\":\"Doe\",\"formatted\":\"Jane "
        "Doe\"},\"emails\":[{\"value\":\"home@example.org\",\"type\":"
        "\"home\"},{\"value\":\"JDOE@example.org\",\"type\":\"work\","
        "\"primary\":true}],\"timezone\":\"Europe/Berlin\",\"active\":true,"
        "\"roles\":[{\"display\":\"Modeller\"},{\"value\":\"Viewer\"}],"
        "\"title\":\"Engineer\",\"meta\":{\"resourceType\":\"User\"}}";

static json_t *load(const char *s)
{
	json_t *j = json_loads(s, 0, NULL);
	assert_non_null(j);
	return j;
}

static void parse_desired_reads_managed_attributes(void **state)
{
	json_t *j = load(desired_json);
	struct scim_user u;
	char why[128];

	assert_int_equal(scim_user_parse_desired(j, &u, why, sizeof why), 0);
	assert_string_equal(u.user_name, "jdoe@example.org");
	assert_string_equal(u.given_name, "Jane");
	assert_string_equal(u.family_name, "Doe");
	assert_string_equal(u.email, "jdoe@example.org");
	assert_string_equal(u.timezone, "Europe/Berlin");
	assert_int_equal(u.active, 1);
	assert_int_equal(u.has_roles, 1);
	assert_int_equal(u.n_roles, 2);
	assert_string_equal(u.roles[1], "Modeller");
	json_decref(j);
}

static void equal_states_have_no_diff(void **state)
{
	json_t *d = load(desired_json), *c = load(current_json);
	struct scim_user want, cur;
	char why[128];

	assert_int_equal(scim_user_parse_desired(d, &want, why, sizeof why), 0);
	assert_int_equal(scim_user_parse_current(c, &cur), 0);
	assert_string_equal(cur.id, "42");
	/* email differs only in case, roles only in order and form */
	assert_int_equal(scim_user_diff(&want, &cur, 1), 0);
	json_decref(d);
	json_decref(c);
}

/* Applies a change to the current JSON and returns the diff bits. */
static unsigned diff_after(const char *key_path, json_t *value,
                           int roles_enabled)
{
	json_t *d = load(desired_json), *c = load(current_json);
	struct scim_user want, cur;
	char why[128];
	unsigned bits;

	if (strcmp(key_path, "name.givenName") == 0)
		json_object_set_new(json_object_get(c, "name"), "givenName",
		                    value);
	else if (strcmp(key_path, "email") == 0)
		json_object_set_new(
		        json_array_get(json_object_get(c, "emails"), 1),
		        "value", value);
	else
		json_object_set_new(c, key_path, value);
	scim_user_parse_desired(d, &want, why, sizeof why);
	scim_user_parse_current(c, &cur);
	bits = scim_user_diff(&want, &cur, roles_enabled);
	json_decref(d);
	json_decref(c);
	return bits;
}

static void diff_rules(void **state)
{
	assert_int_equal(
	        diff_after("userName", json_string("JDoe@example.org"), 1),
	        SCIM_DIFF_USERNAME);
	assert_int_equal(diff_after("name.givenName", json_string("jane"), 1),
	                 SCIM_DIFF_NAME);
	assert_int_equal(
	        diff_after("email", json_string("other@example.org"), 1),
	        SCIM_DIFF_EMAIL);
	assert_int_equal(diff_after("timezone", json_string("UTC"), 1),
	                 SCIM_DIFF_TIMEZONE);
	assert_int_equal(diff_after("active", json_false(), 1),
	                 SCIM_DIFF_ACTIVE);
	/* active missing counts as active */
	assert_int_equal(diff_after("active", json_null(), 1), 0);
	assert_int_equal(diff_after("roles",
	                            json_pack("[{s:s}]", "display", "Viewer"),
	                            1),
	                 SCIM_DIFF_ROLES);
	/* role names are case-sensitive */
	assert_int_equal(diff_after("roles",
	                            json_pack("[{s:s},{s:s}]", "display",
	                                      "viewer", "display", "Modeller"),
	                            1),
	                 SCIM_DIFF_ROLES);
	/* duplicates do not matter for a set */
	assert_int_equal(
	        diff_after("roles",
	                   json_pack("[s,s,s]", "Viewer", "Modeller", "Viewer"),
	                   1),
	        0);
	/* roles disabled: never compared */
	assert_int_equal(diff_after("roles", json_array(), 0), 0);
}

static void timezone_only_compared_when_desired(void **state)
{
	json_t *d = load(desired_json), *c = load(current_json);
	struct scim_user want, cur;
	char why[128];

	json_object_del(d, "timezone");
	json_object_set_new(c, "timezone", json_string("UTC"));
	scim_user_parse_desired(d, &want, why, sizeof why);
	scim_user_parse_current(c, &cur);
	assert_null(want.timezone);
	assert_int_equal(scim_user_diff(&want, &cur, 1), 0);
	json_decref(d);
	json_decref(c);
}

static void replace_body_keeps_unmanaged_attributes(void **state)
{
	json_t *d = load(desired_json), *c = load(current_json), *body;
	struct scim_user want;
	char why[128];

	json_object_set_new(json_object_get(d, "name"), "givenName",
	                    json_string("Janet"));
	json_object_set_new(d, "roles", json_pack("[{s:s}]", "display", "X"));
	scim_user_parse_desired(d, &want, why, sizeof why);
	body = scim_user_build_replace(c, &want, 1);
	assert_non_null(body);
	assert_null(json_object_get(body, "id"));
	assert_null(json_object_get(body, "meta"));
	assert_string_equal(json_string_value(json_object_get(body, "title")),
	                    "Engineer");
	json_t *name = json_object_get(body, "name");
	assert_string_equal(
	        json_string_value(json_object_get(name, "givenName")), "Janet");
	assert_string_equal(
	        json_string_value(json_object_get(name, "formatted")),
	        "Jane Doe");
	json_t *emails = json_object_get(body, "emails");
	assert_int_equal(json_array_size(emails), 2);
	assert_string_equal(json_string_value(json_object_get(
	                            json_array_get(emails, 0), "value")),
	                    "home@example.org");
	assert_string_equal(json_string_value(json_object_get(
	                            json_array_get(emails, 1), "value")),
	                    "jdoe@example.org");
	assert_true(json_is_true(json_object_get(body, "active")));
	json_t *roles = json_object_get(body, "roles");
	assert_int_equal(json_array_size(roles), 1);
	assert_string_equal(json_string_value(json_object_get(
	                            json_array_get(roles, 0), "display")),
	                    "X");
	json_decref(body);
	/* roles disabled: the current roles stay untouched */
	body = scim_user_build_replace(c, &want, 0);
	assert_int_equal(json_array_size(json_object_get(body, "roles")), 2);
	json_decref(body);
	json_decref(d);
	json_decref(c);
}

static void create_body(void **state)
{
	json_t *d = load(desired_json), *body;
	struct scim_user want;
	char why[128], *text;

	scim_user_parse_desired(d, &want, why, sizeof why);
	body = scim_user_build_create(&want, 0);
	text = json_dumps(body, JSON_COMPACT);
	assert_string_equal(
	        text,
	        "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
	        "\"userName\":\"jdoe@example.org\",\"name\":{\"givenName\":"
	        "\"Jane\",\"familyName\":\"Doe\"},\"emails\":[{\"value\":"
	        "\"jdoe@example.org\",\"type\":\"work\",\"primary\":true}],"
	        "\"active\":true,\"timezone\":\"Europe/Berlin\"}");
	free(text);
	json_decref(body);
	body = scim_user_build_create(&want, 1);
	assert_int_equal(json_array_size(json_object_get(body, "roles")), 2);
	json_decref(body);
	json_decref(d);
}

struct hostile {
	const char *json;
	const char *why; /* substring of the reason */
};

static void hostile_desired_records_are_rejected(void **state)
{
	static const struct hostile cases[] = {
	        {"[]", "must be a JSON object"},
	        {"{}", "userName must be a non-empty string"},
	        {"{\"userName\":42}", "userName must be"},
	        {"{\"userName\":\"\"}", "userName must be"},
	        {"{\"userName\":\"a\"}", "name must be an object"},
	        {"{\"userName\":\"a\",\"name\":\"A B\"}", "name must be"},
	        {"{\"userName\":\"a\",\"name\":{\"givenName\":1}}",
	         "name.givenName"},
	        {"{\"userName\":\"a\",\"name\":{\"givenName\":\"A\"}}",
	         "name.familyName"},
	        {"{\"userName\":\"a\",\"name\":{\"givenName\":\"A\","
	         "\"familyName\":\"B\"}}",
	         "emails must be an array"},
	        {"{\"userName\":\"a\",\"name\":{\"givenName\":\"A\","
	         "\"familyName\":\"B\"},\"emails\":[{\"value\":7}]}",
	         "emails[].value"},
	        {"{\"userName\":\"a\",\"name\":{\"givenName\":\"A\","
	         "\"familyName\":\"B\"},\"emails\":[\"a@b\"]}",
	         "emails[].value"},
	        {"{\"userName\":\"a\",\"name\":{\"givenName\":\"A\","
	         "\"familyName\":\"B\"},\"emails\":[{\"value\":\"a@b\"}],"
	         "\"active\":\"yes\"}",
	         "active must be a boolean"},
	        {"{\"userName\":\"a\",\"name\":{\"givenName\":\"A\","
	         "\"familyName\":\"B\"},\"emails\":[{\"value\":\"a@b\"}],"
	         "\"timezone\":5}",
	         "timezone"},
	        {"{\"userName\":\"a\",\"name\":{\"givenName\":\"A\","
	         "\"familyName\":\"B\"},\"emails\":[{\"value\":\"a@b\"}],"
	         "\"roles\":{\"display\":\"X\"}}",
	         "roles must be an array"},
	        {"{\"userName\":\"a\",\"name\":{\"givenName\":\"A\","
	         "\"familyName\":\"B\"},\"emails\":[{\"value\":\"a@b\"}],"
	         "\"roles\":[{\"display\":\"X\"},{\"nope\":1}]}",
	         "roles[1].display"},
	};
	struct scim_user u;
	char why[160];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *j = load(cases[i].json);
		if (scim_user_parse_desired(j, &u, why, sizeof why) == 0)
			fail_msg("accepted %s", cases[i].json);
		if (!strstr(why, cases[i].why))
			fail_msg("%s: '%s' lacks '%s'", cases[i].json, why,
			         cases[i].why);
		json_decref(j);
	}
}

static void huge_strings_and_many_roles_are_rejected(void **state)
{
	size_t big = SCIM_USER_MAX_FIELD + 1;
	char *s = malloc(big + 1);
	struct scim_user u;
	char why[160];

	memset(s, 'x', big);
	s[big] = '\0';
	json_t *j = load(desired_json);
	json_object_set_new(j, "userName", json_string(s));
	assert_int_equal(scim_user_parse_desired(j, &u, why, sizeof why), -1);
	assert_non_null(strstr(why, "userName is longer than 1024 bytes"));
	json_decref(j);

	j = load(desired_json);
	json_t *roles = json_array();
	for (int i = 0; i <= SCIM_USER_MAX_ROLES; i++)
		json_array_append_new(roles, json_string("R"));
	json_object_set_new(j, "roles", roles);
	assert_int_equal(scim_user_parse_desired(j, &u, why, sizeof why), -1);
	assert_non_null(strstr(why, "roles has more than 64 entries"));
	json_decref(j);
	free(s);
}

static void hostile_current_resources_are_tolerated(void **state)
{
	struct scim_user u;
	json_t *j;

	assert_int_equal(scim_user_parse_current(NULL, &u), -1);
	j = load("[1,2]");
	assert_int_equal(scim_user_parse_current(j, &u), -1);
	json_decref(j);
	j = load("{\"id\":5,\"userName\":[],\"name\":7,\"emails\":{},"
	         "\"active\":\"false\",\"roles\":[1,{\"display\":2},null,"
	         "\"A\"]}");
	assert_int_equal(scim_user_parse_current(j, &u), 0);
	assert_null(u.id);
	assert_null(u.user_name);
	assert_null(u.given_name);
	assert_null(u.email);
	assert_int_equal(u.active, 1);
	assert_int_equal(u.n_roles, 1);
	assert_string_equal(u.roles[0], "A");
	json_decref(j);
	/* more roles than we track: counted as different */
	j = load("{\"roles\":[]}");
	for (int i = 0; i < SCIM_USER_MAX_ROLES + 5; i++)
		json_array_append_new(json_object_get(j, "roles"),
		                      json_string("R"));
	assert_int_equal(scim_user_parse_current(j, &u), 0);
	assert_int_equal(u.roles_overflow, 1);
	json_decref(j);
}

static void list_lookup_matches_ignoring_case(void **state)
{
	json_t *found, *list;
	size_t n;

	list = load("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:"
	            "ListResponse\"],\"totalResults\":2,\"Resources\":[{"
	            "\"id\":\"1\",\"userName\":\"other\"},{\"id\":\"2\","
	            "\"userName\":\"JDoe@Example.org\"}]}");
	assert_int_equal(
	        scim_list_find_user(list, "jdoe@example.org", &found, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(json_string_value(json_object_get(found, "id")),
	                    "2");
	assert_int_equal(scim_list_find_user(list, "nobody", &found, &n), 0);
	assert_null(found);
	json_decref(list);
	list = load("{\"Resources\":\"nope\",\"totalResults\":\"x\"}");
	assert_int_equal(scim_list_find_user(list, "a", &found, &n), -1);
	json_decref(list);
	list = load("{\"totalResults\":0}");
	assert_int_equal(scim_list_find_user(list, "a", &found, &n), 0);
	assert_null(found);
	json_decref(list);
}

static void export_has_the_reported_attributes(void **state)
{
	json_t *c = load(current_json), *e = scim_user_export(c);
	char *text = json_dumps(e, JSON_COMPACT);

	assert_string_equal(
	        text,
	        "{\"id\":\"42\",\"userName\":\"jdoe@example.org\",\"name\":"
	        "{\"givenName\":\"Jane\",\"familyName\":\"Doe\"},"
	        "\"emails\":[{\"value\":\"home@example.org\",\"type\":"
	        "\"home\"},{\"value\":\"JDOE@example.org\",\"type\":"
	        "\"work\",\"primary\":true}],\"active\":true,"
	        "\"timezone\":\"Europe/Berlin\",\"roles\":[{\"display\":"
	        "\"Modeller\"},{\"display\":\"Viewer\"}]}");
	free(text);
	json_decref(e);
	json_decref(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(parse_desired_reads_managed_attributes),
	        cmocka_unit_test(equal_states_have_no_diff),
	        cmocka_unit_test(diff_rules),
	        cmocka_unit_test(timezone_only_compared_when_desired),
	        cmocka_unit_test(replace_body_keeps_unmanaged_attributes),
	        cmocka_unit_test(create_body),
	        cmocka_unit_test(hostile_desired_records_are_rejected),
	        cmocka_unit_test(huge_strings_and_many_roles_are_rejected),
	        cmocka_unit_test(hostile_current_resources_are_tolerated),
	        cmocka_unit_test(list_lookup_matches_ignoring_case),
	        cmocka_unit_test(export_has_the_reported_attributes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
