/*
 * sbuf: a growable byte buffer for building response bodies.
 *
 * An sbuf starts zeroed (SBUF_INIT). Appends never fail loudly: on
 * allocation failure the buffer is marked oom and later appends are
 * ignored, so callers check once with sbuf_finish().
 */
#ifndef SIM_BUF_H
#define SIM_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct sbuf {
	char *data;
	size_t len;
	size_t cap;
	bool oom;
};

#define SBUF_INIT                                                              \
	{                                                                      \
		NULL, 0, 0, false                                              \
	}

void sbuf_append(struct sbuf *b, const char *s, size_t n);
void sbuf_puts(struct sbuf *b, const char *s);
void sbuf_printf(struct sbuf *b, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/*
 * Returns the NUL-terminated contents (caller frees) and stores the length
 * in *len, or returns NULL (and frees everything) if any append failed.
 */
char *sbuf_finish(struct sbuf *b, size_t *len);

/* Frees the contents; the buffer may be reused after SBUF_INIT. */
void sbuf_release(struct sbuf *b);

#endif
