/* The example connector's "target": a JSON file of accounts.
 *
 * Several instances (the host's workers, or several provhost processes)
 * may change the file at once, so every read-modify-write holds an advisory
 * lock (flock on "<path>.lock"; readers share it). A write never leaves a
 * half-written file: it goes to a temporary file in the same directory,
 * which is fsynced and renamed over the old one (rename is atomic within a
 * file system), and the directory is fsynced so the rename survives a
 * crash.
 *
 * A remote connector replaces this file with requests to its target. The
 * shape stays the same: find the account, compare, write only what
 * differs, map every failure to a provhost_status (retryable or not).
 */
#include "example.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOCK_POLL_MS 5

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Waits for the lock until the call's deadline (host clock) or, without
 * one, lock_timeout_ms. Polling keeps the wait bounded: a blocking flock
 * could outlive the deadline the host gave us. */
static int take_lock(provhost_instance *inst, const provhost_call *call, int fd,
                     int exclusive, provhost_error *err)
{
	int64_t now = inst->api->now_ms(inst->host);
	int64_t until = call && call->deadline_ms > 0
	                        ? call->deadline_ms
	                        : now + inst->cfg.lock_timeout_ms;
	int op = (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB;
	int logged = 0;

	while (flock(fd, op) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return example_fail(err, PROVHOST_E_INTERNAL, 0,
			                    "cannot lock '%s.lock': %s",
			                    inst->cfg.path, strerror(errno));
		if (inst->api->now_ms(inst->host) >= until)
			return example_fail(err, PROVHOST_E_TIMEOUT, 1,
			                    "the lock on '%s' is still held by "
			                    "another writer",
			                    inst->cfg.path);
		if (!logged++)
			example_log(inst, call, PROVHOST_LOG_DEBUG,
			            "waiting for the lock on '%s'",
			            inst->cfg.path);
		sleep_ms(LOCK_POLL_MS);
	}
	return PROVHOST_OK;
}

/* Maps errno of a failed file operation: a missing directory or a
 * permission problem is the configuration's fault (permanent); running out
 * of space or I/O errors may pass (retryable). */
static int file_error(provhost_error *err, const char *what, const char *path,
                      int e)
{
	int status = PROVHOST_E_TRANSIENT, retry = 1;

	if (e == ENOENT || e == ENOTDIR || e == EACCES || e == EPERM ||
	    e == EROFS || e == EISDIR) {
		status = PROVHOST_E_CONFIG;
		retry = 0;
	}
	return example_fail(err, status, retry, "cannot %s '%s': %s", what,
	                    path, strerror(e));
}

/* Reads the whole file into a new buffer (*out, free it); ENOENT leaves
 * *out NULL. */
static int read_file(const char *path, char **out, size_t *len,
                     provhost_error *err)
{
	struct stat st;
	size_t got = 0;
	char *buf;
	int fd;

	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? PROVHOST_OK
		                       : file_error(err, "read", path, errno);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > EXAMPLE_MAX_FILE) {
		close(fd);
		return example_fail(err, PROVHOST_E_CONFIG, 0,
		                    "'%s' is not a regular file of at most %ld "
		                    "bytes",
		                    path, EXAMPLE_MAX_FILE);
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return example_fail(err, PROVHOST_E_INTERNAL, 0,
		                    "out of memory reading '%s'", path);
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			free(buf);
			close(fd);
			return file_error(err, "read", path, e);
		}
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return PROVHOST_OK;
}

