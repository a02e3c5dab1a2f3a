// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Two (or more) engines over a simulated wire and clock: handshake, data in
 * both directions over IPv4 and IPv6, keepalives, rekeying by time and by
 * message count, expiry, giving up, roaming, and what must be dropped.
 */
#include "sim.h"
#include "blake2s.h"
#include "crypto.h"
#include "engine.h"
#include "util.h"

#define S 1000000000ULL
#define MS 1000000ULL

struct pair {
	struct sim sim;
	struct sim_node *a, *b;
};

/* a = 10.0.0.1 / fd00::1 at 192.0.2.1:51820, b = 10.0.0.2 / fd00::2 at 192.0.2.2:51821. */
static void pair_init(struct pair *p, uint64_t seed, bool b_knows_a_endpoint)
{
	sim_init(&p->sim, seed);
	p->a = sim_add_node(&p->sim, "192.0.2.1", 51820);
	p->b = sim_add_node(&p->sim, "192.0.2.2", 51821);
	sim_add_peer(p->a, p->b, AF_INET, "10.0.0.2", 32, true);
	sim_add_peer(p->a, p->b, AF_INET6, "fd00::2", 128, true);
	sim_add_peer(p->b, p->a, AF_INET, "10.0.0.1", 32, b_knows_a_endpoint);
	sim_add_peer(p->b, p->a, AF_INET6, "fd00::1", 128, b_knows_a_endpoint);
}

static void a_to_b(struct pair *p, uint32_t seq)
{
	sim_send_ip(p->a, AF_INET, "10.0.0.1", "10.0.0.2", seq, 64, NULL);
}

static void b_to_a(struct pair *p, uint32_t seq)
{
	sim_send_ip(p->b, AF_INET, "10.0.0.2", "10.0.0.1", seq, 64, NULL);
}

static void test_handshake_and_data(void)
{
	struct pair p;
	uint16_t reason;
	wg_device *dev;

	pair_init(&p, 1, false);
	/* No session yet: the packet waits and an initiation goes out. */
	CHECK(sim_send_ip(p.a, AF_INET, "10.0.0.1", "10.0.0.2", 1, 100, &reason) == WG_PACKET_CONSUMED);
	CHECK(p.a->sent_by_type[1] == 1);
	sim_run(&p.sim);
	CHECK(p.b->sent_by_type[2] == 1);
	CHECK(p.a->events[WG_EVENT_HANDSHAKE_COMPLETE] == 1);
	CHECK(p.b->events[WG_EVENT_HANDSHAKE_COMPLETE] == 1);
	CHECK(p.b->delivered == 1 && p.b->last_seq == 1);
	CHECK(p.b->inbox_last_len == 20 + 4 + 100);
	/* b learned a's endpoint from the handshake. */
	CHECK(p.b->events[WG_EVENT_ENDPOINT_CHANGED] == 1);

	/* Both ways, both families, with a session up: sent at once. */
	CHECK(sim_send_ip(p.b, AF_INET, "10.0.0.2", "10.0.0.1", 2, 33, NULL) == WG_PACKET_SEND);
	CHECK(sim_send_ip(p.a, AF_INET6, "fd00::1", "fd00::2", 3, 1000, NULL) == WG_PACKET_SEND);
	CHECK(sim_send_ip(p.b, AF_INET6, "fd00::2", "fd00::1", 4, 0, NULL) == WG_PACKET_SEND);
	sim_run(&p.sim);
	CHECK(p.a->delivered == 2 && p.a->last_seq == 4);
	CHECK(p.b->delivered == 2 && p.b->last_seq == 3);
	CHECK(p.b->inbox_last_len == 40 + 4 + 1000);

	/* No peer for this destination. */
	CHECK(sim_send_ip(p.a, AF_INET, "10.0.0.1", "10.0.0.3", 5, 10, &reason) == WG_PACKET_DROP);
	CHECK(reason == WG_DROP_NO_PEER);

	/* Statistics and handshake time are visible through get_device. */
	CHECK(wg_engine_get_device(p.a->engine, &dev) == 0);
	CHECK(dev->first_peer && dev->first_peer == dev->last_peer);
	CHECK(dev->first_peer->rx_bytes > 0 && dev->first_peer->tx_bytes > 0);
	CHECK(dev->first_peer->last_handshake_time.tv_sec >= 1700000000);
	CHECK(wg_key_equal(dev->public_key, p.a->public_key));
	wg_free_device(dev);
	sim_free(&p.sim);
}

static void test_keepalives(void)
{
	struct pair p;
	wg_device *dev;
	wg_peer *peer;
	unsigned int before;

	pair_init(&p, 2, true);
	a_to_b(&p, 1);
	sim_run(&p.sim);
	CHECK(p.b->delivered == 1);
	/* b received data and sends nothing back: a passive keepalive after 10 s. */
	before = p.a->received_by_type[4];
	sim_advance(&p.sim, 9 * S, 100 * MS);
	CHECK(p.a->received_by_type[4] == before);
	sim_advance(&p.sim, 2 * S, 100 * MS);
	CHECK(p.a->received_by_type[4] == before + 1);
	CHECK(p.a->delivered == 0);

	/* A persistent keepalive every 5 s from b. */
	dev = wg_device_new(NULL);
	peer = wg_device_add_peer(dev);
	peer->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL | WGPEER_UPDATE_ONLY;
	memcpy(peer->public_key, p.a->public_key, sizeof(wg_key));
	peer->persistent_keepalive_interval = 5;
	before = p.a->received_by_type[4];
	CHECK(wg_engine_set_device(p.b->engine, dev) == 0);
	sim_run(&p.sim);
	CHECK(p.a->received_by_type[4] == before + 1);	/* one at once */
	sim_advance(&p.sim, 21 * S, 100 * MS);
	CHECK(p.a->received_by_type[4] >= before + 5);
	wg_free_device(dev);
	sim_free(&p.sim);
}

