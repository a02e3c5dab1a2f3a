// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The pool of ephemeral keypairs (ephemeral.h).  A spare is wiped from the
 * pool as it is taken, so no key serves two handshakes.  An engine is not
 * usable across fork() (its threads and locks are not), so a parent and
 * child never share a spare either.
 */
#include <errno.h>
#include <string.h>

#include "crypto.h"
#include "ephemeral.h"
#include "util.h"

int wg_ephemeral_pool_init(struct wg_ephemeral_pool *pool)
{
	memset(pool, 0, sizeof(*pool));
	return pthread_mutex_init(&pool->lock, NULL) ? -ENOMEM : 0;
}

void wg_ephemeral_pool_free(struct wg_ephemeral_pool *pool)
{
	pthread_mutex_destroy(&pool->lock);
	wg_memzero(pool->spare, sizeof(pool->spare));
	pool->n = 0;
}

static bool make(uint8_t private_key[32], uint8_t public_key[32])
{
	wg_random_bytes(private_key, 32);
	curve25519_clamp(private_key);
	return curve25519_generate_public(public_key, private_key);
}

bool wg_ephemeral_take(struct wg_ephemeral_pool *pool, uint8_t private_key[32], uint8_t public_key[32])
{
	bool taken = false;

	pthread_mutex_lock(&pool->lock);
	if (pool->n) {
		unsigned int i = pool->n - 1;

		memcpy(private_key, pool->spare[i].private_key, 32);
		memcpy(public_key, pool->spare[i].public_key, 32);
		wg_memzero(&pool->spare[i], sizeof(pool->spare[i]));
		__atomic_store_n(&pool->n, i, __ATOMIC_RELAXED);
		taken = true;
	}
	pthread_mutex_unlock(&pool->lock);
	return taken || make(private_key, public_key);
}

void wg_ephemeral_refill(struct wg_ephemeral_pool *pool)
{
	uint8_t private_key[32], public_key[32];

	while (__atomic_load_n(&pool->n, __ATOMIC_RELAXED) < EPHEMERAL_SPARES) {
		/* The X25519 runs unlocked: a handshake may take a spare meanwhile. */
		if (!make(private_key, public_key))
			break;
		pthread_mutex_lock(&pool->lock);
		if (pool->n < EPHEMERAL_SPARES) {
			memcpy(pool->spare[pool->n].private_key, private_key, 32);
			memcpy(pool->spare[pool->n].public_key, public_key, 32);
			__atomic_store_n(&pool->n, pool->n + 1, __ATOMIC_RELAXED);
		}
		pthread_mutex_unlock(&pool->lock);
	}
	wg_memzero(private_key, sizeof(private_key));
	wg_memzero(public_key, sizeof(public_key));
}
