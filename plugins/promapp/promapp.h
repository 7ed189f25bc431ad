/* The Promapp (Nintex Process Manager) connector: a target of the SCIM
 * connector core (scimclient/scim_target.h). Nothing here is exported from
 * promapp.so; the only exported symbol is provhost_connector_v1
 * (promapp_connector.c). */
#ifndef PROMAPP_H
#define PROMAPP_H

#include "scimclient/scim_target.h"

/* promapp_hint.c: Promapp's hints, the target's hint (ctx is the base
 * URL): 401 token expiry, 403 scope, sign-in URL, no SCIM API. */
void promapp_hint(void *ctx, const char *method, const char *path,
                  const struct scim_reply *reply, provhost_error *err);

/* The target's not_json quirk: err becomes the "this looks like the
 * sign-in URL" config error for a 2xx answer that is not JSON. */
void promapp_signin_error(void *ctx, const char *method, const char *path,
                          const struct scim_reply *reply, provhost_error *err);

#endif
