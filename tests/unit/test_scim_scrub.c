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

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_every_occurrence),
	        cmocka_unit_test(test_cut_at_every_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
