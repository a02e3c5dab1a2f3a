/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A peer's next ephemeral keypair, made ahead of time together with its DH
 * with the peer's static key: that DH is es when we initiate and se when we
 * respond.  Two of the X25519 a handshake message needs are then done before
 * the message is wanted: when the peer is added (wg_engine_set_device), and
 * again by the next wg_engine_tick() after a handshake took the spare.
 */
#ifndef WG_EPHEMERAL_H
#define WG_EPHEMERAL_H

#include <stdbool.h>
#include <stdint.h>

struct wg_ephemeral {
	bool ready;
	uint8_t private_key[32], public_key[32];
	uint8_t dh_remote_static[32];	/* X25519(private_key, the peer's static key) */
};

/*
 * Make a fresh one: private_key clamped from fixed_private (a test hook) or,
 * when NULL, from the system's random source.  false, with *e wiped, when the
 * DH is all zero (a low-order remote key).
 */
bool wg_ephemeral_make(struct wg_ephemeral *e, const uint8_t remote_static[32], const uint8_t *fixed_private);

#endif
