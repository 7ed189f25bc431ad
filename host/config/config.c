#include "config/config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_internal.h"
#include "config/config_locate.h"
#include "config/notify_config.h"
#include "config/secret_expiry.h"
#include "util/file_open.h"

/* Largest configuration file we read. */
#define CONFIG_MAX_FILE (16 * 1024 * 1024)

static const char *const top_keys[] = {
        "plugin_dir", "state_dir",   "ledger",          "audit_file",
        "include",    "connections", "inputs",          "dates",
        "sync",       "notify",      "expiry_warn_days"};
#define N_TOP_KEYS (sizeof(top_keys) / sizeof(top_keys[0]))

char *config_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

char *config_resolve(const char *dir, const char *path)
{
	char *joined;

	if (path[0] == '/' || !strcmp(dir, "."))
		return strdup(path);
	if (asprintf(&joined, "%s/%s", dir, path) < 0)
		return NULL;
	return joined;
}

/* Reads the file at path into a new source; -1 with err line on failure. */
static struct config_source *source_read(const char *path,
                                         struct config_report *errs)
{
	struct config_source *src;
	char line[1024];
	struct stat st;
	ssize_t n;
	size_t used = 0;
	int fd;

	/* never blocks: a FIFO here would hang open() until a writer came */
	fd = file_open_regular(path, O_RDONLY, 0, &st);
	if (fd < 0 && errno == EINVAL) {
		snprintf(line, sizeof(line),
		         "%s: cannot read configuration: not a regular file "
		         "(it is %s)",
		         path, file_kind(st.st_mode));
		goto out_error;
	}
	if (fd < 0) {
		int e = errno;

		/* the default file is missing: say how to name another */
		snprintf(line, sizeof(line),
		         "%s: cannot read configuration: %s%s", path,
		         strerror(e),
		         e == ENOENT && !strcmp(path, CONFIG_DEFAULT_PATH)
		                 ? " (give the configuration file with -c "
		                   "FILE or $PROVHOST_CONFIG)"
		                 : "");
		goto out_error;
	}
	if (st.st_size > CONFIG_MAX_FILE) {
		snprintf(line, sizeof(line),
		         "%s: cannot read configuration: file too large", path);
		goto out_error;
	}
	src = calloc(1, sizeof(*src));
	if (!src || !(src->text = malloc((size_t)st.st_size + 1)) ||
	    !(src->path = strdup(path))) {
		if (src)
			free(src->text);
		free(src);
		snprintf(line, sizeof(line), "%s: out of memory", path);
		goto out_error;
	}
	src->index = config_index_new(); /* NULL: lookups scan each time */
	while (used < (size_t)st.st_size &&
	       (n = read(fd, src->text + used, (size_t)st.st_size - used)) > 0)
		used += (size_t)n;
	close(fd);
	src->text[used] = '\0';
	src->len = used;
	return src;

out_error:
	if (fd >= 0)
		close(fd);
	config_report_add_line(errs, line);
	return NULL;
}

static void source_free(struct config_source *src)
{
	if (!src)
		return;
	config_index_free(src->index);
	free(src->path);
	free(src->text);
	free(src);
}

