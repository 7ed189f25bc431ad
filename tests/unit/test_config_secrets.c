/* Secrets: from env or a private file, never inline, wiped on release. */
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
#include "config/secrets.h"

static char dir[] = "/tmp/provhost-secrets-XXXXXX";

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	return th_rm_rf(dir);
}

static void write_file(const char *name, const char *text, mode_t mode)
{
	th_write_file(dir, name, text, mode);
}

static int load(struct secret_set *set, const char *key, const char *spec,
                struct path_error *err)
{
	json_t *j = json_loads(spec, JSON_DECODE_ANY, NULL);
	int rc;

	assert_non_null(j);
	rc = secret_set_load(set, key, j, dir, err);
	json_decref(j);
	return rc;
}

static void test_env_secret(void **state)
{
	struct secret_set set = {0};
	struct path_error err;

	setenv("PH_T_SECRET", "s3cr3t", 1);
	assert_int_equal(
	        load(&set, "token", "{\"env\": \"PH_T_SECRET\"}", &err), 0);
	assert_int_equal(set.n, 1);
	assert_string_equal(secret_set_find(&set, "token")->value, "s3cr3t");
	assert_int_equal(secret_set_find(&set, "token")->len, 6);
	assert_string_equal(secret_set_find(&set, "token")->source,
	                    "environment variable PH_T_SECRET");
	assert_null(secret_set_find(&set, "other"));
	secret_set_release(&set);
	assert_int_equal(set.n, 0);
	assert_null(set.items);
}

static void test_file_secret_strips_one_newline(void **state)
{
	struct secret_set set = {0};
	struct path_error err;

	write_file("tok", "abc\n", 0600);
	assert_int_equal(load(&set, "t", "{\"file\": \"tok\"}", &err), 0);
	assert_string_equal(set.items[0].value, "abc");
	assert_int_equal(set.items[0].len, 3);
	secret_set_release(&set);
	write_file("tok2", "xyz", 0400);
	assert_int_equal(load(&set, "t", "{\"file\": \"tok2\"}", &err), 0);
	assert_string_equal(set.items[0].value, "xyz");
	secret_set_release(&set);
}

static void test_refusals(void **state)
{
	struct secret_set set = {0};
	struct path_error err;
	char want[512];

	assert_int_equal(load(&set, "t", "\"inline\"", &err), -1);
	assert_string_equal(err.path, "secrets.t");
	assert_string_equal(err.message,
	                    "secret \"t\" must be {\"env\": \"VAR\"} or "
	                    "{\"file\": \"path\"}, never inline");

	write_file("open", "abc", 0640);
	assert_int_equal(load(&set, "t", "{\"file\": \"open\"}", &err), -1);
	snprintf(want, sizeof(want),
	         "secret \"t\": file \"%s/open\" is readable by group or "
	         "others (mode 0640); chmod 600 it",
	         dir);
	assert_string_equal(err.message, want);

	unsetenv("PH_T_UNSET");
	assert_int_equal(load(&set, "t", "{\"env\": \"PH_T_UNSET\"}", &err),
	                 -1);
	assert_string_equal(err.message, "secret \"t\": environment variable "
	                                 "PH_T_UNSET is not set");
	setenv("PH_T_EMPTY", "", 1);
	assert_int_equal(load(&set, "t", "{\"env\": \"PH_T_EMPTY\"}", &err),
	                 -1);
	assert_string_equal(err.message, "secret \"t\": environment variable "
	                                 "PH_T_EMPTY is empty");

	assert_int_equal(
	        load(&set, "t", "{\"env\": \"A\", \"file\": \"b\"}", &err), -1);
	assert_string_equal(err.message, "secret \"t\" needs exactly one of "
	                                 "\"env\" or \"file\"");
	assert_int_equal(load(&set, "t", "{\"value\": \"x\"}", &err), -1);
	assert_string_equal(err.path, "secrets.t.value");

	write_file("empty", "\n", 0600);
	assert_int_equal(load(&set, "t", "{\"file\": \"empty\"}", &err), -1);
	assert_string_equal(err.message,
	                    "secret \"t\": file \"empty\" is empty");
	assert_int_equal(set.n, 0);
}

/* Loads a file secret named key holding text; returns the message ("" when
 * it loaded) after checking that it has the path "secrets.KEY" and does not
 * contain secret_part. */
static const char *value_check(const char *key, const char *text,
                               const char *secret_part)
{
	static struct path_error err;
	struct secret_set set = {0};
	char path[64];

	write_file("v", text, 0600);
	if (!load(&set, key, "{\"file\": \"v\"}", &err)) {
		secret_set_release(&set);
		return "";
	}
	assert_int_equal(set.n, 0);
	assert_null(strstr(err.message, secret_part));
	snprintf(path, sizeof(path), "secrets.%s", key);
	assert_string_equal(err.path, path);
	return err.message;
}

/* want = "secret \"KEY\" (file DIR/v) WHAT" */
static const char *want_msg(const char *key, const char *what)
{
	static char want[512];

	snprintf(want, sizeof(want), "secret \"%s\" (file %s/v) %s", key, dir,
	         what);
	return want;
}

static void test_header_values(void **state)
{
	static const char bearer[] = "starts with \"Bearer \"; remove the "
	                             "\"Bearer \" prefix: provhost adds it";
	static const char trailing[] =
	        "ends with a line break (CR or LF; a file may end with one LF "
	        "only); remove it, and save the file with Unix line endings";
	static const char inside[] = "contains a line break (CR or LF); a "
	                             "secret is one line: remove it";
	static const char blank[] =
	        "contains a space or tab; remove it (a token has none)";
	static const char control[] = "contains a control character; remove it";

	/* tokens: any key ending in "token", in any case */
	assert_string_equal(
	        value_check("access_token", "Bearer q7Zk\n", "q7Zk"),
	        want_msg("access_token", bearer));
	assert_string_equal(value_check("apiToken", "bearer\tq7Zk", "q7Zk"),
	                    want_msg("apiToken", bearer));
	assert_string_equal(value_check("token", "q7Zk\r\n", "q7Zk"),
	                    want_msg("token", trailing));
	assert_string_equal(value_check("token", "q7Zk\n\n", "q7Zk"),
	                    want_msg("token", trailing));
	assert_string_equal(value_check("token", "q7Zk\r\nYu8\n", "q7Zk"),
	                    want_msg("token", inside));
	assert_string_equal(value_check("token", "q7Zk Yu8\n", "q7Zk"),
	                    want_msg("token", blank));
	assert_string_equal(value_check("TOKEN", "q7Zk\tYu8", "q7Zk"),
	                    want_msg("TOKEN", blank));
	assert_string_equal(value_check("token", "q7Zk\n", "q7Zk"), "");
	/* any secret: no line break or control character; spaces are fine */
	assert_string_equal(value_check("password", "Xw9v\nYu8\n", "Xw9v"),
	                    want_msg("password", inside));
	assert_string_equal(value_check("password", "Xw9v\r", "Xw9v"),
	                    want_msg("password", trailing));
	assert_string_equal(value_check("password", "Xw9v\033Yu8", "Xw9v"),
	                    want_msg("password", control));
	assert_string_equal(value_check("password", "Xw9v Yu8\n", "Xw9v"), "");
	assert_string_equal(value_check("password", "Bearer Xw9v", "Xw9v"), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_env_secret),
	        cmocka_unit_test(test_file_secret_strips_one_newline),
	        cmocka_unit_test(test_refusals),
	        cmocka_unit_test(test_header_values),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
