/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ACSL model of lib/engine/replay.c's window (logic definitions and lemmas,
 * no code), for its contract (tests/proof/replay_contract.c), for the proof
 * hints in replay.c itself (Frama-C is run with -include of this file), and
 * for the proof over sequences of calls (tests/proof/replay_sequence.c).
 * The base lemmas below are proved by the test replay-wp-seq.
 *
 * A counter n is stored at position n + 1 (so that next == 0 means "nothing
 * yet"): bit (n + 1) % 64 of word ((n + 1) / 64) % 128 of the ring.
 */
#ifndef WG_REPLAY_SPEC_H
#define WG_REPLAY_SPEC_H
#include "replay.h"

/*@ logic integer slot(integer n) = ((n + 1) / WG_REPLAY_WORD_BITS) % (WG_REPLAY_BITS_TOTAL / WG_REPLAY_WORD_BITS);
    logic integer bit(integer n) = (n + 1) % WG_REPLAY_WORD_BITS;

    // Bit b of word x is set.  A predicate of its own so that the provers
    // see (x & (1 << b)) in the operand order of Why3's bit_test axioms
    // (Qed orders the operands of & itself; written inline in seen, the
    // memory read came second and the provers could not even unfold seen).
    predicate has_bit(integer x, integer b) = (x & (1 << b)) != 0;

    // The bit of counter n is set (n was accepted, if n is in the window).
    predicate seen{L}(struct wg_replay_counter *c, integer n) = has_bit(c->bitmap[slot(n)], bit(n));

    // n is older than the window whose newest position is N.
    predicate old_at(integer N, integer n) =
      N > WG_REPLAY_WINDOW_SIZE && n + 1 < N - WG_REPLAY_WINDOW_SIZE;
    // n is the newest position N's counter or behind it, within the window.
    predicate win_at(integer N, integer n) = 0 <= n && n + 1 <= N && !old_at(N, n);

    // n is older than the window: rejected whatever its bit says.
    predicate too_old{L}(struct wg_replay_counter *c, integer n) = old_at(c->next, n);

    // n is the newest accepted counter or behind it, within the window.
    predicate in_window{L}(struct wg_replay_counter *c, integer n) = win_at(c->next, n);

    // n is in the window and its bit is set: a later call rejects it.
    predicate recorded{L}(struct wg_replay_counter *c, integer n) = in_window(c, n) && seen(c, n);

    // What every call keeps: the bits of the newest's word beyond it are
    // clear (they were cleared when the word entered the ring).  All-zero
    // (wg_replay_init) satisfies it.
    predicate well_formed{L}(struct wg_replay_counter *c) =
      \forall integer b; c->next % WG_REPLAY_WORD_BITS < b < WG_REPLAY_WORD_BITS ==>
        !has_bit(c->bitmap[(c->next / WG_REPLAY_WORD_BITS) % (WG_REPLAY_BITS_TOTAL / WG_REPLAY_WORD_BITS)], b);

    // Facts about bits and the ring for the provers (each proved by WP).
    lemma bit_u64: \forall integer b; 0 <= b < 64 ==> (uint64_t)(1 << b) == (1 << b);
    lemma bit_or_same: \forall integer x, b; 0 <= x <= UINT64_MAX ==> 0 <= b < 64 ==>
      (((1 << b) | x) & (1 << b)) != 0;
    lemma bit_or_other: \forall integer x, a, b; 0 <= x <= UINT64_MAX ==> 0 <= a < 64 ==> 0 <= b < 64 ==> a != b ==>
      ((((1 << a) | x) & (1 << b)) != 0 <==> (x & (1 << b)) != 0);
    // The same with the operands as replay.c writes them (x | bit).
    lemma or_bit_test: \forall integer x, a, b; 0 <= x <= UINT64_MAX ==> 0 <= a < 64 ==> 0 <= b < 64 ==>
      (((x | (1 << a)) & (1 << b)) != 0 <==> (a == b || (x & (1 << b)) != 0));
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

    // Towards the properties over a sequence of calls (docs/PROOFS.md):
    // the loop clears the word of ring index w iff
    // step(w, N / 64) <= min(P / 64 - N / 64, 128) when the newest position
    // moves from N to P.
    logic integer step(integer w, integer cur) = (w + 128 - cur % 128 - 1) % 128 + 1;
    predicate cleared(integer w, integer N, integer P) = step(w, N / 64) <= \min(P / 64 - N / 64, 128);

*/
#ifdef WG_PROOF_REPLAY_MOVE
/* Integer facts for the contracts of replay.c's two steps (tests
 * replay-wp-move, which proves them, and replay-wp-mark), so that the
 * goals about the bitmap only have to instantiate them.  Left out of the
 * other proofs: every lemma is a hypothesis of every goal, and these slow
 * the provers down there. */
/*@
    lemma slot_range: \forall integer n; 0 <= n ==> 0 <= slot(n) < 128 && 0 <= bit(n) < 64;
    // A word at most a ring behind cur is cleared at step a - cur + 128.
    lemma ring_back: \forall integer a, cur; 0 <= a <= cur < a + 128 ==>
      step(a % 128, cur) == a - cur + 128;
    // A cleared word's positions fall out of the window: the new window
    // starts after them.
    lemma cleared_too_old: \forall integer N, P, n; 0 <= n && win_at(N, n) && N < P &&
      cleared(slot(n), N, P) ==> old_at(P, n);
    // Positions that enter the window are in the old newest word (above
    // its bit) or in a cleared word.
    lemma entering: \forall integer N, P, n; 0 <= N < n + 1 <= P && 0 <= n ==>
      (((n + 1) / 64 == N / 64 && bit(n) > N % 64) || cleared(slot(n), N, P));
    // Two counters of one window with the same slot and bit are equal.
    lemma same_slot_bit: \forall integer N, n, m; win_at(N, n) && win_at(N, m) &&
      slot(n) == slot(m) && bit(n) == bit(m) ==> n == m;
    // Within one window, the newest's word holds no older position at a
    // higher bit.
    lemma newest_word: \forall integer N, n; win_at(N, n) && slot(n) == (N / 64) % 128 ==>
      bit(n) <= N % 64;
*/
#endif
/*@

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

#endif
