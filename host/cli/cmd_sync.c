/* provhost sync: option parsing; the work is in engine/run_sync.c. */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
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
	enum {
		OPT_CONNECTION = 256,
		OPT_DRY_RUN,
		OPT_ALLOW_MASS,
		OPT_REJECT,
		OPT_AUDIT,
		OPT_PLUGIN_DIR,
		OPT_PROGRESS,
		OPT_NO_PROGRESS,
		OPT_AS_OF,
		OPT_INPUT,
	};
	static const struct option longopts[] = {
	        {"config", required_argument, NULL, 'c'},
	        {"as-of", required_argument, NULL, OPT_AS_OF},
	        {"input", required_argument, NULL, OPT_INPUT},
	        {"connection", required_argument, NULL, OPT_CONNECTION},
	        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
	        {"allow-mass-deprovision", no_argument, NULL, OPT_ALLOW_MASS},
	        {"reject-file", required_argument, NULL, OPT_REJECT},
	        {"audit", required_argument, NULL, OPT_AUDIT},
	        {"plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR},
	        {"progress", no_argument, NULL, OPT_PROGRESS},
	        {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct run_options opt = {.progress = -1, .snapshot = true};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:c:hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			opt.config_path = optarg;
			break;
		case OPT_AS_OF:
			opt.as_of = optarg;
			break;
		case OPT_INPUT:
			opt.input_name = optarg;
			break;
		case OPT_CONNECTION:
			opt.connection = optarg;
			break;
		case OPT_DRY_RUN:
			opt.dry_run = true;
			break;
		case OPT_ALLOW_MASS:
			opt.allow_mass_deprovision = true;
			break;
		case OPT_REJECT:
			opt.reject_file = optarg;
			break;
		case OPT_AUDIT:
			opt.audit_file = optarg;
			break;
		case OPT_PLUGIN_DIR:
			opt.plugin_dir = optarg;
			break;
		case OPT_PROGRESS:
			opt.progress = 1;
			break;
		case OPT_NO_PROGRESS:
			opt.progress = 0;
			break;
		case 'v':
			log_set_level(log_level() + 1);
			break;
		case 'h':
			fputs(cmd_sync_usage, stdout);
			return EXIT_DONE;
		case ':':
			return cli_usage_error(argv[0],
			                       "option \"%s\" needs a value",
			                       argv[optind - 1]);
		default:
			return cli_usage_error(argv[0], "unknown option \"%s\"",
			                       argv[optind - 1]);
		}
	}
	if (optind == argc)
		return cli_usage_error(argv[0], "missing SNAPSHOT (a roster "
		                                "file)");
	if (optind + 1 < argc)
		return cli_usage_error(argv[0], "unexpected argument \"%s\"",
		                       argv[optind + 1]);
	if (!strcmp(argv[optind], "-"))
		return cli_usage_error(argv[0],
		                       "SNAPSHOT must be a file, not stdin: a "
		                       "snapshot is known by its content and "
		                       "its name");
	opt.input = argv[optind];
	return run_execute(&opt);
}
