// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Ephemerals made ahead of time: each is a valid X25519 keypair whose DH
 * with the remote static key matches one computed with X25519 directly, no
 * two alike; a low-order remote key gives none, wiped; a fixed private key
 * (the golden tests' hook) is used, clamped.
 */
#include "crypto.h"
#include "ephemeral.h"
#include "test.h"
#include "util.h"

enum { MAKES = 64 };

int main(void)
{
	static const struct wg_ephemeral zero;
	uint8_t remote_private[32], remote_public[32], want[32], clamped[32];
	uint8_t keys[MAKES][32];
	struct wg_ephemeral e;

	wg_random_bytes(remote_private, 32);
	CHECK(curve25519_generate_public(remote_public, remote_private));
	for (int i = 0; i < MAKES; i++) {
		CHECK(wg_ephemeral_make(&e, remote_public, NULL));
		CHECK(e.ready);
		memcpy(clamped, e.private_key, 32);
		curve25519_clamp(clamped);
		CHECK_MEM(e.private_key, clamped, 32);
		CHECK(curve25519_generate_public(want, e.private_key));
		CHECK_MEM(e.public_key, want, 32);
		/* Both sides of the DH agree: ours from the spare, theirs fresh. */
		CHECK(curve25519(want, remote_private, e.public_key));
		CHECK_MEM(e.dh_remote_static, want, 32);
		memcpy(keys[i], e.private_key, 32);
	}
	CHECK(test_repeated_keys(keys, MAKES) == 0);

	/* A low-order remote key (u = 0): no spare, nothing left behind. */
	static const uint8_t low_order[32];
	CHECK(!wg_ephemeral_make(&e, low_order, NULL));
	CHECK(memcmp(&e, &zero, sizeof(e)) == 0);

	/* The test hook's fixed key, clamped: 0xff... becomes 0xf8 ... 0x7f. */
	uint8_t fixed[32];
	memset(fixed, 0xff, sizeof(fixed));
	CHECK(wg_ephemeral_make(&e, remote_public, fixed));
	memcpy(clamped, fixed, 32);
	curve25519_clamp(clamped);
	CHECK_MEM(e.private_key, clamped, 32);
	wg_memzero(&e, sizeof(e));
	return test_done();
}
