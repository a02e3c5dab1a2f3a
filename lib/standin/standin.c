/* Temporary stand-ins for the parts branch: simple and slow, for tests only. */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "allowedips.h"
#include "ratelimiter.h"
#include "replay.h"
#include "index_table.h"
#include "../util.h"

static void mask(uint8_t *a, int bytes, uint8_t cidr)
{
	for (int i = 0; i < bytes; i++) {
		int bits = (int)cidr - 8 * i;
		a[i] &= bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	}
}
void wg_allowedips_init(struct wg_allowedips *t) { memset(t, 0, sizeof(*t)); }
void wg_allowedips_free(struct wg_allowedips *t) { free(t->e); memset(t, 0, sizeof(*t)); }
int wg_allowedips_insert(struct wg_allowedips *t, int family, const void *addr, uint8_t cidr, void *peer)
{
	struct aip_entry e = { .family = family, .cidr = cidr, .peer = peer };
	int bytes = family == AF_INET ? 4 : 16;
	memcpy(e.addr, addr, bytes);
	mask(e.addr, bytes, cidr);
	for (size_t i = 0; i < t->n; i++)
		if (t->e[i].family == family && t->e[i].cidr == cidr && !memcmp(t->e[i].addr, e.addr, 16)) {
			t->e[i].peer = peer;
			return 0;
		}
	if (t->n == t->cap) {
		size_t c = t->cap ? 2 * t->cap : 16;
		void *p = realloc(t->e, c * sizeof(*t->e));
		if (!p) return -ENOMEM;
		t->e = p; t->cap = c;
	}
	t->e[t->n++] = e;
	return 0;
}
int wg_allowedips_remove(struct wg_allowedips *t, int family, const void *addr, uint8_t cidr, void *peer)
{
	uint8_t a[16] = { 0 };
	int bytes = family == AF_INET ? 4 : 16;
	memcpy(a, addr, bytes);
	mask(a, bytes, cidr);
	for (size_t i = 0; i < t->n; i++)
		if (t->e[i].family == family && t->e[i].cidr == cidr && !memcmp(t->e[i].addr, a, 16) && t->e[i].peer == peer) {
			t->e[i] = t->e[--t->n];
			return 0;
		}
	return -ENOENT;
}
void wg_allowedips_remove_by_peer(struct wg_allowedips *t, void *peer)
{
	for (size_t i = 0; i < t->n;)
		if (t->e[i].peer == peer) t->e[i] = t->e[--t->n]; else i++;
}
void *wg_allowedips_lookup(const struct wg_allowedips *t, int family, const void *addr)
{
	int bytes = family == AF_INET ? 4 : 16, best = -1;
	void *peer = NULL;
	for (size_t i = 0; i < t->n; i++) {
		uint8_t a[16] = { 0 };
		if (t->e[i].family != family) continue;
		memcpy(a, addr, bytes);
		mask(a, bytes, t->e[i].cidr);
		if (!memcmp(a, t->e[i].addr, 16) && t->e[i].cidr > best) { best = t->e[i].cidr; peer = t->e[i].peer; }
	}
	return peer;
}
void wg_allowedips_walk(const struct wg_allowedips *t, void (*fn)(void *peer, int family, const uint8_t *addr, uint8_t cidr, void *ctx), void *ctx)
{
	for (size_t i = 0; i < t->n; i++) fn(t->e[i].peer, t->e[i].family, t->e[i].addr, t->e[i].cidr, ctx);
}

