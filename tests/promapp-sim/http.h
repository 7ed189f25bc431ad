/*
 * http: the libmicrohttpd glue. Collects request bodies (up to --max-body),
 * applies the fault knobs to /api/scim requests, dispatches to the
 * handlers, counts stats and sends the replies.
 */
#ifndef SIM_HTTP_H
#define SIM_HTTP_H

#include "sim.h"

struct MHD_Daemon;

/*
 * Starts serving on 127.0.0.1:sim->opt->port; *port receives the bound
 * port. With a latency, every connection gets its own thread (so slow
 * answers overlap); without, a pool of --threads epoll threads serves.
 * Returns NULL (message printed) on failure.
 */
struct MHD_Daemon *http_start(struct sim *sim, unsigned *port);

/* Stops accepting, waits for the connections to finish. */
void http_stop(struct MHD_Daemon *daemon);

#endif
