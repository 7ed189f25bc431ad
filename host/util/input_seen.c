#include "util/input_seen.h"

#include <stdlib.h>
#include <string.h>

void input_seen_init(struct input_seen *s)
{
	s->slots = NULL;
	s->cap = s->count = 0;
}

void input_seen_release(struct input_seen *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slots[i].key);
	free(s->slots);
	input_seen_init(s);
}

uint64_t input_seen_hash(const char *key)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	while (*key) {
		h ^= (unsigned char)*key++;
		h *= 1099511628211ULL;
	}
	return h;
}

/* The slot holding key, or the empty slot where it would go. cap > 0. */
static size_t find_slot(const struct input_seen_entry *slots, size_t cap,
                        const char *key)
{
	size_t i = (size_t)input_seen_hash(key) & (cap - 1);

	while (slots[i].key && strcmp(slots[i].key, key))
		i = (i + 1) & (cap - 1);
	return i;
}

static int grow(struct input_seen *s)
{
	size_t cap = s->cap ? s->cap * 2 : 64;
	struct input_seen_entry *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t i = 0; i < s->cap; i++)
		if (s->slots[i].key)
			slots[find_slot(slots, cap, s->slots[i].key)] =
			        s->slots[i];
	free(s->slots);
	s->slots = slots;
	s->cap = cap;
	return 0;
}

const struct input_seen_entry *input_seen_add(struct input_seen *s,
                                              const char *key, int64_t line)
{
	struct input_seen_entry *e;

	if ((s->count + 1) * 2 > s->cap && grow(s))
		return NULL;
	e = &s->slots[find_slot(s->slots, s->cap, key)];
	if (!e->key) {
		e->key = strdup(key);
		if (!e->key)
			return NULL;
		e->first = line;
		s->count++;
	}
	e->count++;
	e->last = line;
	return e;
}

const struct input_seen_entry *input_seen_get(const struct input_seen *s,
                                              const char *key)
{
	const struct input_seen_entry *e;

	if (!s->cap)
		return NULL;
	e = &s->slots[find_slot(s->slots, s->cap, key)];
	return e->key ? e : NULL;
}
