#include "engine/run_stop.h"

#include <string.h>

#include "engine/run_internal.h"
#include "util/clock.h"

volatile sig_atomic_t run_stop_signal;

bool run_conn_halted(struct run_conn *rc)
{
	return run_stop_signal || breaker_is_open(&rc->breaker, NULL, 0);
}

void run_conn_sleep(struct run_conn *rc, int64_t ms)
{
	int64_t end = clock_mono_ms() + ms, left;

	while (!run_conn_halted(rc) && (left = end - clock_mono_ms()) > 0)
		clock_sleep_ms(left < 100 ? left : 100);
}

static void on_stop_signal(int signo)
{
	run_stop_signal = signo;
}

void run_stop_catch_signals(bool on)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on ? on_stop_signal : SIG_DFL;
	sa.sa_flags = on ? SA_RESETHAND : 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}
