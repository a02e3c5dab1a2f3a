/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * WP, with -wp-rte: the receiver-index table's lookup and placement
 * (lib/engine/index_table.c) have no run-time error for a table of ANY
 * size, any content and any index (every data packet, response and cookie
 * reply is looked up with the index it carries).  Eva covers the
 * same code and the allocation paths for tables of 16 and 32 slots
 * (tests/proof/eva_index_table.c); here the size is any power of two or
 * not: only "slots[0 .. mask] is valid" is assumed.  The loop invariants
 * (the probe stays in 0 .. mask) are in index_table.c.
 *
 * Trusted: two facts of integer arithmetic WP's provers cannot derive (they
 * need induction over the bits): a bitwise and with a non-negative number
 * lies between 0 and that number.
 *
 * Removal too, but not in CI (about 8 s more of prover time): with
 * -DWG_PROOF_INDEX_REMOVE (its loop invariants in index_table.c) and
 * -wp-fct wg_index_table_remove (command in docs/PROOFS.md); there the
 * shrink, index_resize(), is assumed by the contract below (WP does not
 * model calloc; Eva checks its body for 16 and 32 slots).
 *
 * Not here: the key table (memcmp/memset of uint8_t through char: casts
 * WP's typed memory model rejects); Eva covers it for 16 and 32 slots.
 */
/*@ axiomatic land_bound {
      axiom land_le_right: \forall integer a, b; 0 <= b ==> 0 <= (a & b) <= b;
      axiom land_le_left: \forall integer a, b; 0 <= a ==> 0 <= (a & b) <= a;
    } */
#include "index_table.c"	/* its slot struct is private */

/*@ requires \valid_read(t);
    requires t->slots == \null || \valid_read(t->slots + (0 .. t->mask));
    assigns \nothing; */
void *wg_index_table_lookup(const struct wg_index_table *t, uint32_t index);

/*@ requires \valid(slots + (0 .. mask));
    assigns slots[0 .. mask]; */
static void index_place(struct wg_index_slot *slots, size_t mask, uint32_t index, void *entry);

/* Assumed (the shrink at the end of a removal). */
/*@ requires \valid(t);
    assigns *t; */
static int index_resize(struct wg_index_table *t, size_t nslots);

/*@ requires \valid(t);
    requires t->slots == \null ||
             (\valid(t->slots + (0 .. t->mask)) && \separated(t, t->slots + (0 .. t->mask))); */
void wg_index_table_remove(struct wg_index_table *t, uint32_t index);
