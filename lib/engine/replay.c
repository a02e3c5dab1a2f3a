/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * RFC 6479, a replay detection bitmap that avoids bit shifts: the bitmap is a
 * ring of words; moving the window forward only clears the words it passes
 * over, so the cost is bounded by the ring size however far it jumps.
 *
 * The two steps of a call are static helpers, inlined by the compiler, so
 * that WP proves each against its own contract in a small context and the
 * proof of a call only composes the two (docs/PROOFS.md, tests/proof).
 */
#include <string.h>

#include "replay.h"

enum { WORDS = WG_REPLAY_BITS_TOTAL / WG_REPLAY_WORD_BITS };

void wg_replay_init(struct wg_replay_counter *c)
{
	memset(c, 0, sizeof(*c));
}

/* Contracts and hints for WP only (tests/proof, -DWG_PROOF_REPLAY_STEPS; the
 * predicates are tests/proof/replay_spec.h's): Eva runs the bodies and
 * could not prove the quantified ones. */
#ifdef WG_PROOF_REPLAY_STEPS
/*@ requires \valid(c);
    requires well_formed(c);
    requires c->next < pos;
    assigns c->next, c->bitmap[0 .. WORDS - 1];
    ensures next: c->next == pos;
    // Nothing recorded that was not recorded before: the words entering
    // the window are clear.
    ensures move_only: \forall integer n; recorded(c, n) ==> \old(recorded(c, n));
    // A cleared word only held positions now too old.
    ensures move_kept: \forall integer n; 0 <= n && \old(recorded(c, n)) ==> recorded(c, n) || too_old(c, n);
    ensures move_wf: well_formed(c);
    // The new newest position's own bit is clear.
    ensures move_fresh: !seen(c, pos - 1);
*/
#endif
/* Moves the window's newest position forward to pos. */
static inline void replay_advance(struct wg_replay_counter *c, uint64_t pos)
{
	uint64_t cur = c->next / WG_REPLAY_WORD_BITS;
	uint64_t gap = pos / WG_REPLAY_WORD_BITS - cur;

	/* Clear the words newly entering the window; after a jump of a whole
	 * ring or more, that is all of them. */
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
#ifdef WG_PROOF_REPLAY_STEPS
	/* The words cleared are exactly cleared(w, old next, pos): the step
	 * from the loop invariant to the contract (docs/PROOFS.md). */
	/*@ assert cleared_words: \forall integer w; 0 <= w < WORDS ==>
	      (cleared(w, \at(c->next, Pre), c->next) ? c->bitmap[w] == 0
	                                               : c->bitmap[w] == \at(c->bitmap[w], Pre)); */
#endif
}

