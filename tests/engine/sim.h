/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A deterministic world for engine tests: engines ("nodes") joined by a
 * simulated UDP wire that can lose, duplicate and reorder datagrams, under
 * one simulated clock.  Everything is in memory and single-threaded.
 */
#ifndef WG_TEST_SIM_H
#define WG_TEST_SIM_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <wireguard.h>

#include "os_net.h"
#include "test.h"

enum { SIM_MAX_NODES = 256, SIM_WIRE_MAX = 1 << 16, SIM_PKT_MAX = 1600, SIM_INBOX = 4096 };

struct sim;

struct sim_datagram {
	wg_endpoint src, dst;
	uint64_t local[2];		/* the sender's wg_packet.reserved */
	uint32_t len;
	uint8_t data[SIM_PKT_MAX];
};

struct sim_node {
	struct sim *sim;
	wg_engine *engine;
	wg_key private_key, public_key;
	wg_endpoint addr;		/* where the node's socket listens */
	uint64_t local[2];		/* wg_packet.reserved of what it receives */
	bool offline;			/* datagrams to it vanish */
	/* What happened at this node. */
	unsigned int events[8];		/* by enum wg_event_type */
	wg_endpoint last_event_endpoint;
	unsigned int sent_by_type[5];	/* datagrams sent, by message type */
	unsigned int received_by_type[5];
	unsigned int delivered, dropped_by_reason[32];
	uint32_t last_seq;		/* of the last delivered test packet */
	uint8_t inbox_last[SIM_PKT_MAX];
	uint32_t inbox_last_len;
};

struct sim {
	uint64_t now;			/* ns */
	struct sim_node nodes[SIM_MAX_NODES];
	unsigned int n_nodes;
	struct sim_datagram *wire;	/* in flight */
	unsigned int wire_n;
	unsigned int loss_pct, dup_pct;
	bool reorder;
	uint64_t rng;
	uint32_t mtu;			/* of nodes added from now on; 0 = the engine's default */
	uint32_t max_peers, max_staged;	/* limits of nodes added from now on; 0 = none, default */
	/* Optional hook: sees every engine event after the node counted it. */
	void (*event_hook)(struct sim_node *node, const struct wg_event *ev);
	/* Optional tap: sees every datagram put on the wire. */
	void (*tap)(struct sim *sim, const struct sim_datagram *d);
	void *tap_ctx;
};

static inline uint32_t sim_rand(struct sim *s)
{
	/* xorshift64*: reproducible across runs for a fixed seed. */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return (uint32_t)((s->rng * 2685821657736338717ULL) >> 32);
}

static inline uint64_t sim_clock(void *ctx)
{
	return ((struct sim_node *)ctx)->sim->now;
}

static inline void sim_realtime(struct timespec *ts, void *ctx)
{
	uint64_t now = ((struct sim_node *)ctx)->sim->now;

	/* A fixed epoch plus simulated time: reproducible timestamps. */
	ts->tv_sec = 1700000000 + (time_t)(now / 1000000000ULL);
	ts->tv_nsec = (long)(now % 1000000000ULL);
}

static inline void sim_wire_put(struct sim *s, const wg_endpoint *src, const wg_endpoint *dst, const uint64_t local[2],
				const uint8_t *p, uint32_t len)
{
	struct sim_datagram *d;

	if (len > SIM_PKT_MAX || s->wire_n >= SIM_WIRE_MAX)
		return;
	d = &s->wire[s->wire_n];
	d->src = *src;
	d->dst = *dst;
	d->local[0] = local[0];
	d->local[1] = local[1];
	d->len = len;
	memcpy(d->data, p, len);
	if (s->tap)
		s->tap(s, d);
	if (s->loss_pct && sim_rand(s) % 100 < s->loss_pct)
		return;
	s->wire_n++;
	if (s->dup_pct && sim_rand(s) % 100 < s->dup_pct && s->wire_n < SIM_WIRE_MAX) {
		s->wire[s->wire_n] = *d;
		s->wire_n++;
	}
}

static inline void sim_send(const struct wg_packet *pkts, size_t n, void *ctx)
{
	struct sim_node *node = ctx;

	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = pkts[i].buf + pkts[i].offset;

		CHECK(pkts[i].status == WG_PACKET_SEND);
		if (pkts[i].len >= 4 && p[0] >= 1 && p[0] <= 4)
			node->sent_by_type[p[0]]++;
		sim_wire_put(node->sim, &node->addr, &pkts[i].endpoint, pkts[i].reserved, p, pkts[i].len);
	}
}

