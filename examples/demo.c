// SPDX-License-Identifier: CC0-1.0
/*
 * The main demo: two in-process WireGuard engines, "alice" and "bob", joined
 * by a wire in memory.  Alice sends bob a ping; the engines complete a Noise
 * handshake on the way, then carry the ping and bob's reply.  Needs no root,
 * no kernel module and no network.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wireguard.h>

#define BUF_SIZE 2048

/* The wire: datagrams in flight towards one side. */
struct wire {
	const char *name;
	struct wg_packet queue[16];
	uint8_t bufs[16][BUF_SIZE];
	size_t n;
};

/* One engine's side: its name and the wire its datagrams go out on. */
struct side {
	const char *name;
	struct wire *out;
};

static void put_on_wire(struct wire *to, const struct wg_packet *d, size_t n)
{
	for (size_t i = 0; i < n && to->n < 16; i++) {
		struct wg_packet *p = &to->queue[to->n];

		memcpy(to->bufs[to->n], d[i].buf + d[i].offset, d[i].len);
		*p = (struct wg_packet){ .buf = to->bufs[to->n], .size = BUF_SIZE, .len = d[i].len };
		to->n++;
		printf("  wire -> %-5s %3u-byte %s\n", to->name, d[i].len,
		       d[i].buf[d[i].offset] == 1 ? "handshake initiation" :
		       d[i].buf[d[i].offset] == 2 ? "handshake response" :
		       d[i].buf[d[i].offset] == 4 ? "data message" : "message");
	}
}

/* Send callback: the engine emits a datagram on its own (a handshake message,
 * or a packet that waited for the handshake); put it on the wire. */
static void on_send(const struct wg_packet *d, size_t n, void *ctx)
{
	put_on_wire(((struct side *)ctx)->out, d, n);
}

static void on_event(const struct wg_event *ev, void *ctx)
{
	wg_key_b64_string s;

	wg_key_to_base64(s, ev->public_key);
	if (ev->type == WG_EVENT_HANDSHAKE_COMPLETE)
		printf("  %s: handshake complete with peer %.12s...\n", ((struct side *)ctx)->name, s);
}

/* Deliver what is on the wire to engine e; print what comes out. */
static int deliver(wg_engine *e, struct wire *w)
{
	int delivered = 0;

	while (w->n) {
		size_t n = w->n;
		struct wg_packet batch[16];

		memcpy(batch, w->queue, n * sizeof(batch[0]));
		/* Copy the buffers out: the engine may queue replies on this wire. */
		static uint8_t bufs[16][BUF_SIZE];
		for (size_t i = 0; i < n; i++) {
			memcpy(bufs[i], batch[i].buf, batch[i].len);
			batch[i].buf = bufs[i];
		}
		w->n = 0;
		wg_engine_decrypt(e, batch, n);
		for (size_t i = 0; i < n; i++) {
			if (batch[i].status == WG_PACKET_DELIVER) {
				const uint8_t *ip = batch[i].buf + batch[i].offset;
				char src[16], dst[16];

				inet_ntop(AF_INET, ip + 12, src, sizeof(src));
				inet_ntop(AF_INET, ip + 16, dst, sizeof(dst));
				printf("  %s received a %u-byte IP packet %s -> %s: ICMP %s\n", w->name, batch[i].len,
				       src, dst, ip[20] == 8 ? "echo request" : "echo reply");
				delivered++;
			} else if (batch[i].status == WG_PACKET_DROP) {
				printf("  %s dropped a datagram (reason %d)\n", w->name, batch[i].reason);
			}
		}
	}
	return delivered;
}

static uint16_t ip_checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* An IPv4 ICMP echo (type 8) or reply (type 0) with a 32-byte payload. */
static size_t make_ping(uint8_t *ip, const char *src, const char *dst, uint8_t type)
{
	size_t len = 20 + 8 + 32;
	uint16_t c;

	memset(ip, 0, len);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(len >> 8);
	ip[3] = (uint8_t)len;
	ip[8] = 64;
	ip[9] = 1;
	inet_pton(AF_INET, src, ip + 12);
	inet_pton(AF_INET, dst, ip + 16);
	c = ip_checksum(ip, 20);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	ip[20] = type;
	memcpy(ip + 28, "libwireguard in-process demo....", 32);
	c = ip_checksum(ip + 20, len - 20);
	ip[22] = (uint8_t)(c >> 8);
	ip[23] = (uint8_t)c;
	return len;
}

