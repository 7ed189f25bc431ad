/* Helpers shared by the cmocka unit tests (tests/unit/test_*.c): where the
 * build tree is, writing a file into a test directory, removing one.
 * Include after <cmocka.h> (the helpers assert with cmocka). Header-only:
 * each test file is one program. */
#ifndef PROVHOST_TEST_UNIT_HELPERS_H
#define PROVHOST_TEST_UNIT_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* $BUILD (the build directory tests/run exports), or "build". */
static inline const char *th_build_dir(void)
{
	const char *build = getenv("BUILD");

	return build && build[0] ? build : "build";
}

/* Writes "$BUILD/SUB" into buf (e.g. SUB "fixtures", "plugins/x.so"). */
static inline void th_build_path(char *buf, size_t len, const char *sub)
{
	snprintf(buf, len, "%s/%s", th_build_dir(), sub);
}

/* Writes text to dir/name and gives it mode (fails the test on error). */
static inline void th_write_file(const char *dir, const char *name,
                                 const char *text, mode_t mode)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* Removes dir and everything in it; returns 0 on success (a cmocka
 * teardown's result). dir is a mkdtemp path: no quote in it. */
static inline int th_rm_rf(const char *dir)
{
	char cmd[1100];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

#endif
