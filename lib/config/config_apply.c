// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Apply a set to a state in memory: the planner's operations (set_plan.c)
 * carried out on a private model of the state, from which a new state is
 * built.  The in-process engine's configuration, the canonical form and the
 * diff are defined through it.
 *
 * All or nothing: the model is sized before planning, the operations cannot
 * fail, and the caller's state is replaced only once the result is built.
 * Peers and prefixes are found through open-addressing hash tables, so a set
 * of n peers costs O(n), not O(n^2).
 */
#include <stdlib.h>

#include "config.h"
#include "config_apply.h"
#include "error.h"
#include "set_plan.h"
#include "util.h"

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

/* ---- the model: private working state, never the public structs' flags ---- */

#define NONE UINT32_MAX

struct mpeer {
	wg_peer v;		/* values only: its lists are unused */
	bool alive;
	uint32_t first, last;	/* its prefixes, in the order given (dead ones skipped) */
};

struct mip {
	struct wg_plan_prefix p;
	uint32_t owner, next;
	bool alive;
};

struct model {
	struct mpeer *peers;
	size_t npeers;
	struct mip *ips;
	size_t nips;
	uint32_t *peer_slots, *ip_slots;	/* index + 1 of the latest entry for a key; 0 empty */
	size_t peer_mask, ip_mask;
	struct wg_plan_hash_key hash_key;
	size_t alive_peers;
	bool has_identity;
	wg_key public_key;
};

static uint32_t *peer_slot(struct model *m, const uint8_t key[32])
{
	for (size_t i = wg_plan_hash(&m->hash_key, key, 32) & m->peer_mask;; i = (i + 1) & m->peer_mask) {
		uint32_t *s = &m->peer_slots[i];

		if (!*s || !memcmp(m->peers[*s - 1].v.public_key, key, 32))
			return s;
	}
}

static uint32_t *ip_slot(struct model *m, const struct wg_plan_prefix *p)
{
	for (size_t i = wg_plan_hash(&m->hash_key, p, sizeof(*p)) & m->ip_mask;; i = (i + 1) & m->ip_mask) {
		uint32_t *s = &m->ip_slots[i];

		if (!*s || !memcmp(&m->ips[*s - 1].p, p, sizeof(*p)))
			return s;
	}
}

static struct mpeer *find_peer(struct model *m, const uint8_t key[32])
{
	uint32_t s = *peer_slot(m, key);

	return s && m->peers[s - 1].alive ? &m->peers[s - 1] : NULL;
}

static uint32_t new_peer(struct model *m, const uint8_t key[32])
{
	uint32_t idx = (uint32_t)m->npeers++;
	struct mpeer *p = &m->peers[idx];

	memset(p, 0, sizeof(*p));
	memcpy(p->v.public_key, key, 32);
	p->v.protocol_version = 1;
	p->alive = true;
	p->first = p->last = NONE;
	*peer_slot(m, key) = idx + 1;
	m->alive_peers++;
	return idx;
}

static void clear_ips(struct model *m, struct mpeer *p)
{
	for (uint32_t i = p->first; i != NONE; i = m->ips[i].next)
		if (m->ips[i].owner == (uint32_t)(p - m->peers))
			m->ips[i].alive = false;
	p->first = p->last = NONE;
}

static void kill_peer(struct model *m, struct mpeer *p)
{
	clear_ips(m, p);
	p->alive = false;
	m->alive_peers--;
}

/* Give prefix to peer idx, taking it from its owner; appended, as the driver lists it. */
static void add_ip(struct model *m, uint32_t idx, const struct wg_plan_prefix *pfx)
{
	uint32_t *s = ip_slot(m, pfx), n = (uint32_t)m->nips++;
	struct mpeer *p = &m->peers[idx];

	if (*s)
		m->ips[*s - 1].alive = false;
	m->ips[n] = (struct mip){ .p = *pfx, .owner = idx, .next = NONE, .alive = true };
	*s = n + 1;
	if (p->last == NONE)
		p->first = n;
	else
		m->ips[p->last].next = n;
	p->last = n;
}

static void *model_find_peer(void *ctx, const uint8_t key[32])
{
	return find_peer(ctx, key);
}

