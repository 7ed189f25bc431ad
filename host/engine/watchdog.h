/* The run's last line of defence against a connector that never returns.
 *
 * Connector code runs in the host's threads, so a call that hangs (a
 * plugin that ignores its deadline, a deadlock, a blocked read without a
 * timeout) cannot be cancelled. The watchdog does not try: it only ends
 * the process, which the ledger makes safe (nothing is recorded done
 * before the connector returns, so that work stays pending).
 *
 * Every thread that calls a connector owns a slot and registers the call
 * it is in (connection, op, employee, start, deadline). A watchdog thread
 * scans the slots every 100 ms and stops the run — message on stderr, the
 * abort hook (flushes the audit file), _exit(EXIT_STOPPED) — when
 *   - a call has overrun its deadline by the connection's grace period
 *     (engine.watchdog_grace_ms), or
 *   - a second SIGINT/SIGTERM arrived (run_stop_forced), or
 * and, from an atexit handler, when connector code calls exit() while the
 * run is going on (without it, provhost would exit 0 with work pending).
 * The watchdog never touches a worker's state other than its slot. */
#ifndef PROVHOST_WATCHDOG_H
#define PROVHOST_WATCHDOG_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* One calling thread's current connector call. The owner writes it under
 * lock (enter/leave); the watchdog reads it under lock. */
struct watchdog_slot {
	pthread_mutex_t lock;
	const char *connection; /* borrowed: the configuration outlives it */
	const char *connector;
	int64_t grace_ms;
	const char *op; /* static string, NULL: not in a call */
	char employee[64];
	int64_t start_ms, deadline_ms; /* clock_mono_ms */
	struct watchdog_slot *next;    /* registry list, under watchdog lock */
};

struct watchdog {
	pthread_mutex_t lock; /* the slot list and quit */
	pthread_cond_t wake;
	struct watchdog_slot *slots;
	pthread_t thread;
	bool running, quit;
	void (*on_abort)(void *ctx); /* before _exit; must not block */
	void *abort_ctx;
};

/* Prepares wd and s (no thread yet). */
void watchdog_init(struct watchdog *wd);
void watchdog_slot_init(struct watchdog_slot *s, const char *connection,
                        const char *connector, int64_t grace_ms);
void watchdog_slot_release(struct watchdog_slot *s);

/* Starts the thread and arms the exit() guard; on_abort (may be NULL)
 * runs just before the process ends early. Returns 0 or -1 (no thread:
 * a second signal then still ends the process, from its handler). */
int watchdog_start(struct watchdog *wd, void (*on_abort)(void *ctx), void *ctx);

/* Stops the thread and disarms the exit() guard: the run ends normally.
 * Harmless when not started. */
void watchdog_stop(struct watchdog *wd);

/* Frees what watchdog_init made (after watchdog_stop). */
void watchdog_release(struct watchdog *wd);

/* Adds / removes a slot (any thread; remove before freeing it). */
void watchdog_add(struct watchdog *wd, struct watchdog_slot *s);
void watchdog_remove(struct watchdog *wd, struct watchdog_slot *s);

/* The owner thread enters a call (op a static string such as
 * "provision") that should return by deadline_ms, and leaves it. */
void watchdog_enter(struct watchdog_slot *s, const char *op,
                    const char *employee, int64_t deadline_ms);
void watchdog_leave(struct watchdog_slot *s);

/* One scan at now_ms (exposed for the unit tests). forced: a second signal
 * (its number, 0 = none). Writes the lines that explain the stop into buf
 * and returns 1 when the run must stop now, else 0 (buf ""). */
int watchdog_scan(struct watchdog *wd, int64_t now_ms, int forced, char *buf,
                  size_t len);

#endif
