/* The simulated user table (see store.h). */
#include "store.h"

#include "buf.h"
#include "patch.h"
#include "user_json.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct user_rec {
	json_t *obj; /* full SCIM user */
	char *json;  /* obj rendered compactly */
	size_t json_len;
	char *key;     /* lower-cased userName */
	uint64_t hash; /* of key */
	size_t next;   /* 1-based index of the next user in the bucket */
};

struct store {
	pthread_rwlock_t lock;
	struct user_rec *users; /* users[i] has id i + 1 */
	size_t n, cap;
	size_t *buckets;  /* 1-based user index, 0: empty */
	size_t n_buckets; /* power of two */
	unsigned long generation;
	char *base_url;
};

static uint64_t hash_key(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

/* Index (0-based) of the user whose key is key, or SIZE_MAX. */
static size_t index_find(const struct store *s, const char *key)
{
	uint64_t h = hash_key(key);
	size_t i;

	if (!s->n_buckets)
		return SIZE_MAX;
	for (i = s->buckets[h & (s->n_buckets - 1)]; i;
	     i = s->users[i - 1].next)
		if (s->users[i - 1].hash == h &&
		    strcmp(s->users[i - 1].key, key) == 0)
			return i - 1;
	return SIZE_MAX;
}

static void index_link(struct store *s, size_t idx)
{
	size_t b = s->users[idx].hash & (s->n_buckets - 1);

	s->users[idx].next = s->buckets[b];
	s->buckets[b] = idx + 1;
}

static void index_unlink(struct store *s, size_t idx)
{
	size_t *link = &s->buckets[s->users[idx].hash & (s->n_buckets - 1)];

	while (*link && *link != idx + 1)
		link = &s->users[*link - 1].next;
	if (*link)
		*link = s->users[idx].next;
}

/* Makes room for one more user (array and buckets). Returns 0 or -1. */
static int store_grow(struct store *s)
{
	size_t i;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct user_rec *u = realloc(s->users, cap * sizeof(*u));

		if (!u)
			return -1;
		s->users = u;
		s->cap = cap;
	}
	if (s->n + 1 > s->n_buckets / 4 * 3) {
		size_t nb = s->n_buckets ? s->n_buckets * 2 : 1024;
		size_t *b = calloc(nb, sizeof(*b));

		if (!b)
			return -1;
		free(s->buckets);
		s->buckets = b;
		s->n_buckets = nb;
		for (i = 0; i < s->n; i++)
			index_link(s, i);
	}
	return 0;
}

