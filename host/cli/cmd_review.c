/* provhost review: the work waiting for a person (held, disputed, failed,
 * rejected) and the person's decisions on it (approve, discard). Every
 * decision is stored in the ledger and the audit file with who took it
 * and why. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_ledger.h"
#include "cli/state_json.h"
#include "config/config.h"
#include "engine/audit.h"
#include "ledger/ledger.h"
#include "util/clock.h"
#include "util/exit_codes.h"
#include "util/text_escape.h"

const char cmd_review_usage[] =
        "usage: provhost review [-c FILE] [--connection NAME] [--json]\n"
        "       provhost review approve [-c FILE] ID...|--all-held "
        "[--reason TEXT]\n"
        "       provhost review discard [-c FILE] ID... --reason TEXT\n"
        "\n"
        "Without a subcommand: every item waiting for a person, per\n"
        "connection: held (by the mass-deprovision guard or as a possible\n"
        "re-sent event), disputed, failed and rejected work, with its id\n"
        "(SEQ:CONNECTION, SEQ being the event's number in the ledger), the\n"
        "person, the event kind, the state and the reason.\n"
        "\n"
        "approve releases held items: they become pending and the next run\n"
        "applies them; the mass-deprovision guard does not hold or count\n"
        "them again. discard ends held, disputed or failed items: they are\n"
        "never sent (state skipped, outcome \"discarded\"). Each decision\n"
        "is recorded in the ledger (provhost history shows it) and in the\n"
        "audit file when one is configured, with who took it ($SUDO_USER,\n"
        "else the login name) and why.\n"
        "\n"
        "  -c, --config FILE  configuration file (default $PROVHOST_CONFIG,\n"
        "                     else /etc/provhost/provhost.json)\n"
        "  --connection NAME  only this connection (list, --all-held)\n"
        "  --json             the list as one JSON document (schema\n"
        "                     \"provhost/v1\", kind \"review\": \"items\")\n"
        "  --all-held         approve every held item\n"
        "  --reason TEXT      why (required for discard)\n"
        "\n"
        "Exit status: 0; 1 when an ID is unknown or its state does not\n"
        "allow the decision (the other IDs are still decided); 2 on a\n"
        "usage, configuration or ledger error.\n";

enum { OPT_CONNECTION = 256, OPT_JSON, OPT_ALL_HELD, OPT_REASON };

struct review_opts {
	const char *config;
	const char *connection;
	const char *reason;
	bool json;
	bool all_held;
};

/* Who takes the decision: the user sudo ran us for, else our login. */
static void reviewer(char *buf, size_t len)
{
	const char *who = getenv("SUDO_USER");
	struct passwd *pw;

	if (!who || !*who) {
		pw = getpwuid(geteuid());
		who = pw ? pw->pw_name : NULL;
	}
	if (who)
		snprintf(buf, len, "%s", who);
	else
		snprintf(buf, len, "uid %u", (unsigned)geteuid());
}

static void print_text(const struct ledger_review_row *r, size_t n)
{
	const char *conn = NULL;
	size_t i;

	if (!n) {
		printf("nothing waits for review\n");
		return;
	}
	for (i = 0; i < n; i++) {
		char *esc = text_escape_dup(r[i].reason);

		if (!conn || strcmp(conn, r[i].connection)) {
			conn = r[i].connection;
			printf("connection \"%s\":\n", conn);
		}
		printf("  %lld:%s  %s  %s  %s (%s)\n", (long long)r[i].seq,
		       r[i].connection, ledger_state_name(r[i].state),
		       r[i].employee_id, event_kind_name(r[i].kind),
		       r[i].event_id);
		printf("      %s\n", esc ? esc : "(out of memory)");
		free(esc);
	}
}

static int print_json(const struct ledger_review_row *r, size_t n)
{
	json_t *arr = json_array(), *doc;
	char id[200];
	size_t i;

	if (!arr)
		return -1;
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%lld:%s", (long long)r[i].seq,
		         r[i].connection);
		json_array_append_new(
		        arr,
		        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
		                  id, "connection", r[i].connection, "event",
		                  r[i].event_id, "employee", r[i].employee_id,
		                  "kind", event_kind_name(r[i].kind), "state",
		                  ledger_state_name(r[i].state), "reason",
		                  r[i].reason));
	}
	/* the state schema's review document (cli/state_json.h) */
	doc = state_json_doc("review");
	if (!doc) {
		json_decref(arr);
		return -1;
	}
	json_object_set_new(doc, "items", arr);
	return state_json_print(doc);
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

/* Decides one item and records it in the audit file. Returns 0, 1 (not
 * decided: message printed) or -1 (ledger or audit error). */
static int decide_one(struct ledger *l, struct audit *audit, int64_t seq,
                      const char *conn, const char *event_id,
                      const char *employee_id, bool approve, const char *text)
{
	struct audit_record ar = {0};
	char err[600];
	int rc;

	rc = ledger_review_decide(l, seq, conn, approve, text, clock_wall_s());
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
		fprintf(stderr,
		        "provhost review: item %lld:%s is not %s: not "
		        "changed\n",
		        (long long)seq, conn,
		        approve ? "held" : "held, disputed or failed");
		return 1;
	}
	ar.event_id = event_id;
	ar.employee_id = employee_id;
	ar.connection = conn;
	ar.operation = "review";
	ar.status = approve ? "approved" : "discarded";
	ar.error = text;
	if (audit_write(audit, &ar, err, sizeof(err))) {
		fprintf(stderr, "provhost: %s\n", err);
		return -1;
	}
	printf("%lld:%s %s\n", (long long)seq, conn,
	       approve ? "approved: pending, the next run applies it"
	               : "discarded: never sent");
	return 0;
}

