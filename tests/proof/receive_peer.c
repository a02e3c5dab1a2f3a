/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * WP: receive_data (lib/engine/receive.c) hands the source check the peer
 * that sent the packet.  deliver_from()'s contract is proved on its own
 * (tests/proof/source_check.c: it delivers only if the longest match of
 * the packet's source is its `peer` argument); here WP proves, at
 * receive_data's one call of it, the precondition below: that argument is
 * the peer the index table names for the receiver index in the packet's
 * header (whose keypair was then looked up, opened the packet and accepted
 * its counter), and the bytes checked are the packet's payload.  Chained,
 * the two say: a data packet is delivered only if its source's longest
 * match is the peer the header's receiver index names.
 *
 * The payload's bytes play no part here (WHICH peer is passed does not
 * depend on them), so this goal stays small: only the four bytes of the
 * header's receiver index must survive the callees, whose contracts below
 * say what each may change (the peer's state, the outbox, the payload for
 * the AEAD; never the header, the packet struct or the index table).
 */
#include "engine.h"

/*@ axiomatic ReceivePeer {
      // The receiver index in a data header, as wg_le32 decodes its 4 bytes
      // (any fixed function of them: the proof does not depend on which).
      logic integer header_index(integer b0, integer b1, integer b2, integer b3);
      // The peer the index table names for a receiver index (the engine's
      // read lock keeps the table fixed during the call).
      logic struct engine_peer *sender(struct wg_engine *e, integer index);
      // The receiver index the packet's header carries when receive_data is
      // called: any value (uninterpreted, so what is proved holds for each).
      logic integer arrived;
      // deliver_from's source check passed for this peer: what
      // source-check-wp proves of it (its ensures source_check: the
      // source's longest match is peer), abstracted to a name here.
      predicate source_passed(struct engine_peer *peer);
    }
    logic integer index_at{L}(uint8_t *p) = header_index(p[0], p[1], p[2], p[3]);
*/
/* The receiver index of the data message at msg (its bytes 4..7).  A macro,
 * not a logic function: the goals then name the very term wg_le32's
 * contract gives, and Qed matches them without unfolding anything. */
#define receiver(msg) index_at(&((struct message_data *)(msg))->key_idx[0])

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

/* Assumed (string.h, util.h): the key's copy and its wipe write only the
 * key.  Renamed to byte-typed twins, so that WP's goals carry no char casts
 * (libc's memcpy contract speaks of chars and of memcmp). */
#include <string.h>
#include "util.h"
#define memcpy(d, s, n) rx_memcpy((uint8_t *)(d), (const uint8_t *)(s), n)
#define wg_memzero(p, n) rx_memzero((uint8_t *)(p), n)
/*@ assigns dest[0 .. n - 1] \from src[0 .. n - 1]; */
void rx_memcpy(uint8_t *dest, const uint8_t *src, size_t n);
/*@ assigns p[0 .. n - 1]; */
void rx_memzero(uint8_t *p, size_t n);

/* Assumed (crypto trusted): opens in place, or fails. */
/*@ assigns dst[0 .. src_len - 16 - 1], \result \from src[0 .. src_len - 1], key[0 .. 31]; */
bool chacha20poly1305_decrypt(uint8_t *dst, const uint8_t *src, size_t src_len, const uint8_t *ad,
			      size_t ad_len, uint64_t nonce, const uint8_t key[CHACHA20POLY1305_KEY_SIZE]);

/* Assumed (replay.c, proved on its own: replay-wp): changes only the window. */
/*@ assigns *c; */
bool wg_replay_check_and_update(struct wg_replay_counter *c, uint64_t counter, uint64_t reject_after_messages);

/* Assumed (noise.c, timers.c, peer.c, send.c, engine.c): the peer's state
 * and the outbox, never the packet or the index table. */
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
static void keep_key_fresh(struct wg_outbox *ob, struct engine_peer *peer, uint64_t now);

/* The property, checked at the call: deliver_from is given the sender. */
/*@ requires from_sender: peer == sender(engine, arrived);
    requires payload: p == pkt->buf + pkt->offset + sizeof(struct message_data);
    requires payload_len: plain_len == pkt->len - MESSAGE_MINIMUM_LENGTH;
    assigns pkt->offset, pkt->len, pkt->reason, pkt->status;
    ensures checked: pkt->status == WG_PACKET_DELIVER ==> source_passed(peer); */
static void deliver_from(struct wg_engine *engine, struct wg_packet *pkt, const uint8_t *p, uint32_t plain_len,
			 struct engine_peer *peer);

/* The caller's promises (decrypt_one: a data message of at least 32 bytes
 * inside the buffer; the peer is a live object apart from the packet). */
/*@ requires \valid(pkt) && \valid(ob) && \valid(engine);
    requires pkt->len >= MESSAGE_MINIMUM_LENGTH && pkt->offset + pkt->len <= UINT32_MAX;
    requires \valid(pkt->buf + (pkt->offset .. pkt->offset + pkt->len - 1));
    requires header: receiver(pkt->buf + pkt->offset) == arrived;
    requires \valid(sender(engine, arrived));
    requires \separated(pkt, ob, engine, sender(engine, arrived),
                        pkt->buf + (pkt->offset .. pkt->offset + pkt->len - 1));
    // Implied by the line above; spelt out field by field for the provers.
    requires \separated(&pkt->buf, &pkt->offset, &pkt->len, &pkt->status,
                        &sender(engine, arrived)->keypairs, &sender(engine, arrived)->timers,
                        &sender(engine, arrived)->endpoint, &sender(engine, arrived)->staged,
                        &sender(engine, arrived)->tx_bytes, ob);
    // A packet leaves delivered only through the source check, done for
    // the peer the header's receiver index names.
    ensures delivered_from_sender: pkt->status == WG_PACKET_DELIVER ==> source_passed(sender(engine, arrived)); */
static void receive_data(struct wg_outbox *ob, struct wg_engine *engine, struct wg_packet *pkt, uint64_t now);

#include "receive.c"
