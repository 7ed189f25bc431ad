/* The connector-side layer of issue 11 item 2: the token is scrubbed out of
 * a whole response body (scim_scrub) before it is parsed or cut into a
 * 120-byte excerpt, so no run of it survives the cut at any offset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scimclient/scim_error.h"
#include "scimclient/scim_scrub.h"

static const char token[] = "tok-Leak8Yq3Zr7Wx2Pm5Kd9"; /* 24 bytes */

/* Fails when any run of 8 bytes of secret is in text. */
static void assert_no_run(const char *text, const char *secret, size_t no)
{
	size_t n = strlen(secret);

	for (size_t i = 0; i + 8 <= n; i++) {
		if (memmem(text, strlen(text), secret + i, 8))
			fail_msg(
			        "case %zu: bytes %zu..%zu of the secret leaked",
			        no, i, i + 7);
	}
}

static void expect_scrub(const char *in, const char *secret, const char *want)
{
	char buf[256];
	size_t n;

	snprintf(buf, sizeof buf, "%s", in);
	n = scim_scrub(buf, strlen(buf), secret);
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_every_occurrence(void **state)
{
	expect_scrub("a tok-Leak8Yq3Zr7Wx2Pm5Kd9 b tok-Leak8Yq3Zr7Wx2Pm5Kd9",
	             token, "a [redacted] b [redacted]");
	expect_scrub("tok-Leak8Yq3Zr7Wx2Pm5Kd9", token, "[redacted]");
	expect_scrub("tok-Leak8Yq3Zr7 is not it", token,
	             "tok-Leak8Yq3Zr7 is not it");
	expect_scrub("", token, "");
	expect_scrub("unchanged", NULL, "unchanged");
	expect_scrub("unchanged", "", "unchanged");
	/* shorter than the mark: never grows */
	expect_scrub("key=abc;", "abc", "key=***;");
	/* JSON-escaped slashes, as some serialisers write them */
	expect_scrub("{\"d\":\"ab\\/cd\\/ef-123\"} ab/cd/ef-123",
	             "ab/cd/ef-123", "{\"d\":\"[redacted]\"} [redacted]");
}

/* A SCIM error whose detail and whose raw body put the token at every
 * offset around the excerpt's cut: after the scrub, neither the parsed
 * detail nor the raw excerpt holds 8 bytes of it. */
static void test_cut_at_every_offset(void **state)
{
	char body[512], pad[300], excerpt[SCIM_EXCERPT_MAX + 1];
	struct scim_error_body err;

	for (size_t p = 0; p <= SCIM_EXCERPT_MAX + 8; p++) {
		size_t len;

		memset(pad, 'x', p);
		pad[p] = '\0';
		len = (size_t)snprintf(
		        body, sizeof body,
		        "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:"
		        "Error\"],\"status\":\"400\",\"detail\":\"%"
		        "sAuthorization:"
		        " Bearer %s may not write\"}",
		        pad, token);
		len = scim_scrub(body, len, token);
		assert_int_equal(scim_error_parse(body, len, &err), 1);
		if (p + 40 < SCIM_EXCERPT_MAX) /* the mark is before the cut */
			assert_non_null(strstr(err.detail, "Bearer [redac"));
		assert_no_run(err.detail, token, p);
		scim_excerpt(body + 60, len - 60, excerpt, sizeof excerpt,
		             SCIM_EXCERPT_MAX);
		assert_no_run(excerpt, token, p);
	}
}

/* The token as a JSON serialiser may echo it, with \uXXXX escapes: each
 * form is scrubbed in the raw body, so the parsed detail (which jansson
 * unescapes back into the token) holds none of it either. */
static void test_unicode_escapes(void **state)
{
	static const char *const forms[] = {
	        /* every character escaped, lower-case hex */
	        "\\u0074\\u006f\\u006b\\u002d\\u004c\\u0065\\u0061\\u006b"
	        "\\u0038\\u0059\\u0071\\u0033\\u005a\\u0072\\u0037\\u0057"
	        "\\u0078\\u0032\\u0050\\u006d\\u0035\\u004b\\u0064\\u0039",
	        /* only the dash, upper-case hex */
	        "tok\\u002DLeak8Yq3Zr7Wx2Pm5Kd9",
	        /* a mix of escapes, the last character too */
	        "\\u0074ok-Leak8Yq3\\u005ar7Wx2Pm5Kd\\u0039",
	};
	char body[512];
	struct scim_error_body err;

	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		size_t len = (size_t)snprintf(
		        body, sizeof body,
		        "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:"
		        "Error\"],\"status\":\"400\",\"detail\":\"Bearer %s "
		        "refused\"}",
		        forms[i]);
		len = scim_scrub(body, len, token);
		assert_non_null(strstr(body, "\"Bearer [redacted] refused\""));
		assert_int_equal(scim_error_parse(body, len, &err), 1);
		assert_string_equal(err.detail, "Bearer [redacted] refused");
		assert_no_run(err.detail, token, i);
	}
	/* non-ASCII secrets: \u00e9 and a surrogate pair spell UTF-8 bytes */
	expect_scrub("a \\u00e9t\\u00C9-\\ud83d\\ude00-key b",
	             "\xc3\xa9t\xc3\x89-"
	             "\xf0\x9f\x98\x80-key",
	             "a [redacted] b");
	/* an escape that spells other bytes, or a broken one, is left alone */
	expect_scrub("\\u0074ok-Leak8Yq3Zr7Wx2Pm5Kd8", token,
	             "\\u0074ok-Leak8Yq3Zr7Wx2Pm5Kd8");
	expect_scrub("\\u00zz \\u12", "tok-x", "\\u00zz \\u12");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_every_occurrence),
	        cmocka_unit_test(test_cut_at_every_offset),
	        cmocka_unit_test(test_unicode_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
