/* Unit tests for host/lifecycle/roster_derive.c: the events a roster row
 * implies against the stored person (the table in roster_derive.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lifecycle/roster_derive.h"

#define NOW 1780000000 /* 2026-05-28T20:26:40Z */

/* The derived events as one line: each compact with sorted keys, joined
 * by " | "; "" when none (then *note gets the note). */
static void derive(const char *record, const char *status, const char *stored,
                   int64_t scheduled_at, char *out, size_t len, char *note,
                   size_t note_len)
{
	json_t *rec = json_loads(record, 0, NULL);
	json_t *st = stored ? json_loads(stored, 0, NULL) : NULL;
	struct roster_stored s = {status, st, scheduled_at != 0, scheduled_at};
	struct roster_derived d;
	size_t used = 0;

	assert_non_null(rec);
	assert_int_equal(roster_derive(rec, &s, NOW, &d), 0);
	out[0] = '\0';
	for (size_t i = 0; i < d.n; i++) {
		char *t =
		        json_dumps(d.events[i], JSON_COMPACT | JSON_SORT_KEYS);

		used += (size_t)snprintf(out + used, len - used, "%s%s",
		                         i ? " | " : "", t);
		free(t);
	}
	snprintf(note, note_len, "%s%s", d.conflict ? "conflict: " : "",
	         d.note);
	roster_derived_release(&d);
	json_decref(rec);
	json_decref(st);
}

#define ROW(status, extra, attrs)                                              \
	"{\"employee_id\": \"E1\", \"status\": \"" status "\"" extra           \
	", \"attributes\": " attrs "}"

/* expect for a stored terminate scheduled at scheduled_at (0: the stored
 * status is as it is now). */
static void expect_at(const char *record, const char *status,
                      const char *stored, int64_t scheduled_at,
                      const char *want, const char *want_note)
{
	char got[2000], note[500];

	derive(record, status, stored, scheduled_at, got, sizeof(got), note,
	       sizeof(note));
	assert_string_equal(got, want);
	if (want_note)
		assert_string_equal(note, want_note);
}

static void expect(const char *record, const char *status, const char *stored,
                   const char *want, const char *want_note)
{
	expect_at(record, status, stored, 0, want, want_note);
}

static void test_unknown_person(void **state)
{
	(void)state;
	expect(ROW("active",
	           ", \"hire_date\": \"2026-03-01\", \"effective\": "
	           "{\"hire_date\": 1772323200}",
	           "{\"dept\": \"Eng\", \"title\": null}"),
	       NULL, NULL,
	       "{\"attributes\":{\"dept\":\"Eng\"},\"effective\":\"2026-03-"
	       "01T00:"
	       "00:00Z\",\"employee_id\":\"E1\",\"event\":\"hire\"}",
	       "");
	expect(ROW("leave", "", "{\"dept\": \"Eng\"}"), "", NULL,
	       "{\"attributes\":{\"dept\":\"Eng\"},\"employee_id\":\"E1\","
	       "\"event\":\"hire\"} | "
	       "{\"attributes\":{},\"employee_id\":\"E1\","
	       "\"event\":\"leave\"}",
	       "");
	expect(ROW("terminated", "", "{}"), NULL, NULL, "",
	       "terminated and never provisioned: nothing to do");
}

static void test_active_person(void **state)
{
	(void)state;
	/* nothing changed: no event */
	expect(ROW("active", "", "{\"dept\": \"Eng\", \"title\": null}"),
	       "active", "{\"dept\": \"Eng\", \"other\": 1}", "", "no change");
	/* only the changed attributes; an empty cell removes a stored value */
	expect(ROW("active", "",
	           "{\"dept\": \"Fin\", \"title\": null, \"x\": \"1\"}"),
	       "active",
	       "{\"dept\": \"Eng\", \"title\": \"Lead\", \"x\": \"1\"}",
	       "{\"attributes\":{\"dept\":\"Fin\",\"title\":null},\"employee_"
	       "id\":"
	       "\"E1\",\"event\":\"update\"}",
	       "");
	expect(ROW("leave", "", "{\"dept\": \"Eng\"}"), "active",
	       "{\"dept\": \"Eng\"}",
	       "{\"attributes\":{},\"employee_id\":\"E1\",\"event\":\"leave\"}",
	       "");
	expect(ROW("terminated",
	           ", \"termination_date\": \"2026-05-01\", \"effective\": "
	           "{\"termination_date\": 1777593600}",
	           "{\"dept\": \"Eng\"}"),
	       "active", "{\"dept\": \"Eng\"}",
	       "{\"attributes\":{},\"effective\":\"2026-05-01T00:00:00Z\","
	       "\"employee_id\":\"E1\",\"event\":\"terminate\"}",
	       "");
	/* a termination scheduled ahead: terminate effective then */
	expect(ROW("active",
	           ", \"termination_date\": \"2026-06-30\", \"effective\": "
	           "{\"termination_date\": 1782777600}",
	           "{\"dept\": \"Eng\"}"),
	       "active", "{\"dept\": \"Eng\"}",
	       "{\"attributes\":{},\"effective\":\"2026-06-30T00:00:00Z\","
	       "\"employee_id\":\"E1\",\"event\":\"terminate\"}",
	       "");
}

