// SPDX-License-Identifier: LGPL-2.1-or-later
/* The portable implementations: BearSSL's constant-time ChaCha20, Poly1305 and X25519. */
#include <bearssl.h>

#include "crypto.h"
#include "util.h"

/* Resolved once: the SIMD variants when this CPU has them. */
static br_chacha20_run chacha_impl;
static br_poly1305_run poly_impl;

static void resolve(void)
{
	br_chacha20_run c;
	br_poly1305_run p;

	/* Racing first calls store the same values; the load pairs with the release below. */
	if (__atomic_load_n(&chacha_impl, __ATOMIC_ACQUIRE))
		return;
	c = br_chacha20_sse2_get();
	p = br_poly1305_ctmulq_get();
	__atomic_store_n(&poly_impl, p ? p : br_poly1305_ctmul_run, __ATOMIC_RELAXED);
	__atomic_store_n(&chacha_impl, c ? c : br_chacha20_ct_run, __ATOMIC_RELEASE);
}

static void bearssl_aead_encrypt(uint8_t *buf, size_t len, uint8_t tag[16], const uint8_t *ad, size_t adlen,
				 const uint8_t nonce[12], const uint8_t key[32])
{
	poly_impl(key, nonce, buf, len, ad, adlen, tag, chacha_impl, 1);
}

static bool bearssl_aead_decrypt(uint8_t *buf, size_t len, const uint8_t tag[16], const uint8_t *ad, size_t adlen,
				 const uint8_t nonce[12], const uint8_t key[32])
{
	uint8_t computed[16];
	bool ok;

	/* BearSSL authenticates the ciphertext while decrypting it in place. */
	poly_impl(key, nonce, buf, len, ad, adlen, computed, chacha_impl, 0);
	ok = wg_ct_equal(computed, tag, 16);
	if (!ok)
		wg_memzero(buf, len);
	return ok;
}

static void bearssl_x25519(uint8_t out[32], const uint8_t scalar[32], const uint8_t point[32])
{
	memcpy(out, point, 32);
	/* BearSSL takes the RFC 7748 little-endian scalar as is; a point at
	 * infinity yields zeros, which curve25519() reports. */
	if (!br_ec_c25519_m31.mul(out, 32, scalar, 32, BR_EC_curve25519))
		memset(out, 0, 32);
}

static const struct wg_aead_impl bearssl_aead = {
	.name = "bearssl",
	.encrypt = bearssl_aead_encrypt,
	.decrypt = bearssl_aead_decrypt,
};

static const struct wg_x25519_impl bearssl_dh = {
	.name = "bearssl",
	.x25519 = bearssl_x25519,
};

const struct wg_aead_impl *wg_aead_bearssl_get(void)
{
	resolve();
	return &bearssl_aead;
}

const struct wg_x25519_impl *wg_x25519_bearssl_get(void)
{
	return &bearssl_dh;
}
