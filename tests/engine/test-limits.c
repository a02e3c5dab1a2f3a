// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The engine's hard limits for small devices (wg_engine_options max_peers,
 * max_staged): a set beyond max_peers is refused whole, counting what it
 * removes and adds; staged packets stop at max_staged across all peers, and
 * the staging memory carved never exceeds it.  And a caller built against
 * 1.0 (the options without the limits) still gets an engine.
 */
#include <errno.h>
#include <stddef.h>

#include "sim.h"
#include "engine.h"

static wg_device *set_of(struct sim_node **peers, size_t n, uint32_t peer_flags, uint32_t dev_flags)
{
	wg_device *dev = wg_device_new(NULL);

	dev->flags = dev_flags;
	for (size_t i = 0; i < n; i++) {
		wg_peer *p = wg_device_add_peer(dev);

		p->flags = WGPEER_HAS_PUBLIC_KEY | peer_flags;
		memcpy(p->public_key, peers[i]->public_key, sizeof(wg_key));
	}
	return dev;
}

static size_t count_peers(wg_engine *engine)
{
	wg_device *dev;
	wg_peer *p;
	size_t n = 0;

	CHECK(wg_engine_get_device(engine, &dev) == 0);
	wg_for_each_peer(dev, p)
		n++;
	wg_free_device(dev);
	return n;
}

static void test_max_peers(void)
{
	struct sim sim;
	struct sim_node *a, *p[6];
	wg_device *dev;

	sim_init(&sim, 31);
	sim.max_peers = 3;
	a = sim_add_node(&sim, "192.0.2.1", 1);
	sim.max_peers = 0;
	for (int i = 0; i < 6; i++)
		p[i] = sim_add_node(&sim, "192.0.2.2", (uint16_t)(2 + i));

	dev = set_of(p, 3, 0, 0);
	CHECK(wg_engine_set_device(a->engine, dev) == 0);
	wg_free_device(dev);
	CHECK(count_peers(a->engine) == 3);
	/* Two more: refused whole, nothing changed. */
	dev = set_of(p + 3, 2, 0, 0);
	CHECK(wg_engine_set_device(a->engine, dev) == -ENOSPC);
	wg_free_device(dev);
	CHECK(count_peers(a->engine) == 3);
	/* Existing peers updated, removed and re-added: no new one, accepted. */
	dev = set_of(p, 3, WGPEER_REPLACE_ALLOWEDIPS, 0);
	CHECK(wg_engine_set_device(a->engine, dev) == 0);
	wg_free_device(dev);
	{
		struct sim_node *swap[2] = { p[0], p[3] };

		/* Remove p0 and add p3 in one set: still 3. */
		dev = set_of(swap, 2, 0, 0);
		dev->first_peer->flags |= WGPEER_REMOVE_ME;
		CHECK(wg_engine_set_device(a->engine, dev) == 0);
		wg_free_device(dev);
		CHECK(count_peers(a->engine) == 3);
	}
	/* Replacing all peers with three others fits. */
	dev = set_of(p + 3, 3, 0, WGDEVICE_REPLACE_PEERS);
	CHECK(wg_engine_set_device(a->engine, dev) == 0);
	wg_free_device(dev);
	CHECK(count_peers(a->engine) == 3);
	sim_free(&sim);
}

static void test_max_staged(void)
{
	struct sim sim;
	struct sim_node *a, *b, *c;
	unsigned int consumed = 0, full = 0;
	uint16_t reason;

	sim_init(&sim, 32);
	sim.max_staged = 5;
	a = sim_add_node(&sim, "192.0.2.1", 1);
	sim.max_staged = 0;
	b = sim_add_node(&sim, "192.0.2.2", 2);
	c = sim_add_node(&sim, "192.0.2.3", 3);
	sim_add_peer(a, b, AF_INET, "10.0.0.2", 32, true);
	sim_add_peer(a, c, AF_INET, "10.0.0.3", 32, true);
	b->offline = c->offline = true;	/* no handshake completes: packets wait */
	for (uint32_t i = 0; i < 8; i++) {
		int st = sim_send_ip(a, AF_INET, "10.0.0.1", i % 2 ? "10.0.0.2" : "10.0.0.3", i, 100, &reason);

		consumed += st == WG_PACKET_CONSUMED;
		full += st == WG_PACKET_DROP && reason == WG_DROP_QUEUE_FULL;
	}
	CHECK(consumed == 5 && full == 3);
	/* The staging memory is what the limit allows, not a 64-slot chunk. */
	CHECK(a->engine->stage_pool.carved == 5);
	sim_run(&sim);
	sim_free(&sim);
}

static void sink(const struct wg_packet *pkts, size_t n, void *ctx)
{
	(void)pkts, (void)n, (void)ctx;
}

static void test_options_versions(void)
{
	struct wg_engine_options o = { .size = offsetof(struct wg_engine_options, max_peers), .send = sink };
	wg_engine *engine = NULL;

	/* 1.0's struct: no limits. */
	o.max_peers = 1;	/* beyond its size: not read */
	CHECK(wg_engine_new(&engine, &o) == 0);
	CHECK(engine && engine->opts.max_peers == 0 && engine->stage_pool.limit == 4096);
	wg_engine_free(engine);
	o.size = sizeof(o);
	o.max_peers = 0;
	o.max_staged = 4097;
	CHECK(wg_engine_new(&engine, &o) == -EINVAL);
	o.size = offsetof(struct wg_engine_options, max_peers) - 1;
	o.max_staged = 0;
	CHECK(wg_engine_new(&engine, &o) == -EINVAL);
}

int main(void)
{
	test_max_peers();
	test_max_staged();
	test_options_versions();
	return test_done();
}
