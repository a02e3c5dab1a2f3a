/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Per-source rate limit for handshake messages under load: a token bucket
 * of 20 packets per second with a burst of 5 for each IPv4 address and each
 * IPv6 /64 (one host usually owns a whole /64).  Memory is bounded: at most
 * WG_RATELIMITER_MAX_ENTRIES sources are tracked; when all are busy, new
 * sources are refused until old ones expire.  Thread-safe.
 */
#ifndef WG_RATELIMITER_H
#define WG_RATELIMITER_H

#include "lock.h"
#include <stdbool.h>
#include <stdint.h>

#include <wireguard.h>
#include "siphash.h"

enum {
	WG_RATELIMITER_PACKETS_PER_SECOND = 20,
	WG_RATELIMITER_BURST = 5,
	WG_RATELIMITER_MAX_ENTRIES = 8192,	/* a power of two */
};

struct wg_ratelimiter {
	wg_mutex lock;		/* protects all of the below */
	struct wg_ratelimit_entry *entries;	/* pool of MAX_ENTRIES */
	uint32_t *buckets;		/* chain heads: entry number + 1, 0 = empty */
	uint32_t free_list;		/* entry number + 1, 0 = pool used up */
	uint32_t count;
	uint64_t last_gc_ns;
	uint8_t hash_key[WG_SIPHASH_KEY_SIZE];
};

/* 0 or -ENOMEM. */
int wg_ratelimiter_init(struct wg_ratelimiter *r);
void wg_ratelimiter_free(struct wg_ratelimiter *r);
/*
 * True if a handshake message from src may be processed at monotonic time
 * now_ns (nanoseconds).  Sources that are neither IPv4 nor IPv6 are refused.
 */
bool wg_ratelimiter_allow(struct wg_ratelimiter *r, const wg_endpoint *src, uint64_t now_ns);

#endif
