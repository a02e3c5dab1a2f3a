/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Eva harness for lib/engine/receive.c's dispatcher decrypt_one(): any
 * datagram of up to 1500 bytes at any offset up to 64 in a 2048-byte
 * buffer, any time.  No run-time error in the dispatch, the length checks
 * of each message type, the data path's header, length and IP-header
 * parsing.  The functions it calls in other files are replaced by the
 * contracts below (their own checks are separate proofs, or not yet done:
 * docs/PROOFS.md); a data packet's index is taken to name keypair slot 0..2
 * or a handshake of one peer.
 */
#include "__fc_builtin.h"
#include "engine.h"

static struct engine_peer the_peer;

/* Assumed (crypto trusted): opens in place, or fails. */
/*@ requires \valid(dst + (0 .. src_len - 16 - 1)) && \valid_read(src + (0 .. src_len - 1));
    requires src_len >= 16;
    assigns dst[0 .. src_len - 16 - 1] \from src[0 .. src_len - 1], key[0 .. 31];
    assigns \result \from src[0 .. src_len - 1], key[0 .. 31];
    ensures \result == 0 || \result == 1; */
bool chacha20poly1305_decrypt(uint8_t *dst, const uint8_t *src, size_t src_len, const uint8_t *ad,
			      size_t ad_len, uint64_t nonce, const uint8_t key[CHACHA20POLY1305_KEY_SIZE]);

/* Stub (peer.c, under index_lock): any index may name any slot of the_peer. */
bool engine_peer_index_lookup(struct wg_engine *engine, uint32_t index, struct index_entry *out)
{
	(void)engine;
	out->peer = &the_peer;
	out->index = index;
	out->slot = (uint8_t)Frama_C_interval(0, INDEX_SLOT_HANDSHAKE);
	return Frama_C_interval(0, 1);
}

/* Assumed (cookie.c, separate proof target): accepts or refuses. */
/*@ assigns \result \from src[0 .. 0];
    ensures \result == 0 || \result == 1; */
bool wg_cookie_message_consume(const struct message_handshake_cookie *src, struct wg_engine *engine);

/* Assumed (handshake_load.c): under load or not. */
/*@ assigns \result \from now;
    ensures \result == 0 || \result == 1; */
bool wg_engine_under_load(struct wg_engine *engine, uint64_t now);

/* Assumed (cookie.c): any verdict. */
/*@ assigns \result \from msg[0 .. len - 1];
    ensures \result == 0 || \result == 1; */
bool wg_cookie_mac1_valid(struct wg_engine *engine, const uint8_t *msg, size_t len);
/*@ assigns \result \from msg[0 .. len - 1];
    ensures VALID_MAC_BUT_NO_COOKIE <= \result <= VALID_MAC_WITH_COOKIE; */
enum cookie_mac_state wg_cookie_check_mac2(struct wg_engine *engine, const uint8_t *msg, size_t len,
					   const wg_endpoint *src);
/*@ requires \valid(dst) && \valid_read(msg + (0 .. len - 1));
    assigns *dst \from msg[0 .. len - 1], index; */
void wg_cookie_message_create(struct message_handshake_cookie *dst, const uint8_t *msg, size_t len,
			      uint32_t index, const wg_endpoint *src, struct wg_engine *engine);

/* Assumed (noise.c): every handshake message is refused, as a replay or
 * not.  What follows a valid handshake (timers, sessions, replies) is
 * outside this harness. */
/*@ requires \valid(replay);
    assigns \result, *replay \from src[0 .. 0];
    ensures \initialized(replay) && (*replay == 0 || *replay == 1);
    ensures \result == \null; */
struct engine_peer *wg_noise_handshake_consume_initiation(const struct message_handshake_initiation *src,
							      struct wg_engine *engine, bool *replay);
/*@ assigns \result \from src[0 .. 0];
    ensures \result == \null; */
struct engine_peer *wg_noise_handshake_consume_response(const struct message_handshake_response *src,
							    struct wg_engine *engine);

/* Assumed (engine.c): logging has no effect on the packet; the outbox has
 * room for a cookie reply or not. */
