/* SCIM base URL normalisation; see scim_url.h. */
#include "scimclient/scim_url.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* True when s[0..len) is a dotted-quad IPv4 address whose first octet is
 * 127. */
static int is_ipv4_loopback(const char *s, size_t len)
{
	unsigned octet = 0, n_octets = 0, digits = 0, first = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (digits == 0 || octet > 255)
				return 0;
			if (n_octets == 0)
				first = octet;
			n_octets++;
			octet = 0;
			digits = 0;
			continue;
		}
		if (!isdigit((unsigned char)s[i]) || digits >= 3)
			return 0;
		octet = octet * 10 + (unsigned)(s[i] - '0');
		digits++;
	}
	return n_octets == 4 && first == 127;
}

int scim_url_host_is_loopback(const char *host, size_t len)
{
	if (len == 9 && strncasecmp(host, "localhost", 9) == 0)
		return 1;
	if (len == 3 && strncmp(host, "::1", 3) == 0)
		return 1;
	return is_ipv4_loopback(host, len);
}

/* Checks the port text after ':' (may be empty: default port). */
static int port_is_valid(const char *p, size_t len)
{
	unsigned long v = 0;

	if (len == 0 || len > 5)
		return len == 0;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)p[i]))
			return 0;
		v = v * 10 + (unsigned long)(p[i] - '0');
	}
	return v >= 1 && v <= 65535;
}

/* Splits the authority into host (brackets removed) and port; checks both.
 */
static int check_authority(const char *a, size_t len, const char **host,
                           size_t *host_len, char *why, size_t why_len)
{
	const char *port = NULL;
	size_t port_len = 0;

	if (len == 0) {
		snprintf(why, why_len, "has no host name");
		return -1;
	}
	if (memchr(a, '@', len)) {
		snprintf(why, why_len,
		         "must not contain user information before '@'");
		return -1;
	}
	if (a[0] == '[') {
		const char *close = memchr(a, ']', len);
		if (!close || close == a + 1) {
			snprintf(why, why_len, "has a malformed IPv6 host");
			return -1;
		}
		*host = a + 1;
		*host_len = (size_t)(close - a - 1);
		size_t rest = len - (size_t)(close - a) - 1;
		if (rest > 0) {
			if (close[1] != ':') {
				snprintf(why, why_len,
				         "has a malformed IPv6 host");
				return -1;
			}
			port = close + 2;
			port_len = rest - 1;
		}
	} else {
		const char *colon = memchr(a, ':', len);
		*host = a;
		*host_len = colon ? (size_t)(colon - a) : len;
		if (colon) {
			port = colon + 1;
			port_len = len - *host_len - 1;
		}
		if (*host_len == 0) {
			snprintf(why, why_len, "has no host name");
			return -1;
		}
	}
	if (port && (port_len == 0 || !port_is_valid(port, port_len))) {
		snprintf(why, why_len, "has an invalid port");
		return -1;
	}
	return 0;
}

int scim_url_normalise(const char *in, const char *api_path, char *out,
                       size_t out_len, char *why, size_t why_len)
{
	const char *rest, *host, *path_end;
	size_t scheme_len, host_len, auth_len, path_len;
	int is_http;

	if (!in || !*in) {
		snprintf(why, why_len, "is empty");
		return -1;
	}
	for (const char *p = in; *p; p++) {
		if ((unsigned char)*p <= 0x20 || *p == 0x7f) {
			snprintf(why, why_len,
			         "contains whitespace or control characters");
			return -1;
		}
	}
	if (strncasecmp(in, "https://", 8) == 0) {
		scheme_len = 8;
		is_http = 0;
	} else if (strncasecmp(in, "http://", 7) == 0) {
		scheme_len = 7;
		is_http = 1;
	} else {
		snprintf(why, why_len, "must start with https://");
		return -1;
	}
	rest = in + scheme_len;
	auth_len = strcspn(rest, "/?#");
	if (check_authority(rest, auth_len, &host, &host_len, why, why_len))
		return -1;
	if (is_http && !scim_url_host_is_loopback(host, host_len)) {
		snprintf(why, why_len,
		         "must use https:// (plain http:// is only allowed "
		         "for loopback addresses)");
		return -1;
	}
	const char *path = rest + auth_len;
	path_end = path + strcspn(path, "?#");
	if (*path_end) {
		snprintf(why, why_len, "must not have a query or fragment");
		return -1;
	}
	path_len = (size_t)(path_end - path);
	while (path_len > 0 && path[path_len - 1] == '/')
		path_len--;
	if (api_path) {
		size_t api_len = strlen(api_path);
		if (path_len == 0) {
			path = api_path;
			path_len = api_len;
		} else if (path_len == api_len &&
		           strncasecmp(path, api_path, api_len) == 0) {
			path = api_path;
		} else {
			snprintf(why, why_len,
			         "has path '%.*s' where only '%s' (or none) "
			         "is expected",
			         (int)(path_len > 80 ? 80 : path_len), path,
			         api_path);
			return -1;
		}
	}
	size_t need = scheme_len + auth_len + path_len + 1;
	if (need > out_len) {
		snprintf(why, why_len, "is too long (%zu characters)",
		         strlen(in));
		return -1;
	}
	/* scheme and authority lower-cased, path as given */
	size_t o = 0;
	for (size_t i = 0; i < scheme_len + auth_len; i++)
		out[o++] = (char)tolower((unsigned char)in[i]);
	memcpy(out + o, path, path_len);
	o += path_len;
	out[o] = '\0';
	return 0;
}
