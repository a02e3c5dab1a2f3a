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

/*
 * Implementations, one per file, each behind a getter that returns NULL when
 * this build or CPU lacks it.  AEAD and X25519 are chosen separately: the
 * fastest of each is used.
 */
struct wg_aead_impl {
	const char *name;
	/* ChaCha20-Poly1305 (RFC 8439) in place: encrypt buf[0, len), write the tag. */
	void (*encrypt)(uint8_t *buf, size_t len, uint8_t tag[16], const uint8_t *ad, size_t adlen,
			const uint8_t nonce[12], const uint8_t key[32]);
	/*
	 * Check tag and decrypt buf[0, len) in place.  On failure buf is zeroed,
	 * so keystream is never exposed for a forged packet.
	 */
	bool (*decrypt)(uint8_t *buf, size_t len, const uint8_t tag[16], const uint8_t *ad, size_t adlen,
			const uint8_t nonce[12], const uint8_t key[32]);
};

struct wg_x25519_impl {
	const char *name;
	/* X25519 (RFC 7748); the scalar is clamped and the point's top bit
	 * cleared by the caller; a point at infinity gives zeros. */
	void (*x25519)(uint8_t out[32], const uint8_t scalar[32], const uint8_t point[32]);
};

const struct wg_aead_impl *wg_aead_bearssl_get(void);
const struct wg_aead_impl *wg_aead_openssl_get(void);
const struct wg_x25519_impl *wg_x25519_bearssl_get(void);
const struct wg_x25519_impl *wg_x25519_fe51_get(void);
/* NULL unless x86-64 with BMI2 and ADX (checked at run time). */
const struct wg_x25519_impl *wg_x25519_fe64_get(void);

/* The implementations in use. */
const struct wg_aead_impl *wg_aead(void);
const struct wg_x25519_impl *wg_x25519(void);

/*
 * Select implementations by name for tests and benchmarks ("bearssl",
 * "openssl", "fe51", "fe64"); false if no implementation of that name is available.
 */
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
