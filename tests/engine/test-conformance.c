// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Protocol conformance at the edges where other engines were found wrong in
 * 2026 (GotaTun 0.7.2 and its audit, boringtun 0.7.1): message-count limits,
 * the replay window, the allowed-IPs source check, receiver indices,
 * padding, roaming and floods.  Each case states the rule it checks (from
 * the whitepaper and the Linux driver, the reference) and would fail on the
 * defect it is named after.  In memory, over tests/engine/sim.h.
 */
#include <stdio.h>

#include "sim.h"
#include "blake2s.h"
#include "crypto.h"
#include "engine.h"
#include "util.h"

#define S 1000000000ULL
#define MS 1000000ULL

/* Under valgrind (WG_TEST_QUICK set by the test setup): the same edges, fewer points between them. */
static bool quick;

static void rule(const char *text)
{
	printf("rule: %s\n", text);
}

struct world {
	struct sim sim;
	struct sim_node *a, *b;
	/* What the tap saw: the last data message from a, and from b. */
	uint64_t a_counter;
	uint32_t a_len, b_len, b_key_idx, a_sender_index;
	wg_endpoint b_dst;
	struct sim_datagram a_data, a_init, b_cookie;
};

static void world_tap(struct sim *s, const struct sim_datagram *d)
{
	struct world *w = s->tap_ctx;
	bool from_a = sim_addr_equal(&d->src, &w->a->addr);

	if (!d->len)
		return;
	if (from_a && d->data[0] == 4) {
		w->a_counter = wg_le64(d->data + 8);
		w->a_len = d->len;
		w->a_data = *d;
	} else if (from_a && d->data[0] == 1) {
		w->a_sender_index = wg_le32(d->data + 4);
		w->a_init = *d;
	} else if (!from_a && d->data[0] == 4) {
		w->b_key_idx = wg_le32(d->data + 4);
		w->b_len = d->len;
		w->b_dst = d->dst;
	} else if (!from_a && d->data[0] == 3) {
		w->b_cookie = *d;
	}
}

/* a = 10.0.0.1 at 192.0.2.1:51820, b = 10.0.0.2 at 192.0.2.2:51821; a session is up. */
static struct world *world_new(uint64_t seed, uint32_t mtu)
{
	struct world *w = calloc(1, sizeof(*w));

	sim_init(&w->sim, seed);
	w->sim.mtu = mtu;
	w->a = sim_add_node(&w->sim, "192.0.2.1", 51820);
	w->b = sim_add_node(&w->sim, "192.0.2.2", 51821);
	sim_add_peer(w->a, w->b, AF_INET, "10.0.0.2", 32, true);
	sim_add_peer(w->b, w->a, AF_INET, "10.0.0.1", 32, true);
	w->sim.tap = world_tap;
	w->sim.tap_ctx = w;
	sim_send_ip(w->a, AF_INET, "10.0.0.1", "10.0.0.2", 1, 16, NULL);
	sim_run(&w->sim);
	CHECK(w->b->delivered == 1);
	return w;
}

static void world_free(struct world *w)
{
	sim_free(&w->sim);
	free(w);
}

static int a_to_b(struct world *w, uint32_t seq)
{
	return sim_send_ip(w->a, AF_INET, "10.0.0.1", "10.0.0.2", seq, 16, NULL);
}

/* One datagram to a node, as from src; returns the status, *reason the reason. */
static int rx(struct sim_node *to, const wg_endpoint *src, const uint8_t *data, uint32_t len, uint16_t *reason)
{
	static _Alignas(16) uint8_t buf[SIM_PKT_MAX + 64];
	struct wg_packet pkt = { .buf = buf, .size = sizeof(buf), .offset = 32, .len = len, .endpoint = *src };

	memcpy(buf + 32, data, len);
	wg_engine_decrypt(to->engine, &pkt, 1);
	if (reason)
		*reason = pkt.reason;
	if (pkt.status == WG_PACKET_DELIVER)
		to->delivered++;
	sim_run(to->sim);
	return pkt.status;
}

/*
 * A data message on from's current session with peer `to` at any counter:
 * what from's sender would put on the wire had it reached that counter.
 */
