// SPDX-License-Identifier: LGPL-2.1-or-later
/* BLAKE2s against RFC 7693 and WireGuard's published constants; the long
 * sequences are cross-checked against Python's hashlib by crosscheck.py. */
#include "blake2s.h"
#include "test.h"

/* RFC 7693 Appendix E: a grand hash over many lengths and keys. */
static void selftest_seq(uint8_t *out, size_t len, uint32_t seed)
{
	uint32_t a = 0xDEAD4BAD * seed, b = 1, t;

	for (size_t i = 0; i < len; i++) {
		t = a + b;
		a = b;
		b = t;
		out[i] = (t >> 24) & 0xFF;
	}
}

static void rfc7693_selftest(void)
{
	static const size_t md_len[4] = { 16, 20, 28, 32 };
	static const size_t in_len[6] = { 0, 3, 64, 65, 255, 1024 };
	uint8_t in[1024], md[32], key[32], result[32], want[32];
	struct blake2s_state ctx;

	blake2s_init(&ctx, 32, NULL, 0);
	for (int i = 0; i < 4; i++) {
		size_t outlen = md_len[i];

		for (int j = 0; j < 6; j++) {
			size_t inlen = in_len[j];

			selftest_seq(in, inlen, (uint32_t)inlen);
			blake2s(md, outlen, in, inlen, NULL, 0);
			blake2s_update(&ctx, md, outlen);
			selftest_seq(key, outlen, (uint32_t)outlen);
			blake2s(md, outlen, in, inlen, key, outlen);
			blake2s_update(&ctx, md, outlen);
		}
	}
	blake2s_final(&ctx, result);
	test_unhex(want, "6a411f08ce25adcdfb02aba641451cec53c598b24f4fc787fbdc88797f4c1dfe");
	CHECK_MEM(result, want, 32);
}

/* Feeding the same input in pieces of every size gives the one-shot hash. */
static void incremental(void)
{
	uint8_t in[300], whole[32], parts[32];

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)i;
	blake2s(whole, 32, in, sizeof(in), NULL, 0);
	for (size_t step = 1; step <= 130; step++) {
		struct blake2s_state s;

		blake2s_init(&s, 32, NULL, 0);
		for (size_t off = 0; off < sizeof(in); off += step)
			blake2s_update(&s, in + off, off + step > sizeof(in) ? sizeof(in) - off : step);
		blake2s_final(&s, parts);
		CHECK_MEM(parts, whole, 32);
	}
}

int main(void)
{
	uint8_t out[32], want[32], ck[32];

	blake2s(out, 32, "abc", 3, NULL, 0);
	test_unhex(want, "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
	CHECK_MEM(out, want, 32);

	rfc7693_selftest();
	incremental();

	/* DESIGN.md §3: WireGuard's initial chaining key and hash. */
	static const char construction[] = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
	static const char identifier[] = "WireGuard v1 zx2c4 Jason@zx2c4.com";
	struct blake2s_state s;

	blake2s(ck, 32, construction, strlen(construction), NULL, 0);
	test_unhex(want, "60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36");
	CHECK_MEM(ck, want, 32);
	blake2s_init(&s, 32, NULL, 0);
	blake2s_update(&s, ck, 32);
	blake2s_update(&s, identifier, strlen(identifier));
	blake2s_final(&s, out);
	test_unhex(want, "2211b361081ac566691243db458ad5322d9c6c662293e8b70ee19c65ba079ef3");
	CHECK_MEM(out, want, 32);

	return test_done();
}
