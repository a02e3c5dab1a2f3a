/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A node of the allowed-IPs trie: private to allowedips.c, in a header of
 * its own so that the proofs' model of the trie (tests/proof/
 * allowedips_spec.h) can read its fields.
 */
#ifndef WG_ALLOWEDIPS_NODE_H
#define WG_ALLOWEDIPS_NODE_H

#include <stdint.h>

/*
 * One cache line per node, aligned: a lookup touches only key, child, peer
 * and cidr, and on a large table each node visited is a likely cache miss.
 * Hence no parent pointer; removal records its path on the way down.
 */
struct wg_allowedips_node {
	uint64_t key[2];	/* bits beyond cidr are zero */
	struct wg_allowedips_node *child[2];
	void *peer;	/* NULL: a branch point only */
	uint8_t cidr;
	uint8_t bits;	/* 32 or 128: which trie */
	struct wg_allowedips_node *peer_prev, *peer_next;	/* owner's list */
};

#endif
