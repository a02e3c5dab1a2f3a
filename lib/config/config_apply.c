// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Apply a set to a state in memory with the Linux driver's semantics
 * (drivers/net/wireguard/netlink.c set_device/set_peer/set_allowedip).  The
 * in-process engine uses it for its own configuration, and the canonical
 * form and diff are defined through it.
 *
 * Work happens on a copy, so that a failure (bad input, no memory) leaves
 * the caller's state as it was.  Peers and prefixes are found through
 * open-addressing hash tables, so a set of n peers costs O(n), not O(n^2).
 */
#include <stdio.h>
#include <stdlib.h>

#include "addr.h"
#include "config.h"
#include "config_apply.h"
#include "crypto.h"
#include "error.h"
#include "util.h"

/* Marks entries removed during the apply; they are freed at the end. */
#define DEAD (1U << 31)

/* The flags a set may carry (others are refused, not silently ignored). */
#define DEVICE_FLAGS (WGDEVICE_REPLACE_PEERS | WGDEVICE_HAS_PRIVATE_KEY | WGDEVICE_HAS_PUBLIC_KEY | \
		      WGDEVICE_HAS_LISTEN_PORT | WGDEVICE_HAS_FWMARK)
#define PEER_FLAGS (WGPEER_REMOVE_ME | WGPEER_REPLACE_ALLOWEDIPS | WGPEER_HAS_PUBLIC_KEY | \
		    WGPEER_HAS_PRESHARED_KEY | WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL | \
		    WGPEER_UPDATE_ONLY | WGPEER_HAS_PROTOCOL_VERSION)

WG_EXPORT int wg_device_copy(wg_device **copy, const wg_device *dev)
{
	wg_device *out = calloc(1, sizeof(*out));
	const wg_peer *peer;
	const wg_allowedip *aip;

	if (!out)
		return wg_error(ENOMEM, "out of memory");
	*out = *dev;
	out->first_peer = out->last_peer = NULL;
	wg_for_each_peer(dev, peer) {
		wg_peer *p = wg_device_add_peer(out);

		if (!p)
			goto nomem;
		*p = *peer;
		p->next_peer = NULL;
		p->first_allowedip = p->last_allowedip = NULL;
		wg_for_each_allowedip(peer, aip) {
			wg_allowedip *a = wg_peer_add_allowedip(p);

			if (!a)
				goto nomem;
			*a = *aip;
			a->next_allowedip = NULL;
		}
	}
	*copy = out;
	return 0;
nomem:
	wg_free_device(out);
	return wg_error(ENOMEM, "out of memory");
}

/* ---- hash tables ---- */

struct ipkey {
	uint8_t family, cidr;
	uint8_t addr[16];
};

struct peer_slot {
	wg_peer *peer;
};

struct ip_slot {
	struct ipkey key;
	wg_allowedip *aip;	/* NULL: empty slot */
	wg_peer *owner;
};

struct tables {
	struct peer_slot *peers;
	struct ip_slot *ips;
	size_t npeers, nips;	/* capacities, powers of two */
};

static size_t pow2_above(size_t n)
{
	size_t c = 16;

	while (c < 2 * n)
		c *= 2;
	return c;
}

static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static wg_peer *peer_find(struct tables *t, const wg_key key)
{
	size_t mask = t->npeers - 1;

	/* Public keys are not secret: an ordinary hash and memcmp will do. */
	for (size_t i = hash_bytes(key, 32) & mask;; i = (i + 1) & mask) {
		wg_peer *p = t->peers[i].peer;

		if (!p)
			return NULL;
		if (!(p->flags & DEAD) && !memcmp(p->public_key, key, 32))
			return p;
	}
}

static void peer_insert(struct tables *t, wg_peer *peer)
{
	size_t mask = t->npeers - 1, i = hash_bytes(peer->public_key, 32) & mask;

	while (t->peers[i].peer)
		i = (i + 1) & mask;
	t->peers[i].peer = peer;
}

static void ipkey_of(struct ipkey *k, const wg_allowedip *aip)
{
	memset(k, 0, sizeof(*k));
	k->family = aip->family == AF_INET ? 4 : 6;
	k->cidr = aip->cidr;
	memcpy(k->addr, aip->family == AF_INET ? (const void *)&aip->ip4 : (const void *)&aip->ip6,
	       aip->family == AF_INET ? 4 : 16);
}

static struct ip_slot *ip_find(struct tables *t, const struct ipkey *k)
{
	size_t mask = t->nips - 1;

