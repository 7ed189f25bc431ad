#include "config/lifecycle_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prefixes err->path (relative to a section) with the section's key, so it
 * becomes relative to the connection: "rules[2]" -> "roles.rules[2]". */
static void prefix_path(struct path_error *err, const char *section)
{
	char full[2 * sizeof(err->path)];
	const char *dot = err->path[0] && err->path[0] != '[' ? "." : "";
	size_t n;

	n = (size_t)snprintf(full, sizeof(full), "%s%s%s", section, dot,
	                     err->path);
	if (n >= sizeof(err->path))
		n = sizeof(err->path) - 1;
	memcpy(err->path, full, n);
	err->path[n] = '\0';
}

int lifecycle_config_parse(const json_t *conn, struct lifecycle_config **out,
                           struct path_error *err)
{
	struct lifecycle_config *cfg;

	if (!json_is_object(conn))
		return path_error_set(err, "", "connection must be an object");
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return path_error_set(err, "", "out of memory");
	if (mapping_parse(json_object_get(conn, "mapping"), &cfg->mapping,
	                  err)) {
		prefix_path(err, "mapping");
		goto out_free_cfg;
	}
	if (rules_parse(json_object_get(conn, "roles"), &cfg->rules, err)) {
		prefix_path(err, "roles");
		goto out_free_cfg;
	}
	if (policy_parse(json_object_get(conn, "policy"), &cfg->policy, err)) {
		prefix_path(err, "policy");
		goto out_free_cfg;
	}
	*out = cfg;
	return 0;

out_free_cfg:
	lifecycle_config_free(cfg);
	return -1;
}

void lifecycle_config_free(struct lifecycle_config *cfg)
{
	if (!cfg)
		return;
	mapping_free(cfg->mapping);
	rules_free(cfg->rules);
	free(cfg);
}
