/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * WP, -wp-rte: wg_allowedips_lookup() (lib/engine/allowedips.c) has no
 * run-time error for any address bytes and any well-formed table
 * (allowedips_spec.h).  The helpers it calls get contracts here, each
 * proved in the same run.
 */
#include "allowedips.c"

/*@ axiomatic WellFormedTrieNode {
      // What well-formed (allowedips_spec.h) means: n is NULL or a readable
      // node with a prefix of at most bits and two well-formed children.
      axiom trie_node{L}: \forall struct wg_allowedips_node *n, integer bits;
        trie(n, bits) && n != \null ==> \valid_read(n) && n->cidr <= bits;
      axiom trie_child{L}: \forall struct wg_allowedips_node *n, integer bits, i;
        trie(n, bits) && n != \null && 0 <= i <= 1 ==> trie(n->child[i], bits);
    }
*/

/*@ assigns \nothing;
    ensures \result == (family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0); */
static inline unsigned family_bits(int family);

/*@ requires \valid_read(p + (0 .. 7));
    assigns \result \from p[0 .. 7]; */
static inline uint64_t be64(const uint8_t *p);

/*@ requires bits == 32 || bits == 128;
    requires \valid(key + (0 .. 1)) && \valid_read(addr + (0 .. bits / 8 - 1));
    requires \separated(key + (0 .. 1), addr + (0 .. bits / 8 - 1));
    assigns key[0 .. 1] \from addr[0 .. bits / 8 - 1]; */
static inline void load_key(uint64_t key[2], unsigned bits, const uint8_t *addr);

/*@ requires \valid_read(a + (0 .. 1)) && \valid_read(b + (0 .. 1));
    assigns \result \from a[0 .. 1], b[0 .. 1];
    ensures 0 <= \result <= 128; */
static inline unsigned common_bits(const uint64_t a[2], const uint64_t b[2]);

/*@ requires \valid_read(key + (0 .. 1));
    requires bit_index: i < 128;
    assigns \result \from key[0 .. 1], i;
    ensures \result <= 1; */
static inline unsigned bit_at(const uint64_t key[2], unsigned i);

/*@ requires \valid_read(t);
    requires trie(t->root4, 32) && trie(t->root6, 128);
    requires family == AF_INET ==> \valid_read((uint8_t *)addr + (0 .. 3));
    requires family == AF_INET6 ==> \valid_read((uint8_t *)addr + (0 .. 15));
    assigns \result \from t->root4, t->root6, ((uint8_t *)addr)[0 .. 15]; */
void *wg_allowedips_lookup(const struct wg_allowedips *t, int family, const void *addr);
