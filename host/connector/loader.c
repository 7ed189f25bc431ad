#include "connector/loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "connector/elf_exports.h"
#include "connector/segments.h"
#include "connector/trust.h"

/* Bytes up to and including member m: what a v1.0 struct must hold. */
#define END_OF(type, m) (offsetof(type, m) + sizeof(((type *)0)->m))

#define V1_0_CONNECTOR_SIZE END_OF(provhost_connector, ops)
#define V1_0_OPS_SIZE       END_OF(provhost_ops, lookup)
#define V1_0_SETTING_SIZE   END_OF(provhost_setting, description)
/* The head every major shares: magic, struct_size, abi_major, min minor. */
#define HEAD_SIZE END_OF(provhost_connector, min_host_minor)

/* Other majors we recognise by their entry symbol. */
#define LOADER_MAX_MAJOR_PROBE 9

struct plugin_set *loader_new(void)
{
	return calloc(1, sizeof(struct plugin_set));
}

static char *name_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 3 && !strcmp(base + n - 3, ".so"))
		n -= 3;
	return strndup(base, n);
}

/* Records a refusal of path (claimed connector name may be NULL). */
__attribute__((format(printf, 4, 5))) static int refuse(struct plugin_set *set,
                                                        const char *path,
                                                        const char *name,
                                                        const char *fmt, ...)
{
	struct refused_file *grown, *r;
	va_list ap;
	int rc;

	grown = realloc(set->refused, (set->n_refused + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	set->refused = grown;
	r = &set->refused[set->n_refused];
	r->path = strdup(path);
	r->name = name ? strdup(name) : name_from_path(path);
	va_start(ap, fmt);
	rc = vasprintf(&r->reason, fmt, ap);
	va_end(ap);
	if (rc < 0)
		r->reason = NULL;
	if (!r->path || !r->name || !r->reason) {
		free(r->path);
		free(r->name);
		free(r->reason);
		return -1;
	}
	set->n_refused++;
	return -1;
}

static int valid_name(const char *name)
{
	if (!name[0] || strlen(name) > 64)
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '-'))
			return 0;
	return 1;
}

const provhost_setting *loader_setting(const provhost_connector *desc,
                                       uint32_t i)
{
	const char *base = (const char *)desc->settings;

	return (const provhost_setting *)(base +
	                                  (size_t)i * desc->setting_size);
}

/* The first string field of setting s that is set but does not point
 * into the object's segments, or NULL. */
static const char *wild_setting_string(const struct segments *segs,
                                       const provhost_setting *s,
                                       const char **value)
{
	const struct {
		const char *field, *value;
	} strings[] = {
	        {"key", s->key},
	        {"default_value", s->default_value},
	        {"description", s->description},
	};

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		*value = strings[i].value;
		if (*value && !segments_string(segs, *value))
			return strings[i].field;
	}
	return NULL;
}

/* Checks the settings schema; returns NULL or a static reason prefix with
 * the offending index in *bad (and the field and its value in *field and
 * *value for a pointer that leaves the object's segments). */
static const char *check_settings(const provhost_connector *d,
                                  const struct segments *segs, uint32_t *bad,
                                  const char **field, const char **value)
{
	*field = NULL;
	if (d->n_settings == 0)
		return NULL;
	if (!d->settings)
		return "settings schema is NULL but n_settings is not 0";
	if (d->setting_size < V1_0_SETTING_SIZE)
		return "settings schema entries are too small";
	if (d->n_settings > SIZE_MAX / d->setting_size ||
	    !segments_readable(segs, d->settings,
	                       (size_t)d->n_settings * d->setting_size))
		return "settings schema does not lie inside the connector's "
		       "loaded segments";
	for (uint32_t i = 0; i < d->n_settings; i++) {
		const provhost_setting *s = loader_setting(d, i);

		*bad = i;
		*field = wild_setting_string(segs, s, value);
		if (*field)
			return "a setting string does not point into the "
			       "connector's loaded segments";
		if (!s->key || !s->key[0])
			return "a setting has no key";
		if (s->type < PROVHOST_SETTING_STRING ||
		    s->type > PROVHOST_SETTING_BOOLEAN)
			return "a setting has an unknown type";
		for (uint32_t j = 0; j < i; j++)
			if (!strcmp(loader_setting(d, j)->key, s->key))
				return "a setting key appears twice";
	}
	return NULL;
}

