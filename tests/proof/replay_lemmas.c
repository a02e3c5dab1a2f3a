/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The bit-setting half of a call of wg_replay_check_and_update, in the
 * abstract (docs/PROOFS.md): two states L1, L2 with the same newest
 * position, where only the word of counter m changed, to (1 << bit(m)) | x.
 * NOT run by the suite: seen_same and wf_clear_above are not proved yet
 * (the provers answer "unknown"), the others are.  Kept as the starting
 * point of the missing half of the sequence proof (docs/PROOFS.md):
 *   frama-c -wp -wp-prover z3,cvc5 -wp-timeout 20 \
 *     -cpp-extra-args=-Iinclude,-Ilib/base,-Ilib/engine,-DWG_PROOF_REPLAY_MOVE tests/proof/replay_lemmas.c
 */
#include "replay_spec.h"

/*@
    // Setting the bit of counter m (in the window) records m and nothing
    // else, and keeps the window well formed.
    lemma or_bit: \forall integer x, m, n; 0 <= x <= UINT64_MAX ==> 0 <= m ==> 0 <= n ==>
      ((((1 << bit(m)) | x) & (1 << bit(n))) != 0 <==> (bit(m) == bit(n) || (x & (1 << bit(n))) != 0));
    lemma seen_other{L1, L2}: \forall struct wg_replay_counter *c, integer m, n; 0 <= m ==> 0 <= n ==>
      slot(n) != slot(m) ==> \at(c->bitmap[slot(n)], L2) == \at(c->bitmap[slot(n)], L1) ==>
      (seen{L2}(c, n) <==> seen{L1}(c, n));
    lemma seen_same{L1, L2}: \forall struct wg_replay_counter *c, integer m, n, x; 0 <= m ==> 0 <= n ==>
      slot(n) == slot(m) ==> x == \at(c->bitmap[slot(n)], L1) ==> 0 <= x <= UINT64_MAX ==>
      \at(c->bitmap[slot(n)], L2) == ((1 << bit(m)) | x) ==>
      (seen{L2}(c, n) <==> seen{L1}(c, n) || bit(n) == bit(m));
    lemma rec_set{L1, L2}: \forall struct wg_replay_counter *c, integer m, n; 0 <= n ==>
      \at(c->next, L1) == \at(c->next, L2) ==> win_at(\at(c->next, L1), m) ==>
      (seen{L2}(c, n) <==> seen{L1}(c, n) || (slot(n) == slot(m) && bit(n) == bit(m))) ==>
      (recorded{L2}(c, n) <==> recorded{L1}(c, n) || n == m);
    // Word x has no bit set above bit k.
    predicate clear_above(integer x, integer k) = \forall integer b; k < b < 64 ==> (x & (1 << b)) == 0;
    lemma wf_clear_above{L}: \forall struct wg_replay_counter *c;
      well_formed(c) <==> clear_above(c->bitmap[(c->next / 64) % 128], c->next % 64);
    lemma clear_above_or: \forall integer x, a, k; 0 <= x <= UINT64_MAX ==> 0 <= a <= k < 64 ==>
      clear_above(x, k) ==> clear_above((1 << a) | x, k);
    lemma wf_same{L1, L2}: \forall struct wg_replay_counter *c, integer m, x;
      \at(c->next, L1) == \at(c->next, L2) ==> win_at(\at(c->next, L1), m) ==> well_formed{L1}(c) ==>
      (\at(c->next, L1) / 64) % 128 == slot(m) ==>
      x == \at(c->bitmap[slot(m)], L1) ==> 0 <= x <= UINT64_MAX ==>
      \at(c->bitmap[slot(m)], L2) == ((1 << bit(m)) | x) ==>
      well_formed{L2}(c);
    lemma wf_other{L1, L2}: \forall struct wg_replay_counter *c;
      \at(c->next, L1) == \at(c->next, L2) ==> well_formed{L1}(c) ==>
      \at(c->bitmap[(c->next / 64) % 128], L2) == \at(c->bitmap[(c->next / 64) % 128], L1) ==>
      well_formed{L2}(c);

*/