	for (size_t i = hash_bytes((const uint8_t *)k, sizeof(*k)) & mask;; i = (i + 1) & mask) {
		struct ip_slot *s = &t->ips[i];

		if (!s->aip)
			return NULL;
		if (!(s->aip->flags & DEAD) && !memcmp(&s->key, k, sizeof(*k)))
			return s;
	}
}

static void ip_insert(struct tables *t, const struct ipkey *k, wg_allowedip *aip, wg_peer *owner)
{
	size_t mask = t->nips - 1, i = hash_bytes((const uint8_t *)k, sizeof(*k)) & mask;

	while (t->ips[i].aip)
		i = (i + 1) & mask;
	t->ips[i] = (struct ip_slot){ .key = *k, .aip = aip, .owner = owner };
}

/* ---- applying ---- */

int wg_config_validate(const wg_device *set, bool as_state)
{
	const wg_peer *peer;
	const wg_allowedip *aip;
	size_t np = 0, na;
	char label[IFNAMSIZ + 2] = "";

	/* Messages name the device when it has a name, and peers and allowed IPs by position. */
	if (set->name[0])
		snprintf(label, sizeof(label), "%.*s: ", IFNAMSIZ - 1, set->name);
	if (!as_state && (set->flags & ~DEVICE_FLAGS))
		return wg_error(EINVAL, "%sunknown device flags %#x", label, set->flags & ~DEVICE_FLAGS);
	wg_for_each_peer(set, peer) {
		np++;
		if (!as_state && (peer->flags & ~PEER_FLAGS))
			return wg_error(EINVAL, "%speer %zu: unknown flags %#x", label, np,
					peer->flags & ~PEER_FLAGS);
		if (!as_state && !(peer->flags & WGPEER_HAS_PUBLIC_KEY))
			return wg_error(EINVAL, "%speer %zu has no public key", label, np);
		if ((peer->flags & WGPEER_HAS_PROTOCOL_VERSION) && peer->protocol_version > 1)
			return wg_error(EINVAL, "%speer %zu: protocol version %u is not supported", label, np,
					peer->protocol_version);
		if (peer->endpoint.addr.sa_family && peer->endpoint.addr.sa_family != AF_INET &&
		    peer->endpoint.addr.sa_family != AF_INET6)
			return wg_error(EINVAL, "%speer %zu: endpoint address family %u is neither IPv4 nor IPv6",
					label, np, peer->endpoint.addr.sa_family);
		na = 0;
		wg_for_each_allowedip(peer, aip) {
			na++;
			if (aip->family != AF_INET && aip->family != AF_INET6)
				return wg_error(EINVAL, "%speer %zu, allowed IP %zu: address family %u is neither IPv4 nor IPv6",
						label, np, na, aip->family);
			if (aip->cidr > (aip->family == AF_INET ? 32 : 128))
				return wg_error(EINVAL, "%speer %zu, allowed IP %zu: prefix length %u is too long",
						label, np, na, aip->cidr);
			if (!as_state && (aip->flags & ~(uint32_t)WGALLOWEDIP_REMOVE_ME))
				return wg_error(EINVAL, "%speer %zu, allowed IP %zu: unknown flags %#x",
						label, np, na, aip->flags);
		}
	}
	return 0;
}

static void kill_peer_ips(wg_peer *peer)
{
	wg_allowedip *aip;

	wg_for_each_allowedip(peer, aip)
		aip->flags |= DEAD;
}

static void kill_peer(wg_peer *peer)
{
	peer->flags |= DEAD;
	kill_peer_ips(peer);
}

/* Drop DEAD entries, wiping removed peers' preshared keys. */
static void compact(wg_device *dev)
{
	wg_peer **pp = &dev->first_peer, *peer, *last = NULL;

	while ((peer = *pp)) {
		wg_allowedip **ap = &peer->first_allowedip, *aip, *alast = NULL;

		while ((aip = *ap)) {
			if (aip->flags & DEAD) {
				*ap = aip->next_allowedip;
				free(aip);
			} else {
				alast = aip;
				ap = &aip->next_allowedip;
			}
		}
		peer->last_allowedip = alast;
		if (peer->flags & DEAD) {
			*pp = peer->next_peer;
			wg_memzero(peer->preshared_key, sizeof(peer->preshared_key));
			free(peer);
		} else {
			last = peer;
			pp = &peer->next_peer;
		}
	}
	dev->last_peer = last;
}

