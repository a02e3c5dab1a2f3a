/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the X25519 field implementations share beyond their arithmetic:
 * repeated squaring, inversion's addition chain and the ladder's swap.
 * Included by curve25519_fe51.c and curve25519_fe64.c after they define
 * their type fe (an array of 64-bit limbs), fe_sq() and fe_mul(); each gets
 * its own static copy, inlined against its own arithmetic.
 */
#ifndef WG_CURVE25519_CHAIN_H
#define WG_CURVE25519_CHAIN_H

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

#endif
