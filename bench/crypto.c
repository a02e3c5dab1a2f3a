// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Crypto speed of each of our providers beside OpenSSL's EVP and libsodium,
 * measured in the same run: ChaCha20-Poly1305 seal+open of 1420-byte packets
 * (one WireGuard MTU) and X25519 operations per second, one core.
 */
#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crypto.h"

#define PACKET 1420

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Run fn repeatedly for about `seconds`; return calls per second. */
static double rate(void (*fn)(void), double seconds)
{
	double start = now(), t;
	long n = 0, batch = 1;

	do {
		for (long i = 0; i < batch; i++)
			fn();
		n += batch;
		batch *= 2;
		t = now() - start;
	} while (t < seconds);
	return (double)n / t;
}

static uint8_t key[32] = { 1, 2, 3 }, buf[PACKET + 16], scalar[32] = { 7 }, point[32] = { 9 }, out[32];
static uint64_t counter;
static EVP_CIPHER_CTX *evp;

static void our_seal_open(void)
{
	chacha20poly1305_encrypt(buf, buf, PACKET, NULL, 0, ++counter, key);
	if (!chacha20poly1305_decrypt(buf, buf, PACKET + 16, NULL, 0, counter, key))
		abort();
}

static void evp_seal_open(void)
{
	uint8_t nonce[12] = { 0 }, tag[16];
	int l;

	memcpy(nonce + 4, &(uint64_t){ ++counter }, 8);
	EVP_EncryptInit_ex(evp, NULL, NULL, key, nonce);
	EVP_EncryptUpdate(evp, buf, &l, buf, PACKET);
	EVP_EncryptFinal_ex(evp, buf + PACKET, &l);
	EVP_CIPHER_CTX_ctrl(evp, EVP_CTRL_AEAD_GET_TAG, 16, tag);
	EVP_DecryptInit_ex(evp, NULL, NULL, key, nonce);
	EVP_CIPHER_CTX_ctrl(evp, EVP_CTRL_AEAD_SET_TAG, 16, tag);
	EVP_DecryptUpdate(evp, buf, &l, buf, PACKET);
	if (EVP_DecryptFinal_ex(evp, buf + PACKET, &l) <= 0)
		abort();
}

static void sodium_seal_open(void)
{
	uint8_t nonce[12] = { 0 };
	unsigned long long l;

	memcpy(nonce + 4, &(uint64_t){ ++counter }, 8);
	crypto_aead_chacha20poly1305_ietf_encrypt(buf, &l, buf, PACKET, NULL, 0, NULL, nonce, key);
	if (crypto_aead_chacha20poly1305_ietf_decrypt(buf, &l, NULL, buf, PACKET + 16, NULL, 0, nonce, key))
		abort();
}

static void our_x25519(void)
{
	curve25519(out, scalar, point);
	point[0] ^= out[0] & 1;
}

static void sodium_x25519(void)
{
	if (crypto_scalarmult(out, scalar, point))
		abort();
	point[0] ^= out[0] & 1;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 1.0;
	static const char *const aeads[] = { "bearssl", "openssl" }, *const dhs[] = { "bearssl", "fe51" };
	double evp_rate, sodium_aead, sodium_dh;

	if (sodium_init() < 0)
		return 1;
	evp = EVP_CIPHER_CTX_new();
	EVP_EncryptInit_ex(evp, EVP_chacha20_poly1305(), NULL, NULL, NULL);
	point[31] = 0x40;

	evp_rate = rate(evp_seal_open, seconds);
	sodium_aead = rate(sodium_seal_open, seconds);
	sodium_dh = rate(sodium_x25519, seconds);

	printf("ChaCha20-Poly1305 seal+open, %d-byte packets, one core\n", PACKET);
	printf("%-28s %12s %14s %10s\n", "implementation", "packets/s", "Gbit/s", "vs OpenSSL");
	printf("%-28s %12.0f %14.2f %10.2fx\n", "OpenSSL EVP (reference)", evp_rate, evp_rate * PACKET * 8 / 1e9, 1.0);
	printf("%-28s %12.0f %14.2f %10.2fx\n", "libsodium", sodium_aead, sodium_aead * PACKET * 8 / 1e9,
	       sodium_aead / evp_rate);
	for (size_t i = 0; i < sizeof(aeads) / sizeof(aeads[0]); i++) {
		if (!wg_crypto_select(aeads[i]))
			continue;
		double r = rate(our_seal_open, seconds);
		char name[64];

		snprintf(name, sizeof(name), "libwireguard/%s", aeads[i]);
		printf("%-28s %12.0f %14.2f %10.2fx\n", name, r, r * PACKET * 8 / 1e9, r / evp_rate);
	}

	printf("\nX25519, one core\n");
	printf("%-28s %12s %14s %10s\n", "implementation", "ops/s", "", "vs sodium");
	printf("%-28s %12.0f %14s %10.2fx\n", "libsodium (reference)", sodium_dh, "", 1.0);
	for (size_t i = 0; i < sizeof(dhs) / sizeof(dhs[0]); i++) {
		if (!wg_crypto_select(dhs[i]))
			continue;
		double r = rate(our_x25519, seconds);
		char name[64];

		snprintf(name, sizeof(name), "libwireguard/%s", dhs[i]);
		printf("%-28s %12.0f %14s %10.2fx\n", name, r, "", r / sodium_dh);
	}
	EVP_CIPHER_CTX_free(evp);
	return 0;
}