static void test_rekey_after_time(void)
{
	struct pair p;
	uint32_t seq = 0;

	pair_init(&p, 3, true);
	a_to_b(&p, ++seq);
	sim_run(&p.sim);
	CHECK(p.a->events[WG_EVENT_HANDSHAKE_COMPLETE] == 1);
	/* Traffic every second; after REKEY_AFTER_TIME a (the initiator) rekeys. */
	for (int i = 0; i < 125; i++) {
		a_to_b(&p, ++seq);
		b_to_a(&p, seq);
		sim_advance(&p.sim, S, S);
	}
	CHECK(p.a->events[WG_EVENT_HANDSHAKE_COMPLETE] == 2);
	CHECK(p.b->events[WG_EVENT_HANDSHAKE_COMPLETE] == 2);
	CHECK(p.a->sent_by_type[1] == 2);
	CHECK(p.b->delivered == seq && p.a->delivered == seq - 1);
	sim_free(&p.sim);
}

static void test_rekey_after_messages(void)
{
	struct pair p;
	uint16_t reason;

	pair_init(&p, 4, true);
	a_to_b(&p, 1);
	sim_run(&p.sim);
	CHECK(p.a->sent_by_type[1] == 1);
	sim_advance(&p.sim, 6 * S, S);	/* initiations are at most one per REKEY_TIMEOUT */
	/* Past REKEY_AFTER_MESSAGES: the next packet still goes, and a rekey starts. */
	CHECK(wg_engine_test_set_send_counter(p.a->engine, p.b->public_key, REKEY_AFTER_MESSAGES + 1) == 0);
	CHECK(sim_send_ip(p.a, AF_INET, "10.0.0.1", "10.0.0.2", 2, 10, NULL) == WG_PACKET_SEND);
	CHECK(p.a->sent_by_type[1] == 2);
	sim_run(&p.sim);
	CHECK(p.b->delivered == 2);
	CHECK(p.a->events[WG_EVENT_HANDSHAKE_COMPLETE] == 2);

	/* At REJECT_AFTER_MESSAGES the session is unusable: packets wait for a new one. */
	CHECK(wg_engine_test_set_send_counter(p.a->engine, p.b->public_key, REJECT_AFTER_MESSAGES) == 0);
	sim_advance(&p.sim, 6 * S, S);	/* past REKEY_TIMEOUT since the last initiation */
	CHECK(sim_send_ip(p.a, AF_INET, "10.0.0.1", "10.0.0.2", 3, 10, &reason) == WG_PACKET_CONSUMED);
	sim_run(&p.sim);
	CHECK(p.a->events[WG_EVENT_HANDSHAKE_COMPLETE] == 3);
	CHECK(p.b->delivered == 3 && p.b->last_seq == 3);
	sim_free(&p.sim);
}

static void test_expiry_and_give_up(void)
{
	struct pair p;

	pair_init(&p, 5, true);
	a_to_b(&p, 1);
	sim_run(&p.sim);
	/* Silence: keys are wiped after 3 x REJECT_AFTER_TIME on both sides. */
	sim_advance(&p.sim, 3 * 180 * S - 10 * S, S);
	CHECK(p.a->events[WG_EVENT_SESSION_EXPIRED] == 0);
	sim_advance(&p.sim, 20 * S, S);
	CHECK(p.a->events[WG_EVENT_SESSION_EXPIRED] == 1);
	CHECK(p.b->events[WG_EVENT_SESSION_EXPIRED] == 1);

	/* b goes away: a retries every REKEY_TIMEOUT, then gives up after REKEY_ATTEMPT_TIME. */
	p.b->offline = true;
	CHECK(sim_send_ip(p.a, AF_INET, "10.0.0.1", "10.0.0.2", 2, 10, NULL) == WG_PACKET_CONSUMED);
	unsigned int before = p.a->sent_by_type[1];
	sim_advance(&p.sim, 85 * S, 100 * MS);
	CHECK(p.a->events[WG_EVENT_PEER_UNREACHABLE] == 0);
	sim_advance(&p.sim, 30 * S, 100 * MS);
	CHECK(p.a->events[WG_EVENT_PEER_UNREACHABLE] == 1);
	CHECK(p.a->sent_by_type[1] - before == 19);	/* 1 + MAX_TIMER_HANDSHAKES retries */
	sim_advance(&p.sim, 60 * S, S);
	CHECK(p.a->sent_by_type[1] - before == 19);	/* and then stops */
	/* The staged packet was dropped with the attempt: b back online gets nothing old. */
	p.b->offline = false;
	CHECK(sim_send_ip(p.a, AF_INET, "10.0.0.1", "10.0.0.2", 3, 10, NULL) == WG_PACKET_CONSUMED);
	sim_run(&p.sim);
	CHECK(p.b->last_seq == 3 && p.b->delivered == 2);
	sim_free(&p.sim);
}

