// SPDX-License-Identifier: LGPL-2.1-or-later
/* Print what wg_get_device() reads from a device, in a fixed order, without
 * its name: two devices configured alike must print the same text. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include <wireguard.h>

static void print_key(const char *label, const wg_key key)
{
	wg_key_b64_string b64;

	wg_key_to_base64(b64, key);
	printf("%s %s\n", label, b64);
}

static void print_endpoint(const wg_endpoint *ep)
{
	char addr[INET6_ADDRSTRLEN] = "";

	if (ep->addr.sa_family == AF_INET) {
		inet_ntop(AF_INET, &ep->addr4.sin_addr, addr, sizeof(addr));
		printf("  endpoint %s:%u\n", addr, ntohs(ep->addr4.sin_port));
	} else if (ep->addr.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &ep->addr6.sin6_addr, addr, sizeof(addr));
		printf("  endpoint [%s]:%u\n", addr, ntohs(ep->addr6.sin6_port));
	} else {
		printf("  endpoint none\n");
	}
}

int main(int argc, char *argv[])
{
	wg_device *dev;
	wg_peer *peer;
	wg_allowedip *aip;
	char addr[INET6_ADDRSTRLEN];

	if (argc != 2) {
		fprintf(stderr, "usage: read-device INTERFACE\n");
		return 2;
	}
	if (wg_get_device(&dev, argv[1]) < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], wg_last_error());
		return 1;
	}
	printf("flags 0x%x\n", dev->flags);
	if (dev->flags & WGDEVICE_HAS_PRIVATE_KEY)
		print_key("private_key", dev->private_key);
	if (dev->flags & WGDEVICE_HAS_PUBLIC_KEY)
		print_key("public_key", dev->public_key);
	printf("listen_port %u\nfwmark %u\n", dev->listen_port, dev->fwmark);
	wg_for_each_peer(dev, peer) {
		printf("peer flags 0x%x\n", peer->flags);
		print_key("  public_key", peer->public_key);
		if (peer->flags & WGPEER_HAS_PRESHARED_KEY)
			print_key("  preshared_key", peer->preshared_key);
		print_endpoint(&peer->endpoint);
		printf("  keepalive %u\n  rx %llu tx %llu\n  handshake %lld\n",
		       peer->persistent_keepalive_interval, (unsigned long long)peer->rx_bytes,
		       (unsigned long long)peer->tx_bytes, (long long)peer->last_handshake_time.tv_sec);
		wg_for_each_allowedip(peer, aip) {
			inet_ntop(aip->family, &aip->ip6, addr, sizeof(addr));
			printf("  allowed %s/%u\n", addr, aip->cidr);
		}
	}
	wg_free_device(dev);
	return 0;
}
