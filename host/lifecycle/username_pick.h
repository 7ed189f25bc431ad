/* Choosing a person's userName among the mapping's candidates: the first
 * candidate that renders and is not taken. Whether a name is taken (by
 * another person in the ledger, or on the target) is the caller's
 * question, asked through a callback; reserving the chosen name is the
 * caller's job too. */
#ifndef PROVHOST_USERNAME_PICK_H
#define PROVHOST_USERNAME_PICK_H

#include <jansson.h>
#include <stddef.h>

#include "lifecycle/mapping.h"

/* Default bound on how many names one pick may test. */
#define USERNAME_PICK_MAX_TRIES 1000

/* Is user_name taken by someone else? Returns 1 (taken: try the next
 * candidate), 0 (free: take it) or -1 with reason (stop: the pick fails
 * with that reason). Case: compare as the target does (a case-insensitive
 * target wants unicode_casefold'ed keys). */
typedef int (*username_taken_fn)(void *ctx, const char *user_name, char *reason,
                                 size_t reason_len);

/* Walks map's userName candidates for attrs (mapping_user_name_candidate)
 * and returns the first one is_taken says is free: 0 and a new string in
 * *out (caller frees), and, when index is not NULL, the candidate index in
 * *index. Candidates that cannot be rendered are skipped. At most
 * max_tries names are tested (0 = USERNAME_PICK_MAX_TRIES). Returns -1
 * with reason when no candidate renders (the mapping's reasons), when every
 * candidate is taken (`every userName candidate is taken: "a", "b"`), when
 * max_tries names were taken (`no free userName after 1000 tries (last
 * "john.smith1000@acme.example")`), or when is_taken fails. Pure: thread-safe
 * when is_taken is. */
int username_pick(const struct mapping *map, const json_t *attrs,
                  size_t max_tries, username_taken_fn is_taken, void *ctx,
                  char **out, size_t *index, char *reason, size_t reason_len);

#endif
