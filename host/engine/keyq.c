#include "engine/keyq.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/input_seen.h"

/* One pushed item: on the ready list, or waiting behind its key. */
struct keyq_node {
	void *item;
	const char *name; /* its key, borrowed from the item */
	struct keyq_key *key;
	struct keyq_node *key_next; /* the key's next item, oldest first */
	struct keyq_node *next;     /* ready list, or free list */
};

/* A key with items queued or in progress. Its first item is the one ready
 * or in progress; the rest wait, oldest first. The key string is the first
 * item's. */
struct keyq_key {
	const char *name;
	struct keyq_node *head, *tail; /* head: ready or in progress */
	struct keyq_key *next;         /* bucket chain, or free list */
};

int keyq_init(struct keyq *q, size_t capacity)
{
	size_t i;

	memset(q, 0, sizeof(*q));
	q->cap = capacity ? capacity : 1;
	q->n_buckets = 1;
	while (q->n_buckets < 2 * q->cap)
		q->n_buckets <<= 1;
	q->nodes = calloc(q->cap, sizeof(*q->nodes));
	q->keys = calloc(q->cap, sizeof(*q->keys));
	q->buckets = calloc(q->n_buckets, sizeof(*q->buckets));
	if (!q->nodes || !q->keys || !q->buckets)
		goto fail;
	for (i = 0; i < q->cap; i++) {
		q->nodes[i].next = i + 1 < q->cap ? &q->nodes[i + 1] : NULL;
		q->keys[i].next = i + 1 < q->cap ? &q->keys[i + 1] : NULL;
	}
	q->free_nodes = q->nodes;
	q->free_keys = q->keys;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->ready_cv, NULL);
	pthread_cond_init(&q->room_cv, NULL);
	return 0;
fail:
	free(q->nodes);
	free(q->keys);
	free(q->buckets);
	memset(q, 0, sizeof(*q));
	return -1;
}

void keyq_release(struct keyq *q)
{
	if (!q->nodes)
		return;
	free(q->nodes);
	free(q->keys);
	free(q->buckets);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->ready_cv);
	pthread_cond_destroy(&q->room_cv);
	memset(q, 0, sizeof(*q));
}

static struct keyq_key **bucket_of(struct keyq *q, const char *name)
{
	return &q->buckets[input_seen_hash(name) & (q->n_buckets - 1)];
}

static void ready_append(struct keyq *q, struct keyq_node *n)
{
	n->next = NULL;
	if (q->ready_tail)
		q->ready_tail->next = n;
	else
		q->ready_head = n;
	q->ready_tail = n;
	pthread_cond_signal(&q->ready_cv);
}

int keyq_push(struct keyq *q, const char *key, void *item)
{
	struct keyq_key **slot, *k;
	struct keyq_node *n;

	pthread_mutex_lock(&q->lock);
	while (q->count == q->cap && !q->closed)
		pthread_cond_wait(&q->room_cv, &q->lock);
	if (q->closed) {
		pthread_mutex_unlock(&q->lock);
		return -1;
	}
	/* count < cap, so a free node and a free key are there */
	n = q->free_nodes;
	q->free_nodes = n->next;
	n->item = item;
	n->name = key;
	n->key_next = NULL;
	n->next = NULL;
	slot = bucket_of(q, key);
	for (k = *slot; k && strcmp(k->name, key); k = k->next)
		;
	if (k) { /* busy key: wait behind its last item */
		n->key = k;
		k->tail->key_next = n;
		k->tail = n;
	} else {
		k = q->free_keys;
		q->free_keys = k->next;
		k->name = key;
		k->head = k->tail = n;
		k->next = *slot;
		*slot = k;
		n->key = k;
		ready_append(q, n);
	}
	q->count++;
	pthread_mutex_unlock(&q->lock);
	return 0;
}

int keyq_pop(struct keyq *q, struct keyq_ticket *out)
{
	struct keyq_node *n;

	pthread_mutex_lock(&q->lock);
	while (!q->ready_head && !(q->closed && q->count == 0))
		pthread_cond_wait(&q->ready_cv, &q->lock);
	n = q->ready_head;
	if (!n) {
		pthread_mutex_unlock(&q->lock);
		return -1;
	}
	q->ready_head = n->next;
	if (!q->ready_head)
		q->ready_tail = NULL;
	out->item = n->item;
	out->key = n->key;
	pthread_mutex_unlock(&q->lock);
	return 0;
}

void keyq_done(struct keyq *q, const struct keyq_ticket *ticket)
{
	struct keyq_key *k = ticket->key, **slot;
	struct keyq_node *n;

	pthread_mutex_lock(&q->lock);
	n = k->head; /* the item just finished */
	k->head = n->key_next;
	if (k->head) {
		/* the finished item's key string goes with it: use the next
		 * item's (the same text) */
		k->name = k->head->name;
		ready_append(q, k->head);
	} else {
		slot = bucket_of(q, k->name); /* still valid: see keyq.h */
		while (*slot != k)
			slot = &(*slot)->next;
		*slot = k->next;
		k->tail = NULL;
		k->name = NULL;
		k->next = q->free_keys;
		q->free_keys = k;
	}
	n->next = q->free_nodes;
	q->free_nodes = n;
	q->count--;
	pthread_cond_signal(&q->room_cv);
	if (q->closed && q->count == 0)
		pthread_cond_broadcast(&q->ready_cv);
	pthread_mutex_unlock(&q->lock);
}

void keyq_close(struct keyq *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = 1;
	pthread_cond_broadcast(&q->ready_cv);
	pthread_cond_broadcast(&q->room_cv);
	pthread_mutex_unlock(&q->lock);
}
