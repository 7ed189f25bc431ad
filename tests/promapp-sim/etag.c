/* ETags of single users (see sim.h): a weak validator W/"<hash>" of the
 * user's JSON as the store renders it, so it changes exactly when the
 * user (including meta.lastModified) changes. */
#include "sim.h"

#include <stdio.h>
#include <string.h>

/* FNV-1a, 64 bits: a simulator's validator, not a security measure. */
static void etag_of(const char *body, size_t len, char *out, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)body[i];
		h *= 0x100000001b3ULL;
	}
	snprintf(out, n, "W/\"%016llx\"", (unsigned long long)h);
}

static bool is_write(const char *m)
{
	return !strcmp(m, "PUT") || !strcmp(m, "PATCH") || !strcmp(m, "DELETE");
}

/* One entity tag of an If-Match list matches (RFC 7232 section 3.1 uses
 * the strong comparison; we accept the weak tag we hand out, as many SCIM
 * servers do). */
static bool matches(const char *if_match, const char *etag)
{
	const char *p = if_match;
	size_t n = strlen(etag);

	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '*')
			return true;
		if (!strncmp(p, etag, n) &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return true;
		p += strcspn(p, ",");
	}
	return false;
}

bool etag_precondition(struct sim *sim, const struct sim_request *req,
                       const char *id, struct sim_reply *r)
{
	struct sim_reply cur;
	char etag[40];
	bool failed = false;

	if (sim->opt->no_etags || !req->if_match || !is_write(req->method))
		return false;
	reply_init(&cur);
	store_get(sim->store, id, &cur);
	if (cur.status == 200 && cur.body) {
		etag_of(cur.body, cur.body_len, etag, sizeof(etag));
		if (!matches(req->if_match, etag)) {
			reply_errorf(
			        r, 412, NULL,
			        "the user changed: If-Match does not match "
			        "its current version");
			failed = true;
		}
	}
	reply_release(&cur);
	return failed; /* a missing user is the write's own 404 */
}

void etag_set(const struct sim *sim, struct sim_reply *r)
{
	if (sim->opt->no_etags || (r->status != 200 && r->status != 201) ||
	    !r->body || r->body_len < 2 || r->body[0] != '{' ||
	    strstr(r->body, "\"Resources\""))
		return;
	etag_of(r->body, r->body_len, r->etag, sizeof(r->etag));
}
