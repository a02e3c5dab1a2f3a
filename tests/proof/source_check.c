/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * WP: the allowed-IPs source check of lib/engine/receive.c (receive_data).
 * A data packet is delivered only if the owner of the longest allowed-IPs
 * prefix containing its inner source address is the peer that sent it:
 * the peer the receiver index in its header names, whose keypair then
 * opened it.  The lookup's contract is the one allowedips-lookup-wp
 * proves (allowedips_lookup.h: the owner of the longest prefix containing
 * the address, in the trie's model allowedips_spec.h), for a well-formed
 * table.  The other callees are replaced by the contracts
 * below: what each may change (never the packet after it is opened, never
 * the table), nothing about their results.
 */
#include "engine.h"
#include "allowedips_spec.h"
#include "allowedips_lookup.h"

/*@ axiomatic SourceCheck {
      // The receiver index in a data header, as wg_le32 decodes its 4 bytes
      // (any fixed function of them: the proof does not depend on which).
      logic integer header_index(integer b0, integer b1, integer b2, integer b3);
      // The peer the index table names for a receiver index (the engine's
      // read lock keeps the table fixed during the call).
      logic struct engine_peer *sender(struct wg_engine *e, integer index);
    }
    logic integer index_at{L}(uint8_t *p) = header_index(p[0], p[1], p[2], p[3]);
    // The receiver index of the data message at p.
    logic integer receiver{L}(uint8_t *p) = index_at(&((struct message_data *)p)->key_idx[0]);
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
/*@ requires \valid_read(p + (0 .. 1));
    assigns \result \from p[0 .. 1]; */
static uint16_t be16(const uint8_t *p);

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
/*@ assigns peer->timers, *ob; */
void wg_packet_send_handshake_initiation(struct wg_outbox *ob, struct engine_peer *peer, bool is_retry);
/*@ assigns \result \from birthdate, expiration_s, now; */
static inline bool wg_birthdate_has_expired(uint64_t birthdate, uint64_t expiration_s, uint64_t now);

/* Proved in the same run (its assigns): it changes only timers and the outbox. */
/*@ assigns peer->timers, *ob; */
static void keep_key_fresh(struct wg_outbox *ob, struct engine_peer *peer, uint64_t now);

/*@ requires \valid(pkt) && pkt->status == WG_PACKET_DROP;
    requires plain_len >= 1 && \valid_read(p + (0 .. plain_len - 1));
    requires pkt->offset + sizeof(struct message_data) <= UINT32_MAX;
    requires \separated(pkt, p + (0 .. plain_len - 1));
    // The table is well formed (allowedips_spec.h).
    requires \valid_read(&engine->allowedips);
    requires trie(engine->allowedips.root4, 32) && trie(engine->allowedips.root6, 128);
    assigns pkt->offset, pkt->len, pkt->reason, pkt->status;
    // Delivered: an IPv4 or IPv6 packet whose source's longest match is peer.
    ensures source_check: pkt->status == WG_PACKET_DELIVER ==>
      ((unsigned int)(p[0] >> 4) == 4 && longest_match(&engine->allowedips, AF_INET, (uint8_t *)p + 12, peer)) ||
      ((unsigned int)(p[0] >> 4) == 6 && longest_match(&engine->allowedips, AF_INET6, (uint8_t *)p + 8, peer));
    // What is delivered is that packet (the caller passes the bytes after
    // the 16-byte data header), cut to its IP length.
    ensures delivered_is_checked: pkt->status == WG_PACKET_DELIVER ==>
      pkt->offset == \old(pkt->offset) + sizeof(struct message_data) && pkt->len <= plain_len;
    // Otherwise the status is left as the caller set it (a drop).
    ensures else_unchanged: pkt->status != WG_PACKET_DELIVER ==> pkt->status == \old(pkt->status);
*/
static void deliver_from(struct wg_engine *engine, struct wg_packet *pkt, const uint8_t *p, uint32_t plain_len,
			 struct engine_peer *peer);

#include "receive.c"

#ifdef WG_PROOF_RECEIVE_DATA
/* NOT proved, not in the suite (docs/PROOFS.md): the same property stated
 * on receive_data, deliver_from replaced by its contract above.  WP leaves
 * the goal unknown: the source bytes must be carried, through the frames
 * of wg_outbox_flush and wg_packet_send_staged, from deliver_from's return
 * to the post-state, inside ipv4()/ipv6(). */
/*@ requires \valid(pkt) && \valid(ob) && \valid(engine);
    requires pkt->len >= MESSAGE_MINIMUM_LENGTH && pkt->offset + pkt->len <= UINT32_MAX;
    requires \valid(pkt->buf + (pkt->offset .. pkt->offset + pkt->len - 1));
    requires \valid(sender(engine, receiver(pkt->buf + pkt->offset)));
    requires trie(engine->allowedips.root4, 32) && trie(engine->allowedips.root6, 128);
    requires \separated(pkt, ob, engine, sender(engine, receiver(pkt->buf + pkt->offset)),
                        pkt->buf + (pkt->offset .. pkt->offset + pkt->len - 1));
    ensures receive_source_check: pkt->status == WG_PACKET_DELIVER ==>
      \let ip = pkt->buf + pkt->offset;
      \let from = sender(engine, \old(receiver(pkt->buf + pkt->offset)));
      ((unsigned int)(ip[0] >> 4) == 4 && longest_match(&engine->allowedips, AF_INET, ip + 12, from)) ||
      ((unsigned int)(ip[0] >> 4) == 6 && longest_match(&engine->allowedips, AF_INET6, ip + 8, from));
*/
static void receive_data(struct wg_outbox *ob, struct wg_engine *engine, struct wg_packet *pkt, uint64_t now);
#endif
