/* A bounded FIFO of pointers between one producer and one worker thread.
 * The run engine gives each worker its own queue and routes every event of
 * an employee to the same worker, which keeps each person's events in input
 * order while different people are processed in parallel. Items are owned
 * by whoever holds them: the producer until workq_push succeeds, then the
 * queue, then the consumer that popped them. */
#ifndef PROVHOST_WORKQ_H
#define PROVHOST_WORKQ_H

#include <pthread.h>
#include <stddef.h>

struct workq {
	pthread_mutex_t lock;
	pthread_cond_t not_empty;
	pthread_cond_t not_full;
	void **items;
	size_t cap, head, count;
	int closed;
};

int workq_init(struct workq *q, size_t capacity);

/* Frees the queue's storage; items still queued are the caller's problem
 * (drain with workq_pop after workq_close first). */
void workq_release(struct workq *q);

/* Appends item, blocking while the queue is full. Returns -1 (item not
 * taken) when the queue was closed. */
int workq_push(struct workq *q, void *item);

/* Removes the oldest item, blocking while empty. Returns NULL once the
 * queue is closed and empty. */
void *workq_pop(struct workq *q);

/* No more pushes; wakes everyone. Queued items can still be popped. */
void workq_close(struct workq *q);

/* Routes a key (an employee id) to one of n queues; stable for a run. */
size_t workq_route(const char *key, size_t n);

#endif
