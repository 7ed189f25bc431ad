/* The bad-configuration corpus: every tests/fixtures/config-bad/X.json must
 * fail config_load or config_bind_connectors (against the fixture
 * connectors) with exactly the message in X.expected ("@FIXTURES@" stands
 * for the fixture directory). PROVHOST_WRITE_EXPECTED=1 (re)writes the
 * .expected files from the actual output, for review. */
#include <dirent.h>
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

#define CORPUS_DIR "tests/fixtures/config-bad"

static char fixtures_dir[1024];

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	while (buf && n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return buf;
}

/* Replaces every "@FIXTURES@" in text with the fixture directory. */
static char *expand(const char *text)
{
	const char *mark = "@FIXTURES@";
	size_t cap = strlen(text) * 4 + 4096, used = 0;
	char *out = malloc(cap);

	while (*text) {
		if (!strncmp(text, mark, strlen(mark))) {
			used += (size_t)snprintf(out + used, cap - used, "%s",
			                         fixtures_dir);
			text += strlen(mark);
		} else {
			out[used++] = *text++;
		}
	}
	out[used] = '\0';
	return out;
}

/* Replaces the fixture directory with "@FIXTURES@" (to write .expected). */
static void write_expected(const char *path, const char *actual)
{
	FILE *f = fopen(path, "w");
	size_t n = strlen(fixtures_dir);

	while (*actual) {
		if (!strncmp(actual, fixtures_dir, n)) {
			fputs("@FIXTURES@", f);
			actual += n;
		} else {
			fputc(*actual++, f);
		}
	}
	fputc('\n', f);
	fclose(f);
}

static void test_bad_config(void **state)
{
	const char *json_path = *state;
	struct plugin_set *set = NULL;
	struct config *cfg = NULL;
	char expected_path[1024], err[8192];
	char *expected, *want;
	int rc;

	snprintf(expected_path, sizeof(expected_path), "%.*s.expected",
	         (int)(strlen(json_path) - 5), json_path);
	rc = config_load(json_path, &cfg, err, sizeof(err));
	if (rc == 0) {
		rc = config_bind_connectors(cfg, fixtures_dir, &set, err,
		                            sizeof(err));
		config_free(cfg);
		loader_free(set);
	}
	assert_int_not_equal(rc, 0);
	if (getenv("PROVHOST_WRITE_EXPECTED"))
		write_expected(expected_path, err);
	expected = read_text(expected_path);
	if (!expected)
		fail_msg("missing %s; actual message:\n%s", expected_path, err);
	want = expand(expected);
	assert_string_equal(err, want);
	free(want);
	free(expected);
}

static int is_json(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 5 && !strcmp(e->d_name + n - 5, ".json");
}

int main(void)
{
	struct CMUnitTest *tests;
	struct dirent **names;
	int n, rc;

	th_build_path(fixtures_dir, sizeof(fixtures_dir), "fixtures");
	setenv("PROVHOST_TEST_TOKEN", "tok-corpus-123", 1);
	unsetenv("PROVHOST_TEST_UNSET");
	/* git checks files out 0644 under the usual umask; make sure */
	chmod(CORPUS_DIR "/readable-secret.txt", 0644);
	n = scandir(CORPUS_DIR, &names, is_json, alphasort);
	if (n <= 0) {
		fprintf(stderr, "no corpus in %s (run from the top)\n",
		        CORPUS_DIR);
		return 1;
	}
	tests = calloc((size_t)n, sizeof(*tests));
	for (int i = 0; i < n; i++) {
		char *path;

		if (asprintf(&path, "%s/%s", CORPUS_DIR, names[i]->d_name) < 0)
			return 1;
		tests[i].name = path;
		tests[i].test_func = test_bad_config;
		tests[i].initial_state = path;
		free(names[i]);
	}
	free(names);
	rc = _cmocka_run_group_tests("config corpus", tests, (size_t)n, NULL,
	                             NULL);
	for (int i = 0; i < n; i++)
		free((void *)tests[i].name);
	free(tests);
	return rc;
}