static uint32_t forge_data(struct sim_node *from, struct sim_node *to, uint64_t counter, uint8_t *out)
{
	struct engine_peer *peer = engine_peer_lookup_by_key(from->engine, to->public_key);
	struct noise_keypair *kp = peer->keypairs.current;
	uint32_t len = sim_ip_packet(out + 16, AF_INET, "10.0.0.1", "10.0.0.2", (uint32_t)counter, 8);
	uint32_t padded = (len + 15) & ~15u;

	memset(out + 16 + len, 0, padded - len);
	wg_put_le32(out, MESSAGE_DATA);
	wg_put_le32(out + 4, kp->remote_index);
	wg_put_le64(out + 8, counter);
	chacha20poly1305_encrypt(out + 16, out + 16, padded, NULL, 0, counter, kp->sending_key);
	return 16 + padded + 16;
}

static int rx_forged(struct world *w, uint64_t counter, uint16_t *reason)
{
	uint8_t msg[128];
	uint32_t len = forge_data(w->a, w->b, counter, msg);

	return rx(w->b, &w->a->addr, msg, len, reason);
}

/* GotaTun 0.7.2 (REJECT_AFTER_MESSAGES not enforced), boringtun 0.7.1 (32-bit nonce). */
static void conf_message_limits(void)
{
	struct world *w = world_new(101, 0);
	uint16_t reason;
	unsigned int inits;

	rule("the nonce is a 64-bit counter on the wire and in the window (2^32 + 5 is not 5)");
	sim_advance(&w->sim, 6 * S, S);
	CHECK(wg_engine_test_set_send_counter(w->a->engine, w->b->public_key, (1ULL << 32) + 5) == 0);
	CHECK(a_to_b(w, 2) == WG_PACKET_SEND);
	CHECK(w->a_counter == (1ULL << 32) + 5);
	sim_run(&w->sim);
	CHECK(w->b->delivered == 2 && w->b->last_seq == 2);
	CHECK(rx_forged(w, 5, &reason) == WG_PACKET_DROP && reason == WG_DROP_REPLAY);
	CHECK(rx_forged(w, (1ULL << 32) + 4, &reason) == WG_PACKET_DELIVER);

	rule("a sender rekeys once it has sent more than REKEY_AFTER_MESSAGES = 2^60 messages, not before");
	inits = w->a->sent_by_type[1];
	CHECK(wg_engine_test_set_send_counter(w->a->engine, w->b->public_key, REKEY_AFTER_MESSAGES - 1) == 0);
	CHECK(a_to_b(w, 3) == WG_PACKET_SEND);
	CHECK(w->a_counter == REKEY_AFTER_MESSAGES - 1);
	CHECK(w->a->sent_by_type[1] == inits);	/* 2^60 sent: not more than the limit */
	CHECK(a_to_b(w, 4) == WG_PACKET_SEND);
	CHECK(w->a_counter == REKEY_AFTER_MESSAGES);
	CHECK(w->a->sent_by_type[1] == inits + 1);
	sim_run(&w->sim);
	CHECK(w->a->events[WG_EVENT_HANDSHAKE_COMPLETE] == 2);
	CHECK(w->b->last_seq == 4);

	rule("the last nonce sent is REJECT_AFTER_MESSAGES - 1 = 2^64 - 2^13 - 2; then the session is unusable");
	sim_advance(&w->sim, 6 * S, S);
	CHECK(wg_engine_test_set_send_counter(w->a->engine, w->b->public_key, REJECT_AFTER_MESSAGES - 1) == 0);
	CHECK(a_to_b(w, 5) == WG_PACKET_SEND);
	CHECK(w->a_counter == REJECT_AFTER_MESSAGES - 1);
	CHECK(a_to_b(w, 6) == WG_PACKET_CONSUMED);	/* waits for the new session */
	CHECK(w->a_counter == REJECT_AFTER_MESSAGES - 1);
	unsigned int delivered = w->b->delivered;
	sim_run(&w->sim);
	CHECK(w->b->delivered == delivered + 2 && w->b->last_seq == 6);
	CHECK(w->a_counter < 16);	/* seq 6 went on the new session */

	rule("a receiver refuses counters >= REJECT_AFTER_MESSAGES even when authentic, accepts the one below");
	CHECK(rx_forged(w, REJECT_AFTER_MESSAGES, &reason) == WG_PACKET_DROP && reason == WG_DROP_REPLAY);
	CHECK(rx_forged(w, UINT64_MAX, &reason) == WG_PACKET_DROP && reason == WG_DROP_REPLAY);
	CHECK(rx_forged(w, REJECT_AFTER_MESSAGES - 1, &reason) == WG_PACKET_DELIVER);
	CHECK(rx_forged(w, REJECT_AFTER_MESSAGES - 1, &reason) == WG_PACKET_DROP && reason == WG_DROP_REPLAY);
	world_free(w);
}

