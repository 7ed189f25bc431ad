/*
 * The simulator's shared context and the transport-neutral request that the
 * HTTP layer (http.c) hands to the handlers (scim_api.c, sim_api.c).
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include "faults.h"
#include "options.h"
#include "scim_json.h"
#include "stats.h"
#include "store.h"

struct sim {
	const struct sim_options *opt;
	struct store *store;
	struct stats stats;
	struct faults faults;
	char base_url[96];       /* http://127.0.0.1:PORT/api/scim */
	atomic_uint hostile_seq; /* --hostile-writes answers so far */
};

/* One request; every pointer is borrowed for the duration of the call. */
struct sim_request {
	const char *method;
	const char *path; /* percent-decoded, without the query */
	const char *body; /* not NUL-terminated; NULL when empty */
	size_t body_len;
	const char *content_type;  /* header or NULL */
	const char *authorization; /* header or NULL */
	const char *filter;        /* query parameters or NULL */
	const char *start_index;
	const char *count;
	const char *if_match; /* If-Match header or NULL */
};

#define SCIM_BASE_PATH "/api/scim"

/* --hostile-writes: when on and req is a write, fills r with the hostile
 * answer and returns true; else false (r untouched). */
bool hostile_handle(struct sim *sim, const struct sim_request *req,
                    struct sim_reply *r);

/* --hostile-lists, around GET /Users (the collection): before the query,
 * hostile_list_count may lower *count (a filter query's page); when
 * hostile_list_answer returns true, r holds the whole answer and the store
 * is not asked; hostile_list_finish rewrites the store's answer in r. */
void hostile_list_count(const struct sim *sim, const struct sim_request *req,
                        unsigned long *count);
bool hostile_list_answer(const struct sim *sim, struct sim_reply *r);
void hostile_list_finish(const struct sim *sim, const struct sim_request *req,
                         struct sim_reply *r);

/* Answers a request whose path starts with SCIM_BASE_PATH (any case):
 * authentication, routing, users and discovery. Always sets r. */
void scim_api_handle(struct sim *sim, const struct sim_request *req,
                     struct sim_reply *r);

/* etag.c (RFC 7232, RFC 7644 section 3.14; off with --no-etags): around
 * a request on one user. etag_precondition: for PUT, PATCH and DELETE
 * with If-Match, true when the user's current ETag does not match (r is
 * then a 412) — checked just before the write, not atomically with it (a
 * simulator choice: provhost writes one person from one worker at a
 * time). etag_set: after any answer carrying one user (200/201), sets its
 * ETag, a weak validator of the user's JSON. */
bool etag_precondition(struct sim *sim, const struct sim_request *req,
                       const char *id, struct sim_reply *r);
void etag_set(const struct sim *sim, struct sim_reply *r);

/* Answers /__sim/... (test-only endpoints). Always sets r. */
void sim_api_handle(struct sim *sim, const struct sim_request *req,
                    struct sim_reply *r);

/* Discovery documents (--discovery); path is what follows the base path,
 * e.g. "/Schemas/urn:...". Sets r to 200 or 404. */
void discovery_handle(struct sim *sim, const char *path, struct sim_reply *r);

#endif
