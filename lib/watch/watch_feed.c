// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * In-process devices: engines and tunnels registered by the caller, re-read
 * every interval like any device, and their engine's events pushed through
 * wg_watch_feed() from whatever thread runs the engine.  Pushed events wait
 * in the inbox (under inbox_lock) and an eventfd wakes the watch's fd; the
 * reading thread turns them into watch events against its last reading.
 */
#include <stdlib.h>
#include <sys/eventfd.h>

#include "addr.h"
#include "error.h"
#include "util.h"
#include "watch.h"

static struct fed_dev *fed_find(const struct wg_watch *w, const char *name)
{
	for (size_t i = 0; i < w->nfed; i++)
		if (!strcmp(w->fed[i].name, name))
			return &w->fed[i];
	return NULL;
}

static int add_inprocess(struct wg_watch *w, const char *name, enum watch_dev_type type, void *obj)
{
	size_t len = strlen(name);
	struct watch_dev *d;
	void *more;

	if (!len || len >= IFNAMSIZ)
		return wg_error(EINVAL, "'%s': device names have 1 to %d bytes", name, IFNAMSIZ - 1);
	if (watch_find(w, name))
		return wg_error(EEXIST, "%s: the watch already has a device of that name", name);
	wg_mutex_lock(&w->inbox_lock);
	more = realloc(w->fed, (w->nfed + 1) * sizeof(*w->fed));
	if (more) {
		w->fed = more;
		memset(&w->fed[w->nfed], 0, sizeof(*w->fed));
		memcpy(w->fed[w->nfed++].name, name, len + 1);
	}
	wg_mutex_unlock(&w->inbox_lock);
	d = more ? watch_dev_new(w, type, name) : NULL;
	if (!d)
		return wg_error(ENOMEM, "out of memory");
	d->obj = obj;
	d->baseline = true;
	watch_read_device(w, d);
	return 0;
}

WG_EXPORT int wg_watch_add_engine(wg_watch *w, const char *name, wg_engine *engine)
{
	return add_inprocess(w, name, DEV_ENGINE, engine);
}

WG_EXPORT int wg_watch_add_tunnel(wg_watch *w, wg_tunnel *tunnel)
{
	return add_inprocess(w, wg_tunnel_name(tunnel), DEV_TUNNEL, tunnel);
}

WG_EXPORT int wg_watch_remove_device(wg_watch *w, const char *name)
{
	struct watch_dev *d = watch_find(w, name);

	if (!d || (d->type != DEV_ENGINE && d->type != DEV_TUNNEL))
		return wg_error(ENOENT, "%s: the watch has no in-process device of that name", name);
	wg_mutex_lock(&w->inbox_lock);
	for (size_t i = 0; i < w->nfed; i++)
		if (!strcmp(w->fed[i].name, name)) {
			memmove(&w->fed[i], &w->fed[i + 1], (w->nfed - i - 1) * sizeof(*w->fed));
			w->nfed--;
			break;
		}
	wg_mutex_unlock(&w->inbox_lock);
	watch_dev_remove(w, d, 0);
	return 0;
}

WG_EXPORT int wg_watch_feed(wg_watch *w, const char *device, const struct wg_event *event)
{
	struct inbox_item *item;
	struct fed_dev *fed;
	int ret = 0;

	wg_mutex_lock(&w->inbox_lock);
	fed = fed_find(w, device);
	if (!fed) {
		ret = -ENOENT;
	} else if (w->inbox_len >= w->o.queue_max) {
		fed->lost = true;
		ret = -ENOBUFS;
	} else {
		if (w->inbox_len == w->inbox_cap) {
			size_t cap = w->inbox_cap ? w->inbox_cap * 2 : 16;
			void *more = realloc(w->inbox, cap * sizeof(*w->inbox));

			if (!more) {
				fed->lost = true;
				ret = -ENOBUFS;
				goto out;
			}
			w->inbox = more;
			w->inbox_cap = cap;
		}
		item = &w->inbox[w->inbox_len++];
		snprintf(item->device, sizeof(item->device), "%s", device);
		item->ev = *event;
		watch_realtime(&item->time);
	}
out:
	wg_mutex_unlock(&w->inbox_lock);
	/* Woken for a loss too: the reader is owed its OVERFLOW. */
	if (ret != -ENOENT)
		eventfd_write(w->inbox_efd, 1);
	errno = -ret;
	return ret;
}

