// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * "Under load": when handshake messages must first prove their source
 * address with a cookie (mac2) before they cost us X25519s.
 *
 * The Linux driver decides it by the depth of its queue of handshake
 * messages (MAX_QUEUED_INCOMING_HANDSHAKES): under load while the queue
 * holds an eighth of that, and for one second after.  Depth, not rate, is
 * what matters: a fast machine absorbs a burst of a thousand initiations
 * (a server's peers all reconnecting) without a backlog, and should not
 * make each of them wait REKEY_TIMEOUT for a cookie round; a slow one falls
 * behind at a few hundred a second, and should.  A driver with a queue of
 * its own tells us its depth (wg_engine_set_handshake_queue()); without one
 * (in-process callers decrypting handshakes inline) a rate stands for it.
 * Messages failing mac1 never count: junk anyone on the path can send must
 * not push legitimate initiators into fetching cookies (issue #15).
 */
#include <string.h>

#include "engine.h"
#include "error.h"
#include "util.h"

bool wg_engine_under_load(struct wg_engine *engine, uint64_t now)
{
	uint64_t queue = __atomic_load_n(&engine->handshake_queue, __ATOMIC_ACQUIRE);
	uint32_t depth = (uint32_t)queue, capacity = (uint32_t)(queue >> 32);
	bool load;

	wg_mutex_lock(&engine->load_lock);
	if (capacity) {
		if (depth >= capacity / 8)
			engine->last_under_load = now;
	} else {
		/* No queue: more than an eighth of the kernel's queue a second. */
		if (now - engine->load_window_start >= NS_PER_S) {
			engine->load_window_start = now;
			engine->load_count = 0;
		}
		if (++engine->load_count > UNDER_LOAD_HANDSHAKES)
			engine->last_under_load = now;
	}
	load = (engine->last_under_load && now - engine->last_under_load < NS_PER_S) || engine->test_under_load;
	wg_mutex_unlock(&engine->load_lock);
	return load;
}

WG_EXPORT int wg_engine_set_handshake_queue(wg_engine *engine, uint32_t depth, uint32_t capacity)
{
	if ((capacity && capacity < 8) || depth > capacity)
		return wg_error(EINVAL, "handshake queue: depth %u, capacity %u", depth, capacity);
	__atomic_store_n(&engine->handshake_queue, (uint64_t)capacity << 32 | depth, __ATOMIC_RELEASE);
	return 0;
}

WG_EXPORT int wg_engine_classify(wg_engine *engine, const struct wg_packet *pkt)
{
	static const uint8_t no_mac2[COOKIE_LEN];
	const uint8_t *msg;
	uint32_t type;
	bool valid, cookie;

	if (!pkt->buf || pkt->offset > pkt->size || pkt->len > pkt->size - pkt->offset ||
	    pkt->len < sizeof(struct message_header))
		return WG_DATAGRAM_OTHER;	/* wg_engine_decrypt() says why it drops it */
	msg = pkt->buf + pkt->offset;
	type = wg_le32(msg);
	if (type == MESSAGE_HANDSHAKE_INITIATION)
		valid = pkt->len == sizeof(struct message_handshake_initiation);
	else if (type == MESSAGE_HANDSHAKE_RESPONSE)
		valid = pkt->len == sizeof(struct message_handshake_response);
	else
		return WG_DATAGRAM_OTHER;
	wg_engine_read_lock(engine);
	valid = valid && engine->identity.has_identity && wg_cookie_mac1_valid(engine, msg, pkt->len);
	/* A mac2 at all: a sender that asked us for a cookie, or junk trying
	 * to pass for one (one more BLAKE2s, the most junk can cost). */
	cookie = valid && memcmp(msg + pkt->len - COOKIE_LEN, no_mac2, COOKIE_LEN) &&
		 wg_cookie_mac2_valid(engine, msg, pkt->len, &pkt->endpoint);
	wg_engine_read_unlock(engine);
	return cookie ? WG_DATAGRAM_HANDSHAKE_COOKIE : valid ? WG_DATAGRAM_HANDSHAKE : WG_DATAGRAM_JUNK;
}
