/* Unit tests for reconciliation's pure parts: what the mapping wants for a
 * person (engine/reconcile_desired.c: recon_desired, recon_diff) and the
 * connection's "reconcile" section (config/reconcile_config.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/lifecycle_config.h"
#include "config/reconcile_config.h"
#include "engine/reconcile_internal.h"

static struct connection conn;

/* A connection with the demo's kind of mapping and rules. */
static int setup(void **state)
{
	struct path_error err;
	json_t *obj = json_loads(
	        "{\"roles\": {\"rules\": [{\"name\": \"eng\", \"if\": "
	        "{\"attr\":"
	        " \"department\", \"equals\": \"Engineering\"}, \"grant\":"
	        " [\"Modeller\"]}], \"default\": [\"Viewer\"]},"
	        " \"policy\": {\"send_roles\": true, \"no_match\":"
	        " \"deprovision\", \"leave\": \"deprovision\"}}",
	        0, NULL);

	(void)state;
	assert_non_null(obj);
	memset(&conn, 0, sizeof(conn));
	conn.name = (char *)"c";
	assert_int_equal(lifecycle_config_parse(obj, &conn.lifecycle, &err), 0);
	json_decref(obj);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lifecycle_config_free(conn.lifecycle);
	return 0;
}

static json_t *person(const char *dept)
{
	return json_pack("{ss ss ss ss}", "first_name", "Ana", "last_name",
	                 "Silva", "email", "Ana.Silva@Example.com",
	                 "department", dept);
}

static void desired_active_with_roles(void **state)
{
	json_t *rec = person("Engineering"), *want = NULL;
	enum recon_want w;
	char why[200];

	(void)state;
	assert_int_equal(recon_desired(&conn, "active", rec, NULL, true, &w,
	                               &want, why, sizeof(why)),
	                 0);
	assert_int_equal(w, WANT_ACTIVE);
	assert_string_equal(
	        json_string_value(json_object_get(want, "userName")),
	        "ana.silva@example.com");
	assert_int_equal(json_array_size(json_object_get(want, "roles")), 1);
	json_decref(want);
	json_decref(rec);
}

static void desired_keeps_linked_user_name(void **state)
{
	json_t *rec = person("Engineering"), *want = NULL;
	enum recon_want w;
	char why[200];

	(void)state;
	assert_int_equal(recon_desired(&conn, "active", rec, "ana@old.example",
	                               true, &w, &want, why, sizeof(why)),
	                 0);
	assert_string_equal(
	        json_string_value(json_object_get(want, "userName")),
	        "ana@old.example");
	json_decref(want);
	json_decref(rec);
}

static void desired_inactive(void **state)
{
	json_t *rec = person("Engineering"), *want = NULL;
	enum recon_want w;
	char why[200];

	(void)state;
	assert_int_equal(recon_desired(&conn, "terminated", rec, NULL, true, &w,
	                               &want, why, sizeof(why)),
	                 0);
	assert_int_equal(w, WANT_INACTIVE);
	assert_null(want);
	assert_string_equal(why, "terminated");
	assert_int_equal(recon_desired(&conn, "on_leave", rec, NULL, true, &w,
	                               &want, why, sizeof(why)),
	                 0);
	assert_int_equal(w, WANT_INACTIVE);
	assert_string_equal(why, "on leave (policy leave=deprovision)");
	json_decref(rec);
}

/* A person the rules match no more (no_match=deprovision): no account. */
static void desired_no_match(void **state)
{
	json_t *rec = json_pack("{ss ss ss}", "first_name", "A", "last_name",
	                        "B", "email", "a@b.example"),
	       *want = NULL;
	struct path_error err;
	json_t *obj =
	        json_loads("{\"roles\": {\"rules\": [{\"name\": \"eng\","
	                   " \"if\": {\"attr\": \"department\", \"equals\":"
	                   " \"Engineering\"}}]}}",
	                   0, NULL);
	struct connection c = {.name = (char *)"x"};
	enum recon_want w;
	char why[200];

	(void)state;
	assert_int_equal(lifecycle_config_parse(obj, &c.lifecycle, &err), 0);
	assert_int_equal(recon_desired(&c, "active", rec, NULL, true, &w, &want,
	                               why, sizeof(why)),
	                 0);
	assert_int_equal(w, WANT_INACTIVE);
	assert_null(want);
	assert_non_null(strstr(why, "no"));
	lifecycle_config_free(c.lifecycle);
	json_decref(obj);
	json_decref(rec);
}

