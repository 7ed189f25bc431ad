/* Reads lines of bounded length from a stream: a line longer than the
 * limit is reported as overlong (with its full length) and skipped to its
 * end without being held in memory. */
#ifndef PROVHOST_LINE_READER_H
#define PROVHOST_LINE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/sha256.h"

struct line_reader {
	FILE *in;            /* borrowed */
	char *buf;           /* owned, max_len + 1 bytes */
	size_t max_len;      /* longest line kept, without the newline */
	size_t len;          /* length of the current line (kept part) */
	size_t full_len;     /* true length of the current line */
	bool overlong;       /* full_len > max_len: buf holds a prefix */
	long line_no;        /* 1-based number of the current line */
	struct sha256 *hash; /* borrowed, NULL = none: every byte read is
	                      * added to it (the identity of the input) */
};

int line_reader_init(struct line_reader *r, FILE *in, size_t max_len);
void line_reader_release(struct line_reader *r);

/* Reads the next line (without "\n"). Returns 1 when a line was read,
 * 0 at end of input, -1 on a read error (errno set). A final line without
 * a newline counts as a line. */
int line_reader_next(struct line_reader *r);

#endif
