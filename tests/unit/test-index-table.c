/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Both lookup tables against plain arrays: 50k inserts, lookups, removals in
 * random order and re-inserts, with growth and shrinking on the way; indices
 * are checked unique and nonzero.  Timings are printed, not asserted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "index_table.h"
#include "test.h"
#include "util.h"

enum { N = 50000 };

static uint64_t rng = 0x243f6a8885a308d3;	/* deterministic test choices */

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);	/* CPU time: steadier on a busy machine */
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static void shuffle(size_t *order, size_t n)
{
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = next_rand() % (i + 1), tmp = order[i];

		order[i] = order[j];
		order[j] = tmp;
	}
}

static void test_index_table(void)
{
	static uint32_t idx[N], sorted[N];
	static char entries[N];		/* entry i is &entries[i] */
	static size_t order[N];
	static bool present[N];
	struct wg_index_table t;
	bool refilled = false;
	int bad = 0;
	double t0;

	CHECK(wg_index_table_init(&t) == 0);
	CHECK(wg_index_table_lookup(&t, 1) == NULL);
	wg_index_table_remove(&t, 1);	/* empty table: no crash */

	t0 = now_s();
	for (size_t i = 0; i < N; i++) {
		idx[i] = wg_index_table_insert(&t, &entries[i]);
		present[i] = true;
		bad += idx[i] == 0;
	}
	printf("index table: %d inserts %.1f ms\n", N, (now_s() - t0) * 1e3);
	CHECK(bad == 0);
	CHECK(t.count == N);

	memcpy(sorted, idx, sizeof(idx));
	qsort(sorted, N, sizeof(sorted[0]), cmp_u32);
	bad = 0;
	for (size_t i = 1; i < N; i++)
		bad += sorted[i] == sorted[i - 1];
	CHECK(bad == 0);	/* unique */

	t0 = now_s();
	bad = 0;
	for (size_t i = 0; i < N; i++)
		bad += wg_index_table_lookup(&t, idx[i]) != &entries[i];
	printf("index table: %d lookups %.1f ms\n", N, (now_s() - t0) * 1e3);
	CHECK(bad == 0);

	CHECK(t.count == N);

	/* Values never handed out are not found. */
	bad = 0;
	CHECK(wg_index_table_lookup(&t, 0) == NULL);
	for (int i = 0; i < N; i++) {
		uint32_t v = (uint32_t)next_rand();

		if (!bsearch(&v, sorted, N, sizeof(v), cmp_u32)) {
			bad += wg_index_table_lookup(&t, v) != NULL;
		}
	}
	CHECK(bad == 0);

	/* Remove in random order, checking everything along the way. */
	shuffle(order, N);
	bad = 0;
	for (size_t k = 0; k < N; k++) {
		size_t i = order[k];

		wg_index_table_remove(&t, idx[i]);
		wg_index_table_remove(&t, idx[i]);	/* twice: no effect */
		present[i] = false;
		if (k % 997 == 0)
			for (size_t j = 0; j < N; j++)
				bad += wg_index_table_lookup(&t, idx[j]) != (present[j] ? &entries[j] : NULL);
		/* Refill halfway to mix growth with removal. */
		if (k == N / 2 && !refilled)
			for (size_t j = 0; j < N; j++)
				if (!present[j]) {
					idx[j] = wg_index_table_insert(&t, &entries[j]);
					present[j] = true;
					bad += idx[j] == 0;
					bad += wg_index_table_lookup(&t, idx[j]) != &entries[j];
				}
		if (k == N / 2 && !refilled) {
			refilled = true;
			shuffle(order, N);
			k = 0;
		}
	}
	for (size_t j = 0; j < N; j++)
		if (present[j])
			wg_index_table_remove(&t, idx[j]);
	CHECK(bad == 0);
	CHECK(t.count == 0);
	CHECK(t.mask + 1 <= 64);	/* shrank back */
	wg_index_table_free(&t);
}

static void test_key_table(void)
{
	static uint8_t keys[N][32];
	static char peers[N];
	static size_t order[N];
	static bool present[N];
	struct wg_key_table t;
	uint8_t other[32];
	bool refilled = false;
	int bad = 0;
	double t0;

	for (size_t i = 0; i < N; i++)
		for (int b = 0; b < 32; b += 8)
			wg_put_le64(keys[i] + b, next_rand());
	/* Keys that differ in one bit at either end. */
	memcpy(keys[1], keys[0], 32);
	keys[1][31] ^= 1;
	memcpy(keys[2], keys[0], 32);
	keys[2][0] ^= 0x80;

	CHECK(wg_key_table_init(&t) == 0);
	CHECK(wg_key_table_lookup(&t, keys[0]) == NULL);
	wg_key_table_remove(&t, keys[0]);

	t0 = now_s();
	for (size_t i = 0; i < N; i++) {
		bad += wg_key_table_insert(&t, keys[i], &peers[i]) != 0;
		present[i] = true;
	}
	printf("key table: %d inserts %.1f ms\n", N, (now_s() - t0) * 1e3);
	CHECK(bad == 0);
	CHECK(t.count == N);
	CHECK(wg_key_table_insert(&t, keys[5], &peers[6]) == -EEXIST);
	CHECK(wg_key_table_lookup(&t, keys[5]) == &peers[5]);

	t0 = now_s();
	bad = 0;
	for (size_t i = 0; i < N; i++)
		bad += wg_key_table_lookup(&t, keys[i]) != &peers[i];
	printf("key table: %d lookups %.1f ms\n", N, (now_s() - t0) * 1e3);
	CHECK(bad == 0);
	memcpy(other, keys[3], 32);
	other[17] ^= 4;
	CHECK(wg_key_table_lookup(&t, other) == NULL);

	shuffle(order, N);
	bad = 0;
	for (size_t k = 0; k < N; k++) {
		size_t i = order[k];

		wg_key_table_remove(&t, keys[i]);
		present[i] = false;
		if (k % 997 == 0)
			for (size_t j = 0; j < N; j++)
				bad += wg_key_table_lookup(&t, keys[j]) != (present[j] ? &peers[j] : NULL);
		if (k == N / 2 && !refilled) {
			refilled = true;
			for (size_t j = 0; j < N; j++)
				if (!present[j]) {
					bad += wg_key_table_insert(&t, keys[j], &peers[j]) != 0;
					present[j] = true;
				}
			CHECK(t.count == N);
			shuffle(order, N);
			k = 0;
		}
	}
	for (size_t j = 0; j < N; j++)
		if (present[j])
			wg_key_table_remove(&t, keys[j]);
	CHECK(bad == 0);
	CHECK(t.count == 0);
	wg_key_table_free(&t);
}

int main(void)
{
	test_index_table();
	test_key_table();
	return test_done();
}
