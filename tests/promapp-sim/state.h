/*
 * state: --state FILE persistence. The file holds the users as a JSON
 * array (the format of GET /__sim/users). It is loaded at start and
 * rewritten atomically (temporary file + rename) by a background thread at
 * most every 200 ms after a change, and once more at exit.
 */
#ifndef SIM_STATE_H
#define SIM_STATE_H

#include "store.h"

struct state_saver;

/* Loads path into store; a missing file is an empty store. Returns 0, or
 * -1 after printing why to stderr. */
int state_load(struct store *store, const char *path);

/* Starts the saver thread; NULL (message printed) on failure. */
struct state_saver *state_saver_start(struct store *store, const char *path);

/* Stops the thread, saves a last time if needed, frees the saver.
 * Returns 0, or -1 if the last save failed. */
int state_saver_stop(struct state_saver *saver);

#endif