static void test_leave_and_terminated_person(void **state)
{
	(void)state;
	expect(ROW("active", "", "{\"dept\": \"Eng\"}"), "on_leave",
	       "{\"dept\": \"Eng\"}",
	       "{\"attributes\":{},\"employee_id\":\"E1\",\"event\":"
	       "\"return\"}",
	       "");
	expect(ROW("leave", "", "{\"dept\": \"Eng\"}"), "on_leave",
	       "{\"dept\": \"Eng\"}", "", "no change");
	/* back after terminate: rehire with the whole record */
	expect(ROW("active", "", "{\"dept\": \"Eng\", \"t\": null}"),
	       "terminated", "{\"dept\": \"Eng\"}",
	       "{\"attributes\":{\"dept\":\"Eng\"},\"employee_id\":\"E1\","
	       "\"event\":\"rehire\"}",
	       "");
	/* a rehire whose old termination date the export kept */
	expect(ROW("active",
	           ", \"hire_date\": \"2026-04-01\", \"termination_date\": "
	           "\"2025-12-31\", \"effective\": {\"hire_date\": 1775001600, "
	           "\"termination_date\": 1767139200}",
	           "{}"),
	       "terminated", "{}",
	       "{\"attributes\":{},\"effective\":\"2026-04-01T00:00:00Z\","
	       "\"employee_id\":\"E1\",\"event\":\"rehire\"}",
	       "");
	expect(ROW("terminated", "", "{\"dept\": \"Fin\"}"), "terminated",
	       "{\"dept\": \"Eng\"}", "", "terminated: nothing to do");
	/* the scheduled terminate stored by an earlier run: no rehire */
	expect_at(ROW("active",
	              ", \"termination_date\": \"2026-06-30\", \"effective\": "
	              "{\"termination_date\": 1782777600}",
	              "{\"dept\": \"Eng\"}"),
	          "terminated", "{\"dept\": \"Eng\"}", 1782777600, "",
	          "no change (termination scheduled)");
	expect_at(ROW("active",
	              ", \"termination_date\": \"2026-06-30\", \"effective\": "
	              "{\"termination_date\": 1782777600}",
	              "{\"dept\": \"Fin\"}"),
	          "terminated", "{\"dept\": \"Eng\"}", 1782777600,
	          "{\"attributes\":{\"dept\":\"Fin\"},\"employee_id\":\"E1\","
	          "\"event\":\"update\"}",
	          "");
}

/* Terminated now (no terminate scheduled), then a row active with a
 * hire date and a termination date ahead: a fixed-term rehire, so a
 * rehire now and a terminate on the end date. */
static void test_rehire_with_end_date(void **state)
{
	const char *row = ROW(
	        "active",
	        ", \"hire_date\": \"2026-05-01\", \"termination_date\": "
	        "\"2026-06-30\", \"effective\": {\"hire_date\": 1777593600, "
	        "\"termination_date\": 1782777600}",
	        "{\"dept\": \"Eng\", \"title\": null}");

	(void)state;
	expect(row, "terminated", "{\"dept\": \"Fin\"}",
	       "{\"attributes\":{\"dept\":\"Eng\"},\"effective\":\"2026-05-"
	       "01T00:00:00Z\",\"employee_id\":\"E1\",\"event\":\"rehire\"} "
	       "| {\"attributes\":{},\"effective\":\"2026-06-30T00:00:00Z\","
	       "\"employee_id\":\"E1\",\"event\":\"terminate\"}",
	       "");
	/* the same row once that run stored both: its terminate is
	 * scheduled, nothing new */
	expect_at(row, "terminated", "{\"dept\": \"Eng\"}", 1782777600, "",
	          "no change (termination scheduled)");
	/* a terminate field outside status terminated is ignored */
	expect_at(row, "active", "{\"dept\": \"Eng\"}", 1782777600,
	          "{\"attributes\":{},\"effective\":\"2026-06-30T00:00:00Z\","
	          "\"employee_id\":\"E1\",\"event\":\"terminate\"}",
	          "");
}

static void test_conflicts(void **state)
{
	(void)state;
	expect(ROW("active",
	           ", \"termination_date\": \"2026-01-31\", \"effective\": "
	           "{\"termination_date\": 1769817600}",
	           "{}"),
	       "active", "{}", "",
	       "conflict: status and dates disagree: status active, but the "
	       "termination date 2026-01-31 has passed");
	expect(ROW("terminated",
	           ", \"hire_date\": \"2026-04-01\", \"termination_date\": "
	           "\"2026-01-31\"",
	           "{}"),
	       "active", "{}", "",
	       "conflict: status and dates disagree: status terminated, but "
	       "the hire date 2026-04-01 is after the termination date "
	       "2026-01-31");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_unknown_person),
	        cmocka_unit_test(test_active_person),
	        cmocka_unit_test(test_leave_and_terminated_person),
	        cmocka_unit_test(test_conflicts),
	        cmocka_unit_test(test_rehire_with_end_date),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
