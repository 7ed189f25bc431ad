/* Binding configured connections to loaded connectors: the checks that
 * need the connector's descriptor (schema, secrets, validate_config). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connector/bind.h"

#include "config/config_internal.h"
#include "connector/redact.h"

static const char *type_phrase(int32_t type)
{
	switch (type) {
	case PROVHOST_SETTING_INTEGER:
		return "an integer";
	case PROVHOST_SETTING_BOOLEAN:
		return "a boolean (true or false)";
	default:
		return "a string";
	}
}

static int type_matches(int32_t type, const json_t *v)
{
	switch (type) {
	case PROVHOST_SETTING_INTEGER:
		return json_is_integer(v);
	case PROVHOST_SETTING_BOOLEAN:
		return json_is_boolean(v);
	default:
		return json_is_string(v);
	}
}

static const provhost_setting *find_setting(const provhost_connector *d,
                                            const char *key)
{
	for (uint32_t i = 0; i < d->n_settings; i++) {
		const provhost_setting *s = loader_setting(d, i);

		if (!strcmp(s->key, key))
			return s;
	}
	return NULL;
}

/* Writes the comma-separated keys of d's schema whose secret flag equals
 * secret, or "none". */
static void schema_keys(const provhost_connector *d, int secret, char *out,
                        size_t outlen)
{
	size_t used = 0;

	out[0] = '\0';
	for (uint32_t i = 0; i < d->n_settings && used < outlen; i++) {
		const provhost_setting *s = loader_setting(d, i);

		if (!!(s->flags & PROVHOST_SETTING_SECRET) != secret)
			continue;
		used += (size_t)snprintf(out + used, outlen - used, "%s%s",
		                         used ? ", " : "", s->key);
	}
	if (!used)
		snprintf(out, outlen, "none");
}

/* Checks conn->settings against the schema; adds the first error. */
static int check_settings(const struct connection *conn,
                          const provhost_connector *d,
                          struct config_report *errs)
{
	const struct config_source *src = conn->source;
	const char *jp = conn->json_path, *key;
	char rel[320], known[512];
	const json_t *val;

	json_object_foreach(conn->settings, key, val)
	{
		const provhost_setting *s = find_setting(d, key);

		snprintf(rel, sizeof(rel), "settings.%s", key);
		if (!s) {
			schema_keys(d, 0, known, sizeof(known));
			config_report_add(errs, src, jp, rel,
			                  "connection \"%s\": unknown setting "
			                  "\"%s\" for connector \"%s\" (known: "
			                  "%s)",
			                  conn->name, key, d->name, known);
			return -1;
		}
		if (s->flags & PROVHOST_SETTING_SECRET) {
			config_report_add(
			        errs, src, jp, rel,
			        "connection \"%s\": \"%s\" is a secret "
			        "and must not appear in settings; put it "
			        "in \"secrets\" as {\"env\": \"VAR\"} or "
			        "{\"file\": \"path\"}",
			        conn->name, key);
			return -1;
		}
		if (!type_matches(s->type, val)) {
			config_report_add(
			        errs, src, jp, rel,
			        "connection \"%s\": setting \"%s\" must "
			        "be %s",
			        conn->name, key, type_phrase(s->type));
			return -1;
		}
	}
	for (uint32_t i = 0; i < d->n_settings; i++) {
		const provhost_setting *s = loader_setting(d, i);

		if (!(s->flags & PROVHOST_SETTING_REQUIRED) ||
		    (s->flags & PROVHOST_SETTING_SECRET) ||
		    json_object_get(conn->settings, s->key))
			continue;
		config_report_add(errs, src, jp, "settings",
		                  "connection \"%s\": missing required setting "
		                  "\"%s\" for connector \"%s\"",
		                  conn->name, s->key, d->name);
		return -1;
	}
	return 0;
}

/* Checks that the secrets are exactly ones the connector declares and that
 * every required secret is there. */
static int check_secrets(const struct connection *conn,
                         const provhost_connector *d,
                         struct config_report *errs)
{
	const struct config_source *src = conn->source;
	const char *jp = conn->json_path;
	char rel[320], known[512];

