/* The loader's trust checks, before any code of a plugin runs: untrusted
 * directories (world-writable, owned by another user, reached through a
 * symlink) and files owned by another user are refused with a reason, and
 * the constructor of a refused file never runs (tests/fixtures/
 * ctor_marker.c appends to $PROVHOST_TEST_CTOR_MARKER when it runs). */
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

#include "connector/loader.h"

static char fixtures[1024];
static char tmp[64];
static char marker[128];

/* Runs "cp 'a' 'b'" (b != NULL) or "rm -rf 'a'". */
static void sh(const char *a, const char *b)
{
	char cmd[4096];

	if (b)
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", a, b);
	else
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", a);
	assert_int_equal(system(cmd), 0);
}

/* Copies the fixture name to dst with mode. */
static void copy_fixture(const char *name, const char *dst, mode_t mode)
{
	char src[1200];

	snprintf(src, sizeof(src), "%s/%s", fixtures, name);
	sh(src, dst);
	assert_int_equal(chmod(dst, mode), 0);
}

/* True when some constructor wrote the marker file. */
static int ctor_ran(void)
{
	return access(marker, F_OK) == 0;
}

/* Loads path alone; returns the reason or "accepted" (caller frees). */
static char *load_one(const char *path)
{
	struct plugin_set *set = loader_new();
	char *reason;

	if (loader_load_file(set, path) == 0)
		reason = strdup("accepted");
	else
		reason = strdup(set->refused[0].reason);
	loader_free(set);
	return reason;
}

static void expect_load(const char *path, const char *want)
{
	char *got = load_one(path);

	assert_string_equal(got, want);
	free(got);
}

static int setup(void **state)
{
	const char *build = getenv("BUILD");

	snprintf(fixtures, sizeof(fixtures), "%s/fixtures",
	         build && build[0] ? build : "build");
	snprintf(tmp, sizeof(tmp), "/tmp/provhost-trust-XXXXXX");
	assert_non_null(mkdtemp(tmp));
	snprintf(marker, sizeof(marker), "%s/ctor-ran", tmp);
	setenv("PROVHOST_TEST_CTOR_MARKER", marker, 1);
	return 0;
}

static int teardown(void **state)
{
	unsetenv("PROVHOST_TEST_CTOR_MARKER");
	sh(tmp, NULL);
	return 0;
}

/* The control: from a trusted directory the constructor runs, so the
 * marker's absence below means the file's code did not run. */
static void test_trusted_file_runs(void **state)
{
	char d[200], f[300], link[300];

	snprintf(d, sizeof(d), "%s/ok", tmp);
	assert_int_equal(mkdir(d, 0755), 0);
	snprintf(f, sizeof(f), "%s/ctor.so", d);
	copy_fixture("ctor_marker.so", f, 0755);
	snprintf(link, sizeof(link), "%s/link.so", tmp);
	assert_int_equal(symlink(f, link), 0);
	/* a symlink to a trusted file in a trusted directory is fine */
	expect_load(link, "accepted");
	assert_true(ctor_ran());
}

