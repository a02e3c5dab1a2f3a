/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ACSL contract of lib/engine/replay.c, proved with WP (see docs/PROOFS.md).  Kept
 * outside the source: Frama-C merges this declaration with the definition
 * when both files are on its command line.  The model (predicates, lemmas)
 * is in replay_spec.h.  WP proves it from the contracts of replay.c's two
 * steps, replay_advance and replay_mark (-DWG_PROOF_REPLAY_STEPS), each
 * proved on its own.
 */
#include "replay_spec.h"

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
    // The three facts a proof over a sequence of calls needs
    // (tests/proof/replay_sequence.c): the window stays well formed, a
    // recorded counter stays recorded until it falls out of the window, and
    // nothing but the accepted counter becomes recorded.
    ensures post_well_formed: well_formed(c);
    ensures kept: \forall integer n; 0 <= n && \old(recorded(c, n)) ==> recorded(c, n) || too_old(c, n);
    ensures only_counter: \forall integer n; recorded(c, n) ==> (\result && n == counter) || \old(recorded(c, n));
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
