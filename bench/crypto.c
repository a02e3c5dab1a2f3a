// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Crypto speed of each of our implementations beside OpenSSL's EVP, libsodium
 * and BearSSL called directly, measured in the same run: ChaCha20-Poly1305
 * seal+open of 1420-byte packets (one WireGuard MTU) and X25519 operations
 * per second, one core.
 */
#include <stdio.h>
#include <stdlib.h>

#include "crypto.h"
#include "reference.h"

static uint8_t key[32] = { 1, 2, 3 }, buf[REF_PACKET + 16], scalar[32] = { 7 }, point[32] = { 9 }, out[32];
static uint64_t counter;

static void our_seal_open(void)
{
	chacha20poly1305_encrypt(buf, buf, REF_PACKET, NULL, 0, ++counter, key);
	if (!chacha20poly1305_decrypt(buf, buf, REF_PACKET + 16, NULL, 0, counter, key))
		abort();
}

static void our_x25519(void)
{
	curve25519(out, scalar, point);
	point[0] ^= out[0] & 1;
}

static void row(const char *name, double rate, double reference, double bytes)
{
	if (bytes)
		printf("%-28s %12.0f %10.2f %10.2fx\n", name, rate, rate * bytes * 8 / 1e9, rate / reference);
	else
		printf("%-28s %12.0f %10s %10.2fx\n", name, rate, "", rate / reference);
}

int main(int argc, char **argv)
{
	static const char *const aeads[] = { "bearssl", "openssl" }, *const dhs[] = { "bearssl", "fe51", "fe64" };
	double seconds = argc > 1 ? atof(argv[1]) : 1.0;
	double openssl = ref_openssl_aead(seconds), sodium = ref_sodium_x25519(seconds);
	char name[64];

	point[31] = 0x40;
	printf("ChaCha20-Poly1305 seal+open, %d-byte packets, one core (CPU time)\n", REF_PACKET);
	printf("%-28s %12s %10s %11s\n", "implementation", "packets/s", "Gbit/s", "vs OpenSSL");
	row("OpenSSL EVP (reference)", openssl, openssl, REF_PACKET);
	row("libsodium", ref_sodium_aead(seconds), openssl, REF_PACKET);
	row("BearSSL", ref_bearssl_aead(seconds), openssl, REF_PACKET);
	for (size_t i = 0; i < sizeof(aeads) / sizeof(aeads[0]); i++) {
		if (!wg_crypto_select(aeads[i]))
			continue;
		snprintf(name, sizeof(name), "libwireguard/%s", aeads[i]);
		row(name, bench_rate(our_seal_open, seconds), openssl, REF_PACKET);
	}

	printf("\nX25519, one core (CPU time)\n");
	printf("%-28s %12s %10s %11s\n", "implementation", "ops/s", "", "vs sodium");
	row("libsodium (reference)", sodium, sodium, 0);
	row("BearSSL", ref_bearssl_x25519(seconds), sodium, 0);
	for (size_t i = 0; i < sizeof(dhs) / sizeof(dhs[0]); i++) {
		if (!wg_crypto_select(dhs[i]))
			continue;
		snprintf(name, sizeof(name), "libwireguard/%s", dhs[i]);
		row(name, bench_rate(our_x25519, seconds), sodium, 0);
	}
	return 0;
}
