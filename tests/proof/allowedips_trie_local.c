/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * WP: the trie's well-formedness (allowedips_spec.h: what lies below a
 * node's child i extends the node's prefix by bit i) follows from its
 * local form, a condition on each parent and child only.  Proved as the
 * contract of a recursive lemma function (no code of the library runs):
 * its recursive calls are the induction hypothesis, and WP proves that the
 * recursion ends (decreases: a child's prefix is longer, at most 128).
 *
 * The lemmas are about logic integers: WP guards a lemma's reads of C
 * fields with their range (cidr is a uint8_t) only where the statement
 * reads them itself, so a lemma whose statement reads no field (below,
 * branch) can use only lemmas that need no range; those over node fields
 * would not apply.  Hence the arithmetic lemmas take plain integers, and
 * 0 <= cidr is stated (local_ok, extends_below): kbit at a negative index
 * is not a bit of the prefix.
 */
#include "allowedips_node.h"

/*@ // Child i of m, if any, holds a longer prefix that extends m's by bit i.
    predicate child_ok{L}(struct wg_allowedips_node *m, integer i) =
      m->child[i] != \null ==>
        m->child[i]->cidr > m->cidr && kbit(m->child[i]->key[0], m->child[i]->key[1], m->cidr) == i &&
        same_prefix(m->child[i]->key[0], m->child[i]->key[1], m->key[0], m->key[1], m->cidr);
    // Node m, locally: readable, a prefix of at most bits, its children ok.
    predicate local_ok{L}(struct wg_allowedips_node *m, integer bits) =
      \valid_read(m) && 0 <= m->cidr <= bits && child_ok(m, 0) && child_ok(m, 1);
    predicate local_trie{L}(struct wg_allowedips_node *n, integer bits) =
      \forall struct wg_allowedips_node *m; in_trie(n, m) ==> local_ok(m, bits);
    // Below n, every node extends n's prefix.
    predicate extends{L}(struct wg_allowedips_node *n) =
      \forall struct wg_allowedips_node *d; in_trie(n, d) ==>
        d->cidr >= n->cidr && same_prefix(d->key[0], d->key[1], n->key[0], n->key[1], n->cidr);
    // No two nodes below n hold the same prefix.
    predicate no_twins{L}(struct wg_allowedips_node *n) =
      \forall struct wg_allowedips_node *m1, *m2;
        in_trie(n, m1) && in_trie(n, m2) && m1->cidr == m2->cidr &&
        same_prefix(m1->key[0], m1->key[1], m2->key[0], m2->key[1], m1->cidr) ==> m1 == m2;
    lemma same_prefix_shorter: \forall integer a0, a1, b0, b1, k0, k1, c1, c2;
      same_prefix(a0, a1, b0, b1, c1) && same_prefix(b0, b1, k0, k1, c2) && c2 <= c1 ==>
        same_prefix(a0, a1, k0, k1, c2);
    lemma same_prefix_bit: \forall integer a0, a1, b0, b1, c, j;
      same_prefix(a0, a1, b0, b1, c) && 0 <= j < c ==> kbit(a0, a1, j) == kbit(b0, b1, j);
    // A node d extending c (longer than n) agrees with c at n's bits.
    lemma extends_kbit: \forall integer d0, d1, c0, c1, cc, nc;
      0 <= nc < cc && same_prefix(d0, d1, c0, c1, cc) ==> kbit(d0, d1, nc) == kbit(c0, c1, nc);
    lemma extends_prefix: \forall integer d0, d1, c0, c1, cc, n0, n1, nc;
      nc < cc && same_prefix(d0, d1, c0, c1, cc) && same_prefix(c0, c1, n0, n1, nc) ==>
        same_prefix(d0, d1, n0, n1, nc);
    // What branch(n, i) says of one node d below child i: naming it lets
    // extends_branch use extends_below as one instance.
    predicate below{L}(struct wg_allowedips_node *n, integer i, struct wg_allowedips_node *d) =
      d->cidr > n->cidr && kbit(d->key[0], d->key[1], n->cidr) == i &&
      same_prefix(d->key[0], d->key[1], n->key[0], n->key[1], n->cidr);
    lemma extends_below{L}: \forall struct wg_allowedips_node *n, *d, integer i;
      n != \null && 0 <= n->cidr && child_ok(n, i) && n->child[i] != \null && extends(n->child[i]) &&
      in_trie(n->child[i], d) ==> below(n, i, d);
    lemma extends_branch{L}: \forall struct wg_allowedips_node *n, integer i;
      n != \null && 0 <= n->cidr && child_ok(n, i) && n->child[i] != \null && extends(n->child[i]) ==>
        branch(n, i);
    lemma extends_null{L}: \forall struct wg_allowedips_node *n, integer i;
      n != \null && 0 <= i <= 1 && n->child[i] == \null ==> branch(n, i);
*/

/*@ requires n != \null && bits <= 128 && local_trie(n, bits);
    decreases 128 - n->cidr;
    assigns \nothing;
    ensures extended: extends(n);
    ensures branched: \forall struct wg_allowedips_node *m; in_trie(n, m) ==> branch(m, 0) && branch(m, 1);
    ensures well_formed: no_twins(n) ==> trie(n, bits); */
void trie_from_local(struct wg_allowedips_node *n, unsigned bits)
{
	/*@ assert self: local_ok(n, bits) && child_ok(n, 0) && child_ok(n, 1); */
	if (n->child[0])
		trie_from_local(n->child[0], bits);
	if (n->child[1])
		trie_from_local(n->child[1], bits);
	/*@ assert branch0: branch(n, 0); */
	/*@ assert branch1: branch(n, 1); */
}
