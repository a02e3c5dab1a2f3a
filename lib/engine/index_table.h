/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The engine's two peer lookups, O(1) on average, growing to any number of
 * entries:
 *  - receiver index -> handshake or keypair: every incoming response and
 *    data packet names the index we chose, so we choose it at random;
 *  - static public key -> peer: for incoming initiations.
 * Neither is thread-safe: the caller holds the lock that covers the table.
 * Entries and peers must be non-NULL (NULL means "not found").
 */
#ifndef WG_INDEX_TABLE_H
#define WG_INDEX_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "siphash.h"

struct wg_index_table {
	struct wg_index_slot *slots;	/* NULL until the first insert */
	size_t mask;			/* slot count - 1 */
	size_t count;
	/* Random candidates fetched 16 at a time: one getrandom(2) per
	 * index would cost more than the rest of the insert. */
	uint32_t random[16];
	unsigned random_left;
};

/* Always 0: the first insert allocates. */
int wg_index_table_init(struct wg_index_table *t);
void wg_index_table_free(struct wg_index_table *t);
/* A fresh random index, nonzero and unused; 0 if out of memory. */
uint32_t wg_index_table_insert(struct wg_index_table *t, void *entry);
void *wg_index_table_lookup(const struct wg_index_table *t, uint32_t index);
/* Removing an index that is not there does nothing. */
void wg_index_table_remove(struct wg_index_table *t, uint32_t index);

struct wg_key_table {
	struct wg_key_slot *slots;	/* NULL until the first insert */
	size_t mask;
	size_t count;
	bool held;		/* wg_key_table_reserve() until wg_key_table_release() */
	uint8_t hash_key[WG_SIPHASH_KEY_SIZE];	/* random, per table */
};

/* Always 0: the first insert allocates. */
int wg_key_table_init(struct wg_key_table *t);
void wg_key_table_free(struct wg_key_table *t);
/* 0, -EEXIST if the key is already there (unchanged), -ENOMEM. */
int wg_key_table_insert(struct wg_key_table *t, const uint8_t key[32], void *peer);
void *wg_key_table_lookup(const struct wg_key_table *t, const uint8_t key[32]);
void wg_key_table_remove(struct wg_key_table *t, const uint8_t key[32]);
/*
 * Room for n more keys, kept until wg_key_table_release() (removals do not
 * shrink the table meanwhile): n inserts cannot fail.  0 or -ENOMEM.
 */
int wg_key_table_reserve(struct wg_key_table *t, size_t n);
void wg_key_table_release(struct wg_key_table *t);

#endif