/* The first required op that ops lacks, or NULL. */
static const char *missing_required_op(const provhost_ops *ops)
{
	if (!ops->validate_config)
		return "validate_config";
	if (!ops->open)
		return "open";
	if (!ops->close)
		return "close";
	if (!ops->authenticate)
		return "authenticate";
	if (!ops->provision)
		return "provision";
	if (!ops->deprovision)
		return "deprovision";
	return NULL;
}

/* The first op set in ops (within its struct_size) that does not point
 * into the object's code, or NULL. */
static const char *wild_op(const struct segments *segs, const provhost_ops *ops)
{
	static const struct {
		const char *name;
		size_t off;
	} known[] = {
	        {"validate_config", offsetof(provhost_ops, validate_config)},
	        {"open", offsetof(provhost_ops, open)},
	        {"close", offsetof(provhost_ops, close)},
	        {"authenticate", offsetof(provhost_ops, authenticate)},
	        {"provision", offsetof(provhost_ops, provision)},
	        {"deprovision", offsetof(provhost_ops, deprovision)},
	        {"lookup", offsetof(provhost_ops, lookup)},
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		void *fn;

		if (known[i].off + sizeof(fn) > ops->struct_size)
			break;
		memcpy(&fn, (const char *)ops + known[i].off, sizeof(fn));
		if (fn && !segments_code(segs, fn))
			return known[i].name;
	}
	return NULL;
}

/* Checks the ops table: memory, size, required ops, advertised optional
 * ops. */
static int check_ops(struct plugin_set *set, const char *path,
                     const provhost_connector *d, const struct segments *segs)
{
	const provhost_ops *ops = d->ops;
	const char *missing;
	size_t readable;

	if (!ops)
		return refuse(set, path, d->name, "ops table is NULL");
	if (!segments_readable(segs, ops, sizeof(ops->struct_size)))
		return refuse(set, path, d->name,
		              "ops table (%p) does not lie inside the "
		              "connector's loaded segments",
		              (const void *)ops);
	if (ops->struct_size < V1_0_OPS_SIZE)
		return refuse(set, path, d->name,
		              "ops table too small (%u bytes; connector ABI "
		              "1.0 needs at least %zu)",
		              ops->struct_size, V1_0_OPS_SIZE);
	readable = ops->struct_size < sizeof(*ops) ? ops->struct_size
	                                           : sizeof(*ops);
	if (!segments_readable(segs, ops, readable))
		return refuse(set, path, d->name,
		              "ops table (%u bytes) does not lie inside the "
		              "connector's loaded segments",
		              ops->struct_size);
	missing = wild_op(segs, ops);
	if (missing)
		return refuse(set, path, d->name,
		              "op \"%s\" does not point into the connector's "
		              "code",
		              missing);
	missing = missing_required_op(ops);
	if (missing)
		return refuse(set, path, d->name,
		              "required op \"%s\" is missing", missing);
	if ((d->capabilities & PROVHOST_CAP_LOOKUP) && !ops->lookup)
		return refuse(set, path, d->name,
		              "capability \"lookup\" is advertised but op "
		              "\"lookup\" is missing");
	if ((d->capabilities & PROVHOST_CAP_LIST) && !loader_op_list(d))
		return refuse(set, path, d->name,
		              "capability \"list\" is advertised but op "
		              "\"list\" is missing (or beyond the ops table's "
		              "%u bytes)",
		              ops->struct_size);
	return 0;
}

provhost_list_fn loader_op_list(const provhost_connector *d)
{
	const provhost_ops *ops = d->ops;

	if (!(d->capabilities & PROVHOST_CAP_LIST) ||
	    !PROVHOST_HAS_FIELD(ops, provhost_ops, list))
		return NULL;
	return ops->list;
}

/* The first descriptor string that is set but does not point into the
 * object's segments (its value in *value), or NULL (name is checked by the
 * caller). */
