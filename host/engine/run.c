/* `provhost run`: configuration, ledger and files, then ingest and apply
 * (see run.h), then the summary and the exit code. */
#include "engine/run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/secret_expiry.h"
#include "connector/bind.h"
#include "engine/notify_run.h"
#include "engine/run_audit.h"
#include "engine/run_internal.h"
#include "engine/run_rate.h"
#include "engine/run_stop.h"
#include "util/clock.h"
#include "util/exit_codes.h"
#include "util/file_open.h"
#include "util/log.h"
#include "util/utf8.h"

/* Opens the reject file for appending (0600); a torn last line (an
 * earlier run on a full disk) is ended first, so no line is glued to it. */
static int open_reject_file(struct run *run)
{
	struct stat st;
	bool repaired;

	run->reject_file.fd = -1;
	if (!run->opt->reject_file)
		return 0;
	if (append_file_open(&run->reject_file, run->opt->reject_file, NULL,
	                     &repaired, &st)) {
		fprintf(stderr,
		        "provhost run: cannot open reject file \"%s\": "
		        "%s\n",
		        run->opt->reject_file, file_open_why(errno, &st));
		return -1;
	}
	if (repaired)
		log_msg(PROVHOST_LOG_WARN,
		        "reject file \"%s\" ended in a torn line; it was "
		        "ended with a newline",
		        run->opt->reject_file);
	return 0;
}

/* Older provhost versions gave a dry run a temporary file copy of the
 * ledger in $TMPDIR (provhost-dry-run.XXXXXX, with -wal/-shm), which a
 * kill -9 left behind, readable by others. Removes such leftovers owned by
 * this user; a dry run now uses an in-memory copy. */
static void remove_stale_dry_ledgers(void)
{
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char path[4200];
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "provhost-dry-run.", 17))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_uid == geteuid())
			unlink(path);
	}
	closedir(d);
}

/* A dry run works on a private in-memory copy of the ledger, so it sees
 * exactly what a real run would and changes nothing on disk. */
static int open_ledger(struct run *run)
{
	const char *path = run->cfg->ledger_path;
	int r;

	if (run->opt->dry_run) {
		remove_stale_dry_ledgers();
		r = ledger_open_copy(path, &run->ledger);
	} else {
		r = ledger_open(path, LEDGER_OPEN_CREATE, &run->ledger);
	}
	if (r) {
		fprintf(stderr, "provhost run: %s\n", ledger_last_error());
		return -1;
	}
	return 0;
}

/* One real run at a time per ledger: two runs applying the same pending
 * events at once would race each other on the targets. The lock is an
 * flock on "<ledger>.lock", released by the kernel however the process
 * ends. A dry run works on a copy and takes no lock. Returns the lock's
 * descriptor, or -1 (message printed). */
static int lock_ledger(const char *ledger_path)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s.lock", ledger_path);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "provhost run: cannot open \"%s\": %s\n", path,
		        strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		fprintf(stderr,
		        "provhost run: another provhost run is using the "
		        "ledger "
		        "%s; nothing was done — run again when it has "
		        "finished\n",
		        ledger_path);
		close(fd);
		return -1;
	}
	return fd;
}

/* Selects the connections this run applies to. */
static int select_connections(struct run *run)
{
	struct config *cfg = run->cfg;
	size_t i, n = 0;

	run->conns = calloc(cfg->n_connections ? cfg->n_connections : 1,
	                    sizeof(*run->conns));
	if (!run->conns)
		return -1;
	for (i = 0; i < cfg->n_connections; i++) {
		struct run_conn *conn_run;

		if (run->opt->connection &&
		    strcmp(run->opt->connection, cfg->connections[i].name))
			continue;
		conn_run = &run->conns[n];
		run->n_conns = ++n; /* released by release_connections */
		conn_run->run = run;
		conn_run->conn = &cfg->connections[i];
		run_stats_init(&conn_run->stats);
		pthread_mutex_init(&conn_run->problems.lock, NULL);
		pacer_init(&conn_run->pacer, conn_run->conn->engine.max_rps);
		if (breaker_init(&conn_run->breaker,
		                 conn_run->conn->engine.breaker_window,
		                 conn_run->conn->engine.breaker_ratio))
			return -1;
	}
	run->n_conns = n;
	if (n == 0) {
		fprintf(stderr,
		        "provhost run: no connection named \"%s\" in %s; see "
		        "'provhost check-config'\n",
		        run->opt->connection, cfg->path);
		return -1;
	}
	return 0;
}

