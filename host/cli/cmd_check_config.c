/* provhost check-config: validate everything, touch no network, and show
 * what provhost would run with (never a secret value). */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "config/config.h"
#include "config/lifecycle_config.h"
#include "connector/bind.h"
#include "util/exit_codes.h"

static void print_engine(const struct engine_config *e)
{
	printf("  engine: workers %d, max_rps %g, max_attempts %d, call "
	       "timeout %lld ms, event deadline %lld ms, backoff %lld..%lld "
	       "ms, breaker %d calls over %g, watchdog grace %lld ms\n",
	       e->workers, e->max_rps, e->max_attempts,
	       (long long)e->call_timeout_ms, (long long)e->event_deadline_ms,
	       (long long)e->backoff_base_ms, (long long)e->backoff_max_ms,
	       e->breaker_window, e->breaker_ratio,
	       (long long)e->watchdog_grace_ms);
}

static void print_connection(const struct connection *c)
{
	const provhost_connector *d = c->bound->desc;
	char where[600];
	char *settings;

	config_connection_where(c, "", where, sizeof(where));
	printf("connection \"%s\" (%s)\n", c->name, where);
	printf("  connector: %s %s (%s)\n", d->name, d->version,
	       c->bound->path);
	settings = json_dumps(c->settings, JSON_COMPACT | JSON_SORT_KEYS);
	printf("  settings: %s\n", settings ? settings : "?");
	free(settings);
	for (size_t i = 0; i < c->secrets.n; i++)
		printf("  secret %s: from %s\n", c->secrets.items[i].key,
		       c->secrets.items[i].source);
	print_engine(&c->engine);
	if (c->lifecycle)
		printf("  lifecycle: %zu role rule%s, at most %lld "
		       "deprovisions per run\n",
		       rules_count(c->lifecycle->rules),
		       rules_count(c->lifecycle->rules) == 1 ? "" : "s",
		       (long long)
		               c->lifecycle->policy.max_deprovisions_per_run);
}

/* The inputs and the date rules (only when the configuration has inputs
 * or a "dates" section that is not the default). */
static void print_inputs(const struct config *cfg)
{
	const struct dates_config *d = &cfg->dates;

	if (cfg->n_inputs || strcmp(d->zone, "UTC") ||
	    d->terminate_at != DAY_START)
		printf("dates: zone %s, terminate_at %s\n", d->zone,
		       day_edge_name(d->terminate_at));
	for (size_t i = 0; i < cfg->n_inputs; i++) {
		const struct input_config *in = &cfg->inputs[i];

		printf("input \"%s\": %s %s", in->name,
		       input_format_name(in->format),
		       in->kind == INPUT_KIND_ROSTER ? "roster" : "events");
		if (in->format == INPUT_FORMAT_CSV) {
			char delim[3] = {in->delimiter, 0, 0};

			if (in->delimiter == '\t')
				memcpy(delim, "\\t", 3);
			printf(", delimiter \"%s\", employee id \"%s\"", delim,
			       in->employee_id);
			if (in->status_column)
				printf(", status \"%s\" (%zu words)",
				       in->status_column, in->n_status_values);
			if (in->hire_date.column)
				printf(", hire date \"%s\"",
				       in->hire_date.column);
			if (in->termination_date.column)
				printf(", termination date \"%s\"",
				       in->termination_date.column);
			printf(", %zu attribute column%s, %zu ignored",
			       in->n_columns, in->n_columns == 1 ? "" : "s",
			       in->n_ignore);
			if (in->zone_column)
				printf(", zone column \"%s\"", in->zone_column);
		}
		printf(", zone %s, terminate_at %s\n", input_zone(in, d),
		       day_edge_name(input_terminate_at(in, d)));
	}
}

int cmd_check_config(int argc, char **argv)
{
	struct cli_common opts;
	struct plugin_set *set = NULL;
	struct config *cfg = NULL;
	const char *path;
	char err[8192], dir[4096];
	int first;

	first = cli_parse_common(argc, argv,
	                         CLI_OPT_CONFIG | CLI_OPT_PLUGIN_DIR, &opts);
	if (first < 0)
		return EXIT_USAGE;
	if (first < argc)
		return cli_usage_error(argv[0], "unexpected argument \"%s\"",
		                       argv[first]);
	path = config_default_path(opts.config);
	if (config_load(path, &cfg, err, sizeof(err)) ||
	    config_bind_connectors(cfg, opts.plugin_dir, &set, err,
	                           sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		config_free(cfg);
		return EXIT_USAGE;
	}
	config_plugin_dir(opts.plugin_dir, cfg->plugin_dir, dir, sizeof(dir));
	printf("configuration: %s\n", cfg->path);
	printf("plugin directory: %s\n", dir);
	printf("state directory: %s\n", cfg->state_dir);
	printf("ledger: %s\n", cfg->ledger_path);
	printf("audit file: %s\n", cfg->audit_file ? cfg->audit_file : "none");
	printf("sync: missing %s, mass_change_share %g (at least %lld people), "
	       "provision_days_before_start %lld\n",
	       sync_missing_name(cfg->sync.missing),
	       cfg->sync.mass_change_share,
	       (long long)cfg->sync.mass_change_min,
	       (long long)cfg->sync.provision_days_before_start);
	for (size_t i = 0; i < cfg->n_connections; i++)
		print_connection(&cfg->connections[i]);
	print_inputs(cfg);
	for (size_t i = 0; i < set->n_refused; i++)
		printf("note: refused %s: %s\n", set->refused[i].path,
		       set->refused[i].reason);
	printf("configuration ok: %zu connection%s\n", cfg->n_connections,
	       cfg->n_connections == 1 ? "" : "s");
	config_free(cfg);
	loader_free(set);
	return EXIT_DONE;
}
