/* The loader against the fixture connectors: each refusal has its own
 * precise reason, good connectors (including the one built from the frozen
 * v1.0 header) load. */
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
#include "connector/loader.h"

static char fixtures[1024];

/* Loads one fixture into a fresh set; returns the reason or "accepted". */
static char *load_one(const char *name)
{
	struct plugin_set *set = loader_new();
	char path[1200];
	char *reason;

	snprintf(path, sizeof(path), "%s/%s", fixtures, name);
	if (loader_load_file(set, path) == 0) {
		assert_int_equal(set->n_accepted, 1);
		assert_int_equal(set->n_refused, 0);
		reason = strdup("accepted");
	} else {
		assert_int_equal(set->n_accepted, 0);
		assert_int_equal(set->n_refused, 1);
		assert_string_equal(set->refused[0].path, path);
		reason = strdup(set->refused[0].reason);
	}
	loader_free(set);
	return reason;
}

static void expect_reason(const char *file, const char *want)
{
	char *got = load_one(file);

	assert_string_equal(got, want);
	free(got);
}

static void test_good_connectors(void **state)
{
	expect_reason("minimal.so", "accepted");
	expect_reason("fake.so", "accepted");
	/* built from tests/fixtures/abi-v1.0: must load in every 1.x host */
	expect_reason("frozen_v1_0.so", "accepted");
	/* built from tests/fixtures/abi-v1.1: must load in every later host */
	expect_reason("frozen_v1_1.so", "accepted");
	expect_reason("ctor_marker.so", "accepted");
}

static void test_other_major(void **state)
{
	expect_reason("abi_major2.so",
	              "built for connector ABI 2; this provhost speaks 1 (its "
	              "descriptor says abi_major 2)");
	expect_reason("abi_major2_only.so",
	              "built for connector ABI 2; this provhost speaks 1 (it "
	              "exports provhost_connector_v2, not "
	              "provhost_connector_v1)");
}

static void test_descriptor_refusals(void **state)
{
	expect_reason("future_minor.so",
	              "needs connector ABI 1.7; this provhost speaks 1.2");
	expect_reason("bad_magic.so",
	              "bad descriptor magic 0xdeadbeef (expected 0x50484331): "
	              "not a provhost connector descriptor");
	expect_reason("small_descriptor.so",
	              "descriptor too small (40 bytes; connector ABI 1.0 needs "
	              "at least 88)");
	expect_reason("small_ops.so", "ops table too small (16 bytes; "
	                              "connector ABI 1.0 needs at least 64)");
	expect_reason("missing_op.so", "required op \"provision\" is missing");
	expect_reason("cap_without_op.so",
	              "capability \"lookup\" is advertised but op \"lookup\" "
	              "is missing");
	expect_reason("list_beyond_ops.so",
	              "capability \"list\" is advertised but op \"list\" is "
	              "missing (or beyond the ops table's 64 bytes)");
	expect_reason("not_a_connector.so",
	              "not a provhost connector (no provhost_connector_v1 "
	              "symbol)");
	expect_reason("ctor_no_entry.so",
	              "not a provhost connector (no provhost_connector_v1 "
	              "symbol)");
}

/* A wild pointer in the descriptor is a refusal, not a crash. */
static void test_wild_pointers(void **state)
{
	expect_reason("wild_string.so",
	              "descriptor field \"version\" (0x1) does not point to "
	              "a string inside the connector's loaded segments");
	expect_reason("wild_setting.so",
	              "setting 0 field \"description\" (0xdead00000000) does "
	              "not point to a string inside the connector's loaded "
	              "segments");
}

static void test_not_loadable(void **state)
{
	char dir[] = "/tmp/provhost-loader-XXXXXX";
	char path[200], *got;
	FILE *f;

	/* dlopen's reason, without the /proc/self/fd/N it was given */
	expect_reason("undefined_symbol.so",
	              "cannot be loaded: undefined symbol: "
	              "provhost_fixture_missing");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/garbage.so", dir);
	f = fopen(path, "w");
	fputs("this is not an ELF file\n", f);
	fclose(f);
	chmod(path, 0644);
	strcpy(fixtures, dir);
	/* refused from its bytes, before dlopen */
	got = load_one("garbage.so");
	assert_string_equal(got, "cannot be loaded: not an ELF file");
	free(got);
	remove(path);
	remove(dir);
}

