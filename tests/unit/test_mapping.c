/* Unit tests for host/mapping.c: defaults, configured templates, unknown
 * targets, the desired SCIM record and its render errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lifecycle/mapping.h"

static struct mapping *parse_ok(const char *text)
{
	struct path_error err = {0};
	struct mapping *map = NULL;
	json_t *obj = text ? json_loads(text, 0, NULL) : NULL;

	if (text)
		assert_non_null(obj);
	if (mapping_parse(obj, &map, &err))
		fail_msg("%s: %s", err.path, err.message);
	json_decref(obj);
	return map;
}

static void assert_parse_error(const char *text, const char *path,
                               const char *message)
{
	struct path_error err = {0};
	struct mapping *map = NULL;
	json_t *obj = json_loads(text, JSON_DECODE_ANY, NULL);

	assert_non_null(obj);
	assert_int_equal(mapping_parse(obj, &map, &err), -1);
	assert_null(map);
	assert_string_equal(err.path, path);
	assert_string_equal(err.message, message);
	json_decref(obj);
}

/* Applies map to the attributes in attrs_text; compares the compact,
 * key-sorted record with want. */
static void assert_record(const struct mapping *map, const char *attrs_text,
                          bool active, const char *roles_text, const char *want)
{
	json_t *attrs = json_loads(attrs_text, 0, NULL);
	json_t *roles = roles_text ? json_loads(roles_text, 0, NULL) : NULL;
	json_t *rec = NULL;
	char reason[256] = "", *got;

	assert_non_null(attrs);
	if (mapping_apply(map, attrs, active, roles, &rec, reason,
	                  sizeof(reason)))
		fail_msg("mapping_apply: %s", reason);
	got = json_dumps(rec, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(got, want);
	free(got);
	json_decref(rec);
	json_decref(roles);
	json_decref(attrs);
}

static void assert_apply_error(const struct mapping *map,
                               const char *attrs_text, const char *want)
{
	json_t *attrs = json_loads(attrs_text, 0, NULL);
	json_t *rec = NULL;
	char reason[256] = "";

	assert_int_equal(mapping_apply(map, attrs, true, NULL, &rec, reason,
	                               sizeof(reason)),
	                 -1);
	assert_null(rec);
	assert_string_equal(reason, want);
	json_decref(attrs);
}

static void test_defaults(void **state)
{
	struct mapping *map = parse_ok(NULL);

	assert_record(
	        map,
	        "{\"first_name\":\"Ana\",\"last_name\":\"Lopez\","
	        "\"email\":\"Ana.Lopez@Example.com\",\"timezone\":"
	        "\"Pacific/Auckland\",\"department\":\"Eng\"}",
	        true, NULL,
	        "{\"active\":true,\"emails\":[{\"primary\":true,\"type\":"
	        "\"work\",\"value\":\"Ana.Lopez@Example.com\"}],\"name\":{"
	        "\"familyName\":\"Lopez\",\"givenName\":\"Ana\"},"
	        "\"timezone\":\"Pacific/Auckland\",\"userName\":"
	        "\"ana.lopez@example.com\"}");
	/* timezone is optional: left out when missing */
	assert_record(map,
	              "{\"first_name\":\"Ana\",\"last_name\":\"Lopez\","
	              "\"email\":\"a@x.org\"}",
	              false, "[\"Modeller\",\"Viewer\"]",
	              "{\"active\":false,\"emails\":[{\"primary\":true,"
	              "\"type\":\"work\",\"value\":\"a@x.org\"}],\"name\":{"
	              "\"familyName\":\"Lopez\",\"givenName\":\"Ana\"},"
	              "\"roles\":[{\"display\":\"Modeller\"},{\"display\":"
	              "\"Viewer\"}],\"userName\":\"a@x.org\"}");
	assert_record(map,
	              "{\"first_name\":\"Ana\",\"last_name\":\"Lopez\","
	              "\"email\":\"a@x.org\"}",
	              true, "[]",
	              "{\"active\":true,\"emails\":[{\"primary\":true,"
	              "\"type\":\"work\",\"value\":\"a@x.org\"}],\"name\":{"
	              "\"familyName\":\"Lopez\",\"givenName\":\"Ana\"},"
	              "\"roles\":[],\"userName\":\"a@x.org\"}");
	mapping_free(map);
}

static void test_configured(void **state)
{
	struct mapping *map = parse_ok(
	        "{\"userName\": \"{first_name|first|lower}{last_name|lower}\","
	        " \"displayName\": \"{first_name} {last_name}\","
	        " \"email\": \"{work_email?}\","
	        " \"givenName\": \"{preferred_name|default:Friend}\","
	        " \"timezone\": \"{tz|default:UTC}\"}");

	assert_record(
	        map, "{\"first_name\":\"Ana\",\"last_name\":\"Lopez\"}", true,
	        NULL,
	        "{\"active\":true,\"displayName\":\"Ana Lopez\",\"name\":{"
	        "\"familyName\":\"Lopez\",\"givenName\":\"Friend\"},"
	        "\"timezone\":\"UTC\",\"userName\":\"alopez\"}");
	mapping_free(map);
}

static void test_render_errors(void **state)
{
	struct mapping *map = parse_ok(NULL);
	struct mapping *custom =
	        parse_ok("{\"userName\": \"{login?}\", \"familyName\": "
	                 "\"{surname}\"}");

	assert_apply_error(map, "{\"first_name\":\"Ana\",\"last_name\":\"L\"}",
	                   "missing HR attribute \"email\" (required by "
	                   "mapping \"userName\")");
	assert_apply_error(map,
	                   "{\"email\":\"a@x.org\",\"last_name\":\"L\","
	                   "\"first_name\":\"  \"}",
	                   "missing HR attribute \"first_name\" (required by "
	                   "mapping \"givenName\")");
	assert_apply_error(custom,
	                   "{\"email\":\"a@x.org\",\"first_name\":\"A\","
	                   "\"surname\":\"S\"}",
	                   "mapping \"userName\" rendered an empty value");
	assert_apply_error(custom,
	                   "{\"email\":\"a@x.org\",\"first_name\":\"A\","
	                   "\"login\":\"al\"}",
	                   "missing HR attribute \"surname\" (required by "
	                   "mapping \"familyName\")");
	mapping_free(custom);
	custom = parse_ok("{\"userName\": \"{login?} {alias?}\"}");
	assert_apply_error(custom,
	                   "{\"email\":\"a@x.org\",\"first_name\":\"A\","
	                   "\"last_name\":\"L\"}",
	                   "mapping \"userName\" rendered an empty value "
	                   "(only whitespace)");
	mapping_free(custom);
	mapping_free(map);
}

static void test_identity(void **state)
{
	struct mapping *map = parse_ok(NULL);
	json_t *attrs = json_pack("{s:s}", "email", "Bo@X.org");
	json_t *none = json_object(), *rec = NULL;
	char reason[256], *text;

	assert_int_equal(
	        mapping_identity(map, attrs, &rec, reason, sizeof(reason)), 0);
	text = json_dumps(rec, JSON_COMPACT);
	assert_string_equal(text, "{\"userName\":\"bo@x.org\"}");
	free(text);
	json_decref(rec);
	rec = NULL;
	assert_int_equal(
	        mapping_identity(map, none, &rec, reason, sizeof(reason)), -1);
	assert_null(rec);
	assert_string_equal(reason, "missing HR attribute \"email\" (required "
	                            "by mapping \"userName\")");
	json_decref(attrs);
	json_decref(none);
	mapping_free(map);
}

static void test_parse_errors(void **state)
{
	assert_parse_error("{\"usrName\": \"{email}\"}", "usrName",
	                   "unknown target attribute \"usrName\" in "
	                   "\"mapping\" (known: userName, givenName, "
	                   "familyName, displayName, email, timezone)");
	assert_parse_error("{\"userName\": 5}", "userName",
	                   "\"userName\" must be a template string or a "
	                   "non-empty list of template strings");
	assert_parse_error("{\"email\": 5}", "email",
	                   "\"email\" must be a template string");
	assert_parse_error("{\"email\": \"{email|lowr}\"}", "email",
	                   "invalid template for \"email\": unknown filter "
	                   "\"lowr\" at column 8 (known: lower, upper, trim, "
	                   "first, ascii, default:TEXT)");
	assert_parse_error("[]", "", "\"mapping\" must be an object");
}

/* userName as a list of candidates: where {n} may be, what else is wrong */
static void test_candidate_parse_errors(void **state)
{
	assert_parse_error("{\"userName\": []}", "userName",
	                   "\"userName\" must be a template string or a "
	                   "non-empty list of template strings");
	assert_parse_error("{\"userName\": {}}", "userName",
	                   "\"userName\" must be a template string or a "
	                   "non-empty list of template strings");
	assert_parse_error("{\"userName\": [\"{email}\", 7]}", "userName[1]",
	                   "\"userName[1]\" must be a template string");
	assert_parse_error("{\"userName\": [\"{email}\", \"{a|lowr}\"]}",
	                   "userName[1]",
	                   "invalid template for \"userName[1]\": unknown "
	                   "filter \"lowr\" at column 4 (known: lower, upper, "
	                   "trim, first, ascii, default:TEXT)");
	assert_parse_error("{\"userName\": [\"{a}{n}\", \"{b}{n}\"]}",
	                   "userName[0]",
	                   "invalid template for \"userName[0]\": the counter "
	                   "{n} at column 4 is allowed only in the last "
	                   "userName candidate");
	assert_parse_error("{\"userName\": [\"{a}\", \"{n}{b}\", \"{c}\"]}",
	                   "userName[1]",
	                   "invalid template for \"userName[1]\": the counter "
	                   "{n} at column 1 is allowed only in the last "
	                   "userName candidate");
	assert_parse_error("{\"userName\": [\"{a}\", \"{b}{n}.{n}\"]}",
	                   "userName[1]",
	                   "invalid template for \"userName[1]\": the counter "
	                   "{n} may appear only once");
	assert_parse_error("{\"displayName\": \"{a} {n}\"}", "displayName",
	                   "invalid template for \"displayName\": the counter "
	                   "{n} at column 5 is allowed only in the last "
	                   "userName candidate");
	assert_parse_error("{\"userName\": [\"{a}\", \"{b|n}\"]}",
	                   "userName[1]",
	                   "invalid template for \"userName[1]\": unknown "
	                   "filter \"n\" at column 4 (known: lower, upper, "
	                   "trim, first, ascii, default:TEXT)");
	assert_parse_error(
	        "{\"userName\": [\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\","
	        "\"8\",\"9\",\"10\",\"11\",\"12\",\"13\",\"14\",\"15\",\"16\","
	        "\"17\"]}",
	        "userName",
	        "\"userName\" has 17 candidates; at most 16 are "
	        "allowed");
}

/* Renders candidate index for attrs; returns the result code, the text in
 * got (or "") and the reason in why. */
static int candidate(const struct mapping *map, const json_t *attrs,
                     size_t index, char *got, size_t got_len, char *why,
                     size_t why_len)
{
	char *out = NULL;
	int rc = mapping_user_name_candidate(map, attrs, index, &out, why,
	                                     why_len);

	snprintf(got, got_len, "%s", out ? out : "");
	if (rc == MAPPING_CANDIDATE_OK)
		assert_non_null(out);
	else
		assert_null(out);
	free(out);
	return rc;
}

static void test_candidates(void **state)
{
	struct mapping *map = parse_ok(
	        "{\"userName\": [\"{email|lower}\", \"{login}\","
	        " \"{first_name|ascii|lower}.{last_name|ascii|lower}{n}"
	        "@acme.example\"], \"email\": \"{email?}\"}");
	json_t *full = json_pack("{s:s,s:s,s:s}", "email", "Zoe@X.org",
	                         "first_name", "Zoë", "last_name", "Ångström");
	json_t *no_last = json_pack("{s:s}", "first_name", "Zoë");
	char got[128], why[256];
	bool counter = false;

	assert_int_equal(mapping_user_name_candidates(map, &counter), 3);
	assert_true(counter);
	assert_int_equal(
	        candidate(map, full, 0, got, sizeof(got), why, sizeof(why)),
	        MAPPING_CANDIDATE_OK);
	assert_string_equal(got, "zoe@x.org");
	assert_int_equal(
	        candidate(map, full, 1, got, sizeof(got), why, sizeof(why)),
	        MAPPING_CANDIDATE_SKIP);
	assert_string_equal(why, "missing HR attribute \"login\" (required "
	                         "by mapping \"userName[1]\")");
	assert_int_equal(
	        candidate(map, full, 2, got, sizeof(got), why, sizeof(why)),
	        MAPPING_CANDIDATE_OK);
	assert_string_equal(got, "zoe.angstrom@acme.example");
	assert_int_equal(
	        candidate(map, full, 3, got, sizeof(got), why, sizeof(why)),
	        MAPPING_CANDIDATE_OK);
	assert_string_equal(got, "zoe.angstrom2@acme.example");
	assert_int_equal(
	        candidate(map, full, 10, got, sizeof(got), why, sizeof(why)),
	        MAPPING_CANDIDATE_OK);
	assert_string_equal(got, "zoe.angstrom9@acme.example");
	/* the {n} candidate cannot render: nothing more to try */
	assert_int_equal(
	        candidate(map, no_last, 2, got, sizeof(got), why, sizeof(why)),
	        MAPPING_CANDIDATES_END);
	assert_string_equal(why, "missing HR attribute \"last_name\" "
	                         "(required by mapping \"userName[2]\")");
	/* mapping_apply takes the first candidate that renders */
	assert_apply_error(map, "{\"first_name\":\"Zoë\"}",
	                   "no userName candidate could be rendered: missing "
	                   "HR attribute \"email\" (required by mapping "
	                   "\"userName[0]\"); missing HR attribute \"login\" "
	                   "(required by mapping \"userName[1]\"); missing HR "
	                   "attribute \"last_name\" (required by mapping "
	                   "\"userName[2]\")");
	assert_record(map,
	              "{\"first_name\":\"Zo\u00eb\",\"last_name\":\"Li\","
	              "\"login\":\"zl\"}",
	              true, NULL,
	              "{\"active\":true,\"name\":{\"familyName\":\"Li\","
	              "\"givenName\":\"Zo\u00eb\"},\"userName\":\"zl\"}");
	json_decref(no_last);
	json_decref(full);
	mapping_free(map);
}

/* A list without {n} ends after its last candidate; a single string is
 * one candidate (and may have {n}) */
static void test_candidates_end(void **state)
{
	struct mapping *list = parse_ok("{\"userName\": [\"{a}\", \"{b?}\"]}");
	struct mapping *one = parse_ok("{\"userName\": \"{a}{n}\"}");
	struct mapping *def = parse_ok(NULL);
	json_t *attrs = json_pack("{s:s,s:s}", "a", "x", "email", "E@X");
	char got[64], why[256];
	bool counter = true;

	assert_int_equal(mapping_user_name_candidates(list, &counter), 2);
	assert_false(counter);
	assert_int_equal(
	        candidate(list, attrs, 1, got, sizeof(got), why, sizeof(why)),
	        MAPPING_CANDIDATE_SKIP);
	assert_string_equal(why, "mapping \"userName[1]\" rendered an empty "
	                         "value");
	assert_int_equal(
	        candidate(list, attrs, 2, got, sizeof(got), why, sizeof(why)),
	        MAPPING_CANDIDATES_END);
	assert_string_equal(why, "");
	assert_int_equal(mapping_user_name_candidates(one, &counter), 1);
	assert_true(counter);
	assert_int_equal(
	        candidate(one, attrs, 0, got, sizeof(got), why, sizeof(why)),
	        MAPPING_CANDIDATE_OK);
	assert_string_equal(got, "x");
	assert_int_equal(
	        candidate(one, attrs, 1, got, sizeof(got), why, sizeof(why)),
	        MAPPING_CANDIDATE_OK);
	assert_string_equal(got, "x2");
	assert_int_equal(mapping_user_name_candidates(def, NULL), 1);
	assert_int_equal(
	        candidate(def, attrs, 0, got, sizeof(got), why, sizeof(why)),
	        MAPPING_CANDIDATE_OK);
	assert_string_equal(got, "e@x");
	assert_int_equal(
	        candidate(def, attrs, 1, got, sizeof(got), why, sizeof(why)),
	        MAPPING_CANDIDATES_END);
	json_decref(attrs);
	mapping_free(def);
	mapping_free(one);
	mapping_free(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_defaults),
	        cmocka_unit_test(test_configured),
	        cmocka_unit_test(test_render_errors),
	        cmocka_unit_test(test_identity),
	        cmocka_unit_test(test_parse_errors),
	        cmocka_unit_test(test_candidate_parse_errors),
	        cmocka_unit_test(test_candidates),
	        cmocka_unit_test(test_candidates_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
