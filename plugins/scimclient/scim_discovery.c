/* ServiceProviderConfig reading; see scim_discovery.h. */
#include "scimclient/scim_discovery.h"

#include <stdio.h>
#include <string.h>

void scim_features_assume(struct scim_features *out)
{
	memset(out, 0, sizeof *out);
	out->filter = 1;
}

/* True when spc.<name>.supported is the boolean true. */
static int supported(json_t *spc, const char *name)
{
	return json_is_true(
	        json_object_get(json_object_get(spc, name), "supported"));
}

int scim_features_parse(json_t *spc, struct scim_features *out)
{
	json_t *max;

	scim_features_assume(out);
	if (!json_is_object(spc))
		return -1;
	out->from_target = 1;
	out->patch = supported(spc, "patch");
	out->filter = supported(spc, "filter");
	out->etag = supported(spc, "etag");
	out->sort = supported(spc, "sort");
	out->bulk = supported(spc, "bulk");
	max = json_object_get(json_object_get(spc, "filter"), "maxResults");
	if (json_is_integer(max) && json_integer_value(max) > 0)
		out->max_results = (long)json_integer_value(max);
	return 0;
}

void scim_features_describe(const struct scim_features *f, char *out,
                            size_t out_len)
{
	char max[48] = "";

	if (f->filter && f->max_results > 0)
		snprintf(max, sizeof max, " (max %ld)", f->max_results);
	snprintf(out, out_len, "PATCH %s, filter %s%s, ETag %s",
	         f->patch ? "yes" : "no", f->filter ? "yes" : "no", max,
	         f->etag ? "yes" : "no");
}
