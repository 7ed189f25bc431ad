/* Loading good configurations: defaults, path resolution, the drop-in
 * directory, secrets, sections, binding to the fixture connectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "../lib/unit_helpers.h"
#include "config/config.h"
#include "connector/bind.h"

static char dir[] = "/tmp/provhost-config-XXXXXX";
static char fixtures[1024];

static void write_file(const char *name, const char *text, mode_t mode)
{
	th_write_file(dir, name, text, mode);
}

static int setup(void **state)
{
	char sub[600];

	th_build_path(fixtures, sizeof(fixtures), "fixtures");
	if (!mkdtemp(dir))
		return -1;
	snprintf(sub, sizeof(sub), "%s/conf.d", dir);
	mkdir(sub, 0700);
	setenv("PH_CFG_TOKEN", "tok-cfg-42", 1);
	return 0;
}

static int teardown(void **state)
{
	return th_rm_rf(dir);
}

static struct config *load_ok(const char *name)
{
	struct config *cfg = NULL;
	char path[512], err[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (config_load(path, &cfg, err, sizeof(err)))
		fail_msg("config_load failed: %s", err);
	return cfg;
}

static void test_defaults(void **state)
{
	struct config *cfg;
	struct connection *c;
	char want[600];

	setenv("PROVHOST_STATE_DIR", "/var/tmp/ph-state", 1);
	write_file("min.json",
	           "{\"connections\": [{\"connector\": \"minimal\"}]}", 0600);
	cfg = load_ok("min.json");
	assert_null(cfg->plugin_dir);
	assert_null(cfg->audit_file);
	assert_string_equal(cfg->state_dir, "/var/tmp/ph-state");
	assert_string_equal(cfg->ledger_path,
	                    "/var/tmp/ph-state/ledger.sqlite");
	assert_int_equal(cfg->n_connections, 1);
	c = &cfg->connections[0];
	assert_string_equal(c->name, "Connection-Bearer Token-1");
	assert_string_equal(c->connector, "minimal");
	assert_true(json_is_object(c->settings));
	assert_int_equal(json_object_size(c->settings), 0);
	assert_int_equal(c->engine.workers, 8);
	assert_non_null(c->lifecycle);
	assert_string_equal(c->json_path, "connections[0]");
	snprintf(want, sizeof(want), "%s/min.json", dir);
	assert_string_equal(c->source->path, want);
	assert_ptr_equal(config_find_connection(cfg, c->name), c);
	assert_null(config_find_connection(cfg, "other"));
	config_free(cfg);

	unsetenv("PROVHOST_STATE_DIR");
	setenv("XDG_STATE_HOME", "/xdg", 1);
	cfg = load_ok("min.json");
	assert_string_equal(cfg->state_dir, "/xdg/provhost");
	config_free(cfg);
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", "/home/ph", 1);
	cfg = load_ok("min.json");
	assert_string_equal(cfg->state_dir, "/home/ph/.local/state/provhost");
	config_free(cfg);
}

static void test_paths_and_include(void **state)
{
	struct config *cfg;
	struct connection *c;
	char want[600];

	write_file("tok", "tok-file-77\n", 0600);
	write_file("conf.d/20-b.json",
	           "{\"name\": \"b\", \"connector\": \"fake\",\n"
	           " \"settings\": {\"mode\": \"ok\"},\n"
	           " \"secrets\": {\"token\": {\"file\": \"../tok\"}}}\n",
	           0600);
	write_file("conf.d/10-a.json",
	           "{\"name\": \"a\", \"connector\": \"minimal\"}\n", 0600);
	write_file("conf.d/ignored.txt", "not json", 0600);
	write_file(
	        "main.json",
	        "{\"plugin_dir\": \"plugins\", \"state_dir\": \"/abs/st\",\n"
	        " \"ledger\": \"l.sqlite\", \"audit_file\": \"audit.jsonl\",\n"
	        " \"include\": \"conf.d\",\n"
	        " \"connections\": [{\"name\": \"main\", \"connector\": "
	        "\"fake\", \"settings\": {\"mode\": \"ok\", \"port\": 8},"
	        " \"secrets\": {\"token\": {\"env\": \"PH_CFG_TOKEN\"}},"
	        " \"engine\": {\"workers\": 3, \"max_rps\": 12.5}}]}\n",
	        0600);
	cfg = load_ok("main.json");
	snprintf(want, sizeof(want), "%s/plugins", dir);
	assert_string_equal(cfg->plugin_dir, want);
	assert_string_equal(cfg->state_dir, "/abs/st");
	snprintf(want, sizeof(want), "%s/l.sqlite", dir);
	assert_string_equal(cfg->ledger_path, want);
	snprintf(want, sizeof(want), "%s/audit.jsonl", dir);
	assert_string_equal(cfg->audit_file, want);
	assert_int_equal(cfg->n_connections, 3);
	/* main file first, then the drop-ins in sorted order */
	assert_string_equal(cfg->connections[0].name, "main");
	assert_string_equal(cfg->connections[1].name, "a");
	assert_string_equal(cfg->connections[2].name, "b");
	c = &cfg->connections[0];
	assert_int_equal(c->engine.workers, 3);
	assert_true(c->engine.max_rps == 12.5);
	assert_string_equal(secret_set_find(&c->secrets, "token")->value,
	                    "tok-cfg-42");
	c = &cfg->connections[2];
	assert_string_equal(c->json_path, "");
	assert_string_equal(secret_set_find(&c->secrets, "token")->value,
	                    "tok-file-77");
	snprintf(want, sizeof(want), "file %s/conf.d/../tok", dir);
	assert_string_equal(secret_set_find(&c->secrets, "token")->source,
	                    want);
	snprintf(want, sizeof(want), "%s/conf.d/20-b.json:3:2", dir);
	{
		char where[600];

		config_connection_where(c, "secrets", where, sizeof(where));
		assert_string_equal(where, want);
	}
	config_free(cfg);
}

