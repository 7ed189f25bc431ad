/* What each lifecycle event means for one connection (its "policy" object),
 * and the pure decision function the engine calls per event. */
#ifndef PROVHOST_POLICY_H
#define PROVHOST_POLICY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "lifecycle/events.h"
#include "lifecycle/rules.h"
#include "util/path_error.h"

enum policy_update {
	POLICY_UPDATE_PROVISION = 0, /* "provision" (default) */
	POLICY_UPDATE_LINKED_ONLY,   /* "linked_only" */
};

enum policy_leave {
	POLICY_LEAVE_IGNORE = 0,  /* "ignore" (default) */
	POLICY_LEAVE_DEPROVISION, /* "deprovision" */
};

enum policy_no_match {
	POLICY_NO_MATCH_DEPROVISION = 0, /* "deprovision" (default) */
	POLICY_NO_MATCH_DEFAULT_ROLES,   /* "default_roles" */
	POLICY_NO_MATCH_SKIP,            /* "skip" */
};

/* Two people with the same HR work email: an HR data error, so the one who
 * got that email later is disputed (nothing is sent for them); "allow"
 * when the mapping keeps their accounts apart (e.g. userName from the
 * employee id). */
enum policy_shared_email {
	POLICY_SHARED_EMAIL_DISPUTE = 0, /* "dispute" (default) */
	POLICY_SHARED_EMAIL_ALLOW,       /* "allow" */
};

/* A person whose HR name changes after their account exists: "keep" the
 * userName the account got (stored with the link), or "follow" HR and
 * rename the account (a new name is picked and reserved like a hire's). */
enum policy_rename {
	POLICY_RENAME_KEEP = 0, /* "keep" (default) */
	POLICY_RENAME_FOLLOW,   /* "follow" */
};

/* The kinds of change supervised mode can hold for a person's approval
 * (policy "supervise"): a create, an update of an active account, a
 * deactivation, a reactivation, and a link (adopting an account that
 * exists on the target). */
enum policy_change {
	POLICY_CHANGE_CREATE = 1 << 0,
	POLICY_CHANGE_UPDATE = 1 << 1,
	POLICY_CHANGE_DEACTIVATE = 1 << 2,
	POLICY_CHANGE_REACTIVATE = 1 << 3,
	POLICY_CHANGE_LINK = 1 << 4,
};

/* "create", "update", "deactivate", "reactivate", "link"; "?" otherwise. */
const char *policy_change_name(enum policy_change c);

/* An update whose mapped record equals the last state provhost wrote to the
 * linked account: "changes" sends nothing (drift behind provhost's back is
 * reconciliation's job), "always" asks the connector to read the account
 * and converge it anyway (issue 16). */
enum policy_verify {
	POLICY_VERIFY_CHANGES = 0, /* "changes" (default) */
	POLICY_VERIFY_ALWAYS,      /* "always" */
};

struct policy {
	enum policy_update update;
	enum policy_leave leave;
	enum policy_no_match no_match;
	bool keep_on_role_change;
	int64_t max_deprovisions_per_run; /* mass-deprovision guard */
	bool send_roles; /* put computed roles into the desired record */
	enum policy_shared_email shared_email;
	enum policy_rename rename;
	unsigned supervise; /* enum policy_change bits held for approval */
	/* supervised items nobody approved are discarded after this many
	 * days (never a deactivation); 0 = they wait forever */
	int64_t supervise_expire_days;
	enum policy_verify verify;
};

/* update provision, leave ignore, no_match deprovision, keep_on_role_change
 * false, max_deprovisions_per_run 25, send_roles false, shared_email
 * dispute, rename keep, nothing supervised, verify changes. */
void policy_defaults(struct policy *p);

/* Fills p from a "policy" object (NULL = defaults). Returns 0, or -1 with
 * err->path relative to obj ("no_match"). */
int policy_parse(const json_t *obj, struct policy *p, struct path_error *err);

enum policy_action {
	POLICY_PROVISION = 0,
	POLICY_DEPROVISION,
	POLICY_SKIP,
};

struct policy_decision {
	enum policy_action action;
	/* Borrowed from the rules_result (or its rules): the roles to put into
	 * the desired record; NULL unless action is PROVISION and send_roles is
	 * on. */
	const json_t *roles;
	char reason[160]; /* one line for the plan / audit / ledger */
};

/* Decides what kind means for a person. rr is the evaluation of the
 * connection's role rules (NULL = treat as matched, no roles);
 * has_linked_account says whether the ledger links this person to an account
 * on this connection. Pure: no I/O. */
void policy_decide(const struct policy *p, enum event_kind kind,
                   const struct rules_result *rr, bool has_linked_account,
                   struct policy_decision *out);

const char *policy_action_name(enum policy_action a);

#endif
