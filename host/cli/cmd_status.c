/* provhost status and provhost history: read-only views of the ledger. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/cli_ledger.h"
#include "cli/state_json.h"
#include "cli/status_reconcile.h"
#include "config/config.h"
#include "config/secret_expiry.h"
#include "ledger/ledger.h"
#include "lifecycle/decision.h"
#include "util/clock.h"
#include "util/exit_codes.h"
#include "util/text_escape.h"
#include "util/utf8.h"

const char cmd_status_usage[] =
        "usage: provhost status [-c FILE] [--json]\n"
        "\n"
        "Per connection: events pending, not yet effective (and how many are\n"
        "due), done, failed, rejected, skipped, held for review and disputed\n"
        "(two employees, one account or work email: nothing sent); accounts\n"
        "linked; the last reconcile (when, exit status, findings per class\n"
        "and repairs); then the last run and its summary (with why each "
        "connection\n"
        "it stopped early stopped: guard, breaker, credentials, signal, a\n"
        "full disk), and how many input lines were rejected. A secret\n"
        "whose \"expires\" is at most expiry_warn_days (30) days away, or\n"
        "past, is named with the day.\n"
        "\n"
        "  -c, --config FILE  configuration file (default $PROVHOST_CONFIG,\n"
        "                     else /etc/provhost/provhost.json)\n"
        "  --json             the same as one JSON document (schema\n"
        "                     \"provhost/v1\", kind \"status\"; see\n"
        "                     doc/schema/provhost-state-v1.json)\n"
        "\n"
        "Exit status: 0, or 2 when the configuration or ledger cannot be "
        "read.\n";

const char cmd_history_usage[] =
        "usage: provhost history [-c FILE] [--json] EMPLOYEE_ID\n"
        "       provhost history [-c FILE] [--json] --account ID\n"
        "       provhost history [-c FILE] [--json] --user-name NAME\n"
        "\n"
        "Every event of one person, oldest first, with its outcome on each\n"
        "connection: state, outcome, account id, attempts and the last error\n"
        "(for a disputed event: both employees and the account), and its\n"
        "decision: the action, why, the role rules that matched, the roles,\n"
        "and the HR attributes the event changed (old -> new; the mapping's\n"
        "\"sensitive\" attributes masked). The person may be named by an\n"
        "account id or a userName on any connection instead; every\n"
        "employee that ever had it is shown.\n"
        "\n"
        "  -c, --config FILE  configuration file (default $PROVHOST_CONFIG,\n"
        "                     else /etc/provhost/provhost.json)\n"
        "  --account ID       the employee(s) linked to, or ever given,\n"
        "                     account ID\n"
        "  --user-name NAME   the employee(s) holding userName NAME\n"
        "                     (compared case-insensitively)\n"
        "  --json             one JSON document (schema \"provhost/v1\",\n"
        "                     kind \"history\"), each target with its\n"
        "                     stored decision (or null)\n"
        "\n"
        "Exit status: 0, 1 when the ledger has no event for the person, 2 on\n"
        "a usage, configuration or ledger error.\n";

static void format_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t) {
		snprintf(buf, len, "-");
		return;
	}
	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%SZ", &tm);
}

static void print_connection_status(const struct ledger_status *s)
{
	printf("connection \"%s\":\n", s->connection);
	printf("  pending %lld | not yet effective %lld (due %lld) | done %lld "
	       "| failed %lld | rejected %lld | skipped %lld | held %lld "
	       "| disputed %lld\n",
	       (long long)s->count[LEDGER_PENDING],
	       (long long)s->count[LEDGER_NOT_YET_EFFECTIVE], (long long)s->due,
	       (long long)s->count[LEDGER_DONE],
	       (long long)s->count[LEDGER_FAILED],
	       (long long)s->count[LEDGER_REJECTED],
	       (long long)s->count[LEDGER_SKIPPED],
	       (long long)s->count[LEDGER_HELD],
	       (long long)s->count[LEDGER_DISPUTED]);
	if (s->count[LEDGER_HELD])
		printf("  %lld held for review: not applied by any run; see "
		       "provhost history EMPLOYEE_ID for the reason\n",
		       (long long)s->count[LEDGER_HELD]);
	if (s->count[LEDGER_DISPUTED])
		printf("  %lld disputed: nothing was sent for them; correct "
		       "the "
		       "HR data (see provhost history EMPLOYEE_ID for the "
		       "employees and account)\n",
		       (long long)s->count[LEDGER_DISPUTED]);
	printf("  accounts linked %lld (active %lld)\n", (long long)s->links,
	       (long long)s->links_active);
}

/* One line per connection the run stopped early, with the stored reason
 * (the summary's "Stopped"), so a 3 a.m. exit 3 explains itself later. */
