/* provhost review: the work waiting for a person (held, disputed, failed,
 * rejected), and the command line of the person's decisions on it
 * (cmd_review_act.c takes them). */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_ledger.h"
#include "cli/cmd_review.h"
#include "cli/state_json.h"
#include "config/config.h"
#include "ledger/ledger.h"
#include "lifecycle/decision.h"
#include "util/exit_codes.h"
#include "util/text_escape.h"

const char cmd_review_usage[] =
        "usage: provhost review [-c FILE] [--connection NAME] [--json]\n"
        "       provhost review approve [-c FILE] ID...|--all-held "
        "[--reason TEXT] [--now]\n"
        "       provhost review discard [-c FILE] ID... --reason TEXT\n"
        "       provhost review retry [-c FILE] ID...|--rejected "
        "[--reason TEXT] [--now]\n"
        "       provhost review link [-c FILE] EMPLOYEE ACCOUNT "
        "[--connection NAME] [--reason TEXT] [--now]\n"
        "       provhost review unlink [-c FILE] EMPLOYEE "
        "[--connection NAME] [--reason TEXT] [--now]\n"
        "\n"
        "Without a subcommand: every item waiting for a person, per\n"
        "connection: held (by the mass-deprovision guard, by supervised\n"
        "mode, as a changed plan or as a possible re-sent event), disputed,\n"
        "failed and rejected work, with its id (SEQ:CONNECTION, SEQ being\n"
        "the event's number in the ledger), the person, the event kind, the\n"
        "state, the reason and, for held work, what would be sent (for the\n"
        "rest, what the run decided: \"decided: ACTION: REASON; rules ...;\n"
        "roles ...\"). Then the reconcile repairs supervised mode holds (an\n"
        "orphan's deactivation, a link; ID R<RUN>-<N>:CONNECTION, from the\n"
        "latest reconcile --repair): approve lets the next provhost\n"
        "reconcile --repair apply it once (for the same account and\n"
        "employee), discard is a decision: later --repair runs leave that\n"
        "account as it is (repair \"kept\") without asking again;\n"
        "--all-held approves them too; --now does not run reconcile.\n"
        "\n"
        "approve releases held items: they become pending and the next run\n"
        "(or --now) applies them; the guard and supervision do not hold\n"
        "them again. The approval binds to the plan shown: when what would\n"
        "be sent differs at run time, the item is held again with a reason\n"
        "saying the plan changed. discard ends held, disputed or failed\n"
        "items: they are never sent (state skipped, outcome \"discarded\").\n"
        "retry re-decides rejected events (after a mapping fix): each\n"
        "becomes pending and the next run decides it against the\n"
        "configuration of that day, unless the person moved on since (a\n"
        "later event was applied, or they left): then replaying it would\n"
        "undo their current state, and it ends as superseded (a retried\n"
        "hire of someone terminated since creates nothing).\n"
        "link records that EMPLOYEE's account on the connection is ACCOUNT\n"
        "(the target's account id) and unlink removes their link; both keep\n"
        "one person one account (an account linked to someone else, or a\n"
        "person linked to another account, is refused) and release the\n"
        "person's disputed items (unlink: also those disputed over that\n"
        "account) so the next run converges the account.\n"
        "Each action is recorded in the ledger (provhost history shows it)\n"
        "and in the audit file when one is configured, with who took it\n"
        "($SUDO_USER, else the login user, else the OS user) and why.\n"
        "\n"
        "  -c, --config FILE  configuration file (default $PROVHOST_CONFIG,\n"
        "                     else /etc/provhost/provhost.json)\n"
        "  --connection NAME  only this connection (list, --all-held,\n"
        "                     --rejected); the connection of link and\n"
        "                     unlink (needed when there are several)\n"
        "  --json             the list as one JSON document (schema\n"
        "                     \"provhost/v1\", kind \"review\": \"items\",\n"
        "                     and \"reconcile\" for reconcile repairs)\n"
        "  --all-held         approve every held item\n"
        "  --rejected         retry every rejected item\n"
        "  --reason TEXT      why (required for discard)\n"
        "  --now              run the released work right away (provhost\n"
        "                     run with no new input: everything\n"
        "                     outstanding on the connection, in order);\n"
        "                     the exit status is then the run's\n"
        "\n"
        "Exit status: 0; 1 when an ID is unknown or its state does not\n"
        "allow the action, or a link is refused (the other IDs are still\n"
        "decided); 2 on a usage, configuration or ledger error; with --now,\n"
        "the run's exit status when the actions succeeded.\n";

