/* SCIM base URL handling.
 *
 * Contract: scim_url_normalise() turns what a person typed into the SCIM
 * base URL every request path is appended to ("https://host/api/scim", no
 * trailing slash). It does no I/O and allocates nothing. Rules:
 *   - scheme https, or http only when the host is a loopback address
 *     (localhost, 127.0.0.0/8, [::1]) — that is the simulator;
 *   - no user information ("user:pass@"), no query, no fragment, no
 *     whitespace or control characters;
 *   - scheme and host are lower-cased, trailing slashes dropped;
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
 * address: "localhost", an IPv4 address in 127.0.0.0/8, or "::1". */
int scim_url_host_is_loopback(const char *host, size_t len);

#endif
