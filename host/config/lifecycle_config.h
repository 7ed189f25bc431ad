/* The lifecycle part of one connection's configuration: its "mapping",
 * "roles" and "policy" objects, parsed and validated once at start-up.
 * See README-lifecycle.md for the format. */
#ifndef PROVHOST_LIFECYCLE_CONFIG_H
#define PROVHOST_LIFECYCLE_CONFIG_H

#include <jansson.h>

#include "lifecycle/mapping.h"
#include "lifecycle/policy.h"
#include "lifecycle/rules.h"
#include "util/path_error.h"

struct lifecycle_config {
	struct mapping *mapping; /* never NULL: defaults fill missing targets */
	struct rules *rules;     /* never NULL: no rules = process all users */
	struct policy policy;
};

/* Parses conn's "mapping", "roles" and "policy" members (each optional; other
 * members of conn are ignored — they belong to other parsers). On success
 * *out is a new lifecycle_config owned by the caller (lifecycle_config_free)
 * and 0 is returned. On error -1, *out untouched, err->path relative to conn
 * ("roles.rules[2].if.all[0].equals") and err->message one line. */
int lifecycle_config_parse(const json_t *conn, struct lifecycle_config **out,
                           struct path_error *err);

/* Frees cfg and everything it owns; NULL is allowed. */
void lifecycle_config_free(struct lifecycle_config *cfg);

#endif
