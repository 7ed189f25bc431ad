/* notify_send with a real configuration (config_load) and a real command
 * notifier (a shell script in a temporary directory): orphans_found, the
 * function reconcile calls, delivers the documented body on stdin and the
 * event in the environment; "on" filters; a failing command makes it
 * return -1 and writes an audit line with delivered false. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../lib/unit_helpers.h"
#include "config/config.h"
#include "engine/audit.h"
#include "engine/notify.h"

static char dir[] = "/tmp/provhost-notify-XXXXXX";

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	th_write_file(
	        dir, "record.sh",
	        "#!/bin/sh\n"
	        "cat >\"$(dirname \"$0\")/stdin.json\"\n"
	        "printf '%s|%s|%s' \"$PROVHOST_NOTIFY_EVENT\" "
	        "\"$PROVHOST_NOTIFY_RUN\" \"$PROVHOST_NOTIFY_CONNECTION\" "
	        ">\"$(dirname \"$0\")/env.txt\"\n",
	        0755);
	th_write_file(dir, "fail.sh", "#!/bin/sh\ncat >/dev/null\nexit 3\n",
	              0755);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return th_rm_rf(dir);
}

/* A configuration notifying through dir/SCRIPT on the events in on. */
static struct config *load(const char *script, const char *on)
{
	struct config *cfg = NULL;
	char text[2048], path[600], err[4096];

	snprintf(text, sizeof(text),
	         "{\"connections\": [{\"connector\": \"minimal\"}],"
	         " \"notify\": {\"command\": [\"%s/%s\"]%s%s%s,"
	         " \"timeout_seconds\": 5}}",
	         dir, script, on ? ", \"on\": [\"" : "", on ? on : "",
	         on ? "\"]" : "");
	th_write_file(dir, "provhost.json", text, 0600);
	snprintf(path, sizeof(path), "%s/provhost.json", dir);
	if (config_load(path, &cfg, err, sizeof(err)))
		fail_msg("config_load: %s", err);
	return cfg;
}

static json_t *read_json(const char *name)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return json_load_file(path, 0, NULL);
}

static void test_orphans_found_body(void **state)
{
	struct config *cfg = load("record.sh", NULL);
	json_t *accounts = json_pack("[s, s]", "acc-7", "acc-9"), *got;
	char path[600], env[300] = "";
	FILE *f;

	(void)state;
	assert_int_equal(
	        notify_orphans_found(cfg, NULL, 42, "promapp", 2, accounts), 1);
	got = read_json("stdin.json");
	assert_non_null(got);
	assert_string_equal(json_string_value(json_object_get(got, "schema")),
	                    "provhost/v1");
	assert_string_equal(json_string_value(json_object_get(got, "kind")),
	                    "notification");
	assert_string_equal(json_string_value(json_object_get(got, "event")),
	                    "orphans_found");
	assert_int_equal(json_integer_value(json_object_get(got, "run")), 42);
	assert_int_equal(json_integer_value(json_object_get(got, "orphans")),
	                 2);
	assert_string_equal(
	        json_string_value(json_object_get(got, "connection")),
	        "promapp");
	assert_true(json_equal(json_object_get(got, "accounts"), accounts));
	assert_non_null(strstr(json_string_value(json_object_get(got, "text")),
	                       "2 accounts no employee owns"));
	snprintf(path, sizeof(path), "%s/env.txt", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(env, sizeof(env), f));
	fclose(f);
	assert_string_equal(env, "orphans_found|42|promapp");
	json_decref(got);
	json_decref(accounts);
	config_free(cfg);
}

static void test_on_filters(void **state)
{
	struct config *cfg = load("record.sh", "run_stopped");
	char path[600];
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/stdin.json", dir);
	unlink(path);
	assert_false(notify_wanted(cfg, NOTIFY_ORPHANS_FOUND));
	assert_true(notify_wanted(cfg, NOTIFY_RUN_STOPPED));
	assert_int_equal(notify_orphans_found(cfg, NULL, 1, "promapp", 1, NULL),
	                 0);
	assert_int_not_equal(stat(path, &st), 0);
	config_free(cfg);
}

static void test_failure_is_audited(void **state)
{
	struct config *cfg = load("fail.sh", NULL);
	struct audit audit;
	char path[600], err[600], line[2048] = "";
	json_t *got;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/audit.jsonl", dir);
	assert_int_equal(audit_open(&audit, path, err, sizeof(err)), 0);
	assert_int_equal(
	        notify_orphans_found(cfg, &audit, 5, "promapp", 1, NULL), -1);
	audit_close(&audit);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	got = json_loads(line, 0, NULL);
	assert_non_null(got);
	assert_string_equal(json_string_value(json_object_get(got, "notify")),
	                    "orphans_found");
	assert_false(json_is_true(json_object_get(got, "delivered")));
	assert_int_equal(json_integer_value(json_object_get(got, "attempts")),
	                 2);
	assert_non_null(strstr(json_string_value(json_object_get(got, "error")),
	                       "exited with status 3"));
	json_decref(got);
	config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_orphans_found_body),
	        cmocka_unit_test(test_on_filters),
	        cmocka_unit_test(test_failure_is_audited),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
