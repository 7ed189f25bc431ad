/* `provhost reconcile --repair`: drift and missing accounts become
 * ordinary "update" events with the person's HR record, applied by one
 * `provhost run` (run_execute, input from a memory file), so they take the
 * same decision path as HR events; a missing account is looked up first
 * (reconcile_repair.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "engine/reconcile_repair.h"
#include "engine/run.h"
#include "util/exit_codes.h"

/* --- drift and missing: ordinary events ----------------------------------- */

int recon_rp_queue_event(struct repair *rp, const struct ledger_finding_row *f)
{
	struct recon *r = rp->r;
	struct ledger_person p;
	char id[64];
	json_t *line, *record;
	char *text;
	int rc;

	rc = ledger_person_get(r->ledger, f->employee_id, &p);
	if (rc)
		return -1;
	record = json_loads(p.record, 0, NULL);
	free(p.record);
	if (!json_is_object(record)) {
		json_decref(record);
		return -1;
	}
	if (!rp->events) {
		rp->events_fd = memfd_create("provhost-reconcile", MFD_CLOEXEC);
		rp->events = rp->events_fd >= 0
		                     ? fdopen(dup(rp->events_fd), "w")
		                     : NULL;
		if (!rp->events) {
			json_decref(record);
			return -1;
		}
	}
	snprintf(id, sizeof(id), "reconcile-%lld-%lld", (long long)r->run_id,
	         (long long)f->n);
	line = json_pack("{s:s, s:s, s:s, s:o}", "event", "update",
	                 "employee_id", f->employee_id, "id", id, "attributes",
	                 record);
	text = line ? json_dumps(line, JSON_COMPACT) : NULL;
	json_decref(line);
	if (!text)
		return -1;
	fprintf(rp->events, "%s\n", text);
	free(text);
	rp->queued++;
	recon_rp_set(rp, f, r->opt->dry_run ? "planned" : "queued", id);
	return 0;
}

/* A missing account: look for it first (the listing may have skipped
 * it); a found one is linked like an unlinked match, never duplicated. */
void recon_rp_missing(struct repair *rp, const struct ledger_finding_row *f)
{
	struct recon *r = rp->r;
	char why[400], owner[257], detail[900], reserved[256];
	struct ledger_person p;
	enum recon_want want;
	json_t *record = NULL, *desired = NULL, *found = NULL, *identity;
	const json_t *un;
	provhost_error err;
	char *ident = NULL;
	int32_t st;

	if (ledger_person_get(r->ledger, f->employee_id, &p)) {
		recon_rp_set(rp, f, "failed", "no person record");
		rp->left++;
		return;
	}
	record = json_loads(p.record, 0, NULL);
	free(p.record);
	if (!json_is_object(record) ||
	    recon_desired(r->conn, "active", record, NULL, false, &want,
	                  &desired, why, sizeof(why)) ||
	    want != WANT_ACTIVE) {
		recon_rp_set(rp, f, "failed", "the mapping gives no account");
		rp->left++;
		goto out;
	}
	if (ledger_user_name_of(r->ledger, r->conn->name, f->employee_id,
	                        reserved) == 0)
		json_object_set_new(desired, "userName", json_string(reserved));
	un = json_object_get(desired, "userName");
	identity = json_pack("{s:O, s:s}", "userName", un, "externalId",
	                     f->employee_id);
	ident = identity ? json_dumps(identity, JSON_COMPACT) : NULL;
	json_decref(identity);
	st = ident ? recon_rp_lookup(r, f->account_id[0] ? f->account_id : NULL,
	                             ident, &found, &err)
	           : PROVHOST_E_INTERNAL;
	if (st == PROVHOST_OK) {
		const json_t *id = json_object_get(found, "id");

		if (!json_is_string(id)) {
			recon_rp_set(rp, f, "failed", "lookup gave no id");
			rp->left++;
		} else if (ledger_link_owner(r->ledger, r->conn->name,
		                             json_string_value(id), owner,
		                             sizeof(owner)) == 0 &&
		           !strcmp(owner, f->employee_id)) {
			snprintf(
			        detail, sizeof(detail),
			        "a lookup found the linked account %.255s: the "
			        "listing skipped it; nothing sent",
			        json_string_value(id));
			recon_rp_set(rp, f, "found", detail);
		} else if (ledger_link_owner(r->ledger, r->conn->name,
		                             json_string_value(id), owner,
		                             sizeof(owner)) == 0) {
			snprintf(detail, sizeof(detail),
			         "a lookup found account %.255s, linked to "
			         "employee %.256s: disputed, nothing sent",
			         json_string_value(id), owner);
			recon_rp_set(rp, f, "disputed", detail);
			rp->left++;
		} else {
			const json_t *fu = json_object_get(found, "userName");

			/* the listing skipped it: link, never create */
			recon_rp_link(rp, f, json_string_value(id),
			              json_is_string(fu) ? json_string_value(fu)
			                                 : NULL,
			              recon_account_active(found));
		}
		goto out;
	}
	if (st != PROVHOST_E_NOT_FOUND) {
		snprintf(detail, sizeof(detail),
		         "cannot look for the account before creating it: %s",
		         ident ? err.message : "out of memory");
		recon_rp_set(rp, f, "failed", detail);
		rp->left++;
		goto out;
	}
	if (recon_rp_queue_event(rp, f)) {
		recon_rp_set(rp, f, "failed", "cannot queue the event");
		rp->left++;
	}
out:
	free(ident);
	json_decref(found);
	json_decref(desired);
	json_decref(record);
}

