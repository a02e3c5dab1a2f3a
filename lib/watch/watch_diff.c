// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * From two readings of a device to events.  Both are sorted into the
 * configuration model's canonical order (wg_config_sort) and walked
 * together, as wg_device_diff() walks two states; what differs becomes
 * events in a fixed order: device fields, then per peer (by public key)
 * removal or addition, endpoint, preshared key, keepalive, allowed IPs (in
 * canonical order), handshake, silence.  So a reader that applies the
 * events to the first reading gets the second, and a test can predict the
 * events of any change exactly.
 */
#include <stdlib.h>

#include "addr.h"
#include "config.h"
#include "util.h"
#include "watch.h"

static void prefix_of(struct wg_watch_prefix *p, const wg_allowedip *aip)
{
	memset(p, 0, sizeof(*p));
	p->family = aip->family;
	p->cidr = aip->cidr;
	if (aip->family == AF_INET)
		p->ip4 = aip->ip4;
	else
		p->ip6 = aip->ip6;
}

static void public_of(wg_key pub, const wg_device *dev)
{
	if (wg_key_is_zero(dev->private_key))
		memset(pub, 0, sizeof(wg_key));
	else if (!wg_key_is_zero(dev->public_key))
		memcpy(pub, dev->public_key, sizeof(wg_key));
	else
		wg_generate_public_key(pub, dev->private_key);
}

static void number_event(struct wg_watch *w, const struct watch_dev *d, uint32_t kind,
			 const uint8_t *peer, uint64_t before, uint64_t after)
{
	struct wg_watch_event ev;

	watch_event_init(&ev, d, kind, peer);
	ev.before.number = before;
	ev.after.number = after;
	watch_emit(w, &ev);
}

static void diff_device(struct wg_watch *w, const struct watch_dev *d, const wg_device *a,
			const wg_device *b)
{
	if (!wg_key_equal(a->private_key, b->private_key)) {
		struct wg_watch_event ev;

		watch_event_init(&ev, d, WG_WATCH_PRIVATE_KEY, NULL);
		public_of(ev.before.key, a);
		public_of(ev.after.key, b);
		watch_emit(w, &ev);
	}
	if (a->listen_port != b->listen_port)
		number_event(w, d, WG_WATCH_LISTEN_PORT, NULL, a->listen_port, b->listen_port);
	if (a->fwmark != b->fwmark)
		number_event(w, d, WG_WATCH_FWMARK, NULL, a->fwmark, b->fwmark);
}

static void endpoint_event(struct wg_watch *w, const struct watch_dev *d, const uint8_t *peer,
			   const wg_endpoint *before, const wg_endpoint *after, uint32_t flags)
{
	struct wg_watch_event ev;

	watch_event_init(&ev, d, WG_WATCH_ENDPOINT, peer);
	ev.flags |= flags;
	if (before)
		wg_endpoint_copy(&ev.before.endpoint, before);
	wg_endpoint_copy(&ev.after.endpoint, after);
	watch_emit(w, &ev);
}

static void prefix_event(struct wg_watch *w, const struct watch_dev *d, const uint8_t *peer,
			 uint32_t kind, const wg_allowedip *aip)
{
	struct wg_watch_event ev;

	watch_event_init(&ev, d, kind, peer);
	prefix_of(kind == WG_WATCH_ALLOWEDIP_ADDED ? &ev.after.prefix : &ev.before.prefix, aip);
	watch_emit(w, &ev);
}

static void diff_allowedips(struct wg_watch *w, const struct watch_dev *d, const wg_peer *a,
			    const wg_peer *b)
{
	const wg_allowedip *x = a ? a->first_allowedip : NULL, *y = b->first_allowedip;

	while (x || y) {
		int c = !x ? 1 : !y ? -1 : wg_prefix_cmp(x, y);

		if (c < 0) {
			prefix_event(w, d, b->public_key, WG_WATCH_ALLOWEDIP_REMOVED, x);
			x = x->next_allowedip;
		} else if (c > 0) {
			prefix_event(w, d, b->public_key, WG_WATCH_ALLOWEDIP_ADDED, y);
			y = y->next_allowedip;
		} else {
			x = x->next_allowedip;
			y = y->next_allowedip;
		}
	}
}

