/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A program using libwireguard.a beside a library with the same internal names. */
#include <stdio.h>
#include <string.h>
#include <wireguard.h>

int blake2s(void);
int curve25519(void);
int chacha20poly1305_encrypt(void);
int strbuf_add(void);

int main(void)
{
	/* RFC 7748 section 6.1: Alice's private and public key. */
	wg_key priv, pub, want;
	wg_key_b64_string b64;

	if (wg_key_from_hex(priv, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a") ||
	    wg_key_from_hex(want, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"))
		return 1;
	wg_generate_public_key(pub, priv);
	wg_key_to_base64(b64, pub);
	printf("public key %s\n", b64);
	if (memcmp(pub, want, sizeof(pub)) || blake2s() != 1 || curve25519() != 2 ||
	    chacha20poly1305_encrypt() != 3 || strbuf_add() != 4) {
		puts("0 passed, 1 failed");
		return 1;
	}
	puts("1 passed, 0 failed");
	return 0;
}
