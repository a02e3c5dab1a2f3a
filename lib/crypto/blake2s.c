// SPDX-License-Identifier: LGPL-2.1-or-later
/* BLAKE2s as specified by RFC 7693, written for clarity; HMAC and HKDF on top. */
#include "blake2s.h"
#include "util.h"

static const uint32_t blake2s_iv[8] = {
	0x6A09E667UL, 0xBB67AE85UL, 0x3C6EF372UL, 0xA54FF53AUL,
	0x510E527FUL, 0x9B05688CUL, 0x1F83D9ABUL, 0x5BE0CD19UL,
};

static const uint8_t blake2s_sigma[10][16] = {
	{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
	{ 14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3 },
	{ 11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4 },
	{ 7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8 },
	{ 9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13 },
	{ 2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9 },
	{ 12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11 },
	{ 13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10 },
	{ 6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5 },
	{ 10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0 },
};

static inline uint32_t ror32(uint32_t w, unsigned int c)
{
	return (w >> c) | (w << (32 - c));
}

static void compress(struct blake2s_state *s, const uint8_t *block, size_t nblocks, uint32_t inc)
{
	uint32_t m[16], v[16];

	while (nblocks--) {
		/* The counter counts bytes, carried across two words. */
		s->t[0] += inc;
		s->t[1] += s->t[0] < inc;
		for (int i = 0; i < 16; i++)
			m[i] = wg_le32(block + i * 4);
		memcpy(v, s->h, 32);
		memcpy(v + 8, blake2s_iv, 32);
		v[12] ^= s->t[0];
		v[13] ^= s->t[1];
		v[14] ^= s->f[0];
		v[15] ^= s->f[1];

#define G(r, i, a, b, c, d) do { \
		a += b + m[blake2s_sigma[r][2 * i]]; d = ror32(d ^ a, 16); \
		c += d; b = ror32(b ^ c, 12); \
		a += b + m[blake2s_sigma[r][2 * i + 1]]; d = ror32(d ^ a, 8); \
		c += d; b = ror32(b ^ c, 7); \
	} while (0)
		for (int r = 0; r < 10; r++) {
			G(r, 0, v[0], v[4], v[8], v[12]);
			G(r, 1, v[1], v[5], v[9], v[13]);
			G(r, 2, v[2], v[6], v[10], v[14]);
			G(r, 3, v[3], v[7], v[11], v[15]);
			G(r, 4, v[0], v[5], v[10], v[15]);
			G(r, 5, v[1], v[6], v[11], v[12]);
			G(r, 6, v[2], v[7], v[8], v[13]);
			G(r, 7, v[3], v[4], v[9], v[14]);
		}
#undef G
		for (int i = 0; i < 8; i++)
			s->h[i] ^= v[i] ^ v[i + 8];
		block += BLAKE2S_BLOCK_SIZE;
	}
	wg_memzero(m, sizeof(m));
	wg_memzero(v, sizeof(v));
}

void blake2s_init(struct blake2s_state *s, size_t outlen, const void *key, size_t keylen)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->h, blake2s_iv, sizeof(s->h));
	/* Parameter block: digest length, key length, fanout 1, depth 1. */
	s->h[0] ^= 0x01010000U ^ (uint32_t)(keylen << 8) ^ (uint32_t)outlen;
	s->outlen = outlen;
	if (keylen) {
		/* The key is absorbed as a whole zero-padded first block. */
		memcpy(s->buf, key, keylen);
		s->buflen = BLAKE2S_BLOCK_SIZE;
	}
}