static const char *wild_descriptor_string(const struct segments *segs,
                                          const provhost_connector *d,
                                          const char **value)
{
	const struct {
		const char *field, *value;
	} strings[] = {
	        {"version", d->version},
	        {"vendor", d->vendor},
	        {"license", d->license},
	        {"description", d->description},
	};

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		*value = strings[i].value;
		if (*value && !segments_string(segs, *value))
			return strings[i].field;
	}
	return NULL;
}

/* Validates desc as found in path, reading only memory inside segs (the
 * object's loaded segments); 0 = acceptable. */
static int check_descriptor(struct plugin_set *set, const char *path,
                            const provhost_connector *d,
                            const struct segments *segs)
{
	const struct loaded_connector *other;
	const char *why, *field, *value;
	uint32_t bad = 0;
	int name_ok;

	if (!segments_readable(segs, d, HEAD_SIZE))
		return refuse(set, path, NULL,
		              "descriptor (%p) does not lie inside the "
		              "connector's loaded segments",
		              (const void *)d);
	if (d->magic != PROVHOST_CONNECTOR_MAGIC)
		return refuse(set, path, NULL,
		              "bad descriptor magic 0x%08x (expected 0x%08x): "
		              "not a provhost connector descriptor",
		              d->magic, PROVHOST_CONNECTOR_MAGIC);
	if (d->struct_size < HEAD_SIZE)
		return refuse(set, path, NULL,
		              "descriptor too small (%u bytes; connector ABI "
		              "1.0 needs at least %zu)",
		              d->struct_size, (size_t)V1_0_CONNECTOR_SIZE);
	if (d->abi_major != PROVHOST_CONNECTOR_ABI_MAJOR)
		return refuse(
		        set, path, NULL,
		        "built for connector ABI %u; this provhost speaks "
		        "%d (its descriptor says abi_major %u)",
		        d->abi_major, PROVHOST_CONNECTOR_ABI_MAJOR,
		        d->abi_major);
	if (d->struct_size < V1_0_CONNECTOR_SIZE)
		return refuse(set, path, NULL,
		              "descriptor too small (%u bytes; connector ABI "
		              "1.0 needs at least %zu)",
		              d->struct_size, (size_t)V1_0_CONNECTOR_SIZE);
	if (!segments_readable(segs, d,
	                       d->struct_size < sizeof(*d) ? d->struct_size
	                                                   : sizeof(*d)))
		return refuse(set, path, NULL,
		              "descriptor (%u bytes) does not lie inside the "
		              "connector's loaded segments",
		              d->struct_size);
	name_ok = d->name && segments_string(segs, d->name) &&
	          valid_name(d->name);
	if (d->min_host_minor > PROVHOST_CONNECTOR_ABI_MINOR)
		return refuse(set, path, name_ok ? d->name : NULL,
		              "needs connector ABI 1.%u; this provhost speaks "
		              "1.%d",
		              d->min_host_minor, PROVHOST_CONNECTOR_ABI_MINOR);
	if (d->name && !segments_string(segs, d->name))
		return refuse(set, path, NULL,
		              "descriptor field \"name\" (%p) does not point "
		              "to a string inside the connector's loaded "
		              "segments",
		              (const void *)d->name);
	if (!name_ok)
		return refuse(set, path, NULL,
		              "invalid connector name (want 1-64 characters "
		              "of [a-z0-9_-])");
	field = wild_descriptor_string(segs, d, &value);
	if (field)
		return refuse(set, path, d->name,
		              "descriptor field \"%s\" (%p) does not point to "
		              "a string inside the connector's loaded segments",
		              field, (const void *)value);
	if (!d->version || !d->version[0])
		return refuse(set, path, d->name, "connector has no version");
	if (check_ops(set, path, d, segs))
		return -1;
	why = check_settings(d, segs, &bad, &field, &value);
	if (why && field)
		return refuse(set, path, d->name,
		              "setting %u field \"%s\" (%p) does not point to "
		              "a string inside the connector's loaded segments",
		              bad, field, (const void *)value);
	if (why)
		return refuse(set, path, d->name, "%s (setting %u)", why, bad);
	other = loader_find(set, d->name);
	if (other)
		return refuse(set, path, d->name,
		              "duplicate connector name \"%s\" (already loaded "
		              "from %s)",
		              d->name, other->path);
	return 0;
}

