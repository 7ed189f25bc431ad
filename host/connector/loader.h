/* The connector loader: finds connector shared objects and loads only
 * trusted ones. Before any code of a file runs (trust.c, elf_exports.c):
 * the file and its resolved directory chain belong to root or the running
 * user and nobody else can write them, and the file exports the entry
 * symbol. Then that very file (its open descriptor) is dlopened, and the
 * descriptor the entry point returns is checked, reading only memory
 * inside the object's loaded segments (segments.c). Accepted connectors
 * stay loaded for the life of the process. */
#ifndef PROVHOST_LOADER_H
#define PROVHOST_LOADER_H

#include <provhost/connector.h>
#include <stddef.h>

/* An accepted connector. Never dlclosed: desc stays valid until exit. */
struct loaded_connector {
	char *path;                     /* the file it came from */
	const provhost_connector *desc; /* the connector's static descriptor */
};

/* A file that was not accepted, with the one-line reason. */
struct refused_file {
	char *path;
	char *name;   /* the connector name the file claims, or its file name
	                 without ".so" when it has no readable descriptor */
	char *reason; /* e.g. "built for connector ABI 2; this provhost speaks
	                 1" */
};

struct plugin_set {
	struct loaded_connector *accepted;
	size_t n_accepted;
	struct refused_file *refused;
	size_t n_refused;
};

/* Returns a new, empty set (loader_free it), NULL on out of memory. */
struct plugin_set *loader_new(void);

/* Loads every "*.so" in dir, in sorted name order, into set (files with
 * other names are skipped silently). Returns 0, or -1 when dir cannot be
 * read or is not trusted (its resolved path or a directory above it is
 * owned by someone other than root or the running user, or writable by
 * others: one line naming it in err). Refusals of files are not errors:
 * they land in set->refused. */
int loader_scan_dir(struct plugin_set *set, const char *dir, char *err,
                    size_t errlen);

/* Loads one file into set. Returns 0 when it was accepted, -1 when it was
 * refused (the last entry of set->refused says why). An accepted file's
 * descriptor stays open, like its dlopen handle. */
int loader_load_file(struct plugin_set *set, const char *path);

/* The accepted connector called name, or NULL. */
const struct loaded_connector *loader_find(const struct plugin_set *set,
                                           const char *name);

/* The refusal of a file claiming connector name, or NULL. */
const struct refused_file *loader_find_refused(const struct plugin_set *set,
                                               const char *name);

/* Frees the lists. Accepted connectors stay loaded (by design). */
void loader_free(struct plugin_set *set);

/* Writes the capability names of caps, comma-separated ("lookup,dry-run"),
 * or "none". */
void loader_caps_string(uint64_t caps, char *out, size_t outlen);

/* The connector's list op (ABI 1.1), or NULL when it does not advertise
 * PROVHOST_CAP_LIST or its ops table (struct_size) ends before the member:
 * the host never reads an op beyond the table the connector built. */
typedef int32_t (*provhost_list_fn)(provhost_instance *, const provhost_call *,
                                    provhost_emit_fn, void *, provhost_error *);
provhost_list_fn loader_op_list(const provhost_connector *desc);

/* The setting at index i of desc's schema (entries are setting_size apart).
 */
const provhost_setting *loader_setting(const provhost_connector *desc,
                                       uint32_t i);

#endif
