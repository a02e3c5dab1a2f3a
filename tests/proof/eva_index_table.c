/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Eva harness for lib/engine/index_table.c: the receiver-index table every
 * response, cookie reply and data packet is looked up in (with the 32-bit
 * index the packet carries), and the public-key table every initiation is
 * looked up in (with the static key it decrypts to).
 *
 * Tables of 16 and 32 slots (a fixed size per analysis: the probe index
 * `i & mask` stays inside the array only through the relation between mask
 * and the allocated size, which Eva keeps when the size is one value and
 * loses once tables of several sizes are merged) holding ANY bytes in every
 * slot (any indices, hashes, keys and entry pointers, empty slots anywhere),
 * then one of: a lookup, a remove (with its backward shift, and the shrink
 * from 32 to 16 slots), an insert (with the growth to twice the size) of any
 * index or key, a reserve of 0..60 keys.  Also from init through the first
 * allocation to free.  No run-time error.
 *
 * Eva's one remaining doubt, that the backward shift's slots[i] = slots[j]
 * might partially overlap (it cannot: i and j are whole indices), is
 * proved by WP in the same run (tests/proof/prove.py eva-wp).
 *
 * Not covered: tables of 64 slots or more (the same code with a larger
 * mask), counts beyond the slot count for an insert, termination (a table
 * with no empty slot would make a lookup loop for ever; the code keeps it at
 * most half full, which no tool checks here).
 */
#include <stdlib.h>

#include "__fc_builtin.h"
#include "index_table.h"

/* Assumed: getrandom(2) fills the buffer with anything. */
/*@ requires \valid((char *)buf + (0 .. len - 1));
    assigns ((char *)buf)[0 .. len - 1] \from \nothing; */
void wg_random_bytes(void *buf, size_t len);

/* Assumed: SipHash-2-4 reads the key and the input, returns any value. */
/*@ requires \valid_read(key + (0 .. 15)) && \valid_read((const uint8_t *)in + (0 .. len - 1));
    assigns \result \from key[0 .. 15], ((const uint8_t *)in)[0 .. len - 1]; */
uint64_t wg_siphash(const uint8_t key[16], const void *in, size_t len);

#include "index_table.c"	/* its slot structs are private */

static int entries[40];

enum op { LOOKUP, REMOVE, INSERT, GROW, RESERVE };

/* One operation per table: Eva merges the states a callee returns, so a
 * table that may or may not have been resized would lose its mask-to-size
 * relation before a second operation.  For the same reason an insert is
 * analysed twice: with a count that keeps the size (INSERT) and with one
 * that makes the table grow first (GROW); a count is at most the number
 * of slots there (insert's test (count + 1) * 2 wraps for counts near
 * SIZE_MAX, which no table reaches).  Lookup and remove: any count. */
static size_t any_count(size_t nslots, enum op op)
{
	if (op == INSERT)
		return Frama_C_size_t_interval(0, nslots / 2 - 1);
	if (op == GROW)
		return Frama_C_size_t_interval(nslots / 2, nslots);
	return Frama_C_size_t_interval(0, SIZE_MAX);
}

/* A table of nslots slots holding anything, as far as the types allow,
 * then one operation of each kind with any index. */
static void index_table_any(size_t nslots, size_t slot_size, enum op op)
{
	struct wg_index_table t;

	t.slots = malloc(nslots * slot_size);
	if (!t.slots)
		return;
	Frama_C_make_unknown((char *)t.slots, nslots * slot_size);
	t.mask = nslots - 1;
	t.count = any_count(nslots, op);
	Frama_C_make_unknown((char *)t.random, sizeof(t.random));
	t.random_left = Frama_C_unsigned_int_interval(0, 16);
	if (op == LOOKUP)
		(void)wg_index_table_lookup(&t, Frama_C_unsigned_int_interval(0, UINT32_MAX));
	else if (op == REMOVE)
		wg_index_table_remove(&t, Frama_C_unsigned_int_interval(0, UINT32_MAX));
	else
		(void)wg_index_table_insert(&t, &entries[0]);
	wg_index_table_free(&t);
}

