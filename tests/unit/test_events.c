/* Unit tests for host/events.c: the JSON Lines event parser (every reject
 * reason by exact text) and event identities. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lifecycle/events.h"

static int parse(const char *line, struct event *ev, char *reason)
{
	return event_parse_line(line, strlen(line), 0, ev, reason, 256);
}

static void assert_rejected(const char *line, const char *want)
{
	struct event ev;
	char reason[256] = "";

	assert_int_equal(parse(line, &ev, reason), -1);
	assert_string_equal(reason, want);
	assert_null(ev.id);
	assert_null(ev.attributes);
}

static void test_full_event(void **state)
{
	struct event ev;
	char reason[256] = "";

	assert_int_equal(
	        parse("{\"event\": \"hire\", \"employee_id\": \"E1\", \"id\": "
	              "\"evt-1\", \"effective\": \"2026-03-01\", "
	              "\"attributes\": {\"email\": \"a@x.org\", \"fte\": 1, "
	              "\"remote\": true, \"middle\": null}}",
	              &ev, reason),
	        0);
	assert_int_equal(ev.kind, EVENT_HIRE);
	assert_string_equal(ev.employee_id, "E1");
	assert_string_equal(ev.id, "evt-1");
	assert_true(ev.id_given);
	assert_true(ev.has_effective);
	assert_int_equal(ev.effective, 1772323200);
	assert_string_equal(
	        json_string_value(json_object_get(ev.attributes, "email")),
	        "a@x.org");
	assert_string_equal(ev.raw,
	                    "{\"attributes\":{\"email\":\"a@x.org\",\"fte\":1,"
	                    "\"middle\":null,\"remote\":true},\"effective\":"
	                    "\"2026-03-01\",\"employee_id\":\"E1\",\"event\":"
	                    "\"hire\",\"id\":\"evt-1\"}");
	event_release(&ev);
	assert_null(ev.raw);
	event_release(&ev); /* safe twice */
}

static void test_minimal_event_and_kinds(void **state)
{
	static const char *const names[] = {"hire",   "update", "terminate",
	                                    "rehire", "leave",  "return"};
	char line[128], reason[256];
	struct event ev;

	for (int k = 0; k < 6; k++) {
		snprintf(line, sizeof(line),
		         "{\"event\":\"%s\",\"employee_id\":\"E7\"}", names[k]);
		assert_int_equal(parse(line, &ev, reason), 0);
		assert_int_equal(ev.kind, k);
		assert_string_equal(event_kind_name(ev.kind), names[k]);
		assert_false(ev.id_given);
		assert_false(ev.has_effective);
		assert_int_equal(json_object_size(ev.attributes), 0);
		assert_int_equal(strncmp(ev.id, "sha256:", 7), 0);
		assert_int_equal(strlen(ev.id), 7 + 64);
		event_release(&ev);
	}
	assert_string_equal(event_kind_name((enum event_kind)99), "?");
}