/* Whether hs is a handshake a (NULL: a peer not seen before) had not had. */
static bool handshake_newer(const wg_peer *a, const struct wg_timespec64 *hs)
{
	if (!hs->tv_sec && !hs->tv_nsec)
		return false;
	return !a || a->last_handshake_time.tv_sec != hs->tv_sec ||
	       a->last_handshake_time.tv_nsec != hs->tv_nsec;
}

/* Activity of a peer seen for the first time: silent unless its last
 * handshake is recent. */
static struct peer_act first_act(const struct wg_watch *w, const wg_peer *p, uint64_t now,
				 const struct wg_timespec64 *rt)
{
	/* Without silent_after_ms nobody is ever silent, so never active again. */
	struct peer_act act = { 0, w->o.silent_after_ms != 0 };
	int64_t age_ms;

	if (!p->last_handshake_time.tv_sec)
		return act;
	age_ms = (rt->tv_sec - p->last_handshake_time.tv_sec) * 1000 +
		 (rt->tv_nsec - p->last_handshake_time.tv_nsec) / 1000000;
	if (age_ms < 0)
		age_ms = 0;
	act.last_active_ns = now > (uint64_t)age_ms * 1000000 ? now - (uint64_t)age_ms * 1000000 : 1;
	act.silent = w->o.silent_after_ms && (uint64_t)age_ms >= w->o.silent_after_ms;
	return act;
}

static void silence_event(struct wg_watch *w, const struct watch_dev *d, const uint8_t *key,
			  const struct wg_timespec64 *hs, uint32_t kind)
{
	struct wg_watch_event ev;

	watch_event_init(&ev, d, kind, key);
	ev.before.time = *hs;
	watch_emit(w, &ev);
}

void watch_peer_progress(struct wg_watch *w, const struct watch_dev *d, const wg_peer *a,
			 const struct wg_timespec64 *hs, uint64_t rx, struct peer_act *act, uint64_t now)
{
	bool active = handshake_newer(a, hs) || rx != a->rx_bytes;

	if (handshake_newer(a, hs) && !d->pushed) {
		struct wg_watch_event ev;

		watch_event_init(&ev, d, WG_WATCH_HANDSHAKE, a->public_key);
		ev.after.time = *hs;
		watch_emit(w, &ev);
	}
	if (active) {
		act->last_active_ns = now;
		if (act->silent) {
			act->silent = false;
			silence_event(w, d, a->public_key, hs, WG_WATCH_PEER_ACTIVE);
		}
	} else if (!act->silent && w->o.silent_after_ms &&
		   now - act->last_active_ns >= (uint64_t)w->o.silent_after_ms * 1000000) {
		act->silent = true;
		silence_event(w, d, a->public_key, hs, WG_WATCH_PEER_SILENT);
	}
}

void watch_diff_peer(struct wg_watch *w, const struct watch_dev *d, const wg_peer *a,
		     const wg_peer *b, struct peer_act *act, uint64_t now)
{
	if (!wg_endpoint_equal(&a->endpoint, &b->endpoint))
		endpoint_event(w, d, b->public_key, &a->endpoint, &b->endpoint, 0);
	if (!wg_key_equal(a->preshared_key, b->preshared_key)) {
		struct wg_watch_event ev;

		watch_event_init(&ev, d, WG_WATCH_PRESHARED_KEY, b->public_key);
		watch_emit(w, &ev);
	}
	if (a->persistent_keepalive_interval != b->persistent_keepalive_interval)
		number_event(w, d, WG_WATCH_KEEPALIVE, b->public_key, a->persistent_keepalive_interval,
			     b->persistent_keepalive_interval);
	diff_allowedips(w, d, a, b);
	watch_peer_progress(w, d, a, &b->last_handshake_time, b->rx_bytes, act, now);
}

