/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Out of memory in the engine's tables: every allocation an insert makes is
 * failed in turn, and the table must come back -ENOMEM (or 0 for the index
 * table) exactly as it was.  The same for a whole wg_engine_set_device():
 * all or nothing.  The test replaces calloc, realloc and
 * aligned_alloc with versions that can be told to fail, so it is not built
 * with AddressSanitizer (which owns the allocator).
 */
#include <stdlib.h>

#include "allowedips.h"
#include "index_table.h"
#include "random-config.h"
#include "ratelimiter.h"
#include "test.h"
#include "util.h"

/* glibc's own entry points, for passing through. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void *__libc_memalign(size_t align, size_t size);

static long allow_allocs = -1;	/* -1: all succeed; n: n more succeed, then all fail */
static long failed_allocs;

static bool fail_now(void)
{
	if (allow_allocs < 0)
		return false;
	if (allow_allocs == 0) {
		failed_allocs++;
		return true;
	}
	allow_allocs--;
	return false;
}

void *malloc(size_t size)
{
	return fail_now() ? NULL : __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	return fail_now() ? NULL : __libc_realloc(p, size);
}

void *aligned_alloc(size_t align, size_t size)
{
	return fail_now() ? NULL : __libc_memalign(align, size);
}

static uint64_t rng = 0x853c49e6748fea9b;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A fingerprint of the whole table: FNV-1a over the walk. */
static void fingerprint(void *peer, int family, const uint8_t *addr, uint8_t cidr, void *ctx)
{
	uint64_t *h = ctx;
	uint8_t rec[26] = { (uint8_t)family, cidr };

	memcpy(rec + 2, addr, family == AF_INET ? 4 : 16);
	wg_put_le64(rec + 18, (uint64_t)(uintptr_t)peer);
	for (size_t i = 0; i < sizeof(rec); i++)
		*h = (*h ^ rec[i]) * UINT64_C(0x100000001b3);
}

static uint64_t table_print(const struct wg_allowedips *t)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325) ^ t->count;

	wg_allowedips_walk(t, fingerprint, &h);
	return h;
}

static void test_allowedips(void)
{
	static char peers[64];
	struct wg_allowedips t;
	long nomem = 0;
	int bad = 0;

	wg_allowedips_init(&t);
	for (int i = 0; i < 3000; i++) {
		uint8_t addr[16];
		int family = i % 2 ? AF_INET6 : AF_INET;
		uint8_t cidr = (uint8_t)(next_rand() % (family == AF_INET ? 33 : 129));
		void *peer = &peers[next_rand() % 64];
		uint64_t before = table_print(&t);
		int ret;

		wg_put_le64(addr, next_rand());
		wg_put_le64(addr + 8, next_rand());
		/* Fail the first allocation, then the second, ... until it fits. */
		for (long k = 0;; k++) {
			allow_allocs = k;
			ret = wg_allowedips_insert(&t, family, addr, cidr, peer);
			allow_allocs = -1;
			if (ret != -ENOMEM)
				break;
			nomem++;
			bad += table_print(&t) != before;
		}
		bad += ret != 0;
		/* The prefix is peer's now; removal never allocates. */
		allow_allocs = 0;
		bad += wg_allowedips_remove(&t, family, addr, cidr, peer) != 0;
		allow_allocs = -1;
		if (i % 7)
			bad += wg_allowedips_insert(&t, family, addr, cidr, peer) != 0;
	}
	printf("allowedips: %ld inserts refused for memory, table unchanged each time\n", nomem);
	CHECK(bad == 0);
	CHECK(nomem >= 10);	/* each new slab, the slab list, the owner map */
	allow_allocs = 0;
	for (int p = 0; p < 64; p++)
		wg_allowedips_remove_by_peer(&t, &peers[p]);
	allow_allocs = -1;
	CHECK(t.count == 0 && !t.root4 && !t.root6);
	wg_allowedips_free(&t);
}

