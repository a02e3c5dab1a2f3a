// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The set planner: the driver's rules, decided once (see set_plan.h).
 *
 * The planner keeps an overlay of what the set has done so far on top of
 * the state it reads: per peer whether it exists and when it last lost all
 * its prefixes (removed, created or cleared), per prefix its last owner in
 * this set and when.  A prefix the set has not touched belongs to whoever
 * the state says, unless that peer has been cleared since.
 */
#include <stdio.h>
#include <stdlib.h>

#include "crypto.h"
#include "error.h"
#include "lock.h"
#include "set_plan.h"
#include "util.h"

/* The flags a set may carry (others are refused, not silently ignored). */
#define DEVICE_FLAGS (WGDEVICE_REPLACE_PEERS | WGDEVICE_HAS_PRIVATE_KEY | WGDEVICE_HAS_PUBLIC_KEY | \
		      WGDEVICE_HAS_LISTEN_PORT | WGDEVICE_HAS_FWMARK)
#define PEER_FLAGS (WGPEER_REMOVE_ME | WGPEER_REPLACE_ALLOWEDIPS | WGPEER_HAS_PUBLIC_KEY | \
		    WGPEER_HAS_PRESHARED_KEY | WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL | \
		    WGPEER_UPDATE_ONLY | WGPEER_HAS_PROTOCOL_VERSION)

#define NONE UINT32_MAX

int wg_set_plan_validate(const wg_device *set, bool as_state)
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

void wg_plan_prefix_of(struct wg_plan_prefix *p, const wg_allowedip *aip)
{
	size_t len = aip->family == AF_INET ? 4 : 16, bits = aip->cidr;

	memset(p, 0, sizeof(*p));
	p->family = aip->family;
	p->cidr = aip->cidr;
	memcpy(p->addr, aip->family == AF_INET ? (const void *)&aip->ip4 : (const void *)&aip->ip6, len);
	for (size_t i = 0; i < len; i++, bits = bits > 8 ? bits - 8 : 0)
		if (bits < 8)
			p->addr[i] &= (uint8_t)(0xff00 >> bits);
}

bool wg_set_has_allowedip_removal(const wg_device *set)
{
	const wg_peer *peer;
	const wg_allowedip *aip;

	/* A removed peer's allowed IPs are never looked at. */
	wg_for_each_peer(set, peer)
		if (!(peer->flags & WGPEER_REMOVE_ME))
			wg_for_each_allowedip(peer, aip)
				if (aip->flags & WGALLOWEDIP_REMOVE_ME)
					return true;
	return false;
}

/* ---- the overlay: open-addressing tables sized once ---- */

struct ip_entry {
	struct wg_plan_prefix p;
	uint32_t owner;		/* plan peer, or NONE */
	uint32_t seq;		/* 0: empty slot */
};

struct planner {
	struct wg_set_plan *plan;
	const struct wg_plan_state *state;
	uint32_t *peer_slots;	/* plan peer index + 1, 0 empty */
	size_t peer_mask;
	struct ip_entry *ips;
	size_t ip_mask;
	struct wg_plan_hash_key hash_key;
	uint8_t *adding;	/* per plan peer: receives a prefix */
	size_t npeers_now;
	bool all_gone;		/* REPLACE_PEERS: no peer of the state is left */
	bool has_identity;
	wg_key own_public;
	uint32_t seq;
};

/*
 * One random key per process, drawn once: as secret from whoever writes a
 * configuration as a key per table, without a getrandom(2) per set (a
 * one-peer update costs well under a microsecond otherwise).
 */
static wg_once process_key_once = WG_ONCE_INIT;
static uint8_t process_key[WG_SIPHASH_KEY_SIZE];

static void make_process_key(void)
{
	wg_random_bytes(process_key, sizeof(process_key));
}

void wg_plan_hash_key_init(struct wg_plan_hash_key *key)
{
	wg_once_run(&process_key_once, make_process_key);
	memcpy(key->k, process_key, sizeof(key->k));
}

uint64_t wg_plan_hash(const struct wg_plan_hash_key *key, const void *data, size_t n)
{
	return wg_siphash(key->k, data, n);
}

size_t wg_plan_table_size(size_t n)
{
	size_t c = 16;

	while (c < 2 * n)
		c *= 2;
	return c;
}

static uint32_t peer_index(struct planner *pl, const uint8_t key[32])
{
	struct wg_set_plan *plan = pl->plan;
	size_t i = wg_plan_hash(&pl->hash_key, key, 32) & pl->peer_mask;

	for (;; i = (i + 1) & pl->peer_mask) {
		uint32_t s = pl->peer_slots[i];

		if (!s)
			break;
		if (!memcmp(plan->peers[s - 1].public_key, key, 32))
			return s - 1;
	}
	plan->peers[plan->npeers] = (struct wg_plan_peer){ .public_key = key, .exists = -1 };
	pl->peer_slots[i] = (uint32_t)++plan->npeers;
	return (uint32_t)plan->npeers - 1;
}

