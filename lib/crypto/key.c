// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Keys: generation, and base64/hex encodings.  Decoding runs in constant time
 * (no table lookups or branches on secret characters) because private keys
 * pass through it.
 */
#include <stdlib.h>

#include "crypto.h"
#include "error.h"
#include "util.h"

WG_EXPORT void wg_generate_preshared_key(wg_key preshared_key)
{
	wg_random_bytes(preshared_key, sizeof(wg_key));
}

WG_EXPORT void wg_generate_private_key(wg_key private_key)
{
	wg_random_bytes(private_key, sizeof(wg_key));
	curve25519_clamp(private_key);
}

WG_EXPORT void wg_generate_public_key(wg_key public_key, const wg_key private_key)
{
	/* A clamped scalar times the base point is never the identity; the
	 * all-zero check cannot fail here. */
	(void)curve25519_generate_public(public_key, private_key);
}

WG_EXPORT bool wg_key_is_zero(const wg_key key)
{
	static const wg_key zero;

	return wg_ct_equal(key, zero, sizeof(wg_key));
}

WG_EXPORT bool wg_key_equal(const wg_key a, const wg_key b)
{
	return wg_ct_equal(a, b, sizeof(wg_key));
}

/* Mask arithmetic: all ones when the condition holds, without branching. */
static inline int ct_range(int c, int lo, int hi)
{
	return ((lo - 1 - c) & (c - hi - 1)) >> 8;
}

static char encode_6bits(int v)
{
	/* 'A'..'Z', 'a'..'z', '0'..'9', '+', '/' selected by masks. */
	int c = 'A' + v;

	c += ((25 - v) >> 8) & ('a' - 'A' - 26);
	c += ((51 - v) >> 8) & ('0' - 'a' - 26);
	c += ((61 - v) >> 8) & ('+' - '0' - 10);
	c += ((62 - v) >> 8) & ('/' - '+' - 1);
	return (char)c;
}

/* Returns 0..63, or -1 for a character outside the alphabet. */
static int decode_6bits(int c)
{
	int ret = -1;

	ret += ct_range(c, 'A', 'Z') & (c - 'A' + 1);
	ret += ct_range(c, 'a', 'z') & (c - 'a' + 27);
	ret += ct_range(c, '0', '9') & (c - '0' + 53);
	ret += ct_range(c, '+', '+') & 63;
	ret += ct_range(c, '/', '/') & 64;
	return ret;
}

WG_EXPORT void wg_key_to_base64(wg_key_b64_string base64, const wg_key key)
{
	size_t i;

	for (i = 0; i < 32 / 3; i++) {
		const uint8_t *k = key + i * 3;

		base64[i * 4 + 0] = encode_6bits(k[0] >> 2);
		base64[i * 4 + 1] = encode_6bits(((k[0] << 4) | (k[1] >> 4)) & 63);
		base64[i * 4 + 2] = encode_6bits(((k[1] << 2) | (k[2] >> 6)) & 63);
		base64[i * 4 + 3] = encode_6bits(k[2] & 63);
	}
	/* 32 = 3 * 10 + 2: the last group holds two bytes and one '='. */
	base64[i * 4 + 0] = encode_6bits(key[i * 3] >> 2);
	base64[i * 4 + 1] = encode_6bits(((key[i * 3] << 4) | (key[i * 3 + 1] >> 4)) & 63);
	base64[i * 4 + 2] = encode_6bits((key[i * 3 + 1] << 2) & 63);
	base64[i * 4 + 3] = '=';
	base64[i * 4 + 4] = '\0';
}

WG_EXPORT int wg_key_from_base64(wg_key key, const wg_key_b64_string base64)
{
	uint8_t out[32];
	int bad = 0, v[4];
	size_t i, len = strnlen(base64, sizeof(wg_key_b64_string));

	if (len != sizeof(wg_key_b64_string) - 1 || base64[len - 1] != '=')
		return wg_error(EINVAL, "a base64 key is 44 characters ending in '='");

	for (i = 0; i < 32 / 3; i++) {
		for (int j = 0; j < 4; j++) {
			v[j] = decode_6bits((unsigned char)base64[i * 4 + j]);
			bad |= v[j];
			v[j] &= 63;
		}
		out[i * 3 + 0] = (uint8_t)(v[0] << 2 | v[1] >> 4);
		out[i * 3 + 1] = (uint8_t)(v[1] << 4 | v[2] >> 2);
		out[i * 3 + 2] = (uint8_t)(v[2] << 6 | v[3]);
	}
	for (int j = 0; j < 3; j++) {
		v[j] = decode_6bits((unsigned char)base64[i * 4 + j]);
		bad |= v[j];
		v[j] &= 63;
	}
	out[i * 3 + 0] = (uint8_t)(v[0] << 2 | v[1] >> 4);
	out[i * 3 + 1] = (uint8_t)(v[1] << 4 | v[2] >> 2);
	/* The two low bits of the last digit carry no data and must be zero,
	 * so that every key has exactly one encoding. */
	bad |= -(v[2] & 3);

	if (bad < 0) {
		wg_memzero(out, sizeof(out));
		return wg_error(EINVAL, "invalid character or trailing bits in base64 key");
	}
	memcpy(key, out, sizeof(out));
	wg_memzero(out, sizeof(out));
	return 0;
}

WG_EXPORT void wg_key_to_hex(wg_key_hex_string hex, const wg_key key)
{
	for (size_t i = 0; i < 32; i++) {
		int hi = key[i] >> 4, lo = key[i] & 15;

		/* '0' + v, moved to 'a' + v - 10 for v >= 10 without a branch. */
		hex[i * 2] = (char)('0' + hi + (((9 - hi) >> 8) & ('a' - '0' - 10)));
		hex[i * 2 + 1] = (char)('0' + lo + (((9 - lo) >> 8) & ('a' - '0' - 10)));
	}
	hex[64] = '\0';
}

/* Returns 0..15, or -1 for a non-hex character. */
static int decode_nibble(int c)
{
	int ret = -1;

	ret += ct_range(c, '0', '9') & (c - '0' + 1);
	ret += ct_range(c, 'a', 'f') & (c - 'a' + 11);
	ret += ct_range(c, 'A', 'F') & (c - 'A' + 11);
	return ret;
}

WG_EXPORT int wg_key_from_hex(wg_key key, const char *hex)
{
	uint8_t out[32];
	int bad = 0;

	if (strnlen(hex, sizeof(wg_key_hex_string)) != sizeof(wg_key_hex_string) - 1)
		return wg_error(EINVAL, "a hex key is 64 hexadecimal digits");
	for (size_t i = 0; i < 32; i++) {
		int hi = decode_nibble((unsigned char)hex[i * 2]);
		int lo = decode_nibble((unsigned char)hex[i * 2 + 1]);

		bad |= hi | lo;
		out[i] = (uint8_t)((hi & 15) << 4 | (lo & 15));
	}
	if (bad < 0) {
		wg_memzero(out, sizeof(out));
		return wg_error(EINVAL, "invalid character in hex key");
	}
	memcpy(key, out, sizeof(out));
	wg_memzero(out, sizeof(out));
	return 0;
}
