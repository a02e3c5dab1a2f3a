// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The encrypt path: pick the peer by the destination's allowed IP, take a
 * nonce under the peer lock, pad and seal in place outside it.  Without a
 * session, packets are staged and a handshake is started.
 */
#include <string.h>

#include "engine.h"
#include "error.h"
#include "util.h"

/* What the data path needs from a keypair, copied out under the peer lock. */
struct send_ctx {
	uint8_t key[NOISE_SYMMETRIC_KEY_LEN];
	uint64_t counter;
	uint32_t remote_index;
};

static bool take_nonce(struct engine_peer *peer, uint64_t now, struct send_ctx *c)
{
	struct noise_keypair *kp = peer->keypairs.current;

	if (!wg_noise_keypair_usable(kp, now) || kp->sending_counter >= REJECT_AFTER_MESSAGES)
		return false;
	c->counter = kp->sending_counter++;
	memcpy(c->key, kp->sending_key, sizeof(c->key));
	c->remote_index = kp->remote_index;
	return true;
}

/* Start a new handshake before the session gets old (whitepaper §6.2). */
static void keep_key_fresh(struct wg_outbox *ob, struct engine_peer *peer, uint64_t now) WG_REQUIRES(peer->lock)
{
	const struct noise_keypair *kp = peer->keypairs.current;

	if (kp && kp->in_use &&
	    (kp->sending_counter > REKEY_AFTER_MESSAGES ||
	     (kp->i_am_the_initiator && wg_birthdate_has_expired(kp->birthdate, REKEY_AFTER_TIME, now))))
		wg_packet_send_handshake_initiation(ob, peer, false);
}

/* Padding to a multiple of 16, capped at the MTU (the kernel's rule). */
static uint32_t padded_len(uint32_t len, uint32_t mtu)
{
	uint32_t last_unit = len, padded;

	if (last_unit > mtu)
		last_unit %= mtu;
	padded = (last_unit + MESSAGE_PADDING_MULTIPLE - 1) & ~(uint32_t)(MESSAGE_PADDING_MULTIPLE - 1);
	if (padded > mtu)
		padded = mtu;
	if (padded < last_unit)
		padded = last_unit;
	return len + (padded - last_unit);
}

/* p points at the plaintext with 16 bytes of room before and enough after. */
static void seal(uint8_t *p, uint32_t len, uint32_t padded, struct send_ctx *c)
{
	struct message_data *hdr = (struct message_data *)(p - sizeof(struct message_data));

	memset(p + len, 0, padded - len);
	wg_put_le32(hdr->header.type, MESSAGE_DATA);
	wg_put_le32(hdr->key_idx, c->remote_index);
	wg_put_le64(hdr->counter, c->counter);
	chacha20poly1305_encrypt(p, p, padded, NULL, 0, c->counter, c->key);
	wg_memzero(c->key, sizeof(c->key));
}

void wg_packet_send_handshake_initiation(struct wg_outbox *ob, struct engine_peer *peer, bool is_retry)
{
	struct message_handshake_initiation msg;
	uint64_t now = wg_engine_now(peer->engine);

	if (!is_retry)
		peer->timers.handshake_attempts = 0;
	/* At most one initiation per REKEY_TIMEOUT, whatever asks for it. */
	if (peer->timers.last_sent_handshake &&
	    !wg_birthdate_has_expired(peer->timers.last_sent_handshake, REKEY_TIMEOUT, now))
		return;
	if (!wg_noise_handshake_create_initiation(&msg, peer))
		return;
	wg_cookie_add_mac_to_packet((uint8_t *)&msg, sizeof(msg), peer, now);
	wg_timers_any_authenticated_packet_traversal(peer, now);
	wg_timers_any_authenticated_packet_sent(peer);
	peer->timers.last_sent_handshake = now;
	wg_outbox_add_handshake(ob, peer, &msg, sizeof(msg));
	/* Retried on a timer even when there was nowhere to send it. */
	wg_timers_handshake_initiated(peer, now);
	wg_memzero(&msg, sizeof(msg));
}

void wg_packet_send_keepalive(struct wg_outbox *ob, struct engine_peer *peer)
{
	uint64_t now = wg_engine_now(peer->engine);
	struct send_ctx c;
	uint8_t *buf;

	if (!take_nonce(peer, now, &c)) {
		wg_packet_send_handshake_initiation(ob, peer, false);
		return;
	}
	buf = wg_outbox_add(ob, &peer->endpoint, peer->local, MESSAGE_MINIMUM_LENGTH);
	if (!buf) {
		wg_memzero(&c, sizeof(c));
		return;
	}
	seal(buf + sizeof(struct message_data), 0, 0, &c);
	peer->tx_bytes += MESSAGE_MINIMUM_LENGTH;
	wg_timers_any_authenticated_packet_traversal(peer, now);
	wg_timers_any_authenticated_packet_sent(peer);
	keep_key_fresh(ob, peer, now);
}

