/* A dry run's later events of a person, planned against the planned
 * account (run_dryplan.h). */
#include "engine/run_dryplan.h"

#include <jansson.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "connector/status_names.h"
#include "engine/run_decision.h"
#include "engine/run_stop.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/text_escape.h"

static atomic_int_fast64_t planned_seq;

const char *run_dryplan_new_account(int32_t outcome, char *buf, size_t len)
{
	if (outcome != PROVHOST_OUTCOME_CREATED)
		return NULL;
	snprintf(buf, len, "planned:%lld",
	         (long long)atomic_fetch_add(&planned_seq, 1) + 1);
	return buf;
}

int run_dryplan_note(struct run_conn *conn_run, const struct run_task *t,
                     bool provision, const char *record, const char *account_id,
                     int32_t outcome)
{
	struct ledger *l = conn_run->run->ledger;
	struct ledger_planned p = {0};
	int r;

	r = ledger_planned_get(l, conn_run->conn->name, t->employee_id, &p);
	if (r < 0)
		return -1;
	if (account_id && *account_id)
		snprintf(p.account_id, sizeof(p.account_id), "%s", account_id);
	if (provision) {
		free(p.record);
		p.record = record ? strdup(record) : NULL;
		if (record && !p.record) {
			ledger_planned_release(&p);
			return -1;
		}
	}
	p.active = provision;
	p.present = outcome != PROVHOST_OUTCOME_DELETED &&
	            outcome != PROVHOST_OUTCOME_ABSENT;
	r = ledger_planned_set(l, conn_run->conn->name, t->employee_id, &p);
	ledger_planned_release(&p);
	return r;
}

/* True when the two records (JSON text) are the same JSON value. */
static bool same_record(const char *a, const char *b)
{
	json_t *ja, *jb;
	bool same;

	if (!a || !b)
		return false;
	ja = json_loads(a, 0, NULL);
	jb = json_loads(b, 0, NULL);
	same = ja && jb && json_equal(ja, jb);
	json_decref(ja);
	json_decref(jb);
	return same;
}

/* The outcome of t against what is planned for the person (p). */
static int32_t planned_outcome(const struct ledger_planned *p, bool provision,
                               const char *record)
{
	if (!provision)
		return !p->present ? PROVHOST_OUTCOME_ABSENT
		       : p->active ? PROVHOST_OUTCOME_DEACTIVATED
		                   : PROVHOST_OUTCOME_UNCHANGED;
	if (!p->present)
		return PROVHOST_OUTCOME_CREATED;
	if (!p->active)
		return PROVHOST_OUTCOME_REACTIVATED;
	return same_record(p->record, record) ? PROVHOST_OUTCOME_UNCHANGED
	                                      : PROVHOST_OUTCOME_UPDATED;
}

static enum run_count counter_of(int32_t outcome)
{
	switch (outcome) {
	case PROVHOST_OUTCOME_CREATED:
		return STAT_CREATED;
	case PROVHOST_OUTCOME_UPDATED:
		return STAT_UPDATED;
	case PROVHOST_OUTCOME_REACTIVATED:
		return STAT_REACTIVATED;
	case PROVHOST_OUTCOME_DEACTIVATED:
		return STAT_DEACTIVATED;
	default:
		return STAT_UNCHANGED;
	}
}

/* The verb of a planned outcome on a plan line. */
static const char *planned_verb(int32_t outcome)
{
	switch (outcome) {
	case PROVHOST_OUTCOME_CREATED:
		return "create";
	case PROVHOST_OUTCOME_UPDATED:
		return "update";
	case PROVHOST_OUTCOME_REACTIVATED:
		return "reactivate";
	case PROVHOST_OUTCOME_DEACTIVATED:
		return "deactivate";
	default:
		return "nothing to send for";
	}
}

static void print_planned(const struct run_conn *conn_run,
                          const struct run_task *t, int32_t outcome,
                          const char *account_id, const char *record,
                          bool provision)
{
	char *e_body = provision && record ? text_escape_dup(record) : NULL;

	flockfile(stdout);
	printf("plan: connection \"%s\" event %s employee %s: %s %s "
	       "(planned by this dry run; not looked up)%s%s\n",
	       conn_run->conn->name, t->event_id, t->employee_id,
	       planned_verb(outcome),
	       *account_id ? account_id : "the account (none planned)",
	       e_body ? " " : "", e_body ? e_body : "");
	fflush(stdout);
	funlockfile(stdout);
	free(e_body);
}

int run_dryplan_apply(struct run_worker *w, const struct run_task *t,
                      bool provision, const char *record, const char *user_name)
{
	struct run_conn *conn_run = w->conn_run;
	struct ledger *l = conn_run->run->ledger;
	struct ledger_planned p;
	char acct[256], err[600];
	int32_t outcome;
	int64_t now = clock_wall_s();
	int r;

	r = ledger_planned_get(l, conn_run->conn->name, t->employee_id, &p);
	if (r == 1)
		return 0;
	if (r < 0)
		goto failed;
	outcome = planned_outcome(&p, provision, record);
	snprintf(acct, sizeof(acct), "%s", p.account_id);
	ledger_planned_release(&p);
	if (outcome == PROVHOST_OUTCOME_CREATED)
		run_dryplan_new_account(outcome, acct, sizeof(acct));
	print_planned(conn_run, t, outcome, acct, record, provision);
	{
		struct audit_record ar = {
		        .run_id = conn_run->run->run_id,
		        .event_id = t->event_id,
		        .employee_id = t->employee_id,
		        .connection = conn_run->conn->name,
		        .operation = provision ? "provision" : "deprovision",
		        .attempt = 0,
		        .status = "planned",
		        .outcome = provhost_outcome_name(outcome),
		        .account_id = acct[0] ? acct : NULL,
		        .dry_run = true,
		};

		if (audit_write(&conn_run->run->audit, &ar, err, sizeof(err)))
			run_fatal(conn_run->run, "%s: stopped", err);
	}
	if ((acct[0] &&
	     ledger_link_set(l, conn_run->conn->name, t->employee_id, acct,
	                     user_name && *user_name ? user_name : NULL,
	                     provision, now)) ||
	    ledger_target_finish(l, t->event_id, conn_run->conn->name,
	                         LEDGER_DONE, provhost_outcome_name(outcome),
	                         acct[0] ? acct : NULL, 0, NULL, now) ||
	    run_dryplan_note(conn_run, t, provision, record, acct, outcome))
		goto failed;
	run_stats_add(&conn_run->stats, counter_of(outcome), 1);
	run_decision_finish(conn_run, t, LEDGER_DONE,
	                    provhost_outcome_name(outcome), acct, false, NULL);
	return 1;
failed:
	run_fatal(conn_run->run,
	          "the dry run's ledger copy cannot be written "
	          "(%s): stopped",
	          ledger_last_error());
	return 1;
}
