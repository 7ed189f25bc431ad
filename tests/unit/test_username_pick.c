/* Unit tests for host/lifecycle/username_pick.c: choosing a userName among
 * the mapping's candidates against a set of taken names (namesakes get
 * john.smith, john.smith2, ...), and every way a pick fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lifecycle/username_pick.h"
#include "util/strset.h"
#include "util/unicode.h"

/* A stand-in for the ledger: names taken, stored case-folded. */
struct taken {
	struct strset names;
	size_t calls;
	int fail_at; /* call number that fails, 0 = never */
};

static int is_taken(void *ctx, const char *name, char *reason, size_t len)
{
	struct taken *tk = ctx;
	char *key;
	int rc;

	tk->calls++;
	if (tk->fail_at && tk->calls == (size_t)tk->fail_at) {
		snprintf(reason, len, "ledger: database is locked");
		return -1;
	}
	assert_int_equal(unicode_casefold(name, strlen(name), &key), 0);
	rc = strset_has(&tk->names, key);
	free(key);
	return rc;
}

static int always_taken(void *ctx, const char *name, char *reason, size_t len)
{
	return 1;
}

static void reserve(struct taken *tk, const char *name)
{
	char *key;

	assert_int_equal(unicode_casefold(name, strlen(name), &key), 0);
	assert_int_equal(strset_add(&tk->names, key), 0);
	free(key);
}

static struct mapping *parse(const char *text)
{
	struct path_error err = {0};
	struct mapping *map = NULL;
	json_t *obj = json_loads(text, 0, NULL);

	assert_non_null(obj);
	if (mapping_parse(obj, &map, &err))
		fail_msg("%s: %s", err.path, err.message);
	json_decref(obj);
	return map;
}

/* Picks for the person in attrs_text, checks the name and index, and
 * reserves it. */
static void assert_pick(const struct mapping *map, struct taken *tk,
                        const char *attrs_text, const char *want,
                        size_t want_index)
{
	json_t *attrs = json_loads(attrs_text, 0, NULL);
	char reason[512] = "", *name = NULL;
	size_t index = 99;

	assert_non_null(attrs);
	if (username_pick(map, attrs, 0, is_taken, tk, &name, &index, reason,
	                  sizeof(reason)))
		fail_msg("username_pick: %s", reason);
	assert_string_equal(name, want);
	assert_int_equal(index, want_index);
	reserve(tk, name);
	free(name);
	json_decref(attrs);
}

static void assert_pick_fails(const struct mapping *map, struct taken *tk,
                              username_taken_fn fn, size_t max_tries,
                              const char *attrs_text, const char *want)
{
	json_t *attrs = json_loads(attrs_text, 0, NULL);
	char reason[512] = "", *name = NULL;

	assert_non_null(attrs);
	assert_int_equal(username_pick(map, attrs, max_tries, fn, tk, &name,
	                               NULL, reason, sizeof(reason)),
	                 -1);
	assert_null(name);
	assert_string_equal(reason, want);
	json_decref(attrs);
}

#define JOHN "{\"first_name\":\"John\",\"last_name\":\"Smith\"}"

static void test_namesakes(void **state)
{
	struct mapping *map =
	        parse("{\"userName\": [\"{first_name|ascii|lower}."
	              "{last_name|ascii|lower}{n}@acme.example\"]}");
	struct taken tk = {0};

	strset_init(&tk.names);
	assert_pick(map, &tk, JOHN, "john.smith@acme.example", 0);
	assert_pick(map, &tk, JOHN, "john.smith2@acme.example", 1);
	assert_pick(map, &tk, JOHN, "john.smith3@acme.example", 2);
	/* taken compares case-folded: the target has JOHN.SMITH4 already */
	reserve(&tk, "JOHN.SMITH4@ACME.EXAMPLE");
	assert_pick(map, &tk, JOHN, "john.smith5@acme.example", 4);
	assert_pick(map, &tk,
	            "{\"first_name\":\"Jöhn\",\"last_name\":\"Smith\"}",
	            "john.smith6@acme.example", 5);
	assert_pick(map, &tk,
	            "{\"first_name\":\"Zoë\",\"last_name\":\"Ångström\"}",
	            "zoe.angstrom@acme.example", 0);
	strset_release(&tk.names);
	mapping_free(map);
}

