/* provhost run: option parsing; the work is in run.c. */
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_run_options.h"
#include "engine/run.h"
#include "util/exit_codes.h"
#include "util/log.h"

const char cmd_run_usage[] =
        "usage: provhost run [-c FILE] [--connection NAME] [--dry-run]\n"
        "                    [--allow-mass-deprovision] [--reject-file FILE]\n"
        "                    [--audit FILE] [--plugin-dir DIR] [--progress|"
        "--no-progress]\n"
        "                    [--format jsonl|json|csv] [--input NAME]\n"
        "                    INPUT|-\n"
        "\n"
        "Apply HR lifecycle events (JSON Lines from a file, a named FIFO, or\n"
        "- for stdin) to every configured connection, or only to\n"
        "--connection NAME. Every accepted event is stored in the ledger\n"
        "before it is applied; events left pending by an interrupted or\n"
        "stopped run are finished by the next run, and events already done\n"
        "are skipped.\n"
        "\n"
        "INPUT may also be a JSON array of events, or an HR export: a CSV\n"
        "file (or a JSON roster) with one row per person, read through an\n"
        "\"inputs\" section of the configuration that maps its columns.\n"
        "Each row is compared with the person's stored record and becomes\n"
        "the events it implies (hire, update of the changed attributes\n"
        "only, leave, return, terminate on its date, rehire); an unchanged\n"
        "row sends nothing. A bad row is rejected with its row number.\n"
        "The format comes from --input, --format, the file name (.csv,\n"
        ".json, .jsonl) or the content; content that contradicts it is an\n"
        "error saying what to pass.\n"
        "\n"
        "  -c, --config FILE         configuration file (default\n"
        "                            $PROVHOST_CONFIG, else\n"
        "                            /etc/provhost/provhost.json)\n"
        "  --connection NAME         apply to this connection only\n"
        "  --dry-run                 send no write to any target and change\n"
        "                            nothing in the ledger; print each "
        "planned\n"
        "                            change as a \"plan:\" line; a person's\n"
        "                            later events are planned against the\n"
        "                            planned result of their earlier ones\n"
        "  --allow-mass-deprovision  go on when the run would deprovision "
        "more\n"
        "                            accounts than the policy's\n"
        "                            max_deprovisions_per_run\n"
        "  --reject-file FILE        append each rejected line, with its line\n"
        "                            number and reason, to FILE\n"
        "  --audit FILE              append one JSON line per target "
        "operation\n"
        "                            to FILE (default: the configuration's\n"
        "                            audit_file), one per decision (rules,\n"
        "                            roles, what changed, why), and lines for\n"
        "                            the run's start, stop and authenticate\n"
        "  --plugin-dir DIR          load connectors from DIR instead of the\n"
        "                            configured plugin directory\n"
        "  --progress, --no-progress progress line on stderr (default: when\n"
        "                            stderr is a terminal)\n"
        "  --format jsonl|json|csv   the input's format (default: from\n"
        "                            --input, the file name, the content)\n"
        "  --input NAME              read INPUT as the configuration's input\n"
        "                            NAME (its format and column mapping)\n"
        "\n"
        "Exit status: 0 everything done; 1 some events failed or were\n"
        "rejected (listed in the summary); 4 the run finished but left\n"
        "items waiting for a person: held (by the mass-deprovision guard,\n"
        "which holds the deprovisions and lets the rest go on, or as a\n"
        "possible re-sent event) or disputed; see provhost review (1 wins\n"
        "over 4); 2 usage or configuration error; 3 the run stopped early\n"
        "(a connection was unusable, SIGINT/SIGTERM,\n"
        "the ledger, audit or reject file could not be written (a full\n"
        "disk), or another run holds the ledger) and events were left\n"
        "pending for a re-run. Audit and reject lines are written whole or\n"
        "not at all. A\n"
        "second SIGINT/SIGTERM ends the run at once, without waiting for\n"
        "calls in flight; so does a connector call still running\n"
        "engine.watchdog_grace_ms after its deadline, or a connector\n"
        "calling exit() (all exit 3).\n"
        "\n"
        "A secret near or past its \"expires\" is warned about on stderr.\n"
        "With a \"notify\" section, a real (not dry) run that stopped\n"
        "early, had failures, left items for review or had its credentials\n"
        "rejected sends one notification (webhooks, command), and a due\n"
        "token one a day; a notification that fails is logged and audited\n"
        "and never changes the exit status.\n";

int cmd_run(int argc, char **argv)
{
	struct run_options opt = {.progress = -1};
	int code, first;

	first = cli_run_options(argc, argv, cmd_run_usage, &opt, &code);
	if (first < 0)
		return code;
	if (first == argc)
		return cli_usage_error(
		        argv[0], "missing INPUT (a JSON Lines file, a CSV "
		                 "export, ..., or - for stdin)");
	if (first + 1 < argc)
		return cli_usage_error(argv[0], "unexpected argument \"%s\"",
		                       argv[first + 1]);
	opt.input = argv[first];
	return run_execute(&opt);
}
