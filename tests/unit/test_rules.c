/* Unit tests for host/rules.c: conditions, grants, default roles, ordering
 * and de-duplication, "process all users", parse errors with paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lifecycle/rules.h"

static struct rules *parse_ok(const char *text)
{
	struct path_error err = {0};
	struct rules *r = NULL;
	json_t *obj = text ? json_loads(text, 0, NULL) : NULL;

	if (text && !obj)
		fail_msg("bad test JSON: %s", text);
	if (rules_parse(obj, &r, &err))
		fail_msg("%s: %s", err.path, err.message);
	json_decref(obj);
	return r;
}

/* Evaluates r on attrs_text; checks matched, the roles and the rule names
 * (compact JSON arrays). */
static void assert_eval(const struct rules *r, const char *attrs_text,
                        bool matched, const char *roles, const char *rule_names)
{
	json_t *attrs = json_loads(attrs_text, 0, NULL);
	struct rules_result res;
	char *got;

	assert_non_null(attrs);
	assert_int_equal(rules_evaluate(r, attrs, &res), 0);
	assert_int_equal(res.matched, matched);
	got = json_dumps(res.roles, JSON_COMPACT);
	assert_string_equal(got, roles);
	free(got);
	got = json_dumps(res.matched_rules, JSON_COMPACT);
	assert_string_equal(got, rule_names);
	free(got);
	rules_result_release(&res);
	json_decref(attrs);
}

static void assert_match(const char *cond, const char *attrs, bool want)
{
	char text[1024];
	struct rules *r;

	snprintf(text, sizeof(text),
	         "{\"rules\":[{\"name\":\"r\",\"if\":%s,\"grant\":[\"G\"]}]}",
	         cond);
	r = parse_ok(text);
	assert_eval(r, attrs, want, want ? "[\"G\"]" : "[]",
	            want ? "[\"r\"]" : "[]");
	rules_free(r);
}

static void assert_parse_error(const char *text, const char *path,
                               const char *message)
{
	struct path_error err = {0};
	struct rules *r = NULL;
	json_t *obj = json_loads(text, JSON_DECODE_ANY, NULL);

	if (!obj)
		fail_msg("bad test JSON: %s", text);
	assert_int_equal(rules_parse(obj, &r, &err), -1);
	assert_null(r);
	assert_string_equal(err.path, path);
	assert_string_equal(err.message, message);
	json_decref(obj);
}

static void test_leaves(void **state)
{
	const char *eng = "{\"department\":\"Engineering\",\"title\":\"Senior "
	                  "Dev\",\"location\":\"Wellington\",\"level\":3,"
	                  "\"remote\":true,\"manager\":null}";

	assert_match("{\"attr\":\"department\",\"equals\":\"Engineering\"}",
	             eng, true);
	assert_match("{\"attr\":\"department\",\"equals\":\"engineering\"}",
	             eng, false);
	assert_match("{\"attr\":\"department\",\"equals\":\"engineering\","
	             "\"ignore_case\":true}",
	             eng, true);
	assert_match("{\"attr\":\"location\",\"in\":[\"Auckland\","
	             "\"Wellington\"]}",
	             eng, true);
	assert_match("{\"attr\":\"location\",\"in\":[\"Auckland\"]}", eng,
	             false);
	assert_match("{\"attr\":\"location\",\"in\":[\"WELLINGTON\"],"
	             "\"ignore_case\":true}",
	             eng, true);
	assert_match("{\"attr\":\"title\",\"prefix\":\"Senior\"}", eng, true);
	assert_match("{\"attr\":\"title\",\"prefix\":\"senior\"}", eng, false);
	assert_match("{\"attr\":\"title\",\"prefix\":\"senior\","
	             "\"ignore_case\":true}",
	             eng, true);
	assert_match("{\"attr\":\"title\",\"prefix\":\"Senior Developer\"}",
	             eng, false);
	/* numbers and booleans compare as their JSON text */
	assert_match("{\"attr\":\"level\",\"equals\":3}", eng, true);
	assert_match("{\"attr\":\"level\",\"equals\":\"3\"}", eng, true);
	assert_match("{\"attr\":\"level\",\"in\":[1,2]}", eng, false);
	assert_match("{\"attr\":\"remote\",\"equals\":true}", eng, true);
	/* missing and null attributes make a leaf false, not an error */
	assert_match("{\"attr\":\"cost_center\",\"equals\":\"X\"}", eng, false);
	assert_match("{\"attr\":\"manager\",\"prefix\":\"\"}", eng, false);
	assert_match("{\"not\":{\"attr\":\"cost_center\",\"equals\":\"X\"}}",
	             eng, true);
}

