/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The allowed-IPs trie's model for Frama-C (docs/PROOFS.md), force-included
 * (-include) when lib/engine/allowedips.c is analysed, so that the proof
 * hints in its lookup can name it.  Not for compilation.
 */
#ifndef WG_ALLOWEDIPS_SPEC_H
#define WG_ALLOWEDIPS_SPEC_H
#include "__fc_gcc_builtins.h"	/* __builtin_clzll's contract: x != 0, result 0..63 */

struct wg_allowedips_node;

/*@ axiomatic WellFormedTrie {
      // n is the root of a well-formed trie of bits-bit keys (32 or 128):
      // n is NULL or a readable node whose prefix is at most bits long and
      // whose two children are such roots.  What that implies is stated by
      // the axioms of the proof that uses it (allowedips_lookup.c).
      predicate trie{L}(struct wg_allowedips_node *n, integer bits)
        reads *n;
    }
*/
#endif
