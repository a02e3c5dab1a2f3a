// SPDX-License-Identifier: LGPL-2.1-or-later
/* Peers: creation and removal, receiver indices, staged packets, roaming. */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "engine.h"
#include "error.h"
#include "util.h"

struct engine_peer *engine_peer_alloc(struct wg_engine *engine, const uint8_t public_key[NOISE_PUBLIC_KEY_LEN])
{
	struct engine_peer *peer = calloc(1, sizeof(*peer));

	if (!peer)
		return NULL;
	if (wg_mutex_init(&peer->lock)) {
		free(peer);
		return NULL;
	}
	peer->engine = engine;
	memcpy(peer->public_key, public_key, NOISE_PUBLIC_KEY_LEN);
	memcpy(peer->handshake.remote_static, public_key, NOISE_PUBLIC_KEY_LEN);
	wg_cookie_maker_init(&peer->cookie, public_key);
	return peer;
}

void engine_peer_discard(struct engine_peer *peer)
{
	wg_mutex_destroy(&peer->lock);
	wg_memzero(peer, sizeof(*peer));
	free(peer);
}

void engine_peer_link(struct engine_peer *peer)
{
	struct wg_engine *engine = peer->engine;

	(void)wg_key_table_insert(&engine->pubkey_table, peer->public_key, peer);	/* room reserved */
	wg_noise_precompute_static_static(peer);
	peer->prev = engine->last_peer;
	if (engine->last_peer)
		engine->last_peer->next = peer;
	else
		engine->first_peer = peer;
	engine->last_peer = peer;
	engine->num_peers++;
}

void engine_peer_remove(struct engine_peer *peer)
{
	struct wg_engine *engine = peer->engine;

	/* The engine's write lock is held: no reader can see the peer. */
	wg_allowedips_remove_by_peer(&engine->allowedips, peer);
	wg_key_table_remove(&engine->pubkey_table, peer->public_key);
	wg_mutex_lock(&peer->lock);
	wg_noise_handshake_clear(peer);
	wg_noise_keypairs_clear(peer);
	wg_mutex_unlock(&peer->lock);

	if (peer->prev)
		peer->prev->next = peer->next;
	else
		engine->first_peer = peer->next;
	if (peer->next)
		peer->next->prev = peer->prev;
	else
		engine->last_peer = peer->prev;
	engine->num_peers--;

	peer->staged.busy = false;
	engine_peer_purge_staged(peer);
	wg_mutex_destroy(&peer->lock);
	wg_memzero(peer, sizeof(*peer));
	free(peer);
}

uint32_t engine_peer_index_add(struct engine_peer *peer, unsigned int slot)
{
	struct wg_engine *engine = peer->engine;
	struct index_entry *entry = NULL;
	uint32_t index = 0;

	wg_mutex_lock(&engine->index_lock);
	for (int i = 0; i < 4; i++) {
		if (!peer->index_entries[i].index) {
			entry = &peer->index_entries[i];
			break;
		}
	}
	if (entry) {
		index = wg_index_table_insert(&engine->index_table, entry);
		if (index) {
			entry->peer = peer;
			entry->slot = (uint8_t)slot;
			entry->index = index;
		}
	}
	wg_mutex_unlock(&engine->index_lock);
	if (!index)
		wg_engine_log(engine, WG_LOG_ERROR, "no receiver index available");
	return index;
}

static struct index_entry *find_entry(struct engine_peer *peer, uint32_t index)
{
	for (int i = 0; i < 4; i++)
		if (peer->index_entries[i].index == index)
			return &peer->index_entries[i];
	return NULL;
}

void engine_peer_index_del(struct engine_peer *peer, uint32_t index)
{
	struct wg_engine *engine = peer->engine;
	struct index_entry *entry;

	if (!index)
		return;
	wg_mutex_lock(&engine->index_lock);
	entry = find_entry(peer, index);
	if (entry) {
		wg_index_table_remove(&engine->index_table, index);
		entry->index = 0;
	}
	wg_mutex_unlock(&engine->index_lock);
}

void engine_peer_index_retarget(struct engine_peer *peer, uint32_t index, unsigned int slot)
{
	struct index_entry *entry;

	wg_mutex_lock(&peer->engine->index_lock);
	entry = find_entry(peer, index);
	if (entry)
		entry->slot = (uint8_t)slot;
	wg_mutex_unlock(&peer->engine->index_lock);
}

bool engine_peer_index_lookup(struct wg_engine *engine, uint32_t index, struct index_entry *out)
{
	const struct index_entry *entry;

	wg_mutex_lock(&engine->index_lock);
	entry = wg_index_table_lookup(&engine->index_table, index);
	if (entry)
		*out = *entry;
	wg_mutex_unlock(&engine->index_lock);
	return entry != NULL;
}

