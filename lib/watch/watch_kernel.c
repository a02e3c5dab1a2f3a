// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Re-reading a kernel device cheaply.  Between two intervals a device's
 * configuration rarely changes; only handshake times and byte counters
 * do.  So each dump is first only summarised, without building a
 * wg_device: per peer, in the kernel's (stable) dump order, its public key,
 * handshake time, received bytes and the raw bytes of every other
 * attribute, appended to one reused buffer, and its attributes as the
 * kernel sent them (to parse later if needed).  Then, against the last
 * summary:
 *  - device attributes and every peer's bytes equal: the configuration is
 *    unchanged.  The new handshake times and counters are written into the
 *    kept reading and give HANDSHAKE / PEER_SILENT / PEER_ACTIVE, without
 *    an allocation, a sort or a diff;
 *  - the same peers in the same order, some with other bytes (an endpoint,
 *    allowed IPs, a keepalive): only those peers are parsed (from the kept
 *    attributes) and diffed, and replace their old selves in the reading;
 *  - anything else (peers added or removed, device attributes): the device
 *    is dumped again, this time parsed in full, and diffed (watch_diff.c).
 * Summary and kept reading always come from the same dump.  The comparison
 * is exact (memcmp), not a hash: no collision can hide a change.  Events
 * come in the order a full diff gives (peers by key).
 */
#include <stdlib.h>
#include <linux/genetlink.h>

#include "config.h"
#include "genl_wireguard.h"
#include "netlink_internal.h"
#include "strbuf.h"
#include "util.h"
#include "watch.h"

struct kpeer {
	wg_key key;
	size_t off, len;		/* its other attributes in summary.bytes */
	size_t nest, nnests;		/* its WGDEVICE_A_PEERS elements: summary.nests[nest...] */
	struct wg_timespec64 hs;
	uint64_t rx;
};

struct summary {
	struct kpeer *peers;
	size_t n, cap;
	struct strbuf bytes;		/* peers' attributes; secrets (preshared keys) */
	struct strbuf dev;		/* device attributes; secrets (private key) */
	struct strbuf raw;		/* the peers' elements as sent, 4-byte aligned; secrets */
	size_t *nests;			/* where each element starts in raw */
	size_t nnests, nests_cap;
};

struct watch_kdump {
	struct summary sum[2];
	int last;			/* sum[last] is the dump d->state came from */
	bool valid;			/* ... and kidx maps it */
	size_t *kidx;			/* d->state's i-th peer (sorted) is sum[last].peers[kidx[i]] */
	wg_peer **peer;			/* d->state's i-th peer */
	/* While dumping. */
	struct summary *cur;
	wg_device *parse;		/* a reading parsed from the same dump, or NULL */
	bool parsing;
};

static void summary_reset(struct summary *s)
{
	s->n = 0;
	s->nnests = 0;
	s->bytes.len = 0;
	s->dev.len = 0;
	s->raw.len = 0;
}

static void summary_free(struct summary *s)
{
	free(s->peers);
	free(s->nests);
	strbuf_wipe(&s->bytes);
	strbuf_wipe(&s->dev);
	strbuf_wipe(&s->raw);
}

void watch_kdump_free(struct watch_kdump *k)
{
	if (!k)
		return;
	summary_free(&k->sum[0]);
	summary_free(&k->sum[1]);
	wg_free_device(k->parse);
	free(k->kidx);
	free(k->peer);
	free(k);
}

static void add_attr(struct strbuf *sb, const struct nlattr *attr)
{
	strbuf_add(sb, (const char *)attr, attr->nla_len);
}

/* Keep a copy of a peer's element, to parse it if the peer changed. */
static int keep_nest(struct summary *s, const struct nlattr *nest)
{
	static const char pad[4];

	if (s->nnests == s->nests_cap) {
		size_t cap = s->nests_cap ? s->nests_cap * 2 : 64;
		size_t *more = realloc(s->nests, cap * sizeof(*more));

		if (!more)
			return -ENOMEM;
		s->nests = more;
		s->nests_cap = cap;
	}
	s->nests[s->nnests++] = s->raw.len;
	strbuf_add(&s->raw, (const char *)nest, nest->nla_len);
	strbuf_add(&s->raw, pad, MNL_ALIGN(nest->nla_len) - nest->nla_len);
	return s->raw.err;
}

