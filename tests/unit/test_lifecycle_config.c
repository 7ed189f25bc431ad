/* Unit tests for host/lifecycle_config.c: a connection's mapping, roles and
 * policy together; error paths relative to the connection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/lifecycle_config.h"

static void assert_error(const char *text, const char *path,
                         const char *message)
{
	struct path_error err = {{0}, {0}};
	struct lifecycle_config *cfg = NULL;
	json_t *conn = json_loads(text, JSON_DECODE_ANY, NULL);

	if (!conn)
		fail_msg("bad test JSON: %s", text);
	assert_int_equal(lifecycle_config_parse(conn, &cfg, &err), -1);
	assert_null(cfg);
	assert_string_equal(err.path, path);
	assert_string_equal(err.message, message);
	json_decref(conn);
}

static void test_empty_connection_gets_defaults(void **state)
{
	struct path_error err = {{0}, {0}};
	struct lifecycle_config *cfg = NULL;
	json_t *conn =
	        json_pack("{s:s,s:{}}", "connector", "promapp", "settings");
	json_t *attrs = json_pack("{s:s,s:s,s:s}", "email", "A@X.org",
	                          "first_name", "A", "last_name", "B");
	struct rules_result rr;
	json_t *rec;
	char reason[128];

	assert_int_equal(lifecycle_config_parse(conn, &cfg, &err), 0);
	assert_non_null(cfg->mapping);
	assert_non_null(cfg->rules);
	assert_int_equal(rules_count(cfg->rules), 0);
	assert_int_equal(cfg->policy.no_match, POLICY_NO_MATCH_DEPROVISION);
	assert_int_equal(cfg->policy.max_deprovisions_per_run, 25);
	assert_int_equal(rules_evaluate(cfg->rules, attrs, &rr), 0);
	assert_true(rr.matched);
	rules_result_release(&rr);
	assert_int_equal(mapping_apply(cfg->mapping, attrs, true, NULL, &rec,
	                               reason, sizeof(reason)),
	                 0);
	assert_string_equal(json_string_value(json_object_get(rec, "userName")),
	                    "a@x.org");
	json_decref(rec);
	json_decref(attrs);
	json_decref(conn);
	lifecycle_config_free(cfg);
	lifecycle_config_free(NULL);
}

static void test_full_connection(void **state)
{
	struct path_error err = {{0}, {0}};
	struct lifecycle_config *cfg = NULL;
	json_t *conn = json_loads(
	        "{\"mapping\":{\"userName\":\"{login}\"},"
	        " \"roles\":{\"rules\":[{\"name\":\"eng\",\"if\":{\"attr\":"
	        "\"dept\",\"equals\":\"Eng\"},\"grant\":[\"Modeller\"]}],"
	        "\"default\":[\"Viewer\"]},"
	        " \"policy\":{\"no_match\":\"skip\",\"send_roles\":true}}",
	        0, NULL);

	assert_int_equal(lifecycle_config_parse(conn, &cfg, &err), 0);
	assert_int_equal(rules_count(cfg->rules), 1);
	assert_int_equal(cfg->policy.no_match, POLICY_NO_MATCH_SKIP);
	assert_true(cfg->policy.send_roles);
	lifecycle_config_free(cfg);
	json_decref(conn);
}

static void test_error_paths(void **state)
{
	assert_error("[]", "", "connection must be an object");
	assert_error("{\"mapping\":{\"usrName\":\"{email}\"}}",
	             "mapping.usrName",
	             "unknown target attribute \"usrName\" in \"mapping\" "
	             "(known: userName, givenName, familyName, displayName, "
	             "email, timezone)");
	assert_error("{\"mapping\":{\"email\":\"{email|lowr}\"}}",
	             "mapping.email",
	             "invalid template for \"email\": unknown filter \"lowr\" "
	             "at column 8 (known: lower, upper, trim, first, "
	             "ascii, default:TEXT)");
	assert_error("{\"mapping\":\"{email}\"}", "mapping",
	             "\"mapping\" must be an object");
	assert_error("{\"roles\":{\"rules\":[{\"if\":{\"attr\":\"a\","
	             "\"equals\":\"b\"}},{\"if\":{\"attr\":\"a\",\"equals\":"
	             "\"b\"}},{\"if\":{\"all\":[{\"attr\":\"d\",\"equals\":"
	             "[]}]}}]}}",
	             "roles.rules[2].if.all[0].equals",
	             "\"equals\" must be a string, number or boolean");
	assert_error("{\"roles\":{\"defaults\":[]}}", "roles.defaults",
	             "unknown key \"defaults\" in \"roles\" (known: rules, "
	             "default)");
	assert_error("{\"roles\":true}", "roles",
	             "\"roles\" must be an object");
	assert_error("{\"policy\":{\"leave\":\"fire\"}}", "policy.leave",
	             "unknown value \"fire\" for \"leave\" (expected ignore, "
	             "deprovision)");
	assert_error("{\"policy\":7}", "policy",
	             "\"policy\" must be an object");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_empty_connection_gets_defaults),
	        cmocka_unit_test(test_full_connection),
	        cmocka_unit_test(test_error_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
