/* JSON rosters: a JSON array of canonical records, or one a line (JSON
 * Lines); see intake.h. A JSON array is read whole (jansson); its elements
 * are numbered from 1. */
#include "intake/intake_internal.h"

#include <stdlib.h>
#include <string.h>

/* Reads the rest of r->in into memory, hashed and checked as lines. */
static char *slurp(struct intake_reader *r, size_t *len)
{
	char *buf = NULL, *p;
	size_t used = 0, cap = 0;
	long n;

	while ((n = intake_read_line(r)) > 0) {
		if (used + (size_t)n + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			while (cap < used + (size_t)n + 1)
				cap *= 2;
			p = realloc(buf, cap);
			if (!p) {
				snprintf(r->err, sizeof(r->err),
				         "out of memory");
				goto fail;
			}
			buf = p;
		}
		memcpy(buf + used, r->line, (size_t)n);
		used += (size_t)n;
	}
	if (n < 0)
		goto fail;
	*len = used;
	return buf ? buf : strdup("");
fail:
	free(buf);
	return NULL;
}

int intake_json_open(struct intake_reader *r)
{
	json_error_t jerr;
	size_t len;
	char *text;

	if (r->opt.input->format != INPUT_FORMAT_JSON)
		return 0; /* JSON Lines: read line by line */
	text = slurp(r, &len);
	if (!text)
		return -1;
	r->array = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	free(text);
	if (!r->array) {
		snprintf(r->err, sizeof(r->err),
		         "\"%s\": invalid JSON at line %d, column %d: %s",
		         r->opt.source, jerr.line, jerr.column, jerr.text);
		return -1;
	}
	if (!json_is_array(r->array)) {
		snprintf(r->err, sizeof(r->err),
		         "\"%s\": a JSON roster is one array of records "
		         "([{...}, ...]); this is not an array",
		         r->opt.source);
		return -1;
	}
	return 0;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

/* JSON Lines: the next non-blank line's record. */
static int next_line(struct intake_reader *r, struct intake_row *row)
{
	json_error_t jerr;
	json_t *obj;
	long n;

	for (;;) {
		n = intake_read_line(r);
		if (n <= 0)
			return (int)n;
		while (n && (r->line[n - 1] == '\n' || r->line[n - 1] == '\r'))
			n--;
		if (!blank(r->line, (size_t)n))
			break;
		r->blank_rows++;
	}
	r->raw_len = 0;
	if (intake_raw_append(r, r->line, (size_t)n))
		return -1;
	row->row = row->line = r->line_no;
	row->raw = r->raw;
	row->raw_len = r->raw_len;
	obj = json_loadb(r->line, (size_t)n, JSON_REJECT_DUPLICATES, &jerr);
	if (!obj) {
		snprintf(r->reason, sizeof(r->reason),
		         "invalid JSON: %s (column %d)", jerr.text,
		         jerr.column);
		row->reason = r->reason;
		return 1;
	}
	if (intake_record_from_json(r, obj, &r->record))
		row->reason = r->reason;
	row->record = r->record;
	json_decref(obj);
	return 1;
}

int intake_json_next(struct intake_reader *r, struct intake_row *row)
{
	const json_t *elem;

	if (r->opt.input->format == INPUT_FORMAT_JSONL)
		return next_line(r, row);
	if (r->next_elem >= json_array_size(r->array))
		return 0;
	elem = json_array_get(r->array, r->next_elem++);
	row->row = (long)r->next_elem;
	row->line = 0;
	free(r->elem_text);
	r->elem_text = json_dumps(elem, JSON_COMPACT | JSON_SORT_KEYS |
	                                        JSON_ENCODE_ANY);
	if (!r->elem_text) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		return -1;
	}
	row->raw = r->elem_text;
	row->raw_len = strlen(r->elem_text);
	if (intake_record_from_json(r, elem, &r->record))
		row->reason = r->reason;
	row->record = r->record;
	return 1;
}