enum {
	OPT_CONNECTION = 256,
	OPT_JSON,
	OPT_ALL_HELD,
	OPT_REASON,
	OPT_REJECTED,
	OPT_NOW
};

/* The decision the run made for an item without a plan to show (failed,
 * disputed, rejected), as one line (new string, made safe to print), or
 * NULL. */
static char *decision_shown(const struct ledger_review_row *r)
{
	char *text, *esc;

	if (!r->decision[0])
		return NULL;
	text = decision_text_of_json(r->decision);
	esc = text ? text_escape_dup(text) : NULL;
	free(text);
	return esc;
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
		char *plan = r[i].plan[0] ? text_escape_dup(r[i].plan) : NULL;
		char *decided = decision_shown(&r[i]);

		if (!conn || strcmp(conn, r[i].connection)) {
			conn = r[i].connection;
			printf("connection \"%s\":\n", conn);
		}
		printf("  %lld:%s  %s  %s  %s (%s)\n", (long long)r[i].seq,
		       r[i].connection, ledger_state_name(r[i].state),
		       r[i].employee_id, event_kind_name(r[i].kind),
		       r[i].event_id);
		printf("      %s\n", esc ? esc : "(out of memory)");
		if (plan && r[i].state == LEDGER_HELD)
			printf("      would send: %s\n", plan);
		else if (decided)
			printf("      decided: %s\n", decided);
		free(esc);
		free(plan);
		free(decided);
	}
}

static int print_json(struct ledger *l, const char *connection,
                      const struct ledger_review_row *r, size_t n)
{
	json_t *arr = json_array(), *obj, *doc, *recon, *decision;
	char id[200];
	size_t i;

	if (!arr)
		return -1;
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%lld:%s", (long long)r[i].seq,
		         r[i].connection);
		obj = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", id,
		                "connection", r[i].connection, "event",
		                r[i].event_id, "employee", r[i].employee_id,
		                "kind", event_kind_name(r[i].kind), "state",
		                ledger_state_name(r[i].state), "reason",
		                r[i].reason);
		if (!obj)
			continue;
		json_object_set_new(obj, "change",
		                    r[i].change[0] ? json_string(r[i].change)
		                                   : json_null());
		json_object_set_new(obj, "plan",
		                    r[i].plan[0] && r[i].state == LEDGER_HELD
		                            ? json_string(r[i].plan)
		                            : json_null());
		decision = r[i].decision[0] ? json_loads(r[i].decision, 0, NULL)
		                            : NULL;
		json_object_set_new(obj, "decision",
		                    json_is_object(decision) ? decision
		                                             : json_null());
		if (decision && !json_is_object(decision))
			json_decref(decision);
		json_array_append_new(arr, obj);
	}
	/* the state schema's review document (cli/state_json.h) */
	doc = state_json_doc("review");
	if (!doc) {
		json_decref(arr);
		return -1;
	}
	json_object_set_new(doc, "items", arr);
	/* reconcile repairs held by supervised mode (cmd_review_recon.c) */
	recon = review_recon_json(l, connection);
	if (!recon) {
		json_decref(doc);
		return -1;
	}
	json_object_set_new(doc, "reconcile", recon);
	return state_json_print(doc);
}

static const struct {
	const char *name;
	enum review_action action;
} subcommands[] = {
        {"approve", REVIEW_APPROVE}, {"discard", REVIEW_DISCARD},
        {"retry", REVIEW_RETRY},     {"link", REVIEW_LINK},
        {"unlink", REVIEW_UNLINK},
};

