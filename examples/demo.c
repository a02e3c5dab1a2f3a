// SPDX-License-Identifier: CC0-1.0
/*
 * The main demo: make keys for two peers and print the wg(8) configuration
 * each side needs.  Needs no root and no kernel module.
 */
#include <stdio.h>
#include <wireguard.h>

int main(void)
{
	wg_key priv[2], pub[2], psk;
	wg_key_b64_string s;
	const char *names[2] = { "alice", "bob" };
	const char *tunnel_ip[2] = { "10.0.0.1", "10.0.0.2" };

	printf("libwireguard %s demo: two peers and their configurations\n\n", wg_version());
	wg_generate_preshared_key(psk);
	for (int i = 0; i < 2; i++) {
		wg_generate_private_key(priv[i]);
		wg_generate_public_key(pub[i], priv[i]);
		wg_key_to_base64(s, pub[i]);
		printf("%-5s public key %s\n", names[i], s);
	}
	for (int i = 0; i < 2; i++) {
		int other = !i;

		printf("\n# /etc/wireguard/wg0.conf on %s\n[Interface]\n", names[i]);
		wg_key_to_base64(s, priv[i]);
		printf("PrivateKey = %s\nListenPort = %d\nAddress = %s/24\n\n[Peer]\n", s, 51820 + i, tunnel_ip[i]);
		wg_key_to_base64(s, pub[other]);
		printf("PublicKey = %s\n", s);
		wg_key_to_base64(s, psk);
		printf("PresharedKey = %s\nAllowedIPs = %s/32\nEndpoint = 192.0.2.%d:%d\n", s, tunnel_ip[other],
		       other + 1, 51820 + other);
	}
	return 0;
}
