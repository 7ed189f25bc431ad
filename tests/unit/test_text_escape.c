/* Escaping of untrusted text for terminals, logs and reject-file comments
 * (host/text_escape.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/text_escape.h"

static void expect_escape(const char *in, const char *want)
{
	char *out = text_escape_dup(in);
	char *again;

	assert_non_null(out);
	assert_string_equal(out, want);
	again = text_escape_dup(out); /* escaping twice changes nothing */
	assert_string_equal(again, want);
	free(again);
	free(out);
}

static void test_controls_are_escaped(void **state)
{
	expect_escape("a\nb\rc\td", "a\\nb\\rc\\td");
	expect_escape("\x1b[2J\x07\x7f", "\\x1b[2J\\x07\\x7f");
	expect_escape("x\xc2\x85y\xc2\x9b", "x\\u0085y\\u009b");
	expect_escape("\xe2\x80\xae"
	              "evil\xe2\x81\xa6\xe2\x81\xa9",
	              "\\u202eevil\\u2066\\u2069");
	expect_escape("\xe2\x80\x8f\xd8\x9c", "\\u200f\\u061c");
	expect_escape("bad \xff", "bad \\xff");
}

static void test_ordinary_text_unchanged(void **state)
{
	expect_escape("", "");
	expect_escape("J\xc3\xb6rg M\xc3\xbcller \xe2\x80\x94 \\u0000 ok",
	              "J\xc3\xb6rg M\xc3\xbcller \xe2\x80\x94 \\u0000 ok");
	expect_escape("\xc2\xa0nbsp \xe2\x80\xa6", "\xc2\xa0nbsp \xe2\x80\xa6");
}

static void test_into_cuts_before_an_escape(void **state)
{
	char buf[8];

	text_escape_into("abcd\x1b", buf, sizeof buf); /* "abcd\x1b" = 8 */
	assert_string_equal(buf, "abcd");
	strcpy(buf, "a\nb");
	text_escape_into(buf, buf, sizeof buf); /* in place */
	assert_string_equal(buf, "a\\nb");
}

static void test_find_invisible(void **state)
{
	uint32_t cp = 0;
	const char *id = "E\xe2\x80\xae"
	                 "1001";

	assert_int_equal(text_find_invisible(id, strlen(id), &cp), 1);
	assert_int_equal(cp, 0x202e);
	assert_int_equal(text_find_invisible("evt\xc2\x9b", 5, &cp), 3);
	assert_int_equal(cp, 0x9b);
	assert_int_equal(text_find_invisible("J\xc3\xb6rg", 5, &cp), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_controls_are_escaped),
	        cmocka_unit_test(test_ordinary_text_unchanged),
	        cmocka_unit_test(test_into_cuts_before_an_escape),
	        cmocka_unit_test(test_find_invisible),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