int wg_ratelimiter_init(struct wg_ratelimiter *r) { memset(r, 0, sizeof(*r)); pthread_mutex_init(&r->lock, NULL); return 0; }
void wg_ratelimiter_free(struct wg_ratelimiter *r) { pthread_mutex_destroy(&r->lock); }
bool wg_ratelimiter_allow(struct wg_ratelimiter *r, const wg_endpoint *src, uint64_t now)
{
	uint8_t key[9] = { 0 };
	const uint64_t cost = 1000000000ULL / 20, burst = 5 * cost;
	bool ok;
	key[0] = (uint8_t)src->addr.sa_family;
	if (src->addr.sa_family == AF_INET) memcpy(key + 1, &src->addr4.sin_addr, 4);
	else memcpy(key + 1, &src->addr6.sin6_addr, 8);
	unsigned h = 0;
	for (int i = 0; i < 9; i++) h = h * 31 + key[i];
	pthread_mutex_lock(&r->lock);
	struct rl_entry *e = &r->e[h & 255];
	if (memcmp(e->key, key, 9) || !e->last) { memcpy(e->key, key, 9); e->tokens = burst; e->last = now; }
	e->tokens += now - e->last; if (e->tokens > burst) e->tokens = burst; e->last = now;
	ok = e->tokens >= cost; if (ok) e->tokens -= cost;
	pthread_mutex_unlock(&r->lock);
	return ok;
}

#define BITS (8 * sizeof(unsigned long))
#define NBLK (8192 / BITS)
void wg_replay_init(struct wg_replay_counter *c) { memset(c, 0, sizeof(*c)); }
bool wg_replay_check_and_update(struct wg_replay_counter *c, uint64_t counter, uint64_t limit)
{
	uint64_t idx, cur, top, i;
	if (counter >= limit) return false;
	++counter;
	if (counter + (8192 - BITS) < c->counter) return false;
	idx = counter / BITS;
	if (counter > c->counter) {
		cur = c->counter / BITS;
		top = idx - cur < NBLK ? idx - cur : NBLK;
		for (i = 1; i <= top; i++) c->backtrack[(cur + i) % NBLK] = 0;
		c->counter = counter;
	}
	idx %= NBLK;
	unsigned long bit = 1UL << (counter % BITS);
	if (c->backtrack[idx] & bit) return false;
	c->backtrack[idx] |= bit;
	return true;
}

int wg_index_table_init(struct wg_index_table *t) { memset(t, 0, sizeof(*t)); return 0; }
void wg_index_table_free(struct wg_index_table *t) { free(t->e); }
int wg_index_table_insert(struct wg_index_table *t, void *entry, uint32_t *index)
{
	uint32_t i;
	do wg_random_bytes(&i, 4); while (!i || wg_index_table_lookup(t, i));
	if (t->n == t->cap) {
		size_t c = t->cap ? 2 * t->cap : 16;
		void *p = realloc(t->e, c * sizeof(*t->e));
		if (!p) return -ENOMEM;
		t->e = p; t->cap = c;
	}
	t->e[t->n].index = i; t->e[t->n++].entry = entry; *index = i;
	return 0;
}
void *wg_index_table_lookup(const struct wg_index_table *t, uint32_t index)
{
	for (size_t i = 0; i < t->n; i++) if (t->e[i].index == index) return t->e[i].entry;
	return NULL;
}
void wg_index_table_remove(struct wg_index_table *t, uint32_t index)
{
	for (size_t i = 0; i < t->n; i++) if (t->e[i].index == index) { t->e[i] = t->e[--t->n]; return; }
}
int wg_pubkey_table_init(struct wg_pubkey_table *t) { memset(t, 0, sizeof(*t)); return 0; }
void wg_pubkey_table_free(struct wg_pubkey_table *t) { free(t->e); }
int wg_pubkey_table_insert(struct wg_pubkey_table *t, const uint8_t key[32], void *peer)
{
	if (t->n == t->cap) {
		size_t c = t->cap ? 2 * t->cap : 16;
		void *p = realloc(t->e, c * sizeof(*t->e));
		if (!p) return -ENOMEM;
		t->e = p; t->cap = c;
	}
	memcpy(t->e[t->n].key, key, 32); t->e[t->n++].peer = peer;
	return 0;
}
void *wg_pubkey_table_lookup(const struct wg_pubkey_table *t, const uint8_t key[32])
{
	for (size_t i = 0; i < t->n; i++) if (!memcmp(t->e[i].key, key, 32)) return t->e[i].peer;
	return NULL;
}
void wg_pubkey_table_remove(struct wg_pubkey_table *t, const uint8_t key[32])
{
	for (size_t i = 0; i < t->n; i++) if (!memcmp(t->e[i].key, key, 32)) { t->e[i] = t->e[--t->n]; return; }
}
