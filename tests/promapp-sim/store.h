/*
 * store: the simulated Promapp user table, safe for concurrent use.
 *
 * Users get sequential numeric ids ("1", "2", ...). Each user is kept as
 * its full SCIM object plus a pre-rendered JSON string, with O(1) lookup by
 * id and by lower-cased userName (hash index). Operations fill in a
 * sim_reply with the HTTP answer (success or SCIM error).
 *
 * "attrs" below are validated user attributes as built by user_json.c:
 * userName, name, emails, timezone, active, roles. They stay the caller's.
 */
#ifndef SIM_STORE_H
#define SIM_STORE_H

#include "filter.h"
#include "scim_json.h"

#include <jansson.h>

struct store;

struct store *store_new(void);
void store_free(struct store *s);

/* Sets the URL prefix for meta.location ("http://HOST:PORT/api/scim") and
 * rewrites the locations of the users already loaded. Returns 0 or -1. */
int store_set_base_url(struct store *s, const char *base_url);

/* 201 with the new user and Location, or 409 uniqueness. */
void store_create(struct store *s, const json_t *attrs, struct sim_reply *r);

/* 200 with the user, or 404. */
void store_get(struct store *s, const char *id, struct sim_reply *r);

/* Full replacement (PUT): 200, 404 or 409. meta.created is kept. */
void store_replace(struct store *s, const char *id, const json_t *attrs,
                   struct sim_reply *r);

/* PATCH with a PatchOp body: 200, 404 or a 400 from patch_apply(). */
void store_patch(struct store *s, const char *id, const json_t *body,
                 struct sim_reply *r);

/* DELETE: sets active to false; 204 or 404. */
void store_deactivate(struct store *s, const char *id, struct sim_reply *r);

/* Paging quirks of real servers (the --max-page-size etc. knobs). */
struct page_quirks {
	bool repeat_first_page_past_end; /* start past the end: page 1 */
	long total_skew;                 /* added to totalResults (>= 0) */
};

/*
 * 200 ListResponse of the users matching f (NULL: all) in id order, from
 * the 1-based start_index, at most count of them; q (may be NULL) bends
 * the paging as real servers do.
 */
void store_query(struct store *s, const struct filter *f,
                 unsigned long start_index, unsigned long count,
                 const struct page_quirks *q, struct sim_reply *r);

/* Every user as a JSON array string (caller frees); *generation (optional)
 * receives the change counter the snapshot belongs to. NULL on OOM. */
char *store_dump(struct store *s, size_t *len, unsigned long *generation);

/* Number of changes so far (any create, update, reset or load). */
unsigned long store_generation(struct store *s);

/* Removes every user; ids start again at 1. */
void store_reset(struct store *s);

/*
 * Loads users saved by store_dump(): a JSON array whose n-th element has
 * id "n". Returns 0, or -1 with a message in err.
 */
int store_load(struct store *s, const json_t *users, char *err, size_t n);

#endif
