/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harnesses for the engine's receive path, one per message type.
 * A fixed world: engines a and b know each other; a has sent an initiation
 * (its handshake index is pending) and b has answered (its keypair index is
 * live).  Each input is one datagram to b (or a, for responses and cookie
 * replies), with the type forced and, when the first byte asks, a receiver
 * index that exists, so the fuzzer gets past the index lookup.
 */
#ifndef WG_FUZZ_H
#define WG_FUZZ_H

#include <stdlib.h>
#include <string.h>

#include <wireguard.h>

#include "util.h"

struct fuzz_node {
	wg_engine *engine;
	uint8_t last[256];
	uint32_t last_len;
	wg_endpoint addr;
};

static struct fuzz_node fuzz_a, fuzz_b;
static uint32_t fuzz_a_handshake_index, fuzz_b_keypair_index;
static uint64_t fuzz_now = 1000000000000ULL;

static uint64_t fuzz_clock(void *ctx)
{
	(void)ctx;
	return fuzz_now;
}

static void fuzz_send(const struct wg_packet *p, size_t n, void *ctx)
{
	struct fuzz_node *node = ctx;

	if (n && p[0].len <= sizeof(node->last)) {
		memcpy(node->last, p[0].buf + p[0].offset, p[0].len);
		node->last_len = p[0].len;
	}
}

static inline void fuzz_deliver(struct fuzz_node *to, const uint8_t *data, size_t len, const wg_endpoint *src)
{
	static uint8_t buf[65536 + 64];
	struct wg_packet pkt = { .buf = buf, .size = sizeof(buf), .offset = 32, .endpoint = *src };

	if (len > sizeof(buf) - 32)
		len = sizeof(buf) - 32;
	memcpy(buf + 32, data, len);
	pkt.len = (uint32_t)len;
	wg_engine_decrypt(to->engine, &pkt, 1);
}

static inline void fuzz_world_init(void)
{
	static int done;
	struct wg_engine_options o = { .size = sizeof(o), .send = fuzz_send, .clock = fuzz_clock };
	uint8_t priv[2][32];

	if (done)
		return;
	done = 1;
	memset(priv[0], 0x11, 32);
	memset(priv[1], 0x22, 32);
	fuzz_a.addr.addr4.sin_family = AF_INET;
	fuzz_a.addr.addr4.sin_port = 1;
	fuzz_b.addr.addr4.sin_family = AF_INET;
	fuzz_b.addr.addr4.sin_port = 2;
	for (int side = 0; side < 2; side++) {
		struct fuzz_node *node = side ? &fuzz_b : &fuzz_a, *other = side ? &fuzz_a : &fuzz_b;
		wg_device *dev = wg_device_new(NULL);
		wg_peer *peer = wg_device_add_peer(dev);
		wg_allowedip *aip = wg_peer_add_allowedip(peer);

		o.ctx = node;
		if (wg_engine_new(&node->engine, &o))
			abort();
		dev->flags = WGDEVICE_HAS_PRIVATE_KEY;
		memcpy(dev->private_key, priv[side], 32);
		peer->flags = WGPEER_HAS_PUBLIC_KEY;
		wg_generate_public_key(peer->public_key, priv[!side]);
		peer->endpoint = other->addr;
		aip->family = AF_INET;
		aip->cidr = 0;
		if (wg_engine_set_device(node->engine, dev))
			abort();
		wg_free_device(dev);
	}
	/* a -> b: a packet that starts a handshake; b answers. */
	uint8_t ip[64] = { 0x45, 0, 0, 64 };
	uint8_t buf[128];
	struct wg_packet pkt = { .buf = buf, .size = sizeof(buf), .offset = 16, .len = sizeof(ip) };

	memcpy(buf + 16, ip, sizeof(ip));
	wg_engine_encrypt(fuzz_a.engine, &pkt, 1);
	if (fuzz_a.last_len != 148)
		abort();
	fuzz_a_handshake_index = wg_le32(fuzz_a.last + 4);
	fuzz_deliver(&fuzz_b, fuzz_a.last, fuzz_a.last_len, &fuzz_a.addr);
	if (fuzz_b.last_len != 92)
		abort();
	fuzz_b_keypair_index = wg_le32(fuzz_b.last + 4);
}

/* Force the type, and with the first input byte's low bit, a live index at offset. */
static inline void fuzz_one(struct fuzz_node *to, uint32_t type, size_t exact_len, size_t index_offset, uint32_t index,
		     const uint8_t *data, size_t size)
{
	static uint8_t msg[65536];
	size_t len = exact_len ? exact_len : size;

	if (!size || len > sizeof(msg))
		return;
	memset(msg, 0, len);
	memcpy(msg, data, size < len ? size : len);
	bool live = data[0] & 1;
	wg_put_le32(msg, type);
	if (live && index_offset + 4 <= len)
		wg_put_le32(msg + index_offset, index);
	/* Time moves a little with every input, so timing checks vary too. */
	fuzz_now += (uint64_t)(data[size - 1]) * 10000000ULL;
	wg_engine_tick(to->engine);
	fuzz_deliver(to, msg, len, (data[0] & 2) ? &fuzz_a.addr : &fuzz_b.addr);
}

#endif
