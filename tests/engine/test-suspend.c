// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A phone suspended past REJECT_AFTER_TIME: on resume its sessions must be
 * dead (new data waits for a new handshake; datagrams of the old session
 * are refused), not revived.  The injectable clock plays the suspend: time
 * jumps with no tick in between, as it does for an engine whose clock keeps
 * counting while the machine sleeps (CLOCK_BOOTTIME, the default on Linux).
 * The control case plays a clock that stops during suspend (CLOCK_MONOTONIC
 * on Linux): there the stale session is used again at once.
 */
#include "sim.h"
#include "messages.h"

#define S 1000000000ULL

struct pair {
	struct sim sim;
	struct sim_node *a, *b;
};

static void pair_up(struct pair *p, uint64_t seed)
{
	sim_init(&p->sim, seed);
	p->a = sim_add_node(&p->sim, "192.0.2.1", 51820);
	p->b = sim_add_node(&p->sim, "192.0.2.2", 51821);
	sim_add_peer(p->a, p->b, AF_INET, "10.0.0.2", 32, true);
	sim_add_peer(p->b, p->a, AF_INET, "10.0.0.1", 32, true);
	sim_send_ip(p->a, AF_INET, "10.0.0.1", "10.0.0.2", 1, 64, NULL);
	sim_run(&p->sim);
	CHECK(p->a->events[WG_EVENT_HANDSHAKE_COMPLETE] == 1 && p->b->delivered == 1);
}

/* A data datagram a sends now, kept off the wire to be delivered later. */
static struct sim_datagram take_datagram(struct pair *p, uint32_t seq)
{
	struct sim_datagram d;

	CHECK(sim_send_ip(p->a, AF_INET, "10.0.0.1", "10.0.0.2", seq, 64, NULL) == WG_PACKET_SEND);
	CHECK(p->sim.wire_n == 1 && p->sim.wire[0].data[0] == MESSAGE_DATA);
	d = p->sim.wire[0];
	p->sim.wire_n = 0;
	return d;
}

static void test_suspend_past_reject_after_time(void)
{
	struct pair p;
	struct sim_datagram old;
	uint16_t reason;
	unsigned int inits;

	pair_up(&p, 21);
	old = take_datagram(&p, 2);
	/* Asleep: no tick runs, the clock moves on. */
	p.sim.now += (REJECT_AFTER_TIME + 1) * S;

	/* a's old session is not used: the packet waits, a handshake starts. */
	inits = p.a->sent_by_type[MESSAGE_HANDSHAKE_INITIATION];
	CHECK(sim_send_ip(p.a, AF_INET, "10.0.0.1", "10.0.0.2", 3, 64, &reason) == WG_PACKET_CONSUMED);
	CHECK(p.a->sent_by_type[MESSAGE_HANDSHAKE_INITIATION] == inits + 1);
	/* b refuses a datagram of the old session (sent before the suspend). */
	p.sim.wire_n = 0;	/* the initiation waits */
	sim_deliver(&p.sim, &old);
	CHECK(p.b->delivered == 1);
	CHECK(p.b->dropped_by_reason[WG_DROP_EXPIRED] + p.b->dropped_by_reason[WG_DROP_UNKNOWN_INDEX] == 1);
	/* Nor does b answer on it. */
	CHECK(sim_send_ip(p.b, AF_INET, "10.0.0.2", "10.0.0.1", 4, 64, &reason) == WG_PACKET_CONSUMED);

	/* The timers catch up, a new handshake runs, the staged packets go. */
	sim_advance(&p.sim, 6 * S, S);
	CHECK(p.a->events[WG_EVENT_HANDSHAKE_COMPLETE] >= 2);
	CHECK(p.b->delivered == 2 && p.b->last_seq == 3);
	CHECK(p.a->delivered == 1 && p.a->last_seq == 4);
	sim_free(&p.sim);
}

/* Control: a clock that stopped while asleep revives the old session. */
static void test_suspend_on_a_stopping_clock(void)
{
	struct pair p;
	struct sim_datagram old;
	unsigned int inits;

	pair_up(&p, 22);
	old = take_datagram(&p, 2);
	/* Asleep for hours, but the clock shows nothing. */
	inits = p.a->sent_by_type[MESSAGE_HANDSHAKE_INITIATION];
	CHECK(sim_send_ip(p.a, AF_INET, "10.0.0.1", "10.0.0.2", 3, 64, NULL) == WG_PACKET_SEND);
	CHECK(p.a->sent_by_type[MESSAGE_HANDSHAKE_INITIATION] == inits);
	sim_deliver(&p.sim, &old);
	CHECK(p.b->delivered == 2);
	sim_free(&p.sim);
}

int main(void)
{
	test_suspend_past_reject_after_time();
	test_suspend_on_a_stopping_clock();
	return test_done();
}