/* Compares two secrets in time independent of where they differ. */
static int secrets_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = la != lb;

	for (size_t i = 0; i < la && i < lb; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

/* The file's api_key, if it has one, must match the connection's secret.
 * Messages never quote either value. */
static int check_api_key(provhost_instance *inst, json_t *root,
                         provhost_error *err)
{
	json_t *key = json_object_get(root, "api_key");

	if (!key)
		return PROVHOST_OK;
	if (!json_is_string(key))
		return example_fail(err, PROVHOST_E_PROTOCOL, 0,
		                    "'%s': \"api_key\" is not a string",
		                    inst->cfg.path);
	if (!inst->api_key)
		return example_fail(err, PROVHOST_E_CREDENTIAL, 0,
		                    "'%s' is protected by an api_key but the "
		                    "connection has no secret 'api_key'",
		                    inst->cfg.path);
	if (!secrets_equal(inst->api_key, json_string_value(key)))
		return example_fail(err, PROVHOST_E_CREDENTIAL, 0,
		                    "the secret 'api_key' does not match the "
		                    "one in '%s'",
		                    inst->cfg.path);
	return PROVHOST_OK;
}

/* Parses the file's text into st (an empty store when text is NULL). */
static int parse_store(provhost_instance *inst, const char *text, size_t len,
                       struct example_store *st, provhost_error *err)
{
	json_error_t jerr;

	st->root = text ? json_loadb(text, len, 0, &jerr) : json_object();
	if (!st->root)
		return example_fail(err, PROVHOST_E_PROTOCOL, 0,
		                    "'%s' is not valid JSON: %.200s at line %d",
		                    inst->cfg.path, jerr.text, jerr.line);
	if (!json_is_object(st->root))
		return example_fail(err, PROVHOST_E_PROTOCOL, 0,
		                    "'%s' is not a JSON object",
		                    inst->cfg.path);
	st->accounts = json_object_get(st->root, "accounts");
	if (!st->accounts) {
		st->accounts = json_object();
		json_object_set_new(st->root, "accounts", st->accounts);
	}
	if (!json_is_object(st->accounts))
		return example_fail(err, PROVHOST_E_PROTOCOL, 0,
		                    "'%s': \"accounts\" is not an object",
		                    inst->cfg.path);
	return check_api_key(inst, st->root, err);
}

int example_store_open(provhost_instance *inst, const provhost_call *call,
                       int exclusive, struct example_store *st,
                       provhost_error *err)
{
	char lock_path[PATH_MAX + 8], *text = NULL;
	size_t len;
	int rc;

	memset(st, 0, sizeof *st);
	st->lock_fd = -1;
	snprintf(lock_path, sizeof lock_path, "%s.lock", inst->cfg.path);
	st->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (st->lock_fd < 0)
		return file_error(err, "open the lock file", lock_path, errno);
	rc = take_lock(inst, call, st->lock_fd, exclusive, err);
	if (rc == PROVHOST_OK)
		rc = read_file(inst->cfg.path, &text, &len, err);
	if (rc == PROVHOST_OK) {
		st->exists = text != NULL;
		rc = parse_store(inst, text, len, st, err);
	}
	free(text);
	if (rc != PROVHOST_OK)
		example_store_release(st);
	return rc;
}

void example_store_release(struct example_store *st)
{
	if (st->lock_fd >= 0)
		close(st->lock_fd); /* closing the descriptor drops the lock */
	st->lock_fd = -1;
	json_decref(st->root);
	st->root = NULL;
	st->accounts = NULL;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsync of the directory holding path, so a rename in it is durable. */
static int sync_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t n = slash == path ? 1 : (size_t)(slash - path);
	int fd, rc;

	memcpy(dir, path, n);
	dir[n] = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int example_store_save(provhost_instance *inst, struct example_store *st,
                       provhost_error *err)
{
	const char *path = inst->cfg.path;
	char tmp[PATH_MAX + 16], *text;
	int fd, e;

	text = json_dumps(st->root, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (!text)
		return example_fail(err, PROVHOST_E_INTERNAL, 0,
		                    "out of memory writing '%s'", path);
	snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC); /* mode 0600: accounts are private */
	if (fd < 0) {
		e = errno;
		free(text);
		return file_error(err, "create a file next to", path, e);
	}
	if (write_all(fd, text, strlen(text)) || write_all(fd, "\n", 1) ||
	    fsync(fd) != 0)
		goto out_unlink;
	if (close(fd) != 0) {
		fd = -1;
		goto out_unlink;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto out_unlink;
	free(text);
	if (sync_dir(path) != 0)
		return file_error(err, "sync the directory of", path, errno);
	return PROVHOST_OK;

out_unlink:
	e = errno ? errno : EIO;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(text);
	return file_error(err, "write", path, e);
}

json_t *example_store_by_id(struct example_store *st, const char *id)
{
	json_t *a = id && *id ? json_object_get(st->accounts, id) : NULL;

	return json_is_object(a) ? a : NULL;
}

json_t *example_store_by_user_name(struct example_store *st,
                                   const char *user_name, const char *skip_id)
{
	const char *id;
	json_t *a;

	json_object_foreach(st->accounts, id, a)
	{
		const char *u =
		        json_string_value(json_object_get(a, "userName"));
		if (skip_id && strcmp(id, skip_id) == 0)
			continue;
		if (u && strcasecmp(u, user_name) == 0)
			return a;
	}
	return NULL;
}

int example_store_next_id(struct example_store *st, char *out, size_t out_len)
{
	json_int_t next =
	        json_integer_value(json_object_get(st->root, "next_id"));
	const char *id;
	json_t *a;

	/* A hand-edited file may lack next_id: continue after the largest
	 * numeric id, and never reuse one that exists. */
	json_object_foreach(st->accounts, id, a)
	{
		json_int_t n = strtoll(id, NULL, 10);
		if (n >= next)
			next = n + 1;
	}
	if (next < 1)
		next = 1;
	snprintf(out, out_len, "%" JSON_INTEGER_FORMAT, next);
	return json_object_set_new(st->root, "next_id", json_integer(next + 1));
}
