/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The allowed-IPs trie's model for Frama-C (docs/PROOFS.md): a well-formed
 * trie, and the owner of the longest prefix containing an address.
 * Force-included (-include) when lib/engine/allowedips.c is analysed, so
 * that the proof hints in its lookup can name it; #included by the source
 * check's harness.  Not for compilation.
 *
 * A key is the 128-bit integer (w0, w1), two words most significant bit
 * first; an IPv4 address is in the top 32 bits of w0, w1 is 0.
 */
#ifndef WG_ALLOWEDIPS_SPEC_H
#define WG_ALLOWEDIPS_SPEC_H
#include "__fc_gcc_builtins.h"	/* __builtin_clzll's contract: x != 0, result 0..63 */
#include <sys/socket.h>		/* AF_INET, AF_INET6 */
#include "allowedips.h"
#include "allowedips_node.h"

/*@ // Bit i (0 = the most significant) of the key (w0, w1).
    logic integer kbit(integer w0, integer w1, integer i) =
      i < 64 ? (w0 >> (63 - i)) & 1 : (w1 >> (127 - i)) & 1;
    // Keys a and b agree on their first c bits.
    predicate same_prefix(integer a0, integer a1, integer b0, integer b1, integer c) =
      \forall integer i; 0 <= i < c ==> kbit(a0, a1, i) == kbit(b0, b1, i);
    // Node m holds a prefix of the key (a0, a1).
    predicate contains{L}(struct wg_allowedips_node *m, integer a0, integer a1) =
      same_prefix(m->key[0], m->key[1], a0, a1, m->cidr);

    // m is n or a node below it (n's subtree; never NULL).
    inductive in_trie{L}(struct wg_allowedips_node *n, struct wg_allowedips_node *m) {
      case in_trie_self{L}: \forall struct wg_allowedips_node *n;
        n != \null ==> in_trie(n, n);
      case in_trie_child{L}: \forall struct wg_allowedips_node *n, *m, integer i;
        n != \null && 0 <= i <= 1 && in_trie(n->child[i], m) ==> in_trie(n, m);
    }

    // Every node below m's child i holds a longer prefix, which extends
    // m's by bit i.
    predicate branch{L}(struct wg_allowedips_node *m, integer i) =
      \forall struct wg_allowedips_node *d; in_trie(m->child[i], d) ==>
        d->cidr > m->cidr && kbit(d->key[0], d->key[1], m->cidr) == i &&
        same_prefix(d->key[0], d->key[1], m->key[0], m->key[1], m->cidr);

    // n is NULL or the root of a well-formed trie of bits-bit keys (32 or
    // 128): every node in it is readable, its prefix is at most bits long,
    // the nodes below its child i extend it by bit i, and no two of its
    // nodes hold the same prefix.
    predicate trie{L}(struct wg_allowedips_node *n, integer bits) =
      (\forall struct wg_allowedips_node *m; in_trie(n, m) ==>
         \valid_read(m) && m->cidr <= bits && branch(m, 0) && branch(m, 1)) &&
      (\forall struct wg_allowedips_node *m1, *m2;
         in_trie(n, m1) && in_trie(n, m2) && m1->cidr == m2->cidr &&
         same_prefix(m1->key[0], m1->key[1], m2->key[0], m2->key[1], m1->cidr) ==> m1 == m2);

    // p is the owner of the longest prefix in root's trie that contains the
    // key (a0, a1); NULL if no prefix there does.  (Nodes with no owner,
    // peer NULL, are branch points, not prefixes of the table.)
    predicate longest{L}(struct wg_allowedips_node *root, integer a0, integer a1, void *p) =
      (p == \null ==> \forall struct wg_allowedips_node *m;
         in_trie(root, m) && m->peer != \null ==> !contains(m, a0, a1)) &&
      (p != \null ==> \exists struct wg_allowedips_node *m;
         in_trie(root, m) && m->peer == p && contains(m, a0, a1) &&
         \forall struct wg_allowedips_node *d;
           in_trie(root, d) && d->peer != \null && contains(d, a0, a1) ==> d->cidr <= m->cidr);

    // The lookup's loop invariant (lib/engine/allowedips.c): every node
    // with an owner in root's trie that contains the key (a0, a1) is in n's
    // subtree or holds a prefix no longer than best's node's.
    predicate covered{L}(struct wg_allowedips_node *root, struct wg_allowedips_node *n,
                         struct wg_allowedips_node *best, integer a0, integer a1) =
      \forall struct wg_allowedips_node *m; in_trie(root, m) && m->peer != \null && contains(m, a0, a1) ==>
        in_trie(n, m) || (best != \null && m->cidr <= best->cidr);

    // The 8 bytes at p, big-endian (as allowedips.c's be64).
    logic integer be64_at{L}(uint8_t *p) =
      (uint64_t)((uint64_t)p[0] << 56) | (uint64_t)((uint64_t)p[1] << 48) |
      (uint64_t)((uint64_t)p[2] << 40) | (uint64_t)((uint64_t)p[3] << 32) |
      (uint64_t)((uint64_t)p[4] << 24) | (uint64_t)((uint64_t)p[5] << 16) |
      (uint64_t)((uint64_t)p[6] << 8) | p[7];
    // The key of the address at a in a trie of bits-bit keys (32 or 128).
    logic integer addr_w0{L}(uint8_t *a, integer bits) =
      bits == 32 ? (uint64_t)((uint64_t)a[0] << 56) | (uint64_t)((uint64_t)a[1] << 48) |
                   (uint64_t)((uint64_t)a[2] << 40) | (uint64_t)((uint64_t)a[3] << 32)
                 : be64_at(a);
    logic integer addr_w1{L}(uint8_t *a, integer bits) = bits == 32 ? 0 : be64_at(a + 8);

    // p is the owner of the longest prefix of table t containing the
    // address at a (4 bytes for AF_INET, 16 for AF_INET6); NULL if there is
    // none or the family is neither.
    predicate longest_match{L}(struct wg_allowedips *t, integer family, uint8_t *a, void *p) =
      family == AF_INET ? longest(t->root4, addr_w0(a, 32), addr_w1(a, 32), p) :
      family == AF_INET6 ? longest(t->root6, addr_w0(a, 128), addr_w1(a, 128), p) : p == \null;
*/
#endif