	for (size_t i = 0; i < conn->secrets.n; i++) {
		const char *key = conn->secrets.items[i].key;
		const provhost_setting *s = find_setting(d, key);

		if (s && (s->flags & PROVHOST_SETTING_SECRET))
			continue;
		snprintf(rel, sizeof(rel), "secrets.%s", key);
		if (s) {
			config_report_add(
			        errs, src, jp, rel,
			        "connection \"%s\": \"%s\" is a setting, "
			        "not a secret; put it in \"settings\"",
			        conn->name, key);
			return -1;
		}
		schema_keys(d, 1, known, sizeof(known));
		config_report_add(
		        errs, src, jp, rel,
		        "connection \"%s\": unknown secret \"%s\" for "
		        "connector \"%s\" (known: %s)",
		        conn->name, key, d->name, known);
		return -1;
	}
	for (uint32_t i = 0; i < d->n_settings; i++) {
		const provhost_setting *s = loader_setting(d, i);

		if (!(s->flags & PROVHOST_SETTING_SECRET) ||
		    !(s->flags & PROVHOST_SETTING_REQUIRED) ||
		    secret_set_find(&conn->secrets, s->key))
			continue;
		config_report_add(
		        errs, src, jp, "secrets",
		        "connection \"%s\": missing secret \"%s\" "
		        "(connector \"%s\" needs it; add \"secrets\": "
		        "{\"%s\": {\"env\": \"VAR\"}})",
		        conn->name, s->key, d->name, s->key);
		return -1;
	}
	return 0;
}

/* Asks the connector whether it accepts the settings. */
static int check_validate(const struct connection *conn,
                          const provhost_connector *d,
                          struct config_report *errs)
{
	provhost_error perr;
	char *json;
	int32_t st;

	json = json_dumps(conn->settings, JSON_COMPACT);
	if (!json) {
		config_report_add_line(errs, "out of memory");
		return -1;
	}
	memset(&perr, 0, sizeof(perr));
	perr.struct_size = sizeof(perr);
	st = d->ops->validate_config(json, strlen(json), &perr);
	free(json);
	if (st == PROVHOST_OK)
		return 0;
	perr.message[sizeof(perr.message) - 1] = '\0';
	redact_into(&conn->secrets, perr.message, perr.message,
	            sizeof(perr.message));
	config_report_add(errs, conn->source, conn->json_path, "settings",
	                  "connection \"%s\": connector \"%s\" rejected the "
	                  "settings: %s",
	                  conn->name, d->name,
	                  perr.message[0] ? perr.message : "(no reason given)");
	return -1;
}

/* Lists the accepted connectors' names into out. */
static void available(const struct plugin_set *set, char *out, size_t outlen)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < set->n_accepted && used < outlen; i++)
		used += (size_t)snprintf(out + used, outlen - used, "%s%s",
		                         used ? ", " : "",
		                         set->accepted[i].desc->name);
	if (!used)
		snprintf(out, outlen, "none");
}

static int bind_one(struct connection *conn, const struct plugin_set *set,
                    const char *dir, struct config_report *errs)
{
	const struct loaded_connector *lc = loader_find(set, conn->connector);
	const struct refused_file *refused;
	char names[512];

	conn->bound = NULL;
	if (!lc) {
		refused = loader_find_refused(set, conn->connector);
		if (refused) {
			config_report_add(
			        errs, conn->source, conn->json_path,
			        "connector",
			        "connection \"%s\": connector \"%s\" was "
			        "refused: %s: %s",
			        conn->name, conn->connector, refused->path,
			        refused->reason);
			return -1;
		}
		available(set, names, sizeof(names));
		config_report_add(errs, conn->source, conn->json_path,
		                  "connector",
		                  "connection \"%s\": unknown connector \"%s\" "
		                  "(available in %s: %s)",
		                  conn->name, conn->connector, dir, names);
		return -1;
	}
	if (check_settings(conn, lc->desc, errs) ||
	    check_secrets(conn, lc->desc, errs) ||
	    check_validate(conn, lc->desc, errs))
		return -1;
	conn->bound = lc;
	return 0;
}

int config_bind_connectors(struct config *cfg, const char *plugin_dir,
                           struct plugin_set **out, char *err, size_t errlen)
{
	struct config_report errs;
	struct plugin_set *set;
	char dir[PATH_MAX], why[PATH_MAX + 128];

	*out = NULL;
	config_report_init(&errs, err, errlen);
	config_plugin_dir(plugin_dir, cfg->plugin_dir, dir, sizeof(dir));
	set = loader_new();
	if (!set) {
		config_report_add_line(&errs, "out of memory");
		return -1;
	}
	if (loader_scan_dir(set, dir, why, sizeof(why))) {
		config_report_add_line(&errs, why);
		loader_free(set);
		return -1;
	}
	for (size_t i = 0; i < cfg->n_connections; i++)
		bind_one(&cfg->connections[i], set, dir, &errs);
	if (errs.count) {
		for (size_t i = 0; i < cfg->n_connections; i++)
			cfg->connections[i].bound = NULL;
		loader_free(set);
		return -1;
	}
	*out = set;
	return 0;
}
