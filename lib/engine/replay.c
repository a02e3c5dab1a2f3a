/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * RFC 6479, a replay detection bitmap that avoids bit shifts: the bitmap is a
 * ring of words; moving the window forward only clears the words it passes
 * over, so the cost is bounded by the ring size however far it jumps.
 */
#include <string.h>

#include "replay.h"

enum { WORDS = WG_REPLAY_BITS_TOTAL / WG_REPLAY_WORD_BITS };

void wg_replay_init(struct wg_replay_counter *c)
{
	memset(c, 0, sizeof(*c));
}

bool wg_replay_check_and_update(struct wg_replay_counter *c, uint64_t counter,
				uint64_t reject_after_messages)
{
	uint64_t pos, word, bit;

	if (counter >= reject_after_messages)
		return false;
	/* Work with counter + 1 so that next == 0 means "nothing yet"; cannot
	 * overflow, counter < reject_after_messages <= UINT64_MAX. */
	pos = counter + 1;
	if (c->next > WG_REPLAY_WINDOW_SIZE && pos < c->next - WG_REPLAY_WINDOW_SIZE)
		return false;	/* older than the window */

	word = pos / WG_REPLAY_WORD_BITS;
	if (pos > c->next) {
		uint64_t cur = c->next / WG_REPLAY_WORD_BITS;
		uint64_t gap = word - cur;

		/* Clear the words newly entering the window; after a jump of
		 * a whole ring or more, that is all of them. */
		if (gap > WORDS)
			gap = WORDS;
		for (uint64_t i = 1; i <= gap; i++)
			c->bitmap[(cur + i) % WORDS] = 0;
		c->next = pos;
	}
	bit = UINT64_C(1) << (pos % WG_REPLAY_WORD_BITS);
	word %= WORDS;
	if (c->bitmap[word] & bit)
		return false;	/* replay */
	c->bitmap[word] |= bit;
	return true;
}