static void test_bind(void **state)
{
	struct plugin_set *set = NULL;
	struct config *cfg;
	char err[4096];

	write_file("bind.json",
	           "{\"connections\": [{\"name\": \"f\", \"connector\": "
	           "\"fake\", \"settings\": {\"mode\": \"reject\", "
	           "\"verbose\": true}, \"secrets\": {\"token\": {\"env\": "
	           "\"PH_CFG_TOKEN\"}}}, {\"name\": \"m\", \"connector\": "
	           "\"frozen\"}]}",
	           0600);
	cfg = load_ok("bind.json");
	if (config_bind_connectors(cfg, fixtures, &set, err, sizeof(err)))
		fail_msg("bind failed: %s", err);
	assert_non_null(cfg->connections[0].bound);
	assert_string_equal(cfg->connections[0].bound->desc->name, "fake");
	assert_string_equal(cfg->connections[1].bound->desc->name, "frozen");
	assert_true(set->n_refused > 0);
	loader_free(set);
	config_free(cfg);
}

static void test_bind_collects_every_connection(void **state)
{
	struct plugin_set *set = NULL;
	struct config *cfg;
	char err[4096], want[2048];

	write_file("two.json",
	           "{\"connections\": [\n"
	           "{\"name\": \"x\", \"connector\": \"nosuch\"},\n"
	           "{\"name\": \"y\", \"connector\": \"minimal\", "
	           "\"settings\": {\"a\": 1}}]}",
	           0600);
	cfg = load_ok("two.json");
	assert_int_equal(
	        config_bind_connectors(cfg, fixtures, &set, err, sizeof(err)),
	        -1);
	assert_null(set);
	snprintf(want, sizeof(want),
	         "%s/two.json:2:15: connection \"x\": unknown connector "
	         "\"nosuch\" (available in %s: broken, ctormark, "
	         "etag_trusting, fake, frozen, frozen11, minimal, stall)\n"
	         "%s/two.json:3:52: connection \"y\": unknown setting \"a\" "
	         "for connector \"minimal\" (known: none)",
	         dir, fixtures, dir);
	assert_string_equal(err, want);
	config_free(cfg);
}

static void test_missing_file(void **state)
{
	struct config *cfg = NULL;
	char err[1024];

	assert_int_equal(config_load("/nonexistent/provhost.json", &cfg, err,
	                             sizeof(err)),
	                 -1);
	assert_null(cfg);
	assert_string_equal(err, "/nonexistent/provhost.json: cannot read "
	                         "configuration: No such file or directory");
}

static void test_read_plugin_dir_and_default_path(void **state)
{
	char err[1024], want[600];
	char *pd = NULL;
	char path[600];

	write_file("pd.json", "{\"plugin_dir\": \"../p\", \"bogus\": 1}", 0600);
	snprintf(path, sizeof(path), "%s/pd.json", dir);
	assert_int_equal(config_read_plugin_dir(path, &pd, err, sizeof(err)),
	                 0);
	snprintf(want, sizeof(want), "%s/../p", dir);
	assert_string_equal(pd, want);
	free(pd);

	unsetenv("PROVHOST_CONFIG");
	assert_string_equal(config_default_path(NULL),
	                    "/etc/provhost/provhost.json");
	setenv("PROVHOST_CONFIG", "/x.json", 1);
	assert_string_equal(config_default_path(NULL), "/x.json");
	assert_string_equal(config_default_path("/y.json"), "/y.json");
	unsetenv("PROVHOST_CONFIG");
}

static void test_plugin_dir_rule(void **state)
{
	char out[1024];

	config_plugin_dir("/cli", "/cfg", out, sizeof(out));
	assert_string_equal(out, "/cli");
	config_plugin_dir(NULL, "/cfg", out, sizeof(out));
	assert_string_equal(out, "/cfg");
	config_plugin_dir(NULL, NULL, out, sizeof(out));
	/* the installed dir when it exists, else next to the executable */
	assert_true(strstr(out, "/plugins") != NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_defaults),
	        cmocka_unit_test(test_paths_and_include),
	        cmocka_unit_test(test_bind),
	        cmocka_unit_test(test_bind_collects_every_connection),
	        cmocka_unit_test(test_missing_file),
	        cmocka_unit_test(test_read_plugin_dir_and_default_path),
	        cmocka_unit_test(test_plugin_dir_rule),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