static size_t count(const wg_device *dev, size_t *nips)
{
	const wg_peer *peer;
	const wg_allowedip *aip;
	size_t n = 0;

	wg_for_each_peer(dev, peer) {
		n++;
		wg_for_each_allowedip(peer, aip)
			(*nips)++;
	}
	return n;
}

/* Index a prefix of peer; a prefix listed before (here or elsewhere) gives way. */
static void index_prefix(struct tables *t, wg_allowedip *aip, wg_peer *peer)
{
	struct ip_slot *s;
	struct ipkey k;

	wg_prefix_mask(aip);
	ipkey_of(&k, aip);
	s = ip_find(t, &k);
	if (s)
		s->aip->flags |= DEAD;
	ip_insert(t, &k, aip, peer);
}

/*
 * Index the working copy.  A state should list each peer once; if one is
 * listed again, its prefixes join the first listing's, as a second set of
 * the same peer would have done.
 */
static int index_state(struct tables *t, wg_device *dev)
{
	wg_peer *peer;
	wg_allowedip *aip;

	wg_for_each_peer(dev, peer) {
		wg_peer *first = peer_find(t, peer->public_key);

		if (!first) {
			peer_insert(t, peer);
			wg_for_each_allowedip(peer, aip)
				index_prefix(t, aip, peer);
			continue;
		}
		wg_for_each_allowedip(peer, aip) {
			wg_allowedip *moved = wg_peer_append_prefix(first, aip);

			if (!moved)
				return -ENOMEM;
			aip->flags |= DEAD;
			index_prefix(t, moved, first);
		}
		peer->flags |= DEAD;
	}
	return 0;
}

static int apply_peer(struct tables *t, wg_device *dev, const wg_peer *sp, bool as_state,
		      bool own_key_set, const wg_key own_public)
{
	uint32_t f = sp->flags;
	const wg_allowedip *sa;
	wg_peer *peer;

	/* In a state, a nonzero value counts as given even without its flag. */
	if (as_state) {
		if (!wg_key_is_zero(sp->preshared_key))
			f |= WGPEER_HAS_PRESHARED_KEY;
		if (sp->persistent_keepalive_interval)
			f |= WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
	}

	/* The driver silently ignores a peer with the device's own key. */
	if (own_key_set && !memcmp(sp->public_key, own_public, 32))
		return 0;
	peer = peer_find(t, sp->public_key);
	if (sp->flags & WGPEER_REMOVE_ME) {
		if (peer)
			kill_peer(peer);
		return 0;
	}
	if (!peer) {
		if (f & WGPEER_UPDATE_ONLY)
			return 0;
		peer = wg_device_add_peer(dev);
		if (!peer)
			return -ENOMEM;
		memcpy(peer->public_key, sp->public_key, 32);
		peer->protocol_version = 1;
		peer->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL |
			      WGPEER_HAS_PROTOCOL_VERSION;
		peer_insert(t, peer);
	}
	if (f & WGPEER_HAS_PRESHARED_KEY) {
		memcpy(peer->preshared_key, sp->preshared_key, 32);
		if (wg_key_is_zero(peer->preshared_key))
			peer->flags &= ~(uint32_t)WGPEER_HAS_PRESHARED_KEY;
		else
			peer->flags |= WGPEER_HAS_PRESHARED_KEY;
	}
	if (sp->endpoint.addr.sa_family)
		peer->endpoint = sp->endpoint;
	if (f & WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL)
		peer->persistent_keepalive_interval = sp->persistent_keepalive_interval;
	if (f & WGPEER_REPLACE_ALLOWEDIPS)
		kill_peer_ips(peer);
	wg_for_each_allowedip(sp, sa) {
		wg_allowedip m = *sa, *aip;
		struct ip_slot *s;
		struct ipkey k;

		wg_prefix_mask(&m);
		ipkey_of(&k, &m);
		s = ip_find(t, &k);
		if (sa->flags & WGALLOWEDIP_REMOVE_ME) {
			if (s && s->owner == peer)
				s->aip->flags |= DEAD;
			continue;
		}
		if (s) {
			if (s->owner == peer)
				continue;
			s->aip->flags |= DEAD;	/* moves to this peer */
		}
		aip = wg_peer_append_prefix(peer, &m);
		if (!aip)
			return -ENOMEM;
		ip_insert(t, &k, aip, peer);
	}
	return 0;
}