/* Finds item seq:conn in rows (for its event and employee), or NULL. */
static const struct ledger_review_row *
find_row(const struct ledger_review_row *r, size_t n, int64_t seq,
         const char *conn)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].seq == seq && !strcmp(r[i].connection, conn))
			return &r[i];
	return NULL;
}

static int decide(struct ledger *l, const struct config *cfg,
                  const struct review_opts *o, bool approve, char **ids,
                  int n_ids)
{
	struct ledger_review_row *rows = NULL;
	struct audit audit = {0};
	char who[256], err[8192], *text = NULL;
	size_t n = 0, i;
	int rc = EXIT_USAGE, r, bad = 0;

	reviewer(who, sizeof(who));
	if (asprintf(&text, "%s by %s: %s", approve ? "approved" : "discarded",
	             who, o->reason ? o->reason : "(no reason given)") < 0) {
		fprintf(stderr, "provhost: out of memory\n");
		return EXIT_USAGE;
	}
	if (audit_open(&audit, cfg->audit_file, err, sizeof(err))) {
		fprintf(stderr, "provhost: %s\n", err);
		goto out;
	}
	if (ledger_review_list(l, o->connection, &rows, &n)) {
		fprintf(stderr, "provhost: %s\n", ledger_last_error());
		goto out;
	}
	if (o->all_held) {
		for (i = 0; i < n; i++) {
			if (rows[i].state != LEDGER_HELD)
				continue;
			r = decide_one(l, &audit, rows[i].seq,
			               rows[i].connection, rows[i].event_id,
			               rows[i].employee_id, true, text);
			if (r < 0)
				goto out;
			bad |= r;
		}
	}
	for (int k = 0; k < n_ids; k++) {
		const struct ledger_review_row *row;
		const char *conn;
		int64_t seq;

		if (parse_id(ids[k], &seq, &conn)) {
			fprintf(stderr,
			        "provhost review: \"%s\" is not an item id "
			        "(SEQ:CONNECTION, see provhost review)\n",
			        ids[k]);
			bad = 1;
			continue;
		}
		row = find_row(rows, n, seq, conn);
		r = decide_one(l, &audit, seq, conn, row ? row->event_id : NULL,
		               row ? row->employee_id : NULL, approve, text);
		if (r < 0)
			goto out;
		bad |= r;
	}
	rc = bad ? EXIT_FAILED : EXIT_DONE;
out:
	audit_close(&audit);
	free(rows);
	free(text);
	return rc;
}

int cmd_review(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"config", required_argument, NULL, 'c'},
	        {"connection", required_argument, NULL, OPT_CONNECTION},
	        {"json", no_argument, NULL, OPT_JSON},
	        {"all-held", no_argument, NULL, OPT_ALL_HELD},
	        {"reason", required_argument, NULL, OPT_REASON},
	        {NULL, 0, NULL, 0},
	};
	struct review_opts o = {0};
	struct ledger_review_row *rows = NULL;
	struct config *cfg = NULL;
	struct ledger *l = NULL;
	const char *sub = NULL;
	size_t n = 0;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o.config = optarg;
			break;
		case OPT_CONNECTION:
			o.connection = optarg;
			break;
		case OPT_JSON:
			o.json = true;
			break;
		case OPT_ALL_HELD:
			o.all_held = true;
			break;
		case OPT_REASON:
			o.reason = optarg;
			break;
		case ':':
			return cli_usage_error(argv[0], "%s needs a value",
			                       argv[optind - 1]);
		default:
			return cli_usage_error(argv[0], "unknown option \"%s\"",
			                       argv[optind - 1]);
		}
	}
	if (optind < argc)
		sub = argv[optind++];
	if (sub && strcmp(sub, "approve") && strcmp(sub, "discard"))
		return cli_usage_error(argv[0], "unknown subcommand \"%s\"",
		                       sub);
	if (!sub && (o.all_held || o.reason))
		return cli_usage_error(argv[0], "--all-held and --reason need "
		                                "approve or discard");
	if (sub && !strcmp(sub, "discard") && (!o.reason || !*o.reason))
		return cli_usage_error(argv[0], "discard needs --reason TEXT");
	if (sub && !strcmp(sub, "discard") && o.all_held)
		return cli_usage_error(argv[0], "--all-held is for approve");
	if (sub && optind == argc && !o.all_held)
		return cli_usage_error(argv[0],
		                       "%s needs an ID (or --all-held)", sub);
	rc = cli_open_ledger(o.config, &cfg, &l);
	if (rc) {
		config_free(cfg);
		return rc == 1 && !sub ? EXIT_DONE : rc;
	}
	if (sub) {
		rc = decide(l, cfg, &o, !strcmp(sub, "approve"), argv + optind,
		            argc - optind);
		goto out;
	}
	rc = EXIT_USAGE;
	if (ledger_review_list(l, o.connection, &rows, &n)) {
		fprintf(stderr, "provhost: %s\n", ledger_last_error());
		goto out;
	}
	if (o.json ? print_json(rows, n) : (print_text(rows, n), 0)) {
		fprintf(stderr, "provhost: out of memory\n");
		goto out;
	}
	rc = EXIT_DONE;
out:
	free(rows);
	ledger_close(l);
	config_free(cfg);
	return rc;
}
