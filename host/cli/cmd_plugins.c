/* provhost plugins: what the loader accepted and refused, and why. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "config/config.h"
#include "connector/loader.h"
#include "util/exit_codes.h"

static const char *setting_type_name(int32_t type)
{
	switch (type) {
	case PROVHOST_SETTING_INTEGER:
		return "integer";
	case PROVHOST_SETTING_BOOLEAN:
		return "boolean";
	default:
		return "string";
	}
}

static void print_connector(const struct loaded_connector *lc)
{
	const provhost_connector *d = lc->desc;
	char caps[128];

	loader_caps_string(d->capabilities, caps, sizeof(caps));
	printf("connector %s %s (ABI %u.%u, capabilities: %s) %s\n", d->name,
	       d->version, d->abi_major, d->min_host_minor, caps, lc->path);
	if (d->description)
		printf("  %s\n", d->description);
	if (d->vendor || d->license)
		printf("  vendor: %s; license: %s\n",
		       d->vendor ? d->vendor : "unknown",
		       d->license ? d->license : "unknown");
	for (uint32_t i = 0; i < d->n_settings; i++) {
		const provhost_setting *s = loader_setting(d, i);
		int secret = !!(s->flags & PROVHOST_SETTING_SECRET);

		printf("  %s %s (%s%s%s%s%s)%s%s\n",
		       secret ? "secret" : "setting", s->key,
		       secret ? "in \"secrets\"" : setting_type_name(s->type),
		       s->flags & PROVHOST_SETTING_REQUIRED ? ", required" : "",
		       s->default_value ? ", default " : "",
		       s->default_value ? s->default_value : "", "",
		       s->description ? ": " : "",
		       s->description ? s->description : "");
	}
}

/* The plugin_dir of the configuration, when one is given or exists. */
static int configured_dir(const char *opt, char **dir)
{
	const char *path = config_default_path(opt);
	char err[2048];
	struct stat st;

	*dir = NULL;
	if (!opt && stat(path, &st) != 0)
		return 0;
	if (config_read_plugin_dir(path, dir, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

int cmd_plugins(int argc, char **argv)
{
	struct cli_common opts;
	struct plugin_set *set;
	char dir[PATH_MAX], err[PATH_MAX + 128];
	char *cfg_dir = NULL;
	int first, from_config;

	first = cli_parse_common(argc, argv,
	                         CLI_OPT_CONFIG | CLI_OPT_PLUGIN_DIR, &opts);
	if (first < 0)
		return EXIT_USAGE;
	if (first < argc)
		return cli_usage_error(argv[0], "unexpected argument \"%s\"",
		                       argv[first]);
	if (!opts.plugin_dir && configured_dir(opts.config, &cfg_dir))
		return EXIT_USAGE;
	from_config = cfg_dir != NULL;
	config_plugin_dir(opts.plugin_dir, cfg_dir, dir, sizeof(dir));
	free(cfg_dir);
	set = loader_new();
	if (!set)
		return EXIT_FAILED;
	if (loader_scan_dir(set, dir, err, sizeof(err))) {
		if (!opts.plugin_dir && !from_config)
			fprintf(stderr,
			        "provhost plugins: %s (the installed plugin "
			        "directory %s does not exist either)\n",
			        err, config_installed_plugin_dir());
		else
			fprintf(stderr, "provhost plugins: %s\n", err);
		loader_free(set);
		return EXIT_USAGE;
	}
	printf("plugin directory: %s\n", dir);
	if (!opts.plugin_dir && !from_config &&
	    strcmp(dir, config_installed_plugin_dir()))
		printf("note: the installed plugin directory %s does not "
		       "exist; using the one next to the provhost binary\n",
		       config_installed_plugin_dir());
	if (!set->n_accepted)
		printf("no connectors found\n");
	for (size_t i = 0; i < set->n_accepted; i++)
		print_connector(&set->accepted[i]);
	for (size_t i = 0; i < set->n_refused; i++)
		printf("refused %s: %s\n", set->refused[i].path,
		       set->refused[i].reason);
	loader_free(set);
	return EXIT_DONE;
}
