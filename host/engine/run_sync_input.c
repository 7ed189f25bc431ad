/* ===================================================================
 * ADAPTER (issue 14): the rows of a snapshot as canonical roster records
 * (lifecycle/roster_derive.h). This is the ONE place provhost sync reads
 * its input file. It reads a JSON array of canonical records or JSON
 * Lines of them; the intake reader (CSV/JSON exports with an "inputs"
 * column mapping) plugs in here when it lands, and nothing else in sync
 * changes.
 * =================================================================== */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/run_sync.h"
#include "lifecycle/events.h"
#include "util/line_reader.h"

struct sync_input {
	FILE *in;
	bool array;   /* a JSON array, else JSON Lines */
	json_t *root; /* the array */
	size_t next;  /* its next element */
	struct line_reader lr;
	bool lr_open;
	char *raw; /* the last array element as text (owned) */
};

/* The first byte that is not white space (or a UTF-8 BOM); EOF when none.
 * Leaves the stream at the start. */
static int first_byte(FILE *in)
{
	int c;

	while ((c = getc(in)) != EOF)
		if (!strchr(" \t\r\n", c) && c != 0xEF && c != 0xBB &&
		    c != 0xBF)
			break;
	rewind(in);
	return c;
}

int sync_input_open(const char *path, struct sync_input **out, char *err,
                    size_t len)
{
	struct sync_input *s = calloc(1, sizeof(*s));
	json_error_t jerr;

	*out = NULL;
	if (!s) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	s->in = fopen(path, "r");
	if (!s->in) {
		snprintf(err, len, "cannot open \"%s\": %s", path,
		         strerror(errno));
		free(s);
		return -1;
	}
	s->array = first_byte(s->in) == '[';
	if (s->array) {
		s->root = json_loadf(s->in, JSON_REJECT_DUPLICATES, &jerr);
		if (!s->root || !json_is_array(s->root)) {
			snprintf(
			        err, len,
			        "%s:%d:%d: not a JSON array of roster records: "
			        "%s",
			        path, jerr.line, jerr.column,
			        s->root ? "not an array" : jerr.text);
			sync_input_close(s);
			return -1;
		}
	} else {
		if (line_reader_init(&s->lr, s->in, EVENT_MAX_LINE_DEFAULT)) {
			snprintf(err, len, "out of memory");
			sync_input_close(s);
			return -1;
		}
		s->lr_open = true;
	}
	*out = s;
	return 0;
}

/* The next array element. */
static int next_element(struct sync_input *s, struct sync_input_row *row)
{
	json_t *v;

	if (s->next >= json_array_size(s->root))
		return 2;
	v = json_array_get(s->root, s->next++);
	free(s->raw);
	s->raw = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	row->row_no = (int64_t)s->next;
	row->raw = s->raw ? s->raw : "";
	row->raw_len = strlen(row->raw);
	row->record = json_incref(v);
	return 1;
}

/* The next non-blank line. */
static int next_line(struct sync_input *s, struct sync_input_row *row)
{
	json_error_t jerr;
	int r;
	size_t i;

	do {
		r = line_reader_next(&s->lr);
		if (r <= 0)
			return r < 0 ? -1 : 2;
		for (i = 0; i < s->lr.len && strchr(" \t\r", s->lr.buf[i]); i++)
			;
	} while (i == s->lr.len && !s->lr.overlong);
	row->row_no = s->lr.line_no;
	row->raw = s->lr.buf;
	row->raw_len = s->lr.len;
	if (s->lr.overlong) {
		snprintf(row->reason, sizeof(row->reason),
		         "line too long (%zu bytes, limit %zu)", s->lr.full_len,
		         s->lr.max_len);
		return 0;
	}
	row->record =
	        json_loadb(s->lr.buf, s->lr.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!row->record) {
		snprintf(row->reason, sizeof(row->reason),
		         "invalid JSON: %s (column %d)", jerr.text,
		         jerr.column);
		return 0;
	}
	return 1;
}

int sync_input_next(struct sync_input *s, struct sync_input_row *row)
{
	memset(row, 0, sizeof(*row));
	return s->array ? next_element(s, row) : next_line(s, row);
}

void sync_input_close(struct sync_input *s)
{
	if (!s)
		return;
	if (s->lr_open)
		line_reader_release(&s->lr);
	json_decref(s->root);
	free(s->raw);
	if (s->in)
		fclose(s->in);
	free(s);
}
