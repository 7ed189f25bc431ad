#include "config/secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file_open.h"

static void wipe_free(char *buf, size_t len)
{
	if (!buf)
		return;
	explicit_bzero(buf, len);
	free(buf);
}

/* Reads at most SECRET_MAX_LEN + 1 bytes of fd into a new buffer. */
static int read_all(int fd, char **out, size_t *len, char *why, size_t whylen)
{
	size_t cap = 256, used = 0;
	char *buf = malloc(cap);

	if (!buf)
		goto out_nomem;
	for (;;) {
		ssize_t n;

		if (used + 1 >= cap) {
			char *bigger;

			if (cap > SECRET_MAX_LEN) {
				snprintf(why, whylen, "is larger than %d bytes",
				         SECRET_MAX_LEN);
				goto out_free_buf;
			}
			bigger = malloc(cap * 2);
			if (!bigger)
				goto out_nomem_buf;
			memcpy(bigger, buf, used);
			wipe_free(buf, cap);
			buf = bigger;
			cap *= 2;
		}
		n = read(fd, buf + used, cap - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(why, whylen, "cannot be read: %s",
			         strerror(errno));
			goto out_free_buf;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (used > SECRET_MAX_LEN) {
		snprintf(why, whylen, "is larger than %d bytes",
		         SECRET_MAX_LEN);
		goto out_free_buf;
	}
	buf[used] = '\0';
	*out = buf;
	*len = used;
	return 0;

out_nomem_buf:
	wipe_free(buf, cap);
out_nomem:
	snprintf(why, whylen, "cannot be read: out of memory");
	return -1;
out_free_buf:
	wipe_free(buf, cap);
	return -1;
}

int secret_read_file(const char *path, char **out, size_t *len, char *why,
                     size_t whylen)
{
	struct stat st;
	char *buf;
	size_t n;
	int fd;

	/* never blocks: a FIFO here would hang open() until a writer came */
	fd = file_open_regular(path, O_RDONLY, 0, &st);
	if (fd < 0 && errno == EINVAL) {
		snprintf(why, whylen, "is not a regular file (it is %s)",
		         file_kind(st.st_mode));
		return -1;
	}
	if (fd < 0) {
		snprintf(why, whylen, "cannot be opened: %s", strerror(errno));
		return -1;
	}
	if (st.st_mode & 077) {
		snprintf(why, whylen,
		         "is readable by group or others (mode %04o); "
		         "chmod 600 it",
		         (unsigned)(st.st_mode & 07777));
		goto out_close;
	}
	if (read_all(fd, &buf, &n, why, whylen))
		goto out_close;
	close(fd);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	*out = buf;
	*len = n;
	return 0;

out_close:
	close(fd);
	return -1;
}

/* True when key names a token ("token", "access_token", "apiToken"). */
static bool is_token_key(const char *key)
{
	size_t n = strlen(key);

	return n >= 5 && !strcasecmp(key + n - 5, "token");
}

/* What is wrong with a secret's value as a header value, or NULL. Never
 * quotes the value. Every secret: no CR, LF or other control character
 * (tab aside); a token also: no "Bearer " prefix, no space or tab. */
static const char *value_problem(const char *key, const char *v, size_t len)
{
	bool token = is_token_key(key);
	size_t i;

	if (token && len > 7 && !strncasecmp(v, "bearer", 6) &&
	    (v[6] == ' ' || v[6] == '\t'))
		return "starts with \"Bearer \"; remove the \"Bearer \" "
		       "prefix: provhost adds it";
	if (len && (v[len - 1] == '\r' || v[len - 1] == '\n'))
		return "ends with a line break (CR or LF; a file may end with "
		       "one LF only); remove it, and save the file with Unix "
		       "line endings";
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == '\r' || c == '\n')
			return "contains a line break (CR or LF); a secret is "
			       "one line: remove it";
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return "contains a control character; remove it";
		if (token && (c == ' ' || c == '\t'))
			return "contains a space or tab; remove it (a token "
			       "has none)";
	}
	return NULL;
}

/* Joins base_dir and a relative path into a new string. */
static char *resolve_path(const char *base_dir, const char *path)
{
	char *joined;

	if (path[0] == '/' || !base_dir || !base_dir[0])
		return strdup(path);
	if (asprintf(&joined, "%s/%s", base_dir, path) < 0)
		return NULL;
	return joined;
}

/* Fills value/len/source from spec; errors go to err with path
 * "secrets.KEY". */
