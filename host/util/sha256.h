/* SHA-256 (FIPS 180-4) through OpenSSL's libcrypto, for event identities.
 * Not for secrets. Every function returns 0, or -1 when libcrypto fails
 * (out of memory); a failed context needs no cleanup. */
#ifndef PROVHOST_SHA256_H
#define PROVHOST_SHA256_H

#include <stddef.h>

/* An incremental hash. init allocates; final (or a failed update) frees. */
struct sha256 {
	void *ctx; /* EVP_MD_CTX *, owned */
};

int sha256_init(struct sha256 *s);
/* On failure the context is freed (do not call final). */
int sha256_update(struct sha256 *s, const void *data, size_t len);
/* Writes the digest and frees the context, also on failure. */
int sha256_final(struct sha256 *s, unsigned char digest[32]);

/* Hashes data and writes 64 lower-case hex digits + NUL into hex
 * (hex is "" on failure). */
int sha256_hex(const void *data, size_t len, char hex[65]);

#endif