static void test_roaming(void)
{
	struct pair p;

	pair_init(&p, 6, true);
	a_to_b(&p, 1);
	sim_run(&p.sim);
	b_to_a(&p, 2);
	sim_run(&p.sim);
	CHECK(p.a->delivered == 1);
	unsigned int changes = p.a->events[WG_EVENT_ENDPOINT_CHANGED];
	/* b moves to another address and port. */
	p.b->addr = sim_addr4("198.51.100.7", 4000);
	b_to_a(&p, 3);
	sim_run(&p.sim);
	CHECK(p.a->delivered == 2);
	CHECK(p.a->events[WG_EVENT_ENDPOINT_CHANGED] == changes + 1);
	CHECK(sim_addr_equal(&p.a->last_event_endpoint, &p.b->addr));
	/* a now answers at the new address. */
	a_to_b(&p, 4);
	sim_run(&p.sim);
	CHECK(p.b->last_seq == 4 && p.b->delivered == 2);
	/* And again, to an IPv6 address. */
	memset(&p.b->addr, 0, sizeof(p.b->addr));
	p.b->addr.addr6.sin6_family = AF_INET6;
	p.b->addr.addr6.sin6_port = htons(4001);
	inet_pton(AF_INET6, "2001:db8::7", &p.b->addr.addr6.sin6_addr);
	b_to_a(&p, 5);
	sim_run(&p.sim);
	CHECK(p.a->events[WG_EVENT_ENDPOINT_CHANGED] == changes + 2);
	CHECK(sim_addr_equal(&p.a->last_event_endpoint, &p.b->addr));
	a_to_b(&p, 6);
	sim_run(&p.sim);
	CHECK(p.b->last_seq == 6 && p.b->delivered == 3);
	sim_free(&p.sim);
}

/* The tap records the local address (wg_packet.reserved) on a's last datagram. */
struct local_tap {
	wg_endpoint from;
	uint64_t last[2];
	unsigned int n;
};

static void local_tap(struct sim *s, const struct sim_datagram *d)
{
	struct local_tap *t = s->tap_ctx;

	if (sim_addr_equal(&d->src, &t->from)) {
		t->last[0] = d->local[0];
		t->last[1] = d->local[1];
		t->n++;
	}
}

/*
 * Sticky source addresses (issue #15): the local address a peer's
 * authenticated packets arrived at (given to decrypt in .reserved) goes on
 * everything sent to that peer -- handshake response, data, keepalives --
 * until the peer writes to another one, the driver says it is gone
 * (wg_engine_forget_local), or a set gives the peer a new endpoint.
 */
static void test_sticky_local_address(void)
{
	const uint64_t x[2] = { 0x1111, 0x2222 }, y[2] = { 0x3333, 0x4444 };
	struct local_tap tap = { 0 };
	struct pair p;

	pair_init(&p, 21, true);
	tap.from = p.a->addr;
	p.sim.tap = local_tap;
	p.sim.tap_ctx = &tap;
	/* Nothing given: nothing on what a sends. */
	a_to_b(&p, 1);
	sim_run(&p.sim);
	CHECK(tap.n >= 2 && !tap.last[0] && !tap.last[1]);
	/* a's datagrams arrive at x: its replies say x (keepalive, data). */
	p.a->local[0] = x[0], p.a->local[1] = x[1];
	b_to_a(&p, 2);
	sim_run(&p.sim);
	a_to_b(&p, 3);
	sim_run(&p.sim);
	CHECK(p.b->last_seq == 3);
	CHECK(tap.last[0] == x[0] && tap.last[1] == x[1]);
	/* A new handshake answered from x too. */
	sim_advance(&p.sim, 125 * S, 1 * S);
	b_to_a(&p, 4);
	sim_run(&p.sim);
	CHECK(p.a->delivered >= 2 && tap.last[0] == x[0] && tap.last[1] == x[1]);
	/* The peer writes to y: a follows. */
	p.a->local[0] = y[0], p.a->local[1] = y[1];
	b_to_a(&p, 5);
	sim_run(&p.sim);
	a_to_b(&p, 6);
	sim_run(&p.sim);
	CHECK(tap.last[0] == y[0] && tap.last[1] == y[1]);
	/* Forgetting another address changes nothing; forgetting y does. */
	wg_engine_forget_local(p.a->engine, x);
	a_to_b(&p, 7);
	sim_run(&p.sim);
	CHECK(tap.last[0] == y[0] && tap.last[1] == y[1]);
	wg_engine_forget_local(p.a->engine, y);
	a_to_b(&p, 8);
	sim_run(&p.sim);
	CHECK(p.b->last_seq == 8 && !tap.last[0] && !tap.last[1]);
	/* Learnt again, then a set gives the peer an endpoint: forgotten. */
	b_to_a(&p, 9);
	sim_run(&p.sim);
	a_to_b(&p, 10);
	sim_run(&p.sim);
	CHECK(tap.last[0] == y[0] && tap.last[1] == y[1]);
	{
		wg_device *dev = wg_device_new(NULL);
		wg_peer *peer = wg_device_add_peer(dev);

		peer->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_UPDATE_ONLY;
		memcpy(peer->public_key, p.b->public_key, sizeof(wg_key));
		peer->endpoint = p.b->addr;
		CHECK(wg_engine_set_device(p.a->engine, dev) == 0);
		wg_free_device(dev);
	}
	a_to_b(&p, 11);
	sim_run(&p.sim);
	CHECK(p.b->last_seq == 11 && !tap.last[0] && !tap.last[1]);
	sim_free(&p.sim);
}

