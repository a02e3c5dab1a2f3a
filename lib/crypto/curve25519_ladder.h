/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * X25519 above the field arithmetic: the Montgomery ladder, inversion's
 * addition chain and the constant-time swap.  Included by
 * curve25519_fe51.c and curve25519_fe64.c after they define their type fe
 * (an array of 64-bit limbs) and fe_frombytes(), fe_tobytes(), fe_add(),
 * fe_sub(), fe_mul(), fe_sq() and fe_mul_a24_add(); each gets its own
 * static copy, inlined against its own arithmetic.
 */
#ifndef WG_CURVE25519_LADDER_H
#define WG_CURVE25519_LADDER_H

static void fe_sqn(fe h, const fe f, int n)
{
	fe_sq(h, f);
	while (--n)
		fe_sq(h, h);
}

/* z^(p-2) = z^(2^255 - 21) through the usual addition chain. */
static void fe_invert(fe out, const fe z)
{
	fe z2, z9, z11, z2_5, z2_10, z2_20, z2_50, z2_100, t;

	fe_sq(z2, z);
	fe_sqn(t, z2, 2);
	fe_mul(z9, t, z);
	fe_mul(z11, z9, z2);
	fe_sq(t, z11);
	fe_mul(z2_5, t, z9);		/* z^(2^5 - 1) */
	fe_sqn(t, z2_5, 5);
	fe_mul(z2_10, t, z2_5);		/* z^(2^10 - 1) */
	fe_sqn(t, z2_10, 10);
	fe_mul(z2_20, t, z2_10);
	fe_sqn(t, z2_20, 20);
	fe_mul(t, t, z2_20);		/* z^(2^40 - 1) */
	fe_sqn(t, t, 10);
	fe_mul(z2_50, t, z2_10);
	fe_sqn(t, z2_50, 50);
	fe_mul(z2_100, t, z2_50);
	fe_sqn(t, z2_100, 100);
	fe_mul(t, t, z2_100);		/* z^(2^200 - 1) */
	fe_sqn(t, t, 50);
	fe_mul(t, t, z2_50);		/* z^(2^250 - 1) */
	fe_sqn(t, t, 5);
	fe_mul(out, t, z11);		/* z^(2^255 - 32 + 11) */
}

/* Swap a and b when swap is 1, with masks: no branch on the secret bit. */
static void fe_cswap(fe a, fe b, uint64_t swap)
{
	uint64_t mask = 0 - swap;

	for (size_t i = 0; i < sizeof(fe) / sizeof(uint64_t); i++) {
		uint64_t t = mask & (a[i] ^ b[i]);

		a[i] ^= t;
		b[i] ^= t;
	}
}

/* The Montgomery ladder of RFC 7748 §5. */
static void x25519_ladder(uint8_t out[32], const uint8_t scalar[32], const uint8_t point[32])
{
	fe x1, x2 = { 1 }, z2 = { 0 }, x3, z3 = { 1 }, a, aa, b, bb, e, c, d, da, cb;
	uint64_t swap = 0;

	fe_frombytes(x1, point);
	memcpy(x3, x1, sizeof(fe));
	for (int t = 254; t >= 0; t--) {
		uint64_t bit = (scalar[t >> 3] >> (t & 7)) & 1;

		swap ^= bit;
		fe_cswap(x2, x3, swap);
		fe_cswap(z2, z3, swap);
		swap = bit;

		/* The two halves interleaved so that the CPU overlaps them. */
		fe_add(a, x2, z2);
		fe_sub(b, x2, z2);
		fe_add(c, x3, z3);
		fe_sub(d, x3, z3);
		fe_sq(aa, a);
		fe_sq(bb, b);
		fe_mul(da, d, a);
		fe_mul(cb, c, b);
		fe_sub(e, aa, bb);
		fe_mul_a24_add(z2, e, aa);
		fe_add(x3, da, cb);
		fe_sub(z3, da, cb);
		fe_sq(x3, x3);
		fe_sq(z3, z3);
		fe_mul(z2, z2, e);
		fe_mul(x2, aa, bb);
		fe_mul(z3, z3, x1);
	}
	fe_cswap(x2, x3, swap);
	fe_cswap(z2, z3, swap);
	fe_invert(z2, z2);
	fe_mul(x2, x2, z2);
	fe_tobytes(out, x2);

	/* Every intermediate of the ladder depends on the scalar. */
	wg_memzero(x2, sizeof(x2));
	wg_memzero(z2, sizeof(z2));
	wg_memzero(x3, sizeof(x3));
	wg_memzero(z3, sizeof(z3));
	wg_memzero(a, sizeof(a));
	wg_memzero(aa, sizeof(aa));
	wg_memzero(b, sizeof(b));
	wg_memzero(bb, sizeof(bb));
	wg_memzero(e, sizeof(e));
	wg_memzero(c, sizeof(c));
	wg_memzero(d, sizeof(d));
	wg_memzero(da, sizeof(da));
	wg_memzero(cb, sizeof(cb));
	wg_memzero(&swap, sizeof(swap));
}

#endif
