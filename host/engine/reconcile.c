/* `provhost reconcile` (reconcile.h): configuration, ledger and audit
 * file, then per connection: list and classify, the missing pass, the
 * repair, the report, the reconcile run's row. */
#include "engine/reconcile.h"

#include <stdlib.h>
#include <string.h>

#include "connector/bind.h"
#include "connector/loader.h"
#include "engine/audit_reconcile.h"
#include "engine/notify.h"
#include "engine/pacer.h"
#include "engine/reconcile_internal.h"
#include "util/clock.h"
#include "util/exit_codes.h"
#include "util/log.h"

/* host_api->pace: the connection's configured request rate. */
static int32_t pace_list(void *ctx, const provhost_call *call)
{
	return pacer_acquire(ctx, call ? call->deadline_ms : 0)
	               ? PROVHOST_E_TIMEOUT
	               : PROVHOST_OK;
}

static void pace_list_done(void *ctx)
{
	pacer_thread_done(ctx);
}

/* host_api->rate_limit: a listing keeps within the target's window too. */
static void pace_list_hint(void *ctx, const provhost_call *call, int64_t limit,
                           int64_t remaining, int64_t reset_ms)
{
	(void)call;
	if (reset_ms >= 0 && remaining >= 0)
		pacer_hint_thread(ctx, clock_mono_us(), limit, remaining,
		                  reset_ms * 1000);
}

static void add_repair(const char *repair, int64_t n, void *ctx)
{
	json_object_set_new(ctx, repair, json_integer(n));
}

/* The counts as a JSON object (every class, and the accounts listed) and,
 * after a repair, "repairs": {outcome: findings}. */
static json_t *counts_json(const struct recon *r)
{
	json_t *obj = json_object(), *rep;
	int c;

	if (!obj)
		return NULL;
	json_object_set_new(obj, "accounts", json_integer(r->accounts));
	for (c = 0; c < RC_COUNT; c++)
		json_object_set_new(obj, recon_class_name(c),
		                    json_integer(r->counts[c]));
	if (r->opt->repair && !r->failed && (rep = json_object())) {
		if (ledger_recon_repair_counts(r->ledger, r->run_id, add_repair,
		                               rep))
			log_msg(PROVHOST_LOG_ERROR, "ledger: %s",
			        ledger_last_error());
		json_object_set_new(obj, "repairs", rep);
	}
	return obj;
}

/* Lists and classifies. Returns 0, or -1 with r->error set. */
static int classify(struct recon *r)
{
	provhost_error err;
	provhost_call call;
	int64_t links = 0;
	int32_t st;

	instance_call_init(&call, 0, 0, NULL, NULL, NULL);
	st = instance_list(r->inst, &call, recon_account, r, &err);
	if (st != PROVHOST_OK)
		return recon_fail(r, "%s", err.message);
	if (r->failed || recon_flush(r))
		return -1;
	if (r->accounts == 0) {
		if (ledger_recon_active_links(r->ledger, r->conn->name, &links))
			return recon_fail(r, "ledger: %s", ledger_last_error());
		if (links > 0)
			return recon_fail(
			        r,
			        "the target listed no accounts, but the ledger "
			        "links %lld active account(s) on this "
			        "connection: the token probably lacks "
			        "permission to read users (check its "
			        "scope/role); nothing was classified",
			        (long long)links);
	}
	return recon_missing(r);
}

/* Writes the run's counts line to the audit file. */
static int audit_counts(struct recon *r, const json_t *counts)
{
	struct audit_reconcile ar = {
	        .reconcile_run = r->run_id,
	        .connection = r->conn->name,
	        .operation = "reconcile",
	        .detail = r->failed ? r->error : NULL,
	        .counts = counts,
	        .dry_run = r->opt->dry_run,
	};
	char err[600];

	if (audit_write_reconcile(r->audit, &ar, err, sizeof(err))) {
		fprintf(stderr, "provhost reconcile: %s\n", err);
		return -1;
	}
	return 0;
}

static int add_orphan(const struct ledger_finding_row *row, void *ctx)
{
	json_t *a = json_object();

	if (!a)
		return -1;
	json_object_set_new(a, "id", json_string(row->account_id));
	if (row->user_name[0])
		json_object_set_new(a, "userName", json_string(row->user_name));
	if (row->employee_id[0])
		json_object_set_new(a, "employee_id",
		                    json_string(row->employee_id));
	json_object_set_new(a, "active", json_boolean(row->active != 0));
	return json_array_append_new(ctx, a);
}

#define NOTIFY_ORPHANS_LISTED 20 /* accounts named in the notification */

/* "orphans_found" once for this connection's reconcile when it found
 * orphans (never in a dry run; a failed delivery is logged and audited by
 * notify_send and changes nothing here). */
static void notify_orphans(const struct config *cfg, struct recon *r)
{
	json_t *accounts;

	if (r->opt->dry_run || r->failed || !r->counts[RC_ORPHAN] ||
	    !notify_wanted(cfg, NOTIFY_ORPHANS_FOUND))
		return;
	accounts = json_array();
	if (accounts && ledger_recon_findings(r->ledger, r->run_id, "orphan",
	                                      NOTIFY_ORPHANS_LISTED, add_orphan,
	                                      accounts)) {
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
		json_array_clear(accounts);
	}
	notify_orphans_found(cfg, r->audit, r->run_id, r->conn->name,
	                     r->counts[RC_ORPHAN], accounts);
	json_decref(accounts);
}

