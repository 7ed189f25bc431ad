/* Stopping a run: the signal flag SIGINT/SIGTERM set, and the per-connection
 * "halted" test every worker and pause checks. Shared by run.c (which
 * catches the signals), run_conn.c and run_event.c. */
#ifndef PROVHOST_RUN_STOP_H
#define PROVHOST_RUN_STOP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

struct run;
struct run_conn;

/* Set by SIGINT/SIGTERM during a run: stop taking work, finish the calls
 * in flight, leave the rest pending (exit 3). */
extern volatile sig_atomic_t run_stop_signal;

/* Set by a second SIGINT/SIGTERM while run_stop_watched: the watchdog
 * (engine/watchdog.h) then ends the process at once with exit 3. */
extern volatile sig_atomic_t run_stop_forced;

/* Set while the watchdog thread runs. */
extern volatile sig_atomic_t run_stop_watched;

/* on: the first SIGINT/SIGTERM sets run_stop_signal; a second one sets
 * run_stop_forced (or, with no watchdog running, ends the process with
 * exit 3 at once, which the ledger makes safe); a third always ends it.
 * off: default handlers. Call from the main thread only. */
void run_stop_catch_signals(bool on);

/* Stops the whole run: a file every connection writes (the ledger, the
 * audit trail) cannot be written. The first reason is kept (the others
 * are logged); every connection is halted and reports it. Any thread. */
void run_fatal(struct run *run, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* True when conn_run should take no more work: its breaker opened, the run was
 * interrupted or hit a fatal error (run_fatal). Any thread. */
bool run_conn_halted(struct run_conn *conn_run);

/* Sleeps ms, waking early when conn_run is halted. */
void run_conn_sleep(struct run_conn *conn_run, int64_t ms);

#endif