static int summarise_peer(struct summary *s, const struct nlattr *nest)
{
	const struct nlattr *attr;
	struct kpeer *last = s->n ? &s->peers[s->n - 1] : NULL, p;
	size_t start = s->bytes.len;
	bool has_key = false, has_hs = false, has_rx = false;

	memset(&p, 0, sizeof(p));
	mnl_attr_for_each_nested(attr, nest) {
		const void *v = mnl_attr_get_payload(attr);
		size_t len = mnl_attr_get_payload_len(attr);

		switch (mnl_attr_get_type(attr)) {
		case WGPEER_A_PUBLIC_KEY:
			if (len != sizeof(wg_key))
				return -EPROTO;
			memcpy(p.key, v, sizeof(wg_key));
			has_key = true;
			break;
		case WGPEER_A_LAST_HANDSHAKE_TIME: {
			int64_t ts[2];

			if (len != sizeof(ts))
				return -EPROTO;
			memcpy(ts, v, sizeof(ts));
			p.hs.tv_sec = ts[0];
			p.hs.tv_nsec = ts[1];
			has_hs = true;
			break;
		}
		case WGPEER_A_RX_BYTES:
			if (len != sizeof(uint64_t))
				return -EPROTO;
			memcpy(&p.rx, v, sizeof(p.rx));
			has_rx = true;
			break;
		case WGPEER_A_TX_BYTES:
			break;	/* what we send says nothing about the peer */
		default:
			add_attr(&s->bytes, attr);
		}
	}
	if (!has_key)
		return -EPROTO;
	if (s->bytes.err)
		return s->bytes.err;
	if (keep_nest(s, nest) < 0)
		return -ENOMEM;
	/* A peer whose allowed IPs did not fit continues in the next message
	 * with its key repeated: its bytes follow its first part's. */
	if (last && !memcmp(last->key, p.key, sizeof(wg_key))) {
		last->len += s->bytes.len - start;
		last->nnests++;
		if (has_hs)
			last->hs = p.hs;
		if (has_rx)
			last->rx = p.rx;
		return 0;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct kpeer *more = realloc(s->peers, cap * sizeof(*more));

		if (!more)
			return -ENOMEM;
		s->peers = more;
		s->cap = cap;
	}
	p.off = start;
	p.len = s->bytes.len - start;
	p.nest = s->nnests - 1;
	p.nnests = 1;
	s->peers[s->n++] = p;
	return 0;
}

static int summarise(const struct nlmsghdr *nlh, void *data)
{
	struct watch_kdump *k = data;
	struct summary *s = k->cur;
	const struct nlattr *attr, *nest;
	int ret;

	if (k->parsing) {
		ret = kernel_parse_device(nlh, k->parse);
		if (ret < 0)
			return ret;
	}
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return -EPROTO;
	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(attr)) {
		case WGDEVICE_A_IFINDEX:
		case WGDEVICE_A_IFNAME:
			break;	/* the link's, followed by rtnetlink */
		case WGDEVICE_A_PEERS:
			mnl_attr_for_each_nested(nest, attr) {
				ret = summarise_peer(s, nest);
				if (ret < 0)
					return ret;
			}
			break;
		default:
			add_attr(&s->dev, attr);
			if (s->dev.err)
				return s->dev.err;
		}
	}
	return 0;
}

static int restart(void *data)
{
	struct watch_kdump *k = data;

	summary_reset(k->cur);
	if (!k->parsing)
		return 0;
	wg_free_device(k->parse);
	k->parse = wg_device_new(NULL);
	return k->parse ? 0 : -ENOMEM;
}

/* The same device attributes and the same peers in the same order. */
static bool same_peers(const struct summary *a, const struct summary *b)
{
	if (a->n != b->n || a->dev.len != b->dev.len || memcmp(a->dev.buf, b->dev.buf, a->dev.len) != 0)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (memcmp(a->peers[i].key, b->peers[i].key, sizeof(wg_key)) != 0)
			return false;
	return true;
}

static bool same_peer(const struct summary *a, const struct summary *b, size_t k)
{
	const struct kpeer *x = &a->peers[k], *y = &b->peers[k];

	return x->len == y->len && !memcmp(a->bytes.buf + x->off, b->bytes.buf + y->off, x->len);
}

static int cmp_key(const void *key, const void *elem)
{
	return memcmp(key, (*(wg_peer *const *)elem)->public_key, sizeof(wg_key));
}

