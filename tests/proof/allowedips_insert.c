/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * WP: the two facts about prefix lengths that wg_allowedips_insert()
 * (lib/engine/allowedips.c) relies on when it picks a child, stated as
 * assertions in its source:
 *
 *   descend_shorter  the descent goes on only past a node shorter than
 *                    the new prefix (so its bit index is below 128);
 *   below_longer     when the node found goes below the new leaf, the new
 *                    prefix is shorter than the family's bits (ditto);
 *
 * and the descent's loop invariant (every node it meets is in the trie),
 * for any table whose roots are well formed (allowedips_spec.h's trie).  Eva
 * (eva_allowedips_ops.c) relates two memory cells' values only this way:
 * it takes the assertions as hypotheses.  below_longer holds because
 * common_bits() is a function of the two keys: called twice on the same
 * keys (the loop's test, then the branch point), it answers the same,
 * since __builtin_clzll is a function of its argument (the one fact added
 * to Frama-C's contract of it, below).
 */
/*@ axiomatic CountLeadingZeros {
      // __builtin_clzll(x), for x != 0: a function of x.
      logic integer clz64(integer x);
      // common_bits() of two keys whose words differ by x0 and x1.
      logic integer cbits(integer x0, integer x1) =
        x0 != 0 ? clz64(x0) : x1 != 0 ? 64 + clz64(x1) : 128;
    }
*/
/*@ ensures clz_function: \result == clz64(x); */
int __builtin_clzll(unsigned long long x);

#include "allowedips.c"

/*@ // What the proof uses of a well-formed trie (allowedips_spec.h), proved
    // in the same run: a node in it has a prefix of at most bits, and its
    // children are well formed.  (The same statements as trie_node and
    // trie_child of allowedips_lookup.c, which proves them there.)
    lemma ins_trie_cidr{L}: \forall struct wg_allowedips_node *n, integer bits;
      trie(n, bits) && n != \null ==> n->cidr <= bits;
    lemma ins_trie_child{L}: \forall struct wg_allowedips_node *n, integer bits, i;
      trie(n, bits) && n != \null && 0 <= i <= 1 ==> trie(n->child[i], bits);
*/

/*@ assigns \nothing;
    ensures bits_of: \result == (family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0); */
static inline unsigned family_bits(int family);

/*@ assigns \nothing; */
static inline uint64_t be64(const uint8_t *p);

/*@ assigns key[0 .. 1] \from addr[0 .. 15], bits; */
static inline void load_key(uint64_t key[2], unsigned bits, const uint8_t *addr);

/*@ assigns key[0 .. 1] \from key[0 .. 1], cidr; */
static void mask_key(uint64_t key[2], unsigned cidr);

/*@ assigns \nothing;
    ensures same_bits: \result == cbits(a[0] ^ b[0], a[1] ^ b[1]); */
static inline unsigned common_bits(const uint64_t a[2], const uint64_t b[2]);

/*@ assigns \nothing;
    ensures one_bit: \result <= 1; */
static inline unsigned bit_at(const uint64_t key[2], unsigned i);

/*@ assigns \nothing;
    ensures root_is: \result == (bits == 32 ? &t->root4 : &t->root6); */
static inline node **root_of(struct wg_allowedips *t, unsigned bits);

/*@ requires trie(t->root4, 32) && trie(t->root6, 128); */
int wg_allowedips_insert(struct wg_allowedips *t, int family, const void *addr, uint8_t cidr, void *peer);