static void print_stop_reasons(const char *summary)
{
	json_t *obj = json_loads(summary, 0, NULL), *conn;
	const char *name;
	char *esc;

	json_object_foreach(obj, name, conn)
	{
		const char *why =
		        json_string_value(json_object_get(conn, "Stopped"));

		if (!why)
			continue;
		esc = text_escape_dup(why);
		printf("  connection \"%s\" stopped: %s\n", name,
		       esc ? esc : why);
		free(esc);
	}
	json_decref(obj);
}

enum { OPT_JSON = 256, OPT_ACCOUNT, OPT_USER_NAME };

struct state_opts {
	const char *config;
	const char *account;   /* history --account */
	const char *user_name; /* history --user-name */
	bool json;
};

/* Parses status/history options (history: person true). Returns the
 * index of the first operand, or -1 after a usage error. */
static int parse_state_opts(int argc, char **argv, bool person,
                            struct state_opts *o)
{
	static const struct option longopts[] = {
	        {"config", required_argument, NULL, 'c'},
	        {"json", no_argument, NULL, OPT_JSON},
	        {"account", required_argument, NULL, OPT_ACCOUNT},
	        {"user-name", required_argument, NULL, OPT_USER_NAME},
	        {NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_ACCOUNT:
		case OPT_USER_NAME:
			if (!person) {
				cli_usage_error(
				        argv[0], "unknown option \"%s\"",
				        c == OPT_ACCOUNT ? "--account"
				                         : "--user-name");
				return -1;
			}
			*(c == OPT_ACCOUNT ? &o->account : &o->user_name) =
			        optarg;
			break;
		case ':':
			cli_usage_error(argv[0], "%s needs a value",
			                argv[optind - 1]);
			return -1;
		default:
			goto unknown;
		}
	}
	return optind;
unknown:
	cli_usage_error(argv[0], "unknown option \"%s\"", argv[optind - 1]);
	return -1;
}

/* Names each secret due or expired (secret_expiry.h). */
static void print_expiry(const struct connection *conn, const struct secret *s,
                         enum secret_expiry e, int64_t days_left, void *ctx)
{
	char msg[1200];

	(void)ctx;
	secret_expiry_message(conn, s, e, days_left, msg, sizeof(msg));
	printf("warning: %s\n", msg);
}

/* The status document before anything has run (no ledger file). */
static int status_json_empty(const struct config *cfg)
{
	return state_json_print(state_json_status_empty(cfg)) ? EXIT_USAGE : 1;
}

static int status_json(const struct config *cfg, struct ledger *l)
{
	if (state_json_print(state_json_status(cfg, l, clock_wall_s()))) {
		fprintf(stderr, "provhost: %s\n", ledger_last_error());
		return EXIT_USAGE;
	}
	return EXIT_DONE;
}

int cmd_status(int argc, char **argv)
{
	struct state_opts opts;
	struct config *cfg = NULL;
	struct ledger *l = NULL;
	struct ledger_status *rows = NULL;
	struct ledger_run last;
	char started[40], finished[40];
	int64_t rejects = 0;
	size_t n = 0, i;
	int first, rc;

	first = parse_state_opts(argc, argv, false, &opts);
	if (first < 0)
		return EXIT_USAGE;
	if (first < argc)
		return cli_usage_error(argv[0], "unexpected argument \"%s\"",
		                       argv[first]);
	rc = cli_open_ledger_quiet(opts.config, opts.json, &cfg, &l);
	if (rc) {
		if (rc == 1 && opts.json)
			rc = status_json_empty(cfg);
		else if (rc == 1)
			secret_expiry_each(cfg, NULL, secret_expiry_today(),
			                   print_expiry, NULL);
		config_free(cfg);
		return rc == 1 ? EXIT_DONE : rc;
	}
	if (opts.json) {
		rc = status_json(cfg, l);
		goto out;
	}
	rc = EXIT_USAGE;
	if (ledger_status(l, clock_wall_s(), &rows, &n) ||
	    ledger_reject_count(l, &rejects)) {
		fprintf(stderr, "provhost: %s\n", ledger_last_error());
		goto out;
	}
	printf("ledger %s\n", cfg->ledger_path);
	for (i = 0; i < n; i++) {
		print_connection_status(&rows[i]);
		if (status_reconcile_print(l, rows[i].connection)) {
			fprintf(stderr, "provhost: %s\n", ledger_last_error());
			goto out;
		}
	}
	printf("rejected input lines: %lld\n", (long long)rejects);
	switch (ledger_last_run(l, &last)) {
	case 0:
		format_time(last.started_at, started, sizeof(started));
		format_time(last.finished_at, finished, sizeof(finished));
		printf("last run %lld%s: %s, started %s, ", (long long)last.id,
		       last.dry_run ? " (dry run)" : "", last.source, started);
		if (last.finished_at)
			printf("finished %s, exit %d\n", finished,
			       last.exit_code);
		else
			printf("did not finish (interrupted?)\n");
		if (last.summary[0])
			printf("  summary: %s\n", last.summary);
		print_stop_reasons(last.summary);
		break;
	case 1:
		printf("no run recorded\n");
		break;
	default:
		fprintf(stderr, "provhost: %s\n", ledger_last_error());
		goto out;
	}
	secret_expiry_each(cfg, NULL, secret_expiry_today(), print_expiry,
	                   NULL);
	rc = EXIT_DONE;
out:
	free(rows);
	ledger_close(l);
	config_free(cfg);
	return rc;
}

