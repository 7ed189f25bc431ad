/* Fuzz target: the configuration file (config/config.c config_load, and
 * through it the secrets, engine and lifecycle sections), read from a file
 * in a private temporary directory that also holds a secret file "token"
 * (mode 0600) and sets PROVHOST_FUZZ_TOKEN.
 *
 * Invariants: a refusal has at least one message and every message about
 * the file is "file:line:column: message" with a line inside the file and
 * a column >= 1; a loaded configuration has uniquely named connections,
 * each with its lifecycle section and a settings object. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "fuzz_common.h"

static char dir[64], path[96];

static void setup(void)
{
	char token[96];
	int fd;

	snprintf(dir, sizeof(dir), "%s", "/tmp/provhost-fuzz-config.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/provhost.json", dir);
	snprintf(token, sizeof(token), "%s/token", dir);
	fd = open(token, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, "fuzz-token-value\n", 17) != 17)
		abort();
	close(fd);
	setenv("PROVHOST_FUZZ_TOKEN", "fuzz-env-token", 1);
	setenv("PROVHOST_TEST_TOKEN", "fuzz-env-token", 1);
}

static size_t count_lines(const uint8_t *data, size_t size)
{
	size_t n = 1;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

static void check_errors(const char *err, size_t errsize, size_t lines)
{
	size_t plen = strlen(path);
	const char *p = err;

	FUZZ_ASSERT(err[0] != '\0', "refused without a message");
	while (*p) {
		const char *eol = strchr(p, '\n');
		unsigned long line, col;
		char *end;

		if (!eol && strlen(err) >= errsize - 1)
			break; /* the last line may be cut by the buffer */
		if (!strncmp(p, path, plen) && p[plen] == ':') {
			line = strtoul(p + plen + 1, &end, 10);
			FUZZ_ASSERT(*end == ':', "no column: %.200s", p);
			col = strtoul(end + 1, &end, 10);
			FUZZ_ASSERT(*end == ':' && end[1] == ' ',
			            "no message: %.200s", p);
			FUZZ_ASSERT(line >= 1 && line <= lines && col >= 1,
			            "position %lu:%lu outside the file "
			            "(%zu lines): %.200s",
			            line, col, lines, p);
		}
		FUZZ_ASSERT(!eol || eol > p, "empty message line");
		p = eol ? eol + 1 : p + strlen(p);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char err[16384];
	struct config *cfg = NULL;
	FILE *f;

	if (!dir[0])
		setup();
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
	err[0] = '\0';
	if (config_load(path, &cfg, err, sizeof(err))) {
		FUZZ_ASSERT(cfg == NULL, "refused but returned a config");
		check_errors(err, sizeof(err), count_lines(data, size));
		return 0;
	}
	FUZZ_ASSERT(cfg && cfg->n_connections > 0 && cfg->state_dir &&
	                    cfg->ledger_path,
	            "loaded config incomplete");
	for (size_t i = 0; i < cfg->n_connections; i++) {
		const struct connection *c = &cfg->connections[i];

		FUZZ_ASSERT(c->name && c->connector && c->lifecycle &&
		                    json_is_object(c->settings),
		            "connection %zu incomplete", i);
		FUZZ_ASSERT(config_find_connection(cfg, c->name) == c,
		            "connection name %s not unique", c->name);
	}
	config_free(cfg);
	return 0;
}
