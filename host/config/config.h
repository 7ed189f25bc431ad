/* provhost's configuration: one JSON file, optionally a drop-in directory of
 * connection files, loaded and checked as a whole. Every error is reported
 * as "file:line:column: message"; unknown keys are errors. The format is
 * described in the README ("Configuration"). */
#ifndef PROVHOST_CONFIG_H
#define PROVHOST_CONFIG_H

#include <jansson.h>
#include <stddef.h>

#include "config/engine_config.h"
#include "config/input_config.h"
#include "config/reconcile_config.h"
#include "config/secrets.h"
#include "config/sync_config.h"

struct lifecycle_config;
struct loaded_connector;
struct notify_config;

/* The name a connection gets when it has none (Hire2Retire's default). */
#define CONFIG_DEFAULT_CONNECTION_NAME "Connection-Bearer Token-1"

/* Where the configuration is read from when -c is not given. */
#define CONFIG_DEFAULT_PATH "/etc/provhost/provhost.json"

/* One file the configuration was read from, kept for error positions. */
struct config_source {
	char *path; /* as opened: relative to the working directory or not */
	char *text; /* the whole file, NUL-terminated */
	size_t len;
	/* positions in text, built on first use (config_locate.h); may be
	 * NULL (then each lookup scans the text) */
	struct config_index *index;
};

struct connection {
	char *name;                         /* unique in the configuration */
	char *connector;                    /* the connector's name */
	json_t *settings;                   /* owned reference; an object */
	struct secret_set secrets;          /* values read at load time */
	struct lifecycle_config *lifecycle; /* mapping, roles, policy */
	struct engine_config engine;
	struct reconcile_config reconcile;  /* "reconcile": ignore, protect */
	const struct config_source *source; /* the file it is defined in */
	char json_path[64]; /* where in that file: "connections[1]" or "" */
	/* Set by config_bind_connectors: the accepted connector (borrowed
	 * from the plugin set, which must outlive its use). */
	const struct loaded_connector *bound;
};

struct config {
	char *path;        /* the main file */
	char *plugin_dir;  /* resolved against the file; NULL = not set */
	char *state_dir;   /* resolved, or the default (always set) */
	char *ledger_path; /* resolved, or <state_dir>/ledger.sqlite */
	char *audit_file;  /* resolved; NULL = not set */
	char *include_dir; /* resolved; NULL = not set */
	struct connection *connections;
	size_t n_connections;
	struct sync_config
	        sync; /* "sync": provhost sync (defaults if absent) */
	struct config_source **sources;
	size_t n_sources;
	/* "inputs" (config/input_config.h), in file order, and "dates" */
	struct input_config *inputs;
	size_t n_inputs;
	struct dates_config dates;
	struct notify_config *notify; /* "notify"; NULL = none */
	int expiry_warn_days;         /* secret_expiry.h */
};

/* Reads and checks the configuration at path (and its drop-in directory),
 * including every connection's secrets, engine and lifecycle sections.
 * Touches no network and no plugin. On success *out is a new config owned
 * by the caller (config_free) and 0 is returned; on error -1 and err holds
 * one "file:line:column: message" line per problem ('\n'-separated, no
 * trailing newline). */
int config_load(const char *path, struct config **out, char *err,
                size_t errlen);

/* Frees cfg and everything it owns, wiping secret values. NULL is allowed.
 */
void config_free(struct config *cfg);

/* The connection called name, or NULL. Borrowed from cfg. */
struct connection *config_find_connection(const struct config *cfg,
                                          const char *name);

/* The input called name, or NULL. Borrowed from cfg. */
const struct input_config *config_find_input(const struct config *cfg,
                                             const char *name);

/* The configuration file to use: opt (from -c) if given, else
 * $PROVHOST_CONFIG, else CONFIG_DEFAULT_PATH. */
const char *config_default_path(const char *opt);

/* Reads only "plugin_dir" from the file at path (resolved against its
 * directory) into *out (new string, or NULL when the file has none).
 * Returns 0, or -1 with a "file:line:column: message" in err. */
int config_read_plugin_dir(const char *path, char **out, char *err,
                           size_t errlen);

/* The plugin directory to use: override (--plugin-dir) if given, else
 * cfg_dir (the configuration's plugin_dir, may be NULL), else the installed
 * directory PROVHOST_PLUGIN_DIR if it exists, else "plugins" next to the
 * running executable (the build tree). Writes it into out. */
void config_plugin_dir(const char *override, const char *cfg_dir, char *out,
                       size_t outlen);

/* The installed plugin directory compiled in ($PREFIX/lib/provhost/plugins).
 */
const char *config_installed_plugin_dir(void);

/* Writes "file:line:column" of rel_path (e.g. "settings.instance_url")
 * inside conn's object. */
void config_connection_where(const struct connection *conn,
                             const char *rel_path, char *out, size_t outlen);

#endif