/* GotaTun 0.7.2: a replay window of 1024 instead of 8192. */
static void conf_replay_window(void)
{
	struct world *w = world_new(102, 0);
	const uint64_t n = 100000;
	uint16_t reason;

	rule("8192 bits of replay history, of which 8128 counters behind the newest are usable (Linux: "
	     "COUNTER_BITS_TOTAL - BITS_PER_LONG); older is refused, each counter is accepted once");
	CHECK(rx_forged(w, n, NULL) == WG_PACKET_DELIVER);
	CHECK(rx_forged(w, n - 8128, NULL) == WG_PACKET_DELIVER);	/* the oldest the window holds */
	CHECK(rx_forged(w, n - 8129, &reason) == WG_PACKET_DROP && reason == WG_DROP_REPLAY);
	CHECK(rx_forged(w, n - 1025, NULL) == WG_PACKET_DELIVER);	/* a 1024 window refuses this */
	CHECK(rx_forged(w, n - 4096, NULL) == WG_PACKET_DELIVER);
	CHECK(rx_forged(w, n - 4096, &reason) == WG_PACKET_DROP && reason == WG_DROP_REPLAY);
	CHECK(rx_forged(w, n - 8128, &reason) == WG_PACKET_DROP && reason == WG_DROP_REPLAY);
	CHECK(rx_forged(w, n, &reason) == WG_PACKET_DROP && reason == WG_DROP_REPLAY);
	CHECK(rx_forged(w, n + 1, NULL) == WG_PACKET_DELIVER);
	/* A jump of a whole ring forgets everything before it... */
	CHECK(rx_forged(w, n + 8192, NULL) == WG_PACKET_DELIVER);
	CHECK(rx_forged(w, n + 1, &reason) == WG_PACKET_DROP && reason == WG_DROP_REPLAY);
	/* ...and its new oldest counter, never seen, is accepted once. */
	CHECK(rx_forged(w, n + 64, NULL) == WG_PACKET_DELIVER);
	CHECK(rx_forged(w, n + 64, &reason) == WG_PACKET_DROP && reason == WG_DROP_REPLAY);
	CHECK(rx_forged(w, n + 63, &reason) == WG_PACKET_DROP && reason == WG_DROP_REPLAY);

	rule("out-of-order delivery within the window: every packet once, newest first or shuffled");
	for (int round = 0; round < 2; round++) {
		unsigned int before = w->b->delivered;

		CHECK(wg_engine_test_set_send_counter(w->a->engine, w->b->public_key, n + 20000 + round * 10000u) == 0);
		for (uint32_t i = 0; i < 8130; i++)
			CHECK(a_to_b(w, 1000 + i) == WG_PACKET_SEND);
		CHECK(w->sim.wire_n == 8130);
		if (round == 0) {	/* newest first: the last (oldest) one is one too many */
			unsigned int n = w->sim.wire_n;

			w->sim.wire_n = 0;
			for (unsigned int i = n; i-- > 0;)
				sim_deliver(&w->sim, &w->sim.wire[i]);
			CHECK(w->b->delivered - before == 8129);
			CHECK(w->b->last_seq == 1001);
		} else {		/* the oldest first, then the rest in any order */
			sim_deliver(&w->sim, &w->sim.wire[0]);
			memmove(&w->sim.wire[0], &w->sim.wire[1], --w->sim.wire_n * sizeof(*w->sim.wire));
			w->sim.reorder = true;
			w->sim.dup_pct = 0;
			sim_run(&w->sim);
			w->sim.reorder = false;
			CHECK(w->b->delivered - before == 8130);
		}
	}
	world_free(w);
}

