// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Removing single allowed IPs.  Linux 6.16 added WGALLOWEDIP_F_REMOVE_ME; we
 * ask the kernel's policy for it (CTRL_CMD_GETPOLICY, no side effects) and,
 * where it is missing, turn each such peer update into one that replaces the
 * peer's allowed IPs with the resulting set.  Sending the flag to an older
 * kernel would fail half-way through a peer, after earlier parts applied.
 */
#include <stdint.h>
#include <stdlib.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "error.h"
#include "genl_wireguard.h"
#include "netlink_internal.h"
#include "util.h"

/* ---- the probe ---------------------------------------------------------- */

#define MAX_POLICIES 16
#define MAX_ATTRS 16

struct policy_map {
	int root;			/* policy of WG_CMD_SET_DEVICE's "do" */
	int8_t nested[MAX_POLICIES][MAX_ATTRS];	/* attribute -> its nested policy, -1 none */
	bool has[MAX_POLICIES][MAX_ATTRS];
};

static void parse_policy_attr(struct policy_map *map, unsigned int pidx, const struct nlattr *attr)
{
	unsigned int type = mnl_attr_get_type(attr);
	const struct nlattr *a;

	if (type >= MAX_ATTRS)
		return;
	map->has[pidx][type] = true;
	mnl_attr_for_each_nested(a, attr) {
		if (mnl_attr_get_type(a) == NL_POLICY_TYPE_ATTR_POLICY_IDX &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0 && mnl_attr_get_u32(a) < MAX_POLICIES)
			map->nested[pidx][type] = (int8_t)mnl_attr_get_u32(a);
	}
}

static int policy_cb(const struct nlmsghdr *nlh, void *data)
{
	struct policy_map *map = data;
	const struct nlattr *attr, *p, *a;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(attr)) {
		case CTRL_ATTR_POLICY:
			mnl_attr_for_each_nested(p, attr) {
				if (mnl_attr_get_type(p) >= MAX_POLICIES)
					continue;
				mnl_attr_for_each_nested(a, p)
					parse_policy_attr(map, mnl_attr_get_type(p), a);
			}
			break;
		case CTRL_ATTR_OP_POLICY:
			mnl_attr_for_each_nested(p, attr) {
				mnl_attr_for_each_nested(a, p) {
					if (mnl_attr_get_type(a) == CTRL_ATTR_POLICY_DO &&
					    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
						map->root = (int)mnl_attr_get_u32(a);
				}
			}
			break;
		}
	}
	return 0;
}

bool kernel_probe_allowedip_flags(struct wg_netlink *nl, uint16_t family)
{
	uint8_t buf[128];
	struct nlmsghdr *nlh;
	struct policy_map map = { 0 };
	int peer, aip;

	if (nl->allowedip_flags >= 0)
		return nl->allowedip_flags;
	memset(map.nested, -1, sizeof(map.nested));
	nlh = nl_put_genl(buf, GENL_ID_CTRL, CTRL_CMD_GETPOLICY, 1, NLM_F_DUMP);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, family);
	mnl_attr_put_u32(nlh, CTRL_ATTR_OP, WG_CMD_SET_DEVICE);
	nl->allowedip_flags = 0;
	/* Kernels before 5.10 cannot answer; they lack the flag anyway. */
	if (nl_request(nl, NL_GENL, nlh, policy_cb, &map) < 0 || map.root < 0 || map.root >= MAX_POLICIES)
		return false;
	/* Older kernels give the nested attributes no policy, so the walk ends early. */
	peer = map.nested[map.root][WGDEVICE_A_PEERS];
	aip = peer >= 0 ? map.nested[peer][WGPEER_A_ALLOWEDIPS] : -1;
	nl->allowedip_flags = aip >= 0 && map.has[aip][WGALLOWEDIP_A_FLAGS];
	wg_log(WG_LOG_DEBUG, "kernel %s per-allowed-IP removal", nl->allowedip_flags ? "supports" : "lacks");
	return nl->allowedip_flags;
}

/* ---- the emulation ------------------------------------------------------ */

/* A prefix with its host bits cleared, so that equal prefixes compare equal. */
struct prefix {
	uint16_t family;
	uint8_t cidr;
	uint8_t addr[16];
	uint32_t seq;		/* order of the operation */
	bool add;
};

static void prefix_from(struct prefix *p, const wg_allowedip *aip, uint32_t seq, bool add)
{
	size_t len = aip->family == AF_INET ? 4 : 16;

	memset(p, 0, sizeof(*p));
	p->family = aip->family;
	p->cidr = aip->cidr;
	memcpy(p->addr, aip->family == AF_INET ? (const void *)&aip->ip4 : (const void *)&aip->ip6, len);
	for (size_t i = 0; i < len; i++) {
		unsigned int bits = aip->cidr > i * 8 ? aip->cidr - i * 8 : 0;

		if (bits < 8)
			p->addr[i] &= (uint8_t)(0xff00 >> bits);
	}
	p->seq = seq;
	p->add = add;
}