struct engine_peer *engine_peer_lookup_by_key(struct wg_engine *engine, const uint8_t public_key[NOISE_PUBLIC_KEY_LEN])
{
	return wg_key_table_lookup(&engine->pubkey_table, public_key);
}

int wg_stage_pool_init(struct stage_pool *pool, uint32_t mtu, uint32_t limit)
{
	memset(pool, 0, sizeof(*pool));
	pool->slot_size = (WG_PACKET_HEADROOM + mtu + WG_PACKET_TAILROOM + 15) & ~15U;
	pool->limit = limit;
	return -wg_mutex_init(&pool->lock);
}

void wg_stage_pool_free(struct stage_pool *pool)
{
	for (uint32_t i = 0; i < pool->nchunks; i++) {
		uint32_t n = pool->carved - i * STAGE_CHUNK_SLOTS;

		wg_memzero(pool->chunk[i], (size_t)(n < STAGE_CHUNK_SLOTS ? n : STAGE_CHUNK_SLOTS) * pool->slot_size);
		free(pool->chunk[i]);
	}
	wg_mutex_destroy(&pool->lock);
	memset(pool, 0, sizeof(*pool));
}

static bool stage_slot_get(struct stage_pool *pool, uint32_t *slot)
{
	bool ok = true;

	wg_mutex_lock(&pool->lock);
	if (!pool->nfree && pool->carved < pool->limit) {
		/* The last chunk holds only what the limit leaves: max_staged bounds memory. */
		uint32_t n = pool->limit - pool->carved < STAGE_CHUNK_SLOTS ? pool->limit - pool->carved : STAGE_CHUNK_SLOTS;
		uint8_t *chunk = malloc((size_t)n * pool->slot_size);

		if (chunk) {
			uint32_t base = pool->nchunks * STAGE_CHUNK_SLOTS;

			pool->chunk[pool->nchunks++] = chunk;
			pool->carved += n;
			for (uint32_t i = n; i > 0; i--)
				pool->free[pool->nfree++] = base + i - 1;
		}
	}
	if (pool->nfree)
		*slot = pool->free[--pool->nfree];
	else
		ok = false;
	wg_mutex_unlock(&pool->lock);
	return ok;
}

static void stage_slot_put(struct stage_pool *pool, uint32_t slot)
{
	/* Plaintext (or its ciphertext) does not linger in a free slot. */
	wg_memzero(wg_stage_slot(pool, slot), pool->slot_size);
	wg_mutex_lock(&pool->lock);
	pool->free[pool->nfree++] = slot;
	wg_mutex_unlock(&pool->lock);
}

int engine_peer_stage_packet(struct engine_peer *peer, const uint8_t *pkt, uint32_t len)
{
	struct stage_pool *pool = &peer->engine->stage_pool;
	struct staged_queue *q = &peer->staged;
	uint32_t slot;

	if (len > pool->slot_size - WG_PACKET_HEADROOM - WG_PACKET_TAILROOM)
		return WG_DROP_NO_ROOM;
	if (q->busy || q->count >= MAX_STAGED_PACKETS || !stage_slot_get(pool, &slot))
		return WG_DROP_QUEUE_FULL;
	memcpy(wg_stage_slot(pool, slot) + WG_PACKET_HEADROOM, pkt, len);
	q->slot[q->count] = slot;
	q->len[q->count++] = len;
	return 0;
}

void engine_peer_release_staged(struct engine_peer *peer, unsigned int n)
{
	struct staged_queue *q = &peer->staged;

	if (n > q->count)
		n = q->count;
	for (unsigned int i = 0; i < n; i++)
		stage_slot_put(&peer->engine->stage_pool, q->slot[i]);
	memmove(q->slot, q->slot + n, (q->count - n) * sizeof(q->slot[0]));
	memmove(q->len, q->len + n, (q->count - n) * sizeof(q->len[0]));
	q->count -= n;
}

void engine_peer_purge_staged(struct engine_peer *peer)
{
	if (!peer->staged.busy)
		engine_peer_release_staged(peer, peer->staged.count);
}

void engine_peer_set_endpoint(struct wg_outbox *ob, struct engine_peer *peer, const struct wg_packet *pkt)
{
	const wg_endpoint *src = &pkt->endpoint;

	if (src->addr.sa_family != AF_INET && src->addr.sa_family != AF_INET6)
		return;
	/* Written only when it changes: the sending threads read this line. */
	if (peer->local[0] != pkt->reserved[0] || peer->local[1] != pkt->reserved[1]) {
		peer->local[0] = pkt->reserved[0];
		peer->local[1] = pkt->reserved[1];
	}
	if (wg_endpoint_equal(&peer->endpoint, src))
		return;
	wg_endpoint_copy(&peer->endpoint, src);
	wg_outbox_event(ob, WG_EVENT_ENDPOINT_CHANGED, peer);
}