/* One probe: b_or_c sends from src; delivered or dropped for its source. */
static void probe(struct sim_node *from, struct sim_node *to, int family, const char *src, bool deliver)
{
	unsigned int d = to->delivered, s = to->dropped_by_reason[WG_DROP_SOURCE];

	CHECK(sim_send_ip(from, family, src, family == AF_INET ? "10.1.0.1" : "fd00:1::1", 7, 8, NULL) != WG_PACKET_DROP);
	sim_run(from->sim);
	if (to->delivered - d != (deliver ? 1u : 0u) || to->dropped_by_reason[WG_DROP_SOURCE] - s != (deliver ? 0u : 1u)) {
		fprintf(stderr, "source %s: expected %s\n", src, deliver ? "delivered" : "dropped");
		CHECK(0);
	}
}

/* GotaTun 0.7.2: a bug in the allowed-IP source check. */
static void conf_allowed_ip_source(void)
{
	struct sim sim;
	struct sim_node *a, *b, *c;

	rule("a decrypted packet is delivered only if the longest prefix matching its inner source belongs "
	     "to the peer that sent it (prefix boundaries, nested prefixes, both families, no v4-mapped leak)");
	sim_init(&sim, 103);
	a = sim_add_node(&sim, "192.0.2.1", 51820);
	b = sim_add_node(&sim, "192.0.2.2", 51821);
	c = sim_add_node(&sim, "192.0.2.3", 51822);
	sim_add_peer(a, b, AF_INET, "10.1.0.0", 16, true);
	sim_add_peer(a, b, AF_INET, "10.1.2.128", 25, true);
	sim_add_peer(a, b, AF_INET6, "fd00:1::", 48, true);
	sim_add_peer(a, b, AF_INET6, "fd00:1:0:1:8000::", 65, true);
	sim_add_peer(a, c, AF_INET, "10.1.2.0", 24, true);
	sim_add_peer(a, c, AF_INET6, "fd00:1:0:1::", 64, true);
	for (struct sim_node *n = b; n; n = n == b ? c : NULL) {
		sim_add_peer(n, a, AF_INET, "0.0.0.0", 0, true);
		sim_add_peer(n, a, AF_INET6, "::", 0, true);
	}
	probe(b, a, AF_INET, "10.1.0.0", true);
	probe(b, a, AF_INET, "10.1.255.255", true);
	probe(b, a, AF_INET, "10.0.255.255", false);
	probe(b, a, AF_INET, "10.2.0.0", false);
	probe(b, a, AF_INET, "10.1.1.255", true);
	probe(b, a, AF_INET, "10.1.2.0", false);	/* c's /24 is longer than b's /16 */
	probe(b, a, AF_INET, "10.1.2.127", false);
	probe(b, a, AF_INET, "10.1.2.128", true);	/* b's /25 is longer than c's /24 */
	probe(b, a, AF_INET, "10.1.2.255", true);
	probe(b, a, AF_INET, "10.1.3.0", true);
	probe(c, a, AF_INET, "10.1.2.0", true);
	probe(c, a, AF_INET, "10.1.2.127", true);
	probe(c, a, AF_INET, "10.1.2.128", false);
	probe(c, a, AF_INET, "10.1.1.255", false);
	probe(c, a, AF_INET, "10.1.3.0", false);
	probe(b, a, AF_INET6, "fd00:1::", true);
	probe(b, a, AF_INET6, "fd00:1:0:ffff:ffff:ffff:ffff:ffff", true);	/* the /48's last */
	probe(b, a, AF_INET6, "fd00:1:1::", false);				/* just past it */
	probe(b, a, AF_INET6, "fd00:0:ffff:ffff:ffff:ffff:ffff:ffff", false);
	probe(b, a, AF_INET6, "fd00:2::", false);
	probe(b, a, AF_INET6, "fd00:1:0:0:ffff:ffff:ffff:ffff", true);
	probe(b, a, AF_INET6, "fd00:1:0:1::", false);
	probe(b, a, AF_INET6, "fd00:1:0:1:7fff:ffff:ffff:ffff", false);
	probe(b, a, AF_INET6, "fd00:1:0:1:8000::", true);
	probe(b, a, AF_INET6, "fd00:1:0:1:ffff:ffff:ffff:ffff", true);
	probe(b, a, AF_INET6, "fd00:1:0:2::", true);
	probe(b, a, AF_INET6, "::ffff:10.1.0.1", false);
	probe(c, a, AF_INET6, "fd00:1:0:1::", true);
	probe(c, a, AF_INET6, "fd00:1:0:1:7fff:ffff:ffff:ffff", true);
	probe(c, a, AF_INET6, "fd00:1:0:1:8000::", false);
	probe(c, a, AF_INET6, "fd00:1::", false);
	sim_free(&sim);
}

