/* The example connector's list op (ABI 1.1): every account in the file,
 * once each (the file keys accounts by id), read under the shared lock.
 * A connector for a paged API pages here, calling host_api->pace before
 * every page (plugins/scimclient/scim_core_list.c shows how). */
#include "example.h"

#include <stdlib.h>
#include <string.h>

int example_list(provhost_instance *inst, const provhost_call *call,
                 provhost_emit_fn emit, void *emit_ctx, provhost_error *err)
{
	struct example_store st;
	const char *id;
	json_t *account;
	int rc;

	if (!emit)
		return example_fail(err, PROVHOST_E_INVALID_INPUT, 0,
		                    "list needs an emit callback");
	if (inst->api->pace && inst->api->pace(inst->host, call) != PROVHOST_OK)
		return example_fail(
		        err, PROVHOST_E_TIMEOUT, 1,
		        "the call's deadline passed before listing");
	rc = example_store_open(inst, call, 0, &st, err);
	if (rc != PROVHOST_OK)
		return rc;
	json_object_foreach(st.accounts, id, account)
	{
		/* emit borrows the text for the call only; the host copies */
		char *text = json_dumps(account, JSON_COMPACT | JSON_SORT_KEYS);
		if (!text) {
			rc = example_fail(err, PROVHOST_E_INTERNAL, 0,
			                  "out of memory exporting account %s",
			                  id);
			break;
		}
		emit(emit_ctx, text, strlen(text));
		free(text);
	}
	example_store_release(&st);
	return rc;
}
