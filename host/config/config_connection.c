/* Parsing one connection object of the configuration. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "config/lifecycle_config.h"

static const char *const connection_keys[] = {
        "name",  "connector", "settings", "secrets",  "mapping",
        "roles", "policy",    "engine",   "reconcile"};
#define N_CONNECTION_KEYS (sizeof(connection_keys) / sizeof(connection_keys[0]))

/* Reports the first member of obj that is not a known connection key. */
static int check_keys(const json_t *obj, const char *name,
                      const struct config_source *src, const char *jpath,
                      struct config_report *errs)
{
	const char *key;
	const json_t *val;

	json_object_foreach((json_t *)obj, key, val)
	{
		size_t i;

		for (i = 0; i < N_CONNECTION_KEYS; i++)
			if (!strcmp(key, connection_keys[i]))
				break;
		if (i < N_CONNECTION_KEYS)
			continue;
		config_report_add(
		        errs, src, jpath, key,
		        "connection \"%s\": unknown key \"%s\" (known: "
		        "name, connector, settings, secrets, mapping, "
		        "roles, policy, engine, reconcile)",
		        name, key);
		return -1;
	}
	return 0;
}

/* Reads the connection's secrets object into conn->secrets. */
static int read_secrets(const json_t *obj, struct connection *conn,
                        const struct config_source *src, const char *jpath,
                        const char *base_dir, struct config_report *errs)
{
	const json_t *secrets = json_object_get(obj, "secrets");
	struct path_error cerr = {{0}, {0}};
	const char *key;
	const json_t *spec;

	if (!secrets)
		return 0;
	if (!json_is_object(secrets)) {
		config_report_add(errs, src, jpath, "secrets",
		                  "connection \"%s\": \"secrets\" must be an "
		                  "object of {\"env\": \"VAR\"} or {\"file\": "
		                  "\"path\"}",
		                  conn->name);
		return -1;
	}
	json_object_foreach((json_t *)secrets, key, spec)
	{
		if (secret_set_load(&conn->secrets, key, spec, base_dir,
		                    &cerr)) {
			config_report_add(errs, src, jpath, cerr.path,
			                  "connection \"%s\": %s", conn->name,
			                  cerr.message);
			return -1;
		}
	}
	return 0;
}

/* Reads name (or the default) and connector. */
static int read_identity(const json_t *obj, struct connection *conn,
                         const struct config_source *src, const char *jpath,
                         struct config_report *errs)
{
	const json_t *name = json_object_get(obj, "name");
	const json_t *connector = json_object_get(obj, "connector");

	if (name && (!json_is_string(name) || !json_string_length(name))) {
		config_report_add(errs, src, jpath, "name",
		                  "connection: \"name\" must be a non-empty "
		                  "string");
		return -1;
	}
	conn->name = strdup(name ? json_string_value(name)
	                         : CONFIG_DEFAULT_CONNECTION_NAME);
	if (!conn->name)
		return -1;
	if (check_keys(obj, conn->name, src, jpath, errs))
		return -1;
	if (!connector) {
		config_report_add(
		        errs, src, jpath, "",
		        "connection \"%s\": missing \"connector\" (the "
		        "connector's name, e.g. \"promapp\")",
		        conn->name);
		return -1;
	}
	if (!json_is_string(connector) || !json_string_length(connector)) {
		config_report_add(errs, src, jpath, "connector",
		                  "connection \"%s\": \"connector\" must be a "
		                  "non-empty string",
		                  conn->name);
		return -1;
	}
	conn->connector = strdup(json_string_value(connector));
	return conn->connector ? 0 : -1;
}

/* Reads settings ({} when absent). */
static int read_settings(const json_t *obj, struct connection *conn,
                         const struct config_source *src, const char *jpath,
                         struct config_report *errs)
{
	json_t *settings = json_object_get(obj, "settings");

	if (settings && !json_is_object(settings)) {
		config_report_add(errs, src, jpath, "settings",
		                  "connection \"%s\": \"settings\" must be an "
		                  "object",
		                  conn->name);
		return -1;
	}
	conn->settings = settings ? json_incref(settings) : json_object();
	return conn->settings ? 0 : -1;
}

/* Runs the section parsers that other modules own (engine, lifecycle). */
static int read_sections(const json_t *obj, struct connection *conn,
                         const struct config_source *src, const char *jpath,
                         struct config_report *errs)
{
	struct path_error cerr = {{0}, {0}};
	char rel[300];

	if (engine_config_parse(json_object_get(obj, "engine"), &conn->engine,
	                        &cerr)) {
		snprintf(rel, sizeof(rel), "engine%s%s",
		         cerr.path[0] ? "." : "", cerr.path);
		config_report_add(errs, src, jpath, rel,
		                  "connection \"%s\": engine: %s", conn->name,
		                  cerr.message);
		return -1;
	}
	if (reconcile_config_parse(json_object_get(obj, "reconcile"),
	                           &conn->reconcile, &cerr)) {
		config_report_add(errs, src, jpath, cerr.path,
		                  "connection \"%s\": %s", conn->name,
		                  cerr.message);
		return -1;
	}
	if (lifecycle_config_parse(obj, &conn->lifecycle, &cerr)) {
		config_report_add(errs, src, jpath, cerr.path,
		                  "connection \"%s\": %s", conn->name,
		                  cerr.message);
		return -1;
	}
	return 0;
}

int config_connection_parse(const json_t *obj, const struct config_source *src,
                            const char *json_path, const char *base_dir,
                            struct connection *conn, struct config_report *errs)
{
	int before = errs->count;

	memset(conn, 0, sizeof(*conn));
	conn->source = src;
	snprintf(conn->json_path, sizeof(conn->json_path), "%s", json_path);
	engine_config_defaults(&conn->engine);
	if (!json_is_object(obj)) {
		config_report_add(errs, src, json_path, "",
		                  "a connection must be a JSON object");
		return -1;
	}
	if (read_identity(obj, conn, src, json_path, errs) ||
	    read_settings(obj, conn, src, json_path, errs) ||
	    read_secrets(obj, conn, src, json_path, base_dir, errs) ||
	    read_sections(obj, conn, src, json_path, errs)) {
		if (errs->count == before)
			config_report_add_line(errs, "out of memory");
		config_connection_release(conn);
		return -1;
	}
	return 0;
}

void config_connection_release(struct connection *conn)
{
	free(conn->name);
	free(conn->connector);
	json_decref(conn->settings);
	secret_set_release(&conn->secrets);
	lifecycle_config_free(conn->lifecycle);
	reconcile_config_release(&conn->reconcile);
	memset(conn, 0, sizeof(*conn));
}