static void test_reject_reasons(void **state)
{
	assert_rejected("{\"event\":\"hire\"", "invalid JSON: '}' expected "
	                                       "near end of file (column 15)");
	assert_rejected("{\"event\":\"hire\" x}",
	                "invalid JSON: '}' expected near 'x' (column 17)");
	assert_rejected("not json", "invalid JSON: '[' or '{' expected near "
	                            "'not' (column 3)");
	assert_rejected("{\"event\":\"hire\",\"employee_id\":\"E1\"} extra",
	                "invalid JSON: end of file expected near 'extra' "
	                "(column 41)");
	assert_rejected("[1,2]", "an event must be a JSON object");
	assert_rejected("{\"employee_id\":\"E1\"}", "missing \"event\"");
	assert_rejected("{\"event\":\"hire\"}", "missing \"employee_id\"");
	assert_rejected("{\"event\":3,\"employee_id\":\"E1\"}",
	                "\"event\" must be a string");
	assert_rejected("{\"event\":\"fire\",\"employee_id\":\"E1\"}",
	                "unknown event kind \"fire\" (expected hire, update, "
	                "terminate, rehire, leave, return)");
	assert_rejected("{\"event\":\"hire\",\"employee_id\":\"\"}",
	                "\"employee_id\" must not be empty");
	assert_rejected("{\"event\":\"hire\",\"employee_id\":42}",
	                "\"employee_id\" must be a string, got a number");
	assert_rejected("{\"event\":\"hire\",\"employee_id\":true}",
	                "\"employee_id\" must be a string, got a boolean");
	assert_rejected("{\"event\":\"hire\",\"employee_id\":null}",
	                "\"employee_id\" must be a string, got null");
	assert_rejected("{\"event\":\"hire\",\"employee_id\":[\"E1\"]}",
	                "\"employee_id\" must be a string, got an array");
	assert_rejected("{\"event\":\"hire\",\"employee_id\":\"   \"}",
	                "\"employee_id\" must not be blank (only whitespace)");
	assert_rejected("{\"event\":\"hire\",\"employee_id\":\" \\u00a0 \"}",
	                "\"employee_id\" must not be blank (only whitespace)");
	assert_rejected("{\"event\":\"hire\",\"employee_id\":\"E\\n1\"}",
	                "\"employee_id\" must not contain control characters");
	assert_rejected(
	        "{\"event\":\"hire\",\"employee_id\":\"E1\",\"id\":\"\"}",
	        "\"id\" must not be empty");
	assert_rejected("{\"event\":\"hire\",\"employee_id\":\"E1\",\"id\":7}",
	                "\"id\" must be a string, got a number");
	assert_rejected("{\"event\":\"hire\",\"employee_id\":\"E1\","
	                "\"effective\":\"2026-13-01\"}",
	                "\"effective\" is not an ISO 8601 date or date-time "
	                "with offset: \"2026-13-01\" (month 13 out of range)");
	assert_rejected("{\"event\":\"hire\",\"employee_id\":\"E1\","
	                "\"effective\":\"2026-03-01T09:00\"}",
	                "\"effective\" is not an ISO 8601 date or date-time "
	                "with offset: \"2026-03-01T09:00\" (no UTC offset (add "
	                "Z or +hh:mm))");
	assert_rejected("{\"event\":\"hire\",\"employee_id\":\"E1\","
	                "\"effective\":20260301}",
	                "\"effective\" must be a string");
	assert_rejected("{\"event\":\"hire\",\"employee_id\":\"E1\","
	                "\"atributes\":{}}",
	                "unknown key \"atributes\" (known: event, employee_id, "
	                "id, effective, attributes)");
	assert_rejected("{\"event\":\"hire\",\"employee_id\":\"E1\","
	                "\"attributes\":[]}",
	                "\"attributes\" must be an object");
	assert_rejected("{\"event\":\"hire\",\"employee_id\":\"E1\","
	                "\"attributes\":{\"manager\":{\"id\":\"E2\"}}}",
	                "attribute \"manager\" must be a string, number, "
	                "boolean or null, not an object");
	assert_rejected("{\"event\":\"hire\",\"employee_id\":\"E1\","
	                "\"attributes\":{\"groups\":[\"a\"]}}",
	                "attribute \"groups\" must be a string, number, "
	                "boolean or null, not an array");
	assert_rejected("{\"event\":\"hire\",\"event\":\"update\","
	                "\"employee_id\":\"E1\"}",
	                "invalid JSON: duplicate object key near "
	                "'\"event\"' (column 23)");
	assert_rejected("{\"event\":\"hire\",\"employee_id\":\"E\\u0000\"}",
	                "invalid JSON: \\u0000 (NUL) is not allowed in "
	                "strings (column 39)");
}

