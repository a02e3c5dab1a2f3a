/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The replay window against the Linux driver's nonce counter self-test
 * (selftest/counter.c): same sequences, same expected answers, written as
 * tables, plus a randomized comparison with a set-based reference.
 */
#include <stdint.h>
#include <time.h>

#include "replay.h"
#include "util.h"
#include "test.h"

#define REJECT (UINT64_MAX - 8192)	/* 2^64 - 8192 - 1, DESIGN.md §3 */
#define W WG_REPLAY_WINDOW_SIZE
#define LIM (W + 1)

struct step {
	uint64_t counter;
	bool accept;
};

static const struct step kernel_cases[] = {
	{ 0, true }, { 1, true }, { 1, false }, { 9, true }, { 8, true },
	{ 7, true }, { 7, false }, { LIM, true }, { LIM - 1, true },
	{ LIM - 1, false }, { LIM - 2, true }, { 2, true }, { 2, false },
	{ LIM + 16, true }, { 3, false }, { LIM + 16, false },
	{ LIM * 4, true }, { LIM * 4 - (LIM - 1), true }, { 10, false },
	{ LIM * 4 - LIM, false }, { LIM * 4 - (LIM + 1), false },
	{ LIM * 4 - (LIM - 2), true }, { LIM * 4 + 1 - LIM, false },
	{ 0, false },
	{ REJECT, false }, { REJECT - 1, true }, { REJECT, false },
	{ REJECT - 1, false }, { REJECT - 2, true }, { REJECT + 1, false },
	{ REJECT + 2, false }, { REJECT - 2, false }, { REJECT - 3, true },
	{ 0, false },
};

static void run_table(void)
{
	struct wg_replay_counter c;

	wg_replay_init(&c);
	for (size_t i = 0; i < ARRAY_SIZE(kernel_cases); i++) {
		bool got = wg_replay_check_and_update(&c, kernel_cases[i].counter, REJECT);

		if (got != kernel_cases[i].accept)
			fprintf(stderr, "table step %zu (counter %llu)\n", i + 1,
				(unsigned long long)kernel_cases[i].counter);
		CHECK(got == kernel_cases[i].accept);
	}
}

/* Run a sequence, expecting every step accepted; returns failures. */
static int run_range(struct wg_replay_counter *c, uint64_t from, uint64_t to, int dir)
{
	int bad = 0;

	for (uint64_t i = from;; i += (uint64_t)dir) {
		bad += !wg_replay_check_and_update(c, i, REJECT);
		if (i == to)
			break;
	}
	return bad;
}

/* The kernel's window-edge sequences. */
static void run_edges(void)
{
	struct wg_replay_counter c;

	/* Fill the whole window in order; 0 is then exactly at the edge. */
	wg_replay_init(&c);
	CHECK(run_range(&c, 1, W, 1) == 0);
	CHECK(wg_replay_check_and_update(&c, 0, REJECT));
	CHECK(!wg_replay_check_and_update(&c, 0, REJECT));

	/* One further: 1 is at the edge, 0 just beyond it. */
	wg_replay_init(&c);
	CHECK(run_range(&c, 2, W + 1, 1) == 0);
	CHECK(wg_replay_check_and_update(&c, 1, REJECT));
	CHECK(!wg_replay_check_and_update(&c, 0, REJECT));

	/* Backwards through the whole window. */
	wg_replay_init(&c);
	CHECK(run_range(&c, W, 0, -1) == 0);

	wg_replay_init(&c);
	CHECK(run_range(&c, W + 1, 1, -1) == 0);
	CHECK(!wg_replay_check_and_update(&c, 0, REJECT));

	wg_replay_init(&c);
	CHECK(run_range(&c, W, 1, -1) == 0);
	CHECK(wg_replay_check_and_update(&c, W + 1, REJECT));
	CHECK(!wg_replay_check_and_update(&c, 0, REJECT));

	wg_replay_init(&c);
	CHECK(run_range(&c, W, 1, -1) == 0);
	CHECK(wg_replay_check_and_update(&c, 0, REJECT));
	CHECK(wg_replay_check_and_update(&c, W + 1, REJECT));
}

/* The limit is the caller's: a small one is enforced exactly. */
static void run_limit(void)
{
	struct wg_replay_counter c;

	wg_replay_init(&c);
	CHECK(wg_replay_check_and_update(&c, 99, 100));
	CHECK(!wg_replay_check_and_update(&c, 100, 100));
	CHECK(!wg_replay_check_and_update(&c, UINT64_MAX, 100));
	/* UINT64_MAX as the limit: the largest counter below it works. */
	wg_replay_init(&c);
	CHECK(wg_replay_check_and_update(&c, UINT64_MAX - 1, UINT64_MAX));
	CHECK(!wg_replay_check_and_update(&c, UINT64_MAX - 1, UINT64_MAX));
	/* The window: the newest and the W counters before it. */
	CHECK(wg_replay_check_and_update(&c, UINT64_MAX - 1 - W, UINT64_MAX));
	CHECK(!wg_replay_check_and_update(&c, UINT64_MAX - 2 - W, UINT64_MAX));
}

/*
 * Reference: accept iff not seen and newest - counter < W (i.e. counter + 1 +
 * W >= newest + 1).  Counters drawn near a moving head, with jumps.
 */
static void run_random(void)
{
	enum { N = 200000, SPAN = 40000 };
	static uint8_t seen[1 << 22];	/* counters stay below 2^22 */
	struct wg_replay_counter c;
	uint64_t head = 0, newest_plus1 = 0;
	uint32_t x = 12345;
	int mismatches = 0;

	wg_replay_init(&c);
	for (int i = 0; i < N; i++) {
		uint64_t ctr;
		bool want, got;

		x = x * 1103515245 + 12345;
		if ((x >> 16) % 1000 == 0)
			head += (x >> 8) % SPAN;	/* a jump */
		else if ((x >> 16) % 2)
			head++;
		ctr = head + ((x >> 4) % 16);
		if ((x >> 20) % 4 == 0)
			ctr = head > (x >> 10) % (2 * W) ? head - (x >> 10) % (2 * W) : 0;
		if (ctr >= sizeof(seen))
			break;
		want = !seen[ctr] && !(newest_plus1 > W && ctr + 1 < newest_plus1 - W);
		got = wg_replay_check_and_update(&c, ctr, REJECT);
		if (want) {
			seen[ctr] = 1;
			if (ctr + 1 > newest_plus1)
				newest_plus1 = ctr + 1;
		}
		mismatches += got != want;
	}
	CHECK(mismatches == 0);
}

/* Cost per packet, in order with some reordering (printed only). */
static void run_speed(void)
{
	enum { N = 10000000 };
	struct wg_replay_counter c;
	struct timespec a, b;
	int ok = 0;

	wg_replay_init(&c);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	for (uint64_t i = 0; i < N; i++)
		ok += wg_replay_check_and_update(&c, i ^ (i & 4 ? 3 : 0), REJECT);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	printf("replay: %d counters, %.1f ns each\n", N,
	       ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / N);
	CHECK(ok == N);	/* a permutation within the window: all new */
}

int main(void)
{
	run_table();
	run_edges();
	run_limit();
	run_random();
	run_speed();
	return test_done();
}