static void test_world_writable_dir(void **state)
{
	struct plugin_set *set = loader_new();
	char d[200], f[300], err[1024], want[1024];

	snprintf(d, sizeof(d), "%s/open", tmp);
	assert_int_equal(mkdir(d, 0755), 0);
	assert_int_equal(chmod(d, 0777), 0);
	snprintf(f, sizeof(f), "%s/ctor.so", d);
	copy_fixture("ctor_marker.so", f, 0755);

	assert_int_equal(loader_scan_dir(set, d, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
	         "refusing plugin directory \"%s\": directory \"%s\" is "
	         "group- or world-writable (mode 0777)",
	         d, d);
	assert_string_equal(err, want);
	assert_int_equal(set->n_accepted + set->n_refused, 0);
	loader_free(set);

	/* the file on its own: its directory is checked too */
	snprintf(want, sizeof(want),
	         "directory \"%s\" is group- or world-writable (mode 0777); "
	         "refusing to load it",
	         d);
	expect_load(f, want);

	/* sticky does not help the plugin directory itself */
	assert_int_equal(chmod(d, 01777), 0);
	snprintf(want, sizeof(want),
	         "directory \"%s\" is group- or world-writable (mode 1777); "
	         "refusing to load it",
	         d);
	expect_load(f, want);
	assert_false(ctor_ran());
}

static void test_symlink_into_open_dir(void **state)
{
	struct plugin_set *set = loader_new();
	char open_dir[200], ok[200], target[300], link[300], want[1200];
	char err[1024];

	snprintf(open_dir, sizeof(open_dir), "%s/open", tmp);
	assert_int_equal(mkdir(open_dir, 0755), 0);
	assert_int_equal(chmod(open_dir, 0777), 0);
	snprintf(target, sizeof(target), "%s/ctor.so", open_dir);
	copy_fixture("ctor_marker.so", target, 0755);
	snprintf(ok, sizeof(ok), "%s/plugins", tmp);
	assert_int_equal(mkdir(ok, 0755), 0);
	snprintf(link, sizeof(link), "%s/ctor.so", ok);
	assert_int_equal(symlink(target, link), 0);

	assert_int_equal(loader_scan_dir(set, ok, err, sizeof(err)), 0);
	assert_int_equal(set->n_accepted, 0);
	assert_int_equal(set->n_refused, 1);
	assert_string_equal(set->refused[0].path, link);
	snprintf(want, sizeof(want),
	         "resolves to \"%s\"; directory \"%s\" is group- or "
	         "world-writable (mode 0777); refusing to load it",
	         target, open_dir);
	assert_string_equal(set->refused[0].reason, want);
	loader_free(set);

	/* the plugin directory itself a symlink to the open one */
	set = loader_new();
	snprintf(link, sizeof(link), "%s/dirlink", tmp);
	assert_int_equal(symlink(open_dir, link), 0);
	assert_int_equal(loader_scan_dir(set, link, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
	         "refusing plugin directory \"%s\" (resolves to \"%s\"): "
	         "directory \"%s\" is group- or world-writable (mode 0777)",
	         link, open_dir, open_dir);
	assert_string_equal(err, want);
	loader_free(set);
	assert_false(ctor_ran());
}

static void test_no_entry_symbol_never_runs(void **state)
{
	char f[300];

	snprintf(f, sizeof(f), "%s/no_entry.so", tmp);
	copy_fixture("ctor_no_entry.so", f, 0755);
	expect_load(f, "not a provhost connector (no provhost_connector_v1 "
	               "symbol)");
	assert_false(ctor_ran());
}

/* Needs root (chown to another user); skipped otherwise. */
static void test_owned_by_another_user(void **state)
{
	struct plugin_set *set;
	char d[200], f[300], err[1024], want[1200];

	if (geteuid() != 0)
		skip();
	snprintf(f, sizeof(f), "%s/theirs.so", tmp);
	copy_fixture("ctor_marker.so", f, 0755);
	assert_int_equal(chown(f, 65534, 65534), 0);
	snprintf(want, sizeof(want),
	         "file is owned by uid 65534, not by root or the running "
	         "user (uid 0); refusing to load it");
	expect_load(f, want);

	/* a plugin directory below a directory of another user */
	snprintf(d, sizeof(d), "%s/theirs", tmp);
	assert_int_equal(mkdir(d, 0755), 0);
	assert_int_equal(chown(d, 65534, 65534), 0);
	snprintf(f, sizeof(f), "%s/theirs/plugins", tmp);
	assert_int_equal(mkdir(f, 0755), 0);
	set = loader_new();
	assert_int_equal(loader_scan_dir(set, f, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
	         "refusing plugin directory \"%s\": directory \"%s\" is "
	         "owned by uid 65534, not by root or the running user (uid 0)",
	         f, d);
	assert_string_equal(err, want);
	loader_free(set);
	assert_false(ctor_ran());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_trusted_file_runs, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_world_writable_dir, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_symlink_into_open_dir,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(test_no_entry_symbol_never_runs,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(test_owned_by_another_user,
	                                        setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
