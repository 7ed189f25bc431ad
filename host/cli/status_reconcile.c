/* provhost status: the last reconcile per connection (status_reconcile.h).
 */
#include "cli/status_reconcile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/state_json.h"
#include "ledger/ledger_reconcile.h"
#include "util/text_escape.h"

json_t *status_reconcile_json(struct ledger *l, const char *connection)
{
	struct ledger_recon_last *last;
	json_t *obj, *counts;
	int rc;

	if (!l)
		return json_null();
	last = malloc(sizeof(*last));
	if (!last)
		return NULL;
	rc = ledger_recon_last(l, connection, last);
	if (rc) {
		free(last);
		return rc == 1 ? json_null() : NULL;
	}
	counts = last->counts[0] ? json_loads(last->counts, 0, NULL) : NULL;
	if (counts && !json_is_object(counts)) {
		json_decref(counts);
		counts = NULL;
	}
	obj = json_pack("{s:I, s:o, s:o, s:b, s:I, s:o, s:o, s:o}", "id",
	                (json_int_t)last->id, "started_at",
	                state_json_time(last->started_at), "finished_at",
	                state_json_time(last->finished_at), "repair",
	                last->repair, "accounts", (json_int_t)last->accounts,
	                "exit_code",
	                last->exit_code >= 0 ? json_integer(last->exit_code)
	                                     : json_null(),
	                "counts", counts ? counts : json_null(), "error",
	                state_json_str(last->error[0] ? last->error : NULL));
	free(last);
	return obj;
}

/* "ok 3, orphan 2" for the classes with findings; "repairs: ..." after. */
static void print_counts(const json_t *counts)
{
	const char *key;
	const json_t *v, *rep;
	bool first = true;

	json_object_foreach((json_t *)counts, key, v)
	{
		if (!json_is_integer(v) || !strcmp(key, "accounts") ||
		    !json_integer_value(v))
			continue;
		printf("%s%s %lld", first ? "" : ", ", key,
		       (long long)json_integer_value(v));
		first = false;
	}
	if (first)
		printf("no findings");
	rep = json_object_get(counts, "repairs");
	first = true;
	json_object_foreach((json_t *)rep, key, v)
	{
		printf("%s%s %lld", first ? "; repairs: " : ", ", key,
		       (long long)json_integer_value(v));
		first = false;
	}
}

int status_reconcile_print(struct ledger *l, const char *connection)
{
	struct ledger_recon_last *last = malloc(sizeof(*last));
	char when[32];
	struct tm tm;
	time_t t;
	json_t *counts;
	int rc;

	if (!last)
		return -1;
	rc = ledger_recon_last(l, connection, last);
	if (rc) {
		free(last);
		return rc == 1 ? 0 : -1;
	}
	t = (time_t)last->finished_at;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%SZ", &tm);
	printf("  last reconcile %lld%s: finished %s, exit %d, %lld "
	       "account%s listed: ",
	       (long long)last->id, last->repair ? " (--repair)" : "", when,
	       last->exit_code, (long long)last->accounts,
	       last->accounts == 1 ? "" : "s");
	counts = last->counts[0] ? json_loads(last->counts, 0, NULL) : NULL;
	if (last->error[0]) {
		char *esc = text_escape_dup(last->error);

		printf("failed: %s", esc ? esc : "(out of memory)");
		free(esc);
	} else if (json_is_object(counts)) {
		print_counts(counts);
	}
	printf("\n");
	json_decref(counts);
	free(last);
	return 0;
}
