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
		/* For the proof (docs/PROOFS.md): word w is cleared at step
		 * (w - cur - 1) mod WORDS + 1, the others keep their bits. */
		/*@ loop invariant 1 <= i <= gap + 1;
		    loop invariant \forall integer w; 0 <= w < WORDS ==>
		      ((w + WORDS - cur % WORDS - 1) % WORDS + 1 < i ? c->bitmap[w] == 0
		                                                    : c->bitmap[w] == \at(c->bitmap[w], LoopEntry));
		    loop assigns i, c->bitmap[0 .. WORDS - 1];
		    loop variant gap - i + 1; */
		for (uint64_t i = 1; i <= gap; i++)
			c->bitmap[(cur + i) % WORDS] = 0;
		c->next = pos;
		/* ACSL for the proof of the move (tests/proof, replay-wp-move);
		 * under a macro so that the contract's proof does not carry
		 * them as hypotheses (they slow its provers down). */
#ifdef WG_PROOF_REPLAY_MOVE
		/*@ assert cleared_words: \forall integer w; 0 <= w < WORDS ==>
		      (cleared(w, \at(c->next, Pre), c->next) ? c->bitmap[w] == 0
		                                               : c->bitmap[w] == \at(c->bitmap[w], Pre)); */
#endif
	}
#ifdef WG_PROOF_REPLAY_MOVE
	/* Towards the proof over a sequence of calls (docs/PROOFS.md; the
	 * predicates are tests/proof/replay_spec.h's): moving the window forgets
	 * only what fell out of it, records nothing, keeps the newest word's
	 * upper bits clear. */
	/*@ check mid_only: \forall integer n; recorded(c, n) ==> \at(recorded(c, n), Pre); */
	/*@ check mid_kept: \forall integer n; 0 <= n && \at(recorded(c, n), Pre) ==> recorded(c, n) || too_old(c, n); */
	/*@ check mid_wf: well_formed(c); */
#endif
	bit = UINT64_C(1) << (pos % WG_REPLAY_WORD_BITS);
	word %= WORDS;
	/* Proof hints (WP): the bit and word of counter, and that it is set. */
	/*@ assert shape: bit == (1 << ((counter + 1) % 64)) && word == ((counter + 1) / 64) % 128; */
	if (c->bitmap[word] & bit)
		return false;	/* replay */
	c->bitmap[word] |= bit;
	/*@ assert set: (c->bitmap[word] & bit) != 0; */
	return true;
}
