// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * X25519 (RFC 7748) on 64-bit CPUs: field elements in five 51-bit limbs so
 * that products fit 128-bit accumulators, a constant-time Montgomery ladder,
 * and inversion by Fermat's little theorem.  About four times BearSSL's
 * 32-bit m31 code; with no table lookups or branches on secrets.
 */
#include "crypto.h"
#include "util.h"

#ifdef __SIZEOF_INT128__

__extension__ typedef unsigned __int128 u128;
typedef uint64_t fe[5];

#define MASK51 ((UINT64_C(1) << 51) - 1)

static uint64_t load64(const uint8_t *p)
{
	return wg_le64(p);
}

static void fe_frombytes(fe h, const uint8_t s[32])
{
	/* Limb i holds bits 51i .. 51i+50; the top bit (255) is dropped. */
	h[0] = load64(s) & MASK51;
	h[1] = (load64(s + 6) >> 3) & MASK51;
	h[2] = (load64(s + 12) >> 6) & MASK51;
	h[3] = (load64(s + 19) >> 1) & MASK51;
	h[4] = (load64(s + 24) >> 12) & MASK51;
}

static void fe_carry(fe h)
{
	h[1] += h[0] >> 51;
	h[0] &= MASK51;
	h[2] += h[1] >> 51;
	h[1] &= MASK51;
	h[3] += h[2] >> 51;
	h[2] &= MASK51;
	h[4] += h[3] >> 51;
	h[3] &= MASK51;
	h[0] += 19 * (h[4] >> 51);	/* 2^255 = 19 mod p */
	h[4] &= MASK51;
}

static void fe_tobytes(uint8_t s[32], const fe f)
{
	fe h = { f[0], f[1], f[2], f[3], f[4] };
	uint64_t q;

	fe_carry(h);
	fe_carry(h);
	/* Now h < 2p; q = 1 exactly when h >= p, found by adding 19 and
	 * watching the carry out of bit 255. */
	q = (h[0] + 19) >> 51;
	q = (h[1] + q) >> 51;
	q = (h[2] + q) >> 51;
	q = (h[3] + q) >> 51;
	q = (h[4] + q) >> 51;
	h[0] += 19 * q;
	h[1] += h[0] >> 51;
	h[0] &= MASK51;
	h[2] += h[1] >> 51;
	h[1] &= MASK51;
	h[3] += h[2] >> 51;
	h[2] &= MASK51;
	h[4] += h[3] >> 51;
	h[3] &= MASK51;
	h[4] &= MASK51;

	wg_put_le64(s, h[0] | h[1] << 51);
	wg_put_le64(s + 8, h[1] >> 13 | h[2] << 38);
	wg_put_le64(s + 16, h[2] >> 26 | h[3] << 25);
	wg_put_le64(s + 24, h[3] >> 39 | h[4] << 12);
}

static void fe_add(fe h, const fe f, const fe g)
{
	for (int i = 0; i < 5; i++)
		h[i] = f[i] + g[i];
}

/*
 * h = f - g + 2p, so limbs never go negative: g is always a product here
 * (limbs below 2^51 + 2^13).  No carry: every result feeds a multiplication,
 * whose 128-bit columns have room for limbs up to 2^54.
 */
static void fe_sub(fe h, const fe f, const fe g)
{
	h[0] = f[0] + 0xFFFFFFFFFFFDAULL - g[0];
	for (int i = 1; i < 5; i++)
		h[i] = f[i] + 0xFFFFFFFFFFFFEULL - g[i];
}

