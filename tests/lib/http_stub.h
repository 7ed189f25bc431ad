/* A minimal HTTP/1.1 side for the cmocka tests that put a connector .so in
 * front of a scripted loopback server (test_promapp_connector.c,
 * test_scim_find.c), and loading a connector from the build tree.
 * Header-only. Not for anything but tests:
 * one request at a time, no chunked bodies. */
#ifndef PROVHOST_TEST_HTTP_STUB_H
#define PROVHOST_TEST_HTTP_STUB_H

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <provhost/connector.h>

#include "unit_helpers.h"

/* Writes one answer with a SCIM JSON body to the connection c. */
static inline void th_http_respond(int c, const char *status, const char *body)
{
	char head[256];
	int n = snprintf(head, sizeof head,
	                 "HTTP/1.1 %s\r\nContent-Type: application/scim+json"
	                 "\r\nContent-Length: %zu\r\n\r\n",
	                 status, strlen(body));

	if (write(c, head, (size_t)n) < 0 || write(c, body, strlen(body)) < 0)
		return;
}

/* Reads one request (head and Content-Length body) into buf; 0 at EOF. */
static inline size_t th_http_read_request(int c, char *buf, size_t cap)
{
	size_t got = 0;
	char *end;

	while (!(end = memmem(buf, got, "\r\n\r\n", 4))) {
		ssize_t n = read(c, buf + got, cap - 1 - got);
		if (n <= 0)
			return 0;
		got += (size_t)n;
	}
	buf[got] = '\0';
	const char *cl = strcasestr(buf, "Content-Length:");
	size_t want =
	        (size_t)(end + 4 - buf) + (cl ? strtoul(cl + 15, 0, 10) : 0);
	while (got < want && got < cap - 1) {
		ssize_t n = read(c, buf + got, cap - 1 - got);
		if (n <= 0)
			return 0;
		got += (size_t)n;
	}
	buf[got] = '\0';
	return got;
}

/* The descriptor of $BUILD/SUB (e.g. "plugins/promapp.so"), or NULL with
 * the reason on stderr. The object is never closed (as the host does). */
static inline const provhost_connector *th_load_connector(const char *sub)
{
	char path[1024];
	void *dl;
	provhost_connector_entry_fn entry;

	th_build_path(path, sizeof path, sub);
	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		fprintf(stderr, "cannot load %s: %s\n", path, dlerror());
		return NULL;
	}
	*(void **)&entry = dlsym(dl, PROVHOST_CONNECTOR_ENTRY);
	return entry ? entry(PROVHOST_CONNECTOR_ABI_MINOR) : NULL;
}

#endif
