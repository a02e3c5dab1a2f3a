// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * "Under load" by the depth of the driver's handshake queue (issue #15), as
 * the Linux driver decides it (MAX_QUEUED_INCOMING_HANDSHAKES / 8, sticky for
 * one second), against the rate that stands for it without a queue:
 *  - a burst above 512/s that the driver drains as it comes (depth 1) must
 *    not make a legitimate initiator fetch a cookie (REKEY_TIMEOUT, 5 s);
 *  - a backlog of 600 queued messages arriving at only 50/s (a slow machine)
 *    must be answered with cookies, also for a second after it drains;
 * and wg_engine_classify() sorts datagrams for such a queue.
 */
#include "sim.h"
#include "blake2s.h"
#include "engine.h"
#include "util.h"

#define S 1000000000ULL
#define MS 1000000ULL
#define CAPACITY 4096

struct pair {
	struct sim sim;
	struct sim_node *a, *b;
};

static void pair_init(struct pair *p, uint64_t seed)
{
	sim_init(&p->sim, seed);
	p->a = sim_add_node(&p->sim, "192.0.2.1", 51820);
	p->b = sim_add_node(&p->sim, "192.0.2.2", 51821);
	sim_add_peer(p->a, p->b, AF_INET, "10.0.0.2", 32, true);
	sim_add_peer(p->b, p->a, AF_INET, "10.0.0.1", 32, true);
}

/* A handshake message of len bytes with random contents and a valid mac1 for node. */
static void bogus_message(struct sim *sim, const struct sim_node *node, uint8_t type, uint8_t *msg, size_t len)
{
	uint8_t key[32];
	struct blake2s_state st;

	blake2s_init(&st, 32, NULL, 0);
	blake2s_update(&st, "mac1----", 8);
	blake2s_update(&st, node->public_key, 32);
	blake2s_final(&st, key);
	for (size_t k = 0; k < len; k++)
		msg[k] = (uint8_t)sim_rand(sim);
	msg[0] = type;
	msg[1] = msg[2] = msg[3] = 0;
	blake2s(msg + len - 32, 16, msg, len - 32, key, 32);
	memset(msg + len - 16, 0, 16);
}

/* The last initiation a sent (the tap sees the wire). */
static struct sim_datagram last_initiation;

static void tap_initiations(struct sim *sim, const struct sim_datagram *d)
{
	(void)sim;
	if (d->len == 148 && d->data[0] == 1)
		last_initiation = *d;
}

static int classify(wg_engine *e, const uint8_t *msg, size_t len);

static void deliver_bogus(struct pair *p, unsigned int i)
{
	struct sim_datagram d;
	char ip[32];

	bogus_message(&p->sim, p->b, 1, d.data, 148);
	snprintf(ip, sizeof(ip), "203.0.113.%u", i % 250 + 1);
	d.src = sim_addr4(ip, (uint16_t)(1000 + i));
	d.dst = p->b->addr;
	d.len = 148;
	sim_deliver(&p->sim, &d);
}

/*
 * 1,000 valid-mac1 initiations in one second, each drained at once (depth
 * 1), and a legitimate handshake 700 ms in.  With the queue's depth: no
 * cookie for anyone, the handshake completes at once.  By rate (the
 * default, what wg-engine did before it had a queue): cookies for all past
 * the 512th, the legitimate initiator among them.
 */
static void run_burst(bool queue, unsigned int *cookies_sent, unsigned int *cookies_to_a, uint64_t *hs_ns)
{
	struct pair p;
	uint64_t t0 = 0, done = 0;

	pair_init(&p, queue ? 41 : 42);
	for (unsigned int i = 0; i < 1000 || (!done && i < 8000); i++) {
		if (queue)
			CHECK(wg_engine_set_handshake_queue(p.b->engine, 1, CAPACITY) == 0);
		if (i < 1000)
			deliver_bogus(&p, i);
		if (i == 700) {
			t0 = p.sim.now;
			sim_send_ip(p.a, AF_INET, "10.0.0.1", "10.0.0.2", 1, 64, NULL);
			sim_run(&p.sim);
		}
		sim_advance(&p.sim, MS, MS);
		if (!done && p.a->events[WG_EVENT_HANDSHAKE_COMPLETE])
			done = p.sim.now;
	}
	*cookies_sent = p.b->sent_by_type[3];
	*cookies_to_a = p.a->received_by_type[3];
	*hs_ns = done ? done - t0 : UINT64_MAX;
	CHECK(done && p.b->delivered == 1);
	sim_free(&p.sim);
}