static void test_combinators(void **state)
{
	const char *a = "{\"department\":\"Sales\",\"location\":\"Auckland\"}";

	assert_match("{\"all\":[{\"attr\":\"department\",\"equals\":"
	             "\"Sales\"},{\"attr\":\"location\",\"equals\":"
	             "\"Auckland\"}]}",
	             a, true);
	assert_match("{\"all\":[{\"attr\":\"department\",\"equals\":"
	             "\"Sales\"},{\"attr\":\"location\",\"equals\":"
	             "\"Wellington\"}]}",
	             a, false);
	assert_match("{\"any\":[{\"attr\":\"department\",\"equals\":\"HR\"},"
	             "{\"attr\":\"location\",\"equals\":\"Auckland\"}]}",
	             a, true);
	assert_match("{\"any\":[{\"attr\":\"department\",\"equals\":\"HR\"},"
	             "{\"attr\":\"location\",\"equals\":\"Nelson\"}]}",
	             a, false);
	assert_match("{\"not\":{\"attr\":\"department\",\"equals\":"
	             "\"Sales\"}}",
	             a, false);
	assert_match("{\"all\":[{\"any\":[{\"attr\":\"x\",\"equals\":\"1\"},"
	             "{\"not\":{\"attr\":\"department\",\"in\":[\"HR\"]}}]},"
	             "{\"attr\":\"location\",\"prefix\":\"Auck\"}]}",
	             a, true);
}

static void test_grants_order_dedup_defaults(void **state)
{
	struct rules *r = parse_ok(
	        "{\"rules\":["
	        " {\"name\":\"eng\",\"if\":{\"attr\":\"dept\",\"equals\":"
	        "\"Eng\"},\"grant\":[\"Modeller\",\"Viewer\"]},"
	        " {\"name\":\"seniors\",\"if\":{\"attr\":\"title\",\"prefix\":"
	        "\"Senior\"},\"grant\":[\"Approver\",\"Modeller\"]},"
	        " {\"if\":{\"attr\":\"staff\",\"equals\":true}},"
	        " {\"name\":\"empty\",\"if\":{\"attr\":\"temp\",\"equals\":"
	        "true},\"grant\":[]}],"
	        " \"default\":[\"Viewer\",\"Reader\"]}");

	assert_int_equal(rules_count(r), 4);
	assert_eval(r, "{\"dept\":\"Eng\",\"title\":\"Senior Dev\"}", true,
	            "[\"Modeller\",\"Viewer\",\"Approver\"]",
	            "[\"eng\",\"seniors\"]");
	assert_eval(r, "{\"title\":\"Senior Dev\",\"dept\":\"Eng\"}", true,
	            "[\"Modeller\",\"Viewer\",\"Approver\"]",
	            "[\"eng\",\"seniors\"]");
	assert_eval(r, "{\"title\":\"Senior Dev\"}", true,
	            "[\"Approver\",\"Modeller\"]", "[\"seniors\"]");
	/* a matching rule without grants gives the default roles; the
	 * unnamed rule is called by its position */
	assert_eval(r, "{\"staff\":true}", true, "[\"Viewer\",\"Reader\"]",
	            "[\"rules[2]\"]");
	assert_eval(r, "{\"temp\":true,\"title\":\"Senior\"}", true,
	            "[\"Approver\",\"Modeller\",\"Viewer\",\"Reader\"]",
	            "[\"seniors\",\"empty\"]");
	assert_eval(r, "{\"dept\":\"Sales\"}", false, "[]", "[]");
	assert_eval(r, "{}", false, "[]", "[]");
	rules_free(r);
}

