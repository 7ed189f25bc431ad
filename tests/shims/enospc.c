/* LD_PRELOAD shim for the disk-full tests: writes to files whose path
 * contains $PH_ENOSPC_PATH get, together, $PH_ENOSPC_AFTER bytes (default
 * 0); then a write is cut short at the limit and the next one fails with
 * ENOSPC, as on a full disk. With $PH_ENOSPC_ARM set, the limit counts only
 * from the first write to a file whose path contains it (e.g. the audit
 * file, written from the first connector call on, so that ingest is never
 * hit); $PH_ENOSPC_ARM_SKIP=K lets the first K writes to it pass without
 * arming (the audit file's run_start line, written before ingest).
 * Intercepts write, pwrite and pwrite64 (what provhost and SQLite's
 * unix VFS call); other processes ignore it when the variables are unset.
 * Not part of provhost: built as $(BUILD)/shims/enospc.so for tests. */
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

ssize_t write(int fd, const void *buf, size_t n);
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off);
ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off);

static atomic_llong used;
static atomic_bool armed;
static atomic_llong arm_seen; /* writes to the ARM file so far */

/* True when fd's path contains the value of the environment variable. */
static bool fd_matches(int fd, const char *var)
{
	const char *want = getenv(var);
	char link[64], path[4096];
	ssize_t len;

	if (!want || !*want)
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, path, sizeof(path) - 1);
	if (len <= 0)
		return false;
	path[len] = '\0';
	return strstr(path, want) != NULL;
}

/* How many of n bytes fd may take now: n, fewer (cut short), or -1
 * (ENOSPC set). */
static ssize_t allowance(int fd, size_t n)
{
	const char *after = getenv("PH_ENOSPC_AFTER");
	const char *arm = getenv("PH_ENOSPC_ARM");
	long long limit = after ? atoll(after) : 0, have, take;

	if (!atomic_load(&armed)) {
		const char *skip = getenv("PH_ENOSPC_ARM_SKIP");

		if (arm && *arm && !fd_matches(fd, "PH_ENOSPC_ARM"))
			return (ssize_t)n;
		if (arm && *arm && skip &&
		    atomic_fetch_add(&arm_seen, 1) < atoll(skip))
			return (ssize_t)n;
		atomic_store(&armed, true);
	}
	if (n == 0 || !fd_matches(fd, "PH_ENOSPC_PATH"))
		return (ssize_t)n;
	have = atomic_load(&used);
	do {
		if (have >= limit) {
			errno = ENOSPC;
			return -1;
		}
		take = limit - have < (long long)n ? limit - have
		                                   : (long long)n;
	} while (!atomic_compare_exchange_weak(&used, &have, have + take));
	return (ssize_t)take;
}

ssize_t write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);
	ssize_t take = allowance(fd, n);

	if (!real)
		real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT,
		                                                    "write");
	return take < 0 ? -1 : real(fd, buf, (size_t)take);
}

static ssize_t pwrite_via(const char *name, int fd, const void *buf, size_t n,
                          off_t off)
{
	ssize_t (*real)(int, const void *, size_t, off_t) =
	        (ssize_t(*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT,
	                                                            name);
	ssize_t take = allowance(fd, n);

	return take < 0 ? -1 : real(fd, buf, (size_t)take, off);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	return pwrite_via("pwrite", fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	return pwrite_via("pwrite64", fd, buf, n, off);
}
