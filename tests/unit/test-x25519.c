// SPDX-License-Identifier: LGPL-2.1-or-later
/* X25519 against RFC 7748 §5.2 and §6.1, and rejection of low-order points,
 * for every provider; then the 64-bit implementations against each other on
 * the inputs their carry handling could get wrong. */
#include "crypto.h"
#include "test.h"

static void check_vector(const char *scalar, const char *u, const char *want_hex)
{
	uint8_t k[32], p[32], out[32], want[32];

	test_unhex(k, scalar);
	test_unhex(p, u);
	test_unhex(want, want_hex);
	CHECK(curve25519(out, k, p));
	CHECK_MEM(out, want, 32);
}

static void vectors(void)
{
	check_vector("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
		     "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
		     "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
	/* Its u-coordinate has the top bit set, which must be ignored. */
	check_vector("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
		     "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
		     "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");

	/* §6.1 Diffie-Hellman. */
	uint8_t a[32], b[32], pub[32], want[32], s1[32], s2[32];
	test_unhex(a, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
	test_unhex(b, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
	CHECK(curve25519_generate_public(pub, a));
	test_unhex(want, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
	CHECK_MEM(pub, want, 32);
	CHECK(curve25519(s1, b, pub));
	CHECK(curve25519_generate_public(pub, b));
	test_unhex(want, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
	CHECK_MEM(pub, want, 32);
	CHECK(curve25519(s2, a, pub));
	test_unhex(want, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
	CHECK_MEM(s1, want, 32);
	CHECK_MEM(s2, want, 32);

	/* §5.2 iterated: k, u = X25519(k, u), k. */
	uint8_t k[32] = { 9 }, u[32] = { 9 }, r[32];
	for (int i = 1; i <= 1000; i++) {
		curve25519(r, k, u);
		memcpy(u, k, 32);
		memcpy(k, r, 32);
		if (i == 1) {
			test_unhex(want, "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
			CHECK_MEM(k, want, 32);
		}
	}
	test_unhex(want, "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
	CHECK_MEM(k, want, 32);
}

static void low_order(void)
{
	/* Points of order 1, 2, 4 and 8 and their non-canonical encodings. */
	static const char *const points[] = {
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0100000000000000000000000000000000000000000000000000000000000000",
		"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
		"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	};
	uint8_t k[32], p[32], out[32];

	test_unhex(k, "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		test_unhex(p, points[i]);
		CHECK(!curve25519(out, k, p));
	}
}

/* xorshift64*: reproducible inputs without a dependency. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static void fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		rng_state ^= rng_state >> 12;
		rng_state ^= rng_state << 25;
		rng_state ^= rng_state >> 27;
		p[i] = (uint8_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 56);
	}
}

/* Raw X25519 (unclamped scalar) by both, which must agree. */
static void agree(const struct wg_x25519_impl *x, const struct wg_x25519_impl *y,
		  const uint8_t k[32], const uint8_t u[32], uint8_t out[32])
{
	uint8_t other[32];

	x->x25519(out, k, u);
	y->x25519(other, k, u);
	CHECK_MEM(out, other, 32);
}

/*
 * u-coordinates from p to 2^255 - 1 are p + 0..18, and bit 255 is ignored:
 * each must give what its canonical value gives.  Scalars with every bit set
 * run the ladder's swaps on every step.
 */
static void edge_cases(const struct wg_x25519_impl *x, const struct wg_x25519_impl *y)
{
	uint8_t k[32], u[32], canon[32], out[32], want[32];
	static const uint8_t zero[32];

	for (int s = 0; s < 3; s++) {
		if (s == 0)
			memset(k, 0xff, 32);
		else
			fill(k, 32);
		for (int i = 0; i <= 18; i++) {
			memset(canon, 0, 32);
			canon[0] = (uint8_t)i;
			agree(x, y, k, canon, want);
			memset(u, 0xff, 32);
			u[0] = (uint8_t)(0xed + i);
			u[31] = 0x7f;
			agree(x, y, k, u, out);
			CHECK_MEM(out, want, 32);
			u[31] = 0xff;
			agree(x, y, k, u, out);
			CHECK_MEM(out, want, 32);
			if (i == 0)	/* p encodes 0, of order 2: the result is zero */
				CHECK_MEM(out, zero, 32);
		}
	}
	/* Random points: their results stand in for limbs near 2^256 too. */
	for (int i = 0; i < 3000; i++) {
		fill(k, 32);
		fill(u, 32);
		agree(x, y, k, u, out);
	}
}

int main(void)
{
	static const char *const names[] = { "bearssl", "openssl", "fe51", "fe64" };

	/* The fastest is the default where the CPU has it. */
	if (wg_x25519_fe64_get() && !getenv("WG_CRYPTO"))
		CHECK(!strcmp(wg_x25519()->name, "fe64"));

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!wg_crypto_select(names[i]))
			continue;
		vectors();
		low_order();
	}
	if (wg_x25519_fe64_get() && wg_x25519_fe51_get())
		edge_cases(wg_x25519_fe64_get(), wg_x25519_fe51_get());
	else
		printf("fe64 unavailable on this CPU: its edge cases not run\n");
	return test_done();
}
