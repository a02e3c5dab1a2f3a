/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The handshake rate limiter with a simulated clock: the burst, the steady
 * rate, per-/64 grouping, independence of sources, a full table, and a
 * burst shared by threads that is never exceeded.
 */
#include <pthread.h>
#include <time.h>

#include "os_net.h"
#include "ratelimiter.h"
#include "test.h"
#include "util.h"

#define SEC UINT64_C(1000000000)
#define T0 (1000 * SEC)	/* an arbitrary start, far from 0 */

static wg_endpoint ep(const char *text)
{
	wg_endpoint e;

	memset(&e, 0, sizeof(e));
	if (strchr(text, ':')) {
		e.addr6.sin6_family = AF_INET6;
		inet_pton(AF_INET6, text, &e.addr6.sin6_addr);
	} else {
		e.addr4.sin_family = AF_INET;
		inet_pton(AF_INET, text, &e.addr4.sin_addr);
	}
	return e;
}

/* How many of n packets sent at now are let through. */
static int burst(struct wg_ratelimiter *r, const wg_endpoint *e, int n, uint64_t now)
{
	int ok = 0;

	for (int i = 0; i < n; i++)
		ok += wg_ratelimiter_allow(r, e, now);
	return ok;
}

static void test_rate(const char *addr)
{
	struct wg_ratelimiter r;
	wg_endpoint e = ep(addr);
	uint64_t now = T0;
	int ok;

	CHECK(wg_ratelimiter_init(&r) == 0);
	CHECK(burst(&r, &e, 100, now) == 5);	/* the burst, then nothing */
	/* 1/20 s buys exactly one more packet; a hair less buys none. */
	now += SEC / 20 - 1;
	CHECK(burst(&r, &e, 10, now) == 0);
	now += 1;
	CHECK(burst(&r, &e, 10, now) == 1);
	/* Steady state: one packet every 50 ms, offered every 10 ms. */
	ok = 0;
	for (int i = 0; i < 1000; i++) {
		now += SEC / 100;
		ok += wg_ratelimiter_allow(&r, &e, now);
	}
	CHECK(ok == 200);	/* 10 s at 20/s */
	/* Idle for a long time: the burst comes back, capped at 5. */
	now += 60 * SEC;
	CHECK(burst(&r, &e, 100, now) == 5);
	/* A clock going backwards gives no credit and breaks nothing. */
	CHECK(burst(&r, &e, 10, now - 10 * SEC) == 0);
	CHECK(burst(&r, &e, 10, now + SEC / 20) == 1);
	/* A huge jump (simulated clocks): the source starts afresh. */
	CHECK(burst(&r, &e, 10, UINT64_MAX - 1) == 5);
	wg_ratelimiter_free(&r);
}

static void test_grouping(void)
{
	struct wg_ratelimiter r;
	wg_endpoint a = ep("2001:db8:1:2::1"), same64 = ep("2001:db8:1:2:ffff:1:2:3");
	wg_endpoint other64 = ep("2001:db8:1:3::1"), v4 = ep("192.0.2.1");
	wg_endpoint v4b = ep("192.0.2.2"), mapped = ep("::ffff:192.0.2.1");
	wg_endpoint mapped_b = ep("::ffff:192.0.2.3"), none;

	CHECK(wg_ratelimiter_init(&r) == 0);
	CHECK(burst(&r, &a, 3, T0) == 3);
	CHECK(burst(&r, &same64, 10, T0) == 2);	/* shares the /64's burst */
	CHECK(burst(&r, &other64, 10, T0) == 5);
	CHECK(burst(&r, &v4, 10, T0) == 5);
	CHECK(burst(&r, &v4b, 10, T0) == 5);	/* IPv4: per address */
	/* A v4-mapped IPv6 source is its IPv4 address, not a /64. */
	CHECK(burst(&r, &mapped, 10, T0) == 0);
	CHECK(burst(&r, &mapped_b, 10, T0) == 5);
	memset(&none, 0, sizeof(none));
	CHECK(!wg_ratelimiter_allow(&r, &none, T0));
	wg_ratelimiter_free(&r);
}