static void test_default_roles_exposed(void **state)
{
	struct rules *r = parse_ok("{\"rules\":[{\"if\":{\"attr\":\"a\","
	                           "\"equals\":\"b\"},\"grant\":[\"X\"]}],"
	                           "\"default\":[\"D\"]}");
	json_t *attrs = json_object();
	struct rules_result res;
	char *text;

	assert_int_equal(rules_evaluate(r, attrs, &res), 0);
	assert_false(res.matched);
	text = json_dumps(res.default_roles, JSON_COMPACT);
	assert_string_equal(text, "[\"D\"]");
	free(text);
	rules_result_release(&res);
	rules_result_release(&res); /* safe twice */
	json_decref(attrs);
	rules_free(r);
}

static void test_process_all_users(void **state)
{
	struct rules *none = parse_ok(NULL);
	struct rules *empty = parse_ok("{\"rules\":[],\"default\":[\"V\"]}");
	struct rules *only_default = parse_ok("{\"default\":[\"V\",\"V\"]}");

	assert_int_equal(rules_count(none), 0);
	assert_eval(none, "{}", true, "[]", "[]");
	assert_eval(empty, "{\"x\":1}", true, "[\"V\"]", "[]");
	assert_eval(only_default, "{}", true, "[\"V\"]", "[]");
	rules_free(none);
	rules_free(empty);
	rules_free(only_default);
}

