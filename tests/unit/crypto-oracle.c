// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Answers crypto questions on stdin, one per line, so that crosscheck.py can
 * compare the library against independent implementations (hashlib,
 * cryptography, libsodium, wg(8)).  Hex fields; "-" is empty.
 *   blake2s OUTLEN KEY MSG | hmac KEY MSG | kdf3 CK IN | aead KEY NONCE AD MSG
 *   xaead KEY NONCE24 AD MSG | x25519 SCALAR POINT | genkey
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blake2s.h"
#include "crypto.h"
#include "wireguard.h"

static size_t unhex(uint8_t *out, const char *hex)
{
	size_t n = strcmp(hex, "-") ? strlen(hex) / 2 : 0;

	for (size_t i = 0; i < n; i++)
		sscanf(hex + 2 * i, "%2hhx", &out[i]);
	return n;
}

static void puthex(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
	if (!n)
		putchar('-');
}

int main(int argc, char **argv)
{
	static char line[65536], a[4][16384];
	static uint8_t k[8192], m[8192], ad[8192], out[8192 + 16], t2[32], t3[32];

	if (argc > 1 && !wg_crypto_select(argv[1])) {
		fprintf(stderr, "provider %s unavailable\n", argv[1]);
		return 77;
	}
	while (fgets(line, sizeof(line), stdin)) {
		char op[16];
		int n = sscanf(line, "%15s %16383s %16383s %16383s %16383s", op, a[0], a[1], a[2], a[3]);

		if (n >= 4 && !strcmp(op, "blake2s")) {
			size_t kl = unhex(k, a[1]), ml = unhex(m, a[2]);
			size_t outlen = (size_t)atoi(a[0]);
			blake2s(out, outlen, m, ml, k, kl);
			puthex(out, outlen);
		} else if (n >= 3 && !strcmp(op, "hmac")) {
			size_t kl = unhex(k, a[0]), ml = unhex(m, a[1]);
			blake2s_hmac(out, m, ml, k, kl);
			puthex(out, 32);
		} else if (n >= 3 && !strcmp(op, "kdf3")) {
			unhex(k, a[0]);
			size_t ml = unhex(m, a[1]);
			wg_kdf(out, t2, t3, k, m, ml);
			puthex(out, 32);
			putchar(' ');
			puthex(t2, 32);
			putchar(' ');
			puthex(t3, 32);
		} else if (n >= 5 && !strcmp(op, "aead")) {
			unhex(k, a[0]);
			size_t al = unhex(ad, a[2]), ml = unhex(m, a[3]);
			chacha20poly1305_encrypt(out, m, ml, ad, al, strtoull(a[1], NULL, 10), k);
			puthex(out, ml + 16);
			/* And back: the round trip must give the message again. */
			if (!chacha20poly1305_decrypt(out, out, ml + 16, ad, al, strtoull(a[1], NULL, 10), k) ||
			    memcmp(out, m, ml))
				printf(" roundtrip-failed");
		} else if (n >= 5 && !strcmp(op, "xaead")) {
			uint8_t nonce[24];
			unhex(k, a[0]);
			unhex(nonce, a[1]);
			size_t al = unhex(ad, a[2]), ml = unhex(m, a[3]);
			xchacha20poly1305_encrypt(out, m, ml, ad, al, nonce, k);
			puthex(out, ml + 16);
		} else if (n >= 3 && !strcmp(op, "x25519")) {
			unhex(k, a[0]);
			unhex(m, a[1]);
			if (curve25519(out, k, m))
				puthex(out, 32);
			else
				printf("fail");
		} else if (n >= 1 && !strcmp(op, "genkey")) {
			wg_key priv, pub;
			wg_key_b64_string s;
			wg_generate_private_key(priv);
			wg_generate_public_key(pub, priv);
			wg_key_to_base64(s, priv);
			printf("%s ", s);
			wg_key_to_base64(s, pub);
			printf("%s", s);
		} else {
			printf("error");
		}
		putchar('\n');
	}
	return 0;
}
