// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Per-IP removal for backends that lack it (Linux before 6.16, UAPI
 * daemons): read, plan, replace the lists.  The outcome is computed in
 * memory by the one planner (wg_device_apply()), and the set is rewritten to
 * reach it with whole lists only (see set_plan.h).
 */
#include <stdlib.h>

#include "config.h"
#include "error.h"
#include "set_plan.h"
#include "util.h"

static int key_cmp(const void *a, const void *b)
{
	return memcmp((*(wg_peer *const *)a)->public_key, (*(wg_peer *const *)b)->public_key, 32);
}

/* The peers of a state, sorted for binary search by key. */
static wg_peer **sorted_peers(const wg_device *dev, size_t *n)
{
	wg_peer **v, *peer;

	*n = 0;
	wg_for_each_peer(dev, peer)
		(*n)++;
	v = malloc((*n ? *n : 1) * sizeof(*v));
	if (!v)
		return NULL;
	*n = 0;
	wg_for_each_peer(dev, peer)
		v[(*n)++] = peer;
	qsort(v, *n, sizeof(*v), key_cmp);
	return v;
}

static const wg_peer *find(wg_peer **v, size_t n, const wg_peer *key)
{
	wg_peer **p = bsearch(&key, v, n, sizeof(*v), key_cmp);

	return p ? *p : NULL;
}

static int copy_list(wg_peer *to, const wg_peer *from)
{
	const wg_allowedip *aip;

	wg_for_each_allowedip(from, aip)
		if (!wg_peer_append_prefix(to, aip))
			return -ENOMEM;
	return 0;
}

static int prefix_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct wg_plan_prefix));
}

/* A peer's prefixes, masked and sorted, for comparing lists in O(n log n). */
static struct wg_plan_prefix *sorted_list(const wg_peer *peer, size_t *n)
{
	const wg_allowedip *aip;
	struct wg_plan_prefix *v;

	*n = 0;
	wg_for_each_allowedip(peer, aip)
		(*n)++;
	v = malloc((*n ? *n : 1) * sizeof(*v));
	if (!v)
		return NULL;
	*n = 0;
	wg_for_each_allowedip(peer, aip)
		wg_plan_prefix_of(&v[(*n)++], aip);
	qsort(v, *n, sizeof(*v), prefix_cmp);
	return v;
}

/* Same prefixes in any order: 1, 0, or -ENOMEM. */
static int same_list(const wg_peer *a, const wg_peer *b)
{
	size_t na, nb;
	struct wg_plan_prefix *x = sorted_list(a, &na), *y = sorted_list(b, &nb);
	int ret = !x || !y ? -ENOMEM : na == nb && !memcmp(x, y, na * sizeof(*x));

	free(x);
	free(y);
	return ret;
}

int wg_set_plan_replace_removals(const wg_device *current, const wg_device *set, wg_device **out)
{
	wg_device *final = NULL, *sent = NULL, *check = NULL;
	wg_peer **fv = NULL, **cv = NULL, *peer;
	size_t nf = 0, nc = 0;
	int ret;

	ret = wg_device_copy(&final, current);
	if (!ret)
		ret = wg_device_apply(final, set);
	if (!ret)
		ret = wg_device_copy(&sent, set);
	if (ret)
		goto out;
	if (!(fv = sorted_peers(final, &nf)))
		goto nomem;
	wg_for_each_peer(sent, peer) {
		const wg_allowedip *aip;
		const wg_peer *result;
		bool removes = false;

		wg_for_each_allowedip(peer, aip)
			removes |= !!(aip->flags & WGALLOWEDIP_REMOVE_ME);
		if (!removes)
			continue;
		wg_peer_free_allowedips(peer);
		if (peer->flags & WGPEER_REMOVE_ME)
			continue;
		result = find(fv, nf, peer);
		if (!result)
			continue;	/* not there in the end: the fix-up below restores the others */
		peer->flags |= WGPEER_REPLACE_ALLOWEDIPS;
		if (copy_list(peer, result))
			goto nomem;
	}

	/* Where would that leave each peer?  Fix up those that differ. */
	ret = wg_device_copy(&check, current);
	if (!ret)
		ret = wg_device_apply(check, sent);
	if (ret)
		goto out;
	if (!(cv = sorted_peers(check, &nc)))
		goto nomem;
	wg_for_each_peer(final, peer) {
		const wg_peer *got = find(cv, nc, peer);
		int same = got ? same_list(got, peer) : 0;
		wg_peer *p;

		if (same < 0)
			goto nomem;
		if (same)
			continue;
		p = wg_device_add_peer(sent);
		if (!p)
			goto nomem;
		memcpy(p->public_key, peer->public_key, 32);
		p->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_UPDATE_ONLY | WGPEER_REPLACE_ALLOWEDIPS;
		if (copy_list(p, peer))
			goto nomem;
	}
	*out = sent;
	sent = NULL;
	goto out;
nomem:
	ret = wg_error(ENOMEM, "out of memory");
out:
	free(fv);
	free(cv);
	wg_free_device(final);
	wg_free_device(check);
	wg_free_device(sent);
	return ret;
}
