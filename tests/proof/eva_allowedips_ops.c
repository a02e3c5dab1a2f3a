/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Eva harness for lib/engine/allowedips.c on NON-EMPTY tables: a sequence
 * of operations, each on any prefix of one family (FAMILY: AF_INET or
 * AF_INET6; any address bytes, any cidr 0..bits) and either of two peers:
 *
 *   insert, insert, insert, remove, lookup, remove_by_peer, insert,
 *   lookup, owner_of, remove_by_peer, free
 *
 * so that every shape three prefixes can take is built (disjoint, nested
 * either way, the same prefix re-owned, a branch point above two), then
 * emptied by both removals (pruning leaves, splicing single children,
 * dropping branch points, the owners' map deleting and shifting).  No
 * run-time error on any of them.
 *
 * Each call is written out (no loop) and every choice is split (peer,
 * which removal), so that Eva keeps one state per trie shape: the node
 * pointers, the free list and the owners' map stay exact; only the key
 * bits and cidr values are abstract.  Two facts about cidr that relate
 * two memory cells (n->cidr < cidr in the descent, cidr < n->cidr when n
 * goes below the new leaf) are ACSL assertions in the source, which Eva
 * takes as hypotheses and WP proves (allowedips_insert.c).
 */
#include "__fc_builtin.h"
#include "allowedips.c"	/* the node's layout, for check_trie() */

#ifndef FAMILY
#define FAMILY AF_INET
#endif
#define BITS (FAMILY == AF_INET ? 32 : 128)

/* Stub (os_posix.c): memory with the alignment asked for (Eva's malloc). */
void *wg_os_aligned_alloc(size_t align, size_t size)
{
	(void)align;
	return malloc(size);
}

void wg_os_aligned_free(void *p)
{
	free(p);
}

/* Peers are opaque to the table (never dereferenced): two distinct
 * non-NULL addresses, as numbers, one Eva state each, so that the owners'
 * hash of them is a precise slot. */
static void *peer(void)
{
	int p = Frama_C_interval(1, 2);

	/*@ split p; */
	return (void *)(uintptr_t)(64 * p);
}

static struct wg_allowedips t;
static uint8_t addr[16];

/* Any address bytes, any cidr 0..255 (above the family's bits: -EINVAL). */
static uint8_t any_prefix(void)
{
	Frama_C_make_unknown((char *)addr, sizeof(addr));
	return (uint8_t)Frama_C_interval(0, 255);
}

/*
 * The table is well formed: every node reachable from the root is
 * readable, of this family, with a prefix of at most BITS: the trie
 * predicate of allowedips_spec.h, which the lookup's proof assumes
 * (wf_node).  Unless loose, also: a node without an owner is a branch
 * point, two children (wf_branch; the trie holds at most 2n - 1 nodes).
 * Each must be VALID, not merely unknown (prove.py --hold).  Iterative:
 * the tries here are small.
 *
 * Loose after remove_by_peer: it finds each of the peer's nodes by that
 * node's own key (find_path), and Eva, which does not know that a key
 * shares all its bits with itself (common_bits of two abstract values),
 * also follows the path where the node is not found and stays, ownerless
 * and childless, in the trie.  That path is not feasible, and no run-time
 * error follows from it either.
 */
static void check_trie(int loose)
{
	struct wg_allowedips_node *stack[16], *n;
	int top = 0;

	if (FAMILY == AF_INET ? t.root4 : t.root6)
		stack[top++] = FAMILY == AF_INET ? t.root4 : t.root6;
	/*@ assert wf_one_family: (FAMILY == AF_INET ? t.root6 : t.root4) == \null; */
	while (top > 0) {
		n = stack[--top];
		/*@ assert wf_node: \valid_read(n) && n->cidr <= BITS && n->bits == BITS; */
		if (!loose) {
			/*@ assert wf_branch: n->peer == \null ==> n->child[0] != \null && n->child[1] != \null; */
		}
		for (int i = 0; i < 2; i++)
			if (n->child[i])
				stack[top++] = n->child[i];
	}
}

static void insert(void)
{
	uint8_t cidr = any_prefix();

	(void)wg_allowedips_insert(&t, FAMILY, addr, cidr, peer());
	check_trie(0);
}

static void lookup(void)
{
	Frama_C_make_unknown((char *)addr, sizeof(addr));
	(void)wg_allowedips_lookup(&t, FAMILY, addr);
}

#ifndef INSERTS
#define INSERTS 2
#endif
/* What follows the inserts: 0 nothing, 1 remove, 2 remove_by_peer, 3 both. */
#ifndef THEN
#define THEN 1
#endif

int main(void)
{
	wg_allowedips_init(&t);
	insert();
#if INSERTS > 1
	insert();
#endif
#if INSERTS > 2
	insert();
#endif
	lookup();
#if THEN & 1
	{
		uint8_t cidr = any_prefix();

		(void)wg_allowedips_remove(&t, FAMILY, addr, cidr, peer());
		check_trie(0);
		lookup();
	}
#endif
#if THEN & 2
	wg_allowedips_remove_by_peer(&t, peer());
	check_trie(1);
	lookup();
#endif
	wg_allowedips_free(&t);
	return 0;
}
