// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A caller written for wireguard-tools' contrib/embeddable-wg-library, built
 * against our public header alone (no internal headers, no test harness):
 * every declaration of that library's wireguard.h is used the way its
 * test.c uses them.  Devices, peers and allowed IPs are built on the stack
 * and linked by hand; struct timespec64 is embeddable's name for the time
 * type; device names are walked with wg_for_each_device_name.  Runs inside
 * the VM, since it creates a kernel device.  tools/check-embeddable.sh
 * compiles wireguard-tools' own test.c the same way.
 */
#include "wireguard.h"
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define EXPECT(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond); \
		failures++; \
	} \
} while (0)

/* What a monitoring tool does: walk every device, its peers, their prefixes. */
static int list_devices(const char *wanted, wg_device **copy)
{
	char *device_names, *device_name;
	size_t len;
	int found = 0;

	device_names = wg_list_device_names();
	if (!device_names) {
		perror("Unable to get device names");
		exit(1);
	}
	wg_for_each_device_name(device_names, device_name, len) {
		wg_device *device;
		wg_peer *peer;
		wg_allowedip *allowedip;
		wg_key_b64_string key;

		EXPECT(len == strlen(device_name));
		if (wg_get_device(&device, device_name) < 0) {
			perror("Unable to get device");
			continue;
		}
		if (device->flags & WGDEVICE_HAS_PUBLIC_KEY) {
			wg_key_to_base64(key, device->public_key);
			printf("%s (ifindex %u, port %u, fwmark %u) has public key %s\n", device_name,
			       device->ifindex, device->listen_port, device->fwmark, key);
		} else {
			printf("%s has no public key\n", device_name);
		}
		wg_for_each_peer(device, peer) {
			struct timespec64 last = peer->last_handshake_time;

			wg_key_to_base64(key, peer->public_key);
			printf(" - peer %s, handshake %lld.%09lld, rx %llu, tx %llu, keepalive %u\n", key,
			       (long long)last.tv_sec, (long long)last.tv_nsec, (unsigned long long)peer->rx_bytes,
			       (unsigned long long)peer->tx_bytes, peer->persistent_keepalive_interval);
			wg_for_each_allowedip(peer, allowedip) {
				char ip[INET6_ADDRSTRLEN];

				inet_ntop(allowedip->family,
					  allowedip->family == AF_INET ? (void *)&allowedip->ip4 : (void *)&allowedip->ip6,
					  ip, sizeof(ip));
				printf("   allowed ip %s/%u\n", ip, allowedip->cidr);
			}
		}
		if (!strcmp(device_name, wanted)) {
			found++;
			*copy = device;
		} else {
			wg_free_device(device);
		}
	}
	free(device_names);
	return found;
}

int main(void)
{
	wg_allowedip new_allowedip = {
		.family = AF_INET,
		.cidr = 24,
	};
	wg_peer new_peer = {
		.flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_REPLACE_ALLOWEDIPS | WGPEER_HAS_PRESHARED_KEY |
			 WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL,
		.persistent_keepalive_interval = 25,
		.first_allowedip = &new_allowedip,
		.last_allowedip = &new_allowedip,
	};
	wg_device new_device = {
		.name = "wgemb0",
		.listen_port = 1234,
		.fwmark = 7,
		.flags = WGDEVICE_HAS_PRIVATE_KEY | WGDEVICE_HAS_LISTEN_PORT | WGDEVICE_HAS_FWMARK,
		.first_peer = &new_peer,
		.last_peer = &new_peer,
	};
	wg_peer gone = { .flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_REMOVE_ME };
	wg_device removal = { .name = "wgemb0", .first_peer = &gone, .last_peer = &gone };
	enum wg_peer_flags peer_flags = WGPEER_HAS_PUBLIC_KEY;
	enum wg_device_flags device_flags = WGDEVICE_REPLACE_PEERS;
	wg_key temp_private_key, decoded;
	wg_key_b64_string b64;
	wg_device *got = NULL;
	wg_endpoint endpoint;

	memset(&endpoint, 0, sizeof(endpoint));
	endpoint.addr4.sin_family = AF_INET;
	endpoint.addr4.sin_port = htons(51820);
	inet_pton(AF_INET, "192.0.2.1", &endpoint.addr4.sin_addr);
	new_peer.endpoint = endpoint;
	inet_pton(AF_INET, "10.9.0.0", &new_allowedip.ip4);
	new_device.flags |= device_flags;
	new_peer.flags |= peer_flags;

	wg_generate_private_key(temp_private_key);
	wg_generate_public_key(new_peer.public_key, temp_private_key);
	wg_generate_private_key(new_device.private_key);
	wg_generate_preshared_key(new_peer.preshared_key);
	wg_key_to_base64(b64, new_peer.public_key);
	EXPECT(wg_key_from_base64(decoded, b64) == 0 && !memcmp(decoded, new_peer.public_key, sizeof(wg_key)));
	EXPECT(!wg_key_is_zero(decoded));
	memcpy(gone.public_key, new_peer.public_key, sizeof(wg_key));

	if (wg_add_device(new_device.name) < 0) {
		perror("Unable to add device");
		exit(1);
	}
	if (wg_set_device(&new_device) < 0) {
		perror("Unable to set device");
		exit(1);
	}

	EXPECT(list_devices(new_device.name, &got) == 1);
	if (got) {
		wg_peer *peer = got->first_peer;

		EXPECT(got->listen_port == 1234 && got->fwmark == 7);
		EXPECT(peer && !memcmp(peer->public_key, new_peer.public_key, sizeof(wg_key)) && !peer->next_peer);
		EXPECT(peer && peer->persistent_keepalive_interval == 25 && peer->last_handshake_time.tv_sec == 0);
		EXPECT(peer && !memcmp(peer->preshared_key, new_peer.preshared_key, sizeof(wg_key)));
		EXPECT(peer && peer->endpoint.addr4.sin_port == htons(51820));
		EXPECT(peer && peer->first_allowedip && peer->first_allowedip == peer->last_allowedip &&
		       peer->first_allowedip->ip4.s_addr == new_allowedip.ip4.s_addr);
		wg_free_device(got);
		got = NULL;
	}
	/* The caller's stack structs are untouched by the library. */
	EXPECT(new_device.first_peer == &new_peer && new_peer.first_allowedip == &new_allowedip &&
	       !new_allowedip.next_allowedip);

	if (wg_set_device(&removal) < 0) {
		perror("Unable to remove the peer");
		exit(1);
	}
	EXPECT(list_devices(new_device.name, &got) == 1);
	EXPECT(got && !got->first_peer);
	wg_free_device(got);

	if (wg_del_device(new_device.name) < 0) {
		perror("Unable to delete device");
		exit(1);
	}
	printf("embeddable-wg-library caller: %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