/* After a full diff: where each peer of the kept (sorted) reading is in the summary. */
static bool map_state(struct watch_kdump *k, const wg_device *state)
{
	const struct summary *s = &k->sum[k->last];
	size_t n = 0, i = 0;
	const wg_peer *p;

	wg_for_each_peer(state, p)
		n++;
	if (n != s->n)
		return false;	/* a peer listed twice by the kernel: never fast */
	free(k->kidx);
	free(k->peer);
	k->kidx = malloc((n + 1) * sizeof(*k->kidx));
	k->peer = malloc((n + 1) * sizeof(*k->peer));
	if (!k->kidx || !k->peer)
		return false;
	wg_for_each_peer(state, p)
		k->peer[i++] = (wg_peer *)p;
	for (size_t j = 0; j < n; j++) {
		wg_peer **hit = bsearch(s->peers[j].key, k->peer, n, sizeof(*k->peer), cmp_key);

		if (!hit)
			return false;
		k->kidx[hit - k->peer] = j;
	}
	return true;
}

/* Peer k of summary s, parsed and sorted like a full reading's peer. */
static wg_device *parse_kept(const struct summary *s, size_t k)
{
	const struct kpeer *kp = &s->peers[k];
	wg_device *dev = wg_device_new(NULL);

	if (!dev)
		return NULL;
	for (size_t j = 0; j < kp->nnests; j++)
		if (kernel_parse_peer((const struct nlattr *)(s->raw.buf + s->nests[kp->nest + j]), dev) < 0)
			goto err;
	if (dev->first_peer && wg_config_sort(dev) == 0)
		return dev;
err:
	wg_free_device(dev);
	return NULL;
}

/* Put b's contents into a, in a's place in the kept reading; b takes a's. */
static void replace_peer(wg_peer *a, wg_peer *b)
{
	wg_peer tmp = *a;
	wg_peer *next = a->next_peer;

	*a = *b;
	a->next_peer = next;
	*b = tmp;
	b->next_peer = NULL;
	wg_memzero(&tmp, sizeof(tmp));
}

/*
 * The same peers as last read: the changed ones parsed and diffed, the
 * others only checked for handshakes and activity.  False if a peer could
 * not be parsed (the reading is then consistent up to it; a full diff
 * finishes the job next time).
 */
static bool update_peers(struct wg_watch *w, struct watch_dev *d, const struct summary *old,
			 const struct summary *s)
{
	struct watch_kdump *k = d->kdump;
	uint64_t now = watch_now_ns();

	for (size_t i = 0; i < s->n; i++) {
		size_t j = k->kidx[i];
		const struct kpeer *kp = &s->peers[j];
		wg_peer *a = k->peer[i];
		wg_device *b;

		if (same_peer(old, s, j)) {
			watch_peer_progress(w, d, a, &kp->hs, kp->rx, &d->act[i], now);
			a->last_handshake_time = kp->hs;
			a->rx_bytes = kp->rx;
			continue;
		}
		b = parse_kept(s, j);
		if (!b)
			return false;
		watch_diff_peer(w, d, a, b->first_peer, &d->act[i], now);
		replace_peer(a, b->first_peer);
		wg_free_device(b);
	}
	return true;
}

void watch_read_kernel(struct wg_watch *w, struct watch_dev *d)
{
	struct watch_kdump *k = d->kdump;
	int ret;

	if (!k) {
		k = d->kdump = calloc(1, sizeof(*k));
		if (!k) {
			watch_dev_error(w, d, ENOMEM);
			return;
		}
	}
	k->cur = &k->sum[!k->last];
	k->parsing = !k->valid || !d->state;
	ret = kernel_dump(w->nl, NULL, d->ifindex, summarise, restart, k);
	if (!ret && !k->parsing && !same_peers(k->cur, &k->sum[k->last])) {
		/* Peers came or went: read it again, in full this time. */
		k->parsing = true;
		ret = kernel_dump(w->nl, NULL, d->ifindex, summarise, restart, k);
	}
	/* Gone: its RTM_DELLINK is on the way and will remove it. */
	if (ret == -ENODEV)
		goto out;
	if (ret < 0) {
		watch_dev_error(w, d, -ret);
		goto out;
	}
	watch_dev_error(w, d, 0);
	k->last = !k->last;
	if (!k->parsing) {
		k->valid = update_peers(w, d, &k->sum[!k->last], k->cur);
		return;
	}
	ret = watch_update(w, d, k->parse);
	k->parse = NULL;
	k->valid = ret == 0 && map_state(k, d->state);
	return;
out:
	wg_free_device(k->parse);
	k->parse = NULL;
}
