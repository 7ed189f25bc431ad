#include "engine/backoff.h"

uint64_t backoff_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

int64_t backoff_delay_ms(int attempt, int64_t base_ms, int64_t max_ms,
                         int64_t hint_ms, uint64_t *rng)
{
	int64_t cap = base_ms;
	int64_t delay;
	int i;

	for (i = 1; i < attempt && cap < max_ms; i++)
		cap *= 2;
	if (cap > max_ms)
		cap = max_ms;
	delay = cap > 0 ? (int64_t)(backoff_rand(rng) % (uint64_t)(cap + 1))
	                : 0;
	if (delay < hint_ms)
		delay = hint_ms;
	return delay;
}
