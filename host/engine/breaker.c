#include "engine/breaker.h"

#include <stdio.h>
#include <stdlib.h>

int breaker_init(struct breaker *b, int window, double ratio)
{
	pthread_mutex_init(&b->lock, NULL);
	b->window = window > 0 ? window : 1;
	b->ratio = ratio;
	b->ring = calloc((size_t)b->window, 1);
	b->seen = b->pos = b->failures = b->open = 0;
	b->reason[0] = '\0';
	return b->ring ? 0 : -1;
}

void breaker_release(struct breaker *b)
{
	free(b->ring);
	b->ring = NULL;
	pthread_mutex_destroy(&b->lock);
}

int breaker_record(struct breaker *b, int failed)
{
	int min_seen, open;

	pthread_mutex_lock(&b->lock);
	if (b->seen == b->window)
		b->failures -= b->ring[b->pos];
	else
		b->seen++;
	b->ring[b->pos] = failed ? 1 : 0;
	b->failures += b->ring[b->pos];
	b->pos = (b->pos + 1) % b->window;
	min_seen = b->window < 10 ? b->window : 10;
	if (!b->open && b->seen >= min_seen &&
	    (double)b->failures > b->ratio * (double)b->seen) {
		b->open = 1;
		snprintf(b->reason, sizeof(b->reason),
		         "%d of the last %d calls failed (limit %.0f%%)",
		         b->failures, b->seen, b->ratio * 100.0);
	}
	open = b->open;
	pthread_mutex_unlock(&b->lock);
	return open;
}

void breaker_trip(struct breaker *b, const char *reason)
{
	pthread_mutex_lock(&b->lock);
	if (!b->open) {
		b->open = 1;
		snprintf(b->reason, sizeof(b->reason), "%s", reason);
	}
	pthread_mutex_unlock(&b->lock);
}

int breaker_is_open(struct breaker *b, char *buf, size_t len)
{
	int open;

	pthread_mutex_lock(&b->lock);
	open = b->open;
	if (open && buf)
		snprintf(buf, len, "%s", b->reason);
	pthread_mutex_unlock(&b->lock);
	return open;
}