static bool peer_exists(struct planner *pl, uint32_t idx)
{
	struct wg_plan_peer *p = &pl->plan->peers[idx];

	if (p->exists < 0) {
		p->ref = pl->all_gone ? NULL : pl->state->find_peer(pl->state->ctx, p->public_key);
		p->exists = p->ref != NULL;
		p->from_state = p->exists;
	}
	return p->exists;
}

static struct ip_entry *ip_slot(struct planner *pl, const struct wg_plan_prefix *p)
{
	for (size_t i = wg_plan_hash(&pl->hash_key, p, sizeof(*p)) & pl->ip_mask;; i = (i + 1) & pl->ip_mask) {
		struct ip_entry *e = &pl->ips[i];

		if (!e->seq || !memcmp(&e->p, p, sizeof(*p)))
			return e;
	}
}

/* Whether plan peer idx owns prefix p at this point of the set. */
static bool owns(struct planner *pl, uint32_t idx, const struct wg_plan_prefix *p)
{
	const struct wg_plan_peer *peer = &pl->plan->peers[idx];
	const struct ip_entry *e = ip_slot(pl, p);
	wg_key owner;

	if (e->seq)
		return e->owner == idx && e->seq > peer->cleared;
	if (!peer->from_state || peer->cleared)
		return false;
	return pl->state->prefix_owner(pl->state->ctx, p, owner) && !memcmp(owner, peer->public_key, 32);
}

static struct wg_plan_op *emit(struct planner *pl, uint8_t kind, uint32_t peer)
{
	struct wg_plan_op *op = &pl->plan->ops[pl->plan->nops++];

	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->peer = peer;
	pl->seq++;
	return op;
}

static void remove_peer(struct planner *pl, uint32_t idx)
{
	emit(pl, WG_PLAN_REMOVE_PEER, idx);
	pl->plan->peers[idx].exists = 0;
	pl->plan->peers[idx].cleared = pl->seq;
	pl->npeers_now--;
}

static void plan_device(struct planner *pl, const wg_device *set, uint32_t f)
{
	struct wg_set_plan *plan = pl->plan;

	if (f & WGDEVICE_REPLACE_PEERS) {
		emit(pl, WG_PLAN_REMOVE_ALL_PEERS, NONE);
		pl->all_gone = true;
		pl->npeers_now = 0;
		for (size_t i = 0; i < plan->npeers; i++)
			if (plan->peers[i].exists > 0)
				plan->peers[i].exists = 0;
	}
	if (f & WGDEVICE_HAS_PRIVATE_KEY) {
		memcpy(plan->private_key, set->private_key, 32);
		pl->has_identity = !wg_key_is_zero(plan->private_key);
		if (pl->has_identity) {
			uint32_t idx;

			curve25519_clamp(plan->private_key);
			curve25519_generate_public(plan->public_key, plan->private_key);
			memcpy(pl->own_public, plan->public_key, 32);
			/* A peer with the device's own key cannot stay (the driver removes it). */
			idx = peer_index(pl, plan->public_key);
			if (peer_exists(pl, idx))
				remove_peer(pl, idx);
		}
		emit(pl, WG_PLAN_PRIVATE_KEY, NONE);
	}
	if (f & WGDEVICE_HAS_LISTEN_PORT)
		emit(pl, WG_PLAN_LISTEN_PORT, NONE);
	if (f & WGDEVICE_HAS_FWMARK)
		emit(pl, WG_PLAN_FWMARK, NONE);
}