/* Prints a stored reason on its own indented line, escaped (a ledger
 * written by an older provhost may hold raw control characters). */
static void print_reason(const char *reason)
{
	char *esc = text_escape_dup(reason);

	printf("      %s\n", esc ? esc : "(out of memory)");
	free(esc);
}

/* The target's decision, in its text form (lifecycle/decision.h), on its
 * own indented line; nothing for targets decided before decisions were
 * kept. */
static void print_decision(const char *json_text)
{
	char *text = json_text[0] ? decision_text_of_json(json_text) : NULL;
	char *esc = text ? text_escape_dup(text) : NULL;

	if (esc)
		printf("      decision %s\n", esc);
	free(esc);
	free(text);
}

static void print_history_row(const struct ledger_history_row *r)
{
	char eff[40], upd[40];
	const struct ledger_target *t = &r->target;

	format_time(r->has_effective ? r->effective : 0, eff, sizeof(eff));
	format_time(t->updated_at, upd, sizeof(upd));
	printf("#%lld %-9s %s (line %lld of %s) effective %s\n",
	       (long long)r->seq, event_kind_name(r->kind), r->event_id,
	       (long long)r->line_no, r->source, eff);
	/* a decision lists what changed itself, sensitive values masked */
	if (r->changes[0] && !r->decision[0]) {
		char *esc = text_escape_dup(r->changes);

		printf("    changed: %s\n", esc ? esc : "(out of memory)");
		free(esc);
	}
	if (!r->connection[0])
		return;
	printf("    %s: %s%s%s", r->connection, ledger_state_name(t->state),
	       t->outcome[0] ? " " : "", t->outcome);
	if (t->account_id[0])
		printf(", account %s", t->account_id);
	printf(", %d attempt%s", t->attempts, t->attempts == 1 ? "" : "s");
	if (t->http_status)
		printf(", HTTP %d", t->http_status);
	printf(", at %s\n", upd);
	if (t->last_error[0])
		print_reason(t->last_error);
	print_decision(r->decision);
}

/* Prints one employee's rows as people read them. */
static void print_history(const char *employee_id,
                          const struct ledger_history_row *rows, size_t n)
{
	size_t i;

	printf("employee %s: %zu event%s\n", employee_id, n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		/* rows of one event share seq: print its header once */
		if (i > 0 && rows[i].seq == rows[i - 1].seq) {
			struct ledger_history_row r = rows[i];

			r.seq = -1;
			printf("    %s: %s%s%s%s%s, %d attempt%s\n",
			       r.connection, ledger_state_name(r.target.state),
			       r.target.outcome[0] ? " " : "", r.target.outcome,
			       r.target.account_id[0] ? ", account " : "",
			       r.target.account_id, r.target.attempts,
			       r.target.attempts == 1 ? "" : "s");
			if (r.target.last_error[0])
				print_reason(r.target.last_error);
			print_decision(r.decision);
			continue;
		}
		print_history_row(&rows[i]);
	}
}

/* The employees the command names: the operand, or those found by
 * --account / --user-name. Returns 0 with *out (caller frees), or -1. */