static int read_spec(const char *key, const json_t *spec, const char *base_dir,
                     const char *path, struct secret *s, struct path_error *err)
{
	char why[256];
	const char *mkey, *text, *why_bad;
	const json_t *env, *file, *mval;

	if (json_is_string(spec))
		return path_error_set(
		        err, path,
		        "secret \"%s\" must be {\"env\": \"VAR\"} or "
		        "{\"file\": \"path\"}, never inline",
		        key);
	if (!json_is_object(spec))
		return path_error_set(err, path,
		                      "secret \"%s\" must be {\"env\": "
		                      "\"VAR\"} or {\"file\": \"path\"}",
		                      key);
	json_object_foreach((json_t *)spec, mkey, mval)
	{
		if (strcmp(mkey, "env") && strcmp(mkey, "file") &&
		    strcmp(mkey, "expires")) {
			char sub[600];

			snprintf(sub, sizeof(sub), "%s.%s", path, mkey);
			return path_error_set(
			        err, sub,
			        "secret \"%s\": unknown key \"%s\" (known: "
			        "env, file, expires)",
			        key, mkey);
		}
	}
	if (secret_read_expiry(key, spec, path, s, err))
		return -1;
	env = json_object_get(spec, "env");
	file = json_object_get(spec, "file");
	if ((env && file) || (!env && !file))
		return path_error_set(err, path,
		                      "secret \"%s\" needs exactly one of "
		                      "\"env\" or \"file\"",
		                      key);
	mval = env ? env : file;
	if (!json_is_string(mval) || !json_string_length(mval))
		return path_error_set(err, path,
		                      "secret \"%s\": \"%s\" must be a "
		                      "non-empty string",
		                      key, env ? "env" : "file");
	text = json_string_value(mval);
	if (env) {
		const char *v = getenv(text);

		if (!v)
			return path_error_set(err, path,
			                      "secret \"%s\": environment "
			                      "variable %s is not set",
			                      key, text);
		if (!v[0])
			return path_error_set(err, path,
			                      "secret \"%s\": environment "
			                      "variable %s is empty",
			                      key, text);
		s->len = strlen(v);
		s->value = strdup(v);
		if (asprintf(&s->source, "environment variable %s", text) < 0)
			s->source = NULL;
	} else {
		char *full = resolve_path(base_dir, text);

		if (!full)
			return path_error_set(err, path, "out of memory");
		if (secret_read_file(full, &s->value, &s->len, why,
		                     sizeof(why))) {
			path_error_set(err, path,
			               "secret \"%s\": file \"%s\" %s", key,
			               full, why);
			free(full);
			return -1;
		}
		if (asprintf(&s->source, "file %s", full) < 0)
			s->source = NULL;
		free(full);
		if (s->value && s->len == 0)
			return path_error_set(err, path,
			                      "secret \"%s\": file \"%s\" is "
			                      "empty",
			                      key, text);
	}
	if (!s->value || !s->source)
		return path_error_set(err, path, "out of memory");
	if (strlen(s->value) != s->len)
		return path_error_set(err, path,
		                      "secret \"%s\" contains a NUL byte", key);
	why_bad = value_problem(key, s->value, s->len);
	if (why_bad)
		return path_error_set(err, path, "secret \"%s\" (%s) %s", key,
		                      s->source, why_bad);
	return 0;
}

static void secret_release(struct secret *s)
{
	wipe_free(s->value, s->len + 1);
	free(s->key);
	free(s->source);
	memset(s, 0, sizeof(*s));
}

int secret_set_load(struct secret_set *set, const char *key, const json_t *spec,
                    const char *base_dir, struct path_error *err)
{
	char path[300];

	snprintf(path, sizeof(path), "secrets.%s", key);
	return secret_set_load_at(set, key, spec, base_dir, path, err);
}

int secret_set_load_at(struct secret_set *set, const char *key,
                       const json_t *spec, const char *base_dir,
                       const char *path, struct path_error *err)
{
	struct secret s = {0};
	struct secret *grown;

	if (read_spec(key, spec, base_dir, path, &s, err))
		goto out_release;
	s.key = strdup(key);
	grown = realloc(set->items, (set->n + 1) * sizeof(*grown));
	if (!s.key || !grown) {
		if (grown)
			set->items = grown;
		path_error_set(err, "secrets", "out of memory");
		goto out_release;
	}
	set->items = grown;
	set->items[set->n++] = s;
	return 0;

out_release:
	secret_release(&s);
	return -1;
}

const struct secret *secret_set_find(const struct secret_set *set,
                                     const char *key)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->items[i].key, key))
			return &set->items[i];
	return NULL;
}

void secret_set_release(struct secret_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		secret_release(&set->items[i]);
	free(set->items);
	set->items = NULL;
	set->n = 0;
}