/*@ assigns \nothing; */
void wg_engine_log(const struct wg_engine *engine, int level, const char *fmt, ...);
static uint8_t reply[sizeof(struct message_handshake_cookie)];
/*@ assigns \result \from len;
    ensures \result == \null || (\result == &reply[0] && len <= sizeof(reply)); */
uint8_t *wg_outbox_add(struct wg_outbox *ob, const wg_endpoint *dst, const uint64_t local[2], uint32_t len);

/* Assumed (noise.c): a keypair's expiry and confirmation, either way. */
/*@ assigns \result \from kp->in_use, kp->birthdate, now;
    ensures \result == 0 || \result == 1; */
bool wg_noise_keypair_usable(const struct noise_keypair *kp, uint64_t now);
/*@ assigns \result \from kp->in_use;
    ensures \result == 0 || \result == 1; */
bool wg_noise_received_with_keypair(struct engine_peer *peer, struct noise_keypair *kp);

/* Stub (allowedips.c, lookup checked separately): the source belongs to
 * the_peer, to no one, or to someone else. */
static struct engine_peer other_peer;
void *wg_allowedips_lookup(const struct wg_allowedips *t, int family, const void *addr)
{
	int who = Frama_C_interval(0, 2);

	(void)t, (void)family, (void)addr;
	return who == 0 ? NULL : who == 1 ? (void *)&the_peer : (void *)&other_peer;
}

/* Assumed (timers.c, peer.c, send.c, engine.c): what the packet sets in
 * motion touches the peer's timers, endpoint and statistics and the outbox,
 * never the packet. */
/*@ assigns peer->timers; */
void wg_timers_data_received(struct engine_peer *peer, uint64_t now);
/*@ assigns peer->timers; */
void wg_timers_any_authenticated_packet_received(struct engine_peer *peer);
/*@ assigns peer->timers; */
void wg_timers_any_authenticated_packet_traversal(struct engine_peer *peer, uint64_t now);
/*@ assigns peer->timers, *ob; */
void wg_timers_handshake_complete(struct wg_outbox *ob, struct engine_peer *peer);
/*@ assigns peer->endpoint, peer->local[0 .. 1], *ob; */
void engine_peer_set_endpoint(struct wg_outbox *ob, struct engine_peer *peer, const struct wg_packet *pkt);
/*@ assigns *ob; */
void wg_outbox_flush(struct wg_outbox *ob, unsigned int room);
/*@ assigns peer->timers, *ob; */
void wg_packet_send_handshake_initiation(struct wg_outbox *ob, struct engine_peer *peer, bool is_retry);
/*@ assigns peer->staged, peer->tx_bytes; */
void wg_packet_send_staged(struct engine_peer *peer);

#include "receive.c"
#include "replay_spec.h"	/* the predicates of replay.c's proof hints */
#include "replay.c"	/* proved on its own: tests/proof/replay_contract.c */

static uint8_t datagram[2048];
static struct wg_engine engine;
static struct wg_outbox ob;

int main(void)
{
	struct wg_packet pkt = { 0 };

	wg_mutex_init(&the_peer.lock);
	wg_mutex_init(&engine.load_lock);
	for (int s = 0; s < 3; s++) {
		the_peer.keypairs.slot[s].in_use = Frama_C_interval(0, 1);
		the_peer.keypairs.slot[s].local_index = Frama_C_unsigned_int_interval(0, UINT32_MAX);
	}
	the_peer.keypairs.current = &the_peer.keypairs.slot[Frama_C_interval(0, 2)];
	the_peer.timers.sent_lastminute_handshake = Frama_C_interval(0, 1);
	engine.identity.has_identity = Frama_C_interval(0, 1);
	engine.test_under_load = Frama_C_interval(0, 1);
	Frama_C_make_unknown((char *)datagram, sizeof(datagram));
	pkt.buf = datagram;
	/* Packets that fit their buffer (Eva does not relate offset + len to
	 * size, so the fit check itself is the fuzzers' and unit tests'). */
	pkt.size = sizeof(datagram);
	pkt.offset = Frama_C_unsigned_int_interval(0, 64);
	pkt.len = Frama_C_unsigned_int_interval(0, 1500);
	decrypt_one(&ob, &engine, &pkt, Frama_C_unsigned_long_long_interval(0, UINT64_MAX));
	return 0;
}
