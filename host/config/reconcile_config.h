/* The "reconcile" section of one connection: accounts `provhost reconcile`
 * never touches (ignore: userName patterns, e.g. service accounts) and
 * accounts it never deprovisions (protect: userNames or account ids). */
#ifndef PROVHOST_RECONCILE_CONFIG_H
#define PROVHOST_RECONCILE_CONFIG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/path_error.h"

#define RECONCILE_CONFIG_MAX_ENTRIES 256 /* per list */

struct reconcile_config {
	char **ignore; /* fnmatch(3) patterns on userName, case ignored */
	size_t n_ignore;
	char **protect; /* userNames (case ignored) or account ids */
	size_t n_protect;
};

/* Parses obj (the "reconcile" member of a connection; NULL = empty lists)
 * into out (zeroed first). Returns 0, or -1 with err->path relative to the
 * connection ("reconcile.ignore[2]") and the message; out is then empty. */
int reconcile_config_parse(const json_t *obj, struct reconcile_config *out,
                           struct path_error *err);

void reconcile_config_release(struct reconcile_config *rc);

/* True when user_name matches one of the ignore patterns. */
bool reconcile_config_ignored(const struct reconcile_config *rc,
                              const char *user_name);

/* True when the account (by id or userName) is on the protect list. */
bool reconcile_config_protected(const struct reconcile_config *rc,
                                const char *account_id, const char *user_name);

#endif
