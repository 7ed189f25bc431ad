#include "engine/workq.h"

#include <stdint.h>
#include <stdlib.h>

int workq_init(struct workq *q, size_t capacity)
{
	q->items = calloc(capacity ? capacity : 1, sizeof(*q->items));
	if (!q->items)
		return -1;
	q->cap = capacity ? capacity : 1;
	q->head = q->count = 0;
	q->closed = 0;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
	return 0;
}

void workq_release(struct workq *q)
{
	free(q->items);
	q->items = NULL;
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
}

int workq_push(struct workq *q, void *item)
{
	pthread_mutex_lock(&q->lock);
	while (q->count == q->cap && !q->closed)
		pthread_cond_wait(&q->not_full, &q->lock);
	if (q->closed) {
		pthread_mutex_unlock(&q->lock);
		return -1;
	}
	q->items[(q->head + q->count) % q->cap] = item;
	q->count++;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

void *workq_pop(struct workq *q)
{
	void *item = NULL;

	pthread_mutex_lock(&q->lock);
	while (q->count == 0 && !q->closed)
		pthread_cond_wait(&q->not_empty, &q->lock);
	if (q->count > 0) {
		item = q->items[q->head];
		q->head = (q->head + 1) % q->cap;
		q->count--;
		pthread_cond_signal(&q->not_full);
	}
	pthread_mutex_unlock(&q->lock);
	return item;
}

void workq_close(struct workq *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = 1;
	pthread_cond_broadcast(&q->not_empty);
	pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->lock);
}

size_t workq_route(const char *key, size_t n)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	while (*key) {
		h ^= (unsigned char)*key++;
		h *= 1099511628211ULL;
	}
	return n ? (size_t)(h % n) : 0;
}
