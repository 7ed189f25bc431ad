/* provhost reconcile: option parsing; the work is in engine/reconcile*.c. */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/reconcile.h"
#include "util/exit_codes.h"
#include "util/log.h"

const char cmd_reconcile_usage[] =
        "usage: provhost reconcile [-c FILE] [--connection NAME] [--json]\n"
        "                          [--repair [--dry-run] "
        "[--allow-mass-deprovision]]\n"
        "                          [--audit FILE] [--plugin-dir DIR]\n"
        "\n"
        "Read every account of each connection (or only --connection NAME)\n"
        "through its connector's list op and classify it against the\n"
        "ledger's links and person records:\n"
        "  ok              linked to an active person, as the mapping wants\n"
        "  drift           linked, but attributes, roles or active differ\n"
        "                  from what the mapping wants (the row says which)\n"
        "  orphan          active, but linked to nobody, or linked to (or\n"
        "                  correlating to) a terminated person\n"
        "  unlinked_match  not linked, correlates to exactly one person\n"
        "                  (externalId, reserved userName, work email)\n"
        "  disputed        correlates to several persons, or a person\n"
        "                  correlates to several accounts\n"
        "  missing         an active person the mapping gives an account\n"
        "                  has none on the target\n"
        "  ignored         matches the connection's reconcile.ignore\n"
        "                  filter: never touched\n"
        "  protected       would be an orphan, but is on reconcile.protect\n"
        "                  or is the token's own account: never deprovisioned\n"
        "Prints the counts and the first findings of each class; the\n"
        "findings are stored in the ledger as a reconcile run, with one\n"
        "audit line each and one with the counts.\n"
        "\n"
        "  -c, --config FILE         configuration file (default\n"
        "                            $PROVHOST_CONFIG, else\n"
        "                            /etc/provhost/provhost.json)\n"
        "  --connection NAME         reconcile this connection only\n"
        "  --json                    print every finding as JSON on stdout\n"
        "                            (repair plans and run summaries go to\n"
        "                            stderr)\n"
        "  --repair                  turn findings into work: link unlinked\n"
        "                            matches (nothing sent), deactivate\n"
        "                            orphans (active=false, never a delete),\n"
        "                            fix drift and create missing accounts\n"
        "                            with \"update\" events applied by an\n"
        "                            ordinary run (rules, policy, guard,\n"
        "                            audit); a missing account is looked up\n"
        "                            first and linked when found; with the\n"
        "                            policy's supervise [\"deactivate\"] or\n"
        "                            [\"link\"] those repairs are held for\n"
        "                            approval (provhost review lists them\n"
        "                            as R<RUN>-<N>:CONNECTION) and the next\n"
        "                            --repair applies the approved ones\n"
        "  --dry-run                 with --repair: print the plan (\"plan:\"\n"
        "                            lines), send no write, keep nothing in\n"
        "                            the ledger\n"
        "  --allow-mass-deprovision  with --repair: deactivate more orphans\n"
        "                            than the policy's\n"
        "                            max_deprovisions_per_run\n"
        "  --audit FILE              append the audit lines to FILE "
        "(default:\n"
        "                            the configuration's audit_file)\n"
        "  --plugin-dir DIR          load connectors from DIR instead of the\n"
        "                            configured plugin directory\n"
        "\n"
        "Exit status: 0 every account ok (or, with --repair, repaired); 1\n"
        "something needs attention (or is left unrepaired); 2 usage or\n"
        "configuration error; 3 a connection could not be listed (the\n"
        "connector cannot list accounts, the token cannot read users, the\n"
        "ledger or audit file failed); 4 repairs wait for a person (held by\n"
        "the mass-deprovision guard, or by supervised mode for approval).\n"
        "With a notify section wanting \"orphans_found\", a reconcile that\n"
        "finds orphans notifies once per connection (never with --dry-run;\n"
        "a failed delivery does not change the exit status). provhost\n"
        "status shows each connection's last reconcile.\n";

int cmd_reconcile(int argc, char **argv)
{
	enum {
		OPT_CONNECTION = 256,
		OPT_JSON,
		OPT_REPAIR,
		OPT_DRY_RUN,
		OPT_ALLOW_MASS,
		OPT_AUDIT,
		OPT_PLUGIN_DIR,
	};
	static const struct option longopts[] = {
	        {"config", required_argument, NULL, 'c'},
	        {"connection", required_argument, NULL, OPT_CONNECTION},
	        {"json", no_argument, NULL, OPT_JSON},
	        {"repair", no_argument, NULL, OPT_REPAIR},
	        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
	        {"allow-mass-deprovision", no_argument, NULL, OPT_ALLOW_MASS},
	        {"audit", required_argument, NULL, OPT_AUDIT},
	        {"plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct reconcile_options opt = {0};
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
		case OPT_JSON:
			opt.json = true;
			break;
		case OPT_REPAIR:
			opt.repair = true;
			break;
		case OPT_DRY_RUN:
			opt.dry_run = true;
			break;
		case OPT_ALLOW_MASS:
			opt.allow_mass_deprovision = true;
			break;
		case OPT_AUDIT:
			opt.audit_file = optarg;
			break;
		case OPT_PLUGIN_DIR:
			opt.plugin_dir = optarg;
			break;
		case 'v':
			log_set_level(log_level() + 1);
			break;
		case 'h':
			fputs(cmd_reconcile_usage, stdout);
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
	if (optind < argc)
		return cli_usage_error(argv[0], "unexpected argument \"%s\"",
		                       argv[optind]);
	if (opt.dry_run && !opt.repair)
		return cli_usage_error(argv[0], "--dry-run needs --repair (a "
		                                "reconcile without --repair "
		                                "writes nothing to a target)");
	if (opt.allow_mass_deprovision && !opt.repair)
		return cli_usage_error(
		        argv[0], "--allow-mass-deprovision needs --repair");
	return reconcile_execute(&opt);
}