#ifdef WG_PROOF_REPLAY_STEPS
/*@ requires \valid(c);
    requires well_formed(c);
    requires win_at(c->next, pos - 1);
    assigns c->bitmap[(pos / WG_REPLAY_WORD_BITS) % WORDS];
    // Records counter pos - 1 and nothing else; keeps the window well formed.
    ensures mark_rec: \forall integer n; 0 <= n ==> (recorded(c, n) <==> \old(recorded(c, n)) || n == pos - 1);
    ensures mark_wf: well_formed(c);
    // Test and set of the bit of position pos (counter pos - 1).
    behavior set:
      assumes seen(c, pos - 1);
      ensures \result == \false;
      ensures c->bitmap[(pos / WG_REPLAY_WORD_BITS) % WORDS] == \old(c->bitmap[(pos / WG_REPLAY_WORD_BITS) % WORDS]);
    behavior clear:
      assumes !seen(c, pos - 1);
      ensures \result == \true;
      ensures c->bitmap[(pos / WG_REPLAY_WORD_BITS) % WORDS] ==
        (\old(c->bitmap[(pos / WG_REPLAY_WORD_BITS) % WORDS]) | (1 << (pos % WG_REPLAY_WORD_BITS)));
    complete behaviors;
    disjoint behaviors;
*/
#endif
/* Records counter pos - 1 (in the window); false if it already was. */
static inline bool replay_mark(struct wg_replay_counter *c, uint64_t pos)
{
	uint64_t bit = UINT64_C(1) << (pos % WG_REPLAY_WORD_BITS);
	uint64_t word = (pos / WG_REPLAY_WORD_BITS) % WORDS;

#ifdef WG_PROOF_REPLAY_STEPS
	/* Proof hints: the word and bit of counter pos - 1, and the test. */
	/*@ assert shape: word == slot(pos - 1) && bit == (1 << bit(pos - 1)) && 0 <= bit(pos - 1) < 64; */
	/*@ assert test: (c->bitmap[word] & bit) != 0 <==> seen(c, pos - 1); */
#endif
	if (c->bitmap[word] & bit)
		return false;	/* replay */
	c->bitmap[word] |= bit;
#ifdef WG_PROOF_REPLAY_STEPS
	/* Proof hints, from the word to the model: only pos - 1's bit is new,
	 * in its own word; the other words and bits are unchanged. */
	/*@ assert word: c->bitmap[slot(pos - 1)] == (\at(c->bitmap[slot(pos - 1)], Pre) | (1 << bit(pos - 1))); */
	/*@ assert seen_other: \forall integer n; 0 <= n && slot(n) != slot(pos - 1) ==>
	      (seen(c, n) <==> \at(seen(c, n), Pre)); */
	/*@ assert bit_range: \forall integer n; 0 <= n ==> 0 <= bit(n) < 64; */
	/*@ assert or_bits: \let x = \at(c->bitmap[slot(pos - 1)], Pre); \forall integer b; 0 <= b < 64 ==>
	      (((x | (1 << bit(pos - 1))) & (1 << b)) != 0 <==> (b == bit(pos - 1) || (x & (1 << b)) != 0)); */
	/*@ assert word_bits: \forall integer b; 0 <= b < 64 ==>
	      ((c->bitmap[slot(pos - 1)] & (1 << b)) != 0 <==> (b == bit(pos - 1) || (\at(c->bitmap[slot(pos - 1)], Pre) & (1 << b)) != 0)); */
	/*@ assert seen_word: \forall integer n; 0 <= n && slot(n) == slot(pos - 1) ==>
	      (seen(c, n) <==> (c->bitmap[slot(pos - 1)] & (1 << bit(n))) != 0); */
	/*@ assert seen_word_pre: \forall integer n; 0 <= n && slot(n) == slot(pos - 1) ==>
	      (\at(seen(c, n), Pre) <==> (\at(c->bitmap[slot(pos - 1)], Pre) & (1 << bit(n))) != 0); */
	/*@ assert seen_same: \forall integer n; 0 <= n && slot(n) == slot(pos - 1) ==>
	      (seen(c, n) <==> (\at(seen(c, n), Pre) || bit(n) == bit(pos - 1))); */
	/*@ assert only_this: \forall integer n; 0 <= n && in_window(c, n) && slot(n) == slot(pos - 1) && bit(n) == bit(pos - 1) ==> n == pos - 1; */
	/*@ assert newest: (c->next / 64) % 128 == slot(pos - 1) ==> bit(pos - 1) <= c->next % 64; */
	/*@ assert wf_same: (c->next / 64) % 128 == slot(pos - 1) ==>
	      \forall integer b; c->next % 64 < b < 64 ==> !has_bit(c->bitmap[slot(pos - 1)], b); */
	/*@ assert wf_other: (c->next / 64) % 128 != slot(pos - 1) ==>
	      c->bitmap[(c->next / 64) % 128] == \at(c->bitmap[(c->next / 64) % 128], Pre); */
#endif
	return true;
}

bool wg_replay_check_and_update(struct wg_replay_counter *c, uint64_t counter,
				uint64_t reject_after_messages)
{
	uint64_t pos;

	if (counter >= reject_after_messages)
		return false;
	/* Work with counter + 1 so that next == 0 means "nothing yet"; cannot
	 * overflow, counter < reject_after_messages <= UINT64_MAX. */
	pos = counter + 1;
	if (c->next > WG_REPLAY_WINDOW_SIZE && pos < c->next - WG_REPLAY_WINDOW_SIZE)
		return false;	/* older than the window */
	if (pos > c->next)
		replay_advance(c, pos);
	return replay_mark(c, pos);
}
