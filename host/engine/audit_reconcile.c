/* Audit lines of `provhost reconcile` (audit_reconcile.h). */
#include "engine/audit_reconcile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/utf8.h"

static void set_opt(json_t *obj, const char *key, const char *value)
{
	if (value && *value)
		json_object_set_new(obj, key, utf8_json_string(value));
}

int audit_write_reconcile(struct audit *a, const struct audit_reconcile *r,
                          char *err, size_t err_len)
{
	char now[40];
	json_t *line;
	char *text = NULL;
	int rc = -1;

	if (!a->on)
		return 0;
	clock_iso_now(now, sizeof(now));
	line = json_object();
	if (!line)
		goto oom;
	json_object_set_new(line, "time", json_string(now));
	json_object_set_new(line, "reconcile_run",
	                    json_integer(r->reconcile_run));
	set_opt(line, "connection", r->connection);
	set_opt(line, "operation", r->operation);
	set_opt(line, "class", r->cls);
	set_opt(line, "account_id", r->account_id);
	set_opt(line, "user_name", r->user_name);
	set_opt(line, "employee", r->employee_id);
	set_opt(line, "outcome", r->outcome);
	set_opt(line, "detail", r->detail);
	if (r->counts)
		json_object_set(line, "counts", (json_t *)r->counts);
	if (r->dry_run)
		json_object_set_new(line, "dry_run", json_true());
	text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(line);
	if (!text)
		goto oom;
	rc = append_file_write2(&a->file, text, strlen(text), "\n", 1);
	if (rc)
		snprintf(err, err_len,
		         "audit file \"%s\" cannot be written: %s",
		         a->file.path, strerror(errno));
	free(text);
	return rc;
oom:
	snprintf(err, err_len, "audit file \"%s\": out of memory for a line",
	         a->file.path);
	return -1;
}
