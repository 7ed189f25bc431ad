/* Which plugin directory provhost uses when none is given on the command
 * line (see README-plugins-dir.md). */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"

#ifndef PROVHOST_PLUGIN_DIR
#define PROVHOST_PLUGIN_DIR "/usr/local/lib/provhost/plugins"
#endif

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* "plugins" next to the running executable (build/provhost ->
 * build/plugins), or "plugins" when the executable cannot be found. */
static void build_tree_dir(char *out, size_t outlen)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0) {
		snprintf(out, outlen, "plugins");
		return;
	}
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(out, outlen, "%s/plugins", exe);
}

const char *config_installed_plugin_dir(void)
{
	return PROVHOST_PLUGIN_DIR;
}

void config_plugin_dir(const char *override, const char *cfg_dir, char *out,
                       size_t outlen)
{
	if (override && override[0])
		snprintf(out, outlen, "%s", override);
	else if (cfg_dir && cfg_dir[0])
		snprintf(out, outlen, "%s", cfg_dir);
	else if (is_dir(PROVHOST_PLUGIN_DIR))
		snprintf(out, outlen, "%s", PROVHOST_PLUGIN_DIR);
	else
		build_tree_dir(out, outlen);
}
