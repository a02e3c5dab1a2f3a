/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The AEAD and Diffie-Hellman primitives WireGuard needs, behind a provider
 * interface so that faster implementations can be added without touching
 * callers.  Every provider passes the same known-answer tests.
 */
#ifndef WG_CRYPTO_H
#define WG_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	CHACHA20POLY1305_KEY_SIZE = 32,
	CHACHA20POLY1305_AUTHTAG_SIZE = 16,
	XCHACHA20POLY1305_NONCE_SIZE = 24,
	CURVE25519_KEY_SIZE = 32,
};

struct wg_crypto_provider {
	const char *name;
	/*
	 * ChaCha20-Poly1305 (RFC 8439) in place: encrypt buf[0, len) and write
	 * the tag to tag.
	 */
	void (*aead_encrypt)(uint8_t *buf, size_t len, uint8_t tag[16], const uint8_t *ad, size_t adlen,
			     const uint8_t nonce[12], const uint8_t key[32]);
	/*
	 * Check tag and decrypt buf[0, len) in place.  On failure buf is zeroed,
	 * so keystream is never exposed for a forged packet.
	 */
	bool (*aead_decrypt)(uint8_t *buf, size_t len, const uint8_t tag[16], const uint8_t *ad, size_t adlen,
			     const uint8_t nonce[12], const uint8_t key[32]);
	/* X25519 (RFC 7748) without the all-zero check; scalar already clamped. */
	void (*x25519)(uint8_t out[32], const uint8_t scalar[32], const uint8_t point[32]);
};

/* Each returns the provider, or NULL when this build or CPU lacks it. */
const struct wg_crypto_provider *wg_crypto_bearssl_get(void);

/* The provider in use; chosen once, the fastest available. */
const struct wg_crypto_provider *wg_crypto(void);

/* Select a provider by name for tests and benchmarks; false if unavailable. */
bool wg_crypto_select(const char *name);

/*
 * WireGuard's AEAD: the nonce is a 64-bit little-endian counter after four
 * zero bytes.  dst receives len + 16 bytes; dst == src works in place.
 */
void chacha20poly1305_encrypt(uint8_t *dst, const uint8_t *src, size_t len, const uint8_t *ad, size_t adlen,
			      uint64_t nonce, const uint8_t key[32]);
/* src_len includes the tag; dst receives src_len - 16 bytes.  False if forged or too short. */
bool chacha20poly1305_decrypt(uint8_t *dst, const uint8_t *src, size_t src_len, const uint8_t *ad, size_t adlen,
			      uint64_t nonce, const uint8_t key[32]);

/* XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha), used for cookie replies. */
void xchacha20poly1305_encrypt(uint8_t *dst, const uint8_t *src, size_t len, const uint8_t *ad, size_t adlen,
			       const uint8_t nonce[24], const uint8_t key[32]);
bool xchacha20poly1305_decrypt(uint8_t *dst, const uint8_t *src, size_t src_len, const uint8_t *ad, size_t adlen,
			       const uint8_t nonce[24], const uint8_t key[32]);

/* HChaCha20: derive a subkey from a key and a 16-byte nonce. */
void hchacha20(uint8_t out[32], const uint8_t nonce[16], const uint8_t key[32]);

/* Clamp a Curve25519 scalar as RFC 7748 prescribes. */
void curve25519_clamp(uint8_t scalar[32]);

/*
 * out = X25519(scalar, point).  Returns false when the result is all zeros
 * (point of low order): WireGuard must treat that as failure.
 */
bool curve25519(uint8_t out[32], const uint8_t scalar[32], const uint8_t point[32]);
/* out = X25519(scalar, 9). */
bool curve25519_generate_public(uint8_t out[32], const uint8_t scalar[32]);

#endif