static inline void sim_event(const struct wg_event *ev, void *ctx)
{
	struct sim_node *node = ctx;

	if (ev->type < 8)
		node->events[ev->type]++;
	node->last_event_endpoint = ev->endpoint;
	if (node->sim->event_hook)
		node->sim->event_hook(node, ev);
}

static inline wg_endpoint sim_addr4(const char *ip, uint16_t port)
{
	wg_endpoint e;

	memset(&e, 0, sizeof(e));
	e.addr4.sin_family = AF_INET;
	e.addr4.sin_port = htons(port);
	inet_pton(AF_INET, ip, &e.addr4.sin_addr);
	return e;
}

static inline bool sim_addr_equal(const wg_endpoint *a, const wg_endpoint *b)
{
	if (a->addr.sa_family != b->addr.sa_family)
		return false;
	if (a->addr.sa_family == AF_INET)
		return a->addr4.sin_port == b->addr4.sin_port && a->addr4.sin_addr.s_addr == b->addr4.sin_addr.s_addr;
	return a->addr6.sin6_port == b->addr6.sin6_port &&
	       !memcmp(&a->addr6.sin6_addr, &b->addr6.sin6_addr, 16);
}

static inline void sim_init(struct sim *s, uint64_t seed)
{
	memset(s, 0, sizeof(*s));
	s->wire = calloc(SIM_WIRE_MAX, sizeof(*s->wire));
	s->rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
	s->now = 1000 * 1000000000ULL;	/* not zero: deadlines of 0 mean "none" */
}

static inline struct sim_node *sim_add_node(struct sim *s, const char *ip, uint16_t port)
{
	struct sim_node *node = &s->nodes[s->n_nodes++];
	struct wg_engine_options o = {
		.size = sizeof(o), .ctx = node, .send = sim_send, .event = sim_event,
		.clock = sim_clock, .realtime = sim_realtime, .mtu = s->mtu,
		.max_peers = s->max_peers, .max_staged = s->max_staged,
	};
	wg_device *dev = wg_device_new(NULL);

	node->sim = s;
	node->addr = sim_addr4(ip, port);
	CHECK(wg_engine_new(&node->engine, &o) == 0);
	wg_generate_private_key(node->private_key);
	wg_generate_public_key(node->public_key, node->private_key);
	dev->flags = WGDEVICE_HAS_PRIVATE_KEY | WGDEVICE_HAS_LISTEN_PORT;
	memcpy(dev->private_key, node->private_key, sizeof(wg_key));
	dev->listen_port = port;
	CHECK(wg_engine_set_device(node->engine, dev) == 0);
	wg_free_device(dev);
	return node;
}

/* Make `peer` a peer of `node`, with one allowed IP prefix (and an endpoint if known). */
static inline void sim_add_peer(struct sim_node *node, struct sim_node *peer, int family, const char *prefix,
				uint8_t cidr, bool with_endpoint)
{
	wg_device *dev = wg_device_new(NULL);
	wg_peer *p = wg_device_add_peer(dev);
	wg_allowedip *a = wg_peer_add_allowedip(p);

	p->flags = WGPEER_HAS_PUBLIC_KEY;
	memcpy(p->public_key, peer->public_key, sizeof(wg_key));
	if (with_endpoint)
		p->endpoint = peer->addr;
	a->family = (uint16_t)family;
	inet_pton(family, prefix, family == AF_INET ? (void *)&a->ip4 : (void *)&a->ip6);
	a->cidr = cidr;
	CHECK(wg_engine_set_device(node->engine, dev) == 0);
	wg_free_device(dev);
}

static inline void sim_free(struct sim *s)
{
	for (unsigned int i = 0; i < s->n_nodes; i++)
		wg_engine_free(s->nodes[i].engine);
	free(s->wire);
}

/* Deliver one datagram to the node listening at its destination. */
static inline void sim_deliver(struct sim *s, const struct sim_datagram *d)
{
	static _Alignas(16) uint8_t buf[SIM_PKT_MAX + 64];
	struct wg_packet pkt;

	for (unsigned int i = 0; i < s->n_nodes; i++) {
		struct sim_node *node = &s->nodes[i];

		if (!sim_addr_equal(&node->addr, &d->dst) || node->offline)
			continue;
		memset(&pkt, 0, sizeof(pkt));
		memcpy(buf + 32, d->data, d->len);
		pkt.buf = buf;
		pkt.size = sizeof(buf);
		pkt.offset = 32;
		pkt.len = d->len;
		pkt.endpoint = d->src;
		pkt.reserved[0] = node->local[0];
		pkt.reserved[1] = node->local[1];
		if (d->len && d->data[0] >= 1 && d->data[0] <= 4)
			node->received_by_type[d->data[0]]++;
		wg_engine_decrypt(node->engine, &pkt, 1);
		if (pkt.status == WG_PACKET_DELIVER) {
			const uint8_t *ip = pkt.buf + pkt.offset;

			node->delivered++;
			memcpy(node->inbox_last, ip, pkt.len);
			node->inbox_last_len = pkt.len;
			/* Test packets carry a sequence number right after the IP header. */
			node->last_seq = ntohl(*(const uint32_t *)(ip + ((ip[0] >> 4) == 4 ? 20 : 40)));
		} else if (pkt.status == WG_PACKET_DROP) {
			node->dropped_by_reason[pkt.reason & 31]++;
		}
		return;
	}
}

