/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * WP: wg_allowedips_lookup() (lib/engine/allowedips.c) returns the owner
 * of the longest prefix containing the address (allowedips_lookup.h, in the
 * trie's model, allowedips_spec.h), and with -wp-rte has
 * no run-time error, for any address bytes and any well-formed table.  The
 * helpers it calls get contracts here, each proved in the same run.
 */
#include "allowedips.c"
#include "allowedips_lookup.h"

/* Assumed (the builtin has no C body): count leading zeros, 0 for the most
 * significant bit, as GCC documents it: bit 63 - \result of x is set and
 * every bit above it is clear.  Frama-C's own contract
 * (__fc_gcc_builtins.h: x != 0, result 0..63) is kept beside it. */
/*@ ensures clz_set: ((x >> (63 - \result)) & 1) == 1;
    ensures clz_above: \forall integer j; 63 - \result < j < 64 ==> ((x >> j) & 1) == 0; */
int __builtin_clzll(unsigned long long x);

/*@ assigns \nothing;
    ensures \result == (family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0); */
static inline unsigned family_bits(int family);

/*@ requires \valid_read(p + (0 .. 7));
    assigns \result \from p[0 .. 7];
    ensures \result == be64_at(p); */
static inline uint64_t be64(const uint8_t *p);

/*@ requires bits == 32 || bits == 128;
    requires \valid(key + (0 .. 1)) && \valid_read(addr + (0 .. bits / 8 - 1));
    requires \separated(key + (0 .. 1), addr + (0 .. bits / 8 - 1));
    assigns key[0 .. 1] \from addr[0 .. bits / 8 - 1];
    ensures key[0] == addr_w0(addr, bits) && key[1] == addr_w1(addr, bits); */
static inline void load_key(uint64_t key[2], unsigned bits, const uint8_t *addr);

/*@ // Bit arithmetic for common_bits' proof: a bit of x ^ y is clear
    // exactly where x and y agree; words whose xor is 0 are equal.
    lemma xor_bit: \forall integer x, y, j; 0 <= x && 0 <= y && 0 <= j ==>
      ((((x ^ y) >> j) & 1) == 0 <==> ((x >> j) & 1) == ((y >> j) & 1));
    lemma xor_zero: \forall integer x, y; 0 <= x && 0 <= y && (x ^ y) == 0 ==> x == y;
    lemma xor_u64: \forall uint64_t x, y; (uint64_t)(x ^ y) == (x ^ y);
    // Keys agree on their first r bits (r <= 64) if the top r bits of
    // their first words' xor are clear; on 64 + r bits if their first words
    // are equal and the top r bits of their second words' xor are clear.
    lemma prefix_word0: \forall integer a0, a1, b0, b1, r;
      0 <= a0 && 0 <= b0 && 0 <= r <= 64 &&
      (\forall integer j; 64 - r <= j < 64 ==> (((a0 ^ b0) >> j) & 1) == 0) ==>
        same_prefix(a0, a1, b0, b1, r);
    lemma prefix_word1: \forall integer a0, a1, b0, b1, r;
      a0 == b0 && 0 <= a1 && 0 <= b1 && 0 <= r <= 64 &&
      (\forall integer j; 64 - r <= j < 64 ==> (((a1 ^ b1) >> j) & 1) == 0) ==>
        same_prefix(a0, a1, b0, b1, 64 + r);
*/

/*@ requires \valid_read(a + (0 .. 1)) && \valid_read(b + (0 .. 1));
    assigns \result \from a[0 .. 1], b[0 .. 1];
    ensures 0 <= \result <= 128;
    ensures common: same_prefix(a[0], a[1], b[0], b[1], \result);
    ensures differ: \result < 128 ==> kbit(a[0], a[1], \result) != kbit(b[0], b[1], \result); */
static inline unsigned common_bits(const uint64_t a[2], const uint64_t b[2]);

/*@ requires \valid_read(key + (0 .. 1));
    requires bit_index: i < 128;
    assigns \result \from key[0 .. 1], i;
    ensures \result == kbit(key[0], key[1], i) && \result <= 1; */
static inline unsigned bit_at(const uint64_t key[2], unsigned i);

/*@ // What the lookup's proof uses of a well-formed trie, each step
    // first-order from the definitions (allowedips_spec.h; an SMT solver
    // does no induction).  A node of n's subtree is n or below a child:
    lemma in_trie_inversion{L}: \forall struct wg_allowedips_node *n, *m;
      in_trie(n, m) ==> n != \null && (m == n || in_trie(n->child[0], m) || in_trie(n->child[1], m));
    lemma trie_node{L}: \forall struct wg_allowedips_node *n, integer bits;
      trie(n, bits) && n != \null ==> \valid_read(n) && n->cidr <= bits && branch(n, 0) && branch(n, 1);
    lemma trie_child{L}: \forall struct wg_allowedips_node *n, integer bits, i;
      trie(n, bits) && n != \null && 0 <= i <= 1 ==> trie(n->child[i], bits);
    lemma trie_child_longer{L}: \forall struct wg_allowedips_node *n, integer bits, i;
      trie(n, bits) && n != \null && 0 <= i <= 1 && n->child[i] != \null ==> n->child[i]->cidr > n->cidr;
    // A node containing the key below n: n contains it too, and it is n or
    // below the child the key's next bit chooses.
    lemma trie_above{L}: \forall struct wg_allowedips_node *n, *d, integer bits, a0, a1;
      trie(n, bits) && in_trie(n, d) && contains(d, a0, a1) ==> contains(n, a0, a1);
    lemma trie_step{L}: \forall struct wg_allowedips_node *n, *d, integer bits, a0, a1;
      trie(n, bits) && in_trie(n, d) && contains(d, a0, a1) ==>
        d == n || (n->cidr < bits && in_trie(n->child[kbit(a0, a1, n->cidr)], d));
    // common_bits' result r is where keys a and b first differ: b holds a
    // prefix of a exactly when that prefix is at most r bits long.
    lemma prefix_length: \forall integer a0, a1, b0, b1, r;
      0 <= r <= 128 && same_prefix(a0, a1, b0, b1, r) &&
      (r < 128 ==> kbit(a0, a1, r) != kbit(b0, b1, r)) ==>
        \forall integer c; 0 <= c <= 128 ==> (same_prefix(b0, b1, a0, a1, c) <==> c <= r);
    // The lookup's loop step, and what its exits leave.
    lemma covered_step{L}: \forall struct wg_allowedips_node *root, *n, *best, integer bits, a0, a1;
      covered(root, n, best, a0, a1) && trie(n, bits) && n != \null && contains(n, a0, a1) &&
      n->cidr < bits && (best != \null ==> best->cidr < n->cidr) ==>
        covered(root, n->child[kbit(a0, a1, n->cidr)], n->peer != \null ? n : best, a0, a1);
    lemma covered_full{L}: \forall struct wg_allowedips_node *root, *n, *best, integer bits, a0, a1;
      covered(root, n, best, a0, a1) && trie(n, bits) && n != \null && contains(n, a0, a1) &&
      n->cidr == bits && (best != \null ==> best->cidr < n->cidr) ==>
        covered(root, \null, n->peer != \null ? n : best, a0, a1);
    lemma covered_out{L}: \forall struct wg_allowedips_node *root, *n, *best, integer bits, a0, a1;
      covered(root, n, best, a0, a1) && trie(n, bits) && (n == \null || !contains(n, a0, a1)) ==>
        covered(root, \null, best, a0, a1);
    lemma covered_longest{L}: \forall struct wg_allowedips_node *root, *best, integer a0, a1;
      covered(root, \null, best, a0, a1) &&
      (best != \null ==> in_trie(root, best) && best->peer != \null && contains(best, a0, a1)) ==>
        longest(root, a0, a1, best == \null ? \null : best->peer);
    lemma same_prefix_both: \forall integer a0, a1, b0, b1, k0, k1, c;
      same_prefix(a0, a1, k0, k1, c) && same_prefix(b0, b1, k0, k1, c) ==> same_prefix(a0, a1, b0, b1, c);
    // The longest match has one owner (the table holds no prefix twice).
    lemma longest_unique{L}: \forall struct wg_allowedips_node *root, integer bits, a0, a1, void *p, *q;
      trie(root, bits) && longest(root, a0, a1, p) && longest(root, a0, a1, q) ==> p == q;
*/

/*@ // The model is not vacuous: a table of two prefixes, the second
    // below the first's child 0, is a well-formed trie, and there the
    // longest match of a key both contain is the lower one's owner.
    predicate two{L}(struct wg_allowedips_node *n, struct wg_allowedips_node *c) =
      n != \null && c != \null && n != c && n->child[0] == c && n->child[1] == \null &&
      c->child[0] == \null && c->child[1] == \null;
    lemma two_leaf{L}: \forall struct wg_allowedips_node *n, *c, *m;
      two(n, c) && in_trie(c, m) ==> m == c;
    lemma two_members{L}: \forall struct wg_allowedips_node *n, *c, *m;
      two(n, c) && in_trie(n, m) ==> m == n || m == c;
    lemma two_trie{L}: \forall struct wg_allowedips_node *n, *c, integer bits;
      two(n, c) && \valid_read(n) && \valid_read(c) && n->cidr < c->cidr <= bits &&
      kbit(c->key[0], c->key[1], n->cidr) == 0 &&
      same_prefix(c->key[0], c->key[1], n->key[0], n->key[1], n->cidr) ==>
        trie(n, bits);
    lemma two_longest{L}: \forall struct wg_allowedips_node *n, *c, integer a0, a1;
      two(n, c) && n->cidr < c->cidr && c->peer != \null && contains(c, a0, a1) ==>
        longest(n, a0, a1, c->peer);
*/