static void test_parse_errors(void **state)
{
	assert_parse_error("[]", "", "\"roles\" must be an object");
	assert_parse_error("{\"rule\":[]}", "rule",
	                   "unknown key \"rule\" in \"roles\" (known: rules, "
	                   "default)");
	assert_parse_error("{\"rules\":{}}", "rules",
	                   "\"rules\" must be an array of rules");
	assert_parse_error("{\"default\":\"Viewer\"}", "default",
	                   "\"default\" must be an array of role names");
	assert_parse_error("{\"default\":[\"A\",\"\"]}", "default[1]",
	                   "a role name must be a non-empty string");
	assert_parse_error("{\"rules\":[1]}", "rules[0]",
	                   "a rule must be an object");
	assert_parse_error("{\"rules\":[{\"grant\":[\"A\"]}]}", "rules[0]",
	                   "a rule needs a condition \"if\"");
	assert_parse_error("{\"rules\":[{\"if\":{\"attr\":\"a\",\"equals\":"
	                   "\"b\"},\"grants\":[]}]}",
	                   "rules[0].grants",
	                   "unknown key \"grants\" in rule (known: name, if, "
	                   "grant)");
	assert_parse_error("{\"rules\":[{\"name\":\"\",\"if\":{}}]}",
	                   "rules[0].name",
	                   "\"name\" must be a non-empty string");
	assert_parse_error("{\"rules\":[{\"if\":{\"attr\":\"a\",\"equals\":"
	                   "\"b\"},\"grant\":[3]}]}",
	                   "rules[0].grant[0]",
	                   "a role name must be a non-empty string");
	assert_parse_error(
	        "{\"rules\":[{\"if\":{\"attr\":\"a\",\"equals\":"
	        "\"b\"}},{\"if\":{\"attr\":\"a\",\"equals\":\"b\"}},"
	        "{\"if\":{\"all\":[{\"attr\":\"d\",\"equals\":{}}]}}]}",
	        "rules[2].if.all[0].equals",
	        "\"equals\" must be a string, number or boolean");
	assert_parse_error("{\"rules\":[{\"if\":[]}]}", "rules[0].if",
	                   "a condition must be an object");
	assert_parse_error("{\"rules\":[{\"if\":{}}]}", "rules[0].if",
	                   "a condition needs one of all, any, not, equals, "
	                   "in, prefix");
	assert_parse_error("{\"rules\":[{\"if\":{\"attr\":\"a\",\"equal\":"
	                   "\"b\"}}]}",
	                   "rules[0].if.equal",
	                   "unknown key \"equal\" in condition (known: all, "
	                   "any, not, attr, equals, in, prefix, ignore_case)");
	assert_parse_error("{\"rules\":[{\"if\":{\"attr\":\"a\",\"equals\":"
	                   "\"b\",\"prefix\":\"c\"}}]}",
	                   "rules[0].if",
	                   "a condition takes one of all, any, not, equals, "
	                   "in, prefix, not both \"equals\" and \"prefix\"");
	assert_parse_error("{\"rules\":[{\"if\":{\"equals\":\"b\"}}]}",
	                   "rules[0].if", "\"equals\" needs \"attr\"");
	assert_parse_error("{\"rules\":[{\"if\":{\"attr\":\"\",\"equals\":"
	                   "\"b\"}}]}",
	                   "rules[0].if.attr",
	                   "\"attr\" must be a non-empty string");
	assert_parse_error("{\"rules\":[{\"if\":{\"attr\":\"a\",\"equals\":"
	                   "\"b\",\"ignore_case\":\"yes\"}}]}",
	                   "rules[0].if.ignore_case",
	                   "\"ignore_case\" must be true or false");
	assert_parse_error("{\"rules\":[{\"if\":{\"any\":[],\"attr\":\"a\"}}]}",
	                   "rules[0].if", "\"any\" takes no \"attr\"");
	assert_parse_error("{\"rules\":[{\"if\":{\"any\":[]}}]}",
	                   "rules[0].if.any",
	                   "\"any\" must be a non-empty array of conditions");
	assert_parse_error("{\"rules\":[{\"if\":{\"all\":{}}}]}",
	                   "rules[0].if.all",
	                   "\"all\" must be a non-empty array of conditions");
	assert_parse_error("{\"rules\":[{\"if\":{\"not\":{\"any\":[{\"attr\":"
	                   "\"a\",\"in\":[]}]}}}]}",
	                   "rules[0].if.not.any[0].in",
	                   "\"in\" must be a non-empty array of values");
	assert_parse_error("{\"rules\":[{\"if\":{\"attr\":\"a\",\"in\":[\"x\","
	                   "null]}}]}",
	                   "rules[0].if.in[1]",
	                   "a value of \"in\" must be a string, number or "
	                   "boolean");
	assert_parse_error("{\"rules\":[{\"if\":{\"attr\":\"a\",\"prefix\":"
	                   "1}}]}",
	                   "rules[0].if.prefix", "\"prefix\" must be a string");
}

static void test_depth_limit(void **state)
{
	char text[4096] = "{\"rules\":[{\"if\":";
	struct path_error err = {0};
	struct rules *r = NULL;
	json_t *obj;
	int i;

	for (i = 0; i < 40; i++)
		strcat(text, "{\"not\":");
	strcat(text, "{\"attr\":\"a\",\"equals\":\"b\"}");
	for (i = 0; i < 40; i++)
		strcat(text, "}");
	strcat(text, "}]}");
	obj = json_loads(text, 0, NULL);
	assert_non_null(obj);
	assert_int_equal(rules_parse(obj, &r, &err), -1);
	assert_string_equal(err.message, "conditions nested too deeply (limit "
	                                 "32)");
	json_decref(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_leaves),
	        cmocka_unit_test(test_combinators),
	        cmocka_unit_test(test_grants_order_dedup_defaults),
	        cmocka_unit_test(test_default_roles_exposed),
	        cmocka_unit_test(test_process_all_users),
	        cmocka_unit_test(test_parse_errors),
	        cmocka_unit_test(test_depth_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