static void test_full(void)
{
	struct wg_ratelimiter r;
	wg_endpoint e = ep("10.0.0.0");
	int ok = 0;

	CHECK(wg_ratelimiter_init(&r) == 0);
	for (uint32_t i = 0; i < WG_RATELIMITER_MAX_ENTRIES; i++) {
		e.addr4.sin_addr.s_addr = htonl(0x0a000000 + i);
		ok += wg_ratelimiter_allow(&r, &e, T0);
	}
	CHECK(ok == WG_RATELIMITER_MAX_ENTRIES);
	CHECK(r.count == WG_RATELIMITER_MAX_ENTRIES);
	/* Full: a new source is refused, a known one still works. */
	e.addr4.sin_addr.s_addr = htonl(0x0b000000);
	CHECK(!wg_ratelimiter_allow(&r, &e, T0 + SEC / 2));
	e.addr4.sin_addr.s_addr = htonl(0x0a000007);
	CHECK(burst(&r, &e, 10, T0 + SEC / 2) == 5);	/* 4 left + 0.5 s of credit, capped */
	/* A second later the idle entries are swept and new sources fit. */
	e.addr4.sin_addr.s_addr = htonl(0x0b000000);
	CHECK(wg_ratelimiter_allow(&r, &e, T0 + SEC + SEC / 4));
	CHECK(r.count == 2);	/* the busy one and the new one */
	wg_ratelimiter_free(&r);
}

struct shared {
	struct wg_ratelimiter *r;
	int allowed;
};

static void *hammer(void *arg)
{
	struct shared *s = arg;
	wg_endpoint e = ep("198.51.100.7"), mine = ep("203.0.113.1");
	int ok = 0;

	for (int i = 0; i < 2000; i++) {
		ok += wg_ratelimiter_allow(s->r, &e, T0);
		mine.addr4.sin_addr.s_addr = htonl(0xcb007100 + (uint32_t)i);
		(void)wg_ratelimiter_allow(s->r, &mine, T0);
	}
	__atomic_add_fetch(&s->allowed, ok, __ATOMIC_RELAXED);
	return NULL;
}

static void test_threads(void)
{
	struct wg_ratelimiter r;
	struct shared s = { &r, 0 };
	pthread_t th[4];

	CHECK(wg_ratelimiter_init(&r) == 0);
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, hammer, &s);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	CHECK(s.allowed == 5);	/* one burst, however the threads interleave */
	wg_ratelimiter_free(&r);
}

/* Cost of a decision with a full table of busy sources (printed only). */
static void test_speed(void)
{
	enum { CALLS = 1000000 };
	struct wg_ratelimiter r;
	wg_endpoint e = ep("10.0.0.0");
	struct timespec a, b;
	uint64_t now = T0;
	int ok = 0;

	CHECK(wg_ratelimiter_init(&r) == 0);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	for (uint32_t i = 0; i < CALLS; i++) {
		e.addr4.sin_addr.s_addr = htonl(0x0a000000 + i % WG_RATELIMITER_MAX_ENTRIES);
		now += 100;	/* 10M packets/s of simulated time */
		ok += wg_ratelimiter_allow(&r, &e, now);
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	printf("ratelimiter: %d decisions over %d sources, %.0f ns each (%d allowed)\n", CALLS,
	       WG_RATELIMITER_MAX_ENTRIES,
	       ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / CALLS, ok);
	/* Just under 0.1 s simulated: each source gets its burst of 5 and one
	 * refill (a second refill needs a full 0.1 s). */
	CHECK(ok == WG_RATELIMITER_MAX_ENTRIES * (WG_RATELIMITER_BURST + 1));
	wg_ratelimiter_free(&r);
}

int main(void)
{
	test_rate("192.0.2.55");
	test_rate("2001:db8::55");
	test_grouping();
	test_full();
	test_threads();
	test_speed();
	return test_done();
}
