/* config_locate: JSON path -> line:column in the source text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

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
	        cmocka_unit_test(test_path_join),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
