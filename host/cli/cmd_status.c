/* provhost status and provhost history: read-only views of the ledger. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/cli_ledger.h"
#include "config/config.h"
#include "ledger/ledger.h"
#include "lifecycle/decision.h"
#include "util/clock.h"
#include "util/exit_codes.h"
#include "util/text_escape.h"

const char cmd_status_usage[] =
        "usage: provhost status [-c FILE]\n"
        "\n"
        "Per connection: events pending, not yet effective (and how many are\n"
        "due), done, failed, rejected, skipped, held for review and disputed\n"
        "(two employees, one account or work email: nothing sent); accounts\n"
        "linked; then the last run and its summary (with why each connection\n"
        "it stopped early stopped: guard, breaker, credentials, signal, a\n"
        "full disk), and how many input lines were rejected.\n"
        "\n"
        "  -c, --config FILE  configuration file (default $PROVHOST_CONFIG,\n"
        "                     else /etc/provhost/provhost.json)\n"
        "\n"
        "Exit status: 0, or 2 when the configuration or ledger cannot be "
        "read.\n";

const char cmd_history_usage[] =
        "usage: provhost history [-c FILE] EMPLOYEE_ID\n"
        "\n"
        "Every event of one person, oldest first, with its outcome on each\n"
        "connection: state, outcome, account id, attempts and the last error\n"
        "(for a disputed event: both employees and the account), and its\n"
        "decision: the action, why, the role rules that matched, the roles,\n"
        "and the HR attributes the event changed (old -> new; the mapping's\n"
        "\"sensitive\" attributes masked).\n"
        "\n"
        "  -c, --config FILE  configuration file (default $PROVHOST_CONFIG,\n"
        "                     else /etc/provhost/provhost.json)\n"
        "\n"
        "Exit status: 0, 1 when the ledger has no event for EMPLOYEE_ID, 2 on\n"
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

int cmd_status(int argc, char **argv)
{
	struct cli_common opts;
	struct config *cfg = NULL;
	struct ledger *l = NULL;
	struct ledger_status *rows = NULL;
	struct ledger_run last;
	char started[40], finished[40];
	int64_t rejects = 0;
	size_t n = 0, i;
	int first, rc;

	first = cli_parse_common(argc, argv, CLI_OPT_CONFIG, &opts);
	if (first < 0)
		return EXIT_USAGE;
	if (first < argc)
		return cli_usage_error(argv[0], "unexpected argument \"%s\"",
		                       argv[first]);
	rc = cli_open_ledger(opts.config, &cfg, &l);
	if (rc) {
		config_free(cfg);
		return rc == 1 ? EXIT_DONE : rc;
	}
	rc = EXIT_USAGE;
	if (ledger_status(l, clock_wall_s(), &rows, &n) ||
	    ledger_reject_count(l, &rejects)) {
		fprintf(stderr, "provhost: %s\n", ledger_last_error());
		goto out;
	}
	printf("ledger %s\n", cfg->ledger_path);
	for (i = 0; i < n; i++)
		print_connection_status(&rows[i]);
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

int cmd_history(int argc, char **argv)
{
	struct cli_common opts;
	struct config *cfg = NULL;
	struct ledger *l = NULL;
	struct ledger_history_row *rows = NULL;
	size_t n = 0, i;
	int first, rc;

	first = cli_parse_common(argc, argv, CLI_OPT_CONFIG, &opts);
	if (first < 0)
		return EXIT_USAGE;
	if (first == argc)
		return cli_usage_error(argv[0], "missing EMPLOYEE_ID");
	if (first + 1 < argc)
		return cli_usage_error(argv[0], "unexpected argument \"%s\"",
		                       argv[first + 1]);
	rc = cli_open_ledger(opts.config, &cfg, &l);
	if (rc) {
		config_free(cfg);
		return rc == 1 ? EXIT_FAILED : rc;
	}
	if (ledger_history(l, argv[first], &rows, &n)) {
		fprintf(stderr, "provhost: %s\n", ledger_last_error());
		rc = EXIT_USAGE;
		goto out;
	}
	if (n == 0) {
		printf("no events for employee \"%s\"\n", argv[first]);
		rc = EXIT_FAILED;
		goto out;
	}
	printf("employee %s: %zu event%s\n", argv[first], n, n == 1 ? "" : "s");
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
	rc = EXIT_DONE;
out:
	free(rows);
	ledger_close(l);
	config_free(cfg);
	return rc;
}
