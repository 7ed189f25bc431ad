/* Named inputs: how an HR export is read (the configuration's "inputs"
 * object), and the date rules of the whole configuration ("dates").
 *
 *   "dates": {"zone": "Europe/Berlin", "terminate_at": "end_of_day"},
 *   "inputs": {
 *     "workday": {
 *       "format": "csv", "delimiter": ",",
 *       "employee_id": "Employee ID",
 *       "status": {"column": "Status",
 *                  "values": {"Active": "active", "On Leave": "leave",
 *                             "Terminated": "terminated"}},
 *       "hire_date": {"column": "Hire Date", "formats": ["%m/%d/%Y"]},
 *       "termination_date": {"column": "Termination Date",
 *                            "formats": ["%m/%d/%Y", "iso8601"]},
 *       "columns": {"First Name": "first_name", "Email": "email"},
 *       "ignore": ["SSN"],
 *       "zone": "America/New_York", "zone_column": "Time Zone",
 *       "terminate_at": "end_of_day"}}
 *
 * README "HR exports: CSV and JSON rosters" documents every key. Parsed
 * once at load time; read-only afterwards (any thread). */
#ifndef PROVHOST_INPUT_CONFIG_H
#define PROVHOST_INPUT_CONFIG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lifecycle/local_date.h"
#include "util/path_error.h"

enum input_format {
	INPUT_FORMAT_UNSET = 0,
	INPUT_FORMAT_JSONL, /* one JSON object a line */
	INPUT_FORMAT_JSON,  /* one JSON array of objects */
	INPUT_FORMAT_CSV,   /* a header row, then one row a person */
};

enum input_kind {
	INPUT_KIND_EVENTS = 0, /* lifecycle events (README-lifecycle.md) */
	INPUT_KIND_ROSTER,     /* one record a person: its state now */
};

/* A date column: its header and the formats tried in order. */
struct input_date_column {
	char *column; /* NULL = none */
	char **formats;
	size_t n_formats; /* >= 1 when column is set */
};

struct input_status_value {
	char *hr;     /* the export's word ("On Leave") */
	char *status; /* "active", "terminated" or "leave" */
};

struct input_column {
	char *header;    /* the export's column */
	char *attribute; /* the HR attribute name it becomes */
};

struct input_config {
	char *name;
	enum input_format format;
	enum input_kind kind;
	char delimiter;      /* CSV: ',', ';', '\t' or '|' */
	char *employee_id;   /* CSV: the column; required */
	char *status_column; /* CSV: NULL = status from the dates */
	struct input_status_value *status_values; /* 0 = canonical words */
	size_t n_status_values;
	struct input_date_column hire_date, termination_date;
	struct input_column *columns;
	size_t n_columns;
	char **ignore;
	size_t n_ignore;
	char *zone;        /* NULL = the "dates" zone */
	char *zone_column; /* CSV: per-person zone, NULL = none */
	bool terminate_at_set;
	enum day_edge terminate_at;
};

/* The configuration's "dates" object. */
struct dates_config {
	char *zone;                 /* never NULL after parsing: "UTC" */
	enum day_edge terminate_at; /* default DAY_START */
};

/* Parses input name's object obj into *out. Errors: -1, err->path relative
 * to obj ("status.values.Active"), *out released. */
int input_config_parse(const char *name, const json_t *obj,
                       struct input_config *out, struct path_error *err);
void input_config_release(struct input_config *in);

/* Parses "dates" (obj may be NULL: the defaults, UTC and start_of_day). */
int dates_config_parse(const json_t *obj, struct dates_config *out,
                       struct path_error *err);
void dates_config_release(struct dates_config *d);

/* "jsonl", "json", "csv" <-> format; 0 or -1. */
int input_format_from_name(const char *name, enum input_format *out);
const char *input_format_name(enum input_format f);

/* The zone and day edge that apply to in (NULL: the "dates" ones). */
const char *input_zone(const struct input_config *in,
                       const struct dates_config *dates);
enum day_edge input_terminate_at(const struct input_config *in,
                                 const struct dates_config *dates);

#endif
