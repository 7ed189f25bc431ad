/* CSV exports through libcsv (RFC 4180 quoting, quoted newlines, a BOM,
 * CRLF, any one-byte delimiter); see intake.h. The file is fed to the
 * parser one line at a time, so a record ends only at a line's end and
 * every row knows the lines it spans. */
#include "intake/intake_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lifecycle/events.h"

/* libcsv's parser state "inside a field" (struct csv_parser.pstate; the
 * value of FIELD_BEGUN in libcsv.c, stable since libcsv 2) */
#define CSV_PSTATE_FIELD_BEGUN 2

/* The length of line (n bytes) without its "\n" or "\r\n". */
static size_t line_text_len(const char *line, long n)
{
	size_t k = (size_t)n;

	if (k && line[k - 1] == '\n')
		k--;
	if (k && line[k - 1] == '\r')
		k--;
	return k;
}

static int no_space(unsigned char c)
{
	(void)c;
	return 0; /* spaces are data; cells are trimmed after parsing */
}

static int is_lf(unsigned char c)
{
	return c == '\n'; /* a CR before it is removed before parsing */
}

/* libcsv's field callback: the field's bytes, NUL-terminated, into the
 * arena. */
static void on_field(void *s, size_t len, void *data)
{
	struct intake_reader *r = data;
	struct intake_field *f;

	if (r->field_oom)
		return;
	if (r->n_fields == r->cap_fields) {
		size_t cap = r->cap_fields ? r->cap_fields * 2 : 32;

		f = realloc(r->fields, cap * sizeof(*f));
		if (!f)
			goto oom;
		r->fields = f;
		r->cap_fields = cap;
	}
	if (r->arena_len + len + 1 > r->arena_cap) {
		size_t cap = r->arena_cap ? r->arena_cap : 1024;
		char *p;

		while (cap < r->arena_len + len + 1)
			cap *= 2;
		p = realloc(r->arena, cap);
		if (!p)
			goto oom;
		r->arena = p;
		r->arena_cap = cap;
	}
	if (len)
		memcpy(r->arena + r->arena_len, s, len);
	r->arena[r->arena_len + len] = '\0';
	r->fields[r->n_fields].off = r->arena_len;
	r->fields[r->n_fields].len = len;
	r->arena_len += len + 1;
	r->n_fields++;
	return;
oom:
	r->field_oom = true;
}

static void on_row(int c, void *data)
{
	struct intake_reader *r = data;

	(void)c;
	r->rows_done++;
}

/* Field i, surrounding spaces and tabs removed (in place). */
static const char *cell(struct intake_reader *r, size_t i, size_t *len)
{
	char *s = r->arena + r->fields[i].off;
	size_t n = r->fields[i].len;

	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	s[n] = '\0';
	*len = n;
	return s;
}

static void reset_record(struct intake_reader *r)
{
	r->n_fields = 0;
	r->arena_len = 0;
	r->rows_done = 0;
	r->raw_len = 0;
	r->row_line = 0;
}

/* Reads lines until the parser completes a record: 1, 0 at the end of the
 * input (no record), -1 (r->err). */
