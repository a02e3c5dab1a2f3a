// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The engine's default clock on Linux is CLOCK_BOOTTIME, which keeps
 * counting while suspended (test-suspend.c shows why that matters): its
 * readings fall between two CLOCK_BOOTTIME readings taken around them.
 */
#include <time.h>

#include "engine.h"
#include "os.h"
#include "test.h"

static uint64_t boottime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static void sink(const struct wg_packet *p, size_t n, void *ctx)
{
	(void)p, (void)n, (void)ctx;
}

int main(void)
{
	struct wg_engine_options opts = { .size = sizeof(opts), .send = sink };
	wg_engine *engine;
	uint64_t before, os, now, after;

	CHECK(wg_engine_new(&engine, &opts) == 0);
	before = boottime();
	os = wg_os_clock_ns();
	now = wg_engine_now(engine) - NS_PER_S;	/* offset: engine.c */
	after = boottime();
	CHECK(before <= os && os <= now && now <= after);
	wg_engine_free(engine);
	return test_done();
}
