/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The protocol's timers as deadlines on the engine's clock, run by
 * wg_engine_tick().  The hooks below are the events of the whitepaper's
 * timer section; each is called with the peer lock held.
 */
#ifndef WG_TIMERS_H
#define WG_TIMERS_H

#include <stdbool.h>
#include <stdint.h>

struct engine_peer;
struct wg_outbox;

struct peer_timers {
	/* Deadlines in ns on the engine clock; 0 = not pending. */
	uint64_t retransmit_handshake;
	uint64_t send_keepalive;
	uint64_t new_handshake;
	uint64_t zero_key_material;
	uint64_t persistent_keepalive;
	unsigned int handshake_attempts;
	bool need_another_keepalive;
	bool sent_lastminute_handshake;
	uint64_t last_sent_handshake;	/* ns; 0 = never */
};

void wg_timers_data_sent(struct engine_peer *peer, uint64_t now);
void wg_timers_data_received(struct engine_peer *peer, uint64_t now);
void wg_timers_any_authenticated_packet_sent(struct engine_peer *peer);
void wg_timers_any_authenticated_packet_received(struct engine_peer *peer);
void wg_timers_any_authenticated_packet_traversal(struct engine_peer *peer, uint64_t now);
void wg_timers_handshake_initiated(struct engine_peer *peer, uint64_t now);
void wg_timers_handshake_complete(struct wg_outbox *ob, struct engine_peer *peer);
void wg_timers_session_derived(struct engine_peer *peer, uint64_t now);

/* Fire what is due; returns the next deadline (0 = none). */
uint64_t wg_timers_run(struct wg_outbox *ob, struct engine_peer *peer, uint64_t now);

#endif
