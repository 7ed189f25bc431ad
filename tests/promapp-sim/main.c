/*
 * promapp-sim: a Nintex Process Manager (Promapp) SCIM 2.0 simulator for
 * provhost's integration tests, benchmark and demo. See README.md.
 *
 * Startup: parse options, load --state, listen on 127.0.0.1, print
 * "listening on http://127.0.0.1:PORT/api/scim" as the first stdout line,
 * then wait for SIGTERM/SIGINT and shut down cleanly (final state save).
 */
#include "http.h"
#include "options.h"
#include "sim.h"
#include "state.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

/* Blocks the stop signals in every thread (main waits for them). */
static void block_signals(sigset_t *stop)
{
	sigemptyset(stop);
	sigaddset(stop, SIGTERM);
	sigaddset(stop, SIGINT);
	/* a shell starts background jobs with SIGINT ignored: undo that */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	pthread_sigmask(SIG_BLOCK, stop, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void wait_for_stop(const sigset_t *stop)
{
	int sig = 0;

	while (sigwait(stop, &sig) != 0)
		;
}

int main(int argc, char **argv)
{
	struct sim_options opt;
	struct sim sim;
	struct state_saver *saver = NULL;
	struct MHD_Daemon *daemon;
	sigset_t stop;
	unsigned port = 0;
	int rc = 1;

	rc = options_parse(&opt, argc, argv);
	if (rc >= 0)
		goto out_release_options;
	rc = 1;
	block_signals(&stop);
	memset(&sim, 0, sizeof(sim));
	sim.opt = &opt;
	stats_init(&sim.stats);
	if (faults_init(&sim.faults, &opt) < 0)
		goto out_release_options;
	sim.store = store_new();
	if (!sim.store)
		goto out_destroy_faults;
	if (opt.state_file && state_load(sim.store, opt.state_file) < 0)
		goto out_free_store;
	daemon = http_start(&sim, &port);
	if (!daemon)
		goto out_free_store;
	snprintf(sim.base_url, sizeof(sim.base_url),
	         "http://127.0.0.1:%u" SCIM_BASE_PATH, port);
	if (store_set_base_url(sim.store, sim.base_url) < 0)
		goto out_stop_http;
	if (opt.state_file) {
		saver = state_saver_start(sim.store, opt.state_file);
		if (!saver)
			goto out_stop_http;
	}
	printf("listening on %s\n", sim.base_url);
	fflush(stdout);
	wait_for_stop(&stop);
	rc = 0;
out_stop_http:
	http_stop(daemon);
	if (state_saver_stop(saver) < 0)
		rc = 1;
out_free_store:
	store_free(sim.store);
out_destroy_faults:
	faults_destroy(&sim.faults);
out_release_options:
	options_release(&opt);
	return rc;
}
