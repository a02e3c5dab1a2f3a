/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Noise_IKpsk2 handshake and the keypairs it yields.  A keypair lives
 * in one of three slots of its peer (current, previous, next), so keypairs
 * are never allocated and never outlive the peer lock's protection: the data
 * path copies a key under the lock and encrypts outside it.
 */
#ifndef WG_NOISE_H
#define WG_NOISE_H

#include <stdbool.h>
#include <stdint.h>

#include "ephemeral.h"
#include "lock.h"
#include "messages.h"
#include "replay.h"

struct wg_engine;
struct engine_peer;

struct noise_static_identity {
	uint8_t static_public[NOISE_PUBLIC_KEY_LEN];
	uint8_t static_private[NOISE_PUBLIC_KEY_LEN];
	bool has_identity;
};

enum noise_handshake_state {
	HANDSHAKE_ZEROED,
	HANDSHAKE_CREATED_INITIATION,
	HANDSHAKE_CONSUMED_INITIATION,
	HANDSHAKE_CREATED_RESPONSE,
	HANDSHAKE_CONSUMED_RESPONSE,
};

struct noise_handshake {
	enum noise_handshake_state state;
	uint64_t last_initiation_consumption;	/* ns; 0 = never */
	uint32_t local_index;			/* registered in the index table while nonzero state */
	uint32_t remote_index;
	uint8_t ephemeral_private[NOISE_PUBLIC_KEY_LEN];
	uint8_t remote_static[NOISE_PUBLIC_KEY_LEN];
	uint8_t remote_ephemeral[NOISE_PUBLIC_KEY_LEN];
	uint8_t precomputed_static_static[NOISE_PUBLIC_KEY_LEN];
	bool static_static_ok;			/* false: the remote key is of low order */
	struct wg_ephemeral spare;		/* the next handshake's e, made ahead */
	uint8_t preshared_key[NOISE_SYMMETRIC_KEY_LEN];
	uint8_t hash[NOISE_HASH_LEN];
	uint8_t chaining_key[NOISE_HASH_LEN];
	uint8_t latest_timestamp[NOISE_TIMESTAMP_LEN];
};

struct noise_keypair {
	bool in_use;
	bool i_am_the_initiator;
	uint8_t sending_key[NOISE_SYMMETRIC_KEY_LEN];
	uint8_t receiving_key[NOISE_SYMMETRIC_KEY_LEN];
	uint64_t sending_counter;		/* next nonce to use */
	uint64_t birthdate;			/* ns */
	uint32_t local_index, remote_index;
	struct wg_replay_counter replay;
};

struct noise_keypairs {
	struct noise_keypair slot[3];
	struct noise_keypair *current, *previous, *next;
};

/* Setting the identity needs every peer's static-static recomputed (engine.c). */
void wg_noise_set_static_identity(struct noise_static_identity *id, const uint8_t private_key[32]);
void wg_noise_precompute_static_static(struct engine_peer *peer);

/* The peer lock is held for all of these unless said otherwise. */
void wg_noise_handshake_clear(struct engine_peer *peer);
void wg_noise_keypairs_clear(struct engine_peer *peer);
void wg_noise_expire_current_peer_keypairs(struct engine_peer *peer);

bool wg_noise_handshake_create_initiation(struct message_handshake_initiation *dst, struct engine_peer *peer);
/*
 * Called with no peer lock; returns the sender's peer locked, or NULL with
 * *replay set when it was an old (replayed) or too frequent initiation.
 * The thread-safety analysis cannot name the lock of a returned object:
 * callers state it with wg_mutex_assert_held().
 */
struct engine_peer *wg_noise_handshake_consume_initiation(const struct message_handshake_initiation *src,
							      struct wg_engine *engine, bool *replay) WG_NO_TSA;
bool wg_noise_handshake_create_response(struct message_handshake_response *dst, struct engine_peer *peer);
/* Called with no peer lock; returns the responder's peer locked, or NULL (as above). */
struct engine_peer *wg_noise_handshake_consume_response(const struct message_handshake_response *src,
							    struct wg_engine *engine) WG_NO_TSA;
/* Derive the transport keys from a finished handshake and install them. */
bool wg_noise_handshake_begin_session(struct engine_peer *peer);
/*
 * The first packet received on the responder's "next" keypair confirms the
 * handshake: rotate it to current.  True if that happened.
 */
bool wg_noise_received_with_keypair(struct engine_peer *peer, struct noise_keypair *kp);

/* Whether a keypair may still be used at time now (ns). */
bool wg_noise_keypair_usable(const struct noise_keypair *kp, uint64_t now);

#endif
