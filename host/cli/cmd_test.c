/* provhost test: open one connection and authenticate. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "config/config.h"
#include "config/secret_expiry.h"
#include "connector/bind.h"
#include "connector/instance.h"
#include "connector/status_names.h"
#include "util/clock.h"
#include "util/exit_codes.h"

/* " [status credential, HTTP 401, retryable]" */
static void describe_error(const provhost_error *e, char *out, size_t outlen)
{
	char http[32] = "";

	if (e->remote_code)
		snprintf(http, sizeof(http), ", HTTP %d", e->remote_code);
	snprintf(out, outlen, "[status %s%s%s]",
	         provhost_status_name(e->status), http,
	         e->retryable ? ", retryable" : "");
}

static void list_names(const struct config *cfg, char *out, size_t outlen)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < cfg->n_connections && used < outlen; i++)
		used += (size_t)snprintf(out + used, outlen - used, "%s\"%s\"",
		                         used ? ", " : "",
		                         cfg->connections[i].name);
}

/* Opens conn, authenticates, prints the outcome; returns the exit code. */
static int test_connection(const struct connection *conn)
{
	const provhost_connector *d = conn->bound->desc;
	struct instance *inst;
	provhost_result res;
	provhost_error perr;
	provhost_call call;
	char why[64];
	int32_t st;

	st = instance_open(conn, NULL, &inst, &perr);
	if (st != PROVHOST_OK) {
		describe_error(&perr, why, sizeof(why));
		fprintf(stderr,
		        "provhost: connection \"%s\": cannot open connector "
		        "\"%s\": %s %s\n",
		        conn->name, d->name, perr.message, why);
		return st == PROVHOST_E_CONFIG ? EXIT_USAGE : EXIT_FAILED;
	}
	instance_call_init(&call, 0,
	                   clock_mono_ms() + conn->engine.call_timeout_ms, NULL,
	                   NULL, NULL);
	st = instance_authenticate(inst, &call, &res, &perr);
	instance_close(inst);
	if (st != PROVHOST_OK) {
		describe_error(&perr, why, sizeof(why));
		fprintf(stderr,
		        "provhost: connection \"%s\": authentication failed: "
		        "%s %s\n",
		        conn->name, perr.message, why);
		return EXIT_FAILED;
	}
	printf("connection \"%s\": authenticated with connector %s %s%s%s\n",
	       conn->name, d->name, d->version, res.detail[0] ? ": " : "",
	       res.detail);
	return EXIT_DONE;
}

int cmd_test(int argc, char **argv)
{
	struct cli_common opts;
	struct plugin_set *set = NULL;
	struct config *cfg = NULL;
	const struct connection *conn;
	char err[8192];
	int first, rc;

	first = cli_parse_common(argc, argv,
	                         CLI_OPT_CONFIG | CLI_OPT_PLUGIN_DIR, &opts);
	if (first < 0)
		return EXIT_USAGE;
	if (first + 1 < argc)
		return cli_usage_error(argv[0], "unexpected argument \"%s\"",
		                       argv[first + 1]);
	if (config_load(config_default_path(opts.config), &cfg, err,
	                sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	/* CONNECTION may be left out when there is only one */
	if (first == argc && cfg->n_connections != 1) {
		list_names(cfg, err, sizeof(err));
		cli_usage_error(argv[0],
		                "missing CONNECTION (%zu connections are "
		                "configured: %s)",
		                cfg->n_connections, err);
		config_free(cfg);
		return EXIT_USAGE;
	}
	conn = first == argc ? &cfg->connections[0]
	                     : config_find_connection(cfg, argv[first]);
	if (!conn) {
		list_names(cfg, err, sizeof(err));
		fprintf(stderr,
		        "provhost test: no connection named \"%s\" in %s "
		        "(configured: %s)\n",
		        argv[first], cfg->path, err);
		config_free(cfg);
		return EXIT_USAGE;
	}
	if (config_bind_connectors(cfg, opts.plugin_dir, &set, err,
	                           sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		config_free(cfg);
		return EXIT_USAGE;
	}
	/* a token near or past its stated "expires" (secret_expiry.h) */
	secret_expiry_warn(cfg, conn->name, secret_expiry_today(), stderr);
	rc = test_connection(conn);
	config_free(cfg);
	loader_free(set);
	return rc;
}
