// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Memory of the in-process engine: heap bytes of an empty engine, and per
 * peer (one allowed IP and an endpoint each) for 1, 10,000 and 100,000
 * peers, read from glibc's allocator (mallinfo2: bytes in use, so
 * allocator overhead included).  Peer in the same run: the configuration
 * model (a wg_device) holding the same peers.  Then the staged-packet pool
 * full: the most an engine holds for packets waiting for handshakes.
 * Usage: bench-memory [largest peer count]     (Linux, glibc)
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wireguard.h>

#include "engine.h"
#include "peer.h"
#include "os_net.h"

static size_t in_use(void)
{
	return mallinfo2().uordblks;
}

static void sink(const struct wg_packet *p, size_t n, void *ctx)
{
	(void)p, (void)n, (void)ctx;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static void fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		p[i] = (uint8_t)rng;
	}
}

/* n peers, each 10.x.y.z/32 and an endpoint 192.0.2.1:(port). */
static wg_device *peers(size_t n)
{
	wg_device *dev = wg_device_new(NULL);

	dev->flags = WGDEVICE_HAS_PRIVATE_KEY;
	wg_generate_private_key(dev->private_key);
	for (size_t i = 0; i < n; i++) {
		wg_peer *p = wg_device_add_peer(dev);
		wg_allowedip *a = wg_peer_add_allowedip(p);

		p->flags = WGPEER_HAS_PUBLIC_KEY;
		fill(p->public_key, sizeof(p->public_key));
		p->endpoint.addr4.sin_family = AF_INET;
		p->endpoint.addr4.sin_addr.s_addr = htonl(0xc0000201);
		p->endpoint.addr4.sin_port = htons((uint16_t)(1024 + i % 60000));
		a->family = AF_INET;
		a->cidr = 32;
		a->ip4.s_addr = htonl(0x0a000000 + (uint32_t)i);
	}
	return dev;
}

int main(int argc, char **argv)
{
	struct wg_engine_options opts = { .size = sizeof(opts), .send = sink };
	size_t max = argc > 1 ? strtoul(argv[1], NULL, 0) : 100000, counts[] = { 1, 10000, 100000 };
	size_t base, empty;
	wg_engine *engine;

	base = in_use();
	if (wg_engine_new(&engine, &opts))
		return 1;
	empty = in_use() - base;
	wg_engine_free(engine);
	printf("empty engine: %zu bytes on the heap (struct wg_engine %zu, peer %zu)\n", empty,
	       sizeof(struct wg_engine), sizeof(struct engine_peer));
	printf("%8s %16s %16s %8s\n", "peers", "engine B/peer", "config B/peer", "ratio");
	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]) && counts[c] <= max; c++) {
		size_t n = counts[c], before, model, eng;
		wg_device *dev;

		before = in_use();
		dev = peers(n);
		model = in_use() - before;
		if (wg_engine_new(&engine, &opts))
			return 1;
		before = in_use();
		if (wg_engine_set_device(engine, dev))
			return 1;
		eng = in_use() - before;
		wg_free_device(dev);
		printf("%8zu %16.0f %16.0f %8.2f\n", n, (double)eng / (double)n, (double)model / (double)n,
		       (double)eng / (double)model);
		wg_engine_free(engine);
	}
	{
		struct stage_pool *pool;

		if (wg_engine_new(&engine, &opts))
			return 1;
		pool = &engine->stage_pool;
		printf("staged packets: at most %d across the engine, %u bytes a slot (MTU %u): %zu bytes when full\n",
		       STAGE_POOL_SLOTS, pool->slot_size, engine->opts.mtu, (size_t)STAGE_POOL_SLOTS * pool->slot_size);
		wg_engine_free(engine);
	}
	return 0;
}
