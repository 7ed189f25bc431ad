/* provhost review's actions: approve, discard and retry items, link and
 * unlink a person's account, and --now. Every action is stored in the
 * ledger (the target's attempts row and review_actions) and the audit
 * file, with who took it and why. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_review.h"
#include "config/lifecycle_config.h"
#include "engine/audit_review.h"
#include "engine/run.h"
#include "ledger/ledger_reconcile.h"
#include "util/clock.h"
#include "util/exit_codes.h"

/* The login uid of this process (who logged in, through su or not), or -1
 * when the kernel has none. */
static long login_uid(void)
{
	FILE *f = fopen("/proc/self/loginuid", "r");
	unsigned long v;
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%lu", &v) == 1;
	fclose(f);
	return ok && v != 4294967295UL ? (long)v : -1;
}

/* Who takes the decision: the user sudo ran us for, else the login user,
 * else the OS user we run as. */
static void reviewer(char *buf, size_t len)
{
	const char *who = getenv("SUDO_USER");
	struct passwd *pw = NULL;
	long uid;

	if (who && *who) {
		snprintf(buf, len, "%s", who);
		return;
	}
	uid = login_uid();
	if (uid >= 0)
		pw = getpwuid((uid_t)uid);
	if (!pw)
		pw = getpwuid(geteuid());
	if (pw)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "uid %u", (unsigned)geteuid());
}

/* What one action shares: where it is recorded, by whom, why. */
struct act {
	struct ledger *l;
	const struct config *cfg;
	const struct review_opts *o;
	struct audit audit;
	char who[256];
	const char *why;
	bool released; /* something became pending (for --now) */
};

/* Records a done action in the ledger's review_actions and the audit
 * file. Returns 0, or -1 (message printed). */
static int record(struct act *a, const char *action, const char *item,
                  const char *connection, const char *employee,
                  const char *account, const char *result)
{
	struct audit_review ar = {
	        .action = action,
	        .items = item ? &item : NULL,
	        .n_items = item ? 1 : 0,
	        .connection = connection,
	        .employee_id = employee,
	        .account_id = account,
	        .who = a->who,
	        .why = a->why,
	        .result = result,
	};
	char err[600];

	if (ledger_review_action_add(a->l, action, a->who, a->why, connection,
	                             employee, account, item, clock_wall_s())) {
		fprintf(stderr, "provhost: %s\n", ledger_last_error());
		return -1;
	}
	if (audit_review_write(&a->audit, &ar, err, sizeof(err))) {
		fprintf(stderr, "provhost: %s\n", err);
		return -1;
	}
	return 0;
}

/* Parses "SEQ:CONNECTION". Returns 0, or -1. */
static int parse_id(const char *id, int64_t *seq, const char **conn)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(id, &end, 10);
	if (errno || end == id || *end != ':' || !end[1] || v <= 0)
		return -1;
	*seq = v;
	*conn = end + 1;
	return 0;
}

static bool leave_deprovisions(const struct config *cfg, const char *conn)
{
	const struct connection *c = config_find_connection(cfg, conn);

	return c && c->lifecycle->policy.leave == POLICY_LEAVE_DEPROVISION;
}

/* Takes the action on one item (seq:conn, row its listing or NULL).
 * Returns 0, 1 (not taken: message printed) or -1. */
static int act_one(struct act *a, int64_t seq, const char *conn,
                   const struct ledger_review_row *row)
{
	enum review_action action = a->o->action;
	const char *name = action == REVIEW_APPROVE   ? "approve"
	                   : action == REVIEW_DISCARD ? "discard"
	                                              : "retry";
	const char *result = NULL, *allowed;
	char *text = NULL, id[200], why[1200];
	int rc;

	if (asprintf(&text, "%s by %s: %s",
	             action == REVIEW_APPROVE   ? "approved"
	             : action == REVIEW_DISCARD ? "discarded"
	                                        : "retried",
	             a->who, a->why) < 0) {
		fprintf(stderr, "provhost: out of memory\n");
		return -1;
	}
	if (action == REVIEW_RETRY)
		rc = ledger_review_retry(a->l, seq, conn,
		                         leave_deprovisions(a->cfg, conn), text,
		                         clock_wall_s(), why, sizeof(why));
	else
		rc = ledger_review_decide(a->l, seq, conn,
		                          action == REVIEW_APPROVE, text,
		                          clock_wall_s());
	free(text);
	if (rc < 0) {
		fprintf(stderr, "provhost: %s\n", ledger_last_error());
		return -1;
	}
	if (rc == 1) {
		fprintf(stderr, "provhost review: no item %lld:%s\n",
		        (long long)seq, conn);
		return 1;
	}
	if (rc == 2) {
		allowed = action == REVIEW_APPROVE ? "held"
		          : action == REVIEW_DISCARD
		                  ? "held, disputed or failed"
		                  : "rejected";
		fprintf(stderr,
		        "provhost review: item %lld:%s is not %s: not "
		        "changed\n",
		        (long long)seq, conn, allowed);
		return 1;
	}
	snprintf(id, sizeof(id), "%lld:%s", (long long)seq, conn);
	if (rc == 3) {
		result = "superseded";
		printf("%s superseded: %s\n", id, why);
	} else if (action == REVIEW_DISCARD) {
		result = "discarded";
		printf("%s discarded: never sent\n", id);
	} else {
		result = "pending";
		a->released = true;
		printf("%s %s: pending, the next run applies it\n", id,
		       action == REVIEW_APPROVE ? "approved" : "retried");
	}
	return record(a, name, id, conn, row ? row->employee_id : NULL, NULL,
	              result);
}

