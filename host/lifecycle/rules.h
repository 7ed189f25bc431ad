/* Role rules of one connection (its "roles" object): an ordered list of
 * conditions over HR attributes, each granting roles, plus default roles.
 *
 *   {"rules": [{"name": "engineering",
 *               "if": {"attr": "department", "equals": "Engineering"},
 *               "grant": ["Modeller"]}],
 *    "default": ["Viewer"]}
 *
 * Conditions: {"all": [C..]}, {"any": [C..]}, {"not": C},
 * {"attr": A, "equals": V}, {"attr": A, "in": [V..]},
 * {"attr": A, "prefix": "S"}; leaves take "ignore_case": true. */
#ifndef PROVHOST_RULES_H
#define PROVHOST_RULES_H

#include <jansson.h>
#include <stdbool.h>

#include "util/path_error.h"

struct rules;

/* Parses a "roles" object; NULL (absent) = no rules = every person matches
 * with the default roles (none). Returns 0 and new rules in *out
 * (rules_free), or -1 with err->path relative to obj
 * ("rules[2].if.all[0].equals"). */
int rules_parse(const json_t *obj, struct rules **out, struct path_error *err);

void rules_free(struct rules *r);

/* Number of rules configured (0 = process all users). */
size_t rules_count(const struct rules *r);

struct rules_result {
	bool matched;                /* some rule matched (or no rules) */
	json_t *roles;               /* owned: granted role names, deduplicated
	                              * in rule order; [] when !matched */
	json_t *matched_rules;       /* owned: names of the matching rules */
	const json_t *default_roles; /* borrowed from the rules */
};

/* Evaluates r against attrs (a JSON object, borrowed). Every matching rule
 * adds its grants (a matching rule without grants adds the default roles).
 * A condition on a missing attribute is false. Returns 0, or -1 on out of
 * memory; release the result with rules_result_release. */
int rules_evaluate(const struct rules *r, const json_t *attrs,
                   struct rules_result *out);

void rules_result_release(struct rules_result *res);

#endif