static void test_id_too_long(void **state)
{
	char line[600], reason[256];
	char id[EVENT_MAX_ID_LEN + 2];
	struct event ev;

	memset(id, 'x', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	snprintf(line, sizeof(line),
	         "{\"event\":\"hire\",\"employee_id\":\"%s\"}", id);
	assert_int_equal(parse(line, &ev, reason), -1);
	assert_string_equal(reason, "\"employee_id\" is too long (257 bytes, "
	                            "limit 256)");
	id[sizeof(id) - 2] = '\0'; /* exactly the limit */
	snprintf(line, sizeof(line),
	         "{\"event\":\"hire\",\"employee_id\":\"E\",\"id\":\"%s\"}",
	         id);
	assert_int_equal(parse(line, &ev, reason), 0);
	event_release(&ev);
}

static void test_overlong_line(void **state)
{
	size_t n = 70000;
	char *line = malloc(n + 1);
	char reason[256];
	struct event ev;

	memset(line, ' ', n);
	memcpy(line, "{\"event\":\"hire\",\"employee_id\":\"E1\"}", 35);
	line[n] = '\0';
	assert_int_equal(
	        event_parse_line(line, n, 0, &ev, reason, sizeof(reason)), -1);
	assert_string_equal(reason, "line too long (70000 bytes, limit 65536)");
	/* the same line fits a bigger limit */
	assert_int_equal(
	        event_parse_line(line, n, 100000, &ev, reason, sizeof(reason)),
	        0);
	event_release(&ev);
	/* and a small custom limit is honoured */
	assert_int_equal(
	        event_parse_line(line, 35, 34, &ev, reason, sizeof(reason)),
	        -1);
	assert_string_equal(reason, "line too long (35 bytes, limit 34)");
	free(line);
}

static void test_bytes(void **state)
{
	static const char nul[] =
	        "{\"event\":\"hire\",\0\"employee_id\":\"E\"}";
	static const char bad_utf8[] =
	        "{\"event\":\"hire\",\"employee_id\":\"E\xC3(\"}";
	static const char overlong[] =
	        "{\"event\":\"hire\",\"employee_id\":\"\xC0\xAF\"}";
	static const char surrogate[] =
	        "{\"event\":\"hire\",\"employee_id\":\"\xED\xA0\x80\"}";
	static const char truncated[] =
	        "{\"event\":\"hire\",\"employee_id\":\"\xE2\x82";
	static const char bom[] =
	        "\xEF\xBB\xBF{\"event\":\"hire\",\"employee_id\":\"\xC3\xA9\"}";
	char reason[256];
	struct event ev;

	assert_int_equal(event_parse_line(nul, sizeof(nul) - 1, 0, &ev, reason,
	                                  sizeof(reason)),
	                 -1);
	assert_string_equal(reason, "NUL byte at byte 17");
	assert_int_equal(parse(bad_utf8, &ev, reason), -1);
	assert_string_equal(reason, "invalid UTF-8 at byte 33");
	assert_int_equal(parse(overlong, &ev, reason), -1);
	assert_string_equal(reason, "invalid UTF-8 at byte 32");
	assert_int_equal(parse(surrogate, &ev, reason), -1);
	assert_string_equal(reason, "invalid UTF-8 at byte 32");
	assert_int_equal(parse(truncated, &ev, reason), -1);
	assert_string_equal(reason, "invalid UTF-8 at byte 32");
	assert_int_equal(parse(bom, &ev, reason), 0);
	assert_string_equal(ev.employee_id, "\xC3\xA9");
	event_release(&ev);
}

static void test_blank_and_line_endings(void **state)
{
	char reason[256];
	struct event ev;

	assert_int_equal(parse("", &ev, reason), 1);
	assert_string_equal(reason, "blank line");
	assert_int_equal(parse("  \t \r\n", &ev, reason), 1);
	assert_int_equal(parse("\xEF\xBB\xBF", &ev, reason), 1);
	assert_null(ev.raw);
	assert_int_equal(
	        parse("{\"event\":\"leave\",\"employee_id\":\"E\"}\r\n", &ev,
	              reason),
	        0);
	assert_int_equal(ev.kind, EVENT_LEAVE);
	event_release(&ev);
}

static char *id_of(const char *line)
{
	char reason[256], *id;
	struct event ev;

	if (parse(line, &ev, reason))
		fail_msg("\"%s\": %s", line, reason);
	id = strdup(ev.id);
	event_release(&ev);
	return id;
}

static void test_identity(void **state)
{
	char *a = id_of("{\"event\":\"hire\",\"employee_id\":\"E1\","
	                "\"attributes\":{\"a\":1,\"b\":\"x\"}}");
	char *b = id_of("  { \"attributes\" : {\"b\":\"x\", \"a\":1},"
	                "\"employee_id\":\"E1\", \"event\":\"hire\"}  ");
	char *c = id_of("{\"event\":\"hire\",\"employee_id\":\"E1\","
	                "\"attributes\":{\"a\":2,\"b\":\"x\"}}");
	char *d = id_of("{\"event\":\"update\",\"employee_id\":\"E1\","
	                "\"attributes\":{\"a\":1,\"b\":\"x\"}}");
	char *e = id_of("{\"event\":\"hire\",\"employee_id\":\"E1\"}");

	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_not_equal(a, d);
	/* sha256 of the canonical text {"employee_id":"E1","event":"hire"} */
	assert_string_equal(e, "sha256:7576c37594e83aafa642a7c2863b6455748204"
	                       "a382050ad35ab22f409e7a9c6f");
	free(a), free(b), free(c), free(d), free(e);
}

/* The identity rule: the k-th occurrence of one content within an input is
 * "<content id>#k"; the first keeps the plain content id (what ledgers
 * written before the rule hold); a given "id" is never changed. */
static void test_occurrence_identity(void **state)
{
	const char *term = "{\"event\":\"terminate\",\"employee_id\":\"E1\"}";
	struct event a, b, c, given;
	char reason[256] = "", plain[80];

	assert_int_equal(parse(term, &a, reason), 0);
	assert_int_equal(parse(term, &b, reason), 0);
	assert_int_equal(parse(term, &c, reason), 0);
	snprintf(plain, sizeof(plain), "%s", a.id);
	assert_int_equal(strlen(plain), 71);
	assert_int_equal(event_set_occurrence(&a, 1), 0);
	assert_string_equal(a.id, plain);
	assert_int_equal(event_set_occurrence(&b, 2), 0);
	assert_int_equal(strncmp(b.id, plain, 71), 0);
	assert_string_equal(b.id + 71, "#2");
	assert_int_equal(event_set_occurrence(&c, 12), 0);
	assert_string_equal(c.id + 71, "#12");
	assert_string_not_equal(b.id, c.id);
	/* the same occurrence of the same content: the same id again */
	event_release(&c);
	assert_int_equal(parse(term, &c, reason), 0);
	assert_int_equal(event_set_occurrence(&c, 2), 0);
	assert_string_equal(c.id, b.id);
	/* content is unchanged: raw is the same for every occurrence */
	assert_string_equal(a.raw, b.raw);
	assert_int_equal(parse("{\"event\":\"hire\",\"employee_id\":\"E1\","
	                       "\"id\":\"x\"}",
	                       &given, reason),
	                 0);
	assert_int_equal(event_set_occurrence(&given, 3), 0);
	assert_string_equal(given.id, "x");
	event_release(&a);
	event_release(&b);
	event_release(&c);
	event_release(&given);
}

static void test_raw_reparses_to_same_event(void **state)
{
	static const char line[] =
	        "{\"event\":\"rehire\",\"employee_id\":\"E9\",\"effective\":"
	        "\"2026-03-01T09:00:00+13:00\",\"attributes\":{\"fte\":0.75,"
	        "\"name\":\"Zo\xC3\xAB\",\"n\":null}}";
	struct event a, b;
	char reason[256];

	assert_int_equal(parse(line, &a, reason), 0);
	assert_int_equal(parse(a.raw, &b, reason), 0);
	assert_string_equal(a.id, b.id);
	assert_string_equal(a.raw, b.raw);
	assert_int_equal(a.effective, b.effective);
	assert_int_equal(a.effective, 1772323200 - 4 * 3600);
	assert_true(json_equal(a.attributes, b.attributes));
	event_release(&a);
	event_release(&b);
}

static void test_kind_from_name(void **state)
{
	enum event_kind k;

	assert_int_equal(event_kind_from_name("terminate", &k), 0);
	assert_int_equal(k, EVENT_TERMINATE);
	assert_int_equal(event_kind_from_name("Terminate", &k), -1);
	assert_int_equal(event_kind_from_name("", &k), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_full_event),
	        cmocka_unit_test(test_minimal_event_and_kinds),
	        cmocka_unit_test(test_reject_reasons),
	        cmocka_unit_test(test_id_too_long),
	        cmocka_unit_test(test_overlong_line),
	        cmocka_unit_test(test_bytes),
	        cmocka_unit_test(test_blank_and_line_endings),
	        cmocka_unit_test(test_identity),
	        cmocka_unit_test(test_occurrence_identity),
	        cmocka_unit_test(test_raw_reparses_to_same_event),
	        cmocka_unit_test(test_kind_from_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
