/* Redaction of secret values from text provhost prints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "connector/redact.h"

static char key0[] = "token", val0[] = "tok-123456";
static char key1[] = "longer", val1[] = "tok-123456-extra";
static struct secret items[2];
static struct secret_set set = {items, 2};

static int setup(void **state)
{
	items[0].key = key0;
	items[0].value = val0;
	items[0].len = strlen(items[0].value);
	items[1].key = key1;
	items[1].value = val1;
	items[1].len = strlen(items[1].value);
	return 0;
}

static void expect_redacted(const char *in, const char *want)
{
	char *out = redact_dup(&set, in);

	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

static void test_every_occurrence(void **state)
{
	expect_redacted("a tok-123456 b tok-123456",
	                "a [REDACTED] b [REDACTED]");
	expect_redacted("tok-123456tok-123456", "[REDACTED][REDACTED]");
	expect_redacted("nothing here", "nothing here");
	expect_redacted("", "");
}

static void test_longest_match_wins(void **state)
{
	expect_redacted("x tok-123456-extra y", "x [REDACTED] y");
}

static void test_truncated_tail(void **state)
{
	/* a secret cut off at the end of a message still goes */
	expect_redacted("the token was tok-1234", "the token was [REDACTED]");
	/* short tails that merely look like a start stay */
	expect_redacted("ends in tok", "ends in tok");
}

static void test_into_fixed_buffer(void **state)
{
	char buf[16];

	redact_into(&set, "key=tok-123456;", buf, sizeof(buf));
	assert_string_equal(buf, "key=[REDACTED];");
	strcpy(buf, "tok-123456");
	redact_into(&set, buf, buf, sizeof(buf)); /* in place */
	assert_string_equal(buf, "[REDACTED]");
	redact_into(&set, "a much longer text tok-123456", buf, 8);
	assert_string_equal(buf, "a much ");
}

static void test_no_secrets(void **state)
{
	char *out = redact_dup(NULL, "tok-123456");

	assert_string_equal(out, "tok-123456");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_every_occurrence),
	        cmocka_unit_test(test_longest_match_wins),
	        cmocka_unit_test(test_truncated_tail),
	        cmocka_unit_test(test_into_fixed_buffer),
	        cmocka_unit_test(test_no_secrets),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
