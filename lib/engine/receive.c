// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The decrypt path: dispatch on the message type; handshakes go through the
 * cookie/mac checks and the rate limiter; data is looked up by receiver
 * index, opened in place, checked against the replay window and the peer's
 * allowed IPs, and teaches us the peer's endpoint (roaming).
 */
#include <string.h>

#include "engine.h"
#include "error.h"
#include "util.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void receive_handshake(struct wg_outbox *ob, struct wg_engine *engine, struct wg_packet *pkt,
			      uint32_t type, uint64_t now)
{
	uint8_t *msg = pkt->buf + pkt->offset;
	struct engine_peer *peer;
	enum cookie_mac_state mac_state;
	bool load, flush_staged = false;

	pkt->status = WG_PACKET_DROP;
	if (!engine->identity.has_identity) {
		pkt->reason = WG_DROP_NO_KEY;
		return;
	}
	if (!wg_cookie_mac1_valid(engine, msg, pkt->len)) {
		pkt->reason = WG_DROP_AUTH;
		return;
	}
	load = wg_engine_under_load(engine, now);
	mac_state = load ? wg_cookie_check_mac2(engine, msg, pkt->len, &pkt->endpoint) :
			   VALID_MAC_BUT_NO_COOKIE;
	if (load && mac_state == VALID_MAC_BUT_NO_COOKIE) {
		/* Prove you own your address first: here is a cookie for it. */
		uint8_t *reply = wg_outbox_add(ob, &pkt->endpoint, pkt->reserved,
					       sizeof(struct message_handshake_cookie));

		if (reply)
			wg_cookie_message_create((struct message_handshake_cookie *)reply, msg, pkt->len,
						 wg_le32(msg + offsetof(struct message_handshake_initiation, sender_index)),
						 &pkt->endpoint, engine);
		pkt->reason = WG_DROP_RATELIMIT;
		return;
	}
	if (!((load && mac_state == VALID_MAC_WITH_COOKIE) || (!load && mac_state == VALID_MAC_BUT_NO_COOKIE))) {
		pkt->reason = mac_state == VALID_MAC_WITH_COOKIE_BUT_RATELIMITED ? WG_DROP_RATELIMIT : WG_DROP_AUTH;
		return;
	}

	if (type == MESSAGE_HANDSHAKE_INITIATION) {
		struct message_handshake_response resp;
		bool replay;

		peer = wg_noise_handshake_consume_initiation((const struct message_handshake_initiation *)msg, engine,
							     &replay);
		if (!peer) {
			wg_engine_log(engine, WG_LOG_DEBUG, "%s handshake initiation", replay ? "replayed" : "invalid");
			pkt->reason = replay ? WG_DROP_REPLAY : WG_DROP_AUTH;
			return;
		}
		wg_mutex_assert_held(&peer->lock);
		peer->rx_bytes += pkt->len;
		engine_peer_set_endpoint(ob, peer, pkt);
		wg_timers_any_authenticated_packet_received(peer);
		wg_timers_any_authenticated_packet_traversal(peer, now);
		if (wg_noise_handshake_create_response(&resp, peer)) {
			wg_cookie_add_mac_to_packet((uint8_t *)&resp, sizeof(resp), peer, now);
			if (wg_noise_handshake_begin_session(peer))
				wg_timers_session_derived(peer, now);
			wg_timers_any_authenticated_packet_traversal(peer, now);
			wg_timers_any_authenticated_packet_sent(peer);
			peer->timers.last_sent_handshake = now;
			wg_outbox_add_handshake(ob, peer, &resp, sizeof(resp));
			wg_memzero(&resp, sizeof(resp));
		}
		wg_mutex_unlock(&peer->lock);
	} else {
		peer = wg_noise_handshake_consume_response((const struct message_handshake_response *)msg, engine);
		if (!peer) {
			wg_engine_log(engine, WG_LOG_DEBUG, "invalid handshake response");
			pkt->reason = WG_DROP_AUTH;
			return;
		}
		wg_mutex_assert_held(&peer->lock);
		peer->rx_bytes += pkt->len;
		engine_peer_set_endpoint(ob, peer, pkt);
		wg_timers_any_authenticated_packet_received(peer);
		wg_timers_any_authenticated_packet_traversal(peer, now);
		if (wg_noise_handshake_begin_session(peer)) {
			wg_timers_session_derived(peer, now);
			wg_timers_handshake_complete(ob, peer);
			/* Confirm the session to the responder: data if we have some, else a keepalive. */
			if (peer->staged.count)
				flush_staged = true;
			else
				wg_packet_send_keepalive(ob, peer);
		}
		wg_mutex_unlock(&peer->lock);
		if (flush_staged) {
			wg_outbox_flush(ob, UINT32_MAX);
			wg_packet_send_staged(peer);
		}
	}
	pkt->status = WG_PACKET_CONSUMED;
	pkt->reason = WG_DROP_NONE;
}

