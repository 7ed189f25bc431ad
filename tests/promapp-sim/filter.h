/*
 * filter: the subset of RFC 7644 §3.4.2.2 filters the simulator supports:
 * `ATTR eq VALUE` clauses joined by `and`, where ATTR is userName,
 * emails.value (both compared case-insensitively; userName exactly with
 * case_sensitive set), externalId (compared exactly, caseExact in RFC 7643
 * section 3.1) or active (a boolean).
 * Attribute names and operators are case-insensitive and may carry the
 * core User schema URN as prefix. Anything else is an invalidFilter.
 */
#ifndef SIM_FILTER_H
#define SIM_FILTER_H

#include "scim_json.h"

#include <jansson.h>
#include <stdbool.h>

#define FILTER_MAX_CLAUSES 16

enum filter_attr {
	FILTER_USERNAME,
	FILTER_EMAIL,
	FILTER_ACTIVE,
	FILTER_EXTERNAL_ID,
};

struct filter_clause {
	enum filter_attr attr;
	char *value; /* lower-cased, owned (userName, email) */
	char *raw;   /* as given, owned (userName, email, externalId) */
	bool flag;   /* active */
};

struct filter {
	struct filter_clause clauses[FILTER_MAX_CLAUSES];
	size_t n;
	/* set by the caller after filter_parse: userName eq compares exactly
	 * (--case-sensitive-filter) */
	bool case_sensitive;
};

/*
 * Parses text into f. Returns 0, or -1 with err set to 400 invalidFilter.
 * f must be released with filter_release() either way.
 */
int filter_parse(struct filter *f, const char *text, struct scim_error *err);
void filter_release(struct filter *f);

/* Whether user (a SCIM user object) satisfies every clause. */
bool filter_matches(const struct filter *f, const json_t *user);

/* The lower-cased value of the first userName clause, or NULL (borrowed). */
const char *filter_username_key(const struct filter *f);

#endif
