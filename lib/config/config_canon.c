// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Canonical form, comparison and diff of configuration states, so that a
 * caller reconciling "what is" with "what should be" sends only changes.
 * The canonical form is defined as "what a fresh device would hold", i.e.
 * through config_apply.c, then sorted.
 */
#include <stdlib.h>

#include "addr.h"
#include "config.h"
#include "config_apply.h"
#include "error.h"
#include "util.h"

int wg_prefix_cmp(const wg_allowedip *a, const wg_allowedip *b)
{
	int r;

	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	r = memcmp(a->family == AF_INET ? (const void *)&a->ip4 : (const void *)&a->ip6,
		   b->family == AF_INET ? (const void *)&b->ip4 : (const void *)&b->ip6,
		   a->family == AF_INET ? 4 : 16);
	if (r)
		return r;
	return (int)a->cidr - (int)b->cidr;
}

static int qcmp_prefix(const void *a, const void *b)
{
	return wg_prefix_cmp(*(const wg_allowedip *const *)a, *(const wg_allowedip *const *)b);
}

/* Peers have few prefixes: an insertion sort of the list needs no memory. */
#define SMALL_LIST 16

static int sort_peer(wg_peer *peer)
{
	wg_allowedip *aip, **v, *sorted = NULL, *next;
	size_t n = 0, i = 0;
	bool in_order = true;

	wg_for_each_allowedip(peer, aip) {
		if (aip->next_allowedip && wg_prefix_cmp(aip, aip->next_allowedip) > 0)
			in_order = false;
		n++;
	}
	if (in_order)
		return 0;
	if (n <= SMALL_LIST) {
		for (aip = peer->first_allowedip; aip; aip = next) {
			wg_allowedip **at = &sorted;

			next = aip->next_allowedip;
			while (*at && wg_prefix_cmp(*at, aip) <= 0)
				at = &(*at)->next_allowedip;
			aip->next_allowedip = *at;
			*at = aip;
		}
		peer->first_allowedip = sorted;
		for (aip = sorted; aip->next_allowedip; aip = aip->next_allowedip)
			;
		peer->last_allowedip = aip;
		return 0;
	}
	v = malloc(n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	wg_for_each_allowedip(peer, aip)
		v[i++] = aip;
	qsort(v, n, sizeof(*v), qcmp_prefix);
	for (i = 0; i + 1 < n; i++)
		v[i]->next_allowedip = v[i + 1];
	v[n - 1]->next_allowedip = NULL;
	peer->first_allowedip = v[0];
	peer->last_allowedip = v[n - 1];
	free(v);
	return 0;
}

/* A peer with the first 8 bytes of its key as a number, so that most
 * comparisons of a sort are one integer comparison, not a memcmp call. */
struct keyed_peer {
	uint64_t prefix;
	wg_peer *peer;
};

static int qcmp_keyed(const void *a, const void *b)
{
	const struct keyed_peer *x = a, *y = b;

	if (x->prefix != y->prefix)
		return x->prefix < y->prefix ? -1 : 1;
	return memcmp(x->peer->public_key, y->peer->public_key, 32);
}

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

int wg_config_sort(wg_device *dev)
{
	struct keyed_peer *v;
	wg_peer *peer;
	size_t n = 0, i = 0;
	bool in_order = true;

	wg_for_each_peer(dev, peer) {
		if (sort_peer(peer))
			return -ENOMEM;
		if (peer->next_peer && memcmp(peer->public_key, peer->next_peer->public_key, 32) > 0)
			in_order = false;
		n++;
	}
	if (in_order)
		return 0;
	v = malloc(n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	wg_for_each_peer(dev, peer) {
		v[i].prefix = be64(peer->public_key);
		v[i++].peer = peer;
	}
	qsort(v, n, sizeof(*v), qcmp_keyed);
	for (i = 0; i + 1 < n; i++)
		v[i].peer->next_peer = v[i + 1].peer;
	v[n - 1].peer->next_peer = NULL;
	dev->first_peer = v[0].peer;
	dev->last_peer = v[n - 1].peer;
	free(v);
	return 0;
}

WG_EXPORT int wg_device_canonicalize(wg_device *dev)
{
	wg_device *fresh = wg_device_new(NULL);
	int ret;

	if (!fresh)
		return -ENOMEM;
	ret = wg_config_apply(fresh, dev, true);
	if (!ret && wg_config_sort(fresh))
		ret = wg_error(ENOMEM, "out of memory");
	if (ret) {
		wg_free_device(fresh);
		return ret;
	}
	wg_config_move(dev, fresh);
	wg_free_device(fresh);
	return 0;
}

static bool allowedips_equal(const wg_peer *a, const wg_peer *b)
{
	const wg_allowedip *x = a->first_allowedip, *y = b->first_allowedip;

	for (; x && y; x = x->next_allowedip, y = y->next_allowedip)
		if (wg_prefix_cmp(x, y))
			return false;
	return !x && !y;
}

static bool peer_config_equal(const wg_peer *a, const wg_peer *b)
{
	return wg_ct_equal(a->preshared_key, b->preshared_key, 32) &&
	       wg_endpoint_equal(&a->endpoint, &b->endpoint) &&
	       a->persistent_keepalive_interval == b->persistent_keepalive_interval &&
	       allowedips_equal(a, b);
}

WG_EXPORT bool wg_device_equal(const wg_device *a, const wg_device *b)
{
	const wg_peer *p = a->first_peer, *q = b->first_peer;

	if (!wg_ct_equal(a->private_key, b->private_key, 32) || a->listen_port != b->listen_port ||
	    a->fwmark != b->fwmark)
		return false;
	for (; p && q; p = p->next_peer, q = q->next_peer)
		if (memcmp(p->public_key, q->public_key, 32) || !peer_config_equal(p, q))
			return false;
	return !p && !q;
}

/* ---- diff ---- */

static int add_prefix(wg_peer *peer, const wg_allowedip *src, uint32_t flags)
{
	wg_allowedip *aip = wg_peer_append_prefix(peer, src);

	if (!aip)
		return -ENOMEM;
	aip->flags = flags;
	return 0;
}

static int add_new_peer(wg_device *out, const wg_peer *b)
{
	wg_peer *p = wg_device_add_peer(out);
	const wg_allowedip *aip;

	if (!p)
		return -ENOMEM;
	memcpy(p->public_key, b->public_key, 32);
	p->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_REPLACE_ALLOWEDIPS;
	if (!wg_key_is_zero(b->preshared_key)) {
		memcpy(p->preshared_key, b->preshared_key, 32);
		p->flags |= WGPEER_HAS_PRESHARED_KEY;
	}
	p->endpoint = b->endpoint;
	if (b->persistent_keepalive_interval) {
		p->persistent_keepalive_interval = b->persistent_keepalive_interval;
		p->flags |= WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
	}
	wg_for_each_allowedip(b, aip)
		if (add_prefix(p, aip, 0))
			return -ENOMEM;
	return 0;
}

struct prefix_set {
	const wg_allowedip **v;
	size_t n;
};

static bool in_set(const struct prefix_set *s, const wg_allowedip *aip)
{
	return s->n && bsearch(&aip, s->v, s->n, sizeof(*s->v), qcmp_prefix) != NULL;
}

static int diff_peer(wg_device *out, const wg_peer *a, const wg_peer *b,
		     const struct prefix_set *all_b, uint32_t flags)
{
	const wg_allowedip *x = a->first_allowedip, *y = b->first_allowedip;
	bool lost = false, gained = false;
	wg_peer *p;

	/* First pass: what changes in the prefixes. */
	while (x || y) {
		int c = !x ? 1 : !y ? -1 : wg_prefix_cmp(x, y);

		if (c < 0) {
			if (!in_set(all_b, x))
				lost = true;
			x = x->next_allowedip;
		} else if (c > 0) {
			gained = true;
			y = y->next_allowedip;
		} else {
			x = x->next_allowedip;
			y = y->next_allowedip;
		}
	}
	if (!lost && !gained && wg_ct_equal(a->preshared_key, b->preshared_key, 32) &&
	    (!b->endpoint.addr.sa_family || wg_endpoint_equal(&a->endpoint, &b->endpoint)) &&
	    a->persistent_keepalive_interval == b->persistent_keepalive_interval)
		return 0;

	p = wg_device_add_peer(out);
	if (!p)
		return -ENOMEM;
	memcpy(p->public_key, b->public_key, 32);
	p->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_UPDATE_ONLY;
	if (!wg_ct_equal(a->preshared_key, b->preshared_key, 32)) {
		memcpy(p->preshared_key, b->preshared_key, 32);
		p->flags |= WGPEER_HAS_PRESHARED_KEY;
	}
	if (b->endpoint.addr.sa_family && !wg_endpoint_equal(&a->endpoint, &b->endpoint))
		p->endpoint = b->endpoint;
	if (a->persistent_keepalive_interval != b->persistent_keepalive_interval) {
		p->persistent_keepalive_interval = b->persistent_keepalive_interval;
		p->flags |= WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
	}
	if (lost && !(flags & WG_DIFF_REMOVE_ALLOWEDIPS)) {
		p->flags |= WGPEER_REPLACE_ALLOWEDIPS;
		wg_for_each_allowedip(b, y)
			if (add_prefix(p, y, 0))
				return -ENOMEM;
		return 0;
	}
	for (x = a->first_allowedip, y = b->first_allowedip; x || y;) {
		int c = !x ? 1 : !y ? -1 : wg_prefix_cmp(x, y);

		if (c < 0) {
			if (!in_set(all_b, x) && add_prefix(p, x, WGALLOWEDIP_REMOVE_ME))
				return -ENOMEM;
			x = x->next_allowedip;
		} else if (c > 0) {
			if (add_prefix(p, y, 0))
				return -ENOMEM;
			y = y->next_allowedip;
		} else {
			x = x->next_allowedip;
			y = y->next_allowedip;
		}
	}
	return 0;
}

static int diff_states(wg_device *out, const wg_device *a, const wg_device *b, uint32_t flags)
{
	struct prefix_set all_b = { 0 };
	const wg_peer *p, *q;
	const wg_allowedip *aip;
	size_t n = 0;
	int ret = 0;

	if (!wg_ct_equal(a->private_key, b->private_key, 32)) {
		memcpy(out->private_key, b->private_key, 32);
		out->flags |= WGDEVICE_HAS_PRIVATE_KEY;
	}
	if (a->listen_port != b->listen_port) {
		out->listen_port = b->listen_port;
		out->flags |= WGDEVICE_HAS_LISTEN_PORT;
	}
	if (a->fwmark != b->fwmark) {
		out->fwmark = b->fwmark;
		out->flags |= WGDEVICE_HAS_FWMARK;
	}

	/* Every prefix of the wanted state, to tell lost prefixes from moved ones. */
	wg_for_each_peer(b, q)
		wg_for_each_allowedip(q, aip)
			n++;
	if (n) {
		all_b.v = malloc(n * sizeof(*all_b.v));
		if (!all_b.v)
			return -ENOMEM;
		wg_for_each_peer(b, q)
			wg_for_each_allowedip(q, aip)
				all_b.v[all_b.n++] = aip;
		qsort(all_b.v, all_b.n, sizeof(*all_b.v), qcmp_prefix);
	}

	/* Both peer lists are sorted by key: walk them together. */
	for (p = a->first_peer, q = b->first_peer; (p || q) && !ret;) {
		int c = !p ? 1 : !q ? -1 : memcmp(p->public_key, q->public_key, 32);

		if (c < 0) {
			wg_peer *r = wg_device_add_peer(out);

			if (!r) {
				ret = -ENOMEM;
				break;
			}
			memcpy(r->public_key, p->public_key, 32);
			r->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_REMOVE_ME;
			p = p->next_peer;
		} else if (c > 0) {
			ret = add_new_peer(out, q);
			q = q->next_peer;
		} else {
			ret = diff_peer(out, p, q, &all_b, flags);
			p = p->next_peer;
			q = q->next_peer;
		}
	}
	free(all_b.v);
	return ret;
}

WG_EXPORT int wg_device_diff(wg_device **diff, const wg_device *from, const wg_device *to,
			     uint32_t flags)
{
	wg_device *a = NULL, *b = NULL, *out;
	int ret;

	ret = wg_device_copy(&a, from);
	if (!ret)
		ret = wg_device_copy(&b, to);
	if (!ret)
		ret = wg_device_canonicalize(a);
	if (!ret)
		ret = wg_device_canonicalize(b);
	if (ret)
		goto out;
	out = wg_device_new(NULL);
	if (!out) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(out->name, to->name[0] ? to->name : from->name, IFNAMSIZ);
	out->ifindex = to->name[0] ? to->ifindex : from->ifindex;
	ret = diff_states(out, a, b, flags);
	if (ret) {
		wg_free_device(out);
		ret = wg_error(ENOMEM, "out of memory");
		goto out;
	}
	*diff = out;
out:
	wg_free_device(a);
	wg_free_device(b);
	return ret;
}