void watch_pushed(struct wg_watch *w, struct watch_dev *d, const struct wg_event *e,
		  const struct wg_timespec64 *time)
{
	static const uint32_t kinds[] = {
		[WG_EVENT_HANDSHAKE_COMPLETE] = WG_WATCH_HANDSHAKE,
		[WG_EVENT_SESSION_EXPIRED] = WG_WATCH_SESSION_EXPIRED,
		[WG_EVENT_ENDPOINT_CHANGED] = WG_WATCH_ENDPOINT,
		[WG_EVENT_PEER_UNREACHABLE] = WG_WATCH_PEER_UNREACHABLE,
	};
	struct wg_watch_event ev;
	ssize_t i;

	if (!d || e->type >= ARRAY_SIZE(kinds) || !kinds[e->type])
		return;
	i = watch_peer_index(d, e->public_key);
	watch_event_init(&ev, d, kinds[e->type], e->public_key);
	ev.flags |= WG_WATCH_EVENT_PUSHED;
	switch (e->type) {
	case WG_EVENT_HANDSHAKE_COMPLETE:
		/* From now on handshakes come from here, not from re-reading. */
		d->pushed = true;
		ev.after.time = *time;
		watch_emit(w, &ev);
		if (i >= 0)
			watch_peer_active(w, d, (size_t)i);
		return;
	case WG_EVENT_ENDPOINT_CHANGED:
		if (i >= 0) {
			wg_peer *p = d->state->first_peer;

			for (ssize_t k = 0; k < i; k++)
				p = p->next_peer;
			if (wg_endpoint_equal(&p->endpoint, &e->endpoint))
				return;
			wg_endpoint_copy(&ev.before.endpoint, &p->endpoint);
			/* So that the next reading does not report it again. */
			wg_endpoint_copy(&p->endpoint, &e->endpoint);
		}
		wg_endpoint_copy(&ev.after.endpoint, &e->endpoint);
		watch_emit(w, &ev);
		return;
	default:
		watch_emit(w, &ev);
	}
}

void watch_inbox_dispatch(struct wg_watch *w)
{
	struct inbox_item *items;
	char (*lost)[IFNAMSIZ];
	size_t n, nlost = 0;
	eventfd_t v;

	eventfd_read(w->inbox_efd, &v);
	wg_mutex_lock(&w->inbox_lock);
	items = w->inbox;
	n = w->inbox_len;
	w->inbox = NULL;
	w->inbox_len = w->inbox_cap = 0;
	/* Without memory to copy the names, they stay marked for the next call. */
	lost = malloc((w->nfed + 1) * sizeof(*lost));
	for (size_t i = 0; lost && i < w->nfed; i++)
		if (w->fed[i].lost) {
			w->fed[i].lost = false;
			memcpy(lost[nlost++], w->fed[i].name, IFNAMSIZ);
		}
	wg_mutex_unlock(&w->inbox_lock);
	for (size_t i = 0; i < n; i++) {
		struct watch_dev *d = watch_find(w, items[i].device);

		if (d && (d->type == DEV_ENGINE || d->type == DEV_TUNNEL))
			watch_pushed(w, d, &items[i].ev, &items[i].time);
	}
	free(items);
	/* After the events that made it in: only the devices that lost some. */
	for (size_t i = 0; i < nlost; i++) {
		struct watch_dev *d = watch_find(w, lost[i]);
		struct wg_watch_event ev;

		if (!d || (d->type != DEV_ENGINE && d->type != DEV_TUNNEL))
			continue;
		watch_event_init(&ev, d, WG_WATCH_OVERFLOW, NULL);
		watch_emit(w, &ev);
	}
	free(lost);
}