/* True when names (n of them) holds sym. */
static int exports(char **names, size_t n, const char *sym)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], sym))
			return 1;
	return 0;
}

/* Before anything of the file runs: reads the dynamic symbol table of the
 * file open on fd and refuses it unless it exports the entry symbol. */
static int check_exports(struct plugin_set *set, const char *path, int fd)
{
	char why[256], **names;
	size_t n;

	if (elf_exports_fd(fd, &names, &n, why, sizeof(why)))
		return refuse(set, path, NULL, "cannot be loaded: %s", why);
	if (exports(names, n, PROVHOST_CONNECTOR_ENTRY)) {
		elf_names_free(names, n);
		return 0;
	}
	for (unsigned major = 2; major <= LOADER_MAX_MAJOR_PROBE; major++) {
		char sym[64];

		snprintf(sym, sizeof(sym), "provhost_connector_v%u", major);
		if (exports(names, n, sym)) {
			elf_names_free(names, n);
			return refuse(set, path, NULL,
			              "built for connector ABI %u; this "
			              "provhost speaks %d (it exports "
			              "provhost_connector_v%u, not %s)",
			              major, PROVHOST_CONNECTOR_ABI_MAJOR,
			              major, PROVHOST_CONNECTOR_ENTRY);
		}
	}
	elf_names_free(names, n);
	return refuse(set, path, NULL,
	              "not a provhost connector (no %s symbol)",
	              PROVHOST_CONNECTOR_ENTRY);
}

/* Unloads a refused object. The descriptor is closed only when the object
 * is really gone: while an object named /proc/self/fd/N stays loaded, a
 * later dlopen of that name would get the old object back instead of
 * opening the new file. */
static void unload(void *handle, const char *fd_path, int fd)
{
	void *still;

	dlclose(handle);
	still = dlopen(fd_path, RTLD_LAZY | RTLD_NOLOAD);
	if (still) {
		dlclose(still);
		return; /* fd deliberately kept: its name is still taken */
	}
	close(fd);
}

/* dlerror's text without the leading "/proc/self/fd/N: ". */
static const char *dl_reason(const char *fd_path)
{
	const char *e = dlerror();
	size_t n = strlen(fd_path);

	if (!e)
		return "unknown dlopen error";
	if (!strncmp(e, fd_path, n) && !strncmp(e + n, ": ", 2))
		return e + n + 2;
	return e;
}

/* After dlopen: finds the entry point inside the object itself, calls it
 * and checks the descriptor it returns. */
static int check_loaded(struct plugin_set *set, const char *path, void *handle,
                        const provhost_connector **out)
{
	provhost_connector_entry_fn entry;
	struct segments segs;

	if (segments_of(handle, &segs))
		return refuse(set, path, NULL,
		              "cannot find the loaded object's segments");
	*(void **)&entry = dlsym(handle, PROVHOST_CONNECTOR_ENTRY);
	if (!entry || !segments_code(&segs, *(void **)&entry))
		return refuse(set, path, NULL,
		              "not a provhost connector (no %s symbol in its "
		              "own code)",
		              PROVHOST_CONNECTOR_ENTRY);
	*out = entry(PROVHOST_CONNECTOR_ABI_MINOR);
	if (!*out)
		return refuse(set, path, NULL,
		              "entry point returned no descriptor");
	return check_descriptor(set, path, *out, &segs);
}