/* Approves or discards reconcile repair R<run>-<n>:conn (held by
 * supervised mode; cmd_review_recon.c). retry does not apply. Returns 0,
 * 1 (not taken: message printed) or -1. */
static int act_recon(struct act *a, int64_t run, int64_t n, const char *conn)
{
	bool approve = a->o->action == REVIEW_APPROVE;
	char *text = NULL, id[300];
	int rc;

	snprintf(id, sizeof(id), "R%lld-%lld:%s", (long long)run, (long long)n,
	         conn);
	if (a->o->action == REVIEW_RETRY) {
		fprintf(stderr,
		        "provhost review: %s is a reconcile repair: approve or "
		        "discard it (retry is for rejected events)\n",
		        id);
		return 1;
	}
	if (asprintf(&text, "%s by %s: %s", approve ? "approved" : "discarded",
	             a->who, a->why) < 0) {
		fprintf(stderr, "provhost: out of memory\n");
		return -1;
	}
	rc = ledger_recon_held_decide(a->l, run, n, conn, approve, text);
	free(text);
	if (rc < 0) {
		fprintf(stderr, "provhost: %s\n", ledger_last_error());
		return -1;
	}
	if (rc == 1) {
		fprintf(stderr,
		        "provhost review: no reconcile repair %s waits for "
		        "approval (a newer reconcile --repair lists what is "
		        "still to be done: provhost review)\n",
		        id);
		return 1;
	}
	if (approve)
		printf("%s approved: the next provhost reconcile --repair "
		       "applies it\n",
		       id);
	else
		printf("%s discarded: not applied (a later reconcile --repair "
		       "asks again while the account is still found)\n",
		       id);
	return record(a, approve ? "approve" : "discard", id, conn, NULL, NULL,
	              approve ? "approved" : "discarded");
}

/* --all-held: every reconcile repair held by supervised mode. */
static int act_recon_all(struct act *a)
{
	struct ledger_recon_held *h = NULL;
	size_t n = 0, i;
	int r, bad = 0;

	if (ledger_recon_held_list(a->l, a->o->connection, &h, &n)) {
		fprintf(stderr, "provhost: %s\n", ledger_last_error());
		return -1;
	}
	for (i = 0; i < n; i++) {
		r = act_recon(a, h[i].run_id, h[i].n, h[i].connection);
		if (r < 0) {
			free(h);
			return -1;
		}
		bad |= r;
	}
	free(h);
	return bad;
}

/* Finds item seq:conn in rows, or NULL. */
static const struct ledger_review_row *
find_row(const struct ledger_review_row *r, size_t n, int64_t seq,
         const char *conn)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].seq == seq && !strcmp(r[i].connection, conn))
			return &r[i];
	return NULL;
}

/* approve, discard, retry: the listed IDs and --all-held / --rejected. */
static int act_items(struct act *a)
{
	const struct review_opts *o = a->o;
	struct ledger_review_row *rows = NULL;
	enum ledger_state all = o->all_held   ? LEDGER_HELD
	                        : o->rejected ? LEDGER_REJECTED
	                                      : LEDGER_STATE_COUNT;
	size_t n = 0, i;
	int rc = -1, r, bad = 0;

	if (ledger_review_list(a->l, o->connection, &rows, &n)) {
		fprintf(stderr, "provhost: %s\n", ledger_last_error());
		return -1;
	}
	for (i = 0; i < n && all != LEDGER_STATE_COUNT; i++) {
		if (rows[i].state != all)
			continue;
		r = act_one(a, rows[i].seq, rows[i].connection, &rows[i]);
		if (r < 0)
			goto out;
		bad |= r;
	}
	if (o->all_held) {
		r = act_recon_all(a);
		if (r < 0)
			goto out;
		bad |= r;
	}
	for (int k = 0; k < o->n_args; k++) {
		const char *conn;
		int64_t seq, rn;

		if (review_recon_parse_id(o->args[k], &seq, &rn, &conn) == 0) {
			r = act_recon(a, seq, rn, conn);
			if (r < 0)
				goto out;
			bad |= r;
			continue;
		}
		if (parse_id(o->args[k], &seq, &conn)) {
			fprintf(stderr,
			        "provhost review: \"%s\" is not an item id "
			        "(SEQ:CONNECTION or R<RUN>-<N>:CONNECTION, see "
			        "provhost review)\n",
			        o->args[k]);
			bad = 1;
			continue;
		}
		r = act_one(a, seq, conn, find_row(rows, n, seq, conn));
		if (r < 0)
			goto out;
		bad |= r;
	}
	rc = bad;
out:
	free(rows);
	return rc;
}

