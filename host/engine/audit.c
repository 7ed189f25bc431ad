#include "engine/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/file_open.h"
#include "util/make_parents.h"
#include "util/utf8.h"

int audit_open(struct audit *a, const char *path, char *err, size_t err_len)
{
	char why[600];
	struct stat st;
	int fd;

	a->file = NULL;
	pthread_mutex_init(&a->lock, NULL);
	if (!path)
		return 0;
	/* like the ledger's: missing directories are made, mode 0700 */
	if (make_parents(path, why, sizeof(why))) {
		snprintf(err, err_len, "audit file \"%s\": %s", path, why);
		return -1;
	}
	fd = file_open_output(path, O_WRONLY | O_CREAT | O_APPEND, 0600, &st);
	if (fd < 0) {
		snprintf(err, err_len, "cannot open audit file \"%s\": %s",
		         path, file_open_why(errno, &st));
		return -1;
	}
	a->file = fdopen(fd, "a");
	if (!a->file) {
		snprintf(err, err_len, "cannot open audit file \"%s\": %s",
		         path, strerror(errno));
		close(fd);
		return -1;
	}
	return 0;
}

/* Sets key to a string (made valid UTF-8), or to null when value is NULL. */
static void set_str(json_t *obj, const char *key, const char *value)
{
	json_object_set_new(obj, key, utf8_json_string(value));
}

void audit_write(struct audit *a, const struct audit_record *r)
{
	char now[40];
	json_t *line;
	char *text;

	if (!a->file)
		return;
	clock_iso_now(now, sizeof(now));
	line = json_object();
	if (!line)
		return;
	json_object_set_new(line, "time", json_string(now));
	json_object_set_new(line, "run", json_integer(r->run_id));
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
	text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(line);
	if (!text)
		return;
	pthread_mutex_lock(&a->lock);
	fprintf(a->file, "%s\n", text);
	fflush(a->file);
	pthread_mutex_unlock(&a->lock);
	free(text);
}

void audit_close(struct audit *a)
{
	if (a->file)
		fclose(a->file);
	a->file = NULL;
	pthread_mutex_destroy(&a->lock);
}
