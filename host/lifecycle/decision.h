/* One decision: what provhost decided for one event on one connection and
 * why, in the one vocabulary the plan line, the audit line, `history` and
 * the -v log share (README "Decisions"). Pure: no I/O.
 *
 * As JSON (the shape other tools embed verbatim):
 *   {"action": "create|update|reactivate|deactivate|delete|link|none",
 *    "reason": "<text>", "rules": ["rule name", ...], "roles": ["...", ...],
 *    "changes": [{"attribute": "title", "old": "A", "new": "B"}, ...]}
 * old/new are the HR values (JSON; null when absent); a value of an
 * attribute the mapping lists as "sensitive" is the string "(sensitive)".
 *
 * As text (one line):
 *   update: update; rules engineering, employees; roles Modeller, Viewer;
 *   changed title "Engineer" → "Lead", salary (sensitive)
 * ("rules none" when no rule matched; "changed" left out when nothing
 * did). */
#ifndef PROVHOST_DECISION_H
#define PROVHOST_DECISION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lifecycle/events.h"
#include "lifecycle/policy.h"
#include "lifecycle/rules.h"

enum decision_action {
	DECISION_NONE = 0,
	DECISION_CREATE,
	DECISION_UPDATE,
	DECISION_REACTIVATE,
	DECISION_DEACTIVATE,
	DECISION_DELETE,
	DECISION_LINK,
};

#define DECISION_MASK "(sensitive)"

struct decision {
	enum decision_action action;
	char reason[600];
	json_t *rules;   /* owned array of rule names */
	json_t *roles;   /* owned array of role names */
	json_t *changes; /* owned array of {attribute, old, new} */
};

/* Empty decision (action none, no reason, empty lists). 0, or -1 when out
 * of memory (then d holds nothing to release). */
int decision_init(struct decision *d);
void decision_release(struct decision *d);

const char *decision_action_name(enum decision_action a);

/* The action a connector outcome name stands for: "created" -> create,
 * "updated" -> update, "reactivated", "deactivated", "deleted"; anything
 * else (unchanged, absent, NULL) -> none. adopted: the account was found
 * on the target and linked by this decision: an unchanged or updated
 * outcome is then a link. */
enum decision_action decision_action_of_outcome(const char *outcome,
                                                bool adopted);

/* The rules that matched and the roles granted (borrowed arrays of
 * strings; NULL = none). The roles are the ones policy put into the
 * record (dec->roles), else the rules' grants; none unless dec provisions.
 * 0 or -1 (memory). */
int decision_set_rules(struct decision *d, const struct rules_result *rr,
                       const struct policy_decision *dec);

/* What the event changed in the person's HR record: every attribute whose
 * value differs between before and after (objects, borrowed; before NULL
 * = no earlier record: nothing listed), sorted by name; values of
 * attributes named in sensitive (a JSON array of strings, NULL = none) are
 * masked. 0 or -1 (memory). */
int decision_set_changes(struct decision *d, const json_t *before,
                         const json_t *after, const json_t *sensitive);

/* The reason in the decision vocabulary for what policy decided (kind,
 * rules result rr — NULL = no rules —, dec, the connection's policy p):
 *   "hire", "terminate", "leave: policy leave=deprovision",
 *   "leave: policy leave=ignore", "update: no rule matched → default roles",
 *   "update: no rule matched → deprovision (policy no_match=deprovision)",
 *   "update: no rule matched → skipped (policy no_match=skip)",
 *   "update: no rule matched → account kept (policy keep_on_role_change)",
 *   "update: no linked account (policy update=linked_only)". */
void decision_policy_reason(enum event_kind kind, const struct rules_result *rr,
                            const struct policy_decision *dec,
                            const struct policy *p, char *buf, size_t len);

/* A new JSON object in the documented shape; NULL when out of memory. */
json_t *decision_to_json(const struct decision *d);

/* Reads the documented shape back (d is initialised here; release it).
 * Unknown members are ignored, missing ones left empty. 0, or -1 when obj
 * is not such an object or memory runs out. */
int decision_from_json(const json_t *obj, struct decision *d);

/* The one-line text form (malloc'd; NULL when out of memory). */
char *decision_text(const struct decision *d);

/* decision_text of stored JSON text; NULL when it is not a decision. */
char *decision_text_of_json(const char *json_text);

#endif
