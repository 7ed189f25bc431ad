/* A set of strings: the keys of an input_seen map (one hash table
 * implementation for both). */
#include "util/strset.h"

void strset_init(struct strset *s)
{
	input_seen_init(&s->map);
}

void strset_release(struct strset *s)
{
	input_seen_release(&s->map);
}

int strset_add(struct strset *s, const char *key)
{
	return input_seen_add(&s->map, key, 0) ? 0 : -1;
}

bool strset_has(const struct strset *s, const char *key)
{
	return input_seen_get(&s->map, key) != NULL;
}
