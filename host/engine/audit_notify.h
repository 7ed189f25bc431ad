/* Audit lines for notifications (engine/notify.h): one per delivery to a
 * webhook or command, whether it worked or not, in the same audit file as
 * the target operations (engine/audit.h). Never a webhook's full URL: the
 * channel is the redacted URL or the command's program path. */
#ifndef PROVHOST_AUDIT_NOTIFY_H
#define PROVHOST_AUDIT_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/audit.h"

struct audit_notify_record {
	int64_t run_id;      /* 0: not part of a run */
	const char *event;   /* "run_stopped", ... */
	const char *channel; /* "webhook " + redacted URL, or "command PATH" */
	int attempts;
	bool delivered;
	const char *error; /* NULL when delivered */
};

/* Appends r's line {"time", "run", "notify", "channel", "attempts",
 * "delivered", "error"}. Returns 0 (also when auditing is off), or -1 with
 * a message naming the file in err. */
int audit_write_notify(struct audit *a, const struct audit_notify_record *r,
                       char *err, size_t err_len);

#endif