static void receive_cookie(struct wg_engine *engine, struct wg_packet *pkt)
{
	if (wg_cookie_message_consume((const struct message_handshake_cookie *)(pkt->buf + pkt->offset), engine)) {
		pkt->status = WG_PACKET_CONSUMED;
		pkt->reason = WG_DROP_NONE;
	} else {
		pkt->status = WG_PACKET_DROP;
		pkt->reason = WG_DROP_AUTH;
	}
}

/* Receiving late in a session we started: rekey before it is rejected. */
static void keep_key_fresh(struct wg_outbox *ob, struct engine_peer *peer, uint64_t now) WG_REQUIRES(peer->lock)
{
	const struct noise_keypair *kp = peer->keypairs.current;

	if (peer->timers.sent_lastminute_handshake)
		return;
	if (kp && kp->in_use && kp->i_am_the_initiator &&
	    wg_birthdate_has_expired(kp->birthdate, REJECT_AFTER_TIME - KEEPALIVE_TIMEOUT - REKEY_TIMEOUT, now)) {
		peer->timers.sent_lastminute_handshake = true;
		wg_packet_send_handshake_initiation(ob, peer, false);
	}
}

/*
 * The allowed-IPs source check: deliver the IP packet opened from peer at p
 * (plain_len bytes, just after the data header) only if its source address
 * maps back to peer.  Its contract is proved (docs/PROOFS.md).
 */
static void deliver_from(struct wg_engine *engine, struct wg_packet *pkt, const uint8_t *p, uint32_t plain_len,
			 struct engine_peer *peer)
{
	unsigned int version = p[0] >> 4;
	const uint8_t *src;
	uint32_t ip_len;
	int family;

	/* An IP packet whose length field fits; what follows it is padding. */
	pkt->reason = WG_DROP_MALFORMED;
	if (version == 4 && plain_len >= 20) {
		family = AF_INET;
		ip_len = be16(p + 2);
		src = p + 12;
		if (ip_len < 20)
			return;
	} else if (version == 6 && plain_len >= 40) {
		family = AF_INET6;
		ip_len = 40 + (uint32_t)be16(p + 4);
		src = p + 8;
	} else {
		return;
	}
	if (ip_len > plain_len)
		return;
	if (wg_allowedips_lookup(&engine->allowedips, family, src) != peer) {
		pkt->reason = WG_DROP_SOURCE;
		return;
	}
	pkt->offset += sizeof(struct message_data);
	pkt->len = ip_len;
	pkt->status = WG_PACKET_DELIVER;
	pkt->reason = WG_DROP_NONE;
}

