/* Whether a plugin directory or file may be trusted: owned by root or the
 * running user and not writable by anyone else, along the whole resolved
 * directory chain. Nothing here runs plugin code. */
#ifndef PROVHOST_TRUST_H
#define PROVHOST_TRUST_H

#include <stddef.h>
#include <sys/stat.h>

/* 0 when st (of the thing what names, e.g. "file" or "directory \"/x\"")
 * is owned by root or the effective user and not group- or
 * world-writable; a world-writable st passes only when allow_sticky and
 * the sticky bit is set (nobody else can rename entries in it). Otherwise
 * -1 with a reason such as "file is owned by uid 65534, not by root or the
 * running user (uid 0)" in why. */
int trust_stat(const struct stat *st, const char *what, int allow_sticky,
               char *why, size_t why_len);

/* Checks the directory at dir, an absolute path without symlinks (from
 * realpath), strictly, and every directory above it up to "/" (those may
 * be world-writable with the sticky bit, like /tmp). Returns 0, or -1 with
 * a reason naming the offending directory in why. */
int trust_dir_chain(const char *dir, char *why, size_t why_len);

/* Opens the plugin file path for checking and loading: resolves symlinks
 * (*resolved: a new string, the resolved path, or NULL when path is not a
 * symlink itself), checks the resolved file's directory chain, opens that
 * directory (re-checking the opened one) and the file in it without
 * following symlinks, and checks the open file: a regular file, owned by
 * root or the running user, not group- or world-writable. Returns the
 * read-only, close-on-exec descriptor (the caller's), or -1 with the
 * reason in why. */
int trust_open_file(const char *path, char **resolved, char *why,
                    size_t why_len);

#endif
