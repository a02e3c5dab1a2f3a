/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The nonce counter is 64 bits wide on every target (boringtun 0.7.1 fixed
 * one that was not on 32-bit ones).  Checked once per machine model
 * (-machdep x86_32 and x86_64, see tests/proof/meson.build), so that a
 * `long`, `size_t` or pointer-sized step anywhere in the path would show:
 *  - send (WP, for every counter): take_nonce() hands out the keypair's
 *    counter and increments it in 64-bit arithmetic, and refuses, changing
 *    nothing, from REJECT_AFTER_MESSAGES on;
 *  - wire and AEAD (Eva, at the edges 0, 2^32 - 1, 2^32, 2^60,
 *    REJECT_AFTER_MESSAGES - 1, REJECT_AFTER_MESSAGES, 2^64 - 1, which Eva
 *    computes exactly): wg_put_le64() / wg_le64() carry all 64 bits of the
 *    data header's counter, and counter_nonce() puts all 64 bits into the
 *    ChaCha20-Poly1305 nonce after four zero bytes; no run-time error in
 *    any of these.
 */
#include "engine.h"

/* Assumed: noise.c's expiry check reads the keypair and the clock only;
 * either answer is explored. */
/*@ assigns \result \from kp->in_use, kp->birthdate, now;
    ensures \result == 0 || \result == 1; */
bool wg_noise_keypair_usable(const struct noise_keypair *kp, uint64_t now);

#include "send.c"

/* Proved by WP for every counter, on both machine models. */
/*@ requires \valid(peer) && \valid(peer->keypairs.current) && \valid(c);
    requires \separated(peer, peer->keypairs.current, c);
    assigns peer->keypairs.current->sending_counter, *c;

    behavior exhausted:
      assumes peer->keypairs.current->sending_counter >= REJECT_AFTER_MESSAGES;
      ensures \result == \false;
      ensures peer->keypairs.current->sending_counter == \old(peer->keypairs.current->sending_counter);

    behavior fresh:
      assumes peer->keypairs.current->sending_counter < REJECT_AFTER_MESSAGES;
      ensures \result ==> c->counter == \old(peer->keypairs.current->sending_counter);
      ensures \result ==> peer->keypairs.current->sending_counter == \old(peer->keypairs.current->sending_counter) + 1;
      ensures !\result ==> peer->keypairs.current->sending_counter == \old(peer->keypairs.current->sending_counter);

    complete behaviors;
    disjoint behaviors;
*/
static bool take_nonce(struct engine_peer *peer, uint64_t now, struct send_ctx *c);

#include "chacha20poly1305.c"

static struct engine_peer peer;
static struct noise_keypair kp;

/* Run-time errors only: take_nonce's results are WP's (above). */
static void send_at(uint64_t counter)
{
	struct send_ctx c;

	kp.sending_counter = counter;
	(void)take_nonce(&peer, 0, &c);
}

static void wire_at(uint64_t counter)
{
	uint8_t b[8], n[12];
	uint64_t back;

	wg_put_le64(b, counter);
	back = wg_le64(b);
	/*@ assert wire: back == counter; */
	counter_nonce(n, counter);
	/*@ assert nonce: n[0] == 0 && n[1] == 0 && n[2] == 0 && n[3] == 0 &&
	      n[4] + (n[5] << 8) + (n[6] << 16) + ((integer)n[7] << 24) +
	      ((integer)n[8] << 32) + ((integer)n[9] << 40) + ((integer)n[10] << 48) + ((integer)n[11] << 56) == counter; */
}

/* Straight-line calls: each edge is its own concrete state. */
#define AT(x) (send_at(x), wire_at(x))

int main(void)
{
	peer.keypairs.current = &kp;
	AT(0);
	AT(UINT32_MAX);
	AT((uint64_t)UINT32_MAX + 1);
	AT(REKEY_AFTER_MESSAGES);
	AT(REJECT_AFTER_MESSAGES - 1);
	AT(REJECT_AFTER_MESSAGES);
	AT(UINT64_MAX);
	return 0;
}
