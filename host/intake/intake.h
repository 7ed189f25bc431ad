/* Reading an HR export as a roster: one canonical record, or one
 * rejection, per person row. This header is the contract between the
 * readers (CSV through libcsv with an input's column mapping; a JSON array
 * or JSON Lines of canonical records) and what uses them: `run`'s
 * derivation of events (lifecycle/roster_derive.h) and `sync`.
 *
 * The canonical record, a JSON object:
 *
 *   {"employee_id": "E1",            checked like an event's employee_id
 *    "status": "active",             "active", "terminated" or "leave"
 *    "hire_date": "2026-03-01",      YYYY-MM-DD; absent when the row has none
 *    "termination_date": "2026-06-30",                 likewise
 *    "zone": "Pacific/Auckland",     the zone the dates were read in
 *    "effective": {"hire_date": 1772276400,       epoch seconds, a key per
 *                  "termination_date": 1782813600}, date present
 *    "attributes": {"first_name": "Ana", "department": null}}
 *
 * effective: a date alone is a calendar day in the zone (the row's zone
 * column, else the input's "zone", else the configuration's "dates.zone",
 * else UTC); the hire starts at the local start of the day, the termination
 * at terminate_at (start_of_day, or end_of_day = the next local midnight).
 * A date with a time and UTC offset is that instant. attributes: every
 * mapped column (CSV) under its attribute name, surrounding spaces removed;
 * an empty cell is null (the value is gone), never "". Ignored columns are
 * read and dropped: they never leave the reader.
 *
 * Problems of one row reject that row (intake_next gives the reason) and
 * reading goes on; problems of the file (unreadable, not UTF-8, a header
 * column missing or unknown, an unterminated quote, a row over
 * INTAKE_MAX_ROW bytes, JSON that does not parse) end it: intake_open or
 * intake_next returns -1 and intake_error() says where and why.
 *
 * Threads: a reader belongs to one thread. */
#ifndef PROVHOST_INTAKE_H
#define PROVHOST_INTAKE_H

#include <jansson.h>
#include <stdio.h>

#include "config/input_config.h"
#include "util/sha256.h"

#define INTAKE_MAX_ROW (1024 * 1024) /* bytes of one row, all its lines */

struct intake_reader;

struct intake_options {
	const struct input_config *input; /* required, kind roster */
	const struct dates_config *dates; /* defaults; NULL = UTC */
	const char *source;  /* the file's name for messages ("stdin") */
	struct sha256 *hash; /* NULL, or every byte read is added to it */
};

struct intake_row {
	/* CSV: the row number with the header as row 1 (a spreadsheet's
	 * numbering); JSON array: the element number from 1; JSON Lines:
	 * the line number */
	long row;
	long line; /* the line the row starts on; 0 when unknown (JSON array) */
	json_t *record; /* the canonical record (borrowed until the next call
	                 * or close), NULL when the row is rejected */
	const char *reason; /* why it was rejected (borrowed likewise) */
	const char *raw;    /* the row's bytes as read (borrowed likewise) */
	size_t raw_len;
};

/* Opens a reader on in (borrowed; read from its current position). For CSV
 * it reads and checks the header row. Returns 0 and *out (intake_close), or
 * -1 with the message in err. */
int intake_open(const struct intake_options *opt, FILE *in,
                struct intake_reader **out, char *err, size_t errlen);

/* The next row: 1 and *row, 0 at the end, -1 when reading cannot go on
 * (intake_error). Blank rows are skipped (intake_blank_rows counts them). */
int intake_next(struct intake_reader *r, struct intake_row *row);

/* The message of the last -1 ("" when none). */
const char *intake_error(const struct intake_reader *r);

/* Blank rows skipped so far. */
long intake_blank_rows(const struct intake_reader *r);

void intake_close(struct intake_reader *r);

/* "row 5" / "row 5 (line 7)" / "element 3" for messages about a row. */
void intake_row_label(const struct intake_reader *r,
                      const struct intake_row *row, char *buf, size_t len);

#endif
