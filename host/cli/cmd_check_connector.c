/* provhost check-connector: the connector contract runner (contract.h). */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "contract/contract.h"
#include "util/exit_codes.h"
#include "util/log.h"

#define OPEN_CLOSE_TIMES 1000

const char cmd_check_connector_usage[] =
        "usage: provhost check-connector [-c FILE --connection NAME] "
        "PLUGIN.so\n"
        "\n"
        "Check that the connector in PLUGIN.so keeps the connector ABI's\n"
        "contract. Prints one PASS, FAIL or SKIP line per check with the\n"
        "reason, then a summary line.\n"
        "\n"
        "Always (no target needed): the descriptor is valid; only\n"
        "provhost_connector_v1 is exported (read from the ELF file);\n"
        "validate_config rejects a missing required key and an unknown\n"
        "key, and handles NULL, empty and malformed JSON, without any I/O\n"
        "and without crashing (each call runs in a child process that may\n"
        "not open files or sockets).\n"
        "\n"
        "With --connection NAME, on that connection's settings and secrets:\n"
        "open/close 1000 times without leaking; provision, deprovision and\n"
        "lookup reject NULL, empty and malformed records as invalid input\n"
        "before any I/O; then, on the live target: authenticate, a dry run\n"
        "that writes nothing, provision twice (created, then unchanged),\n"
        "lookup, list (ABI 1.1, when advertised: every account once, the\n"
        "test person among them), provision with the no-adopt flag (when\n"
        "advertised: the existing test person is reported as a candidate\n"
        "and not written to), deprovision twice (deactivated or deleted,\n"
        "then absent or unchanged). The test person, provhost-contract-\n"
        "<pid>-<time>@"
        "example.invalid (Contract Check), is left deprovisioned.\n"
        "\n"
        "  -c, --config FILE  configuration file (default $PROVHOST_CONFIG,\n"
        "                     else /etc/provhost/provhost.json)\n"
        "  --connection NAME  the connection to run the instance and live\n"
        "                     checks on; its connector must be PLUGIN.so's\n"
        "\n"
        "Under AddressSanitizer (make check SANITIZE=1) memory growth is not\n"
        "measured; LeakSanitizer reports leaks when the runner exits.\n"
        "\n"
        "Exit status: 0 no check failed, 1 a check failed, 2 usage or\n"
        "configuration error.\n";

struct check_opts {
	const char *config;
	const char *connection;
	const char *plugin;
};

static int parse_args(int argc, char **argv, struct check_opts *o)
{
	enum { OPT_CONNECTION = 256 };
	static const struct option longopts[] = {
	        {"config", required_argument, NULL, 'c'},
	        {"connection", required_argument, NULL, OPT_CONNECTION},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof *o);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:c:hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case OPT_CONNECTION:
			o->connection = optarg;
			break;
		case 'v':
			log_set_level(log_level() + 1);
			break;
		case 'h':
			fputs(cmd_check_connector_usage, stdout);
			return 1;
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
		return cli_usage_error(argv[0], "missing PLUGIN.so (the "
		                                "connector file to check)");
	if (optind + 1 < argc)
		return cli_usage_error(argv[0], "unexpected argument \"%s\"",
		                       argv[optind + 1]);
	if (o->config && !o->connection)
		return cli_usage_error(argv[0], "-c needs --connection NAME "
		                                "(the connection to check on)");
	o->plugin = argv[optind];
	return 0;
}

/* Loads the configuration and finds the connection for the connector
 * called name. Returns 0, or EXIT_USAGE after printing why. */
static int load_connection(const struct check_opts *o, const char *name,
                           struct config **cfg, struct connection **conn)
{
	char err[8192];

	*cfg = NULL;
	*conn = NULL;
	if (config_load(config_default_path(o->config), cfg, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	*conn = config_find_connection(*cfg, o->connection);
	if (!*conn) {
		fprintf(stderr,
		        "provhost check-connector: no connection named \"%s\" "
		        "in %s\n",
		        o->connection, (*cfg)->path);
		return EXIT_USAGE;
	}
	if (strcmp((*conn)->connector, name) != 0) {
		fprintf(stderr,
		        "provhost check-connector: connection \"%s\" uses "
		        "connector \"%s\", but %s is connector \"%s\"\n",
		        o->connection, (*conn)->connector, o->plugin, name);
		return EXIT_USAGE;
	}
	return 0;
}

static void skip_instance_checks(struct contract_report *r)
{
	static const char *const checks[] = {
	        "open/close 1000 times",
	        "provision rejects bad records",
	        "deprovision rejects bad identities",
	        "lookup rejects bad identities",
	        "live checks",
	};

	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
		contract_skip(r, checks[i], "needs --connection");
}

static int finish(struct contract_report *r)
{
	printf("check-connector: %d passed, %d failed, %d skipped\n", r->passed,
	       r->failed, r->skipped);
	return r->failed ? EXIT_FAILED : EXIT_DONE;
}

int cmd_check_connector(int argc, char **argv)
{
	struct contract_report r = {stdout, 0, 0, 0};
	struct check_opts o;
	struct plugin_set *set;
	struct config *cfg = NULL;
	struct connection *conn = NULL;
	const struct loaded_connector *lc;
	struct stat st;
	int rc;

	rc = parse_args(argc, argv, &o);
	if (rc)
		return rc == 1 ? EXIT_DONE : rc;
	if (stat(o.plugin, &st) != 0) {
		fprintf(stderr,
		        "provhost check-connector: cannot read \"%s\": %s\n",
		        o.plugin, strerror(errno));
		return EXIT_USAGE;
	}
	set = loader_new();
	if (!set) {
		fprintf(stderr, "provhost check-connector: out of memory\n");
		return EXIT_USAGE;
	}
	if (loader_load_file(set, o.plugin) != 0) {
		contract_fail(&r, "descriptor", "the loader refuses %s: %s",
		              o.plugin,
		              set->refused[set->n_refused - 1].reason);
		contract_check_exports(&r, o.plugin);
		loader_free(set);
		return finish(&r);
	}
	lc = &set->accepted[0];
	if (o.connection) {
		rc = load_connection(&o, lc->desc->name, &cfg, &conn);
		if (rc) {
			config_free(cfg);
			loader_free(set);
			return rc;
		}
		conn->bound = lc;
	}
	contract_check_descriptor(&r, lc);
	contract_check_exports(&r, o.plugin);
	contract_check_validate(&r, lc->desc, conn ? conn->settings : NULL);
	if (conn) {
		contract_check_open_close(&r, conn, OPEN_CLOSE_TIMES);
		contract_check_bad_input(&r, conn);
		contract_check_live(&r, conn);
	} else {
		skip_instance_checks(&r);
	}
	rc = finish(&r);
	config_free(cfg);
	loader_free(set);
	return rc;
}
