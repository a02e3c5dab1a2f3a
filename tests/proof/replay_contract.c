/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ACSL contract of lib/engine/replay.c, proved with WP (see docs/PROOFS.md).  Kept
 * outside the source: Frama-C merges this declaration with the definition
 * when both files are on its command line.
 *
 * A counter n is stored at position n + 1 (so that next == 0 means "nothing
 * yet"): bit (n + 1) % 64 of word ((n + 1) / 64) % 128 of the ring.
 */
#include "replay.h"

/*@ logic integer slot(integer n) = ((n + 1) / WG_REPLAY_WORD_BITS) % (WG_REPLAY_BITS_TOTAL / WG_REPLAY_WORD_BITS);
    logic integer bit(integer n) = (n + 1) % WG_REPLAY_WORD_BITS;

    // The bit of counter n is set (n was accepted, if n is in the window).
    predicate seen{L}(struct wg_replay_counter *c, integer n) =
      (c->bitmap[slot(n)] & (1 << bit(n))) != 0;

    // n is older than the window: rejected whatever its bit says.
    predicate too_old{L}(struct wg_replay_counter *c, integer n) =
      c->next > WG_REPLAY_WINDOW_SIZE && n + 1 < c->next - WG_REPLAY_WINDOW_SIZE;

    // n is the newest accepted counter or behind it, within the window.
    predicate in_window{L}(struct wg_replay_counter *c, integer n) =
      0 <= n && n + 1 <= c->next && !too_old(c, n);

    // What every call keeps: the bits of the newest's word beyond it are
    // clear (they were cleared when the word entered the ring).  All-zero
    // (wg_replay_init) satisfies it.
    predicate well_formed{L}(struct wg_replay_counter *c) =
      \forall integer b; c->next % WG_REPLAY_WORD_BITS < b < WG_REPLAY_WORD_BITS ==>
        (c->bitmap[(c->next / WG_REPLAY_WORD_BITS) % (WG_REPLAY_BITS_TOTAL / WG_REPLAY_WORD_BITS)] & (1 << b)) == 0;

    // Facts about bits and the ring for the provers (each proved by WP).
    lemma bit_u64: \forall integer b; 0 <= b < 64 ==> (uint64_t)(1 << b) == (1 << b);
    lemma bit_or_same: \forall integer x, b; 0 <= x <= UINT64_MAX ==> 0 <= b < 64 ==>
      (((1 << b) | x) & (1 << b)) != 0;
    lemma bit_or_other: \forall integer x, a, b; 0 <= x <= UINT64_MAX ==> 0 <= a < 64 ==> 0 <= b < 64 ==> a != b ==>
      ((((1 << a) | x) & (1 << b)) != 0 <==> (x & (1 << b)) != 0);
    lemma bit_zero: \forall integer b; 0 <= b < 64 ==> (0 & (1 << b)) == 0;
    // Two words less than a ring apart have different slots.
    lemma ring_distinct: \forall integer u, v; 0 <= u < v < u + WG_REPLAY_BITS_TOTAL / WG_REPLAY_WORD_BITS ==>
      u % (WG_REPLAY_BITS_TOTAL / WG_REPLAY_WORD_BITS) != v % (WG_REPLAY_BITS_TOTAL / WG_REPLAY_WORD_BITS);
    // A position in the window is less than a ring of words behind the newest.
    lemma window_words: \forall integer p, q; 0 <= p <= q ==> q <= p + WG_REPLAY_WINDOW_SIZE ==>
      q / WG_REPLAY_WORD_BITS < p / WG_REPLAY_WORD_BITS + WG_REPLAY_BITS_TOTAL / WG_REPLAY_WORD_BITS;

    // The loop of the source clears word w at step (w - cur - 1) mod 128 + 1:
    // a word 1..128 ahead of cur at step (word - cur).
    lemma ring_step: \forall integer w, cur; 0 <= cur < w <= cur + 128 ==>
      (w % 128 + 128 - cur % 128 - 1) % 128 + 1 == w - cur;
    lemma ring_step_range: \forall integer w, cur; 0 <= w && 0 <= cur ==>
      1 <= (w % 128 + 128 - cur % 128 - 1) % 128 + 1 <= 128;
    // A newer position in the same word is at a higher bit.
    lemma same_word: \forall integer p, q; 0 <= q < p ==> p / 64 == q / 64 ==> p % 64 > q % 64;

    predicate unchanged{L1, L2}(struct wg_replay_counter *c) =
      \at(c->next, L1) == \at(c->next, L2) &&
      \forall integer w; 0 <= w < WG_REPLAY_BITS_TOTAL / WG_REPLAY_WORD_BITS ==>
        \at(c->bitmap[w], L1) == \at(c->bitmap[w], L2);
*/

/* wg_replay_init's memset (trusted C semantics) leaves every word zero:
 * a well-formed window where nothing is seen. */
/*@ lemma init_well_formed{L}: \forall struct wg_replay_counter *c;
      (c->next == 0 && \forall integer w; 0 <= w < WG_REPLAY_BITS_TOTAL / WG_REPLAY_WORD_BITS ==> c->bitmap[w] == 0) ==>
      well_formed(c) && \forall integer n; 0 <= n ==> !seen(c, n);
*/

/*@ requires \valid(c);
    requires well_formed(c);
    assigns c->next, c->bitmap[0 .. WG_REPLAY_BITS_TOTAL / WG_REPLAY_WORD_BITS - 1];

    // The window only moves forward, so too old stays too old.
    ensures monotonic: c->next >= \old(c->next);
    // REJECT_AFTER_MESSAGES is never crossed.
    ensures limit: \result ==> counter < reject_after_messages;
    ensures limit_next: c->next <= \max(\old(c->next), reject_after_messages);
    // An accepted counter is recorded.
    ensures recorded: \result ==> in_window(c, counter);
    ensures recorded_seen: \result ==> seen(c, counter);
    behavior exhausted:
      assumes counter >= reject_after_messages;
      ensures \result == \false;
      ensures unchanged{Old, Post}(c);

    behavior too_old:
      assumes counter < reject_after_messages && too_old(c, counter);
      ensures \result == \false;
      ensures unchanged{Old, Post}(c);

    behavior replay:
      assumes counter < reject_after_messages && in_window(c, counter) && seen(c, counter);
      ensures \result == \false;
      ensures unchanged{Old, Post}(c);

    behavior unseen_in_window:
      assumes counter < reject_after_messages && in_window(c, counter) && !seen(c, counter);
      ensures \result == \true;
      ensures c->next == \old(c->next);

    behavior newer:
      assumes counter < reject_after_messages && counter + 1 > c->next;
      ensures \result == \true;
      ensures c->next == counter + 1;

    complete behaviors;
    disjoint behaviors;
*/
bool wg_replay_check_and_update(struct wg_replay_counter *c, uint64_t counter,
				uint64_t reject_after_messages);

#ifdef WG_PROOF_PENDING
/* Stated, not yet proved (docs/PROOFS.md): with these, "accepted at most
 * once" and "every unseen counter in the window is accepted" follow by
 * induction over the calls. */
/*@ ensures post_well_formed: well_formed(c);
    // Nothing recorded is forgotten until it is too old...
    ensures kept: \forall integer n; 0 <= n && \old(in_window(c, n) && seen(c, n)) ==>
      (in_window(c, n) && seen(c, n)) || too_old(c, n);
    // ... and nothing is recorded but the accepted counter.
    ensures only_counter: \forall integer n; in_window(c, n) && seen(c, n) ==>
      (\result && n == counter) || \old(in_window(c, n) && seen(c, n));
*/
bool wg_replay_check_and_update(struct wg_replay_counter *c, uint64_t counter,
				uint64_t reject_after_messages);
#endif
