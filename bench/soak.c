// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Soak: two engines over a lossy simulated wire (tests/engine/sim.h: loss,
 * duplicates, reordering) for many simulated hours, with traffic both ways
 * every second, a rekey every two minutes, and the client roaming to a new
 * address and port every 20 minutes.  Prints, per simulated hour, the heap
 * in use (mallinfo2) against the first hour's, the longest gap between two
 * delivered packets, handshakes, roams; and fails if the heap grows, a
 * session is lost (a gap past the 90 s after which the engine gives up on a
 * handshake, or a PEER_UNREACHABLE / SESSION_EXPIRED event), or a counter
 * regresses (a session's nonces on the wire, or a peer's byte counts and
 * handshake time from wg_engine_get_device()).
 *
 * Usage: bench-soak [hours=10] [loss%=5]
 */
#include <malloc.h>
#include <stdio.h>

#include "../tests/engine/sim.h"
#include "engine.h"
#include "util.h"

#define S 1000000000ULL
#define MS 1000000ULL

/* The newest nonce seen on the wire per receiver index (a small open table). */
struct nonces {
	uint32_t idx[4096];
	uint64_t last[4096];
	unsigned int regressions;
};

static void tap(struct sim *s, const struct sim_datagram *d)
{
	struct nonces *n = s->tap_ctx;

	if (d->len < 32 || d->data[0] != 4)
		return;
	uint32_t idx = wg_le32(d->data + 4);
	uint64_t c = wg_le64(d->data + 8);
	unsigned int h = (idx * 2654435761u) % 4096;

	while (n->idx[h] && n->idx[h] != idx)
		h = (h + 1) % 4096;
	/* Taps see datagrams in send order: a session's nonces only go up. */
	if (n->idx[h] == idx && c <= n->last[h])
		n->regressions++;
	n->idx[h] = idx;
	n->last[h] = c;
}

struct stats {
	uint64_t rx, tx, hs;
};

static bool peer_stats(struct sim_node *node, struct stats *st)
{
	wg_device *dev = NULL;
	bool ok;

	if (wg_engine_get_device(node->engine, &dev))
		return false;
	ok = dev->first_peer != NULL;
	if (ok) {
		st->rx = dev->first_peer->rx_bytes;
		st->tx = dev->first_peer->tx_bytes;
		st->hs = (uint64_t)dev->first_peer->last_handshake_time.tv_sec * S +
			 (uint64_t)dev->first_peer->last_handshake_time.tv_nsec;
	}
	wg_free_device(dev);
	return ok;
}

