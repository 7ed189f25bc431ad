/* Finds where a JSON value sits in its source text, so that semantic
 * configuration errors (which jansson cannot position) can still be
 * reported as file:line:column. */
#ifndef PROVHOST_CONFIG_LOCATE_H
#define PROVHOST_CONFIG_LOCATE_H

#include <stddef.h>

/* Walks the JSON text (len bytes) along path — members by name, array
 * items by index, e.g. "connections[1].settings.instance_url"; "" is the
 * whole document — and stores the 1-based line and column (in characters)
 * of the member's key, or of the item itself for an array index. Returns 0
 * when the whole path was found; 1 when only a prefix was, with the
 * position of the deepest value found (the object a missing member belongs
 * in); -1 when the text could not be scanned (then 1:1). */
int config_locate(const char *text, size_t len, const char *path, int *line,
                  int *column);

/* Writes prefix and rel joined as one path into out ("connections[0]" +
 * "settings.url" -> "connections[0].settings.url"; either may be ""). */
void config_path_join(char *out, size_t outlen, const char *prefix,
                      const char *rel);

#endif