/* The e-mail first; its owner's namesake (a taken e-mail, or none) gets the
 * next candidate that renders. */
static void test_fallback_order(void **state)
{
	struct mapping *map =
	        parse("{\"userName\": [\"{email|lower}\", \"{login}\","
	              " \"{first_name|ascii|lower}.{last_name|ascii|lower}{n}"
	              "@acme.example\"]}");
	struct taken tk = {0};

	strset_init(&tk.names);
	assert_pick(map, &tk,
	            "{\"email\":\"John.Smith@Acme.example\",\"first_name\":"
	            "\"John\",\"last_name\":\"Smith\"}",
	            "john.smith@acme.example", 0);
	/* the same e-mail (taken), no login: the {n} candidate, whose first
	 * try is taken as well */
	tk.calls = 0;
	assert_pick(map, &tk,
	            "{\"email\":\"john.smith@acme.example\",\"first_name\":"
	            "\"John\",\"last_name\":\"Smith\"}",
	            "john.smith2@acme.example", 3);
	assert_int_equal(tk.calls, 3); /* unrendered candidates are not asked */
	assert_pick(map, &tk, "{\"login\":\"jsmith\",\"first_name\":\"J\"}",
	            "jsmith", 1);
	strset_release(&tk.names);
	mapping_free(map);
}

static void test_failures(void **state)
{
	struct mapping *fixed = parse("{\"userName\": [\"{a}\", \"{b}\"]}");
	struct mapping *counted =
	        parse("{\"userName\": \"{first_name|lower}{n}@x\"}");
	struct mapping *seven =
	        parse("{\"userName\": [\"a1\",\"a2\",\"a3\",\"a4\",\"a5\","
	              "\"a6\",\"a7\"]}");
	struct taken tk = {0};

	strset_init(&tk.names);
	reserve(&tk, "A");
	reserve(&tk, "b");
	assert_pick_fails(fixed, &tk, is_taken, 0, "{\"a\":\"a\",\"b\":\"B\"}",
	                  "every userName candidate is taken: \"a\", \"B\"");
	assert_pick_fails(seven, &tk, always_taken, 0, "{}",
	                  "every userName candidate is taken: \"a1\", \"a2\", "
	                  "\"a3\", \"a4\", \"a5\", ...");
	assert_pick_fails(fixed, &tk, is_taken, 0, "{}",
	                  "no userName candidate could be rendered: missing HR "
	                  "attribute \"a\" (required by mapping "
	                  "\"userName[0]\"); missing HR attribute \"b\" "
	                  "(required by mapping \"userName[1]\")");
	assert_pick_fails(counted, &tk, is_taken, 0, "{}",
	                  "missing HR attribute \"first_name\" (required by "
	                  "mapping \"userName\")");
	assert_pick_fails(counted, &tk, always_taken, 5, JOHN,
	                  "no free userName after 5 tries (last "
	                  "\"john5@x\")");
	assert_pick_fails(counted, &tk, always_taken, 0, JOHN,
	                  "no free userName after 1000 tries (last "
	                  "\"john1000@x\")");
	reserve(&tk, "john@x");
	tk.calls = 0;
	tk.fail_at = 2;
	assert_pick_fails(counted, &tk, is_taken, 0, JOHN,
	                  "ledger: database is locked");
	assert_int_equal(tk.calls, 2);
	strset_release(&tk.names);
	mapping_free(seven);
	mapping_free(counted);
	mapping_free(fixed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_namesakes),
	        cmocka_unit_test(test_fallback_order),
	        cmocka_unit_test(test_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
