/*
 * RFC 7643 §5-7 discovery documents, served only with --discovery
 * (Promapp lists none of these endpoints).
 */
#include "sim.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SPC_SCHEMA    "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
#define SCHEMA_SCHEMA "urn:ietf:params:scim:schemas:core:2.0:Schema"
#define RT_SCHEMA     "urn:ietf:params:scim:schemas:core:2.0:ResourceType"

static json_t *meta(const struct sim *sim, const char *type, const char *path)
{
	char location[256];

	snprintf(location, sizeof(location), "%s%s", sim->base_url, path);
	return json_pack("{s:s,s:s}", "resourceType", type, "location",
	                 location);
}

static json_t *service_provider_config(const struct sim *sim)
{
	return json_pack(
	        "{s:[s],s:{s:b},s:{s:b,s:i,s:i},s:{s:b,s:i},s:{s:b},s:{s:b},"
	        "s:{s:b},s:[{s:s,s:s,s:s,s:b}],s:o}",
	        "schemas", SPC_SCHEMA, "patch", "supported", 1, "bulk",
	        "supported", 0, "maxOperations", 0, "maxPayloadSize", 0,
	        "filter", "supported", 1, "maxResults",
	        (int)sim->opt->max_count, "changePassword", "supported", 0,
	        "sort", "supported", 0, "etag", "supported",
	        !sim->opt->no_etags, "authenticationSchemes", "type",
	        "oauthbearertoken", "name", "OAuth Bearer Token", "description",
	        "Authorization: Bearer with a SCIM-scoped access token",
	        "primary", 1, "meta",
	        meta(sim, "ServiceProviderConfig", "/ServiceProviderConfig"));
}

/* One attribute definition (RFC 7643 §7); sub may be NULL. */
static json_t *attr(const char *name, const char *type, bool multi,
                    bool required, const char *uniqueness, json_t *sub)
{
	json_t *a =
	        json_pack("{s:s,s:s,s:b,s:b,s:b,s:s,s:s,s:s}", "name", name,
	                  "type", type, "multiValued", multi, "required",
	                  required, "caseExact", 0, "mutability", "readWrite",
	                  "returned", "default", "uniqueness", uniqueness);

	if (a && sub)
		json_object_set_new(a, "subAttributes", sub);
	else
		json_decref(sub);
	return a;
}

static json_t *user_schema(const struct sim *sim)
{
	json_t *attrs = json_pack(
	        "[o,o,o,o,o,o]",
	        attr("userName", "string", 0, 1, "server", NULL),
	        attr("name", "complex", 0, 1, "none",
	             json_pack(
	                     "[o,o]",
	                     attr("givenName", "string", 0, 1, "none", NULL),
	                     attr("familyName", "string", 0, 1, "none", NULL))),
	        attr("emails", "complex", 1, 0, "none",
	             json_pack("[o,o,o]",
	                       attr("value", "string", 0, 1, "none", NULL),
	                       attr("type", "string", 0, 0, "none", NULL),
	                       attr("primary", "boolean", 0, 0, "none", NULL))),
	        attr("timezone", "string", 0, 0, "none", NULL),
	        attr("active", "boolean", 0, 0, "none", NULL),
	        attr("roles", "complex", 1, 0, "none",
	             json_pack("[o]",
	                       attr("display", "string", 0, 1, "none", NULL))));

	return json_pack("{s:[s],s:s,s:s,s:s,s:o,s:o}", "schemas",
	                 SCHEMA_SCHEMA, "id", SCIM_USER_SCHEMA, "name", "User",
	                 "description", "User Account", "attributes", attrs,
	                 "meta",
	                 meta(sim, "Schema", "/Schemas/" SCIM_USER_SCHEMA));
}

static json_t *user_resource_type(const struct sim *sim)
{
	return json_pack("{s:[s],s:s,s:s,s:s,s:s,s:s,s:o}", "schemas",
	                 RT_SCHEMA, "id", "User", "name", "User", "endpoint",
	                 "/Users", "description", "User Account", "schema",
	                 SCIM_USER_SCHEMA, "meta",
	                 meta(sim, "ResourceType", "/ResourceTypes/User"));
}

static json_t *list_of(json_t *item)
{
	return json_pack("{s:[s],s:i,s:i,s:i,s:[o]}", "schemas",
	                 SCIM_LIST_SCHEMA, "totalResults", 1, "startIndex", 1,
	                 "itemsPerPage", 1, "Resources", item);
}

/* Matches "/Name" or "/Name/" (any case); sets *rest to what follows. */
static bool segment_is(const char *path, const char *name, const char **rest)
{
	size_t n = strlen(name);

	if (path[0] != '/' || strncasecmp(path + 1, name, n) != 0)
		return false;
	path += 1 + n;
	if (*path && *path != '/')
		return false;
	*rest = *path ? path + 1 : path;
	return true;
}

void discovery_handle(struct sim *sim, const char *path, struct sim_reply *r)
{
	const char *rest;
	json_t *doc = NULL;

	if (segment_is(path, "ServiceProviderConfig", &rest) && !*rest)
		doc = service_provider_config(sim);
	else if (segment_is(path, "Schemas", &rest) && !*rest)
		doc = list_of(user_schema(sim));
	else if (segment_is(path, "Schemas", &rest) &&
	         (strcmp(rest, SCIM_USER_SCHEMA) == 0 ||
	          strcmp(rest, SCIM_USER_SCHEMA "/") == 0))
		doc = user_schema(sim);
	else if (segment_is(path, "ResourceTypes", &rest) && !*rest)
		doc = list_of(user_resource_type(sim));
	else if (segment_is(path, "ResourceTypes", &rest) &&
	         (strcasecmp(rest, "User") == 0 ||
	          strcasecmp(rest, "User/") == 0))
		doc = user_resource_type(sim);
	else {
		reply_errorf(r, 404, NULL, "no such discovery resource");
		return;
	}
	if (!doc) {
		reply_errorf(r, 500, NULL, "out of memory");
		return;
	}
	reply_json(r, 200, doc);
	json_decref(doc);
}