static int read_record(struct intake_reader *r)
{
	long n;

	reset_record(r);
	for (;;) {
		n = intake_read_line(r);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		if (!r->row_line)
			r->row_line = r->line_no;
		if (intake_raw_append(r, r->line, (size_t)n))
			return -1;
		/* CRLF -> LF: a record ends at '\n' only */
		if (n >= 2 && r->line[n - 1] == '\n' &&
		    r->line[n - 2] == '\r') {
			r->line[n - 2] = '\n';
			n--;
		}
		if (r->raw_len > INTAKE_MAX_ROW) {
			snprintf(
			        r->err, sizeof(r->err),
			        "\"%s\": the row starting on line %ld is "
			        "longer "
			        "than %d bytes (a quote that is never closed?)",
			        r->opt.source, r->row_line, INTAKE_MAX_ROW);
			return -1;
		}
		if (csv_parse(&r->csv, r->line, (size_t)n, on_field, on_row,
		              r) != (size_t)n)
			goto parse_error;
		if (r->field_oom)
			goto oom;
		if (r->rows_done)
			goto done;
		if (!r->n_fields && r->row_line == r->line_no &&
		    !line_text_len(r->line, n)) {
			r->row_line = 0; /* a blank line: not a record */
			r->raw_len = 0;
			r->row_no++; /* but a spreadsheet row */
			r->blank_rows++;
		}
	}
	/* libcsv (not in strict mode) ends an open quoted field at the end of
	 * the input silently: it must be an error here */
	if (r->csv.quoted && r->csv.pstate == CSV_PSTATE_FIELD_BEGUN) {
		snprintf(r->err, sizeof(r->err),
		         "\"%s\": the quoted value opened in the row starting "
		         "on "
		         "line %ld is never closed",
		         r->opt.source, r->row_line);
		return -1;
	}
	if (csv_fini(&r->csv, on_field, on_row, r))
		goto parse_error;
	if (r->field_oom)
		goto oom;
	if (!r->rows_done)
		return 0;
done: /* the raw row without its last line's end */
	r->raw_len = line_text_len(r->raw, (long)r->raw_len);
	r->raw[r->raw_len] = '\0';
	return 1;
parse_error:
	if (csv_error(&r->csv) == CSV_EPARSE)
		snprintf(r->err, sizeof(r->err),
		         "\"%s\": the quoted value opened in the row starting "
		         "on "
		         "line %ld is never closed",
		         r->opt.source, r->row_line);
	else
		snprintf(r->err, sizeof(r->err), "\"%s\": CSV: %s",
		         r->opt.source, csv_strerror(csv_error(&r->csv)));
	return -1;
oom:
	snprintf(r->err, sizeof(r->err), "out of memory");
	return -1;
}

static bool row_blank(struct intake_reader *r)
{
	size_t len;

	for (size_t i = 0; i < r->n_fields; i++) {
		cell(r, i, &len);
		if (len)
			return false;
	}
	return true;
}

static long find_column(struct intake_reader *r, const char *name)
{
	for (size_t i = 0; i < r->n_header; i++)
		if (!strcmp(r->header[i], name))
			return (long)i;
	return -1;
}

static const char *delimiter_name(char d)
{
	return d == '\t' ? "\\t" : d == ';' ? ";" : d == '|' ? "|" : ",";
}

/* "; is the delimiter \";\"? ..." when the header looks split wrongly. */
static void delimiter_hint(struct intake_reader *r, char *buf, size_t len)
{
	static const char cands[] = {',', ';', '\t', '|'};

	buf[0] = '\0';
	if (r->n_header != 1)
		return;
	for (size_t i = 0; i < sizeof(cands); i++)
		if (cands[i] != r->opt.input->delimiter &&
		    strchr(r->header[0], cands[i])) {
			snprintf(buf, len,
			         " (the header is one column: is the delimiter "
			         "\"%s\"? set \"delimiter\" in input \"%s\")",
			         delimiter_name(cands[i]), r->opt.input->name);
			return;
		}
}

/* The header's column names, comma-separated, cut to fit. */
static void header_list(struct intake_reader *r, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < r->n_header && used + 1 < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s\"%s\"",
		                         i ? ", " : "", r->header[i]);
	if (used >= len && len > 4)
		memcpy(buf + len - 4, "...", 4);
}

/* Finds a role's column; a missing one is added to missing. */
static long role(struct intake_reader *r, const char *name, char *missing,
                 size_t len)
{
	long i;
	size_t used = strlen(missing);

	if (!name)
		return -1;
	i = find_column(r, name);
	if (i < 0 && used + 1 < len)
		snprintf(missing + used, len - used, "%s\"%s\"",
		         used ? ", " : "", name);
	return i;
}

static bool is_role(struct intake_reader *r, long i)
{
	return i == r->col_id || i == r->col_status || i == r->col_hire ||
	       i == r->col_term || i == r->col_zone;
}

