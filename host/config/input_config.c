/* The "inputs" and "dates" sections; see input_config.h. */
#include "config/input_config.h"

#include <stdlib.h>
#include <string.h>

#include "util/tzdate.h"

#define INPUT_KEYS                                                             \
	"format, kind, delimiter, employee_id, status, hire_date, "            \
	"termination_date, columns, ignore, zone, zone_column, terminate_at"

static const char *const format_names[] = {
        [INPUT_FORMAT_UNSET] = "?",
        [INPUT_FORMAT_JSONL] = "jsonl",
        [INPUT_FORMAT_JSON] = "json",
        [INPUT_FORMAT_CSV] = "csv",
};

int input_format_from_name(const char *name, enum input_format *out)
{
	for (int i = INPUT_FORMAT_JSONL; i <= INPUT_FORMAT_CSV; i++) {
		if (!strcmp(name, format_names[i])) {
			*out = (enum input_format)i;
			return 0;
		}
	}
	return -1;
}

const char *input_format_name(enum input_format f)
{
	if ((unsigned)f > INPUT_FORMAT_CSV)
		return "?";
	return format_names[f];
}

const char *input_zone(const struct input_config *in,
                       const struct dates_config *dates)
{
	if (in && in->zone)
		return in->zone;
	return dates && dates->zone ? dates->zone : "UTC";
}

