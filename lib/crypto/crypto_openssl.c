// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The fast AEAD: OpenSSL libcrypto's ChaCha20-Poly1305 (AVX2/AVX-512
 * assembly).  A cipher context per thread avoids an allocation and an
 * algorithm fetch per packet.  (Its X25519 is not used: through the EVP_PKEY
 * API it runs at half of curve25519_fe51.c's speed.)
 */
#include <pthread.h>
#include <stdlib.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "crypto.h"
#include "util.h"

static EVP_CIPHER *cipher;
static pthread_key_t ctx_key;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* A thread's context and the key it holds: a batch of packets of one session
 * reuses the key schedule and passes only the nonce, which spares OpenSSL's
 * key set-up and length lookups per packet. */
struct thread_aead {
	EVP_CIPHER_CTX *ctx;
	uint8_t key[32];
	bool keyed;
};

static void free_ctx(void *p)
{
	struct thread_aead *ta = p;

	EVP_CIPHER_CTX_free(ta->ctx);
	wg_memzero(ta, sizeof(*ta));
	free(ta);
}

static void init(void)
{
	cipher = EVP_CIPHER_fetch(NULL, "ChaCha20-Poly1305", NULL);
	if (cipher && pthread_key_create(&ctx_key, free_ctx)) {
		EVP_CIPHER_free(cipher);
		cipher = NULL;
	}
}

/* This thread's context, or NULL if OpenSSL cannot give one. */
static struct thread_aead *thread_ctx(void)
{
	struct thread_aead *ta = pthread_getspecific(ctx_key);

	if (ta)
		return ta;
	ta = calloc(1, sizeof(*ta));
	if (!ta)
		return NULL;
	ta->ctx = EVP_CIPHER_CTX_new();
	if (!ta->ctx || !EVP_CipherInit_ex2(ta->ctx, cipher, NULL, NULL, 1, NULL) ||
	    pthread_setspecific(ctx_key, ta)) {
		EVP_CIPHER_CTX_free(ta->ctx);
		free(ta);
		return NULL;
	}
	return ta;
}

/* Run one AEAD operation; false on any failure, including a bad tag. */
static bool aead(uint8_t *buf, size_t len, uint8_t tag[16], const uint8_t *ad, size_t adlen,
		 const uint8_t nonce[12], const uint8_t key[32], int enc)
{
	struct thread_aead *ta = thread_ctx();
	OSSL_PARAM params[2] = { OSSL_PARAM_END, OSSL_PARAM_END };
	EVP_CIPHER_CTX *ctx;
	const uint8_t *k;
	int outl;

	/* OpenSSL takes int lengths; WireGuard's messages are far smaller. */
	if (!ta || len > INT32_MAX || adlen > INT32_MAX)
		return false;
	ctx = ta->ctx;
	k = ta->keyed && wg_ct_equal(ta->key, key, 32) ? NULL : key;
	/* Forget the key first: a failed init must not leave it "held". */
	ta->keyed = false;
	if (!EVP_CipherInit_ex2(ctx, NULL, k, nonce, enc, NULL))
		return false;
	if (k)
		memcpy(ta->key, key, 32);
	ta->keyed = true;
	/* The tag as a parameter directly: EVP_CIPHER_CTX_ctrl would build the
	 * same one through a longer path. */
	params[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, 16);
	if (!enc && !EVP_CIPHER_CTX_set_params(ctx, params))
		return false;
	if (adlen && !EVP_CipherUpdate(ctx, NULL, &outl, ad, (int)adlen))
		return false;
	if (len && !EVP_CipherUpdate(ctx, buf, &outl, buf, (int)len))
		return false;
	if (!EVP_CipherFinal_ex(ctx, buf + len, &outl))
		return false;
	return !enc || EVP_CIPHER_CTX_get_params(ctx, params);
}

static void openssl_aead_encrypt(uint8_t *buf, size_t len, uint8_t tag[16], const uint8_t *ad, size_t adlen,
				 const uint8_t nonce[12], const uint8_t key[32])
{
	/* Encryption only fails if OpenSSL itself is broken (allocation at
	 * thread start); continuing would send unencrypted data. */
	if (!aead(buf, len, tag, ad, adlen, nonce, key, 1))
		abort();
}

static bool openssl_aead_decrypt(uint8_t *buf, size_t len, const uint8_t tag[16], const uint8_t *ad,
				 size_t adlen, const uint8_t nonce[12], const uint8_t key[32])
{
	uint8_t t[16];

	memcpy(t, tag, 16);
	if (aead(buf, len, t, ad, adlen, nonce, key, 0))
		return true;
	wg_memzero(buf, len);
	return false;
}

static const struct wg_aead_impl openssl = {
	.name = "openssl",
	.encrypt = openssl_aead_encrypt,
	.decrypt = openssl_aead_decrypt,
};

const struct wg_aead_impl *wg_aead_openssl_get(void)
{
	pthread_once(&once, init);
	return cipher ? &openssl : NULL;
}