/* Carry 128-bit column sums into limbs below 2^51 (h[1] a little above). */
static void reduce(fe h, u128 r0, u128 r1, u128 r2, u128 r3, u128 r4)
{
	u128 t;

	r1 += (uint64_t)(r0 >> 51);
	r2 += (uint64_t)(r1 >> 51);
	r3 += (uint64_t)(r2 >> 51);
	r4 += (uint64_t)(r3 >> 51);
	/* The carry out of the top limb wraps around times 19; it can be near
	 * 2^62, so the product is formed in 128 bits. */
	t = (u128)((uint64_t)r0 & MASK51) + (u128)(uint64_t)(r4 >> 51) * 19;
	h[0] = (uint64_t)t & MASK51;
	h[1] = ((uint64_t)r1 & MASK51) + (uint64_t)(t >> 51);
	h[2] = (uint64_t)r2 & MASK51;
	h[3] = (uint64_t)r3 & MASK51;
	h[4] = (uint64_t)r4 & MASK51;
}

static void fe_mul(fe h, const fe f, const fe g)
{
	uint64_t g1 = 19 * g[1], g2 = 19 * g[2], g3 = 19 * g[3], g4 = 19 * g[4];
	u128 r0, r1, r2, r3, r4;

	r0 = (u128)f[0] * g[0] + (u128)f[1] * g4 + (u128)f[2] * g3 + (u128)f[3] * g2 + (u128)f[4] * g1;
	r1 = (u128)f[0] * g[1] + (u128)f[1] * g[0] + (u128)f[2] * g4 + (u128)f[3] * g3 + (u128)f[4] * g2;
	r2 = (u128)f[0] * g[2] + (u128)f[1] * g[1] + (u128)f[2] * g[0] + (u128)f[3] * g4 + (u128)f[4] * g3;
	r3 = (u128)f[0] * g[3] + (u128)f[1] * g[2] + (u128)f[2] * g[1] + (u128)f[3] * g[0] + (u128)f[4] * g4;
	r4 = (u128)f[0] * g[4] + (u128)f[1] * g[3] + (u128)f[2] * g[2] + (u128)f[3] * g[1] + (u128)f[4] * g[0];

	reduce(h, r0, r1, r2, r3, r4);
}

static void fe_sq(fe h, const fe f)
{
	uint64_t f0x2 = 2 * f[0], f1x2 = 2 * f[1];
	uint64_t f3x19 = 19 * f[3], f4x19 = 19 * f[4];
	u128 r0, r1, r2, r3, r4;

	/* The multiplication with f = g, cross terms doubled. */
	r0 = (u128)f[0] * f[0] + (u128)(2 * f[1]) * f4x19 + (u128)(2 * f[2]) * f3x19;
	r1 = (u128)f0x2 * f[1] + (u128)(2 * f[2]) * f4x19 + (u128)f[3] * f3x19;
	r2 = (u128)f0x2 * f[2] + (u128)f[1] * f[1] + (u128)(2 * f[3]) * f4x19;
	r3 = (u128)f0x2 * f[3] + (u128)f1x2 * f[2] + (u128)f[4] * f4x19;
	r4 = (u128)f0x2 * f[4] + (u128)f1x2 * f[3] + (u128)f[2] * f[2];

	reduce(h, r0, r1, r2, r3, r4);
}

/* h = f * 121665 + g, the ladder's AA + a24 * E with a24 = (A - 2) / 4. */
static void fe_mul_a24_add(fe h, const fe f, const fe g)
{
	u128 r;
	uint64_t c = 0;

	for (int i = 0; i < 5; i++) {
		r = (u128)f[i] * 121665 + c;
		c = (uint64_t)(r >> 51);
		h[i] = ((uint64_t)r & MASK51) + g[i];
	}
	h[0] += 19 * c;
}

/* The ladder, inversion and swap, the same for every field representation. */
#include "curve25519_ladder.h"

static const struct wg_x25519_impl fe51 = {
	.name = "fe51",
	.x25519 = x25519_ladder,
};

const struct wg_x25519_impl *wg_x25519_fe51_get(void)
{
	return &fe51;
}

#else

const struct wg_x25519_impl *wg_x25519_fe51_get(void)
{
	return NULL;
}

#endif
