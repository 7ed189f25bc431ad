#include "engine/watchdog.h"

#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/run_stop.h"
#include "util/clock.h"
#include "util/exit_codes.h"

#define WATCHDOG_PERIOD_MS 100

/* The watchdog of the run in progress (one run per process), read by the
 * atexit guard from whichever thread calls exit(). */
static _Atomic(struct watchdog *) active;
static atomic_flag dying = ATOMIC_FLAG_INIT;
static _Thread_local struct watchdog_slot *current_slot;

void watchdog_init(struct watchdog *wd)
{
	memset(wd, 0, sizeof(*wd));
	pthread_mutex_init(&wd->lock, NULL);
	pthread_cond_init(&wd->wake, NULL);
}

void watchdog_slot_init(struct watchdog_slot *s, const char *connection,
                        const char *connector, int64_t grace_ms)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->connection = connection;
	s->connector = connector;
	s->grace_ms = grace_ms;
}

void watchdog_slot_release(struct watchdog_slot *s)
{
	pthread_mutex_destroy(&s->lock);
}

void watchdog_add(struct watchdog *wd, struct watchdog_slot *s)
{
	pthread_mutex_lock(&wd->lock);
	s->next = wd->slots;
	wd->slots = s;
	pthread_mutex_unlock(&wd->lock);
}

void watchdog_remove(struct watchdog *wd, struct watchdog_slot *s)
{
	struct watchdog_slot **p;

	pthread_mutex_lock(&wd->lock);
	for (p = &wd->slots; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	pthread_mutex_unlock(&wd->lock);
}

void watchdog_enter(struct watchdog_slot *s, const char *op,
                    const char *employee, int64_t deadline_ms)
{
	pthread_mutex_lock(&s->lock);
	s->op = op;
	snprintf(s->employee, sizeof(s->employee), "%s",
	         employee ? employee : "");
	s->start_ms = clock_mono_ms();
	s->deadline_ms = deadline_ms;
	pthread_mutex_unlock(&s->lock);
	current_slot = s;
}

void watchdog_leave(struct watchdog_slot *s)
{
	current_slot = NULL;
	pthread_mutex_lock(&s->lock);
	s->op = NULL;
	pthread_mutex_unlock(&s->lock);
}

/* ms as seconds for people: "30", "1.5". */
static void seconds(char *out, size_t len, int64_t ms)
{
	if (ms % 1000 == 0)
		snprintf(out, len, "%lld", (long long)(ms / 1000));
	else
		snprintf(out, len, "%.1f", (double)ms / 1000.0);
}

/* Appends to buf at *used, never past len. */
static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used = *used + (size_t)n < len ? *used + (size_t)n : len;
}

/* " for E12", or "" for a call without an employee (open, authenticate). */
static void for_whom(char *out, size_t len, const char *employee)
{
	if (employee[0])
		snprintf(out, len, " for %s", employee);
	else
		out[0] = '\0';
}

int watchdog_scan(struct watchdog *wd, int64_t now_ms, int forced, char *buf,
                  size_t len)
{
	struct watchdog_slot *s;
	size_t used = 0;
	int stop = 0;

	buf[0] = '\0';
	if (forced) {
		append(buf, len, &used,
		       "provhost run: a second %s: stopping now without "
		       "waiting "
		       "for the calls in flight; their work stays pending "
		       "(exit 3)\n",
		       strsignal(forced));
		stop = 1;
	}
	pthread_mutex_lock(&wd->lock);
	for (s = wd->slots; s; s = s->next) {
		char whom[80], took[32], dl[32], grace[32];

		pthread_mutex_lock(&s->lock);
		if (!s->op) {
			pthread_mutex_unlock(&s->lock);
			continue;
		}
		for_whom(whom, sizeof(whom), s->employee);
		seconds(took, sizeof(took), now_ms - s->start_ms);
		if (forced) {
			append(buf, len, &used,
			       "provhost run: connector \"%s\" (connection "
			       "\"%s\") had not returned from %s%s after %s "
			       "s\n",
			       s->connector, s->connection, s->op, whom, took);
		} else if (!stop && now_ms > s->deadline_ms + s->grace_ms) {
			seconds(took, sizeof(took),
			        s->deadline_ms + s->grace_ms - s->start_ms);
			seconds(dl, sizeof(dl), s->deadline_ms - s->start_ms);
			seconds(grace, sizeof(grace), s->grace_ms);
			append(buf, len, &used,
			       "provhost run: connector \"%s\" (connection "
			       "\"%s\") did not return from %s%s within %s s "
			       "(its deadline %s s + grace %s s); the run is "
			       "stopped, its work stays pending (exit 3)\n",
			       s->connector, s->connection, s->op, whom, took,
			       dl, grace);
			stop = 1;
		}
		pthread_mutex_unlock(&s->lock);
	}
	pthread_mutex_unlock(&wd->lock);
	return stop;
}