static int add_source(struct config *cfg, struct config_source *src)
{
	struct config_source **grown;

	grown = realloc(cfg->sources, (cfg->n_sources + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	cfg->sources = grown;
	cfg->sources[cfg->n_sources++] = src;
	return 0;
}

/* Reads and parses path into a new source (kept by cfg) and JSON root. */
static json_t *parse_file(struct config *cfg, const char *path,
                          const struct config_source **src_out,
                          struct config_report *errs)
{
	struct config_source *src;
	json_error_t jerr;
	json_t *root;
	char line[1024];

	src = source_read(path, errs);
	if (!src)
		return NULL;
	if (add_source(cfg, src)) {
		source_free(src);
		config_report_add_line(errs, "out of memory");
		return NULL;
	}
	*src_out = src;
	root = json_loadb(src->text, src->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(line, sizeof(line), "%s:%d:%d: %s", path, jerr.line,
		         jerr.column < 1 ? 1 : jerr.column, jerr.text);
		config_report_add_line(errs, line);
		return NULL;
	}
	if (!json_is_object(root)) {
		config_report_add(errs, src, "", "",
		                  "expected a JSON object at the top");
		json_decref(root);
		return NULL;
	}
	return root;
}

static int add_connection(struct config *cfg, struct connection *conn)
{
	struct connection *grown;

	grown = realloc(cfg->connections,
	                (cfg->n_connections + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	cfg->connections = grown;
	cfg->connections[cfg->n_connections++] = *conn;
	return 0;
}

/* Parses one connection object and appends it; reports duplicate names. */
static void take_connection(struct config *cfg, const json_t *obj,
                            const struct config_source *src,
                            const char *json_path, const char *base_dir,
                            struct config_report *errs)
{
	struct connection conn;
	struct connection *first;

	if (config_connection_parse(obj, src, json_path, base_dir, &conn, errs))
		return;
	first = config_find_connection(cfg, conn.name);
	if (first) {
		char where[600];

		config_connection_where(first, "name", where, sizeof(where));
		config_report_add(
		        errs, src, json_path,
		        json_object_get(obj, "name") ? "name" : "",
		        "connection \"%s\" is defined twice (first at "
		        "%s)",
		        conn.name, where);
		config_connection_release(&conn);
		return;
	}
	if (add_connection(cfg, &conn)) {
		config_connection_release(&conn);
		config_report_add_line(errs, "out of memory");
	}
}

static int is_json_name(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return e->d_name[0] != '.' && n > 5 &&
	       !strcmp(e->d_name + n - 5, ".json");
}

/* Loads every *.json of the drop-in directory, in sorted order. */
static void load_include_dir(struct config *cfg,
                             const struct config_source *main_src,
                             struct config_report *errs)
{
	struct dirent **names;
	int n;

	n = scandir(cfg->include_dir, &names, is_json_name, alphasort);
	if (n < 0) {
		config_report_add(errs, main_src, "", "include",
		                  "cannot read include directory \"%s\": %s",
		                  cfg->include_dir, strerror(errno));
		return;
	}
	for (int i = 0; i < n; i++) {
		const struct config_source *src = NULL;
		char *path = config_resolve(cfg->include_dir, names[i]->d_name);
		json_t *root = path ? parse_file(cfg, path, &src, errs) : NULL;

		if (root)
			take_connection(cfg, root, src, "", cfg->include_dir,
			                errs);
		json_decref(root);
		free(path);
		free(names[i]);
	}
	free(names);
}

/* Reads an optional string member that names a path; resolves it. */
static int get_path(const json_t *root, const char *key, const char *dir,
                    char **out, const struct config_source *src,
                    struct config_report *errs)
{
	const json_t *v = json_object_get(root, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_string(v) || !json_string_length(v)) {
		config_report_add(errs, src, "", key,
		                  "\"%s\" must be a non-empty string", key);
		return -1;
	}
	*out = config_resolve(dir, json_string_value(v));
	return *out ? 0 : -1;
}

static char *default_state_dir(void)
{
	const char *v = getenv("PROVHOST_STATE_DIR");
	char *dir;

	if (v && v[0])
		return strdup(v);
	v = getenv("XDG_STATE_HOME");
	if (v && v[0] == '/') {
		if (asprintf(&dir, "%s/provhost", v) < 0)
			return NULL;
		return dir;
	}
	v = getenv("HOME");
	if (v && v[0]) {
		if (asprintf(&dir, "%s/.local/state/provhost", v) < 0)
			return NULL;
		return dir;
	}
	return strdup("/var/lib/provhost");
}

static void check_top_keys(const json_t *root, const struct config_source *src,
                           struct config_report *errs)
{
	const char *key;
	const json_t *val;

	json_object_foreach((json_t *)root, key, val)
	{
		size_t i;

		for (i = 0; i < N_TOP_KEYS; i++)
			if (!strcmp(key, top_keys[i]))
				break;
		if (i == N_TOP_KEYS)
			config_report_add(
			        errs, src, "", key,
			        "unknown key \"%s\" (known: plugin_dir, "
			        "state_dir, ledger, audit_file, "
			        "include, connections, inputs, dates, "
			        "sync, notify, expiry_warn_days)",
			        key);
	}
}

/* The "sync" section (sync_config.h); defaults when absent. */
static void read_sync(struct config *cfg, const json_t *root,
                      const struct config_source *src,
                      struct config_report *errs)
{
	struct path_error perr = {{0}, {0}};

	if (sync_config_parse(json_object_get(root, "sync"), &cfg->sync, &perr))
		config_report_add(errs, src, "sync", perr.path, "sync: %s",
		                  perr.message);
}

/* Input names are used on the command line (--input NAME) and in JSON
 * paths: letters, digits, '_' and '-' only. */
static bool input_name_ok(const char *name)
{
	if (!name[0] || strlen(name) > 64)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	return true;
}

/* "dates" and "inputs" (config/input_config.h). */
static void read_inputs(struct config *cfg, const json_t *root,
                        const struct config_source *src,
                        struct config_report *errs)
{
	const json_t *inputs = json_object_get(root, "inputs"), *val;
	struct path_error perr = {{0}, {0}};
	const char *name;

	if (dates_config_parse(json_object_get(root, "dates"), &cfg->dates,
	                       &perr))
		config_report_add(errs, src, "dates", perr.path, "dates: %s",
		                  perr.message);
	if (!inputs)
		return;
	if (!json_is_object(inputs)) {
		config_report_add(errs, src, "", "inputs",
		                  "\"inputs\" must be an object: input name -> "
		                  "how to read that export");
		return;
	}
	cfg->inputs =
	        calloc(json_object_size(inputs) + 1, sizeof(*cfg->inputs));
	if (!cfg->inputs) {
		config_report_add_line(errs, "out of memory");
		return;
	}
	json_object_foreach((json_t *)inputs, name, val)
	{
		char prefix[300];

		snprintf(prefix, sizeof(prefix), "inputs.%s", name);
		if (!input_name_ok(name)) {
			config_report_add(errs, src, "", prefix,
			                  "input name \"%s\" must be 1 to 64 "
			                  "letters, digits, '_' or '-'",
			                  name);
			continue;
		}
		if (input_config_parse(name, val, &cfg->inputs[cfg->n_inputs],
		                       &perr)) {
			config_report_add(errs, src, prefix, perr.path,
			                  "input \"%s\": %s", name,
			                  perr.message);
			continue;
		}
		cfg->n_inputs++;
	}
}

/* "notify" (notify_config.h) and "expiry_warn_days" (secret_expiry.h).
 */
static void read_unattended(struct config *cfg, const json_t *root,
                            const struct config_source *src, const char *dir,
                            struct config_report *errs)
{
	const json_t *v = json_object_get(root, "expiry_warn_days");

	cfg->expiry_warn_days = SECRET_EXPIRY_WARN_DAYS_DEFAULT;
	if (v && (!json_is_integer(v) || json_integer_value(v) < 0 ||
	          json_integer_value(v) > 366))
		config_report_add(errs, src, "", "expiry_warn_days",
		                  "\"expiry_warn_days\" must be an integer "
		                  "from 0 to 366 (days before a secret's "
		                  "\"expires\" to start warning)");
	else if (v)
		cfg->expiry_warn_days = (int)json_integer_value(v);
	notify_config_read(root, src, dir, errs, &cfg->notify);
}

/* Fills cfg's top-level settings from root. */
static void read_top_level(struct config *cfg, const json_t *root,
                           const struct config_source *src, const char *dir,
                           struct config_report *errs)
{
	check_top_keys(root, src, errs);
	get_path(root, "plugin_dir", dir, &cfg->plugin_dir, src, errs);
	get_path(root, "state_dir", dir, &cfg->state_dir, src, errs);
	get_path(root, "ledger", dir, &cfg->ledger_path, src, errs);
	get_path(root, "audit_file", dir, &cfg->audit_file, src, errs);
	get_path(root, "include", dir, &cfg->include_dir, src, errs);
	read_sync(cfg, root, src, errs);
	read_unattended(cfg, root, src, dir, errs);
	if (!cfg->state_dir)
		cfg->state_dir = default_state_dir();
	if (!cfg->ledger_path && cfg->state_dir &&
	    asprintf(&cfg->ledger_path, "%s/ledger.sqlite", cfg->state_dir) < 0)
		cfg->ledger_path = NULL;
}

int config_load(const char *path, struct config **out, char *err, size_t errlen)
{
	const struct config_source *src = NULL;
	struct config_report errs;
	const json_t *conns;
	struct config *cfg;
	json_t *root;
	char *dir;

	config_report_init(&errs, err, errlen);
	*out = NULL;
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg || !(cfg->path = strdup(path))) {
		free(cfg);
		config_report_add_line(&errs, "out of memory");
		return -1;
	}
	root = parse_file(cfg, path, &src, &errs);
	if (!root)
		goto out_free_cfg;
	dir = config_dirname(path);
	if (!dir) {
		config_report_add_line(&errs, "out of memory");
		goto out_free_root;
	}
	read_top_level(cfg, root, src, dir, &errs);
	read_inputs(cfg, root, src, &errs);
	conns = json_object_get(root, "connections");
	if (conns && !json_is_array(conns)) {
		config_report_add(&errs, src, "", "connections",
		                  "\"connections\" must be an array of "
		                  "connection objects");
	} else if (conns) {
		for (size_t i = 0; i < json_array_size(conns); i++) {
			char jpath[64];

			snprintf(jpath, sizeof(jpath), "connections[%zu]", i);
			take_connection(cfg, json_array_get(conns, i), src,
			                jpath, dir, &errs);
		}
	}
	if (cfg->include_dir)
		load_include_dir(cfg, src, &errs);
	if (!errs.count && cfg->n_connections == 0)
		config_report_add(&errs, src, "", "",
		                  "no connections configured (add "
		                  "\"connections\" or an \"include\" "
		                  "directory)");
	free(dir);
	if (errs.count)
		goto out_free_root;
	json_decref(root);
	*out = cfg;
	return 0;

out_free_root:
	json_decref(root);
out_free_cfg:
	config_free(cfg);
	return -1;
}

void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n_connections; i++)
		config_connection_release(&cfg->connections[i]);
	free(cfg->connections);
	for (size_t i = 0; i < cfg->n_sources; i++)
		source_free(cfg->sources[i]);
	free(cfg->sources);
	free(cfg->path);
	free(cfg->plugin_dir);
	free(cfg->state_dir);
	free(cfg->ledger_path);
	free(cfg->audit_file);
	free(cfg->include_dir);
	for (size_t i = 0; i < cfg->n_inputs; i++)
		input_config_release(&cfg->inputs[i]);
	free(cfg->inputs);
	dates_config_release(&cfg->dates);
	notify_config_free(cfg->notify);
	free(cfg);
}

const struct input_config *config_find_input(const struct config *cfg,
                                             const char *name)
{
	for (size_t i = 0; i < cfg->n_inputs; i++)
		if (!strcmp(cfg->inputs[i].name, name))
			return &cfg->inputs[i];
	return NULL;
}

struct connection *config_find_connection(const struct config *cfg,
                                          const char *name)
{
	for (size_t i = 0; i < cfg->n_connections; i++)
		if (!strcmp(cfg->connections[i].name, name))
			return &cfg->connections[i];
	return NULL;
}

const char *config_default_path(const char *opt)
{
	const char *env = getenv("PROVHOST_CONFIG");

	if (opt)
		return opt;
	if (env && env[0])
		return env;
	return CONFIG_DEFAULT_PATH;
}

void config_connection_where(const struct connection *conn,
                             const char *rel_path, char *out, size_t outlen)
{
	char path[512];
	int l, c;

	config_path_join(path, sizeof(path), conn->json_path, rel_path);
	config_source_locate(conn->source, path, &l, &c);
	snprintf(out, outlen, "%s:%d:%d", conn->source->path, l, c);
}

int config_read_plugin_dir(const char *path, char **out, char *err,
                           size_t errlen)
{
	const struct config_source *src = NULL;
	struct config_report errs;
	struct config *cfg;
	json_t *root;
	char *dir;
	int rc = -1;

	*out = NULL;
	config_report_init(&errs, err, errlen);
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return -1;
	root = parse_file(cfg, path, &src, &errs);
	if (!root)
		goto out_free_cfg;
	dir = config_dirname(path);
	if (dir && !get_path(root, "plugin_dir", dir, out, src, &errs))
		rc = 0;
	free(dir);
	json_decref(root);
out_free_cfg:
	config_free(cfg);
	return rc;
}
