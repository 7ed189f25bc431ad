/* Redaction of secret values from text provhost prints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "connector/redact.h"
#include "scimclient/scim_error.h"

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

/* A 24-byte token, as in issue 11: the set holds it alone. */
static char key_tok[] = "access_token", val_tok[] = "tok-Leak8Yq3Zr7Wx2Pm5Kd9";
static struct secret tok_item;
static struct secret_set tok_set = {&tok_item, 1};

static void tok_setup(void)
{
	tok_item.key = key_tok;
	tok_item.value = val_tok;
	tok_item.len = strlen(val_tok);
}

/* Fails when any run of 8 bytes of the token is in text. */
static void assert_no_token_run(const char *text, size_t case_no)
{
	for (size_t i = 0; i + 8 <= tok_item.len; i++) {
		if (memmem(text, strlen(text), val_tok + i, 8))
			fail_msg("case %zu: bytes %zu..%zu of the token leaked",
			         case_no, i, i + 7);
	}
}

static void expect_tok(const char *in, const char *want)
{
	char *out = redact_dup(&tok_set, in);

	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

/* Issue 11 item 2: a prefix of the token before "..." (any length from 8
 * up), a suffix after "..." or at the start, a middle run between two
 * cuts, with "...", "…" and line breaks as cuts. */
static void test_fragment_at_every_cut_offset(void **state)
{
	static const char *const cuts[] = {"...", "\xe2\x80\xa6", "\n"};
	size_t n = tok_item.len;
	char in[256], want[256];

	tok_setup();
	for (size_t c = 0; c < 3; c++) {
		for (size_t k = 1; k < n; k++) {
			/* prefix of length k before the cut, suffix after */
			snprintf(in, sizeof in, "Bearer %.*s%s tail", (int)k,
			         val_tok, cuts[c]);
			snprintf(want, sizeof want, "Bearer %s%s tail",
			         k >= 8 ? REDACTED_MARK : "", cuts[c]);
			if (k < 8) /* short runs are left alone */
				snprintf(want, sizeof want, "%s", in);
			expect_tok(in, want);
			snprintf(in, sizeof in, "head%s%s said no", cuts[c],
			         val_tok + k);
			snprintf(want, sizeof want, "head%s%s said no", cuts[c],
			         n - k >= 8 ? REDACTED_MARK : val_tok + k);
			expect_tok(in, want);
			/* the suffix at the very start of the text */
			snprintf(in, sizeof in, "%s said no", val_tok + k);
			snprintf(want, sizeof want, "%s said no",
			         n - k >= 8 ? REDACTED_MARK : val_tok + k);
			expect_tok(in, want);
		}
		/* a middle run between two cuts */
		snprintf(in, sizeof in, "a%s%.10s%sb", cuts[c], val_tok + 5,
		         cuts[c]);
		snprintf(want, sizeof want, "a%s%s%sb", cuts[c], REDACTED_MARK,
		         cuts[c]);
		expect_tok(in, want);
	}
}

/* The real excerpt (scim_excerpt, 120 bytes) of a body that puts the
 * token at every offset around the cut, inside a host-side message: the
 * host's layer alone keeps every 8-byte run of the token out. */
static void test_excerpt_cut_at_every_offset(void **state)
{
	char body[512], excerpt[SCIM_EXCERPT_MAX + 1], msg[512];

	tok_setup();
	for (size_t pad = 0; pad <= SCIM_EXCERPT_MAX + 8; pad++) {
		char *out;

		memset(body, 'x', pad);
		snprintf(body + pad, sizeof body - pad,
		         "Authorization: Bearer %s may not write", val_tok);
		scim_excerpt(body, strlen(body), excerpt, sizeof excerpt,
		             SCIM_EXCERPT_MAX);
		snprintf(msg, sizeof msg,
		         "promapp answered 400 to POST /Users: %s (attempt 1)",
		         excerpt);
		out = redact_dup(&tok_set, msg);
		assert_non_null(out);
		assert_no_token_run(out, pad);
		free(out);
	}
}

/* Runs of a secret that touch no cut are ordinary text and stay; so do
 * runs shorter than 8 bytes at a cut. */
static void test_no_false_positives(void **state)
{
	tok_setup();
	expect_tok("see Leak8Yq3Zr7 here", "see Leak8Yq3Zr7 here");
	expect_tok("tok-Lea... more", "tok-Lea... more");
	expect_tok("...Pm5Kd9 more", "...Pm5Kd9 more");
	expect_tok("a ... b ... c", "a ... b ... c");
	expect_tok("token tok-Leak8 was cut", "token tok-Leak8 was cut");
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
	        cmocka_unit_test(test_fragment_at_every_cut_offset),
	        cmocka_unit_test(test_excerpt_cut_at_every_offset),
	        cmocka_unit_test(test_no_false_positives),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