enum day_edge input_terminate_at(const struct input_config *in,
                                 const struct dates_config *dates)
{
	if (in && in->terminate_at_set)
		return in->terminate_at;
	return dates ? dates->terminate_at : DAY_START;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void release_date(struct input_date_column *d)
{
	free(d->column);
	free_strings(d->formats, d->n_formats);
	memset(d, 0, sizeof(*d));
}

void input_config_release(struct input_config *in)
{
	free(in->name);
	free(in->employee_id);
	free(in->status_column);
	for (size_t i = 0; i < in->n_status_values; i++) {
		free(in->status_values[i].hr);
		free(in->status_values[i].status);
	}
	free(in->status_values);
	release_date(&in->hire_date);
	release_date(&in->termination_date);
	for (size_t i = 0; i < in->n_columns; i++) {
		free(in->columns[i].header);
		free(in->columns[i].attribute);
	}
	free(in->columns);
	free_strings(in->ignore, in->n_ignore);
	free(in->zone);
	free(in->zone_column);
	memset(in, 0, sizeof(*in));
}

static int oom(struct path_error *err)
{
	return path_error_set(err, "", "out of memory");
}

/* A non-empty string member into a new copy *out. */
static int get_string(const json_t *v, const char *path, char **out,
                      struct path_error *err)
{
	if (!json_is_string(v) || !json_string_length(v))
		return path_error_set(err, path,
		                      "\"%s\" must be a non-empty "
		                      "string",
		                      path);
	*out = strdup(json_string_value(v));
	return *out ? 0 : oom(err);
}

static int get_zone(const json_t *v, const char *path, char **out,
                    struct path_error *err)
{
	char why[200];

	if (get_string(v, path, out, err))
		return -1;
	if (tzdate_zone_check(*out, why, sizeof(why)))
		return path_error_set(err, path, "%s", why);
	return 0;
}

static int get_edge(const json_t *v, const char *path, enum day_edge *out,
                    struct path_error *err)
{
	if (!json_is_string(v) || day_edge_from_name(json_string_value(v), out))
		return path_error_set(err, path,
		                      "\"%s\" must be \"start_of_day\" or "
		                      "\"end_of_day\"",
		                      path);
	return 0;
}

static int parse_status(const json_t *v, struct input_config *in,
                        struct path_error *err)
{
	const json_t *values, *val;
	const char *key;
	size_t i = 0;

	if (json_is_string(v))
		return get_string(v, "status", &in->status_column, err);
	if (!json_is_object(v))
		return path_error_set(err, "status",
		                      "\"status\" must be a column name or "
		                      "{\"column\": ..., \"values\": {...}}");
	json_object_foreach((json_t *)v, key, val)
	{
		if (strcmp(key, "column") && strcmp(key, "values"))
			return path_error_set(
			        err, key,
			        "unknown key \"%s\" in \"status\" "
			        "(known: column, values)",
			        key);
	}
	if (get_string(json_object_get(v, "column"), "status.column",
	               &in->status_column, err))
		return -1;
	values = json_object_get(v, "values");
	if (!values)
		return 0;
	if (!json_is_object(values) || !json_object_size(values))
		return path_error_set(err, "status.values",
		                      "\"status.values\" must be an object "
		                      "mapping the export's words to active, "
		                      "terminated or leave");
	in->status_values =
	        calloc(json_object_size(values), sizeof(*in->status_values));
	if (!in->status_values)
		return oom(err);
	json_object_foreach((json_t *)values, key, val)
	{
		const char *s =
		        json_is_string(val) ? json_string_value(val) : "";
		char path[200];

		snprintf(path, sizeof(path), "status.values.%s", key);
		if (strcmp(s, "active") && strcmp(s, "terminated") &&
		    strcmp(s, "leave"))
			return path_error_set(err, path,
			                      "status value \"%s\" must map to "
			                      "\"active\", \"terminated\" or "
			                      "\"leave\"",
			                      key);
		in->status_values[i].hr = strdup(key);
		in->status_values[i].status = strdup(s);
		in->n_status_values = ++i;
		if (!in->status_values[i - 1].hr ||
		    !in->status_values[i - 1].status)
			return oom(err);
	}
	return 0;
}

static int push_format(struct input_date_column *d, const char *fmt,
                       struct path_error *err)
{
	char **f = realloc(d->formats, (d->n_formats + 1) * sizeof(*f));

	if (!f)
		return oom(err);
	d->formats = f;
	f[d->n_formats] = strdup(fmt);
	if (!f[d->n_formats])
		return oom(err);
	d->n_formats++;
	return 0;
}

static int add_format(struct input_date_column *d, const json_t *v,
                      const char *path, struct path_error *err)
{
	char why[300];

	if (!json_is_string(v))
		return path_error_set(err, path,
		                      "a date format must be a "
		                      "string");
	if (local_date_format_check(json_string_value(v), why, sizeof(why)))
		return path_error_set(err, path, "%s", why);
	return push_format(d, json_string_value(v), err);
}

/* "hire_date": "Column" or {"column": ..., "formats": [...] or "..."}. */
static int parse_date(const json_t *v, const char *key,
                      struct input_date_column *d, struct path_error *err)
{
	const json_t *formats, *val;
	const char *k;
	char path[200];
	size_t i;

	if (json_is_string(v))
		return get_string(v, key, &d->column, err);
	if (!json_is_object(v))
		return path_error_set(err, key,
		                      "\"%s\" must be a column name or "
		                      "{\"column\": ..., \"formats\": [...]}",
		                      key);
	json_object_foreach((json_t *)v, k, val)
	{
		if (strcmp(k, "column") && strcmp(k, "formats"))
			return path_error_set(err, key,
			                      "unknown key \"%s\" in \"%s\" "
			                      "(known: column, formats)",
			                      k, key);
	}
	snprintf(path, sizeof(path), "%s.column", key);
	if (get_string(json_object_get(v, "column"), path, &d->column, err))
		return -1;
	formats = json_object_get(v, "formats");
	snprintf(path, sizeof(path), "%s.formats", key);
	if (!formats)
		return 0;
	if (json_is_string(formats))
		return add_format(d, formats, path, err);
	if (!json_is_array(formats) || !json_array_size(formats))
		return path_error_set(
		        err, path,
		        "\"%s\" must be a non-empty array of date "
		        "formats",
		        path);
	json_array_foreach(formats, i, val)
	{
		snprintf(path, sizeof(path), "%s.formats[%zu]", key, i);
		if (add_format(d, val, path, err))
			return -1;
	}
	return 0;
}

static int parse_columns(const json_t *v, struct input_config *in,
                         struct path_error *err)
{
	const char *key;
	const json_t *val;
	size_t i = 0;

	if (!json_is_object(v))
		return path_error_set(
		        err, "columns",
		        "\"columns\" must be an object: the "
		        "export's column -> an HR attribute name");
	in->columns = calloc(json_object_size(v) + 1, sizeof(*in->columns));
	if (!in->columns)
		return oom(err);
	json_object_foreach((json_t *)v, key, val)
	{
		char path[300];

		snprintf(path, sizeof(path), "columns.%s", key);
		if (!json_is_string(val) || !json_string_length(val))
			return path_error_set(
			        err, path,
			        "the attribute name of column "
			        "\"%s\" must be a non-empty string",
			        key);
		for (size_t k = 0; k < i; k++)
			if (!strcmp(in->columns[k].attribute,
			            json_string_value(val)))
				return path_error_set(
				        err, path,
				        "columns \"%s\" and \"%s\" both map to "
				        "attribute \"%s\"",
				        in->columns[k].header, key,
				        json_string_value(val));
		in->columns[i].header = strdup(key);
		in->columns[i].attribute = strdup(json_string_value(val));
		in->n_columns = ++i;
		if (!in->columns[i - 1].header || !in->columns[i - 1].attribute)
			return oom(err);
	}
	return 0;
}

static int parse_ignore(const json_t *v, struct input_config *in,
                        struct path_error *err)
{
	const json_t *val;
	size_t i;

	if (!json_is_array(v))
		return path_error_set(err, "ignore",
		                      "\"ignore\" must be an array of column "
		                      "names");
	in->ignore = calloc(json_array_size(v) + 1, sizeof(*in->ignore));
	if (!in->ignore)
		return oom(err);
	json_array_foreach(v, i, val)
	{
		char path[64];

		snprintf(path, sizeof(path), "ignore[%zu]", i);
		if (get_string(val, path, &in->ignore[i], err))
			return -1;
		in->n_ignore = i + 1;
	}
	return 0;
}

static int parse_delimiter(const json_t *v, struct input_config *in,
                           struct path_error *err)
{
	const char *s = json_is_string(v) ? json_string_value(v) : "";

	if (!strcmp(s, ",") || !strcmp(s, ";") || !strcmp(s, "\t") ||
	    !strcmp(s, "|")) {
		in->delimiter = s[0];
		return 0;
	}
	if (!strcmp(s, "tab") || !strcmp(s, "\\t")) {
		in->delimiter = '\t';
		return 0;
	}
	return path_error_set(err, "delimiter",
	                      "\"delimiter\" must be \",\", \";\", \"\\t\" "
	                      "(or \"tab\") or \"|\"");
}

/* A column given a role must not also be ignored. */
static int check_roles(struct input_config *in, struct path_error *err)
{
	const char *used[4] = {in->employee_id, in->status_column,
	                       in->hire_date.column, in->zone_column};

	for (size_t i = 0; i < in->n_ignore; i++) {
		char path[64];
		bool clash =
		        in->termination_date.column &&
		        !strcmp(in->termination_date.column, in->ignore[i]);

		for (size_t k = 0; k < 4; k++)
			if (used[k] && !strcmp(used[k], in->ignore[i]))
				clash = true;
		for (size_t k = 0; k < in->n_columns; k++)
			if (!strcmp(in->columns[k].header, in->ignore[i]))
				clash = true;
		snprintf(path, sizeof(path), "ignore[%zu]", i);
		if (clash)
			return path_error_set(
			        err, path,
			        "column \"%s\" is both ignored and "
			        "used",
			        in->ignore[i]);
	}
	return 0;
}

static bool is_csv_key(const char *key)
{
	static const char *const keys[] = {
	        "delimiter",        "employee_id", "status", "hire_date",
	        "termination_date", "columns",     "ignore", "zone_column"};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

static int parse_member(const char *key, const json_t *val,
                        struct input_config *in, struct path_error *err)
{
	if (!strcmp(key, "format") || !strcmp(key, "kind"))
		return 0; /* read first, by input_config_parse */
	if (in->format != INPUT_FORMAT_CSV && is_csv_key(key))
		return path_error_set(err, key,
		                      "\"%s\" applies to CSV inputs only (a "
		                      "JSON roster has fixed keys: README \"HR "
		                      "exports\")",
		                      key);
	if (!strcmp(key, "delimiter"))
		return parse_delimiter(val, in, err);
	if (!strcmp(key, "employee_id"))
		return get_string(val, key, &in->employee_id, err);
	if (!strcmp(key, "status"))
		return parse_status(val, in, err);
	if (!strcmp(key, "hire_date"))
		return parse_date(val, key, &in->hire_date, err);
	if (!strcmp(key, "termination_date"))
		return parse_date(val, key, &in->termination_date, err);
	if (!strcmp(key, "columns"))
		return parse_columns(val, in, err);
	if (!strcmp(key, "ignore"))
		return parse_ignore(val, in, err);
	if (!strcmp(key, "zone"))
		return get_zone(val, key, &in->zone, err);
	if (!strcmp(key, "zone_column"))
		return get_string(val, key, &in->zone_column, err);
	if (!strcmp(key, "terminate_at")) {
		in->terminate_at_set = true;
		return get_edge(val, key, &in->terminate_at, err);
	}
	return path_error_set(
	        err, key,
	        "unknown key \"%s\" in an input (known: " INPUT_KEYS ")", key);
}

static int parse_head(const json_t *obj, struct input_config *in,
                      struct path_error *err)
{
	const json_t *f = json_object_get(obj, "format");
	const json_t *k = json_object_get(obj, "kind");

	if (!f)
		return path_error_set(err, "",
		                      "missing \"format\" (csv, json "
		                      "or jsonl)");
	if (!json_is_string(f) ||
	    input_format_from_name(json_string_value(f), &in->format))
		return path_error_set(err, "format",
		                      "\"format\" must be \"csv\", \"json\" or "
		                      "\"jsonl\"");
	in->kind = in->format == INPUT_FORMAT_CSV ? INPUT_KIND_ROSTER
	                                          : INPUT_KIND_EVENTS;
	if (!k)
		return 0;
	if (json_is_string(k) && !strcmp(json_string_value(k), "roster"))
		in->kind = INPUT_KIND_ROSTER;
	else if (json_is_string(k) && !strcmp(json_string_value(k), "events") &&
	         in->format != INPUT_FORMAT_CSV)
		in->kind = INPUT_KIND_EVENTS;
	else
		return path_error_set(
		        err, "kind",
		        in->format == INPUT_FORMAT_CSV
		                ? "a CSV input is a roster (one "
		                  "row a person): \"kind\" must be "
		                  "\"roster\""
		                : "\"kind\" must be \"events\" or "
		                  "\"roster\"");
	return 0;
}

int input_config_parse(const char *name, const json_t *obj,
                       struct input_config *out, struct path_error *err)
{
	const char *key;
	const json_t *val;

	memset(out, 0, sizeof(*out));
	out->delimiter = ',';
	if (!json_is_object(obj))
		return path_error_set(err, "", "input \"%s\" must be an object",
		                      name);
	if (!(out->name = strdup(name))) {
		oom(err);
		goto fail;
	}
	if (parse_head(obj, out, err))
		goto fail;
	json_object_foreach((json_t *)obj, key, val)
	{
		if (parse_member(key, val, out, err))
			goto fail;
	}
	if (out->format == INPUT_FORMAT_CSV && !out->employee_id) {
		path_error_set(err, "",
		               "missing \"employee_id\": the column that holds "
		               "the employee id");
		goto fail;
	}
	if ((out->hire_date.column && !out->hire_date.n_formats &&
	     push_format(&out->hire_date, LOCAL_DATE_ISO, err)) ||
	    (out->termination_date.column && !out->termination_date.n_formats &&
	     push_format(&out->termination_date, LOCAL_DATE_ISO, err)) ||
	    check_roles(out, err))
		goto fail;
	return 0;
fail:
	input_config_release(out);
	return -1;
}

int dates_config_parse(const json_t *obj, struct dates_config *out,
                       struct path_error *err)
{
	const char *key;
	const json_t *val;

	memset(out, 0, sizeof(*out));
	if (obj && !json_is_object(obj))
		return path_error_set(err, "", "\"dates\" must be an object");
	if (obj)
		json_object_foreach((json_t *)obj, key, val)
		{
			if (!strcmp(key, "zone")) {
				if (get_zone(val, key, &out->zone, err))
					goto fail;
			} else if (!strcmp(key, "terminate_at")) {
				if (get_edge(val, key, &out->terminate_at, err))
					goto fail;
			} else {
				path_error_set(
				        err, key,
				        "unknown key \"%s\" in \"dates\" "
				        "(known: zone, terminate_at)",
				        key);
				goto fail;
			}
		}
	if (!out->zone && !(out->zone = strdup("UTC"))) {
		oom(err);
		goto fail;
	}
	return 0;
fail:
	dates_config_release(out);
	return -1;
}

void dates_config_release(struct dates_config *d)
{
	free(d->zone);
	memset(d, 0, sizeof(*d));
}
