/* SHA-256 (FIPS 180-4), for event identities. Not for secrets. */
#ifndef PROVHOST_SHA256_H
#define PROVHOST_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	unsigned char buf[64];
	size_t buf_len;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, unsigned char digest[32]);

/* Hashes data and writes 64 lower-case hex digits + NUL into hex. */
void sha256_hex(const void *data, size_t len, char hex[65]);

#endif
