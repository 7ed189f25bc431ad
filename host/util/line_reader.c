#include "util/line_reader.h"

#include <stdlib.h>

int line_reader_init(struct line_reader *r, FILE *in, size_t max_len)
{
	r->in = in;
	r->max_len = max_len;
	r->buf = malloc(max_len + 1);
	r->len = r->full_len = 0;
	r->overlong = false;
	r->line_no = 0;
	r->hash = NULL;
	return r->buf ? 0 : -1;
}

void line_reader_release(struct line_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

int line_reader_next(struct line_reader *r)
{
	int c;
	bool any = false;

	r->len = r->full_len = 0;
	r->overlong = false;
	flockfile(r->in); /* one lock per line, not per byte */
	while ((c = getc_unlocked(r->in)) != EOF) {
		any = true;
		if (c == '\n')
			break;
		if (r->len < r->max_len) {
			r->buf[r->len++] = (char)c;
		} else {
			/* hash the kept prefix once, then each dropped byte */
			if (r->hash && !r->overlong)
				sha256_update(r->hash, r->buf, r->len);
			if (r->hash)
				sha256_update(r->hash, &(char){(char)c}, 1);
			r->overlong = true;
		}
		r->full_len++;
	}
	funlockfile(r->in);
	if (c == EOF && ferror(r->in))
		return -1;
	if (r->hash && !r->overlong)
		sha256_update(r->hash, r->buf, r->len);
	if (r->hash && c == '\n')
		sha256_update(r->hash, "\n", 1);
	if (!any)
		return 0;
	r->buf[r->len] = '\0';
	r->line_no++;
	return 1;
}