/* Parses a canonical id ("1".."n") into a 0-based index, or SIZE_MAX. */
static size_t id_to_index(const struct store *s, const char *id)
{
	unsigned long v = 0;
	const char *p;

	if (!*id || *id == '0' || strlen(id) > 18)
		return SIZE_MAX;
	for (p = id; *p; p++) {
		if (*p < '0' || *p > '9')
			return SIZE_MAX;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	return v <= s->n ? v - 1 : SIZE_MAX;
}

/*
 * Builds the full SCIM user for index idx from attrs (borrowed) and the
 * given timestamps. Returns a new reference or NULL.
 */
static json_t *user_build(const struct store *s, size_t idx,
                          const json_t *attrs, const char *created,
                          const char *modified)
{
	static const char *const keep[] = {"userName", "externalId", "name",
	                                   "emails",   "timezone",   "active",
	                                   "roles"};
	char id[24], location[200];
	json_t *obj, *v;
	size_t i;

	snprintf(id, sizeof(id), "%zu", idx + 1);
	snprintf(location, sizeof(location), "%s/Users/%s",
	         s->base_url ? s->base_url : "", id);
	obj = json_pack("{s:[s],s:s}", "schemas", SCIM_USER_SCHEMA, "id", id);
	if (!obj)
		return NULL;
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		v = json_object_get(attrs, keep[i]);
		if (v)
			json_object_set_new(obj, keep[i], json_deep_copy(v));
	}
	v = json_pack("{s:s,s:s,s:s,s:s}", "resourceType", "User", "created",
	              created, "lastModified", modified, "location", location);
	if (!v || json_object_set_new(obj, "meta", v) < 0) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

/* Renders obj into rec (replacing obj, json and, if key, the key). */
static int rec_set(struct user_rec *rec, json_t *obj)
{
	const char *name = json_string_value(json_object_get(obj, "userName"));
	char *json = json_dumps(obj, JSON_COMPACT);
	char *key = ascii_lower_dup(name ? name : "");

	if (!json || !key) {
		free(json);
		free(key);
		json_decref(obj);
		return -1;
	}
	json_decref(rec->obj);
	free(rec->json);
	free(rec->key);
	rec->obj = obj;
	rec->json = json;
	rec->json_len = strlen(json);
	rec->key = key;
	rec->hash = hash_key(key);
	return 0;
}

static void reply_user(struct sim_reply *r, unsigned status,
                       const struct user_rec *rec)
{
	char *copy = malloc(rec->json_len + 1);

	if (copy)
		memcpy(copy, rec->json, rec->json_len + 1);
	reply_body(r, status, copy, rec->json_len);
}

static void reply_nomem(struct sim_reply *r)
{
	reply_errorf(r, 500, NULL, "out of memory");
}

static void reply_taken(struct sim_reply *r, const json_t *attrs)
{
	reply_errorf(r, 409, "uniqueness", "userName '%s' is already in use",
	             json_string_value(json_object_get(attrs, "userName")));
}

static const char *meta_string(const json_t *obj, const char *key)
{
	return json_string_value(
	        json_object_get(json_object_get(obj, "meta"), key));
}

struct store *store_new(void)
{
	struct store *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (pthread_rwlock_init(&s->lock, NULL) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

static void store_clear(struct store *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		json_decref(s->users[i].obj);
		free(s->users[i].json);
		free(s->users[i].key);
	}
	s->n = 0;
	if (s->buckets)
		memset(s->buckets, 0, s->n_buckets * sizeof(*s->buckets));
}

void store_free(struct store *s)
{
	if (!s)
		return;
	store_clear(s);
	free(s->users);
	free(s->buckets);
	free(s->base_url);
	pthread_rwlock_destroy(&s->lock);
	free(s);
}

/* Appends a user built from attrs; caller holds the write lock. */
static int store_append(struct store *s, const json_t *attrs,
                        const char *created, const char *modified)
{
	struct user_rec *rec;
	json_t *obj;

	if (store_grow(s) < 0)
		return -1;
	obj = user_build(s, s->n, attrs, created, modified);
	if (!obj)
		return -1;
	rec = &s->users[s->n];
	memset(rec, 0, sizeof(*rec));
	if (rec_set(rec, obj) < 0)
		return -1;
	index_link(s, s->n);
	s->n++;
	s->generation++;
	return 0;
}

void store_create(struct store *s, const json_t *attrs, struct sim_reply *r)
{
	const char *name =
	        json_string_value(json_object_get(attrs, "userName"));
	char now[40], *key = ascii_lower_dup(name ? name : "");

	if (!key) {
		reply_nomem(r);
		return;
	}
	scim_timestamp_now(now, sizeof(now));
	pthread_rwlock_wrlock(&s->lock);
	if (index_find(s, key) != SIZE_MAX) {
		reply_taken(r, attrs);
	} else if (store_append(s, attrs, now, now) < 0) {
		reply_nomem(r);
	} else {
		reply_user(r, 201, &s->users[s->n - 1]);
		snprintf(r->location, sizeof(r->location), "%s",
		         meta_string(s->users[s->n - 1].obj, "location"));
	}
	pthread_rwlock_unlock(&s->lock);
	free(key);
}

static void reply_not_found(struct sim_reply *r, const char *id)
{
	reply_errorf(r, 404, NULL, "user '%.80s' not found", id);
}

void store_get(struct store *s, const char *id, struct sim_reply *r)
{
	size_t idx;

	pthread_rwlock_rdlock(&s->lock);
	idx = id_to_index(s, id);
	if (idx == SIZE_MAX)
		reply_not_found(r, id);
	else
		reply_user(r, 200, &s->users[idx]);
	pthread_rwlock_unlock(&s->lock);
}

/* Replaces users[idx] with obj (owned), keeping the index in step. */
static int store_update(struct store *s, size_t idx, json_t *obj)
{
	index_unlink(s, idx);
	if (rec_set(&s->users[idx], obj) < 0) {
		index_link(s, idx);
		return -1;
	}
	index_link(s, idx);
	s->generation++;
	return 0;
}

void store_replace(struct store *s, const char *id, const json_t *attrs,
                   struct sim_reply *r)
{
	const char *name =
	        json_string_value(json_object_get(attrs, "userName"));
	char now[40], *key = ascii_lower_dup(name ? name : "");
	size_t idx, other;
	json_t *obj;

	if (!key) {
		reply_nomem(r);
		return;
	}
	scim_timestamp_now(now, sizeof(now));
	pthread_rwlock_wrlock(&s->lock);
	idx = id_to_index(s, id);
	other = idx == SIZE_MAX ? SIZE_MAX : index_find(s, key);
	if (idx == SIZE_MAX) {
		reply_not_found(r, id);
	} else if (other != SIZE_MAX && other != idx) {
		reply_taken(r, attrs);
	} else {
		obj = user_build(s, idx, attrs,
		                 meta_string(s->users[idx].obj, "created"),
		                 now);
		if (!obj || store_update(s, idx, obj) < 0)
			reply_nomem(r);
		else
			reply_user(r, 200, &s->users[idx]);
	}
	pthread_rwlock_unlock(&s->lock);
	free(key);
}

static void set_last_modified(json_t *obj)
{
	char now[40];

	scim_timestamp_now(now, sizeof(now));
	json_object_set_new(json_object_get(obj, "meta"), "lastModified",
	                    json_string(now));
}

void store_patch(struct store *s, const char *id, const json_t *body,
                 struct sim_reply *r)
{
	struct scim_error err;
	json_t *copy;
	size_t idx;

	pthread_rwlock_wrlock(&s->lock);
	idx = id_to_index(s, id);
	if (idx == SIZE_MAX) {
		reply_not_found(r, id);
		goto out_unlock;
	}
	copy = json_deep_copy(s->users[idx].obj);
	if (!copy) {
		reply_nomem(r);
		goto out_unlock;
	}
	if (patch_apply(copy, body, &err) < 0) {
		json_decref(copy);
		reply_error(r, &err);
		goto out_unlock;
	}
	set_last_modified(copy);
	if (store_update(s, idx, copy) < 0)
		reply_nomem(r);
	else
		reply_user(r, 200, &s->users[idx]);
out_unlock:
	pthread_rwlock_unlock(&s->lock);
}

void store_deactivate(struct store *s, const char *id, struct sim_reply *r)
{
	json_t *copy;
	size_t idx;

	pthread_rwlock_wrlock(&s->lock);
	idx = id_to_index(s, id);
	if (idx == SIZE_MAX) {
		reply_not_found(r, id);
		goto out_unlock;
	}
	copy = json_deep_copy(s->users[idx].obj);
	if (copy) {
		json_object_set_new(copy, "active", json_false());
		set_last_modified(copy);
	}
	if (!copy || store_update(s, idx, copy) < 0)
		reply_nomem(r);
	else
		reply_body(r, 204, NULL, 0);
out_unlock:
	pthread_rwlock_unlock(&s->lock);
}

/* Adds users[idx] to the page if its ordinal falls inside it. */
static void page_add(struct sbuf *b, const struct user_rec *rec,
                     unsigned long ordinal, unsigned long start,
                     unsigned long count, unsigned long *items)
{
	if (ordinal < start || ordinal - start >= count)
		return;
	if (*items)
		sbuf_append(b, ",", 1);
	sbuf_append(b, rec->json, rec->json_len);
	(*items)++;
}

/* One page of the matching users into page; returns their total. Called
 * with the lock held. */
static unsigned long query_page(struct store *s, const struct filter *f,
                                unsigned long start_index, unsigned long count,
                                struct sbuf *page, unsigned long *items)
{
	const char *key = f ? filter_username_key(f) : NULL;
	unsigned long total = 0;
	size_t i;

	if (key) {
		i = index_find(s, key);
		if (i != SIZE_MAX && filter_matches(f, s->users[i].obj))
			page_add(page, &s->users[i], ++total, start_index,
			         count, items);
	} else {
		for (i = 0; i < s->n; i++)
			if (!f || filter_matches(f, s->users[i].obj))
				page_add(page, &s->users[i], ++total,
				         start_index, count, items);
	}
	return total;
}

void store_query(struct store *s, const struct filter *f,
                 unsigned long start_index, unsigned long count,
                 const struct page_quirks *q, struct sim_reply *r)
{
	unsigned long total, items = 0;
	struct sbuf page = SBUF_INIT, out = SBUF_INIT;
	size_t len;
	char *body;

	pthread_rwlock_rdlock(&s->lock);
	total = query_page(s, f, start_index, count, &page, &items);
	if (q && q->repeat_first_page_past_end && total > 0 &&
	    start_index > total) {
		/* the quirk: page 1 again, claiming the asked startIndex */
		items = 0;
		query_page(s, f, 1, count, &page, &items);
	}
	pthread_rwlock_unlock(&s->lock);
	if (q && q->total_skew)
		total = q->total_skew < 0 &&
		                        (unsigned long)-q->total_skew > total
		                ? 0
		                : (unsigned long)((long)total + q->total_skew);
	sbuf_printf(&out,
	            "{\"schemas\":[\"" SCIM_LIST_SCHEMA "\"],"
	            "\"totalResults\":%lu,\"startIndex\":%lu,"
	            "\"itemsPerPage\":%lu,\"Resources\":[",
	            total, start_index, items);
	if (page.len)
		sbuf_append(&out, page.data, page.len);
	sbuf_puts(&out, "]}");
	sbuf_release(&page);
	body = sbuf_finish(&out, &len);
	if (!body)
		reply_nomem(r);
	else
		reply_body(r, 200, body, len);
}

char *store_dump(struct store *s, size_t *len, unsigned long *generation)
{
	struct sbuf b = SBUF_INIT;
	size_t i;

	pthread_rwlock_rdlock(&s->lock);
	sbuf_append(&b, "[", 1);
	for (i = 0; i < s->n; i++) {
		if (i)
			sbuf_append(&b, ",\n", 2);
		sbuf_append(&b, s->users[i].json, s->users[i].json_len);
	}
	sbuf_append(&b, "]\n", 2);
	if (generation)
		*generation = s->generation;
	pthread_rwlock_unlock(&s->lock);
	return sbuf_finish(&b, len);
}

unsigned long store_generation(struct store *s)
{
	unsigned long g;

	pthread_rwlock_rdlock(&s->lock);
	g = s->generation;
	pthread_rwlock_unlock(&s->lock);
	return g;
}

void store_reset(struct store *s)
{
	pthread_rwlock_wrlock(&s->lock);
	store_clear(s);
	s->generation++;
	pthread_rwlock_unlock(&s->lock);
}

int store_set_base_url(struct store *s, const char *base_url)
{
	char *copy = strdup(base_url);
	size_t i;
	int rc = 0;

	if (!copy)
		return -1;
	pthread_rwlock_wrlock(&s->lock);
	free(s->base_url);
	s->base_url = copy;
	for (i = 0; i < s->n && rc == 0; i++) {
		json_t *obj = user_build(
		        s, i, s->users[i].obj,
		        meta_string(s->users[i].obj, "created"),
		        meta_string(s->users[i].obj, "lastModified"));
		rc = obj ? store_update(s, i, obj) : -1;
	}
	pthread_rwlock_unlock(&s->lock);
	return rc;
}

/* Loads one saved user as index s->n; caller holds the write lock. */
static int load_one(struct store *s, const json_t *user, char *err, size_t n)
{
	struct scim_error e;
	const char *id = json_string_value(json_object_get(user, "id"));
	const char *created = meta_string(user, "created");
	const char *modified = meta_string(user, "lastModified");
	char want[24], *key;
	json_t *attrs;
	int rc = -1;

	snprintf(want, sizeof(want), "%zu", s->n + 1);
	if (!id || strcmp(id, want) != 0) {
		snprintf(err, n, "user #%zu has id '%.40s', expected '%s'",
		         s->n + 1, id ? id : "(none)", want);
		return -1;
	}
	attrs = user_attrs_from_json(user, NULL, &e);
	if (!attrs) {
		snprintf(err, n, "user '%s' is invalid: %s", id, e.detail);
		return -1;
	}
	key = ascii_lower_dup(
	        json_string_value(json_object_get(attrs, "userName")));
	if (!key)
		snprintf(err, n, "out of memory");
	else if (index_find(s, key) != SIZE_MAX)
		snprintf(err, n, "user '%s' repeats a userName", id);
	else if (store_append(s, attrs, created ? created : "",
	                      modified ? modified : "") < 0)
		snprintf(err, n, "out of memory");
	else
		rc = 0;
	free(key);
	json_decref(attrs);
	return rc;
}

int store_load(struct store *s, const json_t *users, char *err, size_t n)
{
	json_t *user;
	size_t i;
	int rc = 0;

	if (!json_is_array(users)) {
		snprintf(err, n, "expected a JSON array of users");
		return -1;
	}
	pthread_rwlock_wrlock(&s->lock);
	store_clear(s);
	json_array_foreach(users, i, user)
	{
		rc = load_one(s, user, err, n);
		if (rc < 0)
			break;
	}
	if (rc < 0)
		store_clear(s);
	s->generation++;
	pthread_rwlock_unlock(&s->lock);
	return rc;
}