static int ping(wg_engine *from, struct wire *wire, const char *src, const char *dst, uint8_t type)
{
	static uint8_t buf[BUF_SIZE];
	struct wg_packet p = { .buf = buf, .size = BUF_SIZE, .offset = WG_PACKET_HEADROOM };

	p.len = (uint32_t)make_ping(buf + p.offset, src, dst, type);
	wg_engine_encrypt(from, &p, 1);
	if (p.status == WG_PACKET_SEND)
		put_on_wire(wire, &p, 1);
	else if (p.status == WG_PACKET_CONSUMED)
		printf("  (no session yet: the packet waits while a handshake starts)\n");
	else
		return -1;
	return 0;
}

static int configure(wg_engine *e, const wg_key priv, const wg_key peer_pub, const char *peer_ip, int port)
{
	wg_device *dev = wg_device_new(NULL);
	wg_peer *peer = dev ? wg_device_add_peer(dev) : NULL;
	wg_allowedip *aip = peer ? wg_peer_add_allowedip(peer) : NULL;
	int ret;

	if (!aip) {
		wg_free_device(dev);
		return -ENOMEM;
	}
	memcpy(dev->private_key, priv, sizeof(wg_key));
	dev->flags = WGDEVICE_HAS_PRIVATE_KEY;
	memcpy(peer->public_key, peer_pub, sizeof(wg_key));
	peer->flags = WGPEER_HAS_PUBLIC_KEY;
	/* The endpoint is only a label on this in-memory wire. */
	peer->endpoint.addr4.sin_family = AF_INET;
	peer->endpoint.addr4.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, "192.0.2.1", &peer->endpoint.addr4.sin_addr);
	aip->family = AF_INET;
	inet_pton(AF_INET, peer_ip, &aip->ip4);
	aip->cidr = 32;
	ret = wg_engine_set_device(e, dev);
	wg_free_device(dev);
	return ret;
}

int main(void)
{
	wg_key priv_a, pub_a, priv_b, pub_b;
	wg_key_b64_string s;
	struct wire to_alice = { .name = "alice" }, to_bob = { .name = "bob" };
	wg_engine *alice = NULL, *bob = NULL;
	int ret = 1;

	printf("libwireguard %s: two in-process WireGuard engines\n\n", wg_version());
	wg_generate_private_key(priv_a);
	wg_generate_public_key(pub_a, priv_a);
	wg_generate_private_key(priv_b);
	wg_generate_public_key(pub_b, priv_b);
	wg_key_to_base64(s, pub_a);
	printf("alice  10.0.0.1  public key %s\n", s);
	wg_key_to_base64(s, pub_b);
	printf("bob    10.0.0.2  public key %s\n\n", s);

	struct side a = { "alice", &to_bob }, b = { "bob", &to_alice };
	struct wg_engine_options oa = { .size = sizeof(oa), .ctx = &a, .send = on_send, .event = on_event };
	struct wg_engine_options ob = { .size = sizeof(ob), .ctx = &b, .send = on_send, .event = on_event };
	if (wg_engine_new(&alice, &oa) < 0 || wg_engine_new(&bob, &ob) < 0 ||
	    configure(alice, priv_a, pub_b, "10.0.0.2", 51821) < 0 ||
	    configure(bob, priv_b, pub_a, "10.0.0.1", 51820) < 0) {
		fprintf(stderr, "demo: %s\n", wg_last_error());
		goto out;
	}

	printf("alice pings bob:\n");
	if (ping(alice, &to_bob, "10.0.0.1", "10.0.0.2", 8) < 0)
		goto fail;
	/* Carry datagrams back and forth until the wire is quiet. */
	int got = 0;
	for (int round = 0; round < 4 && (to_bob.n || to_alice.n); round++) {
		got += deliver(bob, &to_bob);
		deliver(alice, &to_alice);
	}
	printf("\nbob replies:\n");
	if (got != 1 || ping(bob, &to_alice, "10.0.0.2", "10.0.0.1", 0) < 0 || deliver(alice, &to_alice) != 1)
		goto fail;

	wg_device *dev;
	if (wg_engine_get_device(alice, &dev) == 0 && dev->first_peer) {
		printf("\nalice's peer bob: %llu bytes sent, %llu bytes received\n",
		       (unsigned long long)dev->first_peer->tx_bytes, (unsigned long long)dev->first_peer->rx_bytes);
		wg_free_device(dev);
	}
	printf("\nok: handshake done, ping and reply carried through WireGuard.\n");
	ret = 0;
	goto out;
fail:
	fprintf(stderr, "demo: the packets did not get through%s%s\n", wg_last_error()[0] ? ": " : "",
		wg_last_error());
out:
	wg_engine_free(alice);
	wg_engine_free(bob);
	return ret;
}
