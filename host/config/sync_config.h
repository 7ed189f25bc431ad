/* The "sync" section of the configuration: how `provhost sync` turns a
 * whole-roster snapshot into lifecycle events (README "Roster sync"). One
 * section per configuration (the ledger's one HR system of record). All
 * members optional. */
#ifndef PROVHOST_SYNC_CONFIG_H
#define PROVHOST_SYNC_CONFIG_H

#include <jansson.h>
#include <stdint.h>

#include "util/path_error.h"

/* What happens to a person the ledger knows as active or on leave who is
 * not in the snapshot. */
enum sync_missing {
	SYNC_MISSING_HOLD = 0, /* a terminate held for review (default) */
	SYNC_MISSING_TERMINATE,
	SYNC_MISSING_IGNORE,
};

struct sync_config {
	enum sync_missing missing;
	/* mass-change guard: the share (0..1) of the snapshot's known people
	 * that may change a mapped attribute (or lose roles) in one snapshot
	 * before those changes are held; 1 = off */
	double mass_change_share;
	/* ... and only when at least this many people would (small rosters
	 * are not held for one change) */
	int64_t mass_change_min;
	/* create the account this many days before the hire date (0: on the
	 * hire date, the derivation's default) */
	int64_t provision_days_before_start;
};

/* Defaults: missing hold, mass_change_share 0.2, mass_change_min 10,
 * provision_days_before_start 0. */
void sync_config_defaults(struct sync_config *cfg);

/* "hold", "terminate", "ignore". */
const char *sync_missing_name(enum sync_missing m);

/* Fills cfg from obj (NULL: defaults only). Unknown keys and bad values
 * are errors; err->path is relative to obj ("missing"). 0 or -1. */
int sync_config_parse(const json_t *obj, struct sync_config *cfg,
                      struct path_error *err);

#endif
