/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * WP: the allowed-IPs source check of lib/engine/receive.c (receive_data).
 * A data packet is delivered only if the owner of the longest allowed-IPs
 * prefix containing its inner source address is the peer that sent it:
 * the peer the receiver index in its header names, whose keypair then
 * opened it.  The lookup's contract is the one allowedips-lookup-wp
 * proves (allowedips_lookup.h: the owner of the longest prefix containing
 * the address, in the trie's model allowedips_spec.h), for a well-formed
 * table.  The other callees are replaced by the contracts in
 * receive_callees.h and below: what each may change (never the packet after it is opened, never
 * the table), nothing about their results.
 */
#include "receive_callees.h"
#include "allowedips_spec.h"
#include "allowedips_lookup.h"

/* Assumed (receive.c's IP length, send.c, noise.c): as above. */
/*@ requires \valid_read(p + (0 .. 1));
    assigns \result \from p[0 .. 1]; */
static uint16_t be16(const uint8_t *p);
/*@ assigns peer->timers, *ob; */
void wg_packet_send_handshake_initiation(struct wg_outbox *ob, struct engine_peer *peer, bool is_retry);
/*@ assigns \result \from birthdate, expiration_s, now; */
static inline bool wg_birthdate_has_expired(uint64_t birthdate, uint64_t expiration_s, uint64_t now);

/* Proved in the same run (its assigns): it changes only timers and the outbox. */
/*@ assigns peer->timers, *ob; */
static void keep_key_fresh(struct wg_outbox *ob, struct engine_peer *peer, uint64_t now);

/* Preconditions: receive_callees.h (proved at receive_data's call by
 * receive-peer-wp). */
/*@ DELIVER_FROM_REQUIRES
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
