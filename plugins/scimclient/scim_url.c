/* SCIM base URL normalisation and the loopback check; see scim_url.h. The
 * URL is parsed by libcurl's URL API (CURLU), the parser the transport
 * itself uses, so the host, port and path provhost checks are the ones
 * libcurl will connect to and request. */
#include "scimclient/scim_url.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int scim_url_host_is_loopback(const char *host, size_t len)
{
	char buf[64];
	struct in6_addr a6;
	struct in_addr a4;

	if (len == 9 && strncasecmp(host, "localhost", 9) == 0)
		return 1;
	if (len >= sizeof buf)
		return 0;
	memcpy(buf, host, len);
	buf[len] = '\0';
	/* inet_pton takes only the strict dotted quad (no "127.1", no
	 * leading zeros): anything else is not called loopback here. */
	if (inet_pton(AF_INET, buf, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, buf, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6) ||
		       (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
	return 0;
}

/* Fetches one part of u into *out (curl_free it); NULL when absent. */
static char *get_part(CURLU *u, CURLUPart part)
{
	char *v = NULL;

	if (curl_url_get(u, part, &v, 0) != CURLUE_OK)
		return NULL;
	return v;
}

/* True when host as libcurl parsed it ("[::1]" with brackets) is a
 * loopback address. */
static int parsed_host_is_loopback(const char *host)
{
	size_t len = strlen(host);

	if (len >= 2 && host[0] == '[' && host[len - 1] == ']')
		return scim_url_host_is_loopback(host + 1, len - 2);
	return scim_url_host_is_loopback(host, len);
}

int scim_url_is_loopback(const char *url)
{
	CURLU *u = curl_url();
	char *host;
	int yes = 0;

	if (!u)
		return 0;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    (host = get_part(u, CURLUPART_HOST))) {
		yes = parsed_host_is_loopback(host);
		curl_free(host);
	}
	curl_url_cleanup(u);
	return yes;
}

/* The reason for a URL libcurl refused. */
static void parse_failure(CURLUcode rc, char *why, size_t why_len)
{
	switch (rc) {
	case CURLUE_NO_HOST:
		snprintf(why, why_len, "has no host name");
		break;
	case CURLUE_BAD_PORT_NUMBER:
		snprintf(why, why_len, "has an invalid port");
		break;
	case CURLUE_BAD_IPV6:
		snprintf(why, why_len, "has a malformed IPv6 host");
		break;
	case CURLUE_BAD_LOGIN:
	case CURLUE_BAD_USER:
	case CURLUE_BAD_PASSWORD:
		snprintf(why, why_len,
		         "must not contain user information before '@'");
		break;
	default:
		snprintf(why, why_len, "is not a valid URL (%s)",
		         curl_url_strerror(rc));
	}
}

/* What libcurl made of a URL; every member is curl_free'd by
 * free_parts(). */
struct parts {
	char *scheme, *user, *password, *options, *host, *port, *path, *query,
	        *fragment, *zone;
};

static void free_parts(struct parts *p)
{
	char **all[] = {&p->scheme,   &p->user, &p->password, &p->options,
	                &p->host,     &p->port, &p->path,     &p->query,
	                &p->fragment, &p->zone};

	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		curl_free(*all[i]);
		*all[i] = NULL;
	}
}

static void get_parts(CURLU *u, struct parts *p)
{
	p->scheme = get_part(u, CURLUPART_SCHEME);
	p->user = get_part(u, CURLUPART_USER);
	p->password = get_part(u, CURLUPART_PASSWORD);
	p->options = get_part(u, CURLUPART_OPTIONS);
	p->host = get_part(u, CURLUPART_HOST);
	p->port = get_part(u, CURLUPART_PORT);
	p->path = get_part(u, CURLUPART_PATH);
	p->query = get_part(u, CURLUPART_QUERY);
	p->fragment = get_part(u, CURLUPART_FRAGMENT);
	p->zone = get_part(u, CURLUPART_ZONEID);
}

/* Checks what the person typed before libcurl sees it: no whitespace or
 * control characters, an explicit http:// or https://, and no empty port
 * (libcurl would quietly take "host:" for the default port). */
static int check_text(const char *in, char *why, size_t why_len)
{
	size_t scheme_len, auth_len;

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
	} else if (strncasecmp(in, "http://", 7) == 0) {
		scheme_len = 7;
	} else {
		snprintf(why, why_len, "must start with https://");
		return -1;
	}
	auth_len = strcspn(in + scheme_len, "/?#");
	/* a host as typed, not percent-encoded (an IPv6 zone id, refused
	 * once parsed, is the one '%' inside brackets) */
	if (in[scheme_len] != '[' && memchr(in + scheme_len, '%', auth_len)) {
		snprintf(why, why_len,
		         "has a host name with '%%' or non-ASCII characters "
		         "(write an internationalised name in its xn-- form)");
		return -1;
	}
	if (auth_len > 0 && in[scheme_len + auth_len - 1] == ':') {
		snprintf(why, why_len, "has an invalid port");
		return -1;
	}
	return 0;
}

