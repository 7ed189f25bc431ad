/* Fuzz target: one HR event line (lifecycle/events.c event_parse_line).
 *
 * Invariants: the result is 0, 1 (blank) or -1 with a reason; a parsed
 * event's canonical text parses again to the same event and id; an
 * "effective" date formatted with isodate_format parses back to the same
 * instant (inside the years 0000..9999 the format covers). */
#include <string.h>

#include "fuzz_common.h"
#include "lifecycle/events.h"
#include "lifecycle/isodate.h"

/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z */
#define YEAR0_EPOCH    (-62167219200LL)
#define YEAR9999_EPOCH 253402300799LL

static void check_round_trip(const struct event *ev)
{
	char reason[512], buf[64], why[128];
	struct event again;
	int64_t t;
	int rc;

	rc = event_parse_line(ev->raw, strlen(ev->raw), 0, &again, reason,
	                      sizeof(reason));
	FUZZ_ASSERT(rc == 0, "canonical text refused: %s: %s", ev->raw, reason);
	FUZZ_ASSERT(again.kind == ev->kind, "kind changed");
	FUZZ_ASSERT(!strcmp(again.employee_id, ev->employee_id),
	            "employee_id changed");
	FUZZ_ASSERT(!strcmp(again.id, ev->id), "id %s became %s", ev->id,
	            again.id);
	FUZZ_ASSERT(again.id_given == ev->id_given, "id_given changed");
	FUZZ_ASSERT(again.has_effective == ev->has_effective &&
	                    again.effective == ev->effective,
	            "effective changed");
	FUZZ_ASSERT(!strcmp(again.raw, ev->raw), "canonical text changed");
	FUZZ_ASSERT(json_equal(again.attributes, ev->attributes),
	            "attributes changed");
	event_release(&again);

	if (!ev->has_effective || ev->effective < YEAR0_EPOCH ||
	    ev->effective > YEAR9999_EPOCH)
		return;
	isodate_format(ev->effective, buf, sizeof(buf));
	FUZZ_ASSERT(isodate_parse(buf, &t, why, sizeof(why)) == 0,
	            "formatted date %s refused: %s", buf, why);
	FUZZ_ASSERT(t == ev->effective, "%s is %lld, not %lld", buf,
	            (long long)t, (long long)ev->effective);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char reason[512];
	struct event ev;
	int rc;

	/* a small limit too, so the length check is reached */
	size_t max_len = size && data[0] == 'L' ? 64 : 0;

	reason[0] = '\0';
	rc = event_parse_line((const char *)data, size, max_len, &ev, reason,
	                      sizeof(reason));
	FUZZ_ASSERT(rc == 0 || rc == 1 || rc == -1, "rc %d", rc);
	if (rc != 0) {
		FUZZ_ASSERT(reason[0] != '\0', "no reason for rc %d", rc);
		FUZZ_ASSERT(!ev.raw && !ev.id && !ev.employee_id &&
		                    !ev.attributes,
		            "rejected event not empty");
		return 0;
	}
	FUZZ_ASSERT(ev.raw && ev.id && ev.employee_id && ev.attributes,
	            "parsed event incomplete");
	FUZZ_ASSERT(ev.id_given || !strncmp(ev.id, "sha256:", 7),
	            "content id %s", ev.id);
	check_round_trip(&ev);
	if (!ev.id_given) {
		char first[80];

		snprintf(first, sizeof(first), "%s", ev.id);
		FUZZ_ASSERT(event_set_occurrence(&ev, 3) == 0, "occurrence");
		FUZZ_ASSERT(!strncmp(ev.id, first, strlen(first)) &&
		                    !strcmp(ev.id + strlen(first), "#3"),
		            "occurrence id %s", ev.id);
	}
	event_release(&ev);
	return 0;
}
