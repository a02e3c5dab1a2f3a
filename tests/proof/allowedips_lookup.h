/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The contract of wg_allowedips_lookup (lib/engine/allowedips.c), in the
 * names of allowedips_spec.h: proved by allowedips_lookup.c, used as the
 * callee's contract by source_check.c (one statement for both).
 */
#ifndef WG_ALLOWEDIPS_LOOKUP_H
#define WG_ALLOWEDIPS_LOOKUP_H

/*@ requires \valid_read(t);
    requires trie(t->root4, 32) && trie(t->root6, 128);
    requires family == AF_INET ==> \valid_read((uint8_t *)addr + (0 .. 3));
    requires family == AF_INET6 ==> \valid_read((uint8_t *)addr + (0 .. 15));
    assigns \nothing;
    // The owner of the longest prefix containing the address, NULL if
    // there is none (or the family is neither AF_INET nor AF_INET6).
    ensures longest_match: longest_match(t, family, (uint8_t *)addr, \result); */
void *wg_allowedips_lookup(const struct wg_allowedips *t, int family, const void *addr);
#endif
