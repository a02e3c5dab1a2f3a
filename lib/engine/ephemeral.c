// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Making ephemeral keypairs (ephemeral.h).  A spare is wiped as it is taken
 * (noise.c), so no key serves two handshakes; an engine is not usable across
 * fork() (its threads and locks are not), so parent and child never share
 * one either.
 */
#include "crypto.h"
#include "ephemeral.h"
#include "util.h"

bool wg_ephemeral_make(struct wg_ephemeral *e, const uint8_t remote_static[32], const uint8_t *fixed_private)
{
	if (fixed_private)
		memcpy(e->private_key, fixed_private, 32);
	else
		wg_random_bytes(e->private_key, 32);
	curve25519_clamp(e->private_key);
	e->ready = curve25519_generate_public(e->public_key, e->private_key) &&
		   curve25519(e->dh_remote_static, e->private_key, remote_static);
	if (!e->ready)
		wg_memzero(e, sizeof(*e));
	return e->ready;
}