/* Copies src to dst with mode. */
static void copy_file(const char *src, const char *dst, mode_t mode)
{
	char cmd[2600];

	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", src, dst);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(chmod(dst, mode), 0);
}

static void test_writable_and_scan(void **state)
{
	char dir[] = "/tmp/provhost-loader-XXXXXX";
	char src[1200], dst[1200], err[256];
	struct plugin_set *set = loader_new();

	th_build_path(fixtures, sizeof(fixtures), "fixtures");
	assert_non_null(mkdtemp(dir));
	snprintf(src, sizeof(src), "%s/minimal.so", fixtures);
	snprintf(dst, sizeof(dst), "%s/a-world.so", dir);
	copy_file(src, dst, 0666);
	snprintf(dst, sizeof(dst), "%s/b-group.so", dir);
	copy_file(src, dst, 0664);
	snprintf(dst, sizeof(dst), "%s/c-good.so", dir);
	copy_file(src, dst, 0755);
	snprintf(dst, sizeof(dst), "%s/d-dup.so", dir);
	copy_file(src, dst, 0755);
	snprintf(dst, sizeof(dst), "%s/README.txt", dir);
	copy_file(src, dst, 0666); /* not *.so: skipped silently */

	assert_int_equal(loader_scan_dir(set, dir, err, sizeof(err)), 0);
	assert_int_equal(set->n_accepted, 1);
	assert_int_equal(set->n_refused, 3);
	assert_non_null(strstr(set->accepted[0].path, "/c-good.so"));
	assert_non_null(loader_find(set, "minimal"));
	assert_null(loader_find(set, "nosuch"));
	assert_non_null(strstr(set->refused[0].path, "/a-world.so"));
	assert_string_equal(set->refused[0].reason,
	                    "file is group- or world-writable (mode 0666); "
	                    "refusing to load it");
	assert_string_equal(set->refused[1].reason,
	                    "file is group- or world-writable (mode 0664); "
	                    "refusing to load it");
	snprintf(dst, sizeof(dst),
	         "duplicate connector name \"minimal\" (already loaded from "
	         "%s/c-good.so)",
	         dir);
	assert_string_equal(set->refused[2].reason, dst);
	assert_non_null(loader_find_refused(set, "minimal"));
	assert_non_null(loader_find_refused(set, "a-world"));
	loader_free(set);

	set = loader_new();
	assert_int_equal(
	        loader_scan_dir(set, "/nonexistent-dir", err, sizeof(err)), -1);
	assert_string_equal(err, "cannot read plugin directory "
	                         "\"/nonexistent-dir\": No such file or "
	                         "directory");
	loader_free(set);
	assert_int_equal(th_rm_rf(dir), 0);
}

static void test_caps_string(void **state)
{
	char out[64];

	loader_caps_string(0, out, sizeof(out));
	assert_string_equal(out, "none");
	loader_caps_string(PROVHOST_CAP_LOOKUP | PROVHOST_CAP_DELETE, out,
	                   sizeof(out));
	assert_string_equal(out, "lookup,delete");
	loader_caps_string(PROVHOST_CAP_NO_ADOPT | PROVHOST_CAP_ETAG, out,
	                   sizeof(out));
	assert_string_equal(out, "no-adopt,etag");
}

static int setup(void **state)
{
	th_build_path(fixtures, sizeof(fixtures), "fixtures");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_good_connectors, setup),
	        cmocka_unit_test_setup(test_other_major, setup),
	        cmocka_unit_test_setup(test_descriptor_refusals, setup),
	        cmocka_unit_test_setup(test_wild_pointers, setup),
	        cmocka_unit_test_setup(test_not_loadable, setup),
	        cmocka_unit_test_setup(test_writable_and_scan, setup),
	        cmocka_unit_test(test_caps_string),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