/* Ends the process: message, abort hook, _exit. Only the first caller
 * gets through; a concurrent one waits for the process to end. */
static _Noreturn void die(struct watchdog *wd, const char *msg)
{
	size_t off = 0, n = strlen(msg);

	if (atomic_flag_test_and_set(&dying))
		for (;;)
			pause();
	while (off < n) {
		ssize_t w = write(STDERR_FILENO, msg + off, n - off);

		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (wd && wd->on_abort)
		wd->on_abort(wd->abort_ctx);
	_exit(EXIT_STOPPED);
}

static void *watchdog_main(void *arg)
{
	struct watchdog *wd = arg;
	char buf[4096];
	struct timespec ts;

	pthread_mutex_lock(&wd->lock);
	while (!wd->quit) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += WATCHDOG_PERIOD_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&wd->wake, &wd->lock, &ts);
		if (wd->quit)
			break;
		pthread_mutex_unlock(&wd->lock);
		if (watchdog_scan(wd, clock_mono_ms(), run_stop_forced, buf,
		                  sizeof(buf)))
			die(wd, buf);
		pthread_mutex_lock(&wd->lock);
	}
	pthread_mutex_unlock(&wd->lock);
	return NULL;
}

/* atexit: exit() while a run is going on can only come from connector
 * code (the host returns from run_execute first); without this provhost
 * would exit with the plugin's status, often 0, with work pending. */
static void exit_guard(void)
{
	struct watchdog *wd = atomic_load(&active);
	struct watchdog_slot *s = current_slot;
	char buf[1024], whom[80];

	if (!wd)
		return;
	if (s && s->op) {
		for_whom(whom, sizeof(whom), s->employee);
		snprintf(buf, sizeof(buf),
		         "provhost run: connector \"%s\" (connection \"%s\") "
		         "called exit() during %s%s; the run is stopped, its "
		         "work stays pending (exit 3)\n",
		         s->connector, s->connection, s->op, whom);
	} else {
		snprintf(buf, sizeof(buf),
		         "provhost run: connector called exit() during a run; "
		         "work left pending (exit 3)\n");
	}
	die(wd, buf);
}

int watchdog_start(struct watchdog *wd, void (*on_abort)(void *ctx), void *ctx)
{
	static bool registered;

	wd->on_abort = on_abort;
	wd->abort_ctx = ctx;
	if (!registered && atexit(exit_guard) == 0)
		registered = true;
	atomic_store(&active, wd);
	if (pthread_create(&wd->thread, NULL, watchdog_main, wd))
		return -1;
	wd->running = true;
	run_stop_watched = 1;
	return 0;
}

void watchdog_stop(struct watchdog *wd)
{
	run_stop_watched = 0;
	atomic_store(&active, NULL);
	if (!wd->running)
		return;
	pthread_mutex_lock(&wd->lock);
	wd->quit = true;
	pthread_cond_signal(&wd->wake);
	pthread_mutex_unlock(&wd->lock);
	pthread_join(wd->thread, NULL);
	wd->running = false;
}

void watchdog_release(struct watchdog *wd)
{
	pthread_cond_destroy(&wd->wake);
	pthread_mutex_destroy(&wd->lock);
}
