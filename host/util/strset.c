#include "util/strset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void strset_init(struct strset *s)
{
	s->slots = NULL;
	s->cap = s->count = 0;
}

void strset_release(struct strset *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		free(s->slots[i]);
	free(s->slots);
	strset_init(s);
}

static uint64_t hash(const char *key)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	while (*key) {
		h ^= (unsigned char)*key++;
		h *= 1099511628211ULL;
	}
	return h;
}

/* The slot holding key, or the empty slot where it would go. cap > 0. */
static size_t find_slot(char *const *slots, size_t cap, const char *key)
{
	size_t i = (size_t)hash(key) & (cap - 1);

	while (slots[i] && strcmp(slots[i], key))
		i = (i + 1) & (cap - 1);
	return i;
}

static int grow(struct strset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 16, i;
	char **slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (i = 0; i < s->cap; i++)
		if (s->slots[i])
			slots[find_slot(slots, cap, s->slots[i])] = s->slots[i];
	free(s->slots);
	s->slots = slots;
	s->cap = cap;
	return 0;
}

int strset_add(struct strset *s, const char *key)
{
	size_t i;

	if ((s->count + 1) * 2 > s->cap && grow(s))
		return -1;
	i = find_slot(s->slots, s->cap, key);
	if (s->slots[i])
		return 0;
	s->slots[i] = strdup(key);
	if (!s->slots[i])
		return -1;
	s->count++;
	return 0;
}

bool strset_has(const struct strset *s, const char *key)
{
	return s->cap && s->slots[find_slot(s->slots, s->cap, key)];
}
