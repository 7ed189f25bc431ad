/* Fuzz target: the SCIM base URL checks (scimclient/scim_url.c).
 *
 * Invariants for an accepted URL: it is "https://" or "http://" followed by
 * an authority and a path without a trailing slash; it has no whitespace,
 * control character, user information, query or fragment; a plain http
 * URL's host, read from the text itself (not by libcurl), is a loopback
 * name or address; with an api_path the path is exactly that path; and
 * normalising it again gives the same URL. */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "fuzz_common.h"
#include "scimclient/scim_url.h"

static const char API[] = "/api/scim";

/* Loopback by the text alone: "localhost", 127.a.b.c, or an IPv6 literal
 * that is ::1 or ::ffff:127.x.y.z. */
static int text_host_is_loopback(const char *host, size_t len)
{
	unsigned char a6[16];
	char buf[64];
	struct in_addr a4;

	if (len == 9 && !strncmp(host, "localhost", 9))
		return 1;
	if (len < 2 || len >= sizeof(buf))
		return 0;
	if (host[0] == '[' && host[len - 1] == ']') {
		static const unsigned char one[16] = {[15] = 1};
		static const unsigned char mapped[12] = {
		        [10] = 0xff, [11] = 0xff};

		memcpy(buf, host + 1, len - 2);
		buf[len - 2] = '\0';
		if (inet_pton(AF_INET6, buf, a6) != 1)
			return 0;
		return !memcmp(a6, one, 16) ||
		       (!memcmp(a6, mapped, 12) && a6[12] == 127);
	}
	memcpy(buf, host, len);
	buf[len] = '\0';
	return inet_pton(AF_INET, buf, &a4) == 1 &&
	       ((const unsigned char *)&a4)[0] == 127;
}

static void check_accepted(const char *out, const char *api)
{
	char again[1024], why[256];
	size_t scheme, auth, host, len = strlen(out);
	int http = !strncmp(out, "http://", 7);

	FUZZ_ASSERT(http || !strncmp(out, "https://", 8), "scheme of %s", out);
	for (const char *p = out; *p; p++)
		FUZZ_ASSERT((unsigned char)*p > 0x20 && *p != 0x7f &&
		                    *p != '?' && *p != '#',
		            "byte 0x%02x in %s", (unsigned char)*p, out);
	FUZZ_ASSERT(len > 0 && out[len - 1] != '/', "trailing slash: %s", out);
	scheme = http ? 7 : 8;
	auth = strcspn(out + scheme, "/");
	FUZZ_ASSERT(auth > 0, "no host: %s", out);
	FUZZ_ASSERT(!memchr(out + scheme, '@', auth), "user info: %s", out);
	/* host: a bracketed IPv6 literal, or up to the port's ':' */
	if (out[scheme] == '[') {
		const char *close = strchr(out + scheme, ']');

		FUZZ_ASSERT(close != NULL, "unclosed '[': %s", out);
		host = (size_t)(close - (out + scheme)) + 1;
	} else
		host = strcspn(out + scheme, ":/");
	FUZZ_ASSERT(host <= auth, "host past the authority: %s", out);
	if (http)
		FUZZ_ASSERT(text_host_is_loopback(out + scheme, host),
		            "plain http to a host that is not loopback: %s",
		            out);
	if (api)
		FUZZ_ASSERT(!strcmp(out + scheme + auth, api),
		            "path is not %s: %s", api, out);
	FUZZ_ASSERT(scim_url_normalise(out, api, again, sizeof(again), why,
	                               sizeof(why)) == 0,
	            "normalised %s refused: %s", out, why);
	FUZZ_ASSERT(!strcmp(again, out), "normalising %s gave %s", out, again);
	if (http)
		FUZZ_ASSERT(scim_url_is_loopback(out),
		            "libcurl does not see loopback in %s", out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[1024], why[256];
	char *in = fuzz_strndup(data, size);
	const char *apis[] = {NULL, API};

	for (size_t k = 0; k < 2; k++) {
		why[0] = '\0';
		if (scim_url_normalise(in, apis[k], out, sizeof(out), why,
		                       sizeof(why)) == 0)
			check_accepted(out, apis[k]);
		else
			FUZZ_ASSERT(why[0] != '\0', "refused without a reason");
	}
	(void)scim_url_is_loopback(in);
	(void)scim_url_host_is_loopback(in, strlen(in));
	free(in);
	return 0;
}
