/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Eva harness for the handshake consumers: wg_noise_handshake_consume_
 * initiation() and _response() (lib/engine/noise.c) and
 * wg_cookie_message_consume() (lib/engine/cookie.c), the code that parses
 * and checks the handshake messages a datagram carries once receive.c has
 * checked its type and length (receive-eva).  Each message is any bytes, in
 * a buffer of exactly its size (a read past it would be an alarm); our
 * identity, the peer's handshake and cookie state are anything (every
 * field any value, bools 0 or 1); the primitives may accept or refuse.
 * No run-time error, on the refusing paths and on the accepting ones.
 * Also the rest of cookie.c that reads a received message: the mac1 and
 * mac2 checks of an initiation or response and the cookie reply made to
 * it under load, for any message, source address and cookie secret.
 *
 * The crypto primitives are trusted: their contracts below say which bytes
 * they read and write (and check the callers' buffers for it), nothing
 * about the values.  So are the index and public-key lookups (proved on
 * their own: index-table-eva), which may name the peer or nothing.
 */
#include "__fc_builtin.h"
#include "engine.h"

static struct engine_peer the_peer;

/* ---- Assumed: BLAKE2s (RFC 7693), HMAC and HKDF over it ---- */

/*@ requires \valid(state);
    requires 1 <= outlen <= 32 && keylen <= 32;
    requires keylen == 0 || \valid_read((const uint8_t *)key + (0 .. keylen - 1));
    assigns *state \from outlen, ((const uint8_t *)key)[0 .. keylen - 1], keylen;
    ensures \initialized(state) && state->outlen == outlen; */
void blake2s_init(struct blake2s_state *state, size_t outlen, const void *key, size_t keylen);

/*@ requires \valid(state) && \valid_read((const uint8_t *)in + (0 .. inlen - 1));
    assigns state->h[0 .. 7], state->t[0 .. 1], state->f[0 .. 1], state->buf[0 .. 63], state->buflen
      \from state->h[0 .. 7], state->t[0 .. 1], state->buf[0 .. 63], state->buflen,
            ((const uint8_t *)in)[0 .. inlen - 1], inlen; */
void blake2s_update(struct blake2s_state *state, const void *in, size_t inlen);

/*@ requires \valid(state) && 1 <= state->outlen <= 32;
    requires \valid(out + (0 .. state->outlen - 1));
    assigns out[0 .. state->outlen - 1] \from *state;
    assigns *state \from \nothing;
    ensures \initialized(out + (0 .. \old(state->outlen) - 1)); */
void blake2s_final(struct blake2s_state *state, uint8_t *out);

/*@ requires 1 <= outlen <= 32 && keylen <= 32;
    requires \valid(out + (0 .. outlen - 1));
    requires \valid_read((const uint8_t *)in + (0 .. inlen - 1));
    requires keylen == 0 || \valid_read((const uint8_t *)key + (0 .. keylen - 1));
    assigns out[0 .. outlen - 1] \from ((const uint8_t *)in)[0 .. inlen - 1], ((const uint8_t *)key)[0 .. keylen - 1],
                                      inlen, keylen, outlen;
    ensures \initialized(out + (0 .. outlen - 1)); */
void blake2s(uint8_t *out, size_t outlen, const void *in, size_t inlen, const void *key, size_t keylen);

/* Outputs not wanted are NULL; t1 may be ck itself. */
/*@ requires t1 == \null || \valid(t1 + (0 .. 31));
    requires t2 == \null || \valid(t2 + (0 .. 31));
    requires t3 == \null || \valid(t3 + (0 .. 31));
    requires \valid_read(ck + (0 .. 31));
    requires inlen == 0 || \valid_read((const uint8_t *)in + (0 .. inlen - 1));
    assigns t1[0 .. 31], t2[0 .. 31], t3[0 .. 31] \from ck[0 .. 31], ((const uint8_t *)in)[0 .. inlen - 1], inlen;
    behavior kdf1:
      assumes t2 == \null && t3 == \null;
      assigns t1[0 .. 31] \from ck[0 .. 31], ((const uint8_t *)in)[0 .. inlen - 1], inlen;
      ensures \initialized(t1 + (0 .. 31));
    behavior kdf2:
      assumes t2 != \null && t3 == \null;
      assigns t1[0 .. 31], t2[0 .. 31] \from ck[0 .. 31], ((const uint8_t *)in)[0 .. inlen - 1], inlen;
      ensures \initialized(t1 + (0 .. 31)) && \initialized(t2 + (0 .. 31));
    behavior kdf3:
      assumes t2 != \null && t3 != \null;
      assigns t1[0 .. 31], t2[0 .. 31], t3[0 .. 31] \from ck[0 .. 31], ((const uint8_t *)in)[0 .. inlen - 1], inlen;
      ensures \initialized(t1 + (0 .. 31)) && \initialized(t2 + (0 .. 31)) && \initialized(t3 + (0 .. 31));
 */
void wg_kdf(uint8_t t1[32], uint8_t t2[32], uint8_t t3[32], const uint8_t ck[32], const void *in, size_t inlen);

/* ---- Assumed: X25519 (RFC 7748): false for a low-order point ---- */

/*@ requires \valid(out + (0 .. 31)) && \valid_read(scalar + (0 .. 31)) && \valid_read(point + (0 .. 31));
    assigns out[0 .. 31] \from scalar[0 .. 31], point[0 .. 31];
    assigns \result \from scalar[0 .. 31], point[0 .. 31];
    ensures \initialized(out + (0 .. 31));
    ensures \result == 0 || \result == 1; */
bool curve25519(uint8_t out[32], const uint8_t scalar[32], const uint8_t point[32]);

/* ---- Assumed: ChaCha20-Poly1305 (RFC 8439) and XChaCha20-Poly1305:
 * open src (ciphertext then 16-byte tag) into dst, or fail ---- */

/*@ requires src_len >= 16;
    requires \valid(dst + (0 .. src_len - 16 - 1)) && \valid_read(src + (0 .. src_len - 1));
    requires \valid_read(ad + (0 .. adlen - 1)) && \valid_read(key + (0 .. 31));
    assigns dst[0 .. src_len - 16 - 1] \from src[0 .. src_len - 1], ad[0 .. adlen - 1], key[0 .. 31], nonce;
    assigns \result \from src[0 .. src_len - 1], ad[0 .. adlen - 1], key[0 .. 31], nonce;
    ensures \initialized(dst + (0 .. src_len - 16 - 1));
    ensures \result == 0 || \result == 1; */
bool chacha20poly1305_decrypt(uint8_t *dst, const uint8_t *src, size_t src_len, const uint8_t *ad, size_t adlen,
			      uint64_t nonce, const uint8_t key[32]);

/*@ requires src_len >= 16;
    requires \valid(dst + (0 .. src_len - 16 - 1)) && \valid_read(src + (0 .. src_len - 1));
    requires \valid_read(ad + (0 .. adlen - 1)) && \valid_read(key + (0 .. 31)) && \valid_read(nonce + (0 .. 23));
    assigns dst[0 .. src_len - 16 - 1] \from src[0 .. src_len - 1], ad[0 .. adlen - 1], key[0 .. 31], nonce[0 .. 23];
    assigns \result \from src[0 .. src_len - 1], ad[0 .. adlen - 1], key[0 .. 31], nonce[0 .. 23];
    ensures \initialized(dst + (0 .. src_len - 16 - 1));
    ensures \result == 0 || \result == 1; */
bool xchacha20poly1305_decrypt(uint8_t *dst, const uint8_t *src, size_t src_len, const uint8_t *ad, size_t adlen,
			       const uint8_t nonce[24], const uint8_t key[32]);

/*@ requires \valid(dst + (0 .. len + 16 - 1)) && \valid_read(src + (0 .. len - 1));
    requires \valid_read(ad + (0 .. adlen - 1)) && \valid_read(key + (0 .. 31)) && \valid_read(nonce + (0 .. 23));
    assigns dst[0 .. len + 16 - 1] \from src[0 .. len - 1], ad[0 .. adlen - 1], key[0 .. 31], nonce[0 .. 23];
    ensures \initialized(dst + (0 .. len + 16 - 1)); */
void xchacha20poly1305_encrypt(uint8_t *dst, const uint8_t *src, size_t len, const uint8_t *ad, size_t adlen,
			       const uint8_t nonce[24], const uint8_t key[32]);

/* ---- Assumed: the engine around the handshake ---- */

/* getrandom(2): any bytes. */
/*@ requires \valid((uint8_t *)buf + (0 .. len - 1));
    assigns ((uint8_t *)buf)[0 .. len - 1] \from \nothing;
    ensures \initialized((uint8_t *)buf + (0 .. len - 1)); */
void wg_random_bytes(void *buf, size_t len);

/* ratelimiter.c (thread-safe on its own): any verdict. */
/*@ requires \valid_read(src);
    assigns \result \from *src, now_ns;
    ensures \result == 0 || \result == 1; */
bool wg_ratelimiter_allow(struct wg_ratelimiter *r, const wg_endpoint *src, uint64_t now_ns);

/* Stub (peer.c, the public-key table): the sender's static key names
 * the_peer or no peer. */
struct engine_peer *engine_peer_lookup_by_key(struct wg_engine *engine, const uint8_t public_key[NOISE_PUBLIC_KEY_LEN])
{
	(void)engine, (void)public_key;
	return Frama_C_interval(0, 1) ? &the_peer : NULL;
}

/* Stub (peer.c, under index_lock): any receiver index may name any slot
 * of the_peer, or nothing. */
bool engine_peer_index_lookup(struct wg_engine *engine, uint32_t index, struct index_entry *out)
{
	(void)engine;
	if (!Frama_C_interval(0, 1))
		return false;
	out->peer = &the_peer;
	out->index = index;
	out->slot = (uint8_t)Frama_C_interval(0, INDEX_SLOT_HANDSHAKE);
	return true;
}

/* peer.c: drops the index from the table and the peer's pool. */
/*@ assigns peer->index_entries[0 .. 3] \from index; */
void engine_peer_index_del(struct engine_peer *peer, uint32_t index);

/* engine.c: any time. */
/*@ assigns \result \from \nothing; */
uint64_t wg_engine_now(const struct wg_engine *engine);

#include "noise.c"
#include "cookie.c"

static struct wg_engine engine;

/* Messages of exactly their size: reading one byte past would be an alarm. */
static uint8_t initiation[sizeof(struct message_handshake_initiation)];
static uint8_t response[sizeof(struct message_handshake_response)];
static uint8_t cookie_reply[sizeof(struct message_handshake_cookie)];
static wg_endpoint source;

/* The macs of a handshake message of len bytes (receive.c passes the
 * initiation's or the response's exact length), and under load the
 * cookie reply to it: any message, any source address, any secret. */
static void check_macs(const uint8_t *msg, size_t len)
{
	struct message_handshake_cookie reply;

	Frama_C_make_unknown((char *)&engine.cookie_checker, sizeof(engine.cookie_checker));
	wg_mutex_init(&engine.cookie_checker.lock);
	engine.cookie_checker.secret_set = Frama_C_interval(0, 1);
	Frama_C_make_unknown((char *)&source, sizeof(source));
	(void)wg_cookie_mac1_valid(&engine, msg, len);
	(void)wg_cookie_check_mac2(&engine, msg, len, &source);
	wg_cookie_message_create(&reply, msg, len, Frama_C_unsigned_int_interval(0, UINT32_MAX), &source, &engine);
}

/* Any identity, any handshake and cookie state of the peer. */
static void any_state(void)
{
	Frama_C_make_unknown((char *)&engine.identity, sizeof(engine.identity));
	engine.identity.has_identity = Frama_C_interval(0, 1);
	Frama_C_make_unknown((char *)&the_peer.handshake, sizeof(the_peer.handshake));
	the_peer.handshake.static_static_ok = Frama_C_interval(0, 1);
	the_peer.handshake.spare.ready = Frama_C_interval(0, 1);
	Frama_C_make_unknown((char *)&the_peer.cookie, sizeof(the_peer.cookie));
	the_peer.cookie.is_valid = Frama_C_interval(0, 1);
	the_peer.cookie.have_sent_mac1 = Frama_C_interval(0, 1);
}

int main(void)
{
	struct engine_peer *peer;
	bool replay;

	the_peer.engine = &engine;
	wg_mutex_init(&the_peer.lock);
	Frama_C_make_unknown((char *)initiation, sizeof(initiation));
	Frama_C_make_unknown((char *)response, sizeof(response));
	Frama_C_make_unknown((char *)cookie_reply, sizeof(cookie_reply));

	any_state();
	peer = wg_noise_handshake_consume_initiation((const struct message_handshake_initiation *)initiation,
						     &engine, &replay);
	if (peer)
		wg_mutex_unlock(&peer->lock);

	any_state();
	peer = wg_noise_handshake_consume_response((const struct message_handshake_response *)response, &engine);
	if (peer)
		wg_mutex_unlock(&peer->lock);

	any_state();
	(void)wg_cookie_message_consume((const struct message_handshake_cookie *)cookie_reply, &engine);

	check_macs(initiation, sizeof(initiation));
	check_macs(response, sizeof(response));
	return 0;
}
