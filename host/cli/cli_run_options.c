#include "cli/cli_run_options.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/exit_codes.h"
#include "util/log.h"

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
	OPT_AS_OF,
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
        {"as-of", required_argument, NULL, OPT_AS_OF},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
};

/* One option c (its value in optarg). Returns 0, or -1 with *code. */
static int take(int c, char **argv, const char *usage, struct run_options *opt,
                int *code)
{
	*code = EXIT_USAGE;
	switch (c) {
	case 'c':
		opt->config_path = optarg;
		return 0;
	case OPT_CONNECTION:
		opt->connection = optarg;
		return 0;
	case OPT_DRY_RUN:
		opt->dry_run = true;
		return 0;
	case OPT_ALLOW_MASS:
		opt->allow_mass_deprovision = true;
		return 0;
	case OPT_REJECT:
		opt->reject_file = optarg;
		return 0;
	case OPT_AUDIT:
		opt->audit_file = optarg;
		return 0;
	case OPT_PLUGIN_DIR:
		opt->plugin_dir = optarg;
		return 0;
	case OPT_PROGRESS:
		opt->progress = 1;
		return 0;
	case OPT_NO_PROGRESS:
		opt->progress = 0;
		return 0;
	case OPT_INPUT:
		opt->input_name = optarg;
		return 0;
	case OPT_FORMAT:
		if (opt->snapshot)
			break; /* sync settles the format from the input */
		if (strcmp(optarg, "jsonl") && strcmp(optarg, "json") &&
		    strcmp(optarg, "csv")) {
			cli_usage_error(argv[0],
			                "--format must be jsonl, json or csv, "
			                "not \"%s\"",
			                optarg);
			return -1;
		}
		opt->format = optarg;
		return 0;
	case OPT_AS_OF:
		if (!opt->snapshot)
			break; /* only a whole roster has an as-of date */
		opt->as_of = optarg;
		return 0;
	case 'v':
		log_set_level(log_level() + 1);
		return 0;
	case 'h':
		fputs(usage, stdout);
		*code = EXIT_DONE;
		return -1;
	case ':':
		cli_usage_error(argv[0], "option \"%s\" needs a value",
		                argv[optind - 1]);
		return -1;
	default:
		break;
	}
	cli_usage_error(argv[0], "unknown option \"%s\"", argv[optind - 1]);
	return -1;
}

int cli_run_options(int argc, char **argv, const char *usage,
                    struct run_options *opt, int *code)
{
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:c:hv", longopts, NULL)) != -1)
		if (take(c, argv, usage, opt, code))
			return -1;
	return optind;
}
