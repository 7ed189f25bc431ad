/* A bounded work queue shared by all of a connection's workers that keeps
 * each key's items in push order and never hands out two items of one key
 * at the same time.
 *
 * The run engine keys every event by its employee id. Any idle worker takes
 * the oldest item whose key has nothing in progress, so one busy person (or
 * an unlucky hash) never leaves other workers idle, while a person's events
 * still apply one after another, in input order.
 *
 * Threads: one producer (keyq_push, keyq_close) and any number of consumers
 * (keyq_pop, keyq_done); every function takes the queue's lock.
 * Ownership: an item belongs to the producer until keyq_push succeeds, then
 * to the queue, then to the consumer that popped it. The key string must
 * stay valid and unchanged until keyq_done for that item returns (the run
 * engine passes the task's own employee id). */
#ifndef PROVHOST_KEYQ_H
#define PROVHOST_KEYQ_H

#include <pthread.h>
#include <stddef.h>

struct keyq_node;
struct keyq_key;

struct keyq {
	pthread_mutex_t lock;
	pthread_cond_t ready_cv; /* an item became ready, or closed */
	pthread_cond_t room_cv;  /* an item finished: room for a push */
	struct keyq_node *nodes; /* cap nodes; free ones on free_nodes */
	struct keyq_key *keys;   /* cap keys; free ones on free_keys */
	struct keyq_node *free_nodes;
	struct keyq_key *free_keys;
	struct keyq_key **buckets; /* keys with items queued or in progress */
	size_t n_buckets;          /* a power of two */
	struct keyq_node *ready_head, *ready_tail; /* oldest first */
	size_t cap, count; /* count: pushed and not yet done */
	int closed;
};

/* What keyq_pop hands out: the item, and what keyq_done needs back. */
struct keyq_ticket {
	void *item;
	struct keyq_key *key;
};

/* capacity: items pushed and not yet done, at most (0 means 1). Returns 0,
 * or -1 when out of memory. */
int keyq_init(struct keyq *q, size_t capacity);

/* Frees the queue's storage. Call only after every consumer has returned
 * and every popped item is done; items still queued are not freed. */
void keyq_release(struct keyq *q);

/* Appends item under key, blocking while capacity items are unfinished.
 * Returns -1 (item not taken) once the queue is closed. */
int keyq_push(struct keyq *q, const char *key, void *item);

/* Takes the oldest ready item (one whose key has nothing in progress),
 * blocking while there is none. Returns 0 with *out filled, or -1 once the
 * queue is closed and every item is done. */
int keyq_pop(struct keyq *q, struct keyq_ticket *out);

/* The consumer finished the item of ticket: the next item of its key (if
 * any) becomes ready. Call exactly once per successful keyq_pop. */
void keyq_done(struct keyq *q, const struct keyq_ticket *ticket);

/* No more pushes; consumers drain what is queued, then keyq_pop returns -1.
 * Wakes a producer blocked in keyq_push (which then returns -1). */
void keyq_close(struct keyq *q);

#endif