/* Deliver everything in flight, including what deliveries cause. */
static inline void sim_run(struct sim *s)
{
	static struct sim_datagram d;
	unsigned int head = 0;	/* FIFO: wire[head..wire_n) are in flight */

	while (head < s->wire_n) {
		if (s->reorder) {	/* any order: take one at random, the last fills its place */
			unsigned int i = head + sim_rand(s) % (s->wire_n - head);

			d = s->wire[i];
			s->wire[i] = s->wire[--s->wire_n];
		} else {
			d = s->wire[head++];
		}
		sim_deliver(s, &d);
		/* Moving what is left down once per pass, not once per datagram,
		 * keeps a long queue linear. */
		if (head == s->wire_n || (head && s->wire_n > SIM_WIRE_MAX / 2)) {
			memmove(&s->wire[0], &s->wire[head], (s->wire_n - head) * sizeof(*s->wire));
			s->wire_n -= head;
			head = 0;
		}
	}
	s->wire_n = 0;
}

static inline void sim_tick_all(struct sim *s)
{
	for (unsigned int i = 0; i < s->n_nodes; i++)
		wg_engine_tick(s->nodes[i].engine);
	sim_run(s);
}

/* Advance the clock in steps, ticking every engine and draining the wire. */
static inline void sim_advance(struct sim *s, uint64_t ns, uint64_t step)
{
	uint64_t end = s->now + ns;

	while (s->now < end) {
		s->now += step < end - s->now ? step : end - s->now;
		sim_tick_all(s);
	}
}

/* Build an IPv4 (family AF_INET) or IPv6 packet with a sequence number and payload. */
static inline uint32_t sim_ip_packet(uint8_t *p, int family, const char *src, const char *dst, uint32_t seq,
				     uint32_t payload)
{
	uint32_t hl = family == AF_INET ? 20 : 40, len = hl + 4 + payload;

	memset(p, 0, len);
	if (family == AF_INET) {
		p[0] = 0x45;
		p[2] = (uint8_t)(len >> 8);
		p[3] = (uint8_t)len;
		p[8] = 64;
		p[9] = 17;
		inet_pton(AF_INET, src, p + 12);
		inet_pton(AF_INET, dst, p + 16);
	} else {
		p[0] = 0x60;
		p[4] = (uint8_t)((len - 40) >> 8);
		p[5] = (uint8_t)(len - 40);
		p[6] = 17;
		p[7] = 64;
		inet_pton(AF_INET6, src, p + 8);
		inet_pton(AF_INET6, dst, p + 24);
	}
	*(uint32_t *)(p + hl) = htonl(seq);
	for (uint32_t i = 0; i < payload; i++)
		p[hl + 4 + i] = (uint8_t)(seq + i);
	return len;
}

/* Hand one plaintext packet to a node's engine; SEND results go on the wire. */
static inline int sim_send_ip(struct sim_node *node, int family, const char *src, const char *dst, uint32_t seq,
			      uint32_t payload, uint16_t *reason)
{
	static _Alignas(16) uint8_t buf[WG_PACKET_HEADROOM + SIM_PKT_MAX + WG_PACKET_TAILROOM];
	struct wg_packet pkt;

	memset(&pkt, 0, sizeof(pkt));
	pkt.buf = buf;
	pkt.size = sizeof(buf);
	pkt.offset = WG_PACKET_HEADROOM;
	pkt.len = sim_ip_packet(buf + WG_PACKET_HEADROOM, family, src, dst, seq, payload);
	wg_engine_encrypt(node->engine, &pkt, 1);
	if (pkt.status == WG_PACKET_SEND) {
		node->sent_by_type[4]++;
		sim_wire_put(node->sim, &node->addr, &pkt.endpoint, pkt.reserved, pkt.buf + pkt.offset, pkt.len);
	}
	if (reason)
		*reason = pkt.reason;
	return pkt.status;
}

#endif
