/* Shared by the intake_*.c files only. */
#ifndef PROVHOST_INTAKE_INTERNAL_H
#define PROVHOST_INTAKE_INTERNAL_H

#include <csv.h>
#include <stdbool.h>

#include "intake/intake.h"
#include "util/tzdate.h"

/* One field of the CSV record being read: bytes in the reader's arena. */
struct intake_field {
	size_t off, len;
};

struct intake_reader {
	struct intake_options opt;
	FILE *in;
	char err[1024];
	char reason[1024];
	long blank_rows;
	struct tzdate_cache tz;
	json_t *record; /* the last row's record, owned */
	/* the current line (getline) */
	char *line;
	size_t line_cap;
	long line_no;
	long row_no;
	/* the raw bytes of the current row */
	char *raw;
	size_t raw_len, raw_cap;
	long row_line; /* where the current row began */
	/* CSV */
	struct csv_parser csv;
	bool csv_open;
	char *arena;
	size_t arena_len, arena_cap;
	struct intake_field *fields;
	size_t n_fields, cap_fields;
	bool field_oom;
	int rows_done; /* records completed by the parser, not yet used */
	bool have_header;
	char **header; /* column names, trimmed */
	size_t n_header;
	/* column index of each role, -1 none */
	long col_id, col_status, col_hire, col_term, col_zone;
	long *col_attr; /* per header column: index into input->columns or
	                 * -1 (ignored, a role only, or unnamed) */
	/* JSON array */
	json_t *array;
	size_t next_elem;
	char *elem_text;
};

/* intake_record.c: builds the canonical record from its parts.
 * status is the canonical word; hire/term are the cells ("" = none) read
 * with their formats; zone the row's zone. 0 and a new object in *out, or
 * -1 with the reason in r->reason. */
int intake_record_build(struct intake_reader *r, const char *employee_id,
                        size_t id_len, const char *status, const char *hire,
                        const char *term, const char *zone, json_t *attributes,
                        json_t **out);

/* intake_record.c: checks a record given as JSON (a JSON roster) and
 * returns the canonical record built from it (computed "effective"). */
int intake_record_from_json(struct intake_reader *r, const json_t *obj,
                            json_t **out);

/* intake_csv.c / intake_json.c */
int intake_csv_open(struct intake_reader *r);
int intake_csv_next(struct intake_reader *r, struct intake_row *row);
int intake_json_open(struct intake_reader *r);
int intake_json_next(struct intake_reader *r, struct intake_row *row);

/* intake.c: reads the next line into r->line (hashing it, checking UTF-8
 * and NUL-free-ness of the text part): its length, 0 at the end, -1 on a
 * read error or invalid UTF-8 (r->err set). */
long intake_read_line(struct intake_reader *r);
int intake_raw_append(struct intake_reader *r, const char *s, size_t n);

#endif