static bool is_ignored(const struct input_config *in, const char *name)
{
	for (size_t i = 0; i < in->n_ignore; i++)
		if (!strcmp(in->ignore[i], name))
			return true;
	return false;
}

static int check_columns(struct intake_reader *r)
{
	const struct input_config *in = r->opt.input;
	char missing[600] = "", unknown[600] = "", have[600], hint[200];
	size_t used = 0;

	r->col_id = role(r, in->employee_id, missing, sizeof(missing));
	r->col_status = role(r, in->status_column, missing, sizeof(missing));
	r->col_hire = role(r, in->hire_date.column, missing, sizeof(missing));
	r->col_term =
	        role(r, in->termination_date.column, missing, sizeof(missing));
	r->col_zone = role(r, in->zone_column, missing, sizeof(missing));
	r->col_attr = malloc((r->n_header + 1) * sizeof(*r->col_attr));
	if (!r->col_attr) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		return -1;
	}
	for (size_t k = 0; k < in->n_columns; k++)
		if (find_column(r, in->columns[k].header) < 0)
			role(r, in->columns[k].header, missing,
			     sizeof(missing));
	for (size_t i = 0; i < r->n_header; i++) {
		r->col_attr[i] = -1;
		for (size_t k = 0; k < in->n_columns; k++)
			if (!strcmp(in->columns[k].header, r->header[i]))
				r->col_attr[i] = (long)k;
		if (r->col_attr[i] >= 0 || is_role(r, (long)i) ||
		    !r->header[i][0] || is_ignored(in, r->header[i]))
			continue;
		if (used + 1 < sizeof(unknown))
			used += (size_t)snprintf(
			        unknown + used, sizeof(unknown) - used,
			        "%s\"%s\" (column %zu)", used ? ", " : "",
			        r->header[i], i + 1);
	}
	header_list(r, have, sizeof(have));
	delimiter_hint(r, hint, sizeof(hint));
	if (missing[0]) {
		snprintf(r->err, sizeof(r->err),
		         "\"%s\": the header has no column %s, which input "
		         "\"%s\" maps%s; the header has: %s",
		         r->opt.source, missing, in->name, hint, have);
		return -1;
	}
	if (unknown[0]) {
		snprintf(r->err, sizeof(r->err),
		         "\"%s\": unknown column %s in the header: map it in "
		         "\"columns\" of input \"%s\" or list it in \"ignore\"",
		         r->opt.source, unknown, in->name);
		return -1;
	}
	return 0;
}

static int take_header(struct intake_reader *r)
{
	size_t len;

	r->header = calloc(r->n_fields + 1, sizeof(*r->header));
	if (!r->header)
		goto oom;
	for (size_t i = 0; i < r->n_fields; i++) {
		const char *name = cell(r, i, &len);
		long dup = find_column(r, name);

		if (name[0] && dup >= 0) {
			snprintf(r->err, sizeof(r->err),
			         "\"%s\": column \"%s\" appears twice in the "
			         "header (columns %ld and %zu)",
			         r->opt.source, name, dup + 1, i + 1);
			return -1;
		}
		r->header[i] = strdup(name);
		if (!r->header[i])
			goto oom;
		r->n_header = i + 1;
	}
	r->have_header = true;
	return check_columns(r);
oom:
	snprintf(r->err, sizeof(r->err), "out of memory");
	return -1;
}

int intake_csv_open(struct intake_reader *r)
{
	int rc;

	if (csv_init(&r->csv, CSV_STRICT_FINI)) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		return -1;
	}
	r->csv_open = true;
	csv_set_delim(&r->csv, (unsigned char)r->opt.input->delimiter);
	csv_set_space_func(&r->csv, no_space);
	csv_set_term_func(&r->csv, is_lf);
	do {
		rc = read_record(r);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			snprintf(r->err, sizeof(r->err),
			         "\"%s\" is empty: a CSV export starts with a "
			         "header row",
			         r->opt.source);
			return -1;
		}
	} while (row_blank(r));
	r->row_no = r->line_no;
	return take_header(r);
}

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

