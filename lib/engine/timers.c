// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The whitepaper's timers (§6) as deadlines.  Hooks arm and disarm them as
 * packets flow; wg_timers_run() fires the ones that are due when the engine
 * is ticked.  All with the peer lock held.
 */
#include "engine.h"
#include "util.h"

/*
 * Set a deadline and lower the engine's earliest one, so that a tick with
 * nothing due costs O(1) instead of a walk over every peer.
 */
static void arm(struct engine_peer *peer, uint64_t *deadline, uint64_t at)
{
	uint64_t *next_due = &peer->engine->next_due;
	uint64_t cur = __atomic_load_n(next_due, __ATOMIC_RELAXED);

	*deadline = at;
	while (at < cur && !__atomic_compare_exchange_n(next_due, &cur, at, true, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		;
	if (at < cur)	/* lowered: a sleeping driver must wake sooner */
		wg_engine_wake(peer->engine);
}

static uint64_t jitter(void)
{
	uint32_t r;

	/* Spread retries so that peers started together do not stay in step. */
	wg_random_bytes(&r, sizeof(r));
	return r % REKEY_TIMEOUT_JITTER_MAX_NS;
}

void wg_timers_data_sent(struct engine_peer *peer, uint64_t now)
{
	if (!peer->timers.new_handshake)
		arm(peer, &peer->timers.new_handshake, now + (KEEPALIVE_TIMEOUT + REKEY_TIMEOUT) * NS_PER_S + jitter());
}

void wg_timers_data_received(struct engine_peer *peer, uint64_t now)
{
	if (!peer->timers.send_keepalive)
		arm(peer, &peer->timers.send_keepalive, now + KEEPALIVE_TIMEOUT * NS_PER_S);
	else
		peer->timers.need_another_keepalive = true;
}

void wg_timers_any_authenticated_packet_sent(struct engine_peer *peer)
{
	peer->timers.send_keepalive = 0;
}

void wg_timers_any_authenticated_packet_received(struct engine_peer *peer)
{
	peer->timers.new_handshake = 0;
}

void wg_timers_any_authenticated_packet_traversal(struct engine_peer *peer, uint64_t now)
{
	if (peer->persistent_keepalive_interval)
		arm(peer, &peer->timers.persistent_keepalive, now + peer->persistent_keepalive_interval * NS_PER_S);
}

void wg_timers_handshake_initiated(struct engine_peer *peer, uint64_t now)
{
	arm(peer, &peer->timers.retransmit_handshake, now + REKEY_TIMEOUT * NS_PER_S + jitter());
}

void wg_timers_handshake_complete(struct wg_outbox *ob, struct engine_peer *peer) WG_REQUIRES(peer->lock)
{
	struct timespec ts;

	peer->timers.retransmit_handshake = 0;
	peer->timers.handshake_attempts = 0;
	peer->timers.sent_lastminute_handshake = false;
	wg_engine_realtime(peer->engine, &ts);
	peer->last_handshake_time.tv_sec = ts.tv_sec;
	peer->last_handshake_time.tv_nsec = ts.tv_nsec;
	wg_outbox_event(ob, WG_EVENT_HANDSHAKE_COMPLETE, peer);
}

void wg_timers_session_derived(struct engine_peer *peer, uint64_t now)
{
	arm(peer, &peer->timers.zero_key_material, now + 3 * REJECT_AFTER_TIME * NS_PER_S);
}

static void expired_retransmit_handshake(struct wg_outbox *ob, struct engine_peer *peer, uint64_t now) WG_REQUIRES(peer->lock)
{
	struct peer_timers *t = &peer->timers;

	if (t->handshake_attempts > MAX_TIMER_HANDSHAKES) {
		wg_engine_log(peer->engine, WG_LOG_DEBUG, "handshake did not complete after %u attempts, giving up",
			      t->handshake_attempts + 2);
		wg_outbox_event(ob, WG_EVENT_PEER_UNREACHABLE, peer);
		t->send_keepalive = 0;
		/* Nothing will carry the packets that waited: drop them. */
		engine_peer_purge_staged(peer);
		/* Wipe keys in a while unless a new handshake happens first. */
		if (!t->zero_key_material)
			arm(peer, &t->zero_key_material, now + 3 * REJECT_AFTER_TIME * NS_PER_S);
		return;
	}
	t->handshake_attempts++;
	wg_packet_send_handshake_initiation(ob, peer, true);
}

static void expired_send_keepalive(struct wg_outbox *ob, struct engine_peer *peer, uint64_t now) WG_REQUIRES(peer->lock)
{
	wg_packet_send_keepalive(ob, peer);
	if (peer->timers.need_another_keepalive) {
		peer->timers.need_another_keepalive = false;
		arm(peer, &peer->timers.send_keepalive, now + KEEPALIVE_TIMEOUT * NS_PER_S);
	}
}

static void expired_new_handshake(struct wg_outbox *ob, struct engine_peer *peer) WG_REQUIRES(peer->lock)
{
	/* We sent data and heard nothing back for a while: start over. */
	wg_packet_send_handshake_initiation(ob, peer, false);
}

static void expired_zero_key_material(struct wg_outbox *ob, struct engine_peer *peer) WG_REQUIRES(peer->lock)
{
	wg_noise_handshake_clear(peer);
	wg_noise_keypairs_clear(peer);
	wg_outbox_event(ob, WG_EVENT_SESSION_EXPIRED, peer);
}

static void expired_persistent_keepalive(struct wg_outbox *ob, struct engine_peer *peer) WG_REQUIRES(peer->lock)
{
	if (peer->persistent_keepalive_interval)
		wg_packet_send_keepalive(ob, peer);
}

static bool due(uint64_t *deadline, uint64_t now)
{
	if (!*deadline || *deadline > now)
		return false;
	*deadline = 0;
	return true;
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

uint64_t wg_timers_run(struct wg_outbox *ob, struct engine_peer *peer, uint64_t now) WG_REQUIRES(peer->lock)
{
	struct peer_timers *t = &peer->timers;

	if (due(&t->retransmit_handshake, now))
		expired_retransmit_handshake(ob, peer, now);
	if (due(&t->send_keepalive, now))
		expired_send_keepalive(ob, peer, now);
	if (due(&t->new_handshake, now))
		expired_new_handshake(ob, peer);
	if (due(&t->zero_key_material, now))
		expired_zero_key_material(ob, peer);
	if (due(&t->persistent_keepalive, now))
		expired_persistent_keepalive(ob, peer);

	return earliest(earliest(earliest(t->retransmit_handshake, t->send_keepalive),
				 earliest(t->new_handshake, t->zero_key_material)),
			t->persistent_keepalive);
}
