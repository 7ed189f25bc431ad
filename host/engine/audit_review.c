/* The audit line of a review action (audit_review.h). */
#include "engine/audit_review.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/utf8.h"

static void set_str(json_t *obj, const char *key, const char *value)
{
	json_object_set_new(obj, key,
	                    value ? utf8_json_string(value) : json_null());
}

int audit_review_write(struct audit *a, const struct audit_review *r, char *err,
                       size_t err_len)
{
	json_t *line, *items;
	char now[40], *text;
	int rc;

	if (!a->on)
		return 0;
	clock_iso_now(now, sizeof(now));
	line = json_object();
	items = json_array();
	if (!line || !items) {
		json_decref(line);
		json_decref(items);
		goto oom;
	}
	for (size_t i = 0; i < r->n_items; i++)
		json_array_append_new(items, utf8_json_string(r->items[i]));
	json_object_set_new(line, "time", json_string(now));
	json_object_set_new(line, "operation", json_string("review"));
	set_str(line, "action", r->action);
	json_object_set_new(line, "items", items);
	set_str(line, "connection", r->connection);
	set_str(line, "employee", r->employee_id);
	set_str(line, "account_id", r->account_id);
	set_str(line, "who", r->who);
	set_str(line, "why", r->why);
	set_str(line, "result", r->result);
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