static bool model_prefix_owner(void *ctx, const struct wg_plan_prefix *pfx, uint8_t owner[32])
{
	struct model *m = ctx;
	uint32_t s = *ip_slot(m, pfx);

	if (!s || !m->ips[s - 1].alive)
		return false;
	memcpy(owner, m->peers[m->ips[s - 1].owner].v.public_key, 32);
	return true;
}

static void model_free(struct model *m)
{
	if (m->peers)
		wg_memzero(m->peers, m->npeers * sizeof(*m->peers));
	free(m->peers);
	free(m->ips);
	free(m->peer_slots);
	free(m->ip_slots);
}

/*
 * Size the model for the state and whatever the set could add, and load the
 * state.  A state should list each peer once; if one is listed again, its
 * prefixes join the first listing's, as a second set of the same peer would.
 */
static int model_load(struct model *m, const wg_device *state, const wg_device *set)
{
	const wg_peer *peer;
	const wg_allowedip *aip;
	size_t np = 0, ni = 0;

	wg_for_each_peer(state, peer) {
		np++;
		wg_for_each_allowedip(peer, aip)
			ni++;
	}
	wg_for_each_peer(set, peer) {
		np++;
		wg_for_each_allowedip(peer, aip)
			ni++;
	}
	m->peers = malloc((np ? np : 1) * sizeof(*m->peers));
	m->ips = malloc((ni ? ni : 1) * sizeof(*m->ips));
	wg_plan_hash_key_init(&m->hash_key);
	m->peer_mask = wg_plan_table_size(np) - 1;
	m->ip_mask = wg_plan_table_size(ni) - 1;
	m->peer_slots = calloc(m->peer_mask + 1, sizeof(*m->peer_slots));
	m->ip_slots = calloc(m->ip_mask + 1, sizeof(*m->ip_slots));
	if (!m->peers || !m->ips || !m->peer_slots || !m->ip_slots)
		return wg_error(ENOMEM, "out of memory");
	m->has_identity = !wg_key_is_zero(state->private_key);
	memcpy(m->public_key, state->public_key, 32);
	wg_for_each_peer(state, peer) {
		struct mpeer *p = find_peer(m, peer->public_key);
		uint32_t idx;

		if (!p) {
			idx = new_peer(m, peer->public_key);
			p = &m->peers[idx];
			p->v = *peer;
			p->v.next_peer = NULL;
			p->v.first_allowedip = p->v.last_allowedip = NULL;
		}
		idx = (uint32_t)(p - m->peers);
		wg_for_each_allowedip(peer, aip) {
			struct wg_plan_prefix pfx;

			wg_plan_prefix_of(&pfx, aip);
			add_ip(m, idx, &pfx);
		}
	}
	return 0;
}

/* Carry out the plan on the model: nothing here can fail. */
static void model_run(struct model *m, const struct wg_set_plan *plan, wg_device *dev)
{
	for (size_t i = 0; i < plan->nops; i++) {
		const struct wg_plan_op *op = &plan->ops[i];
		const uint8_t *key = op->peer != NONE ? plan->peers[op->peer].public_key : NULL;
		struct mpeer *p = key ? find_peer(m, key) : NULL;

		switch (op->kind) {
		case WG_PLAN_REMOVE_ALL_PEERS:
			for (size_t j = 0; j < m->npeers; j++)
				if (m->peers[j].alive)
					kill_peer(m, &m->peers[j]);
			break;
		case WG_PLAN_PRIVATE_KEY:
			memcpy(dev->private_key, plan->private_key, 32);
			memcpy(dev->public_key, plan->public_key, 32);
			break;
		case WG_PLAN_LISTEN_PORT:
			dev->listen_port = plan->set->listen_port;
			break;
		case WG_PLAN_FWMARK:
			dev->fwmark = plan->set->fwmark;
			break;
		case WG_PLAN_REMOVE_PEER:
			kill_peer(m, p);
			break;
		case WG_PLAN_CREATE_PEER:
			new_peer(m, key);
			break;
		case WG_PLAN_UPDATE_PEER:
			if (op->what & WG_PLAN_SET_PRESHARED_KEY)
				memcpy(p->v.preshared_key, op->src->preshared_key, 32);
			if (op->what & WG_PLAN_SET_ENDPOINT)
				p->v.endpoint = op->src->endpoint;
			if (op->what & WG_PLAN_SET_KEEPALIVE)
				p->v.persistent_keepalive_interval = op->src->persistent_keepalive_interval;
			break;
		case WG_PLAN_CLEAR_ALLOWEDIPS:
			clear_ips(m, p);
			break;
		case WG_PLAN_ADD_ALLOWEDIP:
			add_ip(m, (uint32_t)(p - m->peers), &op->prefix);
			break;
		case WG_PLAN_REMOVE_ALLOWEDIP:
			m->ips[*ip_slot(m, &op->prefix) - 1].alive = false;
			break;
		}
	}
}

