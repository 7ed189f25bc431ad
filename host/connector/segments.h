/* The address ranges a loaded shared object occupies (its PT_LOAD
 * segments), so the loader can tell whether a pointer a connector handed
 * over points into the connector's own memory before reading through it. */
#ifndef PROVHOST_SEGMENTS_H
#define PROVHOST_SEGMENTS_H

#include <stddef.h>
#include <stdint.h>

#define SEGMENTS_MAX 32

struct segments {
	size_t n;
	struct {
		uintptr_t lo, hi; /* [lo, hi) */
		unsigned flags;   /* PF_R, PF_W, PF_X */
	} seg[SEGMENTS_MAX];
};

/* Fills out with the PT_LOAD ranges of the object dlopen returned handle
 * for. Returns 0, or -1 when the object cannot be found. */
int segments_of(void *handle, struct segments *out);

/* True when [p, p + len) lies inside one readable segment. */
int segments_readable(const struct segments *s, const void *p, size_t len);

/* True when p points to a NUL-terminated string that lies wholly inside
 * one readable segment. */
int segments_string(const struct segments *s, const char *p);

/* True when p lies inside an executable segment. */
int segments_code(const struct segments *s, const void *p);

#endif
