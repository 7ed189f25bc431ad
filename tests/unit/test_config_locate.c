/* config_locate: JSON path -> line:column in the source text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"
#include "config/config_locate.h"

static const char doc[] =
        "{\n"
        "  \"a\": 1,\n"
        "  \"connections\": [\n"
        "    { \"name\": \"x\" },\n"
        "    {\n"
        "      \"name\": \"h\\u00e9\",\n"
        "      \"settings\": { \"url\": \"é\", \"k\": [1, {\"z\": 2}] }\n"
        "    }\n"
        "  ]\n"
        "}\n";

static void expect_at(const char *path, int want_rc, int want_line,
                      int want_col)
{
	int line = 0, col = 0;
	int rc = config_locate(doc, strlen(doc), path, &line, &col);

	assert_int_equal(rc, want_rc);
	assert_int_equal(line, want_line);
	assert_int_equal(col, want_col);
}

static void test_members_and_items(void **state)
{
	expect_at("", 0, 1, 1);
	expect_at("a", 0, 2, 3);
	expect_at("connections", 0, 3, 3);
	expect_at("connections[0]", 0, 4, 5);
	expect_at("connections[0].name", 0, 4, 7);
	expect_at("connections[1]", 0, 5, 5);
	expect_at("connections[1].settings", 0, 7, 7);
	expect_at("connections[1].settings.url", 0, 7, 21);
}

static void test_columns_count_characters(void **state)
{
	/* "é" is two bytes but one column */
	expect_at("connections[1].settings.k", 0, 7, 33);
	expect_at("connections[1].settings.k[1]", 0, 7, 42);
	expect_at("connections[1].settings.k[1].z", 0, 7, 43);
}

static void test_missing_gives_container(void **state)
{
	expect_at("connections[1].secrets", 1, 5, 5);
	expect_at("connections[5]", 1, 3, 18);
	expect_at("nothing.below", 1, 1, 1);
	expect_at("a.b", 1, 2, 8);
}

static void test_bad_text(void **state)
{
	int line, col;

	assert_int_equal(
	        config_locate("{\"a\": [1, 2", 11, "a[5]", &line, &col), -1);
}

/* A document of n connections, one per line, like check-config sees. */
static char *many_connections(size_t n, size_t *len)
{
	size_t cap = 64 + n * 80, used = 0;
	char *text = malloc(cap);

	assert_non_null(text);
	used += (size_t)snprintf(text + used, cap - used,
	                         "{\n  \"connections\": [\n");
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(text + used, cap - used,
		                         "    { \"name\": \"c%zu\", "
		                         "\"connector\": \"fake\" }%s\n",
		                         i, i + 1 < n ? "," : "");
	used += (size_t)snprintf(text + used, cap - used, "  ]\n}\n");
	*len = used;
	return text;
}

/* N lookups through one index scan the text once (linear overall), and
 * give exactly what a fresh walk gives. */
static void test_index_scans_once_for_many_lookups(void **state)
{
	const size_t n = 2000;
	struct config_index *ix = config_index_new();
	size_t len, builds, scanned;
	char *text = many_connections(n, &len);
	char path[64];
	int l1, c1, l2, c2;

	assert_non_null(ix);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "connections[%zu].%s", i,
		         i % 3 ? "name" : "secrets");
		assert_int_equal(
		        config_index_locate(ix, text, len, path, &l1, &c1),
		        i % 3 ? 0 : 1);
		assert_int_equal(config_locate(text, len, path, &l2, &c2),
		                 i % 3 ? 0 : 1);
		assert_int_equal(l1, l2);
		assert_int_equal(c1, c2);
		assert_int_equal(l1, (int)i + 3);
	}
	config_index_stats(ix, &builds, &scanned);
	assert_int_equal(builds, 1);
	assert_int_equal(scanned, len);
	/* another text through the same index: rebuilt, once */
	assert_int_equal(config_index_locate(ix, doc, strlen(doc),
	                                     "connections[1].settings.url", &l1,
	                                     &c1),
	                 0);
	assert_int_equal(l1, 7);
	assert_int_equal(c1, 21);
	config_index_stats(ix, &builds, &scanned);
	assert_int_equal(builds, 2);
	assert_int_equal(scanned, len + strlen(doc));
	config_index_free(ix);
	free(text);
}

/* The loader's sources keep their index: positions for every connection
 * of a loaded configuration cost one scan of the file. */
static void test_loaded_source_is_indexed_once(void **state)
{
	char dir[] = "/tmp/provhost-locate-XXXXXX", file[64], where[600];
	const size_t n = 500;
	struct config *cfg = NULL;
	size_t len, builds, scanned;
	char *text = many_connections(n, &len), err[4096], want[64];
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/many.json", dir);
	f = fopen(file, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
	assert_int_equal(config_load(file, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg->n_connections, n);
	for (size_t i = 0; i < n; i++) {
		config_connection_where(&cfg->connections[i], "connector",
		                        where, sizeof(where));
		snprintf(want, sizeof(want), "many.json:%zu:%d", i + 3,
		         i < 10    ? 21
		         : i < 100 ? 22
		                   : 23);
		assert_non_null(strstr(where, want));
	}
	assert_int_equal(cfg->n_sources, 1);
	config_index_stats(cfg->sources[0]->index, &builds, &scanned);
	assert_int_equal(builds, 1);
	assert_int_equal(scanned, len);
	config_free(cfg);
	unlink(file);
	rmdir(dir);
	free(text);
}

static void test_path_join(void **state)
{
	char out[64];

	config_path_join(out, sizeof(out), "connections[1]", "settings.x");
	assert_string_equal(out, "connections[1].settings.x");
	config_path_join(out, sizeof(out), "", "settings");
	assert_string_equal(out, "settings");
	config_path_join(out, sizeof(out), "connections[1]", "");
	assert_string_equal(out, "connections[1]");
	config_path_join(out, sizeof(out), "a", "[2]");
	assert_string_equal(out, "a[2]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_members_and_items),
	        cmocka_unit_test(test_columns_count_characters),
	        cmocka_unit_test(test_missing_gives_container),
	        cmocka_unit_test(test_bad_text),
	        cmocka_unit_test(test_index_scans_once_for_many_lookups),
	        cmocka_unit_test(test_loaded_source_is_indexed_once),
	        cmocka_unit_test(test_path_join),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
