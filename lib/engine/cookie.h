/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mac1/mac2 and cookie replies: the DoS defence of the handshake.  The
 * checker (one per engine) verifies incoming macs and makes cookies from a
 * secret rotated every COOKIE_SECRET_MAX_AGE; the maker (one per peer)
 * remembers the cookie a peer sent us and adds macs to our handshakes.
 */
#ifndef WG_COOKIE_H
#define WG_COOKIE_H

#include "lock.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "messages.h"
#include <wireguard.h>

struct wg_engine;
struct engine_peer;

struct cookie_checker {
	wg_mutex lock;		/* protects the secret */
	uint8_t secret[NOISE_HASH_LEN];
	uint64_t secret_birthdate;	/* ns */
	bool secret_set;
	/* Derived from our public key; written under the engine's write lock. */
	uint8_t cookie_encryption_key[NOISE_SYMMETRIC_KEY_LEN];
	uint8_t message_mac1_key[NOISE_SYMMETRIC_KEY_LEN];
};

/* Under the peer's lock. */
struct cookie_maker {
	uint8_t cookie_decryption_key[NOISE_SYMMETRIC_KEY_LEN];
	uint8_t message_mac1_key[NOISE_SYMMETRIC_KEY_LEN];
	uint8_t cookie[COOKIE_LEN];
	uint64_t birthdate;		/* ns */
	bool is_valid;
	uint8_t last_mac1_sent[COOKIE_LEN];
	bool have_sent_mac1;
};

enum cookie_mac_state {
	INVALID_MAC,
	VALID_MAC_BUT_NO_COOKIE,
	VALID_MAC_WITH_COOKIE_BUT_RATELIMITED,
	VALID_MAC_WITH_COOKIE,
};

int wg_cookie_checker_init(struct cookie_checker *checker);
void wg_cookie_checker_free(struct cookie_checker *checker);
/* public_key NULL: no identity (the macs then never verify). */
void wg_cookie_checker_precompute_device_keys(struct cookie_checker *checker, const uint8_t *public_key);
void wg_cookie_maker_init(struct cookie_maker *maker, const uint8_t peer_public_key[NOISE_PUBLIC_KEY_LEN]);

/* msg is a whole initiation or response of len bytes; src its UDP source.
 * mac1 first, alone: one keyed BLAKE2s, all that junk may cost. */
bool wg_cookie_mac1_valid(struct wg_engine *engine, const uint8_t *msg, size_t len);
/* Whether mac2 is a cookie we gave src (no rate limiter). */
bool wg_cookie_mac2_valid(struct wg_engine *engine, const uint8_t *msg, size_t len, const wg_endpoint *src);
/* Under load, for a message whose mac1 is valid: its mac2 (a cookie for
 * src), then the rate limiter.  Never returns INVALID_MAC. */
enum cookie_mac_state wg_cookie_check_mac2(struct wg_engine *engine, const uint8_t *msg, size_t len,
					   const wg_endpoint *src);
/* Fill in mac1 (and mac2 with a fresh cookie); peer lock held. */
void wg_cookie_add_mac_to_packet(uint8_t *msg, size_t len, struct engine_peer *peer, uint64_t now);
/* A cookie reply to the sender of msg (index = its sender index). */
void wg_cookie_message_create(struct message_handshake_cookie *dst, const uint8_t *msg, size_t len,
			      uint32_t index, const wg_endpoint *src, struct wg_engine *engine);
/* Returns false when the reply is not for a handshake we sent. */
bool wg_cookie_message_consume(const struct message_handshake_cookie *src, struct wg_engine *engine);

#endif