static void release_connections(struct run *run)
{
	size_t i;

	for (i = 0; i < run->n_conns; i++) {
		run_stats_release(&run->conns[i].stats);
		pthread_mutex_destroy(&run->conns[i].problems.lock);
		pacer_release(&run->conns[i].pacer);
		free(run->conns[i].held);
		breaker_release(&run->conns[i].breaker);
	}
	free(run->conns);
}

/* The watchdog's abort hook, just before _exit (any thread, other threads
 * still running): flush what is buffered without waiting for a lock a hung
 * thread may hold. The audit and reject files are unbuffered (each line
 * is one write). The ledger needs nothing: what was not recorded done
 * stays pending, and a dry run's copy is in memory. */
static void abort_run(void *ctx)
{
	(void)ctx;
	if (ftrylockfile(stdout))
		return;
	fflush_unlocked(stdout);
	funlockfile(stdout);
}

/* Pending counts after applying, the exit code, and the ledger's run row. */
static int finish_run(struct run *run)
{
	struct ledger_status *rows = NULL;
	bool stopped = false, failed = run->bad_lines > 0, review = false;
	json_t *summary = json_object();
	size_t n = 0, i, j;
	char *text;
	int code;

	if (ledger_status(run->ledger, clock_wall_s(), &rows, &n))
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
	for (i = 0; i < run->n_conns; i++) {
		struct run_conn *conn_run = &run->conns[i];
		struct run_stats *s = &conn_run->stats;
		int64_t total;

		for (j = 0; j < n; j++) {
			if (strcmp(rows[j].connection, conn_run->conn->name))
				continue;
			/* an outcome the ledger could not take is counted
			 * where it happened, not again as pending */
			run_stats_add(
			        s, STAT_PENDING,
			        rows[j].count[LEDGER_PENDING] -
			                atomic_load(
			                        &conn_run->unrecorded_pending));
			conn_run->held_left = rows[j].count[LEDGER_HELD];
			/* work left waiting for a person, by this run or an
			 * earlier one: exit 4 until someone reviews it */
			review |= rows[j].count[LEDGER_HELD] > 0 ||
			          rows[j].count[LEDGER_DISPUTED] > 0;
		}
		total = run_stats_finished(s) + run_stats_get(s, STAT_PENDING) +
		        run_stats_get(s, STAT_NOT_YET) +
		        run_stats_get(s, STAT_HELD) +
		        run_stats_get(s, STAT_DISPUTED);
		run_stats_add(s, STAT_TOTAL, total);
		stopped |= conn_run->stopped || atomic_load(&run->fatal);
		failed |= run_stats_get(s, STAT_FAILED) > 0 ||
		          run_stats_get(s, STAT_REJECTED) > 0;
		review |= run_stats_get(s, STAT_HELD) > 0 ||
		          run_stats_get(s, STAT_DISPUTED) > 0;
		if (summary) {
			json_t *obj = run_stats_json(s);

			run_rate_json(conn_run, obj);
			/* why it stopped, for status long after the run */
			if (obj && conn_run->stopped)
				json_object_set_new(
				        obj, "Stopped",
				        utf8_json_string(
				                conn_run->stop_reason));
			json_object_set_new(summary, conn_run->conn->name, obj);
		}
	}
	free(rows);
	code = stopped  ? EXIT_STOPPED
	       : failed ? EXIT_FAILED
	       : review ? EXIT_REVIEW
	                : EXIT_DONE;
	text = summary ? json_dumps(summary, JSON_COMPACT) : NULL;
	if (ledger_run_finish(run->ledger, run->run_id, code, text,
	                      clock_wall_s()))
		log_msg(PROVHOST_LOG_ERROR, "ledger: %s", ledger_last_error());
	run_audit_stop(run, code, text);
	free(text);
	json_decref(summary);
	return code;
}

