/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Ephemeral keypairs made ahead of time.  Making one costs an X25519, a
 * fifth of a handshake message's work; taking a spare moves that off the
 * message's way, and the spare is replaced once the message has gone out.
 */
#ifndef WG_EPHEMERAL_H
#define WG_EPHEMERAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* Two: an engine may answer one handshake while it starts its own. */
#define EPHEMERAL_SPARES 2

struct wg_ephemeral_pool {
	pthread_mutex_t lock;
	unsigned int n;		/* spares ready; read without the lock as a hint */
	struct {
		uint8_t private_key[32], public_key[32];
	} spare[EPHEMERAL_SPARES];
};

/* 0, or -ENOMEM when the lock cannot be made.  Starts empty. */
int wg_ephemeral_pool_init(struct wg_ephemeral_pool *pool);
/* Wipes the spares. */
void wg_ephemeral_pool_free(struct wg_ephemeral_pool *pool);

/* A fresh keypair, never handed out before: a spare if one is ready, else
 * made now.  false only if X25519 fails, which a clamped random key cannot. */
bool wg_ephemeral_take(struct wg_ephemeral_pool *pool, uint8_t private_key[32], uint8_t public_key[32]);

/* Make spares until the pool is full: call where latency no longer matters
 * (after the datagrams of an API call are sent).  Cheap when full. */
void wg_ephemeral_refill(struct wg_ephemeral_pool *pool);

#endif