static int history_people(struct ledger *l, const struct state_opts *o,
                          const char *employee_id, struct ledger_employee **out,
                          size_t *n)
{
	if (employee_id) {
		*out = calloc(1, sizeof(**out));
		if (!*out)
			return -1;
		snprintf((*out)->id, sizeof((*out)->id), "%s", employee_id);
		*n = 1;
		return 0;
	}
	return ledger_employees_by(
	        l, o->account ? LEDGER_FIND_ACCOUNT : LEDGER_FIND_USER_NAME,
	        o->account ? o->account : o->user_name, out, n);
}

/* The JSON document's "query": what the person was named by. */
static json_t *history_query(const struct state_opts *o, const char *emp)
{
	return o->account     ? json_pack("{s:s}", "account_id", o->account)
	       : o->user_name ? json_pack("{s:s}", "user_name", o->user_name)
	                      : json_pack("{s:s}", "employee_id", emp);
}

int cmd_history(int argc, char **argv)
{
	struct state_opts opts;
	struct config *cfg = NULL;
	struct ledger *l = NULL;
	struct ledger_history_row *rows = NULL;
	struct ledger_employee *people = NULL;
	json_t *doc = NULL, *events = NULL, *emps = NULL;
	const char *emp = NULL;
	size_t n = 0, n_people = 0, p, found = 0;
	int first, rc;

	first = parse_state_opts(argc, argv, true, &opts);
	if (first < 0)
		return EXIT_USAGE;
	if (opts.account && opts.user_name)
		return cli_usage_error(argv[0], "give --account or "
		                                "--user-name, not both");
	if (first < argc)
		emp = argv[first++];
	if (emp && (opts.account || opts.user_name))
		return cli_usage_error(
		        argv[0], "give EMPLOYEE_ID or %s, not both",
		        opts.account ? "--account" : "--user-name");
	if (!emp && !opts.account && !opts.user_name)
		return cli_usage_error(argv[0], "missing EMPLOYEE_ID (or "
		                                "--account ID, --user-name "
		                                "NAME)");
	if (first < argc)
		return cli_usage_error(argv[0], "unexpected argument \"%s\"",
		                       argv[first]);
	rc = cli_open_ledger_quiet(opts.config, opts.json, &cfg, &l);
	if (rc) {
		if (rc == 1 && opts.json)
			state_json_print(json_pack(
			        "{s:s, s:s, s:o, s:o, s:[], s:[]}", "schema",
			        STATE_JSON_SCHEMA, "kind", "history",
			        "generated_at", state_json_time(clock_wall_s()),
			        "query", history_query(&opts, emp), "employees",
			        "events"));
		config_free(cfg);
		return rc == 1 ? EXIT_FAILED : rc;
	}
	rc = EXIT_USAGE;
	if (history_people(l, &opts, emp, &people, &n_people)) {
		fprintf(stderr, "provhost: %s\n", ledger_last_error());
		goto out;
	}
	if (opts.json) {
		doc = state_json_doc("history");
		events = json_array();
		emps = json_array();
		if (!doc || !events || !emps)
			goto oom;
		json_object_set_new(doc, "query", history_query(&opts, emp));
	}
	for (p = 0; p < n_people; p++) {
		free(rows);
		rows = NULL;
		if (ledger_history(l, people[p].id, &rows, &n)) {
			fprintf(stderr, "provhost: %s\n", ledger_last_error());
			goto out;
		}
		if (!n)
			continue;
		found++;
		if (!opts.json) {
			print_history(people[p].id, rows, n);
			continue;
		}
		json_array_append_new(emps, utf8_json_string(people[p].id));
		if (state_json_history_events(events, l, people[p].id, rows, n))
			goto oom;
	}
	rc = found ? EXIT_DONE : EXIT_FAILED;
	if (opts.json) {
		json_object_set_new(doc, "employees", emps);
		json_object_set_new(doc, "events", events);
		emps = events = NULL;
		if (state_json_print(doc))
			rc = EXIT_USAGE;
		doc = NULL;
	} else if (!found) {
		if (opts.account)
			printf("no events for account \"%s\"\n", opts.account);
		else if (opts.user_name)
			printf("no events for userName \"%s\"\n",
			       opts.user_name);
		else
			printf("no events for employee \"%s\"\n", emp);
	}
	goto out;
oom:
	fprintf(stderr, "provhost: out of memory\n");
	rc = EXIT_USAGE;
out:
	json_decref(doc);
	json_decref(events);
	json_decref(emps);
	free(people);
	free(rows);
	ledger_close(l);
	config_free(cfg);
	return rc;
}
