/* Shared by the config_*.c files and connector/bind.c only: the connection
 * parser and path helpers. */
#ifndef PROVHOST_CONFIG_INTERNAL_H
#define PROVHOST_CONFIG_INTERNAL_H

#include "config/config.h"
#include "config/config_report.h"

/* Parses the connection object obj (at json_path in src) into conn.
 * base_dir resolves relative secret files. Returns 0, or -1 after adding
 * the error to errs (conn is then released). */
int config_connection_parse(const json_t *obj, const struct config_source *src,
                            const char *json_path, const char *base_dir,
                            struct connection *conn,
                            struct config_report *errs);

/* Frees what conn owns (wiping secrets), not conn itself. */
void config_connection_release(struct connection *conn);

/* Directory part of path ("." when it has none); new string. */
char *config_dirname(const char *path);

/* path resolved against dir (unchanged when absolute or dir is "."). */
char *config_resolve(const char *dir, const char *path);

#endif
