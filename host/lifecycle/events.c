#include "lifecycle/events.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifecycle/isodate.h"
#include "util/sha256.h"
#include "util/text_escape.h"

#define EVENT_KNOWN_KEYS "event, employee_id, id, effective, attributes"

static const char *const kind_names[] = {
        [EVENT_HIRE] = "hire",           [EVENT_UPDATE] = "update",
        [EVENT_TERMINATE] = "terminate", [EVENT_REHIRE] = "rehire",
        [EVENT_LEAVE] = "leave",         [EVENT_RETURN] = "return",
};
#define N_KINDS (sizeof(kind_names) / sizeof(kind_names[0]))

const char *event_kind_name(enum event_kind kind)
{
	if ((unsigned)kind >= N_KINDS)
		return "?";
	return kind_names[kind];
}

int event_kind_from_name(const char *name, enum event_kind *out)
{
	for (size_t i = 0; i < N_KINDS; i++) {
		if (!strcmp(name, kind_names[i])) {
			*out = (enum event_kind)i;
			return 0;
		}
	}
	return -1;
}

void event_release(struct event *ev)
{
	free(ev->employee_id);
	free(ev->id);
	free(ev->raw);
	json_decref(ev->attributes);
	memset(ev, 0, sizeof(*ev));
}

/* Offset of the first byte of s[0..len) that is not well-formed UTF-8
 * (overlong forms, surrogates and values above U+10FFFF included), or len
 * when all of it is. */
static size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		unsigned lo = 0x80, hi = 0xBF;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 2;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 3;
		else
			return i;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
		else if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
		for (size_t k = 1; k <= n; k++) {
			if (i + k >= len || s[i + k] < lo || s[i + k] > hi)
				return i;
			lo = 0x80;
			hi = 0xBF;
		}
		i += n + 1;
	}
	return len;
}

static int fail(char *reason, size_t len, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int fail(char *reason, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* "a number", "a boolean", ... for a JSON value that is not a string. */
static const char *json_kind_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	default:
		return "a string";
	}
}

/* Only spaces (ASCII or no-break U+00A0, U+3000): an id that looks empty.
 * Other control whitespace is refused as a control character. */
static bool is_blank_id(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		if (s[i] == ' ')
			i++;
		else if (i + 1 < n && !memcmp(s + i, "\xc2\xa0", 2))
			i += 2;
		else if (i + 2 < n && !memcmp(s + i, "\xe3\x80\x80", 3))
			i += 3;
		else
			return false;
	}
	return true;
}

/* Checks an identifier member ("employee_id", "id"): a non-empty string,
 * at most EVENT_MAX_ID_LEN bytes, no control characters (C0, DEL, C1) and
 * no bidirectional formatting characters, which would make an id look
 * like another one wherever it is printed. */
static int check_id(const json_t *v, const char *key, char *reason, size_t len)
{
	const char *s;
	size_t n, at;
	uint32_t cp;

	if (!json_is_string(v))
		return fail(reason, len, "\"%s\" must be a string, got %s", key,
		            json_kind_name(v));
	s = json_string_value(v);
	n = json_string_length(v);
	if (!n)
		return fail(reason, len, "\"%s\" must not be empty", key);
	if (is_blank_id(s, n))
		return fail(reason, len,
		            "\"%s\" must not be blank (only whitespace)", key);
	if (n > EVENT_MAX_ID_LEN)
		return fail(reason, len,
		            "\"%s\" is too long (%zu bytes, limit %d)", key, n,
		            EVENT_MAX_ID_LEN);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return fail(
			        reason, len,
			        "\"%s\" must not contain control characters",
			        key);
	at = text_find_invisible(s, n, &cp);
	if (at < n)
		return fail(reason, len,
		            "\"%s\" must not contain control or bidirectional "
		            "formatting characters (U+%04X at byte %zu)",
		            key, (unsigned)cp, at + 1);
	return 0;
}

int event_check_employee_id(const char *s, size_t n, char *reason,
                            size_t reason_len)
{
	json_t *v = json_stringn_nocheck(s, n);
	int rc;

	if (!v)
		return fail(reason, reason_len, "out of memory");
	rc = check_id(v, "employee_id", reason, reason_len);
	json_decref(v);
	return rc;
}

static const char *type_name(const json_t *v)
{
	return json_is_object(v) ? "an object" : "an array";
}

static int check_attributes(const json_t *v, char *reason, size_t len)
{
	const char *key;
	json_t *val;

	if (!json_is_object(v))
		return fail(reason, len, "\"attributes\" must be an object");
	json_object_foreach((json_t *)v, key, val)
	{
		if (json_is_object(val) || json_is_array(val))
			return fail(
			        reason, len,
			        "attribute \"%s\" must be a string, number, "
			        "boolean or null, not %s",
			        key, type_name(val));
	}
	return 0;
}

static bool is_known_key(const char *key)
{
	static const char *const known[] = {"event", "employee_id", "id",
	                                    "effective", "attributes"};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(key, known[i]))
			return true;
	return false;
}

/* "effective" eff: a date alone by the rules of dates (NULL: UTC, start
 * of day), else an ISO 8601 date-time with offset. */
static int read_effective(const char *eff, const struct event_dates *dates,
                          struct event *ev, char *why, size_t why_len)
{
	struct local_date d;