/* Checks the options and operands fit the subcommand; 0 or EXIT_USAGE. */
static int check_usage(const char *cmd, const struct review_opts *o)
{
	enum review_action a = o->action;

	if (a == REVIEW_LIST &&
	    (o->all_held || o->rejected || o->reason || o->now))
		return cli_usage_error(cmd, "--all-held, --rejected, --reason "
		                            "and --now need a subcommand");
	if (a != REVIEW_LIST && o->json)
		return cli_usage_error(cmd, "--json is for the list");
	if (o->all_held && a != REVIEW_APPROVE)
		return cli_usage_error(cmd, "--all-held is for approve");
	if (o->rejected && a != REVIEW_RETRY)
		return cli_usage_error(cmd, "--rejected is for retry");
	if (a == REVIEW_DISCARD && (!o->reason || !*o->reason))
		return cli_usage_error(cmd, "discard needs --reason TEXT");
	if (a == REVIEW_DISCARD && o->now)
		return cli_usage_error(cmd, "--now is not for discard (nothing "
		                            "is sent)");
	if ((a == REVIEW_APPROVE || a == REVIEW_DISCARD) && !o->n_args &&
	    !o->all_held)
		return cli_usage_error(cmd, "%s needs an ID (or --all-held)",
		                       a == REVIEW_APPROVE ? "approve"
		                                           : "discard");
	if (a == REVIEW_RETRY && !o->n_args && !o->rejected)
		return cli_usage_error(cmd,
		                       "retry needs an ID (or --rejected)");
	if (a == REVIEW_LINK && o->n_args != 2)
		return cli_usage_error(cmd, "link needs EMPLOYEE ACCOUNT");
	if (a == REVIEW_UNLINK && o->n_args != 1)
		return cli_usage_error(cmd, "unlink needs EMPLOYEE");
	if (a == REVIEW_LIST && o->n_args)
		return cli_usage_error(cmd, "unexpected \"%s\"", o->args[0]);
	return 0;
}

static int list(struct ledger *l, const struct review_opts *o)
{
	struct ledger_review_row *rows = NULL;
	size_t n = 0, n_recon = 0;
	int rc = EXIT_USAGE;

	if (ledger_review_list(l, o->connection, &rows, &n)) {
		fprintf(stderr, "provhost: %s\n", ledger_last_error());
		goto out;
	}
	if (o->json) {
		if (print_json(l, o->connection, rows, n)) {
			fprintf(stderr, "provhost: %s\n", ledger_last_error());
			goto out;
		}
	} else {
		if (n)
			print_text(rows, n);
		if (review_recon_text(l, o->connection, &n_recon)) {
			fprintf(stderr, "provhost: %s\n", ledger_last_error());
			goto out;
		}
		if (!n && !n_recon)
			print_text(rows, 0);
	}
	rc = EXIT_DONE;
out:
	free(rows);
	return rc;
}

int cmd_review(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"config", required_argument, NULL, 'c'},
	        {"connection", required_argument, NULL, OPT_CONNECTION},
	        {"json", no_argument, NULL, OPT_JSON},
	        {"all-held", no_argument, NULL, OPT_ALL_HELD},
	        {"rejected", no_argument, NULL, OPT_REJECTED},
	        {"reason", required_argument, NULL, OPT_REASON},
	        {"now", no_argument, NULL, OPT_NOW},
	        {NULL, 0, NULL, 0},
	};
	struct review_opts o = {0};
	struct config *cfg = NULL;
	struct ledger *l = NULL;
	size_t k;
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
		case OPT_REJECTED:
			o.rejected = true;
			break;
		case OPT_REASON:
			o.reason = optarg;
			break;
		case OPT_NOW:
			o.now = true;
			break;
		case ':':
			return cli_usage_error(argv[0], "%s needs a value",
			                       argv[optind - 1]);
		default:
			return cli_usage_error(argv[0], "unknown option \"%s\"",
			                       argv[optind - 1]);
		}
	}
	if (optind < argc) {
		for (k = 0; k < sizeof(subcommands) / sizeof(subcommands[0]);
		     k++)
			if (!strcmp(argv[optind], subcommands[k].name))
				break;
		if (k == sizeof(subcommands) / sizeof(subcommands[0]))
			return cli_usage_error(argv[0],
			                       "unknown subcommand \"%s\"",
			                       argv[optind]);
		o.action = subcommands[k].action;
		optind++;
	}
	o.args = argv + optind;
	o.n_args = argc - optind;
	rc = check_usage(argv[0], &o);
	if (rc)
		return rc;
	rc = cli_open_ledger(o.config, &cfg, &l);
	if (rc) {
		config_free(cfg);
		return rc == 1 && o.action == REVIEW_LIST ? EXIT_DONE : rc;
	}
	rc = o.action == REVIEW_LIST ? list(l, &o) : review_act(&l, cfg, &o);
	ledger_close(l);
	config_free(cfg);
	return rc;
}
