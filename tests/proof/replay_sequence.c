/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The replay window over a sequence of calls (docs/PROOFS.md), proved with
 * WP from the contract of wg_replay_check_and_update alone
 * (tests/proof/replay_contract.c, proved by replay-wp): n calls with any
 * counters H(0), H(1), ... (whatever arrives from the network: H is any
 * function) and any limit, from a window where nothing is recorded (as
 * wg_replay_init leaves it), the results in r[i].  Proved at every call i:
 *   at_most_once      a counter accepted before is refused;
 *   unseen_accepted   a counter below the limit, not older than the window
 *                     at the call, and not accepted before, is accepted;
 * and so, for the whole sequence, no counter is accepted twice (ensures
 * once).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "replay_spec.h"

/*@ axiomatic Input {
      // The counter of the i-th packet (any sequence).
      logic integer H(integer i);
    }
    // Counter m was accepted by one of the first i calls.
    predicate accepted_before{L}(bool *r, integer i, integer m) =
      \exists integer j; 0 <= j < i && r[j] && H(j) == m;
    // Only r[0 .. i - 1] matter.
    lemma accepted_frame{L1, L2}: \forall bool *r, integer i;
      (\forall integer j; 0 <= j < i ==> \at(r[j], L1) == \at(r[j], L2)) ==>
      \forall integer x; accepted_before{L1}(r, i, x) <==> accepted_before{L2}(r, i, x);
*/

/*@ assigns \nothing;
    ensures \result == H(i);
*/
uint64_t packet_counter(size_t i);

/*@ requires \valid(c) && \valid(r + (0 .. n - 1));
    requires \separated(c, r + (0 .. n - 1));
    requires well_formed(c);
    requires empty: \forall integer m; !recorded(c, m);
    assigns c->next, c->bitmap[0 .. WG_REPLAY_BITS_TOTAL / WG_REPLAY_WORD_BITS - 1], r[0 .. n - 1];
    ensures once: \forall integer i, j; 0 <= j < i < n && r[i] && r[j] ==> H(i) != H(j);
*/
void replay_sequence(struct wg_replay_counter *c, bool *r, size_t n, uint64_t limit)
{
	/*@ loop invariant 0 <= i <= n;
	    loop invariant well_formed(c);
	    // What the window remembers: within it, exactly the counters
	    // accepted so far.
	    loop invariant memory: \forall integer m; 0 <= m && !too_old(c, m) ==>
	      (recorded(c, m) <==> accepted_before(r, i, m));
	    loop invariant once: \forall integer k, j; 0 <= j < k < i && r[k] && r[j] ==> H(k) != H(j);
	    loop assigns i, c->next, c->bitmap[0 .. WG_REPLAY_BITS_TOTAL / WG_REPLAY_WORD_BITS - 1], r[0 .. n - 1];
	    loop variant n - i; */
	for (size_t i = 0; i < n; i++) {
		uint64_t m = packet_counter(i);
		bool ok;

		/*@ assert pre: !too_old(c, m) ==> (recorded(c, m) <==> accepted_before(r, i, m)); */
		ok = wg_replay_check_and_update(c, m, limit);
		/*@ assert at_most_once: accepted_before(r, i, m) ==> !ok; */
		/*@ assert unseen_accepted: m < limit && (\let v = m; !\at(too_old(c, v), LoopCurrent)) &&
		      !accepted_before(r, i, m) ==> ok; */
		/*@ assert mono: \forall integer x; !too_old(c, x) ==> !\at(too_old(c, x), LoopCurrent); */
		/*@ assert rec_new: \forall integer x; 0 <= x && !too_old(c, x) ==>
		      (recorded(c, x) <==> \at(recorded(c, x), LoopCurrent) || (ok && x == m)); */
		r[i] = ok;
		/*@ assert r_frame: \forall integer j; 0 <= j < i ==> r[j] == \at(r[j], LoopCurrent); */
		/*@ assert acc_keep: \forall integer x; accepted_before(r, i, x) <==> \at(accepted_before(r, i, x), LoopCurrent); */
		/*@ assert acc_step: \forall integer x; accepted_before(r, i + 1, x) <==> accepted_before(r, i, x) || (r[i] && H(i) == x); */
		/*@ assert acc_next: \forall integer x; accepted_before(r, i + 1, x) <==>
		      (\at(accepted_before(r, i, x), LoopCurrent) || (ok && x == m)); */
		/*@ assert mem_next: \forall integer x; 0 <= x && !too_old(c, x) ==>
		      (recorded(c, x) <==> accepted_before(r, i + 1, x)); */
	}
}
