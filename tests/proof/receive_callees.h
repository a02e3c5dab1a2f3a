/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * receive_data's callees (lib/engine/receive.c) as both receive proofs
 * assume them (source_check.c, receive_peer.c): what each may change,
 * nothing about its result except the index lookup's.  Not for compilation.
 */
#ifndef WG_PROOF_RECEIVE_CALLEES_H
#define WG_PROOF_RECEIVE_CALLEES_H
#include "engine.h"

/*@ axiomatic ReceiveIndex {
      // The receiver index in a data header, as wg_le32 decodes its 4 bytes
      // (any fixed function of them: the proof does not depend on which).
      logic integer header_index(integer b0, integer b1, integer b2, integer b3);
      // The peer the index table names for a receiver index (the engine's
      // read lock keeps the table fixed during the call).
      logic struct engine_peer *sender(struct wg_engine *e, integer index);
    }
    logic integer index_at{L}(uint8_t *p) = header_index(p[0], p[1], p[2], p[3]);
*/

/* Assumed (peer.c): a known index names its sender. */
/*@ requires \valid(out);
    assigns *out \from engine, index;
    ensures \result ==> out->peer == sender(engine, index) && out->slot <= INDEX_SLOT_HANDSHAKE; */
bool engine_peer_index_lookup(struct wg_engine *engine, uint32_t index, struct index_entry *out);

/* Assumed (util.h): byte decoding; only the index's value matters here. */
/*@ assigns \result \from p[0 .. 3];
    ensures \result == index_at(p); */
static inline uint32_t wg_le32(const uint8_t *p);
/*@ assigns \result \from p[0 .. 7]; */
static inline uint64_t wg_le64(const uint8_t *p);

/* Assumed (lock.h): a lock changes only the lock. */
/*@ assigns *m; */
static inline void wg_mutex_lock(wg_mutex *m);
/*@ assigns *m; */
static inline void wg_mutex_unlock(wg_mutex *m);

/* Assumed (crypto trusted): opens in place, or fails. */
/*@ assigns dst[0 .. src_len - 16 - 1], \result \from src[0 .. src_len - 1], key[0 .. 31]; */
bool chacha20poly1305_decrypt(uint8_t *dst, const uint8_t *src, size_t src_len, const uint8_t *ad,
			      size_t ad_len, uint64_t nonce, const uint8_t key[CHACHA20POLY1305_KEY_SIZE]);

/* Assumed (replay.c, proved on its own: replay-wp): changes only the window. */
/*@ assigns *c; */
bool wg_replay_check_and_update(struct wg_replay_counter *c, uint64_t counter, uint64_t reject_after_messages);

/* Assumed (noise.c, timers.c, peer.c, send.c, engine.c): the peer's state
 * and the outbox, never the packet, the table or the index. */
/*@ assigns \result \from kp->in_use, kp->birthdate, now; */
bool wg_noise_keypair_usable(const struct noise_keypair *kp, uint64_t now);
/*@ assigns peer->keypairs, \result; */
bool wg_noise_received_with_keypair(struct engine_peer *peer, struct noise_keypair *kp);
/*@ assigns peer->timers, *ob; */
void wg_timers_handshake_complete(struct wg_outbox *ob, struct engine_peer *peer);
/*@ assigns peer->timers; */
void wg_timers_any_authenticated_packet_received(struct engine_peer *peer);
/*@ assigns peer->timers; */
void wg_timers_any_authenticated_packet_traversal(struct engine_peer *peer, uint64_t now);
/*@ assigns peer->timers; */
void wg_timers_data_received(struct engine_peer *peer, uint64_t now);
/*@ assigns peer->endpoint, peer->local[0 .. 1], *ob; */
void engine_peer_set_endpoint(struct wg_outbox *ob, struct engine_peer *peer, const struct wg_packet *pkt);
/*@ assigns *ob; */
void wg_outbox_flush(struct wg_outbox *ob, unsigned int room);
/*@ assigns peer->staged, peer->tx_bytes; */
void wg_packet_send_staged(struct engine_peer *peer);

/* deliver_from's preconditions: source_check.c proves its contract under
 * them, receive_peer.c proves them at receive_data's call (one statement).
 * The packet is still a drop; the payload is readable and apart from the
 * packet struct; the table is readable and well formed (allowedips_spec.h). */
#define DELIVER_FROM_REQUIRES \
    requires df_pkt: \valid(pkt) && pkt->status == WG_PACKET_DROP; \
    requires df_plain: plain_len >= 1 && \valid_read(p + (0 .. plain_len - 1)); \
    requires df_offset: pkt->offset + sizeof(struct message_data) <= UINT32_MAX; \
    requires df_apart: \separated(pkt, p + (0 .. plain_len - 1)); \
    requires df_table: \valid_read(&engine->allowedips); \
    requires df_trie: trie(engine->allowedips.root4, 32) && trie(engine->allowedips.root6, 128);

#endif
