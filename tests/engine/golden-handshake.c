// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Run one handshake between two engines with fixed static keys, ephemerals,
 * preshared key and time, and print the initiation, response and first data
 * message as JSON for golden-handshake.py to recompute independently.
 */
#include <stdio.h>
#include <string.h>

#include <wireguard.h>

#include "engine.h"

struct node {
	wg_engine *engine;
	uint8_t last[256];
	uint32_t last_len;
	wg_endpoint addr;
};

static uint64_t now_ns = 1000123456789ULL;	/* 1000.123456789 s */

static uint64_t clock_cb(void *ctx)
{
	(void)ctx;
	return now_ns;
}

static void realtime_cb(struct timespec *ts, void *ctx)
{
	(void)ctx;
	ts->tv_sec = 1700000000 + (time_t)(now_ns / 1000000000ULL);
	ts->tv_nsec = (long)(now_ns % 1000000000ULL);
}

static void send_cb(const struct wg_packet *p, size_t n, void *ctx)
{
	struct node *node = ctx;

	if (n == 1 && p->len <= sizeof(node->last)) {
		memcpy(node->last, p->buf + p->offset, p->len);
		node->last_len = p->len;
	}
}

static void hex(const char *name, const uint8_t *p, size_t n, const char *sep)
{
	printf("\"%s\": \"", name);
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
	printf("\"%s\n", sep);
}

static void fill(uint8_t *k, uint8_t start)
{
	for (int i = 0; i < 32; i++)
		k[i] = (uint8_t)(start + i);
}

static int deliver(struct node *to, const struct node *from)
{
	uint8_t buf[512];
	struct wg_packet pkt = { .buf = buf, .size = sizeof(buf), .offset = 16, .len = from->last_len,
				 .endpoint = from->addr };

	memcpy(buf + 16, from->last, from->last_len);
	wg_engine_decrypt(to->engine, &pkt, 1);
	return pkt.status;
}

int main(void)
{
	struct node a = { 0 }, b = { 0 };
	uint8_t a_priv[32], b_priv[32], a_eph[32], b_eph[32], psk[32], plain[84];
	wg_device *dev;
	wg_peer *peer;
	struct wg_engine_options o = { .size = sizeof(o), .send = send_cb, .clock = clock_cb, .realtime = realtime_cb };

	fill(a_priv, 0x10);
	fill(b_priv, 0x40);
	fill(a_eph, 0x70);
	fill(b_eph, 0xa0);
	fill(psk, 0xd0);
	a.addr.addr4.sin_family = AF_INET;
	a.addr.addr4.sin_port = htons(1);
	b.addr.addr4.sin_family = AF_INET;
	b.addr.addr4.sin_port = htons(2);

	o.ctx = &a;
	if (wg_engine_new(&a.engine, &o))
		return 1;
	o.ctx = &b;
	if (wg_engine_new(&b.engine, &o))
		return 1;
	wg_engine_test_set_ephemeral(a.engine, a_eph);
	wg_engine_test_set_ephemeral(b.engine, b_eph);

	for (int side = 0; side < 2; side++) {
		dev = wg_device_new(NULL);
		dev->flags = WGDEVICE_HAS_PRIVATE_KEY;
		memcpy(dev->private_key, side ? b_priv : a_priv, 32);
		peer = wg_device_add_peer(dev);
		peer->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_HAS_PRESHARED_KEY;
		wg_generate_public_key(peer->public_key, side ? a_priv : b_priv);
		memcpy(peer->preshared_key, psk, 32);
		peer->endpoint = side ? a.addr : b.addr;
		wg_allowedip *aip = wg_peer_add_allowedip(peer);
		aip->family = AF_INET;
		aip->cidr = 0;
		if (wg_engine_set_device(side ? b.engine : a.engine, dev))
			return 1;
		wg_free_device(dev);
	}

	/* A 84-byte IPv4 packet from a: staged, and an initiation goes out. */
	uint8_t buf[256] = { 0 };
	struct wg_packet pkt = { .buf = buf, .size = sizeof(buf), .offset = 16, .len = sizeof(plain) };
	memset(plain, 0, sizeof(plain));
	plain[0] = 0x45;
	plain[3] = sizeof(plain);
	for (size_t i = 20; i < sizeof(plain); i++)
		plain[i] = (uint8_t)i;
	memcpy(buf + 16, plain, sizeof(plain));
	wg_engine_encrypt(a.engine, &pkt, 1);
	if (pkt.status != WG_PACKET_CONSUMED || a.last_len != 148)
		return 1;
	printf("{\n");
	hex("initiation", a.last, a.last_len, ",");
	if (deliver(&b, &a) != WG_PACKET_CONSUMED || b.last_len != 92)
		return 1;
	hex("response", b.last, b.last_len, ",");
	if (deliver(&a, &b) != WG_PACKET_CONSUMED)
		return 1;
	hex("data", a.last, a.last_len, ",");
	hex("plaintext", plain, sizeof(plain), ",");
	if (deliver(&b, &a) != WG_PACKET_DELIVER)
		return 1;

	/*
	 * Cookies: b under load answers a's next initiation with a cookie reply;
	 * a's retransmission carries mac2 made from that cookie.
	 */
	wg_engine_test_set_under_load(b.engine, true);
	now_ns += 6000000000ULL;
	wg_key b_pub;
	wg_generate_public_key(b_pub, b_priv);
	if (wg_engine_test_set_send_counter(a.engine, b_pub, UINT64_MAX))
		return 1;
	pkt = (struct wg_packet){ .buf = buf, .size = sizeof(buf), .offset = 16, .len = sizeof(plain) };
	memcpy(buf + 16, plain, sizeof(plain));
	wg_engine_encrypt(a.engine, &pkt, 1);
	if (pkt.status != WG_PACKET_CONSUMED || a.last_len != 148)
		return 1;
	hex("initiation2", a.last, a.last_len, ",");
	b.last_len = 0;
	if (deliver(&b, &a) != WG_PACKET_DROP || b.last_len != 64)
		return 1;
	hex("cookie_reply", b.last, b.last_len, ",");
	if (deliver(&a, &b) != WG_PACKET_CONSUMED)
		return 1;
	now_ns += 6000000000ULL;
	a.last_len = 0;
	wg_engine_tick(a.engine);	/* the retransmission */
	if (a.last_len != 148)
		return 1;
	hex("initiation3", a.last, a.last_len, "");
	printf("}\n");
	if (deliver(&b, &a) != WG_PACKET_CONSUMED || b.last_len != 92)
		return 1;
	wg_engine_free(a.engine);
	wg_engine_free(b.engine);
	return 0;
}
