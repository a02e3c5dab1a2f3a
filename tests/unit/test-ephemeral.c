// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The pool of ephemeral keypairs: every keypair it hands out is a valid
 * X25519 pair, none twice, whether from a spare or made on the spot; refill
 * fills it and taking empties it one spare at a time; free wipes it.
 */
#include <stdlib.h>

#include "crypto.h"
#include "ephemeral.h"
#include "test.h"
#include "util.h"

enum { TAKES = 64 };

static void check_pair(const uint8_t private_key[32], const uint8_t public_key[32])
{
	uint8_t want[32], clamped[32];

	memcpy(clamped, private_key, 32);
	curve25519_clamp(clamped);
	CHECK_MEM(clamped, private_key, 32);	/* handed out clamped */
	CHECK(curve25519_generate_public(want, private_key));
	CHECK_MEM(public_key, want, 32);
}

static int key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

int main(void)
{
	static const uint8_t zero[sizeof(((struct wg_ephemeral_pool *)0)->spare)];
	struct wg_ephemeral_pool pool;
	uint8_t priv[TAKES][32], pub[TAKES][32];
	unsigned int dups = 0;

	CHECK(wg_ephemeral_pool_init(&pool) == 0);
	CHECK(pool.n == 0);
	for (int i = 0; i < TAKES; i++) {
		/* Alternate: from spares, then from an empty pool. */
		if (i % 4 == 0) {
			wg_ephemeral_refill(&pool);
			CHECK(pool.n == EPHEMERAL_SPARES);
		}
		unsigned int before = pool.n;

		CHECK(wg_ephemeral_take(&pool, priv[i], pub[i]));
		CHECK(pool.n == (before ? before - 1 : 0));
		if (before)	/* the slot it came from is wiped */
			CHECK(memcmp(&pool.spare[before - 1], zero, sizeof(pool.spare[0])) == 0);
		check_pair(priv[i], pub[i]);
	}
	qsort(priv, TAKES, 32, key_cmp);
	for (int i = 1; i < TAKES; i++)
		dups += !memcmp(priv[i - 1], priv[i], 32);
	CHECK(dups == 0);

	wg_ephemeral_refill(&pool);
	CHECK(memcmp(pool.spare, zero, sizeof(zero)) != 0);
	wg_ephemeral_pool_free(&pool);
	CHECK(memcmp(pool.spare, zero, sizeof(zero)) == 0);
	return test_done();
}
