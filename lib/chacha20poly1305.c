// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * WireGuard's uses of the AEAD (64-bit counter nonces, XChaCha20 for cookies)
 * and of X25519 (clamping, the all-zero check), on top of the selected provider.
 */
#include <stdlib.h>

#include "crypto.h"
#include "util.h"

static const struct wg_crypto_provider *(*const providers[])(void) = {
	wg_crypto_bearssl_get,
};

static const struct wg_crypto_provider *current;

const struct wg_crypto_provider *wg_crypto(void)
{
	const struct wg_crypto_provider *p = __atomic_load_n(&current, __ATOMIC_ACQUIRE);

	if (p)
		return p;
	/* The list is ordered fastest first; the last entry is always there. */
	for (size_t i = 0; i < ARRAY_SIZE(providers) && !p; i++)
		p = providers[i]();
	__atomic_store_n(&current, p, __ATOMIC_RELEASE);
	return p;
}

bool wg_crypto_select(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(providers); i++) {
		const struct wg_crypto_provider *p = providers[i]();

		if (p && !strcmp(p->name, name)) {
			__atomic_store_n(&current, p, __ATOMIC_RELEASE);
			return true;
		}
	}
	return false;
}

static void counter_nonce(uint8_t n[12], uint64_t counter)
{
	memset(n, 0, 4);
	wg_put_le64(n + 4, counter);
}

void chacha20poly1305_encrypt(uint8_t *dst, const uint8_t *src, size_t len, const uint8_t *ad, size_t adlen,
			      uint64_t nonce, const uint8_t key[32])
{
	uint8_t n[12];

	counter_nonce(n, nonce);
	if (dst != src && len)
		memmove(dst, src, len);
	wg_crypto()->aead_encrypt(dst, len, dst + len, ad, adlen, n, key);
}

bool chacha20poly1305_decrypt(uint8_t *dst, const uint8_t *src, size_t src_len, const uint8_t *ad, size_t adlen,
			      uint64_t nonce, const uint8_t key[32])
{
	uint8_t n[12], tag[16];
	size_t len;

	if (src_len < CHACHA20POLY1305_AUTHTAG_SIZE)
		return false;
	len = src_len - CHACHA20POLY1305_AUTHTAG_SIZE;
	counter_nonce(n, nonce);
	/* Copy the tag first: in place, dst may overlap where it sits. */
	memcpy(tag, src + len, sizeof(tag));
	if (dst != src && len)
		memmove(dst, src, len);
	return wg_crypto()->aead_decrypt(dst, len, tag, ad, adlen, n, key);
}

#define ROTL32(v, n) (((v) << (n)) | ((v) >> (32 - (n))))
#define QR(a, b, c, d) do { \
	a += b; d ^= a; d = ROTL32(d, 16); \
	c += d; b ^= c; b = ROTL32(b, 12); \
	a += b; d ^= a; d = ROTL32(d, 8); \
	c += d; b ^= c; b = ROTL32(b, 7); \
} while (0)

void hchacha20(uint8_t out[32], const uint8_t nonce[16], const uint8_t key[32])
{
	/* "expand 32-byte k", then the key, then the nonce where the
	 * counter and nonce would be; 20 rounds and no final addition. */
	uint32_t x[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };

	for (int i = 0; i < 8; i++)
		x[4 + i] = wg_le32(key + 4 * i);
	for (int i = 0; i < 4; i++)
		x[12 + i] = wg_le32(nonce + 4 * i);
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 4; i++) {
		wg_put_le32(out + 4 * i, x[i]);
		wg_put_le32(out + 16 + 4 * i, x[12 + i]);
	}
	wg_memzero(x, sizeof(x));
}

void xchacha20poly1305_encrypt(uint8_t *dst, const uint8_t *src, size_t len, const uint8_t *ad, size_t adlen,
			       const uint8_t nonce[24], const uint8_t key[32])
{
	uint8_t subkey[32], n[12] = { 0 };

	hchacha20(subkey, nonce, key);
	memcpy(n + 4, nonce + 16, 8);
	if (dst != src && len)
		memmove(dst, src, len);
	wg_crypto()->aead_encrypt(dst, len, dst + len, ad, adlen, n, subkey);
	wg_memzero(subkey, sizeof(subkey));
}

bool xchacha20poly1305_decrypt(uint8_t *dst, const uint8_t *src, size_t src_len, const uint8_t *ad, size_t adlen,
			       const uint8_t nonce[24], const uint8_t key[32])
{
	uint8_t subkey[32], n[12] = { 0 }, tag[16];
	size_t len;
	bool ok;

	if (src_len < CHACHA20POLY1305_AUTHTAG_SIZE)
		return false;
	len = src_len - CHACHA20POLY1305_AUTHTAG_SIZE;
	hchacha20(subkey, nonce, key);
	memcpy(n + 4, nonce + 16, 8);
	memcpy(tag, src + len, sizeof(tag));
	if (dst != src && len)
		memmove(dst, src, len);
	ok = wg_crypto()->aead_decrypt(dst, len, tag, ad, adlen, n, subkey);
	wg_memzero(subkey, sizeof(subkey));
	return ok;
}

void curve25519_clamp(uint8_t s[32])
{
	s[0] &= 248;
	s[31] = (s[31] & 127) | 64;
}

bool curve25519(uint8_t out[32], const uint8_t scalar[32], const uint8_t point[32])
{
	uint8_t s[32], u[32];
	static const uint8_t zero[32];

	memcpy(s, scalar, 32);
	curve25519_clamp(s);
	/* RFC 7748 §5: the top bit of the u-coordinate is ignored. */
	memcpy(u, point, 32);
	u[31] &= 127;
	wg_crypto()->x25519(out, s, u);
	wg_memzero(s, sizeof(s));
	return !wg_ct_equal(out, zero, 32);
}

bool curve25519_generate_public(uint8_t out[32], const uint8_t scalar[32])
{
	static const uint8_t basepoint[32] = { 9 };

	return curve25519(out, scalar, basepoint);
}