static void added_peer(struct wg_watch *w, const struct watch_dev *d, const wg_peer *b)
{
	struct wg_watch_event ev;

	watch_event_init(&ev, d, WG_WATCH_PEER_ADDED, b->public_key);
	watch_emit(w, &ev);
	if (b->endpoint.addr.sa_family)
		endpoint_event(w, d, b->public_key, NULL, &b->endpoint, 0);
	if (!wg_key_is_zero(b->preshared_key)) {
		watch_event_init(&ev, d, WG_WATCH_PRESHARED_KEY, b->public_key);
		watch_emit(w, &ev);
	}
	if (b->persistent_keepalive_interval)
		number_event(w, d, WG_WATCH_KEEPALIVE, b->public_key, 0, b->persistent_keepalive_interval);
	diff_allowedips(w, d, NULL, b);
	/* Added and already shaken hands within one interval. */
	if (handshake_newer(NULL, &b->last_handshake_time) && !d->pushed) {
		watch_event_init(&ev, d, WG_WATCH_HANDSHAKE, b->public_key);
		ev.after.time = b->last_handshake_time;
		watch_emit(w, &ev);
	}
}

static size_t count_peers(const wg_device *dev)
{
	const wg_peer *p;
	size_t n = 0;

	wg_for_each_peer(dev, p)
		n++;
	return n;
}

int watch_update(struct wg_watch *w, struct watch_dev *d, wg_device *b)
{
	static const wg_device empty;
	const wg_device *a = d->state ? d->state : &empty;
	struct wg_timespec64 rt;
	struct peer_act *act;
	const wg_peer *p, *q;
	uint64_t now = watch_now_ns();
	size_t i = 0, j = 0;

	if (wg_config_sort(b) < 0 || !(act = calloc(count_peers(b) + 1, sizeof(*act)))) {
		/* Keep the old reading: the next interval tries again. */
		wg_free_device(b);
		return -ENOMEM;
	}
	watch_realtime(&rt);
	if (!d->baseline)
		diff_device(w, d, a, b);
	for (p = a->first_peer, q = b->first_peer; p || q;) {
		int c = !p ? 1 : !q ? -1 : memcmp(p->public_key, q->public_key, sizeof(wg_key));

		if (c < 0) {
			struct wg_watch_event ev;

			watch_event_init(&ev, d, WG_WATCH_PEER_REMOVED, p->public_key);
			watch_emit(w, &ev);
			p = p->next_peer;
			i++;
		} else if (c > 0) {
			act[j] = first_act(w, q, now, &rt);
			if (!d->baseline)
				added_peer(w, d, q);
			q = q->next_peer;
			j++;
		} else {
			act[j] = d->act[i];
			watch_diff_peer(w, d, p, q, &act[j], now);
			p = p->next_peer;
			q = q->next_peer;
			i++;
			j++;
		}
	}
	d->baseline = false;
	wg_free_device(d->state);
	free(d->act);
	d->state = b;
	d->act = act;
	return 0;
}

ssize_t watch_peer_index(const struct watch_dev *d, const uint8_t *key)
{
	const wg_peer *p;
	ssize_t i = 0;

	if (!d->state)
		return -1;
	/* A list: linear, but only for pushed events, which are rare. */
	wg_for_each_peer(d->state, p) {
		if (!memcmp(p->public_key, key, sizeof(wg_key)))
			return i;
		i++;
	}
	return -1;
}

void watch_peer_active(struct wg_watch *w, struct watch_dev *d, size_t i)
{
	const wg_peer *p = d->state->first_peer;

	for (size_t k = 0; k < i; k++)
		p = p->next_peer;
	d->act[i].last_active_ns = watch_now_ns();
	if (d->act[i].silent) {
		d->act[i].silent = false;
		silence_event(w, d, p->public_key, &p->last_handshake_time, WG_WATCH_PEER_ACTIVE);
	}
}
