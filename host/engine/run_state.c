/* The last written state of a link: see run_state.h. */
#include "engine/run_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/lifecycle_config.h"
#include "connector/loader.h"
#include "engine/run_decision.h"
#include "engine/run_internal.h"
#include "engine/run_stop.h"
#include "util/clock.h"
#include "util/log.h"

#define NO_CHANGE "no change"

void run_last_release(struct run_last *last)
{
	free(last->st.record);
	last->st.record = NULL;
	last->have = false;
}

/* The audit line of a decision that sent nothing (attempt 0). Returns 0,
 * or -1 when the audit trail cannot be written (the run stops). */
static int audit_no_request(struct run_conn *conn_run, const struct run_task *t,
                            const char *account_id)
{
	struct audit_record ar = {
	        .run_id = conn_run->run->run_id,
	        .event_id = t->event_id,
	        .employee_id = t->employee_id,
	        .connection = conn_run->conn->name,
	        .operation = "provision",
	        .attempt = 0,
	        .status = "ok",
	        .outcome = "unchanged",
	        .account_id = account_id,
	        .dry_run = conn_run->run->opt->dry_run,
	};
	char err[600];

	if (!audit_write(&conn_run->run->audit, &ar, err, sizeof(err)))
		return 0;
	run_fatal(conn_run->run,
	          "%s: stopped; event %.60s (employee %.60s) needed no "
	          "request (" NO_CHANGE ") but has no audit line",
	          err, t->event_id, t->employee_id);
	return -1;
}

/* The hash a state is compared by: the record as sent, and what decides
 * how the connector writes it (its name and version and the connection's
 * settings: turning a connector's "roles" on must not look unchanged).
 * Hex into hash; 0, or -1 (then nothing is compared or stored). */
static int state_hash(const struct run_conn *conn_run, const char *record,
                      char hash[65])
{
	const provhost_connector *d = conn_run->conn->bound->desc;
	char *settings = json_dumps(conn_run->conn->settings,
	                            JSON_COMPACT | JSON_SORT_KEYS);
	unsigned char digest[32];
	struct sha256 h;
	int rc = -1;

	hash[0] = '\0';
	if (!settings || sha256_init(&h))
		goto out;
	if (sha256_update(&h, d->name, strlen(d->name) + 1) ||
	    sha256_update(&h, d->version, strlen(d->version) + 1) ||
	    sha256_update(&h, settings, strlen(settings) + 1) ||
	    sha256_update(&h, record, strlen(record)))
		goto out; /* the context is freed */
	if (sha256_final(&h, digest))
		goto out;
	for (int i = 0; i < 32; i++)
		snprintf(hash + 2 * i, 3, "%02x", digest[i]);
	rc = 0;
out:
	free(settings);
	return rc;
}

int run_last_unchanged(struct run_worker *w, const struct run_task *t,
                       const char *record, const char *account_id,
                       bool link_active, struct run_last *last)
{
	struct run_conn *conn_run = w->conn_run;
	struct ledger *l = conn_run->run->ledger;
	int r;

	memset(last, 0, sizeof(*last));
	if (!account_id || !record || conn_run->run->opt->converge)
		return 0;
	if (state_hash(conn_run, record, last->hash))
		return 0; /* no hash: just send it */
	r = ledger_state_get(l, conn_run->conn->name, t->employee_id,
	                     &last->st);
	if (r < 0)
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
	if (r)
		return 0;
	last->have = !strcmp(last->st.account_id, account_id);
	if (!last->have || !link_active || strcmp(last->st.hash, last->hash) ||
	    conn_run->conn->lifecycle->policy.verify == POLICY_VERIFY_ALWAYS)
		return 0;
	if (ledger_target_finish(l, t->event_id, conn_run->conn->name,
	                         LEDGER_DONE, "unchanged", account_id, 0,
	                         NO_CHANGE, clock_wall_s())) {
		/* not recorded: the next run decides again (nothing sent) */
		run_fatal(conn_run->run,
		          "ledger %s cannot be written (%s): stopped; event "
		          "%.60s of employee %.60s needed no request but that "
		          "is not recorded",
		          conn_run->run->cfg->ledger_path, ledger_last_error(),
		          t->event_id, t->employee_id);
		return 1;
	}
	if (!audit_no_request(conn_run, t, account_id))
		run_decision_no_request(conn_run, t, account_id);
	run_stats_add(&conn_run->stats, STAT_UNCHANGED, 1);
	return 1;
}

void run_last_call(const struct run_worker *w, const struct run_last *last,
                   const char *account_id, provhost_call *call)
{
	if (!last->have || !account_id || !instance_can_etag(w->inst) ||
	    strcmp(last->st.account_id, account_id))
		return;
	call->last_state_json = last->st.record;
	call->last_state_len = strlen(last->st.record);
	call->if_match = last->st.etag[0] ? last->st.etag : NULL;
}

int run_last_record(struct run_worker *w, const struct run_task *t,
                    bool provision, const char *account_id, const char *record,
                    const struct run_last *last, const provhost_result *res)
{
	struct run_conn *conn_run = w->conn_run;
	struct ledger *l = conn_run->run->ledger;
	char hash[65];

	if (!provision || !account_id || !account_id[0] || !record)
		return ledger_state_clear(l, conn_run->conn->name,
		                          t->employee_id);
	memcpy(hash, last->hash, sizeof(hash));
	if (!hash[0] && state_hash(conn_run, record, hash))
		return ledger_state_clear(l, conn_run->conn->name,
		                          t->employee_id);
	return ledger_state_put(l, conn_run->conn->name, t->employee_id,
	                        account_id, hash, record, res->etag,
	                        clock_wall_s());
}