/* The tap records the last datagram of each type a given node sent. */
struct capture {
	wg_endpoint from;
	struct sim_datagram last[5];
};

static void capture_tap(struct sim *s, const struct sim_datagram *d)
{
	struct capture *c = s->tap_ctx;

	if (sim_addr_equal(&d->src, &c->from) && d->len && d->data[0] >= 1 && d->data[0] <= 4)
		c->last[d->data[0]] = *d;
}

static void test_replays(void)
{
	struct pair p;
	struct capture *c = calloc(1, sizeof(*c));

	pair_init(&p, 7, true);
	c->from = p.a->addr;
	p.sim.tap = capture_tap;
	p.sim.tap_ctx = c;
	a_to_b(&p, 1);
	sim_run(&p.sim);
	a_to_b(&p, 2);
	sim_run(&p.sim);
	CHECK(p.b->delivered == 2);
	/* The same data datagram again is a replay. */
	sim_deliver(&p.sim, &c->last[4]);
	CHECK(p.b->delivered == 2);
	CHECK(p.b->dropped_by_reason[WG_DROP_REPLAY] == 1);
	/* A replayed initiation (old timestamp) is refused, and b does not answer. */
	unsigned int responses = p.b->sent_by_type[2];
	sim_advance(&p.sim, 2 * S, S);
	sim_deliver(&p.sim, &c->last[1]);
	sim_run(&p.sim);
	CHECK(p.b->sent_by_type[2] == responses);
	CHECK(p.b->dropped_by_reason[WG_DROP_REPLAY] == 2);
	/* The session is undisturbed. */
	a_to_b(&p, 3);
	sim_run(&p.sim);
	CHECK(p.b->delivered == 3);
	/*
	 * Low-order ephemerals give an all-zero shared secret: refused even with
	 * a valid mac1 (recomputed here), and never answered.
	 */
	static const char *const low_order[] = {
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0100000000000000000000000000000000000000000000000000000000000000",
		"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	};
	uint8_t mac1_key[32];
	struct blake2s_state st;

	blake2s_init(&st, 32, NULL, 0);
	blake2s_update(&st, "mac1----", 8);
	blake2s_update(&st, p.b->public_key, 32);
	blake2s_final(&st, mac1_key);
	for (size_t i = 0; i < 3; i++) {
		struct sim_datagram d = c->last[1];

		uint8_t shared[32];

		test_unhex(d.data + 8, low_order[i]);
		/* What makes the engine refuse it (the static key cannot decrypt either). */
		CHECK(!curve25519(shared, p.b->private_key, d.data + 8));
		blake2s(d.data + 116, 16, d.data, 116, mac1_key, 32);
		sim_deliver(&p.sim, &d);
		sim_run(&p.sim);
	}
	CHECK(p.b->sent_by_type[2] == responses);
	CHECK(p.b->dropped_by_reason[WG_DROP_AUTH] == 3);
	/* A peer whose public key is of low order can never get a handshake going. */
	{
		wg_device *dev = wg_device_new(NULL);
		wg_peer *peer = wg_device_add_peer(dev);
		wg_allowedip *aip = wg_peer_add_allowedip(peer);
		unsigned int inits = p.a->sent_by_type[1];

		peer->flags = WGPEER_HAS_PUBLIC_KEY;
		test_unhex(peer->public_key, low_order[2]);
		peer->endpoint = sim_addr4("192.0.2.99", 1);
		aip->family = AF_INET;
		inet_pton(AF_INET, "10.0.0.99", &aip->ip4);
		aip->cidr = 32;
		CHECK(wg_engine_set_device(p.a->engine, dev) == 0);
		wg_free_device(dev);
		CHECK(sim_send_ip(p.a, AF_INET, "10.0.0.1", "10.0.0.99", 9, 10, NULL) == WG_PACKET_CONSUMED);
		CHECK(p.a->sent_by_type[1] == inits);
	}
	/* A forged data packet (one bit flipped) fails authentication. */
	c->last[4].data[40] ^= 1;
	sim_deliver(&p.sim, &c->last[4]);
	CHECK(p.b->dropped_by_reason[WG_DROP_AUTH] == 4);
	p.sim.tap = NULL;
	free(c);
	sim_free(&p.sim);
}

static void test_allowed_ips_and_unknown_peers(void)
{
	struct pair p;
	struct sim_node *c;

	pair_init(&p, 8, true);
	/* b lets itself send anywhere through a, but a only accepts 10.0.0.2 from b. */
	sim_add_peer(p.b, p.a, AF_INET, "0.0.0.0", 0, true);
	a_to_b(&p, 1);
	sim_run(&p.sim);
	CHECK(sim_send_ip(p.b, AF_INET, "10.9.9.9", "10.0.0.1", 2, 10, NULL) == WG_PACKET_SEND);
	sim_run(&p.sim);
	CHECK(p.a->delivered == 0);
	CHECK(p.a->dropped_by_reason[WG_DROP_SOURCE] == 1);
	CHECK(sim_send_ip(p.b, AF_INET6, "fd00::9", "fd00::1", 3, 10, NULL) == WG_PACKET_SEND);
	sim_run(&p.sim);
	CHECK(p.a->dropped_by_reason[WG_DROP_SOURCE] == 2);

	/* c knows b, b does not know c: c's initiation is dropped unanswered. */
	c = sim_add_node(&p.sim, "192.0.2.3", 51822);
	sim_add_peer(c, p.b, AF_INET, "10.0.0.2", 32, true);
	unsigned int responses = p.b->sent_by_type[2];
	CHECK(sim_send_ip(c, AF_INET, "10.0.0.3", "10.0.0.2", 4, 10, NULL) == WG_PACKET_CONSUMED);
	sim_run(&p.sim);
	CHECK(p.b->sent_by_type[2] == responses);
	CHECK(p.b->dropped_by_reason[WG_DROP_AUTH] == 1);
	CHECK(c->events[WG_EVENT_HANDSHAKE_COMPLETE] == 0);
	/* Garbage and data for unknown indices are dropped too. */
	struct sim_datagram d = { .src = c->addr, .dst = p.b->addr, .len = 48 };
	d.data[0] = 4;
	sim_deliver(&p.sim, &d);
	CHECK(p.b->dropped_by_reason[WG_DROP_UNKNOWN_INDEX] == 1);
	d.data[0] = 9;
	sim_deliver(&p.sim, &d);
	CHECK(p.b->dropped_by_reason[WG_DROP_MALFORMED] == 1);
	sim_free(&p.sim);
}

static void test_lossy_wire(void)
{
	struct pair p;
	uint32_t seq = 0;

	pair_init(&p, 9, true);
	p.sim.loss_pct = 20;
	p.sim.dup_pct = 20;
	p.sim.reorder = true;
	for (int i = 0; i < 400; i++) {
		a_to_b(&p, ++seq);
		b_to_a(&p, seq);
		sim_advance(&p.sim, S, 500 * MS);
	}
	/* Handshakes get through eventually and most data arrives; duplicates are replays. */
	CHECK(p.a->events[WG_EVENT_HANDSHAKE_COMPLETE] >= 3);
	CHECK(p.b->delivered > 250 && p.a->delivered > 250);
	CHECK(p.b->delivered <= seq && p.a->delivered <= seq);
	CHECK(p.b->dropped_by_reason[WG_DROP_REPLAY] > 10);
	sim_free(&p.sim);
}

/* Continuous traffic through 100 rekeys: not one packet lost on a lossless wire. */
/* Every ephemeral public key put on the wire, initiations' and responses'. */
struct ephemerals {
	unsigned int n;
	uint8_t key[1024][32];
};

static void ephemeral_tap(struct sim *s, const struct sim_datagram *d)
{
	struct ephemerals *e = s->tap_ctx;
	/* After type and sender index; a response also has the receiver's. */
	unsigned int off = d->data[0] == 1 ? 8 : d->data[0] == 2 ? 12 : 0;

	if (off && d->len >= off + 32 && e->n < ARRAY_SIZE(e->key))
		memcpy(e->key[e->n++], d->data + off, 32);
}

/* No two handshake messages share an ephemeral (retransmits make new ones too). */
static void check_ephemerals_unique(struct ephemerals *e)
{
	unsigned int dups = test_repeated_keys(e->key, e->n);

	CHECK(e->n >= 202);
	CHECK(dups == 0);
	printf("# %u handshake messages, %u repeated ephemerals\n", e->n, dups);
}

static void test_hundred_rekeys(void)
{
	struct pair p;
	struct ephemerals *e = calloc(1, sizeof(*e));
	uint32_t seq = 0, sent_a = 0, sent_b = 0;
	int steps = 0;

	pair_init(&p, 10, true);
	p.sim.tap = ephemeral_tap;
	p.sim.tap_ctx = e;
	/* Made by set_device, for the first handshake. */
	CHECK(engine_peer_lookup_by_key(p.a->engine, p.b->public_key)->handshake.spare.ready);
	CHECK(engine_peer_lookup_by_key(p.b->engine, p.a->public_key)->handshake.spare.ready);
	while (p.b->events[WG_EVENT_HANDSHAKE_COMPLETE] < 101 && steps++ < 20000) {
		seq++;
		sent_a += sim_send_ip(p.a, AF_INET, "10.0.0.1", "10.0.0.2", seq, 200, NULL) != WG_PACKET_DROP;
		/* Both starting a handshake in the same instant would collide (as in the kernel). */
		if (seq == 1)
			sim_run(&p.sim);
		sent_b += sim_send_ip(p.b, AF_INET6, "fd00::2", "fd00::1", seq, 200, NULL) != WG_PACKET_DROP;
		sim_advance(&p.sim, 2 * S, S);
	}
	CHECK(p.b->events[WG_EVENT_HANDSHAKE_COMPLETE] >= 101);
	CHECK(sent_a == seq && sent_b == seq);
	CHECK(p.b->delivered == seq);
	CHECK(p.a->delivered == seq);
	CHECK(p.a->events[WG_EVENT_SESSION_EXPIRED] == 0);
	printf("# %u packets each way through %u handshakes; delivered %u/%u\n", seq,
	       p.b->events[WG_EVENT_HANDSHAKE_COMPLETE], p.b->delivered, p.a->delivered);
	check_ephemerals_unique(e);
	/* Each side's tick made a new spare after its last handshake took one. */
	CHECK(engine_peer_lookup_by_key(p.a->engine, p.b->public_key)->handshake.spare.ready);
	CHECK(engine_peer_lookup_by_key(p.b->engine, p.a->public_key)->handshake.spare.ready);
	free(e);
	sim_free(&p.sim);
}

/*
 * Under load, initiations without a valid mac2 get a cookie reply instead of
 * a handshake; a legitimate peer retries with the cookie and gets through.
 */
static void test_under_load(void)
{
	struct pair p;
	uint8_t mac1_key[32], msg[148];
	struct blake2s_state st;
	unsigned int fakes = 0;

	pair_init(&p, 11, true);
	blake2s_init(&st, 32, NULL, 0);
	blake2s_update(&st, "mac1----", 8);
	blake2s_update(&st, p.b->public_key, 32);
	blake2s_final(&st, mac1_key);

	for (int round = 0; round < 80; round++) {
		for (int j = 0; j < 700; j++) {
			struct sim_datagram d;
			char ip[32];

			/* Random initiations with a valid mac1 from many addresses. */
			for (size_t k = 0; k < sizeof(msg); k++)
				msg[k] = (uint8_t)sim_rand(&p.sim);
			msg[0] = 1;
			msg[1] = msg[2] = msg[3] = 0;
			blake2s(msg + 116, 16, msg, 116, mac1_key, 32);
			memset(msg + 132, 0, 16);
			snprintf(ip, sizeof(ip), "203.0.113.%d", j % 250);
			d.src = sim_addr4(ip, (uint16_t)(1000 + j));
			d.dst = p.b->addr;
			d.len = sizeof(msg);
			memcpy(d.data, msg, sizeof(msg));
			sim_deliver(&p.sim, &d);
			fakes++;
		}
		if (round == 5)
			a_to_b(&p, 1);
		sim_advance(&p.sim, 100000000ULL, 100000000ULL);
	}
	CHECK(p.b->sent_by_type[3] > fakes / 2);		/* cookie replies */
	CHECK(p.b->dropped_by_reason[WG_DROP_RATELIMIT] > fakes / 2);
	CHECK(p.a->received_by_type[3] >= 1);			/* a got a cookie ... */
	CHECK(p.a->events[WG_EVENT_HANDSHAKE_COMPLETE] == 1);	/* ... and got through with it */
	CHECK(p.b->delivered == 1 && p.b->last_seq == 1);
	sim_free(&p.sim);
}

/*
 * Junk that fails mac1 is not load (issue #15): 1,000 initiations a second
 * with a wrong mac1 (anyone on the path can send them) must not make a
 * legitimate initiator fetch a cookie first, which costs it REKEY_TIMEOUT
 * (5 s); its handshake completes within 100 ms, and the junk earns nothing.
 */
static void test_invalid_mac1_flood(void)
{
	const uint64_t ms = 1000000ULL;
	struct pair p;
	uint64_t t0 = 0;

	pair_init(&p, 31, true);
	for (unsigned int i = 0; i < 4000 && !p.a->events[WG_EVENT_HANDSHAKE_COMPLETE]; i++) {
		struct sim_datagram d;
		char ip[32];

		for (size_t k = 0; k < 148; k++)
			d.data[k] = (uint8_t)sim_rand(&p.sim);
		d.data[0] = 1;
		d.data[1] = d.data[2] = d.data[3] = 0;
		snprintf(ip, sizeof(ip), "203.0.113.%u", i % 250);
		d.src = sim_addr4(ip, (uint16_t)(1000 + i));
		d.dst = p.b->addr;
		d.len = 148;
		sim_deliver(&p.sim, &d);
		if (i == 2000) {	/* two seconds into the flood */
			t0 = p.sim.now;
			a_to_b(&p, 1);
			sim_run(&p.sim);
		}
		sim_advance(&p.sim, ms, ms);
	}
	CHECK(p.a->events[WG_EVENT_HANDSHAKE_COMPLETE] == 1);
	CHECK(p.sim.now - t0 <= 100 * ms);
	CHECK(p.a->received_by_type[3] == 0);	/* no cookie asked of a */
	CHECK(p.b->sent_by_type[3] == 0);	/* none for the junk either */
	CHECK(p.b->delivered == 1 && p.b->last_seq == 1);
	printf("# handshake under a 1000/s invalid-mac1 flood: %.1f ms\n", (double)(p.sim.now - t0) / 1e6);
	sim_free(&p.sim);
}

/* With a preshared key on both sides the handshake works; with different ones it fails. */
static void test_preshared_key(void)
{
	struct pair p;
	wg_device *dev;
	wg_peer *peer;

	pair_init(&p, 12, true);
	for (int side = 0; side < 2; side++) {
		dev = wg_device_new(NULL);
		peer = wg_device_add_peer(dev);
		peer->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_HAS_PRESHARED_KEY;
		memcpy(peer->public_key, side ? p.a->public_key : p.b->public_key, sizeof(wg_key));
		memset(peer->preshared_key, 0x5a + side, sizeof(wg_key));
		CHECK(wg_engine_set_device(side ? p.b->engine : p.a->engine, dev) == 0);
		wg_free_device(dev);
	}
	a_to_b(&p, 1);
	sim_run(&p.sim);
	CHECK(p.a->events[WG_EVENT_HANDSHAKE_COMPLETE] == 0);
	CHECK(p.a->dropped_by_reason[WG_DROP_AUTH] == 1);	/* the response did not verify */
	dev = wg_device_new(NULL);
	peer = wg_device_add_peer(dev);
	peer->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_HAS_PRESHARED_KEY;
	memcpy(peer->public_key, p.a->public_key, sizeof(wg_key));
	memset(peer->preshared_key, 0x5a, sizeof(wg_key));
	CHECK(wg_engine_set_device(p.b->engine, dev) == 0);
	wg_free_device(dev);
	sim_advance(&p.sim, 6 * S, 100 * MS);	/* the retransmit */
	CHECK(p.a->events[WG_EVENT_HANDSHAKE_COMPLETE] == 1);
	CHECK(p.b->delivered == 1);
	sim_free(&p.sim);
}

/* Up to MAX_STAGED_PACKETS wait for a handshake, and all of them arrive once it completes. */
static void test_staging(void)
{
	struct pair p;
	uint16_t reason;
	unsigned int consumed = 0, full = 0;

	pair_init(&p, 13, true);
	p.b->offline = true;
	for (uint32_t i = 1; i <= 140; i++) {
		int st = sim_send_ip(p.a, AF_INET, "10.0.0.1", "10.0.0.2", i, 500, &reason);

		consumed += st == WG_PACKET_CONSUMED;
		full += st == WG_PACKET_DROP && reason == WG_DROP_QUEUE_FULL;
	}
	CHECK(consumed == 128 && full == 12);
	/* Larger than the MTU: cannot wait. */
	CHECK(sim_send_ip(p.a, AF_INET, "10.0.0.1", "10.0.0.2", 999, 1450, &reason) == WG_PACKET_DROP);
	CHECK(reason == WG_DROP_NO_ROOM);
	sim_run(&p.sim);
	p.b->offline = false;
	sim_advance(&p.sim, 6 * S, 100 * MS);	/* the retransmitted initiation gets through */
	CHECK(p.a->events[WG_EVENT_HANDSHAKE_COMPLETE] == 1);
	CHECK(p.b->delivered == 128 && p.b->last_seq == 128);
	/* The queue is free again. */
	CHECK(sim_send_ip(p.a, AF_INET, "10.0.0.1", "10.0.0.2", 200, 10, NULL) == WG_PACKET_SEND);

	/* The engine-wide pool is bounded: 40 silent peers x 128 > 4096 slots. */
	struct sim_node *c = sim_add_node(&p.sim, "192.0.2.3", 3);
	unsigned int staged = 0, refused = 0;

	for (int i = 0; i < 40; i++) {
		struct sim_node fake = { .sim = &p.sim };
		char ip[32];

		wg_generate_private_key(fake.private_key);
		wg_generate_public_key(fake.public_key, fake.private_key);
		fake.addr = sim_addr4("192.0.2.200", (uint16_t)(100 + i));
		snprintf(ip, sizeof(ip), "10.1.%d.0", i);
		sim_add_peer(c, &fake, AF_INET, ip, 24, true);
		for (int j = 0; j < 128; j++) {
			snprintf(ip, sizeof(ip), "10.1.%d.%d", i, j + 1);
			if (sim_send_ip(c, AF_INET, "10.0.0.3", ip, (uint32_t)j, 100, &reason) == WG_PACKET_CONSUMED)
				staged++;
			else
				refused += reason == WG_DROP_QUEUE_FULL;
		}
	}
	CHECK(staged == 4096 && refused == 40 * 128 - 4096);
	sim_free(&p.sim);
}

/*
 * Under load, mac2 is checked against the cookie secret, which rotates every
 * two minutes; and sources with a valid cookie are still rate limited.
 */
static void test_cookie_rotation_and_ratelimit(void)
{
	struct pair p;
	struct capture *c = calloc(1, sizeof(*c));
	struct sim_datagram with_cookie;

	pair_init(&p, 14, true);
	c->from = p.a->addr;
	p.sim.tap = capture_tap;
	p.sim.tap_ctx = c;
	wg_engine_test_set_under_load(p.b->engine, true);
	a_to_b(&p, 1);
	sim_run(&p.sim);
	CHECK(p.b->sent_by_type[3] == 1 && p.a->events[WG_EVENT_HANDSHAKE_COMPLETE] == 0);
	sim_advance(&p.sim, 6 * S, 100 * MS);	/* the retransmission carries mac2 */
	CHECK(p.a->events[WG_EVENT_HANDSHAKE_COMPLETE] == 1 && p.b->delivered == 1);
	with_cookie = c->last[1];

	/* The same source, with a valid cookie, six more times at once: the rate limiter
	 * (20/s, burst 5, refilled since) lets five reach the handshake (as replays). */
	unsigned int replay0 = p.b->dropped_by_reason[WG_DROP_REPLAY];
	unsigned int limited0 = p.b->dropped_by_reason[WG_DROP_RATELIMIT];
	for (int i = 0; i < 6; i++)
		sim_deliver(&p.sim, &with_cookie);
	CHECK(p.b->dropped_by_reason[WG_DROP_REPLAY] - replay0 == 5);
	CHECK(p.b->dropped_by_reason[WG_DROP_RATELIMIT] - limited0 == 1);
	sim_run(&p.sim);

	/* Two minutes on, the secret has changed: the old mac2 only earns a new cookie. */
	sim_advance(&p.sim, 125 * S, S);
	unsigned int replies = p.b->sent_by_type[3];
	replay0 = p.b->dropped_by_reason[WG_DROP_REPLAY];
	sim_deliver(&p.sim, &with_cookie);
	CHECK(p.b->sent_by_type[3] == replies + 1);
	CHECK(p.b->dropped_by_reason[WG_DROP_REPLAY] == replay0);
	p.sim.tap = NULL;
	free(c);
	sim_free(&p.sim);
}

/*
 * One server, many clients: every client's handshake and data work, and
 * removing half of the peers while their sessions live drops exactly their
 * traffic.
 */
static void test_many_peers(void)
{
	enum { CLIENTS = 200 };
	struct sim *sim = calloc(1, sizeof(*sim));
	struct sim_node *server, *clients[CLIENTS];
	char ip[32], addr[32];
	wg_device *dev;

	sim_init(sim, 15);
	server = sim_add_node(sim, "192.0.2.1", 51820);
	for (int i = 0; i < CLIENTS; i++) {
		snprintf(addr, sizeof(addr), "198.51.100.%d", i + 1);
		clients[i] = sim_add_node(sim, addr, (uint16_t)(40000 + i));
		snprintf(ip, sizeof(ip), "10.2.%d.%d", i / 250, i % 250 + 1);
		sim_add_peer(server, clients[i], AF_INET, ip, 32, false);
		sim_add_peer(clients[i], server, AF_INET, "10.2.255.254", 32, true);
	}
	for (int i = 0; i < CLIENTS; i++) {
		snprintf(ip, sizeof(ip), "10.2.%d.%d", i / 250, i % 250 + 1);
		sim_send_ip(clients[i], AF_INET, ip, "10.2.255.254", (uint32_t)i, 50, NULL);
	}
	sim_run(sim);
	CHECK(server->delivered == CLIENTS);
	CHECK(server->events[WG_EVENT_HANDSHAKE_COMPLETE] == CLIENTS);
	for (int i = 0; i < CLIENTS; i++) {
		snprintf(ip, sizeof(ip), "10.2.%d.%d", i / 250, i % 250 + 1);
		CHECK(sim_send_ip(server, AF_INET, "10.2.255.254", ip, (uint32_t)i, 50, NULL) == WG_PACKET_SEND);
	}
	sim_run(sim);
	unsigned int ok = 0;
	for (int i = 0; i < CLIENTS; i++)
		ok += clients[i]->delivered == 1 && clients[i]->last_seq == (uint32_t)i;
	CHECK(ok == CLIENTS);

	/* Remove the even clients from the server. */
	dev = wg_device_new(NULL);
	for (int i = 0; i < CLIENTS; i += 2) {
		wg_peer *p = wg_device_add_peer(dev);

		p->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_REMOVE_ME;
		memcpy(p->public_key, clients[i]->public_key, sizeof(wg_key));
	}
	CHECK(wg_engine_set_device(server->engine, dev) == 0);
	wg_free_device(dev);
	unsigned int delivered = server->delivered;
	for (int i = 0; i < CLIENTS; i++) {
		snprintf(ip, sizeof(ip), "10.2.%d.%d", i / 250, i % 250 + 1);
		sim_send_ip(clients[i], AF_INET, ip, "10.2.255.254", 1000u + (uint32_t)i, 50, NULL);
	}
	sim_run(sim);
	CHECK(server->delivered - delivered == CLIENTS / 2);
	CHECK(server->dropped_by_reason[WG_DROP_UNKNOWN_INDEX] == CLIENTS / 2);
	CHECK(wg_engine_get_device(server->engine, &dev) == 0);
	size_t n = 0;
	wg_peer *p;
	wg_for_each_peer(dev, p)
		n += p->rx_bytes > 0;
	CHECK(n == CLIENTS / 2);
	wg_free_device(dev);
	sim_free(sim);
	free(sim);
}

int main(void)
{
	test_handshake_and_data();
	test_keepalives();
	test_rekey_after_time();
	test_rekey_after_messages();
	test_expiry_and_give_up();
	test_roaming();
	test_sticky_local_address();
	test_replays();
	test_allowed_ips_and_unknown_peers();
	test_lossy_wire();
	test_under_load();
	test_invalid_mac1_flood();
	test_preshared_key();
	test_staging();
	test_cookie_rotation_and_ratelimit();
	test_many_peers();
	test_hundred_rekeys();
	return test_done();
}
