/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SipHash-2-4 (Aumasson and Bernstein): a fast keyed hash for hash tables
 * whose keys come from the network, so a remote party who does not know the
 * random key cannot aim many entries at one bucket.  Not a MAC for messages.
 */
#ifndef WG_SIPHASH_H
#define WG_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

enum { WG_SIPHASH_KEY_SIZE = 16 };

uint64_t wg_siphash(const uint8_t key[WG_SIPHASH_KEY_SIZE], const void *data, size_t len);

#endif
