/* Binding configured connections to loaded connectors: the step between a
 * configuration that parsed (config/) and connector instances that can be
 * opened (connector/instance.h). */
#ifndef PROVHOST_CONNECTOR_BIND_H
#define PROVHOST_CONNECTOR_BIND_H

#include <stddef.h>

#include "config/config.h"
#include "connector/loader.h"

/* Loads the connectors from the plugin directory (see config_plugin_dir)
 * and checks every configured connection against its connector: the
 * connector was accepted (else the loader's reason), the settings match
 * its schema (unknown key, wrong type, missing required, a secret in the
 * settings), the secrets are the ones it declares, and its validate_config
 * accepts the settings. Sets each connection's bound. On success *out is a
 * new plugin set (loader_free it after the last use of the connections'
 * bound) and 0 is returned; on error -1, *out NULL, err as for config_load.
 */
int config_bind_connectors(struct config *cfg, const char *plugin_dir,
                           struct plugin_set **out, char *err, size_t errlen);

#endif