int loader_load_file(struct plugin_set *set, const char *path)
{
	struct loaded_connector *grown;
	const provhost_connector *desc = NULL;
	char why[PATH_MAX + 300], fd_path[64], *resolved;
	void *handle;
	int fd;

	/* 1. nothing of the file runs: who may have written it, and does it
	 * export the entry symbol? */
	fd = trust_open_file(path, &resolved, why, sizeof(why));
	if (fd < 0) {
		int rc = resolved ? refuse(set, path, NULL,
		                           "resolves to \"%s\"; %s", resolved,
		                           why)
		                  : refuse(set, path, NULL, "%s", why);

		free(resolved);
		return rc;
	}
	free(resolved);
	if (check_exports(set, path, fd)) {
		close(fd);
		return -1;
	}
	/* 2. load that very file (the open descriptor, not the name again):
	 * its constructors and the entry point run from here on */
	snprintf(fd_path, sizeof(fd_path), "/proc/self/fd/%d", fd);
	dlerror();
	handle = dlopen(fd_path, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		int rc = refuse(set, path, NULL, "cannot be loaded: %s",
		                dl_reason(fd_path));

		close(fd);
		return rc;
	}
	if (check_loaded(set, path, handle, &desc))
		goto out_refused;
	grown = realloc(set->accepted, (set->n_accepted + 1) * sizeof(*grown));
	if (!grown)
		goto out_nomem;
	set->accepted = grown;
	grown[set->n_accepted].path = strdup(path);
	grown[set->n_accepted].desc = desc;
	if (!grown[set->n_accepted].path)
		goto out_nomem;
	set->n_accepted++;
	/* handle and fd deliberately kept open for the life of the process */
	return 0;

out_nomem:
	refuse(set, path, NULL, "out of memory");
out_refused:
	unload(handle, fd_path, fd);
	return -1;
}

static int has_so_suffix(const char *name)
{
	size_t n = strlen(name);

	return n > 3 && name[0] != '.' && !strcmp(name + n - 3, ".so");
}

static int filter_so(const struct dirent *e)
{
	return has_so_suffix(e->d_name);
}

int loader_scan_dir(struct plugin_set *set, const char *dir, char *err,
                    size_t errlen)
{
	struct dirent **names;
	char *real, why[PATH_MAX + 200];
	int n;

	real = realpath(dir, NULL);
	if (!real) {
		snprintf(err, errlen, "cannot read plugin directory \"%s\": %s",
		         dir, strerror(errno));
		return -1;
	}
	if (trust_dir_chain(real, why, sizeof(why))) {
		if (strcmp(real, dir))
			snprintf(err, errlen,
			         "refusing plugin directory \"%s\" (resolves "
			         "to \"%s\"): %s",
			         dir, real, why);
		else
			snprintf(err, errlen,
			         "refusing plugin directory \"%s\": %s", dir,
			         why);
		free(real);
		return -1;
	}
	n = scandir(real, &names, filter_so, alphasort);
	free(real);
	if (n < 0) {
		snprintf(err, errlen, "cannot read plugin directory \"%s\": %s",
		         dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char *path;

		if (asprintf(&path, "%s/%s", dir, names[i]->d_name) >= 0) {
			loader_load_file(set, path);
			free(path);
		}
		free(names[i]);
	}
	free(names);
	return 0;
}

const struct loaded_connector *loader_find(const struct plugin_set *set,
                                           const char *name)
{
	for (size_t i = 0; i < set->n_accepted; i++)
		if (!strcmp(set->accepted[i].desc->name, name))
			return &set->accepted[i];
	return NULL;
}

const struct refused_file *loader_find_refused(const struct plugin_set *set,
                                               const char *name)
{
	for (size_t i = 0; i < set->n_refused; i++)
		if (!strcmp(set->refused[i].name, name))
			return &set->refused[i];
	return NULL;
}

void loader_free(struct plugin_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n_accepted; i++)
		free(set->accepted[i].path);
	for (size_t i = 0; i < set->n_refused; i++) {
		free(set->refused[i].path);
		free(set->refused[i].name);
		free(set->refused[i].reason);
	}
	free(set->accepted);
	free(set->refused);
	free(set);
}

void loader_caps_string(uint64_t caps, char *out, size_t outlen)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} names[] = {
	        {PROVHOST_CAP_LOOKUP, "lookup"},
	        {PROVHOST_CAP_DRY_RUN, "dry-run"},
	        {PROVHOST_CAP_ROLES, "roles"},
	        {PROVHOST_CAP_REACTIVATE, "reactivate"},
	        {PROVHOST_CAP_DELETE, "delete"},
	        {PROVHOST_CAP_LIST, "list"},
	        {PROVHOST_CAP_NO_ADOPT, "no-adopt"},
	        {PROVHOST_CAP_ETAG, "etag"},
	};
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(caps & names[i].bit))
			continue;
		used += (size_t)snprintf(out + used, outlen - used, "%s%s",
		                         used ? "," : "", names[i].name);
		if (used >= outlen)
			return;
	}
	if (!used)
		snprintf(out, outlen, "none");
}