/* The canonical status of the status cell s (len bytes). */
static int map_status(struct intake_reader *r, const char *s, size_t len,
                      const char **out)
{
	const struct input_config *in = r->opt.input;
	static const char *const words[] = {"active", "terminated", "leave"};
	char known[400];
	size_t used = 0;

	if (!len)
		return reject(r, "empty status (column \"%s\")",
		              in->status_column);
	for (size_t i = 0; i < in->n_status_values; i++)
		if (!strcmp(in->status_values[i].hr, s)) {
			*out = in->status_values[i].status;
			return 0;
		}
	for (size_t i = 0; i < in->n_status_values; i++)
		if (!strcasecmp(in->status_values[i].hr, s)) {
			*out = in->status_values[i].status;
			return 0;
		}
	if (!in->n_status_values)
		for (size_t i = 0; i < 3; i++)
			if (!strcasecmp(words[i], s)) {
				*out = words[i];
				return 0;
			}
	known[0] = '\0';
	for (size_t i = 0;
	     i < (in->n_status_values ? in->n_status_values : 3) &&
	     used + 1 < sizeof(known);
	     i++)
		used += (size_t)snprintf(known + used, sizeof(known) - used,
		                         "%s\"%s\"", i ? ", " : "",
		                         in->n_status_values
		                                 ? in->status_values[i].hr
		                                 : words[i]);
	return reject(
	        r,
	        "unknown status \"%.100s\" in column \"%s\" (input \"%s\" "
	        "knows %s)",
	        s, in->status_column, in->name, known);
}

static const char *opt_cell(struct intake_reader *r, long col)
{
	size_t len;

	return col >= 0 ? cell(r, (size_t)col, &len) : "";
}

/* Turns the current record into r->record, or r->reason. */
static int take_row(struct intake_reader *r)
{
	const struct input_config *in = r->opt.input;
	const char *id, *status, *hire, *term, *zone;
	json_t *attrs;
	size_t len;

	if (r->n_fields != r->n_header)
		return reject(r,
		              "the row has %zu fields, the header has %zu (a "
		              "delimiter inside a value that is not quoted?)",
		              r->n_fields, r->n_header);
	if (memchr(r->raw, '\0', r->raw_len))
		return reject(r, "NUL byte in the row");
	id = cell(r, (size_t)r->col_id, &len);
	if (!len)
		return reject(r, "empty employee id (column \"%s\")",
		              in->employee_id);
	if (r->col_status >= 0) {
		const char *s = cell(r, (size_t)r->col_status, &len);

		if (map_status(r, s, len, &status))
			return -1;
	} else {
		status = opt_cell(r, r->col_term)[0] ? "terminated" : "active";
	}
	hire = opt_cell(r, r->col_hire);
	term = opt_cell(r, r->col_term);
	zone = opt_cell(r, r->col_zone);
	attrs = json_object();
	if (!attrs)
		return reject(r, "out of memory");
	for (size_t i = 0; i < r->n_header; i++) {
		const char *v;
		json_t *jv;

		if (r->col_attr[i] < 0)
			continue;
		v = cell(r, i, &len);
		jv = len ? json_stringn(v, len) : json_null();
		if (!jv ||
		    json_object_set_new(
		            attrs, in->columns[r->col_attr[i]].attribute, jv)) {
			json_decref(attrs);
			return reject(r, "out of memory");
		}
	}
	return intake_record_build(r, id, strlen(id), status, hire, term, zone,
	                           attrs, &r->record);
}

int intake_csv_next(struct intake_reader *r, struct intake_row *row)
{
	int rc;

	for (;;) {
		rc = read_record(r);
		if (rc <= 0)
			return rc;
		r->row_no++; /* a spreadsheet numbers blank rows too */
		if (!row_blank(r))
			break;
		r->blank_rows++;
	}
	row->row = r->row_no;
	row->line = r->row_line;
	row->raw = r->raw;
	row->raw_len = r->raw_len;
	if (take_row(r)) {
		json_decref(r->record);
		r->record = NULL;
		row->reason = r->reason;
		return 1;
	}
	row->record = r->record;
	return 1;
}
