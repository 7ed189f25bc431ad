/* provhost's process exit codes (documented in --help and the README). */
#ifndef PROVHOST_EXIT_CODES_H
#define PROVHOST_EXIT_CODES_H

enum {
	EXIT_DONE = 0, /* everything done */
	EXIT_FAILED =
	        1,      /* some events failed or were rejected / check failed */
	EXIT_USAGE = 2, /* usage or configuration error */
	EXIT_STOPPED =
	        3, /* run stopped early; events left pending for a re-run */
	EXIT_REVIEW = 4, /* run finished; items wait for a person (held or
	                  * disputed: provhost review) */
};

#endif