/* Exit code of one connection's reconcile before any repair. */
static int findings_code(const struct recon *r)
{
	int c;

	for (c = 0; c < RC_COUNT; c++)
		if (r->counts[c] && recon_class_attention(c))
			return EXIT_FAILED;
	return EXIT_DONE;
}

/* One connection, start to end. Returns its exit code. */
static int reconcile_one(const struct reconcile_options *opt,
                         const struct config *cfg,
                         const struct connection *conn, struct ledger *ledger,
                         const char *ledger_path, struct audit *audit,
                         bool first)
{
	struct recon *r = calloc(1, sizeof(*r));
	struct instance_pacer ip = {pace_list, NULL, pace_list_hint,
	                            pace_list_done};
	struct pacer pacer;
	provhost_error err;
	json_t *counts = NULL;
	char *text = NULL;
	int code = EXIT_STOPPED;

	if (!r) {
		fprintf(stderr, "provhost reconcile: out of memory\n");
		return EXIT_STOPPED;
	}
	r->opt = opt;
	r->conn = conn;
	r->ledger = ledger;
	r->ledger_path = ledger_path;
	r->audit = audit;
	strset_init(&r->has_account);
	input_seen_init(&r->matched);
	pacer_init(&pacer, conn->engine.max_rps);
	ip.ctx = &pacer;
	if (ledger_recon_begin(ledger, conn->name, opt->repair, clock_wall_s(),
	                       &r->lr)) {
		fprintf(stderr, "provhost reconcile: %s\n",
		        ledger_last_error());
		goto out;
	}
	r->run_id = ledger_recon_id(r->lr);
	if (instance_open(conn, &ip, &r->inst, &err) != PROVHOST_OK)
		recon_fail(r, "cannot open the connection: %s", err.message);
	else
		classify(r);
	if (r->failed) {
		fprintf(stderr, "provhost reconcile: connection \"%s\": %s\n",
		        conn->name, r->error);
	} else {
		code = findings_code(r);
		if (opt->repair) {
			int rc_rep = recon_repair(r);

			if (!opt->dry_run)
				code = rc_rep;
			else if (rc_rep == EXIT_STOPPED)
				code = rc_rep;
		}
	}
	counts = counts_json(r);
	if (audit_counts(r, counts))
		code = EXIT_STOPPED;
	if (opt->json && r->failed)
		recon_report_json_error(r, stdout, first);
	else if (opt->json)
		recon_report_json(r, stdout, first);
	else if (!r->failed)
		recon_report_text(r, stdout);
	text = counts ? json_dumps(counts, JSON_COMPACT | JSON_PRESERVE_ORDER)
	              : NULL;
	if (ledger_recon_finish(r->lr, r->accounts, code, text,
	                        r->failed ? r->error : NULL, clock_wall_s())) {
		fprintf(stderr, "provhost reconcile: %s\n",
		        ledger_last_error());
		code = EXIT_STOPPED;
	}
	notify_orphans(cfg, r);
out:
	recon_discard(r);
	free(text);
	json_decref(counts);
	instance_close(r->inst);
	ledger_recon_close(r->lr);
	strset_release(&r->has_account);
	input_seen_release(&r->matched);
	pacer_release(&pacer);
	free(r);
	return code;
}

/* Worst first: stopped, attention, waits for a person, done. */
static int combine(int a, int b)
{
	static const int order[] = {EXIT_STOPPED, EXIT_FAILED, EXIT_REVIEW,
	                            EXIT_DONE};
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (a == order[i] || b == order[i])
			return order[i];
	return a;
}

int reconcile_execute(const struct reconcile_options *opt)
{
	struct config *cfg = NULL;
	struct plugin_set *set = NULL;
	struct ledger *ledger = NULL;
	struct audit audit = {0};
	char err[8192];
	int code = EXIT_USAGE, n = 0;
	size_t i;

	if (config_load(config_default_path(opt->config_path), &cfg, err,
	                sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	if (config_bind_connectors(cfg, opt->plugin_dir, &set, err,
	                           sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	if (opt->connection && !config_find_connection(cfg, opt->connection)) {
		fprintf(stderr,
		        "provhost reconcile: no connection named \"%s\" in %s; "
		        "see 'provhost check-config'\n",
		        opt->connection, cfg->path);
		goto out;
	}
	if (audit_open(&audit,
	               opt->audit_file ? opt->audit_file : cfg->audit_file, err,
	               sizeof(err))) {
		fprintf(stderr, "provhost reconcile: %s\n", err);
		goto out;
	}
	code = EXIT_STOPPED;
	/* a dry run works on an in-memory copy: nothing of it is kept */
	if ((opt->dry_run ? ledger_open_copy(cfg->ledger_path, &ledger)
	                  : ledger_open(cfg->ledger_path, LEDGER_OPEN_CREATE,
	                                &ledger))) {
		fprintf(stderr, "provhost reconcile: %s\n",
		        ledger_last_error());
		goto out_audit;
	}
	if (opt->json)
		printf("{\"connections\": [");
	code = EXIT_DONE;
	for (i = 0; i < cfg->n_connections; i++) {
		const struct connection *conn = &cfg->connections[i];

		if (opt->connection && strcmp(opt->connection, conn->name))
			continue;
		code = combine(code,
		               reconcile_one(opt, cfg, conn, ledger,
		                             cfg->ledger_path, &audit, n == 0));
		n++;
	}
	if (opt->json)
		printf("\n]}\n");
	if (!n && !opt->json)
		printf("no connections configured\n");
	fflush(stdout);
	ledger_close(ledger);
out_audit:
	audit_close(&audit);
out:
	config_free(cfg);
	loader_free(set);
	return code;
}
