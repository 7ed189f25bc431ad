/* A configuration problem found below some JSON value, located by path.
 * Section parsers (lifecycle_config_parse, engine_config_parse) fill it with a
 * path relative to the object they were given ("roles.rules[2].if"); the
 * config loader prefixes the connection's path and turns it into
 * file:line:column using the source text. */
#ifndef PROVHOST_PATH_ERROR_H
#define PROVHOST_PATH_ERROR_H

#include <stdarg.h>

struct path_error {
	char path[256]; /* JSON path of the offending member, "" = the object */
	char message[512]; /* one line: what is wrong, lower-case first word */
};

/* Fills err (path and printf-style message); returns -1 for `return
 * path_error_set(...)`. */
int path_error_set(struct path_error *err, const char *path, const char *fmt,
                   ...) __attribute__((format(printf, 3, 4)));

#endif
