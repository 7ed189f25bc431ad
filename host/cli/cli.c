#include "cli/cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/exit_codes.h"
#include "util/log.h"
#include <provhost/connector.h>

#define USAGE_HELP                                                             \
	"usage: provhost help [COMMAND]\n\nShow the usage of COMMAND, or the " \
	"general help.\n"

#define USAGE_PLUGINS                                                          \
	"usage: provhost plugins [--plugin-dir DIR] [-c FILE]\n"               \
	"\n"                                                                   \
	"List every connector in the plugin directory (name, version, ABI,\n"  \
	"capabilities, file, settings) and every file that was refused,\n"     \
	"with the reason. A directory or file (symlinks resolved) owned by\n"  \
	"another user than root or you, or writable by group or others, is\n"  \
	"refused before any of its code runs.\n"                               \
	"\n"                                                                   \
	"  --plugin-dir DIR  the directory to list; default: the\n"            \
	"                    configuration's plugin_dir, else the installed\n" \
	"                    plugin directory, else plugins/ next to the\n"    \
	"                    provhost binary\n"                                \
	"  -c, --config FILE read plugin_dir from FILE (default\n"             \
	"                    $PROVHOST_CONFIG, else "                          \
	"/etc/provhost/provhost.json,\n"                                       \
	"                    when it exists)\n"

#define USAGE_CHECK_CONFIG                                                     \
	"usage: provhost check-config [-c FILE] [--plugin-dir DIR]\n"          \
	"\n"                                                                   \
	"Validate the whole configuration without touching the network:\n"     \
	"syntax, unknown keys, secrets (read, never printed; a line break\n"   \
	"or control character, and in a *token a space, tab or \"Bearer \"\n"  \
	"prefix, is refused), each connection's engine, mapping, roles\n"      \
	"and policy, and its settings against the connector's schema and\n"    \
	"validate_config. Prints what provhost would run with and where\n"     \
	"each secret comes from.\n"                                            \
	"\n"                                                                   \
	"  -c, --config FILE  configuration file (default $PROVHOST_CONFIG,\n" \
	"                     else /etc/provhost/provhost.json)\n"             \
	"  --plugin-dir DIR   use DIR instead of the configured plugin\n"      \
	"                     directory\n"                                     \
	"\n"                                                                   \
	"Exit status: 0 valid, 2 invalid.\n"

#define USAGE_TEST                                                             \
	"usage: provhost test [-c FILE] [--plugin-dir DIR] [CONNECTION]\n"     \
	"\n"                                                                   \
	"Open CONNECTION and ask its connector to authenticate: check that\n"  \
	"the credentials work and may provision and deprovision users.\n"      \
	"Prints what was verified, or the connector's error and hint.\n"       \
	"CONNECTION may be left out when only one is configured.\n"            \
	"\n"                                                                   \
	"  -c, --config FILE  configuration file (default $PROVHOST_CONFIG,\n" \
	"                     else /etc/provhost/provhost.json)\n"             \
	"  --plugin-dir DIR   use DIR instead of the configured plugin\n"      \
	"                     directory\n"                                     \
	"\n"                                                                   \
	"Exit status: 0 authenticated, 1 authentication failed, 2 usage or\n"  \
	"configuration error.\n"

/* clang-format off */
const struct cli_command cli_commands[] = {
	{"run", "apply HR events to the configured connections", cmd_run_usage, cmd_run},
	{"sync", "apply a whole-roster snapshot (diffed against the ledger)", cmd_sync_usage, cmd_sync},
	{"status", "show pending, done and failed work per connection", cmd_status_usage, cmd_status},
	{"history", "show every event and outcome of one employee", cmd_history_usage, cmd_history},
	{"review", "list work waiting for a person; approve or discard it", cmd_review_usage, cmd_review},
	{"check-config", "validate the configuration without touching the network", USAGE_CHECK_CONFIG, cmd_check_config},
	{"plugins", "list the connectors found and the files refused", USAGE_PLUGINS, cmd_plugins},
	{"test", "check that a connection's credentials work", USAGE_TEST, cmd_test},
	{"check-connector", "check a connector .so against the ABI contract", cmd_check_connector_usage, cmd_check_connector},
	{"help", "show the usage of a command", USAGE_HELP, cmd_help},
	{NULL, NULL, NULL, NULL},
};
/* clang-format on */

