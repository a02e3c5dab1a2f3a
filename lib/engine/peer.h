/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A peer of the engine: keys, session state, timers, staged packets. */
#ifndef WG_PEER_H
#define WG_PEER_H

#include "lock.h"

#include "cookie.h"
#include "noise.h"
#include "timers.h"
#include <wireguard.h>

/*
 * What a receiver index points at: a peer's handshake or one keypair slot.
 * Each peer has a pool of four (three keypairs and a handshake); an entry is
 * free when its index is 0.  Entries are read and written under index_lock.
 */
enum { INDEX_SLOT_HANDSHAKE = 3 };
struct index_entry {
	struct engine_peer *peer;
	uint32_t index;
	uint8_t slot;			/* 0..2: keypairs.slot[], or INDEX_SLOT_HANDSHAKE */
};

/*
 * Buffers for packets that wait for a handshake, shared by all peers of an
 * engine: memory stays bounded however many peers wait at once.  Slots are
 * carved in chunks the first time they are needed and reused from then on
 * (no allocation per packet); a slot's chunk pointer is published under the
 * lock before its number is handed out, so readers of their own slots need
 * no lock.
 */
enum {
	STAGE_POOL_SLOTS = 4096,	/* across the engine */
	STAGE_CHUNK_SLOTS = 64,
	STAGE_CHUNKS = STAGE_POOL_SLOTS / STAGE_CHUNK_SLOTS,
};
struct stage_pool {
	wg_mutex lock;
	uint32_t slot_size;		/* headroom + MTU + tailroom, rounded */
	uint32_t limit;			/* slots that may ever be carved (max_staged) */
	uint32_t carved;		/* slots carved so far */
	uint8_t *chunk[STAGE_CHUNKS];
	uint32_t nchunks;
	uint32_t free[STAGE_POOL_SLOTS];	/* a stack of free slot numbers */
	uint32_t nfree;
};

/* limit: at most this many packets staged at once (1..STAGE_POOL_SLOTS). */
int wg_stage_pool_init(struct stage_pool *pool, uint32_t mtu, uint32_t limit);
void wg_stage_pool_free(struct stage_pool *pool);
static inline uint8_t *wg_stage_slot(const struct stage_pool *pool, uint32_t slot)
{
	return pool->chunk[slot / STAGE_CHUNK_SLOTS] + (size_t)(slot % STAGE_CHUNK_SLOTS) * pool->slot_size;
}

/* A peer's plaintext packets waiting for a session, in pool slots. */
struct staged_queue {
	uint32_t slot[MAX_STAGED_PACKETS];
	uint32_t len[MAX_STAGED_PACKETS];
	unsigned int count;
	bool busy;			/* being sent with the lock dropped */
};

/*
 * Lock order: engine->lock (read or write), then peer->lock, then
 * engine->index_lock or the cookie checker's lock.  The peer lock protects
 * everything below except the list links and public_key, which only change
 * under the engine's write lock.
 */
struct engine_peer {
	wg_mutex lock;
	struct wg_engine *engine;
	struct engine_peer *prev, *next;
	uint8_t public_key[NOISE_PUBLIC_KEY_LEN];

	struct noise_handshake handshake;
	struct noise_keypairs keypairs;
	struct cookie_maker cookie;
	struct index_entry index_entries[4];
	struct peer_timers timers;
	struct staged_queue staged;

	wg_endpoint endpoint;
	/* The local address its authenticated packets last arrived at, as the
	 * driver put it in wg_packet.reserved (zeros: none), copied onto what
	 * we send it so that replies leave from the address the peer wrote to
	 * (the Linux driver's endpoint.src4/src6).  Opaque to the engine. */
	uint64_t local[2];
	uint64_t rx_bytes, tx_bytes;
	struct wg_timespec64 last_handshake_time;
	uint16_t persistent_keepalive_interval;
};

/*
 * Under the engine's write lock.  A new peer comes in two steps, so that a
 * configuration allocates every peer before it changes anything:
 * engine_peer_alloc() (NULL when out of memory, the engine untouched), then
 * engine_peer_link() (cannot fail once wg_key_table_reserve() made room; it
 * derives the static-static secret from the identity current at that point)
 * or engine_peer_discard().
 */
struct engine_peer *engine_peer_alloc(struct wg_engine *engine, const uint8_t public_key[NOISE_PUBLIC_KEY_LEN]);
void engine_peer_link(struct engine_peer *peer);
void engine_peer_discard(struct engine_peer *peer);
void engine_peer_remove(struct engine_peer *peer);

/* Receiver indices (take engine->index_lock themselves). */
uint32_t engine_peer_index_add(struct engine_peer *peer, unsigned int slot);
void engine_peer_index_del(struct engine_peer *peer, uint32_t index);
/* Point an index at another slot (a handshake's index becomes its keypair's). */
void engine_peer_index_retarget(struct engine_peer *peer, uint32_t index, unsigned int slot);
/* Copies the entry for index; false if unknown. */
bool engine_peer_index_lookup(struct wg_engine *engine, uint32_t index, struct index_entry *out);
struct engine_peer *engine_peer_lookup_by_key(struct wg_engine *engine, const uint8_t public_key[NOISE_PUBLIC_KEY_LEN]);

/* Peer lock held: copy a plaintext packet to wait for a session (0 or a drop reason). */
int engine_peer_stage_packet(struct engine_peer *peer, const uint8_t *pkt, uint32_t len);
/* Peer lock held: drop what waits (unless it is being sent). */
void engine_peer_purge_staged(struct engine_peer *peer);
/* Peer lock held: give the first n slots back and keep the rest queued. */
void engine_peer_release_staged(struct engine_peer *peer, unsigned int n);

/* Peer lock held: learn the source of an authenticated packet (roaming) and
 * the local address it arrived at. */
void engine_peer_set_endpoint(struct wg_outbox *ob, struct engine_peer *peer, const struct wg_packet *pkt);

#endif
