/* provhost review: reconcile repairs held by supervised mode
 * (engine/reconcile_supervise.c): listed as R<RUN>-<N>:<CONNECTION>,
 * approved or discarded here, applied by the next reconcile --repair. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_review.h"
#include "ledger/ledger_reconcile.h"
#include "util/text_escape.h"

/* The change a held repair makes (its class: an orphan is deactivated,
 * the rest are linked). */
static const char *change_of(const struct ledger_recon_held *h)
{
	return strcmp(h->cls, "orphan") ? "link" : "deactivate";
}

int review_recon_text(struct ledger *l, const char *connection, size_t *n)
{
	struct ledger_recon_held *h = NULL;
	const char *conn = NULL;
	size_t i;

	if (ledger_recon_held_list(l, connection, &h, n))
		return -1;
	for (i = 0; i < *n; i++) {
		char *esc = text_escape_dup(h[i].reason);

		if (!conn || strcmp(conn, h[i].connection)) {
			conn = h[i].connection;
			printf("connection \"%s\": reconcile repairs waiting "
			       "for approval:\n",
			       conn);
		}
		printf("  R%lld-%lld:%s  supervised  %s  account %s%s%s%s  "
		       "%s%s\n",
		       (long long)h[i].run_id, (long long)h[i].n,
		       h[i].connection, change_of(&h[i]), h[i].account_id,
		       h[i].user_name[0] ? " \"" : "", h[i].user_name,
		       h[i].user_name[0] ? "\"" : "",
		       h[i].employee_id[0] ? "employee " : "no employee",
		       h[i].employee_id);
		printf("      %s\n", esc ? esc : "(out of memory)");
		free(esc);
	}
	free(h);
	return 0;
}

json_t *review_recon_json(struct ledger *l, const char *connection)
{
	struct ledger_recon_held *h = NULL;
	json_t *arr, *obj;
	char id[300];
	size_t n = 0, i;

	if (ledger_recon_held_list(l, connection, &h, &n))
		return NULL;
	arr = json_array();
	for (i = 0; arr && i < n; i++) {
		snprintf(id, sizeof(id), "R%lld-%lld:%s",
		         (long long)h[i].run_id, (long long)h[i].n,
		         h[i].connection);
		obj = json_pack(
		        "{s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s}", "id", id,
		        "connection", h[i].connection, "reconcile_run",
		        (json_int_t)h[i].run_id, "finding", (json_int_t)h[i].n,
		        "class", h[i].cls, "change", change_of(&h[i]),
		        "account_id", h[i].account_id, "reason", h[i].reason);
		if (!obj)
			continue;
		json_object_set_new(obj, "user_name",
		                    h[i].user_name[0]
		                            ? json_string(h[i].user_name)
		                            : json_null());
		json_object_set_new(obj, "employee",
		                    h[i].employee_id[0]
		                            ? json_string(h[i].employee_id)
		                            : json_null());
		json_array_append_new(arr, obj);
	}
	free(h);
	return arr;
}

int review_recon_parse_id(const char *id, int64_t *run, int64_t *n,
                          const char **conn)
{
	char *end;
	long long a, b;

	if (id[0] != 'R')
		return -1;
	errno = 0;
	a = strtoll(id + 1, &end, 10);
	if (errno || end == id + 1 || *end != '-' || a <= 0)
		return -1;
	id = end + 1;
	b = strtoll(id, &end, 10);
	if (errno || end == id || *end != ':' || !end[1] || b <= 0)
		return -1;
	*run = a;
	*n = b;
	*conn = end + 1;
	return 0;
}
