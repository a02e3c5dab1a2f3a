/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* BLAKE2s (RFC 7693), HMAC-BLAKE2s and WireGuard's HKDF built on it. */
#ifndef WG_BLAKE2S_H
#define WG_BLAKE2S_H

#include <stddef.h>
#include <stdint.h>

enum {
	BLAKE2S_BLOCK_SIZE = 64,
	BLAKE2S_HASH_SIZE = 32,
	BLAKE2S_KEY_SIZE = 32,
};

struct blake2s_state {
	uint32_t h[8];
	uint32_t t[2];
	uint32_t f[2];
	uint8_t buf[BLAKE2S_BLOCK_SIZE];
	size_t buflen;
	size_t outlen;
};

/* outlen 1..32; key may be NULL when keylen is 0, keylen 0..32. */
void blake2s_init(struct blake2s_state *state, size_t outlen, const void *key, size_t keylen);
void blake2s_update(struct blake2s_state *state, const void *in, size_t inlen);
/* Writes state->outlen bytes and wipes the state. */
void blake2s_final(struct blake2s_state *state, uint8_t *out);
void blake2s(uint8_t *out, size_t outlen, const void *in, size_t inlen, const void *key, size_t keylen);

/* HMAC (RFC 2104) with BLAKE2s as the hash: 32-byte output. */
void blake2s_hmac(uint8_t out[BLAKE2S_HASH_SIZE], const void *in, size_t inlen, const void *key, size_t keylen);

/*
 * WireGuard's KDF_n (HKDF with HMAC-BLAKE2s): derive up to three 32-byte
 * outputs from the chaining key and input.  Pass NULL for outputs not wanted
 * (KDF1: only t1, KDF2: t1 and t2, KDF3: all three).
 */
void wg_kdf(uint8_t t1[32], uint8_t t2[32], uint8_t t3[32], const uint8_t ck[32], const void *in, size_t inlen);

#endif
