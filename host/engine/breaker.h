/* Per-connection circuit breaker. It opens (the connection stops taking
 * work) when a call fails in a way that makes the connection unusable
 * (breaker_trip: bad credentials, no permission, wrong URL) or when more
 * than `ratio` of the last `window` calls failed (at least min(window, 10)
 * calls seen). Once open it stays open for the rest of the run: remaining
 * events stay pending for a re-run. Thread-safe. */
#ifndef PROVHOST_BREAKER_H
#define PROVHOST_BREAKER_H

#include <pthread.h>
#include <stddef.h>

struct breaker {
	pthread_mutex_t lock;
	int window;
	double ratio;
	unsigned char *ring; /* 1 = failed, owned */
	int seen;            /* calls recorded, capped at window */
	int pos;
	int failures; /* failures among the last `seen` calls */
	int open;
	char reason[600];
};

int breaker_init(struct breaker *b, int window, double ratio);
void breaker_release(struct breaker *b);

/* Records one call's result; may open the breaker. Returns 1 if open. */
int breaker_record(struct breaker *b, int failed);

/* Opens the breaker at once with reason (copied). First reason wins. */
void breaker_trip(struct breaker *b, const char *reason);

/* Returns 1 when open and copies the reason into buf (may be NULL). */
int breaker_is_open(struct breaker *b, char *buf, size_t len);

#endif
