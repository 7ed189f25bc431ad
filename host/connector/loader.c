#include "connector/loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* Checks the settings schema; returns NULL or a static reason prefix with
 * the offending index in *bad. */
static const char *check_settings(const provhost_connector *d, uint32_t *bad)
{
	if (d->n_settings == 0)
		return NULL;
	if (!d->settings)
		return "settings schema is NULL but n_settings is not 0";
	if (d->setting_size < V1_0_SETTING_SIZE)
		return "settings schema entries are too small";
	for (uint32_t i = 0; i < d->n_settings; i++) {
		const provhost_setting *s = loader_setting(d, i);

		*bad = i;
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

/* Checks the ops table: size, required ops, advertised optional ops. */
static int check_ops(struct plugin_set *set, const char *path,
                     const provhost_connector *d)
{
	const provhost_ops *ops = d->ops;
	const char *missing;

	if (!ops)
		return refuse(set, path, d->name, "ops table is NULL");
	if (ops->struct_size < V1_0_OPS_SIZE)
		return refuse(set, path, d->name,
		              "ops table too small (%u bytes; connector ABI "
		              "1.0 needs at least %zu)",
		              ops->struct_size, V1_0_OPS_SIZE);
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

/* Validates desc as found in path; 0 = acceptable. */
static int check_descriptor(struct plugin_set *set, const char *path,
                            const provhost_connector *d)
{
	const struct loaded_connector *other;
	const char *why;
	uint32_t bad = 0;

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
	if (d->min_host_minor > PROVHOST_CONNECTOR_ABI_MINOR)
		return refuse(set, path,
		              d->name && valid_name(d->name) ? d->name : NULL,
		              "needs connector ABI 1.%u; this provhost speaks "
		              "1.%d",
		              d->min_host_minor, PROVHOST_CONNECTOR_ABI_MINOR);
	if (!d->name || !valid_name(d->name))
		return refuse(set, path, NULL,
		              "invalid connector name (want 1-64 characters "
		              "of [a-z0-9_-])");
	if (!d->version || !d->version[0])
		return refuse(set, path, d->name, "connector has no version");
	if (check_ops(set, path, d))
		return -1;
	why = check_settings(d, &bad);
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

/* Looks for another major's entry symbol: returns that major or 0. */
static unsigned other_major(void *handle)
{
	for (unsigned major = 2; major <= LOADER_MAX_MAJOR_PROBE; major++) {
		char sym[64];

		snprintf(sym, sizeof(sym), "provhost_connector_v%u", major);
		if (dlsym(handle, sym))
			return major;
	}
	return 0;
}

int loader_load_file(struct plugin_set *set, const char *path)
{
	struct loaded_connector *grown;
	provhost_connector_entry_fn entry;
	const provhost_connector *desc;
	struct stat st;
	void *handle;
	unsigned major;

	if (stat(path, &st) < 0)
		return refuse(set, path, NULL, "cannot read: %s",
		              strerror(errno));
	if (!S_ISREG(st.st_mode))
		return refuse(set, path, NULL, "not a regular file");
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return refuse(set, path, NULL,
		              "file is group- or world-writable (mode %04o); "
		              "refusing to load it",
		              (unsigned)(st.st_mode & 07777));
	dlerror();
	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		const char *e = dlerror();

		return refuse(set, path, NULL, "cannot be loaded: %s",
		              e ? e : "unknown dlopen error");
	}
	*(void **)&entry = dlsym(handle, PROVHOST_CONNECTOR_ENTRY);
	if (!entry) {
		major = other_major(handle);
		dlclose(handle);
		if (major)
			return refuse(set, path, NULL,
			              "built for connector ABI %u; this "
			              "provhost speaks %d (it exports "
			              "provhost_connector_v%u, not %s)",
			              major, PROVHOST_CONNECTOR_ABI_MAJOR,
			              major, PROVHOST_CONNECTOR_ENTRY);
		return refuse(set, path, NULL,
		              "not a provhost connector (no %s symbol)",
		              PROVHOST_CONNECTOR_ENTRY);
	}
	desc = entry(PROVHOST_CONNECTOR_ABI_MINOR);
	if (!desc) {
		dlclose(handle);
		return refuse(set, path, NULL,
		              "entry point returned no descriptor");
	}
	if (check_descriptor(set, path, desc)) {
		dlclose(handle);
		return -1;
	}
	grown = realloc(set->accepted, (set->n_accepted + 1) * sizeof(*grown));
	if (!grown)
		goto out_nomem;
	set->accepted = grown;
	grown[set->n_accepted].path = strdup(path);
	grown[set->n_accepted].desc = desc;
	if (!grown[set->n_accepted].path)
		goto out_nomem;
	set->n_accepted++;
	/* handle deliberately kept open for the life of the process */
	return 0;

out_nomem:
	dlclose(handle);
	return refuse(set, path, NULL, "out of memory");
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
	int n;

	n = scandir(dir, &names, filter_so, alphasort);
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
