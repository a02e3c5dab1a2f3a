/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Names other libraries define too (libb2's blake2s, a Curve25519 library's
 * curve25519, ...), here with other meanings.  Linked together with the
 * installed libwireguard.a: neither may see the other's.
 */
int blake2s(void);
int curve25519(void);
int chacha20poly1305_encrypt(void);
int strbuf_add(void);

int blake2s(void) { return 1; }
int curve25519(void) { return 2; }
int chacha20poly1305_encrypt(void) { return 3; }
int strbuf_add(void) { return 4; }
