/* provhost sync: option parsing; the work is in engine/run_sync.c. */
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_run_options.h"
#include "engine/run.h"
#include "util/exit_codes.h"
#include "util/log.h"

const char cmd_sync_usage[] =
        "usage: provhost sync [-c FILE] [--input NAME] [--as-of YYYY-MM-DD]\n"
        "                     [--connection NAME]\n"
        "                     [--dry-run] [--allow-mass-deprovision]\n"
        "                     [--reject-file FILE] [--audit FILE]\n"
        "                     [--plugin-dir DIR] [--progress|--no-progress]\n"
        "                     SNAPSHOT\n"
        "\n"
        "Apply a whole-roster snapshot: SNAPSHOT lists every employee (an HR\n"
        "export read by a roster input of the \"inputs\" section: CSV with\n"
        "a column mapping, or JSON). provhost compares it\n"
        "with the person records in its ledger and derives the events\n"
        "itself: a new active person is hired, changed attributes are one\n"
        "update with only those (an unchanged person costs no request),\n"
        "status terminated or a termination date terminates effective\n"
        "that date, leave and return follow the status, a terminated\n"
        "person who is active again is rehired. A person the ledger knows\n"
        "who is missing from the snapshot is handled by the \"sync\"\n"
        "section's \"missing\" policy: hold (default: a terminate waits in\n"
        "provhost review), terminate, or ignore. The events are then\n"
        "applied like provhost run's, with the mass-deprovision guard.\n"
        "\n"
        "A snapshot is known by its SHA-256: the same file again derives\n"
        "nothing. Its as-of date is --as-of, else the first date in the\n"
        "file name (YYYY-MM-DD, or YYYYMMDD), else today (UTC); a snapshot\n"
        "older than the last applied one is refused. The mass-change guard\n"
        "holds the updates when more than sync.mass_change_share of the\n"
        "people would change a mapped attribute or lose roles.\n"
        "\n"
        "  -c, --config FILE         configuration file (default\n"
        "                            $PROVHOST_CONFIG, else\n"
        "                            /etc/provhost/provhost.json)\n"
        "  --input NAME              the roster input that reads SNAPSHOT\n"
        "                            (default as for run: a CSV file needs\n"
        "                            the only CSV input; JSON without an\n"
        "                            input is canonical roster records)\n"
        "  --as-of YYYY-MM-DD        the date the snapshot describes\n"
        "  --connection NAME         apply to this connection only\n"
        "  --dry-run                 send nothing and change nothing in the\n"
        "                            ledger; print each planned change\n"
        "  --allow-mass-deprovision  go on when the snapshot would\n"
        "                            deprovision more accounts than the\n"
        "                            policy's max_deprovisions_per_run\n"
        "  --reject-file FILE        append each rejected row, with its row\n"
        "                            number and reason, to FILE\n"
        "  --audit FILE              append one JSON line per target\n"
        "                            operation to FILE\n"
        "  --plugin-dir DIR          load connectors from DIR\n"
        "  --progress, --no-progress progress line on stderr\n"
        "\n"
        "Prints the snapshot's summary — Total | No change | Processed |\n"
        "Skipped | Held, one count per person — then the run's summary.\n"
        "Exit status as provhost run: 0 done; 1 rows rejected or events\n"
        "failed; 2 usage, configuration, or a snapshot older than the last\n"
        "applied one (nothing changed); 3 stopped early; 4 work waits in\n"
        "provhost review (held or disputed).\n";

int cmd_sync(int argc, char **argv)
{
	struct run_options opt = {.progress = -1, .snapshot = true};
	int code, first;

	first = cli_run_options(argc, argv, cmd_sync_usage, &opt, &code);
	if (first < 0)
		return code;
	if (first == argc)
		return cli_usage_error(argv[0], "missing SNAPSHOT (a roster "
		                                "file)");
	if (first + 1 < argc)
		return cli_usage_error(argv[0], "unexpected argument \"%s\"",
		                       argv[first + 1]);
	if (!strcmp(argv[first], "-"))
		return cli_usage_error(argv[0],
		                       "SNAPSHOT must be a file, not stdin: a "
		                       "snapshot is known by its content and "
		                       "its name");
	opt.input = argv[first];
	return run_execute(&opt);
}