/* Start a handshake from a now (past REKEY_TIMEOUT since the last). */
static void rekey_a(struct world *w)
{
	sim_advance(&w->sim, 6 * S, S);
	CHECK(wg_engine_test_set_send_counter(w->a->engine, w->b->public_key, REKEY_AFTER_MESSAGES + 1) == 0);
	CHECK(a_to_b(w, 50) == WG_PACKET_SEND);
}

/* The GotaTun audit: deviations in index generation. */
static void conf_indices(void)
{
	struct world *w = world_new(104, 0);
	struct wg_index_table *t = &w->a->engine->index_table;
	uint16_t reason;

	rule("a receiver index is unused when chosen: a random candidate that collides (or is 0) is drawn again");
	struct engine_peer *pb = engine_peer_lookup_by_key(w->a->engine, w->b->public_key);
	uint32_t live = pb->keypairs.current->local_index, fresh = live ^ 0x5a5a0001u;

	CHECK(wg_index_table_lookup(t, fresh) == NULL);
	t->random[0] = fresh;
	t->random[1] = live;
	t->random[2] = 0;
	t->random_left = 3;
	rekey_a(w);
	CHECK(w->a_sender_index == fresh);
	sim_run(&w->sim);
	CHECK(w->a->events[WG_EVENT_HANDSHAKE_COMPLETE] == 2);
	CHECK(sim_send_ip(w->b, AF_INET, "10.0.0.2", "10.0.0.1", 60, 8, NULL) == WG_PACKET_SEND);
	CHECK(w->b_key_idx == fresh);
	sim_run(&w->sim);
	CHECK(w->a->delivered == 1 && w->a->last_seq == 60);

	rule("a retired index is not accepted: a session two handshakes old is gone, its packets are unknown");
	struct sim_datagram old = w->a_data;	/* a data message to b on the current session */

	rekey_a(w);
	sim_run(&w->sim);
	rekey_a(w);
	sim_run(&w->sim);
	CHECK(w->a->events[WG_EVENT_HANDSHAKE_COMPLETE] == 4);
	CHECK(rx(w->b, &w->a->addr, old.data, old.len, &reason) == WG_PACKET_DROP && reason == WG_DROP_UNKNOWN_INDEX);

	rule("a handshake's index takes no data before the handshake completes");
	w->b->offline = true;
	rekey_a(w);
	uint8_t msg[64] = { MESSAGE_DATA };

	wg_put_le32(msg + 4, w->a_sender_index);
	CHECK(wg_index_table_lookup(t, w->a_sender_index) != NULL);
	CHECK(rx(w->a, &w->b->addr, msg, sizeof(msg), &reason) == WG_PACKET_DROP && reason == WG_DROP_UNKNOWN_INDEX);
	w->b->offline = false;
	world_free(w);

	rule("indices are random 32-bit values (not sequential, not derived from a peer number), unique per engine");
	enum { CLIENTS = 64 };
	struct sim *sim = calloc(1, sizeof(*sim));
	struct sim_node *server, *clients[CLIENTS];
	uint32_t idx[CLIENTS];
	bool top[256] = { false };
	unsigned int tops = 0;
	char addr[32], ip[32];

	sim_init(sim, 105);
	server = sim_add_node(sim, "192.0.2.1", 51820);
	for (int i = 0; i < CLIENTS; i++) {
		snprintf(addr, sizeof(addr), "198.51.100.%d", i + 1);
		snprintf(ip, sizeof(ip), "10.2.0.%d", i + 1);
		clients[i] = sim_add_node(sim, addr, (uint16_t)(40000 + i));
		sim_add_peer(clients[i], server, AF_INET, "10.2.0.0", 24, true);
		sim_add_peer(server, clients[i], AF_INET, ip, 32, false);
	}
	for (int i = 0; i < CLIENTS; i++) {
		snprintf(ip, sizeof(ip), "10.2.0.%d", i + 1);
		sim_send_ip(clients[i], AF_INET, ip, "10.2.0.254", 1, 8, NULL);
		sim_run(sim);
		struct engine_peer *p = engine_peer_lookup_by_key(server->engine, clients[i]->public_key);

		CHECK(p->keypairs.current);
		idx[i] = p->keypairs.current->local_index;
		for (int j = 0; j < i; j++)
			CHECK(idx[j] != idx[i]);
		if (!top[idx[i] >> 24])
			tops++;
		top[idx[i] >> 24] = true;
	}
	CHECK(tops >= 40);	/* 64 random draws: about 57 of 256 top bytes; a counter: 1 */
	sim_free(sim);
	free(sim);
}

