#include "engine/audit_notify.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/utf8.h"

int audit_write_notify(struct audit *a, const struct audit_notify_record *r,
                       char *err, size_t err_len)
{
	char now[40], *text;
	json_t *line;
	int rc;

	if (!a || !a->on)
		return 0;
	clock_iso_now(now, sizeof(now));
	line = json_object();
	if (!line)
		goto oom;
	json_object_set_new(line, "time", json_string(now));
	json_object_set_new(line, "run",
	                    r->run_id ? json_integer(r->run_id) : json_null());
	json_object_set_new(line, "notify", utf8_json_string(r->event));
	json_object_set_new(line, "channel", utf8_json_string(r->channel));
	json_object_set_new(line, "attempts", json_integer(r->attempts));
	json_object_set_new(line, "delivered", json_boolean(r->delivered));
	json_object_set_new(line, "error", utf8_json_string(r->error));
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
