#include "engine/run_stop.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/run_internal.h"
#include "util/clock.h"
#include "util/exit_codes.h"
#include "util/log.h"

volatile sig_atomic_t run_stop_signal;

void run_fatal(struct run *run, const char *fmt, ...)
{
	char why[sizeof(run->fatal_reason)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&run->fatal_lock);
	if (!atomic_load(&run->fatal)) {
		memcpy(run->fatal_reason, why, sizeof(why));
		atomic_store(&run->fatal, true);
	}
	pthread_mutex_unlock(&run->fatal_lock);
	log_msg(PROVHOST_LOG_ERROR, "%s", why);
}

bool run_conn_halted(struct run_conn *conn_run)
{
	return run_stop_signal || atomic_load(&conn_run->run->fatal) ||
	       breaker_is_open(&conn_run->breaker, NULL, 0);
}

void run_conn_sleep(struct run_conn *conn_run, int64_t ms)
{
	int64_t end = clock_mono_ms() + ms, left;

	while (!run_conn_halted(conn_run) && (left = end - clock_mono_ms()) > 0)
		clock_sleep_ms(left < 100 ? left : 100);
}

volatile sig_atomic_t run_stop_forced;
volatile sig_atomic_t run_stop_watched;

/* First signal: stop gracefully. Second: tell the watchdog (it names the
 * calls in flight, then ends the process). Without a watchdog, or on a
 * third signal (the watchdog did not act), end the process from here. */
static void on_stop_signal(int signo)
{
	static const char msg[] = "provhost run: stopped at once by a repeated "
	                          "signal; work left pending (exit 3)\n";
	ssize_t ignored;

	if (!run_stop_signal) {
		run_stop_signal = signo;
		return;
	}
	if (run_stop_watched && !run_stop_forced) {
		run_stop_forced = signo;
		return;
	}
	ignored = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)ignored;
	_exit(EXIT_STOPPED);
}

void run_stop_catch_signals(bool on)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on ? on_stop_signal : SIG_DFL;
	sa.sa_flags = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}
