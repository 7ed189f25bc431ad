/* provhost's entry point: process hardening, then the command line. */
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "cli/cli.h"
#include "util/exit_codes.h"

/* Secrets live in this process's memory: no core files, no ptrace by
 * other users' processes, and a closed pipe is an error, not a signal. */
static void harden_process(void)
{
	struct rlimit no_core = {0, 0};

	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	setrlimit(RLIMIT_CORE, &no_core);
	signal(SIGPIPE, SIG_IGN);
}

int main(int argc, char **argv)
{
	int rc;

	harden_process();
	/* once, before any connector is loaded (the ABI promises it) */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "provhost: cannot initialise libcurl\n");
		return EXIT_FAILED;
	}
	rc = cli_main(argc, argv);
	fflush(stdout);
	curl_global_cleanup();
	return rc;
}
