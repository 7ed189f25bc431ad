/* provhost run: option parsing; the work is in run.c. */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
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
        "                            change as a \"plan:\" line\n"
        "  --allow-mass-deprovision  go on when the run would deprovision "
        "more\n"
        "                            accounts than the policy's\n"
        "                            max_deprovisions_per_run\n"
        "  --reject-file FILE        append each rejected line, with its line\n"
        "                            number and reason, to FILE\n"
        "  --audit FILE              append one JSON line per target "
        "operation\n"
        "                            to FILE (default: the configuration's\n"
        "                            audit_file)\n"
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
        "calling exit() (all exit 3).\n";

int cmd_run(int argc, char **argv)
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
		OPT_FORMAT,
		OPT_INPUT,
	};
	static const struct option longopts[] = {
	        {"config", required_argument, NULL, 'c'},
	        {"connection", required_argument, NULL, OPT_CONNECTION},
	        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
	        {"allow-mass-deprovision", no_argument, NULL, OPT_ALLOW_MASS},
	        {"reject-file", required_argument, NULL, OPT_REJECT},
	        {"audit", required_argument, NULL, OPT_AUDIT},
	        {"plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR},
	        {"progress", no_argument, NULL, OPT_PROGRESS},
	        {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
	        {"format", required_argument, NULL, OPT_FORMAT},
	        {"input", required_argument, NULL, OPT_INPUT},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct run_options opt = {.progress = -1};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:c:hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			opt.config_path = optarg;
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
		case OPT_FORMAT:
			if (strcmp(optarg, "jsonl") && strcmp(optarg, "json") &&
			    strcmp(optarg, "csv"))
				return cli_usage_error(
				        argv[0],
				        "--format must be jsonl, json or csv, "
				        "not "
				        "\"%s\"",
				        optarg);
			opt.format = optarg;
			break;
		case OPT_INPUT:
			opt.input_name = optarg;
			break;
		case 'v':
			log_set_level(log_level() + 1);
			break;
		case 'h':
			fputs(cmd_run_usage, stdout);
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
		return cli_usage_error(
		        argv[0], "missing INPUT (a JSON Lines file, a CSV "
		                 "export, ..., or - for stdin)");
	if (optind + 1 < argc)
		return cli_usage_error(argv[0], "unexpected argument \"%s\"",
		                       argv[optind + 1]);
	opt.input = argv[optind];
	return run_execute(&opt);
}
