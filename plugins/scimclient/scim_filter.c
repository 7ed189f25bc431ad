/* SCIM filter escaping and query encoding; see scim_filter.h. */
#include "scimclient/scim_filter.h"

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

static int is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

int scim_query_escape(const char *in, char *out, size_t out_len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		if (is_unreserved(*p)) {
			if (o + 1 >= out_len)
				return fail_small(out, out_len);
			out[o++] = (char)*p;
		} else {
			if (o + 3 >= out_len)
				return fail_small(out, out_len);
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 0xf];
		}
	}
	if (o >= out_len)
		return fail_small(out, out_len);
	out[o] = '\0';
	return (int)o;
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