static void test_burst_shallow_queue(void)
{
	unsigned int sent, to_a;
	uint64_t ns;

	run_burst(false, &sent, &to_a, &ns);
	printf("# by rate: 1000/s burst: %u cookie replies, legitimate handshake %.1f ms\n", sent, (double)ns / 1e6);
	CHECK(sent > 0 && to_a == 1);	/* the fault a queue's depth avoids */
	CHECK(ns >= 5 * S);
	run_burst(true, &sent, &to_a, &ns);
	printf("# by depth: 1000/s burst, depth 1: %u cookie replies, legitimate handshake %.1f ms\n", sent,
	       (double)ns / 1e6);
	CHECK(sent == 0 && to_a == 0);
	CHECK(ns <= 100 * MS);
}

/*
 * 50 valid-mac1 initiations a second while 600 wait in the queue: under load
 * by depth (each gets a cookie, so does the legitimate initiator), not by
 * rate.  Once the queue drains, still under load for one second, then not.
 */
static void test_deep_queue_slow_rate(void)
{
	unsigned int before;
	struct pair p;

	pair_init(&p, 43);
	p.sim.tap = tap_initiations;
	for (unsigned int i = 0; i < 50; i++) {
		deliver_bogus(&p, i);
		sim_advance(&p.sim, 20 * MS, 20 * MS);
	}
	printf("# by rate: 50/s with 600 queued: %u cookie replies\n", p.b->sent_by_type[3]);
	CHECK(p.b->sent_by_type[3] == 0);	/* the fault: a backlog unnoticed */

	CHECK(wg_engine_set_handshake_queue(p.b->engine, 600, CAPACITY) == 0);
	for (unsigned int i = 0; i < 50; i++) {
		deliver_bogus(&p, i);
		sim_advance(&p.sim, 20 * MS, 20 * MS);
	}
	printf("# by depth: 50/s with 600 queued: %u cookie replies\n", p.b->sent_by_type[3]);
	CHECK(p.b->sent_by_type[3] == 50);
	sim_send_ip(p.a, AF_INET, "10.0.0.1", "10.0.0.2", 1, 64, NULL);
	sim_run(&p.sim);
	CHECK(p.a->received_by_type[3] == 1);
	CHECK(!p.a->events[WG_EVENT_HANDSHAKE_COMPLETE]);

	/* Drained: sticky for a second (kernel: last_under_load + 1 s). */
	CHECK(wg_engine_set_handshake_queue(p.b->engine, 1, CAPACITY) == 0);
	before = p.b->sent_by_type[3];
	sim_advance(&p.sim, 900 * MS, 100 * MS);
	deliver_bogus(&p, 100);
	CHECK(p.b->sent_by_type[3] == before + 1);
	sim_advance(&p.sim, 200 * MS, 100 * MS);
	deliver_bogus(&p, 101);
	CHECK(p.b->sent_by_type[3] == before + 1);
	/* a retries with its cookie after REKEY_TIMEOUT; no load: straight through. */
	sim_advance(&p.sim, 6 * S, 100 * MS);
	CHECK(p.a->events[WG_EVENT_HANDSHAKE_COMPLETE] == 1);
	CHECK(p.b->delivered == 1);
	/* That retry carried the cookie: classified for the queue's front lane,
	 * but only from the address the cookie was made for. */
	{
		struct wg_packet pkt = { .buf = last_initiation.data, .size = sizeof(last_initiation.data),
					 .len = 148, .endpoint = last_initiation.src };

		CHECK(wg_engine_classify(p.b->engine, &pkt) == WG_DATAGRAM_HANDSHAKE_COOKIE);
		pkt.endpoint.addr4.sin_port ^= 1;
		CHECK(wg_engine_classify(p.b->engine, &pkt) == WG_DATAGRAM_HANDSHAKE);
		CHECK(classify(p.a->engine, last_initiation.data, 148) == WG_DATAGRAM_JUNK);
	}

	/* Back to the rate: a depth of 600 is no longer read. */
	CHECK(wg_engine_set_handshake_queue(p.b->engine, 0, 0) == 0);
	before = p.b->sent_by_type[3];
	deliver_bogus(&p, 102);
	CHECK(p.b->sent_by_type[3] == before);
	sim_free(&p.sim);
}

