/* A set of strings (the keys of an input_seen map), for small per-worker
 * bookkeeping such as "employees whose earlier event failed in this run".
 * Not thread-safe: one owner. */
#ifndef PROVHOST_STRSET_H
#define PROVHOST_STRSET_H

#include <stdbool.h>
#include <stddef.h>

#include "util/input_seen.h"

struct strset {
	struct input_seen map; /* the strings; their counts are not used */
};

void strset_init(struct strset *s);

/* Frees every string and the table. */
void strset_release(struct strset *s);

/* Adds a copy of key. Returns 0 (added or already there) or -1 on out of
 * memory. */
int strset_add(struct strset *s, const char *key);

bool strset_has(const struct strset *s, const char *key);

#endif
