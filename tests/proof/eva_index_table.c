/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Eva harness for lib/engine/index_table.c: the receiver-index table every
 * response and data packet is looked up in.  A table grown by inserts with
 * any random indices, then lookups, replaces and removes of any 32-bit index
 * (what a packet carries), and the public-key table likewise.  No run-time
 * error for any of these inputs.
 */
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

static int entries[40];

int main(void)
{
	static struct wg_index_table t;
	static struct wg_key_table k;
	uint8_t key[32];
	int n = Frama_C_interval(0, 40);

	wg_index_table_init(&t);
	for (int i = 0; i < n; i++)
		(void)wg_index_table_insert(&t, &entries[i]);
	(void)wg_index_table_lookup(&t, Frama_C_unsigned_int_interval(0, UINT32_MAX));
	(void)wg_index_table_replace(&t, Frama_C_unsigned_int_interval(0, UINT32_MAX), &entries[0]);
	for (int i = 0; i < n; i++)
		wg_index_table_remove(&t, Frama_C_unsigned_int_interval(0, UINT32_MAX));
	wg_index_table_free(&t);

	wg_key_table_init(&k);
	for (int i = 0; i < n; i++) {
		Frama_C_make_unknown((char *)key, sizeof(key));
		(void)wg_key_table_insert(&k, key, &entries[i]);
	}
	Frama_C_make_unknown((char *)key, sizeof(key));
	(void)wg_key_table_lookup(&k, key);
	wg_key_table_remove(&k, key);
	wg_key_table_free(&k);
	return 0;
}