static int prefix_cmp(const void *a, const void *b)
{
	const struct prefix *x = a, *y = b;
	int c;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->cidr != y->cidr)
		return x->cidr < y->cidr ? -1 : 1;
	c = memcmp(x->addr, y->addr, sizeof(x->addr));
	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int seq_cmp(const void *a, const void *b)
{
	const struct prefix *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int peer_key_cmp(const void *a, const void *b)
{
	const wg_peer *const *x = a, *const *y = b;

	return memcmp((*x)->public_key, (*y)->public_key, sizeof(wg_key));
}

static bool has_removal(const wg_peer *peer)
{
	const wg_allowedip *aip;

	wg_for_each_allowedip(peer, aip)
		if (aip->flags & WGALLOWEDIP_REMOVE_ME)
			return true;
	return false;
}

/* The copy, with the list of peers whose allowed IPs it owns. */
struct resolved {
	wg_device dev;		/* first, so the public pointer is the container's */
	wg_peer *peers;
	bool *owns;
	size_t npeers;
};

/* Current allowed IPs plus the peer's operations, in order, reduced to a list. */
static int resolve_peer(wg_peer *out, const wg_peer *req, const wg_peer *cur)
{
	size_t n = 0, cap = 0, kept = 0;
	const wg_allowedip *aip;
	struct prefix *ops;
	wg_allowedip *list;
	uint32_t seq = 0;

	if (cur)
		wg_for_each_allowedip(cur, aip)
			cap++;
	wg_for_each_allowedip(req, aip)
		cap++;
	ops = malloc((cap ? cap : 1) * sizeof(*ops));
	if (!ops)
		return -ENOMEM;
	if (cur)
		wg_for_each_allowedip(cur, aip)
			prefix_from(&ops[n++], aip, seq++, true);
	wg_for_each_allowedip(req, aip)
		prefix_from(&ops[n++], aip, seq++, !(aip->flags & WGALLOWEDIP_REMOVE_ME));
	qsort(ops, n, sizeof(*ops), prefix_cmp);
	/*
	 * The last operation on each prefix decides whether it stays.  Where it
	 * goes is where the kernel would have it: in place if it was never
	 * removed, appended if it was (re-)added after its last removal; the
	 * kernel dumps allowed IPs in the order they were added.
	 */
	for (size_t i = 0, pos = SIZE_MAX; i < n; i++) {
		bool last = i + 1 == n || ops[i].family != ops[i + 1].family || ops[i].cidr != ops[i + 1].cidr ||
			    memcmp(ops[i].addr, ops[i + 1].addr, 16);

		if (!ops[i].add)
			pos = SIZE_MAX;
		else if (pos == SIZE_MAX)
			pos = ops[i].seq;
		if (last) {
			if (ops[i].add) {
				ops[kept] = ops[i];
				ops[kept++].seq = (uint32_t)pos;
			}
			pos = SIZE_MAX;
		}
	}
	qsort(ops, kept, sizeof(*ops), seq_cmp);
	list = kept ? calloc(kept, sizeof(*list)) : NULL;
	if (kept && !list) {
		free(ops);
		return -ENOMEM;
	}
	for (size_t i = 0; i < kept; i++) {
		list[i].family = ops[i].family;
		list[i].cidr = ops[i].cidr;
		memcpy(list[i].family == AF_INET ? (void *)&list[i].ip4 : (void *)&list[i].ip6, ops[i].addr,
		       list[i].family == AF_INET ? 4 : 16);
		list[i].next_allowedip = i + 1 < kept ? &list[i + 1] : NULL;
	}
	free(ops);
	out->first_allowedip = list;
	out->last_allowedip = kept ? &list[kept - 1] : NULL;
	out->flags |= WGPEER_REPLACE_ALLOWEDIPS;
	return 0;
}

/* A peer listed twice, once with removals, would see the other entry's changes undone. */
static int check_duplicates(const wg_device *dev, size_t npeers, const char *dev_label)
{
	const wg_peer **sorted = malloc((npeers ? npeers : 1) * sizeof(*sorted));
	const wg_peer *peer;
	size_t i = 0;
	int ret = 0;

	if (!sorted)
		return wg_error(ENOMEM, "out of memory");
	wg_for_each_peer(dev, peer)
		sorted[i++] = peer;
	qsort(sorted, npeers, sizeof(*sorted), peer_key_cmp);
	for (i = 0; i + 1 < npeers && !ret; i++) {
		if (!memcmp(sorted[i]->public_key, sorted[i + 1]->public_key, sizeof(wg_key)) &&
		    (has_removal(sorted[i]) || has_removal(sorted[i + 1]))) {
			wg_key_b64_string b64;

			wg_key_to_base64(b64, sorted[i]->public_key);
			ret = wg_error(EINVAL, "%s: peer %s is listed twice and removes allowed IPs; "
				       "this kernel (before Linux 6.16) cannot apply that exactly", dev_label, b64);
		}
	}
	free(sorted);
	return ret;
}

int kernel_resolve_removals(struct wg_netlink *nl, const wg_device *dev, const char *dev_label,
			    wg_device **resolved)
{
	bool need_current = false;
	const wg_peer *peer;
	wg_peer **current = NULL;
	wg_device *now = NULL;
	struct resolved *r;
	size_t npeers = 0, ncur = 0, i = 0;
	int ret;

	wg_for_each_peer(dev, peer) {
		npeers++;
		if (has_removal(peer) && !(dev->flags & WGDEVICE_REPLACE_PEERS) &&
		    !(peer->flags & (WGPEER_REPLACE_ALLOWEDIPS | WGPEER_REMOVE_ME)))
			need_current = true;
	}
	ret = check_duplicates(dev, npeers, dev_label);
	if (ret < 0)
		return ret;
	if (need_current) {
		wg_peer *p;

		ret = kernel_dump_device(nl, &now, dev->name, dev->ifindex);
		if (ret < 0)
			return ret;
		wg_for_each_peer(now, p)
			ncur++;
		current = malloc((ncur ? ncur : 1) * sizeof(*current));
		if (!current) {
			wg_free_device(now);
			return wg_error(ENOMEM, "out of memory");
		}
		ncur = 0;
		wg_for_each_peer(now, p)
			current[ncur++] = p;
		qsort(current, ncur, sizeof(*current), peer_key_cmp);
	}
	r = calloc(1, sizeof(*r));
	if (!r || !(r->peers = calloc(npeers ? npeers : 1, sizeof(*r->peers))) ||
	    !(r->owns = calloc(npeers ? npeers : 1, sizeof(*r->owns)))) {
		ret = wg_error(ENOMEM, "out of memory");
		goto out;
	}
	r->npeers = npeers;
	r->dev = *dev;
	r->dev.first_peer = r->dev.last_peer = NULL;
	wg_for_each_peer(dev, peer) {
		wg_peer *copy = &r->peers[i];

		*copy = *peer;
		copy->next_peer = NULL;
		if (i)
			r->peers[i - 1].next_peer = copy;
		if (has_removal(peer)) {
			const wg_peer *cur = NULL;

			if (current && !(dev->flags & WGDEVICE_REPLACE_PEERS) &&
			    !(peer->flags & WGPEER_REPLACE_ALLOWEDIPS)) {
				wg_peer **found = bsearch(&peer, current, ncur, sizeof(*current), peer_key_cmp);

				cur = found ? *found : NULL;
			}
			if (peer->flags & WGPEER_REMOVE_ME) {
				copy->first_allowedip = copy->last_allowedip = NULL;
			} else if (!cur && (peer->flags & WGPEER_UPDATE_ONLY) && current) {
				/* Not there: the kernel would ignore the update; so do we. */
				copy->first_allowedip = copy->last_allowedip = NULL;
				copy->flags &= ~(uint32_t)WGPEER_REPLACE_ALLOWEDIPS;
			} else {
				ret = resolve_peer(copy, peer, cur);
				if (ret < 0) {
					ret = wg_error(ENOMEM, "out of memory");
					goto out;
				}
				r->owns[i] = true;
			}
		}
		i++;
	}
	if (npeers) {
		r->dev.first_peer = &r->peers[0];
		r->dev.last_peer = &r->peers[npeers - 1];
	}
	*resolved = &r->dev;
	r = NULL;
	ret = 0;
out:
	kernel_free_resolved(r ? &r->dev : NULL);
	free(current);
	wg_free_device(now);
	return ret;
}

void kernel_free_resolved(wg_device *resolved)
{
	struct resolved *r = (struct resolved *)resolved;

	if (!r)
		return;
	for (size_t i = 0; r->peers && i < r->npeers; i++)
		if (r->owns && r->owns[i])
			free(r->peers[i].first_allowedip);
	if (r->peers)
		wg_memzero(r->peers, r->npeers * sizeof(*r->peers));
	free(r->peers);
	free(r->owns);
	wg_memzero(&r->dev, sizeof(r->dev));
	free(r);
}
