/* Promapp's hints on top of the SCIM connector core: what a person can do
 * about a rejected token, a missing scope or the wrong URL. */
#include "promapp.h"

#include <stdio.h>
#include <string.h>

#define HINT_TOKEN                                                             \
	"the access token was rejected — it may have expired (Promapp SCIM " \
	"tokens are valid for one year); a Promaster creates a new one under " \
	"My Profile → Access Tokens with scope SCIM"
#define HINT_SCOPE                                                             \
	"the access token lacks the SCIM scope or its account may not "        \
	"provision users (it needs \"User: Can Provision and Deprovision "     \
	"Users\"); a Promaster creates a token with scope SCIM under My "      \
	"Profile → Access Tokens"
#define HINT_SIGNIN                                                            \
	"this looks like the sign-in URL, not the API URL "                    \
	"(https://api.promapp.com)"

/* Rewrites err's message as "<hint> (<original message>)". */
static void prefix_hint(provhost_error *err, const char *hint)
{
	char original[sizeof err->message];

	memcpy(original, err->message, sizeof original);
	scim_format(err->message, sizeof err->message, "%s (%s)", hint,
	            original);
}

void promapp_signin_error(void *ctx, const char *method, const char *path,
                          const struct scim_reply *reply, provhost_error *err)
{
	const char *base = ctx;

	err->status = PROVHOST_E_CONFIG;
	err->retryable = 0;
	scim_format(err->message, sizeof err->message,
	            HINT_SIGNIN ": %s %s%.*s answered %ld with %s", method,
	            base, (int)strcspn(path, "?"), path, reply->http,
	            reply->looks_html ? "an HTML page"
	                              : "a body that is not JSON");
}

void promapp_hint(void *ctx, const char *method, const char *path,
                  const struct scim_reply *reply, provhost_error *err)
{
	const char *base = ctx;
	int pl = (int)strcspn(path, "?");

	if (err->status == PROVHOST_E_CREDENTIAL) {
		prefix_hint(err, HINT_TOKEN);
	} else if (err->status == PROVHOST_E_PERMISSION) {
		prefix_hint(err, HINT_SCOPE);
	} else if (reply->not_json && reply->looks_html) {
		promapp_signin_error(ctx, method, path, reply, err);
	} else if (reply->http >= 300 && reply->http < 400) {
		scim_format(err->message, sizeof err->message,
		            HINT_SIGNIN ": %s %s%.*s answered %ld (a redirect, "
		                        "which provhost does not follow)",
		            method, base, pl, path, reply->http);
	} else if (err->status == PROVHOST_E_CONFIG && reply->http == 404) {
		scim_format(
		        err->message, sizeof err->message,
		        "no SCIM API under %s: promapp answered 404 to %s "
		        "%.*s; instance_url should be https://api.promapp.com",
		        base, method, pl, path);
	}
}
