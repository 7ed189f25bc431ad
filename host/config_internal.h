/* Shared by the config_*.c files only: the error collector and the
 * connection parser. */
#ifndef PROVHOST_CONFIG_INTERNAL_H
#define PROVHOST_CONFIG_INTERNAL_H

#include "config.h"

/* Collects "file:line:column: message" lines into a caller's buffer. */
struct config_errors {
	char *buf;
	size_t size;
	size_t used;
	int count;
};

void config_errors_init(struct config_errors *e, char *buf, size_t size);

/* Adds one line for the value at path (prefix and rel joined) in src. */
void config_errors_add(struct config_errors *e, const struct config_source *src,
                       const char *prefix, const char *rel, const char *fmt,
                       ...) __attribute__((format(printf, 5, 6)));

/* Adds one line verbatim. */
void config_errors_add_line(struct config_errors *e, const char *line);

/* Parses the connection object obj (at json_path in src) into conn.
 * base_dir resolves relative secret files. Returns 0, or -1 after adding
 * the error to errs (conn is then released). */
int config_connection_parse(const json_t *obj, const struct config_source *src,
                            const char *json_path, const char *base_dir,
                            struct connection *conn,
                            struct config_errors *errs);

/* Frees what conn owns (wiping secrets), not conn itself. */
void config_connection_release(struct connection *conn);

/* Directory part of path ("." when it has none); new string. */
char *config_dirname(const char *path);

/* path resolved against dir (unchanged when absolute or dir is "."). */
char *config_resolve(const char *dir, const char *path);

#endif