static void test_invalid_arguments(void)
{
	struct pair p;

	pair_init(&p, 44);
	CHECK(wg_engine_set_handshake_queue(p.b->engine, 0, 7) == -EINVAL && errno == EINVAL);
	CHECK(wg_engine_set_handshake_queue(p.b->engine, 9, 8) == -EINVAL);
	CHECK(wg_engine_set_handshake_queue(p.b->engine, 1, 0) == -EINVAL);
	/* Refused calls changed nothing: still by rate, a single message is no load. */
	deliver_bogus(&p, 1);
	CHECK(p.b->sent_by_type[3] == 0);
	CHECK(wg_engine_set_handshake_queue(p.b->engine, 8, 8) == 0);
	deliver_bogus(&p, 2);
	CHECK(p.b->sent_by_type[3] == 1);
	sim_free(&p.sim);
}

static int classify(wg_engine *e, const uint8_t *msg, size_t len)
{
	static uint8_t buf[256];
	struct wg_packet pkt = { .buf = buf, .size = sizeof(buf), .offset = 16, .len = (uint32_t)len };

	memcpy(buf + 16, msg, len);
	return wg_engine_classify(e, &pkt);
}

static void test_classify(void)
{
	struct wg_engine_options o = { .size = sizeof(o), .send = sim_send };
	uint8_t msg[148], other[148];
	struct wg_packet pkt;
	wg_engine *keyless;
	struct pair p;

	pair_init(&p, 45);
	bogus_message(&p.sim, p.b, 1, msg, 148);
	CHECK(classify(p.b->engine, msg, 148) == WG_DATAGRAM_HANDSHAKE);
	CHECK(classify(p.a->engine, msg, 148) == WG_DATAGRAM_JUNK);	/* mac1 for b, not a */
	CHECK(classify(p.b->engine, msg, 147) == WG_DATAGRAM_JUNK);
	msg[40] ^= 1;
	CHECK(classify(p.b->engine, msg, 148) == WG_DATAGRAM_JUNK);
	bogus_message(&p.sim, p.b, 2, msg, 92);
	CHECK(classify(p.b->engine, msg, 92) == WG_DATAGRAM_HANDSHAKE);
	CHECK(classify(p.b->engine, msg, 148) == WG_DATAGRAM_JUNK);
	bogus_message(&p.sim, p.b, 3, other, 64);	/* cookie replies: no mac1 */
	CHECK(classify(p.b->engine, other, 64) == WG_DATAGRAM_OTHER);
	bogus_message(&p.sim, p.b, 4, other, 48);	/* data */
	CHECK(classify(p.b->engine, other, 48) == WG_DATAGRAM_OTHER);
	CHECK(classify(p.b->engine, other, 3) == WG_DATAGRAM_OTHER);	/* decrypt says MALFORMED */
	memset(&pkt, 0, sizeof(pkt));
	CHECK(wg_engine_classify(p.b->engine, &pkt) == WG_DATAGRAM_OTHER);
	/* No private key: no mac1 can be ours. */
	CHECK(wg_engine_new(&keyless, &o) == 0);
	memset(msg, 0, sizeof(msg));
	msg[0] = 1;
	CHECK(classify(keyless, msg, 148) == WG_DATAGRAM_JUNK);
	wg_engine_free(keyless);
	sim_free(&p.sim);
}

int main(void)
{
	test_burst_shallow_queue();
	test_deep_queue_slow_rate();
	test_invalid_arguments();
	test_classify();
	return test_done();
}
