/* SCIM base URL handling.
 *
 * Contract: scim_url_normalise() turns what a person typed into the SCIM
 * base URL every request path is appended to ("https://host/api/scim", no
 * trailing slash). It does no I/O; it parses with libcurl's URL API
 * (curl_url), so host, port and path are what the transport will use, and
 * frees what that allocates before returning. Rules:
 *   - scheme https, or http only when the host is a loopback address
 *     (localhost, 127.0.0.0/8, [::1]) — that is the simulator;
 *   - no user information ("user:pass@"), no query, no fragment, no
 *     whitespace or control characters;
 *   - no IPv6 zone id, no port 0 and no empty port ("host:");
 *   - scheme and host are lower-cased, trailing slashes dropped, and the
 *     rest is as libcurl normalises it (dot segments resolved, numeric
 *     IPv4 forms such as "127.1" written as a dotted quad);
 *   - api_path (e.g. "/api/scim"), when not NULL, is the only path allowed
 *     and is appended when the URL has none; with api_path NULL any path is
 *     kept as given (a generic SCIM connector takes the full base URL).
 */
#ifndef SCIM_URL_H
#define SCIM_URL_H

#include <stddef.h>

/* Writes the normalised base URL into out. Returns 0, or -1 with a reason
 * in why (lower-case first word, never quoting user information). */
int scim_url_normalise(const char *in, const char *api_path, char *out,
                       size_t out_len, char *why, size_t why_len);

/* True when host (no brackets, no port, any case) is a loopback name or
 * address: "localhost", a dotted-quad IPv4 address in 127.0.0.0/8, or an
 * IPv6 address that is ::1 or ::ffff:127.x.y.z (any spelling inet_pton
 * takes). */
int scim_url_host_is_loopback(const char *host, size_t len);

/* True when the host of url, as libcurl parses it, is loopback (as
 * scim_url_host_is_loopback); 0 for a URL libcurl refuses. */
int scim_url_is_loopback(const char *url);

#endif