int run_execute(const struct run_options *opt)
{
	struct run run = {0};
	struct plugin_set *set = NULL;
	char err[8192];
	int code = EXIT_USAGE, lock_fd = -1;
	size_t i;

	run.opt = opt;
	run.source = strcmp(opt->input, "-") ? opt->input : "stdin";
	if (opt->source_label)
		run.source = opt->source_label;
	pthread_mutex_init(&run.line_problems.lock, NULL);
	pthread_mutex_init(&run.dup_problems.lock, NULL);
	pthread_mutex_init(&run.held_problems.lock, NULL);
	pthread_mutex_init(&run.fatal_lock, NULL);
	run.reject_file.fd = -1;
	watchdog_init(&run.watchdog);
	if (config_load(config_default_path(opt->config_path), &run.cfg, err,
	                sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	/* the input's format as far as options and its name tell, before
	 * anything is opened (the content settles the rest in ingest) */
	if (input_plan_make(run.cfg, opt->input, opt->format, opt->input_name,
	                    &run.plan, err, sizeof(err))) {
		fprintf(stderr, "provhost %s: %s\n",
		        opt->snapshot ? "sync" : "run", err);
		goto out;
	}
	if (config_bind_connectors(run.cfg, opt->plugin_dir, &set, err,
	                           sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	if (select_connections(&run))
		goto out_conns;
	secret_expiry_warn(run.cfg, opt->connection, secret_expiry_today(),
	                   stderr);
	if (audit_open(&run.audit,
	               opt->audit_file ? opt->audit_file : run.cfg->audit_file,
	               err, sizeof(err))) {
		fprintf(stderr, "provhost run: %s\n", err);
		goto out_conns;
	}
	if (open_reject_file(&run) || open_ledger(&run))
		goto out_files;
	code = EXIT_STOPPED;
	if (!opt->dry_run && (lock_fd = lock_ledger(run.cfg->ledger_path)) < 0)
		goto out_ledger;
	run_stop_catch_signals(true);
	if (watchdog_start(&run.watchdog, abort_run, &run))
		log_msg(PROVHOST_LOG_WARN, "cannot start the watchdog thread; "
		                           "a hung connector will not be "
		                           "stopped");
	if (ledger_run_begin(run.ledger, run.source, opt->dry_run,
	                     clock_wall_s(), &run.run_id)) {
		fprintf(stderr, "provhost run: %s\n", ledger_last_error());
		goto out_ledger;
	}
	run_audit_start(&run);
	if (opt->snapshot ? run_sync_ingest(&run) : run_ingest(&run)) {
		/* a ledger that cannot be written stops (exit 3); an input
		 * that cannot be read is a usage error */
		code = atomic_load(&run.fatal) ? EXIT_STOPPED : EXIT_USAGE;
		ledger_run_finish(run.ledger, run.run_id, code, NULL,
		                  clock_wall_s());
		run_audit_stop(&run, code, NULL);
		if (code == EXIT_STOPPED)
			notify_after_run(&run, code);
		goto out_ledger;
	}
	for (i = 0; i < run.n_conns; i++)
		run_conn_apply(&run.conns[i]);
	code = finish_run(&run);
	run_sync_print(&run, stdout);
	run_print_summary(&run, stdout);
	fflush(stdout);
	notify_after_run(&run, code); /* never changes code */
out_ledger:
	watchdog_stop(&run.watchdog);
	run_stop_catch_signals(false);
	if (lock_fd >= 0)
		close(lock_fd);
	ledger_close(run.ledger);
out_files:
	if (append_file_is_open(&run.reject_file))
		append_file_close(&run.reject_file);
	audit_close(&run.audit);
out_conns:
	release_connections(&run);
out:
	watchdog_release(&run.watchdog);
	run_sync_release(&run);
	pthread_mutex_destroy(&run.line_problems.lock);
	pthread_mutex_destroy(&run.dup_problems.lock);
	pthread_mutex_destroy(&run.held_problems.lock);
	pthread_mutex_destroy(&run.fatal_lock);
	config_free(run.cfg);
	loader_free(set);
	return code;
}
