// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The references every crypto figure is a ratio against: OpenSSL's EVP
 * ChaCha20-Poly1305, libsodium's AEAD and X25519, and BearSSL's, each called
 * directly, not through the library.
 */
#include <bearssl.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reference.h"

double bench_cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

double bench_rate(void (*fn)(void), double seconds)
{
	double start = bench_cpu_now(), t;
	long n = 0, batch = 1;

	do {
		for (long i = 0; i < batch; i++)
			fn();
		n += batch;
		batch *= 2;
		t = bench_cpu_now() - start;
	} while (t < seconds);
	return (double)n / t;
}

static uint8_t key[32] = { 1, 2, 3 }, buf[REF_PACKET + 16], nonce[12], tag[16];
static uint8_t scalar[32] = { 7 }, point[32] = { 9 }, out[32];
static EVP_CIPHER_CTX *evp;

static void next_nonce(void)
{
	for (int i = 4; i < 12 && !++nonce[i]; i++)
		;
}

static void openssl_seal_open(void)
{
	int l;

	next_nonce();
	EVP_EncryptInit_ex(evp, NULL, NULL, key, nonce);
	EVP_EncryptUpdate(evp, buf, &l, buf, REF_PACKET);
	EVP_EncryptFinal_ex(evp, buf + REF_PACKET, &l);
	EVP_CIPHER_CTX_ctrl(evp, EVP_CTRL_AEAD_GET_TAG, 16, tag);
	EVP_DecryptInit_ex(evp, NULL, NULL, key, nonce);
	EVP_CIPHER_CTX_ctrl(evp, EVP_CTRL_AEAD_SET_TAG, 16, tag);
	EVP_DecryptUpdate(evp, buf, &l, buf, REF_PACKET);
	if (EVP_DecryptFinal_ex(evp, buf + REF_PACKET, &l) <= 0)
		abort();
}

double ref_openssl_aead(double seconds)
{
	double r;

	evp = EVP_CIPHER_CTX_new();
	EVP_EncryptInit_ex(evp, EVP_chacha20_poly1305(), NULL, NULL, NULL);
	r = bench_rate(openssl_seal_open, seconds);
	EVP_CIPHER_CTX_free(evp);
	return r;
}

static void sodium_seal_open(void)
{
	unsigned long long l;

	next_nonce();
	crypto_aead_chacha20poly1305_ietf_encrypt(buf, &l, buf, REF_PACKET, NULL, 0, NULL, nonce, key);
	if (crypto_aead_chacha20poly1305_ietf_decrypt(buf, &l, NULL, buf, REF_PACKET + 16, NULL, 0, nonce, key))
		abort();
}

double ref_sodium_aead(double seconds)
{
	if (sodium_init() < 0)
		abort();
	return bench_rate(sodium_seal_open, seconds);
}

static br_chacha20_run br_chacha;
static br_poly1305_run br_poly;

static void bearssl_seal_open(void)
{
	uint8_t check[16];

	next_nonce();
	br_poly(key, nonce, buf, REF_PACKET, NULL, 0, tag, br_chacha, 1);
	br_poly(key, nonce, buf, REF_PACKET, NULL, 0, check, br_chacha, 0);
	if (memcmp(check, tag, 16))
		abort();
}

double ref_bearssl_aead(double seconds)
{
	br_chacha = br_chacha20_sse2_get();
	br_poly = br_poly1305_ctmulq_get();
	if (!br_chacha)
		br_chacha = br_chacha20_ct_run;
	if (!br_poly)
		br_poly = br_poly1305_ctmul_run;
	return bench_rate(bearssl_seal_open, seconds);
}

static void sodium_x25519(void)
{
	if (crypto_scalarmult(out, scalar, point))
		abort();
	point[0] ^= out[0] & 1;
}

double ref_sodium_x25519(double seconds)
{
	if (sodium_init() < 0)
		abort();
	point[31] = 0x40;
	return bench_rate(sodium_x25519, seconds);
}

static void bearssl_x25519(void)
{
	memcpy(out, point, 32);
	br_ec_c25519_m31.mul(out, 32, scalar, 32, BR_EC_curve25519);
	point[0] ^= out[0] & 1;
}

double ref_bearssl_x25519(double seconds)
{
	point[31] = 0x40;
	return bench_rate(bearssl_x25519, seconds);
}