const struct cli_command *cli_find_command(const char *name)
{
	for (const struct cli_command *c = cli_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "provhost%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "; see 'provhost help %s'\n", cmd);
	else
		fprintf(stderr, "; see 'provhost --help'\n");
	return EXIT_USAGE;
}

void cli_print_help(FILE *out)
{
	fprintf(out, "usage: provhost [-v|-vv|-q] COMMAND [ARGS...]\n\n"
	             "HR-driven identity provisioning: reads HR lifecycle "
	             "events and drives\nconnector plugins that create, "
	             "update, reactivate and deactivate\naccounts in target "
	             "applications.\n\ncommands:\n");
	for (const struct cli_command *c = cli_commands; c->name; c++)
		fprintf(out, "  %-14s %s\n", c->name, c->summary);
	fprintf(out,
	        "\nglobal options (before the command):\n"
	        "  -v, -vv        log more (INFO, DEBUG); the default is WARN\n"
	        "  -q             log errors only\n"
	        "  --version      print the version and exit\n"
	        "  -h, --help     print this help and exit\n"
	        "\nexit codes:\n"
	        "  0  done\n"
	        "  1  some events failed or were rejected, or a check failed\n"
	        "  2  usage or configuration error\n"
	        "  3  run stopped early; events left pending for a re-run\n"
	        "  4  run finished, but items wait for a person (held or\n"
	        "     disputed): provhost review\n"
	        "\nenvironment:\n"
	        "  PROVHOST_CONFIG     configuration file when -c is not "
	        "given\n"
	        "                      (default /etc/provhost/provhost.json)\n"
	        "  PROVHOST_STATE_DIR  state directory when the configuration "
	        "has none\n"
	        "  PROVHOST_TEST_NOW   for tests: the time (epoch seconds) "
	        "instead of the\n"
	        "                      clock, for what is due and what is not "
	        "yet effective\n"
	        "\nSee 'provhost help COMMAND' for a command's options.\n");
}

int cmd_help(int argc, char **argv)
{
	const struct cli_command *c;

	if (argc < 2) {
		cli_print_help(stdout);
		return EXIT_DONE;
	}
	if (argc > 2)
		return cli_usage_error("help", "too many arguments");
	c = cli_find_command(argv[1]);
	if (!c)
		return cli_usage_error(NULL, "unknown command \"%s\"", argv[1]);
	fputs(c->usage, stdout);
	return EXIT_DONE;
}

int cli_parse_common(int argc, char **argv, int allowed,
                     struct cli_common *opts)
{
	enum { OPT_PLUGIN_DIR = 256 };
	static const struct option longopts[] = {
	        {"config", required_argument, NULL, 'c'},
	        {"plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	const struct cli_command *cmd = cli_find_command(argv[0]);
	int c;

	memset(opts, 0, sizeof(*opts));
	optind = 0; /* GNU: reinitialise */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:c:hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (!(allowed & CLI_OPT_CONFIG))
				goto out_unknown;
			opts->config = optarg;
			break;
		case OPT_PLUGIN_DIR:
			if (!(allowed & CLI_OPT_PLUGIN_DIR))
				goto out_unknown;
			opts->plugin_dir = optarg;
			break;
		case 'v':
			log_set_level(log_level() + 1);
			break;
		case 'h':
			if (cmd)
				fputs(cmd->usage, stdout);
			exit(EXIT_DONE);
		case ':':
			cli_usage_error(argv[0], "option \"%s\" needs a value",
			                argv[optind - 1]);
			return -1;
		default:
			goto out_unknown;
		}
	}
	return optind;

out_unknown:
	cli_usage_error(argv[0], "unknown option \"%s\"", argv[optind - 1]);
	return -1;
}

int cli_main(int argc, char **argv)
{
	const struct cli_command *cmd;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--version")) {
			printf("provhost %s (connector ABI %d.%d)\n",
			       PROVHOST_VERSION, PROVHOST_CONNECTOR_ABI_MAJOR,
			       PROVHOST_CONNECTOR_ABI_MINOR);
			return EXIT_DONE;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			cli_print_help(stdout);
			return EXIT_DONE;
		}
		if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			log_set_level(PROVHOST_LOG_ERROR);
		} else if (!strcmp(a, "--verbose")) {
			log_set_level(log_level() + 1);
		} else if (a[1] == 'v' && strspn(a + 1, "v") == strlen(a + 1)) {
			log_set_level(log_level() + (int)strlen(a + 1));
		} else {
			return cli_usage_error(NULL, "unknown option \"%s\"",
			                       a);
		}
	}
	if (i == argc)
		return cli_usage_error(NULL, "no command given");
	cmd = cli_find_command(argv[i]);
	if (!cmd)
		return cli_usage_error(NULL, "unknown command \"%s\"", argv[i]);
	return cmd->run(argc - i, argv + i);
}