void wg_config_move(wg_device *dst, wg_device *src)
{
	wg_peer *old_first = dst->first_peer;
	char name[IFNAMSIZ];
	uint32_t ifindex = dst->ifindex;

	memcpy(name, dst->name, IFNAMSIZ);
	*dst = (wg_device){ 0 };
	memcpy(dst->name, name, IFNAMSIZ);
	dst->ifindex = ifindex;
	dst->flags = src->flags;
	memcpy(dst->public_key, src->public_key, 32);
	memcpy(dst->private_key, src->private_key, 32);
	dst->fwmark = src->fwmark;
	dst->listen_port = src->listen_port;
	dst->first_peer = src->first_peer;
	dst->last_peer = src->last_peer;
	src->first_peer = old_first;
	src->last_peer = NULL;
}

int wg_config_apply(wg_device *state, const wg_device *set, bool as_state)
{
	uint32_t f = set->flags;
	struct tables t = { 0 };
	size_t nips = 0, npeers;
	wg_device *work = NULL;
	wg_key own_public;
	bool own_key_set;
	const wg_peer *sp;
	wg_peer *peer;
	int ret;

	ret = wg_config_validate(set, as_state);
	if (ret)
		return ret;
	if (as_state) {
		if (!wg_key_is_zero(set->private_key))
			f |= WGDEVICE_HAS_PRIVATE_KEY;
		if (set->listen_port)
			f |= WGDEVICE_HAS_LISTEN_PORT;
		if (set->fwmark)
			f |= WGDEVICE_HAS_FWMARK;
	}
	ret = wg_device_copy(&work, state);
	if (ret)
		return ret;
	npeers = count(work, &nips) + count(set, &nips);
	t.npeers = pow2_above(npeers);
	t.nips = pow2_above(nips);
	t.peers = calloc(t.npeers, sizeof(*t.peers));
	t.ips = calloc(t.nips, sizeof(*t.ips));
	if (!t.peers || !t.ips) {
		ret = wg_error(ENOMEM, "out of memory");
		goto out;
	}
	if (index_state(&t, work)) {
		ret = wg_error(ENOMEM, "out of memory");
		goto out;
	}

	if (f & WGDEVICE_REPLACE_PEERS)
		wg_for_each_peer(work, peer)
			kill_peer(peer);
	if (f & WGDEVICE_HAS_PRIVATE_KEY) {
		memcpy(work->private_key, set->private_key, 32);
		if (wg_key_is_zero(work->private_key)) {
			memset(work->public_key, 0, 32);
			work->flags &= ~(uint32_t)(WGDEVICE_HAS_PRIVATE_KEY | WGDEVICE_HAS_PUBLIC_KEY);
		} else {
			curve25519_clamp(work->private_key);
			curve25519_generate_public(work->public_key, work->private_key);
			work->flags |= WGDEVICE_HAS_PRIVATE_KEY | WGDEVICE_HAS_PUBLIC_KEY;
			/* A peer with our own key cannot stay (the driver removes it). */
			peer = peer_find(&t, work->public_key);
			if (peer)
				kill_peer(peer);
		}
	}
	if (f & WGDEVICE_HAS_LISTEN_PORT)
		work->listen_port = set->listen_port;
	if (f & WGDEVICE_HAS_FWMARK)
		work->fwmark = set->fwmark;
	work->flags |= WGDEVICE_HAS_LISTEN_PORT | WGDEVICE_HAS_FWMARK;
	work->flags &= ~(uint32_t)WGDEVICE_REPLACE_PEERS;
	own_key_set = !wg_key_is_zero(work->private_key);
	memcpy(own_public, work->public_key, 32);

	wg_for_each_peer(set, sp) {
		ret = apply_peer(&t, work, sp, as_state, own_key_set, own_public);
		if (ret) {
			ret = wg_error(ENOMEM, "out of memory");
			goto out;
		}
	}
	compact(work);
	wg_for_each_peer(work, peer) {
		peer->flags &= ~(uint32_t)(WGPEER_REMOVE_ME | WGPEER_REPLACE_ALLOWEDIPS | WGPEER_UPDATE_ONLY);
		peer->flags |= WGPEER_HAS_PUBLIC_KEY | WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
		if (wg_key_is_zero(peer->preshared_key))
			peer->flags &= ~(uint32_t)WGPEER_HAS_PRESHARED_KEY;
		else
			peer->flags |= WGPEER_HAS_PRESHARED_KEY;
	}

	wg_config_move(state, work);
	ret = 0;
out:
	wg_memzero(own_public, sizeof(own_public));
	free(t.peers);
	free(t.ips);
	wg_free_device(work);
	return ret;
}

WG_EXPORT int wg_device_apply(wg_device *state, const wg_device *set)
{
	return wg_config_apply(state, set, false);
}