	if (!dates || strlen(eff) != 10)
		return isodate_parse(eff, &ev->effective, why, why_len);
	if (local_date_parse(eff, NULL, 0, &d, why, why_len))
		return isodate_parse(eff, &ev->effective, why, why_len);
	return local_date_epoch(
	        dates->cache, &d, dates->zone,
	        ev->kind == EVENT_TERMINATE ? dates->terminate_at : DAY_START,
	        &ev->effective, why, why_len);
}

/* Validates the members of root and fills ev (except raw and id). */
static int read_members(json_t *root, const struct event_dates *dates,
                        struct event *ev, char *reason, size_t len)
{
	const json_t *kind, *emp, *id, *eff, *attrs;
	const char *key;
	json_t *val;
	char why[256];

	json_object_foreach(root, key, val)
	{
		if (!is_known_key(key))
			return fail(reason, len,
			            "unknown key \"%s\" (known: %s)", key,
			            EVENT_KNOWN_KEYS);
	}
	kind = json_object_get(root, "event");
	if (!kind)
		return fail(reason, len, "missing \"event\"");
	if (!json_is_string(kind))
		return fail(reason, len, "\"event\" must be a string");
	if (event_kind_from_name(json_string_value(kind), &ev->kind))
		return fail(reason, len,
		            "unknown event kind \"%s\" (expected hire, update, "
		            "terminate, rehire, leave, return)",
		            json_string_value(kind));
	emp = json_object_get(root, "employee_id");
	if (!emp)
		return fail(reason, len, "missing \"employee_id\"");
	if (check_id(emp, "employee_id", reason, len))
		return -1;
	id = json_object_get(root, "id");
	if (id && check_id(id, "id", reason, len))
		return -1;
	eff = json_object_get(root, "effective");
	if (eff) {
		if (!json_is_string(eff))
			return fail(reason, len,
			            "\"effective\" must be a string");
		if (read_effective(json_string_value(eff), dates, ev, why,
		                   sizeof(why)))
			return fail(reason, len,
			            "\"effective\" is not an ISO 8601 date or "
			            "date-time with offset: \"%s\" (%s)",
			            json_string_value(eff), why);
		ev->has_effective = true;
	}
	attrs = json_object_get(root, "attributes");
	if (attrs && check_attributes(attrs, reason, len))
		return -1;
	ev->attributes = attrs ? json_incref((json_t *)attrs) : json_object();
	ev->employee_id = strdup(json_string_value(emp));
	if (id) {
		ev->id = strdup(json_string_value(id));
		ev->id_given = true;
	}
	if (!ev->attributes || !ev->employee_id || (id && !ev->id))
		return fail(reason, len, "out of memory");
	return 0;
}

int event_set_occurrence(struct event *ev, unsigned occurrence)
{
	char *id;

	if (ev->id_given || occurrence <= 1)
		return 0;
	/* ev->id is "sha256:<hex>" of the content: the first occurrence */
	if (asprintf(&id, "%.71s#%u", ev->id, occurrence) < 0)
		return -1;
	free(ev->id);
	ev->id = id;
	return 0;
}

static bool is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

int event_parse_line(const char *line, size_t len, size_t max_len,
                     struct event *out, char *reason, size_t reason_len)
{
	return event_parse_line_dated(line, len, max_len, NULL, out, reason,
	                              reason_len);
}

int event_parse_line_dated(const char *line, size_t len, size_t max_len,
                           const struct event_dates *dates, struct event *out,
                           char *reason, size_t reason_len)
{
	size_t skip = 0, bad;
	json_error_t jerr;
	json_t *root;
	char hex[65];

	memset(out, 0, sizeof(*out));
	if (!max_len)
		max_len = EVENT_MAX_LINE_DEFAULT;
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len > max_len)
		return fail(reason, reason_len,
		            "line too long (%zu bytes, limit %zu)", len,
		            max_len);
	if (len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3))
		skip = 3;
	if (is_blank(line + skip, len - skip)) {
		fail(reason, reason_len, "blank line");
		return 1;
	}
	if (memchr(line, '\0', len))
		return fail(
		        reason, reason_len, "NUL byte at byte %zu",
		        (size_t)((const char *)memchr(line, '\0', len) - line) +
		                1);
	bad = utf8_invalid_at((const unsigned char *)line, len);
	if (bad < len)
		return fail(reason, reason_len, "invalid UTF-8 at byte %zu",
		            bad + 1);
	root = json_loadb(line + skip, len - skip, JSON_REJECT_DUPLICATES,
	                  &jerr);
	if (!root && !strncmp(jerr.text, "\\u0000 is not allowed", 21))
		return fail(reason, reason_len,
		            "invalid JSON: \\u0000 (NUL) is not allowed in "
		            "strings (column %d)",
		            jerr.column);
	if (!root)
		return fail(reason, reason_len, "invalid JSON: %s (column %d)",
		            jerr.text, jerr.column);
	if (!json_is_object(root)) {
		json_decref(root);
		return fail(reason, reason_len,
		            "an event must be a JSON object");
	}
	if (read_members(root, dates, out, reason, reason_len))
		goto out_release;
	out->raw = json_dumps(root, JSON_SORT_KEYS | JSON_COMPACT);
	if (!out->raw) {
		fail(reason, reason_len, "out of memory");
		goto out_release;
	}
	if (!out->id_given) {
		if (sha256_hex(out->raw, strlen(out->raw), hex) ||
		    asprintf(&out->id, "sha256:%s", hex) < 0) {
			out->id = NULL;
			fail(reason, reason_len, "out of memory");
			goto out_release;
		}
	}
	json_decref(root);
	return 0;

out_release:
	event_release(out);
	json_decref(root);
	return -1;
}
