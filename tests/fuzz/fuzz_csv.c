/* Fuzz target: a CSV export through the roster reader (host/intake/:
 * libcsv, the column mapping, status words, dates in per-person zones).
 * The first byte picks the delimiter (',' ';' tab '|'), the rest is the
 * file.
 *
 * Invariants: intake_open and intake_next return only their documented
 * values; a -1 comes with a message; every row has a row number that grows,
 * raw bytes within INTAKE_MAX_ROW and either a reason or a canonical record
 * whose employee_id is a non-empty string, whose status is active,
 * terminated or leave, whose attributes are an object of strings and nulls
 * (never "") and whose dates come with their instants. */
#include <string.h>

#include "config/input_config.h"
#include "fuzz_common.h"
#include "intake/intake.h"

static const char input_json[] =
        "{\"format\": \"csv\", \"employee_id\": \"Id\","
        " \"status\": {\"column\": \"Status\", \"values\": {\"A\": "
        "\"active\", \"T\": \"terminated\", \"L\": \"leave\"}},"
        " \"hire_date\": {\"column\": \"Hire\", \"formats\": [\"%m/%d/%Y\", "
        "\"iso8601\"]},"
        " \"termination_date\": {\"column\": \"End\", \"formats\": "
        "[\"%d.%m.%Y\"]},"
        " \"columns\": {\"Name\": \"name\", \"Mail\": \"email\"},"
        " \"zone_column\": \"TZ\", \"ignore\": [\"SSN\"], \"terminate_at\": "
        "\"end_of_day\"}";

static void check_record(const json_t *rec)
{
	const json_t *id = json_object_get(rec, "employee_id");
	const char *st = json_string_value(json_object_get(rec, "status"));
	const json_t *attrs = json_object_get(rec, "attributes");
	const json_t *eff = json_object_get(rec, "effective");
	const char *key;
	json_t *v;

	FUZZ_ASSERT(json_is_string(id) && json_string_length(id) > 0,
	            "employee_id");
	FUZZ_ASSERT(st && (!strcmp(st, "active") || !strcmp(st, "terminated") ||
	                   !strcmp(st, "leave")),
	            "status %s", st ? st : "(none)");
	FUZZ_ASSERT(json_is_object(attrs) && json_is_object(eff), "shape");
	json_object_foreach((json_t *)attrs, key, v)
	{
		FUZZ_ASSERT(json_is_null(v) || (json_is_string(v) &&
		                                json_string_length(v) > 0),
		            "attribute %s", key);
	}
	FUZZ_ASSERT(!json_object_get(rec, "hire_date") ==
	                    !json_object_get(eff, "hire_date"),
	            "hire date without its instant");
	FUZZ_ASSERT(!json_object_get(rec, "termination_date") ==
	                    !json_object_get(eff, "termination_date"),
	            "termination date without its instant");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[] = {',', ';', '\t', '|'};
	struct path_error perr = {{0}, {0}};
	struct intake_reader *r = NULL;
	struct dates_config dates;
	struct intake_options opt;
	struct input_config in;
	struct intake_row row;
	char err[1200];
	long last = 0;
	json_t *obj;
	FILE *f;
	int rc;

	if (!size)
		return 0;
	obj = json_loads(input_json, 0, NULL);
	FUZZ_ASSERT(obj && !input_config_parse("fuzz", obj, &in, &perr) &&
	                    !dates_config_parse(NULL, &dates, &perr),
	            "config: %s", perr.message);
	json_decref(obj);
	in.delimiter = delims[data[0] % 4];
	f = fmemopen((void *)(data + 1), size - 1,
	             "r"); /* 0 bytes: glibc >= 2.22 */
	if (!f)
		goto out;
	opt = (struct intake_options){&in, &dates, "fuzz.csv", NULL};
	if (intake_open(&opt, f, &r, err, sizeof(err))) {
		FUZZ_ASSERT(err[0], "open failed without a message");
		goto out;
	}
	while ((rc = intake_next(r, &row)) == 1) {
		FUZZ_ASSERT(row.row > last, "row numbers must grow");
		last = row.row;
		FUZZ_ASSERT(row.raw_len <= INTAKE_MAX_ROW + 4096,
		            "raw too long");
		if (row.record)
			check_record(row.record);
		else
			FUZZ_ASSERT(row.reason && row.reason[0],
			            "rejected without a reason");
	}
	FUZZ_ASSERT(rc == 0 || (rc == -1 && intake_error(r)[0]),
	            "intake_next returned %d", rc);
out:
	intake_close(r);
	if (f)
		fclose(f);
	input_config_release(&in);
	dates_config_release(&dates);
	return 0;
}