/* Checks the parsed parts: scheme, user information, query, fragment,
 * port, and plain http only for loopback. */
static int check_parts(const struct parts *p, char *why, size_t why_len)
{
	if (p->user || p->password || p->options) {
		snprintf(why, why_len,
		         "must not contain user information before '@'");
		return -1;
	}
	if (!p->host || !*p->host) {
		snprintf(why, why_len, "has no host name");
		return -1;
	}
	if (p->zone) {
		snprintf(why, why_len, "must not have an IPv6 zone id");
		return -1;
	}
	/* libcurl percent-decodes a host, so "%41" and "A" would be one name
	 * spelled two ways (and normalising again could decode again) */
	for (const char *c = p->host; *c; c++)
		if (*c == '%' || (unsigned char)*c >= 0x80) {
			snprintf(why, why_len,
			         "has a host name with '%%' or non-ASCII "
			         "characters (write an internationalised name "
			         "in its xn-- form)");
			return -1;
		}
	if (p->port && strcmp(p->port, "0") == 0) {
		snprintf(why, why_len, "has an invalid port");
		return -1;
	}
	if (p->query || p->fragment) {
		snprintf(why, why_len, "must not have a query or fragment");
		return -1;
	}
	if (strcmp(p->scheme, "https") != 0 &&
	    (strcmp(p->scheme, "http") != 0 ||
	     !parsed_host_is_loopback(p->host))) {
		snprintf(why, why_len,
		         "must use https:// (plain http:// is only allowed "
		         "for loopback addresses)");
		return -1;
	}
	return 0;
}

/* Picks the path to keep: the parsed one without trailing slashes, checked
 * against api_path when given. */
static int pick_path(const char *parsed, const char *api_path,
                     const char **path, size_t *path_len, char *why,
                     size_t why_len)
{
	size_t len = strlen(parsed);

	while (len > 0 && parsed[len - 1] == '/')
		len--;
	*path = parsed;
	*path_len = len;
	if (!api_path)
		return 0;
	size_t api_len = strlen(api_path);
	if (len == 0 ||
	    (len == api_len && strncasecmp(parsed, api_path, api_len) == 0)) {
		*path = api_path;
		*path_len = api_len;
		return 0;
	}
	snprintf(why, why_len,
	         "has path '%.*s' where only '%s' (or none) is expected",
	         (int)(len > 80 ? 80 : len), parsed, api_path);
	return -1;
}

/* Writes scheme://host[:port]path, the host lower-cased (libcurl keeps
 * its case; the scheme it gives lower-case already). */
static int compose(struct parts *p, const char *path, size_t path_len,
                   const char *in, char *out, size_t out_len, char *why,
                   size_t why_len)
{
	for (char *c = p->host; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	int n = snprintf(out, out_len, "%s://%s%s%s%.*s", p->scheme, p->host,
	                 p->port ? ":" : "", p->port ? p->port : "",
	                 (int)path_len, path);

	if (n < 0 || (size_t)n >= out_len) {
		if (out_len > 0)
			out[0] = '\0';
		snprintf(why, why_len, "is too long (%zu characters)",
		         strlen(in));
		return -1;
	}
	return 0;
}

int scim_url_normalise(const char *in, const char *api_path, char *out,
                       size_t out_len, char *why, size_t why_len)
{
	struct parts p = {0};
	const char *path;
	size_t path_len;
	CURLUcode uc;
	int rc = -1;
	CURLU *u;

	if (check_text(in, why, why_len))
		return -1;
	if (!(u = curl_url())) {
		snprintf(why, why_len, "could not be parsed (out of memory)");
		return -1;
	}
	uc = curl_url_set(u, CURLUPART_URL, in, 0);
	if (uc != CURLUE_OK) {
		parse_failure(uc, why, why_len);
		goto out_cleanup;
	}
	get_parts(u, &p);
	if (!p.scheme || !p.path) {
		snprintf(why, why_len, "could not be parsed (out of memory)");
		goto out_cleanup;
	}
	if (check_parts(&p, why, why_len) ||
	    pick_path(p.path, api_path, &path, &path_len, why, why_len))
		goto out_cleanup;
	rc = compose(&p, path, path_len, in, out, out_len, why, why_len);
out_cleanup:
	free_parts(&p);
	curl_url_cleanup(u);
	return rc;
}
