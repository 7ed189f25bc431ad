/* SCIM filter escaping (ours: RFC 7644 compValue strings) and query
 * encoding (libcurl's curl_easy_escape); see scim_filter.h. */
#include "scimclient/scim_filter.h"

#include <curl/curl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static int fail_small(char *out, size_t out_len)
{
	if (out_len > 0)
		out[0] = '\0';
	return -1;
}

int scim_filter_escape(const char *value, char *out, size_t out_len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		char seq[7];
		size_t n = 0;
		if (*p == '"' || *p == '\\') {
			seq[n++] = '\\';
			seq[n++] = (char)*p;
		} else if (*p < 0x20) {
			memcpy(seq, "\\u00", 4);
			n = 4;
			seq[n++] = hex[*p >> 4];
			seq[n++] = hex[*p & 0xf];
		} else {
			seq[n++] = (char)*p;
		}
		if (o + n >= out_len)
			return fail_small(out, out_len);
		memcpy(out + o, seq, n);
		o += n;
	}
	if (o >= out_len)
		return fail_small(out, out_len);
	out[o] = '\0';
	return (int)o;
}

int scim_query_escape(const char *in, char *out, size_t out_len)
{
	/* libcurl's escaping: everything but ALPHA DIGIT - . _ ~ as %XX */
	char *esc = curl_easy_escape(NULL, in, 0);
	size_t len;

	if (!esc)
		return fail_small(out, out_len);
	len = strlen(esc);
	if (len >= out_len || len > INT_MAX) {
		curl_free(esc);
		return fail_small(out, out_len);
	}
	memcpy(out, esc, len + 1);
	curl_free(esc);
	return (int)len;
}

int scim_filter_eq_path(const char *collection, const char *attr,
                        const char *value, char *out, size_t out_len)
{
	char escaped[2048], filter[2300];
	int n;

	if (scim_filter_escape(value, escaped, sizeof escaped) < 0)
		return fail_small(out, out_len);
	n = snprintf(filter, sizeof filter, "%s eq \"%s\"", attr, escaped);
	if (n < 0 || (size_t)n >= sizeof filter)
		return fail_small(out, out_len);
	n = snprintf(out, out_len, "%s?filter=", collection);
	if (n < 0 || (size_t)n >= out_len)
		return fail_small(out, out_len);
	int m = scim_query_escape(filter, out + n, out_len - (size_t)n);
	if (m < 0)
		return fail_small(out, out_len);
	return n + m;
}
