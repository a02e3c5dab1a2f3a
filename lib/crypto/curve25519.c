// SPDX-License-Identifier: LGPL-2.1-or-later
/* WireGuard's use of X25519: clamping, and refusing all-zero results. */
#include "crypto.h"
#include "util.h"

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
	wg_x25519()->x25519(out, s, u);
	wg_memzero(s, sizeof(s));
	return !wg_ct_equal(out, zero, 32);
}

bool curve25519_generate_public(uint8_t out[32], const uint8_t scalar[32])
{
	static const uint8_t basepoint[32] = { 9 };

	return curve25519(out, scalar, basepoint);
}
