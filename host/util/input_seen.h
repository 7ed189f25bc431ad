/* A map from strings to how often and on which lines they were seen (open
 * addressing, linear probing). Ingest uses it for what one run has read of
 * its input so far: how often each content was seen (the occurrence number
 * of the identity rule, events.h) and on which lines each event id was seen
 * (duplicates within the input, and whether a person's event comes again
 * later in the input); strset.h is a set on top of it. Not thread-safe:
 * one owner. */
#ifndef PROVHOST_INPUT_SEEN_H
#define PROVHOST_INPUT_SEEN_H

#include <stddef.h>
#include <stdint.h>

struct input_seen_entry {
	char *key;     /* owned; NULL = empty slot */
	int64_t count; /* times seen */
	int64_t first; /* line of the first sighting */
	int64_t last;  /* line of the last sighting */
};

struct input_seen {
	struct input_seen_entry *slots;
	size_t cap; /* power of two */
	size_t count;
};

void input_seen_init(struct input_seen *s);

/* The 64-bit FNV-1a hash of a NUL-terminated string (the map's own hash,
 * for other tables keyed by the same strings). */
uint64_t input_seen_hash(const char *key);
void input_seen_release(struct input_seen *s);

/* Records a sighting of key on line; returns its entry (valid until the
 * next call), or NULL when out of memory. */
const struct input_seen_entry *input_seen_add(struct input_seen *s,
                                              const char *key, int64_t line);

/* The entry of key, or NULL when it was not seen. */
const struct input_seen_entry *input_seen_get(const struct input_seen *s,
                                              const char *key);

#endif