static void test_index_tables(void)
{
	static char entries[5000];
	static uint32_t idx[5000];
	static uint8_t keys[5000][32];
	struct wg_index_table it;
	struct wg_key_table kt;
	long nomem = 0;
	int bad = 0;

	wg_index_table_init(&it);
	wg_key_table_init(&kt);
	for (int i = 0; i < 5000; i++) {
		size_t count = it.count;

		allow_allocs = 0;
		idx[i] = wg_index_table_insert(&it, &entries[i]);
		allow_allocs = -1;
		if (!idx[i]) {
			nomem++;
			bad += it.count != count;
			idx[i] = wg_index_table_insert(&it, &entries[i]);
		}
		bad += !idx[i];

		for (int b = 0; b < 32; b += 8)
			wg_put_le64(keys[i] + b, next_rand());
		count = kt.count;
		allow_allocs = 0;
		if (wg_key_table_insert(&kt, keys[i], &entries[i]) == -ENOMEM) {
			nomem++;
			bad += kt.count != count || wg_key_table_lookup(&kt, keys[i]) != NULL;
			allow_allocs = -1;
			bad += wg_key_table_insert(&kt, keys[i], &entries[i]) != 0;
		}
		allow_allocs = -1;
	}
	for (int i = 0; i < 5000; i++)
		bad += wg_index_table_lookup(&it, idx[i]) != &entries[i] ||
		       wg_key_table_lookup(&kt, keys[i]) != &entries[i];
	/* Shrinking on removal may fail: the removal still happens. */
	allow_allocs = 0;
	for (int i = 0; i < 5000; i++) {
		wg_index_table_remove(&it, idx[i]);
		wg_key_table_remove(&kt, keys[i]);
		if (i % 500 == 0)
			for (int j = 0; j < 5000; j++)
				bad += wg_index_table_lookup(&it, idx[j]) != (j > i ? &entries[j] : NULL) ||
				       wg_key_table_lookup(&kt, keys[j]) != (j > i ? &entries[j] : NULL);
	}
	allow_allocs = -1;
	printf("index/key tables: %ld inserts refused for memory\n", nomem);
	CHECK(bad == 0);
	CHECK(nomem >= 18);	/* each growth of each table, 16 -> 16384 slots */
	CHECK(it.count == 0 && kt.count == 0);
	wg_index_table_free(&it);
	wg_key_table_free(&kt);
}

static void test_ratelimiter(void)
{
	struct wg_ratelimiter r;

	for (long k = 0; k < 2; k++) {
		allow_allocs = k;
		CHECK(wg_ratelimiter_init(&r) == -ENOMEM);
		allow_allocs = -1;
		wg_ratelimiter_free(&r);	/* harmless after a failed init */
	}
	CHECK(wg_ratelimiter_init(&r) == 0);
	wg_ratelimiter_free(&r);
}

static void noop_send(const struct wg_packet *p, size_t n, void *ctx)
{
	(void)p;
	(void)n;
	(void)ctx;
}

/* Every allocation of a set failed in turn: the engine stays as it was, or takes the whole set. */
static void test_engine_set(void)
{
	struct wg_engine_options o = { .size = sizeof(o), .send = noop_send };
	long refused = 0;
	struct rc r;

	rc_init(&r, 7);
	r.allowedip_removal = true;
	for (int round = 0; round < 30; round++) {
		wg_device *set, *before = NULL, *model = NULL;
		wg_engine *e;

		CHECK(wg_engine_new(&e, &o) == 0);
		for (int i = 0; i < 3; i++) {
			set = rc_set(&r, NULL);
			CHECK(wg_engine_set_device(e, set) == 0);
			wg_free_device(set);
		}
		set = rc_set(&r, NULL);
		CHECK(wg_engine_get_device(e, &before) == 0);
		CHECK(wg_device_copy(&model, before) == 0);
		CHECK(wg_device_apply(model, set) == 0);
		for (long k = 0;; k++) {
			wg_device *after = NULL;
			int ret;

			allow_allocs = k;
			ret = wg_engine_set_device(e, set);
			allow_allocs = -1;
			CHECK(wg_engine_get_device(e, &after) == 0);
			if (ret == -ENOMEM) {
				refused++;
				CHECK(rc_agrees(set, after, before, "engine after -ENOMEM"));
				wg_free_device(after);
				continue;
			}
			CHECK(ret == 0);
			CHECK(rc_agrees(set, after, model, "engine"));
			wg_free_device(after);
			break;
		}
		wg_free_device(set);
		wg_free_device(before);
		wg_free_device(model);
		wg_engine_free(e);
	}
	CHECK(refused > 30);
}

int main(void)
{
	test_engine_set();
	test_allowedips();
	test_index_tables();
	test_ratelimiter();
	printf("%ld allocations failed on purpose\n", failed_allocs);
	return test_done();
}