/* The model as a new device with state flags. */
static int model_build(struct model *m, wg_device *out)
{
	for (size_t i = 0; i < m->npeers; i++) {
		const struct mpeer *mp = &m->peers[i];
		wg_peer *peer;

		if (!mp->alive)
			continue;
		peer = wg_device_add_peer(out);
		if (!peer)
			return -ENOMEM;
		*peer = mp->v;
		peer->next_peer = NULL;
		peer->first_allowedip = peer->last_allowedip = NULL;
		peer->flags &= ~(uint32_t)(WGPEER_REMOVE_ME | WGPEER_REPLACE_ALLOWEDIPS | WGPEER_UPDATE_ONLY);
		peer->flags |= WGPEER_HAS_PUBLIC_KEY | WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
		if (wg_key_is_zero(peer->preshared_key))
			peer->flags &= ~(uint32_t)WGPEER_HAS_PRESHARED_KEY;
		else
			peer->flags |= WGPEER_HAS_PRESHARED_KEY;
		if (mp->v.protocol_version)
			peer->flags |= WGPEER_HAS_PROTOCOL_VERSION;
		for (uint32_t j = mp->first; j != NONE; j = m->ips[j].next) {
			const struct mip *ip = &m->ips[j];
			wg_allowedip *aip;

			if (!ip->alive || ip->owner != i)
				continue;
			aip = wg_peer_add_allowedip(peer);
			if (!aip)
				return -ENOMEM;
			aip->family = ip->p.family;
			aip->cidr = ip->p.cidr;
			memcpy(ip->p.family == AF_INET ? (void *)&aip->ip4 : (void *)&aip->ip6, ip->p.addr,
			       ip->p.family == AF_INET ? 4 : 16);
		}
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
	struct model m = { 0 };
	struct wg_set_plan plan = { 0 };
	struct wg_plan_state view = { .ctx = &m, .find_peer = model_find_peer, .prefix_owner = model_prefix_owner };
	wg_device *out;
	int ret;

	ret = wg_set_plan_validate(set, as_state);
	if (ret)
		return ret;
	out = calloc(1, sizeof(*out));
	if (!out)
		return wg_error(ENOMEM, "out of memory");
	ret = model_load(&m, state, set);
	if (ret)
		goto out;
	view.npeers = m.alive_peers;
	view.has_identity = m.has_identity;
	memcpy(view.public_key, m.public_key, 32);
	ret = wg_set_plan_build(&plan, set, &view, as_state);
	if (ret)
		goto out;
	out->flags = state->flags;
	memcpy(out->private_key, state->private_key, 32);
	memcpy(out->public_key, state->public_key, 32);
	out->listen_port = state->listen_port;
	out->fwmark = state->fwmark;
	model_run(&m, &plan, out);
	if (wg_key_is_zero(out->private_key)) {
		memset(out->public_key, 0, 32);
		out->flags &= ~(uint32_t)(WGDEVICE_HAS_PRIVATE_KEY | WGDEVICE_HAS_PUBLIC_KEY);
	} else {
		out->flags |= WGDEVICE_HAS_PRIVATE_KEY | WGDEVICE_HAS_PUBLIC_KEY;
	}
	out->flags |= WGDEVICE_HAS_LISTEN_PORT | WGDEVICE_HAS_FWMARK;
	out->flags &= ~(uint32_t)WGDEVICE_REPLACE_PEERS;
	if (model_build(&m, out)) {
		ret = wg_error(ENOMEM, "out of memory");
		goto out;
	}
	wg_config_move(state, out);
out:
	wg_set_plan_free(&plan);
	model_free(&m);
	wg_memzero(view.public_key, sizeof(view.public_key));
	wg_free_device(out);
	return ret;
}

WG_EXPORT int wg_device_apply(wg_device *state, const wg_device *set)
{
	return wg_config_apply(state, set, false);
}
