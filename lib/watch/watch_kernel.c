// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Re-reading a kernel device cheaply.  Between two intervals a device's
 * configuration rarely changes; only handshake times and byte counters
 * do.  So each dump is first only summarised, without building a
 * wg_device: per peer, in the kernel's (stable) dump order, its public key,
 * handshake time, received bytes and the raw bytes of every other
 * attribute, appended to one reused buffer.  When the device attributes,
 * the sequence of keys and those bytes all equal the last summary's, the
 * configuration is unchanged: the new handshake times and counters are
 * written into the kept reading and give HANDSHAKE / PEER_SILENT /
 * PEER_ACTIVE, without an allocation, a sort or a diff.  Otherwise the
 * device is dumped again, this time parsed as well, and diffed in full
 * (watch_diff.c); that dump's summary becomes the new reference, so
 * summary and kept reading always come from the same dump.  The
 * comparison is exact (memcmp), not a hash: no collision can hide a
 * change.
 */
#include <stdlib.h>
#include <linux/genetlink.h>

#include "genl_wireguard.h"
#include "netlink_internal.h"
#include "strbuf.h"
#include "util.h"
#include "watch.h"

struct kpeer {
	wg_key key;
	size_t off, len;		/* its other attributes in summary.bytes */
	struct wg_timespec64 hs;
	uint64_t rx;
};

struct summary {
	struct kpeer *peers;
	size_t n, cap;
	struct strbuf bytes;		/* peers' attributes; secrets (preshared keys) */
	struct strbuf dev;		/* device attributes; secrets (private key) */
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
	s->bytes.len = 0;
	s->dev.len = 0;
}

static void summary_free(struct summary *s)
{
	free(s->peers);
	strbuf_wipe(&s->bytes);
	strbuf_wipe(&s->dev);
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
	/* A peer whose allowed IPs did not fit continues in the next message
	 * with its key repeated: its bytes follow its first part's. */
	if (last && !memcmp(last->key, p.key, sizeof(wg_key))) {
		last->len += s->bytes.len - start;
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

static bool same_config(const struct summary *a, const struct summary *b)
{
	if (a->n != b->n || a->bytes.len != b->bytes.len || a->dev.len != b->dev.len ||
	    memcmp(a->dev.buf, b->dev.buf, a->dev.len) != 0)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->peers[i].len != b->peers[i].len ||
		    memcmp(a->peers[i].key, b->peers[i].key, sizeof(wg_key)) != 0)
			return false;
	return !a->bytes.len || !memcmp(a->bytes.buf, b->bytes.buf, a->bytes.len);
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

/* The configuration is as last read: only handshakes and activity. */
static void progress(struct wg_watch *w, struct watch_dev *d, const struct summary *s)
{
	struct watch_kdump *k = d->kdump;
	uint64_t now = watch_now_ns();

	for (size_t i = 0; i < s->n; i++) {
		const struct kpeer *kp = &s->peers[k->kidx[i]];
		wg_peer *a = k->peer[i];

		watch_peer_progress(w, d, a, &kp->hs, kp->rx, &d->act[i], now);
		a->last_handshake_time = kp->hs;
		a->rx_bytes = kp->rx;
	}
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
	if (!ret && !k->parsing && !same_config(k->cur, &k->sum[k->last])) {
		/* Changed: read it again, in full this time. */
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
		progress(w, d, k->cur);
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
