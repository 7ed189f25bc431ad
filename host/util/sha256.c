#include "util/sha256.h"

#include <openssl/evp.h>

int sha256_init(struct sha256 *s)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	s->ctx = NULL;
	if (!ctx)
		return -1;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return -1;
	}
	s->ctx = ctx;
	return 0;
}

int sha256_update(struct sha256 *s, const void *data, size_t len)
{
	if (!s->ctx)
		return -1;
	if (EVP_DigestUpdate(s->ctx, data, len) != 1) {
		EVP_MD_CTX_free(s->ctx);
		s->ctx = NULL;
		return -1;
	}
	return 0;
}

int sha256_final(struct sha256 *s, unsigned char digest[32])
{
	unsigned int n = 0;
	int rc;

	if (!s->ctx)
		return -1;
	rc = EVP_DigestFinal_ex(s->ctx, digest, &n) == 1 && n == 32 ? 0 : -1;
	EVP_MD_CTX_free(s->ctx);
	s->ctx = NULL;
	return rc;
}

int sha256_hex(const void *data, size_t len, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	hex[0] = '\0';
	if (EVP_Digest(data, len, d, &n, EVP_sha256(), NULL) != 1 || n != 32)
		return -1;
	for (unsigned int i = 0; i < 32; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
	return 0;
}
