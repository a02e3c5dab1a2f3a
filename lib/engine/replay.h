/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The receive replay window of a session: which nonce counters were already
 * accepted.  Not thread-safe: the caller holds the keypair's lock.
 */
#ifndef WG_REPLAY_H
#define WG_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

enum {
	/* Bits of history kept, a power of two (the Linux driver's value). */
	WG_REPLAY_BITS_TOTAL = 8192,
	WG_REPLAY_WORD_BITS = 64,
	/*
	 * The word holding the newest counter is only partly history, so one
	 * word's worth is not usable: 8128 counters behind the newest are
	 * accepted, anything older is rejected.
	 */
	WG_REPLAY_WINDOW_SIZE = WG_REPLAY_BITS_TOTAL - WG_REPLAY_WORD_BITS,
};

struct wg_replay_counter {
	uint64_t next;	/* newest accepted counter + 1; 0 before the first */
	uint64_t bitmap[WG_REPLAY_BITS_TOTAL / WG_REPLAY_WORD_BITS];
};

void wg_replay_init(struct wg_replay_counter *c);

/*
 * True if counter is new and recent enough (and records it); false for a
 * replay, a counter older than the window, or counter >= reject_after_messages.
 * Call only after the packet authenticated, or a forger could advance the
 * window.
 */
bool wg_replay_check_and_update(struct wg_replay_counter *c, uint64_t counter,
				uint64_t reject_after_messages);

#endif
