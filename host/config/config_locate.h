/* Finds where a JSON value sits in its source text, so that semantic
 * configuration errors (which jansson cannot position) can still be
 * reported as file:line:column. */
#ifndef PROVHOST_CONFIG_LOCATE_H
#define PROVHOST_CONFIG_LOCATE_H

#include <stddef.h>

struct config_index;
struct config_source;

/* Walks the JSON text (len bytes) along path — members by name, array
 * items by index, e.g. "connections[1].settings.instance_url"; "" is the
 * whole document — and stores the 1-based line and column (in characters)
 * of the member's key, or of the item itself for an array index. Returns 0
 * when the whole path was found; 1 when only a prefix was, with the
 * position of the deepest value found (the object a missing member belongs
 * in); -1 when the text could not be scanned (then 1:1). */
int config_locate(const char *text, size_t len, const char *path, int *line,
                  int *column);

/* config_locate with an index of the text kept in ix between calls: the
 * first call scans the text once (one pass, whatever the path) and builds
 * a table of every member and item; later calls with the same text cost
 * O(path depth). So reporting one position per connection is linear in the
 * file, not quadratic. Same results as config_locate. Not thread-safe: one
 * thread per index. text must not change while ix is used for it (a
 * different text pointer or length rebuilds). */
int config_index_locate(struct config_index *ix, const char *text, size_t len,
                        const char *path, int *line, int *column);

/* config_index_locate on src's text with src's cached index (or a one-off
 * scan when it has none). */
int config_source_locate(const struct config_source *src, const char *path,
                         int *line, int *column);

/* An empty index (NULL when out of memory); config_index_free frees it. */
struct config_index *config_index_new(void);
void config_index_free(struct config_index *ix);

/* For the tests: how many times ix scanned a text, and the bytes scanned
 * in all. */
void config_index_stats(const struct config_index *ix, size_t *builds,
                        size_t *scanned);

/* Writes prefix and rel joined as one path into out ("connections[0]" +
 * "settings.url" -> "connections[0].settings.url"; either may be ""). */
void config_path_join(char *out, size_t outlen, const char *prefix,
                      const char *rel);

#endif
