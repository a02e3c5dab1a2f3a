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
#include "receive_callees.h"
#include "allowedips_spec.h"

/*@ axiomatic TrieFrame {
      // What a well-formed trie's definition reads (allowedips_spec.h):
      // each node's validity, children, prefix length and key.
      predicate trie_kept{L1, L2}(struct wg_allowedips_node *n) =
        \forall struct wg_allowedips_node *m; in_trie{L1}(n, m) ==>
          \valid_read{L2}(m) &&
          \at(m->child[0], L1) == \at(m->child[0], L2) && \at(m->child[1], L1) == \at(m->child[1], L2) &&
          \at(m->cidr, L1) == \at(m->cidr, L2) &&
          \at(m->key[0], L1) == \at(m->key[0], L2) && \at(m->key[1], L1) == \at(m->key[1], L2);
      // Assumed (true by induction on in_trie, which the provers do not do):
      // a trie whose nodes keep those fields stays well formed.
      axiom trie_frame{L1, L2}: \forall struct wg_allowedips_node *n, integer bits;
        trie{L1}(n, bits) && trie_kept{L1, L2}(n) ==> trie{L2}(n, bits);
    }
*/

/*@ axiomatic ReceivePeer {
      // The receiver index the packet's header carries when receive_data is
      // called: any value (uninterpreted, so what is proved holds for each).
      logic integer arrived;
      // deliver_from's source check passed for this peer: what
      // source-check-wp proves of it (its ensures source_check: the
      // source's longest match is peer), abstracted to a name here.
      predicate source_passed(struct engine_peer *peer);
    }
*/
/* The receiver index of the data message at msg (its bytes 4..7).  A macro,
 * not a logic function: the goals then name the very term wg_le32's
 * contract gives, and Qed matches them without unfolding anything. */
#define receiver(msg) index_at(&((struct message_data *)(msg))->key_idx[0])

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

/* Assumed (timers.c, send.c). */
/*@ assigns peer->timers, *ob; */
static void keep_key_fresh(struct wg_outbox *ob, struct engine_peer *peer, uint64_t now);

/* The property, checked at the call: deliver_from is given the sender. */
/*@ DELIVER_FROM_REQUIRES
    requires from_sender: peer == sender(engine, arrived);
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
    // The table is well formed and none of its nodes is among what the
    // callees may change (the packet, its bytes, the peer, the outbox).
    requires table: trie(engine->allowedips.root4, 32) && trie(engine->allowedips.root6, 128);
    requires table_apart: \forall struct wg_allowedips_node *m;
      in_trie(engine->allowedips.root4, m) || in_trie(engine->allowedips.root6, m) ==>
        \separated(m, pkt, ob, sender(engine, arrived), pkt->buf + (pkt->offset .. pkt->offset + pkt->len - 1));
    requires roots_apart: \separated(&engine->allowedips.root4, &engine->allowedips.root6, ob,
                                      &sender(engine, arrived)->keypairs);
    // Implied by the line above; spelt out field by field for the provers.
    requires table_fields: \forall struct wg_allowedips_node *m;
      in_trie(engine->allowedips.root4, m) || in_trie(engine->allowedips.root6, m) ==>
        \separated(&m->child[0 .. 1], &m->cidr, &m->key[0 .. 1], &pkt->status, &pkt->reason, ob,
                    &sender(engine, arrived)->lock, &sender(engine, arrived)->keypairs,
                    &sender(engine, arrived)->keypairs.slot[0 .. 2].replay,
                    &sender(engine, arrived)->timers, &sender(engine, arrived)->endpoint,
                    &sender(engine, arrived)->local[0 .. 1], &sender(engine, arrived)->staged,
                    &sender(engine, arrived)->rx_bytes, &sender(engine, arrived)->tx_bytes,
                    pkt->buf + (pkt->offset .. pkt->offset + pkt->len - 1));
    // A packet leaves delivered only through the source check, done for
    // the peer the header's receiver index names.
    ensures delivered_from_sender: pkt->status == WG_PACKET_DELIVER ==> source_passed(sender(engine, arrived)); */
static void receive_data(struct wg_outbox *ob, struct wg_engine *engine, struct wg_packet *pkt, uint64_t now);

#include "receive.c"