static void diff_says_which(void **state)
{
	json_t *want = json_loads(
	        "{\"userName\": \"ana@x\", \"name\": {\"givenName\": \"Ana\","
	        " \"familyName\": \"Silva\"}, \"emails\": [{\"value\":"
	        " \"ana@x\", \"primary\": true}], \"roles\": [{\"display\":"
	        " \"Viewer\"}, {\"display\": \"Modeller\"}]}",
	        0, NULL);
	json_t *acct = json_loads(
	        "{\"id\": \"7\", \"userName\": \"ANA@x\", \"active\": false,"
	        " \"name\": {\"givenName\": \"Anna\", \"familyName\":"
	        " \"Silva\"}, \"emails\": [{\"value\": \"ana@X\"}],"
	        " \"roles\": [{\"display\": \"Viewer\"}]}",
	        0, NULL);
	char out[600];

	(void)state;
	assert_int_equal(recon_diff(acct, want, true, out, sizeof(out)), 3);
	assert_string_equal(out, "active: target false, mapping wants true; "
	                         "givenName: target \"Anna\", mapping wants "
	                         "\"Ana\"; roles: target [Viewer], mapping "
	                         "wants [Modeller, Viewer]");
	/* the same account, as wanted: no difference (case of userName and
	 * email ignored, role order ignored) */
	json_object_set_new(acct, "active", json_true());
	json_object_set_new(json_object_get(acct, "name"), "givenName",
	                    json_string("Ana"));
	json_array_append_new(json_object_get(acct, "roles"),
	                      json_pack("{ss}", "display", "Modeller"));
	assert_int_equal(recon_diff(acct, want, true, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	/* roles are compared only when the mapping sends them */
	json_object_del(want, "roles");
	json_array_clear(json_object_get(acct, "roles"));
	assert_int_equal(recon_diff(acct, want, true, out, sizeof(out)), 0);
	json_decref(want);
	json_decref(acct);
}

static void active_defaults_to_true(void **state)
{
	json_t *a = json_pack("{ss}", "id", "1");

	(void)state;
	assert_true(recon_account_active(a));
	json_object_set_new(a, "active", json_false());
	assert_false(recon_account_active(a));
	json_decref(a);
}

static void config_parse_and_match(void **state)
{
	json_t *obj = json_loads("{\"ignore\": [\"svc-*\"], \"protect\":"
	                         " [\"Admin@Example.com\", \"42\"]}",
	                         0, NULL);
	struct reconcile_config rc;
	struct path_error err;

	(void)state;
	assert_int_equal(reconcile_config_parse(obj, &rc, &err), 0);
	assert_true(reconcile_config_ignored(&rc, "SVC-backup@x"));
	assert_false(reconcile_config_ignored(&rc, "ana@x"));
	assert_false(reconcile_config_ignored(&rc, NULL));
	assert_true(reconcile_config_protected(&rc, "9", "admin@example.com"));
	assert_true(reconcile_config_protected(&rc, "42", NULL));
	assert_false(reconcile_config_protected(&rc, "43", "ana@x"));
	reconcile_config_release(&rc);
	json_decref(obj);
	assert_int_equal(reconcile_config_parse(NULL, &rc, &err), 0);
	assert_int_equal(rc.n_ignore + rc.n_protect, 0);
}

static void config_errors(void **state)
{
	static const struct {
		const char *json, *path, *message;
	} cases[] = {
	        {"[]", "reconcile",
	         "\"reconcile\" must be an object with \"ignore\" and/or "
	         "\"protect\""},
	        {"{\"ignroe\": []}", "reconcile",
	         "reconcile: unknown key \"ignroe\" (known: ignore, protect)"},
	        {"{\"ignore\": \"x\"}", "reconcile.ignore",
	         "reconcile: \"ignore\" must be a list of strings"},
	        {"{\"protect\": [\"a\", \"\"]}", "reconcile.protect[1]",
	         "reconcile: \"protect\"[1] must be a non-empty string"},
	        {"{\"ignore\": [\"a\", 3]}", "reconcile.ignore[1]",
	         "reconcile: \"ignore\"[1] must be a non-empty string"},
	};
	struct reconcile_config rc;
	struct path_error err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *obj = json_loads(cases[i].json, JSON_DECODE_ANY, NULL);

		memset(&err, 0, sizeof(err));
		assert_int_equal(reconcile_config_parse(obj, &rc, &err), -1);
		assert_string_equal(err.path, cases[i].path);
		assert_string_equal(err.message, cases[i].message);
		assert_null(rc.ignore);
		assert_null(rc.protect);
		json_decref(obj);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(desired_active_with_roles),
	        cmocka_unit_test(desired_keeps_linked_user_name),
	        cmocka_unit_test(desired_inactive),
	        cmocka_unit_test(desired_no_match),
	        cmocka_unit_test(diff_says_which),
	        cmocka_unit_test(active_defaults_to_true),
	        cmocka_unit_test(config_parse_and_match),
	        cmocka_unit_test(config_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