/* The queued events' outcomes, from the ledger after the run. */
void recon_rp_outcomes(struct repair *rp)
{
	struct recon *r = rp->r;
	struct chunk *c = calloc(1, sizeof(*c));
	struct ledger_target t;
	char detail[700];
	int64_t after = 0;
	int i;

	if (!c)
		return;
	for (;;) {
		c->n = 0;
		if (ledger_recon_findings_after(r->ledger, r->run_id, after,
		                                CHUNK, recon_rp_collect, c) ||
		    !c->n)
			break;
		for (i = 0; i < c->n; i++) {
			const struct ledger_finding_row *f = &c->rows[i];
			const char *what = "failed";

			after = f->n;
			if (strcmp(f->repair, "queued"))
				continue;
			if (ledger_target_get(r->ledger, f->repair_detail,
			                      r->conn->name, &t)) {
				recon_rp_set(rp, f, "failed",
				             "the event's target is not in the "
				             "ledger");
				rp->left++;
				continue;
			}
			if (t.state == LEDGER_DONE)
				what = "done";
			else if (t.state == LEDGER_HELD ||
			         t.state == LEDGER_DISPUTED)
				what = ledger_state_name(t.state);
			else if (t.state == LEDGER_PENDING)
				what = "pending";
			snprintf(detail, sizeof(detail), "event %s: %s%s%s",
			         f->repair_detail,
			         t.outcome[0] ? t.outcome
			                      : ledger_state_name(t.state),
			         t.last_error[0] ? ": " : "", t.last_error);
			if (!strcmp(what, "held"))
				rp->held++;
			else if (strcmp(what, "done"))
				rp->left++;
			recon_rp_set(rp, f, what, detail);
		}
	}
	free(c);
}

/* Applies the queued events with one ordinary run. Returns its code. */
int recon_rp_run_events(struct repair *rp)
{
	struct recon *r = rp->r;
	char input[64], label[96];
	struct run_options ro = {0};
	int code, saved = -1;

	fflush(rp->events);
	fclose(rp->events);
	rp->events = NULL;
	snprintf(input, sizeof(input), "/proc/self/fd/%d", rp->events_fd);
	snprintf(label, sizeof(label), "reconcile run %lld",
	         (long long)r->run_id);
	ro.config_path = r->opt->config_path;
	ro.plugin_dir = r->opt->plugin_dir;
	ro.connection = r->conn->name;
	ro.input = input;
	ro.audit_file = r->opt->audit_file;
	ro.dry_run = r->opt->dry_run;
	ro.allow_mass_deprovision = r->opt->allow_mass_deprovision;
	ro.progress = 0;
	ro.source_label = label;
	ro.converge =
	        true; /* drift: the last written state is not the target's */
	fprintf(rp->plan,
	        "reconcile: connection \"%s\": applying %lld repair event(s) "
	        "as a%s run\n",
	        r->conn->name, (long long)rp->queued,
	        r->opt->dry_run ? " dry" : "n ordinary");
	fflush(rp->plan);
	fflush(stdout);
	if (r->opt->json) {
		/* the run's summary must not mix with the JSON document */
		saved = dup(STDOUT_FILENO);
		if (saved >= 0)
			dup2(STDERR_FILENO, STDOUT_FILENO);
	}
	code = run_execute(&ro);
	fflush(stdout);
	if (saved >= 0) {
		dup2(saved, STDOUT_FILENO);
		close(saved);
	}
	close(rp->events_fd);
	rp->events_fd = -1;
	return code;
}