static void key_table_any(size_t nslots, size_t slot_size, enum op op)
{
	struct wg_key_table k;
	uint8_t key[32];

	wg_key_table_init(&k);
	k.slots = malloc(nslots * slot_size);
	if (!k.slots)
		return;
	Frama_C_make_unknown((char *)k.slots, nslots * slot_size);
	k.mask = nslots - 1;
	k.count = any_count(nslots, op);
	k.held = Frama_C_interval(0, 1);
	Frama_C_make_unknown((char *)key, sizeof(key));
	if (op == LOOKUP) {
		(void)wg_key_table_lookup(&k, key);
	} else if (op == REMOVE) {
		wg_key_table_remove(&k, key);
	} else if (op == INSERT || op == GROW) {
		(void)wg_key_table_insert(&k, key, &entries[1]);
	} else {
		/* Sizes it may choose, one state each (Eva would merge them
		 * before the resize for an interval of counts). */
		int half = Frama_C_interval_split(0, 1);

		k.count = half ? nslots / 2 - 1 : 0;
		(void)wg_key_table_reserve(&k, (size_t)Frama_C_interval_split(0, 3) * 20);
		wg_key_table_release(&k);
	}
	wg_key_table_free(&k);
}

/* From init through the first allocation to free. */
static void from_empty(void)
{
	struct wg_index_table t;
	struct wg_key_table k;
	uint8_t key[32];

	/* Calls written out: a loop would merge the states before and after
	 * the first allocation. */
	wg_index_table_init(&t);
	(void)wg_index_table_insert(&t, &entries[0]);
	(void)wg_index_table_insert(&t, &entries[1]);
	(void)wg_index_table_lookup(&t, Frama_C_unsigned_int_interval(0, UINT32_MAX));
	wg_index_table_remove(&t, Frama_C_unsigned_int_interval(0, UINT32_MAX));
	wg_index_table_free(&t);

	wg_key_table_init(&k);
	Frama_C_make_unknown((char *)key, sizeof(key));
	(void)wg_key_table_insert(&k, key, &entries[0]);
	Frama_C_make_unknown((char *)key, sizeof(key));
	(void)wg_key_table_insert(&k, key, &entries[1]);
	Frama_C_make_unknown((char *)key, sizeof(key));
	(void)wg_key_table_lookup(&k, key);
	wg_key_table_remove(&k, key);
	wg_key_table_free(&k);
}

int main(void)
{
	/* One call site per size and operation: Eva names an allocated block by
	 * its call stack, so each gets its own block of one exact size. */
	index_table_any(16, sizeof(struct wg_index_slot), LOOKUP);
	index_table_any(32, sizeof(struct wg_index_slot), LOOKUP);
#ifndef LOOKUP_ONLY	/* the negative control's quick run (tests/proof/meson.build) */
	index_table_any(16, sizeof(struct wg_index_slot), REMOVE);
	index_table_any(32, sizeof(struct wg_index_slot), REMOVE);
	index_table_any(16, sizeof(struct wg_index_slot), INSERT);
	index_table_any(32, sizeof(struct wg_index_slot), INSERT);
	index_table_any(16, sizeof(struct wg_index_slot), GROW);
	index_table_any(32, sizeof(struct wg_index_slot), GROW);
	key_table_any(16, sizeof(struct wg_key_slot), LOOKUP);
	key_table_any(32, sizeof(struct wg_key_slot), LOOKUP);
	key_table_any(16, sizeof(struct wg_key_slot), REMOVE);
	key_table_any(32, sizeof(struct wg_key_slot), REMOVE);
	key_table_any(16, sizeof(struct wg_key_slot), INSERT);
	key_table_any(32, sizeof(struct wg_key_slot), INSERT);
	key_table_any(16, sizeof(struct wg_key_slot), GROW);
	key_table_any(32, sizeof(struct wg_key_slot), GROW);
	key_table_any(16, sizeof(struct wg_key_slot), RESERVE);
	key_table_any(32, sizeof(struct wg_key_slot), RESERVE);
	from_empty();
#endif
	return 0;
}
