/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Tokens are counted in nanoseconds of credit: time adds credit, a packet
 * costs 1/20 s, and credit is capped at five packets' worth.  The table is a
 * fixed pool of entries chained into buckets by a keyed hash (so senders
 * cannot pile onto one chain), allocated once at init: a flood costs no
 * allocation.  Once a second the whole pool is swept for entries idle for a
 * second; such an entry has refilled to the full burst anyway, so dropping
 * it changes no decision.
 */
#include <stdlib.h>

#include "ratelimiter.h"
#include "util.h"

#define NSEC_PER_SEC UINT64_C(1000000000)
#define PACKET_COST (NSEC_PER_SEC / WG_RATELIMITER_PACKETS_PER_SECOND)
#define TOKEN_MAX (PACKET_COST * WG_RATELIMITER_BURST)

enum { BUCKETS = WG_RATELIMITER_MAX_ENTRIES };

struct wg_ratelimit_entry {
	uint64_t ip;		/* IPv4 address or the IPv6 /64 prefix */
	uint64_t last_ns;	/* when the tokens were last brought up to date */
	uint64_t tokens;	/* nanoseconds of credit */
	uint32_t next;		/* next in the chain or the free list, number + 1 */
	bool v6;
};

int wg_ratelimiter_init(struct wg_ratelimiter *r)
{
	memset(r, 0, sizeof(*r));
	r->entries = calloc(WG_RATELIMITER_MAX_ENTRIES, sizeof(*r->entries));
	r->buckets = calloc(BUCKETS, sizeof(*r->buckets));
	if (!r->entries || !r->buckets || wg_mutex_init(&r->lock)) {
		free(r->entries);
		free(r->buckets);
		r->entries = NULL;
		r->buckets = NULL;
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < WG_RATELIMITER_MAX_ENTRIES; i++)
		r->entries[i].next = i + 2 <= WG_RATELIMITER_MAX_ENTRIES ? i + 2 : 0;
	r->free_list = 1;
	wg_random_bytes(r->hash_key, sizeof(r->hash_key));
	return 0;
}

void wg_ratelimiter_free(struct wg_ratelimiter *r)
{
	if (!r->entries)
		return;
	wg_mutex_destroy(&r->lock);
	free(r->entries);
	free(r->buckets);
	wg_memzero(r, sizeof(*r));
}

/* Drop every entry idle for a second or more. */
static void gc(struct wg_ratelimiter *r, uint64_t now_ns)
{
	for (uint32_t b = 0; b < BUCKETS; b++) {
		uint32_t *link = &r->buckets[b];

		while (*link) {
			struct wg_ratelimit_entry *e = &r->entries[*link - 1];
			uint32_t n = *link;

			if (now_ns >= e->last_ns && now_ns - e->last_ns >= NSEC_PER_SEC) {
				*link = e->next;
				e->next = r->free_list;
				r->free_list = n;
				r->count--;
			} else {
				link = &e->next;
			}
		}
	}
	r->last_gc_ns = now_ns;
}

/* The key of a source: IPv4 addresses whole, IPv6 by /64; false if neither. */
static bool source_key(const wg_endpoint *src, uint64_t *ip, bool *v6)
{
	const uint8_t *a;

	if (src->addr.sa_family == AF_INET) {
		a = (const uint8_t *)&src->addr4.sin_addr;
		*ip = (uint64_t)a[0] << 24 | (uint64_t)a[1] << 16 | (uint64_t)a[2] << 8 | a[3];
		*v6 = false;
		return true;
	}
	if (src->addr.sa_family != AF_INET6)
		return false;
	a = src->addr6.sin6_addr.s6_addr;
	/* A v4-mapped address on a dual-stack socket is an IPv4 host: grouping
	 * it by /64 would put every IPv4 sender in one bucket. */
	if (IN6_IS_ADDR_V4MAPPED(&src->addr6.sin6_addr)) {
		*ip = (uint64_t)a[12] << 24 | (uint64_t)a[13] << 16 | (uint64_t)a[14] << 8 | a[15];
		*v6 = false;
		return true;
	}
	*ip = 0;
	for (int i = 0; i < 8; i++)
		*ip = *ip << 8 | a[i];
	*v6 = true;
	return true;
}

bool wg_ratelimiter_allow(struct wg_ratelimiter *r, const wg_endpoint *src, uint64_t now_ns)
{
	struct wg_ratelimit_entry *e;
	uint8_t hkey[9];
	uint32_t *head, n;
	uint64_t ip, hash;
	bool v6, ok = false;

	if (!source_key(src, &ip, &v6))
		return false;
	wg_put_le64(hkey, ip);
	hkey[8] = v6;
	hash = wg_siphash(r->hash_key, hkey, sizeof(hkey));	/* the key is fixed after init */

	wg_mutex_lock(&r->lock);
	/* A clock that went back restarts the sweep interval. */
	if (now_ns < r->last_gc_ns || now_ns - r->last_gc_ns >= NSEC_PER_SEC)
		gc(r, now_ns);

	head = &r->buckets[hash & (BUCKETS - 1)];
	for (n = *head; n; n = e->next) {
		e = &r->entries[n - 1];
		if (e->ip == ip && e->v6 == v6) {
			uint64_t tokens = e->tokens;

			/* Credit only for time that passed: a clock that
			 * stepped back must not earn it twice later. */
			if (now_ns > e->last_ns) {
				uint64_t gap = now_ns - e->last_ns;

				tokens = gap >= TOKEN_MAX ? TOKEN_MAX : tokens + gap;
				e->last_ns = now_ns;
			}
			if (tokens > TOKEN_MAX)
				tokens = TOKEN_MAX;
			ok = tokens >= PACKET_COST;
			if (ok)
				tokens -= PACKET_COST;
			e->tokens = tokens;
			goto out;
		}
	}

	/* A new source starts with a full burst, this packet spent. */
	if (!r->free_list)
		goto out;	/* every slot busy within the last second */
	n = r->free_list;
	e = &r->entries[n - 1];
	r->free_list = e->next;
	e->ip = ip;
	e->v6 = v6;
	e->last_ns = now_ns;
	e->tokens = TOKEN_MAX - PACKET_COST;
	e->next = *head;
	*head = n;
	r->count++;
	ok = true;
out:
	wg_mutex_unlock(&r->lock);
	return ok;
}