/* The connection link and unlink act on: --connection, or the only one.
 * NULL (message printed) when it cannot be told. */
static const char *the_connection(const struct act *a)
{
	const struct config *cfg = a->cfg;

	if (a->o->connection) {
		if (config_find_connection(cfg, a->o->connection))
			return a->o->connection;
		fprintf(stderr,
		        "provhost review: no connection \"%s\" in the "
		        "configuration\n",
		        a->o->connection);
		return NULL;
	}
	if (cfg->n_connections == 1)
		return cfg->connections[0].name;
	fprintf(stderr,
	        "provhost review: the configuration has %zu "
	        "connections: name one with --connection NAME\n",
	        cfg->n_connections);
	return NULL;
}

static int act_link(struct act *a)
{
	const char *conn = the_connection(a), *employee = a->o->args[0];
	const char *account =
	        a->o->action == REVIEW_LINK ? a->o->args[1] : NULL;
	char *text = NULL, other[256] = "";
	int64_t released = 0;
	int rc;

	if (!conn)
		return 1;
	if (asprintf(&text, "%s by %s: %s", account ? "linked" : "unlinked",
	             a->who, a->why) < 0) {
		fprintf(stderr, "provhost: out of memory\n");
		return -1;
	}
	if (account)
		rc = ledger_review_link(a->l, conn, employee, account, text,
		                        clock_wall_s(), other, &released);
	else
		rc = ledger_review_unlink(a->l, conn, employee, text,
		                          clock_wall_s(), other, &released);
	free(text);
	if (rc < 0) {
		fprintf(stderr, "provhost: %s\n", ledger_last_error());
		return -1;
	}
	if (rc == LEDGER_LINK_TAKEN || rc == 4) {
		fprintf(stderr,
		        "provhost review: not linked: %s (one person, one "
		        "account: unlink it first)\n",
		        ledger_last_error());
		return 1;
	}
	if (rc == 1) {
		fprintf(stderr,
		        "provhost review: employee %s has no link on "
		        "connection \"%s\"\n",
		        employee, conn);
		return 1;
	}
	if (account)
		printf("employee %s linked to account %s on connection \"%s\"",
		       employee, account, conn);
	else
		printf("employee %s unlinked from account %s on connection "
		       "\"%s\"",
		       employee, other, conn);
	printf("; %lld disputed item%s released: the next run applies %s\n",
	       (long long)released, released == 1 ? "" : "s",
	       released == 1 ? "it" : "them");
	a->released |= released > 0;
	return record(a, account ? "link" : "unlink", NULL, conn, employee,
	              account ? account : other,
	              released ? "released" : "linked");
}

int review_act(struct ledger **l, const struct config *cfg,
               const struct review_opts *o)
{
	struct act a = {.l = *l, .cfg = cfg, .o = o};
	struct run_options ro = {0};
	char err[8192];
	int r;

	reviewer(a.who, sizeof(a.who));
	a.why = o->reason && *o->reason ? o->reason : "(no reason given)";
	if (audit_open(&a.audit, cfg->audit_file, err, sizeof(err))) {
		fprintf(stderr, "provhost: %s\n", err);
		return EXIT_USAGE;
	}
	if (o->action == REVIEW_LINK || o->action == REVIEW_UNLINK)
		r = act_link(&a);
	else
		r = act_items(&a);
	audit_close(&a.audit);
	if (r < 0)
		return EXIT_USAGE;
	if (!o->now || r)
		return r ? EXIT_FAILED : EXIT_DONE;
	if (!a.released) {
		printf("nothing was released: no run\n");
		return EXIT_DONE;
	}
	/* the run takes the ledger's lock and opens it itself */
	ledger_close(*l);
	*l = NULL;
	ro.config_path = o->config;
	ro.connection = o->connection;
	ro.input = "/dev/null";
	ro.progress = 0;
	return run_execute(&ro);
}