static uint32_t expected_padded(uint32_t len, uint32_t mtu)
{
	uint32_t p = (len + 15) / 16 * 16;

	return len > mtu ? len : p > mtu ? mtu : p;
}

/* The GotaTun audit: padding. */
static void conf_padding(void)
{
	rule("the plaintext is padded with zeros to a multiple of 16 but not beyond the MTU; keepalives are 32 bytes");
	for (uint32_t mtu = 1419; mtu <= 1420; mtu++) {
		struct world *w = world_new(106 + mtu, mtu);
		struct engine_peer *pa = engine_peer_lookup_by_key(w->b->engine, w->a->public_key);
		uint8_t plain[SIM_PKT_MAX];

		sim_advance(&w->sim, 11 * S, S);
		CHECK(w->b_len == 32);	/* b's keepalive, having nothing to send back */
		for (uint32_t len = 24; len <= mtu; len += quick && len < mtu - 40 ? 13 : 1) {
			uint32_t padded = expected_padded(len, mtu);

			CHECK(sim_send_ip(w->a, AF_INET, "10.0.0.1", "10.0.0.2", len, len - 24, NULL) == WG_PACKET_SEND);
			if (w->a_len != 32 + padded) {
				fprintf(stderr, "mtu %u len %u: %u bytes on the wire, expected %u\n", mtu, len, w->a_len,
					32 + padded);
				CHECK(0);
				break;
			}
			/* The padding is zeros (opened with b's key for it). */
			if (len % 97 == 0 || len >= mtu - 20) {
				CHECK(chacha20poly1305_decrypt(plain, w->a_data.data + 16, w->a_len - 16, NULL, 0,
							       w->a_counter, pa->keypairs.current->receiving_key));
				for (uint32_t i = len; i < padded; i++)
					CHECK(plain[i] == 0);
			}
			sim_run(&w->sim);
			CHECK(w->b->last_seq == len && w->b->inbox_last_len == len);
		}
		world_free(w);
	}
	CHECK(expected_padded(1425, 1420) == 1425);
}