int main(int argc, char **argv)
{
	unsigned int hours = argc > 1 ? (unsigned int)atoi(argv[1]) : 10;
	unsigned int loss = argc > 2 ? (unsigned int)atoi(argv[2]) : 5;
	struct sim *sim = calloc(1, sizeof(*sim));
	struct nonces *nonces = calloc(1, sizeof(*nonces));
	struct sim_node *a, *b;
	struct stats prev[2] = { { 0 } }, cur;
	uint64_t gap[2] = { 0 }, last_rx[2], worst_gap = 0;
	unsigned int delivered[2] = { 0 }, roams = 0, regress = 0, failures = 0;
	size_t heap0 = 0, heap_max = 0;
	uint32_t seq = 0;

	sim_init(sim, 20261203);
	a = sim_add_node(sim, "192.0.2.1", 51820);	/* the server: never moves */
	b = sim_add_node(sim, "198.51.100.1", 40000);	/* the client: roams */
	sim_add_peer(a, b, AF_INET, "10.0.0.2", 32, false);
	sim_add_peer(b, a, AF_INET, "10.0.0.1", 32, true);
	sim->tap = tap;
	sim->tap_ctx = nonces;
	sim->loss_pct = loss;
	sim->dup_pct = 1;
	sim->reorder = true;
	last_rx[0] = last_rx[1] = sim->now;
	printf("soak: %u simulated hours, %u%% loss, 1%% duplicates, reordering; client roams every 20 min\n",
	       hours, loss);
	printf("%5s %12s %8s %10s %10s %6s %6s\n", "hour", "heap bytes", "vs h1", "max gap s", "handshakes", "roams",
	       "events");
	for (unsigned int h = 1; h <= hours; h++) {
		for (unsigned int sec = 0; sec < 3600; sec++) {
			/* Traffic both ways every second; the client starts each exchange. */
			sim_send_ip(b, AF_INET, "10.0.0.2", "10.0.0.1", ++seq, 100, NULL);
			sim_send_ip(a, AF_INET, "10.0.0.1", "10.0.0.2", ++seq, 100, NULL);
			if (sec % 1200 == 600) {	/* roam: a new address and port */
				char ip[32];

				roams++;
				snprintf(ip, sizeof(ip), "198.51.100.%u", 1 + roams % 250);
				b->addr = sim_addr4(ip, (uint16_t)(40000 + roams));
			}
			if (sec % 120 == 60)	/* a rekey as if 2^60 messages were sent */
				wg_engine_test_set_send_counter(b->engine, a->public_key, REKEY_AFTER_MESSAGES + 1);
			for (int step = 0; step < 10; step++) {
				unsigned int before[2] = { a->delivered, b->delivered };

				sim_advance(sim, 100 * MS, 100 * MS);
				for (int i = 0; i < 2; i++) {
					struct sim_node *n = i ? b : a;

					if (n->delivered != before[i]) {
						if (sim->now - last_rx[i] > gap[i])
							gap[i] = sim->now - last_rx[i];
						last_rx[i] = sim->now;
					}
				}
			}
		}
		/* Counters: byte counts and the handshake time only go up. */
		for (int i = 0; i < 2; i++) {
			struct sim_node *n = i ? b : a;

			if (!peer_stats(n, &cur)) {
				failures++;
				continue;
			}
			if (cur.rx < prev[i].rx || cur.tx < prev[i].tx || cur.hs < prev[i].hs)
				regress++;
			prev[i] = cur;
			delivered[i] = n->delivered;
		}
		struct mallinfo2 mi = mallinfo2();

		if (h == 1)
			heap0 = mi.uordblks;
		if (h > 1 && mi.uordblks > heap_max)
			heap_max = mi.uordblks;
		uint64_t g = gap[0] > gap[1] ? gap[0] : gap[1];

		if (g > worst_gap)
			worst_gap = g;
		printf("%5u %12zu %8.3f %10.1f %10u %6u %6u\n", h, mi.uordblks, (double)mi.uordblks / (double)heap0,
		       (double)g / S, a->events[WG_EVENT_HANDSHAKE_COMPLETE], roams,
		       a->events[WG_EVENT_PEER_UNREACHABLE] + b->events[WG_EVENT_PEER_UNREACHABLE] +
			       a->events[WG_EVENT_SESSION_EXPIRED] + b->events[WG_EVENT_SESSION_EXPIRED]);
		fflush(stdout);
		gap[0] = gap[1] = 0;
	}
	regress += nonces->regressions;
	unsigned int lost = a->events[WG_EVENT_PEER_UNREACHABLE] + b->events[WG_EVENT_PEER_UNREACHABLE] +
			    a->events[WG_EVENT_SESSION_EXPIRED] + b->events[WG_EVENT_SESSION_EXPIRED] +
			    (worst_gap > 90 * S);
	bool flat = hours < 2 || heap_max <= heap0 + heap0 / 100;

	printf("delivered: server %u, client %u of %u sent; handshakes %u; roams %u\n", delivered[0], delivered[1], seq,
	       a->events[WG_EVENT_HANDSHAKE_COMPLETE], roams);
	printf("heap after hour 1: %zu bytes, largest after: %zu (%.4fx): %s\n", heap0, heap_max,
	       heap0 ? (double)heap_max / (double)heap0 : 0.0, flat ? "flat" : "GROWS");
	printf("sessions lost: %u (longest silence %.1f s); counter regressions: %u; failures: %u\n", lost,
	       (double)worst_gap / S, regress, failures);
	sim->tap = NULL;
	sim_free(sim);
	free(sim);
	free(nonces);
	return flat && !lost && !regress && !failures ? 0 : 1;
}
