/* UTF-8 validation and repair for text that goes into JSON (host/utf8.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/utf8.h"

#define R UTF8_REPLACEMENT

static void expect_repair(const char *in, const char *want)
{
	char *out = utf8_repair_dup(in);

	assert_non_null(out);
	assert_string_equal(out, want);
	assert_true(utf8_valid(out, strlen(out)));
	free(out);
}

static void test_valid_text_unchanged(void **state)
{
	static const char *const ok[] = {
	        "",
	        "plain ASCII",
	        "J\xc3\xb6rg M\xc3\xbcller",
	        "\xe2\x80\xae bidi",
	        "\xf0\x9f\x98\x80 emoji",
	        "\xf4\x8f\xbf\xbf max",
	        "\xed\x9f\xbf before surrogates",
	};

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		assert_true(utf8_valid(ok[i], strlen(ok[i])));
		expect_repair(ok[i], ok[i]);
	}
}

static void test_invalid_bytes_become_fffd(void **state)
{
	expect_repair("a\xff"
	              "b",
	              "a" R "b");
	expect_repair("M\xfcller", "M" R "ller");
	expect_repair("\xc0\xaf", R R);             /* overlong '/' */
	expect_repair("\xe0\x80\xaf", R R R);       /* overlong, 3 bytes */
	expect_repair("\xed\xa0\x80", R R R);       /* a surrogate */
	expect_repair("\xf4\x90\x80\x80", R R R R); /* above U+10FFFF */
	expect_repair("end \xe2\x82", "end " R R);  /* cut sequence */
	expect_repair("\x80 lone", R " lone");      /* continuation */
	assert_false(utf8_valid("\xf5\x80\x80\x80", 4));
}

static void test_json_string_never_refuses(void **state)
{
	json_t *j = utf8_json_string("detail \xff\xfe ok");
	json_t *n = utf8_json_string(NULL);

	assert_non_null(j);
	assert_string_equal(json_string_value(j), "detail " R R " ok");
	assert_true(json_is_null(n));
	json_decref(j);
	json_decref(n);
}

static void test_repair_into_cuts_at_a_character(void **state)
{
	char buf[8] = "ab\xff\xff";

	utf8_repair_into(buf, sizeof buf); /* "ab" + 2 x 3 bytes = 8 > 7 */
	assert_string_equal(buf, "ab" R);
	strcpy(buf, "fine");
	utf8_repair_into(buf, sizeof buf);
	assert_string_equal(buf, "fine");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_valid_text_unchanged),
	        cmocka_unit_test(test_invalid_bytes_become_fffd),
	        cmocka_unit_test(test_json_string_never_refuses),
	        cmocka_unit_test(test_repair_into_cuts_at_a_character),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
