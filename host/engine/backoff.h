/* Retry delays: exponential backoff with full jitter. */
#ifndef PROVHOST_BACKOFF_H
#define PROVHOST_BACKOFF_H

#include <stdint.h>

/* Delay before retry number `attempt` (1 = the first retry): a uniform
 * random value in [0, min(max_ms, base_ms * 2^(attempt-1))], but never less
 * than hint_ms (a target's Retry-After). *rng is the caller's xorshift state
 * (any non-zero seed); each worker keeps its own. */
int64_t backoff_delay_ms(int attempt, int64_t base_ms, int64_t max_ms,
                         int64_t hint_ms, uint64_t *rng);

/* Next value of a xorshift64* generator; *state must not be 0. */
uint64_t backoff_rand(uint64_t *state);

#endif
