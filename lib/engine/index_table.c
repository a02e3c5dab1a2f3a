/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Open addressing with linear probing: one array, no allocation per entry,
 * and a miss (the common case under a flood of junk packets) touches a few
 * adjacent slots.  The tables stay at most half full, grow by doubling and
 * shrink when an eighth full.  Deletion shifts later entries of the probe
 * run back instead of leaving tombstones, so lookups never slow down with
 * churn.
 */
#include <stdlib.h>

#include "index_table.h"
#include "util.h"

enum { MIN_SLOTS = 16 };

/* ---- receiver index -> entry ---- */

struct wg_index_slot {
	uint32_t index;	/* 0: empty */
	void *entry;
};

/* Indices are ours and random, but lookups take any value a packet carries:
 * mixing costs one multiply and keeps sequential probes from clustering. */
/* The ACSL here and in the probe loops below: proof hints for Frama-C
 * (tests/proof/index_table_contract.c, eva_index_table.c). */
/*@ assigns \nothing;
    exits \false;
    ensures \result <= mask; */
static inline size_t index_home(uint32_t index, size_t mask)
{
	return (size_t)((index * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & mask;
}

int wg_index_table_init(struct wg_index_table *t)
{
	memset(t, 0, sizeof(*t));
	return 0;
}

void wg_index_table_free(struct wg_index_table *t)
{
	free(t->slots);
	wg_memzero(t, sizeof(*t));	/* includes the unused random indices */
}

static void index_place(struct wg_index_slot *slots, size_t mask, uint32_t index, void *entry)
{
	size_t i = index_home(index, mask);

	/*@ loop invariant i <= mask;
	    loop assigns i; */
	while (slots[i].index)
		i = (i + 1) & mask;
	slots[i].index = index;
	slots[i].entry = entry;
}

static int index_resize(struct wg_index_table *t, size_t nslots)
{
	struct wg_index_slot *slots = calloc(nslots, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
#ifdef WG_PROOF_INDEX_WP	/* WP hints (docs/PROOFS.md), not established by Eva */
	/*@ loop assigns i, slots[0 .. nslots - 1]; */
#endif
	for (size_t i = 0; t->slots && i <= t->mask; i++)
		if (t->slots[i].index)
			index_place(slots, nslots - 1, t->slots[i].index, t->slots[i].entry);
	free(t->slots);
	t->slots = slots;
	t->mask = nslots - 1;
	return 0;
}

uint32_t wg_index_table_insert(struct wg_index_table *t, void *entry)
{
	uint32_t index;

	if (!t->slots || (t->count + 1) * 2 > t->mask + 1) {
		if (index_resize(t, t->slots ? (t->mask + 1) * 2 : MIN_SLOTS))
			return 0;
	}
	/* For Frama-C's Eva (tests/proof/eva_index_table.c): a bound to widen
	 * the candidate count to, instead of the whole unsigned range. */
	/*@ widen_hints t->random_left, 16; */
#ifdef WG_PROOF_INDEX_WP
	/*@ loop invariant t->random_left <= 16;
	    loop assigns index, t->random_left, t->random[0 .. 15]; */
#endif
	do {
		if (!t->random_left) {
			wg_random_bytes(t->random, sizeof(t->random));
			t->random_left = ARRAY_SIZE(t->random);
		}
		index = t->random[--t->random_left];
	} while (!index || wg_index_table_lookup(t, index));
	index_place(t->slots, t->mask, index, entry);
	t->count++;
	return index;
}

void *wg_index_table_lookup(const struct wg_index_table *t, uint32_t index)
{
	if (!t->slots || !index)
		return NULL;
	/*@ loop invariant i <= t->mask;
	    loop assigns i; */
	for (size_t i = index_home(index, t->mask);; i = (i + 1) & t->mask) {
		if (t->slots[i].index == index)
			return t->slots[i].entry;
		if (!t->slots[i].index)
			return NULL;
	}
}

void wg_index_table_remove(struct wg_index_table *t, uint32_t index)
{
	size_t i, j, mask = t->mask;

	if (!t->slots || !index)
		return;
#ifdef WG_PROOF_INDEX_WP
	/*@ loop invariant i <= mask;
	    loop assigns i; */
#endif
	for (i = index_home(index, mask); t->slots[i].index != index; i = (i + 1) & mask)
		if (!t->slots[i].index)
			return;
	/* Backward shift: pull up any later entry whose home is not in (i, j]. */
#ifdef WG_PROOF_INDEX_WP
	/*@ loop invariant i <= mask && j <= mask;
	    loop invariant mask == t->mask && t->slots == \at(t->slots, LoopEntry);
	    loop assigns i, j, t->slots[0 .. mask]; */
#endif
	for (j = (i + 1) & mask; t->slots[j].index; j = (j + 1) & mask) {
		size_t home = index_home(t->slots[j].index, mask);

		if (((j - home) & mask) >= ((j - i) & mask)) {
			t->slots[i] = t->slots[j];
			i = j;
		}
	}
	t->slots[i].index = 0;
	t->slots[i].entry = NULL;
	t->count--;
	if (t->mask + 1 > MIN_SLOTS && t->count * 8 < t->mask + 1)
		(void)index_resize(t, (t->mask + 1) / 2);	/* failure is harmless */
}

/* ---- public key -> peer ---- */

struct wg_key_slot {
	uint64_t hash;
	void *peer;	/* NULL: empty */
	uint8_t key[32];
};

int wg_key_table_init(struct wg_key_table *t)
{
	t->slots = NULL;
	t->mask = 0;
	t->count = 0;
	t->held = false;
	wg_random_bytes(t->hash_key, sizeof(t->hash_key));
	return 0;
}

void wg_key_table_free(struct wg_key_table *t)
{
	free(t->slots);
	t->slots = NULL;
	t->mask = 0;
	t->count = 0;
	wg_memzero(t->hash_key, sizeof(t->hash_key));
}

static void key_place(struct wg_key_slot *slots, size_t mask, const struct wg_key_slot *s)
{
	size_t i = (size_t)s->hash & mask;

#ifdef WG_PROOF_INDEX_WP
	/*@ loop invariant i <= mask;
	    loop assigns i; */
#endif
	while (slots[i].peer)
		i = (i + 1) & mask;
	slots[i] = *s;
}

static int key_resize(struct wg_key_table *t, size_t nslots)
{
	struct wg_key_slot *slots = calloc(nslots, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
#ifdef WG_PROOF_INDEX_WP
	/*@ loop assigns i, slots[0 .. nslots - 1]; */
#endif
	for (size_t i = 0; t->slots && i <= t->mask; i++)
		if (t->slots[i].peer)
			key_place(slots, nslots - 1, &t->slots[i]);
	free(t->slots);
	t->slots = slots;
	t->mask = nslots - 1;
	return 0;
}

/* The slot holding key, or NULL. */
static struct wg_key_slot *key_find(const struct wg_key_table *t, const uint8_t key[32], uint64_t hash)
{
	if (!t->slots)
		return NULL;
#ifdef WG_PROOF_INDEX_WP
	/*@ loop invariant i <= t->mask;
	    loop assigns i; */
#endif
	for (size_t i = (size_t)hash & t->mask;; i = (i + 1) & t->mask) {
		struct wg_key_slot *s = &t->slots[i];

		if (!s->peer)
			return NULL;
		/* Public keys are not secret: a plain comparison is fine. */
		if (s->hash == hash && !memcmp(s->key, key, 32))
			return s;
	}
}

int wg_key_table_insert(struct wg_key_table *t, const uint8_t key[32], void *peer)
{
	struct wg_key_slot s = { .hash = wg_siphash(t->hash_key, key, 32), .peer = peer };

	if (key_find(t, key, s.hash))
		return -EEXIST;
	if (!t->slots || (t->count + 1) * 2 > t->mask + 1) {
		if (key_resize(t, t->slots ? (t->mask + 1) * 2 : MIN_SLOTS))
			return -ENOMEM;
	}
	memcpy(s.key, key, 32);
	key_place(t->slots, t->mask, &s);
	t->count++;
	return 0;
}

void *wg_key_table_lookup(const struct wg_key_table *t, const uint8_t key[32])
{
	struct wg_key_slot *s;

	if (!t->slots)
		return NULL;
	s = key_find(t, key, wg_siphash(t->hash_key, key, 32));
	return s ? s->peer : NULL;
}

void wg_key_table_remove(struct wg_key_table *t, const uint8_t key[32])
{
	struct wg_key_slot *s;
	size_t i, j, mask = t->mask;

	if (!t->slots || !(s = key_find(t, key, wg_siphash(t->hash_key, key, 32))))
		return;
	i = (size_t)(s - t->slots);
#ifdef WG_PROOF_INDEX_WP
	/*@ loop invariant i <= mask && j <= mask;
	    loop invariant mask == t->mask && t->slots == \at(t->slots, LoopEntry);
	    loop assigns i, j, t->slots[0 .. mask]; */
#endif
	for (j = (i + 1) & mask; t->slots[j].peer; j = (j + 1) & mask) {
		size_t home = (size_t)t->slots[j].hash & mask;

		if (((j - home) & mask) >= ((j - i) & mask)) {
			t->slots[i] = t->slots[j];
			i = j;
		}
	}
	memset(&t->slots[i], 0, sizeof(t->slots[i]));
	t->count--;
	if (!t->held && t->mask + 1 > MIN_SLOTS && t->count * 8 < t->mask + 1)
		(void)key_resize(t, (t->mask + 1) / 2);
}

int wg_key_table_reserve(struct wg_key_table *t, size_t n)
{
	size_t size = t->slots ? t->mask + 1 : MIN_SLOTS;

#ifdef WG_PROOF_INDEX_WP
	/*@ loop invariant 1 <= size <= \max(\at(size, LoopEntry), 4 * (t->count + n));
	    loop assigns size; */
#endif
	while ((t->count + n) * 2 > size)
		size *= 2;
	if ((!t->slots || size != t->mask + 1) && key_resize(t, size))
		return -ENOMEM;
	t->held = true;
	return 0;
}

void wg_key_table_release(struct wg_key_table *t)
{
	t->held = false;
}
