/* Unit tests for host/lifecycle/person.c: the merge rule (hire and rehire
 * replace, other events merge, null clears), the changes line, the email
 * key and the status an event implies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lifecycle/person.h"

static json_t *obj(const char *text)
{
	json_t *v = json_loads(text, 0, NULL);

	assert_non_null(v);
	return v;
}

/* merge(kind, stored, attrs) as compact text with sorted keys */
static void assert_merge(enum event_kind kind, const char *stored,
                         const char *attrs, const char *want)
{
	json_t *s = stored ? obj(stored) : NULL, *a = obj(attrs), *m;
	char *text;

	assert_int_equal(person_merge(kind, s, a, &m), 0);
	text = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text, want);
	free(text);
	json_decref(m);
	json_decref(a);
	json_decref(s);
}

static void test_merge_rule(void **state)
{
	(void)state;
	/* an update merges: present keys replace, absent keys stay */
	assert_merge(EVENT_UPDATE, "{\"a\":\"1\",\"d\":\"Eng\"}",
	             "{\"d\":\"Fin\"}", "{\"a\":\"1\",\"d\":\"Fin\"}");
	/* null clears */
	assert_merge(EVENT_UPDATE, "{\"a\":\"1\",\"t\":\"x\"}", "{\"t\":null}",
	             "{\"a\":\"1\"}");
	/* terminate, leave and return merge too */
	assert_merge(EVENT_TERMINATE, "{\"a\":\"1\"}", "{}", "{\"a\":\"1\"}");
	assert_merge(EVENT_LEAVE, "{\"a\":\"1\"}", "{\"b\":2}",
	             "{\"a\":\"1\",\"b\":2}");
	/* hire and rehire replace; a replaced record keeps no null */
	assert_merge(EVENT_HIRE, "{\"a\":\"1\",\"d\":\"Eng\"}",
	             "{\"d\":\"Fin\",\"x\":null}", "{\"d\":\"Fin\"}");
	assert_merge(EVENT_REHIRE, "{\"a\":\"1\"}", "{}", "{}");
	/* the first record of a person */
	assert_merge(EVENT_UPDATE, NULL, "{\"d\":\"Fin\",\"x\":null}",
	             "{\"d\":\"Fin\"}");
}

static void test_changes(void **state)
{
	json_t *b = obj("{\"d\":\"Eng\",\"t\":\"Lead\",\"n\":1}");
	json_t *a = obj("{\"d\":\"Fin\",\"n\":1,\"z\":true}");
	char buf[256], small[40];

	(void)state;
	person_changes(b, a, buf, sizeof(buf));
	assert_string_equal(buf, "d: \"Eng\" -> \"Fin\"; t: \"Lead\" -> "
	                         "(none); z: (none) -> true");
	person_changes(b, b, buf, sizeof(buf));
	assert_string_equal(buf, "");
	person_changes(NULL, a, buf, sizeof(buf));
	assert_string_equal(buf, "");
	person_changes(b, a, small, sizeof(small));
	assert_string_equal(small, "d: \"Eng\" -> \"Fin\"; ...");
	json_decref(a);
	json_decref(b);
}

static void test_email_key_and_status(void **state)
{
	json_t *r = obj("{\"email\":\"  Ana.Lopez@Example.COM\\t\"}");
	json_t *n = obj("{\"email\":42}");
	json_t *blank = obj("{\"email\":\"   \"}");
	char key[PERSON_EMAIL_KEY_MAX];

	(void)state;
	person_email_key(r, key, sizeof(key));
	assert_string_equal(key, "ana.lopez@example.com");
	/* full Unicode folding, not ASCII only: "ZOË@X" is "zoë@x" */
	json_decref(n);
	n = obj("{\"email\":\" ZO\xc3\x8b.Stra\xc3\x9f"
	        "e@X \"}");
	person_email_key(n, key, sizeof(key));
	assert_string_equal(key, "zo\xc3\xab.strasse@x");
	json_decref(n);
	n = obj("{\"email\":42}");
	person_email_key(n, key, sizeof(key));
	assert_string_equal(key, "");
	person_email_key(blank, key, sizeof(key));
	assert_string_equal(key, "");
	assert_string_equal(person_status_after(EVENT_HIRE), "active");
	assert_string_equal(person_status_after(EVENT_RETURN), "active");
	assert_string_equal(person_status_after(EVENT_TERMINATE), "terminated");
	assert_string_equal(person_status_after(EVENT_LEAVE), "on_leave");
	assert_null(person_status_after(EVENT_UPDATE));
	json_decref(r);
	json_decref(n);
	json_decref(blank);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_merge_rule),
	        cmocka_unit_test(test_changes),
	        cmocka_unit_test(test_email_key_and_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