/* The GotaTun audit: roaming. */
static void conf_roaming(void)
{
	struct world *w = world_new(108, 0);
	wg_endpoint x = sim_addr4("203.0.113.66", 6666);
	unsigned int changes;
	uint16_t reason;
	struct sim_datagram d;

	rule("a peer's endpoint changes only to the source of an authenticated, not replayed packet");
	CHECK(sim_send_ip(w->b, AF_INET, "10.0.0.2", "10.0.0.1", 2, 8, NULL) == WG_PACKET_SEND);
	CHECK(sim_addr_equal(&w->b_dst, &w->a->addr));
	sim_run(&w->sim);
	changes = w->b->events[WG_EVENT_ENDPOINT_CHANGED];
	d = w->a_data;
	/* A replayed data message, from elsewhere. */
	CHECK(rx(w->b, &x, d.data, d.len, &reason) == WG_PACKET_DROP && reason == WG_DROP_REPLAY);
	/* A forged one (authentication fails). */
	d.data[8] ^= 1;
	CHECK(rx(w->b, &x, d.data, d.len, &reason) == WG_PACKET_DROP && reason == WG_DROP_AUTH);
	d.data[8] ^= 1;
	d.data[40] ^= 1;
	CHECK(rx(w->b, &x, d.data, d.len, &reason) == WG_PACKET_DROP && reason == WG_DROP_AUTH);
	/* A replayed initiation. */
	CHECK(rx(w->b, &x, w->a_init.data, w->a_init.len, &reason) == WG_PACKET_DROP && reason == WG_DROP_REPLAY);
	/* Garbage responses and cookie replies naming a's pending handshake. */
	w->b->offline = true;
	rekey_a(w);
	w->b->offline = false;
	uint8_t resp[92] = { MESSAGE_HANDSHAKE_RESPONSE }, cookie[64] = { MESSAGE_HANDSHAKE_COOKIE };

	wg_put_le32(resp + 8, w->a_sender_index);
	wg_put_le32(cookie + 4, w->a_sender_index);
	unsigned int a_changes = w->a->events[WG_EVENT_ENDPOINT_CHANGED];

	CHECK(rx(w->a, &x, resp, sizeof(resp), &reason) == WG_PACKET_DROP);
	CHECK(rx(w->a, &x, cookie, sizeof(cookie), &reason) == WG_PACKET_DROP);
	CHECK(w->a->events[WG_EVENT_ENDPOINT_CHANGED] == a_changes);
	CHECK(w->b->events[WG_EVENT_ENDPOINT_CHANGED] == changes);
	CHECK(sim_send_ip(w->b, AF_INET, "10.0.0.2", "10.0.0.1", 3, 8, NULL) == WG_PACKET_SEND);
	CHECK(sim_addr_equal(&w->b_dst, &w->a->addr));
	sim_run(&w->sim);

	rule("an authenticated packet from a new address moves the endpoint there");
	w->a->addr = x;
	CHECK(a_to_b(w, 4) == WG_PACKET_SEND);
	sim_run(&w->sim);
	CHECK(w->b->events[WG_EVENT_ENDPOINT_CHANGED] == changes + 1);
	CHECK(sim_addr_equal(&w->b->last_event_endpoint, &x));
	CHECK(sim_send_ip(w->b, AF_INET, "10.0.0.2", "10.0.0.1", 5, 8, NULL) == WG_PACKET_SEND);
	CHECK(sim_addr_equal(&w->b_dst, &x));
	world_free(w);
}

/* A handshake initiation with random contents and a valid mac1 for `to`. */
static void bogus_initiation(uint8_t *m, struct sim *s, const uint8_t *mac1_key)
{
	for (int i = 0; i < 148; i++)
		m[i] = (uint8_t)sim_rand(s);
	wg_put_le32(m, MESSAGE_HANDSHAKE_INITIATION);
	blake2s(m + 116, 16, m, 116, mac1_key, 32);
	memset(m + 132, 0, 16);
}