static int plan_peer(struct planner *pl, const wg_peer *sp, bool as_state)
{
	uint32_t f = sp->flags, idx = peer_index(pl, sp->public_key);
	struct wg_plan_peer *peer = &pl->plan->peers[idx];
	const wg_allowedip *aip;
	uint8_t what = 0;

	/* In a state, a nonzero value counts as given even without its flag. */
	if (as_state) {
		if (!wg_key_is_zero(sp->preshared_key))
			f |= WGPEER_HAS_PRESHARED_KEY;
		if (sp->persistent_keepalive_interval)
			f |= WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
	}
	if (!peer_exists(pl, idx)) {
		if (f & (WGPEER_REMOVE_ME | WGPEER_UPDATE_ONLY))
			return 0;
		/* The driver silently ignores a new peer with the device's own key. */
		if (pl->has_identity && !memcmp(sp->public_key, pl->own_public, 32))
			return 0;
		if (pl->npeers_now >= WG_MAX_PEERS_PER_DEVICE)
			return wg_error(ENOMEM, "more than %u peers", WG_MAX_PEERS_PER_DEVICE);
		if (pl->state->max_peers && pl->npeers_now >= pl->state->max_peers)
			return wg_error(ENOSPC, "more than the %zu peers allowed", pl->state->max_peers);
		emit(pl, WG_PLAN_CREATE_PEER, idx);
		peer->exists = 1;
		peer->cleared = pl->seq;
		pl->npeers_now++;
		pl->plan->creates++;
		/* A new peer has no allowed IPs to replace. */
		f &= ~(uint32_t)WGPEER_REPLACE_ALLOWEDIPS;
	}
	if (f & WGPEER_REMOVE_ME) {
		remove_peer(pl, idx);
		return 0;
	}
	if (f & WGPEER_HAS_PRESHARED_KEY)
		what |= WG_PLAN_SET_PRESHARED_KEY;
	if (sp->endpoint.addr.sa_family == AF_INET || sp->endpoint.addr.sa_family == AF_INET6)
		what |= WG_PLAN_SET_ENDPOINT;
	if (f & WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL)
		what |= WG_PLAN_SET_KEEPALIVE;
	if (what) {
		struct wg_plan_op *op = emit(pl, WG_PLAN_UPDATE_PEER, idx);

		op->what = what;
		op->src = sp;
	}
	if (f & WGPEER_REPLACE_ALLOWEDIPS) {
		emit(pl, WG_PLAN_CLEAR_ALLOWEDIPS, idx);
		peer->cleared = pl->seq;
	}
	wg_for_each_allowedip(sp, aip) {
		struct wg_plan_prefix p;
		bool removing = aip->flags & WGALLOWEDIP_REMOVE_ME;
		struct ip_entry *e;

		wg_plan_prefix_of(&p, aip);
		/* Adding what it has, or removing what it has not, changes nothing. */
		if (owns(pl, idx, &p) != removing)
			continue;
		emit(pl, removing ? WG_PLAN_REMOVE_ALLOWEDIP : WG_PLAN_ADD_ALLOWEDIP, idx)->prefix = p;
		e = ip_slot(pl, &p);
		*e = (struct ip_entry){ .p = p, .owner = removing ? NONE : idx, .seq = pl->seq };
		if (!removing) {
			pl->plan->adds++;
			if (!pl->adding[idx]) {
				pl->adding[idx] = 1;
				pl->plan->adding_peers++;
			}
		}
	}
	return 0;
}

int wg_set_plan_build(struct wg_set_plan *plan, const wg_device *set, const struct wg_plan_state *state,
		      bool as_state)
{
	struct planner pl = { .plan = plan, .state = state, .npeers_now = state->npeers,
			      .has_identity = state->has_identity };
	size_t npeers = 1, nips = 0, nops = 4;
	const wg_peer *sp;
	const wg_allowedip *aip;
	uint32_t f = set->flags;
	int ret = 0;

	memset(plan, 0, sizeof(*plan));
	plan->set = set;
	if (as_state) {
		if (!wg_key_is_zero(set->private_key))
			f |= WGDEVICE_HAS_PRIVATE_KEY;
		if (set->listen_port)
			f |= WGDEVICE_HAS_LISTEN_PORT;
		if (set->fwmark)
			f |= WGDEVICE_HAS_FWMARK;
	}
	memcpy(pl.own_public, state->public_key, 32);
	/* Per peer at most create, remove, update, clear; one op per allowed IP; and the own-key removal. */
	wg_for_each_peer(set, sp) {
		npeers++;
		nops += 4;
		wg_for_each_allowedip(sp, aip)
			nips++;
	}
	nops += nips + 1;
	plan->ops = malloc(nops * sizeof(*plan->ops));
	plan->peers = malloc(npeers * sizeof(*plan->peers));
	pl.adding = calloc(npeers, 1);
	wg_plan_hash_key_init(&pl.hash_key);
	pl.peer_mask = wg_plan_table_size(npeers) - 1;
	pl.peer_slots = calloc(pl.peer_mask + 1, sizeof(*pl.peer_slots));
	pl.ip_mask = wg_plan_table_size(nips) - 1;
	pl.ips = calloc(pl.ip_mask + 1, sizeof(*pl.ips));
	if (!plan->ops || !plan->peers || !pl.adding || !pl.peer_slots || !pl.ips) {
		ret = wg_error(ENOMEM, "out of memory");
		goto out;
	}
	plan_device(&pl, set, f);
	wg_for_each_peer(set, sp) {
		ret = plan_peer(&pl, sp, as_state);
		if (ret)
			goto out;
	}
out:
	free(pl.adding);
	free(pl.peer_slots);
	free(pl.ips);
	wg_memzero(pl.own_public, sizeof(pl.own_public));
	if (ret)
		wg_set_plan_free(plan);
	return ret;
}

void wg_set_plan_free(struct wg_set_plan *plan)
{
	free(plan->ops);
	free(plan->peers);
	wg_memzero(plan, sizeof(*plan));
}
