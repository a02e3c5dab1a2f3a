// SPDX-License-Identifier: LGPL-2.1-or-later
/* ChaCha20-Poly1305 (RFC 8439 §2.8.2), HChaCha20 and XChaCha20-Poly1305
 * (draft-irtf-cfrg-xchacha §2.2.1, A.3.1), for every provider. */
#include "crypto.h"
#include "test.h"

static const char sunscreen[] = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
				"for the future, sunscreen would be it.";

static void rfc8439(const struct wg_aead_impl *p)
{
	uint8_t key[32], nonce[12], aad[12], buf[256], tag[16], want[256], want_tag[16];
	size_t len = strlen(sunscreen);

	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)(0x80 + i);
	test_unhex(nonce, "070000004041424344454647");
	test_unhex(aad, "50515253c0c1c2c3c4c5c6c7");
	test_unhex(want, "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92"
			 "728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b"
			 "4831d7bc3ff4def08e4b7a9de576d26586cec64b6116");
	test_unhex(want_tag, "1ae10b594f09e26a7e902ecbd0600691");

	memcpy(buf, sunscreen, len);
	p->encrypt(buf, len, tag, aad, sizeof(aad), nonce, key);
	CHECK_MEM(buf, want, len);
	CHECK_MEM(tag, want_tag, 16);

	CHECK(p->decrypt(buf, len, tag, aad, sizeof(aad), nonce, key));
	CHECK_MEM(buf, sunscreen, len);

	/* Any flipped bit of ciphertext, tag or AAD is rejected, and the
	 * buffer is wiped rather than left holding keystream. */
	static const uint8_t zero[256];
	memcpy(buf, want, len);
	buf[7] ^= 1;
	CHECK(!p->decrypt(buf, len, tag, aad, sizeof(aad), nonce, key));
	CHECK_MEM(buf, zero, len);
	memcpy(buf, want, len);
	tag[15] ^= 0x80;
	CHECK(!p->decrypt(buf, len, tag, aad, sizeof(aad), nonce, key));
	tag[15] ^= 0x80;
	memcpy(buf, want, len);
	aad[0] ^= 1;
	CHECK(!p->decrypt(buf, len, tag, aad, sizeof(aad), nonce, key));
	aad[0] ^= 1;
	memcpy(buf, want, len);
	CHECK(p->decrypt(buf, len, tag, aad, sizeof(aad), nonce, key));
}

/* Alternating keys on one thread: a provider that keeps a key schedule
 * between calls must notice a key that differs only in its last byte. */
static void key_changes(const struct wg_aead_impl *p)
{
	uint8_t k1[32], k2[32], nonce[12] = { 0 }, c[3][100], tag[3][16], m[100];

	for (int i = 0; i < 32; i++)
		k1[i] = k2[i] = (uint8_t)(7 * i);
	k2[31] ^= 1;
	for (int i = 0; i < 100; i++)
		m[i] = (uint8_t)i;
	for (int i = 0; i < 3; i++) {
		memcpy(c[i], m, sizeof(m));
		p->encrypt(c[i], sizeof(m), tag[i], NULL, 0, nonce, i == 1 ? k2 : k1);
	}
	CHECK(memcmp(c[0], c[1], sizeof(m)) != 0 && memcmp(tag[0], tag[1], 16) != 0);
	CHECK_MEM(c[2], c[0], sizeof(m));
	CHECK_MEM(tag[2], tag[0], 16);
	CHECK(!p->decrypt(c[1], sizeof(m), tag[1], NULL, 0, nonce, k1));
	memcpy(c[1], c[2], sizeof(m));
	CHECK(!p->decrypt(c[1], sizeof(m), tag[2], NULL, 0, nonce, k2));
	CHECK(p->decrypt(c[2], sizeof(m), tag[2], NULL, 0, nonce, k1));
	CHECK_MEM(c[2], m, sizeof(m));
	/* ...and encryption after a decryption under the same key. */
	memcpy(c[1], m, sizeof(m));
	p->encrypt(c[1], sizeof(m), tag[1], NULL, 0, nonce, k1);
	CHECK_MEM(c[1], c[0], sizeof(m));
	CHECK_MEM(tag[1], tag[0], 16);
}

static void counter_nonces(void)
{
	uint8_t key[32] = { 1 }, buf[64 + 16], out[64];

	/* The counter goes little-endian after four zero bytes; a message sealed
	 * under one counter does not open under another. */
	memset(buf, 0xab, 64);
	chacha20poly1305_encrypt(buf, buf, 64, NULL, 0, 0x0102030405060708ULL, key);
	CHECK(!chacha20poly1305_decrypt(out, buf, sizeof(buf), NULL, 0, 0x0102030405060709ULL, key));
	CHECK(chacha20poly1305_decrypt(out, buf, sizeof(buf), NULL, 0, 0x0102030405060708ULL, key));
	CHECK(out[0] == 0xab && out[63] == 0xab);
	CHECK(!chacha20poly1305_decrypt(out, buf, 15, NULL, 0, 0, key));
	/* An empty message (a keepalive) is just a tag. */
	uint8_t ka[16];
	chacha20poly1305_encrypt(ka, NULL, 0, NULL, 0, 7, key);
	CHECK(chacha20poly1305_decrypt(out, ka, 16, NULL, 0, 7, key));
}

static void xchacha(void)
{
	uint8_t key[32], nonce[24], aad[12], buf[256], want[256 + 16], sub[32];
	size_t len = strlen(sunscreen);

	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	test_unhex(nonce, "000000090000004a0000000031415927");
	hchacha20(sub, nonce, key);
	test_unhex(want, "82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc");
	CHECK_MEM(sub, want, 32);

	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)(0x80 + i);
	for (int i = 0; i < 24; i++)
		nonce[i] = (uint8_t)(0x40 + i);
	test_unhex(aad, "50515253c0c1c2c3c4c5c6c7");
	test_unhex(want, "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda"
			 "7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b238"
			 "3565d3fff921f9664c97637da9768812f615c68b13b52e"
			 "c0875924c1c7987947deafd8780acf49");
	xchacha20poly1305_encrypt(buf, (const uint8_t *)sunscreen, len, aad, sizeof(aad), nonce, key);
	CHECK_MEM(buf, want, len + 16);
	uint8_t plain[256];
	CHECK(xchacha20poly1305_decrypt(plain, buf, len + 16, aad, sizeof(aad), nonce, key));
	CHECK_MEM(plain, sunscreen, len);
	buf[len + 3] ^= 4;
	CHECK(!xchacha20poly1305_decrypt(plain, buf, len + 16, aad, sizeof(aad), nonce, key));
}

int main(void)
{
	static const char *const names[] = { "bearssl", "openssl", "fe51", "fe64" };
	int tested = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!wg_crypto_select(names[i]))
			continue;
		tested++;
		rfc8439(wg_aead());
		key_changes(wg_aead());
		counter_nonces();
		xchacha();
	}
	CHECK(tested >= 1);
	return test_done();
}
