/* The canonical roster record (intake.h): built from a CSV row's cells, or
 * checked and completed from a JSON roster's object. */
#include "intake/intake_internal.h"

#include <stdarg.h>
#include <string.h>

#include "lifecycle/events.h"
#include "lifecycle/local_date.h"

static int reject(struct intake_reader *r, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static int reject(struct intake_reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
	return -1;
}

/* Reads the date cell text ("" = none) of the column called what into
 * the record: "<key>": "YYYY-MM-DD" and effective.<key>. */
static int add_date(struct intake_reader *r, json_t *rec, json_t *eff,
                    const char *key, const char *column, const char *text,
                    const struct input_date_column *col, const char *zone,
                    enum day_edge edge)
{
	struct local_date d;
	char why[400], ymd[16];
	int64_t at;

	if (!text[0])
		return 0;
	if (local_date_parse(text, (const char *const *)col->formats,
	                     col->n_formats, &d, why, sizeof(why)))
		return reject(r, "bad date \"%.64s\" in column \"%s\": %s",
		              text, column ? column : key, why);
	if (local_date_epoch(&r->tz, &d, zone, edge, &at, why, sizeof(why)))
		return reject(r, "date \"%.64s\" in column \"%s\": %s", text,
		              column ? column : key, why);
	local_date_ymd(&d, ymd, sizeof(ymd));
	if (json_object_set_new(rec, key, json_string(ymd)) ||
	    json_object_set_new(eff, key, json_integer(at)))
		return reject(r, "out of memory");
	return 0;
}

int intake_record_build(struct intake_reader *r, const char *employee_id,
                        size_t id_len, const char *status, const char *hire,
                        const char *term, const char *zone, json_t *attributes,
                        json_t **out)
{
	const struct input_config *in = r->opt.input;
	struct input_date_column iso = {NULL, NULL, 0};
	char why[400];
	json_t *rec = NULL, *eff = NULL;

	*out = NULL;
	if (event_check_employee_id(employee_id, id_len, why, sizeof(why))) {
		reject(r, "%s", why);
		goto fail;
	}
	if (zone[0] && tzdate_cache_check(&r->tz, zone, why, sizeof(why))) {
		reject(r, "%s in column \"%s\"", why,
		       in->zone_column ? in->zone_column : "zone");
		goto fail;
	}
	if (!zone[0])
		zone = input_zone(in, r->opt.dates);
	rec = json_object();
	eff = json_object();
	if (!rec || !eff ||
	    json_object_set_new(rec, "employee_id",
	                        json_stringn(employee_id, id_len)) ||
	    json_object_set_new(rec, "status", json_string(status)) ||
	    json_object_set_new(rec, "zone", json_string(zone))) {
		reject(r, "out of memory");
		goto fail;
	}
	if (add_date(r, rec, eff, "hire_date", in->hire_date.column, hire,
	             in->hire_date.column ? &in->hire_date : &iso, zone,
	             DAY_START) ||
	    add_date(r, rec, eff, "termination_date",
	             in->termination_date.column, term,
	             in->termination_date.column ? &in->termination_date : &iso,
	             zone, input_terminate_at(in, r->opt.dates)))
		goto fail;
	if (json_object_set_new(rec, "effective", eff)) {
		eff = NULL;
		reject(r, "out of memory");
		goto fail;
	}
	eff = NULL;
	if (json_object_set_new(rec, "attributes", attributes)) {
		attributes = NULL;
		reject(r, "out of memory");
		goto fail;
	}
	*out = rec;
	return 0;
fail:
	json_decref(attributes);
	json_decref(rec);
	json_decref(eff);
	return -1;
}

static const char *kind_of(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_NULL:
		return "null";
	default:
		return "a boolean";
	}
}

/* An optional string member: "" when absent or null. */
static int opt_string(struct intake_reader *r, const json_t *obj,
                      const char *key, const char **out)
{
	const json_t *v = json_object_get(obj, key);

	*out = "";
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return reject(r, "\"%s\" must be a string, got %s", key,
		              kind_of(v));
	*out = json_string_value(v);
	return 0;
}

int intake_record_from_json(struct intake_reader *r, const json_t *obj,
                            json_t **out)
{
	static const char *const known[] = {"employee_id", "status",
	                                    "hire_date",   "termination_date",
	                                    "zone",        "attributes"};
	const char *key, *status, *hire, *term, *zone;
	const json_t *id, *attrs;
	json_t *copy, *v;

	*out = NULL;
	if (!json_is_object(obj))
		return reject(r,
		              "a roster record must be a JSON object, got %s",
		              kind_of(obj));
	json_object_foreach((json_t *)obj, key, v)
	{
		size_t i;

		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (!strcmp(key, known[i]))
				break;
		if (i == sizeof(known) / sizeof(known[0]))
			return reject(
			        r,
			        "unknown key \"%.64s\" in a roster record "
			        "(known: employee_id, status, hire_date, "
			        "termination_date, zone, attributes)",
			        key);
	}
	id = json_object_get(obj, "employee_id");
	if (!id)
		return reject(r, "missing \"employee_id\"");
	if (!json_is_string(id))
		return reject(r, "\"employee_id\" must be a string, got %s",
		              kind_of(id));
	if (opt_string(r, obj, "status", &status) ||
	    opt_string(r, obj, "hire_date", &hire) ||
	    opt_string(r, obj, "termination_date", &term) ||
	    opt_string(r, obj, "zone", &zone))
		return -1;
	if (!status[0])
		return reject(r, "missing \"status\" (active, terminated or "
		                 "leave)");
	if (strcmp(status, "active") && strcmp(status, "terminated") &&
	    strcmp(status, "leave"))
		return reject(
		        r,
		        "\"status\" must be \"active\", \"terminated\" or "
		        "\"leave\", not \"%.64s\"",
		        status);
	attrs = json_object_get(obj, "attributes");
	if (attrs && !json_is_object(attrs))
		return reject(r, "\"attributes\" must be an object");
	if (attrs) {
		json_object_foreach((json_t *)attrs, key, v)
		{
			if (json_is_object(v) || json_is_array(v))
				return reject(
				        r,
				        "attribute \"%.64s\" must be a "
				        "string, number, boolean or null, "
				        "not %s",
				        key, kind_of(v));
		}
	}
	copy = attrs ? json_deep_copy(attrs) : json_object();
	if (!copy)
		return reject(r, "out of memory");
	/* as in a CSV cell, an empty string is no value */
	json_object_foreach(copy, key, v)
	{
		if (json_is_string(v) && !json_string_length(v) &&
		    json_object_set_new(copy, key, json_null())) {
			json_decref(copy);
			return reject(r, "out of memory");
		}
	}
	return intake_record_build(r, json_string_value(id),
	                           json_string_length(id), status, hire, term,
	                           zone, copy, out);
}
