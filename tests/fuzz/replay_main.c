/* Runs a fuzz target's LLVMFuzzerTestOneInput on files, without libFuzzer:
 * every argument is a file or a directory of files (the seed corpus).
 * Prints "replayed N inputs" and exits 0, or stops at the first broken
 * invariant (the target aborts). Used by tests/integration/fuzz_smoke.sh so
 * the corpus (and every crash input kept there) runs in every build. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long size;
	int rc = -1;

	if (!f) {
		perror(path);
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc((size_t)size + 1);
	if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size)
		goto out;
	LLVMFuzzerTestOneInput(buf, (size_t)size);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "%s: cannot read\n", path);
	free(buf);
	fclose(f);
	return rc;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
	size_t n = 0;

	for (int i = 1; i < argc; i++) {
		struct dirent **ents;
		struct stat st;
		int k;

		if (stat(argv[i], &st)) {
			perror(argv[i]);
			return 2;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (replay_file(argv[i]))
				return 2;
			n++;
			continue;
		}
		k = scandir(argv[i], &ents, NULL, by_name);
		if (k < 0) {
			perror(argv[i]);
			return 2;
		}
		for (int j = 0; j < k; j++) {
			char path[4096];

			if (ents[j]->d_name[0] != '.') {
				snprintf(path, sizeof(path), "%s/%s", argv[i],
				         ents[j]->d_name);
				if (replay_file(path))
					return 2;
				n++;
			}
			free(ents[j]);
		}
		free(ents);
	}
	printf("replayed %zu inputs\n", n);
	return 0;
}
