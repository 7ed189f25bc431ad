#include "engine/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/file_open.h"
#include "util/log.h"
#include "util/make_parents.h"
#include "util/utf8.h"

/* The replacement for a torn last line: a valid JSON line keeping its
 * text (append_repair_fn). */
static char *torn_line(const char *frag, size_t len)
{
	char now[40], *text, *line = NULL, *copy = malloc(len + 1);
	json_t *obj = copy ? json_object() : NULL;

	clock_iso_now(now, sizeof(now));
	if (!obj) {
		free(copy);
		return NULL;
	}
	for (size_t i = 0; i < len; i++)
		copy[i] = frag[i] ? frag[i] : ' ';
	copy[len] = '\0';
	json_object_set_new(obj, "time", json_string(now));
	json_object_set_new(obj, "torn_line", utf8_json_string(copy));
	free(copy);
	json_object_set_new(obj, "note",
	                    json_string("this line was cut short (disk full "
	                                "or a crash while it was written); "
	                                "provhost kept its text here"));
	text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(obj);
	if (text && asprintf(&line, "%s\n", text) < 0)
		line = NULL;
	free(text);
	return line;
}

int audit_open(struct audit *a, const char *path, char *err, size_t err_len)
{
	char why[600];
	struct stat st;
	bool repaired;

	a->on = false;
	if (!path)
		return 0;
	/* like the ledger's: missing directories are made, mode 0700 */
	if (make_parents(path, why, sizeof(why))) {
		snprintf(err, err_len, "audit file \"%s\": %s", path, why);
		return -1;
	}
	if (append_file_open(&a->file, path, torn_line, &repaired, &st)) {
		snprintf(err, err_len, "cannot open audit file \"%s\": %s",
		         path, file_open_why(errno, &st));
		return -1;
	}
	if (repaired)
		log_msg(PROVHOST_LOG_WARN,
		        "audit file \"%s\" ended in a torn line; it is kept "
		        "as a \"torn_line\" record",
		        path);
	a->on = true;
	return 0;
}

/* Sets key to a string (made valid UTF-8), or to null when value is NULL. */
static void set_str(json_t *obj, const char *key, const char *value)
{
	json_object_set_new(obj, key, utf8_json_string(value));
}

/* The "out of memory for a line" error; returns -1. */
static int line_oom(const struct audit *a, char *err, size_t err_len)
{
	snprintf(err, err_len, "audit file \"%s\": out of memory for a line",
	         a->file.path);
	return -1;
}

/* Writes line (taken: freed here) as one JSON line of the audit file.
 * Returns 0, or -1 with err filled. */
static int write_line(struct audit *a, json_t *line, char *err, size_t err_len)
{
	char *text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
	int rc;

	json_decref(line);
	if (!text)
		return line_oom(a, err, err_len);
	rc = append_file_write2(&a->file, text, strlen(text), "\n", 1);
	if (rc)
		snprintf(err, err_len,
		         "audit file \"%s\" cannot be written: %s",
		         a->file.path, strerror(errno));
	free(text);
	return rc;
}

int audit_write(struct audit *a, const struct audit_record *r, char *err,
                size_t err_len)
{
	char now[40];
	json_t *line;

	if (!a->on)
		return 0;
	clock_iso_now(now, sizeof(now));
	line = json_object();
	if (!line)
		goto oom;
	json_object_set_new(line, "time", json_string(now));
	/* a dry run has no run number: run numbers are real runs' */
	json_object_set_new(line, "run",
	                    r->dry_run ? json_null() : json_integer(r->run_id));
	set_str(line, "event", r->event_id);
	set_str(line, "employee", r->employee_id);
	set_str(line, "connection", r->connection);
	set_str(line, "operation", r->operation);
	json_object_set_new(line, "attempt", json_integer(r->attempt));
	set_str(line, "status", r->status);
	set_str(line, "outcome", r->outcome);
	set_str(line, "account_id",
	        r->account_id && *r->account_id ? r->account_id : NULL);
	json_object_set_new(line, "http_status",
	                    r->http_status ? json_integer(r->http_status)
	                                   : json_null());
	json_object_set_new(line, "duration_ms", json_integer(r->duration_ms));
	set_str(line, "error", r->error);
	if (r->retrying)
		json_object_set_new(line, "retrying", json_true());
	if (r->dry_run)
		json_object_set_new(line, "dry_run", json_true());
	return write_line(a, line, err, err_len);
oom:
	return line_oom(a, err, err_len);
}

int audit_write_object(struct audit *a, int64_t run_id, bool dry_run,
                       const char *operation, const json_t *members, char *err,
                       size_t err_len)
{
	char now[40];
	const char *key;
	json_t *line, *val;

	if (!a->on)
		return 0;
	clock_iso_now(now, sizeof(now));
	line = json_object();
	if (!line)
		goto oom;
	json_object_set_new(line, "time", json_string(now));
	json_object_set_new(line, "run",
	                    dry_run ? json_null() : json_integer(run_id));
	set_str(line, "operation", operation);
	json_object_foreach((json_t *)members, key, val)
	        json_object_set(line, key, val);
	if (dry_run)
		json_object_set_new(line, "dry_run", json_true());
	return write_line(a, line, err, err_len);
oom:
	return line_oom(a, err, err_len);
}

void audit_close(struct audit *a)
{
	if (a->on)
		append_file_close(&a->file);
	a->on = false;
}