void wg_packet_send_staged(struct engine_peer *peer)
{
	struct wg_engine *engine = peer->engine;
	const struct stage_pool *pool = &engine->stage_pool;
	struct staged_queue *q = &peer->staged;
	struct wg_packet pkts[MAX_STAGED_PACKETS];
	struct wg_outbox ob;
	wg_endpoint endpoint;
	unsigned int n = 0;
	uint64_t now;

	wg_outbox_init(&ob, engine);
	wg_mutex_lock(&peer->lock);
	if (!q->count || q->busy) {
		wg_mutex_unlock(&peer->lock);
		return;
	}
	now = wg_engine_now(engine);
	for (unsigned int i = 0; i < q->count; i++) {
		uint8_t *slot = wg_stage_slot(pool, q->slot[i]);
		uint32_t len = q->len[i], padded = padded_len(len, engine->opts.mtu);
		struct send_ctx c;

		if (!take_nonce(peer, now, &c))
			break;
		seal(slot + WG_PACKET_HEADROOM, len, padded, &c);
		pkts[n] = (struct wg_packet){
			.buf = slot,
			.size = pool->slot_size,
			.offset = WG_PACKET_HEADROOM - (uint32_t)sizeof(struct message_data),
			.len = (uint32_t)message_data_len(padded),
			.status = WG_PACKET_SEND,
			.endpoint = peer->endpoint,
			.reserved = { peer->local[0], peer->local[1] },
		};
		peer->tx_bytes += pkts[n].len;
		n++;
	}
	if (!n) {
		/* No session after all: keep them and ask for one. */
		wg_packet_send_handshake_initiation(&ob, peer, false);
		wg_mutex_unlock(&peer->lock);
		wg_outbox_flush(&ob, UINT32_MAX);
		return;
	}
	wg_timers_any_authenticated_packet_traversal(peer, now);
	wg_timers_any_authenticated_packet_sent(peer);
	wg_timers_data_sent(peer, now);
	keep_key_fresh(&ob, peer, now);
	endpoint = peer->endpoint;
	q->busy = true;
	wg_mutex_unlock(&peer->lock);

	if (endpoint.addr.sa_family)
		engine->opts.send(pkts, n, engine->opts.ctx);

	wg_mutex_lock(&peer->lock);
	q->busy = false;
	/* The sent ones free their slots; any left (message limit) wait on. */
	engine_peer_release_staged(peer, n);
	wg_mutex_unlock(&peer->lock);
	wg_outbox_flush(&ob, UINT32_MAX);
}

static void encrypt_one(struct wg_outbox *ob, struct wg_engine *engine, struct wg_packet *pkt, uint64_t now)
{
	struct engine_peer *peer;
	struct send_ctx c;
	uint32_t len = pkt->len, padded;
	uint8_t *p;
	int family, r;

	pkt->status = WG_PACKET_DROP;
	pkt->reason = WG_DROP_MALFORMED;
	if (!pkt->buf || pkt->offset > pkt->size || len > pkt->size - pkt->offset || !len)
		return;
	p = pkt->buf + pkt->offset;
	if ((p[0] >> 4) == 4 && len >= 20)
		family = AF_INET;
	else if ((p[0] >> 4) == 6 && len >= 40)
		family = AF_INET6;
	else
		return;
	if (!engine->identity.has_identity) {
		pkt->reason = WG_DROP_NO_KEY;
		return;
	}
	peer = wg_allowedips_lookup(&engine->allowedips, family, family == AF_INET ? p + 16 : p + 24);
	if (!peer) {
		pkt->reason = WG_DROP_NO_PEER;
		return;
	}
	padded = padded_len(len, engine->opts.mtu);
	if (pkt->offset < sizeof(struct message_data) ||
	    pkt->size - pkt->offset - len < padded - len + NOISE_AUTHTAG_LEN) {
		pkt->reason = WG_DROP_NO_ROOM;
		return;
	}

	wg_mutex_lock(&peer->lock);
	if (!take_nonce(peer, now, &c)) {
		r = engine_peer_stage_packet(peer, p, len);
		wg_packet_send_handshake_initiation(ob, peer, false);
		wg_mutex_unlock(&peer->lock);
		if (r) {
			pkt->reason = (uint16_t)r;
		} else {
			pkt->status = WG_PACKET_CONSUMED;
			pkt->reason = WG_DROP_NONE;
		}
		return;
	}
	if (!peer->endpoint.addr.sa_family) {
		wg_mutex_unlock(&peer->lock);
		wg_memzero(&c, sizeof(c));
		pkt->reason = WG_DROP_NO_ENDPOINT;
		return;
	}
	pkt->endpoint = peer->endpoint;
	pkt->reserved[0] = peer->local[0];
	pkt->reserved[1] = peer->local[1];
	peer->tx_bytes += message_data_len(padded);
	wg_timers_any_authenticated_packet_traversal(peer, now);
	wg_timers_any_authenticated_packet_sent(peer);
	wg_timers_data_sent(peer, now);
	keep_key_fresh(ob, peer, now);
	wg_mutex_unlock(&peer->lock);

	seal(p, len, padded, &c);
	pkt->offset -= sizeof(struct message_data);
	pkt->len = (uint32_t)message_data_len(padded);
	pkt->status = WG_PACKET_SEND;
	pkt->reason = WG_DROP_NONE;
}

WG_EXPORT void wg_engine_encrypt(wg_engine *engine, struct wg_packet *packets, size_t n)
{
	wg_engine_run_packets(engine, packets, n, encrypt_one, 2);
}
