/* The case-insensitive userName index (scim_ci_index.h): keys fold ASCII
 * case only, one id per key is kept once, distinct accounts with one
 * folded userName are all found (ambiguity), and a too-long name is
 * refused rather than cut. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scimclient/scim_ci_index.h"

static void test_fold(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(
	        scim_ci_fold("Mixed.Case@Example.COM", out, sizeof out), 0);
	assert_string_equal(out, "mixed.case@example.com");
	/* bytes >= 0x80 are kept: "Ä" (C3 84) is not folded */
	assert_int_equal(scim_ci_fold("\xc3\x84x", out, sizeof out), 0);
	assert_string_equal(out, "\xc3\x84x");
	assert_int_equal(scim_ci_fold("abcd", out, 4), -1);
	assert_string_equal(out, "");
	assert_int_equal(scim_ci_fold("abc", out, 4), 0);
	assert_string_equal(out, "abc");
}

static void test_index(void **state)
{
	json_t *ix = scim_ci_index_new(), *ids;

	(void)state;
	assert_non_null(ix);
	assert_null(scim_ci_index_find(ix, "a@x.org"));
	assert_int_equal(scim_ci_index_add(ix, "Mixed.Case@example.com", "7"),
	                 0);
	assert_int_equal(scim_ci_index_add(ix, "MIXED.case@example.com", "7"),
	                 0);
	assert_int_equal(scim_ci_index_add(ix, "other@example.com", "8"), 0);
	assert_int_equal(scim_ci_index_size(ix), 2);
	ids = scim_ci_index_find(ix, "mixed.case@example.com");
	assert_non_null(ids);
	assert_int_equal(json_array_size(ids), 1);
	assert_string_equal(json_string_value(json_array_get(ids, 0)), "7");
	assert_null(scim_ci_index_find(ix, "mixed.case@example.org"));
	/* two accounts with one folded userName: both found */
	assert_int_equal(scim_ci_index_add(ix, "mixed.CASE@example.com", "9"),
	                 0);
	assert_int_equal(json_array_size(scim_ci_index_find(
	                         ix, "Mixed.Case@Example.com")),
	                 2);
	/* non-ASCII case is not folded (documented) */
	assert_int_equal(scim_ci_index_add(ix, "\xc3\x84nna@x.org", "10"), 0);
	assert_null(scim_ci_index_find(ix, "\xc3\xa4nna@x.org"));
	assert_non_null(scim_ci_index_find(ix, "\xc3\x84NNA@X.org"));
	assert_null(scim_ci_index_find(NULL, "a"));
	json_decref(ix);
}

static void test_too_long(void **state)
{
	char name[5000];
	json_t *ix = scim_ci_index_new();

	(void)state;
	memset(name, 'A', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	assert_int_equal(scim_ci_index_add(ix, name, "1"), -1);
	assert_null(scim_ci_index_find(ix, name));
	assert_int_equal(scim_ci_index_size(ix), 0);
	json_decref(ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_fold),
	        cmocka_unit_test(test_index),
	        cmocka_unit_test(test_too_long),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
