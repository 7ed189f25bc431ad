/* Shared helpers for the libFuzzer targets in tests/fuzz/ (one target per
 * fuzz_*.c, each defining LLVMFuzzerTestOneInput). The same sources are
 * also linked with replay_main.c into plain programs that run the seed
 * corpus (tests/fuzz/corpus/<target>/) without libFuzzer.
 *
 * FUZZ_ASSERT(cond, ...) reports a broken invariant and aborts, which
 * libFuzzer records as a crash (with the input saved). */
#ifndef PROVHOST_FUZZ_COMMON_H
#define PROVHOST_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond, ...)                                                 \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr,                                        \
			        "%s:%d: invariant broken: %s: ", __FILE__,     \
			        __LINE__, #cond);                              \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

/* A new NUL-terminated copy of data[0..size) (caller frees); embedded NULs
 * stay, so strlen() of it may be shorter than size. Aborts when out of
 * memory (a fuzz run has no use for that path). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* True when s[0..len) contains needle[0..nlen) (nlen > 0). */
static inline int fuzz_contains(const char *s, size_t len, const char *needle,
                                size_t nlen)
{
	return nlen <= len && memmem(s, len, needle, nlen) != NULL;
}

#endif