static void receive_data(struct wg_outbox *ob, struct wg_engine *engine, struct wg_packet *pkt, uint64_t now)
{
	uint8_t *msg = pkt->buf + pkt->offset, *p = msg + sizeof(struct message_data);
	const struct message_data *hdr = (const struct message_data *)msg;
	uint32_t index = wg_le32(hdr->key_idx), plain_len;
	uint64_t counter = wg_le64(hdr->counter);
	uint8_t key[NOISE_SYMMETRIC_KEY_LEN];
	struct engine_peer *peer;
	struct noise_keypair *kp;
	struct index_entry entry;
	bool confirmed, ok;

	pkt->status = WG_PACKET_DROP;
	if (!engine_peer_index_lookup(engine, index, &entry) || entry.slot == INDEX_SLOT_HANDSHAKE) {
		pkt->reason = WG_DROP_UNKNOWN_INDEX;
		return;
	}
	peer = entry.peer;
	kp = &peer->keypairs.slot[entry.slot];

	wg_mutex_lock(&peer->lock);
	if (!kp->in_use || kp->local_index != index) {
		wg_mutex_unlock(&peer->lock);
		pkt->reason = WG_DROP_UNKNOWN_INDEX;
		return;
	}
	if (!wg_noise_keypair_usable(kp, now)) {
		wg_mutex_unlock(&peer->lock);
		pkt->reason = WG_DROP_EXPIRED;
		return;
	}
	memcpy(key, kp->receiving_key, sizeof(key));
	wg_mutex_unlock(&peer->lock);

	ok = chacha20poly1305_decrypt(p, p, pkt->len - sizeof(struct message_data), NULL, 0, counter, key);
	wg_memzero(key, sizeof(key));
	if (!ok) {
		pkt->reason = WG_DROP_AUTH;
		return;
	}
	plain_len = pkt->len - (uint32_t)message_data_len(0);

	wg_mutex_lock(&peer->lock);
	/* The keypair may have been replaced while we decrypted. */
	if (!kp->in_use || kp->local_index != index) {
		wg_mutex_unlock(&peer->lock);
		pkt->reason = WG_DROP_UNKNOWN_INDEX;
		return;
	}
	if (!wg_replay_check_and_update(&kp->replay, counter, REJECT_AFTER_MESSAGES)) {
		wg_mutex_unlock(&peer->lock);
		pkt->reason = WG_DROP_REPLAY;
		return;
	}
	confirmed = wg_noise_received_with_keypair(peer, kp);
	if (confirmed)
		wg_timers_handshake_complete(ob, peer);
	keep_key_fresh(ob, peer, now);
	wg_timers_any_authenticated_packet_received(peer);
	wg_timers_any_authenticated_packet_traversal(peer, now);
	engine_peer_set_endpoint(ob, peer, pkt);
	peer->rx_bytes += pkt->len;

	if (!plain_len) {
		/* A keepalive: it did its job by arriving. */
		wg_mutex_unlock(&peer->lock);
		pkt->status = WG_PACKET_CONSUMED;
		pkt->reason = WG_DROP_NONE;
		goto out;
	}
	wg_timers_data_received(peer, now);
	wg_mutex_unlock(&peer->lock);
	deliver_from(engine, pkt, p, plain_len, peer);
out:
	if (confirmed) {
		wg_outbox_flush(ob, UINT32_MAX);
		wg_packet_send_staged(peer);
	}
}

static void decrypt_one(struct wg_outbox *ob, struct wg_engine *engine, struct wg_packet *pkt, uint64_t now)
{
	uint32_t type;

	pkt->status = WG_PACKET_DROP;
	pkt->reason = WG_DROP_MALFORMED;
	if (!pkt->buf || pkt->offset > pkt->size || pkt->len > pkt->size - pkt->offset ||
	    pkt->len < sizeof(struct message_header))
		return;
	type = wg_le32(pkt->buf + pkt->offset);
	switch (type) {
	case MESSAGE_HANDSHAKE_INITIATION:
		if (pkt->len == sizeof(struct message_handshake_initiation))
			receive_handshake(ob, engine, pkt, type, now);
		break;
	case MESSAGE_HANDSHAKE_RESPONSE:
		if (pkt->len == sizeof(struct message_handshake_response))
			receive_handshake(ob, engine, pkt, type, now);
		break;
	case MESSAGE_HANDSHAKE_COOKIE:
		if (pkt->len == sizeof(struct message_handshake_cookie))
			receive_cookie(engine, pkt);
		break;
	case MESSAGE_DATA:
		if (pkt->len >= MESSAGE_MINIMUM_LENGTH)
			receive_data(ob, engine, pkt, now);
		break;
	}
}

WG_EXPORT void wg_engine_decrypt(wg_engine *engine, struct wg_packet *packets, size_t n)
{
	wg_engine_run_packets(engine, packets, n, decrypt_one, 3);
}