/* GotaTun 0.7.2: a recvmmsg denial of service. */
static void conf_flood(void)
{
	enum { BATCH = 2048, EVERY = 16 };
	struct world *w = world_new(109, 0);
	struct sim_node *c;
	struct wg_packet *pkts = calloc(BATCH, sizeof(*pkts));
	uint8_t (*bufs)[256] = calloc(BATCH, 256), mac1_key[32];
	struct blake2s_state st;
	unsigned int legit = 0, delivered = 0, auth = 0, limited = 0, other = 0;

	rule("a flood of handshake datagrams in a receive batch is answered with cookies once under load (no DH per "
	     "bogus packet), and every authentic data packet in the same batch is still delivered, in order");
	blake2s_init(&st, 32, NULL, 0);
	blake2s_update(&st, "mac1----", 8);
	blake2s_update(&st, w->b->public_key, 32);
	blake2s_final(&st, mac1_key);
	for (unsigned int i = 0; i < BATCH; i++) {
		struct wg_packet *p = &pkts[i];

		p->buf = bufs[i];
		p->size = 256;
		if (i % EVERY == EVERY - 1) {	/* a's real traffic, taken off the wire */
			CHECK(a_to_b(w, 100 + legit) == WG_PACKET_SEND);
			CHECK(w->sim.wire_n == 1);
			memcpy(p->buf, w->sim.wire[0].data, w->sim.wire[0].len);
			p->len = w->sim.wire[0].len;
			p->endpoint = w->a->addr;
			w->sim.wire_n = 0;
			legit++;
		} else {
			bogus_initiation(p->buf, &w->sim, mac1_key);
			p->len = 148;
			p->endpoint = sim_addr4("198.18.0.0", (uint16_t)i);
			p->endpoint.addr4.sin_addr.s_addr = htonl(0xc6120000u + i);
		}
	}
	wg_engine_decrypt(w->b->engine, pkts, BATCH);
	uint32_t next_seq = 100;

	for (unsigned int i = 0; i < BATCH; i++) {
		if (i % EVERY == EVERY - 1) {
			const uint8_t *ip = pkts[i].buf + pkts[i].offset;

			CHECK(pkts[i].status == WG_PACKET_DELIVER);
			CHECK(ntohl(*(const uint32_t *)(ip + 20)) == next_seq);
			next_seq++;
			delivered++;
		} else if (pkts[i].reason == WG_DROP_AUTH) {
			auth++;
		} else if (pkts[i].reason == WG_DROP_RATELIMIT) {
			limited++;
		} else {
			other++;
		}
	}
	printf("flood batch: %u legit delivered of %u; bogus: %u cost a DH (before load), %u got cookies, %u other\n",
	       delivered, legit, auth, limited, other);
	CHECK(delivered == legit);
	CHECK(auth <= UNDER_LOAD_HANDSHAKES);
	CHECK(limited + auth + other == BATCH - legit && other == 0);
	/* One cookie reply at most per bogus datagram: no amplification. */
	CHECK(w->b->sent_by_type[3] <= limited);
	w->sim.wire_n = 0;

	rule("a legitimate new peer completes its handshake during a flood (cookie, then mac2), within REKEY_TIMEOUT");
	c = sim_add_node(&w->sim, "192.0.2.3", 51822);
	sim_add_peer(c, w->b, AF_INET, "10.0.0.2", 32, true);
	sim_add_peer(w->b, c, AF_INET, "10.0.0.3", 32, false);
	uint64_t start = w->sim.now, done = 0;

	sim_send_ip(c, AF_INET, "10.0.0.3", "10.0.0.2", 1, 8, NULL);
	for (int step = 0; step < 200 && !done; step++) {
		/* 256 bogus initiations per 100 ms: 2560/s, above the load threshold. */
		for (unsigned int i = 0; i < 256; i++) {
			bogus_initiation(bufs[i], &w->sim, mac1_key);
			pkts[i] = (struct wg_packet){ .buf = bufs[i], .size = 256, .len = 148 };
			pkts[i].endpoint = sim_addr4("198.18.0.0", (uint16_t)(step * 256 + i));
		}
		wg_engine_decrypt(w->b->engine, pkts, 256);	/* cookie replies go to nobody */
		sim_advance(&w->sim, 100 * MS, 100 * MS);
		if (c->events[WG_EVENT_HANDSHAKE_COMPLETE])
			done = w->sim.now;
	}
	CHECK(done);
	CHECK(c->received_by_type[3] >= 1);	/* it was asked for a cookie */
	CHECK(w->b->delivered >= 1 && w->b->last_seq == 1);
	printf("legit handshake during the flood: %.1f s (simulated)\n", (double)(done - start) / S);
	CHECK(done - start <= (REKEY_TIMEOUT + 1) * S);
	free(pkts);
	free(bufs);
	world_free(w);
}

int main(void)
{
	quick = getenv("WG_TEST_QUICK") != NULL;
	conf_message_limits();
	conf_replay_window();
	conf_allowed_ip_source();
	conf_indices();
	conf_padding();
	conf_roaming();
	conf_flood();
	return test_done();
}