void blake2s_update(struct blake2s_state *s, const void *in_, size_t inlen)
{
	const uint8_t *in = in_;
	size_t fill = BLAKE2S_BLOCK_SIZE - s->buflen;

	if (!inlen)
		return;
	/* The last block is compressed in final with the finalization flag,
	 * so a full buffer is only compressed once more input arrives. */
	if (inlen > fill) {
		memcpy(s->buf + s->buflen, in, fill);
		compress(s, s->buf, 1, BLAKE2S_BLOCK_SIZE);
		s->buflen = 0;
		in += fill;
		inlen -= fill;
		if (inlen > BLAKE2S_BLOCK_SIZE) {
			size_t nblocks = (inlen - 1) / BLAKE2S_BLOCK_SIZE;

			compress(s, in, nblocks, BLAKE2S_BLOCK_SIZE);
			in += nblocks * BLAKE2S_BLOCK_SIZE;
			inlen -= nblocks * BLAKE2S_BLOCK_SIZE;
		}
	}
	memcpy(s->buf + s->buflen, in, inlen);
	s->buflen += inlen;
}

void blake2s_final(struct blake2s_state *s, uint8_t *out)
{
	uint8_t full[BLAKE2S_HASH_SIZE];

	s->f[0] = 0xffffffffU;
	memset(s->buf + s->buflen, 0, BLAKE2S_BLOCK_SIZE - s->buflen);
	compress(s, s->buf, 1, (uint32_t)s->buflen);
	for (int i = 0; i < 8; i++)
		wg_put_le32(full + i * 4, s->h[i]);
	memcpy(out, full, s->outlen);
	wg_memzero(full, sizeof(full));
	wg_memzero(s, sizeof(*s));
}

void blake2s(uint8_t *out, size_t outlen, const void *in, size_t inlen, const void *key, size_t keylen)
{
	struct blake2s_state s;

	blake2s_init(&s, outlen, key, keylen);
	blake2s_update(&s, in, inlen);
	blake2s_final(&s, out);
}

void blake2s_hmac(uint8_t out[BLAKE2S_HASH_SIZE], const void *in, size_t inlen, const void *key, size_t keylen)
{
	struct blake2s_state s;
	uint8_t k[BLAKE2S_BLOCK_SIZE] = { 0 };
	uint8_t inner[BLAKE2S_HASH_SIZE];

	if (keylen > BLAKE2S_BLOCK_SIZE)
		blake2s(k, BLAKE2S_HASH_SIZE, key, keylen, NULL, 0);
	else
		memcpy(k, key, keylen);

	for (int i = 0; i < BLAKE2S_BLOCK_SIZE; i++)
		k[i] ^= 0x36;
	blake2s_init(&s, BLAKE2S_HASH_SIZE, NULL, 0);
	blake2s_update(&s, k, BLAKE2S_BLOCK_SIZE);
	blake2s_update(&s, in, inlen);
	blake2s_final(&s, inner);

	for (int i = 0; i < BLAKE2S_BLOCK_SIZE; i++)
		k[i] ^= 0x36 ^ 0x5c;
	blake2s_init(&s, BLAKE2S_HASH_SIZE, NULL, 0);
	blake2s_update(&s, k, BLAKE2S_BLOCK_SIZE);
	blake2s_update(&s, inner, BLAKE2S_HASH_SIZE);
	blake2s_final(&s, out);

	wg_memzero(k, sizeof(k));
	wg_memzero(inner, sizeof(inner));
}

void wg_kdf(uint8_t t1[32], uint8_t t2[32], uint8_t t3[32], const uint8_t ck[32], const void *in, size_t inlen)
{
	uint8_t prk[32], t[33];

	/* HKDF-Extract, then Expand with T(i) = HMAC(prk, T(i-1) || i). */
	blake2s_hmac(prk, in, inlen, ck, 32);

	t[0] = 1;
	blake2s_hmac(t, t, 1, prk, 32);
	memcpy(t1, t, 32);
	if (t2) {
		t[32] = 2;
		blake2s_hmac(t, t, 33, prk, 32);
		memcpy(t2, t, 32);
	}
	if (t3) {
		t[32] = 3;
		blake2s_hmac(t, t, 33, prk, 32);
		memcpy(t3, t, 32);
	}
	wg_memzero(prk, sizeof(prk));
	wg_memzero(t, sizeof(t));
}
