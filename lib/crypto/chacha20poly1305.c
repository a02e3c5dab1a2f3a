// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * WireGuard's uses of ChaCha20-Poly1305 (64-bit counter nonces) and
 * XChaCha20-Poly1305 (cookies), on top of the selected implementation.
 */
#include "crypto.h"
#include "util.h"

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
	wg_aead()->encrypt(dst, len, dst + len, ad, adlen, n, key);
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
	return wg_aead()->decrypt(dst, len, tag, ad, adlen, n, key);
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
	wg_aead()->encrypt(dst, len, dst + len, ad, adlen, n, subkey);
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
	ok = wg_aead()->decrypt(dst, len, tag, ad, adlen, n, subkey);
	wg_memzero(subkey, sizeof(subkey));
	return ok;
}
