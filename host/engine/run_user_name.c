/* The userName a provision sends (issue 12): chosen among the mapping's
 * candidates, reserved in the ledger (case-folded, one employee per name
 * and connection) before anything is sent, and kept for the person after:
 * a linked person's stored userName is sent unless policy rename=follow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/lifecycle_config.h"
#include "engine/run_internal.h"
#include "engine/run_stop.h"
#include "lifecycle/username_pick.h"
#include "util/clock.h"

struct taken_ctx {
	struct run_conn *conn_run;
	const char *employee_id;
	char other[256]; /* who holds the last name found taken */
	bool failed;     /* the ledger could not answer */
};

/* The ledger could not reserve a name (disk full, I/O): like every failed
 * ledger write, the run stops; t stays pending for the next run. */
static void reserve_failed(struct run_worker *w, const struct run_task *t)
{
	run_fatal(w->conn_run->run,
	          "ledger %s cannot be written (%s): stopped; no userName "
	          "was reserved for employee %.60s (event %.60s), nothing "
	          "was sent for it",
	          w->conn_run->run->cfg->ledger_path, ledger_last_error(),
	          t->employee_id, t->event_id);
}

/* username_taken_fn: reserves user_name for the employee; taken when
 * another employee holds it. The reservation is the test, so two workers
 * (or two processes) can never both get one name. */
static int reserve_or_taken(void *ctx, const char *user_name, char *reason,
                            size_t reason_len)
{
	struct taken_ctx *tc = ctx;
	int r = ledger_user_name_reserve(
	        tc->conn_run->run->ledger, tc->conn_run->conn->name, user_name,
	        tc->employee_id, clock_wall_s(), tc->other);

	if (r == LEDGER_NAME_TAKEN)
		return 1;
	if (r) {
		tc->failed = true;
		snprintf(reason, reason_len, "cannot reserve userName: %s",
		         ledger_last_error());
		return -1;
	}
	return 0;
}

int run_user_name_reserve(struct run_worker *w, const struct run_task *t,
                          const char *user_name)
{
	struct taken_ctx tc = {w->conn_run, t->employee_id, "", false};
	char why[1200];
	int r;

	if (!user_name || !user_name[0])
		return 0;
	r = reserve_or_taken(&tc, user_name, why, sizeof(why));
	if (r == 0)
		return 0;
	if (r < 0) {
		reserve_failed(w, t);
		return 1;
	}
	snprintf(why, sizeof(why),
	         "userName \"%s\" of employee %s is reserved for "
	         "employee %s (a userName belongs to one person); "
	         "nothing was sent",
	         user_name, t->employee_id, tc.other);
	run_identity_dispute(w, t, NULL, NULL, why);
	return 1;
}

int run_user_name_choose(struct run_worker *w, const struct run_task *t,
                         const json_t *attrs, const struct ledger_link *link,
                         json_t *rec, char *out, size_t out_len)
{
	struct run_conn *conn_run = w->conn_run;
	const struct lifecycle_config *lc = conn_run->conn->lifecycle;
	struct taken_ctx tc = {conn_run, t->employee_id, "", false};
	json_t *un = json_object_get(rec, "userName");
	bool counter = false, several;
	char reason[700], why[900];
	char *name = NULL;

	if (!json_is_string(un))
		return 0; /* the mapping sends no userName */
	if (link && link->user_name[0] &&
	    lc->policy.rename == POLICY_RENAME_KEEP) {
		/* the account keeps the name it got */
		if (json_object_set_new(rec, "userName",
		                        json_string(link->user_name)))
			return -1;
		snprintf(out, out_len, "%s", link->user_name);
		return 0;
	}
	several = mapping_user_name_candidates(lc->mapping, &counter) > 1 ||
	          counter;
	if (!several) {
		/* one template: the rendered name or nothing; a name someone
		 * else holds is a dispute (unlinked people: run_identity_check,
		 * which names the account when it is a link) */
		snprintf(out, out_len, "%s", json_string_value(un));
		return link ? run_user_name_reserve(w, t, out) : 0;
	}
	if (username_pick(lc->mapping, attrs, 0, reserve_or_taken, &tc, &name,
	                  NULL, reason, sizeof(reason))) {
		if (tc.failed) {
			reserve_failed(w, t);
			return 1;
		}
		snprintf(why, sizeof(why),
		         "no userName for employee %s: %s; nothing was sent",
		         t->employee_id, reason);
		run_identity_dispute(w, t, NULL, NULL, why);
		return 1;
	}
	snprintf(out, out_len, "%s", name);
	if (json_object_set_new(rec, "userName", json_string(name))) {
		free(name);
		return -1;
	}
	free(name);
	return 0;
}
