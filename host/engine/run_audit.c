/* Audit lines about the run itself (run_audit.h). */
#include "engine/run_audit.h"

#include <string.h>

#include "connector/status_names.h"
#include "engine/run_stop.h"
#include "util/exit_codes.h"
#include "util/utf8.h"

/* Writes members as an operation line; a failure stops the run. Takes
 * members' reference. */
static void write_line(struct run *run, const char *operation, json_t *members)
{
	char err[600];

	if (!members) {
		run_fatal(run, "out of memory for the audit line %s",
		          operation);
		return;
	}
	if (audit_write_object(&run->audit, run->run_id, run->opt->dry_run,
	                       operation, members, err, sizeof(err)))
		run_fatal(run, "%s: stopped (the %s line)", err, operation);
	json_decref(members);
}

void run_audit_start(struct run *run)
{
	json_t *conns = json_array(), *m;
	size_t i;

	for (i = 0; conns && i < run->n_conns; i++)
		json_array_append_new(
		        conns, utf8_json_string(run->conns[i].conn->name));
	m = conns ? json_pack("{s:o, s:o}", "source",
	                      utf8_json_string(run->source), "connections",
	                      conns)
	          : NULL;
	write_line(run, "run_start", m);
}

static const char *status_word(int code)
{
	switch (code) {
	case EXIT_DONE:
		return "done";
	case EXIT_FAILED:
		return "failed";
	case EXIT_USAGE:
		return "usage";
	case EXIT_STOPPED:
		return "stopped";
	case EXIT_REVIEW:
		return "review";
	}
	return "?";
}

/* Why the run stopped: the fatal reason, else every stopped connection's
 * reason ("C: why; D: why"); NULL when nothing stopped. */
static json_t *stop_reason(struct run *run)
{
	char buf[4000] = "";
	size_t used = 0, i;

	pthread_mutex_lock(&run->fatal_lock);
	if (atomic_load(&run->fatal))
		used = (size_t)snprintf(buf, sizeof(buf), "%s",
		                        run->fatal_reason);
	pthread_mutex_unlock(&run->fatal_lock);
	for (i = 0; !used && i < run->n_conns; i++) {
		const struct run_conn *c = &run->conns[i];
		size_t left = sizeof(buf) - strlen(buf);

		if (c->stopped && left > 1)
			snprintf(buf + strlen(buf), left,
			         "%sconnection \"%s\": %s", buf[0] ? "; " : "",
			         c->conn->name, c->stop_reason);
	}
	return buf[0] ? utf8_json_string(buf) : json_null();
}

void run_audit_stop(struct run *run, int code, const char *summary)
{
	json_t *sum = summary ? json_loads(summary, 0, NULL) : NULL;
	int64_t dups;

	pthread_mutex_lock(&run->dup_problems.lock);
	dups = run->dup_problems.n + run->dup_problems.more;
	pthread_mutex_unlock(&run->dup_problems.lock);
	write_line(run, "run_stop",
	           json_pack("{s:i, s:s, s:o, s:I, s:I, s:I, s:o}", "exit_code",
	                     code, "status", status_word(code), "reason",
	                     stop_reason(run), "lines", (json_int_t)run->lines,
	                     "rejected_lines", (json_int_t)run->bad_lines,
	                     "duplicates_in_input", (json_int_t)dups, "summary",
	                     sum ? sum : json_null()));
}

void run_audit_authenticate(struct run_conn *conn_run, int attempt, int32_t st,
                            const provhost_error *perr)
{
	bool ok = st == PROVHOST_OK;

	write_line(
	        conn_run->run, "authenticate",
	        json_pack("{s:o, s:i, s:s, s:o, s:o}", "connection",
	                  utf8_json_string(conn_run->conn->name), "attempt",
	                  attempt, "status", provhost_status_name(st),
	                  "http_status",
	                  !ok && perr->remote_code
	                          ? json_integer(perr->remote_code)
	                          : json_null(),
	                  "error",
	                  ok ? json_null() : utf8_json_string(perr->message)));
}
